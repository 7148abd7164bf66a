//! Layout consistency: the conditions under which the section-based Authenticode digest (PE/COFF
//! specification, EDK2, shim) and the linear one (Windows, osslsigncode, signify) cover the same
//! bytes.
//!
//! The linear digest covers every byte of the file except `CheckSum`, the security directory
//! entry and the certificate table. The section-based digest covers the headers, then each
//! section's raw data, then the bytes from `SizeOfHeaders` plus the section sizes up to the file
//! length minus the certificate table size. The two coincide when the sections follow the headers
//! back to back and the certificate table is the last thing in the file. Bytes between the last
//! section and the certificate table (or the end of an unsigned file) are hashed by both, so they
//! are allowed: real signed binaries carry debug data there.
//!
//! Entry point: [`PeImage::check_layout`].

use core::fmt;

use super::PeImage;

/// How an image's layout makes the section-based and linear digests differ, so that some loaded
/// or signed bytes would escape one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LayoutViolation {
    /// `SizeOfHeaders` ends before the section table does.
    SectionTableBeyondHeaders {
        /// File offset of the first byte after the section table.
        section_table_end: usize,
        /// `SizeOfHeaders`.
        size_of_headers: u32,
    },
    /// The file is shorter than `SizeOfHeaders`.
    HeadersOutsideFile {
        /// `SizeOfHeaders`.
        size_of_headers: u32,
        /// Length of the file.
        file_length: usize,
    },
    /// The first section's raw data starts inside the headers.
    HeadersOverlapSection {
        /// Index of the section in the section table.
        index: usize,
        /// `SizeOfHeaders`.
        size_of_headers: u32,
        /// The section's `PointerToRawData`.
        pointer_to_raw_data: u32,
    },
    /// A section's raw data extends past the end of the file.
    SectionOutsideFile {
        /// Index of the section in the section table.
        index: usize,
        /// The section's `PointerToRawData`.
        pointer_to_raw_data: u32,
        /// The section's `SizeOfRawData`.
        size_of_raw_data: u32,
        /// Length of the file.
        file_length: usize,
    },
    /// Two sections' raw data overlap, so the section-based digest hashes the shared bytes twice.
    OverlappingSections {
        /// Index of the earlier section in the section table.
        first: usize,
        /// Index of the later section, whose raw data starts inside the first one's.
        second: usize,
        /// File offset where the later section starts.
        offset: usize,
    },
    /// A later entry in the section table has raw data before an earlier entry's.
    OutOfOrderSections {
        /// Index of the earlier section in the section table.
        first: usize,
        /// Index of the later section, whose raw data comes first in the file.
        second: usize,
    },
    /// Bytes between the headers and the first section, or between two sections, that the
    /// section-based digest skips.
    Gap {
        /// File offset of the first skipped byte.
        offset: usize,
        /// Number of skipped bytes.
        length: usize,
    },
    /// The certificate table lies inside a section's raw data.
    SectionOverlapsCertificateTable {
        /// Index of the section in the section table.
        index: usize,
    },
    /// The certificate table starts inside the headers.
    CertificateTableOverlapsHeaders {
        /// File offset of the certificate table.
        offset: usize,
    },
    /// The certificate table extends past the end of the file (or its end overflows).
    CertificateTableOutsideFile {
        /// File offset of the certificate table.
        offset: usize,
        /// Size of the certificate table.
        size: usize,
        /// Length of the file.
        file_length: usize,
    },
    /// Bytes follow the certificate table; neither digest covers them.
    BytesAfterCertificateTable {
        /// Number of bytes after the table.
        length: usize,
    },
}

impl LayoutViolation {
    /// A stable snake_case identifier for reports and bindings.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::SectionTableBeyondHeaders { .. } => "section_table_beyond_headers",
            Self::HeadersOutsideFile { .. } => "headers_outside_file",
            Self::HeadersOverlapSection { .. } => "headers_overlap_section",
            Self::SectionOutsideFile { .. } => "section_outside_file",
            Self::OverlappingSections { .. } => "overlapping_sections",
            Self::OutOfOrderSections { .. } => "out_of_order_sections",
            Self::Gap { .. } => "gap",
            Self::SectionOverlapsCertificateTable { .. } => "section_overlaps_certificate_table",
            Self::CertificateTableOverlapsHeaders { .. } => "certificate_table_overlaps_headers",
            Self::CertificateTableOutsideFile { .. } => "certificate_table_outside_file",
            Self::BytesAfterCertificateTable { .. } => "bytes_after_certificate_table",
        }
    }
}

impl fmt::Display for LayoutViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::SectionTableBeyondHeaders { section_table_end, size_of_headers } => {
                write!(f, "the section table ends at {section_table_end:#x}, past SizeOfHeaders {size_of_headers:#x}")
            }
            Self::HeadersOutsideFile { size_of_headers, file_length } => {
                write!(f, "SizeOfHeaders {size_of_headers:#x} is past the end of the {file_length:#x}-byte file")
            }
            Self::HeadersOverlapSection { index, size_of_headers, pointer_to_raw_data } => write!(
                f,
                "section {index} starts at {pointer_to_raw_data:#x}, inside the headers (SizeOfHeaders {size_of_headers:#x})"
            ),
            Self::SectionOutsideFile { index, pointer_to_raw_data, size_of_raw_data, file_length } => write!(
                f,
                "section {index} ({size_of_raw_data:#x} bytes at {pointer_to_raw_data:#x}) extends past the end of the {file_length:#x}-byte file"
            ),
            Self::OverlappingSections { first, second, offset } => {
                write!(f, "section {second} starts at {offset:#x}, inside section {first}")
            }
            Self::OutOfOrderSections { first, second } => {
                write!(f, "section {second} comes before section {first} in the file but after it in the section table")
            }
            Self::Gap { offset, length } => {
                write!(f, "{length:#x} bytes at {offset:#x} lie outside the headers and every section")
            }
            Self::SectionOverlapsCertificateTable { index } => {
                write!(f, "section {index} overlaps the certificate table")
            }
            Self::CertificateTableOverlapsHeaders { offset } => {
                write!(f, "the certificate table at {offset:#x} starts inside the headers")
            }
            Self::CertificateTableOutsideFile { offset, size, file_length } => write!(
                f,
                "the certificate table ({size:#x} bytes at {offset:#x}) extends past the end of the {file_length:#x}-byte file"
            ),
            Self::BytesAfterCertificateTable { length } => {
                write!(f, "{length:#x} bytes follow the certificate table at the end of the file")
            }
        }
    }
}

impl PeImage<'_> {
    /// Checks that the section-based and linear views of the file coincide, returning the first
    /// inconsistency found:
    ///
    /// - the section table ends at or before `SizeOfHeaders`, and the file is at least
    ///   `SizeOfHeaders` long;
    /// - the sections with `SizeOfRawData > 0`, in table order, lie inside the file back to back
    ///   from `SizeOfHeaders`: no overlap, no gap, no later entry placed before an earlier one;
    /// - the certificate table, if any, starts at or after the end of the last section and ends
    ///   exactly at the end of the file.
    ///
    /// Table order is stricter than the digest needs (it sorts by `PointerToRawData`), but
    /// linkers write sections in file order and an image that does not is suspect.
    ///
    /// When this returns `Ok`, [`PeImage::authenticode_ranges`] succeeds and every byte of the
    /// file other than `CheckSum`, the security directory entry and the certificate table is
    /// hashed exactly once.
    pub fn check_layout(&self) -> Result<(), LayoutViolation> {
        let file_length = self.data.len();
        let size_of_headers = usize::try_from(self.size_of_headers).unwrap_or(usize::MAX);
        if self.section_table_end > size_of_headers {
            return Err(LayoutViolation::SectionTableBeyondHeaders {
                section_table_end: self.section_table_end,
                size_of_headers: self.size_of_headers,
            });
        }
        if size_of_headers > file_length {
            return Err(LayoutViolation::HeadersOutsideFile { size_of_headers: self.size_of_headers, file_length });
        }

        let sections_end = self.check_sections(size_of_headers)?;
        self.check_certificate_table(size_of_headers, sections_end)
    }

    /// Checks that the sections are contiguous from `SizeOfHeaders` and returns where they end.
    ///
    /// The first pass finds sections outside the file, out of order or overlapping, so that an
    /// image with swapped sections is reported as such rather than as a gap. The second pass,
    /// over sections now known to be sorted and disjoint, finds the gaps.
    fn check_sections(&self, size_of_headers: usize) -> Result<usize, LayoutViolation> {
        let file_length = self.data.len();
        let mut previous: Option<(usize, usize, usize)> = None; // (index, start, end)
        for (index, section) in self.sections.iter().enumerate().filter(|(_, section)| section.size_of_raw_data != 0) {
            let outside = LayoutViolation::SectionOutsideFile {
                index,
                pointer_to_raw_data: section.pointer_to_raw_data,
                size_of_raw_data: section.size_of_raw_data,
                file_length,
            };
            let (start, end) = section.raw_range().filter(|(_, end)| *end <= file_length).ok_or(outside)?;
            match previous {
                Some((first, first_start, _)) if start < first_start => {
                    return Err(LayoutViolation::OutOfOrderSections { first, second: index });
                }
                Some((first, _, first_end)) if start < first_end => {
                    return Err(LayoutViolation::OverlappingSections { first, second: index, offset: start });
                }
                _ => previous = Some((index, start, end)),
            }
        }

        let mut end = size_of_headers;
        for (index, section) in self.sections.iter().enumerate().filter(|(_, section)| section.size_of_raw_data != 0) {
            let (start, section_end) = section.raw_range().unwrap_or_default();
            if start < end {
                // Only the first section can start before `end`, which is then SizeOfHeaders.
                return Err(LayoutViolation::HeadersOverlapSection {
                    index,
                    size_of_headers: self.size_of_headers,
                    pointer_to_raw_data: section.pointer_to_raw_data,
                });
            }
            if start > end {
                return Err(LayoutViolation::Gap { offset: end, length: start.saturating_sub(end) });
            }
            end = section_end;
        }
        Ok(end)
    }

    /// Checks that the certificate table follows the sections and ends at the end of the file.
    fn check_certificate_table(&self, size_of_headers: usize, sections_end: usize) -> Result<(), LayoutViolation> {
        let file_length = self.data.len();
        let Some((offset, size)) = self.certificate_table_range() else {
            return Ok(());
        };

        let table_end = offset.checked_add(size).filter(|end| *end <= file_length);
        let Some(table_end) = table_end else {
            return Err(LayoutViolation::CertificateTableOutsideFile { offset, size, file_length });
        };
        if offset < sections_end {
            let overlapping = self.sections.iter().enumerate().find(|(_, section)| {
                section.size_of_raw_data != 0
                    && section.raw_range().is_some_and(|(start, end)| start < table_end && offset < end)
            });
            return Err(match overlapping {
                Some((index, _)) => LayoutViolation::SectionOverlapsCertificateTable { index },
                None if offset < size_of_headers => LayoutViolation::CertificateTableOverlapsHeaders { offset },
                // Unreachable after check_sections (headers and sections cover [0, sections_end)),
                // but a wrong answer here must still reject.
                None => LayoutViolation::SectionOverlapsCertificateTable { index: 0 },
            });
        }
        if table_end < file_length {
            return Err(LayoutViolation::BytesAfterCertificateTable { length: file_length.saturating_sub(table_end) });
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation, reason = "test fixtures are far smaller than 4 GiB")]
mod tests {
    use alloc::string::ToString;
    use alloc::vec::Vec;

    use super::*;
    use crate::pe::test_image::*;

    fn check(data: &[u8]) -> Result<(), LayoutViolation> {
        PeImage::parse(data).unwrap().check_layout()
    }

    fn set_table(data: &mut [u8], offset: u32, size: u32) {
        put_u32(data, security_directory(true), offset);
        put_u32(data, security_directory(true) + 4, size);
    }

    #[test]
    fn consistent_images_pass() {
        for pe32_plus in [false, true] {
            assert_eq!(check(&unsigned_image(pe32_plus)), Ok(()));
            assert_eq!(check(&signed_image(pe32_plus)), Ok(()));
        }
    }

    #[test]
    fn empty_sections_ignored() {
        let mut data = unsigned_image(true);
        place_section(&mut data, true, 0, 0x9999, 0);
        place_section(&mut data, true, 1, 0x200, 0x400);
        assert_eq!(check(&data), Ok(()));
    }

    #[test]
    fn trailing_data_before_table_allowed() {
        let mut data = unsigned_image(true);
        data.extend_from_slice(&[1; 40]);
        assert_eq!(check(&data), Ok(()));
        let data = with_table(data, true, &entry(0x0200, 0x0002, &DER));
        assert_eq!(check(&data), Ok(()));
    }

    #[test]
    fn section_table_beyond_headers() {
        let mut data = unsigned_image(true);
        put_u32(&mut data, OPTIONAL_HEADER + 60, 0x180);
        assert_eq!(
            check(&data),
            Err(LayoutViolation::SectionTableBeyondHeaders {
                section_table_end: section_header(true, 2),
                size_of_headers: 0x180
            })
        );
    }

    #[test]
    fn headers_outside_file() {
        let mut data = unsigned_image(true);
        put_u32(&mut data, OPTIONAL_HEADER + 60, 0x800);
        assert_eq!(
            check(&data),
            Err(LayoutViolation::HeadersOutsideFile { size_of_headers: 0x800, file_length: FILE_LENGTH })
        );
    }

    #[test]
    fn headers_overlap_section() {
        // The shape of a signify sample: SizeOfHeaders 0x1000, first section at 0x400.
        let mut data = unsigned_image(true);
        put_u32(&mut data, OPTIONAL_HEADER + 60, 0x300);
        assert_eq!(
            check(&data),
            Err(LayoutViolation::HeadersOverlapSection {
                index: 0,
                size_of_headers: 0x300,
                pointer_to_raw_data: 0x200
            })
        );
    }

    #[test]
    fn section_outside_file() {
        let mut data = unsigned_image(true);
        place_section(&mut data, true, 1, 0x400, 0x300);
        assert_eq!(
            check(&data),
            Err(LayoutViolation::SectionOutsideFile {
                index: 1,
                pointer_to_raw_data: 0x400,
                size_of_raw_data: 0x300,
                file_length: FILE_LENGTH
            })
        );
        place_section(&mut data, true, 1, u32::MAX, 0x300);
        assert_eq!(check(&data).unwrap_err().code(), "section_outside_file");
    }

    #[test]
    fn overlapping_sections() {
        let mut data = unsigned_image(true);
        place_section(&mut data, true, 1, 0x300, 0x300);
        assert_eq!(check(&data), Err(LayoutViolation::OverlappingSections { first: 0, second: 1, offset: 0x300 }));
    }

    #[test]
    fn out_of_order_sections() {
        let mut data = unsigned_image(true);
        place_section(&mut data, true, 0, 0x400, 0x200);
        place_section(&mut data, true, 1, 0x200, 0x200);
        assert_eq!(check(&data), Err(LayoutViolation::OutOfOrderSections { first: 0, second: 1 }));
    }

    #[test]
    fn gaps() {
        let mut between = unsigned_image(true);
        place_section(&mut between, true, 1, 0x500, 0x100);
        assert_eq!(check(&between), Err(LayoutViolation::Gap { offset: 0x400, length: 0x100 }));

        let mut after_headers = unsigned_image(true);
        place_section(&mut after_headers, true, 0, 0x300, 0x100);
        assert_eq!(check(&after_headers), Err(LayoutViolation::Gap { offset: 0x200, length: 0x100 }));
    }

    #[test]
    fn section_overlaps_certificate_table() {
        let mut data = signed_image(true);
        let end = data.len() as u32;
        set_table(&mut data, 0x500, end - 0x500);
        assert_eq!(check(&data), Err(LayoutViolation::SectionOverlapsCertificateTable { index: 1 }));
    }

    #[test]
    fn certificate_table_overlaps_headers() {
        let mut data = signed_image(true);
        set_table(&mut data, 0x100, 0x10);
        assert_eq!(check(&data), Err(LayoutViolation::CertificateTableOverlapsHeaders { offset: 0x100 }));
    }

    #[test]
    fn certificate_table_outside_file() {
        let mut data = signed_image(true);
        set_table(&mut data, FILE_LENGTH as u32, 0x100);
        assert_eq!(
            check(&data),
            Err(LayoutViolation::CertificateTableOutsideFile {
                offset: FILE_LENGTH,
                size: 0x100,
                file_length: FILE_LENGTH + 16
            })
        );
        set_table(&mut data, u32::MAX, u32::MAX);
        assert_eq!(check(&data).unwrap_err().code(), "certificate_table_outside_file");
    }

    #[test]
    fn bytes_after_certificate_table() {
        let mut data = signed_image(true);
        data.extend_from_slice(&[0; 8]);
        assert_eq!(check(&data), Err(LayoutViolation::BytesAfterCertificateTable { length: 8 }));
    }

    #[test]
    fn every_violation_renders() {
        let violations = [
            LayoutViolation::SectionTableBeyondHeaders { section_table_end: 0x198, size_of_headers: 0x180 },
            LayoutViolation::HeadersOutsideFile { size_of_headers: 0x800, file_length: 0x600 },
            LayoutViolation::HeadersOverlapSection { index: 0, size_of_headers: 0x300, pointer_to_raw_data: 0x200 },
            LayoutViolation::SectionOutsideFile {
                index: 1,
                pointer_to_raw_data: 0x400,
                size_of_raw_data: 0x300,
                file_length: 0x600,
            },
            LayoutViolation::OverlappingSections { first: 0, second: 1, offset: 0x300 },
            LayoutViolation::OutOfOrderSections { first: 0, second: 1 },
            LayoutViolation::Gap { offset: 0x400, length: 0x100 },
            LayoutViolation::SectionOverlapsCertificateTable { index: 1 },
            LayoutViolation::CertificateTableOverlapsHeaders { offset: 0x100 },
            LayoutViolation::CertificateTableOutsideFile { offset: 0x600, size: 0x100, file_length: 0x610 },
            LayoutViolation::BytesAfterCertificateTable { length: 8 },
        ];
        let codes: Vec<_> = violations.iter().map(LayoutViolation::code).collect();
        for (index, code) in codes.iter().enumerate() {
            assert!(!codes[..index].contains(code), "duplicate code {code}");
            assert!(code.bytes().all(|byte| byte.is_ascii_lowercase() || byte == b'_'), "{code}");
        }
        assert_eq!(violations[4].to_string(), "section 1 starts at 0x300, inside section 0");
        assert_eq!(violations[6].to_string(), "0x100 bytes at 0x400 lie outside the headers and every section");
        for violation in violations {
            assert!(!violation.to_string().is_empty());
        }
    }
}
