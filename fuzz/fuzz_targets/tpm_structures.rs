//! TPM 2.0 structure parsers: TPM2B_PUBLIC / TPMT_PUBLIC with its Name, TPMS_ATTEST /
//! TPM2B_ATTEST, TPMT_SIGNATURE and TPML_PCR_SELECTION, each fed the whole input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::tpm::attest::Attest;
use trusted_launch::tpm::attestation_key::AttestationKey;
use trusted_launch::tpm::public::Public;
use trusted_launch::tpm::selection::PcrSelectionList;
use trusted_launch::tpm::signature::Signature;

fuzz_target!(|data: &[u8]| {
    if let Ok(public) = Public::parse(data) {
        let _ = public.name();
        let _ = AttestationKey::from_public(&public);
    }
    let _ = Public::parse_tpm2b(data);
    let _ = AttestationKey::from_tpm_public(data);
    let _ = Attest::parse(data);
    let _ = Attest::parse_tpm2b(data);
    let _ = Signature::parse(data);
    if let Ok(selection) = PcrSelectionList::parse(data) {
        let _ = selection.to_bytes();
        let _ = selection.pcrs().count();
    }
    let _ = HashAlgorithm::Sha256;
});
