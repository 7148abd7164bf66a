//! `SecureBootPolicy` and `ImageVerdict`.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use trusted_launch::uefi::sbat::SbatLevelOwned;
use trusted_launch::uefi::secureboot::{AuthorizedBy, ImageVerdict, RevocationScope, SecureBootPolicy as CorePolicy};
use trusted_launch::uefi::sigdb::SignatureDatabase;

use crate::{parse_error, with_bytes};

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<SecureBootPolicy>()?;
    module.add_class::<ImageVerdictPy>()?;
    Ok(())
}

fn database(py: Python<'_>, name: &str, object: Option<&Bound<'_, PyAny>>) -> PyResult<SignatureDatabase> {
    match object {
        None => Ok(SignatureDatabase::new()),
        Some(object) => {
            with_bytes(object, SignatureDatabase::from_bytes)?.map_err(|error| parse_error(py, name, &error))
        }
    }
}

/// A Secure Boot policy: `db`, `dbx` and `dbt` as signature-list bytes (the variable data without
/// an efivarfs attribute word), shim's `SbatLevel`, and whether a revoked signature refuses the
/// whole image (the default) or only itself.
#[pyclass(frozen, module = "trusted_launch")]
pub(crate) struct SecureBootPolicy {
    pub(crate) policy: CorePolicy,
}

#[pymethods]
impl SecureBootPolicy {
    #[new]
    #[pyo3(signature = (*, db = None, dbx = None, dbt = None, sbat_level = None, per_signature_revocation = false))]
    fn new(
        py: Python<'_>,
        db: Option<&Bound<'_, PyAny>>,
        dbx: Option<&Bound<'_, PyAny>>,
        dbt: Option<&Bound<'_, PyAny>>,
        sbat_level: Option<&Bound<'_, PyAny>>,
        per_signature_revocation: bool,
    ) -> PyResult<Self> {
        let mut policy = CorePolicy::new(database(py, "db", db)?, database(py, "dbx", dbx)?);
        policy.dbt = database(py, "dbt", dbt)?;
        if let Some(level) = sbat_level {
            let parsed =
                with_bytes(level, SbatLevelOwned::parse)?.map_err(|error| parse_error(py, "SbatLevel", &error))?;
            policy.sbat_level = Some(parsed);
        }
        if per_signature_revocation {
            policy.revocation_scope = RevocationScope::Signature;
        }
        Ok(Self { policy })
    }

    /// Decides whether firmware with this policy would run the PE/COFF image `data`. Raises
    /// `ParseError` only when the PE headers cannot be read; a refused image is a verdict.
    fn verify_image(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<ImageVerdictPy> {
        let policy = &self.policy;
        let verdict = with_bytes(data, |bytes| py.detach(|| policy.verify_image(bytes)))?
            .map_err(|error| parse_error(py, "image", &error))?;
        Ok(ImageVerdictPy::from_verdict(&verdict))
    }
}

/// The verdict on one image.
#[pyclass(frozen, name = "ImageVerdict", module = "trusted_launch")]
struct ImageVerdictPy {
    /// Whether firmware would run the image.
    #[pyo3(get)]
    allowed: bool,
    /// `"signature_in_db"` or `"digest_in_db"` when allowed, else the refusal code.
    #[pyo3(get)]
    reason: String,
    /// A sentence explaining the verdict.
    #[pyo3(get)]
    detail: String,
    authority: Option<AuthorityData>,
    digests: Vec<(String, String)>,
    signatures: Vec<SignatureData>,
}

#[derive(Clone)]
struct AuthorityData {
    matched_by: String,
    signature_type: String,
    owner: String,
    data: Vec<u8>,
}

#[derive(Clone)]
struct SignatureData {
    certificate: usize,
    nested: Option<usize>,
    digest_algorithm: &'static str,
    signer_subject: String,
    signer_issuer: String,
    outcome: &'static str,
}

impl ImageVerdictPy {
    fn from_verdict(verdict: &ImageVerdict) -> Self {
        let (reason, detail, authority) = match verdict {
            ImageVerdict::Allowed { authority, .. } => {
                let (matched_by, detail) = match authority.by {
                    AuthorizedBy::ImageDigest(algorithm) => {
                        (format!("{algorithm}_digest"), format!("the image's {algorithm} digest is in db"))
                    }
                    AuthorizedBy::Signature(position) => {
                        ("signature".to_owned(), format!("{position} chains to a db certificate"))
                    }
                };
                let reason = authority.by.code();
                let data = AuthorityData {
                    matched_by,
                    signature_type: authority.entry.signature_type.to_string(),
                    owner: authority.entry.owner.to_string(),
                    data: authority.entry.data.clone(),
                };
                (reason.to_owned(), detail, Some(data))
            }
            ImageVerdict::Refused { reason, .. } => (reason.code().to_owned(), reason.to_string(), None),
        };
        let details = verdict.details();
        Self {
            allowed: verdict.is_allowed(),
            reason,
            detail,
            authority,
            digests: details.digests.iter().map(|d| (d.algorithm().name().to_owned(), d.to_string())).collect(),
            signatures: details
                .signatures
                .iter()
                .map(|s| SignatureData {
                    certificate: s.position.certificate,
                    nested: s.position.nested,
                    digest_algorithm: s.digest_algorithm.name(),
                    signer_subject: s.signer_subject.clone(),
                    signer_issuer: s.signer_issuer.clone(),
                    outcome: s.outcome,
                })
                .collect(),
        }
    }
}

#[pymethods]
impl ImageVerdictPy {
    /// Returns the authorizing db entry as a dict (`matched_by`, `signature_type`, `owner`, `data`), or
    /// None for a refused image.
    #[getter]
    fn authority<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(authority) = &self.authority else { return Ok(None) };
        let dict = PyDict::new(py);
        dict.set_item("matched_by", &authority.matched_by)?;
        dict.set_item("signature_type", &authority.signature_type)?;
        dict.set_item("owner", &authority.owner)?;
        dict.set_item("data", PyBytes::new(py, &authority.data))?;
        Ok(Some(dict))
    }

    /// Authenticode digests the verifier computed, as `{"sha256": hex, …}`: each signature's
    /// algorithm and every algorithm db and dbx hold digests in.
    #[getter]
    fn digests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (algorithm, value) in &self.digests {
            dict.set_item(algorithm, value)?;
        }
        Ok(dict)
    }

    /// Returns every signature considered, as dicts.
    #[getter]
    fn signatures<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for signature in &self.signatures {
            let dict = PyDict::new(py);
            dict.set_item("certificate", signature.certificate)?;
            dict.set_item("nested", signature.nested)?;
            dict.set_item("digest_algorithm", signature.digest_algorithm)?;
            dict.set_item("signer_subject", &signature.signer_subject)?;
            dict.set_item("signer_issuer", &signature.signer_issuer)?;
            dict.set_item("outcome", signature.outcome)?;
            list.append(dict)?;
        }
        Ok(list)
    }

    /// Returns the verdict as a dict with the keys of the CLI's `--json` output.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("verdict", if self.allowed { "allowed" } else { "refused" })?;
        dict.set_item("reason", &self.reason)?;
        dict.set_item("detail", &self.detail)?;
        dict.set_item("authority", self.authority(py)?)?;
        dict.set_item("digests", self.digests(py)?)?;
        dict.set_item("signatures", self.signatures(py)?)?;
        Ok(dict)
    }

    fn __bool__(&self) -> bool {
        self.allowed
    }

    fn __repr__(&self) -> String {
        format!("<ImageVerdict {} ({})>", if self.allowed { "allowed" } else { "refused" }, self.reason)
    }
}
