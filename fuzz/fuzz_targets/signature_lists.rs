//! EFI_SIGNATURE_LIST parsing, the signature database built from it, and its serialization.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trusted_launch::uefi::sigdb::SignatureDatabase;
use trusted_launch::uefi::siglist::{parse_signature_lists, strip_efivarfs_attributes};

fuzz_target!(|data: &[u8]| {
    if let Ok(lists) = parse_signature_lists(data, 0) {
        let entries: usize = lists.iter().map(|list| list.entries().count()).sum();
        let database = SignatureDatabase::from_bytes(data).expect("lists that parse build a database");
        assert_eq!(database.len(), entries);
        let rebuilt = database.to_bytes();
        let reparsed = SignatureDatabase::from_bytes(&rebuilt).expect("a written database parses");
        assert_eq!(reparsed.len(), database.len());
    }
    if let Ok((_, rest)) = strip_efivarfs_attributes(data) {
        let _ = parse_signature_lists(rest, 4);
    }
});
