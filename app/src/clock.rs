//! The office clock: the one source of "now" (UTC) and "today" (the calendar date in the
//! office's time zone). Nothing else reads the system clock, so that tests, the demo and the
//! scheduler can set the date, and so that every rule about calendar dates agrees on which
//! day it is in Bangkok (or wherever the office is).

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The office's time zone when `HUB_TIMEZONE` is not set.
pub const DEFAULT_TIMEZONE: &str = "Asia/Bangkok";

#[derive(Clone, Debug)]
pub struct Clock {
    zone: Tz,
    /// Added to the system time: zero in production; set by tests and by `HUB_TODAY`.
    shift: Arc<RwLock<Duration>>,
}

impl Clock {
    /// The system time, read in the office's time zone.
    pub fn system(zone: Tz) -> Clock {
        Clock { zone, shift: Arc::new(RwLock::new(Duration::zero())) }
    }

    /// An IANA zone name such as `Asia/Bangkok`, or the message to show.
    pub fn parse_zone(name: &str) -> Result<Tz, String> {
        name.trim().parse::<Tz>().map_err(|_| format!("'{name}' is not an IANA time zone name, like Asia/Bangkok."))
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.shift.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Today's date in the office.
    pub fn today(&self) -> NaiveDate {
        self.office_date(self.now())
    }

    /// The office's calendar date at an instant.
    pub fn office_date(&self, at: DateTime<Utc>) -> NaiveDate {
        self.zone.from_utc_datetime(&at.naive_utc()).date_naive()
    }

    /// Moves the clock so that the office's date is `date`; the time of day keeps running.
    pub fn set_today(&self, date: NaiveDate) {
        let today = self.today();
        self.advance(date.signed_duration_since(today));
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut shift = self.shift.write().unwrap_or_else(|e| e.into_inner());
        *shift += by;
    }

    /// Whether the clock has been moved away from the system time.
    pub fn is_shifted(&self) -> bool {
        !self.shift.read().unwrap_or_else(|e| e.into_inner()).is_zero()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system(chrono_tz::Asia::Bangkok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_the_office_date_not_the_utc_date() {
        let clock = Clock::system(chrono_tz::Asia::Bangkok);
        // 20:30 UTC on 31 Dec is already 1 Jan in Bangkok (UTC+7).
        let late = Utc.with_ymd_and_hms(2026, 12, 31, 20, 30, 0).unwrap();
        assert_eq!(clock.office_date(late), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        let auckland = Clock::system(Clock::parse_zone("Pacific/Auckland").unwrap());
        let early = Utc.with_ymd_and_hms(2027, 6, 30, 11, 0, 0).unwrap();
        assert_eq!(auckland.office_date(early), NaiveDate::from_ymd_opt(2027, 6, 30).unwrap());
        assert_eq!(auckland.office_date(early + Duration::hours(1)), NaiveDate::from_ymd_opt(2027, 7, 1).unwrap());
    }

    #[test]
    fn tests_can_set_the_date_and_clones_follow() {
        let clock = Clock::default();
        let shared = clock.clone();
        let date = NaiveDate::from_ymd_opt(2028, 2, 29).unwrap();
        clock.set_today(date);
        assert_eq!(shared.today(), date);
        assert!(shared.is_shifted());
        clock.advance(Duration::days(1));
        assert_eq!(shared.today(), NaiveDate::from_ymd_opt(2028, 3, 1).unwrap());
    }

    #[test]
    fn zone_names_are_checked() {
        assert!(Clock::parse_zone("Asia/Bangkok").is_ok());
        assert!(Clock::parse_zone("Mars/Olympus").is_err());
        assert!(Clock::parse_zone("").is_err());
    }
}
