//! `AttestationKey`, `verify_quote` and `QuoteVerdict`.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use trusted_launch::digest::{Digest, HashAlgorithm};
use trusted_launch::tpm::attestation_key::{AttestationKey as CoreKey, Hierarchy};
use trusted_launch::tpm::pcr_values::PcrValues;
use trusted_launch::tpm::quote::{QuoteOptions, QuoteRefusal, QuoteVerdict, verify_quote_with_options};
use trusted_launch::tpm::selection::{PcrSelection, PcrSelectionList};

use crate::{parse_error, with_bytes};

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<AttestationKey>()?;
    module.add_class::<QuoteVerdictPy>()?;
    module.add_function(wrap_pyfunction!(verify_quote, module)?)?;
    Ok(())
}

/// An attestation key, read from a TPM2B_PUBLIC or TPMT_PUBLIC (`tpm2_createak -u`), or from a
/// SubjectPublicKeyInfo in DER or PEM. A SubjectPublicKeyInfo does not show that the key is
/// restricted, so its quotes are refused unless `danger_accept_unrestricted_key` is set.
#[pyclass(frozen, module = "trusted_launch")]
pub(crate) struct AttestationKey {
    pub(crate) key: CoreKey,
}

#[pymethods]
impl AttestationKey {
    #[new]
    #[pyo3(signature = (data, *, hierarchy = None))]
    fn new(py: Python<'_>, data: &Bound<'_, PyAny>, hierarchy: Option<&str>) -> PyResult<Self> {
        let hierarchy = match hierarchy {
            None => Hierarchy::Unknown,
            Some("endorsement") => Hierarchy::Endorsement,
            Some("platform") => Hierarchy::Platform,
            Some("owner") => Hierarchy::Owner,
            Some("null") => Hierarchy::Null,
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "unknown hierarchy {other:?}; expected endorsement, platform, owner or null"
                )));
            }
        };
        let key = with_bytes(data, |bytes| match CoreKey::from_tpm_public(bytes) {
            Ok(key) => Ok(key),
            Err(tpm_error) => match std::str::from_utf8(bytes) {
                Ok(text) if text.contains("-----BEGIN") => CoreKey::from_spki_pem(text),
                _ => CoreKey::from_spki_der(bytes).map_err(|_| tpm_error),
            },
        })?
        .map_err(|error| parse_error(py, "attestation key", &error))?;
        Ok(Self { key: key.with_hierarchy(hierarchy) })
    }

    /// `objectAttributes`, or None for a SubjectPublicKeyInfo key.
    #[getter]
    fn object_attributes(&self) -> Option<u32> {
        self.key.object_attributes().map(|attributes| attributes.0)
    }

    /// The key's Name (`nameAlg` followed by the hash of its TPMT_PUBLIC), or None for a
    /// SubjectPublicKeyInfo key.
    #[getter]
    fn name<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.key.name().map(|name| PyBytes::new(py, name))
    }

    /// Whether the public area shows the key is restricted, sign and fixedTPM.
    #[getter]
    fn is_restricted_signing_key(&self) -> bool {
        self.key.is_restricted_signing_key()
    }
}

fn hash_by_name(name: &str) -> PyResult<HashAlgorithm> {
    HashAlgorithm::ALL
        .into_iter()
        .find(|algorithm| algorithm.name() == name)
        .ok_or_else(|| PyValueError::new_err(format!("unknown bank {name:?}; expected sha1, sha256, sha384 or sha512")))
}

/// Reads a selection: a tpm2-tools string (`"sha256:0,1,2+sha1:3"`) or a sequence of
/// `(bank, [pcr, ...])` pairs, in quote order.
fn selection_from(object: &Bound<'_, PyAny>) -> PyResult<PcrSelectionList> {
    let mut banks: Vec<(String, Vec<u32>)> = Vec::new();
    if let Ok(text) = object.extract::<String>() {
        for bank in text.split('+') {
            let (name, pcrs) = bank.split_once(':').ok_or_else(|| {
                PyValueError::new_err(format!("invalid PCR list {text:?}; expected e.g. sha256:0,1,2"))
            })?;
            let pcrs = pcrs
                .split(',')
                .map(|pcr| pcr.trim().parse::<u32>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| PyValueError::new_err(format!("invalid PCR index in {text:?}")))?;
            banks.push((name.to_owned(), pcrs));
        }
    } else {
        banks = object.extract()?;
    }

    let mut list = PcrSelectionList::new();
    for (name, pcrs) in banks {
        let entry =
            PcrSelection::new(hash_by_name(&name)?, pcrs).ok_or_else(|| PyValueError::new_err("PCR index above 31"))?;
        list.push(entry).map_err(|error| PyValueError::new_err(error.to_string()))?;
    }
    Ok(list)
}

/// Reads `{"sha256": {0: bytes, ...}, ...}`.
pub(crate) fn values_from(object: &Bound<'_, PyDict>) -> PyResult<PcrValues> {
    let mut values = PcrValues::new();
    for (bank, pcrs) in object.iter() {
        let bank = hash_by_name(&bank.extract::<String>()?)?;
        for (index, value) in pcrs.cast::<PyDict>()?.iter() {
            let index: u32 = index.extract()?;
            let bytes: Vec<u8> = value.extract()?;
            let digest = Digest::new(bank, &bytes).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "{bank} PCR {index} has {} bytes, not {}",
                    bytes.len(),
                    bank.output_size()
                ))
            })?;
            values.insert(index, digest);
        }
    }
    Ok(values)
}

/// Verifies a TPM2_Quote. `attest` is the TPMS_ATTEST (`tpm2_quote -m`), `signature` the
/// TPMT_SIGNATURE (`tpm2_quote -s`), `nonce` the qualifying data sent to the TPM, `selection`
/// the PCRs requested, and `pcr_values` the values held, as `{"sha256": {0: bytes, ...}}` (None
/// skips the pcrDigest comparison). Raises `ParseError` only when a structure cannot be read; a
/// refused quote is a verdict.
#[pyfunction]
#[pyo3(signature = (key, attest, signature, nonce, selection, pcr_values = None, *, allow_sha1 = false, danger_accept_unrestricted_key = false))]
#[allow(clippy::too_many_arguments, reason = "mirrors the keyword arguments of the Python function")]
fn verify_quote(
    py: Python<'_>,
    key: &AttestationKey,
    attest: &Bound<'_, PyAny>,
    signature: &Bound<'_, PyAny>,
    nonce: &Bound<'_, PyAny>,
    selection: &Bound<'_, PyAny>,
    pcr_values: Option<&Bound<'_, PyDict>>,
    allow_sha1: bool,
    danger_accept_unrestricted_key: bool,
) -> PyResult<QuoteVerdictPy> {
    let selection = selection_from(selection)?;
    let values = pcr_values.map(values_from).transpose()?;
    let options = QuoteOptions { allow_sha1, danger_accept_unrestricted_key };
    let nonce = with_bytes(nonce, <[u8]>::to_vec)?;
    let signature = with_bytes(signature, <[u8]>::to_vec)?;

    let verdict = with_bytes(attest, |attest| {
        py.detach(|| {
            verify_quote_with_options(&options, &key.key, attest, &signature, &nonce, &selection, values.as_ref())
        })
    })?
    .map_err(|error| parse_error(py, "quote", &error))?;
    Ok(QuoteVerdictPy { verdict })
}

/// The verdict on one quote. Truthy when the quote is valid.
#[pyclass(frozen, name = "QuoteVerdict", module = "trusted_launch")]
struct QuoteVerdictPy {
    verdict: QuoteVerdict,
}

#[pymethods]
impl QuoteVerdictPy {
    /// Whether every check passed.
    #[getter]
    fn valid(&self) -> bool {
        self.verdict.is_valid()
    }

    /// `"valid"` or the refusal code, such as `"nonce_mismatch"`.
    #[getter]
    fn reason(&self) -> &'static str {
        self.verdict.code()
    }

    /// A sentence explaining the verdict.
    #[getter]
    fn detail(&self) -> String {
        match &self.verdict {
            QuoteVerdict::Valid(_) => "the quote is genuine, fresh and over the requested PCRs".to_owned(),
            QuoteVerdict::Refused(refusal) => refusal.to_string(),
        }
    }

    /// The quoted selection (`"sha256:0,1,2"`), for a valid quote.
    #[getter]
    fn selection(&self) -> Option<String> {
        self.quote().map(|quote| quote.selection.to_string())
    }

    /// pcrDigest, for a valid quote.
    #[getter]
    fn pcr_digest<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.quote().map(|quote| PyBytes::new(py, quote.pcr_digest.as_bytes()))
    }

    /// Whether PCR values were given and hash to pcrDigest.
    #[getter]
    fn pcr_values_checked(&self) -> bool {
        self.quote().is_some_and(|quote| quote.pcr_values.is_some())
    }

    /// clockInfo.clock in milliseconds, for a valid quote.
    #[getter]
    fn clock(&self) -> Option<u64> {
        self.quote().map(|quote| quote.clock_info.clock)
    }

    /// clockInfo.resetCount, for a valid quote; see `obfuscation`.
    #[getter]
    fn reset_count(&self) -> Option<u32> {
        self.quote().map(|quote| quote.clock_info.reset_count)
    }

    /// clockInfo.restartCount, for a valid quote; see `obfuscation`.
    #[getter]
    fn restart_count(&self) -> Option<u32> {
        self.quote().map(|quote| quote.clock_info.restart_count)
    }

    /// clockInfo.safe, for a valid quote.
    #[getter]
    fn safe(&self) -> Option<bool> {
        self.quote().map(|quote| quote.clock_info.safe)
    }

    /// firmwareVersion, for a valid quote; see `obfuscation`.
    #[getter]
    fn firmware_version(&self) -> Option<u64> {
        self.quote().map(|quote| quote.firmware_version)
    }

    /// Whether resetCount, restartCount and firmwareVersion are obfuscated: `"not_applied"`,
    /// `"applied"` or `"unknown"` (the key's hierarchy was not given).
    #[getter]
    fn obfuscation(&self) -> Option<&'static str> {
        self.quote().map(|quote| quote.obfuscation.code())
    }

    /// qualifiedSigner, the signing key's Qualified Name, for a valid quote.
    #[getter]
    fn qualified_signer<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.quote().map(|quote| PyBytes::new(py, &quote.qualified_signer))
    }

    /// For a pcrDigest mismatch, every selected PCR as a dict (`bank`, `index`, `value`, None when
    /// missing); otherwise None.
    #[getter]
    fn pcrs<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        let QuoteVerdict::Refused(QuoteRefusal::PcrDigestMismatch { pcrs, .. }) = &self.verdict else {
            return Ok(None);
        };
        let list = PyList::empty(py);
        for pcr in pcrs {
            let dict = PyDict::new(py);
            dict.set_item("bank", pcr.bank.name())?;
            dict.set_item("index", pcr.index)?;
            dict.set_item("value", pcr.value.map(|value| PyBytes::new(py, value.as_bytes())))?;
            list.append(dict)?;
        }
        Ok(Some(list))
    }

    /// The verdict as a dict with the keys of the CLI's `--json` output.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("valid", self.valid())?;
        dict.set_item("reason", self.reason())?;
        dict.set_item("detail", self.detail())?;
        dict.set_item("selection", self.selection())?;
        dict.set_item("pcr_digest", self.quote().map(|quote| quote.pcr_digest.to_string()))?;
        let clock = match self.quote() {
            Some(quote) => {
                let clock = PyDict::new(py);
                clock.set_item("clock", quote.clock_info.clock)?;
                clock.set_item("reset_count", quote.clock_info.reset_count)?;
                clock.set_item("restart_count", quote.clock_info.restart_count)?;
                clock.set_item("safe", quote.clock_info.safe)?;
                Some(clock)
            }
            None => None,
        };
        dict.set_item("clock", clock)?;
        dict.set_item("firmware_version", self.firmware_version())?;
        dict.set_item("obfuscation", self.obfuscation())?;
        dict.set_item("qualified_signer", self.quote().map(|quote| hex(&quote.qualified_signer)))?;
        Ok(dict)
    }

    fn __bool__(&self) -> bool {
        self.valid()
    }

    fn __repr__(&self) -> String {
        format!("<QuoteVerdict {}>", self.reason())
    }
}

impl QuoteVerdictPy {
    fn quote(&self) -> Option<&trusted_launch::tpm::quote::VerifiedQuote> {
        match &self.verdict {
            QuoteVerdict::Valid(quote) => Some(quote),
            QuoteVerdict::Refused(_) => None,
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
