//! Secure Boot state, loaded images, command lines and Windows claims of the corpus logs,
//! checked against the verdicts in the event-log corpus PROVENANCE.md and expected_pcrs.json.
mod common;

use common::json::Json;
use trusted_launch::digest::{Digest, HashAlgorithm};
use trusted_launch::eventlog::claims::{CommandLineSource, VerifiedEvents, command_lines, loaded_images};
use trusted_launch::eventlog::replay::replay;
use trusted_launch::eventlog::secureboot_state::{AuthorityKind, SecureBootState, signature_entries};
use trusted_launch::eventlog::windows::WindowsBootClaims;
use trusted_launch::eventlog::{EventData, EventLog, ParseOptions, ReplayOptions, ReplayReport};
use trusted_launch::uefi::guid::{EFI_CERT_X509, EFI_IMAGE_SECURITY_DATABASE};

fn algorithm(name: &str) -> HashAlgorithm {
    HashAlgorithm::ALL.into_iter().find(|algorithm| algorithm.name() == name).unwrap()
}

struct Corpus {
    folder: std::path::PathBuf,
    expected: Json,
}

fn corpus() -> Option<Corpus> {
    let folder = common::corpus("eventlog")?;
    let expected = Json::parse(&std::fs::read_to_string(folder.join("expected_pcrs.json")).unwrap());
    Some(Corpus { folder, expected })
}

impl Corpus {
    fn bytes(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.folder.join(name)).unwrap()
    }

    /// Replays `log` against the expected_pcrs.json entry `name`.
    fn report(&self, name: &str, log: &EventLog<'_>) -> ReplayReport {
        let entry = self.expected.get(name).unwrap_or_else(|| panic!("{name} not in expected_pcrs.json"));
        let mut values = Vec::new();
        for (bank, pcrs) in entry.get("pcrs").unwrap().members() {
            for (pcr, value) in pcrs.members() {
                values.push((
                    pcr.parse().unwrap(),
                    Digest::new(algorithm(bank), &common::hex(value.as_str().unwrap())).unwrap(),
                ));
            }
        }
        replay(log).unwrap().compare(values, ReplayOptions::default())
    }

    fn app_digests(&self, name: &str, bank: &str) -> Vec<String> {
        let entry = self.expected.get(name).unwrap().get("efi_app_digests").unwrap();
        entry.get(bank).unwrap().items().iter().map(|item| item.as_str().unwrap().to_owned()).collect()
    }
}

fn parse(bytes: &[u8]) -> EventLog<'_> {
    EventLog::parse(bytes, ParseOptions::default()).unwrap()
}

fn secure_boot<'a>(events: &VerifiedEvents<'_, 'a>) -> SecureBootState<'a> {
    SecureBootState::from_events(events).unwrap().expect("PCR 7 verified")
}

#[test]
fn secure_boot_enabled_on_gce_shielded_vms() {
    let Some(corpus) = corpus() else { return };
    // PROVENANCE.md: rhel8-uefi "Secure Boot on", debian-10 "SB on", windows_gcp_shielded_vm
    // "ParseSecurebootState → Enabled=true".
    for name in
        ["go-tpm-tools/rhel8-uefi.bin", "go-tpm-tools/debian-10.bin", "go-attestation/windows_gcp_shielded_vm.wbcl.bin"]
    {
        let bytes = corpus.bytes(name);
        let log = parse(&bytes);
        let report = corpus.report(name, &log);
        let state = secure_boot(&VerifiedEvents::new(&log, &report));
        assert!(state.enabled, "{name}");
        assert!(!state.post_separator_authorities.is_empty() || !state.pre_separator_authorities.is_empty(), "{name}");
    }
}

#[test]
fn secure_boot_off_on_ubuntu_2104() {
    let Some(corpus) = corpus() else { return };
    // PROVENANCE.md: ubuntu-2104-no-dbx "SB off, empty dbx"; ubuntu-2104-no-secure-boot "SB off".
    for name in ["go-tpm-tools/ubuntu-2104-no-dbx.bin", "go-tpm-tools/ubuntu-2104-no-secure-boot.bin"] {
        let bytes = corpus.bytes(name);
        let log = parse(&bytes);
        let report = corpus.report(name, &log);
        let state = secure_boot(&VerifiedEvents::new(&log, &report));
        assert!(!state.enabled, "{name}");
        // The SbatLevel authority that go-eventlog misread as a certificate is recognised.
        let sbat = state.post_separator_authorities.iter().chain(&state.pre_separator_authorities);
        assert!(sbat.filter(|authority| authority.kind == AuthorityKind::SbatLevel).count() <= 1, "{name}");
    }
    let bytes = corpus.bytes("go-tpm-tools/ubuntu-2104-no-dbx.bin");
    let log = parse(&bytes);
    let report = corpus.report("go-tpm-tools/ubuntu-2104-no-dbx.bin", &log);
    let state = secure_boot(&VerifiedEvents::new(&log, &report));
    assert_eq!(state.database("dbx"), Some(&[][..]));
}

#[test]
fn ubuntu_1804_db_holds_microsoft_cas() {
    let Some(corpus) = corpus() else { return };
    let Some(authenticode) = common::corpus("authenticode") else { return };
    let name = "go-tpm-tools/ubuntu-1804-amd-sev.bin";
    let bytes = corpus.bytes(name);
    let log = parse(&bytes);
    let report = corpus.report(name, &log);
    let state = secure_boot(&VerifiedEvents::new(&log, &report));
    let db = signature_entries(state.database("db").unwrap()).unwrap();
    // PROVENANCE.md ubuntu-1804-amd-sev: db contains MS Windows PCA 2011 and MS UEFI CA 2011, no hashes.
    assert!(db.iter().all(|entry| entry.signature_type == EFI_CERT_X509));
    // PROVENANCE.md describes the machine as "SB on", but the log's SecureBoot variable (event
    // 3, PCR 7) is 0x00, and PCR 7 replays, so the measured state is disabled.
    assert!(!state.enabled);
    for certificate in ["db_MicWinProPCA2011_2011-10-19.der", "db_MicCorUEFCA2011_2011-06-27.der"] {
        let der = std::fs::read(authenticode.join("ms-secureboot-objects/certs").join(certificate)).unwrap();
        assert!(db.iter().any(|entry| entry.data == der), "{certificate} not in db");
    }
}

#[test]
fn arch_secure_boot_variable_is_empty() {
    let Some(corpus) = corpus() else { return };
    // PROVENANCE.md arch-linux-workstation: known error "SecureBoot data len is 0, expected 1".
    let name = "go-tpm-tools/arch-linux-workstation.bin";
    let bytes = corpus.bytes(name);
    let log = parse(&bytes);
    let report = corpus.report(name, &log);
    let error = SecureBootState::from_events(&VerifiedEvents::new(&log, &report)).unwrap_err();
    assert_eq!(error.kind, trusted_launch::ErrorKind::InvalidField { field: "SecureBoot" });
}

#[test]
fn sb_cert_has_three_shim_authorities() {
    let Some(corpus) = corpus() else { return };
    // PROVENANCE.md sb_cert_eventlog: 3 post-separator authorities; the shim authority's digest
    // matches only without its extra trailing byte.
    let name = "go-attestation/sb_cert_eventlog";
    let bytes = corpus.bytes(name);
    let log = parse(&bytes);
    let report = corpus.report(name, &log);
    let state = secure_boot(&VerifiedEvents::new(&log, &report));
    assert_eq!(state.post_separator_authorities.len(), 3);
    let quirky = state.post_separator_authorities.iter().filter(|authority| authority.quirk.is_some()).count();
    assert!(quirky >= 1);
}

#[test]
fn unverified_states_of_logs_without_pcrs() {
    let Some(corpus) = corpus() else { return };
    // PROVENANCE.md: coreos_36 "SB off", ParseSecurebootState on unverified events succeeds;
    // keylime binary_bios_measurements "SB disabled", -secureboot "SB enabled".
    for (name, enabled) in [
        ("go-attestation/coreos_36_shielded_vm_no_secure_boot_eventlog", false),
        ("keylime/binary_bios_measurements", false),
        ("keylime/binary_bios_measurements-secureboot", true),
    ] {
        let bytes = corpus.bytes(name);
        let log = parse(&bytes);
        let state = secure_boot(&VerifiedEvents::danger_unverified(&log));
        assert_eq!(state.enabled, enabled, "{name}");
    }
}

#[test]
fn keylime_log_starts_from_locality_3() {
    let Some(corpus) = corpus() else { return };
    // PROVENANCE.md keylime/binary_bios_measurements: StartupLocality=3.
    let bytes = corpus.bytes("keylime/binary_bios_measurements");
    let log = parse(&bytes);
    let localities: Vec<u8> = log
        .events()
        .iter()
        .filter_map(|event| match event.decode() {
            Ok(EventData::StartupLocality(locality)) => Some(locality),
            _ => None,
        })
        .collect();
    assert_eq!(localities, [3]);
    // TCG PC Client PFP: PCR 0 starts at 0…0‖03, then takes every extended PCR 0 digest.
    let mut pcr0 = vec![0u8; 32];
    pcr0[31] = 3;
    for event in log.events().iter().filter(|event| event.pcr_index == 0 && event.is_extended()) {
        let digest = event.digest(HashAlgorithm::Sha256).unwrap();
        pcr0 = HashAlgorithm::Sha256.hash(&[pcr0.as_slice(), digest.as_bytes()].concat()).as_bytes().to_vec();
    }
    let replayed = replay(&log).unwrap();
    assert_eq!(replayed.value(HashAlgorithm::Sha256, 0).unwrap().as_bytes(), pcr0.as_slice());
}

#[test]
fn efi_app_digests_match_expected() {
    let Some(corpus) = corpus() else { return };
    let names: Vec<String> = corpus
        .expected
        .members()
        .filter(|(_, entry)| entry.get("efi_app_digests").is_some_and(|digests| digests.members().count() > 0))
        .map(|(name, _)| name.clone())
        .collect();
    assert!(names.len() >= 6);
    for name in &names {
        let bytes = corpus.bytes(name);
        let log = parse(&bytes);
        let report = corpus.report(name, &log);
        let verified = VerifiedEvents::new(&log, &report);
        let unverified = VerifiedEvents::danger_unverified(&log);
        for bank in ["sha1", "sha256", "sha384"] {
            let Some(_) = corpus.expected.get(name).unwrap().get("efi_app_digests").unwrap().get(bank) else {
                continue;
            };
            // expected_pcrs.json efi_app_digests; sha384 PCRs are not listed, so that bank is
            // never verified and its digests are read from the unverified view.
            let view = if verified.is_bank_verified(algorithm(bank), 4) { &verified } else { &unverified };
            let images = loaded_images(view).unwrap();
            let digests: Vec<String> = images
                .iter()
                .filter_map(|image| {
                    image.authenticode_digests.iter().find(|digest| digest.algorithm() == algorithm(bank))
                })
                .map(ToString::to_string)
                .collect();
            assert_eq!(digests, corpus.app_digests(name, bank), "{name} {bank}");
        }
    }
}

#[test]
fn rhel8_boot_path_decodes() {
    let Some(corpus) = corpus() else { return };
    let name = "go-tpm-tools/rhel8-uefi.bin";
    let bytes = corpus.bytes(name);
    let log = parse(&bytes);
    let report = corpus.report(name, &log);
    let images = loaded_images(&VerifiedEvents::new(&log, &report)).unwrap();
    for image in &images {
        if let Some(path) = image.device_path {
            assert!(!path.to_string().contains("Path("), "undecoded node in {path}");
        }
    }
    // RHEL boots shim from \EFI\redhat on the first GPT partition of a SCSI disk behind PCI.
    let shim = images[0].device_path.unwrap().to_string();
    assert!(shim.starts_with("PciRoot(0x0)/Pci("), "{shim}");
    assert!(shim.contains("/HD(1,GPT,"), "{shim}");
    assert!(shim.ends_with("/\\EFI\\redhat\\shimx64.efi"), "{shim}");
    // The kernel that shim loads is logged with an empty device path.
    assert!(images[2].device_path.is_none());
    // PROVENANCE.md rhel8-uefi: "Parses OK with loader GRUB"; three applications (efi_app_digests).
    assert_eq!(images.len(), 3);
    let lines = command_lines(&VerifiedEvents::new(&log, &report)).unwrap();
    assert!(lines.iter().any(|line| line.source == CommandLineSource::Grub));
}

#[test]
fn windows_claims_match_go_attestation() {
    let Some(corpus) = corpus() else { return };
    let name = "go-attestation/windows_gcp_shielded_vm.wbcl.bin";
    let bytes = corpus.bytes(name);
    let log = parse(&bytes);
    let report = corpus.report(name, &log);
    let claims = WindowsBootClaims::from_events(&VerifiedEvents::new(&log, &report)).unwrap();
    // PROVENANCE.md windows_gcp_shielded_vm: ColdBoot=true, BootCount=4, DEP=true,
    // CodeIntegrity=true, BitlockerUnlocks=[0,0], LoadedModules incl. vioscsi.sys 0fdce7d7…4547.
    assert_eq!(claims.cold_boot, Some(true));
    assert_eq!(claims.boot_count, Some(4));
    assert_eq!(claims.data_execution_prevention, Some(true));
    assert_eq!(claims.code_integrity, Some(true));
    assert_eq!(claims.bitlocker_unlocks, [0, 0]);
    let vioscsi = claims
        .loaded_modules
        .iter()
        .find(|module| module.file_path.is_some_and(|path| path.to_string().to_lowercase().ends_with("vioscsi.sys")))
        .expect("vioscsi.sys loaded");
    let hash: String = vioscsi.authenticode_hash.unwrap().iter().map(|byte| format!("{byte:02x}")).collect();
    assert!(hash.starts_with("0fdce7d7"), "{hash}");
    assert!(hash.ends_with("4547"), "{hash}");
    assert_eq!(claims.test_signing, Some(false));
    assert_eq!(claims.boot_debugging, Some(false));
}

#[test]
fn unverified_pcrs_give_no_claims() {
    let Some(corpus) = corpus() else { return };
    let name = "go-tpm-tools/rhel8-uefi.bin";
    let bytes = corpus.bytes(name);
    let log = parse(&bytes);
    // Supply a wrong PCR 7 and PCR 4: their events must not yield claims.
    let wrong = Digest::new(HashAlgorithm::Sha256, &[0x11; 32]).unwrap();
    let report = replay(&log).unwrap().compare([(7, wrong), (4, wrong)], ReplayOptions::default());
    let events = VerifiedEvents::new(&log, &report);
    assert_eq!(SecureBootState::from_events(&events).unwrap(), None);
    assert!(loaded_images(&events).unwrap().is_empty());
    assert!(EFI_IMAGE_SECURITY_DATABASE != EFI_CERT_X509);
}
