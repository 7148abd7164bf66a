//! `trusted-launch verify` on the generated sample boot (`tests/fixtures/boot`, written by
//! `tools/fixtures/bootsample.py`): the good boot is trusted, and each mutated copy gets the
//! verdict, component, PCR and alerts its `manifest.json` entry expects. The generator built each
//! mutation and checked it with tpm2_checkquote and tpm2_eventlog (`check_bootsample.sh`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/boot")
}

fn run(arguments: &[String]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_trusted-launch")).args(arguments).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn path(folder: &Path, name: &str) -> String {
    folder.join(name).to_str().unwrap().to_owned()
}

/// The `verify` arguments for one case folder: its log, quote and quoted PCR values (when it has
/// a quote), store and images.
fn verify_arguments(folder: &Path) -> Vec<String> {
    let mut arguments = vec!["verify".to_owned(), "--json".to_owned(), "--require-secure-boot".to_owned()];
    arguments.extend(["--log".to_owned(), path(folder, "binary_bios_measurements")]);
    arguments.extend(["--vars".to_owned(), path(folder, "vars")]);
    if folder.join("quote.msg").is_file() {
        let nonce = std::fs::read_to_string(folder.join("nonce.hex")).unwrap().trim().to_owned();
        arguments.extend(["--quote".to_owned(), path(folder, "quote.msg")]);
        arguments.extend(["--signature".to_owned(), path(folder, "quote.sig")]);
        arguments.extend(["--ak".to_owned(), path(folder, "ak.pub")]);
        arguments.extend(["--nonce".to_owned(), nonce]);
        // The PCR values the quote covers, as an attestation service receives them beside it.
        arguments.extend(["--pcrs".to_owned(), path(folder, "pcrs.json")]);
    }
    for image in ["shim", "grub", "kernel"] {
        arguments.extend(["--image".to_owned(), format!("{image}={}", path(folder, &format!("images/{image}.efi")))]);
    }
    arguments
}

fn baseline_of(case: &str) -> PathBuf {
    let folder = sample().join(case);
    let out = std::env::temp_dir().join(format!("trusted-launch-baseline-{case}-{}.json", std::process::id()));
    let arguments = [
        "baseline".to_owned(),
        "create".to_owned(),
        "--log".to_owned(),
        path(&folder, "binary_bios_measurements"),
        "--vars".to_owned(),
        path(&folder, "vars"),
        "--out".to_owned(),
        out.to_str().unwrap().to_owned(),
    ];
    let (status, _, stderr) = run(&arguments);
    assert_eq!(status, 0, "baseline create: {stderr}");
    out
}

#[test]
fn every_sample_case_gets_its_expected_report() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(sample().join("manifest.json")).unwrap()).unwrap();
    let cases = manifest.as_array().unwrap();
    assert!(cases.len() >= 9, "{} cases", cases.len());
    let baseline = baseline_of("good");

    for case in cases {
        let name = case["name"].as_str().unwrap();
        let folder = sample().join(case["path"].as_str().unwrap_or(name));
        let expected = &case["expected"];
        let mut arguments = verify_arguments(&folder);
        if case["baseline_from"].as_str() == Some("good") {
            arguments.extend(["--baseline".to_owned(), baseline.to_str().unwrap().to_owned()]);
        }
        let (status, stdout, stderr) = run(&arguments);
        let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{name}: {error}: {stderr}"));

        let verdict = expected["verdict"].as_str().unwrap();
        assert_eq!(report["verdict"], verdict, "{name}: {report:#}");
        let expected_status = match verdict {
            "trusted" => 0,
            "untrusted" => 1,
            _ => 3,
        };
        assert_eq!(status, expected_status, "{name}");

        let deviations = report["deviations"].as_array().unwrap();
        if let Some(component) = expected["component"].as_str() {
            assert!(
                deviations.iter().any(|deviation| deviation["component"] == component),
                "{name}: no deviation names {component}: {deviations:#?}"
            );
        }
        if let Some(pcr) = expected["pcr"].as_u64() {
            assert!(
                deviations.iter().any(|deviation| deviation["pcr"].as_u64() == Some(pcr)),
                "{name}: no deviation at PCR {pcr}: {deviations:#?}"
            );
        }
        let alerts: Vec<&str> =
            report["alerts"].as_array().unwrap().iter().filter_map(|alert| alert["kind"].as_str()).collect();
        for alert in expected["alerts"].as_array().into_iter().flatten() {
            let alert = alert.as_str().unwrap();
            assert!(alerts.contains(&alert), "{name}: alert {alert} missing from {alerts:?}");
        }
    }
    std::fs::remove_file(baseline).unwrap();
}

#[test]
fn good_sample_text_report_starts_with_the_verdict() {
    let arguments: Vec<String> =
        verify_arguments(&sample().join("good")).into_iter().filter(|argument| argument != "--json").collect();
    let (status, stdout, stderr) = run(&arguments);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.starts_with("verdict: TRUSTED"), "{stdout}");
}
