//! UEFI variable stores read from real systems and virtual machines, and authenticated updates
//! applied to them. Two formats: Linux efivarfs files ([`efivarfs`]) and the EDK2/OVMF
//! non-volatile store inside a firmware volume ([`edk2`]). The core does no I/O: callers pass
//! file names and bytes in and write the returned bytes out.
//!
//! Entry points: [`edk2::NvStore::parse`], [`efivarfs::EfivarfsStore::from_files`],
//! [`apply_update_to_store`] and [`policy::secure_boot_policy`].

pub mod edk2;
pub mod efivarfs;
pub mod policy;

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::Error;
use crate::uefi::authvar::{Authorities, UpdateVerdict, VariableState, apply_update};
use crate::uefi::guid::{EFI_GLOBAL_VARIABLE, Guid};
use crate::uefi::time::EfiTime;

/// One live variable of a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// `VariableName` without the terminating NUL. Unpaired UTF-16 surrogates read as U+FFFD.
    pub name: String,
    /// `VendorGuid`.
    pub guid: Guid,
    /// `Attributes`.
    pub attributes: u32,
    /// `TimeStamp` of an authenticated store; `None` where the format does not record it.
    pub timestamp: Option<EfiTime>,
    /// The variable's data.
    pub data: Vec<u8>,
}

impl Variable {
    /// The state that [`apply_update`] checks a write against.
    pub fn state(&self) -> VariableState<'_> {
        VariableState { attributes: self.attributes, timestamp: self.timestamp, data: &self.data }
    }
}

/// A variable store: a list of live variables that can be changed.
pub trait VariableStore {
    /// The live variables, in store order.
    fn variables(&self) -> &[Variable];

    /// Writes `variable`, replacing a live variable with the same name and GUID.
    fn set(&mut self, variable: Variable) -> Result<(), Error>;

    /// Deletes the variable with this name and GUID; deleting an absent variable does nothing.
    fn remove(&mut self, name: &str, guid: &Guid) -> Result<(), Error>;

    /// Finds the live variable with this name and GUID.
    fn find(&self, name: &str, guid: &Guid) -> Option<&Variable> {
        self.variables().iter().find(|variable| variable.name == name && variable.guid == *guid)
    }
}

/// Applies `SetVariable(name, guid, attributes, update)` to `store` as firmware would: the
/// store's `PK` and `KEK` authorize the write (see [`apply_update`]), and an accepted write is
/// stored (or the variable deleted). A refused write leaves the store unchanged.
///
/// Returns `Err` when the update cannot be decoded or an accepted write does not fit the store.
pub fn apply_update_to_store(
    store: &mut dyn VariableStore,
    name: &str,
    guid: &Guid,
    attributes: u32,
    update: &[u8],
) -> Result<UpdateVerdict, Error> {
    let pk = store.find("PK", &EFI_GLOBAL_VARIABLE).map(|variable| variable.data.as_slice());
    let kek = store.find("KEK", &EFI_GLOBAL_VARIABLE).map(|variable| variable.data.as_slice());
    let authorities = Authorities { pk, kek };
    let current = store.find(name, guid).map(Variable::state);
    let verdict = apply_update(current.as_ref(), name, guid, attributes, update, &authorities)?;

    if let UpdateVerdict::Accepted { new_data, new_timestamp, new_attributes, deleted, .. } = &verdict {
        if *deleted {
            store.remove(name, guid)?;
        } else {
            store.set(Variable {
                name: String::from(name),
                guid: *guid,
                attributes: *new_attributes,
                timestamp: Some(*new_timestamp),
                data: new_data.clone(),
            })?;
        }
    }
    Ok(verdict)
}
