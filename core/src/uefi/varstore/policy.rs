//! A Secure Boot policy read from a variable store: `db`, `dbx` and `dbt` under
//! `EFI_IMAGE_SECURITY_DATABASE_GUID` (UEFI 2.10 section 32.6.1) and shim's `SbatLevel`.
//! Entry point: [`secure_boot_policy`].

use super::VariableStore;
use crate::error::Error;
use crate::uefi::guid::{EFI_IMAGE_SECURITY_DATABASE, SHIM_LOCK};
use crate::uefi::sbat::SbatLevelOwned;
use crate::uefi::secureboot::SecureBootPolicy;
use crate::uefi::sigdb::SignatureDatabase;
use crate::uefi::siglist::{ParseOptions, parse_signature_lists_with};

/// Builds a policy from the store's `db`, `dbx` and `dbt` (an absent variable is an empty
/// database) and its `SbatLevel`, or `SbatLevelRT` when only the runtime copy is present (as in
/// efivarfs). Signature lists of types UEFI does not define are kept, as firmware stores them.
///
/// Returns `Err` when one of these variables cannot be parsed.
pub fn secure_boot_policy(store: &dyn VariableStore) -> Result<SecureBootPolicy, Error> {
    let database = |name: &str| -> Result<SignatureDatabase, Error> {
        let mut database = SignatureDatabase::new();
        if let Some(variable) = store.find(name, &EFI_IMAGE_SECURITY_DATABASE) {
            for list in parse_signature_lists_with(&variable.data, 0, &ParseOptions { allow_unknown_types: true })? {
                database.add_list(&list);
            }
        }
        Ok(database)
    };
    let sbat_level = store
        .find("SbatLevel", &SHIM_LOCK)
        .or_else(|| store.find("SbatLevelRT", &SHIM_LOCK))
        .map(|variable| SbatLevelOwned::parse(&variable.data))
        .transpose()?;

    Ok(SecureBootPolicy {
        db: database("db")?,
        dbx: database("dbx")?,
        dbt: database("dbt")?,
        sbat_level,
        ..SecureBootPolicy::default()
    })
}
