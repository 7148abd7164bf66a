//! Authenticated variable updates with `EFI_VARIABLE_AUTHENTICATION_2` (UEFI 2.10 section 8.2.2,
//! "Using the EFI_VARIABLE_AUTHENTICATION_2 descriptor", and section 32.3 for the Secure Boot
//! variables): parsing the descriptor, verifying its PKCS#7 signature against `PK` or `KEK`, and
//! computing the variable after the write, as EDK2's `AuthVariableLib` does.
//!
//! Entry point: [`apply_update`]. It covers `PK`, `KEK`, `db`, `dbx`, `dbt` and `dbr`; other
//! time-based authenticated variables ("private" variables, whose signer EDK2 records in its
//! `certdb` variable) are refused as unsupported.

mod apply;
mod descriptor;
mod verdict;
mod verify;

pub use apply::{Authorities, VariableState, apply_update};
pub use descriptor::{
    MAX_CERTIFICATE_DATA, VariableAuthentication2, WIN_CERT_REVISION_2_0, WIN_CERT_TYPE_EFI_GUID,
    WIN_CERTIFICATE_UEFI_GUID_HEADER_SIZE,
};
pub use verdict::{Authority, RefusalReason, UpdateVerdict};
pub use verify::signed_message;

/// `EFI_VARIABLE_NON_VOLATILE`.
pub const EFI_VARIABLE_NON_VOLATILE: u32 = 0x0000_0001;
/// `EFI_VARIABLE_BOOTSERVICE_ACCESS`.
pub const EFI_VARIABLE_BOOTSERVICE_ACCESS: u32 = 0x0000_0002;
/// `EFI_VARIABLE_RUNTIME_ACCESS`.
pub const EFI_VARIABLE_RUNTIME_ACCESS: u32 = 0x0000_0004;
/// `EFI_VARIABLE_HARDWARE_ERROR_RECORD`.
pub const EFI_VARIABLE_HARDWARE_ERROR_RECORD: u32 = 0x0000_0008;
/// `EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS` (counter-based, deprecated since UEFI 2.3.1).
pub const EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS: u32 = 0x0000_0010;
/// `EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS`.
pub const EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS: u32 = 0x0000_0020;
/// `EFI_VARIABLE_APPEND_WRITE`.
pub const EFI_VARIABLE_APPEND_WRITE: u32 = 0x0000_0040;
/// `EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS`.
pub const EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS: u32 = 0x0000_0080;

/// The attributes every Secure Boot key variable has: non-volatile, boot-service and runtime
/// access, time-based authenticated writes (0x27).
pub const SECURE_BOOT_VARIABLE_ATTRIBUTES: u32 = EFI_VARIABLE_NON_VOLATILE
    | EFI_VARIABLE_BOOTSERVICE_ACCESS
    | EFI_VARIABLE_RUNTIME_ACCESS
    | EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS;
