//! `EFI_SIGNATURE_LIST` and `EFI_SIGNATURE_DATA` (UEFI 2.10 section 32.4.1): the format of `db`,
//! `dbx`, `dbt`, `KEK`, `PK` and shim's `MokList`, parsed without copying.
//!
//! An `EFI_SIGNATURE_LIST` is a 28-byte header (`SignatureType` GUID, `SignatureListSize`,
//! `SignatureHeaderSize`, `SignatureSize`, all `u32` little-endian), `SignatureHeaderSize` bytes
//! of header, then entries of `SignatureSize` bytes, each an owner GUID followed by the signature
//! data. A variable contains zero or more lists back to back.
//!
//! The checks follow EDK2's variable-write format check (`CheckSignatureListFormat`): a known
//! type, `SignatureHeaderSize` 0, the type's exact `SignatureSize`, and no partial entry. Entry
//! points: [`parse_signature_lists`] and [`build_signature_list`].

use alloc::vec::Vec;

use der::{Decode as _, Tagged as _};

use crate::error::{Error, ErrorKind};
use crate::reader::{Reader, usize_from};
use crate::uefi::guid::{
    EFI_CERT_RSA2048, EFI_CERT_RSA2048_SHA1, EFI_CERT_RSA2048_SHA256, EFI_CERT_SHA1, EFI_CERT_SHA224, EFI_CERT_SHA256,
    EFI_CERT_SHA384, EFI_CERT_SHA512, EFI_CERT_X509, EFI_CERT_X509_SHA256, EFI_CERT_X509_SHA384, EFI_CERT_X509_SHA512,
    Guid,
};

const LIST: &str = "EFI_SIGNATURE_LIST";
const DATA: &str = "EFI_SIGNATURE_DATA";

/// Size of the fixed `EFI_SIGNATURE_LIST` header.
pub const SIGNATURE_LIST_HEADER_SIZE: usize = 28;

/// Size of `EFI_SIGNATURE_DATA.SignatureOwner`.
pub const SIGNATURE_OWNER_SIZE: usize = 16;

/// Budget: signature lists in one variable.
pub const MAX_SIGNATURE_LISTS: usize = 4096;

/// Budget: signature entries across all lists of one variable.
pub const MAX_SIGNATURE_ENTRIES: usize = 1_000_000;

/// Every `EFI_CERT_*` type that UEFI 2.10 defines for signature lists, in the spec's order.
pub const DEFINED_SIGNATURE_TYPES: [Guid; 12] = [
    EFI_CERT_SHA256,
    EFI_CERT_RSA2048,
    EFI_CERT_RSA2048_SHA256,
    EFI_CERT_SHA1,
    EFI_CERT_RSA2048_SHA1,
    EFI_CERT_X509,
    EFI_CERT_SHA224,
    EFI_CERT_SHA384,
    EFI_CERT_SHA512,
    EFI_CERT_X509_SHA256,
    EFI_CERT_X509_SHA384,
    EFI_CERT_X509_SHA512,
];

/// The spec name of a signature type (`"EFI_CERT_X509"`, …), `None` for an unknown GUID.
pub fn signature_type_name(signature_type: &Guid) -> Option<&'static str> {
    const NAMES: [(Guid, &str); 14] = [
        (EFI_CERT_SHA1, "EFI_CERT_SHA1"),
        (EFI_CERT_SHA224, "EFI_CERT_SHA224"),
        (EFI_CERT_SHA256, "EFI_CERT_SHA256"),
        (EFI_CERT_SHA384, "EFI_CERT_SHA384"),
        (EFI_CERT_SHA512, "EFI_CERT_SHA512"),
        (EFI_CERT_RSA2048, "EFI_CERT_RSA2048"),
        (EFI_CERT_RSA2048_SHA1, "EFI_CERT_RSA2048_SHA1"),
        (EFI_CERT_RSA2048_SHA256, "EFI_CERT_RSA2048_SHA256"),
        (EFI_CERT_X509, "EFI_CERT_X509"),
        (EFI_CERT_X509_SHA256, "EFI_CERT_X509_SHA256"),
        (EFI_CERT_X509_SHA384, "EFI_CERT_X509_SHA384"),
        (EFI_CERT_X509_SHA512, "EFI_CERT_X509_SHA512"),
        (crate::uefi::guid::EFI_CERT_SM3, "EFI_CERT_SM3"),
        (crate::uefi::guid::EFI_CERT_X509_SM3, "EFI_CERT_X509_SM3"),
    ];
    NAMES.iter().find(|(guid, _)| guid == signature_type).map(|(_, name)| *name)
}

/// Options of [`parse_signature_lists_with`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Accepts lists whose `SignatureType` UEFI does not define (for example `EFI_CERT_SM3`), as
    /// some firmware stores them. Such lists are only checked for size consistency: any
    /// `SignatureHeaderSize` that fits, `SignatureSize` ≥ 16, no partial entry.
    pub allow_unknown_types: bool,
}

/// One `EFI_SIGNATURE_LIST`, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignatureList<'a> {
    /// Offset of the list header in the caller's buffer.
    pub offset: usize,
    /// `SignatureType`.
    pub signature_type: Guid,
    /// The `SignatureHeaderSize` bytes of header (empty for every defined type).
    pub header: &'a [u8],
    /// `SignatureSize`: bytes per entry, owner GUID included.
    pub signature_size: u32,
    entries: &'a [u8],
    entries_offset: usize,
    entry_size: usize,
}

/// One `EFI_SIGNATURE_DATA`, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignatureData<'a> {
    /// Offset of the entry (its owner GUID) in the caller's buffer.
    pub offset: usize,
    /// `SignatureOwner`.
    pub owner: Guid,
    /// The signature data after the owner GUID (a hash, a DER certificate, …).
    pub data: &'a [u8],
}

impl<'a> SignatureList<'a> {
    /// Iterates over the entries in order. The sizes were checked by the parser, so the iterator
    /// yields exactly [`SignatureList::len`] entries.
    pub fn entries(&self) -> impl Iterator<Item = SignatureData<'a>> + 'a {
        let base = self.entries_offset;
        let entry_size = self.entry_size;
        self.entries.chunks_exact(entry_size).enumerate().filter_map(move |(index, chunk)| {
            let (owner, data) = chunk.split_first_chunk::<SIGNATURE_OWNER_SIZE>()?;
            Some(SignatureData {
                offset: base.saturating_add(index.saturating_mul(entry_size)),
                owner: Guid::from_bytes(*owner),
                data,
            })
        })
    }

    /// Number of entries (at least one in a parsed list).
    pub fn len(&self) -> usize {
        self.entries.len().checked_div(self.entry_size).unwrap_or(0)
    }

    /// Returns whether the list has no entries, which is never the case for a list that
    /// [`parse_signature_lists`] returned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Size of the signature data of each entry (`SignatureSize` − 16).
    pub fn data_size(&self) -> usize {
        self.entry_size.saturating_sub(SIGNATURE_OWNER_SIZE)
    }
}

/// Size of the signature data (without the owner GUID) for `signature_type`, or `None` for
/// `EFI_CERT_X509` (variable size) and for types UEFI does not define.
pub fn signature_size_for(signature_type: Guid) -> Option<usize> {
    let size = match signature_type {
        t if t == EFI_CERT_SHA1 => 20,
        t if t == EFI_CERT_SHA224 => 28,
        t if t == EFI_CERT_SHA256 => 32,
        t if t == EFI_CERT_SHA384 => 48,
        t if t == EFI_CERT_SHA512 => 64,
        t if t == EFI_CERT_RSA2048 || t == EFI_CERT_RSA2048_SHA256 || t == EFI_CERT_RSA2048_SHA1 => 256,
        // TBS hash followed by the EFI_TIME of revocation.
        t if t == EFI_CERT_X509_SHA256 => 32 + 16,
        t if t == EFI_CERT_X509_SHA384 => 48 + 16,
        t if t == EFI_CERT_X509_SHA512 => 64 + 16,
        _ => return None,
    };
    Some(size)
}

/// Returns whether UEFI 2.10 defines `signature_type` for signature lists.
pub fn is_defined_signature_type(signature_type: Guid) -> bool {
    DEFINED_SIGNATURE_TYPES.contains(&signature_type)
}

/// Parses the concatenated signature lists in `data` with the default (strict) options. `base`
/// is the offset of `data` in the caller's buffer, used in offsets and errors. Empty input is
/// zero lists.
pub fn parse_signature_lists(data: &[u8], base: usize) -> Result<Vec<SignatureList<'_>>, Error> {
    parse_signature_lists_with(data, base, &ParseOptions::default())
}

/// Parses the concatenated signature lists in `data` with `options`.
pub fn parse_signature_lists_with<'a>(
    data: &'a [u8],
    base: usize,
    options: &ParseOptions,
) -> Result<Vec<SignatureList<'a>>, Error> {
    let mut reader = Reader::new(data, base, LIST);
    let mut lists = Vec::new();
    let mut total_entries: usize = 0;

    while !reader.is_empty() {
        if lists.len() >= MAX_SIGNATURE_LISTS {
            return Err(reader.error(ErrorKind::LimitExceeded { what: "signature lists", max: MAX_SIGNATURE_LISTS }));
        }
        let list = parse_one_list(&mut reader, options)?;
        total_entries = total_entries.saturating_add(list.len());
        if total_entries > MAX_SIGNATURE_ENTRIES {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "signature entries", max: MAX_SIGNATURE_ENTRIES },
                LIST,
                list.offset,
            ));
        }
        lists.push(list);
    }
    Ok(lists)
}

fn parse_one_list<'a>(reader: &mut Reader<'a>, options: &ParseOptions) -> Result<SignatureList<'a>, Error> {
    let offset = reader.offset();
    let remaining = reader.remaining();
    if remaining < SIGNATURE_LIST_HEADER_SIZE {
        return Err(Error::truncated(LIST, offset, SIGNATURE_LIST_HEADER_SIZE));
    }
    let signature_type = Guid::from_bytes(reader.array()?);
    let list_size = reader.u32_le()?;
    let header_size = reader.u32_le()?;
    let signature_size = reader.u32_le()?;
    let field_offset = |delta: usize| offset.saturating_add(delta);

    // Step 1: the list's size fields must be consistent with each other and with the input.
    let list_size_usize = usize_from(list_size, LIST, "SignatureListSize", field_offset(16))?;
    let header_size_usize = usize_from(header_size, LIST, "SignatureHeaderSize", field_offset(20))?;
    let entry_size = usize_from(signature_size, LIST, "SignatureSize", field_offset(24))?;
    if list_size_usize < SIGNATURE_LIST_HEADER_SIZE {
        return Err(Error::invalid(LIST, "SignatureListSize", field_offset(16)));
    }
    if list_size_usize > remaining {
        return Err(Error::truncated(LIST, offset, list_size_usize));
    }
    let body_size = list_size_usize
        .checked_sub(SIGNATURE_LIST_HEADER_SIZE)
        .and_then(|body| body.checked_sub(header_size_usize))
        .ok_or(Error::invalid(LIST, "SignatureHeaderSize", field_offset(20)))?;
    if entry_size < SIGNATURE_OWNER_SIZE {
        return Err(Error::invalid(LIST, "SignatureSize", field_offset(24)));
    }

    // Step 2: the type decides the header and entry sizes.
    let defined = is_defined_signature_type(signature_type);
    if !defined && !options.allow_unknown_types {
        return Err(Error::new(ErrorKind::Unsupported { field: "SignatureType" }, LIST, offset));
    }
    if defined && header_size != 0 {
        return Err(Error::invalid(LIST, "SignatureHeaderSize", field_offset(20)));
    }
    if let Some(data_size) = signature_size_for(signature_type) {
        if entry_size.checked_sub(SIGNATURE_OWNER_SIZE) != Some(data_size) {
            return Err(Error::invalid(LIST, "SignatureSize", field_offset(24)));
        }
    }

    // Step 3: whole entries only, and at least one.
    if body_size == 0 {
        return Err(Error::invalid(LIST, "SignatureListSize", field_offset(16)));
    }
    if body_size.checked_rem(entry_size) != Some(0) {
        return Err(Error::invalid(LIST, "SignatureListSize", field_offset(16)));
    }
    let header = reader.bytes(header_size_usize)?;
    let entries_offset = reader.offset();
    let entries = reader.bytes(body_size)?;
    let list = SignatureList { offset, signature_type, header, signature_size, entries, entries_offset, entry_size };

    // Step 4: every EFI_CERT_X509 entry contains exactly one DER certificate.
    if signature_type == EFI_CERT_X509 {
        for entry in list.entries() {
            check_certificate_der(entry.data, entry.offset.saturating_add(SIGNATURE_OWNER_SIZE))?;
        }
    }
    Ok(list)
}

/// Checks that `der` is exactly one DER `SEQUENCE` TLV (the outer structure of an X.509
/// certificate) with no byte after it. `offset` locates `der` in the caller's buffer.
///
/// The certificate's contents are not decoded here: a database may hold certificates that a
/// strict X.509 decoder rejects and that firmware still uses.
pub fn check_certificate_der(der: &[u8], offset: usize) -> Result<(), Error> {
    let any = der::asn1::AnyRef::from_der(der).map_err(|error| Error::from_der(error, DATA, offset))?;
    if any.tag() != der::Tag::Sequence {
        return Err(Error::invalid(DATA, "SignatureData (X.509 certificate)", offset));
    }
    Ok(())
}

/// Builds one `EFI_SIGNATURE_LIST` of `signature_type` from `(owner, data)` entries, which
/// must all have the same data size. Fails when the list would not pass
/// [`parse_signature_lists`]: no entries, an undefined type, a size that is wrong for the type,
/// an `EFI_CERT_X509` entry that is not one DER certificate, or a size beyond `u32`.
pub fn build_signature_list(signature_type: Guid, entries: &[(Guid, &[u8])]) -> Result<Vec<u8>, Error> {
    if !is_defined_signature_type(signature_type) {
        return Err(Error::new(ErrorKind::Unsupported { field: "SignatureType" }, LIST, 0));
    }
    let Some((_, first)) = entries.first() else {
        return Err(Error::invalid(LIST, "SignatureListSize", 16));
    };
    let data_size = first.len();
    if signature_size_for(signature_type).is_some_and(|expected| expected != data_size) || data_size == 0 {
        return Err(Error::invalid(LIST, "SignatureSize", 24));
    }

    let overflow = Error::new(ErrorKind::Overflow { field: "SignatureListSize" }, LIST, 16);
    let entry_size = data_size.checked_add(SIGNATURE_OWNER_SIZE).ok_or(overflow)?;
    let list_size = entry_size
        .checked_mul(entries.len())
        .and_then(|body| body.checked_add(SIGNATURE_LIST_HEADER_SIZE))
        .ok_or(overflow)?;
    let list_size_u32 = u32::try_from(list_size).map_err(|_| overflow)?;
    let entry_size_u32 = u32::try_from(entry_size).map_err(|_| overflow)?;

    let mut out = Vec::with_capacity(list_size);
    out.extend_from_slice(signature_type.as_bytes());
    out.extend_from_slice(&list_size_u32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&entry_size_u32.to_le_bytes());
    for (owner, data) in entries {
        let offset = out.len();
        if data.len() != data_size {
            return Err(Error::invalid(DATA, "SignatureData (entries differ in size)", offset));
        }
        if signature_type == EFI_CERT_X509 {
            check_certificate_der(data, offset.saturating_add(SIGNATURE_OWNER_SIZE))?;
        }
        out.extend_from_slice(owner.as_bytes());
        out.extend_from_slice(data);
    }
    Ok(out)
}

/// Splits an efivarfs file into its attribute word (the first four bytes, little-endian, as
/// Linux's efivarfs prepends it) and the variable data.
pub fn strip_efivarfs_attributes(file: &[u8]) -> Result<(u32, &[u8]), Error> {
    let mut reader = Reader::new(file, 0, "efivarfs file");
    let attributes = reader.u32_le()?;
    Ok((attributes, reader.rest()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    const OWNER: Guid = Guid::from_fields(0x77fa9abd, 0x0359, 0x4d32, [0xbd, 0x60, 0x28, 0xf4, 0xe7, 0x8f, 0x78, 0x4b]);

    /// A minimal DER SEQUENCE standing in for a certificate (the parser checks only the TLV).
    const FAKE_CERTIFICATE: [u8; 4] = [0x30, 0x02, 0x05, 0x00];

    fn header(signature_type: Guid, list_size: u32, header_size: u32, signature_size: u32) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(signature_type.as_bytes());
        out.extend_from_slice(&list_size.to_le_bytes());
        out.extend_from_slice(&header_size.to_le_bytes());
        out.extend_from_slice(&signature_size.to_le_bytes());
        out
    }

    fn sha256_list(count: usize) -> Vec<u8> {
        let hashes: Vec<[u8; 32]> = (0..count).map(|i| [u8::try_from(i % 256).unwrap(); 32]).collect();
        let entries: Vec<(Guid, &[u8])> = hashes.iter().map(|hash| (OWNER, hash.as_slice())).collect();
        build_signature_list(EFI_CERT_SHA256, &entries).unwrap()
    }

    fn field_of(error: Error) -> &'static str {
        match error.kind {
            ErrorKind::InvalidField { field } => field,
            other => panic!("expected InvalidField, got {other:?}"),
        }
    }

    #[test]
    fn empty_input_is_zero_lists() {
        assert!(parse_signature_lists(&[], 0).unwrap().is_empty());
    }

    #[test]
    fn sha256_list_parses() {
        let bytes = sha256_list(3);
        assert_eq!(bytes.len(), 28 + 3 * 48);
        let lists = parse_signature_lists(&bytes, 0x100).unwrap();
        assert_eq!(lists.len(), 1);
        let list = lists[0];
        assert_eq!(
            (list.offset, list.signature_type, list.signature_size, list.len()),
            (0x100, EFI_CERT_SHA256, 48, 3)
        );
        let entries: Vec<_> = list.entries().collect();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[1].offset, 0x100 + 28 + 48);
        assert_eq!(entries[1].owner, OWNER);
        assert_eq!(entries[1].data, &[1u8; 32]);
    }

    #[test]
    fn refuses_nonzero_header_size() {
        let mut bytes = header(EFI_CERT_SHA256, 28 + 4 + 48, 4, 48);
        bytes.extend_from_slice(&[0; 4 + 48]);
        let error = parse_signature_lists(&bytes, 0).unwrap_err();
        assert_eq!((error.structure, field_of(error), error.offset), (LIST, "SignatureHeaderSize", 20));
    }

    #[test]
    fn refuses_list_size_below_header() {
        let mut bytes = header(EFI_CERT_SHA256, 27, 0, 48);
        bytes.extend_from_slice(&[0; 48]);
        let error = parse_signature_lists(&bytes, 0).unwrap_err();
        assert_eq!((field_of(error), error.offset), ("SignatureListSize", 16));
    }

    #[test]
    fn refuses_list_size_past_end() {
        let mut bytes = sha256_list(2);
        bytes.truncate(bytes.len() - 1);
        let error = parse_signature_lists(&bytes, 0).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Truncated { needed: 28 + 2 * 48 });
        assert_eq!(error.offset, 0);
    }

    #[test]
    fn refuses_partial_entry() {
        let mut bytes = header(EFI_CERT_SHA256, 28 + 48 + 10, 0, 48);
        bytes.extend_from_slice(&[0; 58]);
        let error = parse_signature_lists(&bytes, 0).unwrap_err();
        assert_eq!((field_of(error), error.offset), ("SignatureListSize", 16));
    }

    #[test]
    fn refuses_signature_size_below_owner() {
        let mut bytes = header(EFI_CERT_SHA256, 28 + 30, 0, 15);
        bytes.extend_from_slice(&[0; 30]);
        let error = parse_signature_lists(&bytes, 0).unwrap_err();
        assert_eq!((field_of(error), error.offset), ("SignatureSize", 24));
        // Zero SignatureSize must not divide by zero.
        let mut bytes = header(EFI_CERT_SHA256, 28 + 30, 0, 0);
        bytes.extend_from_slice(&[0; 30]);
        assert!(parse_signature_lists(&bytes, 0).is_err());
    }

    #[test]
    fn refuses_wrong_sha256_size() {
        let mut bytes = header(EFI_CERT_SHA256, 28 + 2 * 40, 0, 40);
        bytes.extend_from_slice(&[0; 80]);
        let error = parse_signature_lists(&bytes, 0).unwrap_err();
        assert_eq!((field_of(error), error.offset), ("SignatureSize", 24));
    }

    #[test]
    fn refuses_zero_entries() {
        let bytes = header(EFI_CERT_SHA256, 28, 0, 48);
        let error = parse_signature_lists(&bytes, 0).unwrap_err();
        assert_eq!((field_of(error), error.offset), ("SignatureListSize", 16));
        assert!(build_signature_list(EFI_CERT_SHA256, &[]).is_err());
    }

    #[test]
    fn refuses_unknown_type_unless_allowed() {
        let unknown = crate::uefi::guid::EFI_CERT_SM3;
        let mut bytes = header(unknown, 28 + 48, 0, 48);
        bytes.extend_from_slice(&[0; 48]);
        let error = parse_signature_lists(&bytes, 0).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Unsupported { field: "SignatureType" });
        let options = ParseOptions { allow_unknown_types: true };
        let lists = parse_signature_lists_with(&bytes, 0, &options).unwrap();
        assert_eq!(lists[0].len(), 1);
    }

    #[test]
    fn refuses_x509_with_trailing_bytes() {
        let mut certificate = FAKE_CERTIFICATE.to_vec();
        certificate.push(0);
        let mut bytes = header(EFI_CERT_X509, 28 + 16 + 5, 0, 16 + 5);
        bytes.extend_from_slice(OWNER.as_bytes());
        bytes.extend_from_slice(&certificate);
        let error = parse_signature_lists(&bytes, 0).unwrap_err();
        assert!(matches!(error.kind, ErrorKind::Der(_)), "{error:?}");
        assert_eq!(error.structure, DATA);
        assert!(build_signature_list(EFI_CERT_X509, &[(OWNER, &certificate)]).is_err());
    }

    #[test]
    fn refuses_x509_that_is_not_a_sequence() {
        let integer = [0x02, 0x01, 0x05];
        assert!(build_signature_list(EFI_CERT_X509, &[(OWNER, &integer)]).is_err());
        assert!(build_signature_list(EFI_CERT_X509, &[(OWNER, &FAKE_CERTIFICATE)]).is_ok());
    }

    #[test]
    fn offsets_are_absolute_in_second_list() {
        let mut bytes = sha256_list(1);
        let first_len = bytes.len();
        bytes.extend_from_slice(&header(EFI_CERT_SHA1, 28 + 36, 0, 40));
        bytes.extend_from_slice(&[0; 36]);
        let error = parse_signature_lists(&bytes, 0x1000).unwrap_err();
        assert_eq!(error.offset, 0x1000 + first_len + 24);
    }

    #[test]
    fn list_budget_is_enforced() {
        let one = sha256_list(1);
        let bytes: Vec<u8> = one.iter().copied().cycle().take(one.len() * (MAX_SIGNATURE_LISTS + 1)).collect();
        let error = parse_signature_lists(&bytes, 0).unwrap_err();
        assert_eq!(error.kind, ErrorKind::LimitExceeded { what: "signature lists", max: MAX_SIGNATURE_LISTS });
    }

    #[test]
    fn entry_budget_is_enforced() {
        // 1 000 001 SHA-1 entries of 36 bytes in one list: 36 MB, still a cheap test.
        let count = MAX_SIGNATURE_ENTRIES + 1;
        let mut bytes = header(EFI_CERT_SHA1, u32::try_from(28 + count * 36).unwrap(), 0, 36);
        bytes.resize(28 + count * 36, 0);
        let error = parse_signature_lists(&bytes, 0).unwrap_err();
        assert_eq!(error.kind, ErrorKind::LimitExceeded { what: "signature entries", max: MAX_SIGNATURE_ENTRIES });
    }

    #[test]
    fn build_refuses_mixed_sizes() {
        let error = build_signature_list(EFI_CERT_X509, &[(OWNER, &FAKE_CERTIFICATE), (OWNER, &[0x30, 0x00])]);
        assert!(error.is_err());
    }

    #[test]
    fn efivarfs_attributes_are_split() {
        let file = vec![0x27, 0, 0, 0, 0xaa];
        assert_eq!(strip_efivarfs_attributes(&file).unwrap(), (0x27, &[0xaa][..]));
        assert!(strip_efivarfs_attributes(&file[..3]).is_err());
    }

    #[test]
    fn sizes_per_type() {
        assert_eq!(signature_size_for(EFI_CERT_SHA256), Some(32));
        assert_eq!(signature_size_for(EFI_CERT_X509_SHA384), Some(64));
        assert_eq!(signature_size_for(EFI_CERT_X509), None);
        assert_eq!(signature_size_for(crate::uefi::guid::EFI_CERT_X509_SM3), None);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn data_for(signature_type: Guid, seed: u8, der_body: usize) -> Vec<u8> {
            match signature_size_for(signature_type) {
                Some(size) => vec![seed; size],
                None => {
                    // A DER SEQUENCE with a short-form length.
                    let body = der_body % 100;
                    let mut out = vec![0x30, u8::try_from(body).unwrap()];
                    out.resize(2 + body, seed);
                    out
                }
            }
        }

        proptest! {
            #[test]
            fn build_parse_build_round_trips(
                type_index in 0usize..DEFINED_SIGNATURE_TYPES.len(),
                owners in proptest::collection::vec(any::<[u8; 16]>(), 1..8),
                seed in any::<u8>(),
                der_body in any::<usize>(),
            ) {
                let signature_type = DEFINED_SIGNATURE_TYPES[type_index];
                let data = data_for(signature_type, seed, der_body);
                let entries: Vec<(Guid, &[u8])> =
                    owners.iter().map(|owner| (Guid::from_bytes(*owner), data.as_slice())).collect();
                let built = build_signature_list(signature_type, &entries).unwrap();

                let lists = parse_signature_lists(&built, 0).unwrap();
                prop_assert_eq!(lists.len(), 1);
                let parsed: Vec<(Guid, &[u8])> = lists[0].entries().map(|entry| (entry.owner, entry.data)).collect();
                prop_assert_eq!(&parsed, &entries);
                let rebuilt = build_signature_list(lists[0].signature_type, &parsed).unwrap();
                prop_assert_eq!(rebuilt, built);
            }

            #[test]
            fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512), allow in any::<bool>()) {
                let options = ParseOptions { allow_unknown_types: allow };
                if let Ok(lists) = parse_signature_lists_with(&bytes, 0, &options) {
                    for list in lists {
                        prop_assert_eq!(list.entries().count(), list.len());
                    }
                }
            }

            #[test]
            fn parse_never_panics_on_mutated_list(
                position in 0usize..(28 + 2 * 48),
                value in any::<u8>(),
            ) {
                let mut bytes = sha256_list(2);
                bytes[position] = value;
                let _ = parse_signature_lists(&bytes, 0);
            }
        }
    }
}
