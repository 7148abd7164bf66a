//! Authenticode digests, layout checks and certificate tables of the corpus images, against the
//! values in the corpus `authenticode/PROVENANCE.md` (named per row below) and, where noted,
//! `osslsigncode verify` 2.x output ("Calculated message digest").

mod common;

use common::{corpus_file, hex};
use trusted_launch::ErrorKind;
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::pe::{PeImage, WIN_CERT_TYPE_EFI_GUID, WIN_CERT_TYPE_PKCS_SIGNED_DATA};

/// Checks every listed digest, one pass for all four algorithms, and that the layout is consistent.
fn assert_digests(path: &str, expected: &[(HashAlgorithm, &str)]) {
    let Some(data) = corpus_file("authenticode", path) else { return };
    let image = PeImage::parse(&data).unwrap_or_else(|error| panic!("{path}: {error}"));
    assert_eq!(image.check_layout(), Ok(()), "{path}");
    let all = image.authenticode_digests().unwrap();
    for &(algorithm, value) in expected {
        let single = image.authenticode_digest(algorithm).unwrap();
        assert_eq!(single.as_bytes(), hex(value), "{path} {algorithm}");
        let from_pass = all.iter().find(|digest| digest.algorithm() == algorithm).unwrap();
        assert_eq!(from_pass, &single, "{path} {algorithm} in the four-digest pass");
    }
}

// PROVENANCE row "edk2-googletest/UnsignedCOFF.efi": arrays UnsignedCOFFSha1/256/384/512.
const EDK2_COFF: [(HashAlgorithm, &str); 4] = [
    (HashAlgorithm::Sha1, "8111c69eb73407221a2884dc185905d0e36c391b"),
    (HashAlgorithm::Sha256, "88998eb13ca81d2628d30cab66f67009818766aaa4702bd4eead8fdca38ab189"),
    (
        HashAlgorithm::Sha384,
        "77334a0b0c61a512dee4302d771f5924bdd5c6b20e318ee551b99101fdbd51d516f24d9cd24858c0c5d195fb61ca4dc0",
    ),
    (
        HashAlgorithm::Sha512,
        "4155ee561dbe293a69daf8d368e55cd7f7b6872a26bdb0116f433e0dd9a42b9b0259288e0871c4de6ab4baf2b9e4f783c38ba3688326677cf8f391dffed12a59",
    ),
];

#[test]
fn edk2_unsigned_coff() {
    assert_digests("edk2-googletest/UnsignedCOFF.efi", &EDK2_COFF);
}

#[test]
fn edk2_pkcs_coff() {
    // PROVENANCE row "PkcsCOFF.efi": the same four digests as UnsignedCOFF. osslsigncode
    // reports SHA-256 88998EB1…B189 for it too.
    assert_digests("edk2-googletest/PkcsCOFF.efi", &EDK2_COFF);
    let Some(data) = corpus_file("authenticode", "edk2-googletest/PkcsCOFF.efi") else { return };
    let certificates = PeImage::parse(&data).unwrap().certificates().unwrap();
    assert_eq!(certificates.len(), 1);
    assert_eq!(certificates[0].certificate_type, WIN_CERT_TYPE_PKCS_SIGNED_DATA);
}

#[test]
fn edk2_cert_guid_coff() {
    // PROVENANCE row "CertGuidCOFF.efi": same digests, WIN_CERT_TYPE_EFI_GUID (0x0EF1).
    assert_digests("edk2-googletest/CertGuidCOFF.efi", &EDK2_COFF);
    let Some(data) = corpus_file("authenticode", "edk2-googletest/CertGuidCOFF.efi") else { return };
    let certificates = PeImage::parse(&data).unwrap().certificates().unwrap();
    assert_eq!(certificates.len(), 1);
    assert_eq!(certificates[0].certificate_type, WIN_CERT_TYPE_EFI_GUID);
    assert_eq!(certificates[0].content.first(), Some(&0x30));
}

// PROVENANCE rows "tiny32.efi / tiny32.signed.efi" and "tiny64.efi / tiny64.signed.efi".
const TINY32: [(HashAlgorithm, &str); 2] = [
    (HashAlgorithm::Sha1, "49f239f1cd5083912880e03982bb54528f2c358d"),
    (HashAlgorithm::Sha256, "4f5b3633fc51d9447beb5c546e9ae6e58d6eb42d1e96d623dc168d97013c08a8"),
];
const TINY64: [(HashAlgorithm, &str); 2] = [
    (HashAlgorithm::Sha1, "e9bdfb63bdf687b8d3bf144033fcb09d7a393563"),
    (HashAlgorithm::Sha256, "a82d7e4f091c44ec75d97746b3461c8ea9151e2313f8e9a4330432ee5f25b2ae"),
];

#[test]
fn authenticode_rs_tiny() {
    assert_digests("authenticode-rs/tiny32.efi", &TINY32);
    assert_digests("authenticode-rs/tiny32.signed.efi", &TINY32);
    assert_digests("authenticode-rs/tiny64.efi", &TINY64);
    assert_digests("authenticode-rs/tiny64.signed.efi", &TINY64);
}

#[test]
fn tiny32_signed_certificate() {
    // PROVENANCE row "tiny32.efi / tiny32.signed.efi": 1 cert, dwLength 1531, padded to 1536.
    let Some(data) = corpus_file("authenticode", "authenticode-rs/tiny32.signed.efi") else { return };
    let image = PeImage::parse(&data).unwrap();
    let certificates = image.certificates().unwrap();
    assert_eq!(certificates.len(), 1);
    assert_eq!(certificates[0].length, 1531);
    assert_eq!(certificates[0].content.len(), 1531 - 8);
    assert_eq!(image.certificate_table_range().map(|(_, size)| size), Some(1536));
}

/// Offset of the security directory's `Size` field in the PE32+ tiny64.signed.efi.
fn security_size_offset(data: &[u8]) -> usize {
    let e_lfanew = u32::from_le_bytes(data[0x3c..0x40].try_into().unwrap()) as usize;
    e_lfanew + 24 + 112 + 4 * 8 + 4
}

#[test]
fn authenticode_rs_negative_mutations() {
    // PROVENANCE row "authenticode-rs": the repository's mutations of tiny64.signed.efi.
    let Some(original) = corpus_file("authenticode", "authenticode-rs/tiny64.signed.efi") else { return };
    let size_field = security_size_offset(&original);
    let size = u32::from_le_bytes(original[size_field..size_field + 4].try_into().unwrap());

    for (name, new_size) in [("cert dir size +100", size + 100), ("cert dir size -1", size - 1)] {
        let mut data = original.clone();
        data[size_field..size_field + 4].copy_from_slice(&new_size.to_le_bytes());
        let image = PeImage::parse(&data).unwrap();
        let error = image.certificates().unwrap_err();
        assert_eq!(error.structure, "WIN_CERTIFICATE", "{name}");
        assert!(image.check_layout().is_err(), "{name}");
    }

    let mut data = original.clone();
    let (offset, _) = PeImage::parse(&original).unwrap().certificate_table_range().unwrap();
    data[offset..offset + 4].copy_from_slice(&7u32.to_le_bytes());
    let error = PeImage::parse(&data).unwrap().certificates().unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidField { field: "dwLength" });
    assert_eq!(error.offset, offset);
}

#[test]
fn shim_grubs() {
    // PROVENANCE row "grub/grubx64.0.76.el7.efi, .0.76.el7.1.efi": SHA256 (SB = LIN). osslsigncode
    // reports FB37F96B…771C for 0.76.el7.1.
    assert_digests(
        "shim-test-data/grub/grubx64.0.76.el7.efi",
        &[(HashAlgorithm::Sha256, "623631c2da35529929a46ddb79bc8a574452efe5f422964176326eef38044d61")],
    );
    assert_digests(
        "shim-test-data/grub/grubx64.0.76.el7.1.efi",
        &[(HashAlgorithm::Sha256, "fb37f96b32641dc0de6dc105b7b0ed686d934651ec207392d0dd04b396f0771c")],
    );
}

#[test]
fn grub_certificate_has_byte_after_der() {
    // pesign left one 0x80 byte after the DER inside dwLength (2512 = 8 + 2503 + 1), which the
    // strict walk rejects (CVE-2013-3900).
    let Some(data) = corpus_file("authenticode", "shim-test-data/grub/grubx64.0.76.el7.efi") else { return };
    let image = PeImage::parse(&data).unwrap();
    let (offset, size) = image.certificate_table_range().unwrap();
    let error = image.certificates().unwrap_err();
    assert_eq!(error.kind, ErrorKind::TrailingData);
    assert_eq!(error.offset, offset + size - 1);
}

#[test]
fn signify_pciide() {
    // PROVENANCE row "pciide.sys": SB=LIN SHA256. SHA-1 from osslsigncode (the signature's algorithm).
    assert_digests(
        "signify/pciide.sys",
        &[
            (HashAlgorithm::Sha1, "9bd444d58b59cca832bb5fc911f81f6c66b40fcc"),
            (HashAlgorithm::Sha256, "5cd3641543e7849664975a1465e6835c91d311dd4468decc38caa63c1fb6d462"),
        ],
    );
}

#[test]
fn signify_sigcheck() {
    // PROVENANCE row "sigcheck.exe": the SHA-1 and SHA-256 digests of its two signatures; osslsigncode
    // reports the SHA-1 one.
    assert_digests(
        "signify/sigcheck.exe",
        &[
            (HashAlgorithm::Sha1, "dfbdc3905728da39d9f74d857ac1d228a0ac0218"),
            (HashAlgorithm::Sha256, "a74a343be2234235f57f21b794fdbd379f246a388f7b17bf21cd1d26ece699ef"),
        ],
    );
}

#[test]
fn signify_kdbazis() {
    // PROVENANCE row "kdbazis.dll": SB=LIN SHA256, also osslsigncode's value.
    assert_digests(
        "signify/kdbazis.dll",
        &[(HashAlgorithm::Sha256, "e6a9221b1ead47cd782e693a0d19d4c6ed470115a0ab0dd3d3fb3f3c58bc8c1d")],
    );
}

#[test]
fn signify_dxcore() {
    // PROVENANCE row "DXCore.dll": SB=LIN SHA256, also osslsigncode's value.
    assert_digests(
        "signify/DXCore.dll",
        &[(HashAlgorithm::Sha256, "06fa542ca0a1626e11e99e79896c9eaa79b5cfc3f9ad0ac8b84d4b2e8c5a292c")],
    );
}

#[test]
fn vthib_pe_file_digests() {
    // PROVENANCE row "pe_file.exe": the file digests the conformance test computes (the
    // signatures carry other values, which is that sample's point).
    assert_digests(
        "vthib-authenticode-parser/pe_file.exe",
        &[
            (HashAlgorithm::Sha1, "9ad354c6d1d3e5e58bc47e1cd380d12b75e5051c"),
            (HashAlgorithm::Sha256, "29c324acc3bd596ccebd28e7d8a88b87b06a87f2fd1fc281525ce0dae42b46b3"),
        ],
    );
}

#[test]
fn signify_simple_errors() {
    // PROVENANCE row "simple": 12 bytes `MZ1234567890`, a malformed PE.
    let Some(data) = corpus_file("authenticode", "signify/simple") else { return };
    assert!(PeImage::parse(&data).is_err());
}

#[test]
fn signed_corpus_certificates_walk() {
    // Every signed corpus file except the pesign GRUBs walks cleanly; all carry one entry.
    for path in [
        "signify/pciide.sys",
        "signify/sigcheck.exe",
        "signify/kdbazis.dll",
        "signify/DXCore.dll",
        "signify/7z1900-x64_signed.exe",
        "vthib-authenticode-parser/pe_file.exe",
    ] {
        let Some(data) = corpus_file("authenticode", path) else { return };
        let image = PeImage::parse(&data).unwrap();
        assert_eq!(image.check_layout(), Ok(()), "{path}");
        assert_eq!(image.certificates().unwrap().len(), 1, "{path}");
    }
}
