//! Debian 12's signed boot chain (shim, GRUB, kernel), fetched from Debian's packages by
//! `tools/fetch-debian-boot.sh` into `.cache/debian`, verified with the Microsoft certificates of
//! the uefi corpus and with the Debian CA that shim carries.
//!
//! Independent witnesses: `pesign -h` and `osslsigncode verify` print the SHA-256 Authenticode
//! digests (osslsigncode cannot read shim's two-entry table, so shim is checked with pesign
//! only), and OVMF boots this shim with Microsoft Corporation UEFI CA 2011 in db.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{corpus_file, repo_root};
use trusted_launch::authenticode::AuthenticodeSignature;
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::pe::PeImage;
use trusted_launch::uefi::guid::{EFI_CERT_SHA256, EFI_CERT_X509, EFI_CERT_X509_SHA256, Guid};
use trusted_launch::uefi::sbat::SbatLevelOwned;
use trusted_launch::uefi::secureboot::{AuthorizedBy, ChainPosition, ImageVerdict, RefusalReason, SecureBootPolicy};
use trusted_launch::uefi::shim::vendor_certificates;
use trusted_launch::uefi::sigdb::SignatureDatabase;
use trusted_launch::uefi::siglist::build_signature_list;

const OWNER: Guid = Guid::from_bytes([0x77; 16]);

/// Reads a file of `.cache/debian`, or returns `None` (the test skips) when the folder was not fetched;
/// under `CI=true` a missing file fails the test.
fn debian_file(name: &str) -> Option<Vec<u8>> {
    let path: PathBuf = repo_root().join(".cache/debian").join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(error) => {
            let message = format!("{}: {error}; run tools/fetch-debian-boot.sh", path.display());
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
            eprintln!("skipped: {message}");
            None
        }
    }
}

fn microsoft_certificate(file: &str) -> Option<Vec<u8>> {
    corpus_file("uefi", &format!("secureboot_objects/certs/{file}"))
}

fn database(entries: &[(Guid, &[u8])]) -> SignatureDatabase {
    let mut bytes = Vec::new();
    for (signature_type, data) in entries {
        bytes.extend(build_signature_list(*signature_type, &[(OWNER, *data)]).unwrap());
    }
    SignatureDatabase::from_bytes(&bytes).unwrap()
}

fn verify(db: &SignatureDatabase, dbx: &SignatureDatabase, image: &[u8]) -> ImageVerdict {
    SecureBootPolicy::new(db.clone(), dbx.clone()).verify_image(image).unwrap()
}

/// Returns the Debian Secure Boot CA from shim's `.vendor_cert` section.
fn debian_ca(shim: &[u8]) -> Vec<u8> {
    let pe = PeImage::parse(shim).unwrap();
    let vendor = vendor_certificates(&pe).unwrap().expect("shim has a .vendor_cert section");
    assert_eq!(vendor.authorized.len(), 1);
    vendor.authorized[0].to_vec()
}

/// Output of a reference tool, or `None` when it is not installed (an error under CI=true).
fn tool_output(program: &str, arguments: &[&str]) -> Option<String> {
    match Command::new(program).args(arguments).output() {
        Ok(output) => {
            Some(format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
        }
        Err(error) => {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{program}: {error}");
            eprintln!("skipped {program}: {error}");
            None
        }
    }
}

/// Runs `pesign -h -i FILE` and returns the SHA-256 digest it prints ("hash: <hex>").
fn pesign_digest(path: &str) -> Option<String> {
    let output = tool_output("pesign", &["-h", "-i", path])?;
    let line = output.lines().find_map(|line| line.strip_prefix("hash: "))?;
    Some(line.trim().to_lowercase())
}

/// Runs `osslsigncode verify` and returns the digest it computes ("Calculated message digest : <HEX>").
fn osslsigncode_digest(path: &str) -> Option<String> {
    let output = tool_output("osslsigncode", &["verify", "-in", path])?;
    let line = output.lines().find(|line| line.starts_with("Calculated message digest"))?;
    Some(line.split(':').nth(1)?.trim().to_lowercase())
}

#[test]
fn digests_equal_reference_tools() {
    let cache = repo_root().join(".cache/debian");
    for file in ["shimx64.efi.signed", "grubx64.efi.signed", "vmlinuz.efi"] {
        let Some(image) = debian_file(file) else { return };
        let ours = PeImage::parse(&image).unwrap().authenticode_digest(HashAlgorithm::Sha256).unwrap().to_string();
        let path = cache.join(file);
        let path = path.to_str().unwrap();
        if let Some(pesign) = pesign_digest(path) {
            assert_eq!(ours, pesign, "{file}: pesign -h");
        }
        // osslsigncode refuses shim's table of two WIN_CERTIFICATE entries.
        if file != "shimx64.efi.signed" {
            if let Some(osslsigncode) = osslsigncode_digest(path) {
                assert_eq!(ours, osslsigncode, "{file}: osslsigncode verify");
            }
        }
    }
}

#[test]
fn shim_allowed_by_uefi_ca_2011() {
    let Some(shim) = debian_file("shimx64.efi.signed") else { return };
    let Some(ca) = microsoft_certificate("db_MicCorUEFCA2011_2011-06-27.der") else { return };
    let verdict = verify(&database(&[(EFI_CERT_X509, &ca)]), &SignatureDatabase::new(), &shim);
    let ImageVerdict::Allowed { authority, details } = &verdict else { panic!("{verdict:?}") };
    assert_eq!(authority.entry.data, ca, "the authority is the db certificate firmware measures into PCR 7");
    assert_eq!(authority.entry.owner, OWNER);
    let AuthorizedBy::Signature(position) = authority.by else { panic!("{verdict:?}") };
    assert_eq!(position.certificate, 0, "the first signature chains to UEFI CA 2011");
    assert_eq!(details.signatures.len(), 2, "shim carries a UEFI CA 2011 and a UEFI CA 2023 signature");
}

#[test]
fn shim_allowed_by_uefi_ca_2023() {
    let Some(shim) = debian_file("shimx64.efi.signed") else { return };
    let Some(ca) = microsoft_certificate("db_microsoft_uefi_ca_2023.der") else { return };
    let verdict = verify(&database(&[(EFI_CERT_X509, &ca)]), &SignatureDatabase::new(), &shim);
    let ImageVerdict::Allowed { authority, .. } = &verdict else { panic!("{verdict:?}") };
    let AuthorizedBy::Signature(position) = authority.by else { panic!("{verdict:?}") };
    assert_eq!(position.certificate, 1);
}

#[test]
fn shim_refused_by_pca_only() {
    let Some(shim) = debian_file("shimx64.efi.signed") else { return };
    let Some(pca) = microsoft_certificate("db_MicWinProPCA2011_2011-10-19.der") else { return };
    let verdict = verify(&database(&[(EFI_CERT_X509, &pca)]), &SignatureDatabase::new(), &shim);
    assert_eq!(verdict.code(), "not_authorized", "{verdict:?}");
}

#[test]
fn shim_digest_in_dbx() {
    let Some(shim) = debian_file("shimx64.efi.signed") else { return };
    let Some(ca) = microsoft_certificate("db_MicCorUEFCA2011_2011-06-27.der") else { return };
    let path = repo_root().join(".cache/debian/shimx64.efi.signed");
    // The dbx entry is the digest pesign computes, not ours.
    let Some(digest) = pesign_digest(path.to_str().unwrap()) else { return };
    let dbx = database(&[(EFI_CERT_SHA256, &common::hex(&digest))]);
    let verdict = verify(&database(&[(EFI_CERT_X509, &ca)]), &dbx, &shim);
    let ImageVerdict::Refused { reason: RefusalReason::DigestInDbx { algorithm, .. }, .. } = verdict else {
        panic!("{verdict:?}")
    };
    assert_eq!(algorithm, HashAlgorithm::Sha256);
}

/// Cuts the `TBSCertificate` out of a DER certificate by reading the outer and inner DER headers
/// here rather than with the crate's parser.
fn tbs_certificate(certificate: &[u8]) -> &[u8] {
    fn header_length(der: &[u8]) -> (usize, usize) {
        assert_eq!(der[0], 0x30, "SEQUENCE");
        match der[1] {
            length @ 0..=0x7f => (2, usize::from(length)),
            0x81 => (3, usize::from(der[2])),
            0x82 => (4, usize::from(u16::from_be_bytes([der[2], der[3]]))),
            other => panic!("unexpected DER length form {other:#x}"),
        }
    }
    let (outer_header, _) = header_length(certificate);
    let inner = &certificate[outer_header..];
    let (inner_header, inner_length) = header_length(inner);
    &inner[..inner_header + inner_length]
}

#[test]
fn shim_signer_tbs_hash_in_dbx() {
    let Some(shim) = debian_file("shimx64.efi.signed") else { return };
    let Some(ca) = microsoft_certificate("db_MicCorUEFCA2011_2011-06-27.der") else { return };
    let pe = PeImage::parse(&shim).unwrap();
    let table = pe.certificates().unwrap();
    let signature = AuthenticodeSignature::parse(table[0].content, table[0].offset).unwrap();
    let signer = signature.signer_certificate_der().unwrap();
    let tbs_hash = HashAlgorithm::Sha256.hash(tbs_certificate(signer));

    // EFI_CERT_X509_SHA256 data: the TBS hash, then an EFI_TIME revocation time (zero: always).
    let mut entry = tbs_hash.as_bytes().to_vec();
    entry.extend([0u8; 16]);
    let dbx = database(&[(EFI_CERT_X509_SHA256, &entry)]);
    let verdict = verify(&database(&[(EFI_CERT_X509, &ca)]), &dbx, &shim);
    let ImageVerdict::Refused { reason: RefusalReason::CertificateHashInDbx { position, .. }, .. } = &verdict else {
        panic!("{verdict:?}")
    };
    assert_eq!(*position, ChainPosition::Leaf);
}

#[test]
fn grub_kernel_allowed_by_debian_ca() {
    let Some(shim) = debian_file("shimx64.efi.signed") else { return };
    let ca = debian_ca(&shim);
    // SHA-256 fingerprint printed by `openssl x509 -inform der -fingerprint -sha256` on the
    // certificate extracted with `objcopy --only-section=.vendor_cert`.
    assert_eq!(
        HashAlgorithm::Sha256.hash(&ca).to_string(),
        "079646974bce09b1f04da67bd722d1fb0947ae4c4010bccdbba52d5b23cbf1a2"
    );
    let db = database(&[(EFI_CERT_X509, &ca)]);
    for file in ["grubx64.efi.signed", "vmlinuz.efi"] {
        let Some(image) = debian_file(file) else { return };
        let verdict = verify(&db, &SignatureDatabase::new(), &image);
        let ImageVerdict::Allowed { authority, .. } = &verdict else { panic!("{file}: {verdict:?}") };
        assert_eq!(authority.entry.data, ca, "{file}");
    }
}

#[test]
fn grub_kernel_refused_without_debian_ca() {
    let Some(ca) = microsoft_certificate("db_MicCorUEFCA2011_2011-06-27.der") else { return };
    let db = database(&[(EFI_CERT_X509, &ca)]);
    for file in ["grubx64.efi.signed", "vmlinuz.efi"] {
        let Some(image) = debian_file(file) else { return };
        assert_eq!(verify(&db, &SignatureDatabase::new(), &image).code(), "not_authorized", "{file}");
    }
}

#[test]
fn sbat_levels_on_shim_and_grub() {
    // shim's .sbat contains shim,4 and GRUB's grub,5 (both read with `objcopy -O binary
    // --only-section=.sbat`); the latest published SbatLevel 2025051000 requires shim,4 and
    // grub,5, so both pass, and a level requiring grub,6 revokes GRUB.
    let Some(shim) = debian_file("shimx64.efi.signed") else { return };
    let Some(grub) = debian_file("grubx64.efi.signed") else { return };
    let ms_ca = microsoft_certificate("db_MicCorUEFCA2011_2011-06-27.der").unwrap();
    let debian = debian_ca(&shim);
    let db = database(&[(EFI_CERT_X509, &ms_ca), (EFI_CERT_X509, &debian)]);

    let mut policy = SecureBootPolicy::new(db, SignatureDatabase::new());
    policy.sbat_level = Some(SbatLevelOwned::parse(b"sbat,1,2025051000\nshim,4\ngrub,5\ngrub.proxmox,2\n").unwrap());
    assert!(policy.verify_image(&shim).unwrap().is_allowed());
    assert!(policy.verify_image(&grub).unwrap().is_allowed());

    policy.sbat_level = Some(SbatLevelOwned::parse(b"sbat,1,2099010100\ngrub,6\n").unwrap());
    let verdict = policy.verify_image(&grub).unwrap();
    let ImageVerdict::Refused {
        reason: RefusalReason::SbatRevoked { component, image_generation, minimum_generation },
        ..
    } = verdict
    else {
        panic!("{verdict:?}")
    };
    assert_eq!((component.as_str(), image_generation, minimum_generation), ("grub", 5, 6));
}
