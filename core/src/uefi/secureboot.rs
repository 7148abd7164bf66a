//! UEFI Secure Boot image authorization (UEFI 2.10 section 32.5.3.3, "Authorization process"):
//! would firmware with these `db`, `dbx` and `dbt` databases run this PE/COFF image?
//!
//! Entry point: [`SecureBootPolicy::verify_image`]. The checks run in the order of the UEFI
//! specification, with the stricter choices of EDK2 and shim where they refuse more:
//!
//! 1. The PE headers are read, and the file's section-based and linear views must coincide, so
//!    that no byte the loader maps is left out of the Authenticode digest.
//! 2. The attribute certificate table is walked strictly and each signature is parsed, including
//!    nested signatures (unauthenticated attribute 1.3.6.1.4.1.311.2.4.1).
//! 3. The image digest, in every algorithm that `dbx` contains and in each signature's algorithm,
//!    is computed in one pass. A digest in `dbx` refuses the image.
//! 4. Each signature is checked: its indirect digest must equal the image digest, its signer
//!    signature must verify, and no certificate of its chain (leaf, intermediates, anchor) may be
//!    in `dbx` as `EFI_CERT_X509` or as a TBS hash (`EFI_CERT_X509_SHA256/384/512`, with the
//!    revocation time and `dbt` timestamp rule). Under [`RevocationScope::Image`] (the default,
//!    as EDK2 does today) one revoked signature refuses the whole image.
//! 5. An image digest in `db` allows the image. Otherwise the first valid, unrevoked signature
//!    whose chain reaches an `EFI_CERT_X509` in `db` allows it, naming that entry.
//! 6. With an `SbatLevel`, an image that would be allowed must carry exactly one `.sbat` section
//!    and no component generation below the level (shim's rule).
//!
//! Any error inside a revocation check refuses the image: revocation fails closed.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::authenticode::{self, AuthenticodeSignature, ChainOutcome, SignerCheck, TimestampCheck};
use crate::digest::{DigestSet, HashAlgorithm, MultiHasher};
use crate::error::{Error, ErrorKind};
use crate::pe::{LayoutViolation, PeImage};
use crate::uefi::sbat::{self, SbatLevelOwned, SbatVerdict};
use crate::uefi::sigdb::{SignatureDatabase, SignatureEntry};
use crate::uefi::time::EfiTime;

/// Most signatures (top-level and nested together) considered in one image.
pub const MAX_SIGNATURES: usize = 16;

/// Whether a signature revoked by `dbx` refuses the whole image or only itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RevocationScope {
    /// One revoked signature refuses the image, whatever the other signatures are (EDK2's
    /// `DxeImageVerificationLib` today).
    #[default]
    Image,
    /// A revoked signature only stops counting; another valid signature may still allow the
    /// image (the ordering proposed for the UEFI specification and taken by shim).
    Signature,
}

/// The databases and options firmware decides with.
#[derive(Clone, Debug, Default)]
pub struct SecureBootPolicy {
    /// Authorized signatures (`db`).
    pub db: SignatureDatabase,
    /// Forbidden signatures (`dbx`).
    pub dbx: SignatureDatabase,
    /// Timestamp authorities (`dbt`), consulted for `dbx` TBS-hash entries with a revocation time.
    pub dbt: SignatureDatabase,
    /// shim's `SbatLevel`; `None` skips the SBAT check (firmware without shim).
    pub sbat_level: Option<SbatLevelOwned>,
    /// See [`RevocationScope`].
    pub revocation_scope: RevocationScope,
}

/// The position of a signature in the image: its `WIN_CERTIFICATE` entry and, for a nested
/// signature, its index among the nested signatures of that entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignaturePosition {
    /// Index of the `WIN_CERTIFICATE` entry in the attribute certificate table.
    pub certificate: usize,
    /// `Some(n)` for the n-th nested signature of that entry.
    pub nested: Option<usize>,
}

impl fmt::Display for SignaturePosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.nested {
            None => write!(f, "signature {}", self.certificate),
            Some(nested) => write!(f, "nested signature {} of signature {}", nested, self.certificate),
        }
    }
}

/// The kind of match that allowed an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthorizedBy {
    /// The image digest in this algorithm is an `EFI_CERT_SHA*` entry of `db`.
    ImageDigest(HashAlgorithm),
    /// This signature chains to an `EFI_CERT_X509` entry of `db`.
    Signature(SignaturePosition),
}

impl AuthorizedBy {
    /// Stable snake_case code: `"digest_in_db"` or `"signature_in_db"`.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::ImageDigest(_) => "digest_in_db",
            Self::Signature(_) => "signature_in_db",
        }
    }
}

/// The `db` entry that allowed an image: exactly the `EFI_SIGNATURE_DATA` that firmware measures
/// into PCR 7 as `EV_EFI_VARIABLE_AUTHORITY`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authority {
    /// The kind of match.
    pub by: AuthorizedBy,
    /// The `db` entry (signature type, owner GUID, data).
    pub entry: SignatureEntry,
}

/// The place in a signature's chain of the certificate that a `dbx` entry revoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainPosition {
    /// The signer's own certificate.
    Leaf,
    /// A certificate between the signer and the anchor.
    Intermediate,
    /// The trust anchor (a `db` certificate, or a `dbx` certificate the chain reached).
    Anchor,
}

/// The reason an image was refused. [`RefusalReason::code`] gives the stable snake_case name.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefusalReason {
    /// The image digest in `algorithm` is in `dbx`.
    DigestInDbx {
        /// Algorithm of the matching entry.
        algorithm: HashAlgorithm,
        /// The `dbx` entry.
        entry: SignatureEntry,
    },
    /// A certificate of a signature's chain is an `EFI_CERT_X509` entry of `dbx`.
    CertificateInDbx {
        /// The revoked signature.
        signature: SignaturePosition,
        /// The place of the revoked certificate in the chain.
        position: ChainPosition,
        /// The `dbx` entry.
        entry: SignatureEntry,
    },
    /// The TBS hash of a certificate of a signature's chain is in `dbx`, and no `dbt` timestamp
    /// shows the signature was made before the revocation time.
    CertificateHashInDbx {
        /// The revoked signature.
        signature: SignaturePosition,
        /// The place of the revoked certificate in the chain.
        position: ChainPosition,
        /// The `dbx` entry.
        entry: SignatureEntry,
        /// Revocation time of the entry; zero means revoked for all time.
        revoked_at: EfiTime,
    },
    /// A revocation check could not be completed; firmware must fail closed.
    RevocationCheckFailed {
        /// The signature being checked.
        signature: SignaturePosition,
        /// The error that stopped the check.
        error: Error,
    },
    /// Neither the image digest nor any valid signature is authorized by `db`.
    NotAuthorized,
    /// A signature's indirect digest differs from the image's Authenticode digest.
    DigestMismatch {
        /// The signature.
        signature: SignaturePosition,
        /// Its digest algorithm.
        algorithm: HashAlgorithm,
    },
    /// A signer signature does not verify, or its signed attributes are inconsistent.
    BadSignature {
        /// The signature.
        signature: SignaturePosition,
        /// The failed check.
        check: SignerCheck,
    },
    /// A certificate on the only paths to `db` has an EC key with explicit curve parameters
    /// (CVE-2020-0601).
    ExplicitEcParameters {
        /// The signature.
        signature: SignaturePosition,
    },
    /// The image's section-based and linear views differ, so bytes would be loaded unhashed.
    InconsistentLayout(LayoutViolation),
    /// The attribute certificate table breaks a rule (revision, type, alignment, length, bytes
    /// after a signature's DER, or an end other than the directory end).
    MalformedCertificateTable(Error),
    /// A signature's PKCS#7 `SignedData` could not be parsed or breaks an Authenticode rule.
    MalformedSignature {
        /// The signature.
        signature: SignaturePosition,
        /// The parse error.
        error: Error,
    },
    /// A component generation in `.sbat` is below the `SbatLevel`.
    SbatRevoked {
        /// Component name.
        component: String,
        /// Generation in the image.
        image_generation: u32,
        /// Lowest generation the level allows.
        minimum_generation: u32,
    },
    /// The image has no `.sbat` section, more than one, or one that cannot be parsed, while an
    /// `SbatLevel` is set.
    SbatInvalid(Option<Error>),
}

impl RefusalReason {
    /// Stable snake_case code for reports and JSON.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::DigestInDbx { .. } => "digest_in_dbx",
            Self::CertificateInDbx { .. } => "certificate_in_dbx",
            Self::CertificateHashInDbx { .. } => "certificate_hash_in_dbx",
            Self::RevocationCheckFailed { .. } => "revocation_check_failed",
            Self::NotAuthorized => "not_authorized",
            Self::DigestMismatch { .. } => "digest_mismatch",
            Self::BadSignature { .. } => "bad_signature",
            Self::ExplicitEcParameters { .. } => "explicit_ec_parameters",
            Self::InconsistentLayout(_) => "inconsistent_layout",
            Self::MalformedCertificateTable(_) => "malformed_certificate_table",
            Self::MalformedSignature { .. } => "malformed_signature",
            Self::SbatRevoked { .. } => "sbat_revoked",
            Self::SbatInvalid(_) => "sbat_invalid",
        }
    }
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DigestInDbx { algorithm, entry } => {
                write!(f, "the image's {algorithm} Authenticode digest is in dbx (owner {})", entry.owner)
            }
            Self::CertificateInDbx { signature, position, entry } => {
                write!(f, "{signature}: the {} certificate is in dbx (owner {})", position.name(), entry.owner)
            }
            Self::CertificateHashInDbx { signature, position, entry, revoked_at } => {
                write!(
                    f,
                    "{signature}: the TBS hash of the {} certificate is in dbx (owner {}",
                    position.name(),
                    entry.owner
                )?;
                if revoked_at.is_zero() {
                    f.write_str(", revoked for all time)")
                } else {
                    write!(f, ", revoked from {revoked_at})")
                }
            }
            Self::RevocationCheckFailed { signature, error } => {
                write!(f, "{signature}: the dbx check could not be completed, so the image is refused: {error}")
            }
            Self::NotAuthorized => f.write_str("neither the image digest nor any signature is authorized by db"),
            Self::DigestMismatch { signature, algorithm } => {
                write!(f, "{signature}: the signed {algorithm} digest differs from the image's Authenticode digest")
            }
            Self::BadSignature { signature, check } => write!(f, "{signature}: {check}"),
            Self::ExplicitEcParameters { signature } => write!(
                f,
                "{signature}: a certificate of the chain has an EC key with explicit curve parameters (CVE-2020-0601)"
            ),
            Self::InconsistentLayout(violation) => write!(f, "inconsistent PE layout: {violation}"),
            Self::MalformedCertificateTable(error) => write!(f, "malformed attribute certificate table: {error}"),
            Self::MalformedSignature { signature, error } => write!(f, "{signature}: malformed signature: {error}"),
            Self::SbatRevoked { component, image_generation, minimum_generation } => write!(
                f,
                "SBAT component {component} has generation {image_generation}, below the minimum {minimum_generation} of SbatLevel"
            ),
            Self::SbatInvalid(None) => f.write_str("an SbatLevel is set and the image has no single .sbat section"),
            Self::SbatInvalid(Some(error)) => write!(f, "invalid .sbat section: {error}"),
        }
    }
}

impl ChainPosition {
    const fn name(self) -> &'static str {
        match self {
            Self::Leaf => "signer",
            Self::Intermediate => "intermediate",
            Self::Anchor => "anchor",
        }
    }
}

/// One signature found in the image, as reports list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureSummary {
    /// The signature's position in the image.
    pub position: SignaturePosition,
    /// Its Authenticode digest algorithm.
    pub digest_algorithm: HashAlgorithm,
    /// Signer certificate subject, RFC 4514 form, empty when the certificate is missing.
    pub signer_subject: String,
    /// Signer certificate issuer.
    pub signer_issuer: String,
    /// The outcome of this signature's check: `"authorized"`, or a [`RefusalReason::code`].
    pub outcome: &'static str,
}

/// The facts `verify_image` gathered about the image besides the decision.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageDetails {
    /// The Authenticode digests computed: each signature's algorithm and every algorithm `db`
    /// and `dbx` hold image digests in. Empty when the layout check failed first.
    pub digests: DigestSet,
    /// Every signature considered, in table order, nested ones after their parent.
    pub signatures: Vec<SignatureSummary>,
}

/// The decision of [`SecureBootPolicy::verify_image`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageVerdict {
    /// Firmware would run the image.
    Allowed {
        /// The `db` entry that authorized it.
        authority: Authority,
        /// Digests and signatures.
        details: ImageDetails,
    },
    /// Firmware would refuse the image.
    Refused {
        /// Why.
        reason: RefusalReason,
        /// Digests and signatures, as far as they were computed.
        details: ImageDetails,
    },
}

impl ImageVerdict {
    /// Whether the image is allowed.
    pub const fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed { .. })
    }

    /// Stable snake_case code of the decision: [`AuthorizedBy::code`] for an allowed image,
    /// [`RefusalReason::code`] for a refused one.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Allowed { authority, .. } => authority.by.code(),
            Self::Refused { reason, .. } => reason.code(),
        }
    }

    /// Digests and signatures.
    pub const fn details(&self) -> &ImageDetails {
        match self {
            Self::Allowed { details, .. } | Self::Refused { details, .. } => details,
        }
    }
}

/// A signature with where it sits.
struct Candidate {
    position: SignaturePosition,
    signature: AuthenticodeSignature,
}

/// The result of checking one candidate signature.
enum SignatureStatus {
    Authorized(SignatureEntry),
    Revoked(RefusalReason),
    Failed(RefusalReason),
}

impl SecureBootPolicy {
    /// Creates a policy with these `db` and `dbx`, no `dbt`, no `SbatLevel` and the default
    /// [`RevocationScope::Image`].
    pub fn new(db: SignatureDatabase, dbx: SignatureDatabase) -> Self {
        Self { db, dbx, ..Self::default() }
    }

    /// Decides whether firmware with this policy would run `image`.
    ///
    /// Returns `Err` only when the PE headers cannot be read at all. Everything else about the
    /// image, including malformed certificate tables and signatures, is a refusal.
    pub fn verify_image(&self, image: &[u8]) -> Result<ImageVerdict, Error> {
        let pe = PeImage::parse(image)?;
        let mut details = ImageDetails::default();

        if let Err(violation) = pe.check_layout() {
            return Ok(refused(RefusalReason::InconsistentLayout(violation), details));
        }
        let candidates = match collect_signatures(&pe) {
            Ok(candidates) => candidates,
            Err(reason) => return Ok(refused(reason, details)),
        };

        let algorithms = self.needed_algorithms(&candidates);
        let mut hasher = MultiHasher::with_algorithms(algorithms.iter().copied());
        pe.authenticode_digest_into(&mut hasher)?;
        details.digests = hasher.finalize();

        // A: an image digest in dbx, in any algorithm dbx holds, refuses the image.
        let revoked_digest = details
            .digests
            .iter()
            .find_map(|digest| self.dbx.find_image_digest(digest).map(|entry| (digest.algorithm(), entry.clone())));
        if let Some((algorithm, entry)) = revoked_digest {
            return Ok(refused(RefusalReason::DigestInDbx { algorithm, entry }, details));
        }

        let statuses: Vec<SignatureStatus> =
            candidates.iter().map(|candidate| self.check_signature(candidate, &details.digests)).collect();
        details.signatures = summarize(&candidates, &statuses);

        if self.revocation_scope == RevocationScope::Image {
            if let Some(SignatureStatus::Revoked(reason)) =
                statuses.iter().find(|status| matches!(status, SignatureStatus::Revoked(_)))
            {
                return Ok(refused(reason.clone(), details));
            }
        }

        // B: an image digest in db allows the image.
        let digest_authority = details.digests.iter().find_map(|digest| {
            self.db
                .find_image_digest(digest)
                .map(|entry| Authority { by: AuthorizedBy::ImageDigest(digest.algorithm()), entry: entry.clone() })
        });
        // C: the first valid, unrevoked signature that chains to db allows the image.
        let signature_authority = || {
            candidates.iter().zip(&statuses).find_map(|(candidate, status)| match status {
                SignatureStatus::Authorized(entry) => {
                    Some(Authority { by: AuthorizedBy::Signature(candidate.position), entry: entry.clone() })
                }
                _ => None,
            })
        };
        let Some(authority) = digest_authority.or_else(signature_authority) else {
            return Ok(refused(most_specific_refusal(&statuses), details));
        };

        if let Some(reason) = self.sbat_refusal(&pe) {
            return Ok(refused(reason, details));
        }
        Ok(ImageVerdict::Allowed { authority, details })
    }

    /// Returns the algorithms to hash the image in: each signature's, and every algorithm `db`
    /// and `dbx` contain image digests in.
    fn needed_algorithms(&self, candidates: &[Candidate]) -> Vec<HashAlgorithm> {
        let mut algorithms: Vec<HashAlgorithm> = candidates
            .iter()
            .map(|candidate| candidate.signature.digest_algorithm())
            .chain(self.dbx.hash_algorithms())
            .chain(self.db.hash_algorithms())
            .collect();
        algorithms.sort_unstable();
        algorithms.dedup();
        algorithms
    }

    /// Checks one signature: digest, signer signature, dbx revocation, then a chain to db.
    fn check_signature(&self, candidate: &Candidate, digests: &DigestSet) -> SignatureStatus {
        let position = candidate.position;
        let signature = &candidate.signature;
        let algorithm = signature.digest_algorithm();

        let digest_matches = digests.get(algorithm).is_some_and(|digest| digest.as_bytes() == signature.image_digest());
        if !digest_matches {
            return SignatureStatus::Failed(RefusalReason::DigestMismatch { signature: position, algorithm });
        }
        match authenticode::verify_signer(signature) {
            Ok(SignerCheck::Valid) => {}
            Ok(check) => return SignatureStatus::Failed(RefusalReason::BadSignature { signature: position, check }),
            Err(error) => {
                return SignatureStatus::Failed(RefusalReason::MalformedSignature { signature: position, error });
            }
        }

        if let Some(reason) = self.dbx_certificate_revocation(candidate) {
            return SignatureStatus::Revoked(reason);
        }

        let mut explicit_parameters = false;
        for anchor in self.db.certificates() {
            match authenticode::chain_to_anchor(signature, &anchor.data) {
                Ok(ChainOutcome::Chained(path)) => {
                    if let Some(reason) = self.dbx_path_revocation(candidate, &path) {
                        return SignatureStatus::Revoked(reason);
                    }
                    return SignatureStatus::Authorized(anchor.clone());
                }
                Ok(ChainOutcome::ExplicitEcParameters) => explicit_parameters = true,
                // A db anchor that cannot be used authorizes nothing; the next one may.
                Ok(_) | Err(_) => {}
            }
        }
        if explicit_parameters {
            return SignatureStatus::Failed(RefusalReason::ExplicitEcParameters { signature: position });
        }
        SignatureStatus::Failed(RefusalReason::NotAuthorized)
    }

    /// Returns the refusal when a chain from the signature reaches an `EFI_CERT_X509` entry of
    /// `dbx`. EDK2 does this by running the chain check with each `dbx` certificate as the anchor.
    fn dbx_certificate_revocation(&self, candidate: &Candidate) -> Option<RefusalReason> {
        let signature = candidate.position;
        for entry in self.dbx.certificates() {
            match authenticode::chain_to_anchor(&candidate.signature, &entry.data) {
                Ok(ChainOutcome::Chained(path)) => {
                    // The dbx certificate ends the path: the signer's own, one the signature
                    // carries (an intermediate), or an issuer outside the signature (an anchor).
                    let carried = candidate.signature.certificates_der().any(|der| der == entry.data.as_slice());
                    let position = match path.len() {
                        0 | 1 => ChainPosition::Leaf,
                        _ if carried => ChainPosition::Intermediate,
                        _ => ChainPosition::Anchor,
                    };
                    return Some(RefusalReason::CertificateInDbx { signature, position, entry: entry.clone() });
                }
                Ok(_) => {}
                Err(error) => return Some(RefusalReason::RevocationCheckFailed { signature, error }),
            }
        }
        None
    }

    /// Checks every certificate of a chain to `db` (leaf to anchor) against `dbx`, as a whole
    /// certificate and as a TBS hash in each algorithm `dbx` may hold.
    fn dbx_path_revocation(&self, candidate: &Candidate, path: &[Vec<u8>]) -> Option<RefusalReason> {
        let signature = candidate.position;
        let last = path.len().saturating_sub(1);
        for (index, certificate) in path.iter().enumerate() {
            let position = match index {
                0 => ChainPosition::Leaf,
                _ if index == last => ChainPosition::Anchor,
                _ => ChainPosition::Intermediate,
            };
            if let Some(entry) = self.dbx.find_certificate(certificate) {
                return Some(RefusalReason::CertificateInDbx { signature, position, entry: entry.clone() });
            }
            for algorithm in [HashAlgorithm::Sha256, HashAlgorithm::Sha384, HashAlgorithm::Sha512] {
                let tbs = match authenticode::tbs_hash(certificate, algorithm) {
                    Ok(tbs) => tbs,
                    Err(error) => return Some(RefusalReason::RevocationCheckFailed { signature, error }),
                };
                let Some((entry, revoked_at)) = self.dbx.find_tbs_hash(&tbs) else { continue };
                if !self.timestamp_predates(&candidate.signature, &revoked_at) {
                    return Some(RefusalReason::CertificateHashInDbx {
                        signature,
                        position,
                        entry: entry.clone(),
                        revoked_at,
                    });
                }
            }
        }
        None
    }

    /// Applies the `dbt` rule for a TBS-hash entry with a revocation time: the signature counts
    /// when an RFC 3161 timestamp that chains to a `dbt` certificate dates it at or before the
    /// revocation time. A zero revocation time revokes for all time.
    fn timestamp_predates(&self, signature: &AuthenticodeSignature, revoked_at: &EfiTime) -> bool {
        if revoked_at.is_zero() {
            return false;
        }
        let Some(revocation_seconds) = revoked_at.unix_seconds() else { return false };
        // A timestamp that cannot be read or verified proves nothing, so the revocation applies.
        let Ok(timestamps) = signature.rfc3161_timestamps() else { return false };
        timestamps.iter().any(|timestamp| {
            self.dbt.certificates().any(|anchor| match timestamp.verify(&anchor.data) {
                Ok(TimestampCheck::Valid { generation_time, .. }) => generation_time <= revocation_seconds,
                _ => false,
            })
        })
    }

    /// shim's SBAT rule, applied when the policy carries an `SbatLevel`.
    fn sbat_refusal(&self, pe: &PeImage<'_>) -> Option<RefusalReason> {
        let level = self.sbat_level.as_ref()?;
        let mut sections = pe.sections_named(b".sbat");
        let (Some(section), None) = (sections.next(), sections.next()) else {
            return Some(RefusalReason::SbatInvalid(None));
        };
        let entries = match pe.section_data(section).and_then(sbat::parse_sbat_section) {
            Ok(entries) => entries,
            Err(error) => return Some(RefusalReason::SbatInvalid(Some(error))),
        };
        match level.check(&entries) {
            SbatVerdict::Allowed => None,
            SbatVerdict::Revoked { component, image_generation, minimum_generation } => {
                Some(RefusalReason::SbatRevoked { component, image_generation, minimum_generation })
            }
        }
    }
}

const fn refused(reason: RefusalReason, details: ImageDetails) -> ImageVerdict {
    ImageVerdict::Refused { reason, details }
}

/// Reads the certificate table and parses every signature, nested ones included.
fn collect_signatures(pe: &PeImage<'_>) -> Result<Vec<Candidate>, RefusalReason> {
    let table = pe.certificates().map_err(RefusalReason::MalformedCertificateTable)?;
    let mut candidates = Vec::new();
    for (index, certificate) in table.iter().enumerate() {
        let position = SignaturePosition { certificate: index, nested: None };
        let signature = AuthenticodeSignature::parse(certificate.content, certificate.offset)
            .map_err(|error| RefusalReason::MalformedSignature { signature: position, error })?;
        let nested = signature
            .nested_signatures()
            .map_err(|error| RefusalReason::MalformedSignature { signature: position, error })?;
        candidates.push(Candidate { position, signature });
        for (nested_index, nested_signature) in nested.into_iter().enumerate() {
            let position = SignaturePosition { certificate: index, nested: Some(nested_index) };
            candidates.push(Candidate { position, signature: nested_signature });
        }
        if candidates.len() > MAX_SIGNATURES {
            let error = Error::new(
                ErrorKind::LimitExceeded { what: "signatures", max: MAX_SIGNATURES },
                "WIN_CERTIFICATE",
                certificate.offset,
            );
            return Err(RefusalReason::MalformedCertificateTable(error));
        }
    }
    Ok(candidates)
}

fn summarize(candidates: &[Candidate], statuses: &[SignatureStatus]) -> Vec<SignatureSummary> {
    candidates
        .iter()
        .zip(statuses)
        .map(|(candidate, status)| {
            let (signer_subject, signer_issuer, _serial) = candidate.signature.signer_description();
            SignatureSummary {
                position: candidate.position,
                digest_algorithm: candidate.signature.digest_algorithm(),
                signer_subject,
                signer_issuer,
                outcome: match status {
                    SignatureStatus::Authorized(_) => "authorized",
                    SignatureStatus::Revoked(reason) | SignatureStatus::Failed(reason) => reason.code(),
                },
            }
        })
        .collect()
}

/// Picks the refusal to report when no signature authorized the image: a revocation first, then a
/// broken signature, then "not authorized".
fn most_specific_refusal(statuses: &[SignatureStatus]) -> RefusalReason {
    let revoked = statuses.iter().find_map(|status| match status {
        SignatureStatus::Revoked(reason) => Some(reason),
        _ => None,
    });
    let failed = statuses.iter().find_map(|status| match status {
        SignatureStatus::Failed(RefusalReason::NotAuthorized) => None,
        SignatureStatus::Failed(reason) => Some(reason),
        _ => None,
    });
    revoked.or(failed).cloned().unwrap_or(RefusalReason::NotAuthorized)
}
