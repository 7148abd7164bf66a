//! Cryptographic check of a `SignerInfo` (RFC 5652 sections 5.4 and 5.6, with the Authenticode
//! rule that `messageDigest` hashes the `SpcIndirectDataContent` value bytes without their tag
//! and length).
//!
//! Entry point: [`verify_signer`].

use super::signature::{AuthenticodeSignature, OID_SPC_INDIRECT_DATA};
use super::signed_data::{self, SignedData};
use crate::crypto::{self, PublicKey, SignatureScheme};
use crate::digest::HashAlgorithm;
use crate::error::{Error, ErrorKind};
use der::asn1::ObjectIdentifier;

/// The result of checking a signer. Only [`SignerCheck::Valid`] means the signer certificate's
/// key signed this content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignerCheck {
    /// The signature verifies with the signer certificate's key.
    Valid,
    /// The signature does not verify with the signer certificate's key.
    BadSignature,
    /// The `messageDigest` attribute differs from the hash of the content.
    MessageDigestMismatch,
    /// The `contentType` attribute (or the encapsulated content type) is not the expected one.
    ContentTypeMismatch,
    /// The certificate set does not contain the certificate the `SignerInfo` names.
    SignerCertificateMissing,
    /// The signer certificate's key uses explicit elliptic-curve parameters (CVE-2020-0601).
    ExplicitEcParameters,
    /// The signer certificate's key is of a type or size this crate cannot verify with.
    UnsupportedSignerKey,
}

impl core::fmt::Display for SignerCheck {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Valid => "the signer signature is valid",
            Self::BadSignature => "the signer signature does not verify with the signer certificate's key",
            Self::MessageDigestMismatch => "the messageDigest attribute differs from the hash of the signed content",
            Self::ContentTypeMismatch => "the contentType attribute is not SPC_INDIRECT_DATA",
            Self::SignerCertificateMissing => "the certificate set lacks the certificate the SignerInfo names",
            Self::ExplicitEcParameters => "the signer key uses explicit elliptic-curve parameters (CVE-2020-0601)",
            Self::UnsupportedSignerKey => "the signer key's type or size is not supported",
        })
    }
}

/// Checks the signer of an Authenticode signature: the encapsulated content type is
/// `SPC_INDIRECT_DATA_OBJID`; when `signedAttrs` are present, their `contentType` is
/// `SPC_INDIRECT_DATA_OBJID` and their `messageDigest` equals the hash of the
/// `SpcIndirectDataContent` value bytes, and the signature covers the attributes re-tagged as
/// `SET OF`; without them, the signature covers the content value bytes.
///
/// The hash is `SignerInfo.digestAlgorithm` for every scheme. Schemes: RSA PKCS#1 v1.5,
/// RSASSA-PSS with the parameters of `signatureAlgorithm`, ECDSA on P-256 and P-384. This does
/// not compare the image digest with the image and does not build a certificate path.
///
/// Returns `Err` when the signature algorithm cannot be understood.
pub fn verify_signer(signature: &AuthenticodeSignature) -> Result<SignerCheck, Error> {
    verify_signed_data(&signature.signed_data, OID_SPC_INDIRECT_DATA)
}

/// Checks the signer of any parsed `SignedData` whose content type must be `content_type`.
pub(crate) fn verify_signed_data(
    signed_data: &SignedData,
    content_type: ObjectIdentifier,
) -> Result<SignerCheck, Error> {
    verify_signed_content(signed_data, content_type, &signed_data.content)
}

/// Checks the signer of a parsed `SignedData` over `content`, which is either its own
/// `eContent` value or, for a detached signature, the content passed beside it.
pub(crate) fn verify_signed_content(
    signed_data: &SignedData,
    content_type: ObjectIdentifier,
    content: &[u8],
) -> Result<SignerCheck, Error> {
    let signer = &signed_data.signer;
    if signed_data.content_type != content_type {
        return Ok(SignerCheck::ContentTypeMismatch);
    }
    let hash = signed_data::hash_algorithm(&signer.digest_algorithm, "SignerInfo", signer.digest_algorithm_offset)?;
    let scheme = SignatureScheme::from_algorithm_identifier(
        &signer.signature_algorithm,
        Some(hash),
        signer.signature_algorithm_offset,
    )?;

    let Some(certificate) = signed_data.signer_certificate() else {
        return Ok(SignerCheck::SignerCertificateMissing);
    };
    let key = match PublicKey::from_spki_owned(certificate.certificate.tbs_certificate().subject_public_key_info()) {
        Ok(key) => key,
        Err(error) if error.kind == ErrorKind::ExplicitEcParameters => return Ok(SignerCheck::ExplicitEcParameters),
        Err(_) => return Ok(SignerCheck::UnsupportedSignerKey),
    };

    let verified = match &signer.signed_attributes {
        Some(attributes) => {
            if attributes.content_type != content_type {
                return Ok(SignerCheck::ContentTypeMismatch);
            }
            if !digest_matches(hash, content, &attributes.message_digest) {
                return Ok(SignerCheck::MessageDigestMismatch);
            }
            verify(&key, scheme, &attributes.signed_bytes(), &signer.signature, signer.signature_algorithm_offset)?
        }
        None => verify(&key, scheme, content, &signer.signature, signer.signature_algorithm_offset)?,
    };
    Ok(if verified { SignerCheck::Valid } else { SignerCheck::BadSignature })
}

fn digest_matches(hash: HashAlgorithm, content: &[u8], expected: &[u8]) -> bool {
    hash.hash(content).as_bytes() == expected
}

fn verify(
    key: &PublicKey,
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
    offset: usize,
) -> Result<bool, Error> {
    crypto::verify_message(key, scheme, message, signature).map_err(|error| Error {
        structure: "SignerInfo",
        offset,
        ..error
    })
}
