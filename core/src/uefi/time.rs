//! `EFI_TIME` (UEFI 2.10 section 8.3): the 16-byte calendar time used by authenticated variables
//! and by the revocation time of `EFI_CERT_X509_SHA*` entries in `dbx`.
//!
//! Layout, little-endian: `Year` u16, `Month`, `Day`, `Hour`, `Minute`, `Second`, `Pad1` (one
//! byte each), `Nanosecond` u32, `TimeZone` i16, `Daylight`, `Pad2`. Entry point:
//! [`EfiTime::parse`].

use core::cmp::Ordering;

use crate::error::Error;
use crate::reader::Reader;

const STRUCTURE: &str = "EFI_TIME";

/// `EFI_UNSPECIFIED_TIMEZONE`: the time is a local time in an unknown zone.
pub const EFI_UNSPECIFIED_TIMEZONE: i16 = 0x07FF;

/// Size of `EFI_TIME` in bytes.
pub const EFI_TIME_SIZE: usize = 16;

const SECONDS_PER_DAY: u64 = 86_400;

/// An `EFI_TIME` as stored, without any range check; [`EfiTime::unix_seconds`] checks ranges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct EfiTime {
    /// `Year`, 1900–9999 when valid.
    pub year: u16,
    /// `Month`, 1–12 when valid.
    pub month: u8,
    /// `Day`, 1–31 when valid (bounded by the month's length).
    pub day: u8,
    /// `Hour`, 0–23 when valid.
    pub hour: u8,
    /// `Minute`, 0–59 when valid.
    pub minute: u8,
    /// `Second`, 0–59 when valid.
    pub second: u8,
    /// `Pad1`, zero in an authenticated variable.
    pub pad1: u8,
    /// `Nanosecond`, 0–999 999 999 when valid.
    pub nanosecond: u32,
    /// `TimeZone`: offset in minutes (−1440 to 1440) or [`EFI_UNSPECIFIED_TIMEZONE`].
    pub time_zone: i16,
    /// `Daylight` flags (`EFI_TIME_ADJUST_DAYLIGHT` 0x01, `EFI_TIME_IN_DAYLIGHT` 0x02).
    pub daylight: u8,
    /// `Pad2`, zero in an authenticated variable.
    pub pad2: u8,
}

impl EfiTime {
    /// Parses the 16 bytes at `offset` of `bytes`; errors report offsets in `bytes`.
    pub fn parse(bytes: &[u8], offset: usize) -> Result<Self, Error> {
        let slice = bytes.get(offset..).and_then(|rest| rest.get(..EFI_TIME_SIZE)).ok_or(Error::truncated(
            STRUCTURE,
            offset,
            EFI_TIME_SIZE,
        ))?;
        let mut reader = Reader::new(slice, offset, STRUCTURE);
        Ok(Self {
            year: reader.u16_le()?,
            month: reader.u8()?,
            day: reader.u8()?,
            hour: reader.u8()?,
            minute: reader.u8()?,
            second: reader.u8()?,
            pad1: reader.u8()?,
            nanosecond: reader.u32_le()?,
            time_zone: i16::from_le_bytes(reader.array()?),
            daylight: reader.u8()?,
            pad2: reader.u8()?,
        })
    }

    /// Encodes the time in its 16-byte on-disk form.
    pub fn to_bytes(&self) -> [u8; EFI_TIME_SIZE] {
        let [y0, y1] = self.year.to_le_bytes();
        let [n0, n1, n2, n3] = self.nanosecond.to_le_bytes();
        let [z0, z1] = self.time_zone.to_le_bytes();
        [
            y0,
            y1,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.pad1,
            n0,
            n1,
            n2,
            n3,
            z0,
            z1,
            self.daylight,
            self.pad2,
        ]
    }

    /// Returns whether all 16 bytes are zero (a revocation time of "always" in an `EFI_CERT_X509_SHA*`
    /// entry).
    pub fn is_zero(&self) -> bool {
        self.to_bytes() == [0; EFI_TIME_SIZE]
    }

    /// Converts the time to seconds since 1970-01-01T00:00:00Z, or `None` when a field is out of
    /// range, the time is before 1970, or `TimeZone` is a nonzero offset.
    ///
    /// A time with [`EFI_UNSPECIFIED_TIMEZONE`] is read as if it were UTC. A nonzero offset is not
    /// applied because firmware compares `EFI_TIME` values field by field without the zone (see
    /// [`EfiTime::compare_fields`]), and authenticated variables require zone 0.
    pub fn unix_seconds(&self) -> Option<u64> {
        self.check_ranges()?;
        if self.time_zone != 0 && self.time_zone != EFI_UNSPECIFIED_TIMEZONE {
            return None;
        }

        let days = days_from_civil(self.year, self.month, self.day)?;
        let seconds_of_day = u64::from(self.hour)
            .checked_mul(3600)?
            .checked_add(u64::from(self.minute).checked_mul(60)?)?
            .checked_add(u64::from(self.second))?;
        days.checked_mul(SECONDS_PER_DAY)?.checked_add(seconds_of_day)
    }

    /// Checks the fields that `EFI_VARIABLE_AUTHENTICATION_2` requires to be zero: `Pad1`,
    /// `Nanosecond`, `TimeZone`, `Daylight` and `Pad2` (UEFI 2.10 section 8.2.2).
    pub fn validate_authenticated(&self) -> Result<(), Error> {
        let checks: [(bool, &'static str, usize); 5] = [
            (self.pad1 == 0, "Pad1", 7),
            (self.nanosecond == 0, "Nanosecond", 8),
            (self.time_zone == 0, "TimeZone", 12),
            (self.daylight == 0, "Daylight", 14),
            (self.pad2 == 0, "Pad2", 15),
        ];
        match checks.into_iter().find(|(valid, _, _)| !valid) {
            Some((_, field, offset)) => Err(Error::invalid(STRUCTURE, field, offset)),
            None => Ok(()),
        }
    }

    /// Orders two times by `Year`, `Month`, `Day`, `Hour`, `Minute` and `Second`, ignoring the
    /// other fields, as EDK2's authenticated-variable code compares time stamps.
    pub fn compare_fields(&self, other: &Self) -> Ordering {
        let key = |time: &Self| (time.year, time.month, time.day, time.hour, time.minute, time.second);
        key(self).cmp(&key(other))
    }

    fn check_ranges(&self) -> Option<()> {
        let valid = (1900..=9999).contains(&self.year)
            && (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour <= 23
            && self.minute <= 59
            && self.second <= 59
            && self.nanosecond <= 999_999_999
            && ((-1440..=1440).contains(&self.time_zone) || self.time_zone == EFI_UNSPECIFIED_TIMEZONE);
        valid.then_some(())
    }
}

const fn is_leap_year(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to the given date, `None` before 1970. The date must be in range.
fn days_from_civil(year: u16, month: u8, day: u8) -> Option<u64> {
    if year < 1970 {
        return None;
    }
    let mut days: u64 = 0;
    for y in 1970..year {
        days = days.checked_add(if is_leap_year(y) { 366 } else { 365 })?;
    }
    for m in 1..month {
        days = days.checked_add(u64::from(days_in_month(year, m)))?;
    }
    days.checked_add(u64::from(day))?.checked_sub(1)
}

impl core::fmt::Display for EfiTime {
    /// ISO 8601 form, `YYYY-MM-DDTHH:MM:SS`, with the zone offset in minutes when one is set.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        if self.time_zone != EFI_UNSPECIFIED_TIMEZONE && self.time_zone != 0 {
            write!(f, " (zone {:+} min)", self.time_zone)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The EFI_TIME of every Microsoft dbx update file: 2010-03-06 19:17:21, zone 0.
    const MICROSOFT_TIME: [u8; 16] = [0xda, 0x07, 3, 6, 19, 17, 21, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    #[test]
    fn parse_round_trips() {
        let time = EfiTime::parse(&MICROSOFT_TIME, 0).unwrap();
        assert_eq!((time.year, time.month, time.day), (2010, 3, 6));
        assert_eq!((time.hour, time.minute, time.second), (19, 17, 21));
        assert_eq!(time.to_bytes(), MICROSOFT_TIME);
        assert!(time.validate_authenticated().is_ok());
        assert!(!time.is_zero());
    }

    #[test]
    fn unix_seconds_matches_date_command() {
        // `date -u -d 2010-03-06T19:17:21Z +%s` prints 1267903041.
        let time = EfiTime::parse(&MICROSOFT_TIME, 0).unwrap();
        assert_eq!(time.unix_seconds(), Some(1_267_903_041));
        // `date -u -d 2000-02-29T23:59:59Z +%s` prints 951868799 (leap day of a 400-year).
        let leap = EfiTime { year: 2000, month: 2, day: 29, hour: 23, minute: 59, second: 59, ..EfiTime::default() };
        assert_eq!(leap.unix_seconds(), Some(951_868_799));
        let epoch = EfiTime { year: 1970, month: 1, day: 1, ..EfiTime::default() };
        assert_eq!(epoch.unix_seconds(), Some(0));
    }

    #[test]
    fn unix_seconds_rejects_out_of_range() {
        let base = EfiTime { year: 2023, month: 2, day: 28, ..EfiTime::default() };
        assert!(base.unix_seconds().is_some());
        assert_eq!(EfiTime { day: 29, ..base }.unix_seconds(), None);
        assert_eq!(EfiTime { month: 13, ..base }.unix_seconds(), None);
        assert_eq!(EfiTime { hour: 24, ..base }.unix_seconds(), None);
        assert_eq!(EfiTime { second: 60, ..base }.unix_seconds(), None);
        assert_eq!(EfiTime { nanosecond: 1_000_000_000, ..base }.unix_seconds(), None);
        assert_eq!(EfiTime { time_zone: 60, ..base }.unix_seconds(), None);
        assert_eq!(EfiTime { year: 1969, month: 12, day: 31, ..base }.unix_seconds(), None);
        assert!(EfiTime { time_zone: EFI_UNSPECIFIED_TIMEZONE, ..base }.unix_seconds().is_some());
        assert_eq!(EfiTime::default().unix_seconds(), None);
    }

    #[test]
    fn authenticated_time_rejects_nonzero_fields() {
        let base = EfiTime::parse(&MICROSOFT_TIME, 0).unwrap();
        let cases = [
            (EfiTime { pad1: 1, ..base }, "Pad1", 7),
            (EfiTime { nanosecond: 1, ..base }, "Nanosecond", 8),
            (EfiTime { time_zone: -60, ..base }, "TimeZone", 12),
            (EfiTime { daylight: 1, ..base }, "Daylight", 14),
            (EfiTime { pad2: 1, ..base }, "Pad2", 15),
        ];
        for (time, field, offset) in cases {
            let error = time.validate_authenticated().unwrap_err();
            assert_eq!(error, Error::invalid(STRUCTURE, field, offset));
        }
    }

    #[test]
    fn parse_reports_truncation_offset() {
        let error = EfiTime::parse(&[0; 20], 8).unwrap_err();
        assert_eq!(error.offset, 8);
        assert!(EfiTime::parse(&[0; 4], 8).is_err());
    }

    #[test]
    fn compare_fields_ignores_zone() {
        let a = EfiTime { year: 2020, month: 1, day: 1, time_zone: 60, ..EfiTime::default() };
        let b = EfiTime { year: 2020, month: 1, day: 2, ..EfiTime::default() };
        assert_eq!(a.compare_fields(&b), Ordering::Less);
        assert_eq!(a.compare_fields(&EfiTime { time_zone: 0, ..a }), Ordering::Equal);
    }
}
