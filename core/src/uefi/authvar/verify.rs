//! Signature check of an authenticated variable write (UEFI 2.10 section 8.2.2, steps that
//! verify the signature) and the authority rules of section 32.3, as EDK2's `AuthVariableLib`
//! applies them: `PK` and `KEK` writes must be signed by the `PK` certificate itself, and
//! `db`, `dbx`, `dbt` and `dbr` writes by a signer that chains to an `EFI_CERT_X509` entry of
//! `KEK` or that is the `PK` certificate. Chains may be partial, and validity dates and key usage
//! are not checked (EDK2 verifies with `X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME`
//! and `X509_PURPOSE_ANY`).

use alloc::vec::Vec;

use crate::authenticode::{ChainOutcome, DetachedSignature, SignerCheck};
use crate::digest::HashAlgorithm;
use crate::error::Error;
use crate::uefi::guid::{EFI_CERT_X509, Guid};
use crate::uefi::sigdb::{SignatureDatabase, SignatureEntry};

use super::verdict::{Authority, RefusalReason};

/// Builds the message a variable write signs: `VariableName` in UTF-16LE without the
/// terminating NUL, `VendorGuid` (16 bytes as stored), `Attributes` (u32 little-endian, as passed
/// to `SetVariable`, `EFI_VARIABLE_APPEND_WRITE` included), the 16 `TimeStamp` bytes, then the
/// payload.
pub fn signed_message(name: &str, guid: &Guid, attributes: u32, timestamp: &[u8; 16], payload: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(payload.len().saturating_add(name.len().saturating_mul(2)).saturating_add(36));
    for unit in name.encode_utf16() {
        message.extend_from_slice(&unit.to_le_bytes());
    }
    message.extend_from_slice(guid.as_bytes());
    message.extend_from_slice(&attributes.to_le_bytes());
    message.extend_from_slice(timestamp);
    message.extend_from_slice(payload);
    message
}

/// Which authority a variable needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Required {
    /// `PK` and `KEK`: the `PK` certificate.
    PlatformKey,
    /// `db`, `dbx`, `dbt`, `dbr`: a `KEK` certificate, then the `PK` certificate.
    KeyExchangeKeyOrPlatformKey,
}

/// Checks the PKCS#7 signature in `cert_data` over `message` and the signer's authority.
/// `pk_certificate` is the DER of the enrolled `PK`; `kek` contains the `KEK` entries.
///
/// Returns `Err` when the PKCS#7 structure or its algorithms cannot be decoded.
pub(super) fn check_signature(
    cert_data: &[u8],
    cert_data_offset: usize,
    message: &[u8],
    required: Required,
    pk_certificate: &[u8],
    kek: &SignatureDatabase,
) -> Result<Result<Authority, RefusalReason>, Error> {
    let signature = DetachedSignature::parse(cert_data, cert_data_offset)?;

    // EDK2 accepted only SHA-256 until 2024, and SHA-384 and SHA-512 since.
    let digest = signature.digest_algorithm()?;
    if digest == HashAlgorithm::Sha1 {
        return Ok(Err(RefusalReason::UnsupportedDigestAlgorithm));
    }

    match signature.verify_signer(message)? {
        SignerCheck::Valid => {}
        SignerCheck::SignerCertificateMissing => return Ok(Err(RefusalReason::SignerCertificateMissing)),
        SignerCheck::MessageDigestMismatch | SignerCheck::ContentTypeMismatch => {
            return Ok(Err(RefusalReason::MessageDigestMismatch));
        }
        SignerCheck::ExplicitEcParameters | SignerCheck::UnsupportedSignerKey => {
            return Ok(Err(RefusalReason::UnsupportedSignerKey));
        }
        _ => return Ok(Err(RefusalReason::BadSignature)),
    }

    if required == Required::KeyExchangeKeyOrPlatformKey {
        for entry in kek.certificates() {
            // A KEK entry that is not a decodable certificate cannot anchor a path; EDK2 skips it
            // the same way when OpenSSL fails to load it.
            if let Ok(ChainOutcome::Chained(_)) = signature.chain_to_anchor(&entry.data) {
                return Ok(Ok(Authority::KeyExchangeKey { entry: entry.clone() }));
            }
        }
    }

    // EDK2 compares the signer certificate with the PK certificate byte for byte (no chaining
    // for PK), then verifies with the PK as the trust anchor, which the signer check above did.
    let is_pk = !pk_certificate.is_empty() && signature.signer_certificate_der() == Some(pk_certificate);
    Ok(if is_pk {
        Ok(Authority::PlatformKey { certificate: pk_certificate.to_vec() })
    } else {
        Err(RefusalReason::SignerNotAuthorized)
    })
}

/// Returns the DER certificate of the single `EFI_CERT_X509` entry of a `PK` value, or `None`
/// when the value is not exactly that.
pub(super) fn platform_key_certificate(database: &SignatureDatabase) -> Option<&SignatureEntry> {
    let mut entries = database.entries();
    let first = entries.next()?;
    (entries.next().is_none() && first.signature_type == EFI_CERT_X509).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uefi::guid::EFI_IMAGE_SECURITY_DATABASE;

    #[test]
    fn message_layout() {
        let timestamp = [7u8; 16];
        let message = signed_message("db", &EFI_IMAGE_SECURITY_DATABASE, 0x67, &timestamp, &[1, 2]);
        assert_eq!(&message[..4], &[b'd', 0, b'b', 0]);
        assert_eq!(&message[4..20], EFI_IMAGE_SECURITY_DATABASE.as_bytes());
        assert_eq!(&message[20..24], &[0x67, 0, 0, 0]);
        assert_eq!(&message[24..40], &timestamp);
        assert_eq!(&message[40..], &[1, 2]);
    }
}
