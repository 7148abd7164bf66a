//! `EFI_GUID` (UEFI 2.10, appendix A): 128 bits stored as a little-endian `u32`, two
//! little-endian `u16`s and eight bytes, and the GUIDs this crate needs by name.

use core::fmt;

/// An `EFI_GUID` in its on-disk byte order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guid([u8; 16]);

impl Guid {
    /// Builds a GUID from its fields as written in the registry form `d1-d2-d3-d4`.
    pub const fn from_fields(data1: u32, data2: u16, data3: u16, data4: [u8; 8]) -> Self {
        let a = data1.to_le_bytes();
        let b = data2.to_le_bytes();
        let c = data3.to_le_bytes();
        Self([
            a[0], a[1], a[2], a[3], b[0], b[1], c[0], c[1], data4[0], data4[1], data4[2], data4[3], data4[4], data4[5],
            data4[6], data4[7],
        ])
    }

    /// Builds a GUID from its 16 on-disk bytes.
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// The 16 on-disk bytes.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Parses the registry form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (either case).
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() != 36 {
            return None;
        }
        let mut digits = [0u8; 32];
        let mut count = 0usize;
        for (index, &character) in bytes.iter().enumerate() {
            if matches!(index, 8 | 13 | 18 | 23) {
                if character != b'-' {
                    return None;
                }
                continue;
            }
            *digits.get_mut(count)? = char::from(character).to_digit(16).and_then(|d| u8::try_from(d).ok())?;
            count = count.checked_add(1)?;
        }
        let mut packed = [0u8; 16];
        for (out, pair) in packed.iter_mut().zip(digits.chunks_exact(2)) {
            if let [high, low] = pair {
                *out = (*high << 4) | *low;
            }
        }
        let [a0, a1, a2, a3, b0, b1, c0, c1, d0, d1, d2, d3, d4, d5, d6, d7] = packed;
        Some(Self::from_fields(
            u32::from_be_bytes([a0, a1, a2, a3]),
            u16::from_be_bytes([b0, b1]),
            u16::from_be_bytes([c0, c1]),
            [d0, d1, d2, d3, d4, d5, d6, d7],
        ))
    }
}

impl fmt::Display for Guid {
    /// The registry form, lowercase.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a0, a1, a2, a3, b0, b1, c0, c1, d0, d1, d2, d3, d4, d5, d6, d7] = self.0;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{d0:02x}{d1:02x}-{d2:02x}{d3:02x}{d4:02x}{d5:02x}{d6:02x}{d7:02x}",
            u32::from_le_bytes([a0, a1, a2, a3]),
            u16::from_le_bytes([b0, b1]),
            u16::from_le_bytes([c0, c1]),
        )
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Guid({self})")
    }
}

/// `EFI_GLOBAL_VARIABLE`: owner of `PK`, `KEK`, `SecureBoot`, `SetupMode`, `Boot####`.
pub const EFI_GLOBAL_VARIABLE: Guid =
    Guid::from_fields(0x8be4df61, 0x93ca, 0x11d2, [0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c]);
/// `EFI_IMAGE_SECURITY_DATABASE_GUID`: owner of `db`, `dbx`, `dbt`, `dbr`.
pub const EFI_IMAGE_SECURITY_DATABASE: Guid =
    Guid::from_fields(0xd719b2cb, 0x3d3a, 0x4596, [0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f]);
/// shim's vendor GUID (`SHIM_LOCK_GUID`): owner of `MokList`, `SbatLevel`, ….
pub const SHIM_LOCK: Guid =
    Guid::from_fields(0x605dab50, 0xe046, 0x4300, [0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23]);
/// `EFI_CERT_TYPE_PKCS7_GUID`: `CertType` of a `WIN_CERTIFICATE_UEFI_GUID` holding PKCS#7.
pub const EFI_CERT_TYPE_PKCS7: Guid =
    Guid::from_fields(0x4aafd29d, 0x68df, 0x49ee, [0x8a, 0xa9, 0x34, 0x7d, 0x37, 0x56, 0x65, 0xa7]);
/// `EFI_CERT_SHA1_GUID`.
pub const EFI_CERT_SHA1: Guid =
    Guid::from_fields(0x826ca512, 0xcf10, 0x4ac9, [0xb1, 0x87, 0xbe, 0x01, 0x49, 0x66, 0x31, 0xbd]);
/// `EFI_CERT_SHA224_GUID`.
pub const EFI_CERT_SHA224: Guid =
    Guid::from_fields(0x0b6e5233, 0xa65c, 0x44c9, [0x94, 0x07, 0xd9, 0xab, 0x83, 0xbf, 0xc8, 0xbd]);
/// `EFI_CERT_SHA256_GUID`.
pub const EFI_CERT_SHA256: Guid =
    Guid::from_fields(0xc1c41626, 0x504c, 0x4092, [0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28]);
/// `EFI_CERT_SHA384_GUID`.
pub const EFI_CERT_SHA384: Guid =
    Guid::from_fields(0xff3e5307, 0x9fd0, 0x48c9, [0x85, 0xf1, 0x8a, 0xd5, 0x6c, 0x70, 0x1e, 0x01]);
/// `EFI_CERT_SHA512_GUID`.
pub const EFI_CERT_SHA512: Guid =
    Guid::from_fields(0x093e0fae, 0xa6c4, 0x4f50, [0x9f, 0x1b, 0xd4, 0x1e, 0x2b, 0x89, 0xc1, 0x9a]);
/// `EFI_CERT_RSA2048_GUID`.
pub const EFI_CERT_RSA2048: Guid =
    Guid::from_fields(0x3c5766e8, 0x269c, 0x4e34, [0xaa, 0x14, 0xed, 0x77, 0x6e, 0x85, 0xb3, 0xb6]);
/// `EFI_CERT_RSA2048_SHA256_GUID`.
pub const EFI_CERT_RSA2048_SHA256: Guid =
    Guid::from_fields(0xe2b36190, 0x879b, 0x4a3d, [0xad, 0x8d, 0xf2, 0xe7, 0xbb, 0xa3, 0x27, 0x84]);
/// `EFI_CERT_RSA2048_SHA1_GUID`.
pub const EFI_CERT_RSA2048_SHA1: Guid =
    Guid::from_fields(0x67f8444f, 0x8743, 0x48f1, [0xa3, 0x28, 0x1e, 0xaa, 0xb8, 0x73, 0x60, 0x80]);
/// `EFI_CERT_X509_GUID`.
pub const EFI_CERT_X509: Guid =
    Guid::from_fields(0xa5c059a1, 0x94e4, 0x4aa7, [0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72]);
/// `EFI_CERT_X509_SHA256_GUID`.
pub const EFI_CERT_X509_SHA256: Guid =
    Guid::from_fields(0x3bd2a492, 0x96c0, 0x4079, [0xb4, 0x20, 0xfc, 0xf9, 0x8e, 0xf1, 0x03, 0xed]);
/// `EFI_CERT_X509_SHA384_GUID`.
pub const EFI_CERT_X509_SHA384: Guid =
    Guid::from_fields(0x7076876e, 0x80c2, 0x4ee6, [0xaa, 0xd2, 0x28, 0xb3, 0x49, 0xa6, 0x86, 0x5b]);
/// `EFI_CERT_X509_SHA512_GUID`.
pub const EFI_CERT_X509_SHA512: Guid =
    Guid::from_fields(0x446dbf63, 0x2502, 0x4cda, [0xbc, 0xfa, 0x24, 0x65, 0xd2, 0xb0, 0xfe, 0x9d]);
/// `EFI_CERT_SM3_GUID` (EDK2 `ImageAuthentication.h`; not in the UEFI signature-list format check).
pub const EFI_CERT_SM3: Guid =
    Guid::from_fields(0x57347f87, 0x7a9b, 0x403a, [0xb9, 0x3c, 0xdc, 0x4a, 0xfb, 0x7a, 0x0e, 0xbc]);
/// `EFI_CERT_X509_SM3_GUID` (EDK2 `ImageAuthentication.h`).
pub const EFI_CERT_X509_SM3: Guid =
    Guid::from_fields(0x60d807e5, 0x10b4, 0x49a9, [0x93, 0x31, 0xe4, 0x04, 0x37, 0x88, 0x8d, 0x37]);
/// `EFI_CERT_TYPE_RSA2048_SHA256_GUID` (`CertType` of counter-based authenticated variables).
pub const EFI_CERT_TYPE_RSA2048_SHA256: Guid =
    Guid::from_fields(0xa7717414, 0xc616, 0x4977, [0x94, 0x20, 0x84, 0x47, 0x12, 0xa7, 0x35, 0xbf]);

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn registry_form_round_trips() {
        // EFI_CERT_X509_GUID as written in UEFI 2.10 section 32.4.1.
        let text = "a5c059a1-94e4-4aa7-87b5-ab155c2bf072";
        assert_eq!(Guid::parse(text), Some(EFI_CERT_X509));
        assert_eq!(EFI_CERT_X509.to_string(), text);
        assert_eq!(EFI_CERT_X509.as_bytes()[..4], [0xa1, 0x59, 0xc0, 0xa5]);
    }

    #[test]
    fn malformed_registry_forms_are_rejected() {
        assert_eq!(Guid::parse("a5c059a1-94e4-4aa7-87b5-ab155c2bf07"), None);
        assert_eq!(Guid::parse("a5c059a1x94e4-4aa7-87b5-ab155c2bf072"), None);
        assert_eq!(Guid::parse("g5c059a1-94e4-4aa7-87b5-ab155c2bf072"), None);
    }
}

#[cfg(test)]
mod spec_values {
    use super::*;
    use alloc::string::ToString;

    /// Registry forms as the UEFI specification lists them for signature types, and as shim's
    /// `signature.h` and EDK2's `ImageAuthentication.h` define them.
    #[test]
    fn constants_match_published_registry_forms() {
        let expected = [
            (EFI_GLOBAL_VARIABLE, "8be4df61-93ca-11d2-aa0d-00e098032b8c"),
            (EFI_IMAGE_SECURITY_DATABASE, "d719b2cb-3d3a-4596-a3bc-dad00e67656f"),
            (SHIM_LOCK, "605dab50-e046-4300-abb6-3dd810dd8b23"),
            (EFI_CERT_TYPE_PKCS7, "4aafd29d-68df-49ee-8aa9-347d375665a7"),
            (EFI_CERT_SHA1, "826ca512-cf10-4ac9-b187-be01496631bd"),
            (EFI_CERT_SHA224, "0b6e5233-a65c-44c9-9407-d9ab83bfc8bd"),
            (EFI_CERT_SHA256, "c1c41626-504c-4092-aca9-41f936934328"),
            (EFI_CERT_SHA384, "ff3e5307-9fd0-48c9-85f1-8ad56c701e01"),
            (EFI_CERT_SHA512, "093e0fae-a6c4-4f50-9f1b-d41e2b89c19a"),
            (EFI_CERT_X509, "a5c059a1-94e4-4aa7-87b5-ab155c2bf072"),
            (EFI_CERT_X509_SHA256, "3bd2a492-96c0-4079-b420-fcf98ef103ed"),
            (EFI_CERT_X509_SHA384, "7076876e-80c2-4ee6-aad2-28b349a6865b"),
            (EFI_CERT_X509_SHA512, "446dbf63-2502-4cda-bcfa-2465d2b0fe9d"),
        ];
        for (guid, text) in expected {
            assert_eq!(guid.to_string(), text);
        }
    }
}
