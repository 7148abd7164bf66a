//! Typed event data (TCG PC Client PFP 1.05, section 10.2 and the structures of section 10.3:
//! `UEFI_VARIABLE_DATA`, `UEFI_IMAGE_LOAD_EVENT`, `UEFI_GPT_DATA`,
//! `UEFI_PLATFORM_FIRMWARE_BLOB(2)`, `UEFI_HANDOFF_TABLE_POINTERS(2)`, `TCG_PCClientTaggedEvent`,
//! and the `EV_NO_ACTION` structures of section 10.4.5), decoded on request from the raw data.
//!
//! Entry point: [`EventData::decode`] (also [`crate::eventlog::Event::decode`]). Decoded values
//! borrow the log. The data of most event types is not covered by the event's digest: see
//! [`crate::eventlog::replay`] for the types whose digest can be checked against their data.

use core::fmt;

use crate::error::{Error, ErrorKind};
use crate::eventlog::event_type::EventType;
use crate::eventlog::parse::Event;
use crate::eventlog::spec_id::{self, SpecIdEvent};
use crate::reader::Reader;
use crate::uefi::device_path::{DevicePath, write_utf16};
use crate::uefi::guid::Guid;

/// The signature of a `StartupLocality` `EV_NO_ACTION` (PFP 10.4.5.3).
pub const STARTUP_LOCALITY_SIGNATURE: &[u8; 16] = b"StartupLocality\0";

/// Decoded event data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventData<'a> {
    /// `EV_NO_ACTION` with `"Spec ID Event03"`.
    SpecId(SpecIdEvent<'a>),
    /// `EV_NO_ACTION` with `"StartupLocality"`: the locality PCR 0 was started from.
    StartupLocality(u8),
    /// `EV_NO_ACTION` with `"SP800-155 Event"` or `"SP800-155 Event3"`: a reference manifest
    /// locator; the bytes after the 16-byte signature.
    Sp800155(&'a [u8]),
    /// `EV_NO_ACTION` with `"NvIndexInstance"`; the bytes after the signature.
    NvIndexInstance(&'a [u8]),
    /// `EV_NO_ACTION` with `"NvIndexDynamic"`; the bytes after the signature.
    NvIndexDynamic(&'a [u8]),
    /// Another `EV_NO_ACTION`.
    NoAction(&'a [u8]),
    /// `EV_SEPARATOR`.
    Separator(Separator<'a>),
    /// `EV_ACTION` or `EV_EFI_ACTION`: an ASCII string.
    Action(&'a str),
    /// `EV_EFI_VARIABLE_DRIVER_CONFIG`, `_BOOT`, `_BOOT2` or `_AUTHORITY`.
    Variable(VariableData<'a>),
    /// `EV_EFI_BOOT_SERVICES_APPLICATION`, `_DRIVER` or `EV_EFI_RUNTIME_SERVICES_DRIVER`.
    ImageLoad(ImageLoadEvent<'a>),
    /// `EV_EFI_GPT_EVENT`.
    Gpt(GptData<'a>),
    /// `EV_IPL`.
    Ipl(Ipl<'a>),
    /// `EV_S_CRTM_VERSION`.
    SCrtmVersion(SCrtmVersion<'a>),
    /// `EV_EFI_PLATFORM_FIRMWARE_BLOB` (without description) or `_BLOB2`.
    FirmwareBlob(FirmwareBlob<'a>),
    /// `EV_EFI_HANDOFF_TABLES` (without description) or `_TABLES2`.
    HandoffTables(HandoffTables<'a>),
    /// `EV_POST_CODE`.
    PostCode(PostCode<'a>),
    /// `EV_EVENT_TAG`: `TCG_PCClientTaggedEvent`. Windows puts SIPA events here, see
    /// [`crate::eventlog::windows`].
    Tagged(TaggedEvent<'a>),
    /// `EV_EFI_HCRTM_EVENT`: the `"HCRTM"` string.
    Hcrtm(&'a [u8]),
    /// Any other type, or data that the type's structure does not describe.
    Opaque(&'a [u8]),
}

impl<'a> EventData<'a> {
    /// Decodes `event`'s data by its type. An `Err` means the data does not have the layout its
    /// type requires; types without a structure here decode as [`EventData::Opaque`].
    pub fn decode(event: &Event<'a>) -> Result<Self, Error> {
        let data = event.data;
        let base = event.data_offset;
        Ok(match event.event_type {
            EventType::EV_NO_ACTION => decode_no_action(data, base)?,
            EventType::EV_SEPARATOR => Self::Separator(Separator::decode(data)),
            EventType::EV_ACTION | EventType::EV_EFI_ACTION => match ascii(data) {
                Some(text) => Self::Action(text),
                None => Self::Opaque(data),
            },
            t if t.is_variable() => Self::Variable(VariableData::parse(data, base)?),
            t if t.is_image_load() => Self::ImageLoad(ImageLoadEvent::parse(data, base)?),
            EventType::EV_EFI_GPT_EVENT => Self::Gpt(GptData::parse(data, base)?),
            EventType::EV_IPL => Self::Ipl(Ipl::decode(data)),
            EventType::EV_S_CRTM_VERSION => Self::SCrtmVersion(SCrtmVersion::decode(data)),
            EventType::EV_EFI_PLATFORM_FIRMWARE_BLOB => Self::FirmwareBlob(FirmwareBlob::parse(data, base, false)?),
            EventType::EV_EFI_PLATFORM_FIRMWARE_BLOB2 => Self::FirmwareBlob(FirmwareBlob::parse(data, base, true)?),
            EventType::EV_EFI_HANDOFF_TABLES => Self::HandoffTables(HandoffTables::parse(data, base, false)?),
            EventType::EV_EFI_HANDOFF_TABLES2 => Self::HandoffTables(HandoffTables::parse(data, base, true)?),
            EventType::EV_POST_CODE => Self::PostCode(PostCode::decode(data)),
            EventType::EV_EVENT_TAG => Self::Tagged(TaggedEvent::parse(data, base)?),
            EventType::EV_EFI_HCRTM_EVENT => Self::Hcrtm(data),
            _ => Self::Opaque(data),
        })
    }
}

fn decode_no_action(data: &[u8], base: usize) -> Result<EventData<'_>, Error> {
    let (Some(signature), Some(rest)) = (data.get(..16), data.get(16..)) else {
        return Ok(EventData::NoAction(data));
    };
    Ok(match signature {
        s if s == spec_id::SIGNATURE => EventData::SpecId(SpecIdEvent::parse(data, base)?),
        s if s == STARTUP_LOCALITY_SIGNATURE => match rest {
            [locality] => EventData::StartupLocality(*locality),
            _ => {
                return Err(Error::new(
                    ErrorKind::TrailingData,
                    "TCG_EfiStartupLocalityEvent",
                    base.saturating_add(17),
                ));
            }
        },
        b"SP800-155 Event\0" | b"SP800-155 Event3" => EventData::Sp800155(rest),
        b"NvIndexInstance\0" => EventData::NvIndexInstance(rest),
        b"NvIndexDynamic\0\0" => EventData::NvIndexDynamic(rest),
        _ => EventData::NoAction(data),
    })
}

/// The data as `&str` when every byte is printable ASCII or whitespace, without one trailing
/// NUL.
pub fn ascii(data: &[u8]) -> Option<&str> {
    let text = data.strip_suffix(&[0]).unwrap_or(data);
    if text.iter().all(|byte| byte.is_ascii_graphic() || byte.is_ascii_whitespace()) {
        core::str::from_utf8(text).ok()
    } else {
        None
    }
}

/// UTF-16LE text borrowed from the log, decoded when displayed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Utf16Str<'a>(pub &'a [u8]);

impl Utf16Str<'_> {
    /// The UTF-16 code units, up to the first NUL.
    pub fn units(&self) -> impl Iterator<Item = u16> + '_ {
        self.0
            .chunks_exact(2)
            .map(|pair| match pair {
                [low, high] => u16::from_le_bytes([*low, *high]),
                _ => 0,
            })
            .take_while(|unit| *unit != 0)
    }

    /// Whether the text equals `text`.
    pub fn eq_str(&self, text: &str) -> bool {
        self.units().eq(text.encode_utf16())
    }
}

impl fmt::Display for Utf16Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_utf16(f, self.0)
    }
}

impl fmt::Debug for Utf16Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// `EV_SEPARATOR` data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Separator<'a> {
    /// `00000000`: the normal separator.
    Normal,
    /// Another 4-byte value: `FFFFFFFF` or `00000001` mark a pre-OS error (PFP 10.4.4), and
    /// SeaBIOS uses `FFFFFFFF` as its normal separator.
    Value(u32),
    /// `"WBCL"`: the Windows boot configuration log separator in PCRs 12 to 14.
    Wbcl,
    /// Data of another length.
    Other(&'a [u8]),
}

impl<'a> Separator<'a> {
    fn decode(data: &'a [u8]) -> Self {
        match data {
            b"WBCL" => Self::Wbcl,
            [0, 0, 0, 0] => Self::Normal,
            [a, b, c, d] => Self::Value(u32::from_le_bytes([*a, *b, *c, *d])),
            _ => Self::Other(data),
        }
    }
}

/// `UEFI_VARIABLE_DATA`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VariableData<'a> {
    /// `VariableName`, the vendor GUID.
    pub vendor: Guid,
    /// `UnicodeName`, without a NUL.
    pub name: Utf16Str<'a>,
    /// `VariableData`.
    pub data: &'a [u8],
    /// Bytes after `VariableData` that the lengths do not cover (shim's authority events carry
    /// some).
    pub trailing: &'a [u8],
    /// Offset of `VariableData` in the log.
    pub data_offset: usize,
}

impl<'a> VariableData<'a> {
    /// Parses `UEFI_VARIABLE_DATA` from `bytes`, which start at `base` in the log.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self, Error> {
        const STRUCTURE: &str = "UEFI_VARIABLE_DATA";
        let mut reader = Reader::new(bytes, base, STRUCTURE);
        let vendor = Guid::from_bytes(reader.array()?);
        let name_offset = reader.offset();
        let name_length = reader.u64_le()?;
        let data_offset_field = reader.offset();
        let data_length = reader.u64_le()?;
        let name_bytes = usize::try_from(name_length)
            .ok()
            .and_then(|length| length.checked_mul(2))
            .ok_or(Error::new(ErrorKind::Truncated { needed: usize::MAX }, STRUCTURE, name_offset))?;
        let name = Utf16Str(reader.bytes(name_bytes)?);
        let data_length = usize::try_from(data_length)
            .map_err(|_| Error::new(ErrorKind::Truncated { needed: usize::MAX }, STRUCTURE, data_offset_field))?;
        let data_offset = reader.offset();
        let data = reader.bytes(data_length)?;
        let trailing = reader.rest();
        Ok(Self { vendor, name, data, trailing, data_offset })
    }
}

/// `UEFI_IMAGE_LOAD_EVENT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageLoadEvent<'a> {
    /// `ImageLocationInMemory`.
    pub location_in_memory: u64,
    /// `ImageLengthInMemory`.
    pub length_in_memory: u64,
    /// `ImageLinkTimeAddress`.
    pub link_time_address: u64,
    /// `DevicePath`, `LengthOfDevicePath` bytes, not yet validated.
    pub device_path: &'a [u8],
    /// Offset of the device path in the log.
    pub device_path_offset: usize,
    /// Bytes after the device path. The PFP allows none, but GCE firmware logs 8 more bytes
    /// after some device paths, so they are kept and reported rather than rejected.
    pub trailing: &'a [u8],
}

impl<'a> ImageLoadEvent<'a> {
    /// Parses `UEFI_IMAGE_LOAD_EVENT` from `bytes`, which start at `base` in the log.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self, Error> {
        let mut reader = Reader::new(bytes, base, "UEFI_IMAGE_LOAD_EVENT");
        let location_in_memory = reader.u64_le()?;
        let length_in_memory = reader.u64_le()?;
        let link_time_address = reader.u64_le()?;
        let length_offset = reader.offset();
        let length = usize::try_from(reader.u64_le()?).map_err(|_| {
            Error::new(ErrorKind::Truncated { needed: usize::MAX }, "UEFI_IMAGE_LOAD_EVENT", length_offset)
        })?;
        let device_path_offset = reader.offset();
        let device_path = reader.bytes(length)?;
        let trailing = reader.rest();
        Ok(Self { location_in_memory, length_in_memory, link_time_address, device_path, device_path_offset, trailing })
    }

    /// The validated device path.
    pub fn device_path(&self) -> Result<DevicePath<'a>, Error> {
        DevicePath::parse(self.device_path, self.device_path_offset)
    }
}

/// `UEFI_GPT_DATA`: the partition table header and the partition entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GptData<'a> {
    /// The 92-byte `EFI_PARTITION_TABLE_HEADER`.
    pub header: &'a [u8],
    /// `DiskGUID` of the header.
    pub disk_guid: Guid,
    /// `NumberOfPartitions`.
    pub partition_count: usize,
    /// `SizeOfPartitionEntry` of the header.
    pub entry_size: usize,
    /// The entries, `partition_count * entry_size` bytes.
    pub entries: &'a [u8],
}

/// One `EFI_PARTITION_ENTRY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartitionEntry<'a> {
    /// `PartitionTypeGUID`.
    pub type_guid: Guid,
    /// `UniquePartitionGUID`.
    pub unique_guid: Guid,
    /// `StartingLBA`.
    pub starting_lba: u64,
    /// `EndingLBA`.
    pub ending_lba: u64,
    /// `Attributes`.
    pub attributes: u64,
    /// `PartitionName`.
    pub name: Utf16Str<'a>,
}

impl<'a> GptData<'a> {
    /// Parses `UEFI_GPT_DATA` from `bytes`, which start at `base` in the log.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self, Error> {
        const STRUCTURE: &str = "UEFI_GPT_DATA";
        let mut reader = Reader::new(bytes, base, STRUCTURE);
        let header = reader.bytes(92)?;
        let mut fields = Reader::new(header, base, "EFI_PARTITION_TABLE_HEADER");
        if fields.bytes(8)? != b"EFI PART" {
            return Err(Error::invalid("EFI_PARTITION_TABLE_HEADER", "Signature", base));
        }
        fields.skip(48)?;
        let disk_guid = Guid::from_bytes(fields.array()?);
        fields.skip(12)?;
        let entry_size_offset = fields.offset();
        let entry_size = usize::try_from(fields.u32_le()?).unwrap_or(usize::MAX);
        if entry_size < 128 {
            return Err(Error::invalid("EFI_PARTITION_TABLE_HEADER", "SizeOfPartitionEntry", entry_size_offset));
        }
        let count_offset = reader.offset();
        let count = usize::try_from(reader.u64_le()?).unwrap_or(usize::MAX);
        let length = count.checked_mul(entry_size).ok_or(Error::new(
            ErrorKind::Overflow { field: "NumberOfPartitions" },
            STRUCTURE,
            count_offset,
        ))?;
        let entries = reader.bytes(length)?;
        reader.finish()?;
        Ok(Self { header, disk_guid, partition_count: count, entry_size, entries })
    }

    /// The partition entries.
    pub fn partitions(&self) -> impl Iterator<Item = PartitionEntry<'a>> + 'a {
        let entries: &'a [u8] = self.entries;
        entries.chunks_exact(self.entry_size.max(1)).filter_map(|entry| {
            let mut reader = Reader::new(entry, 0, "EFI_PARTITION_ENTRY");
            Some(PartitionEntry {
                type_guid: Guid::from_bytes(reader.array().ok()?),
                unique_guid: Guid::from_bytes(reader.array().ok()?),
                starting_lba: reader.u64_le().ok()?,
                ending_lba: reader.u64_le().ok()?,
                attributes: reader.u64_le().ok()?,
                name: Utf16Str(reader.bytes(72).ok()?),
            })
        })
    }
}

/// `EV_IPL` data, classified by the boot loaders that write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ipl<'a> {
    /// GRUB `grub_cmd: <command>` or `grub_cmd <command>` (PCR 8): the command.
    GrubCommand(&'a str),
    /// GRUB `kernel_cmdline: <command line>` or `grub_kernel_cmdline <command line>` (PCR 8):
    /// the command line.
    KernelCommandLine(&'a str),
    /// Another ASCII string, such as a file path GRUB measured into PCR 9.
    Text(&'a str),
    /// UTF-16LE text, such as a systemd-stub command line in PCR 12.
    Utf16(Utf16Str<'a>),
    /// Binary data.
    Binary(&'a [u8]),
}

impl<'a> Ipl<'a> {
    fn decode(data: &'a [u8]) -> Self {
        if let Some(text) = ascii(data) {
            // Upstream GRUB writes `grub_cmd: ` and `kernel_cmdline: `; the Red Hat build
            // writes `grub_cmd ` and `grub_kernel_cmdline `.
            let command = text.strip_prefix("grub_cmd: ").or_else(|| text.strip_prefix("grub_cmd "));
            if let Some(command) = command {
                return Self::GrubCommand(command);
            }
            let line = text.strip_prefix("kernel_cmdline: ").or_else(|| text.strip_prefix("grub_kernel_cmdline "));
            if let Some(line) = line {
                return Self::KernelCommandLine(line);
            }
            return Self::Text(text);
        }
        if looks_like_utf16(data) { Self::Utf16(Utf16Str(data)) } else { Self::Binary(data) }
    }
}

/// Whether `data` is non-empty, of even length, and every odd byte is zero (ASCII as UTF-16).
fn looks_like_utf16(data: &[u8]) -> bool {
    data.len() >= 2
        && data.len() % 2 == 0
        && data
            .chunks_exact(2)
            .all(|pair| matches!(pair, [low, 0] if *low == 0 || low.is_ascii_graphic() || low.is_ascii_whitespace()))
}

/// `EV_S_CRTM_VERSION` data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SCrtmVersion<'a> {
    /// A UCS-2 version string.
    Utf16(Utf16Str<'a>),
    /// A 16-byte GUID.
    Guid(Guid),
    /// Other data.
    Other(&'a [u8]),
}

impl<'a> SCrtmVersion<'a> {
    fn decode(data: &'a [u8]) -> Self {
        if looks_like_utf16(data) {
            return Self::Utf16(Utf16Str(data));
        }
        match <[u8; 16]>::try_from(data) {
            Ok(bytes) => Self::Guid(Guid::from_bytes(bytes)),
            Err(_) => Self::Other(data),
        }
    }
}

/// `UEFI_PLATFORM_FIRMWARE_BLOB` or `UEFI_PLATFORM_FIRMWARE_BLOB2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FirmwareBlob<'a> {
    /// `BlobDescription` (`_BLOB2` only).
    pub description: Option<&'a [u8]>,
    /// `BlobBase`.
    pub base: u64,
    /// `BlobLength`.
    pub length: u64,
}

impl<'a> FirmwareBlob<'a> {
    fn parse(bytes: &'a [u8], base: usize, with_description: bool) -> Result<Self, Error> {
        let mut reader = Reader::new(bytes, base, "UEFI_PLATFORM_FIRMWARE_BLOB");
        let description = if with_description {
            let size = usize::from(reader.u8()?);
            Some(reader.bytes(size)?)
        } else {
            None
        };
        let blob = Self { description, base: reader.u64_le()?, length: reader.u64_le()? };
        reader.finish()?;
        Ok(blob)
    }
}

/// `UEFI_HANDOFF_TABLE_POINTERS` or `UEFI_HANDOFF_TABLE_POINTERS2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandoffTables<'a> {
    /// `TableDescription` (`_TABLES2` only).
    pub description: Option<&'a [u8]>,
    /// The `EFI_CONFIGURATION_TABLE` entries, 24 bytes each.
    pub entries: &'a [u8],
}

impl<'a> HandoffTables<'a> {
    fn parse(bytes: &'a [u8], base: usize, with_description: bool) -> Result<Self, Error> {
        const STRUCTURE: &str = "UEFI_HANDOFF_TABLE_POINTERS";
        let mut reader = Reader::new(bytes, base, STRUCTURE);
        let description = if with_description {
            let size = usize::from(reader.u8()?);
            Some(reader.bytes(size)?)
        } else {
            None
        };
        let count_offset = reader.offset();
        let count = usize::try_from(reader.u64_le()?).unwrap_or(usize::MAX);
        let length = count.checked_mul(24).ok_or(Error::new(
            ErrorKind::Overflow { field: "NumberOfTables" },
            STRUCTURE,
            count_offset,
        ))?;
        let entries = reader.bytes(length)?;
        reader.finish()?;
        Ok(Self { description, entries })
    }

    /// The tables: `VendorGuid` and `VendorTable` address.
    pub fn tables(&self) -> impl Iterator<Item = (Guid, u64)> + 'a {
        let entries: &'a [u8] = self.entries;
        entries.chunks_exact(24).filter_map(|entry| {
            let mut reader = Reader::new(entry, 0, "EFI_CONFIGURATION_TABLE");
            Some((Guid::from_bytes(reader.array().ok()?), reader.u64_le().ok()?))
        })
    }
}

/// `EV_POST_CODE` data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostCode<'a> {
    /// An ASCII description such as `"POST CODE"` or `"ACPI DATA"`.
    Text(&'a str),
    /// A 16-byte `UEFI_PLATFORM_FIRMWARE_BLOB` (base and length), as some firmware writes.
    Blob {
        /// `BlobBase`.
        base: u64,
        /// `BlobLength`.
        length: u64,
    },
    /// Other data.
    Other(&'a [u8]),
}

impl<'a> PostCode<'a> {
    fn decode(data: &'a [u8]) -> Self {
        if let Some(text) = ascii(data).filter(|text| !text.is_empty()) {
            return Self::Text(text);
        }
        let mut reader = Reader::new(data, 0, "UEFI_PLATFORM_FIRMWARE_BLOB");
        match (data.len(), reader.u64_le(), reader.u64_le()) {
            (16, Ok(base), Ok(length)) => Self::Blob { base, length },
            _ => Self::Other(data),
        }
    }
}

/// `TCG_PCClientTaggedEvent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaggedEvent<'a> {
    /// `taggedEventID`.
    pub id: u32,
    /// `taggedEventData`.
    pub data: &'a [u8],
    /// Offset of `taggedEventData` in the log.
    pub data_offset: usize,
    /// Bytes after `taggedEventData` (Windows logs put further SIPA events there).
    pub trailing: &'a [u8],
}

impl<'a> TaggedEvent<'a> {
    /// Parses `TCG_PCClientTaggedEvent` from `bytes`, which start at `base` in the log.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self, Error> {
        let mut reader = Reader::new(bytes, base, "TCG_PCClientTaggedEvent");
        let id = reader.u32_le()?;
        let size_offset = reader.offset();
        let size = usize::try_from(reader.u32_le()?).map_err(|_| {
            Error::new(ErrorKind::Truncated { needed: usize::MAX }, "TCG_PCClientTaggedEvent", size_offset)
        })?;
        let data_offset = reader.offset();
        let data = reader.bytes(size)?;
        Ok(Self { id, data, data_offset, trailing: reader.rest() })
    }
}
