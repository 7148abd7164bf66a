//! Variable store readers: the EDK2/OVMF NV store (parse, write back, reparse, build a policy)
//! and an efivarfs file, and applying an update to a parsed store.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trusted_launch::uefi::guid::EFI_IMAGE_SECURITY_DATABASE;
use trusted_launch::uefi::varstore::edk2::NvStore;
use trusted_launch::uefi::varstore::efivarfs::EfivarfsStore;
use trusted_launch::uefi::varstore::policy::secure_boot_policy;
use trusted_launch::uefi::varstore::{VariableStore, apply_update_to_store};

static UPDATE: &[u8] = include_bytes!("../../tests/fixtures/authvar/db-append-by-kek.auth");

fuzz_target!(|data: &[u8]| {
    if let Ok(mut store) = NvStore::parse(data) {
        let _ = store.variables().len();
        let _ = secure_boot_policy(&store);
        NvStore::parse(&store.to_bytes()).expect("a store this crate wrote parses again");
        let _ = apply_update_to_store(&mut store, "db", &EFI_IMAGE_SECURITY_DATABASE, 0x67, UPDATE);
    }
    if let Ok(store) = EfivarfsStore::from_files([("db-d719b2cb-3d3a-4596-a3bc-dad00e67656f", data)]) {
        let _ = secure_boot_policy(&store);
    }
});
