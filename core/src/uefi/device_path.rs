//! `EFI_DEVICE_PATH_PROTOCOL` (UEFI 2.10, section 10.3 "Device Path Nodes"): a borrowed view of a
//! device path and its text form (section 10.6 "Device Path Text Representation") for reports,
//! such as `PciRoot(0x0)/Pci(0x1,0x1)/HD(1,GPT,<guid>,0x800,0x100000)/\EFI\BOOT\BOOTX64.EFI`.
//!
//! Entry point: [`DevicePath::parse`]. Node types without a text form here are printed as
//! `Path(type,subtype,hex)`, the generic form of section 10.6.

use core::fmt::{self, Write as _};

use crate::error::{Error, ErrorKind};
use crate::reader::Reader;
use crate::uefi::guid::Guid;

/// Maximum number of nodes accepted in one device path.
pub const MAX_NODES: usize = 256;

const STRUCTURE: &str = "EFI_DEVICE_PATH_PROTOCOL";

/// Device path node types (UEFI 2.10, table 10.2).
pub mod node_type {
    /// Hardware Device Path.
    pub const HARDWARE: u8 = 0x01;
    /// ACPI Device Path.
    pub const ACPI: u8 = 0x02;
    /// Messaging Device Path.
    pub const MESSAGING: u8 = 0x03;
    /// Media Device Path.
    pub const MEDIA: u8 = 0x04;
    /// BIOS Boot Specification Device Path.
    pub const BIOS_BOOT_SPECIFICATION: u8 = 0x05;
    /// End of Hardware Device Path.
    pub const END: u8 = 0x7F;
}

/// One node: type, sub-type and the bytes after the 4-byte header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DevicePathNode<'a> {
    /// `Type`.
    pub node_type: u8,
    /// `Sub-Type`.
    pub sub_type: u8,
    /// The node's data, `Length - 4` bytes.
    pub data: &'a [u8],
}

/// A validated device path: every node length is at least 4 and inside the buffer, there are at
/// most [`MAX_NODES`] nodes, and the path ends with an End Entire node. Bytes after that node are
/// kept in [`DevicePath::trailing`] and not interpreted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DevicePath<'a> {
    nodes: &'a [u8],
    trailing: &'a [u8],
}

impl<'a> DevicePath<'a> {
    /// Validates the device path in `bytes`, which start at offset `base` of the caller's buffer.
    pub fn parse(bytes: &'a [u8], base: usize) -> Result<Self, Error> {
        let mut reader = Reader::new(bytes, base, STRUCTURE);
        let mut count = 0usize;
        loop {
            count = count
                .checked_add(1)
                .filter(|count| *count <= MAX_NODES)
                .ok_or_else(|| reader.error(ErrorKind::LimitExceeded { what: "device path nodes", max: MAX_NODES }))?;
            let node = read_node(&mut reader)?;
            if node.node_type == node_type::END && node.sub_type == 0xFF {
                let end = reader.position();
                let nodes = bytes.get(..end).unwrap_or_default();
                let trailing = bytes.get(end..).unwrap_or_default();
                return Ok(Self { nodes, trailing });
            }
        }
    }

    /// The nodes, End Entire node included.
    pub fn nodes(&self) -> Nodes<'a> {
        Nodes { reader: Reader::new(self.nodes, 0, STRUCTURE) }
    }

    /// The path's bytes, End Entire node included.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.nodes
    }

    /// Bytes after the End Entire node.
    pub const fn trailing(&self) -> &'a [u8] {
        self.trailing
    }

    /// The last file path node's text (`\EFI\BOOT\BOOTX64.EFI`), if any, written to `out`.
    pub fn write_file_path(&self, out: &mut impl fmt::Write) -> fmt::Result {
        let last = self.nodes().filter(|node| node.node_type == node_type::MEDIA && node.sub_type == 4).last();
        match last {
            Some(node) => write_utf16(out, node.data),
            None => Ok(()),
        }
    }
}

fn read_node<'a>(reader: &mut Reader<'a>) -> Result<DevicePathNode<'a>, Error> {
    let node_type = reader.u8()?;
    let sub_type = reader.u8()?;
    let length_offset = reader.offset();
    let length = usize::from(reader.u16_le()?);
    let data_length = length.checked_sub(4).ok_or(Error::invalid(STRUCTURE, "Length", length_offset))?;
    let data = reader.bytes(data_length)?;
    Ok(DevicePathNode { node_type, sub_type, data })
}

/// Iterator over the nodes of a validated [`DevicePath`].
#[derive(Clone, Debug)]
pub struct Nodes<'a> {
    reader: Reader<'a>,
}

impl<'a> Iterator for Nodes<'a> {
    type Item = DevicePathNode<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.reader.is_empty() {
            return None;
        }
        // The path was validated in `parse`, so a failed read only ends the iteration.
        read_node(&mut self.reader).ok()
    }
}

impl fmt::Display for DevicePath<'_> {
    /// The text form, nodes separated by `/` and instances by `,`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for node in self.nodes() {
            if node.node_type == node_type::END {
                if node.sub_type == 0x01 {
                    f.write_char(',')?;
                    first = true;
                }
                continue;
            }
            if !first {
                f.write_char('/')?;
            }
            first = false;
            write_node(f, &node)?;
        }
        Ok(())
    }
}

impl fmt::Display for DevicePathNode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_node(f, self)
    }
}

/// Little-endian fields of a node's data, read without panicking.
struct Fields<'a>(Reader<'a>);

impl<'a> Fields<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self(Reader::new(data, 0, STRUCTURE))
    }
    fn u8(&mut self) -> Option<u8> {
        self.0.u8().ok()
    }
    fn u16(&mut self) -> Option<u16> {
        self.0.u16_le().ok()
    }
    fn u32(&mut self) -> Option<u32> {
        self.0.u32_le().ok()
    }
    fn u64(&mut self) -> Option<u64> {
        self.0.u64_le().ok()
    }
    fn guid(&mut self) -> Option<Guid> {
        self.0.array::<16>().ok().map(Guid::from_bytes)
    }
    fn rest(&mut self) -> &'a [u8] {
        self.0.rest()
    }
    fn done(&self) -> bool {
        self.0.is_empty()
    }
}

fn write_node(f: &mut dyn fmt::Write, node: &DevicePathNode<'_>) -> fmt::Result {
    let written = match node.node_type {
        node_type::HARDWARE => write_hardware(f, node)?,
        node_type::ACPI => write_acpi(f, node)?,
        node_type::MESSAGING => write_messaging(f, node)?,
        node_type::MEDIA => write_media(f, node)?,
        node_type::BIOS_BOOT_SPECIFICATION => write_bbs(f, node)?,
        _ => false,
    };
    if written { Ok(()) } else { write_generic(f, node) }
}

fn write_generic(f: &mut dyn fmt::Write, node: &DevicePathNode<'_>) -> fmt::Result {
    write!(f, "Path({},{},", node.node_type, node.sub_type)?;
    write_hex(f, node.data)?;
    f.write_char(')')
}

fn write_hex(f: &mut dyn fmt::Write, bytes: &[u8]) -> fmt::Result {
    bytes.iter().try_for_each(|byte| write!(f, "{byte:02X}"))
}

/// Writes a vendor node (`VenHw`, `VenMsg`, `VenMedia`): GUID then optional data in hex.
fn write_vendor(f: &mut dyn fmt::Write, name: &str, data: &[u8]) -> Result<bool, fmt::Error> {
    let mut fields = Fields::new(data);
    let Some(guid) = fields.guid() else { return Ok(false) };
    write!(f, "{name}({guid}")?;
    let rest = fields.rest();
    if !rest.is_empty() {
        f.write_char(',')?;
        write_hex(f, rest)?;
    }
    f.write_char(')')?;
    Ok(true)
}

fn write_hardware(f: &mut dyn fmt::Write, node: &DevicePathNode<'_>) -> Result<bool, fmt::Error> {
    let mut fields = Fields::new(node.data);
    match node.sub_type {
        // PCI: Function then Device, printed Device first.
        0x01 => {
            let (Some(function), Some(device)) = (fields.u8(), fields.u8()) else { return Ok(false) };
            if !fields.done() {
                return Ok(false);
            }
            write!(f, "Pci({device:#x},{function:#x})")?;
        }
        0x02 => {
            let Some(function) = fields.u8() else { return Ok(false) };
            write!(f, "PcCard({function:#x})")?;
        }
        0x03 => {
            let (Some(memory_type), Some(start), Some(end)) = (fields.u32(), fields.u64(), fields.u64()) else {
                return Ok(false);
            };
            write!(f, "MemoryMapped({memory_type:#x},{start:#x},{end:#x})")?;
        }
        0x04 => return write_vendor(f, "VenHw", node.data),
        0x05 => {
            let Some(controller) = fields.u32() else { return Ok(false) };
            write!(f, "Ctrl({controller:#x})")?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn write_acpi(f: &mut dyn fmt::Write, node: &DevicePathNode<'_>) -> Result<bool, fmt::Error> {
    let mut fields = Fields::new(node.data);
    match node.sub_type {
        0x01 => {
            let (Some(hid), Some(uid)) = (fields.u32(), fields.u32()) else { return Ok(false) };
            // EISA ID: compressed vendor letters in the low 16 bits, product number in the high.
            match hid {
                0x0A03_41D0 => write!(f, "PciRoot({uid:#x})")?,
                0x0A08_41D0 => write!(f, "PcieRoot({uid:#x})")?,
                _ if hid & 0xFFFF == 0x41D0 => write!(f, "Acpi(PNP{:04X},{uid:#x})", hid >> 16)?,
                _ => write!(f, "Acpi({hid:#x},{uid:#x})")?,
            }
        }
        0x03 => {
            let Some(address) = fields.u32() else { return Ok(false) };
            write!(f, "AcpiAdr({address:#x})")?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn write_messaging(f: &mut dyn fmt::Write, node: &DevicePathNode<'_>) -> Result<bool, fmt::Error> {
    let mut fields = Fields::new(node.data);
    match node.sub_type {
        0x01 => {
            let (Some(primary), Some(slave), Some(lun)) = (fields.u8(), fields.u8(), fields.u16()) else {
                return Ok(false);
            };
            write!(f, "Ata({primary:#x},{slave:#x},{lun:#x})")?;
        }
        0x02 => {
            let (Some(target), Some(lun)) = (fields.u16(), fields.u16()) else { return Ok(false) };
            write!(f, "Scsi({target:#x},{lun:#x})")?;
        }
        0x05 => {
            let (Some(port), Some(interface)) = (fields.u8(), fields.u8()) else { return Ok(false) };
            write!(f, "USB({port:#x},{interface:#x})")?;
        }
        0x0A => return write_vendor(f, "VenMsg", node.data),
        0x0B => {
            let mac = node.data.get(..32);
            let (Some(mac), Some(interface_type)) = (mac, node.data.get(32)) else { return Ok(false) };
            f.write_str("MAC(")?;
            write_hex(f, mac.get(..6).unwrap_or(mac))?;
            write!(f, ",{interface_type:#x})")?;
        }
        0x0C => {
            let (Some(local), Some(remote)) = (node.data.get(..4), node.data.get(4..8)) else { return Ok(false) };
            f.write_str("IPv4(")?;
            write_ipv4(f, remote)?;
            f.write_str(",")?;
            write_ipv4(f, local)?;
            f.write_char(')')?;
        }
        0x0F => {
            let (Some(vendor), Some(product)) = (fields.u16(), fields.u16()) else { return Ok(false) };
            write!(f, "UsbClass({vendor:#x},{product:#x})")?;
        }
        0x11 => {
            let Some(lun) = fields.u8() else { return Ok(false) };
            write!(f, "Unit({lun:#x})")?;
        }
        0x12 => {
            let (Some(hba), Some(multiplier), Some(lun)) = (fields.u16(), fields.u16(), fields.u16()) else {
                return Ok(false);
            };
            write!(f, "Sata({hba:#x},{multiplier:#x},{lun:#x})")?;
        }
        0x17 => {
            let Some(namespace) = fields.u32() else { return Ok(false) };
            let eui = fields.rest();
            write!(f, "NVMe({namespace:#x},")?;
            for (index, byte) in eui.iter().enumerate() {
                if index > 0 {
                    f.write_char('-')?;
                }
                write!(f, "{byte:02X}")?;
            }
            f.write_char(')')?;
        }
        0x18 => {
            f.write_str("Uri(")?;
            node.data.iter().try_for_each(|byte| f.write_char(printable(*byte)))?;
            f.write_char(')')?;
        }
        0x1A => {
            let Some(slot) = fields.u8() else { return Ok(false) };
            write!(f, "SD({slot:#x})")?;
        }
        0x1D => {
            let Some(slot) = fields.u8() else { return Ok(false) };
            write!(f, "eMMC({slot:#x})")?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn write_ipv4(f: &mut dyn fmt::Write, address: &[u8]) -> fmt::Result {
    for (index, byte) in address.iter().enumerate() {
        if index > 0 {
            f.write_char('.')?;
        }
        write!(f, "{byte}")?;
    }
    Ok(())
}

fn printable(byte: u8) -> char {
    if byte.is_ascii_graphic() { char::from(byte) } else { '?' }
}

fn write_media(f: &mut dyn fmt::Write, node: &DevicePathNode<'_>) -> Result<bool, fmt::Error> {
    let mut fields = Fields::new(node.data);
    match node.sub_type {
        0x01 => {
            let (Some(partition), Some(start), Some(size)) = (fields.u32(), fields.u64(), fields.u64()) else {
                return Ok(false);
            };
            let (Ok(signature), Some(format), Some(signature_type)) =
                (fields.0.array::<16>(), fields.u8(), fields.u8())
            else {
                return Ok(false);
            };
            write!(f, "HD({partition},")?;
            match (format, signature_type) {
                (2, 2) => write!(f, "GPT,{}", Guid::from_bytes(signature))?,
                (1, 1) => {
                    let [a, b, c, d, ..] = signature;
                    write!(f, "MBR,{:#010x}", u32::from_le_bytes([a, b, c, d]))?;
                }
                _ => write!(f, "{format},{signature_type}")?,
            }
            write!(f, ",{start:#x},{size:#x})")?;
        }
        0x02 => {
            let (Some(entry), Some(start), Some(size)) = (fields.u32(), fields.u64(), fields.u64()) else {
                return Ok(false);
            };
            write!(f, "CDROM({entry:#x},{start:#x},{size:#x})")?;
        }
        0x03 => return write_vendor(f, "VenMedia", node.data),
        0x04 => write_utf16(f, node.data)?,
        0x05 => {
            let Some(protocol) = fields.guid() else { return Ok(false) };
            write!(f, "Media({protocol})")?;
        }
        0x06 => {
            let Some(name) = fields.guid() else { return Ok(false) };
            write!(f, "FvFile({name})")?;
        }
        0x07 => {
            let Some(name) = fields.guid() else { return Ok(false) };
            write!(f, "Fv({name})")?;
        }
        0x08 => {
            let (Some(_reserved), Some(start), Some(end)) = (fields.u32(), fields.u64(), fields.u64()) else {
                return Ok(false);
            };
            write!(f, "Offset({start:#x},{end:#x})")?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn write_bbs(f: &mut dyn fmt::Write, node: &DevicePathNode<'_>) -> Result<bool, fmt::Error> {
    let mut fields = Fields::new(node.data);
    if node.sub_type != 0x01 {
        return Ok(false);
    }
    let (Some(device_type), Some(status)) = (fields.u16(), fields.u16()) else { return Ok(false) };
    write!(f, "BBS({device_type:#x},")?;
    fields.rest().iter().take_while(|byte| **byte != 0).try_for_each(|byte| f.write_char(printable(*byte)))?;
    write!(f, ",{status:#x})")?;
    Ok(true)
}

/// Writes UTF-16LE text up to the first NUL; unpaired surrogates become U+FFFD and an odd last
/// byte is ignored.
pub fn write_utf16(f: &mut (impl fmt::Write + ?Sized), bytes: &[u8]) -> fmt::Result {
    let units = bytes.chunks_exact(2).map(|pair| match pair {
        [low, high] => u16::from_le_bytes([*low, *high]),
        _ => 0,
    });
    for character in char::decode_utf16(units.take_while(|unit| *unit != 0)) {
        f.write_char(character.unwrap_or(char::REPLACEMENT_CHARACTER))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec::Vec;

    fn node(node_type: u8, sub_type: u8, data: &[u8]) -> Vec<u8> {
        let length = u16::try_from(data.len() + 4).unwrap();
        let mut out = alloc::vec![node_type, sub_type];
        out.extend_from_slice(&length.to_le_bytes());
        out.extend_from_slice(data);
        out
    }

    fn utf16(text: &str) -> Vec<u8> {
        text.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn decodes_ovmf_style_boot_path() {
        let mut bytes = node(2, 1, &[0xD0, 0x41, 0x03, 0x0A, 0, 0, 0, 0]);
        bytes.extend(node(1, 1, &[0x01, 0x01]));
        let mut hd = Vec::new();
        hd.extend_from_slice(&1u32.to_le_bytes());
        hd.extend_from_slice(&0x800u64.to_le_bytes());
        hd.extend_from_slice(&0x64000u64.to_le_bytes());
        hd.extend_from_slice(Guid::parse("1b4b9d45-0b7f-4bd9-a9d8-7b12a5a3c0e6").unwrap().as_bytes());
        hd.extend_from_slice(&[2, 2]);
        bytes.extend(node(4, 1, &hd));
        bytes.extend(node(4, 4, &utf16("\\EFI\\BOOT\\BOOTX64.EFI")));
        bytes.extend(node(0x7F, 0xFF, &[]));
        let path = DevicePath::parse(&bytes, 0).unwrap();
        // Text forms from UEFI 2.10 section 10.6.1 (PciRoot, Pci, HD, file path).
        assert_eq!(
            path.to_string(),
            "PciRoot(0x0)/Pci(0x1,0x1)/HD(1,GPT,1b4b9d45-0b7f-4bd9-a9d8-7b12a5a3c0e6,0x800,0x64000)/\\EFI\\BOOT\\BOOTX64.EFI"
        );
    }

    #[test]
    fn unknown_node_is_generic() {
        let mut bytes = node(0x30, 7, &[0xAB]);
        bytes.extend(node(0x7F, 0xFF, &[]));
        assert_eq!(DevicePath::parse(&bytes, 0).unwrap().to_string(), "Path(48,7,AB)");
    }

    #[test]
    fn rejects_short_length_and_missing_end() {
        assert_eq!(DevicePath::parse(&[1, 1, 3, 0], 0x10).unwrap_err(), Error::invalid(STRUCTURE, "Length", 0x12));
        assert!(matches!(DevicePath::parse(&node(1, 1, &[0, 0]), 0).unwrap_err().kind, ErrorKind::Truncated { .. }));
        assert!(matches!(DevicePath::parse(&[1, 1, 0xFF, 0xFF], 0).unwrap_err().kind, ErrorKind::Truncated { .. }));
    }

    #[test]
    fn node_budget_is_enforced() {
        let mut bytes = Vec::new();
        for _ in 0..=MAX_NODES {
            bytes.extend(node(1, 5, &[0, 0, 0, 0]));
        }
        bytes.extend(node(0x7F, 0xFF, &[]));
        assert!(matches!(DevicePath::parse(&bytes, 0).unwrap_err().kind, ErrorKind::LimitExceeded { .. }));
    }
}
