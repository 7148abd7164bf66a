//! `TPMT_SIGNATURE` (TPM 2.0 Part 2, Structures): the signature `TPM2_Quote` and the other
//! attestation commands return, as `tpm2_quote -s` writes it.
//!
//! Entry point: [`Signature::parse`].
//!
//! Wire format (big-endian): `u16 sigAlg`, then for `TPM_ALG_RSASSA` and `TPM_ALG_RSAPSS`
//! `{u16 hash, TPM2B sig}`, for `TPM_ALG_ECDSA` `{u16 hash, TPM2B signatureR, TPM2B signatureS}`,
//! and nothing for `TPM_ALG_NULL`. Other schemes (ECDAA, SM2, EC-Schnorr, HMAC) are
//! `Unsupported`, as is a hash other than SHA-1, SHA-256, SHA-384 or SHA-512.
//!
//! Budgets: an RSA signature of at most 512 bytes, ECDSA `r` and `s` of at most 66 bytes each.
//! Nothing may follow the structure.

use alloc::vec::Vec;

use crate::digest::HashAlgorithm;
use crate::error::{Error, ErrorKind};
use crate::reader::Reader;
use crate::tpm::algorithm::{TPM_ALG_ECDSA, TPM_ALG_NULL, TPM_ALG_RSAPSS, TPM_ALG_RSASSA};
use crate::tpm::public::read_sized;

const STRUCTURE: &str = "TPMT_SIGNATURE";

const MAX_RSA_SIGNATURE: usize = 512;
const MAX_ECC_PARAMETER: usize = 66;

/// A parsed `TPMT_SIGNATURE`, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signature<'a> {
    /// `TPM_ALG_RSASSA`: RSASSA-PKCS1-v1_5 over the hash.
    RsaSsa {
        /// `hash`.
        hash: HashAlgorithm,
        /// `sig`, big-endian, as long as the modulus.
        signature: &'a [u8],
    },
    /// `TPM_ALG_RSAPSS`: RSASSA-PSS with MGF1 over the same hash.
    RsaPss {
        /// `hash`.
        hash: HashAlgorithm,
        /// `sig`.
        signature: &'a [u8],
    },
    /// `TPM_ALG_ECDSA`.
    Ecdsa {
        /// `hash`.
        hash: HashAlgorithm,
        /// `signatureR`, big-endian.
        r: &'a [u8],
        /// `signatureS`, big-endian.
        s: &'a [u8],
    },
    /// `TPM_ALG_NULL`: the object could not sign.
    Null,
}

impl<'a> Signature<'a> {
    /// Parses a `TPMT_SIGNATURE` that fills `bytes` exactly.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut reader = Reader::new(bytes, 0, STRUCTURE);
        let signature = Self::read(&mut reader)?;
        reader.finish()?;
        Ok(signature)
    }

    /// Reads a `TPMT_SIGNATURE` at the reader's position.
    pub fn read(reader: &mut Reader<'a>) -> Result<Self, Error> {
        reader.set_structure(STRUCTURE);
        let algorithm_offset = reader.offset();
        let algorithm = reader.u16_be()?;
        if algorithm == TPM_ALG_NULL {
            return Ok(Self::Null);
        }
        if !matches!(algorithm, TPM_ALG_RSASSA | TPM_ALG_RSAPSS | TPM_ALG_ECDSA) {
            return Err(Error::new(ErrorKind::Unsupported { field: "sigAlg" }, STRUCTURE, algorithm_offset));
        }

        let hash_offset = reader.offset();
        let hash = HashAlgorithm::from_tpm_alg_id(reader.u16_be()?).ok_or(Error::new(
            ErrorKind::Unsupported { field: "hash" },
            STRUCTURE,
            hash_offset,
        ))?;

        Ok(match algorithm {
            TPM_ALG_RSASSA => {
                Self::RsaSsa { hash, signature: read_sized(reader, "signature bytes", MAX_RSA_SIGNATURE)? }
            }
            TPM_ALG_RSAPSS => {
                Self::RsaPss { hash, signature: read_sized(reader, "signature bytes", MAX_RSA_SIGNATURE)? }
            }
            _ => Self::Ecdsa {
                hash,
                r: read_sized(reader, "ECC parameter bytes", MAX_ECC_PARAMETER)?,
                s: read_sized(reader, "ECC parameter bytes", MAX_ECC_PARAMETER)?,
            },
        })
    }

    /// `sigAlg` as a `TPM_ALG_ID`.
    pub const fn algorithm(&self) -> u16 {
        match self {
            Self::RsaSsa { .. } => TPM_ALG_RSASSA,
            Self::RsaPss { .. } => TPM_ALG_RSAPSS,
            Self::Ecdsa { .. } => TPM_ALG_ECDSA,
            Self::Null => TPM_ALG_NULL,
        }
    }

    /// The hash the signature was computed over; `None` for `TPM_ALG_NULL`.
    pub const fn hash(&self) -> Option<HashAlgorithm> {
        match self {
            Self::RsaSsa { hash, .. } | Self::RsaPss { hash, .. } | Self::Ecdsa { hash, .. } => Some(*hash),
            Self::Null => None,
        }
    }

    /// Name of the scheme as `tpm2-tools` prints it (`rsassa`, `rsapss`, `ecdsa`, `null`).
    pub const fn scheme_name(&self) -> &'static str {
        match self {
            Self::RsaSsa { .. } => "rsassa",
            Self::RsaPss { .. } => "rsapss",
            Self::Ecdsa { .. } => "ecdsa",
            Self::Null => "null",
        }
    }
}

/// Encodes ECDSA `r` and `s` (big-endian, leading zeros allowed) as a DER `Ecdsa-Sig-Value`
/// (RFC 5480 section 2.2.3). Returns `None` when a value exceeds 66 bytes after its leading
/// zeros are removed, which no P-256 or P-384 signature does.
pub(crate) fn ecdsa_der(r: &[u8], s: &[u8]) -> Option<Vec<u8>> {
    let r = der_integer(r)?;
    let s = der_integer(s)?;
    let length = r.len().checked_add(s.len())?;
    let length = u8::try_from(length).ok().filter(|length| *length < 0x80)?;
    let mut out = Vec::with_capacity(usize::from(length).checked_add(2)?);
    out.push(0x30);
    out.push(length);
    out.extend_from_slice(&r);
    out.extend_from_slice(&s);
    Some(out)
}

/// A DER INTEGER of a non-negative big-endian value.
fn der_integer(value: &[u8]) -> Option<Vec<u8>> {
    let first_nonzero = value.iter().position(|byte| *byte != 0).unwrap_or(value.len());
    let digits = value.get(first_nonzero..)?;
    if digits.len() > MAX_ECC_PARAMETER {
        return None;
    }

    let needs_zero = digits.first().is_none_or(|byte| byte & 0x80 != 0);
    let length = digits.len().checked_add(usize::from(needs_zero))?;
    let mut out = Vec::with_capacity(length.checked_add(2)?);
    out.push(0x02);
    out.push(u8::try_from(length).ok()?);
    if needs_zero {
        out.push(0);
    }
    out.extend_from_slice(digits);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rsassa_header() {
        // sigAlg rsassa, hash sha256, 2-byte signature.
        let signature = Signature::parse(&[0x00, 0x14, 0x00, 0x0b, 0x00, 0x02, 0xab, 0xcd]).unwrap();
        assert_eq!(signature, Signature::RsaSsa { hash: HashAlgorithm::Sha256, signature: &[0xab, 0xcd] });
    }

    #[test]
    fn parse_null_and_trailing() {
        assert_eq!(Signature::parse(&[0x00, 0x10]).unwrap(), Signature::Null);
        assert_eq!(Signature::parse(&[0x00, 0x10, 0x00]).unwrap_err().kind, ErrorKind::TrailingData);
    }

    #[test]
    fn hmac_unsupported() {
        let error = Signature::parse(&[0x00, 0x05, 0x00, 0x0b]).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Unsupported { field: "sigAlg" });
    }

    #[test]
    fn ecdsa_der_pads_high_bit() {
        // r = 0x0080 (a leading zero in the input, high bit after stripping), s = 0x01.
        assert_eq!(ecdsa_der(&[0x00, 0x80], &[0x01]).unwrap(), [0x30, 0x07, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x01]);
        // A zero value still encodes as one zero byte.
        assert_eq!(ecdsa_der(&[0x00], &[]).unwrap(), [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]);
    }
}
