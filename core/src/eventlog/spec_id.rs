//! `TCG_EfiSpecIDEvent` (TCG PC Client PFP 1.05, section 10.4.5.1, "Specification ID Version
//! Event"): the data of the first event of a crypto-agile log, which lists the digest
//! algorithms and their sizes.
//!
//! Entry point: [`SpecIdEvent::parse`]. Checks are the strict ones: major version 2, minor 0,
//! at least one algorithm, the advertised size of every algorithm this crate knows equal to its
//! real size, and `vendorInfoSize` ending the data exactly.

use alloc::vec::Vec;

use crate::digest::HashAlgorithm;
use crate::error::{Error, ErrorKind};
use crate::reader::{Reader, usize_from};

/// The signature that starts a Spec ID event: `"Spec ID Event03\0"`.
pub const SIGNATURE: &[u8; 16] = b"Spec ID Event03\0";

/// Maximum number of algorithms accepted in the table. The TPM 2.0 registry lists fewer hash
/// algorithms than this.
pub const MAX_ALGORITHMS: usize = 16;

const STRUCTURE: &str = "TCG_EfiSpecIDEvent";

/// One `TCG_EfiSpecIdEventAlgorithmSize` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlgorithmSize {
    /// `algorithmId`, a `TPM_ALG_ID`.
    pub algorithm_id: u16,
    /// `digestSize` in bytes.
    pub digest_size: u16,
}

impl AlgorithmSize {
    /// The algorithm, if this crate implements it.
    pub const fn algorithm(&self) -> Option<HashAlgorithm> {
        HashAlgorithm::from_tpm_alg_id(self.algorithm_id)
    }
}

/// A parsed Spec ID event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecIdEvent<'a> {
    /// `platformClass` (0 client, 1 server).
    pub platform_class: u32,
    /// `specVersionMinor`.
    pub spec_version_minor: u8,
    /// `specVersionMajor`.
    pub spec_version_major: u8,
    /// `specErrata`.
    pub spec_errata: u8,
    /// `uintnSize` (1 for 32-bit `UINTN`, 2 for 64-bit).
    pub uintn_size: u8,
    /// `digestSizes`, in log order.
    pub algorithms: Vec<AlgorithmSize>,
    /// `vendorInfo`.
    pub vendor_info: &'a [u8],
}

impl<'a> SpecIdEvent<'a> {
    /// Parses the event data `data`, which starts at offset `base` of the log.
    pub fn parse(data: &'a [u8], base: usize) -> Result<Self, Error> {
        let mut reader = Reader::new(data, base, STRUCTURE);
        let signature_offset = reader.offset();
        if reader.bytes(16)? != SIGNATURE {
            return Err(Error::invalid(STRUCTURE, "signature", signature_offset));
        }
        let platform_class = reader.u32_le()?;
        let version_offset = reader.offset();
        let spec_version_minor = reader.u8()?;
        let spec_version_major = reader.u8()?;
        if spec_version_major != 2 || spec_version_minor != 0 {
            return Err(Error::invalid(STRUCTURE, "specVersion", version_offset));
        }
        let spec_errata = reader.u8()?;
        let uintn_size = reader.u8()?;

        let count_offset = reader.offset();
        let count = usize_from(reader.u32_le()?, STRUCTURE, "numberOfAlgorithms", count_offset)?;
        if count == 0 {
            return Err(Error::invalid(STRUCTURE, "numberOfAlgorithms", count_offset));
        }
        if count > MAX_ALGORITHMS {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "Spec ID algorithms", max: MAX_ALGORITHMS },
                STRUCTURE,
                count_offset,
            ));
        }
        let mut algorithms = Vec::new();
        for _ in 0..count {
            let entry_offset = reader.offset();
            let entry = AlgorithmSize { algorithm_id: reader.u16_le()?, digest_size: reader.u16_le()? };
            if let Some(algorithm) = entry.algorithm() {
                if usize::from(entry.digest_size) != algorithm.output_size() {
                    return Err(Error::invalid(STRUCTURE, "digestSize", entry_offset));
                }
            }
            if algorithms.iter().any(|seen: &AlgorithmSize| seen.algorithm_id == entry.algorithm_id) {
                return Err(Error::invalid(STRUCTURE, "algorithmId", entry_offset));
            }
            algorithms.push(entry);
        }

        // A vendorInfoSize that reaches past the event data is rejected: tpm2-tools accepts
        // such a header by reading the bytes after the event, strict parsers do not.
        let vendor_info_size = usize::from(reader.u8()?);
        let vendor_info = reader.bytes(vendor_info_size)?;
        reader.finish()?;
        Ok(Self {
            platform_class,
            spec_version_minor,
            spec_version_major,
            spec_errata,
            uintn_size,
            algorithms,
            vendor_info,
        })
    }

    /// The digest size of `algorithm_id`, if the table lists it.
    pub fn digest_size(&self, algorithm_id: u16) -> Option<usize> {
        self.algorithms
            .iter()
            .find(|entry| entry.algorithm_id == algorithm_id)
            .map(|entry| usize::from(entry.digest_size))
    }

    /// The listed algorithms that this crate implements, in table order.
    pub fn known_algorithms(&self) -> impl Iterator<Item = HashAlgorithm> + '_ {
        self.algorithms.iter().filter_map(AlgorithmSize::algorithm)
    }

    /// Serializes a Spec ID event for `algorithms` (client platform, version 2.0 errata 0,
    /// 64-bit `UINTN`, no vendor information).
    pub fn build(algorithms: &[HashAlgorithm]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(SIGNATURE);
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&[0, 2, 0, 2]);
        let count = u32::try_from(algorithms.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&count.to_le_bytes());
        for algorithm in algorithms {
            out.extend_from_slice(&algorithm.tpm_alg_id().to_le_bytes());
            let size = u16::try_from(algorithm.output_size()).unwrap_or(u16::MAX);
            out.extend_from_slice(&size.to_le_bytes());
        }
        out.push(0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_parses_back() {
        let bytes = SpecIdEvent::build(&[HashAlgorithm::Sha1, HashAlgorithm::Sha256]);
        let event = SpecIdEvent::parse(&bytes, 0).unwrap();
        assert_eq!(event.digest_size(0x000B), Some(32));
        assert_eq!(event.known_algorithms().count(), 2);
    }

    #[test]
    fn rejects_wrong_size_for_known_algorithm() {
        let mut bytes = SpecIdEvent::build(&[HashAlgorithm::Sha256]);
        // digestSize of the first entry sits at 16 + 4 + 4 + 4 + 2.
        bytes[30] = 20;
        assert_eq!(SpecIdEvent::parse(&bytes, 0).unwrap_err(), Error::invalid(STRUCTURE, "digestSize", 28));
    }

    #[test]
    fn vendor_info_beyond_data_is_truncated() {
        let mut bytes = SpecIdEvent::build(&[HashAlgorithm::Sha256]);
        *bytes.last_mut().unwrap() = 4;
        assert!(matches!(SpecIdEvent::parse(&bytes, 0).unwrap_err().kind, ErrorKind::Truncated { needed: 4 }));
    }
}
