//! `TPML_PCR_SELECTION` and `TPMS_PCR_SELECTION` (TPM 2.0 Part 2, Structures):
//! which PCRs of which banks a quote covers.
//!
//! Entry point: [`PcrSelectionList::parse`].
//!
//! Wire format (big-endian): `u32 count`, then `count` times `{u16 hash, u8 sizeofSelect,
//! u8 pcrSelect[sizeofSelect]}`. Bit `i` of byte `j` of `pcrSelect` selects PCR `8j + i`.
//!
//! Budgets: at most [`MAX_PCR_BANKS`] selections and `sizeofSelect` of at most
//! [`MAX_SIZE_OF_SELECT`] bytes (PCRs 0 to 31). A bank whose hash is not SHA-1, SHA-256, SHA-384
//! or SHA-512 is `Unsupported`, because no PCR value of it could be checked.

use alloc::vec::Vec;

use crate::digest::HashAlgorithm;
use crate::error::{Error, ErrorKind};
use crate::reader::{Reader, usize_from};

const STRUCTURE: &str = "TPML_PCR_SELECTION";

/// Maximum number of `TPMS_PCR_SELECTION` entries in one list. The TPM limits `count` to
/// `HASH_COUNT`, the number of hash algorithms it implements; 16 is far above any real TPM.
pub const MAX_PCR_BANKS: usize = 16;

/// Maximum `sizeofSelect`: `PCR_SELECT_MAX` for a TPM with 32 PCRs. PC Client TPMs have 24 PCRs
/// and use 3.
pub const MAX_SIZE_OF_SELECT: u8 = 4;

/// `sizeofSelect` written by [`PcrSelectionList::to_bytes`] when the selected PCRs fit: 3 bytes,
/// `PCR_SELECT_MIN` of the PC Client platform (24 PCRs).
const DEFAULT_SIZE_OF_SELECT: u8 = 3;

/// Highest PCR index a selection can name.
pub const MAX_PCR_INDEX: u32 = 31;

/// `TPMS_PCR_SELECTION`: a set of PCRs in one bank.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PcrSelection {
    /// The bank (`hash` field).
    pub bank: HashAlgorithm,
    /// `sizeofSelect` as encoded. It does not change which PCRs are selected.
    pub size_of_select: u8,
    /// Bit `i` set selects PCR `i`.
    mask: u32,
}

impl PcrSelection {
    /// Builds a selection of `pcrs` in `bank`; `None` when an index exceeds [`MAX_PCR_INDEX`].
    pub fn new(bank: HashAlgorithm, pcrs: impl IntoIterator<Item = u32>) -> Option<Self> {
        let mut mask = 0u32;
        for index in pcrs {
            mask |= bit(index)?;
        }
        let size_of_select = if mask & 0xFF00_0000 == 0 { DEFAULT_SIZE_OF_SELECT } else { MAX_SIZE_OF_SELECT };
        Some(Self { bank, size_of_select, mask })
    }

    /// Whether PCR `index` is selected.
    pub fn contains(&self, index: u32) -> bool {
        bit(index).is_some_and(|bit| self.mask & bit != 0)
    }

    /// The selected PCR indices, ascending.
    pub fn pcrs(&self) -> impl Iterator<Item = u32> + '_ {
        (0..=MAX_PCR_INDEX).filter(|index| self.contains(*index))
    }

    /// Whether no PCR is selected.
    pub const fn is_empty(&self) -> bool {
        self.mask == 0
    }

    /// Reads one `TPMS_PCR_SELECTION`.
    fn read(reader: &mut Reader<'_>) -> Result<Self, Error> {
        let hash_offset = reader.offset();
        let hash = reader.u16_be()?;
        let bank = HashAlgorithm::from_tpm_alg_id(hash).ok_or(Error::new(
            ErrorKind::Unsupported { field: "hash" },
            STRUCTURE,
            hash_offset,
        ))?;

        let size_offset = reader.offset();
        let size_of_select = reader.u8()?;
        if size_of_select > MAX_SIZE_OF_SELECT {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "pcrSelect bytes", max: usize::from(MAX_SIZE_OF_SELECT) },
                STRUCTURE,
                size_offset,
            ));
        }

        let select = reader.bytes(usize::from(size_of_select))?;
        let mut padded = [0u8; 4];
        for (target, source) in padded.iter_mut().zip(select) {
            *target = *source;
        }
        Ok(Self { bank, size_of_select, mask: u32::from_le_bytes(padded) })
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.bank.tpm_alg_id().to_be_bytes());
        let size = if self.mask & 0xFF00_0000 == 0 { self.size_of_select.max(DEFAULT_SIZE_OF_SELECT) } else { 4 };
        out.push(size);
        out.extend(self.mask.to_le_bytes().iter().take(usize::from(size)));
    }
}

fn bit(index: u32) -> Option<u32> {
    if index > MAX_PCR_INDEX { None } else { 1u32.checked_shl(index) }
}

/// `TPML_PCR_SELECTION`: the banks and PCRs of a quote, in the order the TPM hashes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PcrSelectionList {
    selections: Vec<PcrSelection>,
}

impl PcrSelectionList {
    /// An empty list.
    pub const fn new() -> Self {
        Self { selections: Vec::new() }
    }

    /// Appends a bank's selection; `Err` when the list already has [`MAX_PCR_BANKS`] entries.
    pub fn push(&mut self, selection: PcrSelection) -> Result<(), Error> {
        if self.selections.len() >= MAX_PCR_BANKS {
            return Err(Error::new(ErrorKind::LimitExceeded { what: "PCR banks", max: MAX_PCR_BANKS }, STRUCTURE, 0));
        }
        self.selections.push(selection);
        Ok(())
    }

    /// The entries, in wire order.
    pub fn selections(&self) -> &[PcrSelection] {
        &self.selections
    }

    /// Every selected `(bank, PCR index)`, in the order TPM2_Quote hashes the PCR values: entries
    /// in list order, PCRs ascending within each entry.
    pub fn pcrs(&self) -> impl Iterator<Item = (HashAlgorithm, u32)> + '_ {
        self.selections.iter().flat_map(|selection| selection.pcrs().map(move |index| (selection.bank, index)))
    }

    /// Whether both lists select the same PCRs of the same banks in the same order. The encoded
    /// `sizeofSelect` and entries that select no PCR are ignored, because neither changes which
    /// values TPM2_Quote hashes.
    pub fn selects_same_pcrs(&self, other: &Self) -> bool {
        let ours = self.selections.iter().filter(|selection| !selection.is_empty());
        let theirs = other.selections.iter().filter(|selection| !selection.is_empty());
        ours.map(|selection| (selection.bank, selection.mask))
            .eq(theirs.map(|selection| (selection.bank, selection.mask)))
    }

    /// Parses a `TPML_PCR_SELECTION` that fills `bytes` exactly.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let mut reader = Reader::new(bytes, 0, STRUCTURE);
        let list = Self::read(&mut reader)?;
        reader.finish()?;
        Ok(list)
    }

    /// Reads a `TPML_PCR_SELECTION` at the reader's position.
    pub fn read(reader: &mut Reader<'_>) -> Result<Self, Error> {
        let count_offset = reader.offset();
        let count = reader.u32_be()?;
        let count = usize_from(count, STRUCTURE, "count", count_offset)?;
        if count > MAX_PCR_BANKS {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "PCR banks", max: MAX_PCR_BANKS },
                STRUCTURE,
                count_offset,
            ));
        }

        let mut selections = Vec::with_capacity(count);
        for _ in 0..count {
            selections.push(PcrSelection::read(reader)?);
        }
        Ok(Self { selections })
    }

    /// Marshals the list. `sizeofSelect` is kept as parsed when it is 3 or more and covers the
    /// selected PCRs; otherwise the smallest size of at least 3 bytes is written.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let count = u32::try_from(self.selections.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&count.to_be_bytes());
        for selection in &self.selections {
            selection.write(&mut out);
        }
        out
    }
}

impl FromIterator<PcrSelection> for PcrSelectionList {
    /// Collects selections; entries past [`MAX_PCR_BANKS`] are dropped.
    fn from_iter<I: IntoIterator<Item = PcrSelection>>(iter: I) -> Self {
        Self { selections: iter.into_iter().take(MAX_PCR_BANKS).collect() }
    }
}

impl core::fmt::Display for PcrSelectionList {
    /// The tpm2-tools form: banks joined by `+`, each `bank:pcr,pcr,…` (`sha256:0,7+sha1:0`).
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (position, entry) in self.selections().iter().enumerate() {
            if position > 0 {
                f.write_str("+")?;
            }
            write!(f, "{}:", entry.bank)?;
            for (count, index) in entry.pcrs().enumerate() {
                if count > 0 {
                    f.write_str(",")?;
                }
                write!(f, "{index}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_swtpm_quote_selection() {
        // From a tpm2_quote -l sha256:0,1,2+sha1:3 result on swtpm 0.7.1.
        let bytes = [0, 0, 0, 2, 0x00, 0x0b, 3, 0x07, 0, 0, 0x00, 0x04, 3, 0x08, 0, 0];
        let list = PcrSelectionList::parse(&bytes).unwrap();
        let pcrs: Vec<_> = list.pcrs().collect();
        assert_eq!(
            pcrs,
            [
                (HashAlgorithm::Sha256, 0),
                (HashAlgorithm::Sha256, 1),
                (HashAlgorithm::Sha256, 2),
                (HashAlgorithm::Sha1, 3)
            ]
        );
        assert_eq!(list.to_bytes(), bytes);
    }

    #[test]
    fn size_of_select_over_budget() {
        let bytes = [0, 0, 0, 1, 0x00, 0x0b, 5, 0, 0, 0, 0, 0];
        let error = PcrSelectionList::parse(&bytes).unwrap_err();
        assert_eq!(error.kind, ErrorKind::LimitExceeded { what: "pcrSelect bytes", max: 4 });
        assert_eq!(error.offset, 6);
    }

    #[test]
    fn count_over_budget() {
        let error = PcrSelectionList::parse(&[0xff, 0xff, 0xff, 0xff]).unwrap_err();
        assert_eq!(error.kind, ErrorKind::LimitExceeded { what: "PCR banks", max: MAX_PCR_BANKS });
    }

    #[test]
    fn same_pcrs_ignores_size_and_empty_banks() {
        let three = PcrSelectionList::parse(&[0, 0, 0, 1, 0x00, 0x0b, 3, 0x01, 0, 0]).unwrap();
        let four =
            PcrSelectionList::parse(&[0, 0, 0, 2, 0x00, 0x0b, 4, 0x01, 0, 0, 0, 0x00, 0x04, 3, 0, 0, 0]).unwrap();
        assert!(three.selects_same_pcrs(&four));
        let other = PcrSelectionList::parse(&[0, 0, 0, 1, 0x00, 0x0b, 3, 0x02, 0, 0]).unwrap();
        assert!(!three.selects_same_pcrs(&other));
    }

    #[test]
    fn new_rejects_index_32() {
        assert!(PcrSelection::new(HashAlgorithm::Sha256, [32]).is_none());
        let selection = PcrSelection::new(HashAlgorithm::Sha256, [31, 0]).unwrap();
        assert_eq!(selection.pcrs().collect::<Vec<_>>(), [0, 31]);
        assert_eq!(selection.size_of_select, 4);
    }

    #[test]
    fn display_uses_tpm2_tools_form() {
        use alloc::string::ToString;
        let list: PcrSelectionList = [
            PcrSelection::new(HashAlgorithm::Sha256, [0, 7]).unwrap(),
            PcrSelection::new(HashAlgorithm::Sha1, [0]).unwrap(),
        ]
        .into_iter()
        .collect();
        assert_eq!(list.to_string(), "sha256:0,7+sha1:0");
    }

    #[test]
    fn encoding_follows_part_2_layout() {
        // TPM 2.0 Part 2, TPML_PCR_SELECTION: count, hash 0x000B, sizeofSelect 3, bitmap with
        // PCR 0 in the lowest bit of the first byte.
        let list: PcrSelectionList =
            [PcrSelection::new(HashAlgorithm::Sha256, [0, 7, 23]).unwrap()].into_iter().collect();
        let bytes = list.to_bytes();
        assert_eq!(bytes, [0, 0, 0, 1, 0x00, 0x0B, 3, 0x81, 0x00, 0x80]);
        assert_eq!(PcrSelectionList::parse(&bytes).unwrap(), list);
    }
}
