//! A small, strict JSON reader and writer (RFC 8259) for the documents this crate exchanges: boot
//! baselines and boot reports. Entry points: [`Value::parse`] and [`Value::write`].
//!
//! The reader is stricter than RFC 8259 requires, because every document it reads is one this
//! crate wrote or one a person edited from such a document:
//! - numbers are integers only (no fraction, no exponent, no leading zero, within `i64`);
//! - an object may not repeat a key;
//! - nothing but whitespace may follow the top-level value;
//! - the input is at most [`Limits::max_size`] bytes, values nest at most [`Limits::max_depth`]
//!   deep, and a document holds at most [`Limits::max_values`] values.
//!
//! Errors carry the byte offset of the problem, with the structure name `"JSON"`.
//! [`Document`] keeps the offset of every parsed value, so that a schema built on top can report
//! where a value of the wrong shape is.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

use crate::error::{Error, ErrorKind};

const STRUCTURE: &str = "JSON";

/// Work budgets of [`Value::parse_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum input size in bytes.
    pub max_size: usize,
    /// Maximum nesting of arrays and objects.
    pub max_depth: usize,
    /// Maximum number of values (scalars, arrays and objects) in the document.
    pub max_values: usize,
}

impl Default for Limits {
    /// 16 MiB, depth 32, one million values: a baseline of a few hundred events uses a few
    /// kilobytes, depth 5 and a few thousand values.
    fn default() -> Self {
        Self { max_size: 16 << 20, max_depth: 32, max_values: 1 << 20 }
    }
}

/// A JSON value. Objects keep their members in document order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in document order, keys unique.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// Parses `bytes` with the default [`Limits`].
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        Self::parse_with(bytes, Limits::default())
    }

    /// Parses `bytes` as one JSON document under `limits`.
    pub fn parse_with(bytes: &[u8], limits: Limits) -> Result<Self, Error> {
        Document::parse_with(bytes, limits).map(|document| document.value)
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Object(members) => members.iter().find(|(name, _)| name == key).map(|(_, value)| value),
            _ => None,
        }
    }

    /// The string, if the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }

    /// The integer, if the value is one.
    pub const fn as_integer(&self) -> Option<i64> {
        match self {
            Self::Integer(value) => Some(*value),
            _ => None,
        }
    }

    /// The elements, if the value is an array.
    pub fn as_array(&self) -> Option<&[Self]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, if the value is an object.
    pub fn as_object(&self) -> Option<&[(String, Self)]> {
        match self {
            Self::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Writes the value as indented JSON (two spaces per level), without a final newline.
    pub fn write(&self, out: &mut String) {
        self.write_indented(out, 0);
    }

    /// The value as indented JSON.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write_indented(&self, out: &mut String, depth: usize) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Self::Integer(value) => {
                let _ = write!(out, "{value}");
            }
            Self::String(text) => write_string(out, text),
            Self::Array(items) if items.is_empty() => out.push_str("[]"),
            Self::Object(members) if members.is_empty() => out.push_str("{}"),
            Self::Array(items) => {
                out.push('[');
                for (position, item) in items.iter().enumerate() {
                    out.push_str(if position == 0 { "\n" } else { ",\n" });
                    indent(out, depth.saturating_add(1));
                    item.write_indented(out, depth.saturating_add(1));
                }
                out.push('\n');
                indent(out, depth);
                out.push(']');
            }
            Self::Object(members) => {
                out.push('{');
                for (position, (key, value)) in members.iter().enumerate() {
                    out.push_str(if position == 0 { "\n" } else { ",\n" });
                    indent(out, depth.saturating_add(1));
                    write_string(out, key);
                    out.push_str(": ");
                    value.write_indented(out, depth.saturating_add(1));
                }
                out.push('\n');
                indent(out, depth);
                out.push('}');
            }
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Self::String(String::from(text))
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Self::String(text)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<u32> for Value {
    fn from(value: u32) -> Self {
        Self::Integer(i64::from(value))
    }
}

impl From<usize> for Value {
    /// Values above `i64::MAX` (never produced by this crate's reports) saturate.
    fn from(value: usize) -> Self {
        Self::Integer(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl<T: Into<Self>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Into::into)
    }
}

/// Builds an object from `(key, value)` pairs.
pub fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
    Value::Object(members.into_iter().map(|(key, value)| (String::from(key), value)).collect())
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            control if u32::from(control) < 0x20 || control == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(control));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

/// A parsed document with the byte offset of every value in it.
#[derive(Clone, Debug)]
pub struct Document {
    /// The top-level value.
    pub value: Value,
    /// Offset of each value, keyed by the value's address inside `value`, which does not move
    /// because the document is never changed after parsing.
    offsets: BTreeMap<usize, usize>,
}

impl Document {
    /// Parses `bytes` with the default [`Limits`].
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        Self::parse_with(bytes, Limits::default())
    }

    /// Parses `bytes` as one JSON document under `limits`.
    pub fn parse_with(bytes: &[u8], limits: Limits) -> Result<Self, Error> {
        if bytes.len() > limits.max_size {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "bytes of JSON", max: limits.max_size },
                STRUCTURE,
                limits.max_size,
            ));
        }
        let mut parser = Parser { bytes, position: 0, limits, values: 0, starts: Vec::new() };
        parser.skip_whitespace();
        if parser.position == bytes.len() {
            return Err(Error::new(ErrorKind::Empty, STRUCTURE, 0));
        }
        let value = parser.value(0)?;
        parser.skip_whitespace();
        if parser.position != bytes.len() {
            return Err(Error::new(ErrorKind::TrailingData, STRUCTURE, parser.position));
        }

        // The parser recorded each value's start in pre-order; walking the finished tree in the
        // same order pairs every value with its start.
        let mut offsets = BTreeMap::new();
        let mut starts = parser.starts.into_iter();
        let mut stack: Vec<&Value> = Vec::from([&value]);
        while let Some(node) = stack.pop() {
            offsets.insert(core::ptr::from_ref(node).addr(), starts.next().unwrap_or(0));
            match node {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(members) => stack.extend(members.iter().rev().map(|(_, member)| member)),
                _ => {}
            }
        }
        Ok(Self { value, offsets })
    }

    /// The byte offset at which `value`, a value inside this document, starts; 0 for a value
    /// from elsewhere.
    pub fn offset_of(&self, value: &Value) -> usize {
        self.offsets.get(&core::ptr::from_ref(value).addr()).copied().unwrap_or(0)
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    position: usize,
    limits: Limits,
    values: usize,
    /// Start offset of every value, in pre-order.
    starts: Vec<usize>,
}

impl Parser<'_> {
    fn error(&self, field: &'static str) -> Error {
        Error::invalid(STRUCTURE, field, self.position)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn advance(&mut self, count: usize) {
        self.position = self.position.saturating_add(count).min(self.bytes.len());
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.advance(1);
        }
    }

    fn expect_literal(&mut self, literal: &'static [u8], value: Value) -> Result<Value, Error> {
        if self.bytes.get(self.position..).is_some_and(|rest| rest.starts_with(literal)) {
            self.advance(literal.len());
            Ok(value)
        } else {
            Err(self.error("literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        self.values = self.values.saturating_add(1);
        if self.values > self.limits.max_values {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "JSON values", max: self.limits.max_values },
                STRUCTURE,
                self.position,
            ));
        }
        self.starts.push(self.position);
        match self.peek() {
            Some(b'n') => self.expect_literal(b"null", Value::Null),
            Some(b't') => self.expect_literal(b"true", Value::Bool(true)),
            Some(b'f') => self.expect_literal(b"false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.integer(),
            Some(b'[') => self.array(depth),
            Some(b'{') => self.object(depth),
            Some(_) => Err(self.error("value")),
            None => Err(Error::truncated(STRUCTURE, self.position, 1)),
        }
    }

    fn enter(&self, depth: usize) -> Result<usize, Error> {
        let inner = depth.saturating_add(1);
        if inner > self.limits.max_depth {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "levels of JSON nesting", max: self.limits.max_depth },
                STRUCTURE,
                self.position,
            ));
        }
        Ok(inner)
    }

    fn array(&mut self, depth: usize) -> Result<Value, Error> {
        let inner = self.enter(depth)?;
        self.advance(1);
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.advance(1);
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(inner)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.advance(1),
                Some(b']') => {
                    self.advance(1);
                    return Ok(Value::Array(items));
                }
                Some(_) => return Err(self.error("array separator")),
                None => return Err(Error::truncated(STRUCTURE, self.position, 1)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, Error> {
        let inner = self.enter(depth)?;
        self.advance(1);
        let mut members: Vec<(String, Value)> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.advance(1);
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            let key_offset = self.position;
            if self.peek() != Some(b'"') {
                return Err(self.error("object key"));
            }
            let key = self.string()?;
            if members.iter().any(|(existing, _)| *existing == key) {
                return Err(Error::invalid(STRUCTURE, "duplicate object key", key_offset));
            }
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error("name separator"));
            }
            self.advance(1);
            self.skip_whitespace();
            let value = self.value(inner)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.advance(1),
                Some(b'}') => {
                    self.advance(1);
                    return Ok(Value::Object(members));
                }
                Some(_) => return Err(self.error("object separator")),
                None => return Err(Error::truncated(STRUCTURE, self.position, 1)),
            }
        }
    }

    fn integer(&mut self) -> Result<Value, Error> {
        let start = self.position;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.advance(1);
        }
        let digits_start = self.position;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.advance(1);
        }
        let digits = self.bytes.get(digits_start..self.position).unwrap_or_default();
        if digits.is_empty() {
            return Err(self.error("number"));
        }
        if digits.len() > 1 && digits.first() == Some(&b'0') {
            return Err(Error::invalid(STRUCTURE, "number with a leading zero", digits_start));
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return Err(Error::new(ErrorKind::Unsupported { field: "non-integer number" }, STRUCTURE, self.position));
        }
        let text = core::str::from_utf8(self.bytes.get(start..self.position).unwrap_or_default())
            .map_err(|_| Error::invalid(STRUCTURE, "number", start))?;
        text.parse::<i64>()
            .map(Value::Integer)
            .map_err(|_| Error::new(ErrorKind::Overflow { field: "number" }, STRUCTURE, start))
    }

    fn string(&mut self) -> Result<String, Error> {
        self.advance(1);
        let mut text = String::new();
        loop {
            let offset = self.position;
            let Some(byte) = self.peek() else { return Err(Error::truncated(STRUCTURE, offset, 1)) };
            match byte {
                b'"' => {
                    self.advance(1);
                    return Ok(text);
                }
                b'\\' => {
                    self.advance(1);
                    text.push(self.escape()?);
                }
                0x00..=0x1F => return Err(Error::invalid(STRUCTURE, "control character in string", offset)),
                _ => {
                    let length = utf8_length(byte).ok_or(Error::invalid(STRUCTURE, "UTF-8", offset))?;
                    let end = offset.checked_add(length).ok_or(Error::truncated(STRUCTURE, offset, length))?;
                    let bytes = self.bytes.get(offset..end).ok_or(Error::truncated(STRUCTURE, offset, length))?;
                    let character =
                        core::str::from_utf8(bytes).map_err(|_| Error::invalid(STRUCTURE, "UTF-8", offset))?;
                    text.push_str(character);
                    self.advance(length);
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, Error> {
        let offset = self.position;
        let Some(byte) = self.peek() else { return Err(Error::truncated(STRUCTURE, offset, 1)) };
        self.advance(1);
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&high) {
                    if self.bytes.get(self.position..).is_none_or(|rest| !rest.starts_with(b"\\u")) {
                        return Err(Error::invalid(STRUCTURE, "unpaired surrogate", offset));
                    }
                    self.advance(2);
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(Error::invalid(STRUCTURE, "unpaired surrogate", offset));
                    }
                    // Both halves are in range, so neither subtraction nor the sum overflows.
                    0x10000u32
                        .checked_add(high.saturating_sub(0xD800) << 10)
                        .and_then(|sum| sum.checked_add(low.saturating_sub(0xDC00)))
                        .unwrap_or(0xFFFD)
                } else {
                    high
                };
                char::from_u32(code).ok_or(Error::invalid(STRUCTURE, "unpaired surrogate", offset))?
            }
            _ => return Err(Error::invalid(STRUCTURE, "escape", offset)),
        })
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let offset = self.position;
        let end = offset.checked_add(4).ok_or(Error::truncated(STRUCTURE, offset, 4))?;
        let digits = self.bytes.get(offset..end).ok_or(Error::truncated(STRUCTURE, offset, 4))?;
        let text = core::str::from_utf8(digits).map_err(|_| Error::invalid(STRUCTURE, "\\u escape", offset))?;
        if !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(Error::invalid(STRUCTURE, "\\u escape", offset));
        }
        let value = u32::from_str_radix(text, 16).map_err(|_| Error::invalid(STRUCTURE, "\\u escape", offset))?;
        self.advance(4);
        Ok(value)
    }
}

/// The length of the UTF-8 sequence that starts with `byte`, or `None` for a byte that cannot
/// start one.
const fn utf8_length(byte: u8) -> Option<usize> {
    match byte {
        0x00..=0x7F => Some(1),
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

/// Lowercase hexadecimal of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Decodes hexadecimal text (either case, even length); `None` for anything else.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| {
            let text = core::str::from_utf8(pair).ok()?;
            if !pair.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            u8::from_str_radix(text, 16).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn error_at(text: &str) -> (ErrorKind, usize) {
        let error = Value::parse(text.as_bytes()).unwrap_err();
        (error.kind, error.offset)
    }

    #[test]
    fn round_trip() {
        let value = object([
            ("version", Value::Integer(1)),
            ("name", Value::from("a \"quoted\" \\ name\n\u{1}é")),
            ("list", Value::Array(vec![Value::Null, Value::Bool(true), Value::Integer(-42), Value::Array(vec![])])),
            ("empty", Value::Object(vec![])),
        ]);
        let text = value.to_json();
        assert_eq!(Value::parse(text.as_bytes()).unwrap(), value);
    }

    #[test]
    fn escapes_decode() {
        // RFC 8259 section 7: U+1D11E is written as the surrogate pair \ud834\udd1e.
        let value = Value::parse(br#""\ud834\udd1e \u00e9 \/ \t""#).unwrap();
        assert_eq!(value.as_str(), Some("\u{1d11e} \u{e9} / \t"));
    }

    #[test]
    fn strict_errors_name_offsets() {
        assert_eq!(error_at("{\"a\": 1, \"a\": 2}"), (ErrorKind::InvalidField { field: "duplicate object key" }, 9));
        assert_eq!(error_at("[1] x"), (ErrorKind::TrailingData, 4));
        assert_eq!(error_at("[01]"), (ErrorKind::InvalidField { field: "number with a leading zero" }, 1));
        assert_eq!(error_at("[1.5]"), (ErrorKind::Unsupported { field: "non-integer number" }, 2));
        assert_eq!(error_at("[1,]"), (ErrorKind::InvalidField { field: "value" }, 3));
        assert_eq!(error_at("{\"a\" 1}"), (ErrorKind::InvalidField { field: "name separator" }, 5));
        assert_eq!(error_at("\"ab"), (ErrorKind::Truncated { needed: 1 }, 3));
        assert_eq!(error_at("\"a\u{1}\""), (ErrorKind::InvalidField { field: "control character in string" }, 2));
        assert_eq!(error_at("\"\\ud834\""), (ErrorKind::InvalidField { field: "unpaired surrogate" }, 2));
        assert_eq!(error_at("\"\\q\""), (ErrorKind::InvalidField { field: "escape" }, 2));
        assert_eq!(error_at("[99999999999999999999]"), (ErrorKind::Overflow { field: "number" }, 1));
        assert_eq!(error_at("  "), (ErrorKind::Empty, 0));
        assert_eq!(error_at("tru"), (ErrorKind::InvalidField { field: "literal" }, 0));
    }

    #[test]
    fn budgets_are_enforced() {
        let deep = "[".repeat(40);
        assert_eq!(error_at(&deep), (ErrorKind::LimitExceeded { what: "levels of JSON nesting", max: 32 }, 32));

        let limits = Limits { max_size: 8, ..Limits::default() };
        let error = Value::parse_with(b"[1,2,3,4,5]", limits).unwrap_err();
        assert_eq!(error.kind, ErrorKind::LimitExceeded { what: "bytes of JSON", max: 8 });

        let limits = Limits { max_values: 3, ..Limits::default() };
        let error = Value::parse_with(b"[1,2,3]", limits).unwrap_err();
        assert_eq!(error.kind, ErrorKind::LimitExceeded { what: "JSON values", max: 3 });
        assert_eq!(error.offset, 5);
    }

    #[test]
    fn document_records_offsets() {
        let document = Document::parse(br#"{"a": [1, {"b": "x"}], "c": null}"#).unwrap();
        let a = document.value.get("a").unwrap();
        assert_eq!(document.offset_of(a), 6);
        let inner = &a.as_array().unwrap()[1];
        assert_eq!(document.offset_of(inner), 10);
        assert_eq!(document.offset_of(inner.get("b").unwrap()), 16);
        assert_eq!(document.offset_of(document.value.get("c").unwrap()), 28);
    }

    #[test]
    fn hex_round_trip() {
        assert_eq!(from_hex("00fFa1"), Some(vec![0x00, 0xff, 0xa1]));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("+1"), None);
        assert_eq!(hex(&[0x00, 0xff]), "00ff");
    }
}
