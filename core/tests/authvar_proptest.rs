//! Arbitrary bytes fed to the authenticated-variable and variable-store parsers and to
//! `apply_update`: none of them may panic.
mod common;

use proptest::prelude::*;
use trusted_launch::authenticode::DetachedSignature;
use trusted_launch::uefi::authvar::{Authorities, VariableAuthentication2, VariableState, apply_update};
use trusted_launch::uefi::guid::{EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE};
use trusted_launch::uefi::varstore::edk2::NvStore;
use trusted_launch::uefi::varstore::efivarfs::{EfivarfsStore, parse_file_name};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(common::repo_root().join("tests/fixtures/authvar").join(name)).unwrap()
}

proptest! {
    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = VariableAuthentication2::parse(&bytes);
        let _ = DetachedSignature::parse(&bytes, 0);
        let _ = NvStore::parse(&bytes);
        let _ = EfivarfsStore::from_files([("db-d719b2cb-3d3a-4596-a3bc-dad00e67656f", bytes.as_slice())]);
        let _ = parse_file_name(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn apply_never_panics(
        update in proptest::collection::vec(any::<u8>(), 0..1024),
        stored in proptest::collection::vec(any::<u8>(), 0..256),
        attributes in any::<u32>(),
    ) {
        let (pk, kek) = (fixture("pk.esl"), fixture("kek.esl"));
        let authorities = Authorities { pk: Some(&pk), kek: Some(&kek) };
        let state = VariableState { attributes: 0x27, timestamp: None, data: &stored };
        for (name, guid) in [("db", EFI_IMAGE_SECURITY_DATABASE), ("PK", EFI_GLOBAL_VARIABLE)] {
            let _ = apply_update(Some(&state), name, &guid, attributes, &update, &authorities);
            let _ = apply_update(None, name, &guid, attributes | 0x27, &update, &Authorities::default());
        }
    }

    /// Mutations of a valid signed update: flipped bytes anywhere, including the DER and sizes.
    #[test]
    fn mutated_update_never_panics(index in 0usize..4096, value in any::<u8>(), cut in 0usize..4096) {
        let mut update = fixture("db-append-by-kek.auth");
        let position = index % update.len();
        update[position] = value;
        update.truncate(update.len() - cut % update.len());
        let (pk, kek, db) = (fixture("pk.esl"), fixture("kek.esl"), fixture("db.esl"));
        let authorities = Authorities { pk: Some(&pk), kek: Some(&kek) };
        let state = VariableState { attributes: 0x27, timestamp: None, data: &db };
        let _ = apply_update(Some(&state), "db", &EFI_IMAGE_SECURITY_DATABASE, 0x67, &update, &authorities);
    }

    /// Mutations of a small valid store: the header, records and sizes.
    #[test]
    fn mutated_store_never_panics(index in 0usize..0x400, value in any::<u8>()) {
        let Some(image) = common::corpus_file("uefi", "ovmf_debian/OVMF_VARS.ms.fd") else { return Ok(()) };
        let mut image = image;
        image[0x48 + index] = value;
        if let Ok(mut store) = NvStore::parse(&image) {
            use trusted_launch::uefi::varstore::VariableStore;
            let _ = store.remove("PK", &EFI_GLOBAL_VARIABLE);
        }
    }
}
