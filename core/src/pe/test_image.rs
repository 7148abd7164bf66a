//! Hand-built PE images for the unit tests: a DOS header, PE32 or PE32+ headers with 16 data
//! directories, and two 0x200-byte sections (`.text` at 0x200, `.data` at 0x400) right after
//! `SizeOfHeaders` 0x200, so the file is 0x600 bytes and its layout is consistent.

use alloc::vec;
use alloc::vec::Vec;

use super::PeImage;

pub(crate) const NT_HEADERS: usize = 0x40;
pub(crate) const OPTIONAL_HEADER: usize = NT_HEADERS + 24;
pub(crate) const CHECKSUM: usize = OPTIONAL_HEADER + 64;
pub(crate) const SIZE_OF_HEADERS: usize = 0x200;
pub(crate) const FILE_LENGTH: usize = 0x600;
/// A minimal DER SEQUENCE holding INTEGER 0, standing in for a PKCS#7 `ContentInfo`.
pub(crate) const DER: [u8; 5] = [0x30, 0x03, 0x02, 0x01, 0x00];

/// Offset of the data directories.
pub(crate) const fn directories(pe32_plus: bool) -> usize {
    OPTIONAL_HEADER + if pe32_plus { 112 } else { 96 }
}

/// Offset of the security directory entry.
pub(crate) const fn security_directory(pe32_plus: bool) -> usize {
    directories(pe32_plus) + 4 * 8
}

/// Offset of section header `index`.
pub(crate) const fn section_header(pe32_plus: bool, index: usize) -> usize {
    directories(pe32_plus) + 16 * 8 + 40 * index
}

pub(crate) fn put_u16(data: &mut [u8], offset: usize, value: u16) {
    data[offset..offset + 2].copy_from_slice(&value.to_le_bytes());
}

pub(crate) fn put_u32(data: &mut [u8], offset: usize, value: u32) {
    data[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
}

/// Sets `PointerToRawData` and `SizeOfRawData` of section `index`.
pub(crate) fn place_section(data: &mut [u8], pe32_plus: bool, index: usize, pointer: u32, size: u32) {
    let header = section_header(pe32_plus, index);
    put_u32(data, header + 16, size);
    put_u32(data, header + 20, pointer);
}

/// Builds the consistent unsigned image.
pub(crate) fn unsigned_image(pe32_plus: bool) -> Vec<u8> {
    let mut data = vec![0u8; FILE_LENGTH];
    data[0..2].copy_from_slice(b"MZ");
    put_u32(&mut data, 0x3c, NT_HEADERS as u32);
    data[NT_HEADERS..NT_HEADERS + 4].copy_from_slice(b"PE\0\0");

    let coff = NT_HEADERS + 4;
    put_u16(&mut data, coff, if pe32_plus { 0x8664 } else { 0x014c });
    put_u16(&mut data, coff + 2, 2);
    put_u16(&mut data, coff + 16, (directories(pe32_plus) + 16 * 8 - OPTIONAL_HEADER) as u16);

    put_u16(&mut data, OPTIONAL_HEADER, if pe32_plus { 0x20b } else { 0x10b });
    put_u32(&mut data, OPTIONAL_HEADER + 56, 0x3000);
    put_u32(&mut data, OPTIONAL_HEADER + 60, SIZE_OF_HEADERS as u32);
    put_u32(&mut data, CHECKSUM, 0x1234_5678);
    put_u16(&mut data, OPTIONAL_HEADER + 68, 10);
    put_u32(&mut data, directories(pe32_plus) - 4, 16);
    // Fill the data directories, so that skipping the security entry is visible in the digest.
    for (index, byte) in data[directories(pe32_plus)..directories(pe32_plus) + 128].iter_mut().enumerate() {
        *byte = index as u8 | 0x80;
    }
    put_u32(&mut data, security_directory(pe32_plus), 0);
    put_u32(&mut data, security_directory(pe32_plus) + 4, 0);

    for (index, name) in [b".text\0\0\0", b".data\0\0\0"].into_iter().enumerate() {
        let header = section_header(pe32_plus, index);
        data[header..header + 8].copy_from_slice(name);
        put_u32(&mut data, header + 8, 0x200);
        put_u32(&mut data, header + 12, 0x1000 * (index as u32 + 1));
        place_section(&mut data, pe32_plus, index, 0x200 * (index as u32 + 1), 0x200);
    }
    for (offset, byte) in data[SIZE_OF_HEADERS..].iter_mut().enumerate() {
        *byte = (offset % 251) as u8;
    }
    data
}

/// One `WIN_CERTIFICATE` with `dwLength` = header plus `content`, followed by zero padding.
pub(crate) fn entry(revision: u16, certificate_type: u16, content: &[u8]) -> Vec<u8> {
    let length = 8 + content.len();
    let mut out = Vec::new();
    out.extend_from_slice(&(length as u32).to_le_bytes());
    out.extend_from_slice(&revision.to_le_bytes());
    out.extend_from_slice(&certificate_type.to_le_bytes());
    out.extend_from_slice(content);
    out.resize(length.next_multiple_of(8), 0);
    out
}

/// Appends `table` to `image` and points the security directory at it.
pub(crate) fn with_table(mut image: Vec<u8>, pe32_plus: bool, table: &[u8]) -> Vec<u8> {
    let offset = image.len() as u32;
    image.extend_from_slice(table);
    put_u32(&mut image, security_directory(pe32_plus), offset);
    put_u32(&mut image, security_directory(pe32_plus) + 4, table.len() as u32);
    image
}

/// The consistent image signed with one `WIN_CERT_TYPE_PKCS_SIGNED_DATA` entry holding [`DER`].
pub(crate) fn signed_image(pe32_plus: bool) -> Vec<u8> {
    with_table(unsigned_image(pe32_plus), pe32_plus, &entry(0x0200, 0x0002, &DER))
}

/// The bytes the linear Authenticode digest (Windows, osslsigncode) covers: every byte except
/// `CheckSum`, the security directory entry and the certificate table. Written independently of
/// the section-based code, for comparison.
pub(crate) fn linear_bytes(image: &PeImage<'_>) -> Vec<u8> {
    let mut excluded = vec![(image.checksum_offset, 4)];
    excluded.extend(image.security_directory_offset.map(|entry| (entry, 8)));
    excluded.extend(image.certificate_table_range());
    image
        .data()
        .iter()
        .enumerate()
        .filter(|(offset, _)| !excluded.iter().any(|&(start, size)| *offset >= start && *offset - start < size))
        .map(|(_, byte)| *byte)
        .collect()
}

/// The bytes the section-based digest covers, concatenated.
pub(crate) fn section_based_bytes(image: &PeImage<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    for (start, end) in image.authenticode_ranges().unwrap() {
        out.extend_from_slice(&image.data()[start..end]);
    }
    out
}
