//! PE/COFF images as UEFI firmware reads them for Secure Boot: a zero-copy view of the headers
//! and section table, the Authenticode image digest, the layout rules under which that digest
//! covers every loaded byte, and the attribute certificate table.
//!
//! Specifications: Microsoft PE/COFF specification ("Optional Header", "Section Table",
//! "The Attribute Certificate Table", "Calculating the PE Image Hash") and UEFI 2.10 section
//! 32.2.4 (`WIN_CERTIFICATE_UEFI_GUID`).
//!
//! Entry point: [`PeImage::parse`], then [`PeImage::check_layout`],
//! [`PeImage::authenticode_digest`] and [`PeImage::certificates`].

mod authenticode_digest;
mod certificate;
mod image;
mod layout;
#[cfg(test)]
mod test_image;

pub use certificate::{
    MAX_CERTIFICATES, WIN_CERT_REVISION_2_0, WIN_CERT_TYPE_EFI_GUID, WIN_CERT_TYPE_PKCS_SIGNED_DATA, WinCertificate,
};
pub use image::{
    IMAGE_DIRECTORY_ENTRY_SECURITY, IMAGE_NT_OPTIONAL_HDR32_MAGIC, IMAGE_NT_OPTIONAL_HDR64_MAGIC,
    IMAGE_NUMBEROF_DIRECTORY_ENTRIES, MAX_SECTIONS, PeImage, Section,
};
pub use layout::LayoutViolation;

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use proptest::prelude::*;

    use super::test_image::{linear_bytes, section_based_bytes, signed_image, unsigned_image};
    use super::*;

    /// Runs every entry point; none may panic, whatever the input.
    fn exercise(data: &[u8]) {
        if let Ok(image) = PeImage::parse(data) {
            let layout = image.check_layout();
            let ranges = image.authenticode_ranges();
            let _ = image.authenticode_digests();
            let _ = image.certificates();
            for section in image.sections() {
                let _ = image.section_data(section);
            }
            // When the layout is consistent, the section-based and linear digests cover the
            // same bytes, which is the promise of check_layout.
            if layout.is_ok() {
                assert!(ranges.is_ok());
                assert_eq!(section_based_bytes(&image), linear_bytes(&image));
            }
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..1024)) {
            exercise(&data);
        }

        #[test]
        fn mutated_image_never_panics(
            signed in any::<bool>(),
            pe32_plus in any::<bool>(),
            writes in proptest::collection::vec((0usize..0x700, any::<u8>()), 1..12),
            cut in 0usize..0x700,
            extra in proptest::collection::vec(any::<u8>(), 0..24),
        ) {
            let mut data: Vec<u8> = if signed { signed_image(pe32_plus) } else { unsigned_image(pe32_plus) };
            for (offset, value) in writes {
                if let Some(byte) = data.get_mut(offset) {
                    *byte = value;
                }
            }
            exercise(&data);
            data.extend_from_slice(&extra);
            exercise(&data);
            data.truncate(cut);
            exercise(&data);
        }
    }
}
