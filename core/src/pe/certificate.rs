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
            let mut guid = Reader::new(entry.get(HEADER_SIZE..).unwrap_or_default(), offset.saturating_add(HEADER_SIZE), STRUCTURE);
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
    let padding_bytes = rest
        .get(entry_length..next)
        .ok_or(Error::truncated(STRUCTURE, padding_offset, next.saturating_sub(rest.len())))?;
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
