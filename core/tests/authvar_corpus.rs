//! Published authenticated variable updates from the uefi corpus, checked against the verdicts
//! and entry counts that the corpus PROVENANCE.md records (measured there with `openssl cms
//! -verify` under EDK2's flags).
mod common;

use common::corpus_file;
use trusted_launch::uefi::authvar::{
    Authorities, Authority, RefusalReason, UpdateVerdict, VariableState, apply_update,
};
use trusted_launch::uefi::guid::{EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, Guid};
use trusted_launch::uefi::siglist::build_signature_list;
use trusted_launch::uefi::time::EfiTime;

/// Microsoft's owner GUID (PROVENANCE.md, "Owner GUIDs seen").
const MICROSOFT: Guid = Guid::from_fields(0x77fa9abd, 0x0359, 0x4d32, [0xbd, 0x60, 0x28, 0xf4, 0xe7, 0x8f, 0x78, 0x4b]);
/// A PK that is not any signer in the corpus, so that User Mode applies.
const OTHER_OWNER: Guid = Guid::from_fields(1, 2, 3, [4; 8]);

const APPEND: u32 = 0x67;
/// The Microsoft signatures have no signedAttrs (asn1crypto reads an empty SignerInfo
/// signed_attrs), so the RSA signature covers the message itself and any other message fails
/// the signature check rather than a messageDigest comparison.
const CHANGED_MESSAGE: RefusalReason = RefusalReason::BadSignature;
const PLAIN: u32 = 0x27;

fn certificate_list(path: &str) -> Option<Vec<u8>> {
    let der = corpus_file("uefi", &format!("secureboot_objects/certs/{path}"))?;
    Some(build_signature_list(trusted_launch::uefi::guid::EFI_CERT_X509, &[(MICROSOFT, &der)]).unwrap())
}

/// A user-mode key set: a PK (any certificate that signs none of the files) and a KEK holding `kek`.
struct Keys {
    pk: Vec<u8>,
    kek: Vec<u8>,
}

impl Keys {
    fn with_kek(kek: &str) -> Option<Self> {
        let pk = certificate_list("pk_WindowsOEMDevicesPK.der")?;
        let kek = certificate_list(kek)?;
        Some(Self { pk, kek })
    }

    fn authorities(&self) -> Authorities<'_> {
        Authorities { pk: Some(&self.pk), kek: Some(&self.kek) }
    }
}

fn apply_to_empty(name: &str, guid: Guid, attributes: u32, update: &[u8], keys: &Keys) -> UpdateVerdict {
    apply_update(None, name, &guid, attributes, update, &keys.authorities()).unwrap()
}

fn accepted_counts(verdict: &UpdateVerdict) -> (usize, usize) {
    match verdict {
        UpdateVerdict::Accepted { entries_before, entries_after, .. } => (*entries_before, *entries_after),
        UpdateVerdict::Refused { reason } => panic!("refused: {reason}"),
    }
}

#[test]
fn dbx_updates_accepted_with_append() {
    let Some(keys) = Keys::with_kek("kek_MicCorKEKCA2011_2011-06-24.der") else { return };
    // PROVENANCE.md, secureboot_objects/dbx: 443 / 45 / 26 entries, VALID with 0x67 under KEK CA 2011.
    for (file, entries) in [("DBXUpdate_amd64.bin", 443), ("DBXUpdate_x86.bin", 45), ("DBXUpdate_arm64.bin", 26)] {
        let update = corpus_file("uefi", &format!("secureboot_objects/dbx/{file}")).unwrap();
        let verdict = apply_to_empty("dbx", EFI_IMAGE_SECURITY_DATABASE, APPEND, &update, &keys);
        assert_eq!(accepted_counts(&verdict), (0, entries), "{file}");
        let UpdateVerdict::Accepted { authority, new_timestamp, .. } = &verdict else { unreachable!() };
        assert!(matches!(authority, Authority::KeyExchangeKey { .. }), "{file}");
        // PROVENANCE.md: every Microsoft file carries EFI_TIME 2010-03-06T19:17:21.
        assert_eq!((new_timestamp.year, new_timestamp.month, new_timestamp.day), (2010, 3, 6));
    }
}

#[test]
fn dbx_updates_refused_without_append() {
    let Some(keys) = Keys::with_kek("kek_MicCorKEKCA2011_2011-06-24.der") else { return };
    // PROVENANCE.md: INVALID with 0x27, because the signed Attributes include APPEND_WRITE.
    for file in ["DBXUpdate_amd64.bin", "DBXUpdate_x86.bin", "DBXUpdate_arm64.bin"] {
        let update = corpus_file("uefi", &format!("secureboot_objects/dbx/{file}")).unwrap();
        let verdict = apply_to_empty("dbx", EFI_IMAGE_SECURITY_DATABASE, PLAIN, &update, &keys);
        assert_eq!(verdict.reason(), Some(&CHANGED_MESSAGE), "{file}");
    }
}

#[test]
fn dbx_amd64_refused_under_kek_2023() {
    // PROVENANCE.md: DBXUpdate_amd64.bin INVALID under KEK 2K CA 2023.
    let Some(keys) = Keys::with_kek("kek_microsoft_corporation_kek_2k_ca_2023.der") else { return };
    let update = corpus_file("uefi", "secureboot_objects/dbx/DBXUpdate_amd64.bin").unwrap();
    let verdict = apply_to_empty("dbx", EFI_IMAGE_SECURITY_DATABASE, APPEND, &update, &keys);
    assert_eq!(verdict.reason(), Some(&RefusalReason::SignerNotAuthorized));
}

#[test]
fn dbx_amd64_refused_as_db() {
    // PROVENANCE.md: DBXUpdate_amd64.bin INVALID if name "db".
    let Some(keys) = Keys::with_kek("kek_MicCorKEKCA2011_2011-06-24.der") else { return };
    let update = corpus_file("uefi", "secureboot_objects/dbx/DBXUpdate_amd64.bin").unwrap();
    let verdict = apply_to_empty("db", EFI_IMAGE_SECURITY_DATABASE, APPEND, &update, &keys);
    assert_eq!(verdict.reason(), Some(&CHANGED_MESSAGE));
}

#[test]
fn older_dbx_adds_nothing_after_current() {
    let Some(keys) = Keys::with_kek("kek_MicCorKEKCA2011_2011-06-24.der") else { return };
    let current = corpus_file("uefi", "secureboot_objects/dbx/DBXUpdate_amd64.bin").unwrap();
    let older = corpus_file("uefi", "secureboot_objects/dbx_history/DBXUpdate_amd64_8e4a78b_2025-10-15.bin").unwrap();
    let UpdateVerdict::Accepted { new_data, new_timestamp, .. } =
        apply_to_empty("dbx", EFI_IMAGE_SECURITY_DATABASE, APPEND, &current, &keys)
    else {
        panic!("current dbx update refused")
    };

    // PROVENANCE.md, dbx_history: 431 entries, a strict subset of the current 443, VALID 0x67;
    // "append(current) then append(old) → no new entries, still success, timestamp unchanged".
    let state = VariableState { attributes: PLAIN, timestamp: Some(new_timestamp), data: &new_data };
    let verdict =
        apply_update(Some(&state), "dbx", &EFI_IMAGE_SECURITY_DATABASE, APPEND, &older, &keys.authorities()).unwrap();
    assert_eq!(accepted_counts(&verdict), (443, 443));
    let UpdateVerdict::Accepted { new_data: after, new_timestamp: time_after, .. } = verdict else { unreachable!() };
    assert_eq!(after, new_data);
    assert_eq!(time_after, new_timestamp);

    let alone = apply_to_empty("dbx", EFI_IMAGE_SECURITY_DATABASE, APPEND, &older, &keys);
    assert_eq!(accepted_counts(&alone), (0, 431));
}

#[test]
fn append_keeps_later_timestamp() {
    let Some(keys) = Keys::with_kek("kek_MicCorKEKCA2011_2011-06-24.der") else { return };
    let update = corpus_file("uefi", "secureboot_objects/dbx/DBXUpdate_x86.bin").unwrap();
    // The Debian OVMF dbx time stamp, 2025-03-10T02:53:39Z (PROVENANCE.md, ovmf_debian), is later
    // than the update's 2010-03-06.
    let stored = EfiTime { year: 2025, month: 3, day: 10, hour: 2, minute: 53, second: 39, ..EfiTime::default() };
    let state = VariableState { attributes: PLAIN, timestamp: Some(stored), data: &[] };
    let verdict =
        apply_update(Some(&state), "dbx", &EFI_IMAGE_SECURITY_DATABASE, APPEND, &update, &keys.authorities()).unwrap();
    let UpdateVerdict::Accepted { new_timestamp, entries_after, .. } = verdict else { panic!("refused") };
    assert_eq!(new_timestamp, stored);
    assert_eq!(entries_after, 45);
}

#[test]
fn optional_updates_accepted() {
    let Some(keys) = Keys::with_kek("kek_MicCorKEKCA2011_2011-06-24.der") else { return };
    // PROVENANCE.md, dbx_optional: DBXUpdate2024 = 1 X509 + 3 SVN entries; DBXUpdateSVN = 3 SVN
    // entries; db_optional: one X509 each; all VALID 0x67 under KEK CA 2011.
    let cases = [
        ("dbx_optional/DBXUpdate2024.bin", "dbx", 4),
        ("dbx_optional/DBXUpdateSVN.bin", "dbx", 3),
        ("db_optional/DBUpdate2024.bin", "db", 1),
        ("db_optional/DBUpdate3P2023.bin", "db", 1),
        ("db_optional/DBUpdateOROM2023.bin", "db", 1),
    ];
    for (file, name, entries) in cases {
        let update = corpus_file("uefi", &format!("secureboot_objects/{file}")).unwrap();
        let verdict = apply_to_empty(name, EFI_IMAGE_SECURITY_DATABASE, APPEND, &update, &keys);
        assert_eq!(accepted_counts(&verdict), (0, entries), "{file}");
        let plain = apply_to_empty(name, EFI_IMAGE_SECURITY_DATABASE, PLAIN, &update, &keys);
        assert!(!plain.is_accepted(), "{file} with 0x27");
    }
}

fn kek_update_keys() -> Option<Keys> {
    let pk = certificate_list("pk_MicrosoftHyperVFirmwarePK_extracted.der")?;
    let kek = certificate_list("kek_MicCorKEKCA2011_2011-06-24.der")?;
    Some(Keys { pk, kek })
}

#[test]
fn kek_update_accepted_under_its_pk() {
    let Some(keys) = kek_update_keys() else { return };
    let update = corpus_file("uefi", "secureboot_objects/kek_update_samples/KEKUpdate_Microsoft_PK1.bin").unwrap();
    // PROVENANCE.md, kek_update_samples: VALID 0x67 with the Hyper-V PK, adds KEK 2K CA 2023; INVALID with 0x27.
    let verdict = apply_to_empty("KEK", EFI_GLOBAL_VARIABLE, APPEND, &update, &keys);
    assert_eq!(accepted_counts(&verdict), (0, 1));
    let UpdateVerdict::Accepted { authority, .. } = &verdict else { unreachable!() };
    assert!(matches!(authority, Authority::PlatformKey { .. }));
    let plain = apply_to_empty("KEK", EFI_GLOBAL_VARIABLE, PLAIN, &update, &keys);
    assert_eq!(plain.reason(), Some(&CHANGED_MESSAGE));
}

#[test]
fn kek_update_refused_under_other_pk() {
    let Some(mut keys) = kek_update_keys() else { return };
    keys.pk = build_signature_list(
        trusted_launch::uefi::guid::EFI_CERT_X509,
        &[(OTHER_OWNER, &corpus_file("uefi", "secureboot_objects/certs/pk_WindowsOEMDevicesPK.der").unwrap())],
    )
    .unwrap();
    let update = corpus_file("uefi", "secureboot_objects/kek_update_samples/KEKUpdate_Microsoft_PK1.bin").unwrap();
    let verdict = apply_to_empty("KEK", EFI_GLOBAL_VARIABLE, APPEND, &update, &keys);
    assert_eq!(verdict.reason(), Some(&RefusalReason::SignerNotAuthorized));
}

#[test]
fn invalid_kek_update_refused() {
    let Some(keys) = kek_update_keys() else { return };
    let update =
        corpus_file("uefi", "secureboot_objects/kek_update_samples/KEKUpdate_Microsoft_PK1_INVALIDSIG_7c92b79.bin")
            .unwrap();
    // PROVENANCE.md: INVALID for every name, GUID and attribute combination tried.
    for (name, guid) in [("KEK", EFI_GLOBAL_VARIABLE), ("db", EFI_IMAGE_SECURITY_DATABASE)] {
        for attributes in [APPEND, PLAIN] {
            let verdict = apply_to_empty(name, guid, attributes, &update, &keys);
            assert!(!verdict.is_accepted(), "{name} {attributes:#x}");
        }
    }
}
