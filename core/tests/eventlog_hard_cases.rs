//! Hard cases of event-log parsing and replay: padding, garbage, truncation, oversized fields,
//! empty logs, startup localities, H-CRTM, SHA-1 logs, missing banks, duplicated separators,
//! PCR index 0xFFFFFFFF, a malformed Spec ID event and relabelled event types.
mod common;

use trusted_launch::ErrorKind;
use trusted_launch::digest::{Digest, HashAlgorithm};
use trusted_launch::eventlog::claims::{VerifiedEvents, check_separators};
use trusted_launch::eventlog::parse::agile_record;
use trusted_launch::eventlog::replay::replay;
use trusted_launch::eventlog::secureboot_state::SecureBootState;
use trusted_launch::eventlog::{
    EventLog, EventLogWriter, EventType, LogFormat, Padding, ParseOptions, PcrResult, ReplayOptions,
};
use trusted_launch::tpm::pcr::PcrBanks;

const BANKS: [HashAlgorithm; 2] = [HashAlgorithm::Sha1, HashAlgorithm::Sha256];

fn small_log(locality: u8) -> (Vec<u8>, PcrBanks) {
    let mut writer = EventLogWriter::new(&BANKS, locality).unwrap();
    writer.measure(0, EventType::EV_S_CRTM_VERSION, &[0x31, 0x00, 0x00, 0x00]).unwrap();
    writer.measure(7, EventType::EV_SEPARATOR, &[0; 4]).unwrap();
    writer.measure(4, EventType::EV_EFI_ACTION, b"Calling EFI Application from Boot Option").unwrap();
    writer.finish()
}

fn strict() -> ParseOptions {
    ParseOptions::default()
}

fn lenient() -> ParseOptions {
    ParseOptions { allow_padding: true, ..ParseOptions::default() }
}

#[test]
fn zero_padding_needs_option() {
    let (mut bytes, _) = small_log(0);
    let end = bytes.len();
    bytes.extend([0u8; 300]);
    let error = EventLog::parse(&bytes, strict()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Padding { length: 300 });
    assert_eq!(error.offset, end);
    let log = EventLog::parse(&bytes, lenient()).unwrap();
    assert_eq!(log.padding(), Padding::Zero(300));
    assert_eq!(log.events().len(), 4);
}

#[test]
fn ones_padding_of_tdx_ccel() {
    let Some(bytes) = common::corpus_file("eventlog", "go-eventlog/ccel-cos-113-intel-tdx.bin") else { return };
    // PROVENANCE.md: 256 KiB file, 244043 bytes of 0xFF padding after the last event.
    assert_eq!(EventLog::parse(&bytes, strict()).unwrap_err().kind, ErrorKind::Padding { length: 244_043 });
    let log = EventLog::parse(&bytes, lenient()).unwrap();
    assert_eq!(log.padding(), Padding::Ones(244_043));
    assert_eq!(log.algorithms(), [HashAlgorithm::Sha384]);
}

#[test]
fn garbage_tail_is_trailing_data() {
    let (mut bytes, _) = small_log(0);
    let end = bytes.len();
    bytes.extend_from_slice(b"this is not an event record at all");
    let error = EventLog::parse(&bytes, lenient()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::TrailingData);
    assert_eq!(error.offset, end);
}

#[test]
fn truncated_last_event() {
    let (bytes, _) = small_log(0);
    let cut = &bytes[..bytes.len() - 5];
    let error = EventLog::parse(cut, lenient()).unwrap_err();
    assert!(matches!(error.kind, ErrorKind::Truncated { .. }), "{error}");
    assert!(error.offset < cut.len());
}

#[test]
fn event_size_far_beyond_file() {
    let (mut bytes, _) = small_log(0);
    let digests = [HashAlgorithm::Sha1.hash(b""), HashAlgorithm::Sha256.hash(b"")];
    let mut record = agile_record(4, EventType::EV_IPL, &digests, b"");
    let size_at = record.len() - 4;
    record[size_at..].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    bytes.extend(record);
    let error = EventLog::parse(&bytes, strict()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Truncated { needed: 0xFFFF_FFF0 });
}

#[test]
fn keylime_bogus_and_empty() {
    let Some(bogus) = common::corpus_file("eventlog", "keylime/binary_bios_measurements-bogus") else { return };
    // PROVENANCE.md: "34 bytes of text. Must be rejected"; "0 bytes. Must be rejected."
    assert!(EventLog::parse(&bogus, lenient()).is_err());
    let empty = common::corpus_file("eventlog", "keylime/binary_bios_measurements-empty").unwrap();
    assert_eq!(EventLog::parse(&empty, lenient()).unwrap_err().kind, ErrorKind::Empty);
    assert_eq!(EventLog::parse(&[0; 64], lenient()).unwrap_err().kind, ErrorKind::Empty);
}

#[test]
fn startup_locality_3_and_4() {
    for locality in [3u8, 4] {
        let (bytes, banks) = small_log(locality);
        let log = EventLog::parse(&bytes, strict()).unwrap();
        let replayed = replay(&log).unwrap();
        for algorithm in BANKS {
            // TCG PC Client PFP, StartupLocality: PCR 0 starts as 0…0‖locality, then is extended.
            let mut start = vec![0u8; algorithm.output_size()];
            *start.last_mut().unwrap() = locality;
            let event = algorithm.hash(&[0x31, 0, 0, 0]);
            let expected = algorithm.hash(&[start.as_slice(), event.as_bytes()].concat());
            assert_eq!(replayed.value(algorithm, 0), Some(&expected));
            assert_eq!(banks.value(algorithm, 0), Some(&expected));
        }
    }
}

#[test]
fn hcrtm_event_starts_pcr0_at_4() {
    let mut writer = EventLogWriter::new(&BANKS, 0).unwrap();
    writer.measure(0, EventType::EV_EFI_HCRTM_EVENT, b"HCRTM").unwrap();
    let (bytes, _) = writer.finish();
    let replayed = replay(&EventLog::parse(&bytes, strict()).unwrap()).unwrap();
    // H-CRTM: PCR 0 is reset to 0…0‖04 before the H-CRTM digest is extended.
    let mut start = vec![0u8; 32];
    start[31] = 4;
    let expected =
        HashAlgorithm::Sha256.hash(&[start.as_slice(), HashAlgorithm::Sha256.hash(b"HCRTM").as_bytes()].concat());
    assert_eq!(replayed.value(HashAlgorithm::Sha256, 0), Some(&expected));
}

#[test]
fn sha1_log_has_no_sha256_bank() {
    let Some(bytes) = common::corpus_file("eventlog", "tpm2-tools/event-uefi-sha1-log.bin") else { return };
    let log = EventLog::parse(&bytes, strict()).unwrap();
    assert_eq!(log.format(), LogFormat::Sha1);
    let quoted = Digest::new(HashAlgorithm::Sha256, &[0xAB; 32]).unwrap();
    let report = replay(&log).unwrap().compare([(0, quoted)], ReplayOptions::default());
    assert_eq!(report.entries()[0].result, PcrResult::NotInLog);
    assert_eq!(report.verified_pcrs(), 0);
}

#[test]
fn short_no_action_is_sha1_log() {
    let Some(bytes) = common::corpus_file("eventlog", "go-attestation/short_no_action_eventlog") else { return };
    // PROVENANCE.md: a single SHA-1 format StartupLocality event; it must parse as a SHA-1 log.
    let log = EventLog::parse(&bytes, strict()).unwrap();
    assert_eq!(log.format(), LogFormat::Sha1);
    assert_eq!(log.events().len(), 1);
}

#[test]
fn event_missing_a_bank() {
    let Some(bytes) = common::corpus_file("eventlog", "tpm2-tools/event-uefiaction.bin") else { return };
    // PROVENANCE.md: the Spec ID lists sha1, sha256, sha384 and sha512; the event carries fewer.
    let log = EventLog::parse(&bytes, strict()).unwrap();
    assert_eq!(log.algorithms().len(), 4);
    let event = &log.events()[1];
    let carried: Vec<_> = event.digests().map(|digest| digest.algorithm()).collect();
    let missing = HashAlgorithm::ALL.into_iter().find(|algorithm| !carried.contains(algorithm)).unwrap();
    let replayed = replay(&log).unwrap();
    let pcr = event.pcr_index;
    let expected = Digest::new(missing, &vec![0; missing.output_size()]).unwrap();
    let report = replayed.compare([(pcr, expected)], ReplayOptions::default());
    assert_eq!(report.entries()[0].result, PcrResult::MissingDigest { event_index: 1 });
    assert_eq!(replayed.value(missing, pcr), None);
}

#[test]
fn duplicated_separator_is_rejected() {
    let Some(bytes) = common::corpus_file("eventlog", "go-eventlog/ccel-cos-113-intel-tdx-dupe-separator.bin") else {
        return;
    };
    // PROVENANCE.md: same log with a duplicated separator; it must be rejected by state extraction.
    let log = EventLog::parse(&bytes, lenient()).unwrap();
    let error = check_separators(&VerifiedEvents::danger_unverified(&log)).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidField { field: "duplicate separator" });
    let good = common::corpus_file("eventlog", "go-eventlog/ccel-cos-113-intel-tdx.bin").unwrap();
    let log = EventLog::parse(&good, lenient()).unwrap();
    check_separators(&VerifiedEvents::danger_unverified(&log)).unwrap();
}

#[test]
fn pcr_index_all_ones() {
    let (mut bytes, banks) = small_log(0);
    let zeros =
        [Digest::new(HashAlgorithm::Sha1, &[0; 20]).unwrap(), Digest::new(HashAlgorithm::Sha256, &[0; 32]).unwrap()];
    bytes.extend(agile_record(0xFFFF_FFFF, EventType::EV_NO_ACTION, &zeros, b"WBCL trust point"));
    let log = EventLog::parse(&bytes, strict()).unwrap();
    let replayed = replay(&log).unwrap();
    assert_eq!(replayed.banks(), &banks);

    let end = bytes.len();
    bytes.extend(agile_record(0xFFFF_FFFF, EventType::EV_SEPARATOR, &zeros, &[0; 4]));
    let error = EventLog::parse(&bytes, strict()).unwrap_err();
    assert_eq!(error.offset, end);
    assert_eq!(error.kind, ErrorKind::TrailingData);
}

#[test]
fn spec_id_vendor_info_out_of_bounds() {
    let Some(bytes) = common::corpus_file("eventlog", "tpm2-tools/specid-vendordata.bin") else { return };
    // PROVENANCE.md: Spec ID EventSize=37 excludes the 4 vendorInfo bytes; strict parsers reject it.
    let error = EventLog::parse(&bytes, strict()).unwrap_err();
    assert_eq!(error.structure, "TCG_EfiSpecIDEvent");
    assert_eq!(error.kind, ErrorKind::Truncated { needed: 4 });
}

#[test]
fn relabelled_event_type() {
    let Some(bytes) = common::corpus_file("eventlog", "go-tpm-tools/rhel8-uefi.bin") else { return };
    let log = EventLog::parse(&bytes, strict()).unwrap();
    let original = replay(&log).unwrap();
    let pcr7 = original.value(HashAlgorithm::Sha256, 7).copied().unwrap();
    let variable =
        log.events().iter().find(|event| event.event_type == EventType::EV_EFI_VARIABLE_DRIVER_CONFIG).unwrap();
    let type_at = variable.offset + 4;

    // Relabelled as EV_NO_ACTION, the event is no longer extended: PCR 7 differs.
    let mut hidden = bytes.clone();
    hidden[type_at..type_at + 4].copy_from_slice(&EventType::EV_NO_ACTION.0.to_le_bytes());
    let log = EventLog::parse(&hidden, strict()).unwrap();
    let report = replay(&log).unwrap().compare([(7, pcr7)], ReplayOptions::default());
    assert!(matches!(report.entries()[0].result, PcrResult::Differs { .. }));

    // Relabelled as an EFI action, PCR 7 still matches (the type is not hashed), but the Secure
    // Boot state rejects an unknown PCR 7 action.
    let mut relabelled = bytes.clone();
    relabelled[type_at..type_at + 4].copy_from_slice(&EventType::EV_EFI_ACTION.0.to_le_bytes());
    let log = EventLog::parse(&relabelled, strict()).unwrap();
    let report = replay(&log).unwrap().compare([(7, pcr7)], ReplayOptions::default());
    assert_eq!(report.entries()[0].result, PcrResult::Matches);
    assert!(SecureBootState::from_events(&VerifiedEvents::new(&log, &report)).is_err());
}

#[test]
fn pcr_outside_log_is_not_accepted() {
    let Some(bytes) = common::corpus_file("eventlog", "go-attestation/sb_cert_eventlog") else { return };
    // expected_pcrs.json sb_cert_eventlog sha1 PCR 10, which the log does not cover.
    let quoted = Digest::new(HashAlgorithm::Sha1, &common::hex("8284103e06d40122bc64a0e4a1891af9ecd45cf6")).unwrap();
    let log = EventLog::parse(&bytes, strict()).unwrap();
    let report = replay(&log).unwrap().compare([(10, quoted)], ReplayOptions::default());
    assert_eq!(report.entries()[0].result, PcrResult::NotInLog);
    assert!(!report.all_match());
}

#[test]
fn writer_log_replays_to_its_banks() {
    let (bytes, banks) = small_log(0);
    let log = EventLog::parse(&bytes, strict()).unwrap();
    assert_eq!(replay(&log).unwrap().banks(), &banks);
}
