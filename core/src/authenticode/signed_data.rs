//! PKCS#7 / CMS `ContentInfo` holding a `SignedData` with one `SignerInfo` (RFC 2315 section 9,
//! RFC 5652 sections 5.1 to 5.3), read into owned parts that keep the exact bytes the signature
//! and the message digest cover.
//!
//! Shared by Authenticode signatures, their nested signatures and RFC 3161 timestamp tokens.

use alloc::vec::Vec;

use der::asn1::ObjectIdentifier;
use der::{Decode, Tagged};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

use super::tlv::{self, Tlv, TlvReader, tag};
use crate::digest::HashAlgorithm;
use crate::error::{Error, ErrorKind};

/// `id-signedData`, 1.2.840.113549.1.7.2.
pub const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// `id-contentType` attribute, 1.2.840.113549.1.9.3.
pub const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
/// `id-messageDigest` attribute, 1.2.840.113549.1.9.4.
pub const OID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

/// Maximum number of certificates in one `SignedData`.
pub const MAX_CERTIFICATES: usize = 32;
/// Maximum number of entries in `digestAlgorithms`.
const MAX_DIGEST_ALGORITHMS: usize = 8;
/// Maximum number of attributes in `signedAttrs` or `unsignedAttrs`.
const MAX_ATTRIBUTES: usize = 64;
/// Maximum number of values in one attribute.
const MAX_ATTRIBUTE_VALUES: usize = 16;

const CONTENT_INFO: &str = "ContentInfo";
const SIGNED_DATA: &str = "SignedData";
const SIGNER_INFO: &str = "SignerInfo";
const ATTRIBUTE: &str = "Attribute";

/// A certificate from the `certificates` set, decoded, with its original DER.
#[derive(Clone, Debug)]
pub(crate) struct CertificateEntry {
    pub(crate) certificate: Certificate,
    pub(crate) der: Vec<u8>,
}

/// The reference from a `SignerInfo` to its certificate (RFC 5652 section 5.3).
#[derive(Clone, Debug)]
pub(crate) enum SignerIdentifier {
    IssuerAndSerialNumber(cms::cert::IssuerAndSerialNumber),
    SubjectKeyIdentifier(Vec<u8>),
}

/// One attribute: its type and the encodings of its values with their offsets.
#[derive(Clone, Debug)]
pub(crate) struct RawAttribute {
    pub(crate) oid: ObjectIdentifier,
    pub(crate) values: Vec<(Vec<u8>, usize)>,
}

/// `signedAttrs` with the two attributes every signer must include (RFC 5652 section 5.3).
#[derive(Clone, Debug)]
pub(crate) struct SignedAttributes {
    /// The original `[0] IMPLICIT` encoding. The signature covers it re-tagged as `SET OF`.
    pub(crate) der: Vec<u8>,
    pub(crate) content_type: ObjectIdentifier,
    pub(crate) message_digest: Vec<u8>,
}

impl SignedAttributes {
    /// Builds the bytes the signature covers: the attributes with the `SET OF` tag (RFC 5652 section
    /// 5.4) in place of the implicit `[0]` tag.
    pub(crate) fn signed_bytes(&self) -> Vec<u8> {
        let mut bytes = self.der.clone();
        if let Some(first) = bytes.first_mut() {
            *first = tag::SET;
        }
        bytes
    }
}

/// The single `SignerInfo`.
#[derive(Clone, Debug)]
pub(crate) struct SignerInfo {
    pub(crate) identifier: SignerIdentifier,
    pub(crate) digest_algorithm: AlgorithmIdentifierOwned,
    pub(crate) digest_algorithm_offset: usize,
    pub(crate) signed_attributes: Option<SignedAttributes>,
    pub(crate) signature_algorithm: AlgorithmIdentifierOwned,
    pub(crate) signature_algorithm_offset: usize,
    pub(crate) signature: Vec<u8>,
    pub(crate) unsigned_attributes: Vec<RawAttribute>,
}

/// The parts of one `ContentInfo(SignedData)`.
#[derive(Clone, Debug)]
pub(crate) struct SignedData {
    pub(crate) digest_algorithms: Vec<AlgorithmIdentifierOwned>,
    pub(crate) digest_algorithms_offset: usize,
    pub(crate) content_type: ObjectIdentifier,
    pub(crate) content_type_offset: usize,
    /// Whether `eContent` is absent: the signed content travels outside the structure, as in
    /// an `EFI_VARIABLE_AUTHENTICATION_2` descriptor. `content` is then empty.
    pub(crate) detached: bool,
    /// Tag of the element inside `eContent` (0 when detached).
    pub(crate) content_tag: u8,
    /// Value bytes of the element inside `eContent`, without its tag and length: what the
    /// `messageDigest` attribute hashes for Authenticode (a SEQUENCE) and for CMS (an OCTET STRING).
    pub(crate) content: Vec<u8>,
    pub(crate) content_offset: usize,
    pub(crate) certificates: Vec<CertificateEntry>,
    pub(crate) signer: SignerInfo,
}

impl SignedData {
    /// Reads a DER `ContentInfo` whose `contentType` is `id-signedData`. `der` must be exactly one
    /// element; `base` is its offset in the caller's buffer.
    pub(crate) fn parse(der: &[u8], base: usize) -> Result<Self, Error> {
        let content_info = tlv::single(der, base, CONTENT_INFO)?;
        if content_info.tag != tag::SEQUENCE {
            return Err(Error::invalid(CONTENT_INFO, "tag", base));
        }
        let mut fields = content_info.children(CONTENT_INFO);
        let content_type = fields.expect(tag::OBJECT_IDENTIFIER, "contentType")?;
        if object_identifier(&content_type, CONTENT_INFO)? != OID_SIGNED_DATA {
            return Err(Error::invalid(CONTENT_INFO, "contentType", content_type.offset));
        }
        let explicit = fields.expect(tag::CONTEXT_0_CONSTRUCTED, "content")?;
        fields.finish()?;

        let signed_data = tlv::single(explicit.value, explicit.value_offset, SIGNED_DATA)?;
        if signed_data.tag != tag::SEQUENCE {
            return Err(Error::invalid(SIGNED_DATA, "tag", signed_data.offset));
        }
        Self::parse_fields(signed_data.children(SIGNED_DATA))
    }

    /// Reads a DER `SignedData` that is not wrapped in a `ContentInfo`, as some PKCS#7 producers
    /// write it. `der` must be exactly one element; `base` is its offset in the caller's buffer.
    pub(crate) fn parse_bare(der: &[u8], base: usize) -> Result<Self, Error> {
        let signed_data = tlv::single(der, base, SIGNED_DATA)?;
        if signed_data.tag != tag::SEQUENCE {
            return Err(Error::invalid(SIGNED_DATA, "tag", base));
        }
        Self::parse_fields(signed_data.children(SIGNED_DATA))
    }

    fn parse_fields(mut fields: TlvReader<'_>) -> Result<Self, Error> {
        // Version 1 for PKCS#7 and Authenticode, 3 for CMS with other content types; the value
        // selects nothing here.
        fields.expect(tag::INTEGER, "version")?;

        let set = fields.expect(tag::SET, "digestAlgorithms")?;
        let digest_algorithms = algorithm_set(&set)?;

        let encapsulated = fields.expect(tag::SEQUENCE, "encapContentInfo")?;
        let mut content_fields = encapsulated.children("EncapsulatedContentInfo");
        let content_type_element = content_fields.expect(tag::OBJECT_IDENTIFIER, "eContentType")?;
        let content_type = object_identifier(&content_type_element, "EncapsulatedContentInfo")?;
        // eContent is OPTIONAL (RFC 5652 section 5.2): absent for a detached signature.
        let inner = match content_fields.optional(tag::CONTEXT_0_CONSTRUCTED)? {
            Some(explicit) => Some(tlv::single(explicit.value, explicit.value_offset, "eContent")?),
            None => None,
        };
        content_fields.finish()?;

        let certificates = match fields.optional(tag::CONTEXT_0_CONSTRUCTED)? {
            Some(set) => certificate_set(&set)?,
            None => Vec::new(),
        };
        // Revocation information is not used by UEFI image verification.
        fields.optional(tag::CONTEXT_1_CONSTRUCTED)?;

        let signer_infos = fields.expect(tag::SET, "signerInfos")?;
        fields.finish()?;
        let mut signers = signer_infos.children(SIGNED_DATA);
        let signer = signers.expect(tag::SEQUENCE, "signerInfos")?;
        // Authenticode allows exactly one SignerInfo; further signatures are nested instead.
        if !signers.is_empty() {
            return Err(Error::invalid(SIGNED_DATA, "signerInfos (more than one)", signers.offset()));
        }

        Ok(Self {
            digest_algorithms,
            digest_algorithms_offset: set.offset,
            content_type,
            content_type_offset: content_type_element.offset,
            detached: inner.is_none(),
            content_tag: inner.map_or(0, |inner| inner.tag),
            content: inner.map(|inner| inner.value.to_vec()).unwrap_or_default(),
            content_offset: inner.map_or(encapsulated.offset, |inner| inner.value_offset),
            certificates,
            signer: parse_signer_info(&signer)?,
        })
    }

    /// Finds the certificate the `SignerInfo` names, if the set contains it.
    pub(crate) fn signer_certificate(&self) -> Option<&CertificateEntry> {
        self.certificates.iter().find(|entry| match &self.signer.identifier {
            SignerIdentifier::IssuerAndSerialNumber(id) => {
                let tbs = entry.certificate.tbs_certificate();
                *tbs.issuer() == id.issuer && *tbs.serial_number() == id.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(key_id) => {
                subject_key_identifier(&entry.certificate).as_deref() == Some(key_id.as_slice())
            }
        })
    }
}

fn parse_signer_info(signer: &Tlv<'_>) -> Result<SignerInfo, Error> {
    let mut fields = signer.children(SIGNER_INFO);
    fields.expect(tag::INTEGER, "version")?;

    let sid_offset = fields.offset();
    let sid = fields.next()?;
    let identifier = match sid.tag {
        tag::SEQUENCE => SignerIdentifier::IssuerAndSerialNumber(
            cms::cert::IssuerAndSerialNumber::from_der(sid.raw)
                .map_err(|error| Error::from_der(error, SIGNER_INFO, sid.offset))?,
        ),
        tag::CONTEXT_0_PRIMITIVE => SignerIdentifier::SubjectKeyIdentifier(sid.value.to_vec()),
        _ => return Err(Error::invalid(SIGNER_INFO, "sid", sid_offset)),
    };

    let digest_element = fields.expect(tag::SEQUENCE, "digestAlgorithm")?;
    let digest_algorithm = algorithm_identifier(&digest_element, SIGNER_INFO)?;

    let signed_attributes = match fields.optional(tag::CONTEXT_0_CONSTRUCTED)? {
        Some(element) => Some(signed_attributes(&element)?),
        None => None,
    };

    let signature_element = fields.expect(tag::SEQUENCE, "signatureAlgorithm")?;
    let signature_algorithm = algorithm_identifier(&signature_element, SIGNER_INFO)?;
    let signature = fields.expect(tag::OCTET_STRING, "signature")?;

    let unsigned_attributes = match fields.optional(tag::CONTEXT_1_CONSTRUCTED)? {
        Some(element) => attributes(&element)?,
        None => Vec::new(),
    };
    fields.finish()?;

    Ok(SignerInfo {
        identifier,
        digest_algorithm,
        digest_algorithm_offset: digest_element.offset,
        signed_attributes,
        signature_algorithm,
        signature_algorithm_offset: signature_element.offset,
        signature: signature.value.to_vec(),
        unsigned_attributes,
    })
}

/// Reads `signedAttrs` and picks out `contentType` and `messageDigest`, each of which must occur
/// once with one value (RFC 5652 section 5.3).
fn signed_attributes(element: &Tlv<'_>) -> Result<SignedAttributes, Error> {
    let list = attributes(element)?;

    let single_value = |oid: ObjectIdentifier, field: &'static str| -> Result<(Vec<u8>, usize), Error> {
        let mut matching = list.iter().filter(|attribute| attribute.oid == oid);
        let attribute = matching.next().ok_or(Error::invalid("signedAttrs", field, element.offset))?;
        if matching.next().is_some() {
            return Err(Error::invalid("signedAttrs", field, element.offset));
        }
        match attribute.values.as_slice() {
            [value] => Ok(value.clone()),
            _ => Err(Error::invalid("signedAttrs", field, element.offset)),
        }
    };

    let (content_type_der, content_type_offset) = single_value(OID_CONTENT_TYPE, "contentType attribute")?;
    let content_type_element = tlv::single(&content_type_der, content_type_offset, ATTRIBUTE)?;
    if content_type_element.tag != tag::OBJECT_IDENTIFIER {
        return Err(Error::invalid(ATTRIBUTE, "contentType", content_type_offset));
    }
    let content_type = object_identifier(&content_type_element, ATTRIBUTE)?;

    let (digest_der, digest_offset) = single_value(OID_MESSAGE_DIGEST, "messageDigest attribute")?;
    let digest_element = tlv::single(&digest_der, digest_offset, ATTRIBUTE)?;
    if digest_element.tag != tag::OCTET_STRING {
        return Err(Error::invalid(ATTRIBUTE, "messageDigest", digest_offset));
    }

    Ok(SignedAttributes { der: element.raw.to_vec(), content_type, message_digest: digest_element.value.to_vec() })
}

/// Reads a `SET OF Attribute` (X.501), keeping each value's encoding.
fn attributes(element: &Tlv<'_>) -> Result<Vec<RawAttribute>, Error> {
    let mut reader = element.children(ATTRIBUTE);
    let mut list = Vec::new();
    while !reader.is_empty() {
        if list.len() >= MAX_ATTRIBUTES {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "attributes", max: MAX_ATTRIBUTES },
                ATTRIBUTE,
                reader.offset(),
            ));
        }
        let attribute = reader.expect(tag::SEQUENCE, "Attribute")?;
        let mut fields = attribute.children(ATTRIBUTE);
        let oid = object_identifier(&fields.expect(tag::OBJECT_IDENTIFIER, "attrType")?, ATTRIBUTE)?;
        let set = fields.expect(tag::SET, "attrValues")?;
        fields.finish()?;

        let mut values_reader = set.children(ATTRIBUTE);
        let mut values = Vec::new();
        while !values_reader.is_empty() {
            if values.len() >= MAX_ATTRIBUTE_VALUES {
                return Err(Error::new(
                    ErrorKind::LimitExceeded { what: "attribute values", max: MAX_ATTRIBUTE_VALUES },
                    ATTRIBUTE,
                    values_reader.offset(),
                ));
            }
            let value = values_reader.next()?;
            values.push((value.raw.to_vec(), value.offset));
        }
        list.push(RawAttribute { oid, values });
    }
    Ok(list)
}

/// Reads the `certificates` set; only X.509 certificates are kept (attribute certificates and
/// other formats are skipped: they cannot sign).
fn certificate_set(set: &Tlv<'_>) -> Result<Vec<CertificateEntry>, Error> {
    let mut reader = set.children(SIGNED_DATA);
    let mut certificates = Vec::new();
    let mut count = 0usize;
    while !reader.is_empty() {
        if count >= MAX_CERTIFICATES {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "certificates", max: MAX_CERTIFICATES },
                SIGNED_DATA,
                reader.offset(),
            ));
        }
        count = count.saturating_add(1);
        let element = reader.next()?;
        if element.tag != tag::SEQUENCE {
            continue;
        }
        let certificate = Certificate::from_der(element.raw)
            .map_err(|error| Error::from_der(error, "Certificate", element.offset))?;
        certificates.push(CertificateEntry { certificate, der: element.raw.to_vec() });
    }
    Ok(certificates)
}

fn algorithm_set(set: &Tlv<'_>) -> Result<Vec<AlgorithmIdentifierOwned>, Error> {
    let mut reader = set.children(SIGNED_DATA);
    let mut algorithms = Vec::new();
    while !reader.is_empty() {
        if algorithms.len() >= MAX_DIGEST_ALGORITHMS {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "digest algorithms", max: MAX_DIGEST_ALGORITHMS },
                SIGNED_DATA,
                reader.offset(),
            ));
        }
        let element = reader.expect(tag::SEQUENCE, "digestAlgorithms")?;
        algorithms.push(algorithm_identifier(&element, SIGNED_DATA)?);
    }
    Ok(algorithms)
}

pub(crate) fn algorithm_identifier(
    element: &Tlv<'_>,
    structure: &'static str,
) -> Result<AlgorithmIdentifierOwned, Error> {
    AlgorithmIdentifierOwned::from_der(element.raw).map_err(|error| Error::from_der(error, structure, element.offset))
}

pub(crate) fn object_identifier(element: &Tlv<'_>, structure: &'static str) -> Result<ObjectIdentifier, Error> {
    ObjectIdentifier::from_bytes(element.value)
        .map_err(|_| Error::invalid(structure, "OBJECT IDENTIFIER", element.offset))
}

/// The hash algorithm of a digest `AlgorithmIdentifier`, whose parameters must be NULL or absent
/// (RFC 5754 section 2).
pub(crate) fn hash_algorithm(
    algorithm: &AlgorithmIdentifierOwned,
    structure: &'static str,
    offset: usize,
) -> Result<HashAlgorithm, Error> {
    if algorithm.parameters.as_ref().is_some_and(|parameters| parameters.tag() != der::Tag::Null) {
        return Err(Error::invalid(structure, "digestAlgorithm parameters", offset));
    }
    HashAlgorithm::from_oid(&algorithm.oid).ok_or(Error::new(
        ErrorKind::Unsupported { field: "digestAlgorithm" },
        structure,
        offset,
    ))
}

/// Reads the `subjectKeyIdentifier` extension value (RFC 5280 section 4.2.1.2), if present.
fn subject_key_identifier(certificate: &Certificate) -> Option<Vec<u8>> {
    const OID_SUBJECT_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
    let extension = certificate
        .tbs_certificate()
        .extensions()?
        .iter()
        .find(|extension| extension.extn_id == OID_SUBJECT_KEY_IDENTIFIER)?;
    let inner = tlv::single(extension.extn_value.as_bytes(), 0, "SubjectKeyIdentifier").ok()?;
    (inner.tag == tag::OCTET_STRING).then(|| inner.value.to_vec())
}
