//! Real quotes from the event-log corpus: a GCE Windows Shielded VM (go-attestation JSON), two
//! GCE Container-Optimized OS attestations (go-tpm-tools protobuf) and a TPM 1.2 machine
//! (go-eventlog legacy JSON). Expected values come from the corpus PROVENANCE.md rows.
mod common;

use trusted_launch::eventlog::parse::{EventLog, ParseOptions};
use trusted_launch::eventlog::replay::replay;

use trusted_launch::ErrorKind;
use trusted_launch::digest::{Digest, HashAlgorithm};
use trusted_launch::tpm::attest::{Attest, Attested, TPM_ST_ATTEST_CREATION};
use trusted_launch::tpm::attestation_key::{AttestationKey, Hierarchy};
use trusted_launch::tpm::pcr_values::PcrValues;
use trusted_launch::tpm::public::{ObjectAttributes, Public};
use trusted_launch::tpm::quote::{
    Obfuscation, PcrOutcome, QuoteOptions, QuoteRefusal, QuoteVerdict, VerifiedQuote, verify_quote,
    verify_quote_with_options,
};
use trusted_launch::tpm::selection::{PcrSelection, PcrSelectionList};

/// Replays `log` with the crate's event-log engine and returns the `bank` values of the PCRs it
/// extends. PCRs the log never touches (PCR 10 holds IMA measurements on COS) are left out, so
/// the comparison reports them as not replayed rather than as a mismatch.
fn replay_event_log(log: &[u8], bank: HashAlgorithm) -> Option<PcrValues> {
    let options = ParseOptions { allow_padding: true, ..ParseOptions::default() };
    let log = EventLog::parse(log, options).unwrap_or_else(|error| panic!("event log: {error}"));
    let replayed = replay(&log).unwrap_or_else(|error| panic!("replay: {error}"));
    let all = PcrValues::from_banks(replayed.banks());
    let extended = all.iter().filter(|(algorithm, index, _)| *algorithm == bank && replayed.is_extended(bank, *index));
    Some(extended.map(|(_, index, digest)| (index, *digest)).collect())
}

/// Checks that `log` replays to the quoted PCRs, or prints that the check is skipped.
fn check_replay(verified: &VerifiedQuote, log: &[u8], bank: HashAlgorithm) {
    let Some(replayed) = replay_event_log(log, bank) else {
        eprintln!("skipped: no event-log replay yet for the {bank} bank");
        return;
    };
    let comparisons = verified.compare_pcrs(&replayed);
    let matched = comparisons.iter().filter(|comparison| comparison.outcome == PcrOutcome::Matches).count();
    assert!(matched > 0, "no quoted {bank} PCR is replayed");
    for comparison in comparisons {
        assert!(
            matches!(comparison.outcome, PcrOutcome::Matches | PcrOutcome::NotReplayed),
            "PCR {} of {}: {:?}",
            comparison.index,
            comparison.bank,
            comparison.outcome
        );
    }
}

fn all_pcrs(bank: HashAlgorithm) -> PcrSelectionList {
    [PcrSelection::new(bank, 0..24).unwrap()].into_iter().collect()
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

// ---------------------------------------------------------------------------------------------
// GCE Windows Shielded VM, go-attestation `windows_gcp_shielded_vm.json`.

#[test]
fn windows_gce_quote_verifies() {
    let Some(json) = common::corpus_file("eventlog", "go-attestation/windows_gcp_shielded_vm.json") else { return };
    let json = String::from_utf8(json).unwrap();
    let public = base64(json_string(&json, "\"AK\":{\"Public\":"));
    let attest = base64(json_string(&json, "\"Quote\":{\"Nonce\":\"\",\"Alg\":4,\"Quote\":"));
    let signature = base64(json_string(&json, "\"Signature\":"));
    let values = json_pcrs(&json);

    // PROVENANCE.md: the Windows PCP AK, attributes 0x00050472, Name 000b4ce9…7e2e.
    let parsed = Public::parse(&public).unwrap();
    assert_eq!(parsed.object_attributes, ObjectAttributes(0x0005_0472));
    assert!(!parsed.auth_policy.is_empty());
    let name = hex_string(&parsed.name());
    assert!(name.starts_with("000b4ce9"), "{name}");
    assert!(name.ends_with("7e2e"), "{name}");

    // PROVENANCE.md: the PCP AK is in the owner hierarchy, so the counters are obfuscated.
    let key = AttestationKey::from_tpm_public(&public).unwrap().with_hierarchy(Hierarchy::Owner);
    let selection = all_pcrs(HashAlgorithm::Sha1);

    // PROVENANCE.md: RSASSA-SHA1 signature, empty nonce. SHA-1 needs the option.
    let strict = verify_quote(&key, &attest, &signature, b"", &selection, Some(&values)).unwrap();
    assert_eq!(strict, QuoteVerdict::Refused(QuoteRefusal::HashNotAllowed { hash: HashAlgorithm::Sha1 }));

    let options = QuoteOptions { allow_sha1: true, ..QuoteOptions::default() };
    let verdict =
        verify_quote_with_options(&options, &key, &attest, &signature, b"", &selection, Some(&values)).unwrap();
    let QuoteVerdict::Valid(verified) = verdict else { panic!("{verdict:?}") };
    let signer = hex_string(&verified.qualified_signer);
    assert!(signer.starts_with("000bad42"), "{signer}");
    assert!(signer.ends_with("b5ad"), "{signer}");
    assert_ne!(verified.qualified_signer, parsed.name());
    assert_eq!(verified.obfuscation, Obfuscation::Applied);
    // The quote is over the SHA-1 bank and signed with SHA-1, so pcrDigest is SHA-1 here.
    assert_eq!(verified.pcr_digest.algorithm(), HashAlgorithm::Sha1);

    // One changed PCR value is a refusal that lists every PCR as given.
    let mut tampered = values.clone();
    tampered.insert(7, HashAlgorithm::Sha1.hash(b"other"));
    let verdict =
        verify_quote_with_options(&options, &key, &attest, &signature, b"", &selection, Some(&tampered)).unwrap();
    let QuoteVerdict::Refused(QuoteRefusal::PcrDigestMismatch { pcrs, computed, .. }) = verdict else {
        panic!("{verdict:?}")
    };
    assert!(computed.is_some());
    assert_eq!(pcrs.len(), 24);
    assert!(pcrs.iter().all(|pcr| pcr.value.is_some()));

    let log = common::corpus_file("eventlog", "go-attestation/windows_gcp_shielded_vm.wbcl.bin").unwrap();
    check_replay(&verified, &log, HashAlgorithm::Sha1);
}

#[test]
fn windows_gce_creation_names_the_ak() {
    let Some(json) = common::corpus_file("eventlog", "go-attestation/windows_gcp_shielded_vm.json") else { return };
    let json = String::from_utf8(json).unwrap();
    let public = base64(json_string(&json, "\"AK\":{\"Public\":"));
    let creation = base64(json_string(&json, "\"CreateAttestation\":"));

    // The TPM2_CertifyCreation result names the AK by the Name the TPM computed, which must equal
    // ours: nameAlg ‖ SHA-256(TPMT_PUBLIC).
    let attest = Attest::parse(&creation).unwrap();
    assert_eq!(attest.attestation_type, TPM_ST_ATTEST_CREATION);
    let Attested::Creation { object_name, .. } = attest.attested else { panic!("not a creation") };
    assert_eq!(object_name, Public::parse(&public).unwrap().name());
}

// ---------------------------------------------------------------------------------------------
// GCE Container-Optimized OS attestations, go-tpm-tools `attest.proto` `Attestation`.

struct GceQuote {
    attest: Vec<u8>,
    signature: Vec<u8>,
    bank: HashAlgorithm,
    values: PcrValues,
}

/// Reads `Attestation`: field 1 the AK `TPMT_PUBLIC`, field 2 the `Quote`s, field 3 the event log.
fn gce_attestation(file: &str) -> Option<(Vec<u8>, Vec<GceQuote>, Vec<u8>)> {
    let bytes = common::corpus_file("eventlog", file)?;
    let mut ak = Vec::new();
    let mut quotes = Vec::new();
    let mut log = Vec::new();
    for (field, value) in protobuf_fields(&bytes) {
        match (field, value) {
            (1, Field::Bytes(data)) => ak = data.to_vec(),
            (2, Field::Bytes(data)) => quotes.push(gce_quote(data)),
            (3, Field::Bytes(data)) => log = data.to_vec(),
            _ => {}
        }
    }
    Some((ak, quotes, log))
}

/// Reads `Quote`: field 1 the `TPMS_ATTEST`, field 2 the `TPMT_SIGNATURE`, field 3 `PCRs`
/// (field 1 the bank as a `TPM_ALG_ID`, field 2 map entries of index → value).
fn gce_quote(bytes: &[u8]) -> GceQuote {
    let mut quote =
        GceQuote { attest: Vec::new(), signature: Vec::new(), bank: HashAlgorithm::Sha1, values: PcrValues::new() };
    let mut entries = Vec::new();
    for (field, value) in protobuf_fields(bytes) {
        match (field, value) {
            (1, Field::Bytes(data)) => quote.attest = data.to_vec(),
            (2, Field::Bytes(data)) => quote.signature = data.to_vec(),
            (3, Field::Bytes(pcrs)) => {
                for (field, value) in protobuf_fields(pcrs) {
                    match (field, value) {
                        (1, Field::Varint(id)) => quote.bank = HashAlgorithm::from_tpm_alg_id(id as u16).unwrap(),
                        (2, Field::Bytes(entry)) => entries.push(entry),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    for entry in entries {
        let mut index = 0;
        let mut value = &[][..];
        for (field, item) in protobuf_fields(entry) {
            match (field, item) {
                (1, Field::Varint(number)) => index = u32::try_from(number).unwrap(),
                (2, Field::Bytes(data)) => value = data,
                _ => {}
            }
        }
        quote.values.insert(index, Digest::new(quote.bank, value).unwrap());
    }
    quote
}

fn check_gce(file: &str, nonce: &[u8]) {
    let Some((ak, quotes, log)) = gce_attestation(file) else { return };

    // PROVENANCE.md: RSA-2048 RSASSA-SHA256, attributes 0x00050072, Name 000bf175bdb5…c2a4.
    let public = Public::parse(&ak).unwrap();
    assert_eq!(public.object_attributes, ObjectAttributes(0x0005_0072));
    let name = hex_string(&public.name());
    assert!(name.starts_with("000bf175bdb5"), "{name}");
    assert!(name.ends_with("c2a4"), "{name}");
    let key = AttestationKey::from_tpm_public(&ak).unwrap();

    // PROVENANCE.md: three quotes, over the sha1, sha256 and sha384 banks, PCRs 0-23.
    let banks: Vec<_> = quotes.iter().map(|quote| quote.bank).collect();
    assert_eq!(banks, [HashAlgorithm::Sha1, HashAlgorithm::Sha256, HashAlgorithm::Sha384]);
    for quote in &quotes {
        let selection = all_pcrs(quote.bank);
        let verdict =
            verify_quote(&key, &quote.attest, &quote.signature, nonce, &selection, Some(&quote.values)).unwrap();
        let QuoteVerdict::Valid(verified) = verdict else { panic!("{} bank: {verdict:?}", quote.bank) };

        // PROVENANCE.md: pcrDigest is always SHA-256, firmwareVersion 0x2016051100162800,
        // resetCount 10, safe, qualifiedSigner 000bde01fe…030a.
        assert_eq!(verified.pcr_digest.algorithm(), HashAlgorithm::Sha256);
        assert_eq!(verified.firmware_version, 0x2016_0511_0016_2800);
        assert_eq!(verified.clock_info.reset_count, 10);
        assert!(verified.clock_info.safe);
        let signer = hex_string(&verified.qualified_signer);
        assert!(signer.starts_with("000bde01fe"), "{signer}");
        assert!(signer.ends_with("030a"), "{signer}");
        assert_eq!(verified.obfuscation, Obfuscation::Unknown);

        // Another nonce is refused.
        let verdict =
            verify_quote(&key, &quote.attest, &quote.signature, b"\x90\x08", &selection, Some(&quote.values)).unwrap();
        assert_eq!(verdict, QuoteVerdict::Refused(QuoteRefusal::NonceMismatch));

        check_replay(&verified, &log, quote.bank);
    }
}

#[test]
fn gce_cos_quotes_without_nonce() {
    check_gce("go-tpm-tools/gce-cos-85-no-nonce.pb", b"");
}

#[test]
fn gce_cos_quotes_with_nonce() {
    // PROVENANCE.md: extraData 9009.
    check_gce("go-tpm-tools/gce-cos-85-nonce9009.pb", &[0x90, 0x09]);
}

#[test]
fn gce_cos_missing_pcr_named() {
    let Some((ak, quotes, _)) = gce_attestation("go-tpm-tools/gce-cos-85-nonce9009.pb") else { return };
    let key = AttestationKey::from_tpm_public(&ak).unwrap();
    let quote = &quotes[1];
    let partial: PcrValues =
        quote.values.iter().filter(|(_, index, _)| *index != 9).map(|(_, index, value)| (index, *value)).collect();

    let verdict =
        verify_quote(&key, &quote.attest, &quote.signature, &[0x90, 0x09], &all_pcrs(quote.bank), Some(&partial))
            .unwrap();
    let QuoteVerdict::Refused(QuoteRefusal::PcrDigestMismatch { computed, pcrs, .. }) = verdict else {
        panic!("{verdict:?}")
    };
    assert_eq!(computed, None);
    let missing: Vec<_> = pcrs.iter().filter(|pcr| pcr.value.is_none()).map(|pcr| pcr.index).collect();
    assert_eq!(missing, [9]);
}

// ---------------------------------------------------------------------------------------------
// TPM 1.2 machine, go-eventlog `linux_tpm12.json`.

#[test]
fn tpm12_quote_is_not_a_tpm2_structure() {
    let Some(json) = common::corpus_file("eventlog", "go-eventlog/linux_tpm12.json") else { return };
    let json = String::from_utf8(json).unwrap();
    let public = base64(json_string(&json, "\"AK\":{\"Public\":"));
    let attest = base64(json_string(&json, "\"Alg\":4,\"Quote\":"));
    let signature = base64(json_string(&json, "\"Signature\":"));

    // PROVENANCE.md: a TPM 1.2 machine. Its AK is a TPM_PUBKEY and its quote a TPM_QUOTE_INFO
    // ("QUOT"), neither of which is a TPM 2.0 structure.
    assert!(AttestationKey::from_tpm_public(&public).is_err());
    assert_ne!(
        trusted_launch::tpm::attest::read_header(&attest).unwrap().0,
        trusted_launch::tpm::attest::TPM_GENERATED_VALUE
    );
    let error = trusted_launch::tpm::signature::Signature::parse(&signature).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Unsupported { field: "sigAlg" });
}

// ---------------------------------------------------------------------------------------------
// Test-only decoders: a bounded protobuf field reader, JSON string lookup and base64.

enum Field<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// Top-level fields of a protobuf message. Panics on malformed input, which the corpus files
/// are not; lengths are checked against the remaining bytes before slicing.
fn protobuf_fields(mut bytes: &[u8]) -> Vec<(u64, Field<'_>)> {
    fn varint(bytes: &mut &[u8]) -> u64 {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (byte, rest) = bytes.split_first().expect("varint ends early");
            *bytes = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return value;
            }
        }
        panic!("varint longer than 10 bytes");
    }

    let mut fields = Vec::new();
    while !bytes.is_empty() {
        let key = varint(&mut bytes);
        let field = match key & 7 {
            0 => Field::Varint(varint(&mut bytes)),
            2 => {
                let length = usize::try_from(varint(&mut bytes)).unwrap();
                assert!(length <= bytes.len(), "length {length} exceeds the {} bytes left", bytes.len());
                let (data, rest) = bytes.split_at(length);
                bytes = rest;
                Field::Bytes(data)
            }
            1 => {
                bytes = &bytes[8..];
                Field::Fixed
            }
            5 => {
                bytes = &bytes[4..];
                Field::Fixed
            }
            other => panic!("unsupported wire type {other}"),
        };
        fields.push((key >> 3, field));
    }
    fields
}

/// The JSON string value that directly follows `prefix` (which ends at the value's colon).
fn json_string<'a>(json: &'a str, prefix: &str) -> &'a str {
    let start = json.find(prefix).unwrap_or_else(|| panic!("{prefix} not found")) + prefix.len();
    let rest = json[start..].strip_prefix('"').expect("a string value");
    &rest[..rest.find('"').unwrap()]
}

/// The `Log.PCRs` list of go-attestation JSON: `{"Index":n,"Digest":"<base64>","DigestAlg":3}`.
fn json_pcrs(json: &str) -> PcrValues {
    let list = &json[json.find("\"PCRs\":[").unwrap()..];
    let list = &list[..list.find(']').unwrap()];
    list.split("{\"Index\":")
        .skip(1)
        .map(|entry| {
            let index: u32 = entry[..entry.find(',').unwrap()].parse().unwrap();
            // DigestAlg 3 is Go's crypto.SHA1.
            assert!(entry.contains("\"DigestAlg\":3"), "{entry}");
            let digest = base64(json_string(entry, "\"Digest\":"));
            (index, Digest::new(HashAlgorithm::Sha1, &digest).unwrap())
        })
        .collect()
}

/// Standard base64 (RFC 4648 section 4) with padding.
fn base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.bytes().filter(|byte| *byte != b'=') {
        let value = ALPHABET.iter().position(|letter| *letter == byte).unwrap_or_else(|| panic!("base64 {byte}"));
        buffer = (buffer << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}
