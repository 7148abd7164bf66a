//! PCR values a verifier holds for a quote: bank → PCR index → value, and the composite digest
//! `TPM2_Quote` signs over them (TPM 2.0 Part 3, section 18.4: `pcrDigest` is the signing
//! scheme's hash of the selected values concatenated in selection order).
//!
//! Entry points: [`PcrValues::insert`] (or `collect()` from `(index, Digest)` pairs, as an
//! event-log replay produces them) and [`PcrValues::from_concatenated`] for the values file that
//! `tpm2_quote -o FILE -F values` writes.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::digest::{Digest, HashAlgorithm, Hasher};
use crate::error::{Error, ErrorKind};
use crate::reader::Reader;
use crate::tpm::selection::PcrSelectionList;

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
