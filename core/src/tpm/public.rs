//! `TPM2B_PUBLIC` and `TPMT_PUBLIC` (TPM 2.0 Part 2, Structures) for RSA and ECC
//! keys, `TPMA_OBJECT` and the object Name (TPM 2.0 Part 1, Names).
//!
//! Entry points: [`Public::parse`] for a bare `TPMT_PUBLIC`, [`Public::parse_tpm2b`] for the
//! `TPM2B_PUBLIC` that `tpm2_createak -u` and `tpm2_readpublic -o` write.
//!
//! Wire format (big-endian): `u16 type, u16 nameAlg, u32 objectAttributes, TPM2B authPolicy`,
//! then the parameters of the type and the `unique` field:
//! - RSA: `TPMT_SYM_DEF_OBJECT symmetric, TPMT_RSA_SCHEME scheme, u16 keyBits, u32 exponent`,
//!   then `TPM2B_PUBLIC_KEY_RSA` (the modulus).
//! - ECC: `TPMT_SYM_DEF_OBJECT symmetric, TPMT_ECC_SCHEME scheme, u16 curveID,
//!   TPMT_KDF_SCHEME kdf`, then `TPMS_ECC_POINT {TPM2B x, TPM2B y}`.
//!
//! Keyed-hash and symmetric-cipher objects are `Unsupported`: they cannot sign a quote.
//! Budgets: `authPolicy` at most 64 bytes, an RSA modulus at most 512 bytes (4096 bits), an ECC
//! coordinate at most 66 bytes (P-521). A `TPM2B_PUBLIC` must be filled exactly by its
//! `TPMT_PUBLIC`, and nothing may follow it.

use alloc::vec::Vec;

use crate::digest::{Digest, HashAlgorithm};
use crate::error::{Error, ErrorKind};
use crate::reader::Reader;
use crate::tpm::algorithm::{TPM_ALG_ECC, TPM_ALG_ECDAA, TPM_ALG_NULL, TPM_ALG_RSA, TPM_ALG_RSAES, scheme_has_hash};

const STRUCTURE: &str = "TPMT_PUBLIC";
const STRUCTURE_2B: &str = "TPM2B_PUBLIC";

const MAX_AUTH_POLICY: usize = 64;
const MAX_RSA_KEY_BYTES: usize = 512;
const MAX_ECC_KEY_BYTES: usize = 66;

/// `TPMA_OBJECT`: the attributes of a TPM object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObjectAttributes(pub u32);

impl ObjectAttributes {
    /// `fixedTPM`: the object cannot be duplicated out of this TPM.
    pub const FIXED_TPM: u32 = 1 << 1;
    /// `stClear`: the object is flushed on TPM Restart.
    pub const ST_CLEAR: u32 = 1 << 2;
    /// `fixedParent`: the object cannot be moved to another parent.
    pub const FIXED_PARENT: u32 = 1 << 4;
    /// `sensitiveDataOrigin`: the TPM generated the private part.
    pub const SENSITIVE_DATA_ORIGIN: u32 = 1 << 5;
    /// `userWithAuth`: the USER role may use the authValue.
    pub const USER_WITH_AUTH: u32 = 1 << 6;
    /// `adminWithPolicy`: the ADMIN role needs a policy session.
    pub const ADMIN_WITH_POLICY: u32 = 1 << 7;
    /// `noDA`: no dictionary-attack protection.
    pub const NO_DA: u32 = 1 << 10;
    /// `encryptedDuplication`.
    pub const ENCRYPTED_DUPLICATION: u32 = 1 << 11;
    /// `restricted`: the key signs only digests the TPM computed itself, or data that does not
    /// start with `TPM_GENERATED_VALUE`.
    pub const RESTRICTED: u32 = 1 << 16;
    /// `decrypt`.
    pub const DECRYPT: u32 = 1 << 17;
    /// `sign` (also `encrypt` for symmetric keys).
    pub const SIGN: u32 = 1 << 18;
    /// `x509sign`.
    pub const X509_SIGN: u32 = 1 << 19;

    /// The attributes an attestation key must have: `restricted | sign | fixedTPM`.
    pub const ATTESTATION_KEY: u32 = Self::RESTRICTED | Self::SIGN | Self::FIXED_TPM;

    /// Whether every bit of `bits` is set.
    pub const fn contains(self, bits: u32) -> bool {
        self.0 & bits == bits
    }
}

/// A `TPMT_*_SCHEME` or `TPMT_KDF_SCHEME`: an algorithm and the hash in its details, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scheme {
    /// `scheme`: a `TPM_ALG_ID`, `TPM_ALG_NULL` when the caller chooses at use.
    pub scheme: u16,
    /// `details.hashAlg` as a `TPM_ALG_ID`, for schemes that carry one.
    pub hash: Option<u16>,
    /// `details.count`, for `TPM_ALG_ECDAA` only.
    pub count: Option<u16>,
}

impl Scheme {
    /// Whether the scheme is `TPM_ALG_NULL`.
    pub const fn is_null(&self) -> bool {
        self.scheme == TPM_ALG_NULL
    }

    fn read_asymmetric(reader: &mut Reader<'_>) -> Result<Self, Error> {
        let offset = reader.offset();
        let scheme = reader.u16_be()?;
        if scheme == TPM_ALG_NULL || scheme == TPM_ALG_RSAES {
            return Ok(Self { scheme, hash: None, count: None });
        }
        if !scheme_has_hash(scheme) {
            return Err(Error::invalid(STRUCTURE, "scheme", offset));
        }
        let hash = Some(reader.u16_be()?);
        let count = if scheme == TPM_ALG_ECDAA { Some(reader.u16_be()?) } else { None };
        Ok(Self { scheme, hash, count })
    }

    fn read_kdf(reader: &mut Reader<'_>) -> Result<Self, Error> {
        use crate::tpm::algorithm::{TPM_ALG_KDF1_SP800_56A, TPM_ALG_KDF1_SP800_108, TPM_ALG_KDF2, TPM_ALG_MGF1};

        let offset = reader.offset();
        let scheme = reader.u16_be()?;
        match scheme {
            TPM_ALG_NULL => Ok(Self { scheme, hash: None, count: None }),
            TPM_ALG_MGF1 | TPM_ALG_KDF1_SP800_56A | TPM_ALG_KDF2 | TPM_ALG_KDF1_SP800_108 => {
                Ok(Self { scheme, hash: Some(reader.u16_be()?), count: None })
            }
            _ => Err(Error::invalid(STRUCTURE, "kdf", offset)),
        }
    }
}

/// `TPMT_SYM_DEF_OBJECT`: the symmetric algorithm of a storage key; `TPM_ALG_NULL` for signing
/// keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SymmetricDefinition {
    /// `algorithm`.
    pub algorithm: u16,
    /// `keyBits`, zero when `algorithm` is `TPM_ALG_NULL`.
    pub key_bits: u16,
    /// `mode`, `TPM_ALG_NULL` when `algorithm` is.
    pub mode: u16,
}

impl SymmetricDefinition {
    fn read(reader: &mut Reader<'_>) -> Result<Self, Error> {
        let algorithm = reader.u16_be()?;
        if algorithm == TPM_ALG_NULL {
            return Ok(Self { algorithm, key_bits: 0, mode: TPM_ALG_NULL });
        }
        Ok(Self { algorithm, key_bits: reader.u16_be()?, mode: reader.u16_be()? })
    }
}

/// The type-specific part of a `TPMT_PUBLIC`: `parameters` and `unique`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicKeyParameters<'a> {
    /// `TPMS_RSA_PARMS` and `TPM2B_PUBLIC_KEY_RSA`.
    Rsa {
        /// `symmetric`.
        symmetric: SymmetricDefinition,
        /// `scheme`.
        scheme: Scheme,
        /// `keyBits`.
        key_bits: u16,
        /// `exponent`; zero means the default 65537.
        exponent: u32,
        /// The modulus, big-endian.
        modulus: &'a [u8],
    },
    /// `TPMS_ECC_PARMS` and `TPMS_ECC_POINT`.
    Ecc {
        /// `symmetric`.
        symmetric: SymmetricDefinition,
        /// `scheme`.
        scheme: Scheme,
        /// `curveID`, a `TPM_ECC_CURVE`.
        curve: u16,
        /// `kdf`.
        kdf: Scheme,
        /// `x`, big-endian.
        x: &'a [u8],
        /// `y`, big-endian.
        y: &'a [u8],
    },
}

/// A parsed `TPMT_PUBLIC`, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Public<'a> {
    /// `nameAlg`: the hash of the object's Name.
    pub name_algorithm: HashAlgorithm,
    /// `objectAttributes`.
    pub object_attributes: ObjectAttributes,
    /// `authPolicy`: the policy digest, empty when there is none.
    pub auth_policy: &'a [u8],
    /// `parameters` and `unique`.
    pub parameters: PublicKeyParameters<'a>,
    /// The marshalled `TPMT_PUBLIC`, the input of the Name.
    pub bytes: &'a [u8],
}

impl<'a> Public<'a> {
    /// Parses a bare `TPMT_PUBLIC` that fills `bytes` exactly.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut reader = Reader::new(bytes, 0, STRUCTURE);
        let public = Self::read(&mut reader)?;
        reader.finish()?;
        Ok(public)
    }

    /// Parses a `TPM2B_PUBLIC`: a `u16` size and a `TPMT_PUBLIC` of exactly that size, with
    /// nothing after it.
    pub fn parse_tpm2b(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut reader = Reader::new(bytes, 0, STRUCTURE_2B);
        let size = reader.u16_be()?;
        let inner = reader.bytes(usize::from(size))?;
        reader.finish()?;

        let mut inner_reader = Reader::new(inner, 2, STRUCTURE);
        let public = Self::read(&mut inner_reader)?;
        inner_reader.finish()?;
        Ok(public)
    }

    /// Reads a `TPMT_PUBLIC` at the reader's position.
    pub fn read(reader: &mut Reader<'a>) -> Result<Self, Error> {
        reader.set_structure(STRUCTURE);
        let mut recorder = reader.clone();
        let start = reader.position();

        let type_offset = reader.offset();
        let key_type = reader.u16_be()?;
        let name_offset = reader.offset();
        let name_algorithm = HashAlgorithm::from_tpm_alg_id(reader.u16_be()?).ok_or(Error::new(
            ErrorKind::Unsupported { field: "nameAlg" },
            STRUCTURE,
            name_offset,
        ))?;
        let object_attributes = ObjectAttributes(reader.u32_be()?);
        let auth_policy = read_sized(reader, "authPolicy bytes", MAX_AUTH_POLICY)?;

        let parameters = match key_type {
            TPM_ALG_RSA => read_rsa(reader)?,
            TPM_ALG_ECC => read_ecc(reader)?,
            _ => return Err(Error::new(ErrorKind::Unsupported { field: "type" }, STRUCTURE, type_offset)),
        };

        let length = reader.position().checked_sub(start).ok_or(reader.error(ErrorKind::Overflow { field: "size" }))?;
        let bytes = recorder.bytes(length)?;
        Ok(Self { name_algorithm, object_attributes, auth_policy, parameters, bytes })
    }

    /// The object's Name digest: `H_nameAlg(TPMT_PUBLIC)`.
    pub fn name_digest(&self) -> Digest {
        self.name_algorithm.hash(self.bytes)
    }

    /// The object's Name as the TPM marshals it: `nameAlg` (big-endian `u16`) followed by
    /// [`Public::name_digest`].
    pub fn name(&self) -> Vec<u8> {
        let digest = self.name_digest();
        let mut name = Vec::with_capacity(digest.as_bytes().len().saturating_add(2));
        name.extend_from_slice(&self.name_algorithm.tpm_alg_id().to_be_bytes());
        name.extend_from_slice(digest.as_bytes());
        name
    }

    /// The signing scheme fixed in the key, `TPM_ALG_NULL` when the caller chooses one at use.
    pub const fn scheme(&self) -> Scheme {
        match self.parameters {
            PublicKeyParameters::Rsa { scheme, .. } | PublicKeyParameters::Ecc { scheme, .. } => scheme,
        }
    }
}

fn read_rsa<'a>(reader: &mut Reader<'a>) -> Result<PublicKeyParameters<'a>, Error> {
    let symmetric = SymmetricDefinition::read(reader)?;
    let scheme = Scheme::read_asymmetric(reader)?;
    let key_bits = reader.u16_be()?;
    let exponent = reader.u32_be()?;
    let modulus = read_sized(reader, "RSA modulus bytes", MAX_RSA_KEY_BYTES)?;
    Ok(PublicKeyParameters::Rsa { symmetric, scheme, key_bits, exponent, modulus })
}

fn read_ecc<'a>(reader: &mut Reader<'a>) -> Result<PublicKeyParameters<'a>, Error> {
    let symmetric = SymmetricDefinition::read(reader)?;
    let scheme = Scheme::read_asymmetric(reader)?;
    let curve = reader.u16_be()?;
    let kdf = Scheme::read_kdf(reader)?;
    let x = read_sized(reader, "ECC coordinate bytes", MAX_ECC_KEY_BYTES)?;
    let y = read_sized(reader, "ECC coordinate bytes", MAX_ECC_KEY_BYTES)?;
    Ok(PublicKeyParameters::Ecc { symmetric, scheme, curve, kdf, x, y })
}

/// Reads a `TPM2B_*` whose buffer may hold at most `max` bytes.
pub(crate) fn read_sized<'a>(reader: &mut Reader<'a>, field: &'static str, max: usize) -> Result<&'a [u8], Error> {
    let at_size = reader.clone();
    let size = usize::from(reader.u16_be()?);
    if size > max {
        return Err(at_size.error(ErrorKind::LimitExceeded { what: field, max }));
    }
    reader.bytes(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `TPM2B_PUBLIC` written by `tpm2_createak -G rsa -g sha256 -s rsassa` on swtpm 0.7.1; the
    /// modulus is shortened to its first bytes below and the size fields adjusted to match.
    fn small_rsa_public() -> Vec<u8> {
        let mut tpmt = Vec::new();
        tpmt.extend_from_slice(&[0x00, 0x01, 0x00, 0x0b, 0x00, 0x05, 0x00, 0x72, 0x00, 0x00]);
        tpmt.extend_from_slice(&[0x00, 0x10, 0x00, 0x14, 0x00, 0x0b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
        tpmt.extend_from_slice(&[0x00, 0x04, 0xb7, 0xa1, 0x85, 0xd8]);
        let mut out = u16::try_from(tpmt.len()).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(&tpmt);
        out
    }

    #[test]
    fn parse_rsa_ak_fields() {
        let bytes = small_rsa_public();
        let public = Public::parse_tpm2b(&bytes).unwrap();
        assert_eq!(public.name_algorithm, HashAlgorithm::Sha256);
        assert_eq!(public.object_attributes, ObjectAttributes(0x0005_0072));
        assert!(public.object_attributes.contains(ObjectAttributes::ATTESTATION_KEY));
        assert_eq!(public.scheme(), Scheme { scheme: 0x0014, hash: Some(0x000b), count: None });
        let PublicKeyParameters::Rsa { key_bits, exponent, modulus, .. } = public.parameters else { panic!() };
        assert_eq!((key_bits, exponent, modulus), (2048, 0, &[0xb7, 0xa1, 0x85, 0xd8][..]));
        assert_eq!(public.bytes, &bytes[2..]);
        assert_eq!(&public.name()[..2], &[0x00, 0x0b]);
    }

    #[test]
    fn tpm2b_size_must_match() {
        let mut bytes = small_rsa_public();
        bytes.push(0);
        assert_eq!(Public::parse_tpm2b(&bytes).unwrap_err().kind, ErrorKind::TrailingData);
        bytes[1] = bytes[1].wrapping_add(1);
        let error = Public::parse_tpm2b(&bytes).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TrailingData);
        assert_eq!(error.structure, STRUCTURE);
    }

    #[test]
    fn keyedhash_unsupported() {
        let bytes = [0x00, 0x08, 0x00, 0x0b, 0, 0, 0, 0, 0, 0];
        assert_eq!(Public::parse(&bytes).unwrap_err().kind, ErrorKind::Unsupported { field: "type" });
    }
}
