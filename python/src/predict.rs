//! `Measurer`, `predict` and `Prediction`: measuring a boot as firmware does (PCR banks and event
//! log extended together) and predicting the PCR 4, 7 and 14 values of OVMF booting shim, GRUB
//! and a kernel.

use std::sync::Mutex;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use trusted_launch::boot::measure::{MeasureError, Measurer as CoreMeasurer};
use trusted_launch::boot::predict::{
    BootChain, PREDICTED_PCRS, PredictError, PredictOptions, Prediction as CorePrediction, predict as core_predict,
};
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::eventlog::EventType;
use trusted_launch::tpm::pcr::PcrBanks;
use trusted_launch::uefi::guid::{EFI_CERT_X509, Guid};
use trusted_launch::uefi::sigdb::SignatureEntry;

use crate::vars::VariableStore;
use crate::{parse_error, with_bytes};

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Measurer>()?;
    module.add_class::<Prediction>()?;
    module.add_function(wrap_pyfunction!(predict, module)?)?;
    Ok(())
}

fn algorithm_from_name(name: &str) -> PyResult<HashAlgorithm> {
    HashAlgorithm::ALL
        .into_iter()
        .find(|algorithm| algorithm.name() == name)
        .ok_or_else(|| PyValueError::new_err(format!("unknown bank {name}; expected sha1, sha256, sha384 or sha512")))
}

fn guid_from_text(text: &str) -> PyResult<Guid> {
    Guid::parse(text).ok_or_else(|| PyValueError::new_err(format!("not a GUID: {text}")))
}

fn measure_error(py: Python<'_>, error: MeasureError) -> PyErr {
    match error {
        MeasureError::Image(error) => parse_error(py, "image", &error),
        other => PyValueError::new_err(other.to_string()),
    }
}

fn type_name(event_type: EventType) -> String {
    event_type.name().map_or_else(|| format!("{:#010x}", event_type.0), str::to_owned)
}

/// `{bank: {pcr: value}}` for `pcrs` (every PCR when `None`).
fn banks_dict<'py>(py: Python<'py>, banks: &PcrBanks, pcrs: Option<&[u32]>) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for algorithm in banks.algorithms() {
        let values = PyDict::new(py);
        let indices: Vec<u32> = pcrs.map_or_else(|| (0..24).collect(), <[u32]>::to_vec);
        for pcr in indices {
            if let Some(value) = banks.value(algorithm, pcr) {
                values.set_item(pcr, PyBytes::new(py, value.as_bytes()))?;
            }
        }
        out.set_item(algorithm.name(), values)?;
    }
    Ok(out)
}

/// PCR banks and their TCG event log, extended together, for a VMM that boots a guest itself.
#[pyclass(frozen, module = "trusted_launch")]
struct Measurer {
    measurer: Mutex<CoreMeasurer>,
}

impl Measurer {
    fn with_measurer<R>(&self, body: impl FnOnce(&mut CoreMeasurer) -> R) -> PyResult<R> {
        let mut guard = self.measurer.lock().map_err(|_| PyValueError::new_err("the measurer lock is poisoned"))?;
        Ok(body(&mut guard))
    }
}

#[pymethods]
impl Measurer {
    /// Starts banks of `banks` (names such as `sha256`) in their reset state, PCR 0 started from
    /// `startup_locality` (0, 3 or 4), with a log holding its Spec ID event.
    #[new]
    #[pyo3(signature = (banks = vec!["sha1".to_owned(), "sha256".to_owned(), "sha384".to_owned(), "sha512".to_owned()], startup_locality = 0))]
    fn new(py: Python<'_>, banks: Vec<String>, startup_locality: u8) -> PyResult<Self> {
        let algorithms = banks.iter().map(|name| algorithm_from_name(name)).collect::<PyResult<Vec<_>>>()?;
        let measurer = CoreMeasurer::new(&algorithms, startup_locality).map_err(|error| measure_error(py, error))?;
        Ok(Self { measurer: Mutex::new(measurer) })
    }

    /// Measures a UEFI variable as UEFI_VARIABLE_DATA. EV_EFI_VARIABLE_BOOT (0x80000002) is
    /// digested over the data alone, as EDK2 does; other types over the whole structure.
    fn measure_variable(
        &self,
        py: Python<'_>,
        pcr: u32,
        event_type: u32,
        name: &str,
        guid: &str,
        data: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let guid = guid_from_text(guid)?;
        let result = with_bytes(data, |bytes| {
            self.with_measurer(|measurer| measurer.measure_variable(pcr, EventType(event_type), name, &guid, bytes))
        })??;
        result.map_err(|error| measure_error(py, error))
    }

    /// Measures the db entry (owner GUID and signature data) that authorized an image, as
    /// EV_EFI_VARIABLE_AUTHORITY into PCR 7.
    fn measure_authority(&self, py: Python<'_>, owner: &str, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let owner = guid_from_text(owner)?;
        let entry =
            with_bytes(data, |bytes| SignatureEntry { signature_type: EFI_CERT_X509, owner, data: bytes.to_vec() })?;
        self.with_measurer(|measurer| measurer.measure_authority(&entry))?.map_err(|error| measure_error(py, error))
    }

    /// Measures a PE image as UEFI_IMAGE_LOAD_EVENT with its Authenticode digest in each bank.
    #[pyo3(signature = (pcr, event_type, image, device_path = None))]
    fn measure_image(
        &self,
        py: Python<'_>,
        pcr: u32,
        event_type: u32,
        image: &Bound<'_, PyAny>,
        device_path: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let path = device_path.map(|path| with_bytes(path, <[u8]>::to_vec)).transpose()?.unwrap_or_default();
        let result = with_bytes(image, |bytes| {
            self.with_measurer(|measurer| measurer.measure_image(pcr, EventType(event_type), bytes, &path))
        })??;
        result.map_err(|error| measure_error(py, error))
    }

    /// Measures an EV_EFI_ACTION string.
    fn measure_action(&self, py: Python<'_>, pcr: u32, text: &str) -> PyResult<()> {
        self.with_measurer(|measurer| measurer.measure_action(pcr, text))?.map_err(|error| measure_error(py, error))
    }

    /// Measures an EV_SEPARATOR (00000000) into each PCR of `pcrs`.
    fn measure_separator(&self, py: Python<'_>, pcrs: Vec<u32>) -> PyResult<()> {
        self.with_measurer(|measurer| measurer.measure_separator(&pcrs))?.map_err(|error| measure_error(py, error))
    }

    /// Measures an EV_IPL event whose data is `data` and whose digest is its hash.
    fn measure_ipl(&self, py: Python<'_>, pcr: u32, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let result = with_bytes(data, |bytes| self.with_measurer(|measurer| measurer.measure_ipl(pcr, bytes)))??;
        result.map_err(|error| measure_error(py, error))
    }

    /// Returns the log so far.
    fn log<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let log = self.with_measurer(|measurer| measurer.log().to_vec())?;
        Ok(PyBytes::new(py, &log))
    }

    /// Returns every PCR of every bank as `{bank: {pcr: value}}`.
    fn pcrs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let banks = self.with_measurer(|measurer| measurer.banks().clone())?;
        banks_dict(py, &banks, None)
    }

    /// Returns the log bytes and the PCRs it replays to (as `pcrs()` does). The measurer stays
    /// usable.
    fn finish<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyDict>)> {
        Ok((self.log(py)?, self.pcrs(py)?))
    }
}

/// The outcome of `predict`: the predicted events and PCR values, or why the boot is rejected.
/// Truthy when the boot happens.
#[pyclass(frozen, module = "trusted_launch")]
struct Prediction {
    prediction: Option<CorePrediction>,
    refusal: Option<String>,
}

#[pymethods]
impl Prediction {
    /// Whether the boot happens (no image is rejected).
    #[getter]
    fn boots(&self) -> bool {
        self.prediction.is_some()
    }

    /// Why firmware or shim would reject an image, or None.
    #[getter]
    fn refusal(&self) -> Option<String> {
        self.refusal.clone()
    }

    /// Whether firmware boots with Secure Boot on; None for a rejected boot.
    #[getter]
    fn secure_boot(&self) -> Option<bool> {
        self.prediction.as_ref().map(|prediction| prediction.secure_boot)
    }

    /// Predicted PCRs 4, 7 and 14 as `{bank: {pcr: value}}`; empty for a rejected boot.
    #[getter]
    fn pcrs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        let Some(prediction) = &self.prediction else { return Ok(out) };
        for algorithm in prediction.algorithms() {
            let values = PyDict::new(py);
            for pcr in PREDICTED_PCRS {
                if let Some(value) = prediction.value(algorithm, pcr) {
                    values.set_item(pcr, PyBytes::new(py, value.as_bytes()))?;
                }
            }
            out.set_item(algorithm.name(), values)?;
        }
        Ok(out)
    }

    /// The predicted events as dicts with pcr, type (name), type_value, digests ({bank: hex}),
    /// data (bytes) and description.
    #[getter]
    fn events<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        let Some(prediction) = &self.prediction else { return Ok(list) };
        for event in &prediction.events {
            let entry = PyDict::new(py);
            entry.set_item("pcr", event.pcr)?;
            entry.set_item("type", type_name(event.event_type))?;
            entry.set_item("type_value", event.event_type.0)?;
            let digests = PyDict::new(py);
            for digest in &event.digests {
                digests.set_item(digest.algorithm().name(), digest.to_string())?;
            }
            entry.set_item("digests", digests)?;
            entry.set_item("data", PyBytes::new(py, &event.data))?;
            entry.set_item("description", &event.description)?;
            list.append(entry)?;
        }
        Ok(list)
    }

    /// The predicted event log (a Spec ID event and the predicted events); None for a rejected
    /// boot.
    #[getter]
    fn log<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.prediction.as_ref().map(|prediction| PyBytes::new(py, &prediction.log))
    }

    /// The prediction as JSON-ready values: PCR values and digests as lowercase hex.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        out.set_item("boots", self.boots())?;
        out.set_item("refusal", self.refusal())?;
        out.set_item("secure_boot", self.secure_boot())?;
        let pcrs = PyDict::new(py);
        if let Some(prediction) = &self.prediction {
            for algorithm in prediction.algorithms() {
                let values = PyDict::new(py);
                for pcr in PREDICTED_PCRS {
                    if let Some(value) = prediction.value(algorithm, pcr) {
                        values.set_item(pcr.to_string(), value.to_string())?;
                    }
                }
                pcrs.set_item(algorithm.name(), values)?;
            }
        }
        out.set_item("pcrs", pcrs)?;
        let events = self.events(py)?;
        for event in events.iter() {
            event.cast::<PyDict>()?.del_item("data")?;
        }
        out.set_item("events", events)?;
        Ok(out)
    }

    fn __bool__(&self) -> bool {
        self.boots()
    }
}

/// Predicts the events and PCR 4, 7 and 14 values, in all four banks, of OVMF booting `shim`,
/// which starts `grub`, which starts `kernel`, with `store` as it is before the boot.
/// `failed_boot_options` counts boot options firmware tries and fails first (1 for a default
/// QEMU q35 machine, whose empty DVD drive comes first). A rejected image gives a falsy
/// Prediction; ParseError or ValueError means an input cannot be used.
#[pyfunction]
#[pyo3(signature = (store, shim, grub, kernel, *, failed_boot_options = 1))]
fn predict(
    py: Python<'_>,
    store: &VariableStore,
    shim: &Bound<'_, PyAny>,
    grub: &Bound<'_, PyAny>,
    kernel: &Bound<'_, PyAny>,
    failed_boot_options: u32,
) -> PyResult<Prediction> {
    let options = PredictOptions { failed_boot_options, ..PredictOptions::default() };
    // The images are read in place, without copying, through nested buffer views.
    let result = with_bytes(shim, |shim| {
        with_bytes(grub, |grub| {
            with_bytes(kernel, |kernel| {
                store.with_variable_store(|store| core_predict(store, &BootChain { shim, grub, kernel }, &options))
            })
        })
    })????;
    match result {
        Ok(prediction) => Ok(Prediction { prediction: Some(prediction), refusal: None }),
        Err(error @ PredictError::Refused { .. }) => {
            Ok(Prediction { prediction: None, refusal: Some(error.to_string()) })
        }
        Err(PredictError::Store(error)) => Err(parse_error(py, "variable store", &error)),
        Err(PredictError::Image { stage, error }) => Err(parse_error(py, stage.name(), &error)),
        Err(error) => Err(PyValueError::new_err(error.to_string())),
    }
}
