//! Debian's OVMF variable stores and shim's efivarfs dump from the uefi corpus, read and updated.
//! Expected values come from the PROVENANCE.md rows named beside each test.
mod common;

use common::{corpus, corpus_file};
use trusted_launch::uefi::authvar::{RefusalReason, UpdateVerdict};
use trusted_launch::uefi::guid::{EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE};
use trusted_launch::uefi::varstore::edk2::NvStore;
use trusted_launch::uefi::varstore::efivarfs::EfivarfsStore;
use trusted_launch::uefi::varstore::policy::secure_boot_policy;
use trusted_launch::uefi::varstore::{VariableStore, apply_update_to_store};

fn ovmf(name: &str) -> Option<Vec<u8>> {
    corpus_file("uefi", &format!("ovmf_debian/{name}"))
}

#[test]
fn ms_store_records_and_live_variables() {
    let Some(image) = ovmf("OVMF_VARS_4M.ms.fd") else { return };
    let store = NvStore::parse(&image).unwrap();
    // PROVENANCE.md, ovmf_debian OVMF_VARS_4M.ms.fd: 57 records (31 VAR_ADDED 0x3f, 25 deleted
    // 0x3c, 1 BootOrder 0x3d), records end at 0x5998; 31 live variables.
    let records = store.records();
    assert_eq!(records.len(), 57);
    assert_eq!(records.iter().filter(|record| record.state == 0x3f).count(), 31);
    assert_eq!(records.iter().filter(|record| record.state == 0x3c).count(), 25);
    assert_eq!(records.iter().filter(|record| record.state == 0x3d).count(), 1);
    assert_eq!(store.variables().len(), 31);
    assert_eq!(0x40000 - store.free_space(), 0x5998);
    assert!(store.find("BootOrder", &EFI_GLOBAL_VARIABLE).is_none());

    // Same row: PK, KEK, db, dbx attributes 0x27, time 2025-03-10T02:53:39Z; dbx one placeholder.
    for name in ["PK", "KEK"] {
        let variable = store.find(name, &EFI_GLOBAL_VARIABLE).unwrap();
        assert_eq!(variable.attributes, 0x27);
        let time = variable.timestamp.unwrap();
        assert_eq!((time.year, time.month, time.day, time.hour, time.minute, time.second), (2025, 3, 10, 2, 53, 39));
    }
    let policy = secure_boot_policy(&store).unwrap();
    assert_eq!(policy.db.len(), 2);
    assert_eq!(policy.dbx.len(), 1);
    assert!(policy.dbt.is_empty());
    assert_eq!(store.to_bytes(), image);
}

#[test]
fn other_stores_parse() {
    // PROVENANCE.md, ovmf_debian: snakeoil has the same layout; the blank 4M store has no
    // variables; the 2M .ms store has the same contents as the 4M one.
    let Some(snakeoil) = ovmf("OVMF_VARS_4M.snakeoil.fd") else { return };
    assert_eq!(NvStore::parse(&snakeoil).unwrap().variables().len(), 31);
    let blank = NvStore::parse(&ovmf("OVMF_VARS_4M.fd").unwrap()).unwrap();
    assert!(blank.variables().is_empty());
    let small = NvStore::parse(&ovmf("OVMF_VARS.ms.fd").unwrap()).unwrap();
    let large = NvStore::parse(&ovmf("OVMF_VARS_4M.ms.fd").unwrap()).unwrap();
    let summary = |store: &NvStore| {
        let mut names: Vec<(String, String, u32, usize)> = store
            .variables()
            .iter()
            .map(|variable| {
                (variable.name.clone(), variable.guid.to_string(), variable.attributes, variable.data.len())
            })
            .collect();
        names.sort();
        names
    };
    assert_eq!(summary(&small), summary(&large));
}

#[test]
fn amd64_dbx_applied_to_ms_store() {
    let Some(image) = ovmf("OVMF_VARS_4M.ms.fd") else { return };
    let update = corpus_file("uefi", "secureboot_objects/dbx/DBXUpdate_amd64.bin").unwrap();
    let mut store = NvStore::parse(&image).unwrap();
    let before = store.variables().to_vec();

    // PROVENANCE.md end-to-end expectations: DBXUpdate_*.bin applied to OVMF_VARS_4M.ms.fd is
    // accepted (KEK CA 2011 is in KEK); derived virt-fw-vars_ms_plus_DBXUpdate_amd64.json: 444
    // entries (placeholder + 443), time stays 2025-03-10.
    let verdict = apply_update_to_store(&mut store, "dbx", &EFI_IMAGE_SECURITY_DATABASE, 0x67, &update).unwrap();
    let UpdateVerdict::Accepted { entries_before, entries_after, new_timestamp, .. } = verdict else {
        panic!("refused: {verdict:?}")
    };
    assert_eq!((entries_before, entries_after), (1, 444));
    assert_eq!(new_timestamp.year, 2025);

    let written = store.to_bytes();
    assert_eq!(written.len(), image.len());
    assert_eq!(written[..0x48], image[..0x48], "volume header unchanged");
    assert_eq!(written[0x40000..], image[0x40000..], "fault-tolerant-write areas unchanged");
    let reread = NvStore::parse(&written).unwrap();
    assert_eq!(secure_boot_policy(&reread).unwrap().dbx.len(), 444);
    let after = reread.variables();
    assert_eq!(after.len(), before.len());
    for variable in &before {
        let found = reread.find(&variable.name, &variable.guid).unwrap();
        if variable.name != "dbx" {
            assert!(found == variable, "{} changed", variable.name);
        }
    }
}

#[test]
fn amd64_dbx_refused_by_snakeoil_store() {
    let Some(image) = ovmf("OVMF_VARS_4M.snakeoil.fd") else { return };
    let update = corpus_file("uefi", "secureboot_objects/dbx/DBXUpdate_amd64.bin").unwrap();
    let mut store = NvStore::parse(&image).unwrap();
    // PROVENANCE.md end-to-end expectations: the same update to the snakeoil store is rejected.
    let verdict = apply_update_to_store(&mut store, "dbx", &EFI_IMAGE_SECURITY_DATABASE, 0x67, &update).unwrap();
    assert_eq!(verdict.reason(), Some(&RefusalReason::SignerNotAuthorized));
    assert_eq!(store.to_bytes(), image);
}

#[test]
fn blank_store_accepts_in_setup_mode() {
    let Some(image) = ovmf("OVMF_VARS_4M.fd") else { return };
    let update = corpus_file("uefi", "secureboot_objects/dbx/DBXUpdate_amd64.bin").unwrap();
    let mut store = NvStore::parse(&image).unwrap();
    // PROVENANCE.md end-to-end expectations: the blank store is in Setup Mode, so the update is
    // accepted without a signature check.
    let verdict = apply_update_to_store(&mut store, "dbx", &EFI_IMAGE_SECURITY_DATABASE, 0x67, &update).unwrap();
    assert!(verdict.is_accepted());
    assert_eq!(secure_boot_policy(&store).unwrap().dbx.len(), 443);
}

#[test]
fn efivarfs_dump_policy() {
    let Some(folder) = corpus("uefi") else { return };
    let folder = folder.join("shim/test-data-efivars-1");
    let files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (entry.file_name().into_string().unwrap(), std::fs::read(entry.path()).unwrap())
        })
        .collect();
    let store = EfivarfsStore::from_files(files.iter().map(|(name, bytes)| (name.as_str(), bytes.as_slice()))).unwrap();
    // PROVENANCE.md, shim test-data-efivars-1: db = 6 X509 + 5 SHA256; dbx = 77 SHA256; PK 0x27.
    let policy = secure_boot_policy(&store).unwrap();
    assert_eq!(policy.db.len(), 11);
    assert_eq!(policy.dbx.len(), 77);
    assert!(policy.sbat_level.is_some());
    assert_eq!(store.find("PK", &EFI_GLOBAL_VARIABLE).unwrap().attributes, 0x27);
    assert!(store.find("PK", &EFI_GLOBAL_VARIABLE).unwrap().timestamp.is_none());
}
