//! The Measurer against swtpm: the same boot sequence is extended into swtpm with tpm2-tools
//! (`tpm2_pcrevent` over hand-built event bytes, `tpm2_pcrextend` with published Authenticode
//! digests) and measured with the Measurer. The PCRs must agree in every bank, and the
//! Measurer's log must replay to its own banks.
mod common;

use common::swtpm::{Swtpm, parse_pcr_listing};
use trusted_launch::boot::measure::Measurer;
use trusted_launch::digest::{Digest, HashAlgorithm};
use trusted_launch::eventlog::replay::replay;
use trusted_launch::eventlog::{EventLog, EventType, ParseOptions};
use trusted_launch::uefi::guid::{EFI_CERT_X509, EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, SHIM_LOCK};
use trusted_launch::uefi::sigdb::SignatureEntry;

fn algorithm(bank: &str) -> HashAlgorithm {
    match bank {
        "sha1" => HashAlgorithm::Sha1,
        "sha256" => HashAlgorithm::Sha256,
        "sha384" => HashAlgorithm::Sha384,
        "sha512" => HashAlgorithm::Sha512,
        other => panic!("unexpected bank {other}"),
    }
}

/// `UEFI_VARIABLE_DATA` laid out by hand from TCG PC Client PFP 1.05 section 10.4.3.
fn variable_data(guid: &[u8; 16], name: &str, data: &[u8]) -> Vec<u8> {
    let mut out = guid.to_vec();
    out.extend_from_slice(&(name.chars().count() as u64).to_le_bytes());
    out.extend_from_slice(&(data.len() as u64).to_le_bytes());
    for unit in name.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out.extend_from_slice(data);
    out
}

/// Returns the Authenticode digests of EDK2's `UnsignedCOFF.efi` from the arrays `UnsignedCOFFSha*` of
/// EDK2's `UnsignedCOFF.h` (authenticode corpus PROVENANCE.md).
fn unsigned_coff_digest(algorithm: HashAlgorithm) -> Digest {
    let hex = match algorithm {
        HashAlgorithm::Sha1 => "8111c69eb73407221a2884dc185905d0e36c391b",
        HashAlgorithm::Sha256 => "88998eb13ca81d2628d30cab66f67009818766aaa4702bd4eead8fdca38ab189",
        HashAlgorithm::Sha384 => {
            "77334a0b0c61a512dee4302d771f5924bdd5c6b20e318ee551b99101fdbd51d516f24d9cd24858c0c5d195fb61ca4dc0"
        }
        HashAlgorithm::Sha512 => {
            "4155ee561dbe293a69daf8d368e55cd7f7b6872a26bdb0116f433e0dd9a42b9b0259288e0871c4de6ab4baf2b9e4f783c38ba3688326677cf8f391dffed12a59"
        }
    };
    Digest::new(algorithm, &common::hex(hex)).unwrap()
}

#[test]
fn measurer_matches_swtpm() {
    let Some(image) = common::corpus_file("authenticode", "edk2-googletest/UnsignedCOFF.efi") else { return };
    let Some(tpm) = Swtpm::start() else { return };
    let all = "sha1:all+sha256:all+sha384:all+sha512:all";
    let initial = parse_pcr_listing(&String::from_utf8(tpm.run("tpm2_pcrread", &[all]).stdout).unwrap());
    let mut banks: Vec<HashAlgorithm> = initial.iter().map(|(bank, _, _)| algorithm(bank)).collect();
    banks.dedup();
    let mut measurer = Measurer::new(&banks, 0).unwrap();
    let file = tpm.folder().join("event-data");
    let pcrevent = |pcr: u32, measured: &[u8]| {
        std::fs::write(&file, measured).unwrap();
        tpm.run("tpm2_pcrevent", &[&pcr.to_string(), file.to_str().unwrap()]);
    };

    // SecureBoot = 01: EV_EFI_VARIABLE_DRIVER_CONFIG digests the whole structure.
    pcrevent(7, &variable_data(EFI_GLOBAL_VARIABLE.as_bytes(), "SecureBoot", &[1]));
    measurer
        .measure_variable(7, EventType::EV_EFI_VARIABLE_DRIVER_CONFIG, "SecureBoot", &EFI_GLOBAL_VARIABLE, &[1])
        .unwrap();

    // BootOrder: EV_EFI_VARIABLE_BOOT digests the data only, as EDK2 does.
    let boot_order = [2u8, 0, 1, 0];
    pcrevent(1, &boot_order);
    measurer
        .measure_variable(1, EventType::EV_EFI_VARIABLE_BOOT, "BootOrder", &EFI_GLOBAL_VARIABLE, &boot_order)
        .unwrap();

    // EV_EFI_ACTION and the separators of PCRs 0 to 7.
    let calling = "Calling EFI Application from Boot Option";
    pcrevent(4, calling.as_bytes());
    measurer.measure_action(4, calling).unwrap();
    for pcr in 0..8 {
        pcrevent(pcr, &[0, 0, 0, 0]);
    }
    measurer.measure_separator(&[0, 1, 2, 3, 4, 5, 6, 7]).unwrap();

    // The authority: name "db", the image security database GUID, owner GUID then data.
    let entry = SignatureEntry { signature_type: EFI_CERT_X509, owner: SHIM_LOCK, data: b"certificate bytes".to_vec() };
    let mut signature_data = SHIM_LOCK.as_bytes().to_vec();
    signature_data.extend_from_slice(b"certificate bytes");
    pcrevent(7, &variable_data(EFI_IMAGE_SECURITY_DATABASE.as_bytes(), "db", &signature_data));
    measurer.measure_authority(&entry).unwrap();

    // The image: its published Authenticode digests.
    let digests: Vec<String> = banks.iter().map(|bank| format!("{bank}={}", unsigned_coff_digest(*bank))).collect();
    tpm.run("tpm2_pcrextend", &[&format!("4:{}", digests.join(","))]);
    measurer.measure_image(4, EventType::EV_EFI_BOOT_SERVICES_APPLICATION, &image, &[0x7f, 0xff, 4, 0]).unwrap();

    // EV_IPL: a GRUB command line string.
    let command = b"grub_cmd: linux /vmlinuz console=ttyS0\0";
    pcrevent(8, command);
    measurer.measure_ipl(8, command).unwrap();

    // Values read from swtpm with tpm2_pcrread.
    let quoted = parse_pcr_listing(&String::from_utf8(tpm.run("tpm2_pcrread", &[all]).stdout).unwrap());
    let (log, measured_banks) = measurer.finish();
    for (bank, pcr, value) in &quoted {
        let measured = measured_banks.value(algorithm(bank), *pcr).unwrap();
        assert_eq!(measured.as_bytes(), value.as_slice(), "{bank} PCR {pcr}");
    }

    let parsed = EventLog::parse(&log, ParseOptions::default()).unwrap();
    let replayed = replay(&parsed).unwrap();
    assert_eq!(replayed.banks(), &measured_banks, "log replays to the Measurer's banks");
}

#[test]
fn authority_event_equals_real_log() {
    // The first EV_EFI_VARIABLE_AUTHORITY of the boot lab's `good` log (event 25, MS UEFI CA
    // 2011 authorizing shim): its data is exactly what measure_authority encodes for the db
    // entry that verify_image returns for shim.
    let root = common::repo_root().join(".cache/bootlab/good/binary_bios_measurements");
    let Ok(bytes) = std::fs::read(&root) else {
        common::swtpm::skip(&format!("{} not found; run tools/bootlab/bootlab.py", root.display()));
        return;
    };
    let log = EventLog::parse(&bytes, ParseOptions::default()).unwrap();
    let real = log.events().iter().find(|event| event.event_type == EventType::EV_EFI_VARIABLE_AUTHORITY).unwrap();
    let variable = trusted_launch::eventlog::data::VariableData::parse(real.data, 0).unwrap();
    let owner = trusted_launch::uefi::guid::Guid::from_bytes(variable.data[..16].try_into().unwrap());
    let entry = SignatureEntry { signature_type: EFI_CERT_X509, owner, data: variable.data[16..].to_vec() };

    let mut measurer = Measurer::new(&HashAlgorithm::ALL, 0).unwrap();
    measurer.measure_authority(&entry).unwrap();
    let (ours, _) = measurer.finish();
    let ours = EventLog::parse(&ours, ParseOptions::default()).unwrap();
    let event = ours.events().last().unwrap();
    assert_eq!(event.data, real.data);
    assert_eq!(event.digests().collect::<Vec<_>>(), real.digests().collect::<Vec<_>>());
}
