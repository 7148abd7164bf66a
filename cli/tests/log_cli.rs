//! `trusted-launch log replay` and `log show` on the event-log corpus. Expected PCR values come
//! from the corpus `expected_pcrs.json` (values the upstream projects' tests assert), and the
//! claims from the rows of the corpus `PROVENANCE.md` named beside each check.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

/// The event-log corpus folder, or `None` (the test skips) when it is missing outside CI.
fn corpus() -> Option<PathBuf> {
    let root = std::env::var_os("TRUSTED_LAUNCH_CORPUS")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"), PathBuf::from);
    let folder = root.join("eventlog");
    if folder.is_dir() {
        return Some(folder);
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "corpus folder {} not found", folder.display());
    eprintln!("skipped: corpus folder {} not found; set TRUSTED_LAUNCH_CORPUS", folder.display());
    None
}

fn expected_pcrs(folder: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(folder.join("expected_pcrs.json")).unwrap()).unwrap()
}

fn trusted_launch(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trusted-launch")).args(arguments).output().unwrap()
}

fn json_stdout(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("stdout is not JSON ({error}); stderr: {}", String::from_utf8_lossy(&output.stderr))
    })
}

/// Writes `text` to a file of this test binary's temporary folder.
fn temporary_file(name: &str, text: &[u8]) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn replay_json_equals_expected_pcrs() {
    let Some(folder) = corpus() else { return };
    let expected = expected_pcrs(&folder);
    // Logs whose expected_pcrs.json entry lists exactly the PCRs the log extends, in every bank
    // it names.
    for name in [
        "go-tpm-tools/arch-linux-workstation.bin",
        "go-tpm-tools/cos-85-amd-sev.bin",
        "go-tpm-tools/cos-93-amd-sev.bin",
        "go-tpm-tools/debian-10.bin",
        "go-tpm-tools/eventlogwithsp800155.bin",
        "go-tpm-tools/rhel8-uefi.bin",
        "go-tpm-tools/ubuntu-1804-amd-sev.bin",
        "go-tpm-tools/ubuntu-2104-no-dbx.bin",
        "go-tpm-tools/ubuntu-2104-no-secure-boot.bin",
        "tpm2-tools/event-arch-linux.bin",
        "tpm2-tools/event-bootorder.bin",
        "tpm2-tools/event-moklisttrusted.bin",
        "tpm2-tools/event-uefi-sha1-log.bin",
    ] {
        let output = trusted_launch(&["log", "replay", "--json", folder.join(name).to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{name}");
        let banks = &json_stdout(&output)["banks"];
        for (bank, pcrs) in expected[name]["pcrs"].as_object().unwrap() {
            assert_eq!(&banks[bank], pcrs, "{name} {bank}");
        }
    }
}

#[test]
fn replay_matches_expected_pcrs_file() {
    let Some(folder) = corpus() else { return };
    let expected = expected_pcrs(&folder);
    let name = "go-tpm-tools/rhel8-uefi.bin";
    let pcrs = temporary_file("rhel8-expected.json", expected[name].to_string().as_bytes());
    let output = trusted_launch(&[
        "log",
        "replay",
        "--json",
        "--pcrs",
        pcrs.to_str().unwrap(),
        folder.join(name).to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let report = json_stdout(&output);
    assert_eq!(report["all_match"], true);
    let comparison = report["comparison"].as_array().unwrap();
    // expected_pcrs.json lists PCRs 0-9 and 14 in the sha1 and sha256 banks.
    assert_eq!(comparison.len(), 22);
    assert!(comparison.iter().all(|entry| entry["result"] == "matches"));
    // PROVENANCE.md rhel8-uefi: Secure Boot on, loader GRUB.
    assert_eq!(report["secure_boot"]["enabled"], true);
    assert!(report["command_lines"].as_array().unwrap().iter().any(|line| line["source"] == "grub"));
    assert!(!report["loaded_images"].as_array().unwrap().is_empty());
}

#[test]
fn wrong_pcr_in_pcrread_yaml_fails() {
    let Some(folder) = corpus() else { return };
    let expected = expected_pcrs(&folder);
    let name = "go-tpm-tools/cos-85-amd-sev.bin";
    let mut yaml = String::new();
    for (bank, pcrs) in expected[name]["pcrs"].as_object().unwrap() {
        yaml.push_str(&format!("  {bank}:\n"));
        let mut entries: Vec<(u32, &str)> = pcrs
            .as_object()
            .unwrap()
            .iter()
            .map(|(pcr, value)| (pcr.parse().unwrap(), value.as_str().unwrap()))
            .collect();
        entries.sort_unstable();
        for (pcr, value) in entries {
            // One wrong value: sha256 PCR 4 with its first byte changed.
            let value = if bank == "sha256" && pcr == 4 { format!("FF{}", &value[2..]) } else { value.to_uppercase() };
            yaml.push_str(&format!("    {pcr} : 0x{value}\n"));
        }
    }
    let pcrs = temporary_file("cos-85-one-wrong.yaml", yaml.as_bytes());
    let log = folder.join(name);
    let arguments = ["log", "replay", "--pcrs", pcrs.to_str().unwrap(), log.to_str().unwrap()];

    let output = trusted_launch(&arguments);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("does not explain 1 of 20 PCR values: sha256 PCR 4"), "{text}");

    let mut json_arguments = arguments.to_vec();
    json_arguments.insert(2, "--json");
    let report = json_stdout(&trusted_launch(&json_arguments));
    let failed: Vec<&Value> =
        report["comparison"].as_array().unwrap().iter().filter(|entry| entry["accepted"] != true).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["bank"], "sha256");
    assert_eq!(failed[0]["pcr"], 4);
    assert_eq!(failed[0]["result"], "differs");
    assert_eq!(failed[0]["replayed"], expected[name]["pcrs"]["sha256"]["4"]);
    // PCR 4 no longer verified, so no loaded image is claimed.
    assert_eq!(report["loaded_images"], Value::Array(Vec::new()));
}

#[test]
fn pcr_missing_from_log_fails_unless_reset() {
    let Some(folder) = corpus() else { return };
    let expected = expected_pcrs(&folder);
    // PROVENANCE.md sb_cert_eventlog: PCR 10 (IMA) is in the expected list but not in the log.
    let name = "go-attestation/sb_cert_eventlog";
    let pcrs = temporary_file("sb-cert-expected.json", expected[name].to_string().as_bytes());
    let output = trusted_launch(&[
        "log",
        "replay",
        "--json",
        "--pcrs",
        pcrs.to_str().unwrap(),
        folder.join(name).to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report = json_stdout(&output);
    let pcr10: Vec<&Value> =
        report["comparison"].as_array().unwrap().iter().filter(|entry| entry["pcr"] == 10).collect();
    assert_eq!(pcr10.len(), 2);
    assert!(pcr10.iter().all(|entry| entry["result"] == "not_in_log" && entry["accepted"] == false));

    // The Windows log's expected values cover all 24 PCRs (read from the TPM); the ones the log
    // never extends hold their reset values, which the log's silence explains.
    let name = "go-attestation/windows_gcp_shielded_vm.wbcl.bin";
    let pcrs = temporary_file("windows-expected.json", expected[name].to_string().as_bytes());
    let output = trusted_launch(&[
        "log",
        "replay",
        "--json",
        "--pcrs",
        pcrs.to_str().unwrap(),
        folder.join(name).to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let report = json_stdout(&output);
    // PROVENANCE.md windows_gcp_shielded_vm: Secure Boot enabled, ColdBoot=true, BootCount=4.
    assert_eq!(report["secure_boot"]["enabled"], true);
    assert_eq!(report["windows"]["cold_boot"], true);
    assert_eq!(report["windows"]["boot_count"], 4);
}

#[test]
fn truncated_log_exits_2_with_offset() {
    let Some(folder) = corpus() else { return };
    let bytes = std::fs::read(folder.join("go-tpm-tools/rhel8-uefi.bin")).unwrap();
    let log = temporary_file("rhel8-truncated.bin", &bytes[..bytes.len() - 10]);
    for command in ["show", "replay"] {
        let output = trusted_launch(&["log", command, log.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{command}");
        let message = String::from_utf8(output.stderr).unwrap();
        assert!(message.contains("rhel8-truncated.bin: TCG_PCR_EVENT2 at offset 0x"), "{message}");
    }
}

#[test]
fn padded_log_needs_allow_padding() {
    let Some(folder) = corpus() else { return };
    // PROVENANCE.md ccel-cos-113-intel-tdx.bin: 244043 bytes of 0xFF padding after the last event.
    let log = folder.join("go-eventlog/ccel-cos-113-intel-tdx.bin");
    let output = trusted_launch(&["log", "show", "--json", log.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let output = trusted_launch(&["log", "show", "--json", "--allow-padding", log.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let report = json_stdout(&output);
    assert_eq!(report["padding"]["length"], 244_043);
    assert_eq!(report["padding"]["byte"], "ff");
    assert_eq!(report["algorithms"], serde_json::json!(["sha384"]));
}

#[test]
fn show_decodes_grub_and_spec_id() {
    let Some(folder) = corpus() else { return };
    // PROVENANCE.md event-moklisttrusted: event 80 is a grub_cmd.
    let log = folder.join("tpm2-tools/event-moklisttrusted.bin");
    let report = json_stdout(&trusted_launch(&["log", "show", "--json", log.to_str().unwrap()]));
    let events = report["events"].as_array().unwrap();
    assert_eq!(events[0]["decoded"]["kind"], "spec_id");
    assert_eq!(events[80]["type_name"], "EV_IPL");
    assert_eq!(events[80]["decoded"]["kind"], "grub_command");
    // The Spec ID header carries the SHA-1 field only; every later event a SHA-256 digest.
    assert!(events[1..].iter().all(|event| event["digests"]["sha256"].is_string()));
}
