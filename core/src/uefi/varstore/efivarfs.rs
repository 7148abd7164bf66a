//! Linux efivarfs (`/sys/firmware/efi/efivars`): one file per variable, named
//! `VariableName-VendorGuid`, whose content is the attributes (u32 little-endian) followed by the
//! data. efivarfs does not expose the time stamp of authenticated variables.
//!
//! Entry points: [`parse_file_name`], [`EfivarfsStore::from_files`].

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Variable, VariableStore};
use crate::error::Error;
use crate::uefi::guid::Guid;
use crate::uefi::siglist::strip_efivarfs_attributes;

/// Length of the registry form of a GUID, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
const GUID_TEXT_LENGTH: usize = 36;

/// Splits an efivarfs file name into the variable name and GUID, or returns `None` when the
/// name does not end in `-` and a GUID.
pub fn parse_file_name(file_name: &str) -> Option<(&str, Guid)> {
    let split = file_name.len().checked_sub(GUID_TEXT_LENGTH.checked_add(1)?)?;
    let (name, rest) = file_name.split_at_checked(split)?;
    let guid_text = rest.strip_prefix('-')?;
    let guid = Guid::parse(guid_text)?;
    (!name.is_empty()).then_some((name, guid))
}

/// The efivarfs file name of a variable.
pub fn file_name(name: &str, guid: &Guid) -> String {
    format!("{name}-{guid}")
}

/// Encodes a variable as efivarfs file content: attributes, then data.
pub fn file_contents(variable: &Variable) -> Vec<u8> {
    let mut out = Vec::with_capacity(variable.data.len().saturating_add(4));
    out.extend_from_slice(&variable.attributes.to_le_bytes());
    out.extend_from_slice(&variable.data);
    out
}

/// Variables read from efivarfs files, kept in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EfivarfsStore {
    variables: Vec<Variable>,
}

impl EfivarfsStore {
    /// Reads `(file name, content)` pairs. Files whose name is not `Name-GUID` are skipped, as
    /// they are not variables; a variable file shorter than its 4-byte attribute word is an error.
    pub fn from_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Result<Self, Error> {
        let mut variables = Vec::new();
        for (file, contents) in files {
            let Some((name, guid)) = parse_file_name(file) else {
                continue;
            };
            let (attributes, data) = strip_efivarfs_attributes(contents)?;
            variables.push(Variable {
                name: String::from(name),
                guid,
                attributes,
                timestamp: None,
                data: data.to_vec(),
            });
        }
        Ok(Self { variables })
    }

    /// The files of the store: `(file name, content)` per variable.
    pub fn to_files(&self) -> Vec<(String, Vec<u8>)> {
        self.variables
            .iter()
            .map(|variable| (file_name(&variable.name, &variable.guid), file_contents(variable)))
            .collect()
    }
}

impl VariableStore for EfivarfsStore {
    fn variables(&self) -> &[Variable] {
        &self.variables
    }

    fn set(&mut self, variable: Variable) -> Result<(), Error> {
        // efivarfs keeps no time stamp, so none is stored.
        let variable = Variable { timestamp: None, ..variable };
        match self.variables.iter_mut().find(|found| found.name == variable.name && found.guid == variable.guid) {
            Some(found) => *found = variable,
            None => self.variables.push(variable),
        }
        Ok(())
    }

    fn remove(&mut self, name: &str, guid: &Guid) -> Result<(), Error> {
        self.variables.retain(|variable| !(variable.name == name && variable.guid == *guid));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uefi::guid::EFI_IMAGE_SECURITY_DATABASE;

    #[test]
    fn file_name_splits_at_guid() {
        let (name, guid) = parse_file_name("dbx-d719b2cb-3d3a-4596-a3bc-dad00e67656f").unwrap();
        assert_eq!(name, "dbx");
        assert_eq!(guid, EFI_IMAGE_SECURITY_DATABASE);
        assert!(parse_file_name("-d719b2cb-3d3a-4596-a3bc-dad00e67656f").is_none());
        assert!(parse_file_name("dbx").is_none());
        assert!(parse_file_name("dbx_d719b2cb-3d3a-4596-a3bc-dad00e67656f").is_none());
        assert_eq!(file_name("dbx", &guid), "dbx-d719b2cb-3d3a-4596-a3bc-dad00e67656f");
    }

    #[test]
    fn store_round_trips_files() {
        let contents = [0x27, 0, 0, 0, 1, 2, 3];
        let files = [("db-d719b2cb-3d3a-4596-a3bc-dad00e67656f", &contents[..]), ("README", &b"x"[..])];
        let store = EfivarfsStore::from_files(files).unwrap();
        assert_eq!(store.variables().len(), 1);
        assert_eq!(store.variables()[0].attributes, 0x27);
        assert_eq!(store.variables()[0].data, [1, 2, 3]);
        assert_eq!(store.to_files(), [(String::from(files[0].0), contents.to_vec())]);
    }
}
