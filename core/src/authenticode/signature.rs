//! An Authenticode signature: a PKCS#7 `SignedData` whose content is `SpcIndirectDataContent`
//! (Microsoft "Windows Authenticode Portable Executable Signature Format", sections "Authenticode
//! signature format" and "SpcIndirectDataContent"), with its nested signatures.
//!
//! Entry point: [`AuthenticodeSignature::parse`].

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write as _;

use der::asn1::ObjectIdentifier;
use x509_cert::Certificate;

use super::signed_data::{self, SignedData};
use super::tlv::{self, tag};
use crate::digest::HashAlgorithm;
use crate::error::{Error, ErrorKind};

/// `SPC_INDIRECT_DATA_OBJID`, 1.3.6.1.4.1.311.2.1.4.
pub const OID_SPC_INDIRECT_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.2.1.4");
/// `SPC_NESTED_SIGNATURE_OBJID` unsigned attribute, 1.3.6.1.4.1.311.2.4.1.
pub const OID_SPC_NESTED_SIGNATURE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.2.4.1");

/// Maximum nesting depth of signatures: the top-level signature is depth 0.
pub const MAX_NESTING_DEPTH: usize = 4;
/// Maximum number of nested signatures read from one signature.
pub const MAX_NESTED_SIGNATURES: usize = 16;

const SPC_INDIRECT_DATA_CONTENT: &str = "SpcIndirectDataContent";

/// One parsed Authenticode signature. Parsing checks structure and algorithm consistency only;
/// [`verify_signer`](super::verify_signer) checks the signature and
/// [`chain_to_anchor`](super::chain_to_anchor) the certificate path.
#[derive(Clone, Debug)]
pub struct AuthenticodeSignature {
    pub(crate) signed_data: SignedData,
    digest_algorithm: HashAlgorithm,
    image_digest: Vec<u8>,
    certificates: Vec<Certificate>,
    base_offset: usize,
    depth: usize,
}

impl AuthenticodeSignature {
    /// Reads the `bCertificate` content of a `WIN_CERTIFICATE`: one DER `ContentInfo` with no
    /// byte after it. `base_offset` is the offset of `der` in the caller's buffer; errors name
    /// the structure and the absolute offset.
    ///
    /// Besides the structure, parsing requires: `eContentType` is `SPC_INDIRECT_DATA_OBJID`;
    /// `digestAlgorithms` has exactly one entry, equal to `SignerInfo.digestAlgorithm` and to the
    /// algorithm in `SpcIndirectDataContent.messageDigest`; the digest has that algorithm's
    /// length; at most 32 certificates; `signedAttrs`, when present, hold one `contentType` and
    /// one `messageDigest`.
    pub fn parse(der: &[u8], base_offset: usize) -> Result<Self, Error> {
        Self::parse_at_depth(der, base_offset, 0)
    }

    fn parse_at_depth(der: &[u8], base_offset: usize, depth: usize) -> Result<Self, Error> {
        let signed_data = SignedData::parse(der, base_offset)?;

        if signed_data.content_type != OID_SPC_INDIRECT_DATA {
            return Err(Error::invalid("EncapsulatedContentInfo", "eContentType", signed_data.content_type_offset));
        }
        if signed_data.content_tag != tag::SEQUENCE {
            return Err(Error::invalid(SPC_INDIRECT_DATA_CONTENT, "tag", signed_data.content_offset));
        }
        let (content_algorithm, image_digest) = parse_indirect_data(&signed_data.content, signed_data.content_offset)?;

        let [set_algorithm] = signed_data.digest_algorithms.as_slice() else {
            return Err(Error::invalid(
                "SignedData",
                "digestAlgorithms (not exactly one)",
                signed_data.digest_algorithms_offset,
            ));
        };
        let set_algorithm =
            signed_data::hash_algorithm(set_algorithm, "SignedData", signed_data.digest_algorithms_offset)?;
        let signer = &signed_data.signer;
        let signer_algorithm =
            signed_data::hash_algorithm(&signer.digest_algorithm, "SignerInfo", signer.digest_algorithm_offset)?;
        if signer_algorithm != set_algorithm {
            return Err(Error::invalid(
                "SignerInfo",
                "digestAlgorithm (differs from SignedData.digestAlgorithms)",
                signer.digest_algorithm_offset,
            ));
        }
        if content_algorithm != set_algorithm {
            return Err(Error::invalid(
                SPC_INDIRECT_DATA_CONTENT,
                "digestAlgorithm (differs from SignedData.digestAlgorithms)",
                signed_data.content_offset,
            ));
        }
        if image_digest.len() != set_algorithm.output_size() {
            return Err(Error::invalid(
                SPC_INDIRECT_DATA_CONTENT,
                "digest (length differs from the algorithm's)",
                signed_data.content_offset,
            ));
        }

        let certificates = signed_data.certificates.iter().map(|entry| entry.certificate.clone()).collect();
        Ok(Self { signed_data, digest_algorithm: set_algorithm, image_digest, certificates, base_offset, depth })
    }

    /// The hash algorithm of the image digest, the same in all three places that name it.
    pub const fn digest_algorithm(&self) -> HashAlgorithm {
        self.digest_algorithm
    }

    /// `SpcIndirectDataContent.messageDigest.digest`: the Authenticode digest of the image.
    pub fn image_digest(&self) -> &[u8] {
        &self.image_digest
    }

    /// The X.509 certificates of the `certificates` set, in their encoded order (empty when the
    /// set is absent).
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The original DER of each certificate in [`certificates`](Self::certificates), same order.
    pub fn certificates_der(&self) -> impl Iterator<Item = &[u8]> {
        self.signed_data.certificates.iter().map(|entry| entry.der.as_slice())
    }

    /// The certificate the `SignerInfo` names by issuer and serial number or by subject key
    /// identifier, if the set contains it.
    pub fn signer_certificate(&self) -> Option<&Certificate> {
        self.signed_data.signer_certificate().map(|entry| &entry.certificate)
    }

    /// The original DER of the signer certificate.
    pub fn signer_certificate_der(&self) -> Option<&[u8]> {
        self.signed_data.signer_certificate().map(|entry| entry.der.as_slice())
    }

    /// `SignerInfo.signature`: the value an RFC 3161 timestamp's message imprint hashes.
    pub fn signer_signature(&self) -> &[u8] {
        &self.signed_data.signer.signature
    }

    /// Offset of this signature in the caller's buffer.
    pub const fn base_offset(&self) -> usize {
        self.base_offset
    }

    /// Nesting depth: 0 for a top-level signature.
    pub const fn depth(&self) -> usize {
        self.depth
    }

    /// Reads the signatures nested in the unsigned attribute `SPC_NESTED_SIGNATURE_OBJID`; each
    /// attribute value is a `ContentInfo`. Nested signatures of nested signatures come from
    /// calling this again on the result.
    ///
    /// Budgets: at most 16 nested signatures per signature and a nesting depth of 4.
    pub fn nested_signatures(&self) -> Result<Vec<Self>, Error> {
        let values = self
            .signed_data
            .signer
            .unsigned_attributes
            .iter()
            .filter(|attribute| attribute.oid == OID_SPC_NESTED_SIGNATURE)
            .flat_map(|attribute| attribute.values.iter());

        let mut nested = Vec::new();
        for (der, offset) in values {
            if nested.len() >= MAX_NESTED_SIGNATURES {
                return Err(Error::new(
                    ErrorKind::LimitExceeded { what: "nested signatures", max: MAX_NESTED_SIGNATURES },
                    "unsignedAttrs",
                    *offset,
                ));
            }
            let depth = self.depth.saturating_add(1);
            if depth > MAX_NESTING_DEPTH {
                return Err(Error::new(
                    ErrorKind::LimitExceeded { what: "levels of nested signatures", max: MAX_NESTING_DEPTH },
                    "unsignedAttrs",
                    *offset,
                ));
            }
            nested.push(Self::parse_at_depth(der, *offset, depth)?);
        }
        Ok(nested)
    }

    /// The signer certificate's subject, issuer and serial number (colon-separated hexadecimal),
    /// for reports. Taken from the `SignerInfo` when the certificate is missing.
    pub fn signer_description(&self) -> (String, String, String) {
        if let Some(certificate) = self.signer_certificate() {
            let tbs = certificate.tbs_certificate();
            return (tbs.subject().to_string(), tbs.issuer().to_string(), serial_text(tbs.serial_number().as_bytes()));
        }
        match &self.signed_data.signer.identifier {
            signed_data::SignerIdentifier::IssuerAndSerialNumber(id) => {
                (String::new(), id.issuer.to_string(), serial_text(id.serial_number.as_bytes()))
            }
            signed_data::SignerIdentifier::SubjectKeyIdentifier(key_id) => {
                (String::new(), String::new(), serial_text(key_id))
            }
        }
    }
}

fn serial_text(bytes: &[u8]) -> String {
    let mut text = String::new();
    for (index, byte) in bytes.iter().enumerate() {
        if index > 0 {
            text.push(':');
        }
        let _ = write!(text, "{byte:02X}");
    }
    text
}

/// Reads the value bytes of `SpcIndirectDataContent ::= SEQUENCE { data
/// SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo }` and returns the digest algorithm
/// and the digest.
fn parse_indirect_data(value: &[u8], offset: usize) -> Result<(HashAlgorithm, Vec<u8>), Error> {
    let mut fields = tlv::TlvReader::new(value, offset, SPC_INDIRECT_DATA_CONTENT);
    let data = fields.expect(tag::SEQUENCE, "data")?;
    let digest_info = fields.expect(tag::SEQUENCE, "messageDigest")?;
    fields.finish()?;

    // `data.type` is SPC_PE_IMAGE_DATAOBJ for PE images; it does not change how the digest is
    // checked, so other types are accepted.
    data.children(SPC_INDIRECT_DATA_CONTENT).expect(tag::OBJECT_IDENTIFIER, "data.type")?;

    let mut digest_fields = digest_info.children("DigestInfo");
    let algorithm_element = digest_fields.expect(tag::SEQUENCE, "digestAlgorithm")?;
    let algorithm = signed_data::algorithm_identifier(&algorithm_element, "DigestInfo")?;
    let algorithm = signed_data::hash_algorithm(&algorithm, "DigestInfo", algorithm_element.offset)?;
    let digest = digest_fields.expect(tag::OCTET_STRING, "digest")?;
    digest_fields.finish()?;

    Ok((algorithm, digest.value.to_vec()))
}
