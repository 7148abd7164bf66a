//! PE/COFF headers, layout check, Authenticode digests, certificate table and section names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trusted_launch::pe::PeImage;

fuzz_target!(|data: &[u8]| {
    let Ok(image) = PeImage::parse(data) else { return };
    let _ = image.check_layout();
    let _ = image.authenticode_digests();
    let _ = image.certificates();
    for section in image.sections() {
        let _ = image.section_name(section);
        let _ = image.section_data(section);
    }
});
