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
            Self::SectionTableBeyondHeaders { section_table_end, size_of_headers } => write!(
                f,
                "the section table ends at {section_table_end:#x}, past SizeOfHeaders {size_of_headers:#x}"
            ),
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
    fn check_sections(&self, size_of_headers: usize) -> Result<usize, LayoutViolation> {
        let file_length = self.data.len();
        let mut end = size_of_headers;
        let mut previous: Option<(usize, usize)> = None; // (index, start)

        for (index, section) in self.sections.iter().enumerate() {
            if section.size_of_raw_data == 0 {
                continue;
            }
            let outside = LayoutViolation::SectionOutsideFile {
                index,
                pointer_to_raw_data: section.pointer_to_raw_data,
                size_of_raw_data: section.size_of_raw_data,
                file_length,
            };
            let (start, section_end) = section.raw_range().ok_or(outside)?;
            if section_end > file_length {
                return Err(outside);
            }

            match previous {
                None if start < size_of_headers => {
                    return Err(LayoutViolation::HeadersOverlapSection {
                        index,
                        size_of_headers: self.size_of_headers,
                        pointer_to_raw_data: section.pointer_to_raw_data,
                    });
                }
                Some((first, first_start)) if start < first_start => {
                    return Err(LayoutViolation::OutOfOrderSections { first, second: index });
                }
                Some((first, _)) if start < end => {
                    return Err(LayoutViolation::OverlappingSections { first, second: index, offset: start });
                }
                _ => {}
            }
            if start > end {
                return Err(LayoutViolation::Gap { offset: end, length: start.saturating_sub(end) });
            }

            previous = Some((index, start));
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
