//! UEFI structures and policies: GUIDs, signature databases, Secure Boot image verification, SBAT.

pub mod device_path;
pub mod guid;
pub mod sbat;
pub mod secureboot;
pub mod shim;
pub mod sigdb;
pub mod siglist;
pub mod time;
