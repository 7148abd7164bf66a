//! The outcome of an authenticated variable write: the variable after the write, or why firmware
//! would reject the write. A rejected write is a verdict, not an error.

use alloc::vec::Vec;
use core::fmt;

use crate::error::Error;
use crate::uefi::sigdb::SignatureEntry;
use crate::uefi::time::EfiTime;

/// What authorized an accepted write.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Authority {
    /// No `PK` is enrolled (Setup Mode): the signature was not checked.
    SetupMode,
    /// The signer certificate is the enrolled `PK` certificate.
    PlatformKey {
        /// DER of the `PK` certificate.
        certificate: Vec<u8>,
    },
    /// The signer chains to this `EFI_CERT_X509` entry of `KEK`.
    KeyExchangeKey {
        /// The `KEK` entry.
        entry: SignatureEntry,
    },
}

/// Why a write was rejected. Each reason has a stable snake_case [`code`](Self::code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefusalReason {
    /// The variable is not `PK`, `KEK`, `db`, `dbx`, `dbt` or `dbr` under its defined GUID.
    UnsupportedVariable,
    /// The attributes lack `EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS`.
    NotTimeBased,
    /// The attributes, without `EFI_VARIABLE_APPEND_WRITE`, are not NV|BS|RT|TIME_BASED (0x27),
    /// or an append targets `PK`.
    InvalidAttributes,
    /// The variable exists with other attributes.
    AttributesMismatch,
    /// `Pad1`, `Nanosecond`, `TimeZone`, `Daylight` or `Pad2` of the time stamp is not zero.
    InvalidTimestamp,
    /// `wRevision` is not 0x0200 or `wCertificateType` is not `WIN_CERT_TYPE_EFI_GUID`.
    InvalidWinCertificate,
    /// `CertType` is not `EFI_CERT_TYPE_PKCS7_GUID`.
    UnsupportedCertType,
    /// The payload is not a valid sequence of signature lists.
    InvalidSignatureList(Error),
    /// The payload contains the same entry (type, owner and data) twice.
    DuplicateEntry,
    /// A `PK` payload is not exactly one `EFI_CERT_X509` list with one entry.
    InvalidPlatformKey,
    /// A write without `EFI_VARIABLE_APPEND_WRITE` whose time stamp is not later than the
    /// stored one.
    StaleTimestamp,
    /// A write without `EFI_VARIABLE_APPEND_WRITE` to a variable whose store does not record
    /// time stamps (efivarfs), so the time rule cannot be checked.
    StoredTimestampUnknown,
    /// A deletion (empty payload) of a variable that does not exist.
    VariableNotFound,
    /// The PKCS#7 signature uses a digest other than SHA-256, SHA-384 or SHA-512.
    UnsupportedDigestAlgorithm,
    /// The certificate set lacks the certificate that the `SignerInfo` names.
    SignerCertificateMissing,
    /// The signed message (name, GUID, attributes, time stamp and payload) differs from the one
    /// that was signed: a tampered payload, another variable, or other attributes.
    MessageDigestMismatch,
    /// The signature value does not verify with the signer certificate's key.
    BadSignature,
    /// The signer key's type or size is not supported, or it uses explicit curve parameters.
    UnsupportedSignerKey,
    /// The signature is valid but its signer is not an authority for this variable: not the
    /// `PK` certificate for `PK` and `KEK`, neither chained to a `KEK` certificate nor the `PK`
    /// certificate for `db`, `dbx`, `dbt` and `dbr`.
    SignerNotAuthorized,
}

impl RefusalReason {
    /// The stable snake_case code of the reason.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::UnsupportedVariable => "unsupported_variable",
            Self::NotTimeBased => "not_time_based",
            Self::InvalidAttributes => "invalid_attributes",
            Self::AttributesMismatch => "attributes_mismatch",
            Self::InvalidTimestamp => "invalid_timestamp",
            Self::InvalidWinCertificate => "invalid_win_certificate",
            Self::UnsupportedCertType => "unsupported_cert_type",
            Self::InvalidSignatureList(_) => "invalid_signature_list",
            Self::DuplicateEntry => "duplicate_entry",
            Self::InvalidPlatformKey => "invalid_platform_key",
            Self::StaleTimestamp => "stale_timestamp",
            Self::StoredTimestampUnknown => "stored_timestamp_unknown",
            Self::VariableNotFound => "variable_not_found",
            Self::UnsupportedDigestAlgorithm => "unsupported_digest_algorithm",
            Self::SignerCertificateMissing => "signer_certificate_missing",
            Self::MessageDigestMismatch => "message_digest_mismatch",
            Self::BadSignature => "bad_signature",
            Self::UnsupportedSignerKey => "unsupported_signer_key",
            Self::SignerNotAuthorized => "signer_not_authorized",
        }
    }
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedVariable => f.write_str("not a Secure Boot key variable (PK, KEK, db, dbx, dbt, dbr)"),
            Self::NotTimeBased => f.write_str("attributes lack TIME_BASED_AUTHENTICATED_WRITE_ACCESS (0x20)"),
            Self::InvalidAttributes => f.write_str("attributes are not NV|BS|RT|TIME_BASED (0x27), or PK is appended"),
            Self::AttributesMismatch => f.write_str("the variable exists with other attributes"),
            Self::InvalidTimestamp => {
                f.write_str("time stamp has a nonzero Pad1, Nanosecond, TimeZone, Daylight or Pad2")
            }
            Self::InvalidWinCertificate => f.write_str("WIN_CERTIFICATE revision is not 0x0200 or type is not 0x0EF1"),
            Self::UnsupportedCertType => f.write_str("CertType is not EFI_CERT_TYPE_PKCS7_GUID"),
            Self::InvalidSignatureList(error) => write!(f, "payload is not a valid signature list: {error}"),
            Self::DuplicateEntry => f.write_str("payload contains the same signature entry twice"),
            Self::InvalidPlatformKey => f.write_str("PK payload is not one EFI_CERT_X509 list with one entry"),
            Self::StaleTimestamp => f.write_str("time stamp is not later than the stored one"),
            Self::StoredTimestampUnknown => f.write_str("the store does not record the variable's time stamp"),
            Self::VariableNotFound => f.write_str("deletion of a variable that does not exist"),
            Self::UnsupportedDigestAlgorithm => f.write_str("PKCS#7 digest is not SHA-256, SHA-384 or SHA-512"),
            Self::SignerCertificateMissing => f.write_str("the PKCS#7 certificate set lacks the signer certificate"),
            Self::MessageDigestMismatch => {
                f.write_str("the signed message differs (payload, name, GUID, attributes or time stamp)")
            }
            Self::BadSignature => f.write_str("the signature does not verify with the signer certificate's key"),
            Self::UnsupportedSignerKey => f.write_str("the signer key is unsupported"),
            Self::SignerNotAuthorized => f.write_str("the signer is not an authority for this variable"),
        }
    }
}

/// The outcome of [`super::apply_update`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpdateVerdict {
    /// Firmware would accept the write.
    Accepted {
        /// Signature entries in the variable before the write (0 when it did not exist).
        entries_before: usize,
        /// Signature entries after the write (0 when deleted).
        entries_after: usize,
        /// The variable data after the write; empty when the variable is deleted.
        new_data: Vec<u8>,
        /// The stored time stamp after the write.
        new_timestamp: EfiTime,
        /// The stored attributes after the write (the request's, without `APPEND_WRITE`).
        new_attributes: u32,
        /// Whether the write deletes the variable.
        deleted: bool,
        /// What authorized the write.
        authority: Authority,
    },
    /// Firmware would reject the write (`EFI_SECURITY_VIOLATION` or `EFI_INVALID_PARAMETER`).
    Refused {
        /// Why.
        reason: RefusalReason,
    },
}

impl UpdateVerdict {
    /// Whether the write is accepted.
    pub const fn is_accepted(&self) -> bool {
        matches!(self, Self::Accepted { .. })
    }

    /// The refusal reason, if refused.
    pub const fn reason(&self) -> Option<&RefusalReason> {
        match self {
            Self::Accepted { .. } => None,
            Self::Refused { reason } => Some(reason),
        }
    }
}
