//! `verify_quote` with a fixed RSA attestation key (the generated boot sample's) and the fuzz
//! input split into an attest message, a signature and PCR values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::tpm::attestation_key::AttestationKey;
use trusted_launch::tpm::pcr_values::PcrValues;
use trusted_launch::tpm::quote::{QuoteOptions, verify_quote_with_options};
use trusted_launch::tpm::selection::{PcrSelection, PcrSelectionList};

static AK: &[u8] = include_bytes!("../../tests/fixtures/boot/good/ak.pub");

fuzz_target!(|data: &[u8]| {
    let Ok(key) = AttestationKey::from_tpm_public(AK) else { return };
    let Some((&split, rest)) = data.split_first() else { return };
    let (attest, signature) = rest.split_at(usize::from(split).min(rest.len()));
    let Some(bank) = PcrSelection::new(HashAlgorithm::Sha256, 0..10) else { return };
    let selection: PcrSelectionList = [bank].into_iter().collect();
    let values: PcrValues = (0..10u32).map(|index| (index, HashAlgorithm::Sha256.hash(&index.to_le_bytes()))).collect();
    for options in [QuoteOptions::default(), QuoteOptions { allow_sha1: true, danger_accept_unrestricted_key: true }] {
        let _ = verify_quote_with_options(&options, &key, attest, signature, b"nonce", &selection, Some(&values));
        let _ = verify_quote_with_options(&options, &key, attest, signature, b"", &selection, None);
    }
});
