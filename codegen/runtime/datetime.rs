//! Smithy `timestamp` values and their wire formats: epoch seconds (with fractions), RFC 3339
//! `date-time` and IMF-fixdate `http-date`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in time, to the nanosecond; before or after 1970. The default is the epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    seconds: i64,
    nanos: u32,
}

impl DateTime {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    pub const fn from_secs(seconds: i64) -> Self {
        DateTime { seconds, nanos: 0 }
    }

    /// Seconds and nanoseconds (normalized, so `nanos` may exceed a second; saturating at the
    /// ends of `i64`).
    pub fn from_secs_and_nanos(seconds: i64, nanos: u32) -> Self {
        DateTime {
            seconds: seconds.saturating_add(i64::from(nanos / 1_000_000_000)),
            nanos: nanos % 1_000_000_000,
        }
    }

    /// Fractional seconds since the epoch, rounded to the microsecond so that decimal inputs
    /// such as `1.234` keep their digits.
    /// The whole seconds and the fraction are taken apart first: beyond 2^53 microseconds
    /// (about 285 years from 1970) the product with a million is no longer exact, and
    /// `2906657657510.0` would gain 128 µs. Saturates at the ends of `i64`; NaN is the epoch.
    pub fn from_secs_f64(seconds: f64) -> Self {
        let whole = seconds.floor();
        let micros = ((seconds - whole) * 1_000_000.0).round() as u32;
        let (carry, micros) = (micros / 1_000_000, micros % 1_000_000);
        DateTime {
            seconds: (whole as i64).saturating_add(i64::from(carry)),
            nanos: micros * 1000,
        }
    }

    pub fn secs(&self) -> i64 {
        self.seconds
    }

    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    pub fn as_secs_f64(&self) -> f64 {
        self.seconds as f64 + f64::from(self.nanos) / 1e9
    }

    /// `2014-04-29T18:30:38Z`, with as many fraction digits as needed (`.123Z`).
    pub fn to_date_time(self) -> String {
        let (date, (h, m, s)) = self.civil();
        let fraction = fraction_digits(self.nanos);
        format!("{date}T{h:02}:{m:02}:{s:02}{fraction}Z")
    }

    /// `Tue, 29 Apr 2014 18:30:38 GMT`, with milliseconds when there are any.
    pub fn to_http_date(self) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        let days = self.seconds.div_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let rem = self.seconds.rem_euclid(86_400);
        let weekday = DAYS[days.rem_euclid(7) as usize];
        let millis = if self.nanos >= 1_000_000 {
            format!(".{:03}", self.nanos / 1_000_000)
        } else {
            String::new()
        };
        format!(
            "{weekday}, {day:02} {} {year:04} {:02}:{:02}:{:02}{millis} GMT",
            MONTHS[month as usize - 1],
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }

    /// RFC 3339: `2014-04-29T18:30:38Z`, fractions and `±hh:mm` offsets allowed.
    pub fn parse_date_time(text: &str) -> Option<Self> {
        let (date, time) = text.split_once(['T', 't', ' '])?;
        let mut parts = date.splitn(3, '-');
        let year: i64 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
            (clock, 0)
        } else {
            let at = time.rfind(['+', '-'])?;
            let (clock, offset) = time.split_at(at);
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (h, m) = offset[1..].split_once(':')?;
            // `hh:mm`, less than a day.
            let (h, m) = (two_digits(h)?, two_digits(m)?);
            if h >= 24 || m >= 60 {
                return None;
            }
            (clock, sign * i64::from(h * 3600 + m * 60))
        };
        let mut clock_parts = clock.splitn(3, ':');
        let hour: u32 = clock_parts.next()?.parse().ok()?;
        let minute: u32 = clock_parts.next()?.parse().ok()?;
        let seconds = clock_parts.next()?;
        let (whole, fraction) = match seconds.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (seconds, None),
        };
        let second: u32 = whole.parse().ok()?;
        let nanos = match fraction {
            Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
                f.parse::<u32>().ok()? * 10u32.pow(9 - f.len() as u32)
            }
            Some(_) => return None,
            None => 0,
        };
        Self::from_parts(year, month, day, hour, minute, second, nanos)
            .map(|t| DateTime {
                seconds: t.seconds - offset,
                ..t
            })
            .and_then(Self::writable)
    }

    /// IMF-fixdate: `Tue, 29 Apr 2014 18:30:38 GMT` (fractional seconds accepted).
    pub fn parse_http_date(text: &str) -> Option<Self> {
        let rest = text.split_once(", ")?.1;
        let mut parts = rest.split(' ');
        let day: u32 = parts.next()?.parse().ok()?;
        let month = parts.next()?;
        let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
        let year: i64 = parts.next()?.parse().ok()?;
        let clock = parts.next()?;
        if parts.next()? != "GMT" || parts.next().is_some() {
            return None;
        }
        let mut clock_parts = clock.splitn(3, ':');
        let hour: u32 = clock_parts.next()?.parse().ok()?;
        let minute: u32 = clock_parts.next()?.parse().ok()?;
        let seconds = clock_parts.next()?;
        let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
        let second: u32 = whole.parse().ok()?;
        let nanos = if fraction.is_empty() {
            0
        } else if fraction.len() <= 9 && fraction.bytes().all(|b| b.is_ascii_digit()) {
            fraction.parse::<u32>().ok()? * 10u32.pow(9 - fraction.len() as u32)
        } else {
            return None;
        };
        Self::from_parts(year, month, day, hour, minute, second, nanos).and_then(Self::writable)
    }

    /// The instant if it falls in years 0001-9999 in UTC, the years the text forms can write:
    /// an offset or a leap second can carry a valid date-time beyond them
    /// (`9999-12-31T23:59:60Z`, `0001-01-01T00:00:00+01:00`).
    fn writable(self) -> Option<Self> {
        const FIRST: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
        const LAST: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
        (FIRST..=LAST).contains(&self.seconds).then_some(self)
    }

    fn from_parts(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
        nanos: u32,
    ) -> Option<Self> {
        // Years 0001-9999, as RFC 3339 and IMF-fixdate write them: no arithmetic overflows.
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && hour < 24
            && minute < 60
            && second < 61;
        valid.then(|| DateTime {
            seconds: days_from_civil(year, month, day) * 86_400
                + i64::from(hour * 3600 + minute * 60 + second),
            nanos,
        })
    }

    /// `(YYYY-MM-DD, (h, m, s))`.
    fn civil(self) -> (String, (i64, i64, i64)) {
        let (year, month, day) = civil_from_days(self.seconds.div_euclid(86_400));
        let rem = self.seconds.rem_euclid(86_400);
        (
            format!("{year:04}-{month:02}-{day:02}"),
            (rem / 3600, rem % 3600 / 60, rem % 60),
        )
    }
}

/// Exactly two ASCII digits.
fn two_digits(text: &str) -> Option<u32> {
    match text.as_bytes() {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some(u32::from(a - b'0') * 10 + u32::from(b - b'0')),
        _ => None,
    }
}

/// The seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range every platform's
/// `SystemTime` holds.
const MIN_SECONDS: i64 = -62_135_596_800;
const MAX_SECONDS: i64 = 253_402_300_799;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `.5`, `.123`, `.000001` — the shortest decimal fraction, or nothing for whole seconds.
fn fraction_digits(nanos: u32) -> String {
    if nanos == 0 {
        return String::new();
    }
    let digits = format!("{nanos:09}");
    format!(".{}", digits.trim_end_matches('0'))
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_date_time())
    }
}

impl From<SystemTime> for DateTime {
    fn from(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => DateTime {
                seconds: after.as_secs() as i64,
                nanos: after.subsec_nanos(),
            },
            Err(before) => {
                let d = before.duration();
                let (secs, nanos) = (d.as_secs() as i64, d.subsec_nanos());
                if nanos == 0 {
                    DateTime {
                        seconds: -secs,
                        nanos: 0,
                    }
                } else {
                    DateTime {
                        seconds: -secs - 1,
                        nanos: 1_000_000_000 - nanos,
                    }
                }
            }
        }
    }
}

/// Clamped to years 0001-9999, so that no `DateTime` makes the conversion overflow.
impl From<DateTime> for SystemTime {
    fn from(time: DateTime) -> Self {
        let seconds = time.seconds.clamp(MIN_SECONDS, MAX_SECONDS);
        let nanos = time.nanos.min(999_999_999);
        if seconds >= 0 {
            UNIX_EPOCH + Duration::new(seconds.unsigned_abs(), nanos)
        } else {
            UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
                + Duration::from_nanos(u64::from(nanos))
        }
    }
}

/// 28 to 31, by the proleptic Gregorian calendar (`month` is 1-12).
fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), after Howard Hinnant's
/// `civil_from_days`.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The inverse: days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip() {
        let t = DateTime::from_secs(1_398_796_238);
        assert_eq!(t.to_date_time(), "2014-04-29T18:30:38Z");
        assert_eq!(t.to_http_date(), "Tue, 29 Apr 2014 18:30:38 GMT");
        assert_eq!(DateTime::parse_date_time("2014-04-29T18:30:38Z"), Some(t));
        assert_eq!(
            DateTime::parse_http_date("Tue, 29 Apr 2014 18:30:38 GMT"),
            Some(t)
        );
        let fractional = DateTime::from_secs_and_nanos(1_398_796_238, 123_000_000);
        assert_eq!(fractional.to_date_time(), "2014-04-29T18:30:38.123Z");
        assert_eq!(
            fractional.to_http_date(),
            "Tue, 29 Apr 2014 18:30:38.123 GMT"
        );
        assert_eq!(
            DateTime::parse_date_time("2014-04-29T18:30:38.123Z"),
            Some(fractional)
        );
        assert_eq!(
            DateTime::parse_date_time("2014-04-29T20:30:38.123+02:00"),
            Some(fractional)
        );
    }

    #[test]
    fn epoch_seconds_keep_decimal_fractions() {
        let t = DateTime::from_secs_f64(1_398_796_238.123);
        assert_eq!((t.secs(), t.subsec_nanos()), (1_398_796_238, 123_000_000));
        let before = DateTime::from_secs_f64(-0.5);
        assert_eq!((before.secs(), before.subsec_nanos()), (-1, 500_000_000));
        assert_eq!(before.to_date_time(), "1969-12-31T23:59:59.5Z");
    }

    #[test]
    fn system_time_conversions_cover_both_sides_of_the_epoch() {
        for t in [
            DateTime::from_secs(0),
            DateTime::from_secs_and_nanos(5, 7),
            DateTime::from_secs_and_nanos(-3, 250),
        ] {
            assert_eq!(DateTime::from(SystemTime::from(t)), t);
        }
    }

    #[test]
    fn out_of_range_years_offsets_and_huge_values_are_errors_not_overflows() {
        for text in [
            "300000000000-01-01T00:00:00Z",
            "-9223372036854775808-01-01T00:00:00Z",
            "0000-12-31T00:00:00Z",
            "10000-01-01T00:00:00Z",
            "2024-01-01T00:00:00+24:00",
            "2024-01-01T00:00:00-99:59",
            "2024-01-01T00:00:00+00:60",
            "2024-01-01T00:00:00+9999999999999999:00",
            "2024-01-01T00:00:00+1:00",
        ] {
            assert_eq!(DateTime::parse_date_time(text), None, "{text}");
        }
        assert_eq!(
            DateTime::parse_http_date("Tue, 29 Apr 300000000000 18:30:38 GMT"),
            None
        );
        assert_eq!(
            DateTime::parse_http_date("Tue, 29 Apr 0000 18:30:38 GMT"),
            None
        );
        assert!(DateTime::parse_date_time("9999-12-31T23:59:59+23:59").is_some());
        assert!(DateTime::parse_date_time("0001-01-01T00:00:00Z").is_some());
        assert!(DateTime::parse_date_time("0001-01-01T00:00:00-01:00").is_some());
        assert_eq!(
            DateTime::from_secs_and_nanos(i64::MAX, u32::MAX).secs(),
            i64::MAX
        );
        for time in [
            DateTime::from_secs(i64::MAX),
            DateTime::from_secs(i64::MIN),
            DateTime::from_secs_and_nanos(i64::MAX, 999_999_999),
            DateTime::from_secs_f64(f64::MAX),
            DateTime::from_secs_f64(f64::NAN),
        ] {
            let _ = SystemTime::from(time);
        }
        assert_eq!(
            DateTime::from(SystemTime::from(DateTime::from_secs(i64::MAX))).secs(),
            MAX_SECONDS
        );
    }

    /// Found by `cargo xtask fuzz dates`: a valid date-time whose offset or leap second puts
    /// the instant outside years 0001-9999 in UTC was accepted, and then written as a year
    /// (`10000-01-01T00:00:00.99999992Z`) that no reader accepts.
    #[test]
    fn instants_beyond_the_writable_years_are_rejected() {
        for text in [
            "9999-12-31T23:59:60.99999992Z",
            "9999-12-31T23:59:59-23:59",
            "9999-12-31T23:30:00-00:30",
            "0001-01-01T00:00:00+01:00",
        ] {
            assert_eq!(DateTime::parse_date_time(text), None, "{text}");
        }
        assert_eq!(
            DateTime::parse_http_date("Fri, 31 Dec 9999 23:59:60 GMT"),
            None
        );
        let last = DateTime::parse_date_time("9999-12-31T23:59:59.999999999Z").expect("in range");
        assert_eq!(DateTime::parse_date_time(&last.to_date_time()), Some(last));
    }

    /// Found by `cargo xtask fuzz dates`: `290665765751e1` epoch seconds read as
    /// 2906657657510 s and 128 µs, because the seconds were scaled to microseconds first.
    #[test]
    fn large_fractional_epoch_seconds_keep_their_value() {
        let time = DateTime::from_secs_f64(2_906_657_657_510.0);
        assert_eq!((time.secs(), time.subsec_nanos()), (2_906_657_657_510, 0));
        let time = DateTime::from_secs_f64(-1.5);
        assert_eq!((time.secs(), time.subsec_nanos()), (-2, 500_000_000));
        let time = DateTime::from_secs_f64(1_398_796_238.999_999_9);
        assert_eq!((time.secs(), time.subsec_nanos()), (1_398_796_239, 0));
        assert_eq!(DateTime::from_secs_f64(f64::MAX).secs(), i64::MAX);
        assert_eq!(DateTime::from_secs_f64(f64::MIN).secs(), i64::MIN);
        assert_eq!(DateTime::from_secs_f64(f64::NAN), DateTime::default());
    }

    #[test]
    fn days_beyond_the_month_are_rejected() {
        for bad in [
            "2014-02-29T00:00:00Z",
            "2014-02-31T00:00:00Z",
            "2014-04-31T00:00:00Z",
            "1900-02-29T00:00:00Z",
        ] {
            assert_eq!(DateTime::parse_date_time(bad), None, "{bad}");
        }
        assert!(DateTime::parse_date_time("2000-02-29T00:00:00Z").is_some());
        assert!(DateTime::parse_date_time("2024-02-29T00:00:00Z").is_some());
        assert_eq!(
            DateTime::parse_http_date("Mon, 31 Jun 2014 18:30:38 GMT"),
            None
        );
    }

    #[test]
    fn invalid_text_is_rejected() {
        for bad in [
            "2014-13-29T18:30:38Z",
            "2014-04-29",
            "yesterday",
            "2014-04-29T18:30:38.1234567890Z",
        ] {
            assert_eq!(DateTime::parse_date_time(bad), None, "{bad}");
        }
        assert_eq!(
            DateTime::parse_http_date("Tue, 29 Apr 2014 18:30:38 UTC"),
            None
        );
    }

    #[test]
    fn civil_dates_round_trip_across_leap_years() {
        for days in [-719_468, -1, 0, 10_956, 11_016, 20_455, 47_481] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            /// Any text: an answer or `None`, never a panic or an overflow.
            #[test]
            fn parsers_never_panic(text in any::<String>()) {
                let _ = DateTime::parse_date_time(&text);
                let _ = DateTime::parse_http_date(&text);
            }

            /// Date-shaped text with any numbers in it.
            #[test]
            fn date_shaped_text_never_panics(
                y in any::<i64>(), mo in any::<u32>(), d in any::<u32>(),
                h in any::<u32>(), mi in any::<u32>(), s in any::<u32>(),
                oh in any::<i32>(), om in any::<u32>(),
            ) {
                let _ = DateTime::parse_date_time(&format!("{y}-{mo}-{d}T{h}:{mi}:{s}+{oh}:{om}"));
                let _ = DateTime::parse_http_date(&format!("Tue, {d} Apr {y} {h}:{mi}:{s} GMT"));
            }

            /// Every `DateTime` converts to `SystemTime` and formats without panicking, and
            /// what it formats (years 0001-9999) parses back to itself.
            #[test]
            fn any_instant_converts_and_formats(seconds in any::<i64>(), nanos in any::<u32>()) {
                let time = DateTime::from_secs_and_nanos(seconds, nanos);
                let _ = SystemTime::from(time);
                let text = time.to_date_time();
                let _ = time.to_http_date();
                if (MIN_SECONDS..=MAX_SECONDS).contains(&time.secs()) {
                    prop_assert_eq!(DateTime::parse_date_time(&text), Some(time));
                }
            }
        }
    }
}
