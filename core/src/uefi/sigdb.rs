//! An owned signature database (`db`, `dbx`, `dbt`, `KEK`, shim's `MokList`…) built from
//! `EFI_SIGNATURE_LIST`s (UEFI 2.10 section 32.4.1), indexed for the lookups of Secure Boot image
//! verification (UEFI 2.10 section 32.5.3). Entry point: [`SignatureDatabase::from_bytes`].
//!
//! Lookups use ordered maps keyed by the signature data, so their cost grows with the logarithm
//! of the database size: a 10 000-entry `dbx` costs about the same per image as a 443-entry one.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::ops::Bound;

use crate::digest::{Digest, HashAlgorithm};
use crate::error::Error;
use crate::uefi::guid::{
    EFI_CERT_SHA1, EFI_CERT_SHA256, EFI_CERT_SHA384, EFI_CERT_SHA512, EFI_CERT_X509, EFI_CERT_X509_SHA256,
    EFI_CERT_X509_SHA384, EFI_CERT_X509_SHA512, Guid,
};
use crate::uefi::siglist::{
    SIGNATURE_LIST_HEADER_SIZE, SIGNATURE_OWNER_SIZE, SignatureList, check_certificate_der, parse_signature_lists,
};
use crate::uefi::time::EfiTime;

/// One `EFI_SIGNATURE_DATA` with the type of its list. Its owner and data are exactly the bytes
/// firmware measures into PCR 7 as `EV_EFI_VARIABLE_AUTHORITY` when the entry authorizes an image.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SignatureEntry {
    /// `SignatureType` of the list that held the entry.
    pub signature_type: Guid,
    /// `SignatureOwner`.
    pub owner: Guid,
    /// `SignatureData` after the owner GUID.
    pub data: Vec<u8>,
}

impl SignatureEntry {
    /// Encodes the entry as an `EFI_SIGNATURE_DATA`: owner GUID followed by the data.
    pub fn to_signature_data(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(SIGNATURE_OWNER_SIZE.saturating_add(self.data.len()));
        out.extend_from_slice(self.owner.as_bytes());
        out.extend_from_slice(&self.data);
        out
    }
}

/// Entry indices per signature type, keyed by the signature data.
type DataIndex = BTreeMap<Vec<u8>, Vec<usize>>;

/// A signature database: the entries in variable order plus per-type indices.
#[derive(Clone, Debug, Default)]
pub struct SignatureDatabase {
    entries: Vec<SignatureEntry>,
    index: BTreeMap<Guid, DataIndex>,
}

/// Returns the image-digest signature type for `algorithm`.
const fn image_digest_type(algorithm: HashAlgorithm) -> Guid {
    match algorithm {
        HashAlgorithm::Sha1 => EFI_CERT_SHA1,
        HashAlgorithm::Sha256 => EFI_CERT_SHA256,
        HashAlgorithm::Sha384 => EFI_CERT_SHA384,
        HashAlgorithm::Sha512 => EFI_CERT_SHA512,
    }
}

/// Returns the `EFI_CERT_X509_SHA*` (TBS hash) type for `algorithm`, or `None` for SHA-1,
/// which UEFI does not define.
const fn tbs_hash_type(algorithm: HashAlgorithm) -> Option<Guid> {
    match algorithm {
        HashAlgorithm::Sha1 => None,
        HashAlgorithm::Sha256 => Some(EFI_CERT_X509_SHA256),
        HashAlgorithm::Sha384 => Some(EFI_CERT_X509_SHA384),
        HashAlgorithm::Sha512 => Some(EFI_CERT_X509_SHA512),
    }
}

impl SignatureDatabase {
    /// Creates an empty database (an absent or empty variable).
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a variable's data (concatenated `EFI_SIGNATURE_LIST`s, without the efivarfs
    /// attribute word) with the strict checks of [`parse_signature_lists`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut database = Self::new();
        for list in parse_signature_lists(bytes, 0)? {
            database.add_list(&list);
        }
        Ok(database)
    }

    /// Appends every entry of `list`, duplicates included, as a variable write without
    /// `EFI_VARIABLE_APPEND_WRITE` would store them.
    ///
    /// A list's `SignatureHeaderSize` bytes are not kept: every type UEFI defines has none.
    pub fn add_list(&mut self, list: &SignatureList<'_>) {
        for entry in list.entries() {
            self.push(SignatureEntry {
                signature_type: list.signature_type,
                owner: entry.owner,
                data: entry.data.to_vec(),
            });
        }
    }

    /// Appends the entries of `list` that the database does not already hold (same type, owner
    /// and data), as firmware merges an `EFI_VARIABLE_APPEND_WRITE` into a signature database.
    /// Returns the number of entries added.
    pub fn append_list(&mut self, list: &SignatureList<'_>) -> usize {
        let mut added: usize = 0;
        for entry in list.entries() {
            let entry =
                SignatureEntry { signature_type: list.signature_type, owner: entry.owner, data: entry.data.to_vec() };
            if !self.contains_entry(&entry) {
                self.push(entry);
                added = added.saturating_add(1);
            }
        }
        added
    }

    /// Appends an `EFI_CERT_X509` entry. Fails unless `der` is one DER certificate whose list
    /// would fit the `u32` size fields.
    pub fn add_certificate(&mut self, der: &[u8], owner: Guid) -> Result<(), Error> {
        check_certificate_der(der, 0)?;
        let fits = der
            .len()
            .checked_add(SIGNATURE_OWNER_SIZE)
            .and_then(|size| size.checked_add(SIGNATURE_LIST_HEADER_SIZE))
            .and_then(|size| u32::try_from(size).ok())
            .is_some();
        if !fits {
            return Err(Error::new(
                crate::error::ErrorKind::Overflow { field: "SignatureListSize" },
                "EFI_SIGNATURE_LIST",
                0,
            ));
        }
        self.push(SignatureEntry { signature_type: EFI_CERT_X509, owner, data: der.to_vec() });
        Ok(())
    }

    fn push(&mut self, entry: SignatureEntry) {
        let position = self.entries.len();
        self.index.entry(entry.signature_type).or_default().entry(entry.data.clone()).or_default().push(position);
        self.entries.push(entry);
    }

    /// Returns the entry among `positions` that comes first in database order.
    fn first_of(&self, positions: &[usize]) -> Option<&SignatureEntry> {
        positions.iter().min().and_then(|position| self.entries.get(*position))
    }

    /// Finds an image digest entry (`EFI_CERT_SHA1/256/384/512`, chosen by the digest's
    /// algorithm) equal to `digest`. `EFI_CERT_SHA224` entries are never matched, as in EDK2,
    /// which has no SHA-224 image hashing.
    pub fn find_image_digest(&self, digest: &Digest) -> Option<&SignatureEntry> {
        let positions = self.index.get(&image_digest_type(digest.algorithm()))?.get(digest.as_bytes())?;
        self.first_of(positions)
    }

    /// Finds an `EFI_CERT_X509` entry whose DER bytes equal `der`.
    pub fn find_certificate(&self, der: &[u8]) -> Option<&SignatureEntry> {
        let positions = self.index.get(&EFI_CERT_X509)?.get(der)?;
        self.first_of(positions)
    }

    /// Iterates over the `EFI_CERT_X509` entries in database order.
    pub fn certificates(&self) -> impl Iterator<Item = &SignatureEntry> {
        self.entries.iter().filter(|entry| entry.signature_type == EFI_CERT_X509)
    }

    /// Finds an `EFI_CERT_X509_SHA256/384/512` entry whose hash equals `digest` (the hash of a
    /// certificate's `TBSCertificate`) and returns it with its revocation time. When several
    /// entries carry the hash, the first in database order wins, as firmware walks `dbx` in
    /// order. A SHA-1 digest never matches.
    pub fn find_tbs_hash(&self, digest: &Digest) -> Option<(&SignatureEntry, EfiTime)> {
        let map = self.index.get(&tbs_hash_type(digest.algorithm())?)?;
        let hash = digest.as_bytes();
        // Keys are hash ‖ EFI_TIME, so all keys for this hash are adjacent from `hash` upward.
        let first = map
            .range::<[u8], _>((Bound::Included(hash), Bound::Unbounded))
            .take_while(|(key, _)| key.starts_with(hash))
            .flat_map(|(_, positions)| positions.iter().copied())
            .min()?;
        let entry = self.entries.get(first)?;
        let time = EfiTime::parse(&entry.data, hash.len()).ok()?;
        Some((entry, time))
    }

    /// Iterates over the hash algorithms that have at least one image-digest entry.
    pub fn hash_algorithms(&self) -> impl Iterator<Item = HashAlgorithm> + '_ {
        HashAlgorithm::ALL
            .into_iter()
            .filter(|algorithm| self.index.get(&image_digest_type(*algorithm)).is_some_and(|map| !map.is_empty()))
    }

    /// Returns whether the database contains an entry with the same type, owner and data.
    pub fn contains_entry(&self, entry: &SignatureEntry) -> bool {
        let Some(positions) = self.index.get(&entry.signature_type).and_then(|map| map.get(entry.data.as_slice()))
        else {
            return false;
        };
        positions.iter().filter_map(|position| self.entries.get(*position)).any(|found| found.owner == entry.owner)
    }

    /// Returns the number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Returns whether the database has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Iterates over the entries in database order.
    pub fn entries(&self) -> impl Iterator<Item = &SignatureEntry> {
        self.entries.iter()
    }

    /// Encodes the database as signature lists: one list per run of consecutive entries with
    /// the same type and data size, in database order. A run whose list would exceed the `u32`
    /// `SignatureListSize` is split.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut rest = self.entries.as_slice();
        while let Some((first, _)) = rest.split_first() {
            let entry_size = first.data.len().saturating_add(SIGNATURE_OWNER_SIZE);
            let max_list_size = usize::try_from(u32::MAX).unwrap_or(usize::MAX);
            let max_entries =
                max_list_size.saturating_sub(SIGNATURE_LIST_HEADER_SIZE).checked_div(entry_size).unwrap_or(1).max(1);
            let run = rest
                .iter()
                .take(max_entries)
                .take_while(|entry| {
                    entry.signature_type == first.signature_type && entry.data.len() == first.data.len()
                })
                .count()
                .max(1);
            let (run_entries, tail) = rest.split_at_checked(run).unwrap_or((rest, &[]));
            write_list(&mut out, first.signature_type, entry_size, run_entries);
            rest = tail;
        }
        out
    }
}

/// Writes one list; the sizes fit `u32` because [`SignatureDatabase::to_bytes`] bounds the run
/// and every entry came from a parsed list or a checked certificate.
fn write_list(out: &mut Vec<u8>, signature_type: Guid, entry_size: usize, entries: &[SignatureEntry]) {
    let list_size = entry_size.saturating_mul(entries.len()).saturating_add(SIGNATURE_LIST_HEADER_SIZE);
    out.extend_from_slice(signature_type.as_bytes());
    out.extend_from_slice(&u32::try_from(list_size).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&u32::try_from(entry_size).unwrap_or(u32::MAX).to_le_bytes());
    for entry in entries {
        out.extend_from_slice(entry.owner.as_bytes());
        out.extend_from_slice(&entry.data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uefi::siglist::build_signature_list;
    use alloc::vec;

    const OWNER: Guid = Guid::from_fields(0x77fa9abd, 0x0359, 0x4d32, [0xbd, 0x60, 0x28, 0xf4, 0xe7, 0x8f, 0x78, 0x4b]);
    const OTHER_OWNER: Guid = Guid::from_fields(1, 2, 3, [4; 8]);

    fn sha256_of(index: u32) -> Digest {
        HashAlgorithm::Sha256.hash(&index.to_le_bytes())
    }

    fn database_of(count: u32) -> SignatureDatabase {
        let hashes: Vec<Digest> = (0..count).map(sha256_of).collect();
        let entries: Vec<(Guid, &[u8])> = hashes.iter().map(|digest| (OWNER, digest.as_bytes())).collect();
        SignatureDatabase::from_bytes(&build_signature_list(EFI_CERT_SHA256, &entries).unwrap()).unwrap()
    }

    #[test]
    fn ten_thousand_entries_are_found() {
        let database = database_of(10_000);
        assert_eq!(database.len(), 10_000);
        for index in 0..10_000 {
            let found = database.find_image_digest(&sha256_of(index)).unwrap();
            assert_eq!(found.data, sha256_of(index).as_bytes());
        }
        assert!(database.find_image_digest(&sha256_of(10_000)).is_none());
        // The same bytes under another algorithm are a different entry type.
        let sha1 = HashAlgorithm::Sha1.hash(b"x");
        assert!(database.find_image_digest(&sha1).is_none());
        assert_eq!(database.hash_algorithms().collect::<Vec<_>>(), vec![HashAlgorithm::Sha256]);
    }

    #[test]
    fn tbs_hash_returns_first_revocation_time() {
        let hash = HashAlgorithm::Sha256.hash(b"tbs");
        let later = EfiTime { year: 2024, month: 1, day: 1, ..EfiTime::default() };
        let earlier = EfiTime { year: 2020, month: 1, day: 1, ..EfiTime::default() };
        let data = |time: EfiTime| [hash.as_bytes(), &time.to_bytes()].concat();
        let (first, second) = (data(later), data(earlier));
        let list = build_signature_list(EFI_CERT_X509_SHA256, &[(OWNER, &first), (OWNER, &second)]).unwrap();
        let database = SignatureDatabase::from_bytes(&list).unwrap();

        let (entry, time) = database.find_tbs_hash(&hash).unwrap();
        assert_eq!(time, later);
        assert_eq!(entry.data, first);
        assert!(database.find_tbs_hash(&HashAlgorithm::Sha256.hash(b"other")).is_none());
        assert!(database.find_tbs_hash(&HashAlgorithm::Sha384.hash(b"tbs")).is_none());
        assert_eq!(database.hash_algorithms().count(), 0);
    }

    #[test]
    fn certificates_are_found_by_der() {
        let mut database = SignatureDatabase::new();
        database.add_certificate(&[0x30, 0x00], OWNER).unwrap();
        database.add_certificate(&[0x30, 0x01, 0x00], OTHER_OWNER).unwrap();
        assert!(database.add_certificate(&[0x30, 0x00, 0x00], OWNER).is_err());
        assert_eq!(database.find_certificate(&[0x30, 0x01, 0x00]).unwrap().owner, OTHER_OWNER);
        assert!(database.find_certificate(&[0x30, 0x02, 0x00, 0x00]).is_none());
        assert_eq!(database.certificates().count(), 2);
    }

    #[test]
    fn to_bytes_keeps_runs_and_order() {
        let mut database = database_of(2);
        database.add_certificate(&[0x30, 0x00], OWNER).unwrap();
        database.add_certificate(&[0x30, 0x01, 0x00], OWNER).unwrap();
        database.add_certificate(&[0x30, 0x01, 0x01], OWNER).unwrap();
        let digest = sha256_of(7);
        let list = build_signature_list(EFI_CERT_SHA256, &[(OTHER_OWNER, digest.as_bytes())]).unwrap();
        database.add_list(&parse_signature_lists(&list, 0).unwrap()[0]);

        let bytes = database.to_bytes();
        let lists = parse_signature_lists(&bytes, 0).unwrap();
        let shape: Vec<(Guid, usize)> = lists.iter().map(|list| (list.signature_type, list.len())).collect();
        assert_eq!(shape, vec![(EFI_CERT_SHA256, 2), (EFI_CERT_X509, 1), (EFI_CERT_X509, 2), (EFI_CERT_SHA256, 1)]);
        let reparsed = SignatureDatabase::from_bytes(&bytes).unwrap();
        assert!(reparsed.entries().eq(database.entries()));
    }

    #[test]
    fn append_skips_duplicates() {
        let mut database = database_of(3);
        let digest = sha256_of(1);
        let list =
            build_signature_list(EFI_CERT_SHA256, &[(OWNER, digest.as_bytes()), (OTHER_OWNER, digest.as_bytes())])
                .unwrap();
        let added = database.append_list(&parse_signature_lists(&list, 0).unwrap()[0]);
        assert_eq!(added, 1);
        assert_eq!(database.len(), 4);
        let entry =
            SignatureEntry { signature_type: EFI_CERT_SHA256, owner: OTHER_OWNER, data: digest.as_bytes().to_vec() };
        assert!(database.contains_entry(&entry));
        assert!(!database.contains_entry(&SignatureEntry { signature_type: EFI_CERT_SHA1, ..entry }));
        // The first entry in database order wins for lookups.
        assert_eq!(database.find_image_digest(&digest).unwrap().owner, OWNER);
    }

    #[test]
    fn empty_database() {
        let database = SignatureDatabase::from_bytes(&[]).unwrap();
        assert!(database.is_empty());
        assert!(database.to_bytes().is_empty());
        assert!(database.find_image_digest(&sha256_of(0)).is_none());
    }
}
