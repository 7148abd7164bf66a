//! Authenticode PKCS#7 SignedData: parse, signer check, nested signatures, RFC 3161
//! timestamps and chain building to a fixed anchor.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trusted_launch::authenticode::{AuthenticodeSignature, chain_to_anchor, verify_signer};

static ANCHOR: &[u8] = include_bytes!("../../tests/fixtures/secureboot/certs/root.der");

fuzz_target!(|data: &[u8]| {
    let Ok(signature) = AuthenticodeSignature::parse(data, 0) else { return };
    let _ = signature.digest_algorithm();
    let _ = signature.signer_description();
    let _ = verify_signer(&signature);
    let _ = chain_to_anchor(&signature, ANCHOR);
    if let Ok(timestamps) = signature.rfc3161_timestamps() {
        for timestamp in &timestamps {
            let _ = timestamp.verify(ANCHOR);
        }
    }
    if let Ok(nested) = signature.nested_signatures() {
        for inner in &nested {
            let _ = verify_signer(inner);
        }
    }
});
