//! The attestation key (AK) a quote is checked against: its public key, its `TPMA_OBJECT`
//! attributes and signing scheme when they are known, and the hierarchy it lives in.
//!
//! Entry points: [`AttestationKey::from_tpm_public`] (a `TPM2B_PUBLIC` or bare `TPMT_PUBLIC`,
//! TPM 2.0 Part 2) and [`AttestationKey::from_spki_der`] /
//! [`AttestationKey::from_spki_pem`] (an X.509 `SubjectPublicKeyInfo`).
//!
//! A `SubjectPublicKeyInfo` carries no `TPMA_OBJECT`, so nothing shows that its key is
//! `restricted | sign | fixedTPM`. Such a key has [`AttestationKey::object_attributes`] `None`,
//! and the quote verifier refuses it unless the caller sets
//! `QuoteOptions::danger_accept_unrestricted_key`, vouching for the key by other means (an AK
//! certificate, a credential-activation record). Prefer the key's `TPM2B_PUBLIC`.

use alloc::vec::Vec;

use crate::crypto::PublicKey;
use crate::error::{Error, ErrorKind};
use crate::tpm::algorithm::{TPM_ECC_NIST_P256, TPM_ECC_NIST_P384};
use crate::tpm::public::{ObjectAttributes, Public, PublicKeyParameters, Scheme};

const STRUCTURE: &str = "TPMT_PUBLIC";

/// The hierarchy a key belongs to. The TPM obfuscates `resetCount`, `restartCount` and
/// `firmwareVersion` in attestation structures signed by a key outside the endorsement and
/// platform hierarchies, as the Windows PCP AK quote of a GCE VM shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Hierarchy {
    /// The endorsement hierarchy, where `tpm2_createak` puts the AK (under the EK).
    Endorsement,
    /// The platform hierarchy.
    Platform,
    /// The owner (storage) hierarchy, for example the Windows PCP AK.
    Owner,
    /// The null hierarchy (ephemeral keys).
    Null,
    /// Not given by the caller: the public area does not record it.
    #[default]
    Unknown,
}

/// A public attestation key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttestationKey {
    key: PublicKey,
    object_attributes: Option<ObjectAttributes>,
    scheme: Option<Scheme>,
    name: Option<Vec<u8>>,
    hierarchy: Hierarchy,
}

impl AttestationKey {
    /// Reads a key from a `TPM2B_PUBLIC` (as `tpm2_createak -u` and `tpm2_readpublic -o` write
    /// it) or a bare `TPMT_PUBLIC`. A leading `u16` equal to the remaining length selects the
    /// `TPM2B_PUBLIC` form; a `TPMT_PUBLIC` starts with its type (1 or 0x23), which never equals
    /// the length of a real key.
    pub fn from_tpm_public(bytes: &[u8]) -> Result<Self, Error> {
        let size = bytes.first_chunk::<2>().map(|size| usize::from(u16::from_be_bytes(*size)));
        let public = if size == Some(bytes.len().saturating_sub(2)) {
            Public::parse_tpm2b(bytes)?
        } else {
            Public::parse(bytes)?
        };
        Self::from_public(&public)
    }

    /// Builds a key from a parsed `TPMT_PUBLIC`. RSA keys need `keyBits` to equal the modulus
    /// length and a modulus of 1024 to 8192 bits (4096 at most, by the `TPMT_PUBLIC` budget);
    /// ECC keys must be on P-256 or P-384.
    pub fn from_public(public: &Public<'_>) -> Result<Self, Error> {
        let key = match public.parameters {
            PublicKeyParameters::Rsa { key_bits, exponent, modulus, .. } => rsa_key(key_bits, exponent, modulus)?,
            PublicKeyParameters::Ecc { curve, x, y, .. } => ecc_key(curve, x, y)?,
        };
        Ok(Self {
            key,
            object_attributes: Some(public.object_attributes),
            scheme: Some(public.scheme()),
            name: Some(public.name()),
            hierarchy: Hierarchy::Unknown,
        })
    }

    /// Reads a key from a DER `SubjectPublicKeyInfo`. Its attributes are unknown: see the module
    /// documentation.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        Ok(Self::from_key(PublicKey::from_spki_der(der)?))
    }

    /// Reads a key from a PEM `PUBLIC KEY` block (RFC 7468 section 13). Its attributes are
    /// unknown: see the module documentation.
    pub fn from_spki_pem(pem: &str) -> Result<Self, Error> {
        let structure = "PUBLIC KEY";
        let (label, document) = der::Document::from_pem(pem).map_err(|error| Error::from_der(error, structure, 0))?;
        if label != structure {
            return Err(Error::invalid(structure, "PEM label", 0));
        }
        Self::from_spki_der(document.as_bytes())
    }

    /// Wraps a public key whose TPM attributes are unknown.
    pub const fn from_key(key: PublicKey) -> Self {
        Self { key, object_attributes: None, scheme: None, name: None, hierarchy: Hierarchy::Unknown }
    }

    /// Records the hierarchy the caller knows the key to be in, which decides whether quote
    /// counters are reported as obfuscated.
    #[must_use]
    pub const fn with_hierarchy(mut self, hierarchy: Hierarchy) -> Self {
        self.hierarchy = hierarchy;
        self
    }

    /// The public key.
    pub const fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// `objectAttributes`; `None` for a key read from a `SubjectPublicKeyInfo`.
    pub const fn object_attributes(&self) -> Option<ObjectAttributes> {
        self.object_attributes
    }

    /// The signing scheme fixed in the public area; `None` for a `SubjectPublicKeyInfo` key.
    pub const fn scheme(&self) -> Option<Scheme> {
        self.scheme
    }

    /// The key's Name (`nameAlg ‖ H(TPMT_PUBLIC)`); `None` for a `SubjectPublicKeyInfo` key.
    pub fn name(&self) -> Option<&[u8]> {
        self.name.as_deref()
    }

    /// The hierarchy given with [`AttestationKey::with_hierarchy`].
    pub const fn hierarchy(&self) -> Hierarchy {
        self.hierarchy
    }

    /// Whether the public area proves the key is `restricted | sign | fixedTPM`.
    pub fn is_restricted_signing_key(&self) -> bool {
        self.object_attributes.is_some_and(|attributes| attributes.contains(ObjectAttributes::ATTESTATION_KEY))
    }
}

fn rsa_key(key_bits: u16, exponent: u32, modulus: &[u8]) -> Result<PublicKey, Error> {
    if Some(usize::from(key_bits)) != modulus.len().checked_mul(8) {
        return Err(Error::invalid(STRUCTURE, "keyBits", 0));
    }
    // An exponent of zero means the default, 2^16 + 1 (TPM 2.0 Part 2, `TPMS_RSA_PARMS`).
    let exponent = if exponent == 0 { 65_537 } else { exponent };
    let key = rsa::PublicKey::new(rsa::BoxedUint::from_be_slice_vartime(modulus), rsa::BoxedUint::from(exponent))
        .map_err(|_| Error::invalid(STRUCTURE, "unique.rsa", 0))?;
    Ok(PublicKey::Rsa(key))
}

fn ecc_key(curve: u16, x: &[u8], y: &[u8]) -> Result<PublicKey, Error> {
    let field_bytes: usize = match curve {
        TPM_ECC_NIST_P256 => 32,
        TPM_ECC_NIST_P384 => 48,
        _ => return Err(Error::new(ErrorKind::Unsupported { field: "curveID" }, STRUCTURE, 0)),
    };

    // SEC 1 section 2.3.3 uncompressed point: 0x04 ‖ X ‖ Y, each left-padded to the field size.
    let mut point = alloc::vec![0x04];
    for coordinate in [x, y] {
        let padding = field_bytes.checked_sub(coordinate.len()).ok_or(Error::invalid(STRUCTURE, "unique.ecc", 0))?;
        point.resize(point.len().saturating_add(padding), 0);
        point.extend_from_slice(coordinate);
    }

    let invalid = |_| Error::invalid(STRUCTURE, "unique.ecc", 0);
    Ok(if curve == TPM_ECC_NIST_P256 {
        PublicKey::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(invalid)?)
    } else {
        PublicKey::P384(p384::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(invalid)?)
    })
}
