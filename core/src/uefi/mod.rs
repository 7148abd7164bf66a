//! UEFI structures and policies: GUIDs, signature databases, Secure Boot image verification, SBAT.

pub mod guid;
pub mod sbat;
pub mod secureboot;
pub mod siglist;
