//! Verification of a `TPM2_Quote` result (TPM 2.0 Part 3, Attestation Commands): a `TPMS_ATTEST` and its
//! `TPMT_SIGNATURE`, checked against an attestation key, the caller's nonce, the PCR selection the
//! caller requested and, optionally, the PCR values the caller holds.
//!
//! Entry points: [`verify_quote`] and [`verify_quote_with_options`].
//!
//! Stages, in order; the first that fails decides the refusal:
//! 1. The key is `restricted | sign | fixedTPM`. A restricted key signs data that starts with
//!    `TPM_GENERATED_VALUE` only when the TPM built it, so only such a key proves the quote came
//!    from the TPM. Any other key can sign a forged `TPMS_ATTEST` with `TPM2_Sign`.
//! 2. The `TPMT_SIGNATURE` scheme suits the key: RSASSA or RSAPSS for RSA, ECDSA for ECC, the
//!    scheme and hash fixed in the key's public area when it fixes one, and SHA-1 only with
//!    [`QuoteOptions::allow_sha1`].
//! 3. The signature verifies over the whole `TPMS_ATTEST` with exactly that scheme; no other
//!    padding is tried.
//! 4. `magic` is `TPM_GENERATED_VALUE` and `type` is `TPM_ST_ATTEST_QUOTE`.
//! 5. `extraData` equals the nonce (compared in constant time).
//! 6. `pcrSelect` selects the same PCRs as the requested selection.
//! 7. When PCR values are given, the signing scheme's hash of the selected values in selection
//!    order equals `pcrDigest`. The hash is the signature's, not the bank's: a quote over the
//!    SHA-1 bank signed with RSASSA-SHA256 has a SHA-256 `pcrDigest`.
//!
//! `qualifiedSigner` is reported but not compared with the key's Name: it is the Qualified Name,
//! chained through the key's parents, which the key's public area alone does not give.

use alloc::vec::Vec;
use core::fmt;

use crate::crypto::{self, SignatureScheme};
use crate::digest::{Digest, HashAlgorithm};
use crate::error::Error;
use crate::tpm::algorithm::{TPM_ALG_ECDSA, TPM_ALG_NULL, TPM_ALG_RSAPSS, TPM_ALG_RSASSA};
use crate::tpm::attest::{self, Attest, Attested, ClockInfo, TPM_GENERATED_VALUE, TPM_ST_ATTEST_QUOTE};
use crate::tpm::attestation_key::{AttestationKey, Hierarchy};
use crate::tpm::pcr_values::PcrValues;
use crate::tpm::public::{ObjectAttributes, Scheme};
use crate::tpm::selection::PcrSelectionList;
use crate::tpm::signature::{Signature, ecdsa_der};

/// Options that relax quote verification. The default is the strict check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QuoteOptions {
    /// Accept signatures over SHA-1 (older Windows AKs sign RSASSA-SHA1).
    pub allow_sha1: bool,
    /// Accept a key that is not shown to be `restricted | sign | fixedTPM`, including every key
    /// read from a `SubjectPublicKeyInfo`. Such a key can sign a forged quote, so set this only
    /// for a key vouched for by other means.
    pub danger_accept_unrestricted_key: bool,
}

/// The outcome of quote verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuoteVerdict {
    /// Every check passed.
    Valid(VerifiedQuote),
    /// A check failed.
    Refused(QuoteRefusal),
}

impl QuoteVerdict {
    /// Whether the quote is valid.
    pub const fn is_valid(&self) -> bool {
        matches!(self, Self::Valid(_))
    }

    /// `"valid"` or the refusal code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Valid(_) => "valid",
            Self::Refused(refusal) => refusal.code(),
        }
    }
}

/// Whether the counters of a quote are the TPM's real values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Obfuscation {
    /// The key is in the endorsement or platform hierarchy: `resetCount`, `restartCount` and
    /// `firmwareVersion` are the real values.
    NotApplied,
    /// The key is in the owner or null hierarchy: those three fields are obfuscated with a
    /// per-key value and only comparable between quotes of the same key.
    Applied,
    /// The key's hierarchy was not given, so those fields may be obfuscated.
    Unknown,
}

impl Obfuscation {
    const fn for_hierarchy(hierarchy: Hierarchy) -> Self {
        match hierarchy {
            Hierarchy::Endorsement | Hierarchy::Platform => Self::NotApplied,
            Hierarchy::Owner | Hierarchy::Null => Self::Applied,
            Hierarchy::Unknown => Self::Unknown,
        }
    }

    /// `"not_applied"`, `"applied"` or `"unknown"`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::NotApplied => "not_applied",
            Self::Applied => "applied",
            Self::Unknown => "unknown",
        }
    }
}

/// A quote that passed every check. Only the verifier builds it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedQuote {
    /// The scheme the signature used.
    pub signature_scheme: SignatureScheme,
    /// `qualifiedSigner`: the signing key's Qualified Name.
    pub qualified_signer: Vec<u8>,
    /// `extraData`, equal to the nonce.
    pub extra_data: Vec<u8>,
    /// `clockInfo`. `clock` and `safe` are real values whatever the key's hierarchy.
    pub clock_info: ClockInfo,
    /// `firmwareVersion`.
    pub firmware_version: u64,
    /// Whether `clock_info.reset_count`, `clock_info.restart_count` and `firmware_version` are
    /// obfuscated.
    pub obfuscation: Obfuscation,
    /// `pcrSelect`.
    pub selection: PcrSelectionList,
    /// `pcrDigest`, in the signing scheme's hash.
    pub pcr_digest: Digest,
    /// The selected PCR values, when the caller gave values and they hash to `pcrDigest`.
    pub pcr_values: Option<PcrValues>,
}

impl VerifiedQuote {
    /// Compares the quote's PCRs with `replayed` values (from an event-log replay), PCR by PCR
    /// in selection order.
    ///
    /// With the quoted values known (given at verification), each PCR is `Matches`, `Differs` or
    /// `NotReplayed`. Without them, only the composite can be checked: every PCR is `Matches`
    /// when `replayed` hashes to `pcrDigest`, and otherwise `Undetermined`, except those missing
    /// from `replayed`, which are `NotReplayed`.
    pub fn compare_pcrs(&self, replayed: &PcrValues) -> Vec<PcrComparison> {
        let hash = self.pcr_digest.algorithm();
        let composite_matches = replayed.composite_digest(&self.selection, hash) == Some(self.pcr_digest);

        self.selection
            .pcrs()
            .map(|(bank, index)| {
                let replayed_value = replayed.get(bank, index).copied();
                let quoted_value = self.pcr_values.as_ref().and_then(|values| values.get(bank, index)).copied();
                let outcome = match (quoted_value, replayed_value) {
                    (_, None) => PcrOutcome::NotReplayed,
                    (Some(quoted), Some(replayed)) if quoted == replayed => PcrOutcome::Matches,
                    (Some(quoted), Some(replayed)) => PcrOutcome::Differs { quoted, replayed },
                    (None, Some(_)) if composite_matches => PcrOutcome::Matches,
                    (None, Some(_)) => PcrOutcome::Undetermined,
                };
                PcrComparison { bank, index, outcome }
            })
            .collect()
    }
}

/// One PCR of [`VerifiedQuote::compare_pcrs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PcrComparison {
    /// The bank.
    pub bank: HashAlgorithm,
    /// The PCR index.
    pub index: u32,
    /// The result of the comparison.
    pub outcome: PcrOutcome,
}

/// The result of comparing a replayed PCR value with the quoted one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PcrOutcome {
    /// The replayed value is the quoted one.
    Matches,
    /// The replayed value differs from the quoted one.
    Differs {
        /// The value the quote covers.
        quoted: Digest,
        /// The value the replay produced.
        replayed: Digest,
    },
    /// The replay has no value for this PCR.
    NotReplayed,
    /// The composite differs, and without the quoted values no single PCR can be named.
    Undetermined,
}

/// One selected PCR in a [`QuoteRefusal::PcrDigestMismatch`]: the value given, or `None` when
/// the caller gave none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PcrInput {
    /// The bank.
    pub bank: HashAlgorithm,
    /// The PCR index.
    pub index: u32,
    /// The value given, `None` when it is missing.
    pub value: Option<Digest>,
}

/// The reason a quote was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QuoteRefusal {
    /// The key is not shown to be `restricted | sign | fixedTPM`.
    KeyNotRestricted {
        /// The key's attributes; `None` for a key read from a `SubjectPublicKeyInfo`.
        attributes: Option<ObjectAttributes>,
    },
    /// The signature is `TPM_ALG_NULL`.
    NullSignature,
    /// The signature scheme does not suit the key, or differs from the scheme the key fixes.
    SchemeMismatch {
        /// `sigAlg` of the signature.
        signature_algorithm: u16,
        /// The hash of the signature.
        signature_hash: HashAlgorithm,
        /// The scheme fixed in the key, when it fixes one.
        key_scheme: Option<Scheme>,
    },
    /// The signature uses a hash the options do not allow (SHA-1 by default).
    HashNotAllowed {
        /// The hash.
        hash: HashAlgorithm,
    },
    /// The signature does not verify with the key.
    BadSignature,
    /// `magic` is not `TPM_GENERATED_VALUE`.
    BadMagic {
        /// The value found.
        found: u32,
    },
    /// `type` is not `TPM_ST_ATTEST_QUOTE`.
    WrongType {
        /// The value found.
        found: u16,
    },
    /// `extraData` differs from the nonce.
    NonceMismatch,
    /// `pcrSelect` differs from the requested selection.
    SelectionMismatch {
        /// The selection in the quote.
        quoted: PcrSelectionList,
    },
    /// The given PCR values do not hash to `pcrDigest`.
    PcrDigestMismatch {
        /// `pcrDigest` from the quote.
        quoted: Vec<u8>,
        /// The composite of the given values; `None` when a selected PCR has no value.
        computed: Option<Digest>,
        /// Every selected PCR with the value given for it, in selection order.
        pcrs: Vec<PcrInput>,
    },
}

impl QuoteRefusal {
    /// Returns a stable snake-case code for JSON output and bindings.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::KeyNotRestricted { .. } => "key_not_restricted",
            Self::NullSignature => "null_signature",
            Self::SchemeMismatch { .. } => "scheme_mismatch",
            Self::HashNotAllowed { .. } => "hash_not_allowed",
            Self::BadSignature => "bad_signature",
            Self::BadMagic { .. } => "bad_magic",
            Self::WrongType { .. } => "wrong_type",
            Self::NonceMismatch => "nonce_mismatch",
            Self::SelectionMismatch { .. } => "selection_mismatch",
            Self::PcrDigestMismatch { .. } => "pcr_digest_mismatch",
        }
    }
}

impl fmt::Display for QuoteRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::KeyNotRestricted { attributes: Some(attributes) } => write!(
                f,
                "the key's objectAttributes {:#010x} lack restricted, sign or fixedTPM, so it could sign a forged quote",
                attributes.0
            ),
            Self::KeyNotRestricted { attributes: None } => {
                f.write_str("the key's attributes are unknown (SubjectPublicKeyInfo); give its TPM2B_PUBLIC")
            }
            Self::NullSignature => f.write_str("the signature is TPM_ALG_NULL"),
            Self::SchemeMismatch { signature_algorithm, signature_hash, key_scheme } => {
                write!(f, "signature scheme {signature_algorithm:#06x} with {signature_hash} does not suit the key")?;
                match key_scheme {
                    Some(scheme) if !scheme.is_null() => write!(f, ", which fixes scheme {:#06x}", scheme.scheme),
                    _ => Ok(()),
                }
            }
            Self::HashNotAllowed { hash } => write!(f, "signatures over {hash} are not allowed"),
            Self::BadSignature => f.write_str("the signature does not verify with the key"),
            Self::BadMagic { found } => write!(f, "magic {found:#010x} is not TPM_GENERATED_VALUE (0xff544347)"),
            Self::WrongType { found } => write!(f, "type {found:#06x} is not TPM_ST_ATTEST_QUOTE (0x8018)"),
            Self::NonceMismatch => f.write_str("extraData differs from the nonce"),
            Self::SelectionMismatch { .. } => f.write_str("the quoted PCR selection differs from the requested one"),
            Self::PcrDigestMismatch { computed: None, pcrs, .. } => {
                let missing = pcrs.iter().filter(|pcr| pcr.value.is_none()).count();
                write!(f, "{missing} selected PCR values are missing, so pcrDigest cannot be checked")
            }
            Self::PcrDigestMismatch { computed: Some(computed), .. } => {
                write!(f, "the given PCR values hash to {computed}, not to the quoted pcrDigest")
            }
        }
    }
}

/// Verifies a quote with the strict [`QuoteOptions::default`].
///
/// `attest` is the `TPMS_ATTEST` (`tpm2_quote -m`), `signature` the `TPMT_SIGNATURE`
/// (`tpm2_quote -s`), `nonce` the qualifying data the caller sent, `expected_selection` the PCRs
/// the caller requested, and `pcr_values` the values the caller holds for them, if any.
///
/// Returns `Err` only when a structure cannot be parsed; every failed check is
/// `Ok(QuoteVerdict::Refused)`.
pub fn verify_quote(
    key: &AttestationKey,
    attest: &[u8],
    signature: &[u8],
    nonce: &[u8],
    expected_selection: &PcrSelectionList,
    pcr_values: Option<&PcrValues>,
) -> Result<QuoteVerdict, Error> {
    verify_quote_with_options(&QuoteOptions::default(), key, attest, signature, nonce, expected_selection, pcr_values)
}

/// Verifies a quote as [`verify_quote`] does, with `options`.
pub fn verify_quote_with_options(
    options: &QuoteOptions,
    key: &AttestationKey,
    attest_bytes: &[u8],
    signature_bytes: &[u8],
    nonce: &[u8],
    expected_selection: &PcrSelectionList,
    pcr_values: Option<&PcrValues>,
) -> Result<QuoteVerdict, Error> {
    use QuoteVerdict::Refused;

    // Stage 1: only a restricted key proves that the TPM built what it signed.
    if !options.danger_accept_unrestricted_key && !key.is_restricted_signing_key() {
        return Ok(Refused(QuoteRefusal::KeyNotRestricted { attributes: key.object_attributes() }));
    }

    // Stages 2 and 3: the declared scheme, and only that scheme, must verify.
    let signature = Signature::parse(signature_bytes)?;
    let scheme = match signature_scheme(options, key, &signature) {
        Ok(scheme) => scheme,
        Err(refusal) => return Ok(Refused(refusal)),
    };
    if !signature_verifies(key, scheme, &signature, attest_bytes)? {
        return Ok(Refused(QuoteRefusal::BadSignature));
    }

    // Stage 4: the header, read before the rest so that a signed non-quote is refused as such.
    let (magic, attestation_type) = attest::read_header(attest_bytes)?;
    if magic != TPM_GENERATED_VALUE {
        return Ok(Refused(QuoteRefusal::BadMagic { found: magic }));
    }
    if attestation_type != TPM_ST_ATTEST_QUOTE {
        return Ok(Refused(QuoteRefusal::WrongType { found: attestation_type }));
    }
    let attest = Attest::parse(attest_bytes)?;
    let Attested::Quote { selection, pcr_digest } = attest.attested else {
        return Ok(Refused(QuoteRefusal::WrongType { found: attest.attestation_type }));
    };

    // Stage 5: freshness.
    if !constant_time_eq(attest.extra_data, nonce) {
        return Ok(Refused(QuoteRefusal::NonceMismatch));
    }

    // Stage 6: the PCRs the caller requested, no others and in the same order.
    if !selection.selects_same_pcrs(expected_selection) {
        return Ok(Refused(QuoteRefusal::SelectionMismatch { quoted: selection }));
    }

    // Stage 7: pcrDigest, in the signing scheme's hash.
    let hash = scheme.hash_algorithm();
    let checked_values = match pcr_values {
        None => None,
        Some(values) => match check_pcr_digest(values, &selection, hash, pcr_digest) {
            Ok(selected) => Some(selected),
            Err(refusal) => return Ok(Refused(refusal)),
        },
    };
    let Some(pcr_digest) = Digest::new(hash, pcr_digest) else {
        // Without PCR values a pcrDigest of the wrong length is still a quote the TPM could not
        // have produced with this scheme.
        return Ok(Refused(QuoteRefusal::PcrDigestMismatch {
            quoted: pcr_digest.to_vec(),
            computed: None,
            pcrs: Vec::new(),
        }));
    };

    Ok(QuoteVerdict::Valid(VerifiedQuote {
        signature_scheme: scheme,
        qualified_signer: attest.qualified_signer.to_vec(),
        extra_data: attest.extra_data.to_vec(),
        clock_info: attest.clock_info,
        firmware_version: attest.firmware_version,
        obfuscation: Obfuscation::for_hierarchy(key.hierarchy()),
        selection,
        pcr_digest,
        pcr_values: checked_values,
    }))
}

/// Stage 2: the scheme the signature declares, if the key may sign with it.
fn signature_scheme(
    options: &QuoteOptions,
    key: &AttestationKey,
    signature: &Signature<'_>,
) -> Result<SignatureScheme, QuoteRefusal> {
    let hash = signature.hash().ok_or(QuoteRefusal::NullSignature)?;
    let mismatch = QuoteRefusal::SchemeMismatch {
        signature_algorithm: signature.algorithm(),
        signature_hash: hash,
        key_scheme: key.scheme(),
    };

    let scheme = match (key.public_key(), signature) {
        (crypto::PublicKey::Rsa(_), Signature::RsaSsa { .. }) => SignatureScheme::RsaPkcs1v15(hash),
        (crypto::PublicKey::Rsa(_), Signature::RsaPss { .. }) => SignatureScheme::RsaPss(hash),
        (crypto::PublicKey::P256(_) | crypto::PublicKey::P384(_), Signature::Ecdsa { .. }) => {
            SignatureScheme::Ecdsa(hash)
        }
        _ => return Err(mismatch),
    };

    // A key whose public area fixes a scheme signs only with that scheme and hash: the TPM
    // rejects any other scheme the caller asks for.
    if let Some(fixed) = key.scheme().filter(|scheme| !scheme.is_null()) {
        let declared = (signature.algorithm(), Some(hash.tpm_alg_id()));
        if (fixed.scheme, fixed.hash) != declared
            || !matches!(fixed.scheme, TPM_ALG_RSASSA | TPM_ALG_RSAPSS | TPM_ALG_ECDSA)
        {
            return Err(mismatch);
        }
    }
    debug_assert_ne!(signature.algorithm(), TPM_ALG_NULL);

    if hash == HashAlgorithm::Sha1 && !options.allow_sha1 {
        return Err(QuoteRefusal::HashNotAllowed { hash });
    }
    Ok(scheme)
}

/// Stage 3: verifies the signature with exactly `scheme`.
fn signature_verifies(
    key: &AttestationKey,
    scheme: SignatureScheme,
    signature: &Signature<'_>,
    attest: &[u8],
) -> Result<bool, Error> {
    match *signature {
        Signature::RsaSsa { signature, .. } | Signature::RsaPss { signature, .. } => {
            crypto::verify_message(key.public_key(), scheme, attest, signature)
        }
        Signature::Ecdsa { r, s, .. } => match ecdsa_der(r, s) {
            Some(der) => crypto::verify_message(key.public_key(), scheme, attest, &der),
            None => Ok(false),
        },
        Signature::Null => Ok(false),
    }
}

/// Stage 7: the given values, restricted to the selection, when they hash to `pcr_digest`.
fn check_pcr_digest(
    values: &PcrValues,
    selection: &PcrSelectionList,
    hash: HashAlgorithm,
    pcr_digest: &[u8],
) -> Result<PcrValues, QuoteRefusal> {
    let computed = values.composite_digest(selection, hash);
    if computed.is_some_and(|computed| computed.as_bytes() == pcr_digest) {
        return Ok(values.selected(selection));
    }

    let pcrs = selection
        .pcrs()
        .map(|(bank, index)| PcrInput { bank, index, value: values.get(bank, index).copied() })
        .collect();
    Err(QuoteRefusal::PcrDigestMismatch { quoted: pcr_digest.to_vec(), computed, pcrs })
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    if left.len() != right.len() {
        return false;
    }
    let difference = left.iter().zip(right).fold(0u8, |accumulator, (a, b)| accumulator | (a ^ b));
    core::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares_bytes_and_lengths() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"\x90\x09", b"\x90\x09"));
        assert!(!constant_time_eq(b"\x90\x09", b"\x90\x08"));
        assert!(!constant_time_eq(b"\x90", b"\x90\x09"));
    }

    fn quote_over(selection: &PcrSelectionList, values: Option<PcrValues>, digest: Digest) -> VerifiedQuote {
        VerifiedQuote {
            signature_scheme: SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha256),
            qualified_signer: Vec::new(),
            extra_data: Vec::new(),
            clock_info: ClockInfo { clock: 0, reset_count: 0, restart_count: 0, safe: true },
            firmware_version: 0,
            obfuscation: Obfuscation::Unknown,
            selection: selection.clone(),
            pcr_digest: digest,
            pcr_values: values,
        }
    }

    #[test]
    fn compare_pcrs_names_each_pcr() {
        use crate::tpm::selection::PcrSelection;

        let selection: PcrSelectionList =
            [PcrSelection::new(HashAlgorithm::Sha256, [0, 4, 7]).unwrap()].into_iter().collect();
        let value = |byte: u8| Digest::new(HashAlgorithm::Sha256, &[byte; 32]).unwrap();
        let quoted: PcrValues = [(0, value(0)), (4, value(4)), (7, value(7))].into_iter().collect();
        let digest = quoted.composite_digest(&selection, HashAlgorithm::Sha256).unwrap();
        let replayed: PcrValues = [(0, value(0)), (4, value(9))].into_iter().collect();

        let with_values = quote_over(&selection, Some(quoted.clone()), digest).compare_pcrs(&replayed);
        let outcomes: Vec<_> = with_values.iter().map(|comparison| comparison.outcome).collect();
        assert_eq!(
            outcomes,
            [
                PcrOutcome::Matches,
                PcrOutcome::Differs { quoted: value(4), replayed: value(9) },
                PcrOutcome::NotReplayed
            ]
        );

        // Without the quoted values only the composite can be compared.
        let without_values = quote_over(&selection, None, digest);
        let outcomes: Vec<_> = without_values.compare_pcrs(&replayed).iter().map(|c| c.outcome).collect();
        assert_eq!(outcomes, [PcrOutcome::Undetermined, PcrOutcome::Undetermined, PcrOutcome::NotReplayed]);
        let outcomes: Vec<_> = without_values.compare_pcrs(&quoted).iter().map(|c| c.outcome).collect();
        assert_eq!(outcomes, [PcrOutcome::Matches; 3]);
    }

    #[test]
    fn refusal_codes_are_distinct() {
        let refusals = [
            QuoteRefusal::KeyNotRestricted { attributes: None },
            QuoteRefusal::NullSignature,
            QuoteRefusal::SchemeMismatch {
                signature_algorithm: TPM_ALG_ECDSA,
                signature_hash: HashAlgorithm::Sha256,
                key_scheme: None,
            },
            QuoteRefusal::HashNotAllowed { hash: HashAlgorithm::Sha1 },
            QuoteRefusal::BadSignature,
            QuoteRefusal::BadMagic { found: 0 },
            QuoteRefusal::WrongType { found: 0x8017 },
            QuoteRefusal::NonceMismatch,
            QuoteRefusal::SelectionMismatch { quoted: PcrSelectionList::new() },
            QuoteRefusal::PcrDigestMismatch { quoted: Vec::new(), computed: None, pcrs: Vec::new() },
        ];
        let mut codes: Vec<_> = refusals.iter().map(QuoteRefusal::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), refusals.len());
        for refusal in &refusals {
            assert!(!alloc::string::ToString::to_string(refusal).is_empty());
        }
    }
}
