//! Secure Boot verdicts on the real signed images of the authenticode corpus, each test naming
//! the `authenticode/PROVENANCE.md` row whose verdict it reproduces.

mod common;

use common::{corpus_file, hex};
use trusted_launch::authenticode::AuthenticodeSignature;
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::pe::PeImage;
use trusted_launch::uefi::guid::{
    EFI_CERT_SHA1, EFI_CERT_SHA256, EFI_CERT_SHA384, EFI_CERT_SHA512, EFI_CERT_X509, Guid,
};
use trusted_launch::uefi::sbat::SbatLevelOwned;
use trusted_launch::uefi::secureboot::{AuthorizedBy, ImageVerdict, RefusalReason, SecureBootPolicy};
use trusted_launch::uefi::sigdb::SignatureDatabase;
use trusted_launch::uefi::siglist::build_signature_list;

const OWNER: Guid = Guid::from_bytes([0x11; 16]);

fn database(entries: &[(Guid, &[u8])]) -> SignatureDatabase {
    let mut bytes = Vec::new();
    for (signature_type, data) in entries {
        bytes.extend(build_signature_list(*signature_type, &[(OWNER, *data)]).unwrap());
    }
    SignatureDatabase::from_bytes(&bytes).unwrap()
}

fn digest_type(algorithm: HashAlgorithm) -> Guid {
    match algorithm {
        HashAlgorithm::Sha1 => EFI_CERT_SHA1,
        HashAlgorithm::Sha256 => EFI_CERT_SHA256,
        HashAlgorithm::Sha384 => EFI_CERT_SHA384,
        HashAlgorithm::Sha512 => EFI_CERT_SHA512,
    }
}

fn verify(db: &SignatureDatabase, dbx: &SignatureDatabase, image: &[u8]) -> ImageVerdict {
    SecureBootPolicy::new(db.clone(), dbx.clone()).verify_image(image).unwrap()
}

/// Returns the DER certificates carried in the image's first signature.
fn embedded_certificates(image: &[u8]) -> Vec<Vec<u8>> {
    let pe = PeImage::parse(image).unwrap();
    let table = pe.certificates().unwrap();
    let signature = AuthenticodeSignature::parse(table[0].content, table[0].offset).unwrap();
    signature.certificates_der().map(<[u8]>::to_vec).collect()
}

// PROVENANCE row "edk2-googletest/UnsignedCOFF.efi": digests from the UnsignedCOFFSha* arrays;
// "ACCEPT if that hash is in db; DENY if it is in dbx or in neither".
const UNSIGNED_COFF: [(HashAlgorithm, &str); 4] = [
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
fn unsigned_coff_digest_in_db() {
    let Some(image) = corpus_file("authenticode", "edk2-googletest/UnsignedCOFF.efi") else { return };
    for (algorithm, value) in UNSIGNED_COFF {
        let digest = hex(value);
        let verdict = verify(&database(&[(digest_type(algorithm), &digest)]), &SignatureDatabase::new(), &image);
        let ImageVerdict::Allowed { authority, .. } = verdict else { panic!("{algorithm}: {verdict:?}") };
        assert_eq!(authority.by, AuthorizedBy::ImageDigest(algorithm));
        assert_eq!(authority.entry.data, digest);
    }
}

#[test]
fn unsigned_coff_in_dbx_or_neither() {
    let Some(image) = corpus_file("authenticode", "edk2-googletest/UnsignedCOFF.efi") else { return };
    for (algorithm, value) in UNSIGNED_COFF {
        let digest = hex(value);
        let listed = database(&[(digest_type(algorithm), &digest)]);
        let verdict = verify(&listed, &listed, &image);
        assert_eq!(verdict.code(), "digest_in_dbx", "{algorithm}");
    }
    let verdict = verify(&SignatureDatabase::new(), &SignatureDatabase::new(), &image);
    assert_eq!(verdict.code(), "not_authorized");
}

#[test]
fn signed_coff_test_cert_in_db() {
    // PROVENANCE rows "PkcsCOFF.efi" (type 0x0002) and "CertGuidCOFF.efi" (type 0x0EF1): ACCEPT
    // with TestCertDer in db.
    let Some(certificate) = corpus_file("authenticode", "edk2-googletest/TestCertDer.der") else { return };
    let db = database(&[(EFI_CERT_X509, &certificate)]);
    for file in ["edk2-googletest/PkcsCOFF.efi", "edk2-googletest/CertGuidCOFF.efi"] {
        let image = corpus_file("authenticode", file).unwrap();
        let verdict = verify(&db, &SignatureDatabase::new(), &image);
        let ImageVerdict::Allowed { authority, .. } = verdict else { panic!("{file}: {verdict:?}") };
        assert_eq!(authority.entry.data, certificate, "{file}");
        assert_eq!(authority.entry.signature_type, EFI_CERT_X509);
    }
}

#[test]
fn signed_coff_test_cert_in_dbx() {
    let Some(certificate) = corpus_file("authenticode", "edk2-googletest/TestCertDer.der") else { return };
    let image = corpus_file("authenticode", "edk2-googletest/PkcsCOFF.efi").unwrap();
    let listed = database(&[(EFI_CERT_X509, &certificate)]);
    assert_eq!(verify(&listed, &listed, &image).code(), "certificate_in_dbx");
}

#[test]
fn expired_signer_allowed() {
    // PROVENANCE row "authenticode-rs/test_key_public.pem": valid 2023-06-24..2023-07-24 only.
    let Some(pem) = corpus_file("authenticode", "authenticode-rs/test_key_public.pem") else { return };
    let certificate = pem_to_der(&pem);
    let db = database(&[(EFI_CERT_X509, &certificate)]);
    for file in ["authenticode-rs/tiny64.signed.efi", "authenticode-rs/tiny32.signed.efi"] {
        let image = corpus_file("authenticode", file).unwrap();
        assert!(verify(&db, &SignatureDatabase::new(), &image).is_allowed(), "{file}");
    }
}

#[test]
fn tampered_image_digest_mismatch() {
    // PROVENANCE row "vthib pe_file.exe": both signatures give WrongFileDigest while the CMS
    // signature itself is intact.
    let Some(image) = corpus_file("authenticode", "vthib-authenticode-parser/pe_file.exe") else { return };
    let certificates = embedded_certificates(&image);
    let entries: Vec<(Guid, &[u8])> = certificates.iter().map(|der| (EFI_CERT_X509, der.as_slice())).collect();
    let verdict = verify(&database(&entries), &SignatureDatabase::new(), &image);
    let ImageVerdict::Refused { reason: RefusalReason::DigestMismatch { .. }, details } = &verdict else {
        panic!("{verdict:?}")
    };
    // sig0 is SHA-1 and the nested sig1 SHA-256, each over the file digest PROVENANCE gives.
    assert_eq!(details.signatures.len(), 2);
    assert!(details.signatures.iter().all(|signature| signature.outcome == "digest_mismatch"));
    assert_eq!(
        details.digests.get(HashAlgorithm::Sha1).unwrap().to_string(),
        "9ad354c6d1d3e5e58bc47e1cd380d12b75e5051c"
    );
    assert_eq!(
        details.digests.get(HashAlgorithm::Sha256).unwrap().to_string(),
        "29c324acc3bd596ccebd28e7d8a88b87b06a87f2fd1fc281525ce0dae42b46b3"
    );
}

#[test]
fn curveball_explicit_parameters() {
    // PROVENANCE row "signify/7z1900-x64_signed.exe": CVE-2020-0601 test, "must be INVALID";
    // the issuer "OLLYPWN" has an EC key with explicit prime-field parameters.
    let Some(image) = corpus_file("authenticode", "signify/7z1900-x64_signed.exe") else { return };
    let pe = PeImage::parse(&image).unwrap();
    let table = pe.certificates().unwrap();
    let signature = AuthenticodeSignature::parse(table[0].content, table[0].offset).unwrap();
    let signer = signature.signer_certificate_der().unwrap().to_vec();
    // Every carried certificate but the signer's own: the attack needs the spoofed CA trusted.
    let issuers: Vec<Vec<u8>> =
        signature.certificates_der().filter(|der| *der != signer.as_slice()).map(<[u8]>::to_vec).collect();
    assert!(!issuers.is_empty());
    let entries: Vec<(Guid, &[u8])> = issuers.iter().map(|der| (EFI_CERT_X509, der.as_slice())).collect();
    let verdict = verify(&database(&entries), &SignatureDatabase::new(), &image);
    assert!(!verdict.is_allowed(), "{verdict:?}");
    assert_eq!(verdict.code(), "explicit_ec_parameters");
}

#[test]
fn self_signed_signer_in_db() {
    // PROVENANCE row "signify/kdbazis.dll": valid with kdbazis.dll.crt trusted (signify checks a
    // date inside the validity window; firmware ignores dates).
    let Some(image) = corpus_file("authenticode", "signify/kdbazis.dll") else { return };
    let certificate = corpus_file("authenticode", "signify/kdbazis.dll.crt").unwrap();
    let certificate = if certificate.starts_with(b"-----") { pem_to_der(&certificate) } else { certificate };
    let verdict = verify(&database(&[(EFI_CERT_X509, &certificate)]), &SignatureDatabase::new(), &image);
    assert!(verdict.is_allowed(), "{verdict:?}");
}

#[test]
fn driver_byte_flip_refused() {
    // PROVENANCE row "signify/pciide.sys": "valid; flipping byte 1024 must fail".
    let Some(image) = corpus_file("authenticode", "signify/pciide.sys") else { return };
    let certificates = embedded_certificates(&image);
    let entries: Vec<(Guid, &[u8])> = certificates.iter().map(|der| (EFI_CERT_X509, der.as_slice())).collect();
    let db = database(&entries);
    assert!(verify(&db, &SignatureDatabase::new(), &image).is_allowed());

    let mut flipped = image.clone();
    flipped[1024] ^= 0xff;
    assert_eq!(verify(&db, &SignatureDatabase::new(), &flipped).code(), "digest_mismatch");
}

#[test]
fn nested_signature_authorizes() {
    // PROVENANCE row "signify/sigcheck.exe": a SHA-1 primary signature and a nested SHA-256 one,
    // valid in every multi-signature mode; SHA-256 digest a74a343b…99ef.
    let Some(image) = corpus_file("authenticode", "signify/sigcheck.exe") else { return };
    let pe = PeImage::parse(&image).unwrap();
    let table = pe.certificates().unwrap();
    let outer = AuthenticodeSignature::parse(table[0].content, table[0].offset).unwrap();
    let nested = outer.nested_signatures().unwrap();
    assert_eq!(nested.len(), 1);
    assert_eq!(nested[0].digest_algorithm(), HashAlgorithm::Sha256);
    assert_eq!(nested[0].image_digest(), hex("a74a343be2234235f57f21b794fdbd379f246a388f7b17bf21cd1d26ece699ef"));

    // With only the nested signature's certificates in db, the nested signature authorizes.
    let certificates: Vec<Vec<u8>> = nested[0].certificates_der().map(<[u8]>::to_vec).collect();
    let entries: Vec<(Guid, &[u8])> = certificates.iter().map(|der| (EFI_CERT_X509, der.as_slice())).collect();
    let verdict = verify(&database(&entries), &SignatureDatabase::new(), &image);
    let ImageVerdict::Allowed { authority, .. } = &verdict else { panic!("{verdict:?}") };
    let AuthorizedBy::Signature(position) = authority.by else { panic!("{verdict:?}") };
    assert_eq!(position.nested, Some(0));

    // The SHA-256 digest in dbx refuses the image although the SHA-1 signature is the primary.
    let dbx = database(&[(EFI_CERT_SHA256, &hex("a74a343be2234235f57f21b794fdbd379f246a388f7b17bf21cd1d26ece699ef"))]);
    assert_eq!(verify(&database(&entries), &dbx, &image).code(), "digest_in_dbx");
}

#[test]
fn rhel7_grubs_refused() {
    // PROVENANCE row "shim-test-data/grub/grubx64.0.76.el7*.efi": no .sbat section, "so shim with
    // a non-empty SbatLevel must REFUSE them". Their WIN_CERTIFICATE also carries a non-zero byte
    // after the signature's DER, which this verifier refuses on its own (CVE-2013-3900 rule).
    let Some(level) =
        corpus_file("authenticode", "shim-test-data/efivars-1/SbatLevel-605dab50-e046-4300-abb6-3dd810dd8b23")
    else {
        return;
    };
    let level = SbatLevelOwned::parse(&level[4..]).unwrap();
    for file in ["shim-test-data/grub/grubx64.0.76.el7.efi", "shim-test-data/grub/grubx64.0.76.el7.1.efi"] {
        let image = corpus_file("authenticode", file).unwrap();
        let pe = PeImage::parse(&image).unwrap();
        assert_eq!(pe.sections_named(b".sbat").count(), 0, "{file}");

        let digest = pe.authenticode_digest(HashAlgorithm::Sha256).unwrap();
        let mut policy =
            SecureBootPolicy::new(database(&[(EFI_CERT_SHA256, digest.as_bytes())]), SignatureDatabase::new());
        policy.sbat_level = Some(level.clone());
        let verdict = policy.verify_image(&image).unwrap();
        assert!(!verdict.is_allowed(), "{file}: {verdict:?}");
        assert_eq!(verdict.code(), "malformed_certificate_table", "{file}");
    }
}

#[test]
fn efivars_databases_decide() {
    // PROVENANCE row "shim-test-data/efivars-1": db contains 6 X509 (MS UEFI CA 2011 first) and 5
    // SHA256 entries; dbx one list of 77 SHA256 entries.
    let Some(db) = corpus_file("authenticode", "shim-test-data/efivars-1/db-d719b2cb-3d3a-4596-a3bc-dad00e67656f")
    else {
        return;
    };
    let dbx = corpus_file("authenticode", "shim-test-data/efivars-1/dbx-d719b2cb-3d3a-4596-a3bc-dad00e67656f").unwrap();
    let db = SignatureDatabase::from_bytes(&db[4..]).unwrap();
    let dbx = SignatureDatabase::from_bytes(&dbx[4..]).unwrap();
    assert_eq!(db.certificates().count(), 6);
    assert_eq!(dbx.len(), 77);

    // The EDK2 test image is in neither database.
    let image = corpus_file("authenticode", "edk2-googletest/PkcsCOFF.efi").unwrap();
    assert_eq!(verify(&db, &dbx, &image).code(), "not_authorized");
}

#[test]
fn non_pe_file_is_error() {
    // PROVENANCE row "signify/simple": 12 bytes `MZ1234567890`, "must be rejected as a malformed
    // PE without panicking".
    let Some(image) = corpus_file("authenticode", "signify/simple") else { return };
    let error = SecureBootPolicy::default().verify_image(&image).unwrap_err();
    assert!(error.to_string().contains("offset"), "{error}");
}

#[test]
fn corpus_images_never_panic() {
    let files = [
        "authenticode-rs/tiny32.efi",
        "authenticode-rs/tiny32.signed.efi",
        "authenticode-rs/tiny64.efi",
        "authenticode-rs/tiny64.signed.efi",
        "edk2-googletest/UnsignedCOFF.efi",
        "edk2-googletest/PkcsCOFF.efi",
        "edk2-googletest/CertGuidCOFF.efi",
        "shim-test-data/grub/grubx64.0.76.el7.efi",
        "shim-test-data/grub/grubx64.0.76.el7.1.efi",
        "signify/pciide.sys",
        "signify/sigcheck.exe",
        "signify/kdbazis.dll",
        "signify/7z1900-x64_signed.exe",
        "signify/DXCore.dll",
        "signify/simple",
        "vthib-authenticode-parser/pe_file.exe",
    ];
    let Some(db) = corpus_file("authenticode", "shim-test-data/efivars-1/db-d719b2cb-3d3a-4596-a3bc-dad00e67656f")
    else {
        return;
    };
    let policy = SecureBootPolicy::new(SignatureDatabase::from_bytes(&db[4..]).unwrap(), SignatureDatabase::new());
    for file in files {
        let image = corpus_file("authenticode", file).unwrap();
        match policy.verify_image(&image) {
            Ok(verdict) => assert!(!verdict.code().is_empty()),
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
}

fn pem_to_der(pem: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(pem).unwrap();
    let body: String = text.lines().filter(|line| !line.starts_with("-----")).collect();
    base64_decode(&body)
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.bytes().filter(|byte| !byte.is_ascii_whitespace() && *byte != b'=') {
        let value = ALPHABET.iter().position(|c| *c == byte).expect("base64 digit") as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}
