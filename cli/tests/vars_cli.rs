//! `trusted-launch vars` against Debian's OVMF stores in the uefi corpus, compared with the
//! outputs of virt-firmware 26.10 (`virt-fw-vars`) and uefivars 1.2 recorded in the corpus
//! (PROVENANCE.md, "ovmf_debian/derived"), and with a live `virt-fw-vars` run on the stores this
//! tool writes.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use trusted_launch::uefi::siglist::parse_signature_lists;

fn corpus() -> Option<PathBuf> {
    let root = std::env::var_os("TRUSTED_LAUNCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    let folder = root.join("uefi");
    if folder.is_dir() {
        return Some(folder);
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "corpus folder {} not found", folder.display());
    eprintln!("skipped: corpus folder {} not found; set TRUSTED_LAUNCH_CORPUS", folder.display());
    None
}

fn run(arguments: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_trusted-launch")).args(arguments).output().unwrap();
    (output.status.code().unwrap(), String::from_utf8(output.stdout).unwrap())
}

fn json_file(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// `(name, guid, size)` of each variable of a virt-firmware / uefivars JSON (`data` is hex).
fn reference_variables(json: &Value) -> BTreeSet<(String, String, usize)> {
    json["variables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_owned(),
                v["guid"].as_str().unwrap().to_owned(),
                v["data"].as_str().unwrap().len() / 2,
            )
        })
        .collect()
}

/// `(name, guid, size)` of each variable of `vars show --json`.
fn our_variables(json: &Value) -> BTreeSet<(String, String, usize)> {
    json["variables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_owned(),
                v["guid"].as_str().unwrap().to_owned(),
                usize::try_from(v["size"].as_u64().unwrap()).unwrap(),
            )
        })
        .collect()
}

fn show(store: &Path) -> Value {
    let (status, stdout) = run(&["vars", "show", "--json", store.to_str().unwrap()]);
    assert_eq!(status, 0);
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn show_matches_virt_fw_vars() {
    let Some(uefi) = corpus() else { return };
    // PROVENANCE.md, ovmf_debian/derived: virt-fw-vars_OVMF_VARS_4M.{ms,snakeoil}.json, 31 variables each.
    for variant in ["ms", "snakeoil"] {
        let ours = our_variables(&show(&uefi.join(format!("ovmf_debian/OVMF_VARS_4M.{variant}.fd"))));
        let reference = reference_variables(&json_file(
            &uefi.join(format!("ovmf_debian/derived/virt-fw-vars_OVMF_VARS_4M.{variant}.json")),
        ));
        assert_eq!(reference.len(), 31);
        assert_eq!(ours, reference, "{variant}");
    }
}

#[test]
fn show_matches_uefivars_except_certdb() {
    let Some(uefi) = corpus() else { return };
    // PROVENANCE.md, ovmf_debian/derived: uefivars reads 30 variables because it drops `certdb`.
    let ours = our_variables(&show(&uefi.join("ovmf_debian/OVMF_VARS_4M.ms.fd")));
    let reference =
        reference_variables(&json_file(&uefi.join("ovmf_debian/derived/uefivars_edk2-to-json_OVMF_VARS_4M.ms.json")));
    assert_eq!(reference.len(), 30);
    let missing: Vec<_> = ours.difference(&reference).collect();
    assert_eq!(missing, [&("certdb".to_owned(), "d9bee56e-75dc-49d9-b4d7-b534210f637a".to_owned(), 4)]);
    assert!(reference.is_subset(&ours));
}

#[test]
fn show_lists_signature_databases() {
    let Some(uefi) = corpus() else { return };
    let json = show(&uefi.join("ovmf_debian/OVMF_VARS_4M.ms.fd"));
    let find = |name: &str| json["variables"].as_array().unwrap().iter().find(|v| v["name"] == name).unwrap().clone();
    // PROVENANCE.md, OVMF_VARS_4M.ms.fd: KEK = Debian + MS KEK CA 2011, db = PCA 2011 + UEFI CA
    // 2011, dbx = one SHA-256 placeholder; attributes 0x27.
    let types = |name: &str| -> Vec<(String, u64)> {
        find(name)["signature_lists"]
            .as_array()
            .unwrap()
            .iter()
            .map(|list| (list["type"].as_str().unwrap().to_owned(), list["entries"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(types("KEK"), [("EFI_CERT_X509".to_owned(), 1), ("EFI_CERT_X509".to_owned(), 1)]);
    assert_eq!(types("db"), [("EFI_CERT_X509".to_owned(), 1), ("EFI_CERT_X509".to_owned(), 1)]);
    assert_eq!(types("dbx"), [("EFI_CERT_SHA256".to_owned(), 1)]);
    assert_eq!(find("PK")["attributes"], 0x27);
    assert_eq!(find("MTC")["signature_lists"], Value::Null);
}

#[test]
fn apply_update_exit_codes() {
    let Some(uefi) = corpus() else { return };
    let store = uefi.join("ovmf_debian/OVMF_VARS_4M.ms.fd");
    let update = uefi.join("secureboot_objects/dbx/DBXUpdate_amd64.bin");
    let (store, update) = (store.to_str().unwrap(), update.to_str().unwrap());

    // PROVENANCE.md: VALID with 0x67 (APPEND), INVALID with 0x27; amd64 adds 443 entries.
    let (status, stdout) = run(&["vars", "apply-update", "--name", "dbx", "--append", "--json", store, update]);
    assert_eq!(status, 0);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["accepted"], true);
    assert_eq!(json["entries_before"], 1);
    assert_eq!(json["entries_after"], 444);
    assert_eq!(json["reason"], Value::Null);

    let (status, stdout) = run(&["vars", "apply-update", "--name", "dbx", "--json", store, update]);
    assert_eq!(status, 1);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["accepted"], false);
    assert_eq!(json["reason"], "bad_signature");

    let (status, _) = run(&["vars", "apply-update", "--name", "dbx", store, store]);
    assert_eq!(status, 2, "a store is not an update");
}

fn virt_fw_vars() -> Option<PathBuf> {
    let tool = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.cache/venv/bin/virt-fw-vars");
    if tool.is_file() {
        return Some(tool);
    }
    let message = "virt-fw-vars not found in .cache/venv; run `python3 -m venv .cache/venv && .cache/venv/bin/pip install virt-firmware`";
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("skipped: {message}");
    None
}

fn hex_decode(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// Collects the `(owner, data)` entries of a hex-encoded signature-list variable.
fn entries(hex: &str) -> BTreeSet<(String, Vec<u8>)> {
    let bytes = hex_decode(hex);
    parse_signature_lists(&bytes, 0)
        .unwrap()
        .iter()
        .flat_map(|list| list.entries().map(|entry| (entry.owner.to_string(), entry.data.to_vec())).collect::<Vec<_>>())
        .collect()
}

#[test]
fn updated_store_read_by_virt_fw_vars() {
    let Some(uefi) = corpus() else { return };
    let Some(tool) = virt_fw_vars() else { return };
    let scratch = std::env::temp_dir().join(format!("trusted-launch-vars-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let written = scratch.join("OVMF_VARS_4M.ms.dbx.fd");
    let store = uefi.join("ovmf_debian/OVMF_VARS_4M.ms.fd");
    let update = uefi.join("secureboot_objects/dbx/DBXUpdate_amd64.bin");
    let (status, _) = run(&[
        "vars",
        "apply-update",
        "--name",
        "dbx",
        "--append",
        "--out",
        written.to_str().unwrap(),
        store.to_str().unwrap(),
        update.to_str().unwrap(),
    ]);
    assert_eq!(status, 0);

    let exported = scratch.join("exported.json");
    let result = Command::new(&tool)
        .args(["-i", written.to_str().unwrap(), "--output-json", exported.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(result.status.success(), "virt-fw-vars failed: {}", String::from_utf8_lossy(&result.stderr));
    let after = json_file(&exported);
    let before = json_file(&uefi.join("ovmf_debian/derived/virt-fw-vars_OVMF_VARS_4M.ms.json"));
    // PROVENANCE.md, derived virt-fw-vars_ms_plus_DBXUpdate_amd64.json: what virt-fw-vars itself
    // makes of this append (444 entries, time stays 2025-03-10).
    let expected = json_file(&uefi.join("ovmf_debian/derived/virt-fw-vars_ms_plus_DBXUpdate_amd64.json"));

    let by_name = |json: &Value, name: &str| {
        json["variables"].as_array().unwrap().iter().find(|v| v["name"] == name).unwrap().clone()
    };
    let after_dbx = by_name(&after, "dbx");
    let expected_dbx = by_name(&expected, "dbx");
    assert_eq!(entries(after_dbx["data"].as_str().unwrap()).len(), 444);
    assert_eq!(entries(after_dbx["data"].as_str().unwrap()), entries(expected_dbx["data"].as_str().unwrap()));
    assert_eq!(after_dbx["time"], expected_dbx["time"]);
    assert_eq!(after_dbx["attr"], 0x27);

    // Every other variable reads back byte for byte as before.
    let others = |json: &Value| -> BTreeSet<String> {
        json["variables"].as_array().unwrap().iter().filter(|v| v["name"] != "dbx").map(|v| v.to_string()).collect()
    };
    assert_eq!(others(&after), others(&before));

    // And our own reader agrees with the written store.
    let ours = our_variables(&show(&written));
    assert_eq!(ours, reference_variables(&after));
    std::fs::remove_dir_all(&scratch).unwrap();
}
