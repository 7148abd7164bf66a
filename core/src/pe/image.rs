//! The PE/COFF headers (Microsoft PE/COFF specification, "MS-DOS stub", "Signature",
//! "COFF File Header", "Optional Header" and "Section Table") read as a borrowed view.
//!
//! Entry point: [`PeImage::parse`]. It reads only what the Authenticode digest, the certificate
//! table walk and SBAT need, and checks only that those headers can be read. Whether the file is
//! laid out consistently is [`PeImage::check_layout`]'s job.

use alloc::vec::Vec;

use crate::error::{Error, ErrorKind};
use crate::reader::{Reader, usize_from};

/// Maximum number of sections [`PeImage::parse`] accepts. Firmware images have a handful, and
/// 96 also covers large Windows binaries.
pub const MAX_SECTIONS: usize = 96;

/// `IMAGE_NT_OPTIONAL_HDR32_MAGIC`: a PE32 optional header.
pub const IMAGE_NT_OPTIONAL_HDR32_MAGIC: u16 = 0x010b;
/// `IMAGE_NT_OPTIONAL_HDR64_MAGIC`: a PE32+ optional header.
pub const IMAGE_NT_OPTIONAL_HDR64_MAGIC: u16 = 0x020b;
/// `IMAGE_DIRECTORY_ENTRY_SECURITY`: index of the certificate table in the data directories.
pub const IMAGE_DIRECTORY_ENTRY_SECURITY: u32 = 4;
/// `IMAGE_NUMBEROF_DIRECTORY_ENTRIES`: EDK2 rejects images that declare more.
pub const IMAGE_NUMBEROF_DIRECTORY_ENTRIES: u32 = 16;

const DOS_HEADER_SIZE: usize = 64;
const E_LFANEW_OFFSET: usize = 0x3c;
const SECTION_HEADER_SIZE: usize = 40;
const DATA_DIRECTORY_SIZE: usize = 8;
/// Offset of `CheckSum` in both optional header formats.
const CHECKSUM_OFFSET: usize = 64;
/// Offset of `SizeOfHeaders` in both optional header formats.
const SIZE_OF_HEADERS_OFFSET: usize = 60;
/// Offset of `SizeOfImage` in both optional header formats.
const SIZE_OF_IMAGE_OFFSET: usize = 56;
/// Offset of `Subsystem` in both optional header formats.
const SUBSYSTEM_OFFSET: usize = 68;
/// Offset of `NumberOfRvaAndSizes` in a PE32 optional header. The data directories follow it.
const PE32_RVA_COUNT_OFFSET: usize = 92;
/// Offset of `NumberOfRvaAndSizes` in a PE32+ optional header.
const PE32_PLUS_RVA_COUNT_OFFSET: usize = 108;

/// One `IMAGE_SECTION_HEADER`, with the offset of the header itself in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    /// `Name`, NUL-padded.
    pub name: [u8; 8],
    /// `VirtualSize`.
    pub virtual_size: u32,
    /// `VirtualAddress` (an RVA).
    pub virtual_address: u32,
    /// `SizeOfRawData`: bytes of the section stored in the file.
    pub size_of_raw_data: u32,
    /// `PointerToRawData`: file offset of those bytes.
    pub pointer_to_raw_data: u32,
    /// `PointerToRelocations` (normally zero in images; not checked).
    pub pointer_to_relocations: u32,
    /// `NumberOfRelocations` (normally zero in images; not checked).
    pub number_of_relocations: u16,
    /// `Characteristics` flags.
    pub characteristics: u32,
    /// File offset of this `IMAGE_SECTION_HEADER`.
    pub header_offset: usize,
}

impl Section {
    /// Returns the name without its NUL padding.
    pub fn trimmed_name(&self) -> &[u8] {
        trim_nul(&self.name)
    }

    /// Returns whether the section has this name, ignoring trailing NULs on either side.
    pub fn has_name(&self, name: &[u8]) -> bool {
        self.trimmed_name() == trim_nul(name)
    }

    /// File range `[start, end)` of the raw data, or `None` when the end overflows.
    pub(crate) fn raw_range(&self) -> Option<(usize, usize)> {
        let start = usize::try_from(self.pointer_to_raw_data).ok()?;
        let size = usize::try_from(self.size_of_raw_data).ok()?;
        Some((start, start.checked_add(size)?))
    }
}

/// Size of one COFF symbol table record.
const COFF_SYMBOL_SIZE: usize = 18;

/// Maximum length of a section name read from the COFF string table.
const MAX_LONG_SECTION_NAME: usize = 256;

fn trim_nul(name: &[u8]) -> &[u8] {
    let length = name.iter().rposition(|&byte| byte != 0).map_or(0, |last| last.saturating_add(1));
    name.get(..length).unwrap_or(name)
}

/// A PE/COFF image borrowed from the caller's buffer.
///
/// Parsing checks that the headers can be read. It does not check that sections lie inside the
/// file, that they are ordered, or that the certificate table is where it should be: see
/// [`PeImage::check_layout`] and [`PeImage::certificates`].
#[derive(Clone, Debug)]
pub struct PeImage<'a> {
    pub(super) data: &'a [u8],
    pub(super) pe32_plus: bool,
    pub(super) machine: u16,
    pub(super) subsystem: u16,
    pub(super) size_of_image: u32,
    pub(super) size_of_headers: u32,
    /// File offset of `CheckSum`.
    pub(super) checksum_offset: usize,
    /// File offset of the security `IMAGE_DATA_DIRECTORY` entry, when `NumberOfRvaAndSizes > 4`.
    pub(super) security_directory_offset: Option<usize>,
    /// The security directory as (file offset, size), as stored.
    pub(super) security_directory: Option<(usize, usize)>,
    /// File offset of the first byte after the section table.
    pub(super) section_table_end: usize,
    pub(super) sections: Vec<Section>,
    /// File offset of the COFF string table, when the header points at a symbol table.
    pub(super) string_table_offset: Option<usize>,
}

impl<'a> PeImage<'a> {
    /// Parses the DOS header (`e_magic` "MZ", `e_lfanew` inside the file), the "PE\0\0"
    /// signature, the COFF file header, the PE32 or PE32+ optional header with its data
    /// directories, and the section table.
    ///
    /// Fails only when these headers cannot be read: a wrong magic, a header that extends past
    /// the end of the file, `NumberOfRvaAndSizes` above 16 or larger than `SizeOfOptionalHeader`
    /// allows, or more than [`MAX_SECTIONS`] sections ([`ErrorKind::LimitExceeded`]).
    pub fn parse(data: &'a [u8]) -> Result<Self, Error> {
        let nt_headers = read_dos_header(data)?;

        let mut coff = Reader::new(data.get(nt_headers..).unwrap_or_default(), nt_headers, "IMAGE_NT_HEADERS");
        if coff.bytes(4)? != b"PE\0\0" {
            return Err(Error::invalid("IMAGE_NT_HEADERS", "Signature", nt_headers));
        }
        coff.set_structure("IMAGE_FILE_HEADER");
        let machine = coff.u16_le()?;
        let number_of_sections_offset = coff.offset();
        let number_of_sections = usize::from(coff.u16_le()?);
        coff.skip(4)?; // TimeDateStamp
        let pointer_to_symbol_table = coff.u32_le()?;
        let number_of_symbols = coff.u32_le()?;
        let size_of_optional_header = usize::from(coff.u16_le()?);
        coff.skip(2)?; // Characteristics
        if number_of_sections > MAX_SECTIONS {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "sections", max: MAX_SECTIONS },
                "IMAGE_FILE_HEADER",
                number_of_sections_offset,
            ));
        }

        let optional_offset = coff.offset();
        let optional = OptionalHeader::read(data, optional_offset, size_of_optional_header)?;

        let section_table_offset = optional_offset.checked_add(size_of_optional_header).ok_or(Error::new(
            ErrorKind::Overflow { field: "SizeOfOptionalHeader" },
            "IMAGE_FILE_HEADER",
            optional_offset,
        ))?;
        let sections = read_section_table(data, section_table_offset, number_of_sections)?;
        let section_table_end =
            sections.last().map_or(section_table_offset, |last| last.header_offset.saturating_add(SECTION_HEADER_SIZE));
        // The COFF string table follows the symbol table (18 bytes a symbol) and contains section
        // names longer than 8 bytes, which GNU ld writes as "/<decimal offset>".
        let string_table_offset = (pointer_to_symbol_table != 0)
            .then(|| {
                let symbols = usize::try_from(number_of_symbols).ok()?.checked_mul(COFF_SYMBOL_SIZE)?;
                usize::try_from(pointer_to_symbol_table).ok()?.checked_add(symbols)
            })
            .flatten();

        Ok(Self {
            data,
            pe32_plus: optional.pe32_plus,
            machine,
            subsystem: optional.subsystem,
            size_of_image: optional.size_of_image,
            size_of_headers: optional.size_of_headers,
            checksum_offset: optional.checksum_offset,
            security_directory_offset: optional.security_directory_offset,
            security_directory: optional.security_directory,
            section_table_end,
            sections,
            string_table_offset,
        })
    }

    /// The whole file.
    pub const fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Whether the optional header is PE32+ (magic 0x20b) rather than PE32 (0x10b).
    pub const fn is_pe32_plus(&self) -> bool {
        self.pe32_plus
    }

    /// `Machine` from the COFF file header (0x8664 x64, 0x014c ia32, 0xaa64 AArch64, …).
    pub const fn machine(&self) -> u16 {
        self.machine
    }

    /// `Subsystem` from the optional header (10 for an EFI application, 11 and 12 for drivers).
    pub const fn subsystem(&self) -> u16 {
        self.subsystem
    }

    /// `SizeOfImage` from the optional header.
    pub const fn size_of_image(&self) -> u32 {
        self.size_of_image
    }

    /// `SizeOfHeaders` from the optional header.
    pub const fn size_of_headers(&self) -> u32 {
        self.size_of_headers
    }

    /// File offset of the first byte after the section table.
    pub const fn section_table_end(&self) -> usize {
        self.section_table_end
    }

    /// The section headers, in table order.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The first section whose name is exactly `name` (".sbat", ".vendor_cert"), ignoring NUL
    /// padding.
    pub fn section(&self, name: &[u8]) -> Option<&Section> {
        self.sections_named(name).next()
    }

    /// Every section named `name`, in table order; shim requires exactly one `.sbat`.
    pub fn sections_named(&self, name: &[u8]) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(move |section| section.has_name(name))
    }

    /// The full name of `section`: its 8-byte `Name` without NUL padding or, for a long name
    /// written as `/<offset>`, the NUL-terminated string at that offset of the COFF string table.
    /// A long name that cannot be resolved is returned as stored.
    pub fn section_name(&self, section: &'a Section) -> &'a [u8] {
        let short = section.trimmed_name();
        self.long_section_name(short).unwrap_or(short)
    }

    fn long_section_name(&self, short: &[u8]) -> Option<&'a [u8]> {
        let digits = short.strip_prefix(b"/")?;
        let offset: usize = core::str::from_utf8(digits).ok()?.parse().ok()?;
        let start = self.string_table_offset?.checked_add(offset)?;
        let tail = self.data.get(start..)?;
        let tail = tail.get(..tail.len().min(MAX_LONG_SECTION_NAME))?;
        let end = tail.iter().position(|&byte| byte == 0)?;
        tail.get(..end)
    }

    /// The first section whose full name (see [`PeImage::section_name`]) is `name`, such as
    /// shim's `.vendor_cert`, which is too long for the 8-byte `Name` field.
    pub fn section_by_full_name(&'a self, name: &[u8]) -> Option<&'a Section> {
        self.sections.iter().find(|section| self.section_name(section) == trim_nul(name))
    }

    /// The raw bytes of `section` in the file (`SizeOfRawData` bytes at `PointerToRawData`),
    /// which may be longer than `VirtualSize`. Fails when they extend past the end of the file.
    pub fn section_data(&self, section: &Section) -> Result<&'a [u8], Error> {
        let (start, end) = section.raw_range().ok_or(Error::new(
            ErrorKind::Overflow { field: "SizeOfRawData" },
            "IMAGE_SECTION_HEADER",
            section.header_offset,
        ))?;
        self.data.get(start..end).ok_or(Error::new(
            ErrorKind::Truncated { needed: end.saturating_sub(self.data.len()) },
            "IMAGE_SECTION_HEADER",
            section.header_offset,
        ))
    }

    /// The certificate table (security directory) as (file offset, size). Its `VirtualAddress`
    /// is a file offset, not an RVA. `None` when `NumberOfRvaAndSizes` is 4 or less or the size
    /// is 0, which is how an unsigned image looks.
    pub fn certificate_table_range(&self) -> Option<(usize, usize)> {
        self.security_directory.filter(|&(_, size)| size != 0)
    }
}

/// Checks the DOS header and returns `e_lfanew`, the offset of the NT headers.
fn read_dos_header(data: &[u8]) -> Result<usize, Error> {
    let mut dos = Reader::new(data, 0, "IMAGE_DOS_HEADER");
    if data.len() < DOS_HEADER_SIZE {
        return Err(Error::truncated("IMAGE_DOS_HEADER", 0, DOS_HEADER_SIZE));
    }
    if dos.bytes(2)? != b"MZ" {
        return Err(Error::invalid("IMAGE_DOS_HEADER", "e_magic", 0));
    }
    dos.skip(E_LFANEW_OFFSET.saturating_sub(2))?;
    let e_lfanew = usize_from(dos.u32_le()?, "IMAGE_DOS_HEADER", "e_lfanew", E_LFANEW_OFFSET)?;
    if e_lfanew > data.len() {
        return Err(Error::invalid("IMAGE_DOS_HEADER", "e_lfanew", E_LFANEW_OFFSET));
    }
    Ok(e_lfanew)
}

/// The fields of the optional header this crate uses.
struct OptionalHeader {
    pe32_plus: bool,
    subsystem: u16,
    size_of_image: u32,
    size_of_headers: u32,
    checksum_offset: usize,
    security_directory_offset: Option<usize>,
    security_directory: Option<(usize, usize)>,
}

impl OptionalHeader {
    /// Reads the optional header at `offset`, declared as `declared_size` bytes long.
    fn read(data: &[u8], offset: usize, declared_size: usize) -> Result<Self, Error> {
        const STRUCTURE: &str = "IMAGE_OPTIONAL_HEADER";
        let bytes = data.get(offset..).unwrap_or_default();
        let header = Reader::new(bytes, offset, STRUCTURE).bytes(declared_size)?;
        let field = |at: usize, len: usize| {
            Reader::new(header.get(at..).unwrap_or_default(), offset.saturating_add(at), STRUCTURE).bytes(len)
        };
        let u16_at = |at: usize| field(at, 2).and_then(|b| Reader::new(b, 0, STRUCTURE).u16_le());
        let u32_at = |at: usize| field(at, 4).and_then(|b| Reader::new(b, 0, STRUCTURE).u32_le());

        let magic = u16_at(0)?;
        let (pe32_plus, rva_count_offset) = match magic {
            IMAGE_NT_OPTIONAL_HDR32_MAGIC => (false, PE32_RVA_COUNT_OFFSET),
            IMAGE_NT_OPTIONAL_HDR64_MAGIC => (true, PE32_PLUS_RVA_COUNT_OFFSET),
            _ => return Err(Error::invalid(STRUCTURE, "Magic", offset)),
        };

        let size_of_image = u32_at(SIZE_OF_IMAGE_OFFSET)?;
        let size_of_headers = u32_at(SIZE_OF_HEADERS_OFFSET)?;
        let subsystem = u16_at(SUBSYSTEM_OFFSET)?;
        let number_of_rva_and_sizes = u32_at(rva_count_offset)?;
        let rva_count_field = offset.saturating_add(rva_count_offset);
        if number_of_rva_and_sizes > IMAGE_NUMBEROF_DIRECTORY_ENTRIES {
            return Err(Error::invalid(STRUCTURE, "NumberOfRvaAndSizes", rva_count_field));
        }

        // The directories must fit inside SizeOfOptionalHeader, or the section table would
        // overlap them. With at most 16 entries the products below cannot overflow.
        let directories = rva_count_offset.saturating_add(4);
        let count = usize_from(number_of_rva_and_sizes, STRUCTURE, "NumberOfRvaAndSizes", rva_count_field)?;
        let directories_end = directories.saturating_add(count.saturating_mul(DATA_DIRECTORY_SIZE));
        if directories_end > declared_size {
            return Err(Error::invalid(STRUCTURE, "NumberOfRvaAndSizes", rva_count_field));
        }

        let (security_directory_offset, security_directory) = if number_of_rva_and_sizes
            > IMAGE_DIRECTORY_ENTRY_SECURITY
        {
            let entry = directories.saturating_add(4 * DATA_DIRECTORY_SIZE);
            let entry_offset = offset.saturating_add(entry);
            let virtual_address = usize_from(u32_at(entry)?, "IMAGE_DATA_DIRECTORY", "VirtualAddress", entry_offset)?;
            let size = usize_from(u32_at(entry.saturating_add(4))?, "IMAGE_DATA_DIRECTORY", "Size", entry_offset)?;
            (Some(entry_offset), Some((virtual_address, size)))
        } else {
            (None, None)
        };

        Ok(Self {
            pe32_plus,
            subsystem,
            size_of_image,
            size_of_headers,
            checksum_offset: offset.saturating_add(CHECKSUM_OFFSET),
            security_directory_offset,
            security_directory,
        })
    }
}

/// Reads `count` section headers at `offset`; the caller has checked `count` against the budget,
/// and the table must be inside the file before anything is allocated.
fn read_section_table(data: &[u8], offset: usize, count: usize) -> Result<Vec<Section>, Error> {
    const STRUCTURE: &str = "IMAGE_SECTION_HEADER";
    let table_size = count.checked_mul(SECTION_HEADER_SIZE).ok_or(Error::new(
        ErrorKind::Overflow { field: "NumberOfSections" },
        STRUCTURE,
        offset,
    ))?;
    let mut reader = Reader::new(data.get(offset..).unwrap_or_default(), offset, STRUCTURE);
    if offset > data.len() || reader.remaining() < table_size {
        return Err(Error::truncated(STRUCTURE, offset, table_size));
    }

    let mut sections = Vec::with_capacity(count);
    for _ in 0..count {
        let header_offset = reader.offset();
        let name = reader.array::<8>()?;
        let virtual_size = reader.u32_le()?;
        let virtual_address = reader.u32_le()?;
        let size_of_raw_data = reader.u32_le()?;
        let pointer_to_raw_data = reader.u32_le()?;
        let pointer_to_relocations = reader.u32_le()?;
        reader.skip(4)?; // PointerToLinenumbers
        let number_of_relocations = reader.u16_le()?;
        reader.skip(2)?; // NumberOfLinenumbers
        let characteristics = reader.u32_le()?;
        sections.push(Section {
            name,
            virtual_size,
            virtual_address,
            size_of_raw_data,
            pointer_to_raw_data,
            pointer_to_relocations,
            number_of_relocations,
            characteristics,
            header_offset,
        });
    }
    Ok(sections)
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation, reason = "test fixtures are far smaller than 4 GiB")]
mod tests {
    use super::*;
    use crate::pe::test_image::*;

    #[test]
    fn parse_both_formats() {
        for pe32_plus in [false, true] {
            let data = unsigned_image(pe32_plus);
            let image = PeImage::parse(&data).unwrap();
            assert_eq!(image.is_pe32_plus(), pe32_plus);
            assert_eq!(image.machine(), if pe32_plus { 0x8664 } else { 0x014c });
            assert_eq!(image.size_of_headers(), 0x200);
            assert_eq!(image.subsystem(), 10);
            assert_eq!(image.sections().len(), 2);
            assert_eq!(image.section_table_end(), section_header(pe32_plus, 2));
            assert_eq!(image.certificate_table_range(), None);
        }
    }

    #[test]
    fn section_lookup_ignores_nul_padding() {
        let data = unsigned_image(true);
        let image = PeImage::parse(&data).unwrap();
        let data_section = image.section(b".data").unwrap();
        assert_eq!(data_section.pointer_to_raw_data, 0x400);
        assert_eq!(image.section(b".data\0\0"), Some(data_section));
        assert_eq!(image.section(b".dat"), None);
        assert_eq!(image.sections_named(b".text").count(), 1);
        assert_eq!(image.section_data(data_section).unwrap(), &data[0x400..0x600]);
    }

    #[test]
    fn section_data_outside_file() {
        let mut data = unsigned_image(true);
        place_section(&mut data, true, 1, 0x400, 0x1000);
        let image = PeImage::parse(&data).unwrap();
        let error = image.section_data(&image.sections()[1]).unwrap_err();
        assert_eq!(error.structure, "IMAGE_SECTION_HEADER");
        assert_eq!(error.offset, section_header(true, 1));
    }

    #[test]
    fn parse_rejects_unreadable_headers() {
        let base = unsigned_image(true);
        type Case = (&'static str, fn(&mut Vec<u8>), &'static str, &'static str);
        let cases: [Case; 7] = [
            ("e_magic", |d| d[0] = b'Z', "IMAGE_DOS_HEADER", "e_magic"),
            ("e_lfanew", |d| put_u32(d, 0x3c, 0x10_0000), "IMAGE_DOS_HEADER", "e_lfanew"),
            ("signature", |d| d[NT_HEADERS + 2] = 1, "IMAGE_NT_HEADERS", "Signature"),
            ("magic", |d| put_u16(d, OPTIONAL_HEADER, 0x107), "IMAGE_OPTIONAL_HEADER", "Magic"),
            ("rva count", |d| put_u32(d, directories(true) - 4, 17), "IMAGE_OPTIONAL_HEADER", "NumberOfRvaAndSizes"),
            (
                "directories past optional header",
                |d| put_u16(d, NT_HEADERS + 4 + 16, 112 + 8),
                "IMAGE_OPTIONAL_HEADER",
                "NumberOfRvaAndSizes",
            ),
            ("e_lfanew at end", |d| put_u32(d, 0x3c, 0x600), "IMAGE_NT_HEADERS", "(truncated)"),
        ];
        for (name, mutate, structure, field) in cases {
            let mut data = base.clone();
            mutate(&mut data);
            let error = PeImage::parse(&data).unwrap_err();
            assert_eq!(error.structure, structure, "{name}");
            if field != "(truncated)" {
                assert_eq!(error.kind, ErrorKind::InvalidField { field }, "{name}");
            }
        }
    }

    #[test]
    fn parse_rejects_short_files() {
        assert!(PeImage::parse(b"MZ1234567890").is_err());
        let data = unsigned_image(false);
        for length in [0, 2, 0x3f, 0x40, 0x44, 0x60, section_header(false, 1)] {
            assert!(PeImage::parse(&data[..length]).is_err(), "length {length:#x}");
        }
    }

    #[test]
    fn section_budget() {
        let mut data = unsigned_image(true);
        data.resize(0x4000, 0);
        put_u16(&mut data, NT_HEADERS + 6, 97);
        let error = PeImage::parse(&data).unwrap_err();
        assert_eq!(error.kind, ErrorKind::LimitExceeded { what: "sections", max: MAX_SECTIONS });
        put_u16(&mut data, NT_HEADERS + 6, 96);
        assert_eq!(PeImage::parse(&data).unwrap().sections().len(), 96);
    }

    #[test]
    fn four_directories_mean_no_security_directory() {
        let mut data = signed_image(true);
        put_u32(&mut data, directories(true) - 4, 4);
        let image = PeImage::parse(&data).unwrap();
        assert_eq!(image.certificate_table_range(), None);
        assert!(image.certificates().unwrap().is_empty());
    }
}
