//! PCR values a verifier holds for a quote: bank → PCR index → value, and the composite digest
//! `TPM2_Quote` signs over them (TPM 2.0 Part 3, `TPM2_Quote`: `pcrDigest` is the signing
//! scheme's hash of the selected values concatenated in selection order).
//!
//! Entry points: [`PcrValues::insert`] (or `collect()` from `(index, Digest)` pairs, as an
//! event-log replay produces them), [`PcrValues::from_concatenated`] for the file that
//! `tpm2_quote -o FILE -F values` writes, and [`PcrValues::from_tpm2_tools_serialized`] for the
//! default `tpm2_quote -o FILE` output.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::digest::{Digest, HashAlgorithm, Hasher};
use crate::error::{Error, ErrorKind};
use crate::reader::Reader;
use crate::tpm::selection::{MAX_SIZE_OF_SELECT, PcrSelection, PcrSelectionList};

/// `HASH_COUNT` in the tpm2-tss headers: the fixed number of `TPMS_PCR_SELECTION` slots in the
/// C struct `TPML_PCR_SELECTION` that tpm2-tools writes.
const TSS_HASH_COUNT: usize = 16;
/// Digest slots in the tpm2-tss C struct `TPML_DIGEST`.
const TSS_DIGEST_SLOTS: usize = 8;
/// Buffer of the tpm2-tss C struct `TPM2B_DIGEST`: `sizeof(TPMU_HA)`.
const TSS_DIGEST_BUFFER: usize = 64;

/// PCR values by bank and index. The bank of a value is its digest's algorithm.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PcrValues {
    banks: BTreeMap<HashAlgorithm, BTreeMap<u32, Digest>>,
}

impl PcrValues {
    /// An empty set.
    pub const fn new() -> Self {
        Self { banks: BTreeMap::new() }
    }

    /// Sets PCR `index` of the bank `value.algorithm()`, returning the value it replaces.
    pub fn insert(&mut self, index: u32, value: Digest) -> Option<Digest> {
        self.banks.entry(value.algorithm()).or_default().insert(index, value)
    }

    /// The value of PCR `index` in `bank`.
    pub fn get(&self, bank: HashAlgorithm, index: u32) -> Option<&Digest> {
        self.banks.get(&bank).and_then(|values| values.get(&index))
    }

    /// Every value as `(bank, index, value)`, banks by [`HashAlgorithm`] order, indices ascending.
    pub fn iter(&self) -> impl Iterator<Item = (HashAlgorithm, u32, &Digest)> {
        self.banks.iter().flat_map(|(bank, values)| values.iter().map(move |(index, value)| (*bank, *index, value)))
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.banks.values().map(BTreeMap::len).sum()
    }

    /// Whether there is no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every PCR value of every bank in `banks`, for example the result of an event-log replay.
    pub fn from_banks(banks: &crate::tpm::pcr::PcrBanks) -> Self {
        let mut values = Self::new();
        for bank in banks.banks() {
            for (index, digest) in (0u32..).zip(bank.values()) {
                values.insert(index, *digest);
            }
        }
        values
    }

    /// Reads values concatenated in the order of `selection` (banks in list order, PCRs
    /// ascending), each as long as its bank's digest, filling `bytes` exactly. This is the
    /// `tpm2_quote -o FILE -F values` format of tpm2-tools 5.4.
    pub fn from_concatenated(selection: &PcrSelectionList, bytes: &[u8]) -> Result<Self, Error> {
        let mut reader = Reader::new(bytes, 0, "PCR values");
        let mut values = Self::new();
        for (bank, index) in selection.pcrs() {
            let value = reader.bytes(bank.output_size())?;
            let digest = Digest::new(bank, value).ok_or(reader.error(ErrorKind::InvalidField { field: "value" }))?;
            values.insert(index, digest);
        }
        reader.finish()?;
        Ok(values)
    }

    /// Reads the default `tpm2_quote -o FILE` output of tpm2-tools 5.4 (`pcr_fwrite_serialized`):
    /// the tpm2-tss C structs written as they sit in memory, so in the writer's byte order
    /// (little-endian on x86 and arm64, the only order read here) and with their padding:
    ///
    /// - `TPML_PCR_SELECTION`: `u32 count`, then 16 slots of 8 bytes, each `u16 hash,
    ///   u8 sizeofSelect, u8 pcrSelect[4]` and one padding byte (132 bytes);
    /// - `u32` number of `TPML_DIGEST` structs, each `u32 count` and 8 slots of `u16 size,
    ///   u8 buffer[64]` (532 bytes).
    ///
    /// The digests follow the selection order, eight per `TPML_DIGEST` (one `TPM2_PCR_Read`
    /// each). Slots past a count are ignored; nothing may follow the last `TPML_DIGEST`.
    pub fn from_tpm2_tools_serialized(bytes: &[u8]) -> Result<(PcrSelectionList, Self), Error> {
        let structure = "tpm2-tools PCR file";
        let mut reader = Reader::new(bytes, 0, structure);

        let count_offset = reader.offset();
        let count = usize::try_from(reader.u32_le()?).unwrap_or(usize::MAX);
        if count > TSS_HASH_COUNT {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "PCR banks", max: TSS_HASH_COUNT },
                structure,
                count_offset,
            ));
        }
        let mut selection = PcrSelectionList::new();
        for slot in 0..TSS_HASH_COUNT {
            let hash_offset = reader.offset();
            let hash = reader.u16_le()?;
            let size_of_select = reader.u8()?;
            let select: [u8; 4] = reader.array()?;
            reader.skip(1)?;
            if slot >= count {
                continue;
            }
            let bank = HashAlgorithm::from_tpm_alg_id(hash).ok_or(Error::new(
                ErrorKind::Unsupported { field: "hash" },
                structure,
                hash_offset,
            ))?;
            if size_of_select > MAX_SIZE_OF_SELECT {
                return Err(Error::invalid(structure, "sizeofSelect", hash_offset.saturating_add(2)));
            }
            let mask = u32::from_le_bytes(select);
            let pcrs = (0..32u32).filter(|index| 1u32.checked_shl(*index).is_some_and(|bit| mask & bit != 0));
            let entry = PcrSelection::new(bank, pcrs).ok_or(Error::invalid(structure, "pcrSelect", hash_offset))?;
            selection.push(entry)?;
        }

        let lists_offset = reader.offset();
        let lists = usize::try_from(reader.u32_le()?).unwrap_or(usize::MAX);
        let wanted = selection.pcrs().count();
        if lists > wanted.div_ceil(TSS_DIGEST_SLOTS).max(1) {
            return Err(Error::invalid(structure, "TPML_DIGEST count", lists_offset));
        }
        let mut digests = Vec::with_capacity(wanted);
        for _ in 0..lists {
            let count_offset = reader.offset();
            let count = usize::try_from(reader.u32_le()?).unwrap_or(usize::MAX);
            if count > TSS_DIGEST_SLOTS {
                return Err(Error::invalid(structure, "TPML_DIGEST.count", count_offset));
            }
            for slot in 0..TSS_DIGEST_SLOTS {
                let size_offset = reader.offset();
                let size = usize::from(reader.u16_le()?);
                let buffer = reader.bytes(TSS_DIGEST_BUFFER)?;
                if slot < count {
                    let value =
                        buffer.get(..size).ok_or(Error::invalid(structure, "TPM2B_DIGEST.size", size_offset))?;
                    digests.push((size_offset, value));
                }
            }
        }
        reader.finish()?;

        if digests.len() != wanted {
            return Err(Error::invalid(structure, "number of PCR values", lists_offset));
        }
        let mut values = Self::new();
        for ((bank, index), (offset, value)) in selection.pcrs().zip(digests) {
            let digest = Digest::new(bank, value).ok_or(Error::invalid(structure, "TPM2B_DIGEST.size", offset))?;
            values.insert(index, digest);
        }
        Ok((selection, values))
    }

    /// The values of the PCRs that `selection` names; PCRs without a value are left out.
    pub fn selected(&self, selection: &PcrSelectionList) -> Self {
        selection.pcrs().filter_map(|(bank, index)| Some((index, *self.get(bank, index)?))).collect()
    }

    /// The PCRs that `selection` names and that have no value, in selection order.
    pub fn missing(&self, selection: &PcrSelectionList) -> Vec<(HashAlgorithm, u32)> {
        selection.pcrs().filter(|(bank, index)| self.get(*bank, *index).is_none()).collect()
    }

    /// The `TPM2_Quote` composite: `hash` over the values `selection` names, concatenated in
    /// selection order. `None` when a selected PCR has no value.
    pub fn composite_digest(&self, selection: &PcrSelectionList, hash: HashAlgorithm) -> Option<Digest> {
        let mut hasher = Hasher::new(hash);
        for (bank, index) in selection.pcrs() {
            hasher.update(self.get(bank, index)?.as_bytes());
        }
        Some(hasher.finalize())
    }
}

impl FromIterator<(u32, Digest)> for PcrValues {
    fn from_iter<I: IntoIterator<Item = (u32, Digest)>>(iter: I) -> Self {
        let mut values = Self::new();
        values.extend(iter);
        values
    }
}

impl Extend<(u32, Digest)> for PcrValues {
    fn extend<I: IntoIterator<Item = (u32, Digest)>>(&mut self, iter: I) {
        for (index, value) in iter {
            self.insert(index, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tpm::selection::PcrSelection;

    #[test]
    fn composite_follows_selection_order() {
        let sha1 = Digest::new(HashAlgorithm::Sha1, &[0x11; 20]).unwrap();
        let sha256 = Digest::new(HashAlgorithm::Sha256, &[0x22; 32]).unwrap();
        let values: PcrValues = [(3, sha1), (0, sha256)].into_iter().collect();
        let selection: PcrSelectionList = [
            PcrSelection::new(HashAlgorithm::Sha256, [0]).unwrap(),
            PcrSelection::new(HashAlgorithm::Sha1, [3]).unwrap(),
        ]
        .into_iter()
        .collect();

        let mut concatenated = alloc::vec![0x22; 32];
        concatenated.extend_from_slice(&[0x11; 20]);
        let expected = HashAlgorithm::Sha256.hash(&concatenated);
        assert_eq!(values.composite_digest(&selection, HashAlgorithm::Sha256), Some(expected));
        assert_eq!(PcrValues::from_concatenated(&selection, &concatenated).unwrap(), values);
    }

    #[test]
    fn composite_needs_every_value() {
        let selection: PcrSelectionList =
            [PcrSelection::new(HashAlgorithm::Sha256, [0, 1]).unwrap()].into_iter().collect();
        let values: PcrValues = [(0, HashAlgorithm::Sha256.hash(b""))].into_iter().collect();
        assert_eq!(values.composite_digest(&selection, HashAlgorithm::Sha256), None);
        assert_eq!(values.selected(&selection), values);
        assert_eq!(values.missing(&selection), [(HashAlgorithm::Sha256, 1)]);
    }
}
