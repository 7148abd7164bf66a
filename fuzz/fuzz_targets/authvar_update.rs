//! EFI_VARIABLE_AUTHENTICATION_2 parsing and `apply_update` for db (append and replace) with a
//! fixed PK and KEK, so the signer and authority stages are reached.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trusted_launch::uefi::authvar::{Authorities, VariableAuthentication2, apply_update};
use trusted_launch::uefi::guid::{EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE};

static PK: &[u8] = include_bytes!("../../tests/fixtures/authvar/pk.esl");
static KEK: &[u8] = include_bytes!("../../tests/fixtures/authvar/kek.esl");

fuzz_target!(|update: &[u8]| {
    let _ = VariableAuthentication2::parse(update);
    let authorities = Authorities { pk: Some(PK), kek: Some(KEK) };
    for (name, guid) in [("db", EFI_IMAGE_SECURITY_DATABASE), ("dbx", EFI_IMAGE_SECURITY_DATABASE), ("KEK", EFI_GLOBAL_VARIABLE)] {
        for attributes in [0x27, 0x67] {
            let _ = apply_update(None, name, &guid, attributes, update, &authorities);
        }
    }
});
