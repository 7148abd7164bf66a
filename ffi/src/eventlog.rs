//! TCG event logs: parsing, event iteration, replay into PCR banks, comparison with PCR values
//! the caller read from a TPM or a quote, and the Secure Boot state of the verified PCR 7.
//!
//! `tl_event_log` owns a copy of the log bytes. The core's parsed log borrows its input, so the
//! handle keeps the bytes and parses them again for replay and claims; parsing is deterministic,
//! so every call reads the same events.

use core::ffi::c_char;

use trusted_launch::Error;
use trusted_launch::digest::{Digest, HashAlgorithm};
use trusted_launch::eventlog::claims::VerifiedEvents;
use trusted_launch::eventlog::replay::{Replay, replay};
use trusted_launch::eventlog::secureboot_state::{AuthorityKind, SecureBootState, signature_entries};
use trusted_launch::eventlog::{EventLog, ParseOptions, PcrResult, Quirk, ReplayOptions, ReplayReport};

use crate::{guarded, input, input_error, null_argument, tl_status};

/// A parsed TCG event log (SHA-1 or crypto-agile format).
pub struct tl_event_log {
    bytes: Vec<u8>,
    options: ParseOptions,
    event_count: usize,
}

impl tl_event_log {
    fn parse(&self) -> Result<EventLog<'_>, Error> {
        EventLog::parse(&self.bytes, self.options)
    }
}

/// The PCR values a log replays to.
pub struct tl_replay {
    replay: Replay,
}

/// The comparison of a replay with expected PCR values.
pub struct tl_replay_report {
    report: ReplayReport,
}

/// One event of a log. `data` points into the log handle and lives as long as it.
#[repr(C)]
pub struct tl_event {
    /// Position in the log; the header event is 0.
    pub index: usize,
    /// Byte offset of the record in the log.
    pub offset: usize,
    /// `pcrIndex`; 0xFFFFFFFF on Windows `EV_NO_ACTION` records that belong to no PCR.
    pub pcr: u32,
    /// `eventType` (for example 0x80000003 for `EV_EFI_BOOT_SERVICES_APPLICATION`).
    pub event_type: u32,
    /// Whether replay extends the PCR with this event (every type but `EV_NO_ACTION`).
    pub extended: bool,
    /// The event data.
    pub data: *const u8,
    /// Length of the event data in bytes.
    pub data_length: usize,
}

/// A PCR value that the caller expects, for `tl_replay_compare`.
#[repr(C)]
pub struct tl_pcr_value {
    /// A `tl_hash_algorithm` value naming the bank.
    pub algorithm: u32,
    /// The PCR index, 0 to 23.
    pub pcr: u32,
    /// The value: the bank's digest size in bytes.
    pub digest: *const u8,
    /// Length of `digest` in bytes.
    pub digest_length: usize,
}

/// The outcome of comparing one PCR.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tl_pcr_result {
    /// The replayed value equals the expected value.
    Matches = 0,
    /// The replayed value differs from the expected value.
    Differs = 1,
    /// No event extends this PCR in this bank, so the log gives no value for it.
    NotInLog = 2,
    /// An event that extends this PCR carries no digest of this bank.
    MissingDigest = 3,
}

/// A real-firmware deviation that a check accepted by name.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tl_quirk {
    /// No quirk was needed.
    None = 0,
    /// A variable event's digest covers `VariableData` only.
    VariableDataOnly = 1,
    /// shim's authority event digest omits the last data byte.
    ShimAuthorityTrailingByte = 2,
    /// PCR 5 matches only with the two ExitBootServices actions appended.
    MissingExitBootServices = 3,
}

/// One compared PCR.
#[repr(C)]
pub struct tl_pcr_comparison {
    /// A `tl_hash_algorithm` value naming the bank.
    pub algorithm: u32,
    /// The PCR index.
    pub pcr: u32,
    /// The outcome.
    pub result: tl_pcr_result,
    /// A quirk needed for `TL_PCR_RESULT_MATCHES`, else `TL_QUIRK_NONE`.
    pub quirk: tl_quirk,
    /// For `TL_PCR_RESULT_MISSING_DIGEST`, the index of the first event without the digest.
    pub event_index: usize,
    /// The replayed value (the first `replayed_length` bytes), when the log extends the PCR.
    pub replayed: [u8; 64],
    /// Length of `replayed`; 0 when the log does not replay this PCR.
    pub replayed_length: usize,
}

/// The Secure Boot state measured into a verified PCR 7.
pub struct tl_secure_boot_state {
    enabled: bool,
    db: Vec<SignatureEntryOwned>,
    authorities: Vec<AuthorityOwned>,
}

struct SignatureEntryOwned {
    signature_type: [u8; 16],
    owner: [u8; 16],
    data: Vec<u8>,
}

struct AuthorityOwned {
    kind: tl_authority_kind,
    after_separator: bool,
    event_index: usize,
    vendor: [u8; 16],
    data: Vec<u8>,
}

/// The kind of entry an `EV_EFI_VARIABLE_AUTHORITY` event records.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tl_authority_kind {
    /// A db entry (`EFI_SIGNATURE_DATA`: owner GUID then data) or shim's vendor certificate.
    Signature = 0,
    /// shim's `SbatLevel`.
    SbatLevel = 1,
    /// shim's `MokListTrusted`.
    MokListTrusted = 2,
}

/// One `EFI_SIGNATURE_DATA` of the measured db. `data` lives as long as the state handle.
#[repr(C)]
pub struct tl_signature_entry {
    /// `SignatureType` GUID, on-disk byte order.
    pub signature_type: [u8; 16],
    /// `SignatureOwner` GUID, on-disk byte order.
    pub owner: [u8; 16],
    /// `SignatureData`.
    pub data: *const u8,
    /// Length of `data` in bytes.
    pub data_length: usize,
}

/// One measured authority. `data` lives as long as the state handle.
#[repr(C)]
pub struct tl_authority {
    /// The kind of entry the event records.
    pub kind: tl_authority_kind,
    /// Whether the event follows PCR 7's separator (images loaded by the OS loader).
    pub after_separator: bool,
    /// Index of the event in the log.
    pub event_index: usize,
    /// The variable's vendor GUID, on-disk byte order.
    pub vendor: [u8; 16],
    /// `VariableData`: for a db entry, the owner GUID followed by the certificate or hash.
    pub data: *const u8,
    /// Length of `data` in bytes.
    pub data_length: usize,
}

fn algorithm_from(value: u32) -> Result<HashAlgorithm, (tl_status, String)> {
    match value {
        1 => Ok(HashAlgorithm::Sha1),
        2 => Ok(HashAlgorithm::Sha256),
        3 => Ok(HashAlgorithm::Sha384),
        4 => Ok(HashAlgorithm::Sha512),
        _ => Err((tl_status::InvalidArgument, format!("unknown hash algorithm {value}"))),
    }
}

fn algorithm_code(algorithm: HashAlgorithm) -> u32 {
    match algorithm {
        HashAlgorithm::Sha1 => 1,
        HashAlgorithm::Sha256 => 2,
        HashAlgorithm::Sha384 => 3,
        HashAlgorithm::Sha512 => 4,
    }
}

/// Parses a TCG event log. Zero or 0xFF bytes after the last event are an error
/// (`TL_STATUS_INPUT_PADDING`) unless `allow_padding` is true. On success `*out` owns a copy of
/// the bytes; release it with `tl_event_log_free`.
///
/// # Safety
/// `data` is valid for `length` bytes; `out` is valid; `message` is NULL or valid for
/// `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_event_log_parse(
    data: *const u8,
    length: usize,
    allow_padding: bool,
    out: *mut *mut tl_event_log,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        if out.is_null() {
            return Err(null_argument("out"));
        }
        // SAFETY: forwarded from this function's contract.
        let bytes = unsafe { input(data, length) }.ok_or_else(|| null_argument("data"))?;
        let options = ParseOptions { allow_padding, ..ParseOptions::default() };
        let event_count =
            EventLog::parse(bytes, options).map_err(|error| input_error("event log", &error))?.events().len();
        let handle = tl_event_log { bytes: bytes.to_vec(), options, event_count };
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(handle)) };
        Ok(())
    })
}

/// Releases a log. NULL is ignored.
///
/// # Safety
/// `log` is NULL or a handle from `tl_event_log_parse` not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_event_log_free(log: *mut tl_event_log) {
    // SAFETY: forwarded from this function's contract.
    unsafe { crate::free_handle(log) }
}

/// Number of events, the header event included. 0 for NULL.
///
/// # Safety
/// `log` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_event_log_event_count(log: *const tl_event_log) -> usize {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { log.as_ref() }.map_or(0, |log| log.event_count)
}

/// Fills `*out` with event `index` (0 to count - 1).
///
/// # Safety
/// `log` is a live handle; `out` is valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_event_log_event(log: *const tl_event_log, index: usize, out: *mut tl_event) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the caller passes a live handle or NULL.
        let log = unsafe { log.as_ref() }.ok_or_else(|| null_argument("log"))?;
        if out.is_null() {
            return Err(null_argument("out"));
        }
        let parsed = log.parse().map_err(|error| input_error("event log", &error))?;
        let event = parsed
            .events()
            .get(index)
            .ok_or_else(|| (tl_status::InvalidArgument, format!("event index {index} is out of range")))?;
        let value = tl_event {
            index: event.index,
            offset: event.offset,
            pcr: event.pcr_index,
            event_type: event.event_type.0,
            extended: event.is_extended(),
            data: event.data.as_ptr(),
            data_length: event.data.len(),
        };
        // SAFETY: `out` was checked non-NULL; `data` points into `log.bytes`, which the handle owns.
        unsafe { *out = value };
        Ok(())
    })
}

/// Copies the digest of `algorithm` of event `index` into `out` (capacity `out_capacity`) and
/// its length into `*written`; `*written` is 0 when the event carries no digest of that bank.
///
/// # Safety
/// `log` is a live handle; `out` is valid for `out_capacity` bytes; `written` is valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_event_log_event_digest(
    log: *const tl_event_log,
    index: usize,
    algorithm: u32,
    out: *mut u8,
    out_capacity: usize,
    written: *mut usize,
) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the caller passes a live handle or NULL.
        let log = unsafe { log.as_ref() }.ok_or_else(|| null_argument("log"))?;
        let algorithm = algorithm_from(algorithm)?;
        let parsed = log.parse().map_err(|error| input_error("event log", &error))?;
        let event = parsed
            .events()
            .get(index)
            .ok_or_else(|| (tl_status::InvalidArgument, format!("event index {index} is out of range")))?;
        // SAFETY: forwarded from this function's contract.
        unsafe { copy_digest(event.digest(algorithm).as_ref(), out, out_capacity, written) }
    })
}

/// Copies `digest` (or nothing) into `out` and its length (or 0) into `*written`.
///
/// # Safety
/// `out` is valid for `out_capacity` bytes and `written` is valid, or either is NULL.
unsafe fn copy_digest(
    digest: Option<&Digest>,
    out: *mut u8,
    out_capacity: usize,
    written: *mut usize,
) -> Result<(), (tl_status, String)> {
    if out.is_null() || written.is_null() {
        return Err(null_argument("out"));
    }
    let bytes = digest.map_or(&[][..], Digest::as_bytes);
    if bytes.len() > out_capacity {
        return Err((tl_status::BufferTooSmall, format!("{} bytes needed", bytes.len())));
    }
    // SAFETY: `out` has `out_capacity >= bytes.len()` writable bytes; `written` is valid.
    unsafe {
        core::ptr::copy_nonoverlapping(bytes.as_ptr(), out, bytes.len());
        *written = bytes.len();
    }
    Ok(())
}

/// Replays the log into the banks it records. On success `*out` owns a replay to release with
/// `tl_replay_free`. Fails only on an invalid `StartupLocality` event.
///
/// # Safety
/// `log` is a live handle; `out` is valid; `message` is NULL or valid for `message_capacity`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_event_log_replay(
    log: *const tl_event_log,
    out: *mut *mut tl_replay,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes a live handle or NULL.
        let log = unsafe { log.as_ref() }.ok_or_else(|| null_argument("log"))?;
        if out.is_null() {
            return Err(null_argument("out"));
        }
        let parsed = log.parse().map_err(|error| input_error("event log", &error))?;
        let replayed = replay(&parsed).map_err(|error| input_error("event log", &error))?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(tl_replay { replay: replayed })) };
        Ok(())
    })
}

/// Releases a replay. NULL is ignored.
///
/// # Safety
/// `replay` is NULL or a handle from `tl_event_log_replay` not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_replay_free(replay: *mut tl_replay) {
    // SAFETY: forwarded from this function's contract.
    unsafe { crate::free_handle(replay) }
}

/// Copies the replayed value of PCR `pcr` in the bank of `algorithm` into `out` and its length
/// into `*written`; `*written` is 0 when no event extends that PCR in that bank or an event
/// lacks the bank's digest.
///
/// # Safety
/// `replay` is a live handle; `out` is valid for `out_capacity` bytes; `written` is valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_replay_pcr_value(
    replay: *const tl_replay,
    algorithm: u32,
    pcr: u32,
    out: *mut u8,
    out_capacity: usize,
    written: *mut usize,
) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the caller passes a live handle or NULL.
        let replay = unsafe { replay.as_ref() }.ok_or_else(|| null_argument("replay"))?;
        let algorithm = algorithm_from(algorithm)?;
        // SAFETY: forwarded from this function's contract.
        unsafe { copy_digest(replay.replay.value(algorithm, pcr), out, out_capacity, written) }
    })
}

/// Compares `count` expected PCR values with the replay, in the order given. On success `*out`
/// owns a report to release with `tl_replay_report_free`. A PCR that differs is a result, not
/// an error; errors are only for malformed `expected` entries. With
/// `exit_boot_services_workaround`, a PCR 5 that matches only once the two ExitBootServices EFI
/// actions are appended is accepted with `TL_QUIRK_MISSING_EXIT_BOOT_SERVICES`.
///
/// # Safety
/// `replay` is a live handle; `expected` is valid for `count` entries (NULL when `count` is 0),
/// each `digest` valid for `digest_length` bytes; `out` is valid; `message` is NULL or valid for
/// `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_replay_compare(
    replay: *const tl_replay,
    expected: *const tl_pcr_value,
    count: usize,
    exit_boot_services_workaround: bool,
    out: *mut *mut tl_replay_report,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes a live handle or NULL.
        let replay = unsafe { replay.as_ref() }.ok_or_else(|| null_argument("replay"))?;
        if out.is_null() {
            return Err(null_argument("out"));
        }
        let entries: &[tl_pcr_value] = if count == 0 {
            &[]
        } else if expected.is_null() {
            return Err(null_argument("expected"));
        } else {
            // SAFETY: the caller guarantees `count` readable entries at `expected`.
            unsafe { core::slice::from_raw_parts(expected, count) }
        };
        let mut values = Vec::with_capacity(entries.len());
        for entry in entries {
            let algorithm = algorithm_from(entry.algorithm)?;
            if entry.pcr >= 24 {
                return Err((tl_status::InvalidArgument, format!("PCR index {} is out of range", entry.pcr)));
            }
            // SAFETY: the caller guarantees `digest_length` readable bytes at `digest`.
            let bytes = unsafe { input(entry.digest, entry.digest_length) }.ok_or_else(|| null_argument("digest"))?;
            let digest = Digest::new(algorithm, bytes).ok_or_else(|| {
                let size = algorithm.output_size();
                (tl_status::InvalidArgument, format!("{algorithm} PCR {} value must be {size} bytes", entry.pcr))
            })?;
            values.push((entry.pcr, digest));
        }
        let options = ReplayOptions { exit_boot_services_workaround };
        let report = replay.replay.compare(values, options);
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(tl_replay_report { report })) };
        Ok(())
    })
}

/// Releases a report. NULL is ignored.
///
/// # Safety
/// `report` is NULL or a handle from `tl_replay_compare` not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_replay_report_free(report: *mut tl_replay_report) {
    // SAFETY: forwarded from this function's contract.
    unsafe { crate::free_handle(report) }
}

/// Number of compared PCRs. 0 for NULL.
///
/// # Safety
/// `report` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_replay_report_count(report: *const tl_replay_report) -> usize {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { report.as_ref() }.map_or(0, |report| report.report.entries().len())
}

/// Whether every compared PCR matched. False for NULL and for an empty comparison.
///
/// # Safety
/// `report` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_replay_report_all_match(report: *const tl_replay_report) -> bool {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { report.as_ref() }.is_some_and(|report| !report.report.entries().is_empty() && report.report.all_match())
}

/// Fills `*out` with comparison `index` (in the order the expected values were given).
///
/// # Safety
/// `report` is a live handle; `out` is valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_replay_report_entry(
    report: *const tl_replay_report,
    index: usize,
    out: *mut tl_pcr_comparison,
) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the caller passes a live handle or NULL.
        let report = unsafe { report.as_ref() }.ok_or_else(|| null_argument("report"))?;
        if out.is_null() {
            return Err(null_argument("out"));
        }
        let entry = report
            .report
            .entries()
            .get(index)
            .ok_or_else(|| (tl_status::InvalidArgument, format!("comparison index {index} is out of range")))?;
        let (result, event_index, replayed) = match entry.result {
            PcrResult::Matches => (tl_pcr_result::Matches, 0, None),
            PcrResult::Differs { replayed, .. } => (tl_pcr_result::Differs, 0, Some(replayed)),
            PcrResult::NotInLog => (tl_pcr_result::NotInLog, 0, None),
            PcrResult::MissingDigest { event_index } => (tl_pcr_result::MissingDigest, event_index, None),
        };
        let mut value = tl_pcr_comparison {
            algorithm: algorithm_code(entry.algorithm),
            pcr: entry.pcr,
            result,
            quirk: match entry.quirk {
                None => tl_quirk::None,
                Some(Quirk::VariableDataOnly) => tl_quirk::VariableDataOnly,
                Some(Quirk::ShimAuthorityTrailingByte) => tl_quirk::ShimAuthorityTrailingByte,
                Some(Quirk::MissingExitBootServices) => tl_quirk::MissingExitBootServices,
            },
            event_index,
            replayed: [0; 64],
            replayed_length: 0,
        };
        // A match replays to the expected value, which the comparison does not keep; the
        // caller has it.
        if let Some(replayed) = replayed {
            let bytes = replayed.as_bytes();
            if let Some(slot) = value.replayed.get_mut(..bytes.len()) {
                slot.copy_from_slice(bytes);
                value.replayed_length = bytes.len();
            }
        }
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = value };
        Ok(())
    })
}

/// Reads the Secure Boot state from the events of PCR 7, which `report` (from comparing this
/// same log's replay) must have verified. On success `*out` is a state to release with
/// `tl_secure_boot_state_free`, or NULL when PCR 7 was not verified.
///
/// # Safety
/// `log` and `report` are live handles; `out` is valid; `message` is NULL or valid for
/// `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_secure_boot_state_new(
    log: *const tl_event_log,
    report: *const tl_replay_report,
    out: *mut *mut tl_secure_boot_state,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes live handles or NULL.
        let (log, report) = unsafe { (log.as_ref(), report.as_ref()) };
        let log = log.ok_or_else(|| null_argument("log"))?;
        let report = report.ok_or_else(|| null_argument("report"))?;
        if out.is_null() {
            return Err(null_argument("out"));
        }
        let parsed = log.parse().map_err(|error| input_error("event log", &error))?;
        let events = VerifiedEvents::new(&parsed, &report.report);
        let state = SecureBootState::from_events(&events).map_err(|error| input_error("PCR 7 events", &error))?;
        let handle = match state {
            Some(state) => Box::into_raw(Box::new(owned_state(&state)?)),
            None => core::ptr::null_mut(),
        };
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = handle };
        Ok(())
    })
}

fn owned_state(state: &SecureBootState<'_>) -> Result<tl_secure_boot_state, (tl_status, String)> {
    let db = match state.database("db") {
        Some(bytes) => signature_entries(bytes).map_err(|error| input_error("measured db", &error))?,
        None => Vec::new(),
    };
    let db = db
        .iter()
        .map(|entry| SignatureEntryOwned {
            signature_type: *entry.signature_type.as_bytes(),
            owner: *entry.owner.as_bytes(),
            data: entry.data.to_vec(),
        })
        .collect();
    let pre = state.pre_separator_authorities.iter().map(|authority| (authority, false));
    let post = state.post_separator_authorities.iter().map(|authority| (authority, true));
    let authorities = pre
        .chain(post)
        .map(|(authority, after_separator)| AuthorityOwned {
            kind: match authority.kind {
                AuthorityKind::Signature => tl_authority_kind::Signature,
                AuthorityKind::SbatLevel => tl_authority_kind::SbatLevel,
                AuthorityKind::MokListTrusted => tl_authority_kind::MokListTrusted,
            },
            after_separator,
            event_index: authority.event_index,
            vendor: *authority.variable.vendor.as_bytes(),
            data: authority.variable.data.to_vec(),
        })
        .collect();
    Ok(tl_secure_boot_state { enabled: state.enabled, db, authorities })
}

/// Releases a Secure Boot state. NULL is ignored.
///
/// # Safety
/// `state` is NULL or a handle from `tl_secure_boot_state_new` not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_secure_boot_state_free(state: *mut tl_secure_boot_state) {
    // SAFETY: forwarded from this function's contract.
    unsafe { crate::free_handle(state) }
}

/// Whether the measured `SecureBoot` variable is 1. False for NULL.
///
/// # Safety
/// `state` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_secure_boot_state_enabled(state: *const tl_secure_boot_state) -> bool {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { state.as_ref() }.is_some_and(|state| state.enabled)
}

/// Number of `EFI_SIGNATURE_DATA` entries in the measured db. 0 for NULL.
///
/// # Safety
/// `state` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_secure_boot_state_db_count(state: *const tl_secure_boot_state) -> usize {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { state.as_ref() }.map_or(0, |state| state.db.len())
}

/// Fills `*out` with db entry `index`. Returns false, writing nothing, when `index` is out of
/// range or a pointer is NULL.
///
/// # Safety
/// `state` is NULL or a live handle; `out` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_secure_boot_state_db_entry(
    state: *const tl_secure_boot_state,
    index: usize,
    out: *mut tl_signature_entry,
) -> bool {
    // SAFETY: the caller passes a live handle or NULL.
    let Some(entry) = unsafe { state.as_ref() }.and_then(|state| state.db.get(index)) else { return false };
    if out.is_null() {
        return false;
    }
    let value = tl_signature_entry {
        signature_type: entry.signature_type,
        owner: entry.owner,
        data: entry.data.as_ptr(),
        data_length: entry.data.len(),
    };
    // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
    unsafe { *out = value };
    true
}

/// Number of `EV_EFI_VARIABLE_AUTHORITY` events in PCR 7, before and after the separator. 0 for
/// NULL.
///
/// # Safety
/// `state` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_secure_boot_state_authority_count(state: *const tl_secure_boot_state) -> usize {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { state.as_ref() }.map_or(0, |state| state.authorities.len())
}

/// Fills `*out` with authority `index`, in log order. Returns false, writing nothing, when
/// `index` is out of range or a pointer is NULL.
///
/// # Safety
/// `state` is NULL or a live handle; `out` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_secure_boot_state_authority(
    state: *const tl_secure_boot_state,
    index: usize,
    out: *mut tl_authority,
) -> bool {
    // SAFETY: the caller passes a live handle or NULL.
    let Some(authority) = unsafe { state.as_ref() }.and_then(|state| state.authorities.get(index)) else {
        return false;
    };
    if out.is_null() {
        return false;
    }
    let value = tl_authority {
        kind: authority.kind,
        after_separator: authority.after_separator,
        event_index: authority.event_index,
        vendor: authority.vendor,
        data: authority.data.as_ptr(),
        data_length: authority.data.len(),
    };
    // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
    unsafe { *out = value };
    true
}
