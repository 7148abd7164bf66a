//! The Authenticode image digest, section-based as in the Microsoft PE/COFF specification
//! ("Calculating the PE Image Hash") and EDK2's `HashPeImage`.
//!
//! Entry points: [`PeImage::authenticode_digest`], [`PeImage::authenticode_digests`] and
//! [`PeImage::authenticode_digest_into`]. The bytes are streamed from the borrowed file; nothing
//! is copied.

use alloc::vec::Vec;

use super::PeImage;
use crate::digest::{Digest, DigestSet, HashAlgorithm, Hasher, MultiHasher, Update};
use crate::error::{Error, ErrorKind};

/// Size of the pieces fed to the sink. Small enough that the four hashers of a
/// [`MultiHasher`] read each piece from cache, large enough that the per-call cost is noise.
const CHUNK_SIZE: usize = 64 * 1024;

const STRUCTURE: &str = "PE image";

impl PeImage<'_> {
    /// Returns the file ranges `[start, end)` that the Authenticode digest covers, in hashing
    /// order:
    ///
    /// 1. the headers up to `SizeOfHeaders`, minus `CheckSum` and, when
    ///    `NumberOfRvaAndSizes > 4`, minus the 8-byte security directory entry;
    /// 2. the raw data of every section with `SizeOfRawData != 0`, sorted by
    ///    `PointerToRawData` (stable, so equal offsets keep table order);
    /// 3. when the file is longer than `SUM` (`SizeOfHeaders` plus all section sizes), the bytes
    ///    from `SUM` to the file length minus the certificate table size.
    ///
    /// Unsigned images are not padded, as in EDK2. shim and osslsigncode pad an unsigned image
    /// whose length is not a multiple of 8 with zeros up to the next multiple, so their digest of
    /// such an image differs from this one. Signed images are hashed the same by all of them.
    ///
    /// Overlapping sections are hashed twice and gaps are not hashed, exactly as EDK2 does;
    /// [`PeImage::check_layout`] rejects both. Fails when a range lies outside the file, when
    /// `SizeOfHeaders` ends inside the directory entry, or when the file is shorter than `SUM`
    /// plus the certificate table (EDK2 fails there too).
    pub fn authenticode_ranges(&self) -> Result<Vec<(usize, usize)>, Error> {
        let file_length = self.data.len();
        let size_of_headers = usize::try_from(self.size_of_headers)
            .map_err(|_| Error::new(ErrorKind::Overflow { field: "SizeOfHeaders" }, STRUCTURE, 0))?;
        if size_of_headers > file_length {
            return Err(Error::truncated(STRUCTURE, file_length, size_of_headers.saturating_sub(file_length)));
        }

        let mut ranges = Vec::with_capacity(self.sections.len().saturating_add(4));
        let after_checksum = self.checksum_offset.saturating_add(4);
        ranges.push((0, self.checksum_offset));
        match self.security_directory_offset {
            Some(entry) => {
                ranges.push((after_checksum, entry));
                ranges.push((entry.saturating_add(8), size_of_headers));
            }
            None => ranges.push((after_checksum, size_of_headers)),
        }
        if let Some(&(start, end)) = ranges.iter().find(|(start, end)| start > end) {
            return Err(Error::invalid(STRUCTURE, "SizeOfHeaders", end.min(start)));
        }

        let mut sections: Vec<_> = self.sections.iter().filter(|section| section.size_of_raw_data != 0).collect();
        sections.sort_by_key(|section| section.pointer_to_raw_data);
        let mut sum = size_of_headers;
        for section in sections {
            let outside = Error::invalid("IMAGE_SECTION_HEADER", "PointerToRawData", section.header_offset);
            let (start, end) = section.raw_range().ok_or(outside)?;
            if end > file_length {
                return Err(outside);
            }
            ranges.push((start, end));
            sum = sum.checked_add(end.saturating_sub(start)).ok_or(Error::new(
                ErrorKind::Overflow { field: "SizeOfRawData" },
                "IMAGE_SECTION_HEADER",
                section.header_offset,
            ))?;
        }

        if file_length > sum {
            let certificate_size = self.security_directory.map_or(0, |(_, size)| size);
            let hashed_end = file_length
                .checked_sub(certificate_size)
                .filter(|end| *end >= sum)
                .ok_or(Error::invalid("IMAGE_DATA_DIRECTORY", "Size", self.security_directory_offset.unwrap_or(0)))?;
            if hashed_end > sum {
                ranges.push((sum, hashed_end));
            }
        }
        Ok(ranges)
    }

    /// Streams the bytes of [`PeImage::authenticode_ranges`] into `sink`, in pieces of at most
    /// 64 KiB, straight from the borrowed file.
    pub fn authenticode_digest_into(&self, sink: &mut dyn Update) -> Result<(), Error> {
        for (start, end) in self.authenticode_ranges()? {
            let bytes =
                self.data.get(start..end).ok_or(Error::truncated(STRUCTURE, start, end.saturating_sub(start)))?;
            bytes.chunks(CHUNK_SIZE).for_each(|chunk| sink.update(chunk));
        }
        Ok(())
    }

    /// The Authenticode digest of the image in one algorithm.
    pub fn authenticode_digest(&self, algorithm: HashAlgorithm) -> Result<Digest, Error> {
        let mut hasher = Hasher::new(algorithm);
        self.authenticode_digest_into(&mut hasher)?;
        Ok(hasher.finalize())
    }

    /// The Authenticode digests in all four algorithms from one pass over the file, in the
    /// order of [`HashAlgorithm::ALL`].
    pub fn authenticode_digests(&self) -> Result<DigestSet, Error> {
        let mut hasher = MultiHasher::new();
        self.authenticode_digest_into(&mut hasher)?;
        Ok(hasher.finalize())
    }
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation, reason = "test fixtures are far smaller than 4 GiB")]
mod tests {
    use super::*;
    use crate::pe::test_image::*;

    #[test]
    fn digest_skips_checksum_and_directory() {
        for pe32_plus in [false, true] {
            let data = unsigned_image(pe32_plus);
            let image = PeImage::parse(&data).unwrap();
            let mut expected = Vec::new();
            expected.extend_from_slice(&data[..CHECKSUM]);
            expected.extend_from_slice(&data[CHECKSUM + 4..security_directory(pe32_plus)]);
            expected.extend_from_slice(&data[security_directory(pe32_plus) + 8..]);
            assert_eq!(section_based_bytes(&image), expected);
            assert_eq!(
                image.authenticode_digest(HashAlgorithm::Sha256).unwrap(),
                HashAlgorithm::Sha256.hash(&expected)
            );
        }
    }

    #[test]
    fn digest_ignores_signature() {
        let unsigned = unsigned_image(true);
        let signed = signed_image(true);
        let unsigned = PeImage::parse(&unsigned).unwrap().authenticode_digests().unwrap();
        let signed = PeImage::parse(&signed).unwrap().authenticode_digests().unwrap();
        assert_eq!(unsigned, signed);
    }

    #[test]
    fn digests_match_single_algorithm() {
        let data = signed_image(false);
        let image = PeImage::parse(&data).unwrap();
        let all = image.authenticode_digests().unwrap();
        for (algorithm, digest) in HashAlgorithm::ALL.into_iter().zip(all.iter().copied()) {
            assert_eq!(image.authenticode_digest(algorithm).unwrap(), digest);
        }
    }

    #[test]
    fn four_directories_hash_whole_headers() {
        let mut data = unsigned_image(true);
        put_u32(&mut data, directories(true) - 4, 4);
        let image = PeImage::parse(&data).unwrap();
        let mut expected = data[..CHECKSUM].to_vec();
        expected.extend_from_slice(&data[CHECKSUM + 4..]);
        assert_eq!(section_based_bytes(&image), expected);
    }

    #[test]
    fn sections_hashed_in_file_order() {
        let mut swapped = unsigned_image(true);
        place_section(&mut swapped, true, 0, 0x400, 0x200);
        place_section(&mut swapped, true, 1, 0x200, 0x200);
        let original = unsigned_image(true);
        let original = PeImage::parse(&original).unwrap();
        let swapped = PeImage::parse(&swapped).unwrap();
        let swapped = swapped.authenticode_ranges().unwrap();
        assert_eq!(&swapped[3..], &[(0x200, 0x400), (0x400, 0x600)]);
        assert_eq!(&swapped[3..], &original.authenticode_ranges().unwrap()[3..]);
    }

    #[test]
    fn trailing_data_hashed_before_table() {
        let mut data = unsigned_image(true);
        data.extend_from_slice(&[0x5a; 24]);
        let data = with_table(data, true, &entry(0x0200, 0x0002, &DER));
        let image = PeImage::parse(&data).unwrap();
        let bytes = section_based_bytes(&image);
        assert!(bytes.ends_with(&[0x5a; 24]));
        assert_eq!(bytes, linear_bytes(&image));
    }

    #[test]
    fn overlap_hashed_twice_gap_skipped() {
        // EDK2 behaviour, which check_layout rejects: the digest itself still follows it.
        let mut data = unsigned_image(true);
        place_section(&mut data, true, 1, 0x300, 0x100);
        let image = PeImage::parse(&data).unwrap();
        let ranges = image.authenticode_ranges().unwrap();
        assert_eq!(&ranges[3..], &[(0x200, 0x400), (0x300, 0x400), (0x500, 0x600)]);
    }

    #[test]
    fn digest_errors() {
        let mut outside = unsigned_image(true);
        place_section(&mut outside, true, 1, 0x400, 0x201);
        let mut headers = unsigned_image(true);
        put_u32(&mut headers, OPTIONAL_HEADER + 60, 0x601);
        let mut short_headers = unsigned_image(true);
        put_u32(&mut short_headers, OPTIONAL_HEADER + 60, security_directory(true) as u32 + 4);
        let mut table_too_large = signed_image(true);
        table_too_large.truncate(FILE_LENGTH + 8);
        put_u32(&mut table_too_large, security_directory(true) + 4, 16);
        for (name, data) in [
            ("section outside", outside),
            ("headers outside", headers),
            ("headers end in directory entry", short_headers),
            ("file shorter than sections plus table", table_too_large),
        ] {
            let image = PeImage::parse(&data).unwrap();
            assert!(image.authenticode_digest(HashAlgorithm::Sha1).is_err(), "{name}");
        }
    }
}
