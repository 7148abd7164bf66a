//! Platform configuration registers (TPM 2.0 Part 1, section 17; TCG PC Client Platform TPM
//! Profile, section 4.6): banks of 24 PCRs per hash algorithm, their reset values, extend, and
//! `TPML_PCR_SELECTION` with the composite digest that `TPM2_Quote` signs.
//!
//! Entry points: [`PcrBanks::new`], [`PcrBanks::extend`]; quotes select and hash PCR values with
//! [`crate::tpm::selection::PcrSelectionList`] and [`crate::tpm::pcr_values::PcrValues`].

use core::fmt;

use crate::digest::{Digest, HashAlgorithm, Hasher};

/// Number of PCRs in a PC Client bank.
pub const PCR_COUNT: usize = 24;

/// Maximum number of `TPMS_PCR_SELECTION` entries accepted in a `TPML_PCR_SELECTION`
/// (`HASH_COUNT` of a TPM that implements the four algorithms of [`HashAlgorithm`]).
pub const MAX_SELECTION_ENTRIES: usize = 4;

/// Locality of the H-CRTM sequence: when an H-CRTM measures the S-CRTM, PCR 0 starts at
/// `0…0‖04` (TCG PC Client PFP, "Startup Locality Event", and TPM 2.0 Part 1 `TPM2_HashStart`
/// at locality 4).
pub const HCRTM_LOCALITY: u8 = 4;

/// A caller error on a PCR operation (wrong index or algorithm), not an input that could not be
/// understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PcrError {
    /// The PCR index is 24 or more.
    IndexOutOfRange(u32),
    /// The digest's algorithm differs from the bank's.
    AlgorithmMismatch {
        /// Algorithm of the bank.
        bank: HashAlgorithm,
        /// Algorithm of the digest.
        digest: HashAlgorithm,
    },
    /// No bank of this algorithm is allocated.
    BankMissing(HashAlgorithm),
    /// The startup locality is not 0, 3 or 4 (TCG PC Client PFP allows only these).
    InvalidLocality(u8),
}

impl fmt::Display for PcrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IndexOutOfRange(index) => write!(f, "PCR index {index} is out of range (0 to 23)"),
            Self::AlgorithmMismatch { bank, digest } => write!(f, "a {digest} digest cannot extend the {bank} bank"),
            Self::BankMissing(algorithm) => write!(f, "no {algorithm} PCR bank is allocated"),
            Self::InvalidLocality(locality) => write!(f, "startup locality {locality} is not 0, 3 or 4"),
        }
    }
}

impl core::error::Error for PcrError {}

/// Returns the PCR index as `usize` if it is below 24.
pub fn pcr_index(index: u32) -> Result<usize, PcrError> {
    usize::try_from(index).ok().filter(|index| *index < PCR_COUNT).ok_or(PcrError::IndexOutOfRange(index))
}

/// The value of a PCR after `TPM2_Startup(CLEAR)`: PCRs 17 to 22 (the dynamic-root PCRs) are all
/// ones, every other PCR is zero (TCG PC Client Platform TPM Profile, table "PCR Initial and
/// Reset Values").
pub fn reset_value(algorithm: HashAlgorithm, index: usize) -> Digest {
    let byte = if (17..=22).contains(&index) { 0xFF } else { 0x00 };
    let bytes = [byte; 64];
    digest_from_prefix(algorithm, &bytes)
}

/// The PCR 0 value after startup from `locality`: zeros with the locality as the last byte.
pub fn locality_value(algorithm: HashAlgorithm, locality: u8) -> Digest {
    let mut bytes = [0u8; 64];
    if let Some(last) = bytes.get_mut(algorithm.output_size().saturating_sub(1)) {
        *last = locality;
    }
    digest_from_prefix(algorithm, &bytes)
}

fn digest_from_prefix(algorithm: HashAlgorithm, bytes: &[u8; 64]) -> Digest {
    let prefix = bytes.get(..algorithm.output_size()).unwrap_or(bytes);
    match Digest::new(algorithm, prefix) {
        Some(digest) => digest,
        // Unreachable: the prefix has the algorithm's size by construction.
        None => algorithm.hash(&[]),
    }
}

/// `PCR_new = H(PCR_old ‖ digest)` (TPM 2.0 Part 1, section 17.2 "PCR extend").
pub fn extend_value(old: &Digest, digest: &Digest) -> Digest {
    let mut hasher = Hasher::new(old.algorithm());
    hasher.update(old.as_bytes());
    hasher.update(digest.as_bytes());
    hasher.finalize()
}

/// The 24 PCRs of one hash algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PcrBank {
    algorithm: HashAlgorithm,
    values: [Digest; PCR_COUNT],
}

impl PcrBank {
    /// A bank in its reset state with PCR 0 started from locality 0.
    pub fn new(algorithm: HashAlgorithm) -> Self {
        let values = core::array::from_fn(|index| reset_value(algorithm, index));
        Self { algorithm, values }
    }

    /// The bank's hash algorithm.
    pub const fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    /// The value of PCR `index`, if `index` is below 24.
    pub fn value(&self, index: u32) -> Option<&Digest> {
        self.values.get(pcr_index(index).ok()?)
    }

    /// All 24 values, PCR 0 first.
    pub const fn values(&self) -> &[Digest; PCR_COUNT] {
        &self.values
    }

    /// Sets PCR 0 to its value after startup from `locality` (0, 3 or 4).
    pub fn set_startup_locality(&mut self, locality: u8) -> Result<(), PcrError> {
        if !matches!(locality, 0 | 3 | HCRTM_LOCALITY) {
            return Err(PcrError::InvalidLocality(locality));
        }
        if let Some(pcr0) = self.values.get_mut(0) {
            *pcr0 = locality_value(self.algorithm, locality);
        }
        Ok(())
    }

    /// Extends PCR `index` with `digest`, which must be of the bank's algorithm.
    pub fn extend(&mut self, index: u32, digest: &Digest) -> Result<(), PcrError> {
        if digest.algorithm() != self.algorithm {
            return Err(PcrError::AlgorithmMismatch { bank: self.algorithm, digest: digest.algorithm() });
        }
        let slot = self.values.get_mut(pcr_index(index)?).ok_or(PcrError::IndexOutOfRange(index))?;
        *slot = extend_value(slot, digest);
        Ok(())
    }
}

/// The PCR banks of a TPM: one [`PcrBank`] for each allocated algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PcrBanks {
    banks: [Option<PcrBank>; 4],
}

impl PcrBanks {
    /// Banks for `algorithms` (duplicates ignored), in their reset state.
    pub fn new(algorithms: impl IntoIterator<Item = HashAlgorithm>) -> Self {
        let mut banks = [None, None, None, None];
        for algorithm in algorithms {
            if let Some(slot) = banks.get_mut(algorithm.index()) {
                *slot = Some(PcrBank::new(algorithm));
            }
        }
        Self { banks }
    }

    /// The allocated algorithms, in the order of [`HashAlgorithm::ALL`].
    pub fn algorithms(&self) -> impl Iterator<Item = HashAlgorithm> + '_ {
        self.banks.iter().flatten().map(PcrBank::algorithm)
    }

    /// The bank of `algorithm`, if allocated.
    pub fn bank(&self, algorithm: HashAlgorithm) -> Option<&PcrBank> {
        self.banks.get(algorithm.index()).and_then(Option::as_ref)
    }

    fn bank_mut(&mut self, algorithm: HashAlgorithm) -> Result<&mut PcrBank, PcrError> {
        self.banks.get_mut(algorithm.index()).and_then(Option::as_mut).ok_or(PcrError::BankMissing(algorithm))
    }

    /// The allocated banks.
    pub fn banks(&self) -> impl Iterator<Item = &PcrBank> {
        self.banks.iter().flatten()
    }

    /// The value of PCR `index` in the bank of `algorithm`.
    pub fn value(&self, algorithm: HashAlgorithm, index: u32) -> Option<&Digest> {
        self.bank(algorithm)?.value(index)
    }

    /// Sets PCR 0 of every bank to its value after startup from `locality` (0, 3 or 4).
    pub fn set_startup_locality(&mut self, locality: u8) -> Result<(), PcrError> {
        self.banks.iter_mut().flatten().try_for_each(|bank| bank.set_startup_locality(locality))
    }

    /// Extends PCR `index` of the bank of the digest's algorithm.
    pub fn extend(&mut self, index: u32, digest: &Digest) -> Result<(), PcrError> {
        self.bank_mut(digest.algorithm())?.extend(index, digest)
    }

    /// Hashes `data` in every bank's algorithm and extends PCR `index` of each bank with it, as
    /// `TPM2_PCR_Event` does.
    pub fn extend_data(&mut self, index: u32, data: &[u8]) -> Result<(), PcrError> {
        pcr_index(index)?;
        self.banks.iter_mut().flatten().try_for_each(|bank| {
            let digest = bank.algorithm().hash(data);
            bank.extend(index, &digest)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn reset_values_follow_pc_client_profile() {
        // TCG PC Client Platform TPM Profile: 17-22 reset to all ones, others to zero.
        let bank = PcrBank::new(HashAlgorithm::Sha1);
        assert_eq!(bank.value(0).unwrap().to_string(), "0000000000000000000000000000000000000000");
        assert_eq!(bank.value(17).unwrap().to_string(), "ffffffffffffffffffffffffffffffffffffffff");
        assert_eq!(bank.value(22).unwrap().to_string(), "ffffffffffffffffffffffffffffffffffffffff");
        assert_eq!(bank.value(23).unwrap().to_string(), "0000000000000000000000000000000000000000");
        assert!(bank.value(24).is_none());
    }

    #[test]
    fn extend_zero_pcr_with_zero_digest() {
        // SHA-1 of 40 zero bytes: the PCR 1/2/3/6 value of every corpus log whose PCR holds only
        // a separator `00000000` is b2a83b0e… = SHA1(0^20 ‖ SHA1(00000000)); here the base step.
        let mut bank = PcrBank::new(HashAlgorithm::Sha1);
        let separator = HashAlgorithm::Sha1.hash(&[0, 0, 0, 0]);
        bank.extend(3, &separator).unwrap();
        // expected_pcrs.json, go-tpm-tools/rhel8-uefi.bin sha1 PCR 3.
        assert_eq!(bank.value(3).unwrap().to_string(), "b2a83b0ebf2f8374299a5b2bdfc31ea955ad7236");
    }

    #[test]
    fn locality_sets_last_byte_of_pcr0() {
        let mut banks = PcrBanks::new([HashAlgorithm::Sha256]);
        banks.set_startup_locality(3).unwrap();
        let value = banks.value(HashAlgorithm::Sha256, 0).unwrap();
        assert_eq!(value.as_bytes()[31], 3);
        assert!(value.as_bytes()[..31].iter().all(|byte| *byte == 0));
        assert_eq!(banks.set_startup_locality(2), Err(PcrError::InvalidLocality(2)));
    }

    #[test]
    fn extend_rejects_wrong_bank_and_index() {
        let mut banks = PcrBanks::new([HashAlgorithm::Sha256]);
        let sha1 = HashAlgorithm::Sha1.hash(b"x");
        assert_eq!(banks.extend(0, &sha1), Err(PcrError::BankMissing(HashAlgorithm::Sha1)));
        let sha256 = HashAlgorithm::Sha256.hash(b"x");
        assert_eq!(banks.extend(24, &sha256), Err(PcrError::IndexOutOfRange(24)));
    }
}
