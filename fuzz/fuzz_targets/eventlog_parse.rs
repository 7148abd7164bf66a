//! `EventLog::parse`, with and without padding allowed, then the typed decoding of every event
//! and of the device path of every image-load event.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trusted_launch::eventlog::{EventData, EventLog, ParseOptions};

fuzz_target!(|bytes: &[u8]| {
    for allow_padding in [false, true] {
        let Ok(log) = EventLog::parse(bytes, ParseOptions { allow_padding, ..ParseOptions::default() }) else {
            continue;
        };
        for event in log.events() {
            if let Ok(EventData::ImageLoad(image)) = event.decode() {
                let _ = image.device_path().map(|path| path.to_string());
            }
        }
    }
});
