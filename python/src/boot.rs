//! `Baseline`, `verify_boot` and `BootReport`: a boot judged against a trusted baseline. The
//! report's dictionary form is the core's report JSON, documented in the README under "Boot
//! report".

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use trusted_launch::boot::report::Verdict;
use trusted_launch::boot::{
    Baseline as CoreBaseline, BootEvidence, BootImage, BootPolicy, BootReport as CoreReport, PcrEvidence,
    QuoteEvidence, VariableEvidence, verify_boot as core_verify_boot,
};
use trusted_launch::eventlog::{EventLog, ParseOptions};
use trusted_launch::uefi::varstore::VariableStore as CoreStore;

use crate::quote::{AttestationKey, values_from};
use crate::vars::{Store, VariableStore};
use crate::{parse_error, with_bytes};

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Baseline>()?;
    module.add_class::<BootReport>()?;
    module.add_function(wrap_pyfunction!(verify_boot, module)?)?;
    Ok(())
}

/// A trusted baseline: the events and PCR values of a known-good boot, with every accepted
/// value per event.
#[pyclass(frozen, module = "trusted_launch")]
struct Baseline {
    baseline: CoreBaseline,
}

#[pymethods]
impl Baseline {
    /// Captures the baseline of a known-good boot from its event log and, optionally, the
    /// variable store it booted with.
    #[staticmethod]
    #[pyo3(signature = (log, store = None))]
    fn capture(py: Python<'_>, log: &Bound<'_, PyAny>, store: Option<&VariableStore>) -> PyResult<Self> {
        let result = with_bytes(log, |bytes| -> PyResult<_> {
            let parsed = EventLog::parse(bytes, ParseOptions { allow_padding: true, ..ParseOptions::default() });
            let parsed = parsed.map_err(|error| parse_error(py, "event log", &error))?;
            match store {
                Some(store) => store.with_store(|store| CoreBaseline::capture(&parsed, Some(store.store()))),
                None => Ok(CoreBaseline::capture(&parsed, None)),
            }
        })??;
        let baseline = result.map_err(|error| parse_error(py, "event log", &error))?;
        Ok(Self { baseline })
    }

    /// Reads a baseline from its JSON (schema version 1).
    #[staticmethod]
    fn from_json(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let baseline =
            with_bytes(data, CoreBaseline::from_json)?.map_err(|error| parse_error(py, "baseline", &error))?;
        Ok(Self { baseline })
    }

    /// A baseline that also accepts every value of `other`, a baseline of the same chain with
    /// some components changed (a kernel roll-out).
    fn merged(&self, py: Python<'_>, other: &Self) -> PyResult<Self> {
        let mut baseline = self.baseline.clone();
        baseline.merge(&other.baseline).map_err(|error| parse_error(py, "baseline", &error))?;
        Ok(Self { baseline })
    }

    /// The baseline as JSON.
    fn to_json(&self) -> String {
        self.baseline.to_json()
    }

    /// Number of events.
    fn __len__(&self) -> usize {
        self.baseline.events.len()
    }
}

/// The judgement of one boot. Truthy only when the verdict is `"trusted"`.
#[pyclass(frozen, module = "trusted_launch")]
struct BootReport {
    report: CoreReport,
}

#[pymethods]
impl BootReport {
    /// `"trusted"`, `"untrusted"` or `"incomplete"`.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.report.verdict.code()
    }

    /// The alerts' kinds, in the order they were raised.
    #[getter]
    fn alert_kinds<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.report.alerts.iter().map(|alert| alert.kind.code()))
    }

    /// The report as JSON.
    fn to_json(&self) -> String {
        self.report.to_json()
    }

    /// The report as a dictionary (the JSON form, decoded by Python's `json`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let json = py.import("json")?;
        json.call_method1("loads", (self.report.to_json(),))?.cast_into::<PyDict>().map_err(Into::into)
    }

    fn __bool__(&self) -> bool {
        self.report.verdict == Verdict::Trusted
    }

    fn __repr__(&self) -> String {
        format!("BootReport(verdict={:?}, deviations={})", self.report.verdict.code(), self.report.deviations.len())
    }
}

/// Judges a boot. `log` is the TCG event log; a quote is `attest`, `signature`, `key` and
/// `nonce` (with `quote_pcr_values`, the quoted values, optional); `pcr_values` are values
/// trusted without a quote (`{"sha256": {0: bytes}}`); `store` is the variable store the machine
/// booted with; `images` are `(name, bytes)` in boot order. Raises `ParseError` only for input
/// that cannot be read.
#[pyfunction]
#[pyo3(signature = (log = None, *, attest = None, signature = None, key = None, nonce = None, quote_pcr_values = None, pcr_values = None, store = None, images = Vec::new(), baseline = None, require_secure_boot = false))]
#[allow(clippy::too_many_arguments, reason = "mirrors the keyword arguments of the Python function")]
fn verify_boot(
    py: Python<'_>,
    log: Option<&Bound<'_, PyAny>>,
    attest: Option<&Bound<'_, PyAny>>,
    signature: Option<&Bound<'_, PyAny>>,
    key: Option<&AttestationKey>,
    nonce: Option<&Bound<'_, PyAny>>,
    quote_pcr_values: Option<&Bound<'_, PyDict>>,
    pcr_values: Option<&Bound<'_, PyDict>>,
    store: Option<&VariableStore>,
    images: Vec<(String, Vec<u8>)>,
    baseline: Option<&Baseline>,
    require_secure_boot: bool,
) -> PyResult<BootReport> {
    let log = log.map(|log| with_bytes(log, <[u8]>::to_vec)).transpose()?;
    let attest = attest.map(|attest| with_bytes(attest, <[u8]>::to_vec)).transpose()?;
    let signature = signature.map(|signature| with_bytes(signature, <[u8]>::to_vec)).transpose()?;
    let nonce = nonce.map(|nonce| with_bytes(nonce, <[u8]>::to_vec)).transpose()?;
    let quote_values = quote_pcr_values.map(values_from).transpose()?;
    let trusted_values = pcr_values.map(values_from).transpose()?;

    let pcrs = match (&attest, &signature, key, &nonce) {
        (Some(attest), Some(signature), Some(key), Some(nonce)) => PcrEvidence::Quote(QuoteEvidence {
            attest,
            signature,
            attestation_key: &key.key,
            nonce,
            pcr_values: quote_values.as_ref(),
        }),
        (None, None, None, None) => trusted_values.as_ref().map_or(PcrEvidence::None, PcrEvidence::Trusted),
        _ => {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "a quote needs attest, signature, key and nonce together",
            ));
        }
    };
    let policy = BootPolicy {
        require_secure_boot,
        baseline: baseline.map(|baseline| baseline.baseline.clone()),
        ..BootPolicy::default()
    };
    let boot_images: Vec<BootImage<'_>> = images.iter().map(|(name, bytes)| BootImage { name, bytes }).collect();

    // The store is borrowed through its concrete type, which is `Sync`, so that verification
    // runs with the GIL released.
    let run = |store: Option<&(dyn CoreStore + Sync)>| {
        py.detach(|| {
            let evidence = BootEvidence {
                event_log: log.as_deref(),
                pcrs,
                variables: store.map(|store| VariableEvidence::Store(store)),
                images: boot_images.clone(),
            };
            core_verify_boot(&evidence, &policy)
        })
    };
    let report = match store {
        Some(store) => store.with_store(|store| match store {
            Store::Edk2(store) => run(Some(store)),
            Store::Efivarfs(store) => run(Some(store)),
        })?,
        None => run(None),
    }
    .map_err(|error| parse_error(py, "boot evidence", &error))?;
    Ok(BootReport { report })
}
