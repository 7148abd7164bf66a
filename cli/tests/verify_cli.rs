//! `trusted-launch baseline create` and `trusted-launch verify` on real OVMF + swtpm boots that
//! `tools/bootlab/bootlab.py` recorded in `.cache/bootlab`. Expected verdicts and values come
//! from the lab: `outcome.json` (what booted, the files' SHA-256, `pesign -h` digests) and the
//! lab README's table of PCRs that differ from the good boot.
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn lab() -> Option<PathBuf> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.cache/bootlab");
    if folder.join("good/outcome.json").is_file() {
        return Some(folder);
    }
    let message = format!("{} not found; run tools/bootlab/bootlab.py all --out .cache/bootlab", folder.display());
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("skipped: {message}");
    None
}

fn run(arguments: &[String]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_trusted-launch")).args(arguments).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn outcome(lab: &Path, scenario: &str) -> Value {
    serde_json::from_slice(&std::fs::read(lab.join(scenario).join("outcome.json")).unwrap()).unwrap()
}

/// Writes the `good` baseline into a temporary file and returns its path.
fn good_baseline(lab: &Path, name: &str) -> PathBuf {
    let out = std::env::temp_dir().join(format!("trusted-launch-{name}-{}.json", std::process::id()));
    let good = lab.join("good");
    let (status, _, stderr) = run(&[
        "baseline".into(),
        "create".into(),
        "--log".into(),
        good.join("binary_bios_measurements").display().to_string(),
        "--vars".into(),
        good.join("OVMF_VARS.before.fd").display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ]);
    assert_eq!(status, 0, "{stderr}");
    out
}

/// `verify --json` of a booted scenario with its quote, checked against the log's replay.
fn verify_quoted(lab: &Path, scenario: &str, baseline: &Path) -> (i32, Value) {
    let folder = lab.join(scenario);
    let file = |name: &str| folder.join(name).display().to_string();
    let nonce = std::fs::read_to_string(folder.join("nonce.hex")).unwrap().trim().to_owned();
    let (status, stdout, stderr) = run(&[
        "verify".into(),
        "--log".into(),
        file("binary_bios_measurements"),
        "--quote".into(),
        file("quote.msg"),
        "--signature".into(),
        file("quote.sig"),
        "--ak".into(),
        file("ak.pub"),
        "--nonce".into(),
        nonce,
        "--vars".into(),
        file("OVMF_VARS.before.fd"),
        "--baseline".into(),
        baseline.display().to_string(),
        "--require-secure-boot".into(),
        "--json".into(),
    ]);
    assert!(stderr.is_empty(), "{stderr}");
    (status, serde_json::from_str(&stdout).unwrap())
}

#[test]
fn good_again_exits_trusted() {
    let Some(lab) = lab() else { return };
    let baseline = good_baseline(&lab, "good-again");
    let (status, report) = verify_quoted(&lab, "good-again", &baseline);
    assert_eq!(status, 0, "{report:#}");
    assert_eq!(report["verdict"], "trusted");
    assert_eq!(report["secure_boot"]["enabled"], true);
    assert_eq!(report["deviations"].as_array().unwrap().len(), 0);
    let expected = outcome(&lab, "good-again");
    assert_eq!(report["images"][0]["sha256"], expected["authenticode_sha256"]["shim"]);
    assert_eq!(report["images"][0]["path"], "\\EFI\\BOOT\\BOOTX64.EFI");
    assert!(
        report["images"][0]["authority"]["subject"].as_str().unwrap().contains("Microsoft Corporation UEFI CA 2011")
    );
    std::fs::remove_file(baseline).unwrap();
}

#[test]
fn kernel_checksum_change_exits_untrusted() {
    let Some(lab) = lab() else { return };
    let baseline = good_baseline(&lab, "checksum");
    let (status, report) = verify_quoted(&lab, "kernel-checksum-changed", &baseline);
    assert_eq!(status, 1);
    assert_eq!(report["verdict"], "untrusted");
    let deviations = report["deviations"].as_array().unwrap();
    assert_eq!(deviations.len(), 1, "{report:#}");
    assert_eq!(deviations[0]["pcr"], 9);
    assert_eq!(deviations[0]["event"], 44);
    assert_eq!(deviations[0]["component"], "kernel");
    let good_kernel = outcome(&lab, "good")["images"]["kernel"].as_str().unwrap().to_owned();
    let changed_kernel = outcome(&lab, "kernel-checksum-changed")["images"]["kernel"].as_str().unwrap().to_owned();
    assert_eq!(deviations[0]["expected"][0], format!("sha256:{good_kernel}"));
    assert_eq!(deviations[0]["found"], format!("sha256:{changed_kernel}"));
    let alerts: Vec<(&str, &str)> = report["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|alert| (alert["kind"].as_str().unwrap(), alert["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(alerts, [("boot_log_deviates_from_baseline", "medium")]);
    std::fs::remove_file(baseline).unwrap();
}

#[test]
fn log_with_pcrread_values_and_without_values() {
    let Some(lab) = lab() else { return };
    let good = lab.join("good");
    let log = good.join("binary_bios_measurements").display().to_string();
    let pcrs = good.join("pcrread.yaml").display().to_string();
    let (status, _, stderr) = run(&["verify".into(), "--log".into(), log.clone(), "--pcrs".into(), pcrs]);
    assert_eq!(status, 0, "{stderr}");
    let (status, stdout, _) = run(&["verify".into(), "--log".into(), log]);
    assert_eq!(status, 3);
    assert!(stdout.starts_with("verdict: INCOMPLETE"));
}

#[test]
fn unreadable_log_exits_2() {
    let Some(lab) = lab() else { return };
    let not_a_log = lab.join("good/nonce.hex").display().to_string();
    let (status, _, stderr) = run(&["verify".into(), "--log".into(), not_a_log.clone()]);
    assert_eq!(status, 2);
    assert!(stderr.contains(&not_a_log), "{stderr}");
}
