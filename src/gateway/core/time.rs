//! Virtual time: the one clock type the core accepts, plus the UTC calendar arithmetic that
//! quota windows and access-log timestamps need.
//!
//! The core never reads a clock; callers pass a [`VirtualTime`] with every request. Calendar
//! conversion is Howard Hinnant's `days_from_civil` / `civil_from_days`, which is exact for the
//! proleptic Gregorian calendar and small enough not to justify a date crate.

use std::fmt;

/// An instant on the gateway's timeline, in whole milliseconds since 1970-01-01T00:00:00Z.
///
/// Milliseconds are fine-grained enough to show the token bucket's `t = 0.999 s → 429` edge and
/// coarse enough to print without fractions in a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct VirtualTime {
    millis: u64,
}

/// A broken-down UTC date and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
    /// 0 = Sunday … 6 = Saturday, because AWS usage-plan weeks start on Sunday.
    pub weekday: u32,
}

const MS_PER_DAY: u64 = 86_400_000;
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl VirtualTime {
    /// The Unix epoch; handy as the start of a lab's virtual timeline.
    #[cfg(test)]
    pub(crate) const EPOCH: VirtualTime = VirtualTime { millis: 0 };

    pub const fn from_millis(millis: u64) -> Self {
        Self { millis }
    }

    pub const fn from_secs(secs: u64) -> Self {
        Self { millis: secs.saturating_mul(1000) }
    }

    /// A UTC wall-clock instant; `None` for dates before 1970 or out-of-range fields.
    pub fn from_utc(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if hour > 23 || min > 59 || sec > 59 {
            return None;
        }
        let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
        let secs = u64::from(hour * 3600 + min * 60 + sec);
        Some(Self::from_millis(days * MS_PER_DAY + secs * 1000))
    }

    pub const fn as_millis(self) -> u64 {
        self.millis
    }

    /// This instant plus `ms` milliseconds (saturating, so a huge simulated delay cannot wrap).
    #[must_use]
    pub const fn plus_millis(self, ms: u64) -> Self {
        Self { millis: self.millis.saturating_add(ms) }
    }

    /// Milliseconds from `earlier` to `self`, zero if `earlier` is later.
    pub const fn millis_since(self, earlier: VirtualTime) -> u64 {
        self.millis.saturating_sub(earlier.millis)
    }

    pub(crate) fn civil(self) -> Civil {
        let days = self.millis / MS_PER_DAY;
        let rem = self.millis % MS_PER_DAY;
        // `days` fits an i64 for any u64 millisecond count divided by a day.
        let days_i = i64::try_from(days).unwrap_or(i64::MAX);
        let (year, month, day) = civil_from_days(days_i);
        let secs = u32::try_from(rem / 1000).unwrap_or(0);
        Civil {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            millis: u32::try_from(rem % 1000).unwrap_or(0),
            // 1970-01-01 was a Thursday (4).
            weekday: u32::try_from((days + 4) % 7).unwrap_or(0),
        }
    }

    /// 00:00:00.000 UTC of this instant's day.
    #[must_use]
    pub const fn day_start(self) -> Self {
        Self::from_millis(self.millis - self.millis % MS_PER_DAY)
    }

    /// Sunday 00:00 UTC of this instant's week.
    #[must_use]
    pub(crate) fn week_start(self) -> Self {
        let day = self.day_start();
        Self::from_millis(day.millis - u64::from(self.civil().weekday) * MS_PER_DAY)
    }

    /// The 1st of this instant's month, 00:00 UTC.
    #[must_use]
    pub(crate) fn month_start(self) -> Self {
        let c = self.civil();
        Self::from_millis(self.day_start().millis - u64::from(c.day - 1) * MS_PER_DAY)
    }

    /// The 1st of the next month, 00:00 UTC.
    #[must_use]
    #[cfg(test)]
    pub(crate) fn next_month_start(self) -> Self {
        let c = self.civil();
        let (y, m) = if c.month == 12 { (c.year + 1, 1) } else { (c.year, c.month + 1) };
        let days = u64::try_from(days_from_civil(y, m, 1)).unwrap_or(0);
        Self::from_millis(days * MS_PER_DAY)
    }

    /// `$context.requestTime` format, as in CLF: `25/Nov/2026:16:44:00 +0000`.
    pub(crate) fn clf(self) -> String {
        let c = self.civil();
        let month = MONTHS.get(c.month as usize - 1).copied().unwrap_or("Jan");
        format!("{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000", c.day, month, c.year, c.hour, c.minute, c.second)
    }

    /// ISO 8601 with milliseconds, for traces and HTTP API `requestContext.time`-like fields.
    pub fn iso8601(self) -> String {
        let c = self.civil();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis
        )
    }
}

impl fmt::Display for VirtualTime {
    /// Seconds with millisecond precision, the way traces and lab timelines show time.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={}.{:03}s", self.millis / 1000, self.millis % 1000)
    }
}

pub(crate) const fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub(crate) const fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, u32::try_from(m).unwrap_or(1), u32::try_from(d).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_dates() {
        let t = VirtualTime::from_utc(2026, 11, 25, 16, 44, 0).expect("valid date");
        let c = t.civil();
        assert_eq!((c.year, c.month, c.day, c.hour, c.minute), (2026, 11, 25, 16, 44));
        assert_eq!(c.weekday, 3, "2026-11-25 is a Wednesday");
        assert_eq!(t.clf(), "25/Nov/2026:16:44:00 +0000");
        assert_eq!(t.week_start().civil().day, 22);
        assert_eq!(t.month_start().civil().day, 1);
        assert_eq!(t.next_month_start().civil().month, 12);
        assert_eq!(VirtualTime::from_utc(2024, 2, 29, 0, 0, 0).map(|t| t.civil().day), Some(29));
        assert_eq!(VirtualTime::from_utc(2023, 2, 29, 0, 0, 0), None);
    }

    #[test]
    fn every_day_round_trips() {
        for days in 0..200_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
