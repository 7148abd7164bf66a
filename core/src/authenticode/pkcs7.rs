//! A detached PKCS#7 `SignedData` over arbitrary content (RFC 2315 section 9, RFC 5652 section
//! 5), as `EFI_VARIABLE_AUTHENTICATION_2` carries it (UEFI 2.10 section 8.2.2). UEFI accepts the
//! structure with or without its `ContentInfo` wrapper, and the signed content is never inside it.
//!
//! Entry point: [`DetachedSignature::parse`]. Parsing shares the `SignedData` reader of
//! Authenticode signatures, and verification shares its signer check and path search.

use alloc::vec::Vec;

use super::chain::{ChainOutcome, chain_certificates};
use super::signed_data::{self, SignedData};
use super::signer::{SignerCheck, verify_signed_content};
use super::tlv::{self, tag};
use crate::digest::HashAlgorithm;
use crate::error::Error;

/// A parsed detached PKCS#7 signature with exactly one `SignerInfo`. Parsing checks structure
/// only; [`DetachedSignature::verify_signer`] checks the signature over the content and
/// [`DetachedSignature::chain_to_anchor`] the certificate path.
#[derive(Clone, Debug)]
pub struct DetachedSignature {
    signed_data: SignedData,
    content_info: bool,
}

impl DetachedSignature {
    /// Reads one DER `ContentInfo(SignedData)` or one bare `SignedData`, with no byte after it.
    /// `base` is the offset of `der` in the caller's buffer.
    ///
    /// The form is told apart by the first element inside the outer `SEQUENCE`: an `OBJECT
    /// IDENTIFIER` starts a `ContentInfo`, an `INTEGER` (the version) a bare `SignedData`.
    /// `eContent` must be absent, because the content is passed to
    /// [`verify_signer`](Self::verify_signer).
    pub fn parse(der: &[u8], base: usize) -> Result<Self, Error> {
        let outer = tlv::single(der, base, "ContentInfo")?;
        if outer.tag != tag::SEQUENCE {
            return Err(Error::invalid("ContentInfo", "tag", base));
        }
        let content_info = outer.children("ContentInfo").peek_tag() == Some(tag::OBJECT_IDENTIFIER);
        let signed_data = if content_info { SignedData::parse(der, base)? } else { SignedData::parse_bare(der, base)? };
        if !signed_data.detached {
            return Err(Error::invalid(
                "EncapsulatedContentInfo",
                "eContent (present in a detached signature)",
                signed_data.content_offset,
            ));
        }
        Ok(Self { signed_data, content_info })
    }

    /// Whether the signature came wrapped in a `ContentInfo`.
    pub const fn has_content_info(&self) -> bool {
        self.content_info
    }

    /// Whether the `SignerInfo` has `signedAttrs`, so that the signature covers them and their
    /// `messageDigest` covers the content.
    pub const fn has_signed_attributes(&self) -> bool {
        self.signed_data.signer.signed_attributes.is_some()
    }

    /// `SignerInfo.digestAlgorithm`.
    pub fn digest_algorithm(&self) -> Result<HashAlgorithm, Error> {
        let signer = &self.signed_data.signer;
        signed_data::hash_algorithm(&signer.digest_algorithm, "SignerInfo", signer.digest_algorithm_offset)
    }

    /// The DER of the certificate that the `SignerInfo` names, if the certificate set has it.
    pub fn signer_certificate_der(&self) -> Option<&[u8]> {
        self.signed_data.signer_certificate().map(|entry| entry.der.as_slice())
    }

    /// The DER of every X.509 certificate in the certificate set, in encoded order.
    pub fn certificates_der(&self) -> Vec<&[u8]> {
        self.signed_data.certificates.iter().map(|entry| entry.der.as_slice()).collect()
    }

    /// Checks the signature over `content`. With `signedAttrs`, their `messageDigest` must equal
    /// the hash of `content` and their `contentType` must equal `eContentType`; without them, the
    /// signature covers `content` itself.
    ///
    /// Returns `Err` when the signature algorithm cannot be understood.
    pub fn verify_signer(&self, content: &[u8]) -> Result<SignerCheck, Error> {
        verify_signed_content(&self.signed_data, self.signed_data.content_type, content)
    }

    /// Searches a path from the signer certificate, through the certificate set, to the DER
    /// certificate `anchor_der`, under the same rules as [`super::chain_to_anchor`]: partial
    /// chains, no validity dates, no key usage.
    pub fn chain_to_anchor(&self, anchor_der: &[u8]) -> Result<ChainOutcome, Error> {
        let Some(signer) = self.signed_data.signer_certificate() else {
            return Ok(ChainOutcome::NotChained);
        };
        chain_certificates(&self.signed_data.certificates, signer, anchor_der)
    }
}
