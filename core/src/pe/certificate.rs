//! The attribute certificate table: `WIN_CERTIFICATE` entries (Microsoft PE/COFF specification,
//! "The Attribute Certificate Table"; UEFI 2.10 section 32.2.4 for `WIN_CERTIFICATE_UEFI_GUID`).
//!
//! Entry point: [`PeImage::certificates`]. The walk is strict: anything firmware or Windows might
//! read differently from us is an error, so that no verifier can be shown one signature while
//! another checks a different one.

use alloc::vec::Vec;

use super::PeImage;
use crate::error::{Error, ErrorKind};
use crate::reader::{Reader, usize_from};
use crate::uefi::guid::{EFI_CERT_TYPE_PKCS7, Guid};

/// `WIN_CERT_REVISION_2_0`, the only revision accepted.
pub const WIN_CERT_REVISION_2_0: u16 = 0x0200;
/// `WIN_CERT_TYPE_PKCS_SIGNED_DATA`: the entry holds a PKCS#7 `ContentInfo`.
pub const WIN_CERT_TYPE_PKCS_SIGNED_DATA: u16 = 0x0002;
/// `WIN_CERT_TYPE_EFI_GUID`: a `WIN_CERTIFICATE_UEFI_GUID` whose `CertType` says what follows.
pub const WIN_CERT_TYPE_EFI_GUID: u16 = 0x0EF1;
/// Maximum number of entries in one certificate table.
pub const MAX_CERTIFICATES: usize = 8;

const STRUCTURE: &str = "WIN_CERTIFICATE";
const HEADER_SIZE: usize = 8;
const GUID_HEADER_SIZE: usize = HEADER_SIZE + 16;
/// Entries start at multiples of 8 bytes from the start of the table.
const ALIGNMENT: usize = 8;

/// One `WIN_CERTIFICATE` entry of the attribute certificate table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WinCertificate<'a> {
    /// File offset of the entry's header.
    pub offset: usize,
    /// `dwLength`: header plus content, without the padding to 8 bytes.
    pub length: u32,
    /// `wRevision` (always [`WIN_CERT_REVISION_2_0`] in a returned entry).
    pub revision: u16,
    /// `wCertificateType`: [`WIN_CERT_TYPE_PKCS_SIGNED_DATA`] or [`WIN_CERT_TYPE_EFI_GUID`].
    pub certificate_type: u16,
    /// The PKCS#7 DER, exactly one TLV: it starts after the 8-byte header (and after the 16-byte
    /// `CertType` for [`WIN_CERT_TYPE_EFI_GUID`]) and ends where the DER element ends, before any
    /// alignment zeros inside `dwLength`.
    pub content: &'a [u8],
}

impl<'a> PeImage<'a> {
    /// Walks the attribute certificate table and returns its entries; an unsigned image has none.
    ///
    /// Every entry must have `wRevision` 0x0200, a `dwLength` of at least its header that fits in
    /// the table, and a type of 0x0002 or 0x0EF1 with `CertType` `EFI_CERT_TYPE_PKCS7_GUID`. Its
    /// content must start with exactly one DER SEQUENCE. After it, `dwLength` may cover only zero
    /// bytes up to the entry's next 8-byte boundary, which signers use as alignment. Any other
    /// byte would be unsigned data that verifiers parsing only the DER ignore (CVE-2013-3900), so
    /// it is an error. Such a byte is in the RHEL 7 GRUB builds signed by pesign, whose
    /// `dwLength` covers one 0x80 byte after the DER; they fail here. Entries start
    /// at 8-byte boundaries from the start of the table, the padding before each must be zero,
    /// and the last entry with its padding must end exactly where the table ends. `dwLength`
    /// arithmetic is checked, so 0 or a value near 2^32 cannot stall the walk (CVE-2019-14562).
    /// More than [`MAX_CERTIFICATES`] entries fail with [`ErrorKind::LimitExceeded`].
    ///
    /// Every failure names `WIN_CERTIFICATE` and the file offset of the problem.
    pub fn certificates(&self) -> Result<Vec<WinCertificate<'a>>, Error> {
        let Some((table_offset, table_size)) = self.certificate_table_range() else {
            return Ok(Vec::new());
        };
        let table_end = table_offset.checked_add(table_size).ok_or(Error::new(
            ErrorKind::Overflow { field: "IMAGE_DATA_DIRECTORY.Size" },
            STRUCTURE,
            table_offset,
        ))?;
        let table = self.data.get(table_offset..table_end).ok_or(Error::truncated(
            STRUCTURE,
            table_offset,
            table_end.saturating_sub(self.data.len()),
        ))?;

        let mut certificates = Vec::new();
        let mut position = 0usize;
        while position < table.len() {
            let offset = table_offset.saturating_add(position);
            if certificates.len() == MAX_CERTIFICATES {
                return Err(Error::new(
                    ErrorKind::LimitExceeded { what: "WIN_CERTIFICATE entries", max: MAX_CERTIFICATES },
                    STRUCTURE,
                    offset,
                ));
            }
            let rest = table.get(position..).unwrap_or_default();
            let (certificate, entry_length) = read_entry(rest, offset)?;
            certificates.push(certificate);
            position = skip_padding(rest, entry_length, offset)?.saturating_add(position);
        }
        Ok(certificates)
    }
}

/// Reads the entry at the start of `rest` (file offset `offset`) and returns it with its
/// `dwLength` as a `usize`.
fn read_entry(rest: &[u8], offset: usize) -> Result<(WinCertificate<'_>, usize), Error> {
    if rest.len() < HEADER_SIZE {
        return Err(Error::truncated(STRUCTURE, offset, HEADER_SIZE.saturating_sub(rest.len())));
    }
    let mut header = Reader::new(rest, offset, STRUCTURE);
    let length = header.u32_le()?;
    let revision = header.u16_le()?;
    let certificate_type = header.u16_le()?;

    let entry_length = usize_from(length, STRUCTURE, "dwLength", offset)?;
    let minimum = if certificate_type == WIN_CERT_TYPE_EFI_GUID { GUID_HEADER_SIZE } else { HEADER_SIZE };
    if entry_length < minimum {
        return Err(Error::invalid(STRUCTURE, "dwLength", offset));
    }
    if entry_length > rest.len() {
        return Err(Error::truncated(STRUCTURE, offset, entry_length.saturating_sub(rest.len())));
    }
    if revision != WIN_CERT_REVISION_2_0 {
        return Err(Error::invalid(STRUCTURE, "wRevision", offset.saturating_add(4)));
    }

    let entry = rest.get(..entry_length).unwrap_or_default();
    let content_start = match certificate_type {
        WIN_CERT_TYPE_PKCS_SIGNED_DATA => HEADER_SIZE,
        WIN_CERT_TYPE_EFI_GUID => {
            let mut guid = Reader::new(
                entry.get(HEADER_SIZE..).unwrap_or_default(),
                offset.saturating_add(HEADER_SIZE),
                STRUCTURE,
            );
            if Guid::from_bytes(guid.array()?) != EFI_CERT_TYPE_PKCS7 {
                return Err(Error::new(
                    ErrorKind::Unsupported { field: "CertType" },
                    STRUCTURE,
                    offset.saturating_add(HEADER_SIZE),
                ));
            }
            GUID_HEADER_SIZE
        }
        _ => {
            return Err(Error::new(
                ErrorKind::Unsupported { field: "wCertificateType" },
                STRUCTURE,
                offset.saturating_add(6),
            ));
        }
    };

    let content_offset = offset.saturating_add(content_start);
    let content = entry.get(content_start..).unwrap_or_default();
    let element_length = der_element_length(content, content_offset)?;
    let element_end = content_start.saturating_add(element_length);
    check_alignment_bytes(entry, element_end, offset)?;

    let content = content.get(..element_length).unwrap_or_default();
    let certificate = WinCertificate { offset, length, revision, certificate_type, content };
    Ok((certificate, entry_length))
}

/// Checks the zero padding after an entry of `entry_length` bytes at the start of `rest` and
/// returns the distance to the next entry.
fn skip_padding(rest: &[u8], entry_length: usize, offset: usize) -> Result<usize, Error> {
    let padding = entry_length.wrapping_neg() % ALIGNMENT;
    let next = entry_length.checked_add(padding).ok_or(Error::new(
        ErrorKind::Overflow { field: "dwLength" },
        STRUCTURE,
        offset,
    ))?;
    let padding_offset = offset.saturating_add(entry_length);
    let padding_bytes = rest.get(entry_length..next).ok_or(Error::truncated(
        STRUCTURE,
        padding_offset,
        next.saturating_sub(rest.len()),
    ))?;
    if let Some(index) = padding_bytes.iter().position(|&byte| byte != 0) {
        return Err(Error::invalid(STRUCTURE, "padding", padding_offset.saturating_add(index)));
    }
    Ok(next)
}

/// Checks the bytes of `entry` after the signature's DER element, which ends at `element_end`.
///
/// Signers such as signtool and EDK2's test tooling round `dwLength` up to a multiple of 8 and
/// fill the difference with zeros, so zero bytes up to the next 8-byte boundary of the entry are
/// alignment, not data. Anything else inside `dwLength` is unsigned data that a verifier parsing
/// only the DER would ignore (CVE-2013-3900): a non-zero byte, or 8 or more trailing bytes.
fn check_alignment_bytes(entry: &[u8], element_end: usize, offset: usize) -> Result<(), Error> {
    let trailing = entry.get(element_end..).unwrap_or_default();
    let trailing_offset = offset.saturating_add(element_end);
    let alignment = element_end.wrapping_neg() % ALIGNMENT;
    if trailing.len() > alignment {
        return Err(Error::new(ErrorKind::TrailingData, STRUCTURE, trailing_offset));
    }
    match trailing.iter().position(|&byte| byte != 0) {
        Some(index) => Err(Error::new(ErrorKind::TrailingData, STRUCTURE, trailing_offset.saturating_add(index))),
        None => Ok(()),
    }
}

/// Returns the length (tag, length octets and value) of the DER SEQUENCE at the start of
/// `content` (file offset `offset`): tag 0x30 and a definite, minimally encoded length whose
/// value fits in `content`.
fn der_element_length(content: &[u8], offset: usize) -> Result<usize, Error> {
    let mut reader = Reader::new(content, offset, STRUCTURE);
    if reader.u8()? != 0x30 {
        return Err(Error::invalid(STRUCTURE, "bCertificate tag", offset));
    }

    let first = reader.u8()?;
    let length = match first {
        0x00..=0x7f => u32::from(first),
        0x81..=0x84 => {
            let count = usize::from(first & 0x7f);
            let bytes = reader.bytes(count)?;
            let mut padded = [0u8; 4];
            padded.get_mut(4usize.saturating_sub(count)..).unwrap_or_default().copy_from_slice(bytes);
            let value = u32::from_be_bytes(padded);
            let minimal = bytes.first().is_some_and(|&leading| leading != 0) && (count > 1 || value >= 0x80);
            if !minimal {
                return Err(Error::invalid(STRUCTURE, "bCertificate length", offset.saturating_add(1)));
            }
            value
        }
        // 0x80 is the indefinite form, which DER forbids; above 0x84 the length exceeds 4 GiB.
        _ => return Err(Error::invalid(STRUCTURE, "bCertificate length", offset.saturating_add(1))),
    };

    reader.skip(usize_from(length, STRUCTURE, "bCertificate length", offset)?)?;
    Ok(reader.position())
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation, reason = "test fixtures are far smaller than 4 GiB")]
mod tests {
    use alloc::vec;

    use super::*;
    use crate::pe::test_image::*;

    fn walk(table: &[u8]) -> Result<Vec<WinCertificate<'static>>, Error> {
        let data = with_table(unsigned_image(true), true, table).leak();
        PeImage::parse(data).unwrap().certificates()
    }

    fn field_error(table: &[u8]) -> (ErrorKind, usize) {
        let error = walk(table).unwrap_err();
        assert_eq!(error.structure, "WIN_CERTIFICATE");
        (error.kind, error.offset - FILE_LENGTH)
    }

    fn guid_content(guid: Guid) -> Vec<u8> {
        let mut content = guid.as_bytes().to_vec();
        content.extend_from_slice(&DER);
        content
    }

    #[test]
    fn unsigned_image_has_none() {
        let data = unsigned_image(false);
        assert!(PeImage::parse(&data).unwrap().certificates().unwrap().is_empty());
    }

    #[test]
    fn pkcs_signed_data_entry() {
        let certificates = walk(&entry(0x0200, 0x0002, &DER)).unwrap();
        assert_eq!(certificates.len(), 1);
        let certificate = certificates[0];
        assert_eq!(certificate.offset, FILE_LENGTH);
        assert_eq!(certificate.length, 13);
        assert_eq!(certificate.revision, WIN_CERT_REVISION_2_0);
        assert_eq!(certificate.certificate_type, WIN_CERT_TYPE_PKCS_SIGNED_DATA);
        assert_eq!(certificate.content, &DER);
    }

    #[test]
    fn efi_guid_entry() {
        let certificates = walk(&entry(0x0200, 0x0EF1, &guid_content(EFI_CERT_TYPE_PKCS7))).unwrap();
        assert_eq!(certificates[0].certificate_type, WIN_CERT_TYPE_EFI_GUID);
        assert_eq!(certificates[0].content, &DER);

        let other = crate::uefi::guid::EFI_CERT_SHA256;
        assert_eq!(
            field_error(&entry(0x0200, 0x0EF1, &guid_content(other))),
            (ErrorKind::Unsupported { field: "CertType" }, 8)
        );
    }

    #[test]
    fn several_entries_and_budget() {
        let one = entry(0x0200, 0x0002, &DER);
        assert_eq!(walk(&one.repeat(MAX_CERTIFICATES)).unwrap().len(), MAX_CERTIFICATES);
        let (kind, offset) = field_error(&one.repeat(MAX_CERTIFICATES + 1));
        assert_eq!(kind, ErrorKind::LimitExceeded { what: "WIN_CERTIFICATE entries", max: MAX_CERTIFICATES });
        assert_eq!(offset, one.len() * MAX_CERTIFICATES);
    }

    #[test]
    fn header_field_errors() {
        assert_eq!(field_error(&entry(0x0100, 0x0002, &DER)), (ErrorKind::InvalidField { field: "wRevision" }, 4));
        assert_eq!(
            field_error(&entry(0x0200, 0x0001, &DER)),
            (ErrorKind::Unsupported { field: "wCertificateType" }, 6)
        );
        assert_eq!(
            field_error(&entry(0x0200, 0x0004, &DER)),
            (ErrorKind::Unsupported { field: "wCertificateType" }, 6)
        );
    }

    #[test]
    fn length_errors() {
        for length in [0u32, 7] {
            let mut table = entry(0x0200, 0x0002, &DER);
            table[..4].copy_from_slice(&length.to_le_bytes());
            assert_eq!(field_error(&table), (ErrorKind::InvalidField { field: "dwLength" }, 0), "dwLength {length}");
        }
        // CVE-2019-14562: lengths near 2^32 must fail, not wrap the aligned offset.
        for length in [17u32, 0xFFFF_FFF8, 0xFFFF_FFFF] {
            let mut table = entry(0x0200, 0x0002, &DER);
            table[..4].copy_from_slice(&length.to_le_bytes());
            assert!(matches!(field_error(&table), (ErrorKind::Truncated { .. }, 0)), "dwLength {length:#x}");
        }
        let mut guid = entry(0x0200, 0x0EF1, &guid_content(EFI_CERT_TYPE_PKCS7));
        guid[..4].copy_from_slice(&20u32.to_le_bytes());
        assert_eq!(field_error(&guid), (ErrorKind::InvalidField { field: "dwLength" }, 0));
    }

    #[test]
    fn padding_errors() {
        let mut nonzero = entry(0x0200, 0x0002, &DER);
        nonzero[14] = 1;
        assert_eq!(field_error(&nonzero), (ErrorKind::InvalidField { field: "padding" }, 14));

        // The table ends after dwLength, without the padding to 8 bytes.
        let unpadded = &entry(0x0200, 0x0002, &DER)[..13];
        assert!(matches!(field_error(unpadded), (ErrorKind::Truncated { .. }, 13)));

        // Eight zero bytes after the entry read as a second entry with dwLength 0.
        let mut extra = entry(0x0200, 0x0002, &DER);
        extra.extend_from_slice(&[0; 8]);
        assert_eq!(field_error(&extra), (ErrorKind::InvalidField { field: "dwLength" }, 16));

        // Fewer than 8 bytes left for a header.
        let mut short = entry(0x0200, 0x0002, &DER);
        short.extend_from_slice(&[0; 4]);
        assert!(matches!(field_error(&short), (ErrorKind::Truncated { .. }, 16)));
    }

    #[test]
    fn bytes_after_der() {
        // Zeros inside dwLength up to the 8-byte boundary are alignment.
        let aligned = walk(&entry(0x0200, 0x0002, &[&DER[..], &[0, 0, 0]].concat())).unwrap();
        assert_eq!(aligned[0].length, 16);
        assert_eq!(aligned[0].content, &DER);

        // CVE-2013-3900: a non-zero byte, or a whole 8 bytes of zeros, is appended data.
        assert_eq!(
            field_error(&entry(0x0200, 0x0002, &[&DER[..], &[0, 0x80]].concat())),
            (ErrorKind::TrailingData, 14)
        );
        assert_eq!(field_error(&entry(0x0200, 0x0002, &[&DER[..], &[0; 11]].concat())), (ErrorKind::TrailingData, 13));
    }

    #[test]
    fn der_errors() {
        let cases: [(&str, Vec<u8>); 6] = [
            ("tag", vec![0x31, 0x03, 0x02, 0x01, 0x00]),
            ("indefinite length", vec![0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00]),
            ("non-minimal short", vec![0x30, 0x81, 0x03, 0x02, 0x01, 0x00]),
            ("leading zero", vec![0x30, 0x82, 0x00, 0x03, 0x02, 0x01, 0x00]),
            ("five length bytes", vec![0x30, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00]),
            ("length past dwLength", vec![0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x00]),
        ];
        for (name, content) in cases {
            assert!(walk(&entry(0x0200, 0x0002, &content)).is_err(), "{name}");
        }
        assert!(walk(&entry(0x0200, 0x0002, &[])).is_err(), "empty content");
        let long = [&[0x30, 0x81, 0x80][..], &[0u8; 0x80]].concat();
        assert_eq!(walk(&entry(0x0200, 0x0002, &long)).unwrap()[0].content.len(), 0x83);
    }

    #[test]
    fn directory_outside_file() {
        let mut data = signed_image(true);
        put_u32(&mut data, security_directory(true) + 4, 0x100);
        assert!(PeImage::parse(&data).unwrap().certificates().is_err());
        put_u32(&mut data, security_directory(true), u32::MAX);
        put_u32(&mut data, security_directory(true) + 4, u32::MAX);
        assert!(PeImage::parse(&data).unwrap().certificates().is_err());
    }
}
