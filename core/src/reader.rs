//! A bounds-checked cursor over a byte slice. Every read returns `Result`, and errors carry the
//! absolute offset of the failed read (the slice's `base` plus the cursor position).

use crate::error::{Error, ErrorKind};

/// A cursor over `&[u8]` that reads little- and big-endian integers and sub-slices.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
    position: usize,
    base: usize,
    structure: &'static str,
}

impl<'a> Reader<'a> {
    /// Creates a reader over `data`, whose first byte is at offset `base` of the caller's buffer.
    /// Errors name `structure`.
    pub const fn new(data: &'a [u8], base: usize, structure: &'static str) -> Self {
        Self { data, position: 0, base, structure }
    }

    /// Changes the structure name used in errors from now on.
    pub const fn set_structure(&mut self, structure: &'static str) {
        self.structure = structure;
    }

    /// Absolute offset of the next byte to read.
    pub const fn offset(&self) -> usize {
        self.base.saturating_add(self.position)
    }

    /// Position of the next byte to read, relative to the start of this reader's slice.
    pub const fn position(&self) -> usize {
        self.position
    }

    /// Number of bytes not yet read.
    pub const fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.position)
    }

    /// Whether every byte has been read.
    pub const fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Builds an error at the current position.
    pub const fn error(&self, kind: ErrorKind) -> Error {
        Error::new(kind, self.structure, self.offset())
    }

    /// Builds an [`ErrorKind::InvalidField`] error at `offset`, relative to this reader's slice.
    pub const fn invalid_at(&self, field: &'static str, offset: usize) -> Error {
        Error::invalid(self.structure, field, self.base.saturating_add(offset))
    }

    /// Reads `len` bytes.
    pub fn bytes(&mut self, len: usize) -> Result<&'a [u8], Error> {
        let end = self.position.checked_add(len).filter(|end| *end <= self.data.len());
        let Some(end) = end else {
            return Err(self.error(ErrorKind::Truncated { needed: len }));
        };
        let out = self.data.get(self.position..end).ok_or(self.error(ErrorKind::Truncated { needed: len }))?;
        self.position = end;
        Ok(out)
    }

    /// Reads a fixed-size array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let bytes = self.bytes(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// Reads everything that is left.
    pub fn rest(&mut self) -> &'a [u8] {
        let out = self.data.get(self.position..).unwrap_or_default();
        self.position = self.data.len();
        out
    }

    /// Skips `len` bytes.
    pub fn skip(&mut self, len: usize) -> Result<(), Error> {
        self.bytes(len).map(|_| ())
    }

    /// Reads one byte.
    pub fn u8(&mut self) -> Result<u8, Error> {
        Ok(u8::from_le_bytes(self.array()?))
    }

    /// Reads a little-endian `u16`.
    pub fn u16_le(&mut self) -> Result<u16, Error> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    /// Reads a little-endian `u32`.
    pub fn u32_le(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// Reads a little-endian `u64`.
    pub fn u64_le(&mut self) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// Reads a big-endian `u16`.
    pub fn u16_be(&mut self) -> Result<u16, Error> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    /// Reads a big-endian `u32`.
    pub fn u32_be(&mut self) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// Reads a big-endian `u64`.
    pub fn u64_be(&mut self) -> Result<u64, Error> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// Fails with [`ErrorKind::TrailingData`] unless every byte has been read.
    pub fn finish(&self) -> Result<(), Error> {
        if self.is_empty() { Ok(()) } else { Err(self.error(ErrorKind::TrailingData)) }
    }
}

/// Converts a `u32` from the input to `usize`; every target this crate supports has
/// `usize` of at least 32 bits, and the conversion fails closed otherwise.
pub fn usize_from(value: u32, structure: &'static str, field: &'static str, offset: usize) -> Result<usize, Error> {
    usize::try_from(value).map_err(|_| Error::new(ErrorKind::Overflow { field }, structure, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_endiannesses_and_reports_absolute_offsets() {
        let mut reader = Reader::new(&[0x01, 0x02, 0x03, 0x04, 0x05], 0x100, "TEST");
        assert_eq!(reader.u16_le().unwrap(), 0x0201);
        assert_eq!(reader.u16_be().unwrap(), 0x0304);
        let error = reader.u32_le().unwrap_err();
        assert_eq!(error.offset, 0x104);
        assert_eq!(error.kind, ErrorKind::Truncated { needed: 4 });
        assert_eq!(reader.u8().unwrap(), 5);
        assert!(reader.finish().is_ok());
    }

    #[test]
    fn huge_length_is_truncated_not_overflow_panic() {
        let mut reader = Reader::new(&[0; 4], 0, "TEST");
        reader.skip(2).unwrap();
        assert!(reader.bytes(usize::MAX).is_err());
    }
}
