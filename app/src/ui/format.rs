//! How dates, timestamps and states read on a page or in a CSV cell. Views carry `NaiveDate`s,
//! `DateTime<Utc>`s and enums; this is where they become text.

use chrono::{DateTime, NaiveDate, Utc};

/// A timestamp, to the minute, marked as UTC (timestamps are stored in UTC).
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A timestamp, to the minute, in the office's time zone (named), for what a person checks
/// against their own day: when they signed in.
#[cfg(feature = "ssr")]
pub fn timestamp_in(at: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    format!("{} ({})", at.with_timezone(&zone).format("%Y-%m-%d %H:%M"), zone.name())
}

/// A calendar date, as ISO 8601 (`2027-03-15`): unambiguous across the region's conventions.
pub fn date(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// An inclusive period, "2027-03-15 to 2027-09-14".
pub fn period(start: NaiveDate, end: NaiveDate) -> String {
    format!("{} to {}", date(start), date(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_timestamps_read_the_same_everywhere() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(timestamp(at), "2027-01-15 08:00 UTC");
        assert_eq!(timestamp_in(at, chrono_tz::Asia::Bangkok), "2027-01-15 15:00 (Asia/Bangkok)");
        let (a, b) = (NaiveDate::from_ymd_opt(2028, 2, 29).unwrap(), NaiveDate::from_ymd_opt(2028, 3, 1).unwrap());
        assert_eq!(period(a, b), "2028-02-29 to 2028-03-01");
    }
}
