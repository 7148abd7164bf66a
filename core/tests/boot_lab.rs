//! Boot verification against real boots: OVMF 2022.11 with swtpm 0.7.1 booting Debian 12's
//! signed shim, GRUB and kernel under QEMU, recorded by `tools/bootlab/bootlab.py` into
//! `.cache/bootlab/<scenario>/` (event log, quote, attestation key, variable store, and
//! `outcome.json` with what the firmware printed).
//!
//! Expected values come from the lab, not from this crate: `outcome.json` (`secure_boot`,
//! `images` = SHA-256 of each file on the disk, `authenticode_sha256` = `pesign -h`,
//! `firmware_message` = the serial console), `tpm2_checkquote`'s verdicts in `outcome.json`, and
//! the lab README's table of sha256 PCRs that differ from `good`. The three scenarios the
//! firmware refused leave no images behind, so their mutated images are rebuilt here from
//! `.cache/debian` with the lab's mutations.

mod common;

use std::path::PathBuf;

use common::json::Json;
use common::{hex, repo_root};
use trusted_launch::boot::report::{DeviationKind, ImageStatus, QuoteStatus};
use trusted_launch::boot::{
    AlertKind, Baseline, BootEvidence, BootImage, BootPolicy, BootReport, Component, PcrEvidence, QuoteEvidence,
    VariableEvidence, Verdict, verify_boot,
};
use trusted_launch::eventlog::{EventLog, ParseOptions};
use trusted_launch::pe::PeImage;
use trusted_launch::tpm::attestation_key::AttestationKey;
use trusted_launch::tpm::pcr_values::PcrValues;
use trusted_launch::uefi::varstore::edk2::NvStore;

/// The folder of one lab scenario, or `None` (the test skips) when the lab has not run; under
/// `CI=true` a missing folder fails the test.
fn scenario(name: &str) -> Option<PathBuf> {
    let folder = repo_root().join(".cache/bootlab").join(name);
    if folder.join("outcome.json").is_file() {
        return Some(folder);
    }
    let message = format!("{} not found; run tools/bootlab/bootlab.py all --out .cache/bootlab", folder.display());
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("skipped: {message}");
    None
}

/// Debian's boot images, or `None` (skip) when `.cache/debian` was not fetched.
fn debian_images() -> Option<[Vec<u8>; 3]> {
    let folder = repo_root().join(".cache/debian");
    let read = |name: &str| std::fs::read(folder.join(name)).ok();
    match (read("shimx64.efi.signed"), read("grubx64.efi.signed"), read("vmlinuz.efi")) {
        (Some(shim), Some(grub), Some(kernel)) => Some([shim, grub, kernel]),
        _ => {
            let message = format!("{} incomplete; run tools/fetch-debian-boot.sh", folder.display());
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
            eprintln!("skipped: {message}");
            None
        }
    }
}

/// One scenario's files.
struct Lab {
    folder: PathBuf,
    outcome: Json,
}

impl Lab {
    fn open(name: &str) -> Option<Self> {
        let folder = scenario(name)?;
        let outcome = Json::parse(&std::fs::read_to_string(folder.join("outcome.json")).unwrap());
        Some(Self { folder, outcome })
    }

    fn read(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.folder.join(file)).unwrap_or_else(|error| panic!("{file}: {error}"))
    }

    fn log(&self) -> Vec<u8> {
        self.read("binary_bios_measurements")
    }

    fn store(&self) -> NvStore {
        NvStore::parse(&self.read("OVMF_VARS.before.fd")).unwrap()
    }

    fn key(&self) -> AttestationKey {
        AttestationKey::from_tpm_public(&self.read("ak.pub")).unwrap()
    }

    fn nonce(&self) -> Vec<u8> {
        hex(String::from_utf8(self.read("nonce.hex")).unwrap().trim())
    }

    fn quoted_values(&self) -> PcrValues {
        PcrValues::from_tpm2_tools_serialized(&self.read("quote.pcrs")).unwrap().1
    }

    fn text(&self, path: &[&str]) -> String {
        let mut value = &self.outcome;
        for key in path {
            value = value.get(key).unwrap_or_else(|| panic!("outcome.json lacks {path:?}"));
        }
        match value {
            Json::String(text) => text.clone(),
            other => panic!("{path:?} is not a string: {other:?}"),
        }
    }

    fn flag(&self, key: &str) -> bool {
        match self.outcome.get(key) {
            Some(Json::Bool(value)) => *value,
            other => panic!("{key} is not a boolean: {other:?}"),
        }
    }
}

/// The baseline of the `good` boot, with its store.
fn good_baseline() -> Option<(Lab, Baseline)> {
    let good = Lab::open("good")?;
    let log_bytes = good.log();
    let log = EventLog::parse(&log_bytes, ParseOptions { allow_padding: true, ..ParseOptions::default() }).unwrap();
    let store = good.store();
    let baseline = Baseline::capture(&log, Some(&store)).unwrap();
    Some((good, baseline))
}

/// Verifies a scenario that booted: its log, its quote (checked against the log's replay), its
/// store.
fn verify_booted(lab: &Lab, baseline: Baseline, images: &[BootImage<'_>]) -> BootReport {
    let log = lab.log();
    let key = lab.key();
    let attest = lab.read("quote.msg");
    let signature = lab.read("quote.sig");
    let nonce = lab.nonce();
    let store = lab.store();
    let evidence = BootEvidence {
        event_log: Some(&log),
        pcrs: PcrEvidence::Quote(QuoteEvidence {
            attest: &attest,
            signature: &signature,
            attestation_key: &key,
            nonce: &nonce,
            pcr_values: None,
        }),
        variables: Some(VariableEvidence::Store(&store)),
        images: images.to_vec(),
    };
    let policy = BootPolicy { baseline: Some(baseline), require_secure_boot: true, ..BootPolicy::default() };
    verify_boot(&evidence, &policy).unwrap()
}

#[test]
fn good_again_is_trusted() {
    let Some((_good, baseline)) = good_baseline() else { return };
    let Some(again) = Lab::open("good-again") else { return };
    // tpm2_checkquote accepted this quote with the event log (outcome.json).
    assert!(matches!(
        again
            .outcome
            .get("vtpm")
            .and_then(|v| v.get("quote"))
            .and_then(|q| q.get("tpm2_checkquote"))
            .and_then(|c| c.get("with_event_log"))
            .and_then(|w| w.get("verified")),
        Some(Json::Bool(true))
    ));

    let report = verify_booted(&again, baseline, &[]);
    assert_eq!(report.verdict, Verdict::Trusted, "{}", report.to_json());
    assert_eq!(report.quote, QuoteStatus::Valid);
    assert!(report.deviations.is_empty());
    assert!(report.alerts.is_empty(), "{:?}", report.alerts);
    assert_eq!(report.secure_boot.enabled, Some(again.flag("secure_boot")));
    assert!(report.secure_boot.verified);

    // PCR 4 carries shim, GRUB and the kernel (twice: GRUB loads it through the firmware's
    // LoadImage, which measures it, and shim measures it again); digests from pesign -h.
    let digests: Vec<String> = report.images.iter().map(|image| image.sha256.unwrap().to_string()).collect();
    let shim = again.text(&["authenticode_sha256", "shim"]);
    let grub = again.text(&["authenticode_sha256", "grub"]);
    let kernel = again.text(&["authenticode_sha256", "kernel"]);
    assert_eq!(digests, [shim, grub, kernel.clone(), kernel]);
    let components: Vec<Component> = report.images.iter().map(|image| image.component).collect();
    assert_eq!(components, [Component::BootLoader, Component::BootLoader, Component::Kernel, Component::Kernel]);
    // The ESP layout the lab writes: shim as \EFI\BOOT\BOOTX64.EFI, GRUB as \EFI\BOOT\grubx64.efi.
    assert_eq!(report.images[0].path.as_deref(), Some("\\EFI\\BOOT\\BOOTX64.EFI"));
    assert_eq!(report.images[1].path.as_deref(), Some("\\EFI\\BOOT\\grubx64.efi"));

    // OVMF's db authorises shim with Microsoft Corporation UEFI CA 2011.
    let shim_authority = report.images[0].authority.as_ref().unwrap();
    assert_eq!(shim_authority.source, "db");
    assert!(shim_authority.subject.as_deref().unwrap().contains("Microsoft Corporation UEFI CA 2011"));

    // The command line of the lab's grub.cfg.
    assert!(report.command_lines.iter().any(|line| line.contains("console=ttyS0,115200 loglevel=4 panic=-1")));
}

#[test]
fn good_again_with_images_is_trusted() {
    let Some((_good, baseline)) = good_baseline() else { return };
    let Some(again) = Lab::open("good-again") else { return };
    let Some([shim, grub, kernel]) = debian_images() else { return };
    let images = [
        BootImage { name: "shim", bytes: &shim },
        BootImage { name: "grub", bytes: &grub },
        BootImage { name: "kernel", bytes: &kernel },
    ];

    let report = verify_booted(&again, baseline, &images);
    assert_eq!(report.verdict, Verdict::Trusted, "{}", report.to_json());
    let named: Vec<(&str, &ImageStatus)> =
        report.images.iter().filter_map(|image| Some((image.name.as_deref()?, &image.status))).collect();
    // Both PCR 4 events of the kernel carry its verdict.
    assert_eq!(
        named,
        [
            ("shim", &ImageStatus::Allowed),
            ("grub", &ImageStatus::Allowed),
            ("kernel", &ImageStatus::Allowed),
            ("kernel", &ImageStatus::Allowed)
        ]
    );
    // GRUB and the kernel are signed by Debian's CA, which shim embeds.
    assert_eq!(report.images[1].authority.as_ref().unwrap().source, "db + shim vendor certificate");
    assert!(report.images[1].authority.as_ref().unwrap().subject.as_deref().unwrap().contains("Debian Secure Boot CA"));
}

#[test]
fn kernel_checksum_change_deviates_in_pcr9() {
    let Some((good, baseline)) = good_baseline() else { return };
    let Some(changed) = Lab::open("kernel-checksum-changed") else { return };

    let report = verify_booted(&changed, baseline, &[]);
    assert_eq!(report.verdict, Verdict::Untrusted);
    assert_eq!(report.quote, QuoteStatus::Valid);
    assert!(report.has_alert(AlertKind::BootLogDeviatesFromBaseline));
    // The lab README: PCR 4 equals the good boot and PCR 9 differs (PCR 10 is not counted).
    let pcrs: Vec<u32> = report.deviations.iter().map(|deviation| deviation.pcr).collect();
    assert_eq!(pcrs, [9]);
    let deviation = &report.deviations[0];
    assert_eq!(deviation.component, Component::Kernel);
    assert_eq!(deviation.kind, DeviationKind::DigestDiffers);
    // GRUB measures the kernel file's SHA-256: the files' sha256 in outcome.json.
    assert_eq!(deviation.expected, [format!("sha256:{}", good.text(&["images", "kernel"]))]);
    assert_eq!(deviation.found, format!("sha256:{}", changed.text(&["images", "kernel"])));
}

#[test]
fn secure_boot_off_deviates_in_pcr7() {
    let Some((_good, baseline)) = good_baseline() else { return };
    let Some(off) = Lab::open("secure-boot-off") else { return };
    assert!(!off.flag("secure_boot"));
    assert!(!off.flag("event_log"));

    let key = off.key();
    let attest = off.read("quote.msg");
    let signature = off.read("quote.sig");
    let nonce = off.nonce();
    let values = off.quoted_values();
    let store = off.store();
    let evidence = BootEvidence {
        event_log: None,
        pcrs: PcrEvidence::Quote(QuoteEvidence {
            attest: &attest,
            signature: &signature,
            attestation_key: &key,
            nonce: &nonce,
            pcr_values: Some(&values),
        }),
        variables: Some(VariableEvidence::Store(&store)),
        images: Vec::new(),
    };
    let policy = BootPolicy { baseline: Some(baseline), ..BootPolicy::default() };
    let report = verify_boot(&evidence, &policy).unwrap();

    assert_eq!(report.verdict, Verdict::Untrusted, "{}", report.to_json());
    assert_eq!(report.quote, QuoteStatus::Valid);
    assert!(report.has_alert(AlertKind::EventLogMissing));
    assert!(report.has_alert(AlertKind::SecureBootDisabled));
    assert_eq!(report.secure_boot.enabled, Some(false));
    // The lab README: sha256 PCRs 0, 4 and 7 differ from the good boot among PCRs 0-9.
    let mut pcrs: Vec<u32> = report.deviations.iter().map(|deviation| deviation.pcr).collect();
    pcrs.dedup();
    assert_eq!(pcrs, [0, 4, 7]);
    assert!(report.deviations.iter().any(|deviation| deviation.pcr == 7
        && deviation.component == Component::SecureBootConfiguration
        && deviation.kind == DeviationKind::PcrValueDiffers));
}

#[test]
fn quote_of_another_vm_is_refused() {
    let Some((good, baseline)) = good_baseline() else { return };
    let Some(again) = Lab::open("good-again") else { return };
    let log = again.log();
    // swtpm creates new seeds per run, so good's AK did not sign good-again's quote.
    let other_key = good.key();
    let attest = again.read("quote.msg");
    let signature = again.read("quote.sig");
    let nonce = again.nonce();
    let evidence = BootEvidence {
        event_log: Some(&log),
        pcrs: PcrEvidence::Quote(QuoteEvidence {
            attest: &attest,
            signature: &signature,
            attestation_key: &other_key,
            nonce: &nonce,
            pcr_values: None,
        }),
        variables: None,
        images: Vec::new(),
    };
    let policy = BootPolicy { baseline: Some(baseline.clone()), ..BootPolicy::default() };
    let report = verify_boot(&evidence, &policy).unwrap();
    assert_eq!(report.verdict, Verdict::Untrusted);
    assert!(report.has_alert(AlertKind::QuoteNotFromThisVtpm));
    assert!(matches!(report.quote, QuoteStatus::Refused { code: "bad_signature", .. }));

    let right_key = again.key();
    let stale_nonce = [0u8; 32];
    let evidence = BootEvidence {
        pcrs: PcrEvidence::Quote(QuoteEvidence {
            attest: &attest,
            signature: &signature,
            attestation_key: &right_key,
            nonce: &stale_nonce,
            pcr_values: None,
        }),
        ..evidence
    };
    let report = verify_boot(&evidence, &policy).unwrap();
    assert!(matches!(report.quote, QuoteStatus::Refused { code: "nonce_mismatch", .. }));
    assert_eq!(report.verdict, Verdict::Untrusted);
}

#[test]
fn log_without_quote_is_incomplete() {
    let Some((_good, baseline)) = good_baseline() else { return };
    let Some(again) = Lab::open("good-again") else { return };
    let log = again.log();
    let evidence = BootEvidence { event_log: Some(&log), ..BootEvidence::default() };
    let policy = BootPolicy { baseline: Some(baseline), ..BootPolicy::default() };
    let report = verify_boot(&evidence, &policy).unwrap();
    assert_eq!(report.verdict, Verdict::Incomplete);
    assert!(report.has_alert(AlertKind::VtpmOrQuoteMissing));
    assert!(!report.secure_boot.verified);
}

/// The lab's `change_kernel_code_byte`: invert the byte in the middle of `.text`.
fn change_kernel_code_byte(kernel: &mut [u8]) {
    let pe = PeImage::parse(kernel).unwrap();
    let text = pe.sections().iter().find(|section| section.has_name(b".text")).unwrap();
    let offset = text.pointer_to_raw_data as usize + text.size_of_raw_data as usize / 2;
    kernel[offset] ^= 0xFF;
}

/// Verifies shim, GRUB and the kernel against a scenario's store, with no log and no quote.
fn verify_images(lab: &Lab, shim: &[u8], grub: &[u8], kernel: &[u8]) -> BootReport {
    let store = lab.store();
    let evidence = BootEvidence {
        variables: Some(VariableEvidence::Store(&store)),
        images: vec![
            BootImage { name: "shim", bytes: shim },
            BootImage { name: "grub", bytes: grub },
            BootImage { name: "kernel", bytes: kernel },
        ],
        ..BootEvidence::default()
    };
    verify_boot(&evidence, &BootPolicy::default()).unwrap()
}

#[test]
fn shim_in_dbx_is_refused() {
    let Some(lab) = Lab::open("shim-in-dbx") else { return };
    let Some([shim, grub, kernel]) = debian_images() else { return };
    assert!(lab.text(&["firmware_message"]).contains("Access Denied"));

    let report = verify_images(&lab, &shim, &grub, &kernel);
    assert_eq!(report.verdict, Verdict::Untrusted);
    assert!(report.has_alert(AlertKind::ImageRefusedByPolicy));
    let refused: Vec<_> = report.deviations.iter().filter(|d| d.kind == DeviationKind::RefusedByPolicy).collect();
    assert_eq!(refused.len(), 1, "{:?}", report.deviations);
    assert_eq!(refused[0].component, Component::BootLoader);
    assert_eq!(refused[0].found, "digest_in_dbx");
    // The digest the lab added to dbx is shim's pesign -h digest.
    assert_eq!(lab.text(&["variable_store", "dbx_added_sha256"]), lab.text(&["authenticode_sha256", "shim"]));
    assert_eq!(report.images[0].sha256.unwrap().to_string(), lab.text(&["authenticode_sha256", "shim"]));
    // OVMF stops at shim, so GRUB and the kernel are never loaded.
    assert_eq!(report.images[1].status, ImageStatus::NotReached);
    assert_eq!(report.images[2].status, ImageStatus::NotReached);
}

#[test]
fn kernel_byte_change_is_refused() {
    let Some(lab) = Lab::open("kernel-byte-changed") else { return };
    let Some([shim, grub, mut kernel]) = debian_images() else { return };
    assert!(lab.text(&["firmware_message"]).contains("bad shim signature"));
    change_kernel_code_byte(&mut kernel);
    // The lab's file sha256 of the changed kernel.
    let file_digest = trusted_launch::digest::HashAlgorithm::Sha256.hash(&kernel).to_string();
    assert_eq!(file_digest, lab.text(&["images", "kernel"]));

    let report = verify_images(&lab, &shim, &grub, &kernel);
    assert_eq!(report.verdict, Verdict::Untrusted);
    let refused: Vec<_> = report.deviations.iter().filter(|d| d.kind == DeviationKind::RefusedByPolicy).collect();
    assert_eq!(refused.len(), 1, "{:?}", report.deviations);
    assert_eq!(refused[0].component, Component::Kernel);
    assert_eq!(refused[0].found, "digest_mismatch");
}

#[test]
fn grub_with_appended_bytes_is_refused() {
    let Some(lab) = Lab::open("grub-appended") else { return };
    let Some([shim, mut grub, kernel]) = debian_images() else { return };
    assert!(lab.text(&["firmware_message"]).contains("Malformed binary after Attribute Certificate Table"));
    grub.extend_from_slice(&[0; 16]);
    assert_eq!(trusted_launch::digest::HashAlgorithm::Sha256.hash(&grub).to_string(), lab.text(&["images", "grub"]));

    let report = verify_images(&lab, &shim, &grub, &kernel);
    assert_eq!(report.verdict, Verdict::Untrusted);
    let refused: Vec<_> = report.deviations.iter().filter(|d| d.kind == DeviationKind::RefusedByPolicy).collect();
    assert_eq!(refused.len(), 1, "{:?}", report.deviations);
    assert_eq!(refused[0].component, Component::BootLoader);
    assert!(refused[0].description.starts_with("grub"));
}
