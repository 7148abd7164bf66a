//! Property tests. The writer's logs parse back and replay to the writer's banks. Parsing,
//! replay, decoding and claims never panic on arbitrary bytes or on mutated corpus logs.
mod common;

use proptest::prelude::*;
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::eventlog::claims::{VerifiedEvents, check_separators, command_lines, loaded_images};
use trusted_launch::eventlog::replay::{check_digest, replay};
use trusted_launch::eventlog::secureboot_state::{SecureBootState, signature_entries};
use trusted_launch::eventlog::windows::WindowsBootClaims;
use trusted_launch::eventlog::{EventData, EventLog, EventLogWriter, EventType, ParseOptions, ReplayOptions};
use trusted_launch::uefi::device_path::DevicePath;

/// Runs every stage on `bytes`; only a panic fails.
fn exercise(bytes: &[u8]) {
    for allow_padding in [false, true] {
        let Ok(log) = EventLog::parse(bytes, ParseOptions { allow_padding, ..ParseOptions::default() }) else {
            continue;
        };
        for event in log.events() {
            let _ = check_digest(event);
            match event.decode() {
                Ok(EventData::ImageLoad(image)) => {
                    if let Ok(path) = image.device_path() {
                        let _ = path.to_string();
                    }
                }
                Ok(EventData::Variable(variable)) => {
                    let _ = variable.name.to_string();
                    let _ = signature_entries(variable.data);
                }
                Ok(EventData::Gpt(gpt)) => {
                    let _ = gpt.partitions().count();
                }
                Ok(other) => {
                    let _ = format!("{other:?}");
                }
                Err(error) => {
                    let _ = error.to_string();
                }
            }
        }
        if let Ok(replayed) = replay(&log) {
            let values: Vec<_> = replayed
                .banks()
                .banks()
                .flat_map(|bank| (0..24u32).map(move |pcr| (pcr, *bank.value(pcr).unwrap())))
                .collect();
            let report = replayed.compare(values, ReplayOptions { exit_boot_services_workaround: true });
            claims(&VerifiedEvents::new(&log, &report));
        }
        claims(&VerifiedEvents::danger_unverified(&log));
    }
}

fn claims(events: &VerifiedEvents<'_, '_>) {
    let _ = SecureBootState::from_events(events);
    let _ = loaded_images(events);
    let _ = command_lines(events);
    let _ = WindowsBootClaims::from_events(events);
    let _ = check_separators(events);
}

fn corpus_seed() -> Vec<u8> {
    common::corpus_file("eventlog", "go-attestation/windows_gcp_shielded_vm.wbcl.bin")
        .or_else(|| Some(small_log()))
        .unwrap()
}

fn small_log() -> Vec<u8> {
    let mut writer = EventLogWriter::new(&[HashAlgorithm::Sha256], 3).unwrap();
    writer.measure(7, EventType::EV_SEPARATOR, &[0; 4]).unwrap();
    writer.finish().0
}

fn banks() -> impl Strategy<Value = Vec<HashAlgorithm>> {
    proptest::sample::subsequence(HashAlgorithm::ALL.to_vec(), 1..=4)
}

fn measurement() -> impl Strategy<Value = (u32, u32, Vec<u8>)> {
    (
        0u32..24,
        any::<u32>().prop_filter("EV_NO_ACTION is not extended", |t| *t != 3),
        proptest::collection::vec(any::<u8>(), 0..200),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn writer_round_trip(banks in banks(), locality in prop_oneof![Just(0u8), Just(3), Just(4)], events in proptest::collection::vec(measurement(), 0..24)) {
        let mut writer = EventLogWriter::new(&banks, locality).unwrap();
        for (pcr, event_type, data) in &events {
            writer.measure(*pcr, EventType(*event_type), data).unwrap();
        }
        let (bytes, expected) = writer.finish();
        let log = EventLog::parse(&bytes, ParseOptions::default()).unwrap();
        let header = if locality == 0 { 1 } else { 2 };
        prop_assert_eq!(log.events().len(), events.len() + header);
        for (event, (pcr, event_type, data)) in log.events()[header..].iter().zip(&events) {
            prop_assert_eq!(event.pcr_index, *pcr);
            prop_assert_eq!(event.event_type, EventType(*event_type));
            prop_assert_eq!(event.data, data.as_slice());
        }
        let replayed = replay(&log).unwrap();
        prop_assert_eq!(replayed.banks(), &expected);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&bytes);
        let _ = DevicePath::parse(&bytes, 0).map(|path| path.to_string());
    }

    #[test]
    fn arbitrary_records_after_header_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let mut bytes = small_log();
        bytes.extend(tail);
        exercise(&bytes);
    }

    #[test]
    fn mutated_corpus_never_panics(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16), cut in any::<prop::sample::Index>()) {
        let mut bytes = corpus_seed();
        for (index, value) in &edits {
            let at = index.index(bytes.len());
            bytes[at] = *value;
        }
        exercise(&bytes);
        let end = cut.index(bytes.len());
        exercise(&bytes[..end]);
    }
}
