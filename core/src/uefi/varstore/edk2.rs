//! The EDK2/OVMF non-volatile variable store: an `EFI_FIRMWARE_VOLUME_HEADER` (PI 1.8 volume 3
//! section 3.2.1) with `FileSystemGuid` `EFI_SYSTEM_NV_DATA_FV_GUID`, then a
//! `VARIABLE_STORE_HEADER` and `AUTHENTICATED_VARIABLE_HEADER` (or `VARIABLE_HEADER`) records,
//! as EDK2's `MdeModulePkg/Include/Guid/VariableFormat.h` defines them. OVMF's `OVMF_VARS.fd`
//! files are such a volume followed by the fault-tolerant-write areas.
//!
//! Record layout (authenticated): `StartId` 0x55AA, `State`, reserved byte, `Attributes`,
//! `MonotonicCount` u64, `TimeStamp`, `PubKeyIndex`, `NameSize`, `DataSize`, `VendorGuid` (60
//! bytes), then the UTF-16 name with its NUL and the data with no padding between them; the next
//! record starts at the next multiple of 4. Free space is 0xFF.
//!
//! `State` bits are cleared one by one as a write progresses: `VAR_ADDED` (0x3F) is live; a
//! record that also cleared `VAR_IN_DELETED_TRANSITION` (0x3E) is live only when no `VAR_ADDED`
//! record has the same name and GUID, as EDK2's `FindVariableEx` decides; every other state
//! (deleted, header only) is not live.
//!
//! Entry point: [`NvStore::parse`]. Writes follow EDK2: the old record is marked deleted and the
//! new one appended; when the free space is too small, the records are compacted first. Only
//! authenticated stores can be written.

use alloc::string::String;
use alloc::vec::Vec;

use super::{Variable, VariableStore};
use crate::error::{Error, ErrorKind};
use crate::reader::{Reader, usize_from};
use crate::uefi::guid::Guid;
use crate::uefi::time::EfiTime;

/// `EFI_SYSTEM_NV_DATA_FV_GUID`: `FileSystemGuid` of the variable volume.
pub const EFI_SYSTEM_NV_DATA_FV_GUID: Guid =
    Guid::from_fields(0xfff12b8d, 0x7696, 0x4c8b, [0xa9, 0x85, 0x27, 0x47, 0x07, 0x5b, 0x4f, 0x50]);
/// `gEfiAuthenticatedVariableGuid`: signature of a store of authenticated records.
pub const EFI_AUTHENTICATED_VARIABLE_GUID: Guid =
    Guid::from_fields(0xaaf32c78, 0x947b, 0x439a, [0xa1, 0x80, 0x2e, 0x14, 0x4e, 0xc3, 0x77, 0x92]);
/// `gEfiVariableGuid`: signature of a store of plain records.
pub const EFI_VARIABLE_GUID: Guid =
    Guid::from_fields(0xddcf3616, 0x3275, 0x4164, [0x98, 0xb6, 0xfe, 0x85, 0x70, 0x7f, 0xfe, 0x7d]);

/// `EFI_FVH_SIGNATURE`, "_FVH".
const FVH_SIGNATURE: u32 = u32::from_le_bytes(*b"_FVH");
/// `VARIABLE_STORE_FORMATTED`.
const VARIABLE_STORE_FORMATTED: u8 = 0x5a;
/// `VARIABLE_STORE_HEALTHY`.
const VARIABLE_STORE_HEALTHY: u8 = 0xfe;
/// `VARIABLE_DATA`: the `StartId` of every record.
const VARIABLE_DATA: u16 = 0x55aa;
/// `VAR_ADDED`.
pub const VAR_ADDED: u8 = 0x3f;
/// `VAR_DELETED`.
pub const VAR_DELETED: u8 = 0xfd;
/// `VAR_IN_DELETED_TRANSITION`.
pub const VAR_IN_DELETED_TRANSITION: u8 = 0xfe;
/// `VAR_HEADER_VALID_ONLY`.
pub const VAR_HEADER_VALID_ONLY: u8 = 0x7f;

const VARIABLE_STORE_HEADER_SIZE: usize = 28;
const AUTHENTICATED_VARIABLE_HEADER_SIZE: usize = 60;
const VARIABLE_HEADER_SIZE: usize = 32;
/// Records start and end at multiples of `HEADER_ALIGNMENT`.
const HEADER_ALIGNMENT: usize = 4;
/// Size of `EFI_FIRMWARE_VOLUME_HEADER` up to and including the first block map entry.
const FV_HEADER_MIN_SIZE: usize = 64;
/// Budget: records walked in one store.
pub const MAX_RECORDS: usize = 65_536;

const FV: &str = "EFI_FIRMWARE_VOLUME_HEADER";
const STORE: &str = "VARIABLE_STORE_HEADER";
const RECORD: &str = "AUTHENTICATED_VARIABLE_HEADER";

/// One record of the store, live or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Offset of the record header in the image.
    pub offset: usize,
    /// `State`.
    pub state: u8,
    /// `Attributes`.
    pub attributes: u32,
    /// `MonotonicCount` (authenticated stores).
    pub monotonic_count: u64,
    /// `TimeStamp` (authenticated stores).
    pub timestamp: Option<EfiTime>,
    /// `PubKeyIndex` (authenticated stores).
    pub public_key_index: u32,
    /// `VendorGuid`.
    pub guid: Guid,
    /// `VariableName` as stored, NUL included.
    pub name_bytes: Vec<u8>,
    /// The data.
    pub data: Vec<u8>,
    /// Whether the record is live (see the module documentation).
    pub live: bool,
}

impl Record {
    fn name(&self) -> String {
        decode_name(&self.name_bytes)
    }
}

/// A parsed EDK2 non-volatile variable store, with the image it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NvStore {
    image: Vec<u8>,
    authenticated: bool,
    /// Offset of the first record.
    records_start: usize,
    /// End of the variable store region (`VARIABLE_STORE_HEADER` offset + `Size`).
    region_end: usize,
    /// Offset just after the last record.
    records_end: usize,
    records: Vec<Record>,
    variables: Vec<Variable>,
}

impl NvStore {
    /// Parses an image that starts with the variable firmware volume. Bytes after the volume
    /// (OVMF's fault-tolerant-write areas) are kept unchanged and not read.
    ///
    /// NOTE: a write that firmware interrupted and left in the fault-tolerant-write spare block
    /// is not replayed, so such an image reads as it was before that write.
    ///
    /// Checks: the volume's `FileSystemGuid`, `Signature`, `Revision` 2, `FvLength` within the
    /// image, `HeaderLength` and the 16-bit header checksum; the store's signature GUID, `Format`
    /// `VARIABLE_STORE_FORMATTED`, `State` `VARIABLE_STORE_HEALTHY` and `Size` within the volume;
    /// every record inside the store. The records end at the first `StartId` other than 0x55AA.
    pub fn parse(image: &[u8]) -> Result<Self, Error> {
        let (header_length, fv_length) = parse_volume_header(image)?;
        let (authenticated, region_end) = parse_store_header(image, header_length, fv_length)?;
        let records_start = header_length
            .checked_add(VARIABLE_STORE_HEADER_SIZE)
            .and_then(align_up)
            .ok_or(Error::new(ErrorKind::Overflow { field: "HeaderLength" }, STORE, header_length))?;
        let (records, records_end) = parse_records(image, records_start, region_end, authenticated)?;
        let variables = live_variables(&records);
        Ok(Self { image: image.to_vec(), authenticated, records_start, region_end, records_end, records, variables })
    }

    /// Returns every record, live or not, in store order.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Returns whether the store's records are `AUTHENTICATED_VARIABLE_HEADER`s.
    pub const fn is_authenticated(&self) -> bool {
        self.authenticated
    }

    /// Bytes of free space after the last record.
    pub const fn free_space(&self) -> usize {
        self.region_end.saturating_sub(self.records_end)
    }

    /// Encodes the image with every change applied. It keeps the size and the volume header, aligns
    /// records to 4 bytes and fills free space with 0xFF.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.image.clone()
    }

    /// Marks every live record of this name and GUID deleted in the image.
    fn delete_records(&mut self, name: &str, guid: &Guid) -> Result<(), Error> {
        for record in &self.records {
            if record.live && record.guid == *guid && record.name() == name {
                let state_offset = record.offset.checked_add(2).ok_or(overflow(record.offset))?;
                let state = self.image.get_mut(state_offset).ok_or(Error::truncated(RECORD, state_offset, 1))?;
                // EDK2 clears VAR_IN_DELETED_TRANSITION, then VAR_DELETED, leaving 0x3C.
                *state &= VAR_IN_DELETED_TRANSITION & VAR_DELETED;
            }
        }
        Ok(())
    }

    /// Rewrites the record area with only the live records, as EDK2's reclaim does.
    fn compact(&mut self) -> Result<(), Error> {
        let mut area = Vec::new();
        for record in self.records.iter().filter(|record| record.live) {
            let encoded = encode_record(record, VAR_ADDED)?;
            area.extend_from_slice(&encoded);
        }
        self.write_area(&area)
    }

    /// Replaces the record area with `area` followed by 0xFF, then parses the image again.
    fn write_area(&mut self, area: &[u8]) -> Result<(), Error> {
        let region = self.image.get_mut(self.records_start..self.region_end).ok_or(Error::truncated(
            STORE,
            self.records_start,
            self.region_end,
        ))?;
        let (used, free) = region.split_at_mut_checked(area.len()).ok_or(store_full(self.records_start))?;
        used.copy_from_slice(area);
        free.fill(0xff);
        self.reparse()
    }

    fn reparse(&mut self) -> Result<(), Error> {
        *self = Self::parse(&self.image)?;
        Ok(())
    }

    /// Appends a record at the end of the used space, if it fits.
    fn append_record(&mut self, encoded: &[u8]) -> Result<bool, Error> {
        let end = self.records_end.checked_add(encoded.len()).ok_or(overflow(self.records_end))?;
        if end > self.region_end {
            return Ok(false);
        }
        let target = self.image.get_mut(self.records_end..end).ok_or(Error::truncated(STORE, self.records_end, end))?;
        target.copy_from_slice(encoded);
        Ok(true)
    }
}

impl VariableStore for NvStore {
    fn variables(&self) -> &[Variable] {
        &self.variables
    }

    fn set(&mut self, variable: Variable) -> Result<(), Error> {
        if !self.authenticated {
            return Err(Error::new(ErrorKind::Unsupported { field: "Signature (plain variable store)" }, STORE, 0));
        }
        let record = Record {
            offset: 0,
            state: VAR_ADDED,
            attributes: variable.attributes,
            monotonic_count: 0,
            timestamp: Some(variable.timestamp.unwrap_or_default()),
            public_key_index: 0,
            guid: variable.guid,
            name_bytes: encode_name(&variable.name),
            data: variable.data,
            live: true,
        };
        let encoded = encode_record(&record, VAR_ADDED)?;

        self.delete_records(&variable.name, &variable.guid)?;
        if !self.append_record(&encoded)? {
            self.reparse()?;
            self.compact()?;
            if !self.append_record(&encoded)? {
                return Err(store_full(self.records_end));
            }
        }
        self.reparse()
    }

    fn remove(&mut self, name: &str, guid: &Guid) -> Result<(), Error> {
        self.delete_records(name, guid)?;
        self.reparse()
    }
}

fn overflow(offset: usize) -> Error {
    Error::new(ErrorKind::Overflow { field: "record offset" }, RECORD, offset)
}

fn store_full(offset: usize) -> Error {
    Error::new(ErrorKind::LimitExceeded { what: "bytes of variable store space", max: 0 }, STORE, offset)
}

const fn align_up(value: usize) -> Option<usize> {
    match value.checked_add(HEADER_ALIGNMENT - 1) {
        Some(sum) => Some(sum & !(HEADER_ALIGNMENT - 1)),
        None => None,
    }
}

/// Reads `EFI_FIRMWARE_VOLUME_HEADER` and returns `HeaderLength` and `FvLength`.
fn parse_volume_header(image: &[u8]) -> Result<(usize, usize), Error> {
    let mut reader = Reader::new(image, 0, FV);
    reader.skip(16)?;
    let file_system = Guid::from_bytes(reader.array()?);
    if file_system != EFI_SYSTEM_NV_DATA_FV_GUID {
        return Err(Error::invalid(FV, "FileSystemGuid", 16));
    }
    let fv_length = reader.u64_le()?;
    if reader.u32_le()? != FVH_SIGNATURE {
        return Err(Error::invalid(FV, "Signature", 40));
    }
    let _attributes = reader.u32_le()?;
    let header_length = usize::from(reader.u16_le()?);
    let _checksum = reader.u16_le()?;
    let _extended_header_offset = reader.u16_le()?;
    let _reserved = reader.u8()?;
    if reader.u8()? != 2 {
        return Err(Error::invalid(FV, "Revision", 55));
    }

    let fv_length = usize::try_from(fv_length)
        .ok()
        .filter(|length| *length <= image.len())
        .ok_or(Error::invalid(FV, "FvLength", 32))?;
    if header_length < FV_HEADER_MIN_SIZE || header_length > fv_length || header_length % 2 != 0 {
        return Err(Error::invalid(FV, "HeaderLength", 48));
    }
    let header = image.get(..header_length).ok_or(Error::truncated(FV, 0, header_length))?;
    let sum = header
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair.first().copied().unwrap_or(0), pair.get(1).copied().unwrap_or(0)]))
        .fold(0u16, u16::wrapping_add);
    if sum != 0 {
        return Err(Error::invalid(FV, "Checksum", 50));
    }
    Ok((header_length, fv_length))
}

/// Reads `VARIABLE_STORE_HEADER` at `offset` and returns whether the store is authenticated and
/// the end of its region.
fn parse_store_header(image: &[u8], offset: usize, fv_length: usize) -> Result<(bool, usize), Error> {
    let bytes = image.get(offset..).unwrap_or_default();
    let mut reader = Reader::new(bytes, offset, STORE);
    let signature = Guid::from_bytes(reader.array()?);
    let authenticated = if signature == EFI_AUTHENTICATED_VARIABLE_GUID {
        true
    } else if signature == EFI_VARIABLE_GUID {
        false
    } else {
        return Err(Error::invalid(STORE, "Signature", offset));
    };
    let size_offset = reader.offset();
    let size = usize_from(reader.u32_le()?, STORE, "Size", size_offset)?;
    if reader.u8()? != VARIABLE_STORE_FORMATTED {
        return Err(Error::invalid(STORE, "Format", size_offset.saturating_add(4)));
    }
    if reader.u8()? != VARIABLE_STORE_HEALTHY {
        return Err(Error::invalid(STORE, "State", size_offset.saturating_add(5)));
    }
    let end = offset
        .checked_add(size)
        .filter(|end| *end <= fv_length && size >= VARIABLE_STORE_HEADER_SIZE)
        .ok_or(Error::invalid(STORE, "Size", size_offset))?;
    Ok((authenticated, end))
}

/// Walks the records from `start` and returns them with the offset after the last one.
fn parse_records(image: &[u8], start: usize, end: usize, authenticated: bool) -> Result<(Vec<Record>, usize), Error> {
    let region = image.get(..end).ok_or(Error::truncated(STORE, 0, end))?;
    let header_size = if authenticated { AUTHENTICATED_VARIABLE_HEADER_SIZE } else { VARIABLE_HEADER_SIZE };
    let mut records = Vec::new();
    let mut offset = start;

    while let Some(header_end) = offset.checked_add(header_size).filter(|header_end| *header_end <= end) {
        let header = region.get(offset..header_end).unwrap_or_default();
        let mut reader = Reader::new(header, offset, RECORD);
        if reader.u16_le()? != VARIABLE_DATA {
            break;
        }
        if records.len() >= MAX_RECORDS {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "variable records", max: MAX_RECORDS },
                RECORD,
                offset,
            ));
        }
        let state = reader.u8()?;
        let _reserved = reader.u8()?;
        let attributes = reader.u32_le()?;
        let (monotonic_count, timestamp, public_key_index) = if authenticated {
            let count = reader.u64_le()?;
            let time_offset = reader.position();
            let time = EfiTime::parse(header, time_offset).map_err(|error| error.shifted(offset))?;
            reader.skip(16)?;
            (count, Some(time), reader.u32_le()?)
        } else {
            (0, None, 0)
        };
        let name_size_offset = reader.offset();
        let name_size = usize_from(reader.u32_le()?, RECORD, "NameSize", name_size_offset)?;
        let data_size = usize_from(reader.u32_le()?, RECORD, "DataSize", name_size_offset.saturating_add(4))?;
        let guid = Guid::from_bytes(reader.array()?);

        let name_end = header_end.checked_add(name_size).filter(|name_end| *name_end <= end);
        let data_end =
            name_end.and_then(|name_end| name_end.checked_add(data_size)).filter(|data_end| *data_end <= end);
        let (Some(name_end), Some(data_end)) = (name_end, data_end) else {
            return Err(Error::invalid(RECORD, "NameSize or DataSize (past the end of the store)", name_size_offset));
        };
        let name_bytes = region.get(header_end..name_end).unwrap_or_default().to_vec();
        let data = region.get(name_end..data_end).unwrap_or_default().to_vec();
        records.push(Record {
            offset,
            state,
            attributes,
            monotonic_count,
            timestamp,
            public_key_index,
            guid,
            name_bytes,
            data,
            live: false,
        });
        offset = data_end;
        match align_up(data_end) {
            Some(next) => offset = next.min(end),
            None => break,
        }
    }
    mark_live(&mut records);
    Ok((records, offset))
}

/// Sets `live` on `VAR_ADDED` records and on in-deleted-transition records without a
/// `VAR_ADDED` twin.
fn mark_live(records: &mut [Record]) {
    const IN_TRANSITION: u8 = VAR_ADDED & VAR_IN_DELETED_TRANSITION;
    let added: Vec<(Guid, Vec<u8>)> = records
        .iter()
        .filter(|record| record.state == VAR_ADDED)
        .map(|record| (record.guid, record.name_bytes.clone()))
        .collect();
    for record in records.iter_mut() {
        record.live = match record.state {
            VAR_ADDED => true,
            IN_TRANSITION => !added.iter().any(|(guid, name)| *guid == record.guid && *name == record.name_bytes),
            _ => false,
        };
    }
}

fn live_variables(records: &[Record]) -> Vec<Variable> {
    records
        .iter()
        .filter(|record| record.live)
        .map(|record| Variable {
            name: record.name(),
            guid: record.guid,
            attributes: record.attributes,
            timestamp: record.timestamp,
            data: record.data.clone(),
        })
        .collect()
}

/// Decodes a stored UTF-16LE name, stopping at the first NUL.
fn decode_name(bytes: &[u8]) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair.first().copied().unwrap_or(0), pair.get(1).copied().unwrap_or(0)]))
        .take_while(|unit| *unit != 0);
    char::decode_utf16(units).map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}

/// Encodes a name as UTF-16LE with its NUL.
fn encode_name(name: &str) -> Vec<u8> {
    name.encode_utf16().chain(core::iter::once(0)).flat_map(u16::to_le_bytes).collect()
}

/// Encodes an authenticated record with `state`, padded with 0xFF to the next multiple of 4.
fn encode_record(record: &Record, state: u8) -> Result<Vec<u8>, Error> {
    let size_error = |field| Error::new(ErrorKind::Overflow { field }, RECORD, record.offset);
    let name_size = u32::try_from(record.name_bytes.len()).map_err(|_| size_error("NameSize"))?;
    let data_size = u32::try_from(record.data.len()).map_err(|_| size_error("DataSize"))?;

    let mut out = Vec::with_capacity(AUTHENTICATED_VARIABLE_HEADER_SIZE.saturating_add(record.data.len()));
    out.extend_from_slice(&VARIABLE_DATA.to_le_bytes());
    out.push(state);
    out.push(0);
    out.extend_from_slice(&record.attributes.to_le_bytes());
    out.extend_from_slice(&record.monotonic_count.to_le_bytes());
    out.extend_from_slice(&record.timestamp.unwrap_or_default().to_bytes());
    out.extend_from_slice(&record.public_key_index.to_le_bytes());
    out.extend_from_slice(&name_size.to_le_bytes());
    out.extend_from_slice(&data_size.to_le_bytes());
    out.extend_from_slice(record.guid.as_bytes());
    out.extend_from_slice(&record.name_bytes);
    out.extend_from_slice(&record.data);
    let padded = align_up(out.len()).ok_or(size_error("DataSize"))?;
    out.resize(padded, 0xff);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// Builds a 16 KiB volume with an empty authenticated store of 8 KiB.
    pub(super) fn blank_image() -> Vec<u8> {
        let mut image = vec![0xffu8; 0x4000];
        let mut header = Vec::new();
        header.extend_from_slice(&[0; 16]);
        header.extend_from_slice(EFI_SYSTEM_NV_DATA_FV_GUID.as_bytes());
        header.extend_from_slice(&0x4000u64.to_le_bytes());
        header.extend_from_slice(b"_FVH");
        header.extend_from_slice(&0x0004_feffu32.to_le_bytes());
        header.extend_from_slice(&72u16.to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes());
        header.push(0);
        header.push(2);
        header.extend_from_slice(&4u32.to_le_bytes());
        header.extend_from_slice(&0x1000u32.to_le_bytes());
        header.extend_from_slice(&[0; 8]);
        let sum = header.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).fold(0u16, u16::wrapping_add);
        header[50..52].copy_from_slice(&0u16.wrapping_sub(sum).to_le_bytes());
        image[..72].copy_from_slice(&header);
        let mut store = Vec::new();
        store.extend_from_slice(EFI_AUTHENTICATED_VARIABLE_GUID.as_bytes());
        store.extend_from_slice(&(0x2000u32 - 72).to_le_bytes());
        store.extend_from_slice(&[VARIABLE_STORE_FORMATTED, VARIABLE_STORE_HEALTHY, 0, 0, 0, 0, 0, 0]);
        image[72..100].copy_from_slice(&store);
        image
    }

    fn variable(name: &str, data: Vec<u8>) -> Variable {
        Variable { name: name.into(), guid: Guid::from_fields(1, 2, 3, [4; 8]), attributes: 7, timestamp: None, data }
    }

    #[test]
    fn set_appends_and_deletes_old_record() {
        let mut store = NvStore::parse(&blank_image()).unwrap();
        assert!(store.variables().is_empty());
        store.set(variable("A", vec![1, 2, 3])).unwrap();
        store.set(variable("A", vec![4])).unwrap();
        assert_eq!(store.variables().len(), 1);
        assert_eq!(store.variables()[0].data, [4]);
        let states: Vec<u8> = store.records().iter().map(|record| record.state).collect();
        assert_eq!(states, [0x3c, VAR_ADDED]);
        // 60-byte header, "A\0" (4 bytes), 3 bytes of data, one byte of 0xFF padding.
        assert_eq!(store.records()[1].offset, 100 + 68);
        let image = store.to_bytes();
        assert_eq!(image[100 + 67], 0xff);
        assert_eq!(image.len(), 0x4000);
    }

    #[test]
    fn full_store_is_compacted() {
        let mut store = NvStore::parse(&blank_image()).unwrap();
        for round in 0..40u8 {
            store.set(variable("A", vec![round; 400])).unwrap();
        }
        assert_eq!(store.variables().len(), 1);
        assert_eq!(store.variables()[0].data, vec![39; 400]);
        assert!(store.set(variable("B", vec![0; 0x2000])).is_err());
    }

    #[test]
    fn in_transition_record_live_without_twin() {
        let mut store = NvStore::parse(&blank_image()).unwrap();
        store.set(variable("A", vec![1])).unwrap();
        let mut image = store.to_bytes();
        image[102] = VAR_ADDED & VAR_IN_DELETED_TRANSITION;
        let store = NvStore::parse(&image).unwrap();
        assert_eq!(store.variables().len(), 1);
    }

    #[test]
    fn bad_checksum_rejected() {
        let mut image = blank_image();
        image[0] = 1;
        assert_eq!(NvStore::parse(&image).unwrap_err().kind, ErrorKind::InvalidField { field: "Checksum" });
    }
}
