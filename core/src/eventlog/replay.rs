//! Replay of an event log into PCR banks and comparison with PCR values from a TPM or a quote
//! (TCG PC Client PFP 1.05, section 10.2: every event but `EV_NO_ACTION` extends its PCR in each
//! bank with the digest of that bank), and the check of an event's digest against its data for
//! the types whose digest is a hash of their data.
//!
//! Entry points: [`replay`], [`Replay::compare`], [`check_digest`].
//!
//! Initial values: PCR 0 starts at `0…0‖locality` after a `StartupLocality` event, at `0…0‖04`
//! when an `EV_EFI_HCRTM_EVENT` is logged, and at zero otherwise; PCRs 17 to 22 start at all
//! ones. A PCR that no event extends is reported [`PcrResult::NotInLog`], whatever value the
//! caller supplied, so a missing log never passes for a verified one.

use alloc::vec::Vec;

use crate::digest::{Digest, HashAlgorithm};
use crate::error::Error;
use crate::eventlog::data::{EventData, STARTUP_LOCALITY_SIGNATURE, VariableData};
use crate::eventlog::event_type::EventType;
use crate::eventlog::parse::{Event, EventLog};
use crate::tpm::pcr::{HCRTM_LOCALITY, PCR_COUNT, PcrBanks, extend_value};

/// The EFI action that firmware measures into PCR 5 when a loader calls `ExitBootServices`.
pub const EXIT_BOOT_SERVICES_INVOCATION: &str = "Exit Boot Services Invocation";
/// The EFI action measured after `ExitBootServices` succeeds.
pub const EXIT_BOOT_SERVICES_SUCCESS: &str = "Exit Boot Services Returned with Success";

/// A real-firmware deviation from the PFP specification that a check accepted by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quirk {
    /// A variable event whose digest covers `VariableData` only, not the whole
    /// `UEFI_VARIABLE_DATA`: EDK2/OVMF for `EV_EFI_VARIABLE_BOOT`, and TPM 1.2-era firmware for
    /// `EV_EFI_VARIABLE_DRIVER_CONFIG`.
    VariableDataOnly,
    /// An `EV_EFI_VARIABLE_AUTHORITY` from shim whose digest covers all data but the last byte.
    ShimAuthorityTrailingByte,
    /// PCR 5 matches only once the two `ExitBootServices` EFI actions that the firmware did not
    /// log are appended.
    MissingExitBootServices,
}

/// The result of checking an event's digests against its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestCheck {
    /// Every digest is the hash of the data as the PFP specification defines it.
    Matches,
    /// Every digest matches under the named quirk.
    MatchesWithQuirk(Quirk),
    /// The digest of this bank matches no accepted form of the data.
    Differs(HashAlgorithm),
    /// The digest covers something outside the log (an image, a firmware volume) or the type
    /// has no defined digest rule.
    NotVerifiable,
}

/// Checks `event`'s digests against its data, for the types whose digest is a hash of their
/// data: separators, actions, variables, authorities, GPT, tagged events, `EV_IPL` strings in
/// PCRs 8 and 12, `EV_S_CRTM_VERSION`, `EV_COMPACT_HASH`, `EV_NONHOST_INFO` and
/// `EV_IPL_PARTITION_DATA`.
pub fn check_digest(event: &Event<'_>) -> DigestCheck {
    let data = event.data;
    match event.event_type {
        EventType::EV_SEPARATOR
        | EventType::EV_ACTION
        | EventType::EV_EFI_ACTION
        | EventType::EV_EFI_GPT_EVENT
        | EventType::EV_EVENT_TAG
        | EventType::EV_S_CRTM_VERSION
        | EventType::EV_COMPACT_HASH
        | EventType::EV_NONHOST_INFO
        | EventType::EV_IPL_PARTITION_DATA
        | EventType::EV_EFI_VARIABLE_BOOT2 => check_forms(event, &[Form::Spec(data)]),
        EventType::EV_EFI_VARIABLE_DRIVER_CONFIG | EventType::EV_EFI_VARIABLE_BOOT => {
            match VariableData::parse(data, event.data_offset) {
                Ok(variable) => {
                    check_forms(event, &[Form::Spec(data), Form::Quirk(variable.data, Quirk::VariableDataOnly)])
                }
                Err(_) => check_forms(event, &[Form::Spec(data)]),
            }
        }
        EventType::EV_EFI_VARIABLE_AUTHORITY => {
            let shortened = data.split_last().map_or(data, |(_, rest)| rest);
            check_forms(event, &[Form::Spec(data), Form::Quirk(shortened, Quirk::ShimAuthorityTrailingByte)])
        }
        EventType::EV_IPL if event.pcr_index == 8 => check_forms(event, &ipl_forms(data)),
        EventType::EV_IPL if event.pcr_index == 12 => check_forms(event, &[Form::Spec(data)]),
        _ => DigestCheck::NotVerifiable,
    }
}

#[derive(Clone, Copy)]
enum Form<'a> {
    Spec(&'a [u8]),
    Quirk(&'a [u8], Quirk),
}

/// GRUB hashes the string after its `grub_cmd: ` / `kernel_cmdline: ` prefix; versions differ
/// on whether the terminating NUL is hashed.
fn ipl_forms(data: &[u8]) -> [Form<'_>; 4] {
    let without_nul = data.strip_suffix(&[0]).unwrap_or(data);
    let position = data.iter().position(|byte| *byte == b' ').map_or(0, |space| space.saturating_add(1));
    let after_prefix = data.get(position..).unwrap_or(data);
    let after_prefix_without_nul = after_prefix.strip_suffix(&[0]).unwrap_or(after_prefix);
    [Form::Spec(data), Form::Spec(without_nul), Form::Spec(after_prefix), Form::Spec(after_prefix_without_nul)]
}

fn check_forms(event: &Event<'_>, forms: &[Form<'_>]) -> DigestCheck {
    let mut result = DigestCheck::NotVerifiable;
    for digest in event.digests() {
        let algorithm = digest.algorithm();
        let found = forms.iter().find_map(|form| {
            let (bytes, check) = match *form {
                Form::Spec(bytes) => (bytes, DigestCheck::Matches),
                Form::Quirk(bytes, quirk) => (bytes, DigestCheck::MatchesWithQuirk(quirk)),
            };
            (algorithm.hash(bytes) == digest).then_some(check)
        });
        match (found, result) {
            (None, _) => return DigestCheck::Differs(algorithm),
            // Every bank must match the same form of the data.
            (Some(check), DigestCheck::NotVerifiable) => result = check,
            (Some(check), previous) if check != previous => return DigestCheck::Differs(algorithm),
            _ => {}
        }
    }
    result
}

/// Options of [`Replay::compare`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReplayOptions {
    /// Accept a PCR 5 that matches only after appending the two `ExitBootServices` EFI actions,
    /// when the log holds no `"Exit Boot Services Invocation"` action (firmware that does not
    /// log them, such as the 2019 GCE firmware). The result then carries
    /// [`Quirk::MissingExitBootServices`].
    pub exit_boot_services_workaround: bool,
}

/// The comparison of one PCR of one bank.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PcrResult {
    /// The replayed value equals the expected value.
    Matches,
    /// The replayed value differs from the expected value.
    Differs {
        /// Value from the log.
        replayed: Digest,
        /// Value the caller supplied.
        expected: Digest,
    },
    /// No event of the log extends this PCR in this bank (or the log has no such bank), so the
    /// log says nothing about the value.
    NotInLog,
    /// An event that extends this PCR carries no digest of this bank, so the bank cannot be
    /// replayed.
    MissingDigest {
        /// Index of the first such event.
        event_index: usize,
    },
}

/// One compared PCR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PcrComparison {
    /// The bank.
    pub algorithm: HashAlgorithm,
    /// The PCR index.
    pub pcr: u32,
    /// The outcome.
    pub result: PcrResult,
    /// A quirk that was needed for [`PcrResult::Matches`].
    pub quirk: Option<Quirk>,
}

/// The PCR values a log replays to, per bank.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    banks: PcrBanks,
    /// Bit `i` of entry `algorithm.index()`: some event extended PCR `i` in that bank.
    extended: [u32; 4],
    /// First event that extends a PCR without a digest of the bank.
    missing: [[Option<usize>; PCR_COUNT]; 4],
    /// Whether the log holds an `"Exit Boot Services Invocation"` action in PCR 5.
    has_exit_boot_services: bool,
}

/// Replays `log` into the banks it records.
///
/// Fails when a `StartupLocality` event follows an extend of PCR 0 or names a locality other
/// than 0, 3 or 4.
pub fn replay(log: &EventLog<'_>) -> Result<Replay, Error> {
    let mut banks = PcrBanks::new(log.algorithms());
    let mut extended = [0u32; 4];
    let mut missing = [[None; PCR_COUNT]; 4];
    let mut has_exit_boot_services = false;
    let mut pcr0_extended = false;

    for event in log.events() {
        if !event.is_extended() {
            if event.pcr_index == 0 && event.data.starts_with(STARTUP_LOCALITY_SIGNATURE) {
                let Ok(EventData::StartupLocality(locality)) = event.decode() else {
                    return Err(Error::invalid("TCG_EfiStartupLocalityEvent", "StartupLocality", event.data_offset));
                };
                if pcr0_extended || banks.set_startup_locality(locality).is_err() {
                    return Err(Error::invalid("TCG_EfiStartupLocalityEvent", "StartupLocality", event.data_offset));
                }
            }
            continue;
        }
        if event.pcr_index == 0 && event.event_type == EventType::EV_EFI_HCRTM_EVENT && !pcr0_extended {
            banks
                .set_startup_locality(HCRTM_LOCALITY)
                .map_err(|_| Error::invalid("TCG_PCR_EVENT2", "eventType", event.offset))?;
        }
        if event.pcr_index == 5
            && event.event_type == EventType::EV_EFI_ACTION
            && event.data == EXIT_BOOT_SERVICES_INVOCATION.as_bytes()
        {
            has_exit_boot_services = true;
        }
        pcr0_extended |= event.pcr_index == 0;

        let Ok(pcr) = usize::try_from(event.pcr_index) else { continue };
        for algorithm in log.algorithms() {
            let bit = 1u32.checked_shl(event.pcr_index).unwrap_or(0);
            if let Some(mask) = extended.get_mut(algorithm.index()) {
                *mask |= bit;
            }
            match event.digest(algorithm) {
                Some(digest) => {
                    banks
                        .extend(event.pcr_index, &digest)
                        .map_err(|_| Error::invalid("TCG_PCR_EVENT2", "pcrIndex", event.offset))?;
                }
                None => {
                    if let Some(slot) = missing.get_mut(algorithm.index()).and_then(|row| row.get_mut(pcr)) {
                        slot.get_or_insert(event.index);
                    }
                }
            }
        }
    }
    Ok(Replay { banks, extended, missing, has_exit_boot_services })
}

impl Replay {
    /// The replayed banks.
    pub const fn banks(&self) -> &PcrBanks {
        &self.banks
    }

    /// Whether some event extends PCR `pcr` in the bank of `algorithm`.
    pub fn is_extended(&self, algorithm: HashAlgorithm, pcr: u32) -> bool {
        let mask = self.extended.get(algorithm.index()).copied().unwrap_or(0);
        pcr < 24 && mask & (1u32 << pcr) != 0
    }

    /// The replayed value of PCR `pcr` in `algorithm`'s bank, when some event extends it and
    /// every such event carries a digest of the bank.
    pub fn value(&self, algorithm: HashAlgorithm, pcr: u32) -> Option<&Digest> {
        if !self.is_extended(algorithm, pcr) || self.missing_digest(algorithm, pcr).is_some() {
            return None;
        }
        self.banks.value(algorithm, pcr)
    }

    fn missing_digest(&self, algorithm: HashAlgorithm, pcr: u32) -> Option<usize> {
        let pcr = usize::try_from(pcr).ok()?;
        self.missing.get(algorithm.index())?.get(pcr).copied().flatten()
    }

    /// Compares each expected PCR value (the digest's algorithm names the bank) with the
    /// replay, in the order given.
    pub fn compare(&self, expected: impl IntoIterator<Item = (u32, Digest)>, options: ReplayOptions) -> ReplayReport {
        let entries = expected
            .into_iter()
            .map(|(pcr, value)| {
                let algorithm = value.algorithm();
                let (result, quirk) = self.compare_one(pcr, &value, options);
                PcrComparison { algorithm, pcr, result, quirk }
            })
            .collect();
        ReplayReport { entries }
    }

    fn compare_one(&self, pcr: u32, expected: &Digest, options: ReplayOptions) -> (PcrResult, Option<Quirk>) {
        let algorithm = expected.algorithm();
        if !self.is_extended(algorithm, pcr) || self.banks.bank(algorithm).is_none() {
            return (PcrResult::NotInLog, None);
        }
        if let Some(event_index) = self.missing_digest(algorithm, pcr) {
            return (PcrResult::MissingDigest { event_index }, None);
        }
        let Some(replayed) = self.banks.value(algorithm, pcr) else { return (PcrResult::NotInLog, None) };
        if replayed == expected {
            return (PcrResult::Matches, None);
        }
        if options.exit_boot_services_workaround && pcr == 5 && !self.has_exit_boot_services {
            let invocation = algorithm.hash(EXIT_BOOT_SERVICES_INVOCATION.as_bytes());
            let success = algorithm.hash(EXIT_BOOT_SERVICES_SUCCESS.as_bytes());
            let appended = extend_value(&extend_value(replayed, &invocation), &success);
            if appended == *expected {
                return (PcrResult::Matches, Some(Quirk::MissingExitBootServices));
            }
        }
        (PcrResult::Differs { replayed: *replayed, expected: *expected }, None)
    }
}

/// The comparison of a replay with expected PCR values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayReport {
    entries: Vec<PcrComparison>,
}

impl ReplayReport {
    /// Every compared PCR, in the order the expected values were given.
    pub fn entries(&self) -> &[PcrComparison] {
        &self.entries
    }

    /// The result for PCR `pcr` of `algorithm`'s bank, if it was compared.
    pub fn result(&self, algorithm: HashAlgorithm, pcr: u32) -> Option<&PcrComparison> {
        self.entries.iter().find(|entry| entry.algorithm == algorithm && entry.pcr == pcr)
    }

    /// Bitmap of the PCRs whose events can be trusted: at least one bank matched and no bank
    /// differed or missed a digest.
    pub fn verified_pcrs(&self) -> u32 {
        let mut matched = 0u32;
        let mut failed = 0u32;
        for entry in &self.entries {
            let Some(bit) = 1u32.checked_shl(entry.pcr) else { continue };
            match entry.result {
                PcrResult::Matches => matched |= bit,
                PcrResult::Differs { .. } | PcrResult::MissingDigest { .. } => failed |= bit,
                PcrResult::NotInLog => {}
            }
        }
        matched & !failed & 0x00FF_FFFF
    }

    /// Whether every compared PCR matched.
    pub fn all_match(&self) -> bool {
        self.entries.iter().all(|entry| entry.result == PcrResult::Matches)
    }
}
