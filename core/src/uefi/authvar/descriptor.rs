//! `EFI_VARIABLE_AUTHENTICATION_2` (UEFI 2.10 section 8.2.2): an `EFI_TIME` time stamp, then a
//! `WIN_CERTIFICATE_UEFI_GUID` holding the PKCS#7 signature, then the new variable data.
//!
//! Layout, little-endian: `TimeStamp` (16 bytes); `AuthInfo.Hdr.dwLength` u32 (the whole
//! `WIN_CERTIFICATE_UEFI_GUID`, its 24-byte header included), `wRevision` u16,
//! `wCertificateType` u16, `CertType` GUID, `CertData` (`dwLength` − 24 bytes); the payload
//! follows immediately. Entry point: [`VariableAuthentication2::parse`].
//!
//! Parsing checks framing only. The values that firmware checks (`wRevision`,
//! `wCertificateType`, `CertType`, the zero fields of the time stamp) are left to
//! [`super::apply_update`], which refuses an update that breaks them.

use crate::error::{Error, ErrorKind};
use crate::reader::{Reader, usize_from};
use crate::uefi::guid::Guid;
use crate::uefi::time::{EFI_TIME_SIZE, EfiTime};

const STRUCTURE: &str = "EFI_VARIABLE_AUTHENTICATION_2";

/// Size of the `WIN_CERTIFICATE_UEFI_GUID` header: `dwLength`, `wRevision`, `wCertificateType`
/// and `CertType`.
pub const WIN_CERTIFICATE_UEFI_GUID_HEADER_SIZE: usize = 24;
/// `WIN_CERT_REVISION_2_0`.
pub const WIN_CERT_REVISION_2_0: u16 = 0x0200;
/// `WIN_CERT_TYPE_EFI_GUID`.
pub const WIN_CERT_TYPE_EFI_GUID: u16 = 0x0EF1;
/// Budget: bytes of `CertData`. Real signatures are 3 to 5 KiB; 64 KiB leaves room for long
/// certificate chains.
pub const MAX_CERTIFICATE_DATA: usize = 64 * 1024;

/// A parsed `EFI_VARIABLE_AUTHENTICATION_2` and the payload after it, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VariableAuthentication2<'a> {
    /// `TimeStamp`, as decoded.
    pub timestamp: EfiTime,
    /// `TimeStamp`, the 16 bytes as written: the signed message contains them unchanged.
    pub timestamp_bytes: [u8; EFI_TIME_SIZE],
    /// `AuthInfo.Hdr.wRevision`.
    pub revision: u16,
    /// `AuthInfo.Hdr.wCertificateType`.
    pub certificate_type: u16,
    /// `AuthInfo.CertType`.
    pub cert_type: Guid,
    /// `AuthInfo.CertData`: the DER PKCS#7 signature (empty in some setup-mode enrolment files).
    pub cert_data: &'a [u8],
    /// Offset of `CertData` in the caller's buffer.
    pub cert_data_offset: usize,
    /// The new variable data after the descriptor.
    pub payload: &'a [u8],
    /// Offset of the payload in the caller's buffer.
    pub payload_offset: usize,
}

impl<'a> VariableAuthentication2<'a> {
    /// Parses the descriptor at the start of `update` (the `Data` of a `SetVariable` call) and
    /// splits off the payload. Fails when the input ends inside the descriptor, when `dwLength`
    /// is below 24 or beyond the input, or when `CertData` exceeds [`MAX_CERTIFICATE_DATA`].
    pub fn parse(update: &'a [u8]) -> Result<Self, Error> {
        let mut reader = Reader::new(update, 0, STRUCTURE);
        let timestamp_bytes: [u8; EFI_TIME_SIZE] = reader.array()?;
        let timestamp = EfiTime::parse(&timestamp_bytes, 0)?;

        reader.set_structure("WIN_CERTIFICATE_UEFI_GUID");
        let length_offset = reader.offset();
        let length = usize_from(reader.u32_le()?, "WIN_CERTIFICATE_UEFI_GUID", "dwLength", length_offset)?;
        let revision = reader.u16_le()?;
        let certificate_type = reader.u16_le()?;
        let cert_type = Guid::from_bytes(reader.array()?);

        let cert_data_size = length.checked_sub(WIN_CERTIFICATE_UEFI_GUID_HEADER_SIZE).ok_or(Error::invalid(
            "WIN_CERTIFICATE_UEFI_GUID",
            "dwLength",
            length_offset,
        ))?;
        if cert_data_size > MAX_CERTIFICATE_DATA {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "bytes of CertData", max: MAX_CERTIFICATE_DATA },
                "WIN_CERTIFICATE_UEFI_GUID",
                length_offset,
            ));
        }
        let cert_data_offset = reader.offset();
        let cert_data = reader.bytes(cert_data_size)?;
        let payload_offset = reader.offset();
        let payload = reader.rest();

        Ok(Self {
            timestamp,
            timestamp_bytes,
            revision,
            certificate_type,
            cert_type,
            cert_data,
            cert_data_offset,
            payload,
            payload_offset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uefi::guid::EFI_CERT_TYPE_PKCS7;
    use alloc::vec::Vec;

    fn descriptor(length: u32, cert_data: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&EfiTime { year: 2024, month: 1, day: 2, ..EfiTime::default() }.to_bytes());
        out.extend_from_slice(&length.to_le_bytes());
        out.extend_from_slice(&WIN_CERT_REVISION_2_0.to_le_bytes());
        out.extend_from_slice(&WIN_CERT_TYPE_EFI_GUID.to_le_bytes());
        out.extend_from_slice(EFI_CERT_TYPE_PKCS7.as_bytes());
        out.extend_from_slice(cert_data);
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn splits_signature_and_payload() {
        let bytes = descriptor(27, &[0x30, 0x01, 0x00], &[9, 9]);
        let parsed = VariableAuthentication2::parse(&bytes).unwrap();
        assert_eq!(parsed.timestamp.year, 2024);
        assert_eq!(parsed.cert_type, EFI_CERT_TYPE_PKCS7);
        assert_eq!(parsed.cert_data, &[0x30, 0x01, 0x00]);
        assert_eq!(parsed.cert_data_offset, 40);
        assert_eq!(parsed.payload, &[9, 9]);
        assert_eq!(parsed.payload_offset, 43);
    }

    #[test]
    fn empty_cert_data_allowed() {
        let bytes = descriptor(24, &[], &[]);
        let parsed = VariableAuthentication2::parse(&bytes).unwrap();
        assert!(parsed.cert_data.is_empty());
        assert!(parsed.payload.is_empty());
    }

    #[test]
    fn length_below_header_rejected() {
        let error = VariableAuthentication2::parse(&descriptor(23, &[], &[])).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidField { field: "dwLength" });
        assert_eq!(error.offset, 16);
    }

    #[test]
    fn length_beyond_input_rejected() {
        let error = VariableAuthentication2::parse(&descriptor(100, &[0; 4], &[])).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Truncated { needed: 76 });
    }

    #[test]
    fn truncated_time_stamp_rejected() {
        assert!(VariableAuthentication2::parse(&[0; 15]).is_err());
    }
}
