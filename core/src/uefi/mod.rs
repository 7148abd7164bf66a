//! UEFI structures and policies: GUIDs, signature databases, Secure Boot image verification, SBAT,
//! authenticated variable updates and variable stores.

pub mod authvar;
pub mod device_path;
pub mod guid;
pub mod sbat;
pub mod secureboot;
pub mod shim;
pub mod sigdb;
pub mod siglist;
pub mod time;
pub mod varstore;
