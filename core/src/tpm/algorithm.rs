//! `TPM_ALG_ID` and `TPM_ECC_CURVE` values (TPM 2.0 Part 2, Structures, and the TCG
//! Algorithm Registry) used by the structure parsers.

/// `TPM_ALG_RSA`.
pub const TPM_ALG_RSA: u16 = 0x0001;
/// `TPM_ALG_SHA1`.
pub const TPM_ALG_SHA1: u16 = 0x0004;
/// `TPM_ALG_HMAC`.
pub const TPM_ALG_HMAC: u16 = 0x0005;
/// `TPM_ALG_AES`.
pub const TPM_ALG_AES: u16 = 0x0006;
/// `TPM_ALG_MGF1`.
pub const TPM_ALG_MGF1: u16 = 0x0007;
/// `TPM_ALG_KEYEDHASH`.
pub const TPM_ALG_KEYEDHASH: u16 = 0x0008;
/// `TPM_ALG_XOR`.
pub const TPM_ALG_XOR: u16 = 0x000A;
/// `TPM_ALG_SHA256`.
pub const TPM_ALG_SHA256: u16 = 0x000B;
/// `TPM_ALG_SHA384`.
pub const TPM_ALG_SHA384: u16 = 0x000C;
/// `TPM_ALG_SHA512`.
pub const TPM_ALG_SHA512: u16 = 0x000D;
/// `TPM_ALG_NULL`.
pub const TPM_ALG_NULL: u16 = 0x0010;
/// `TPM_ALG_SM3_256`.
pub const TPM_ALG_SM3_256: u16 = 0x0012;
/// `TPM_ALG_SM4`.
pub const TPM_ALG_SM4: u16 = 0x0013;
/// `TPM_ALG_RSASSA`: RSASSA-PKCS1-v1_5.
pub const TPM_ALG_RSASSA: u16 = 0x0014;
/// `TPM_ALG_RSAES`: RSAES-PKCS1-v1_5.
pub const TPM_ALG_RSAES: u16 = 0x0015;
/// `TPM_ALG_RSAPSS`: RSASSA-PSS.
pub const TPM_ALG_RSAPSS: u16 = 0x0016;
/// `TPM_ALG_OAEP`: RSAES-OAEP.
pub const TPM_ALG_OAEP: u16 = 0x0017;
/// `TPM_ALG_ECDSA`.
pub const TPM_ALG_ECDSA: u16 = 0x0018;
/// `TPM_ALG_ECDH`.
pub const TPM_ALG_ECDH: u16 = 0x0019;
/// `TPM_ALG_ECDAA`.
pub const TPM_ALG_ECDAA: u16 = 0x001A;
/// `TPM_ALG_SM2`.
pub const TPM_ALG_SM2: u16 = 0x001B;
/// `TPM_ALG_ECSCHNORR`.
pub const TPM_ALG_ECSCHNORR: u16 = 0x001C;
/// `TPM_ALG_ECMQV`.
pub const TPM_ALG_ECMQV: u16 = 0x001D;
/// `TPM_ALG_KDF1_SP800_56A`.
pub const TPM_ALG_KDF1_SP800_56A: u16 = 0x0020;
/// `TPM_ALG_KDF2`.
pub const TPM_ALG_KDF2: u16 = 0x0021;
/// `TPM_ALG_KDF1_SP800_108`.
pub const TPM_ALG_KDF1_SP800_108: u16 = 0x0022;
/// `TPM_ALG_ECC`.
pub const TPM_ALG_ECC: u16 = 0x0023;
/// `TPM_ALG_SYMCIPHER`.
pub const TPM_ALG_SYMCIPHER: u16 = 0x0025;
/// `TPM_ALG_CAMELLIA`.
pub const TPM_ALG_CAMELLIA: u16 = 0x0026;

/// `TPM_ECC_NIST_P256`.
pub const TPM_ECC_NIST_P256: u16 = 0x0003;
/// `TPM_ECC_NIST_P384`.
pub const TPM_ECC_NIST_P384: u16 = 0x0004;

/// Whether `scheme` is a `TPMI_ALG_ASYM_SCHEME` whose details are a `TPMS_SCHEME_HASH` (one
/// `hashAlg`). `TPM_ALG_ECDAA` adds a `count` and `TPM_ALG_RSAES` has no details.
pub(crate) const fn scheme_has_hash(scheme: u16) -> bool {
    matches!(
        scheme,
        TPM_ALG_RSASSA
            | TPM_ALG_RSAPSS
            | TPM_ALG_OAEP
            | TPM_ALG_ECDSA
            | TPM_ALG_ECDH
            | TPM_ALG_ECDAA
            | TPM_ALG_SM2
            | TPM_ALG_ECSCHNORR
            | TPM_ALG_ECMQV
            | TPM_ALG_HMAC
    )
}
