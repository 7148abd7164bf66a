//! `.sbat` section and `SbatLevel` parsing, and the generation check between them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trusted_launch::uefi::sbat::{check_sbat, parse_sbat_level, parse_sbat_section};

fuzz_target!(|data: &[u8]| {
    let middle = data.len() / 2;
    let (section, level) = data.split_at(middle);
    let section = parse_sbat_section(section);
    let level = parse_sbat_level(level);
    if let (Ok(entries), Ok(level)) = (section, level) {
        let _ = check_sbat(&entries, &level);
    }
});
