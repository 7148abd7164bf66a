//! Property tests: no TPM structure parser and no quote verification panics on arbitrary or
//! mutated bytes, and PCR selections survive a build → parse round trip.
mod common;

use proptest::prelude::*;
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::tpm::attest::Attest;
use trusted_launch::tpm::attestation_key::AttestationKey;
use trusted_launch::tpm::pcr_values::PcrValues;
use trusted_launch::tpm::public::Public;
use trusted_launch::tpm::quote::{QuoteOptions, verify_quote_with_options};
use trusted_launch::tpm::selection::{PcrSelection, PcrSelectionList};
use trusted_launch::tpm::signature::Signature;

/// `TPMS_ATTEST` from `tpm2_quote -l sha256:0,1,2+sha1:3 -q 0102ab -g sha256` on swtpm 0.7.1.
const SWTPM_QUOTE: &str = "ff54434780180022000b9c0da863f255e12c506cc53aa944eb2681e707bed6feb49728dd9e5af4c8f39300030102ab\
    0000000000000e5d000000010000000001201910230016363600000002000b0307000000040308000000205b517952cbe9c4c147bc3f3434f9d8\
    2409e76d09ea58905aefe7fb5415912d9a";

/// A restricted ECDSA P-256 `TPMT_PUBLIC` whose point is the curve's base point G (SEC 2
/// section 2.4.2), so the key is valid without a TPM.
fn p256_public() -> Vec<u8> {
    let mut public = common::hex("0023000b00050072000000100018000b00030010");
    public.extend_from_slice(&[0x00, 0x20]);
    public.extend(common::hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"));
    public.extend_from_slice(&[0x00, 0x20]);
    public.extend(common::hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"));
    public
}

fn parse_everything(bytes: &[u8]) {
    let _ = Public::parse(bytes);
    let _ = Public::parse_tpm2b(bytes);
    let _ = Attest::parse(bytes);
    let _ = Attest::parse_tpm2b(bytes);
    let _ = Signature::parse(bytes);
    let _ = PcrSelectionList::parse(bytes);
    let _ = PcrValues::from_tpm2_tools_serialized(bytes);
    let _ = AttestationKey::from_tpm_public(bytes);
    let _ = AttestationKey::from_spki_der(bytes);
    if let Ok(text) = core::str::from_utf8(bytes) {
        let _ = AttestationKey::from_spki_pem(text);
    }
}

fn mutated(base: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let length = base.len();
    (proptest::collection::vec((0..length, any::<u8>()), 0..8), 0..=length).prop_map(move |(edits, keep)| {
        let mut bytes = base.clone();
        for (position, value) in edits {
            bytes[position] = value;
        }
        bytes.truncate(keep);
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_total_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        parse_everything(&bytes);
    }

    #[test]
    fn parsers_total_on_mutated_quote(bytes in mutated(common::hex(SWTPM_QUOTE))) {
        parse_everything(&bytes);
    }

    #[test]
    fn parsers_total_on_mutated_public(bytes in mutated(p256_public())) {
        parse_everything(&bytes);
    }

    #[test]
    fn verify_total_on_mutated_input(
        attest in mutated(common::hex(SWTPM_QUOTE)),
        signature in proptest::collection::vec(any::<u8>(), 0..120),
        nonce in proptest::collection::vec(any::<u8>(), 0..4),
    ) {
        let key = AttestationKey::from_tpm_public(&p256_public()).unwrap();
        let selection: PcrSelectionList = [PcrSelection::new(HashAlgorithm::Sha256, [0, 1, 2]).unwrap()].into_iter().collect();
        let options = QuoteOptions { allow_sha1: true, danger_accept_unrestricted_key: true };
        let values = PcrValues::new();
        let _ = verify_quote_with_options(&options, &key, &attest, &signature, &nonce, &selection, Some(&values));
    }

    #[test]
    fn selection_round_trip(banks in proptest::collection::vec((0usize..4, any::<u32>()), 0..5)) {
        let list: PcrSelectionList = banks
            .iter()
            .map(|(bank, mask)| {
                let pcrs = (0..32).filter(|index| mask & (1 << index) != 0);
                PcrSelection::new(HashAlgorithm::ALL[*bank], pcrs).unwrap()
            })
            .collect();
        let parsed = PcrSelectionList::parse(&list.to_bytes()).unwrap();
        prop_assert!(parsed.selects_same_pcrs(&list));
        prop_assert_eq!(parsed.to_bytes(), list.to_bytes());
    }
}

#[test]
fn p256_public_parses() {
    let key = AttestationKey::from_tpm_public(&p256_public()).unwrap();
    assert!(key.is_restricted_signing_key());
}
