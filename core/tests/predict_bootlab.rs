//! PCR prediction against real boots. The boot lab (`tools/bootlab`) booted Debian's shim, GRUB
//! and kernel under OVMF 2022.11 with a swtpm vTPM. It kept the store from before the boot, the
//! event log the guest read, and swtpm's PCRs after the boot (`tpm2_pcrread`, `pcrread.yaml`).
//! Every expected value here is read from those files.
mod common;

use std::path::PathBuf;

use common::swtpm::{parse_pcr_listing, skip};
use trusted_launch::boot::predict::{BootChain, PREDICTED_PCRS, PredictOptions, Prediction, predict};
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::eventlog::{EventLog, EventType, ParseOptions};
use trusted_launch::uefi::varstore::edk2::NvStore;

/// Returns the lab's output folder and the folder of the images it put on the disk. Returns
/// `None` (the test skips) when the lab has not been run, but under `CI=true` a missing lab fails
/// the test.
fn lab() -> Option<(PathBuf, PathBuf)> {
    let root = common::repo_root().join(".cache");
    let (bootlab, debian) = (root.join("bootlab"), root.join("debian"));
    if bootlab.join("good/pcrread.yaml").is_file() && debian.join("shimx64.efi.signed").is_file() {
        return Some((bootlab, debian));
    }
    skip(&format!("{} not found; run tools/bootlab/bootlab.py all --out .cache/bootlab", bootlab.display()));
    None
}

fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

/// Predicts the lab's boot of `scenario` from its store before the boot. The bootlab README
/// states that the disk contains `shimx64.efi.signed`, `grubx64.efi.signed` and `vmlinuz.efi` unchanged
/// in the `good` and `secure-boot-off` scenarios.
fn predict_scenario(bootlab: &std::path::Path, debian: &std::path::Path, scenario: &str) -> Prediction {
    let store = NvStore::parse(&read(bootlab.join(scenario).join("OVMF_VARS.before.fd"))).unwrap();
    let shim = read(debian.join("shimx64.efi.signed"));
    let grub = read(debian.join("grubx64.efi.signed"));
    let kernel = read(debian.join("vmlinuz.efi"));
    let chain = BootChain { shim: &shim, grub: &grub, kernel: &kernel };
    predict(&store, &chain, &PredictOptions::default()).unwrap()
}

fn bank_name(algorithm: HashAlgorithm) -> &'static str {
    match algorithm {
        HashAlgorithm::Sha1 => "sha1",
        HashAlgorithm::Sha256 => "sha256",
        HashAlgorithm::Sha384 => "sha384",
        HashAlgorithm::Sha512 => "sha512",
    }
}

/// Checks the predicted `pcrs` against the scenario's `pcrread.yaml` in every bank.
fn assert_matches_pcrread(prediction: &Prediction, bootlab: &std::path::Path, scenario: &str, pcrs: &[u32]) {
    let listing = String::from_utf8(read(bootlab.join(scenario).join("pcrread.yaml"))).unwrap();
    let measured = parse_pcr_listing(&listing);
    for algorithm in HashAlgorithm::ALL {
        for pcr in pcrs {
            let expected = measured
                .iter()
                .find(|(bank, index, _)| bank == bank_name(algorithm) && index == pcr)
                .unwrap_or_else(|| panic!("{scenario}: pcrread.yaml has no {algorithm} PCR {pcr}"));
            let predicted = prediction.value(algorithm, *pcr).unwrap();
            assert_eq!(predicted.as_bytes(), expected.2.as_slice(), "{scenario}: {algorithm} PCR {pcr}");
        }
    }
}

#[test]
fn good_pcrs_equal_swtpm() {
    let Some((bootlab, debian)) = lab() else { return };
    let prediction = predict_scenario(&bootlab, &debian, "good");
    assert!(prediction.secure_boot);
    assert_matches_pcrread(&prediction, &bootlab, "good", &PREDICTED_PCRS);
}

#[test]
fn secure_boot_off_pcrs_equal_swtpm() {
    let Some((bootlab, debian)) = lab() else { return };
    let prediction = predict_scenario(&bootlab, &debian, "secure-boot-off");
    assert!(!prediction.secure_boot);
    assert_matches_pcrread(&prediction, &bootlab, "secure-boot-off", &PREDICTED_PCRS);
}

#[test]
fn good_events_equal_real_log() {
    let Some((bootlab, debian)) = lab() else { return };
    let prediction = predict_scenario(&bootlab, &debian, "good");
    let bytes = read(bootlab.join("good/binary_bios_measurements"));
    let log = EventLog::parse(&bytes, ParseOptions::default()).unwrap();
    let real: Vec<_> = log
        .events()
        .iter()
        .filter(|event| PREDICTED_PCRS.contains(&event.pcr_index) && event.event_type != EventType::EV_NO_ACTION)
        .collect();

    assert_eq!(prediction.events.len(), real.len(), "number of PCR 4, 7 and 14 events");
    for (index, (predicted, real)) in prediction.events.iter().zip(&real).enumerate() {
        let label = format!("event {index} ({})", predicted.description);
        assert_eq!(predicted.pcr, real.pcr_index, "{label}: PCR");
        assert_eq!(predicted.event_type, real.event_type, "{label}: type");
        let real_digests: Vec<_> = real.digests().collect();
        assert_eq!(predicted.digests, real_digests, "{label}: digests");
        // Image events carry load addresses and device paths that the digests do not cover.
        if !real.event_type.is_image_load() {
            assert_eq!(predicted.data, real.data, "{label}: data");
        }
    }
}

#[test]
fn good_log_replays_to_prediction() {
    let Some((bootlab, debian)) = lab() else { return };
    let prediction = predict_scenario(&bootlab, &debian, "good");
    let log = EventLog::parse(&prediction.log, ParseOptions::default()).unwrap();
    let replay = trusted_launch::eventlog::replay::replay(&log).unwrap();
    for algorithm in HashAlgorithm::ALL {
        for pcr in PREDICTED_PCRS {
            assert_eq!(replay.value(algorithm, pcr), prediction.value(algorithm, pcr), "{algorithm} PCR {pcr}");
        }
    }
}
