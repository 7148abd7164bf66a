//! The crate's error type: what could not be understood, in which structure, at which byte offset.
//!
//! An error means the input could not be parsed or used. A policy decision (an image refused by
//! `dbx`, a PCR that differs) is never an error: it is a verdict value.

use core::fmt;

/// An input that could not be understood.
///
/// `structure` is the spec name of the structure being read (for example `IMAGE_SECTION_HEADER`)
/// and `offset` is the byte offset, from the start of the buffer the caller passed, at which the
/// problem was found. Building and displaying an error never allocates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Spec name of the structure being read.
    pub structure: &'static str,
    /// Byte offset of the problem from the start of the caller's buffer.
    pub offset: usize,
}

/// The kinds of [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ends before the structure does; `needed` bytes were expected at the offset.
    Truncated {
        /// Number of bytes the structure needs at the offset.
        needed: usize,
    },
    /// A field holds a value the specification does not allow.
    InvalidField {
        /// Spec name of the field.
        field: &'static str,
    },
    /// A field holds a value that is valid but that this crate does not implement.
    Unsupported {
        /// Spec name of the field.
        field: &'static str,
    },
    /// Bytes follow the structure where the specification allows none.
    TrailingData,
    /// An offset or size computation overflowed.
    Overflow {
        /// Spec name of the field whose value overflowed.
        field: &'static str,
    },
    /// A work budget was exceeded (entries, nesting depth, chain length, …).
    LimitExceeded {
        /// What was counted.
        what: &'static str,
        /// The budget.
        max: usize,
    },
    /// DER decoding failed.
    Der(der::ErrorKind),
    /// An elliptic-curve public key states its curve by explicit parameters instead of a named
    /// curve. Such keys are rejected because explicit parameters let a forged key pass as a
    /// trusted one (CVE-2020-0601).
    ExplicitEcParameters,
    /// The input holds no data at all (for example a 0-byte event log).
    Empty,
    /// Only zero or 0xFF padding bytes follow the last structure, and the caller did not allow
    /// padding.
    Padding {
        /// Number of padding bytes.
        length: usize,
    },
}

impl Error {
    /// Builds an error of `kind` in `structure` at `offset`.
    pub const fn new(kind: ErrorKind, structure: &'static str, offset: usize) -> Self {
        Self { kind, structure, offset }
    }

    /// Builds an [`ErrorKind::InvalidField`] error.
    pub const fn invalid(structure: &'static str, field: &'static str, offset: usize) -> Self {
        Self::new(ErrorKind::InvalidField { field }, structure, offset)
    }

    /// Builds an [`ErrorKind::Truncated`] error.
    pub const fn truncated(structure: &'static str, offset: usize, needed: usize) -> Self {
        Self::new(ErrorKind::Truncated { needed }, structure, offset)
    }

    /// Converts a DER error found while decoding `structure`, which starts at `base` in the
    /// caller's buffer, keeping the DER position when the decoder reported one.
    pub fn from_der(error: der::Error, structure: &'static str, base: usize) -> Self {
        let position = error.position().map_or(0, |p| usize::try_from(u32::from(p)).unwrap_or(0));
        Self::new(ErrorKind::Der(error.kind()), structure, base.saturating_add(position))
    }

    /// Returns the same error moved by `base` bytes, for a structure parsed from a sub-slice
    /// that starts at `base` in the caller's buffer.
    #[must_use]
    pub const fn shifted(self, base: usize) -> Self {
        Self { offset: self.offset.saturating_add(base), ..self }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { needed } => write!(f, "input ends early ({needed} more bytes needed)"),
            Self::InvalidField { field } => write!(f, "invalid {field}"),
            Self::Unsupported { field } => write!(f, "unsupported {field}"),
            Self::TrailingData => f.write_str("unexpected bytes after the end of the structure"),
            Self::Overflow { field } => write!(f, "{field} overflows the address range"),
            Self::LimitExceeded { what, max } => write!(f, "more than {max} {what}"),
            Self::Der(kind) => write!(f, "DER: {kind}"),
            Self::ExplicitEcParameters => f.write_str("EC public key with explicit curve parameters (CVE-2020-0601)"),
            Self::Empty => f.write_str("the input is empty"),
            Self::Padding { length } => write!(f, "{length} bytes of padding follow the last structure"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at offset {:#x}: {}", self.structure, self.offset, self.kind)
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn display_names_structure_offset_and_kind() {
        let error = Error::invalid("WIN_CERTIFICATE", "wRevision", 0x3f2);
        assert_eq!(error.to_string(), "WIN_CERTIFICATE at offset 0x3f2: invalid wRevision");
    }
}
