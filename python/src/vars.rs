//! `VariableStore` and `UpdateVerdict`: UEFI variable stores (EDK2/OVMF images, efivarfs files)
//! and authenticated updates applied to them.

use std::sync::Mutex;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use trusted_launch::uefi::authvar::{
    Authority, EFI_VARIABLE_APPEND_WRITE, SECURE_BOOT_VARIABLE_ATTRIBUTES, UpdateVerdict as CoreVerdict,
};
use trusted_launch::uefi::guid::{EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, Guid};
use trusted_launch::uefi::time::EfiTime;
use trusted_launch::uefi::varstore::edk2::NvStore;
use trusted_launch::uefi::varstore::efivarfs::EfivarfsStore;
use trusted_launch::uefi::varstore::policy::secure_boot_policy;
use trusted_launch::uefi::varstore::{VariableStore as CoreStore, apply_update_to_store};

use crate::secureboot::SecureBootPolicy;
use crate::{parse_error, with_bytes};

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<VariableStore>()?;
    module.add_class::<UpdateVerdict>()?;
    Ok(())
}

pub(crate) enum Store {
    Edk2(NvStore),
    Efivarfs(EfivarfsStore),
}

impl Store {
    pub(crate) fn store(&self) -> &dyn CoreStore {
        match self {
            Self::Edk2(store) => store,
            Self::Efivarfs(store) => store,
        }
    }

    fn store_mut(&mut self) -> &mut dyn CoreStore {
        match self {
            Self::Edk2(store) => store,
            Self::Efivarfs(store) => store,
        }
    }
}

fn time_text(time: &EfiTime) -> String {
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", time.year, time.month, time.day, time.hour, time.minute, time.second)
}

/// A UEFI variable store: an EDK2/OVMF non-volatile store image or a set of efivarfs files.
/// Accepted updates change the store in place; `to_bytes()` returns the updated EDK2 image.
#[pyclass(frozen, module = "trusted_launch")]
pub(crate) struct VariableStore {
    store: Mutex<Store>,
}

impl VariableStore {
    /// Runs `body` on the store, for other modules of the bindings.
    pub(crate) fn with_variable_store<R>(&self, body: impl FnOnce(&dyn CoreStore) -> R) -> PyResult<R> {
        self.with_store(|store| body(store.store()))
    }

    pub(crate) fn with_store<R>(&self, body: impl FnOnce(&mut Store) -> R) -> PyResult<R> {
        let mut guard = self.store.lock().map_err(|_| PyValueError::new_err("the store lock is poisoned"))?;
        Ok(body(&mut guard))
    }
}

#[pymethods]
impl VariableStore {
    /// Parses an EDK2/OVMF variable store image (`OVMF_VARS*.fd`).
    #[staticmethod]
    fn from_edk2(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let store = with_bytes(data, NvStore::parse)?.map_err(|error| parse_error(py, "variable store", &error))?;
        Ok(Self { store: Mutex::new(Store::Edk2(store)) })
    }

    /// Reads efivarfs files given as `{file name: contents}`; names that are not `Name-GUID` are
    /// skipped.
    #[staticmethod]
    fn from_efivarfs(py: Python<'_>, files: &Bound<'_, PyDict>) -> PyResult<Self> {
        let mut owned: Vec<(String, Vec<u8>)> = Vec::new();
        for (name, contents) in files.iter() {
            let name: String = name.extract()?;
            owned.push((name, with_bytes(&contents, <[u8]>::to_vec)?));
        }
        let store = EfivarfsStore::from_files(owned.iter().map(|(name, bytes)| (name.as_str(), bytes.as_slice())))
            .map_err(|error| parse_error(py, "efivarfs file", &error))?;
        Ok(Self { store: Mutex::new(Store::Efivarfs(store)) })
    }

    /// Returns the live variables as dicts with name, guid, attributes, timestamp (ISO 8601 or None) and
    /// data (bytes).
    fn variables<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        let variables = self.with_store(|store| store.store().variables().to_vec())?;
        for variable in variables {
            let entry = PyDict::new(py);
            entry.set_item("name", &variable.name)?;
            entry.set_item("guid", variable.guid.to_string())?;
            entry.set_item("attributes", variable.attributes)?;
            entry.set_item(
                "timestamp",
                variable.timestamp.filter(|time| !time.is_zero()).map(|time| time_text(&time)),
            )?;
            entry.set_item("data", PyBytes::new(py, &variable.data))?;
            list.append(entry)?;
        }
        Ok(list)
    }

    /// Applies an EFI_VARIABLE_AUTHENTICATION_2 update as firmware would, against the store's PK
    /// and KEK, and stores an accepted write. `guid` defaults to EFI_GLOBAL_VARIABLE for PK and
    /// KEK and to EFI_IMAGE_SECURITY_DATABASE_GUID otherwise; `attributes` defaults to 0x27, or
    /// 0x67 with `append`. Raises ParseError when the update cannot be decoded.
    #[pyo3(signature = (name, update, *, guid = None, append = false, attributes = None))]
    fn apply_update(
        &self,
        py: Python<'_>,
        name: &str,
        update: &Bound<'_, PyAny>,
        guid: Option<&str>,
        append: bool,
        attributes: Option<u32>,
    ) -> PyResult<UpdateVerdict> {
        let guid = match guid {
            Some(text) => Guid::parse(text).ok_or_else(|| PyValueError::new_err(format!("not a GUID: {text}")))?,
            None if matches!(name, "PK" | "KEK") => EFI_GLOBAL_VARIABLE,
            None => EFI_IMAGE_SECURITY_DATABASE,
        };
        let attributes = attributes.unwrap_or(if append {
            SECURE_BOOT_VARIABLE_ATTRIBUTES | EFI_VARIABLE_APPEND_WRITE
        } else {
            SECURE_BOOT_VARIABLE_ATTRIBUTES
        });
        let update = with_bytes(update, <[u8]>::to_vec)?;
        let verdict = py.detach(|| {
            self.with_store(|store| apply_update_to_store(store.store_mut(), name, &guid, attributes, &update))
        })?;
        let verdict = verdict.map_err(|error| parse_error(py, "update", &error))?;
        Ok(UpdateVerdict::from_core(&verdict))
    }

    /// Encodes the EDK2 image with every accepted write applied. Raises ValueError for efivarfs stores.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let image = self.with_store(|store| match store {
            Store::Edk2(store) => Some(store.to_bytes()),
            Store::Efivarfs(_) => None,
        })?;
        let image = image.ok_or_else(|| PyValueError::new_err("an efivarfs store has no image"))?;
        Ok(PyBytes::new(py, &image))
    }

    /// Builds a SecureBootPolicy from the store's db, dbx, dbt and SbatLevel.
    fn secure_boot_policy(&self, py: Python<'_>) -> PyResult<SecureBootPolicy> {
        let policy = self.with_store(|store| secure_boot_policy(store.store()))?;
        let policy = policy.map_err(|error| parse_error(py, "variable store", &error))?;
        Ok(SecureBootPolicy { policy })
    }

    fn __len__(&self) -> PyResult<usize> {
        self.with_store(|store| store.store().variables().len())
    }
}

/// The outcome of one authenticated write. Truthy when accepted.
#[pyclass(frozen, module = "trusted_launch")]
struct UpdateVerdict {
    #[pyo3(get)]
    accepted: bool,
    #[pyo3(get)]
    reason: Option<String>,
    #[pyo3(get)]
    detail: Option<String>,
    #[pyo3(get)]
    entries_before: Option<usize>,
    #[pyo3(get)]
    entries_after: Option<usize>,
    #[pyo3(get)]
    new_timestamp: Option<String>,
    #[pyo3(get)]
    deleted: bool,
    #[pyo3(get)]
    authority: Option<String>,
}

impl UpdateVerdict {
    fn from_core(verdict: &CoreVerdict) -> Self {
        match verdict {
            CoreVerdict::Accepted { entries_before, entries_after, new_timestamp, deleted, authority, .. } => Self {
                accepted: true,
                reason: None,
                detail: None,
                entries_before: Some(*entries_before),
                entries_after: Some(*entries_after),
                new_timestamp: Some(time_text(new_timestamp)),
                deleted: *deleted,
                authority: Some(
                    match authority {
                        Authority::SetupMode => "setup_mode",
                        Authority::PlatformKey { .. } => "platform_key",
                        Authority::KeyExchangeKey { .. } => "key_exchange_key",
                        _ => "other",
                    }
                    .to_owned(),
                ),
            },
            CoreVerdict::Refused { reason } => Self {
                accepted: false,
                reason: Some(reason.code().to_owned()),
                detail: Some(reason.to_string()),
                entries_before: None,
                entries_after: None,
                new_timestamp: None,
                deleted: false,
                authority: None,
            },
        }
    }
}

#[pymethods]
impl UpdateVerdict {
    /// Returns the verdict as a dict with the same keys as the properties.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("accepted", self.accepted)?;
        dict.set_item("reason", &self.reason)?;
        dict.set_item("detail", &self.detail)?;
        dict.set_item("entries_before", self.entries_before)?;
        dict.set_item("entries_after", self.entries_after)?;
        dict.set_item("new_timestamp", &self.new_timestamp)?;
        dict.set_item("deleted", self.deleted)?;
        dict.set_item("authority", &self.authority)?;
        Ok(dict)
    }

    fn __bool__(&self) -> bool {
        self.accepted
    }
}
