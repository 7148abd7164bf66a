//! Every case of the generated Secure Boot fixtures (`tests/fixtures/secureboot/manifest.json`,
//! written by `tools/fixtures/generate.py`): the verdict, reason and authority the manifest
//! expects, checked through the library and through `trusted-launch image verify --json`.
//!
//! The expected values come from the generator, which signs with its own Python Authenticode
//! implementation and computes digests independently of this crate. Its README records which
//! reference tools (osslsigncode, sbverify, efitools, openssl) confirmed which cases.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::pe::PeImage;
use trusted_launch::uefi::sbat::SbatLevelOwned;
use trusted_launch::uefi::secureboot::{ImageVerdict, SecureBootPolicy};
use trusted_launch::uefi::sigdb::SignatureDatabase;
use trusted_launch::uefi::siglist::parse_signature_lists;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/secureboot")
}

fn manifest() -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures().join("manifest.json")).expect("manifest.json is committed");
    serde_json::from_str::<Value>(&text).expect("manifest.json is JSON").as_array().expect("a list of cases").clone()
}

fn paths(case: &Value, key: &str) -> Vec<String> {
    case[key]
        .as_array()
        .map(|list| list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn database(files: &[String]) -> SignatureDatabase {
    let mut database = SignatureDatabase::new();
    for file in files {
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        for list in parse_signature_lists(&bytes, 0).unwrap_or_else(|error| panic!("{file}: {error}")) {
            database.add_list(&list);
        }
    }
    database
}

fn policy(case: &Value) -> SecureBootPolicy {
    let mut policy = SecureBootPolicy::new(database(&paths(case, "db")), database(&paths(case, "dbx")));
    policy.dbt = database(&paths(case, "dbt"));
    if let Some(level) = case["sbat_level"].as_str() {
        let bytes = std::fs::read(fixtures().join(level)).unwrap();
        policy.sbat_level = Some(SbatLevelOwned::parse(&bytes).unwrap());
    }
    policy
}

#[test]
fn manifest_cases_get_expected_verdicts() {
    let cases = manifest();
    assert!(cases.len() >= 30, "the manifest lists {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let image = std::fs::read(fixtures().join(case["image"].as_str().unwrap())).unwrap();
        let expected = &case["expected"];
        let verdict = policy(case).verify_image(&image).unwrap_or_else(|error| panic!("{name}: {error}"));

        let verdict_name = if verdict.is_allowed() { "allowed" } else { "refused" };
        let reason = verdict.code();
        if verdict_name != expected["verdict"] || reason != expected["reason"] {
            failures.push(format!(
                "{name}: expected {} / {}, got {verdict_name} / {reason}: {verdict:?}",
                expected["verdict"], expected["reason"]
            ));
            continue;
        }
        if let (ImageVerdict::Allowed { authority, .. }, Some(file)) = (&verdict, expected["authority"].as_str()) {
            let authorising = database(&[file.to_owned()]);
            if !authorising.contains_entry(&authority.entry) {
                failures.push(format!("{name}: authority {:?} is not an entry of {file}", authority.entry.owner));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn digests_match_the_generator() {
    for case in manifest() {
        let name = case["name"].as_str().unwrap();
        let Some(digests) = case["digests"].as_object() else { continue };
        let image = std::fs::read(fixtures().join(case["image"].as_str().unwrap())).unwrap();
        let pe = PeImage::parse(&image).unwrap();
        // The manifest follows the PE specification's steps literally, so its digest equals
        // ours only where the layout is consistent; the inconsistent cases are refused earlier.
        if pe.check_layout().is_err() {
            continue;
        }
        let ours = pe.authenticode_digests().unwrap();
        for algorithm in HashAlgorithm::ALL {
            let expected = digests[algorithm.name()].as_str().unwrap();
            assert_eq!(ours.get(algorithm).unwrap().to_string(), expected, "{name} {algorithm}");
        }
    }
}

fn run_cli(arguments: &[&str]) -> (i32, String, String) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_trusted-launch")).args(arguments).current_dir(fixtures()).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn cli_json_report_fields() {
    let (status, stdout, stderr) = run_cli(&[
        "image",
        "verify",
        "--json",
        "--db",
        "certs/root.pem",
        "images/rsa2048-sha256.efi",
        "images/rogue-sha256.efi",
    ]);
    assert_eq!(status, 1, "one image is refused: {stderr}");
    let reports: Value = serde_json::from_str(&stdout).unwrap();
    let [allowed, refused] = reports.as_array().unwrap().as_slice() else { panic!("two reports: {stdout}") };

    assert_eq!(allowed["verdict"], "allowed");
    assert_eq!(allowed["reason"], "signature_in_db");
    assert_eq!(allowed["authority"]["signature_type_name"], "EFI_CERT_X509");
    assert_eq!(allowed["signatures"][0]["outcome"], "authorized");
    let case = manifest().into_iter().find(|case| case["name"] == "rsa2048_chain_to_root").unwrap();
    for algorithm in ["sha1", "sha256", "sha384", "sha512"] {
        assert_eq!(allowed["digests"][algorithm], case["digests"][algorithm], "{algorithm}");
    }

    assert_eq!(refused["verdict"], "refused");
    assert_eq!(refused["reason"], "not_authorized");
    assert_eq!(refused["authority"], Value::Null);
}

#[test]
fn cli_exit_codes_follow_the_verdicts() {
    assert_eq!(run_cli(&["image", "verify", "--db", "esl/root.x509.esl", "images/p256-sha256.efi"]).0, 0);
    assert_eq!(run_cli(&["image", "verify", "--db", "esl/root.x509.esl", "images/digest-mismatch.efi"]).0, 1);

    let (status, _, stderr) = run_cli(&["image", "verify", "--db", "manifest.json", "images/p256-sha256.efi"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("manifest.json"), "{stderr}");
    assert!(stderr.contains("EFI_SIGNATURE_LIST at offset 0x0"), "{stderr}");

    let (status, _, stderr) = run_cli(&["image", "verify", "manifest.json"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("manifest.json"), "{stderr}");
    assert!(stderr.contains("offset"), "{stderr}");
}

#[test]
fn cli_reads_efivarfs_and_der() {
    let directory = std::env::temp_dir().join(format!("trusted-launch-efivarfs-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let mut efivarfs = 0x27u32.to_le_bytes().to_vec();
    efivarfs.extend(std::fs::read(fixtures().join("esl/root.x509.esl")).unwrap());
    let db = directory.join("db-d719b2cb-3d3a-4596-a3bc-dad00e67656f");
    std::fs::write(&db, efivarfs).unwrap();

    let image = fixtures().join("images/rsa2048-sha256.efi");
    let as_efivarfs = run_cli(&["image", "verify", "--db", db.to_str().unwrap(), image.to_str().unwrap()]);
    let as_der = run_cli(&["image", "verify", "--db", "certs/intermediate.der", "images/rsa2048-sha256.efi"]);
    std::fs::remove_dir_all(&directory).unwrap();
    assert_eq!(as_efivarfs.0, 0, "{}", as_efivarfs.2);
    assert_eq!(as_der.0, 0, "{}", as_der.2);
}

#[test]
fn image_show_json() {
    let (status, stdout, stderr) = run_cli(&["image", "show", "--json", "images/two-signatures.efi"]);
    assert_eq!(status, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["layout"]["consistent"], true);
    assert_eq!(report["signatures"].as_array().unwrap().len(), 2);
    assert!(report["sections"].as_array().unwrap().iter().any(|section| section["name"] == ".sbat"));
    assert_eq!(report["sbat"][1]["component"], "trustedlaunch");

    let (status, stdout, _) = run_cli(&["image", "show", "images/nested-signature.efi"]);
    assert_eq!(status, 0);
    assert!(stdout.contains("signatures:"), "{stdout}");
}

#[test]
fn fixture_prefixes_never_panic() {
    let policy = SecureBootPolicy::new(database(&["esl/root.x509.esl".to_owned()]), SignatureDatabase::new());
    for entry in std::fs::read_dir(fixtures().join("images")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        for length in [bytes.len(), bytes.len() / 2, 0x200, 64] {
            let _ = policy.verify_image(bytes.get(..length).unwrap_or(&bytes));
        }
    }
}

#[test]
fn dbx_certificate_position_is_named() {
    // The manifest's dbx cases revoke, by construction of the generator's PKI, the RSA-2048 leaf,
    // the intermediate CA it carries and the root CA that is not carried.
    use trusted_launch::uefi::secureboot::{ChainPosition, RefusalReason};
    let cases = [
        ("dbx_x509_leaf_rsa2048", ChainPosition::Leaf),
        ("dbx_x509_intermediate", ChainPosition::Intermediate),
        ("dbx_x509_root", ChainPosition::Anchor),
        ("dbx_tbs_sha256_leaf_rsa2048", ChainPosition::Leaf),
        ("dbx_tbs_sha256_intermediate", ChainPosition::Intermediate),
        ("dbx_tbs_sha256_root", ChainPosition::Anchor),
    ];
    let manifest = manifest();
    for (name, expected) in cases {
        let case =
            manifest.iter().find(|case| case["name"] == name).unwrap_or_else(|| panic!("{name} not in manifest"));
        let image = std::fs::read(fixtures().join(case["image"].as_str().unwrap())).unwrap();
        let verdict = policy(case).verify_image(&image).unwrap();
        let position = match &verdict {
            ImageVerdict::Refused { reason: RefusalReason::CertificateInDbx { position, .. }, .. }
            | ImageVerdict::Refused { reason: RefusalReason::CertificateHashInDbx { position, .. }, .. } => *position,
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(position, expected, "{name}");
    }
}
