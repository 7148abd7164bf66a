//! A DER tag-length-value walker (ITU-T X.690 sections 8.1 and 10.1) that keeps the original
//! bytes and their offsets, for the structures whose exact encoding is signed or hashed.
//!
//! Only the definite length form is accepted, in its minimal encoding, with lengths up to four
//! bytes. Tags must fit in one byte (tag numbers below 31). That covers every structure that
//! CMS, X.509 and Authenticode use. BER indefinite lengths are rejected.

use crate::error::{Error, ErrorKind};

/// One element: its tag byte, the whole encoding and the value bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet.
    pub(crate) tag: u8,
    /// Tag, length and value bytes.
    pub(crate) raw: &'a [u8],
    /// The value bytes, without tag and length.
    pub(crate) value: &'a [u8],
    /// Absolute offset of the tag byte in the caller's buffer.
    pub(crate) offset: usize,
    /// Absolute offset of the first value byte in the caller's buffer.
    pub(crate) value_offset: usize,
}

impl<'a> Tlv<'a> {
    /// A reader over the value bytes, for a constructed element.
    pub(crate) const fn children(&self, structure: &'static str) -> TlvReader<'a> {
        TlvReader::new(self.value, self.value_offset, structure)
    }
}

/// DER tag bytes used in this module.
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const OBJECT_IDENTIFIER: u8 = 0x06;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;
    pub(crate) const CONTEXT_0_CONSTRUCTED: u8 = 0xa0;
    pub(crate) const CONTEXT_1_CONSTRUCTED: u8 = 0xa1;
    pub(crate) const CONTEXT_0_PRIMITIVE: u8 = 0x80;
}

/// A cursor over a sequence of DER elements.
#[derive(Clone, Debug)]
pub(crate) struct TlvReader<'a> {
    data: &'a [u8],
    position: usize,
    base: usize,
    structure: &'static str,
}

impl<'a> TlvReader<'a> {
    /// Creates a reader over `data`, whose first byte is at offset `base` of the caller's buffer.
    pub(crate) const fn new(data: &'a [u8], base: usize, structure: &'static str) -> Self {
        Self { data, position: 0, base, structure }
    }

    /// Absolute offset of the next byte.
    pub(crate) const fn offset(&self) -> usize {
        self.base.saturating_add(self.position)
    }

    /// Whether every element has been read.
    pub(crate) const fn is_empty(&self) -> bool {
        self.position >= self.data.len()
    }

    /// The tag of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.position).copied()
    }

    /// Reads the next element.
    pub(crate) fn next(&mut self) -> Result<Tlv<'a>, Error> {
        let start = self.position;
        let offset = self.offset();
        let rest = self.data.get(start..).unwrap_or_default();

        let (&tag, after_tag) = rest.split_first().ok_or(Error::truncated(self.structure, offset, 2))?;
        if tag & 0x1f == 0x1f {
            return Err(Error::new(ErrorKind::Unsupported { field: "high tag number" }, self.structure, offset));
        }
        let (&first, after_length_byte) =
            after_tag.split_first().ok_or(Error::truncated(self.structure, offset.saturating_add(1), 1))?;

        let (length, header_length) = if first < 0x80 {
            (usize::from(first), 2usize)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 {
                // 0x80 is the BER indefinite form, which DER forbids (X.690 section 10.1).
                return Err(Error::invalid(self.structure, "length (indefinite form)", offset.saturating_add(1)));
            }
            if count > 4 {
                return Err(Error::new(
                    ErrorKind::Unsupported { field: "length of more than 4 bytes" },
                    self.structure,
                    offset,
                ));
            }
            let bytes = after_length_byte.get(..count).ok_or(Error::truncated(
                self.structure,
                offset.saturating_add(2),
                count,
            ))?;
            let length = bytes.iter().fold(0usize, |length, &byte| (length << 8) | usize::from(byte));
            // DER requires the fewest length bytes (X.690 section 10.1).
            if bytes.first() == Some(&0) || length < 0x80 {
                return Err(Error::invalid(self.structure, "length (not minimal)", offset.saturating_add(1)));
            }
            (length, count.saturating_add(2))
        };

        let total = header_length.checked_add(length).ok_or(Error::new(
            ErrorKind::Overflow { field: "length" },
            self.structure,
            offset,
        ))?;
        let raw = rest.get(..total).ok_or(Error::truncated(self.structure, offset, total))?;
        let value = raw.get(header_length..).unwrap_or_default();
        self.position = start.saturating_add(total);

        Ok(Tlv { tag, raw, value, offset, value_offset: offset.saturating_add(header_length) })
    }

    /// Reads the next element and checks its tag; `field` names it in the error.
    pub(crate) fn expect(&mut self, expected: u8, field: &'static str) -> Result<Tlv<'a>, Error> {
        let offset = self.offset();
        match self.peek_tag() {
            Some(found) if found == expected => self.next(),
            Some(_) => Err(Error::invalid(self.structure, field, offset)),
            None => Err(Error::truncated(self.structure, offset, 2)),
        }
    }

    /// Reads the next element if it has tag `expected`.
    pub(crate) fn optional(&mut self, expected: u8) -> Result<Option<Tlv<'a>>, Error> {
        if self.peek_tag() == Some(expected) { self.next().map(Some) } else { Ok(None) }
    }

    /// Checks that no bytes remain.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        if self.is_empty() { Ok(()) } else { Err(Error::new(ErrorKind::TrailingData, self.structure, self.offset())) }
    }
}

/// Reads exactly one element from `data`, with nothing after it.
pub(crate) fn single<'a>(data: &'a [u8], base: usize, structure: &'static str) -> Result<Tlv<'a>, Error> {
    let mut reader = TlvReader::new(data, base, structure);
    let element = reader.next()?;
    reader.finish()?;
    Ok(element)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_form_length() {
        let mut data = alloc::vec![0x04, 0x81, 0x80];
        data.extend([0u8; 0x80]);
        let element = single(&data, 10, "test").unwrap();
        assert_eq!(element.value.len(), 0x80);
        assert_eq!(element.value_offset, 13);
    }

    #[test]
    fn non_minimal_length_rejected() {
        let error = single(&[0x04, 0x81, 0x01, 0x00], 0, "test").unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidField { field: "length (not minimal)" });
    }

    #[test]
    fn indefinite_length_rejected() {
        assert!(single(&[0x30, 0x80, 0x00, 0x00], 0, "test").is_err());
    }

    #[test]
    fn trailing_byte_rejected() {
        let error = single(&[0x05, 0x00, 0x00], 4, "test").unwrap_err();
        assert_eq!(error.kind, ErrorKind::TrailingData);
        assert_eq!(error.offset, 6);
    }

    #[test]
    fn truncated_value_rejected() {
        let error = single(&[0x04, 0x05, 0x00], 0, "test").unwrap_err();
        assert_eq!(error.kind, ErrorKind::Truncated { needed: 7 });
    }
}
