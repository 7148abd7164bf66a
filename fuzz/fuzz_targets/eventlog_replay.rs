//! Replay end to end: parse, replay, compare with the replay's own values (so every PCR
//! matches and every claim is drawn) and with all-zero values, then loaded images, command
//! lines, Secure Boot state and Windows boot claims.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trusted_launch::digest::Digest;
use trusted_launch::eventlog::claims::{VerifiedEvents, check_separators, command_lines, loaded_images};
use trusted_launch::eventlog::replay::replay;
use trusted_launch::eventlog::secureboot_state::{SecureBootState, signature_entries};
use trusted_launch::eventlog::windows::WindowsBootClaims;
use trusted_launch::eventlog::{EventLog, ParseOptions, ReplayOptions};

fuzz_target!(|bytes: &[u8]| {
    let options = ParseOptions { allow_padding: true, ..ParseOptions::default() };
    let Ok(log) = EventLog::parse(bytes, options) else { return };
    let Ok(replayed) = replay(&log) else { return };

    let mut own_values = Vec::new();
    let mut zero_values = Vec::new();
    for algorithm in log.algorithms() {
        for pcr in 0..24u32 {
            if let Some(value) = replayed.value(algorithm, pcr) {
                own_values.push((pcr, *value));
            }
            if let Some(zero) = Digest::new(algorithm, &[0; 64][..algorithm.output_size()]) {
                zero_values.push((pcr, zero));
            }
        }
    }
    let workaround = ReplayOptions { exit_boot_services_workaround: true };
    let _ = replayed.compare(zero_values, workaround);
    let report = replayed.compare(own_values, ReplayOptions::default());

    let events = VerifiedEvents::new(&log, &report);
    let _ = check_separators(&events);
    let _ = loaded_images(&events);
    let _ = command_lines(&events);
    let _ = WindowsBootClaims::from_events(&events);
    if let Ok(Some(state)) = SecureBootState::from_events(&events) {
        for name in ["PK", "KEK", "db", "dbx"] {
            if let Some(database) = state.database(name) {
                let _ = signature_entries(database);
            }
        }
    }
});
