//! shim's Secure Boot Advanced Targeting (SBAT): the `.sbat` section of an image, the `SbatLevel`
//! variable, and generation-based revocation, as specified in shim's `SBAT.md`.
//!
//! A `.sbat` section is CSV text, one row per component:
//! `component_name,component_generation,vendor_name,vendor_package_name,vendor_version,vendor_url`,
//! the first row being `sbat,1,…` (the format version). The `SbatLevel` variable (GUID
//! `605dab50-e046-4300-abb6-3dd810dd8b23`) contains `sbat,1,YYYYMMDDnn` and then
//! `component_name,minimum_generation` rows. shim refuses an image when one of its components
//! appears in `SbatLevel` with a higher generation. Entry points: [`parse_sbat_section`],
//! [`parse_sbat_level`] and [`check_sbat`].

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::error::{Error, ErrorKind};

const SECTION: &str = ".sbat";
const LEVEL: &str = "SbatLevel";

/// Budget: rows in one `.sbat` section or `SbatLevel` payload.
pub const MAX_SBAT_ROWS: usize = 256;

/// Columns of a `.sbat` row.
const SECTION_COLUMNS: usize = 6;

/// The component name of the format-version row.
const SBAT_COMPONENT: &str = "sbat";

/// One row of a `.sbat` section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SbatEntry<'a> {
    /// `component_name`, for example `grub` or `grub.debian`.
    pub component_name: &'a str,
    /// `component_generation`.
    pub generation: u32,
    /// `vendor_name` (empty when the row has fewer columns).
    pub vendor_name: &'a str,
    /// `vendor_package_name` (empty when the row has fewer columns).
    pub vendor_package_name: &'a str,
    /// `vendor_version` (empty when the row has fewer columns).
    pub vendor_version: &'a str,
    /// `vendor_url` (empty when the row has fewer columns).
    pub vendor_url: &'a str,
}

/// A parsed `SbatLevel` payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SbatLevel<'a> {
    /// Generation of the `sbat` row: the SBAT format version, 1 today.
    pub sbat_version: u32,
    /// The `YYYYMMDDnn` datestamp of the `sbat` row.
    pub datestamp: &'a str,
    /// `(component_name, minimum_generation)` rows after the `sbat` row, in order.
    pub entries: Vec<(&'a str, u32)>,
}

/// The SBAT decision for one image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SbatVerdict {
    /// No component of the image is below the level's generation.
    Allowed,
    /// A component's generation is below the minimum in `SbatLevel`.
    Revoked {
        /// The component name.
        component: String,
        /// The generation the image carries.
        image_generation: u32,
        /// The minimum generation `SbatLevel` requires.
        minimum_generation: u32,
    },
}

/// One CSV row with its offset in the input.
struct Row<'a> {
    offset: usize,
    fields: Vec<&'a str>,
}

/// Splits `data` up to its first NUL into non-empty rows of comma-separated fields. A row may end
/// in `\r\n`. Fails on text that is not UTF-8 and beyond [`MAX_SBAT_ROWS`] rows.
fn split_rows<'a>(data: &'a [u8], structure: &'static str) -> Result<Vec<Row<'a>>, Error> {
    // The section is zero-padded to its raw size, and the variable may carry a terminating NUL.
    let text_bytes = data.split(|byte| *byte == 0).next().unwrap_or_default();
    let mut rows = Vec::new();
    let mut offset: usize = 0;

    for line in text_bytes.split(|byte| *byte == b'\n') {
        let line_offset = offset;
        offset = offset.saturating_add(line.len()).saturating_add(1);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if rows.len() >= MAX_SBAT_ROWS {
            return Err(Error::new(
                ErrorKind::LimitExceeded { what: "SBAT rows", max: MAX_SBAT_ROWS },
                structure,
                line_offset,
            ));
        }
        let text = core::str::from_utf8(line).map_err(|error| {
            Error::invalid(structure, "row (not UTF-8)", line_offset.saturating_add(error.valid_up_to()))
        })?;
        rows.push(Row { offset: line_offset, fields: text.split(',').collect() });
    }
    Ok(rows)
}

/// Parses a decimal generation number: ASCII digits only, within `u32`.
///
/// shim reads generations with `atoi`, which turns text that is not a number into 0, a
/// generation below every level. This parser rejects such text instead of guessing.
fn parse_generation(text: &str, structure: &'static str, offset: usize) -> Result<u32, Error> {
    let invalid = Error::invalid(structure, "component_generation", offset);
    if text.is_empty() {
        return Err(invalid);
    }
    text.bytes().try_fold(0u32, |value, byte| {
        let digit = char::from(byte).to_digit(10).ok_or(invalid)?;
        value.checked_mul(10).and_then(|value| value.checked_add(digit)).ok_or(invalid)
    })
}

/// Offset of field `index` in a row, for errors.
fn field_offset(row: &Row<'_>, index: usize) -> usize {
    let before: usize = row.fields.iter().take(index).map(|field| field.len().saturating_add(1)).sum();
    row.offset.saturating_add(before)
}

/// Parses the raw data of a `.sbat` section. Parsing stops at the first NUL byte. Every row needs
/// at least a component name and a generation, and at most six columns. Rows with fewer than
/// six columns get empty vendor fields.
pub fn parse_sbat_section(data: &[u8]) -> Result<Vec<SbatEntry<'_>>, Error> {
    let rows = split_rows(data, SECTION)?;
    let mut entries = Vec::with_capacity(rows.len());

    for row in &rows {
        if row.fields.len() > SECTION_COLUMNS {
            return Err(Error::invalid(
                SECTION,
                "vendor_url (more than six columns)",
                field_offset(row, SECTION_COLUMNS),
            ));
        }
        let field = |index: usize| row.fields.get(index).copied().unwrap_or_default();
        let component_name = field(0);
        if component_name.is_empty() || row.fields.len() < 2 {
            return Err(Error::invalid(SECTION, "component_name", row.offset));
        }
        let generation = parse_generation(field(1), SECTION, field_offset(row, 1))?;
        entries.push(SbatEntry {
            component_name,
            generation,
            vendor_name: field(2),
            vendor_package_name: field(3),
            vendor_version: field(4),
            vendor_url: field(5),
        });
    }
    Ok(entries)
}

/// Parses an `SbatLevel` payload: the row `sbat,<version>,<datestamp>` followed by
/// `component_name,generation` rows. Parsing stops at the first NUL byte.
pub fn parse_sbat_level(data: &[u8]) -> Result<SbatLevel<'_>, Error> {
    let rows = split_rows(data, LEVEL)?;
    let Some((first, rest)) = rows.split_first() else {
        return Err(Error::truncated(LEVEL, 0, 1));
    };

    let [name, version, datestamp] = first.fields.as_slice() else {
        return Err(Error::invalid(LEVEL, "sbat row (expected three columns)", first.offset));
    };
    if *name != SBAT_COMPONENT {
        return Err(Error::invalid(LEVEL, "component_name (expected sbat)", first.offset));
    }
    let sbat_version = parse_generation(version, LEVEL, field_offset(first, 1))?;
    if datestamp.is_empty() || !datestamp.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(Error::invalid(LEVEL, "datestamp", field_offset(first, 2)));
    }

    let mut entries = Vec::with_capacity(rest.len());
    for row in rest {
        let [component, generation] = row.fields.as_slice() else {
            return Err(Error::invalid(LEVEL, "row (expected two columns)", row.offset));
        };
        if component.is_empty() {
            return Err(Error::invalid(LEVEL, "component_name", row.offset));
        }
        entries.push((*component, parse_generation(generation, LEVEL, field_offset(row, 1))?));
    }
    Ok(SbatLevel { sbat_version, datestamp, entries })
}

/// Decides whether `SbatLevel` revokes an image with these `.sbat` rows: revoked when a component
/// the level lists has a lower generation in the image. The image's `sbat` row is compared with
/// the level's format version, as shim compares every row. Components the level does not list
/// are allowed.
///
/// Whether the image has a `.sbat` section at all is the caller's check: shim refuses an image
/// without one when `SbatLevel` is set.
pub fn check_sbat(image_entries: &[SbatEntry<'_>], level: &SbatLevel<'_>) -> SbatVerdict {
    check_rows(image_entries, level.sbat_version, level.entries.iter().copied())
}

fn check_rows<'a>(
    image_entries: &[SbatEntry<'_>],
    sbat_version: u32,
    level_entries: impl Iterator<Item = (&'a str, u32)>,
) -> SbatVerdict {
    let level_rows = core::iter::once((SBAT_COMPONENT, sbat_version)).chain(level_entries);
    for (component, minimum_generation) in level_rows {
        let revoked = image_entries
            .iter()
            .find(|entry| entry.component_name == component && entry.generation < minimum_generation);
        if let Some(entry) = revoked {
            return SbatVerdict::Revoked {
                component: component.to_string(),
                image_generation: entry.generation,
                minimum_generation,
            };
        }
    }
    SbatVerdict::Allowed
}

/// An `SbatLevel` that owns its contents, for a policy that outlives the payload bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SbatLevelOwned {
    /// Generation of the `sbat` row.
    pub sbat_version: u32,
    /// The `YYYYMMDDnn` datestamp.
    pub datestamp: String,
    /// `(component_name, minimum_generation)` rows, in order.
    pub entries: Vec<(String, u32)>,
}

impl SbatLevelOwned {
    /// Parses an `SbatLevel` payload as [`parse_sbat_level`] does.
    pub fn parse(data: &[u8]) -> Result<Self, Error> {
        let level = parse_sbat_level(data)?;
        Ok(Self {
            sbat_version: level.sbat_version,
            datestamp: level.datestamp.to_string(),
            entries: level.entries.iter().map(|(name, generation)| (name.to_string(), *generation)).collect(),
        })
    }

    /// Decides as [`check_sbat`] does.
    pub fn check(&self, image_entries: &[SbatEntry<'_>]) -> SbatVerdict {
        check_rows(
            image_entries,
            self.sbat_version,
            self.entries.iter().map(|(name, generation)| (name.as_str(), *generation)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn section_parses_with_padding() {
        let data = b"sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\r\ngrub,3,Free Software Foundation,grub,2.06,https://www.gnu.org/software/grub/\n\0\0\0garbage";
        let entries = parse_sbat_section(data).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].component_name, "grub");
        assert_eq!(entries[1].generation, 3);
        assert_eq!(entries[1].vendor_url, "https://www.gnu.org/software/grub/");
    }

    #[test]
    fn section_rejects_bad_generation() {
        for bad in ["grub,x,a,b,c,d\n", "grub,,a,b,c,d\n", "grub,-1\n", "grub,4294967296\n", "grub, 3\n"] {
            let error = parse_sbat_section(bad.as_bytes()).unwrap_err();
            assert_eq!(error, Error::invalid(SECTION, "component_generation", 5), "{bad}");
        }
        assert_eq!(parse_sbat_section(b"grub,4294967295\n").unwrap()[0].generation, u32::MAX);
    }

    #[test]
    fn section_rejects_short_and_long_rows() {
        assert!(parse_sbat_section(b"sbat,1\ngrub\n").is_err());
        assert!(parse_sbat_section(b"sbat,1\n,3\n").is_err());
        assert!(parse_sbat_section(b"grub,1,a,b,c,d,e\n").is_err());
        assert_eq!(parse_sbat_section(b"grub,1\n").unwrap()[0].vendor_name, "");
    }

    #[test]
    fn section_rejects_invalid_utf8() {
        let error = parse_sbat_section(b"sbat,1\ngr\xffub,1\n").unwrap_err();
        assert_eq!(error.offset, 9);
    }

    #[test]
    fn row_budget_is_enforced() {
        let data = "a,1\n".repeat(MAX_SBAT_ROWS + 1);
        let error = parse_sbat_section(data.as_bytes()).unwrap_err();
        assert_eq!(error.kind, ErrorKind::LimitExceeded { what: "SBAT rows", max: MAX_SBAT_ROWS });
        assert!(parse_sbat_section("a,1\n".repeat(MAX_SBAT_ROWS).as_bytes()).is_ok());
    }

    #[test]
    fn level_parses() {
        let level = parse_sbat_level(b"sbat,1,2024010900\nshim,4\ngrub,3\ngrub.debian,4\n").unwrap();
        assert_eq!(level.sbat_version, 1);
        assert_eq!(level.datestamp, "2024010900");
        assert_eq!(level.entries, vec![("shim", 4), ("grub", 3), ("grub.debian", 4)]);
    }

    #[test]
    fn level_rejects_malformed_rows() {
        assert!(parse_sbat_level(b"").is_err());
        assert!(parse_sbat_level(b"sbat,1\n").is_err());
        assert!(parse_sbat_level(b"shim,1,2024010900\n").is_err());
        assert!(parse_sbat_level(b"sbat,1,20240109x0\n").is_err());
        assert!(parse_sbat_level(b"sbat,1,2024010900\nshim,4,extra\n").is_err());
        assert!(parse_sbat_level(b"sbat,1,2024010900\nshim,four\n").is_err());
    }

    #[test]
    fn check_revokes_lower_generation() {
        let image = parse_sbat_section(b"sbat,1\ngrub,4,a,b,c,d\ngrub.debian,5,a,b,c,d\n").unwrap();
        let level = parse_sbat_level(b"sbat,1,2025021800\nshim,4\ngrub,5\n").unwrap();
        let expected = SbatVerdict::Revoked { component: "grub".into(), image_generation: 4, minimum_generation: 5 };
        assert_eq!(check_sbat(&image, &level), expected);

        let level = parse_sbat_level(b"sbat,1,2024010900\nshim,4\ngrub,4\n").unwrap();
        assert_eq!(check_sbat(&image, &level), SbatVerdict::Allowed);
    }

    #[test]
    fn check_compares_sbat_row() {
        let image = parse_sbat_section(b"sbat,0\n").unwrap();
        let level = parse_sbat_level(b"sbat,1,2021030218\n").unwrap();
        assert!(matches!(check_sbat(&image, &level), SbatVerdict::Revoked { minimum_generation: 1, .. }));
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256)) {
            let _ = parse_sbat_section(&bytes);
            let _ = parse_sbat_level(&bytes);
        }
    }
}
