//! Authenticode signature parsing, signer checks and UEFI chain building against the corpus
//! images. Expected values come from the corpus PROVENANCE.md rows named beside each test.

mod common;

use common::{corpus_file, hex};
use proptest::prelude::*;
use trusted_launch::ErrorKind;
use trusted_launch::authenticode::{
    AuthenticodeSignature, ChainOutcome, SignerCheck, chain_to_anchor, tbs_hash, verify_signer,
};
use trusted_launch::digest::HashAlgorithm;

/// Returns the `bCertificate` DER of the first `WIN_CERTIFICATE` of a PE image, located by hand
/// (e_lfanew at 0x3c, optional header magic, data directory 4), and its file offset. Signers
/// such as signtool pad the entry to 8 bytes inside `dwLength`. This helper cuts that padding
/// (at most 7 zero bytes) so that the parser receives exactly one DER element.
fn embedded_signature(image: &[u8]) -> (Vec<u8>, usize) {
    let u16_at = |offset: usize| u16::from_le_bytes(image[offset..offset + 2].try_into().unwrap());
    let u32_at = |offset: usize| u32::from_le_bytes(image[offset..offset + 4].try_into().unwrap()) as usize;

    let pe_header = u32_at(0x3c);
    assert_eq!(&image[pe_header..pe_header + 4], b"PE\0\0");
    let optional_header = pe_header + 24;
    let data_directories = match u16_at(optional_header) {
        0x10b => optional_header + 96,
        0x20b => optional_header + 112,
        magic => panic!("unknown optional header magic {magic:#x}"),
    };
    let table = u32_at(data_directories + 4 * 8);
    let length = u32_at(table);
    let content = &image[table + 8..table + length];

    let der_length = match content[1] {
        short if short < 0x80 => 2 + short as usize,
        long => {
            let count = (long & 0x7f) as usize;
            2 + count + content[2..2 + count].iter().fold(0usize, |value, byte| value << 8 | *byte as usize)
        }
    };
    let padding = &content[der_length..];
    assert!(padding.len() < 8 && padding.iter().all(|byte| *byte == 0), "unexpected bytes after the DER");
    (content[..der_length].to_vec(), table + 8)
}

fn signature_of(corpus_path: &str) -> Option<(AuthenticodeSignature, Vec<u8>)> {
    let image = corpus_file("authenticode", corpus_path)?;
    let (der, offset) = embedded_signature(&image);
    let signature = AuthenticodeSignature::parse(&der, offset).unwrap_or_else(|error| panic!("{corpus_path}: {error}"));
    Some((signature, der))
}

/// Decodes the first PEM block of `text` (test helper; standard base64 alphabet).
fn pem(text: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(text).unwrap();
    let body: String = text
        .lines()
        .skip_while(|line| !line.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|line| !line.starts_with("-----END"))
        .collect();
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("bad base64 {c}"),
    };
    let mut out = Vec::new();
    for chunk in body.trim_end_matches('=').as_bytes().chunks(4) {
        let bits = chunk.iter().enumerate().fold(0u32, |acc, (i, c)| acc | (value(*c) as u32) << (18 - 6 * i));
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

fn replace_first(haystack: &mut [u8], needle: &[u8], occurrence: usize, replacement: &[u8]) {
    let position = haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, window)| *window == needle)
        .nth(occurrence)
        .expect("needle")
        .0;
    haystack[position..position + replacement.len()].copy_from_slice(replacement);
}

const OID_SHA256: &[u8] = &[0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
const OID_SHA384: &[u8] = &[0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
const OID_SPC_INDIRECT_DATA: &[u8] = &[0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x04];
const OID_MESSAGE_DIGEST: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04];
const OID_SIGNING_TIME: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05];

#[test]
fn tiny64_signer_and_digest() {
    let Some((signature, _)) = signature_of("authenticode-rs/tiny64.signed.efi") else { return };
    // PROVENANCE authenticode-rs row tiny64: SHA256 a82d7e4f…b2ae.
    assert_eq!(signature.digest_algorithm(), HashAlgorithm::Sha256);
    assert_eq!(signature.image_digest(), hex("a82d7e4f091c44ec75d97746b3461c8ea9151e2313f8e9a4330432ee5f25b2ae"));
    // PROVENANCE authenticode-rs row tiny32: one certificate, issuer CN=TestKey, serial 2A:5B:…:6F.
    assert_eq!(signature.certificates().len(), 1);
    let (_, issuer, serial) = signature.signer_description();
    assert_eq!(issuer, "CN=TestKey");
    assert_eq!(serial, "2A:5B:9F:85:57:D6:D5:E8:60:E3:40:9D:42:FC:1C:B2:1F:3F:1B:6F");
    assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::Valid);
}

#[test]
fn tiny32_signer_and_digest() {
    let Some((signature, _)) = signature_of("authenticode-rs/tiny32.signed.efi") else { return };
    // PROVENANCE authenticode-rs row tiny32: SHA256 4f5b3633…08a8.
    assert_eq!(signature.image_digest(), hex("4f5b3633fc51d9447beb5c546e9ae6e58d6eb42d1e96d623dc168d97013c08a8"));
    assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::Valid);
}

#[test]
fn tiny64_chains_to_expired_key() {
    let Some((signature, _)) = signature_of("authenticode-rs/tiny64.signed.efi") else { return };
    // PROVENANCE authenticode-rs row test_key_public.pem: the signer certificate, expired in 2023;
    // UEFI ignores validity dates, so the signer certificate itself is the anchor.
    let anchor = pem(&corpus_file("authenticode", "authenticode-rs/test_key_public.pem").unwrap());
    assert_eq!(chain_to_anchor(&signature, &anchor).unwrap(), ChainOutcome::Chained(vec![anchor.clone()]));
}

#[test]
fn tiny64_not_chained_to_microsoft_ca() {
    let Some((signature, _)) = signature_of("authenticode-rs/tiny64.signed.efi") else { return };
    let anchor = corpus_file("authenticode", "ms-secureboot-objects/certs/db_MicCorUEFCA2011_2011-06-27.der").unwrap();
    assert_eq!(chain_to_anchor(&signature, &anchor).unwrap(), ChainOutcome::NotChained);
}

#[test]
fn pkcs_coff_chains_to_test_cert() {
    let Some((signature, _)) = signature_of("edk2-googletest/PkcsCOFF.efi") else { return };
    // PROVENANCE edk2-googletest row PkcsCOFF.efi: sig_ok, same SHA256 as UnsignedCOFF.efi,
    // ACCEPT with TestCertDer in db.
    assert_eq!(signature.image_digest(), hex("88998eb13ca81d2628d30cab66f67009818766aaa4702bd4eead8fdca38ab189"));
    assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::Valid);
    let anchor = corpus_file("authenticode", "edk2-googletest/TestCertDer.der").unwrap();
    let ChainOutcome::Chained(path) = chain_to_anchor(&signature, &anchor).unwrap() else { panic!("not chained") };
    assert_eq!(path.last(), Some(&anchor));
}

#[test]
fn tbs_hash_differs_from_certificate_hash() {
    let Some(anchor) = corpus_file("authenticode", "edk2-googletest/TestCertDer.der") else { return };
    // PROVENANCE edk2-googletest row TestCertDer.der: SHA-256 fingerprint of the whole certificate.
    let fingerprint = hex("07cb27304ef1a779e25644b3e0fe5078cd3ef3b072468f68b3a8eea5ce8f3907");
    assert_eq!(HashAlgorithm::Sha256.hash(&anchor).as_bytes(), fingerprint);
    let tbs = tbs_hash(&anchor, HashAlgorithm::Sha256).unwrap();
    assert_ne!(tbs.as_bytes(), fingerprint);
    // The TBSCertificate is the first element of the certificate: 4 header bytes, then its own
    // header (30 82 hi lo) and value.
    let tbs_length = 4 + u16::from_be_bytes([anchor[6], anchor[7]]) as usize;
    assert_eq!(tbs, HashAlgorithm::Sha256.hash(&anchor[4..4 + tbs_length]));
}

#[test]
fn pe_file_valid_cms_with_nested_sha256() {
    let Some((signature, _)) = signature_of("vthib-authenticode-parser/pe_file.exe") else { return };
    // PROVENANCE vthib row pe_file.exe: sig0 SHA1 digest d643…, sig1 SHA256 digest 75ca…, CMS intact.
    assert_eq!(signature.digest_algorithm(), HashAlgorithm::Sha1);
    assert_eq!(signature.image_digest(), hex("d643405056a4a16042d47942a8c6a59524bda64a"));
    assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::Valid);

    let nested = signature.nested_signatures().unwrap();
    assert_eq!(nested.len(), 1);
    assert_eq!(nested[0].digest_algorithm(), HashAlgorithm::Sha256);
    assert_eq!(nested[0].image_digest(), hex("75cacdf5be7baeecb89c70bc01343fb7c9e8fd000cc191f08d2a996359d617fe"));
    assert_eq!(nested[0].depth(), 1);
    assert_eq!(verify_signer(&nested[0]).unwrap(), SignerCheck::Valid);
}

#[test]
fn pciide_signer_valid() {
    let Some((signature, _)) = signature_of("signify/pciide.sys") else { return };
    // PROVENANCE signify row pciide.sys: MS-signed, SHA1, sig_ok.
    assert_eq!(signature.digest_algorithm(), HashAlgorithm::Sha1);
    assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::Valid);
    for nested in signature.nested_signatures().unwrap() {
        assert_eq!(verify_signer(&nested).unwrap(), SignerCheck::Valid);
    }
}

#[test]
fn sigcheck_nested_sha256() {
    let Some((signature, _)) = signature_of("signify/sigcheck.exe") else { return };
    // PROVENANCE signify row sigcheck.exe: SHA1 primary dfbdc390…0218, nested SHA256 a74a343b…99ef.
    assert_eq!(signature.image_digest(), hex("dfbdc3905728da39d9f74d857ac1d228a0ac0218"));
    assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::Valid);
    let nested = signature.nested_signatures().unwrap();
    assert_eq!(nested.len(), 1);
    assert_eq!(nested[0].image_digest(), hex("a74a343be2234235f57f21b794fdbd379f246a388f7b17bf21cd1d26ece699ef"));
    assert_eq!(verify_signer(&nested[0]).unwrap(), SignerCheck::Valid);
}

#[test]
fn kdbazis_chains_to_its_certificate() {
    let Some((signature, _)) = signature_of("signify/kdbazis.dll") else { return };
    // PROVENANCE signify row kdbazis.dll: sig_ok, SHA256 e6a9221b…8c1d, valid with the .crt trusted.
    assert_eq!(signature.image_digest(), hex("e6a9221b1ead47cd782e693a0d19d4c6ed470115a0ab0dd3d3fb3f3c58bc8c1d"));
    assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::Valid);
    let anchor = pem(&corpus_file("authenticode", "signify/kdbazis.dll.crt").unwrap());
    let ChainOutcome::Chained(path) = chain_to_anchor(&signature, &anchor).unwrap() else { panic!("not chained") };
    assert_eq!(path.last(), Some(&anchor));
}

#[test]
fn curveball_rejected_for_explicit_parameters() {
    let Some((signature, _)) = signature_of("signify/7z1900-x64_signed.exe") else { return };
    // PROVENANCE signify row 7z1900-x64_signed.exe: the CMS signature verifies with the leaf key,
    // and the issuer "OLLYPWN" CA key uses explicit curve parameters (CVE-2020-0601).
    assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::Valid);
    let leaf = signature.signer_certificate().unwrap();
    let issuer = leaf.tbs_certificate().issuer();
    let (_, ca_der) = signature
        .certificates()
        .iter()
        .zip(signature.certificates_der())
        .find(|(certificate, _)| certificate.tbs_certificate().subject() == issuer)
        .expect("issuer certificate in the set");
    assert_eq!(chain_to_anchor(&signature, ca_der).unwrap(), ChainOutcome::ExplicitEcParameters);
}

#[test]
fn detached_pem_digest_algorithms() {
    // PROVENANCE vthib rows sig.pem (digest_alg sha1) and microsoft.pem (digest_alg sha256), both Valid.
    for (path, algorithm) in [
        ("vthib-authenticode-parser/sig.pem", HashAlgorithm::Sha1),
        ("vthib-authenticode-parser/microsoft.pem", HashAlgorithm::Sha256),
    ] {
        let Some(text) = corpus_file("authenticode", path) else { return };
        let signature = AuthenticodeSignature::parse(&pem(&text), 0).unwrap_or_else(|error| panic!("{path}: {error}"));
        assert_eq!(signature.digest_algorithm(), algorithm, "{path}");
        assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::Valid, "{path}");
    }
}

#[test]
fn microsoft_pem_rfc3161_timestamp() {
    let Some(text) = corpus_file("authenticode", "vthib-authenticode-parser/microsoft.pem") else { return };
    let signature = AuthenticodeSignature::parse(&pem(&text), 0).unwrap();
    // PROVENANCE vthib row microsoft.pem: an RFC3161 countersignature.
    let timestamps = signature.rfc3161_timestamps().unwrap();
    assert_eq!(timestamps.len(), 1);
    let timestamp = &timestamps[0];
    let (algorithm, imprint) = timestamp.message_imprint();
    assert_eq!(imprint, algorithm.hash(signature.signer_signature()).as_bytes());
    // The token's signer chains to itself when its own certificate is the anchor.
    let anchor = timestamp_signer_der(&pem(&text));
    match timestamp.verify(&anchor).unwrap() {
        trusted_launch::authenticode::TimestampCheck::Valid { generation_time, .. } => {
            assert_eq!(generation_time, timestamp.generation_time());
            // Later than 2010-01-01 (1262304000) and earlier than 2030-01-01 (1893456000).
            assert!((1_262_304_000..1_893_456_000).contains(&generation_time));
        }
        other => panic!("timestamp not valid: {other:?}"),
    }
}

/// Finds the timestamp signer's certificate by running the chain search against each
/// certificate of the outer set until one verifies the token (the TSA certificate is carried
/// inside the token, so every DER certificate found in the file is tried).
fn timestamp_signer_der(der: &[u8]) -> Vec<u8> {
    let signature = AuthenticodeSignature::parse(der, 0).unwrap();
    let timestamp = &signature.rfc3161_timestamps().unwrap()[0];
    // Certificates start with 30 82; try every parsable candidate in the file.
    for start in 0..der.len().saturating_sub(4) {
        if der[start] != 0x30 || der[start + 1] != 0x82 {
            continue;
        }
        let length = 4 + u16::from_be_bytes([der[start + 2], der[start + 3]]) as usize;
        let Some(candidate) = der.get(start..start + length) else { continue };
        if tbs_hash(candidate, HashAlgorithm::Sha256).is_err() {
            continue;
        }
        if let Ok(trusted_launch::authenticode::TimestampCheck::Valid { .. }) = timestamp.verify(candidate) {
            return candidate.to_vec();
        }
    }
    panic!("no certificate verifies the timestamp");
}

fn tiny64_der() -> Option<Vec<u8>> {
    let image = corpus_file("authenticode", "authenticode-rs/tiny64.signed.efi")?;
    Some(embedded_signature(&image).0)
}

#[test]
fn parse_rejects_trailing_byte() {
    let Some(mut der) = tiny64_der() else { return };
    der.push(0);
    let error = AuthenticodeSignature::parse(&der, 0x800).unwrap_err();
    assert_eq!(error.kind, ErrorKind::TrailingData);
    assert_eq!(error.offset, 0x800 + der.len() - 1);
}

#[test]
fn parse_rejects_wrong_content_type() {
    let Some(mut der) = tiny64_der() else { return };
    // The first SPC_INDIRECT_DATA OID is eContentType; 1.3.6.1.4.1.311.2.1.5 is not it.
    let mut changed = OID_SPC_INDIRECT_DATA.to_vec();
    *changed.last_mut().unwrap() = 0x05;
    replace_first(&mut der, OID_SPC_INDIRECT_DATA, 0, &changed);
    let error = AuthenticodeSignature::parse(&der, 0).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidField { field: "eContentType" });
}

#[test]
fn parse_rejects_algorithm_mismatch() {
    let Some(original) = tiny64_der() else { return };
    // SHA-256 appears in digestAlgorithms, SpcIndirectDataContent and SignerInfo, in that order.
    for occurrence in 0..3 {
        let mut der = original.clone();
        replace_first(&mut der, OID_SHA256, occurrence, OID_SHA384);
        let error = AuthenticodeSignature::parse(&der, 0).unwrap_err();
        assert!(matches!(error.kind, ErrorKind::InvalidField { .. }), "occurrence {occurrence}: {error}");
    }
}

#[test]
fn parse_rejects_digest_length_mismatch() {
    let Some(mut der) = tiny64_der() else { return };
    // All three places name SHA-384 while the digest keeps its 32 bytes.
    for _ in 0..3 {
        replace_first(&mut der, OID_SHA256, 0, OID_SHA384);
    }
    let error = AuthenticodeSignature::parse(&der, 0).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidField { field: "digest (length differs from the algorithm's)" });
}

#[test]
fn parse_rejects_missing_message_digest() {
    let Some(mut der) = tiny64_der() else { return };
    // 1.2.840.113549.1.9.6 (countersignature) in place of messageDigest.
    let mut changed = OID_MESSAGE_DIGEST.to_vec();
    *changed.last_mut().unwrap() = 0x06;
    replace_first(&mut der, OID_MESSAGE_DIGEST, 0, &changed);
    let error = AuthenticodeSignature::parse(&der, 0).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidField { field: "messageDigest attribute" });
}

#[test]
fn tampered_signed_attribute_bad_signature() {
    let Some(mut der) = tiny64_der() else { return };
    // Change one digit of the signingTime UTCTime: attribute OID, then 31 0f 17 0d, then digits.
    let position = der.windows(OID_SIGNING_TIME.len()).position(|window| window == OID_SIGNING_TIME).unwrap();
    der[position + OID_SIGNING_TIME.len() + 4] ^= 1;
    let signature = AuthenticodeSignature::parse(&der, 0).unwrap();
    assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::BadSignature);
}

#[test]
fn tampered_image_digest_mismatch() {
    let Some(mut der) = tiny64_der() else { return };
    // PROVENANCE authenticode-rs row tiny64: the digest bytes a82d7e4f… inside the content.
    let digest = hex("a82d7e4f091c44ec75d97746b3461c8ea9151e2313f8e9a4330432ee5f25b2ae");
    let position = der.windows(digest.len()).position(|window| window == digest).unwrap();
    der[position] ^= 0xff;
    let signature = AuthenticodeSignature::parse(&der, 0).unwrap();
    assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::MessageDigestMismatch);
}

#[test]
fn tampered_content_type_attribute() {
    let Some(mut der) = tiny64_der() else { return };
    // The second SPC_INDIRECT_DATA OID is the value of the contentType signed attribute.
    let mut changed = OID_SPC_INDIRECT_DATA.to_vec();
    *changed.last_mut().unwrap() = 0x05;
    replace_first(&mut der, OID_SPC_INDIRECT_DATA, 1, &changed);
    let signature = AuthenticodeSignature::parse(&der, 0).unwrap();
    assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::ContentTypeMismatch);
}

#[test]
fn truncated_signature_reports_offset() {
    let Some(der) = tiny64_der() else { return };
    let error = AuthenticodeSignature::parse(&der[..der.len() - 1], 0x800).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Truncated { needed: der.len() });
    assert_eq!(error.offset, 0x800);
}

proptest! {
    #[test]
    fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = AuthenticodeSignature::parse(&bytes, 0);
    }

    #[test]
    fn mutated_signature_never_panics(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8), cut in any::<usize>()) {
        let Some(mut der) = tiny64_der() else { return Ok(()) };
        for (position, value) in edits {
            let index = position % der.len();
            der[index] = value;
        }
        let length = der.len() - cut % 16;
        if let Ok(signature) = AuthenticodeSignature::parse(&der[..length], 0) {
            let _ = verify_signer(&signature);
            let _ = signature.nested_signatures();
            let _ = signature.rfc3161_timestamps();
            let _ = signature.signer_description();
            let _ = chain_to_anchor(&signature, &der);
        }
    }
}

/// Splits DER `value` bytes into whole elements (test helper; definite lengths only).
fn elements(mut value: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !value.is_empty() {
        let (header, length) = match value[1] {
            short if short < 0x80 => (2, short as usize),
            long => {
                let count = (long & 0x7f) as usize;
                (2 + count, value[2..2 + count].iter().fold(0usize, |acc, byte| acc << 8 | *byte as usize))
            }
        };
        out.push(&value[..header + length]);
        value = &value[header + length..];
    }
    out
}

/// Encodes one DER element with a definite length.
fn encode(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let length = content.len().to_be_bytes();
    let significant: Vec<u8> = length.iter().copied().skip_while(|byte| *byte == 0).collect();
    if content.len() < 0x80 {
        out.push(content.len() as u8);
    } else {
        out.push(0x80 | significant.len() as u8);
        out.extend(significant);
    }
    out.extend_from_slice(content);
    out
}

fn value_of(element: &[u8]) -> &[u8] {
    let header = if element[1] < 0x80 { 2 } else { 2 + (element[1] & 0x7f) as usize };
    &element[header..]
}

#[test]
fn absent_certificate_set_is_empty() {
    let Some(der) = tiny64_der() else { return };
    // Rebuild ContentInfo { oid, [0] { SignedData without its [0] certificates } }.
    let content_info = elements(value_of(&der));
    let signed_data = value_of(value_of(content_info[1]));
    let fields: Vec<u8> =
        elements(signed_data).into_iter().filter(|field| field[0] != 0xa0).flatten().copied().collect();
    let explicit = encode(0xa0, &encode(0x30, &fields));
    let rebuilt = encode(0x30, &[content_info[0], explicit.as_slice()].concat());

    let signature = AuthenticodeSignature::parse(&rebuilt, 0).unwrap();
    assert!(signature.certificates().is_empty());
    assert!(signature.signer_certificate().is_none());
    assert_eq!(verify_signer(&signature).unwrap(), SignerCheck::SignerCertificateMissing);
    let anchor = pem(&corpus_file("authenticode", "authenticode-rs/test_key_public.pem").unwrap());
    assert_eq!(chain_to_anchor(&signature, &anchor).unwrap(), ChainOutcome::NotChained);
}

#[test]
fn chain_rejects_non_certificate_anchor() {
    let Some((signature, _)) = signature_of("authenticode-rs/tiny64.signed.efi") else { return };
    assert!(chain_to_anchor(&signature, &[0x30, 0x00]).is_err());
}
