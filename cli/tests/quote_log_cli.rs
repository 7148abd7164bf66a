//! `trusted-launch quote verify --log` on real boots from the boot lab (`tools/bootlab`, run by
//! `tools/test.sh` into `.cache/bootlab`): the swtpm quote taken after the `good` boot, checked
//! against that boot's event log and against the log of the boot whose kernel checksum changed.
//! `tpm2_checkquote` 5.4 accepts the first pair and refuses the second with "PCR9 mismatch"
//! (the boot lab records both), so the expected results come from it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn scenario(name: &str) -> Option<PathBuf> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.cache/bootlab").join(name);
    if folder.join("binary_bios_measurements").is_file() {
        return Some(folder);
    }
    let message = format!("{} not found; run tools/bootlab/bootlab.py all --out .cache/bootlab", folder.display());
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("skipped: {message}");
    None
}

fn quote_verify(good: &Path, log: &Path) -> (i32, Value) {
    let nonce = std::fs::read_to_string(good.join("nonce.hex")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_trusted-launch"))
        .args(["quote", "verify", "--json", "--nonce", nonce.trim()])
        .arg("--ak")
        .arg(good.join("ak.pub"))
        .arg("--quote")
        .arg(good.join("quote.msg"))
        .arg("--signature")
        .arg(good.join("quote.sig"))
        .arg("--pcrs")
        .arg(good.join("quote.pcrs"))
        .arg("--log")
        .arg(log.join("binary_bios_measurements"))
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("{error}: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
    });
    (output.status.code().unwrap(), report)
}

#[test]
fn good_log_matches_good_quote() {
    let Some(good) = scenario("good") else { return };
    let (status, report) = quote_verify(&good, &good);
    assert_eq!(status, 0, "{report}");
    assert_eq!(report["valid"], true);
    assert_eq!(report["log"]["all_match"], true);
}

#[test]
fn changed_kernel_log_names_pcr_9() {
    let (Some(good), Some(changed)) = (scenario("good"), scenario("kernel-checksum-changed")) else { return };
    let (status, report) = quote_verify(&good, &changed);
    assert_eq!(status, 1, "{report}");
    assert_eq!(report["valid"], true, "the quote itself is genuine");
    let differing: Vec<u64> = report["log"]["pcrs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|pcr| pcr["result"] == "differs")
        .map(|pcr| pcr["pcr"].as_u64().unwrap())
        .collect();
    assert_eq!(differing, [9]);
}
