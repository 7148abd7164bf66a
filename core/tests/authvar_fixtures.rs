//! Authenticated variable updates signed with the project's test keys, one file per rule, from
//! `tests/fixtures/authvar` (written by `tools/fixtures/authvar.py`). Each expected verdict and
//! reason is the one that generator's `manifest.json` records for the file.
mod common;

use common::repo_root;
use trusted_launch::uefi::authvar::{Authorities, Authority, UpdateVerdict, VariableState, apply_update};
use trusted_launch::uefi::guid::{EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, Guid};
use trusted_launch::uefi::time::EfiTime;

fn fixture(name: &str) -> Vec<u8> {
    let path = repo_root().join("tests/fixtures/authvar").join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

/// manifest.json `stored_time`: 2024-01-01T00:00:00.
const STORED_TIME: EfiTime = EfiTime {
    year: 2024,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    pad1: 0,
    nanosecond: 0,
    time_zone: 0,
    daylight: 0,
    pad2: 0,
};

/// Applies `file` to variable `name` whose stored data is the fixture `stored`, with the
/// fixture PK and KEK enrolled.
fn apply(file: &str, name: &str, guid: Guid, attributes: u32, stored: &str) -> UpdateVerdict {
    let (pk, kek, data) = (fixture("pk.esl"), fixture("kek.esl"), fixture(stored));
    let state = VariableState { attributes: 0x27, timestamp: Some(STORED_TIME), data: &data };
    let authorities = Authorities { pk: Some(&pk), kek: Some(&kek) };
    apply_update(Some(&state), name, &guid, attributes, &fixture(file), &authorities).unwrap()
}

fn reason_code(verdict: &UpdateVerdict) -> Option<&'static str> {
    verdict.reason().map(|reason| reason.code())
}

#[test]
fn db_append_by_kek_accepted() {
    let verdict = apply("db-append-by-kek.auth", "db", EFI_IMAGE_SECURITY_DATABASE, 0x67, "db.esl");
    let UpdateVerdict::Accepted { entries_before, entries_after, new_timestamp, authority, .. } = verdict else {
        panic!("refused: {verdict:?}")
    };
    // manifest.json: db.esl contains one certificate; the update appends 3 SHA-256 entries dated 2024-06-01.
    assert_eq!((entries_before, entries_after), (1, 4));
    assert_eq!((new_timestamp.year, new_timestamp.month), (2024, 6));
    assert!(matches!(authority, Authority::KeyExchangeKey { .. }));
}

#[test]
fn db_update_by_db_key_refused() {
    let verdict = apply("db-append-by-db-key.auth", "db", EFI_IMAGE_SECURITY_DATABASE, 0x67, "db.esl");
    assert_eq!(reason_code(&verdict), Some("signer_not_authorized"));
}

#[test]
fn kek_update_by_pk_accepted() {
    let verdict = apply("kek-append-by-pk.auth", "KEK", EFI_GLOBAL_VARIABLE, 0x67, "kek.esl");
    let UpdateVerdict::Accepted { entries_after, authority, .. } = verdict else { panic!("refused") };
    assert_eq!(entries_after, 2);
    assert!(matches!(authority, Authority::PlatformKey { .. }));
}

#[test]
fn kek_update_by_kek_refused() {
    let verdict = apply("kek-append-by-kek.auth", "KEK", EFI_GLOBAL_VARIABLE, 0x67, "kek.esl");
    assert_eq!(reason_code(&verdict), Some("signer_not_authorized"));
}

#[test]
fn newer_replacement_accepted() {
    let verdict = apply("db-replace-newer.auth", "db", EFI_IMAGE_SECURITY_DATABASE, 0x27, "db.esl");
    let UpdateVerdict::Accepted { entries_before, entries_after, .. } = verdict else { panic!("refused") };
    assert_eq!((entries_before, entries_after), (1, 3));
}

#[test]
fn older_replacement_refused() {
    let verdict = apply("db-replace-older.auth", "db", EFI_IMAGE_SECURITY_DATABASE, 0x27, "db.esl");
    assert_eq!(reason_code(&verdict), Some("stale_timestamp"));
}

#[test]
fn older_replacement_accepted_as_first_write() {
    // With no stored variable there is no time stamp to be later than.
    let (pk, kek) = (fixture("pk.esl"), fixture("kek.esl"));
    let authorities = Authorities { pk: Some(&pk), kek: Some(&kek) };
    let update = fixture("db-replace-older.auth");
    let verdict = apply_update(None, "db", &EFI_IMAGE_SECURITY_DATABASE, 0x27, &update, &authorities).unwrap();
    assert!(verdict.is_accepted());
}

#[test]
fn tampered_payload_refused() {
    let verdict = apply("db-append-tampered.auth", "db", EFI_IMAGE_SECURITY_DATABASE, 0x67, "db.esl");
    assert_eq!(reason_code(&verdict), Some("message_digest_mismatch"));
}

#[test]
fn duplicated_list_refused() {
    let verdict = apply("db-append-duplicate-list.auth", "db", EFI_IMAGE_SECURITY_DATABASE, 0x67, "db.esl");
    assert_eq!(reason_code(&verdict), Some("duplicate_entry"));
}

#[test]
fn nonzero_nanosecond_refused() {
    let verdict = apply("db-append-nonzero-nanosecond.auth", "db", EFI_IMAGE_SECURITY_DATABASE, 0x67, "db.esl");
    assert_eq!(reason_code(&verdict), Some("invalid_timestamp"));
}

#[test]
fn replay_other_guid_refused() {
    let verdict = apply("db-append-for-other-guid.auth", "db", EFI_IMAGE_SECURITY_DATABASE, 0x67, "db.esl");
    assert_eq!(reason_code(&verdict), Some("message_digest_mismatch"));
}

#[test]
fn replay_other_name_refused() {
    // db-append-by-kek.auth was signed for db; replayed against dbx and dbt.
    for name in ["dbx", "dbt"] {
        let verdict = apply("db-append-by-kek.auth", name, EFI_IMAGE_SECURITY_DATABASE, 0x67, "db.esl");
        assert_eq!(reason_code(&verdict), Some("message_digest_mismatch"), "{name}");
    }
    // Under another GUID, db is not a Secure Boot key variable at all.
    let verdict = apply("db-append-by-kek.auth", "db", EFI_GLOBAL_VARIABLE, 0x67, "db.esl");
    assert_eq!(reason_code(&verdict), Some("unsupported_variable"));
}

#[test]
fn delete_by_kek_accepted() {
    let verdict = apply("db-delete-by-kek.auth", "db", EFI_IMAGE_SECURITY_DATABASE, 0x27, "db.esl");
    let UpdateVerdict::Accepted { deleted, entries_after, new_data, .. } = verdict else { panic!("refused") };
    assert!(deleted);
    assert_eq!(entries_after, 0);
    assert!(new_data.is_empty());
}

#[test]
fn setup_mode_enrolls_unsigned_pk() {
    let update = fixture("pk-enroll-unsigned.auth");
    let verdict = apply_update(None, "PK", &EFI_GLOBAL_VARIABLE, 0x27, &update, &Authorities::default()).unwrap();
    let UpdateVerdict::Accepted { authority, new_data, .. } = verdict else { panic!("refused") };
    assert_eq!(authority, Authority::SetupMode);
    assert_eq!(new_data, fixture("pk.esl"));

    // The same file in User Mode has no signature to check and is not decodable as PKCS#7.
    let (pk, kek) = (fixture("pk.esl"), fixture("kek.esl"));
    let authorities = Authorities { pk: Some(&pk), kek: Some(&kek) };
    assert!(apply_update(None, "PK", &EFI_GLOBAL_VARIABLE, 0x27, &update, &authorities).is_err());
}

#[test]
fn attribute_rules() {
    let verdict = apply("db-append-by-kek.auth", "db", EFI_IMAGE_SECURITY_DATABASE, 0x47, "db.esl");
    assert_eq!(reason_code(&verdict), Some("not_time_based"));
    let verdict = apply("db-append-by-kek.auth", "db", EFI_IMAGE_SECURITY_DATABASE, 0x77, "db.esl");
    assert_eq!(reason_code(&verdict), Some("invalid_attributes"));
}
