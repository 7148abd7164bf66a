//! Public keys and signature verification, shared by Authenticode, authenticated variables and
//! TPM quotes. Schemes: RSASSA-PKCS1-v1_5 and RSASSA-PSS (RFC 8017 sections 8.1 and 8.2), and
//! ECDSA on P-256 and P-384 (FIPS 186-5). Keys come from an X.509 `SubjectPublicKeyInfo` (RFC
//! 5280 section 4.1.2.7, RFC 3279 for RSA, RFC 5480 for elliptic curves). Signature algorithm
//! identifiers follow RFC 4055 for RSASSA-PSS and RFC 5758 for ECDSA.
//!
//! Entry points: [`PublicKey::from_spki_der`], [`verify_message`] and [`verify_prehashed`].
//!
//! Budgets: RSA moduli from 1024 to 8192 bits inclusive (the bounds of `rsa::PublicKey::new`);
//! public exponents from 2 to 2^33 - 1. Elliptic-curve keys must name their curve (P-256 or
//! P-384): explicit curve parameters are rejected with [`ErrorKind::ExplicitEcParameters`]
//! because they let a forged key pass as a trusted one (CVE-2020-0601). This module accepts
//! SHA-1 whenever the caller passes it; deciding where SHA-1 is acceptable is the caller's job.

use der::asn1::{AnyRef, ObjectIdentifier};
use der::referenced::OwnedToRef;
use der::{Decode, Encode, Tag, Tagged};
use rsa::Pkcs1v15Sign;
use rsa::pss::Pss;
use sha1::Sha1;
use sha2::{Sha256, Sha384, Sha512};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};

use crate::digest::{Digest, HashAlgorithm};
use crate::error::{Error, ErrorKind};

/// `rsaEncryption`, 1.2.840.113549.1.1.1.
pub const OID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `id-mgf1`, 1.2.840.113549.1.1.8.
pub const OID_MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");
/// `id-RSASSA-PSS`, 1.2.840.113549.1.1.10.
pub const OID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
/// `sha1WithRSAEncryption`, 1.2.840.113549.1.1.5.
pub const OID_SHA1_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
/// `sha256WithRSAEncryption`, 1.2.840.113549.1.1.11.
pub const OID_SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
/// `sha384WithRSAEncryption`, 1.2.840.113549.1.1.12.
pub const OID_SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
/// `sha512WithRSAEncryption`, 1.2.840.113549.1.1.13.
pub const OID_SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
/// `id-ecPublicKey`, 1.2.840.10045.2.1.
pub const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `ecdsa-with-SHA1`, 1.2.840.10045.4.1.
pub const OID_ECDSA_WITH_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");
/// `ecdsa-with-SHA256`, 1.2.840.10045.4.3.2.
pub const OID_ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
/// `ecdsa-with-SHA384`, 1.2.840.10045.4.3.3.
pub const OID_ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
/// `ecdsa-with-SHA512`, 1.2.840.10045.4.3.4.
pub const OID_ECDSA_WITH_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
/// `secp256r1` (P-256), 1.2.840.10045.3.1.7.
pub const OID_SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// `secp384r1` (P-384), 1.3.132.0.34.
pub const OID_SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

const SPKI: &str = "SubjectPublicKeyInfo";
const ALGORITHM_IDENTIFIER: &str = "AlgorithmIdentifier";

/// A signature scheme together with the hash it signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 section 8.2).
    RsaPkcs1v15(HashAlgorithm),
    /// RSASSA-PSS (RFC 8017 section 8.1) with MGF1 over the same hash. Any salt length verifies:
    /// the salt length is recovered from the encoded message.
    RsaPss(HashAlgorithm),
    /// ECDSA with a DER `Ecdsa-Sig-Value` signature (RFC 5480 section 2.2.3 / RFC 3279).
    Ecdsa(HashAlgorithm),
}

impl core::fmt::Display for SignatureScheme {
    /// Stable snake_case form for reports: `rsassa_sha256`, `rsapss_sha384`, `ecdsa_sha256`, ….
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let scheme = match self {
            Self::RsaPkcs1v15(_) => "rsassa",
            Self::RsaPss(_) => "rsapss",
            Self::Ecdsa(_) => "ecdsa",
        };
        write!(f, "{scheme}_{}", self.hash_algorithm())
    }
}

impl SignatureScheme {
    /// Returns the hash the scheme signs.
    pub const fn hash_algorithm(self) -> HashAlgorithm {
        match self {
            Self::RsaPkcs1v15(hash) | Self::RsaPss(hash) | Self::Ecdsa(hash) => hash,
        }
    }

    /// Reads a signature `AlgorithmIdentifier` (an X.509 `signatureAlgorithm` or a CMS
    /// `SignerInfo.signatureAlgorithm`) that starts at `offset` in the caller's buffer.
    ///
    /// `digest_algorithm` is the CMS `SignerInfo.digestAlgorithm` when there is one. CMS signs the
    /// hash named by `digestAlgorithm` (RFC 5652 section 5.4), so for PKCS#1 v1.5 and ECDSA that
    /// hash wins over the one in the signature OID, and a bare `rsaEncryption` or
    /// `id-ecPublicKey` OID is accepted. RSASSA-PSS parameters name their hash explicitly, and
    /// it must then equal `digest_algorithm`.
    pub fn from_algorithm_identifier(
        algorithm: &AlgorithmIdentifierOwned,
        digest_algorithm: Option<HashAlgorithm>,
        offset: usize,
    ) -> Result<Self, Error> {
        let oid = algorithm.oid;
        let parameters = algorithm.parameters.as_ref().map(OwnedToRef::owned_to_ref);

        if oid == OID_RSASSA_PSS {
            let hash = pss_hash(parameters, offset)?;
            if digest_algorithm.is_some_and(|digest| digest != hash) {
                return Err(Error::invalid(ALGORITHM_IDENTIFIER, "RSASSA-PSS-params.hashAlgorithm", offset));
            }
            return Ok(Self::RsaPss(hash));
        }

        let (family, named_hash) = match oid {
            o if o == OID_RSA_ENCRYPTION => (Family::Rsa, None),
            o if o == OID_SHA1_WITH_RSA => (Family::Rsa, Some(HashAlgorithm::Sha1)),
            o if o == OID_SHA256_WITH_RSA => (Family::Rsa, Some(HashAlgorithm::Sha256)),
            o if o == OID_SHA384_WITH_RSA => (Family::Rsa, Some(HashAlgorithm::Sha384)),
            o if o == OID_SHA512_WITH_RSA => (Family::Rsa, Some(HashAlgorithm::Sha512)),
            o if o == OID_EC_PUBLIC_KEY => (Family::Ecdsa, None),
            o if o == OID_ECDSA_WITH_SHA1 => (Family::Ecdsa, Some(HashAlgorithm::Sha1)),
            o if o == OID_ECDSA_WITH_SHA256 => (Family::Ecdsa, Some(HashAlgorithm::Sha256)),
            o if o == OID_ECDSA_WITH_SHA384 => (Family::Ecdsa, Some(HashAlgorithm::Sha384)),
            o if o == OID_ECDSA_WITH_SHA512 => (Family::Ecdsa, Some(HashAlgorithm::Sha512)),
            _ => {
                return Err(Error::new(
                    ErrorKind::Unsupported { field: "signatureAlgorithm" },
                    ALGORITHM_IDENTIFIER,
                    offset,
                ));
            }
        };

        // RFC 4055 section 5 allows NULL or absent parameters for the RSA OIDs. RFC 5758
        // section 3.2 requires absent parameters for ECDSA, but real signatures often carry NULL.
        if parameters.is_some_and(|value| value.tag() != Tag::Null) {
            return Err(Error::invalid(ALGORITHM_IDENTIFIER, "parameters", offset));
        }

        let hash = digest_algorithm.or(named_hash).ok_or(Error::invalid(
            ALGORITHM_IDENTIFIER,
            "algorithm (no hash named)",
            offset,
        ))?;
        Ok(match family {
            Family::Rsa => Self::RsaPkcs1v15(hash),
            Family::Ecdsa => Self::Ecdsa(hash),
        })
    }
}

enum Family {
    Rsa,
    Ecdsa,
}

/// Reads `RSASSA-PSS-params` (RFC 4055 section 3.1). The mask generation function must be MGF1
/// over the same hash, because the RSA implementation uses one hash for both.
fn pss_hash(parameters: Option<AnyRef<'_>>, offset: usize) -> Result<HashAlgorithm, Error> {
    let structure = "RSASSA-PSS-params";
    let parameters = parameters.ok_or(Error::invalid(structure, "parameters", offset))?;
    let encoded = parameters.to_der().map_err(|error| Error::from_der(error, structure, offset))?;
    let parameters = rsa::pkcs1::RsaPssParams::<der::Any>::from_der(&encoded)
        .map_err(|_| Error::invalid(structure, "parameters", offset))?;

    let hash = HashAlgorithm::from_oid(&parameters.hash.oid).ok_or(Error::new(
        ErrorKind::Unsupported { field: "hashAlgorithm" },
        structure,
        offset,
    ))?;
    let mgf_hash = parameters.mask_gen.parameters.as_ref().map(|inner| inner.oid);
    if parameters.mask_gen.oid != OID_MGF1 || mgf_hash != Some(hash.oid()) {
        return Err(Error::new(ErrorKind::Unsupported { field: "maskGenAlgorithm" }, structure, offset));
    }
    Ok(hash)
}

/// A public key that can verify signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// An RSA key with a modulus of 1024 to 8192 bits.
    Rsa(rsa::PublicKey),
    /// An ECDSA key on P-256.
    P256(p256::ecdsa::VerifyingKey),
    /// An ECDSA key on P-384.
    P384(p384::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// Reads a DER `SubjectPublicKeyInfo`. The whole input must be one structure.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|error| Error::from_der(error, SPKI, 0))?;
        Self::from_spki(&spki)
    }

    /// Reads the key of a decoded `SubjectPublicKeyInfo`, as found in an X.509 certificate.
    pub fn from_spki_owned(spki: &SubjectPublicKeyInfoOwned) -> Result<Self, Error> {
        Self::from_spki(&spki.owned_to_ref())
    }

    /// Reads the key of a decoded `SubjectPublicKeyInfo`.
    ///
    /// Errors: an unknown key algorithm or curve is `Unsupported`; an elliptic-curve key with
    /// `specifiedCurve` parameters is [`ErrorKind::ExplicitEcParameters`]; an RSA modulus outside
    /// 1024..=8192 bits or a malformed key is `InvalidField`.
    pub fn from_spki(spki: &SubjectPublicKeyInfoRef<'_>) -> Result<Self, Error> {
        let oid = spki.algorithm.oid;

        if oid == OID_RSA_ENCRYPTION {
            let key = rsa::PublicKey::try_from(spki.clone()).map_err(|_| Error::invalid(SPKI, "RSAPublicKey", 0))?;
            return Ok(Self::Rsa(key));
        }
        if oid != OID_EC_PUBLIC_KEY {
            return Err(Error::new(ErrorKind::Unsupported { field: "algorithm" }, SPKI, 0));
        }

        let curve = named_curve(spki.algorithm.parameters)?;
        let point = spki.subject_public_key.as_bytes().ok_or(Error::invalid(SPKI, "subjectPublicKey", 0))?;
        if curve == OID_SECP256R1 {
            let key =
                p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| Error::invalid(SPKI, "ECPoint", 0))?;
            Ok(Self::P256(key))
        } else if curve == OID_SECP384R1 {
            let key =
                p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| Error::invalid(SPKI, "ECPoint", 0))?;
            Ok(Self::P384(key))
        } else {
            Err(Error::new(ErrorKind::Unsupported { field: "namedCurve" }, SPKI, 0))
        }
    }
}

/// Reads `ECParameters` (RFC 5480 section 2.1.1): only `namedCurve` is accepted.
fn named_curve(parameters: Option<AnyRef<'_>>) -> Result<ObjectIdentifier, Error> {
    let parameters = parameters.ok_or(Error::invalid(SPKI, "ECParameters", 0))?;
    match parameters.tag() {
        Tag::ObjectIdentifier => {
            ObjectIdentifier::try_from(parameters).map_err(|error| Error::from_der(error, SPKI, 0))
        }
        // `specifiedCurve` is a SEQUENCE (RFC 3279 section 2.3.5).
        Tag::Sequence => Err(Error::new(ErrorKind::ExplicitEcParameters, SPKI, 0)),
        _ => Err(Error::invalid(SPKI, "ECParameters", 0)),
    }
}

/// Verifies `signature` over `message`, hashing the message with the scheme's hash.
///
/// Returns `Ok(false)` for a signature that does not verify (including a malformed ECDSA
/// signature encoding), and `Err` when the key cannot be used with the scheme.
pub fn verify_message(
    key: &PublicKey,
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> Result<bool, Error> {
    let digest = scheme.hash_algorithm().hash(message);
    verify_prehashed(key, scheme, &digest, signature)
}

/// Verifies `signature` over an already computed `digest`, which must be of the scheme's hash.
///
/// Returns `Ok(false)` for a signature that does not verify, and `Err` when the key type does
/// not match the scheme or the digest is of another hash.
pub fn verify_prehashed(
    key: &PublicKey,
    scheme: SignatureScheme,
    digest: &Digest,
    signature: &[u8],
) -> Result<bool, Error> {
    let structure = "signature";
    let hash = scheme.hash_algorithm();
    if digest.algorithm() != hash {
        return Err(Error::invalid(structure, "digest algorithm", 0));
    }
    let hashed = digest.as_bytes();

    match (key, scheme) {
        (PublicKey::Rsa(key), SignatureScheme::RsaPkcs1v15(_)) => {
            Ok(key.verify(pkcs1v15_padding(hash), hashed, signature).is_ok())
        }
        (PublicKey::Rsa(key), SignatureScheme::RsaPss(_)) => Ok(match hash {
            HashAlgorithm::Sha1 => key.verify(pss_padding::<Sha1>(), hashed, signature),
            HashAlgorithm::Sha256 => key.verify(pss_padding::<Sha256>(), hashed, signature),
            HashAlgorithm::Sha384 => key.verify(pss_padding::<Sha384>(), hashed, signature),
            HashAlgorithm::Sha512 => key.verify(pss_padding::<Sha512>(), hashed, signature),
        }
        .is_ok()),
        (PublicKey::P256(key), SignatureScheme::Ecdsa(_)) => {
            use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
            let Ok(signature) = p256::ecdsa::Signature::from_der(signature) else {
                return Ok(false);
            };
            Ok(key.verify_prehash(&left_padded::<32>(hashed), &signature).is_ok())
        }
        (PublicKey::P384(key), SignatureScheme::Ecdsa(_)) => {
            use p384::ecdsa::signature::hazmat::PrehashVerifier as _;
            let Ok(signature) = p384::ecdsa::Signature::from_der(signature) else {
                return Ok(false);
            };
            Ok(key.verify_prehash(&left_padded::<48>(hashed), &signature).is_ok())
        }
        _ => Err(Error::invalid(structure, "key type for the signature scheme", 0)),
    }
}

/// Left-pads a digest shorter than the field size with zero bytes. ECDSA converts the digest to
/// an integer (SEC 1 section 4.1.4 step 5), so leading zeros keep its value. The padding exists
/// because the `ecdsa` crate requires a prehash of at least half the field size, which a SHA-1
/// digest on P-384 misses. Longer digests pass unchanged and the crate truncates them.
fn left_padded<const FIELD_BYTES: usize>(digest: &[u8]) -> alloc::vec::Vec<u8> {
    let padding = FIELD_BYTES.saturating_sub(digest.len());
    let mut padded = alloc::vec![0u8; padding];
    padded.extend_from_slice(digest);
    padded
}

fn pkcs1v15_padding(hash: HashAlgorithm) -> Pkcs1v15Sign {
    match hash {
        HashAlgorithm::Sha1 => Pkcs1v15Sign::new::<Sha1>(),
        HashAlgorithm::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
        HashAlgorithm::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
        HashAlgorithm::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
    }
}

// NOTE: no corpus signature uses RSASSA-PSS, so this path has no test vector yet.
fn pss_padding<D: sha2::Digest>() -> Pss<D> {
    // `salt_len: None` recovers the salt length from the encoded message (RFC 8017 section
    // 9.1.2 step 10), so any salt length that the signer chose verifies.
    Pss { blinded: false, digest: D::new(), salt_len: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_curve_parameters_rejected() {
        // SubjectPublicKeyInfo whose ECParameters is a SEQUENCE (specifiedCurve); the contents
        // do not matter because the tag alone selects the explicit form.
        let der = [
            0x30, 0x13, 0x30, 0x0e, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x30, 0x03, 0x02, 0x01, 0x01,
            0x03, 0x01, 0x00,
        ];
        let error = PublicKey::from_spki_der(&der).unwrap_err();
        assert_eq!(error.kind, ErrorKind::ExplicitEcParameters);
    }

    #[test]
    fn unknown_signature_algorithm_unsupported() {
        let algorithm = AlgorithmIdentifierOwned { oid: ObjectIdentifier::new_unwrap("1.2.3.4"), parameters: None };
        let error = SignatureScheme::from_algorithm_identifier(&algorithm, None, 7).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Unsupported { field: "signatureAlgorithm" });
        assert_eq!(error.offset, 7);
    }

    #[test]
    fn cms_digest_algorithm_wins_for_rsa() {
        let algorithm = AlgorithmIdentifierOwned { oid: OID_RSA_ENCRYPTION, parameters: None };
        let scheme = SignatureScheme::from_algorithm_identifier(&algorithm, Some(HashAlgorithm::Sha256), 0).unwrap();
        assert_eq!(scheme, SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha256));
        assert!(SignatureScheme::from_algorithm_identifier(&algorithm, None, 0).is_err());
    }
}
