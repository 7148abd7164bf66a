//! Writing a crypto-agile event log (TCG PC Client PFP 1.05, section 10.2.2) while extending
//! the PCR banks it describes, so that the log replays to the banks.
//!
//! Entry point: [`EventLogWriter::new`].

use alloc::vec::Vec;

use crate::digest::{Digest, HashAlgorithm};
use crate::eventlog::data::STARTUP_LOCALITY_SIGNATURE;
use crate::eventlog::event_type::EventType;
use crate::eventlog::parse::{agile_record, sha1_record};
use crate::eventlog::spec_id::SpecIdEvent;
use crate::tpm::pcr::{PcrBanks, PcrError, pcr_index};

/// Builds a crypto-agile log with the banks of a [`PcrBanks`]: the Spec ID event first, then one
/// `TCG_PCR_EVENT2` per measurement.
#[derive(Clone, Debug)]
pub struct EventLogWriter {
    banks: PcrBanks,
    algorithms: Vec<HashAlgorithm>,
    bytes: Vec<u8>,
}

impl EventLogWriter {
    /// Starts a log for banks of `algorithms` in their reset state, with PCR 0 started from
    /// `startup_locality` (0, 3 or 4). A locality other than 0 is logged as a `StartupLocality`
    /// `EV_NO_ACTION`.
    pub fn new(algorithms: &[HashAlgorithm], startup_locality: u8) -> Result<Self, PcrError> {
        let mut banks = PcrBanks::new(algorithms.iter().copied());
        banks.set_startup_locality(startup_locality)?;
        let algorithms: Vec<HashAlgorithm> = banks.algorithms().collect();
        let header = SpecIdEvent::build(&algorithms);
        let mut bytes = sha1_record(0, EventType::EV_NO_ACTION, &[0; 20], &header);
        let mut writer = Self { banks, algorithms, bytes: Vec::new() };
        writer.bytes.append(&mut bytes);
        if startup_locality != 0 {
            let mut data = STARTUP_LOCALITY_SIGNATURE.to_vec();
            data.push(startup_locality);
            writer.no_action(0, &data)?;
        }
        Ok(writer)
    }

    /// The banks, extended with every measurement so far.
    pub const fn banks(&self) -> &PcrBanks {
        &self.banks
    }

    /// The algorithms of the banks, in Spec ID order.
    pub fn algorithms(&self) -> &[HashAlgorithm] {
        &self.algorithms
    }

    /// Logs and extends an event whose digest in each bank is the hash of `data`.
    pub fn measure(&mut self, pcr: u32, event_type: EventType, data: &[u8]) -> Result<(), PcrError> {
        let digests: Vec<Digest> = self.algorithms.iter().map(|algorithm| algorithm.hash(data)).collect();
        self.extend(pcr, event_type, &digests, data)
    }

    /// Logs and extends an event with caller-computed `digests` (such as an image's
    /// Authenticode digests), one for each bank, in any order.
    pub fn extend(&mut self, pcr: u32, event_type: EventType, digests: &[Digest], data: &[u8]) -> Result<(), PcrError> {
        pcr_index(pcr)?;
        let mut ordered = Vec::new();
        for algorithm in &self.algorithms {
            let digest = digests
                .iter()
                .find(|digest| digest.algorithm() == *algorithm)
                .ok_or(PcrError::BankMissing(*algorithm))?;
            ordered.push(*digest);
        }
        for digest in &ordered {
            self.banks.extend(pcr, digest)?;
        }
        self.bytes.extend(agile_record(pcr, event_type, &ordered, data));
        Ok(())
    }

    /// Logs an `EV_NO_ACTION` event, which extends nothing; its digests are zero.
    pub fn no_action(&mut self, pcr: u32, data: &[u8]) -> Result<(), PcrError> {
        pcr_index(pcr)?;
        let zeros = [0u8; 64];
        let digests: Vec<Digest> = self
            .algorithms
            .iter()
            .filter_map(|algorithm| Digest::new(*algorithm, zeros.get(..algorithm.output_size())?))
            .collect();
        self.bytes.extend(agile_record(pcr, EventType::EV_NO_ACTION, &digests, data));
        Ok(())
    }

    /// The log so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Finishes the log, returning its bytes and the banks it replays to.
    pub fn finish(self) -> (Vec<u8>, PcrBanks) {
        (self.bytes, self.banks)
    }
}
