//! Signature lists and signature databases read from real variables: shim's efivarfs dumps and
//! Microsoft's published dbx updates. Expected values come from the corpus PROVENANCE.md rows
//! named beside each test and from Microsoft's `dbx_info_msft_latest.json`.
mod common;

use common::{corpus_file, hex};
use trusted_launch::digest::{Digest, HashAlgorithm};
use trusted_launch::uefi::guid::{EFI_CERT_SHA256, EFI_CERT_X509, Guid};
use trusted_launch::uefi::sigdb::SignatureDatabase;
use trusted_launch::uefi::siglist::{SignatureList, parse_signature_lists, strip_efivarfs_attributes};

/// Owner GUID of Microsoft's dbx entries (authenticode PROVENANCE.md, efivars-1 and DBXUpdate rows).
const MICROSOFT_OWNER: &str = "77fa9abd-0359-4d32-bd60-28f4e78f784b";

/// Owner GUID of the Windows SVN entries (authenticode PROVENANCE.md, DBXUpdate2024 row).
const SVN_OWNER: &str = "9d132b6c-59d5-4388-ab1c-185cfcb2eb92";

/// The `(type, entries)` pairs of a variable's lists, in order.
type ListShape<'a> = &'a [(Guid, usize)];

fn guid(text: &str) -> Guid {
    Guid::parse(text).expect("valid GUID literal")
}

/// Reads an efivarfs file of shim's efivars-1 dump and returns (attributes, data).
fn efivar(name: &str) -> Option<(u32, Vec<u8>)> {
    let file = corpus_file("authenticode", &format!("shim-test-data/efivars-1/{name}"))?;
    let (attributes, data) = strip_efivarfs_attributes(&file).unwrap();
    Some((attributes, data.to_vec()))
}

/// Returns each list's `(type, entries)` pair.
fn shape(lists: &[SignatureList<'_>]) -> Vec<(Guid, usize)> {
    lists.iter().map(|list| (list.signature_type, list.len())).collect()
}

/// Returns the offset of the signature lists in an `EFI_VARIABLE_AUTHENTICATION_2` file:
/// EFI_TIME (16 bytes), then a WIN_CERTIFICATE_UEFI_GUID whose `dwLength` is at offset 16.
fn payload_offset(file: &[u8]) -> usize {
    let length = u32::from_le_bytes(file[16..20].try_into().unwrap());
    16 + usize::try_from(length).unwrap()
}

fn ms_file(path: &str) -> Option<Vec<u8>> {
    corpus_file("authenticode", &format!("ms-secureboot-objects/{path}"))
}

#[test]
fn efivars_db_lists() {
    // PROVENANCE efivars-1 row: db attr 0x27, 6 X509 + 5 SHA256.
    let Some((attributes, data)) = efivar("db-d719b2cb-3d3a-4596-a3bc-dad00e67656f") else { return };
    assert_eq!(attributes, 0x27);
    let lists = parse_signature_lists(&data, 4).unwrap();
    let x509 = lists.iter().filter(|list| list.signature_type == EFI_CERT_X509).map(SignatureList::len).sum::<usize>();
    let sha256 =
        lists.iter().filter(|list| list.signature_type == EFI_CERT_SHA256).map(SignatureList::len).sum::<usize>();
    assert_eq!(x509, 6);
    assert_eq!(sha256, 5);
    assert_eq!(lists.len(), 7);
    // uefi PROVENANCE.md efivars-1: the SHA256 list has an all-zero owner GUID.
    let hashes = lists.iter().find(|list| list.signature_type == EFI_CERT_SHA256).unwrap();
    assert!(hashes.entries().all(|entry| entry.owner == Guid::from_bytes([0; 16])));
    // Offsets are in the efivarfs file (the attribute word is 4 bytes).
    assert_eq!(lists[0].offset, 4);

    // PROVENANCE names the db certificates; their subject CNs appear in the DER.
    let database = SignatureDatabase::from_bytes(&data).unwrap();
    for name in [
        "Microsoft Corporation UEFI CA 2011",
        "Microsoft Windows Production PCA 2011",
        "ASUSTeK Notebook SW Key Certificate",
        "ASUSTeK MotherBoard SW Key Certificate",
        "Canonical Ltd. Master Certificate Authority",
    ] {
        let found = database.certificates().filter(|entry| contains(&entry.data, name.as_bytes())).count();
        assert!(found >= 1, "{name} not in db");
    }
    assert_eq!(database.to_bytes(), data, "to_bytes keeps one list per run");
}

#[test]
fn efivars_db_pca_matches_microsoft_file() {
    // The PCA 2011 in db is the certificate Microsoft publishes as db_MicWinProPCA2011_2011-10-19.der.
    let Some((_, data)) = efivar("db-d719b2cb-3d3a-4596-a3bc-dad00e67656f") else { return };
    let Some(pca) = ms_file("certs/db_MicWinProPCA2011_2011-10-19.der") else { return };
    let database = SignatureDatabase::from_bytes(&data).unwrap();
    assert!(database.find_certificate(&pca).is_some());
}

#[test]
fn efivars_dbx_lists() {
    // PROVENANCE efivars-1 row: dbx attr 0x27, 1 list of 77 SHA256, owner 77fa9abd-….
    let Some((attributes, data)) = efivar("dbx-d719b2cb-3d3a-4596-a3bc-dad00e67656f") else { return };
    assert_eq!(attributes, 0x27);
    let lists = parse_signature_lists(&data, 0).unwrap();
    assert_eq!(shape(&lists), [(EFI_CERT_SHA256, 77)]);
    assert_eq!(lists[0].signature_size, 48);
    assert!(lists[0].entries().all(|entry| entry.owner == guid(MICROSOFT_OWNER)));

    let database = SignatureDatabase::from_bytes(&data).unwrap();
    for entry in lists[0].entries() {
        let digest = Digest::new(HashAlgorithm::Sha256, entry.data).unwrap();
        assert!(database.find_image_digest(&digest).is_some());
    }
    assert_eq!(database.hash_algorithms().collect::<Vec<_>>(), [HashAlgorithm::Sha256]);
}

#[test]
fn efivars_key_variables() {
    // PROVENANCE efivars-1 row: KEK 2 X509, PK 1 X509, MokList 1 X509, MokListX 1 SHA256;
    // uefi PROVENANCE.md: PK, KEK attrs 0x27, MokList 0x03, *Default variants 0x06.
    let cases: [(&str, u32, ListShape<'_>); 6] = [
        ("KEK-8be4df61-93ca-11d2-aa0d-00e098032b8c", 0x27, &[(EFI_CERT_X509, 1), (EFI_CERT_X509, 1)]),
        ("PK-8be4df61-93ca-11d2-aa0d-00e098032b8c", 0x27, &[(EFI_CERT_X509, 1)]),
        ("MokList-605dab50-e046-4300-abb6-3dd810dd8b23", 0x03, &[(EFI_CERT_X509, 1)]),
        ("MokListX-605dab50-e046-4300-abb6-3dd810dd8b23", 0x03, &[(EFI_CERT_SHA256, 1)]),
        ("SbatLevel-605dab50-e046-4300-abb6-3dd810dd8b23", 0x03, &[]),
        ("SbatLevelRT-605dab50-e046-4300-abb6-3dd810dd8b23", 0x06, &[]),
    ];
    for (name, expected_attributes, expected_shape) in cases {
        let Some((attributes, data)) = efivar(name) else { return };
        assert_eq!(attributes, expected_attributes, "{name}");
        if name.starts_with("Sbat") {
            // Not signature lists: the SbatLevel payload.
            assert_eq!(data, b"sbat,1,2021030218\n", "{name}");
            continue;
        }
        let lists = parse_signature_lists(&data, 0).unwrap();
        assert_eq!(shape(&lists), expected_shape, "{name}");
    }

    let Some((_, mok_list)) = efivar("MokList-605dab50-e046-4300-abb6-3dd810dd8b23") else { return };
    let database = SignatureDatabase::from_bytes(&mok_list).unwrap();
    let certificate = database.certificates().next().unwrap();
    assert!(contains(&certificate.data, b"Fedora Secure Boot CA"));
}

#[test]
fn efivars_default_variables_parse() {
    // PROVENANCE efivars-1 row: the *Default variables are the same kinds; uefi PROVENANCE.md:
    // their attributes are 0x06 (BS|RT).
    let cases = [
        ("dbDefault-8be4df61-93ca-11d2-aa0d-00e098032b8c", [EFI_CERT_X509, EFI_CERT_SHA256].as_slice()),
        ("KEKDefault-8be4df61-93ca-11d2-aa0d-00e098032b8c", &[EFI_CERT_X509]),
        ("dbxDefault-8be4df61-93ca-11d2-aa0d-00e098032b8c", &[EFI_CERT_SHA256]),
    ];
    for (name, kinds) in cases {
        let Some((attributes, data)) = efivar(name) else { return };
        assert_eq!(attributes, 0x06, "{name}");
        let lists = parse_signature_lists(&data, 0).unwrap();
        assert!(!lists.is_empty(), "{name}");
        assert!(lists.iter().all(|list| kinds.contains(&list.signature_type)), "{name}");
    }
}

#[test]
fn microsoft_dbx_counts() {
    // uefi PROVENANCE.md dbx rows: amd64 443, arm64 26, x86 45 SHA256 entries, SigSize 48,
    // owner 77fa9abd-…, one list per file.
    for (file, count) in [("DBXUpdate_amd64.bin", 443), ("DBXUpdate_arm64.bin", 26), ("DBXUpdate_x86.bin", 45)] {
        let Some(bytes) = ms_file(&format!("dbx/{file}")) else { return };
        let offset = payload_offset(&bytes);
        let lists = parse_signature_lists(&bytes[offset..], offset).unwrap();
        assert_eq!(shape(&lists), [(EFI_CERT_SHA256, count)], "{file}");
        assert_eq!(lists[0].offset, offset);
        assert_eq!(lists[0].signature_size, 48);
        assert!(lists[0].entries().all(|entry| entry.owner == guid(MICROSOFT_OWNER)), "{file}");

        // "no duplicates" (uefi PROVENANCE.md, amd64 row; the others are smaller subsets).
        let database = SignatureDatabase::from_bytes(&bytes[offset..]).unwrap();
        let mut unique: Vec<&[u8]> = database.entries().map(|entry| entry.data.as_slice()).collect();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), count, "{file}");
    }
}

#[test]
fn microsoft_dbx_holds_listed_shim() {
    // dbx_info_msft_latest.json, images.x64: "shim.efi", authenticodeHash 80B4D969…9F0A
    // (authenticode PROVENANCE.md names it as an entry of the amd64 list).
    let Some(bytes) = ms_file("dbx/DBXUpdate_amd64.bin") else { return };
    let offset = payload_offset(&bytes);
    let database = SignatureDatabase::from_bytes(&bytes[offset..]).unwrap();
    let shim = hex("80B4D96931BF0D02FD91A61E19D14F1DA452E66DB2408CA8604D411F92659F0A");
    let entry = database.find_image_digest(&Digest::new(HashAlgorithm::Sha256, &shim).unwrap()).unwrap();
    assert_eq!(entry.owner, guid(MICROSOFT_OWNER));
    assert_eq!(entry.signature_type, EFI_CERT_SHA256);
    let mut other = shim.clone();
    other[31] ^= 1;
    assert!(database.find_image_digest(&Digest::new(HashAlgorithm::Sha256, &other).unwrap()).is_none());
}

#[test]
fn microsoft_dbx_equals_json_x64_set() {
    // uefi PROVENANCE.md: the x64 hashes of dbx_info_msft_latest.json equal the amd64 .bin set.
    let (Some(bytes), Some(json)) = (ms_file("dbx/DBXUpdate_amd64.bin"), ms_file("dbx/dbx_info_msft_latest.json"))
    else {
        return;
    };
    let json = String::from_utf8(json).unwrap();
    let x64_start = json.find("\"x64\"").unwrap();
    let x64_end = x64_start + json[x64_start..].find(']').unwrap();
    let mut expected: Vec<Vec<u8>> = json[x64_start..x64_end]
        .split("\"authenticodeHash\"")
        .skip(1)
        .map(|rest| {
            let value = rest.split('"').nth(1).unwrap();
            hex(value)
        })
        .collect();
    assert_eq!(expected.len(), 443);

    let offset = payload_offset(&bytes);
    let database = SignatureDatabase::from_bytes(&bytes[offset..]).unwrap();
    let mut found: Vec<Vec<u8>> = database.entries().map(|entry| entry.data.clone()).collect();
    expected.sort();
    found.sort();
    assert_eq!(found, expected);
}

#[test]
fn microsoft_dbx2024_revokes_pca() {
    // uefi PROVENANCE.md, DBXUpdate2024.bin: ESL X509 x1 = Windows Production PCA 2011
    // (SigSize 1515, owner 77fa9abd…), ESL SHA256 x3 SVN entries (owner 9d132b6c-…).
    let (Some(bytes), Some(pca)) =
        (ms_file("dbx/DBXUpdate2024.bin"), ms_file("certs/db_MicWinProPCA2011_2011-10-19.der"))
    else {
        return;
    };
    let offset = payload_offset(&bytes);
    let lists = parse_signature_lists(&bytes[offset..], offset).unwrap();
    let mut kinds = shape(&lists);
    kinds.sort();
    let mut expected = vec![(EFI_CERT_X509, 1), (EFI_CERT_SHA256, 3)];
    expected.sort();
    assert_eq!(kinds, expected);

    let x509 = lists.iter().find(|list| list.signature_type == EFI_CERT_X509).unwrap();
    assert_eq!(x509.signature_size, 1515);
    let certificate = x509.entries().next().unwrap();
    assert_eq!(certificate.owner, guid(MICROSOFT_OWNER));
    assert_eq!(certificate.data, pca.as_slice());

    let svn = lists.iter().find(|list| list.signature_type == EFI_CERT_SHA256).unwrap();
    for entry in svn.entries() {
        assert_eq!(entry.owner, guid(SVN_OWNER));
        // SVN entry layout (authenticode PROVENANCE.md): version byte 0x01 first.
        assert_eq!(entry.data[0], 0x01);
    }

    let database = SignatureDatabase::from_bytes(&bytes[offset..]).unwrap();
    assert_eq!(database.find_certificate(&pca).unwrap().owner, guid(MICROSOFT_OWNER));
    assert_eq!(database.certificates().count(), 1);
}

#[test]
fn microsoft_svn_entries_match_json() {
    // dbx_info_msft_latest.json "svns" values: bootmgfw 9.0, cdboot 3.0, wdsmgfw 3.0, which
    // uefi PROVENANCE.md lists as the content of DBXUpdateSVN.bin.
    let Some(bytes) = ms_file("dbx/DBXUpdateSVN.bin") else { return };
    let offset = payload_offset(&bytes);
    let database = SignatureDatabase::from_bytes(&bytes[offset..]).unwrap();
    assert_eq!(database.len(), 3);
    for value in [
        "01612B139DD5598843AB1C185C3CB2EB92000009000000000000000000000000",
        "019D2EF8E827E15841A4884C18ABE2F284000003000000000000000000000000",
        "01C2CA99C9FE7F6F4981279E2A8A535976000003000000000000000000000000",
    ] {
        let digest = Digest::new(HashAlgorithm::Sha256, &hex(value)).unwrap();
        assert_eq!(database.find_image_digest(&digest).unwrap().owner, guid(SVN_OWNER), "{value}");
    }
}

#[test]
fn microsoft_dbx_empty_marker_is_not_a_list() {
    // authenticode PROVENANCE.md: dbx.empty is Microsoft's marker for "build the smallest valid
    // dbx", a short text file, not EFI_SIGNATURE_LIST data.
    let Some(bytes) = ms_file("dbx/dbx.empty") else { return };
    assert!(bytes.starts_with(b"This is a special file"));
    assert!(parse_signature_lists(&bytes, 0).is_err());
    // An empty variable is zero lists and an empty database.
    assert!(parse_signature_lists(&[], 0).unwrap().is_empty());
    assert!(SignatureDatabase::from_bytes(&[]).unwrap().is_empty());
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}
