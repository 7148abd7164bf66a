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
