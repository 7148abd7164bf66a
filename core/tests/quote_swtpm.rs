//! Quotes made by swtpm with tpm2-tools 5.4, verified by us and by `tpm2_checkquote`.
//!
//! For every attestation key (RSA-2048 RSASSA and RSAPSS, ECDSA P-256 and P-384, SHA-256 and
//! SHA-384 signing), genuine quotes over one to three banks and a set of forgeries are checked.
//! Our verdict equals `tpm2_checkquote`'s except where the comment at the assertion explains why
//! `tpm2_checkquote` 5.4 is wrong.
mod common;

use common::swtpm::Swtpm;
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::tpm::attestation_key::{AttestationKey, Hierarchy};
use trusted_launch::tpm::pcr_values::PcrValues;
use trusted_launch::tpm::quote::{Obfuscation, QuoteOptions, QuoteRefusal, QuoteVerdict, verify_quote_with_options};
use trusted_launch::tpm::selection::{PcrSelection, PcrSelectionList};

/// Selections quoted for every key: one, two and three banks.
const SELECTIONS: [&str; 3] = ["sha256:0,1,2,7", "sha256:0,7+sha1:0,1", "sha1:0+sha256:0,7,10+sha384:7"];

struct KeyConfig {
    label: &'static str,
    algorithm: &'static str,
    hash: &'static str,
    scheme: &'static str,
}

/// A quote written by `tpm2_quote -m -s -o` into the swtpm folder.
struct QuoteFiles {
    message: String,
    signature: String,
    pcrs: String,
    nonce: String,
    selection: &'static str,
    hash: &'static str,
}

fn prepare(tpm: &Swtpm) {
    // Give the quoted PCRs values other than zero, so that a wrong order or bank shows.
    for (pcr, byte) in [(0, "11"), (7, "77"), (10, "aa")] {
        let sha1 = byte.repeat(20);
        let sha256 = byte.repeat(32);
        let sha384 = byte.repeat(48);
        tpm.run("tpm2_pcrextend", &[&format!("{pcr}:sha1={sha1},sha256={sha256},sha384={sha384}")]);
    }
    tpm.run("tpm2_createek", &["-c", "ek.ctx", "-G", "rsa", "-u", "ek.pub"]);
}

fn create_ak(tpm: &Swtpm, config: &KeyConfig) {
    let label = config.label;
    tpm.run(
        "tpm2_createak",
        &[
            "-C",
            "ek.ctx",
            "-c",
            &format!("{label}.ctx"),
            "-G",
            config.algorithm,
            "-g",
            config.hash,
            "-s",
            config.scheme,
            "-u",
            &format!("{label}.pub"),
            "-n",
            &format!("{label}.name"),
            "-r",
            &format!("{label}.priv"),
        ],
    );
}

fn quote(tpm: &Swtpm, config: &KeyConfig, selection: &'static str, number: usize) -> QuoteFiles {
    let prefix = format!("{}-{number}", config.label);
    let files = QuoteFiles {
        message: format!("{prefix}.msg"),
        signature: format!("{prefix}.sig"),
        pcrs: format!("{prefix}.pcrs"),
        nonce: format!("5eed{number:02x}{:02x}", config.label.len()),
        selection,
        hash: config.hash,
    };
    tpm.run(
        "tpm2_quote",
        &[
            "-c",
            &format!("{}.ctx", config.label),
            "-l",
            selection,
            "-q",
            &files.nonce,
            "-m",
            &files.message,
            "-s",
            &files.signature,
            "-o",
            &files.pcrs,
            "-g",
            config.hash,
            "--scheme",
            config.scheme,
        ],
    );
    files
}

/// `tpm2_checkquote`'s verdict: true when it exits with status 0.
fn checkquote(
    tpm: &Swtpm,
    public: &str,
    message: &str,
    signature: &str,
    pcrs: Option<&str>,
    nonce: &str,
    hash: &str,
) -> bool {
    let mut args = vec!["-u", public, "-m", message, "-s", signature, "-g", hash];
    if !nonce.is_empty() {
        args.extend(["-q", nonce]);
    }
    if let Some(pcrs) = pcrs {
        args.extend(["-f", pcrs]);
    }
    tpm.try_run("tpm2_checkquote", &args).status.success()
}

/// Parses a tpm2-tools PCR list such as `sha256:0,7+sha1:0,1`.
fn selection(text: &str) -> PcrSelectionList {
    text.split('+')
        .map(|bank| {
            let (name, pcrs) = bank.split_once(':').unwrap();
            let algorithm = HashAlgorithm::ALL.into_iter().find(|algorithm| algorithm.name() == name).unwrap();
            PcrSelection::new(algorithm, pcrs.split(',').map(|pcr| pcr.parse().unwrap())).unwrap()
        })
        .collect()
}

fn ours(
    key: &AttestationKey,
    message: &[u8],
    signature: &[u8],
    nonce: &str,
    selection_text: &str,
    pcrs: Option<&PcrValues>,
    options: &QuoteOptions,
) -> QuoteVerdict {
    verify_quote_with_options(options, key, message, signature, &common::hex(nonce), &selection(selection_text), pcrs)
        .expect("swtpm output parses")
}

fn refusal(verdict: &QuoteVerdict) -> &QuoteRefusal {
    match verdict {
        QuoteVerdict::Refused(refusal) => refusal,
        QuoteVerdict::Valid(_) => panic!("expected a refusal, got {verdict:?}"),
    }
}

fn flip_last_byte(data: &[u8]) -> Vec<u8> {
    let mut copy = data.to_vec();
    *copy.last_mut().unwrap() ^= 0x01;
    copy
}

/// Runs the genuine quotes and the forgeries for one key.
fn check_key(config: &KeyConfig) {
    let Some(tpm) = Swtpm::start() else { return };
    prepare(&tpm);
    create_ak(&tpm, config);
    let public_file = format!("{}.pub", config.label);
    let key = AttestationKey::from_tpm_public(&tpm.read(&public_file)).unwrap().with_hierarchy(Hierarchy::Endorsement);
    let strict = QuoteOptions::default();
    // tpm2_checkquote 5.4 refuses genuine RSA-PSS quotes: it does not verify the PSS padding the
    // TPMT_SIGNATURE declares. Every other genuine quote it accepts.
    let checkquote_accepts_genuine = config.scheme != "rsapss";

    for (number, selection_text) in SELECTIONS.into_iter().enumerate() {
        let files = quote(&tpm, config, selection_text, number);
        let message = tpm.read(&files.message);
        let signature = tpm.read(&files.signature);
        let (file_selection, values) = PcrValues::from_tpm2_tools_serialized(&tpm.read(&files.pcrs)).unwrap();
        assert!(file_selection.selects_same_pcrs(&selection(selection_text)));

        // Genuine.
        let verdict = ours(&key, &message, &signature, &files.nonce, files.selection, Some(&values), &strict);
        let QuoteVerdict::Valid(verified) = &verdict else { panic!("{} {selection_text}: {verdict:?}", config.label) };
        assert_eq!(verified.obfuscation, Obfuscation::NotApplied);
        assert_eq!(verified.pcr_digest.algorithm().name(), files.hash);
        assert_eq!(verified.pcr_values.as_ref(), Some(&values));
        let witness = checkquote(
            &tpm,
            &public_file,
            &files.message,
            &files.signature,
            Some(&files.pcrs),
            &files.nonce,
            files.hash,
        );
        assert_eq!(witness, checkquote_accepts_genuine, "{} {selection_text}: tpm2_checkquote", config.label);

        // Tampered nonce.
        let other_nonce = "0badc0de";
        let verdict = ours(&key, &message, &signature, other_nonce, files.selection, Some(&values), &strict);
        assert_eq!(refusal(&verdict), &QuoteRefusal::NonceMismatch);
        assert!(!checkquote(
            &tpm,
            &public_file,
            &files.message,
            &files.signature,
            Some(&files.pcrs),
            other_nonce,
            files.hash
        ));

        // Tampered PCR value: the last selected PCR's value changes in our set and in the file.
        let mut tampered = values.clone();
        let (bank, index) = selection(selection_text).pcrs().last().unwrap();
        tampered.insert(index, bank.hash(b"tampered"));
        let verdict = ours(&key, &message, &signature, &files.nonce, files.selection, Some(&tampered), &strict);
        assert_eq!(refusal(&verdict).code(), "pcr_digest_mismatch");
        let tampered_file = tpm.write("tampered.pcrs", &tamper_last_value(&tpm.read(&files.pcrs)));
        assert!(!checkquote(
            &tpm,
            &public_file,
            &files.message,
            &files.signature,
            Some(tampered_file),
            &files.nonce,
            files.hash
        ));

        // Tampered signature.
        let bad_signature = flip_last_byte(&signature);
        let verdict = ours(&key, &message, &bad_signature, &files.nonce, files.selection, Some(&values), &strict);
        assert_eq!(refusal(&verdict), &QuoteRefusal::BadSignature);
        let bad_file = tpm.write("bad.sig", &bad_signature);
        assert!(!checkquote(&tpm, &public_file, &files.message, bad_file, Some(&files.pcrs), &files.nonce, files.hash));

        // The signature relabelled with another hash, which the key's fixed scheme excludes.
        let mut relabelled = signature.clone();
        relabelled[3] = if config.hash == "sha256" { 0x0c } else { 0x0b };
        let verdict = ours(&key, &message, &relabelled, &files.nonce, files.selection, Some(&values), &strict);
        assert_eq!(refusal(&verdict).code(), "scheme_mismatch");
        let relabelled_file = tpm.write("relabelled.sig", &relabelled);
        assert!(!checkquote(
            &tpm,
            &public_file,
            &files.message,
            relabelled_file,
            Some(&files.pcrs),
            &files.nonce,
            files.hash
        ));

        // An RSA signature relabelled RSASSA <-> RSAPSS: the padding is bound to sigAlg.
        if config.algorithm == "rsa" {
            let mut swapped = signature.clone();
            swapped[1] = if swapped[1] == 0x14 { 0x16 } else { 0x14 };
            let verdict = ours(&key, &message, &swapped, &files.nonce, files.selection, Some(&values), &strict);
            assert_eq!(refusal(&verdict).code(), "scheme_mismatch");
            let danger = QuoteOptions { danger_accept_unrestricted_key: true, ..QuoteOptions::default() };
            let unfixed = AttestationKey::from_key(key.public_key().clone());
            let verdict = ours(&unfixed, &message, &swapped, &files.nonce, files.selection, Some(&values), &danger);
            assert_eq!(refusal(&verdict), &QuoteRefusal::BadSignature);
            let swapped_file = tpm.write("swapped.sig", &swapped);
            let witness = checkquote(
                &tpm,
                &public_file,
                &files.message,
                swapped_file,
                Some(&files.pcrs),
                &files.nonce,
                files.hash,
            );
            // tpm2_checkquote 5.4 ignores sigAlg and tries each RSA padding, so it accepts an
            // RSASSA signature labelled RSAPSS. A PSS signature labelled RSASSA it refuses, as
            // it refuses every RSA-PSS quote.
            assert_eq!(witness, config.scheme == "rsassa", "tpm2_checkquote on a relabelled signature");
        }

        // A different selection with the same values: PCR 7 and PCR 10 hold different values, so
        // claim PCR 1 of sha256 (zero) where PCR 2 (zero) was quoted, keeping every value.
        if selection_text == SELECTIONS[0] {
            let verdict = ours(&key, &message, &signature, &files.nonce, "sha256:0,1,3,7", Some(&values), &strict);
            assert_eq!(refusal(&verdict).code(), "selection_mismatch");
            // tpm2_checkquote 5.4 takes the selection from the PCR file and accepts a file that
            // claims PCR 3 instead of PCR 2 while the values still hash to pcrDigest.
            let claimed = tpm.write("claimed.pcrs", &reselect_pcr2_as_pcr3(&tpm.read(&files.pcrs)));
            let witness = checkquote(
                &tpm,
                &public_file,
                &files.message,
                &files.signature,
                Some(claimed),
                &files.nonce,
                files.hash,
            );
            assert_eq!(witness, checkquote_accepts_genuine);
        }
    }

    check_forgeries(&tpm, config, &key);
}

/// Wrong AK, a certification presented as a quote, and a quote signed by an unrestricted key.
fn check_forgeries(tpm: &Swtpm, config: &KeyConfig, key: &AttestationKey) {
    let strict = QuoteOptions::default();
    let public_file = format!("{}.pub", config.label);
    let files = quote(tpm, config, SELECTIONS[1], 9);
    let message = tpm.read(&files.message);
    let signature = tpm.read(&files.signature);
    let (_, values) = PcrValues::from_tpm2_tools_serialized(&tpm.read(&files.pcrs)).unwrap();

    // Wrong AK: a second AK of the same kind.
    let other = KeyConfig { label: "other", ..*config };
    create_ak(tpm, &other);
    let other_key = AttestationKey::from_tpm_public(&tpm.read("other.pub")).unwrap();
    let verdict = ours(&other_key, &message, &signature, &files.nonce, files.selection, Some(&values), &strict);
    assert_eq!(refusal(&verdict), &QuoteRefusal::BadSignature);
    assert!(!checkquote(
        tpm,
        "other.pub",
        &files.message,
        &files.signature,
        Some(&files.pcrs),
        &files.nonce,
        files.hash
    ));

    // A TPM2_Certify result (the AK certifying the other AK) presented as a quote.
    // tpm2_certify 5.4 has no qualifying-data option, so extraData is empty and
    // tpm2_checkquote refuses it for the nonce alone.
    tpm.run(
        "tpm2_certify",
        &[
            "-C",
            &format!("{}.ctx", config.label),
            "-c",
            "other.ctx",
            "-g",
            config.hash,
            "--scheme",
            config.scheme,
            "-o",
            "certify.msg",
            "-s",
            "certify.sig",
        ],
    );
    let certify = tpm.read("certify.msg");
    let certify_signature = tpm.read("certify.sig");
    let verdict = ours(key, &certify, &certify_signature, "", files.selection, None, &strict);
    assert_eq!(refusal(&verdict), &QuoteRefusal::WrongType { found: 0x8017 });
    assert!(!checkquote(tpm, &public_file, "certify.msg", "certify.sig", None, "", files.hash));

    // A TPM2_GetTime result over the quote's nonce presented as a quote.
    tpm.run(
        "tpm2_gettime",
        &[
            "-c",
            &format!("{}.ctx", config.label),
            "-g",
            config.hash,
            "-s",
            config.scheme,
            "-q",
            &files.nonce,
            "--attestation",
            "time.msg",
            "-o",
            "time.sig",
        ],
    );
    let time = tpm.read("time.msg");
    let time_signature = tpm.read("time.sig");
    let verdict = ours(key, &time, &time_signature, &files.nonce, files.selection, None, &strict);
    assert_eq!(refusal(&verdict), &QuoteRefusal::WrongType { found: 0x8019 });
    // tpm2_checkquote 5.4 does not check the type when no PCR file is given and accepts it,
    // except for RSA-PSS keys, whose signatures it never accepts.
    let witness = checkquote(tpm, &public_file, "time.msg", "time.sig", None, &files.nonce, files.hash);
    assert_eq!(witness, config.scheme != "rsapss", "tpm2_checkquote on a TPM2_GetTime result");

    // The genuine quote bytes signed by a key without `restricted`, with TPM2_Sign.
    if config.algorithm == "rsa" && config.scheme == "rsassa" {
        tpm.run("tpm2_createprimary", &["-C", "o", "-g", "sha256", "-G", "rsa", "-c", "owner.ctx"]);
        tpm.run(
            "tpm2_create",
            &[
                "-C",
                "owner.ctx",
                "-G",
                "rsa",
                "-g",
                "sha256",
                "-a",
                "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign",
                "-u",
                "loose.pub",
                "-r",
                "loose.priv",
            ],
        );
        tpm.run("tpm2_load", &["-C", "owner.ctx", "-u", "loose.pub", "-r", "loose.priv", "-c", "loose.ctx"]);
        tpm.run(
            "tpm2_sign",
            &["-c", "loose.ctx", "-g", config.hash, "-s", "rsassa", "-o", "loose.sig", &files.message],
        );
        let loose_key = AttestationKey::from_tpm_public(&tpm.read("loose.pub")).unwrap();
        let loose_signature = tpm.read("loose.sig");

        let verdict =
            ours(&loose_key, &message, &loose_signature, &files.nonce, files.selection, Some(&values), &strict);
        assert_eq!(refusal(&verdict).code(), "key_not_restricted");
        // The signature itself is good: with the check waived the quote verifies.
        let waived = QuoteOptions { danger_accept_unrestricted_key: true, ..QuoteOptions::default() };
        let verdict =
            ours(&loose_key, &message, &loose_signature, &files.nonce, files.selection, Some(&values), &waived);
        assert!(verdict.is_valid(), "{verdict:?}");
        // tpm2_checkquote 5.4 does not look at the key's attributes and accepts the forgery.
        assert!(checkquote(tpm, "loose.pub", &files.message, "loose.sig", Some(&files.pcrs), &files.nonce, files.hash));
    }
}

/// Byte offset of the first value in a tpm2-tools 5.4 PCR file: the 132-byte selection, the
/// `u32` list count, the first list's `u32` count and the first `u16` size.
const FIRST_VALUE: usize = 132 + 4 + 4 + 2;

/// Changes the last byte of the first value in a tpm2-tools PCR file.
fn tamper_last_value(file: &[u8]) -> Vec<u8> {
    let mut copy = file.to_vec();
    copy[FIRST_VALUE + 19] ^= 0x01;
    copy
}

/// Rewrites the first selection's mask in a tpm2-tools PCR file from {0,1,2,7} to {0,1,3,7}.
fn reselect_pcr2_as_pcr3(file: &[u8]) -> Vec<u8> {
    let mut copy = file.to_vec();
    // count (4), hash (2), sizeofSelect (1), then pcrSelect.
    assert_eq!(copy[7], 0b1000_0111);
    copy[7] = 0b1000_1011;
    copy
}

#[test]
fn rsa2048_rsassa_sha256() {
    check_key(&KeyConfig { label: "rsassa", algorithm: "rsa", hash: "sha256", scheme: "rsassa" });
}

#[test]
fn rsa2048_rsassa_sha384() {
    check_key(&KeyConfig { label: "rsassa384", algorithm: "rsa", hash: "sha384", scheme: "rsassa" });
}

#[test]
fn rsa2048_rsapss_sha256() {
    check_key(&KeyConfig { label: "rsapss", algorithm: "rsa", hash: "sha256", scheme: "rsapss" });
}

#[test]
fn ecc_p256_ecdsa_sha256() {
    check_key(&KeyConfig { label: "p256", algorithm: "ecc256", hash: "sha256", scheme: "ecdsa" });
}

#[test]
fn ecc_p384_ecdsa_sha384() {
    check_key(&KeyConfig { label: "p384", algorithm: "ecc384", hash: "sha384", scheme: "ecdsa" });
}
