//! shim's `.vendor_cert` section: the certificates a shim build trusts (`vendor_authorized`) and
//! revokes (`vendor_deauthorized`, a vendor `dbx`), as laid out by shim's `cert_table`.
//!
//! The section starts with four little-endian `u32`s: `vendor_authorized_size`,
//! `vendor_deauthorized_size`, `vendor_authorized_offset`, `vendor_deauthorized_offset`, the
//! offsets counted from the start of the section data. The authorized blob is one DER
//! certificate (`VENDOR_CERT_FILE`) or, in builds with a vendor `db` (`VENDOR_DB_FILE`), a chain
//! of `EFI_SIGNATURE_LIST`s. The deauthorized blob is a chain of `EFI_SIGNATURE_LIST`s. Entry
//! point: [`parse_vendor_cert_section`].

use alloc::vec::Vec;

use crate::error::{Error, ErrorKind};
use crate::pe::PeImage;
use crate::reader::{Reader, usize_from};
use crate::uefi::guid::EFI_CERT_X509;
use crate::uefi::siglist::{SignatureList, check_certificate_der, parse_signature_lists};

const STRUCTURE: &str = ".vendor_cert";

/// Size of the `cert_table` header.
const CERT_TABLE_SIZE: usize = 16;

/// The contents of a `.vendor_cert` section, borrowing the section data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VendorCertificates<'a> {
    /// The authorized DER certificates: the single vendor certificate, or the `EFI_CERT_X509`
    /// entries of the vendor `db` lists. Empty when the build embeds no vendor certificate.
    pub authorized: Vec<&'a [u8]>,
    /// The vendor `db` lists when the authorized blob is a signature-list chain; empty when it
    /// is a single certificate.
    pub authorized_lists: Vec<SignatureList<'a>>,
    /// The raw vendor `dbx` (concatenated `EFI_SIGNATURE_LIST`s, possibly empty).
    pub deauthorized: &'a [u8],
    /// The vendor `dbx` lists, parsed from [`VendorCertificates::deauthorized`].
    pub deauthorized_lists: Vec<SignatureList<'a>>,
}

/// Returns the `size` bytes at `offset` of the section, or an error naming `field`.
fn blob<'a>(section: &'a [u8], offset: usize, size: usize, field: &'static str) -> Result<&'a [u8], Error> {
    let end = offset.checked_add(size).ok_or(Error::new(ErrorKind::Overflow { field }, STRUCTURE, offset))?;
    section.get(offset..end).ok_or(Error::truncated(STRUCTURE, offset, size))
}

/// Reads the vendor certificates of a shim binary: the `.vendor_cert` section (a long section
/// name, resolved through the COFF string table), so a caller can trust a distribution's CA the
/// way shim does. `Ok(None)` when the image has no such section.
pub fn vendor_certificates<'a>(image: &'a PeImage<'a>) -> Result<Option<VendorCertificates<'a>>, Error> {
    let Some(section) = image.section_by_full_name(b".vendor_cert") else { return Ok(None) };
    let data = image.section_data(section)?;
    parse_vendor_cert_section(data).map(Some).map_err(|error| error.shifted(section.pointer_to_raw_data as usize))
}

/// Parses the data of a `.vendor_cert` section (as `objcopy --only-section=.vendor_cert`
/// extracts it). Bytes outside the two blobs (alignment padding) are ignored.
///
/// The authorized blob is read as one certificate when it is exactly one DER `SEQUENCE`, and as
/// signature lists otherwise, since the section does not record which build option produced it.
pub fn parse_vendor_cert_section(section_data: &[u8]) -> Result<VendorCertificates<'_>, Error> {
    let mut reader = Reader::new(section_data, 0, STRUCTURE);
    let authorized_size = reader.u32_le()?;
    let deauthorized_size = reader.u32_le()?;
    let authorized_offset = reader.u32_le()?;
    let deauthorized_offset = reader.u32_le()?;

    let authorized_size = usize_from(authorized_size, STRUCTURE, "vendor_authorized_size", 0)?;
    let deauthorized_size = usize_from(deauthorized_size, STRUCTURE, "vendor_deauthorized_size", 4)?;
    let authorized_offset = usize_from(authorized_offset, STRUCTURE, "vendor_authorized_offset", 8)?;
    let deauthorized_offset = usize_from(deauthorized_offset, STRUCTURE, "vendor_deauthorized_offset", 12)?;
    for (size, offset, field) in [
        (authorized_size, authorized_offset, "vendor_authorized_offset"),
        (deauthorized_size, deauthorized_offset, "vendor_deauthorized_offset"),
    ] {
        // A blob may not overlap the cert_table header it is described by.
        if size != 0 && offset < CERT_TABLE_SIZE {
            return Err(Error::invalid(STRUCTURE, field, offset));
        }
    }

    let authorized_blob = blob(section_data, authorized_offset, authorized_size, "vendor_authorized_size")?;
    let deauthorized = blob(section_data, deauthorized_offset, deauthorized_size, "vendor_deauthorized_size")?;

    let (authorized, authorized_lists) = if authorized_blob.is_empty() {
        (Vec::new(), Vec::new())
    } else if check_certificate_der(authorized_blob, authorized_offset).is_ok() {
        (alloc::vec![authorized_blob], Vec::new())
    } else {
        let lists = parse_signature_lists(authorized_blob, authorized_offset)?;
        let certificates = lists
            .iter()
            .filter(|list| list.signature_type == EFI_CERT_X509)
            .flat_map(SignatureList::entries)
            .map(|entry| entry.data)
            .collect();
        (certificates, lists)
    };
    let deauthorized_lists = parse_signature_lists(deauthorized, deauthorized_offset)?;

    Ok(VendorCertificates { authorized, authorized_lists, deauthorized, deauthorized_lists })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uefi::guid::{EFI_CERT_SHA256, Guid};
    use crate::uefi::siglist::build_signature_list;

    const OWNER: Guid = Guid::from_fields(1, 2, 3, [4; 8]);
    const CERTIFICATE: [u8; 4] = [0x30, 0x02, 0x05, 0x00];

    fn section(authorized: &[u8], deauthorized: &[u8], padding: usize) -> Vec<u8> {
        let authorized_offset = 16 + padding;
        let deauthorized_offset = authorized_offset + authorized.len();
        let mut out = Vec::new();
        for value in [authorized.len(), deauthorized.len(), authorized_offset, deauthorized_offset] {
            out.extend_from_slice(&u32::try_from(value).unwrap().to_le_bytes());
        }
        out.resize(authorized_offset, 0);
        out.extend_from_slice(authorized);
        out.extend_from_slice(deauthorized);
        out.extend_from_slice(&[0; 3]);
        out
    }

    #[test]
    fn single_certificate_and_dbx() {
        let dbx = build_signature_list(EFI_CERT_SHA256, &[(OWNER, &[7; 32])]).unwrap();
        let data = section(&CERTIFICATE, &dbx, 4);
        let parsed = parse_vendor_cert_section(&data).unwrap();
        assert_eq!(parsed.authorized, [&CERTIFICATE[..]]);
        assert!(parsed.authorized_lists.is_empty());
        assert_eq!(parsed.deauthorized, &dbx[..]);
        assert_eq!(parsed.deauthorized_lists.len(), 1);
        assert_eq!(parsed.deauthorized_lists[0].offset, 16 + 4 + 4);
    }

    #[test]
    fn vendor_db_lists() {
        let db =
            build_signature_list(EFI_CERT_X509, &[(OWNER, &CERTIFICATE), (OWNER, &[0x30, 0x02, 0x01, 0x00])]).unwrap();
        let data = section(&db, &[], 0);
        let parsed = parse_vendor_cert_section(&data).unwrap();
        assert_eq!(parsed.authorized.len(), 2);
        assert_eq!(parsed.authorized_lists.len(), 1);
        assert!(parsed.deauthorized.is_empty());
    }

    #[test]
    fn empty_section_table() {
        let data = section(&[], &[], 0);
        let parsed = parse_vendor_cert_section(&data).unwrap();
        assert!(parsed.authorized.is_empty());
        assert!(parsed.deauthorized_lists.is_empty());
    }

    #[test]
    fn rejects_out_of_bounds_blobs() {
        let mut data = section(&CERTIFICATE, &[], 0);
        data[0] = 0xff;
        assert_eq!(parse_vendor_cert_section(&data).unwrap_err().kind, ErrorKind::Truncated { needed: 0xff });
        let mut data = section(&CERTIFICATE, &[], 0);
        data[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(parse_vendor_cert_section(&data).is_err());
        let mut data = section(&CERTIFICATE, &[], 0);
        data[8..12].copy_from_slice(&4u32.to_le_bytes());
        assert!(parse_vendor_cert_section(&data).is_err());
        assert!(parse_vendor_cert_section(&[0; 15]).is_err());
    }

    #[test]
    fn rejects_garbage_authorized_blob() {
        let data = section(&[0x01, 0x02, 0x03], &[], 0);
        assert!(parse_vendor_cert_section(&data).is_err());
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256)) {
            let _ = parse_vendor_cert_section(&bytes);
        }
    }
}
