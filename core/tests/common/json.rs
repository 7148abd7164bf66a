//! A minimal JSON reader for the corpus expectation files (objects, arrays, strings, numbers,
//! booleans, null); enough for `expected_pcrs.json`, not a general parser.

use std::collections::BTreeMap;

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Json>),
    Object(BTreeMap<String, Json>),
}

impl Json {
    /// Parses `text`; panics on malformed input (test helper).
    pub fn parse(text: &str) -> Json {
        let mut parser = Parser { bytes: text.as_bytes(), position: 0 };
        let value = parser.value();
        parser.whitespace();
        assert_eq!(parser.position, parser.bytes.len(), "trailing bytes in JSON");
        value
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(map) => map.get(key),
            _ => None,
        }
    }

    /// The object's members.
    pub fn members(&self) -> impl Iterator<Item = (&String, &Json)> {
        match self {
            Json::Object(map) => Some(map.iter()),
            _ => None,
        }
        .into_iter()
        .flatten()
    }

    /// The string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    /// The array items.
    pub fn items(&self) -> &[Json] {
        match self {
            Json::Array(items) => items,
            _ => &[],
        }
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Parser<'_> {
    fn whitespace(&mut self) {
        while self.bytes.get(self.position).is_some_and(u8::is_ascii_whitespace) {
            self.position += 1;
        }
    }

    fn next(&mut self) -> u8 {
        let byte = self.bytes[self.position];
        self.position += 1;
        byte
    }

    fn value(&mut self) -> Json {
        self.whitespace();
        match self.bytes[self.position] {
            b'{' => {
                self.position += 1;
                let mut map = BTreeMap::new();
                loop {
                    self.whitespace();
                    if self.bytes[self.position] == b'}' {
                        self.position += 1;
                        return Json::Object(map);
                    }
                    let Json::String(key) = self.value() else { panic!("object key") };
                    self.whitespace();
                    assert_eq!(self.next(), b':');
                    let value = self.value();
                    map.insert(key, value);
                    self.whitespace();
                    if self.bytes[self.position] == b',' {
                        self.position += 1;
                    }
                }
            }
            b'[' => {
                self.position += 1;
                let mut items = Vec::new();
                loop {
                    self.whitespace();
                    if self.bytes[self.position] == b']' {
                        self.position += 1;
                        return Json::Array(items);
                    }
                    items.push(self.value());
                    self.whitespace();
                    if self.bytes[self.position] == b',' {
                        self.position += 1;
                    }
                }
            }
            b'"' => {
                self.position += 1;
                let mut text = String::new();
                loop {
                    match self.next() {
                        b'"' => return Json::String(text),
                        b'\\' => match self.next() {
                            b'n' => text.push('\n'),
                            b't' => text.push('\t'),
                            b'u' => {
                                let hex = std::str::from_utf8(&self.bytes[self.position..self.position + 4]).unwrap();
                                self.position += 4;
                                text.push(char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap_or('\u{fffd}'));
                            }
                            other => text.push(char::from(other)),
                        },
                        _ => {
                            // Re-read the full UTF-8 sequence starting at the previous byte.
                            let start = self.position - 1;
                            let mut end = self.position;
                            while end < self.bytes.len() && (self.bytes[end] & 0xC0) == 0x80 {
                                end += 1;
                            }
                            text.push_str(std::str::from_utf8(&self.bytes[start..end]).unwrap());
                            self.position = end;
                        }
                    }
                }
            }
            b't' => {
                self.position += 4;
                Json::Bool(true)
            }
            b'f' => {
                self.position += 5;
                Json::Bool(false)
            }
            b'n' => {
                self.position += 4;
                Json::Null
            }
            _ => {
                let start = self.position;
                while self.bytes.get(self.position).is_some_and(|b| b"+-.eE0123456789".contains(b)) {
                    self.position += 1;
                }
                Json::Number(std::str::from_utf8(&self.bytes[start..self.position]).unwrap().parse().unwrap())
            }
        }
    }
}
