//! The WIN_CERTIFICATE walk: a valid signed fixture image whose attribute certificate table is
//! replaced by the fuzz input, with the security directory resized to cover it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trusted_launch::pe::PeImage;

static IMAGE: &[u8] = include_bytes!("../../tests/fixtures/secureboot/images/rsa2048-sha256.efi");

fuzz_target!(|table: &[u8]| {
    let Ok(original) = PeImage::parse(IMAGE) else { return };
    let Some((offset, _)) = original.certificate_table_range() else { return };
    let Ok(size) = u32::try_from(table.len()) else { return };

    let mut image = IMAGE.get(..offset).unwrap_or_default().to_vec();
    image.extend_from_slice(table);
    // The security directory entry is the 5th data directory; find it by its stored offset.
    let stored = u32::try_from(offset).unwrap_or_default().to_le_bytes();
    let Some(entry) = image.windows(8).position(|window| window.get(..4) == Some(&stored[..])) else { return };
    if let Some(slot) = image.get_mut(entry + 4..entry + 8) {
        slot.copy_from_slice(&size.to_le_bytes());
    }

    let Ok(pe) = PeImage::parse(&image) else { return };
    let _ = pe.certificates();
});
