//! SBAT parsing and revocation against shim's published data: its own `.sbat` CSV, the canonical
//! `SbatLevel` payloads, and an `SbatLevel` variable read from a real machine.
mod common;

use common::corpus_file;
use trusted_launch::uefi::sbat::{SbatLevel, SbatVerdict, check_sbat, parse_sbat_level, parse_sbat_section};
use trusted_launch::uefi::siglist::strip_efivarfs_attributes;

fn shim_data(name: &str) -> Option<Vec<u8>> {
    corpus_file("authenticode", &format!("shim-test-data/{name}"))
}

/// Cuts `SbatLevel_Variable.txt` into its payloads: each starts at a line `sbat,1,…` and runs
/// to the next blank line.
fn level_payloads(text: &str) -> Vec<String> {
    let mut payloads = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("sbat,") {
            current = Some(String::new());
        }
        match current.as_mut() {
            Some(payload) if !line.trim().is_empty() => {
                payload.push_str(line);
                payload.push('\n');
            }
            Some(_) => payloads.extend(current.take()),
            None => {}
        }
    }
    payloads.extend(current);
    payloads
}

#[test]
fn shim_csv_parses() {
    // authenticode PROVENANCE.md, shim-sbat.csv: `sbat,1,…` then `shim,4,UEFI shim,shim,1,…`.
    let Some(data) = shim_data("shim-sbat.csv") else { return };
    let entries = parse_sbat_section(&data).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!((entries[0].component_name, entries[0].generation), ("sbat", 1));
    assert_eq!(entries[0].vendor_url, "https://github.com/rhboot/shim/blob/main/SBAT.md");
    let shim = entries[1];
    assert_eq!((shim.component_name, shim.generation, shim.vendor_name), ("shim", 4, "UEFI shim"));
    assert_eq!((shim.vendor_package_name, shim.vendor_version), ("shim", "1"));
    assert_eq!(shim.vendor_url, "https://github.com/rhboot/shim");
}

#[test]
fn level_payloads_parse() {
    // uefi PROVENANCE.md, SbatLevel_Variable.txt row: the levels in file order.
    let Some(data) = shim_data("SbatLevel_Variable.txt") else { return };
    let text = String::from_utf8(data).unwrap();
    let levels: Vec<String> = level_payloads(&text);
    let datestamps: Vec<String> =
        levels.iter().map(|payload| parse_sbat_level(payload.as_bytes()).unwrap().datestamp.to_owned()).collect();
    assert_eq!(
        datestamps,
        [
            "2021030218",
            "2022052400",
            "2022052400",
            "2022111500",
            "2023012900",
            "2023012950",
            "2023091900",
            "2024010900",
            "2024040900",
            "2025021800",
            "2025051000",
        ]
    );

    let parsed: Vec<SbatLevel<'_>> =
        levels.iter().map(|payload| parse_sbat_level(payload.as_bytes()).unwrap()).collect();
    assert!(parsed[0].entries.is_empty(), "the original level revokes nothing");
    // The same PROVENANCE row: 2024040900 is shim,4 grub,4 grub.peimage,2; 2025021800 is
    // shim,4 grub,5; the latest 2025051000 is shim,4 grub,5 grub.proxmox,2.
    assert_eq!(parsed[8].entries, [("shim", 4), ("grub", 4), ("grub.peimage", 2)]);
    assert_eq!(parsed[9].entries, [("shim", 4), ("grub", 5)]);
    assert_eq!(parsed[10].entries, [("shim", 4), ("grub", 5), ("grub.proxmox", 2)]);
    assert!(parsed.iter().all(|level| level.sbat_version == 1));
}

#[test]
fn efivars_level_parses() {
    // authenticode PROVENANCE.md efivars-1 row: SbatLevel is `sbat,1,2021030218\n`, attr 0x3.
    let Some(file) = shim_data("efivars-1/SbatLevel-605dab50-e046-4300-abb6-3dd810dd8b23") else { return };
    let (attributes, payload) = strip_efivarfs_attributes(&file).unwrap();
    assert_eq!(attributes, 0x03);
    let level = parse_sbat_level(payload).unwrap();
    assert_eq!(level.datestamp, "2021030218");
    assert!(level.entries.is_empty());
}

#[test]
fn grub_below_level_is_revoked() {
    // SbatLevel_Variable.txt, level 2025021800 (February 2025 GRUB CVEs): grub,5. A grub with
    // generation 4 is below it.
    let Some(data) = shim_data("SbatLevel_Variable.txt") else { return };
    let text = String::from_utf8(data).unwrap();
    let payloads = level_payloads(&text);
    let level_text = payloads.iter().find(|payload| payload.starts_with("sbat,1,2025021800")).unwrap();
    let level = parse_sbat_level(level_text.as_bytes()).unwrap();

    let image = b"sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n\
grub,4,Free Software Foundation,grub,2.12,https://www.gnu.org/software/grub/\n\0\0\0\0";
    let entries = parse_sbat_section(image).unwrap();
    let expected = SbatVerdict::Revoked { component: "grub".to_owned(), image_generation: 4, minimum_generation: 5 };
    assert_eq!(check_sbat(&entries, &level), expected);

    // The level before it (2024040900, grub,4) allows the same grub.
    let older_text = payloads.iter().find(|payload| payload.starts_with("sbat,1,2024040900")).unwrap();
    let older = parse_sbat_level(older_text.as_bytes()).unwrap();
    assert_eq!(check_sbat(&entries, &older), SbatVerdict::Allowed);
}

#[test]
fn shim_csv_passes_latest_level() {
    // shim-sbat.csv carries shim,4 and the latest level requires shim,4.
    let (Some(csv), Some(levels)) = (shim_data("shim-sbat.csv"), shim_data("SbatLevel_Variable.txt")) else { return };
    let text = String::from_utf8(levels).unwrap();
    let latest = level_payloads(&text).pop().unwrap();
    let level = parse_sbat_level(latest.as_bytes()).unwrap();
    let entries = parse_sbat_section(&csv).unwrap();
    assert_eq!(check_sbat(&entries, &level), SbatVerdict::Allowed);

    // 2024010900 revoked shim binaries below generation 4 (CVE-2023-40547 and others).
    let old_shim = parse_sbat_section(b"sbat,1\nshim,3,UEFI shim,shim,1,https://github.com/rhboot/shim\n").unwrap();
    assert!(matches!(check_sbat(&old_shim, &level), SbatVerdict::Revoked { minimum_generation: 4, .. }));
}
