//! Measuring a boot the way UEFI firmware does, for a VMM that boots a guest itself. Each call
//! encodes one event as the TCG PC Client Platform Firmware Profile 1.05 (section 10.4) defines
//! it, extends the vTPM's PCR banks and appends the event to the log, so the two stay in step.
//!
//! Encodings:
//! - `UEFI_VARIABLE_DATA` (PFP 10.4.3): `VariableName` GUID, `UnicodeNameLength` and
//!   `VariableDataLength` as `u64`, the UTF-16LE name without NUL, then the data. The digest of
//!   `EV_EFI_VARIABLE_DRIVER_CONFIG`, `EV_EFI_VARIABLE_AUTHORITY` and `EV_EFI_VARIABLE_BOOT2` is
//!   the hash of the whole structure. For `EV_EFI_VARIABLE_BOOT` EDK2 (and so OVMF) hashes the
//!   variable data only, and this module does the same.
//! - `UEFI_IMAGE_LOAD_EVENT` (PFP 10.4.2): four `u64`s (location, length, link-time address,
//!   device path length) and the device path. The digest is the image's Authenticode digest in
//!   each bank's algorithm, not a hash of the event data.
//! - `EV_EFI_ACTION` and `EV_IPL` strings are logged as given, without a NUL, and hashed as logged.
//! - `EV_SEPARATOR` is the 4-byte `00000000` that firmware logs at the end of its pre-OS phase.
//!
//! The Spec ID event and the `StartupLocality` `EV_NO_ACTION` are written by
//! [`EventLogWriter`]. Entry point: [`Measurer::new`].

use alloc::vec::Vec;
use core::fmt;

use crate::digest::{Digest, HashAlgorithm, MultiHasher};
use crate::error::Error;
use crate::eventlog::event_type::EventType;
use crate::eventlog::writer::EventLogWriter;
use crate::pe::PeImage;
use crate::tpm::pcr::{PcrBanks, PcrError};
use crate::uefi::guid::{EFI_IMAGE_SECURITY_DATABASE, Guid};
use crate::uefi::sigdb::SignatureEntry;

/// Event data of an `EV_SEPARATOR` that marks the normal end of the pre-OS phase.
pub const SEPARATOR_DATA: [u8; 4] = [0, 0, 0, 0];

/// Size of the fixed part of `UEFI_VARIABLE_DATA`: GUID and two `u64` lengths.
const VARIABLE_DATA_HEADER_SIZE: usize = 32;

/// Size of the fixed part of `UEFI_IMAGE_LOAD_EVENT`: four `u64`s.
const IMAGE_LOAD_EVENT_HEADER_SIZE: usize = 32;

/// The reason a measurement could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MeasureError {
    /// The PCR index is out of range, or a digest is missing for a bank.
    Pcr(PcrError),
    /// The PE image given to [`Measurer::measure_image`] could not be read.
    Image(Error),
}

impl fmt::Display for MeasureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pcr(error) => write!(f, "cannot extend: {error}"),
            Self::Image(error) => write!(f, "cannot compute the Authenticode digest: {error}"),
        }
    }
}

impl core::error::Error for MeasureError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Pcr(error) => Some(error),
            Self::Image(error) => Some(error),
        }
    }
}

impl From<PcrError> for MeasureError {
    fn from(error: PcrError) -> Self {
        Self::Pcr(error)
    }
}

impl From<Error> for MeasureError {
    fn from(error: Error) -> Self {
        Self::Image(error)
    }
}

/// Encodes a `UEFI_VARIABLE_DATA` structure for variable `name` of vendor `guid`.
pub fn uefi_variable_data(name: &str, guid: &Guid, data: &[u8]) -> Vec<u8> {
    let name_units: Vec<u16> = name.encode_utf16().collect();
    let name_size = name_units.len().saturating_mul(2);
    let capacity = VARIABLE_DATA_HEADER_SIZE.saturating_add(name_size).saturating_add(data.len());

    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(guid.as_bytes());
    out.extend_from_slice(&u64_from(name_units.len()).to_le_bytes());
    out.extend_from_slice(&u64_from(data.len()).to_le_bytes());
    for unit in name_units {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out.extend_from_slice(data);
    out
}

/// Encodes a `UEFI_IMAGE_LOAD_EVENT`.
pub fn uefi_image_load_event(
    location_in_memory: u64,
    length_in_memory: u64,
    link_time_address: u64,
    device_path: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(IMAGE_LOAD_EVENT_HEADER_SIZE.saturating_add(device_path.len()));
    out.extend_from_slice(&location_in_memory.to_le_bytes());
    out.extend_from_slice(&length_in_memory.to_le_bytes());
    out.extend_from_slice(&link_time_address.to_le_bytes());
    out.extend_from_slice(&u64_from(device_path.len()).to_le_bytes());
    out.extend_from_slice(device_path);
    out
}

/// `usize` to `u64`, which is lossless on every target Rust supports (pointers are at most 64
/// bits wide).
fn u64_from(value: usize) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

/// A vTPM's PCR banks and the event log that describes them, extended together.
#[derive(Clone, Debug)]
pub struct Measurer {
    writer: EventLogWriter,
}

impl Measurer {
    /// Starts with banks of `algorithms` in their reset state, PCR 0 started from
    /// `startup_locality` (0, 3 or 4), and a crypto-agile log holding only its Spec ID event
    /// (and a `StartupLocality` event when the locality is not 0).
    pub fn new(algorithms: &[HashAlgorithm], startup_locality: u8) -> Result<Self, MeasureError> {
        Ok(Self { writer: EventLogWriter::new(algorithms, startup_locality)? })
    }

    /// The algorithms of the banks, in the order of the log's Spec ID event.
    pub fn algorithms(&self) -> &[HashAlgorithm] {
        self.writer.algorithms()
    }

    /// The banks as extended so far.
    pub const fn banks(&self) -> &PcrBanks {
        self.writer.banks()
    }

    /// The log so far.
    pub fn log(&self) -> &[u8] {
        self.writer.as_bytes()
    }

    /// Measures a UEFI variable as a `UEFI_VARIABLE_DATA` event. `EV_EFI_VARIABLE_BOOT` is
    /// digested over `data` alone, as EDK2 does; every other type over the whole structure.
    pub fn measure_variable(
        &mut self,
        pcr: u32,
        event_type: EventType,
        name: &str,
        guid: &Guid,
        data: &[u8],
    ) -> Result<(), MeasureError> {
        let event = uefi_variable_data(name, guid, data);
        if event_type == EventType::EV_EFI_VARIABLE_BOOT {
            self.measure_event(pcr, event_type, &event, data)
        } else {
            self.measure_event(pcr, event_type, &event, &event)
        }
    }

    /// Measures the `db` entry that authorized an image, as firmware does after verifying it: an
    /// `EV_EFI_VARIABLE_AUTHORITY` in PCR 7 whose data is a `UEFI_VARIABLE_DATA` named `db` of
    /// `EFI_IMAGE_SECURITY_DATABASE_GUID`, holding the `EFI_SIGNATURE_DATA` (owner GUID, then the
    /// signature data).
    pub fn measure_authority(&mut self, entry: &SignatureEntry) -> Result<(), MeasureError> {
        let signature_data = entry.to_signature_data();
        self.measure_variable(
            7,
            EventType::EV_EFI_VARIABLE_AUTHORITY,
            "db",
            &EFI_IMAGE_SECURITY_DATABASE,
            &signature_data,
        )
    }

    /// Measures a PE image being started: a `UEFI_IMAGE_LOAD_EVENT` with the image's length, a
    /// load address and link-time address of 0 and `device_path` (the raw `EFI_DEVICE_PATH`
    /// bytes, empty for an image loaded from memory). The digest in each bank is the
    /// Authenticode digest in that bank's algorithm.
    pub fn measure_image(
        &mut self,
        pcr: u32,
        event_type: EventType,
        pe_bytes: &[u8],
        device_path: &[u8],
    ) -> Result<(), MeasureError> {
        let digests = authenticode_digests(pe_bytes, self.algorithms())?;
        let event = uefi_image_load_event(0, u64_from(pe_bytes.len()), 0, device_path);
        self.extend(pcr, event_type, &digests, &event)
    }

    /// Measures an `EV_EFI_ACTION` string such as `Calling EFI Application from Boot Option`.
    pub fn measure_action(&mut self, pcr: u32, text: &str) -> Result<(), MeasureError> {
        self.measure_event(pcr, EventType::EV_EFI_ACTION, text.as_bytes(), text.as_bytes())
    }

    /// Measures an `EV_SEPARATOR` (`00000000`) into each PCR of `pcrs`, in order.
    pub fn measure_separator(&mut self, pcrs: &[u32]) -> Result<(), MeasureError> {
        pcrs.iter()
            .try_for_each(|pcr| self.measure_event(*pcr, EventType::EV_SEPARATOR, &SEPARATOR_DATA, &SEPARATOR_DATA))
    }

    /// Measures an `EV_IPL` event whose data is `bytes` and whose digest is their hash.
    pub fn measure_ipl(&mut self, pcr: u32, bytes: &[u8]) -> Result<(), MeasureError> {
        self.measure_event(pcr, EventType::EV_IPL, bytes, bytes)
    }

    /// Measures an event that logs `event_data` and is digested over `measured` (which may
    /// differ from the logged data, as in shim's `EV_IPL` events that log a variable's name and
    /// hash its contents).
    pub fn measure_event(
        &mut self,
        pcr: u32,
        event_type: EventType,
        event_data: &[u8],
        measured: &[u8],
    ) -> Result<(), MeasureError> {
        let digests: Vec<Digest> = self.algorithms().iter().map(|algorithm| algorithm.hash(measured)).collect();
        self.extend(pcr, event_type, &digests, event_data)
    }

    /// Logs and extends an event with caller-computed digests, one for each bank.
    pub fn extend(
        &mut self,
        pcr: u32,
        event_type: EventType,
        digests: &[Digest],
        event_data: &[u8],
    ) -> Result<(), MeasureError> {
        Ok(self.writer.extend(pcr, event_type, digests, event_data)?)
    }

    /// Logs an `EV_NO_ACTION` event, which extends nothing.
    pub fn no_action(&mut self, pcr: u32, event_data: &[u8]) -> Result<(), MeasureError> {
        Ok(self.writer.no_action(pcr, event_data)?)
    }

    /// Finishes, returning the log bytes and the banks it replays to.
    pub fn finish(self) -> (Vec<u8>, PcrBanks) {
        self.writer.finish()
    }
}

/// Computes the Authenticode digests of `pe_bytes` in each of `algorithms`.
pub fn authenticode_digests(pe_bytes: &[u8], algorithms: &[HashAlgorithm]) -> Result<Vec<Digest>, Error> {
    let image = PeImage::parse(pe_bytes)?;
    let mut hasher = MultiHasher::with_algorithms(algorithms.iter().copied());
    image.authenticode_digest_into(&mut hasher)?;
    Ok(hasher.finalize().iter().copied().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uefi::guid::EFI_GLOBAL_VARIABLE;

    #[test]
    fn variable_data_layout() {
        // PFP 10.4.3: GUID, UnicodeNameLength = 10 characters, VariableDataLength = 1, name, data.
        let event = uefi_variable_data("SecureBoot", &EFI_GLOBAL_VARIABLE, &[1]);
        assert_eq!(event.len(), 53);
        assert_eq!(&event[..16], EFI_GLOBAL_VARIABLE.as_bytes());
        assert_eq!(&event[16..24], &10u64.to_le_bytes());
        assert_eq!(&event[24..32], &1u64.to_le_bytes());
        assert_eq!(&event[32..34], b"S\0");
        assert_eq!(event[52], 1);
    }

    #[test]
    fn boot_variable_digests_data_only() {
        let mut measurer = Measurer::new(&[HashAlgorithm::Sha256], 0).unwrap();
        measurer
            .measure_variable(1, EventType::EV_EFI_VARIABLE_BOOT, "BootOrder", &EFI_GLOBAL_VARIABLE, &[0, 0])
            .unwrap();
        let mut expected = PcrBanks::new([HashAlgorithm::Sha256]);
        expected.extend_data(1, &[0, 0]).unwrap();
        assert_eq!(measurer.banks(), &expected);
    }

    #[test]
    fn image_rejects_non_pe() {
        let mut measurer = Measurer::new(&[HashAlgorithm::Sha256], 0).unwrap();
        let result = measurer.measure_image(4, EventType::EV_EFI_BOOT_SERVICES_APPLICATION, b"not a PE", &[]);
        assert!(matches!(result, Err(MeasureError::Image(_))));
    }

    #[test]
    fn separator_rejects_pcr_24() {
        let mut measurer = Measurer::new(&[HashAlgorithm::Sha256], 0).unwrap();
        assert_eq!(measurer.measure_separator(&[24]), Err(MeasureError::Pcr(PcrError::IndexOutOfRange(24))));
    }
}
