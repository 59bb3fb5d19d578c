//! Which reminders a placement is owed on a given office date, and when each goes out. Plain
//! Rust, no IO, so the rules are unit-tested with any date.
//!
//! - "Starts in 14 days" for a planned placement, from 14 days before its start until the day
//!   before it.
//! - "Ends in 30 days" for a planned or active placement, from 30 days before its last day (the
//!   pending early end, if any, otherwise the current end) until that day.
//!
//! Each is keyed by (kind, placement, target date): an extension moves the target, which re-arms
//! the end reminder. A window that had already opened when its date was set (the placement
//! approved, extended or shortened late) sends nothing, so that nobody is told "30 days left"
//! about an end decided a week before it. A server that was off when a window opened sends the
//! reminder when it is back, while the target is still ahead.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::rules::{Dates, PlacementState};
use crate::domain::stored_enum::stored_enum;

stored_enum! {
    /// A reminder of a placement's start or end; its stored text is part of the job key.
    pub enum Reminder ("placement reminder") {
        StartsSoon = "starts_soon", "Starts soon";
        EndsSoon = "ends_soon", "Ends soon";
    }
}

impl Reminder {
    /// How many days before its target date the reminder's window opens.
    pub fn days_before(self) -> u64 {
        match self {
            Reminder::StartsSoon => 14,
            Reminder::EndsSoon => 30,
        }
    }
}

/// A reminder owed: what, and the date it is about (the start, or the last day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owed {
    pub reminder: Reminder,
    pub target: NaiveDate,
}

impl Owed {
    /// The first day of the reminder's window.
    pub fn opens(&self) -> NaiveDate {
        self.target.checked_sub_days(Days::new(self.reminder.days_before())).unwrap_or(NaiveDate::MIN)
    }
}

/// The reminders owed on `today` to a placement in `state` with `dates`, whose dates were last
/// set on `armed_on` (its approval, or its latest extension or early end).
pub fn owed(state: PlacementState, dates: &Dates, armed_on: NaiveDate, today: NaiveDate) -> Vec<Owed> {
    let mut owed = Vec::new();
    let mut consider = |reminder: Reminder, target: NaiveDate, last_day_to_send: NaiveDate| {
        let candidate = Owed { reminder, target };
        let opens = candidate.opens();
        if opens >= armed_on && opens <= today && today <= last_day_to_send {
            owed.push(candidate);
        }
    };
    if state == PlacementState::Planned {
        let start = dates.planned_start;
        consider(Reminder::StartsSoon, start, start.pred_opt().unwrap_or(start));
    }
    if matches!(state, PlacementState::Planned | PlacementState::Active) {
        let last = dates.early_end.unwrap_or(dates.current_end);
        consider(Reminder::EndsSoon, last, last);
    }
    owed
}

/// The hour, in the recipient agency's time zone, at which reminders go out.
pub const SEND_AT: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(time) => time,
    None => panic!("08:00 is a time"),
};

/// When a reminder whose window opens on `opens` goes to an agency in `zone`, as seen at `now`:
/// 08:00 local on the opening day, or on the agency's today if that is later; and, when that
/// hour has already passed (a late run), at once.
pub fn send_time(opens: NaiveDate, zone: Tz, now: DateTime<Utc>) -> DateTime<Utc> {
    let local_today = zone.from_utc_datetime(&now.naive_utc()).date_naive();
    let day = opens.max(local_today);
    // At a daylight-saving gap 08:00 may not exist: take the earliest instant after it.
    let at = zone
        .from_local_datetime(&day.and_time(SEND_AT))
        .earliest()
        .map(|local| local.with_timezone(&Utc))
        .unwrap_or(now);
    at.max(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn dates(start: &str, end: &str) -> Dates {
        Dates {
            planned_start: d(start),
            actual_start: None,
            original_end: d(end),
            current_end: d(end),
            early_end: None,
        }
    }

    fn kinds(owed: &[Owed]) -> Vec<(Reminder, NaiveDate)> {
        owed.iter().map(|o| (o.reminder, o.target)).collect()
    }

    #[test]
    fn the_start_reminder_runs_from_fourteen_days_before_until_the_day_before() {
        let p = dates("2027-03-15", "2027-09-14");
        let armed = d("2027-01-10");
        assert!(owed(PlacementState::Planned, &p, armed, d("2027-02-28")).is_empty());
        for today in ["2027-03-01", "2027-03-10", "2027-03-14"] {
            assert_eq!(
                kinds(&owed(PlacementState::Planned, &p, armed, d(today))),
                vec![(Reminder::StartsSoon, d("2027-03-15"))],
                "{today}"
            );
        }
        assert!(owed(PlacementState::Planned, &p, armed, d("2027-03-15")).is_empty(), "the start day itself");
        assert!(owed(PlacementState::Active, &p, armed, d("2027-03-10")).is_empty(), "already started");
    }

    #[test]
    fn the_end_reminder_runs_from_thirty_days_before_the_last_day_until_it() {
        let mut p = dates("2027-01-01", "2027-03-31");
        p.actual_start = Some(d("2027-01-01"));
        let armed = d("2026-12-01");
        assert!(owed(PlacementState::Active, &p, armed, d("2027-02-28")).is_empty());
        assert_eq!(
            kinds(&owed(PlacementState::Active, &p, armed, d("2027-03-01"))),
            vec![(Reminder::EndsSoon, d("2027-03-31"))]
        );
        assert_eq!(owed(PlacementState::Active, &p, armed, d("2027-03-31")).len(), 1);
        assert!(owed(PlacementState::Active, &p, armed, d("2027-04-01")).is_empty());
        for done in [PlacementState::Completed, PlacementState::Terminated] {
            assert!(owed(done, &p, armed, d("2027-03-10")).is_empty(), "{done:?}");
        }
    }

    #[test]
    fn a_pending_early_end_is_the_end_reminded_of() {
        let mut p = dates("2027-01-01", "2027-12-31");
        p.actual_start = Some(d("2027-01-01"));
        p.early_end = Some(d("2027-06-30"));
        assert_eq!(
            kinds(&owed(PlacementState::Active, &p, d("2027-05-01"), d("2027-06-05"))),
            vec![(Reminder::EndsSoon, d("2027-06-30"))]
        );
    }

    #[test]
    fn a_window_already_open_when_the_dates_were_set_sends_nothing() {
        let p = dates("2027-03-15", "2027-04-10");
        // Approved 10 days before the start: the 14-day window had opened on 1 March.
        assert!(owed(PlacementState::Planned, &p, d("2027-03-05"), d("2027-03-06"))
            .iter()
            .all(|o| o.reminder != Reminder::StartsSoon));
        // Approved on the very day the window opens: it is sent.
        assert_eq!(
            kinds(&owed(PlacementState::Planned, &p, d("2027-03-01"), d("2027-03-01"))),
            vec![(Reminder::StartsSoon, d("2027-03-15"))]
        );
        // A short placement: both windows open before approval, so neither is sent.
        assert!(owed(PlacementState::Planned, &p, d("2027-03-12"), d("2027-03-12")).is_empty());
    }

    #[test]
    fn an_extension_rearms_the_end_reminder_for_the_new_date() {
        let mut p = dates("2027-01-01", "2027-03-31");
        p.actual_start = Some(d("2027-01-01"));
        let first = owed(PlacementState::Active, &p, d("2026-12-01"), d("2027-03-05"));
        // Extended on 6 March to 31 May: the new window opens on 1 May.
        p.current_end = d("2027-05-31");
        let armed = d("2027-03-06");
        assert!(owed(PlacementState::Active, &p, armed, d("2027-03-20")).is_empty());
        let second = owed(PlacementState::Active, &p, armed, d("2027-05-01"));
        assert_eq!(kinds(&first), vec![(Reminder::EndsSoon, d("2027-03-31"))]);
        assert_eq!(kinds(&second), vec![(Reminder::EndsSoon, d("2027-05-31"))]);
    }

    #[test]
    fn windows_across_month_ends_and_leap_days() {
        let p = dates("2028-03-14", "2028-03-30");
        // 14 days before 14 March 2028 is 29 February (a leap year).
        let owed_on = |today| owed(PlacementState::Planned, &p, d("2028-01-01"), d(today));
        assert!(owed_on("2028-02-28").iter().all(|o| o.reminder != Reminder::StartsSoon));
        assert!(owed_on("2028-02-29").iter().any(|o| o.reminder == Reminder::StartsSoon));
        let end = Owed { reminder: Reminder::EndsSoon, target: d("2027-03-30") };
        assert_eq!(end.opens(), d("2027-02-28"));
        let end = Owed { reminder: Reminder::EndsSoon, target: d("2028-03-30") };
        assert_eq!(end.opens(), d("2028-02-29"));
    }

    #[test]
    fn reminders_go_out_at_eight_in_the_morning_where_the_agency_is() {
        let bangkok: Tz = "Asia/Bangkok".parse().unwrap();
        let suva: Tz = "Pacific/Fiji".parse().unwrap();
        let utc = |text: &str| DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc);
        // The office run at 00:05 Bangkok on the opening day.
        let now = utc("2027-03-01T17:05:00Z") - chrono::Duration::days(1);
        assert_eq!(send_time(d("2027-03-01"), bangkok, now), utc("2027-03-01T01:00:00Z"));
        // Fiji (UTC+12) is already at 05:05 on 1 March: 08:00 there is 20:00 UTC on 28 Feb.
        assert_eq!(send_time(d("2027-03-01"), suva, now), utc("2027-02-28T20:00:00Z"));
        // A late run, after 08:00 where the agency is: at once.
        let late = utc("2027-03-01T05:00:00Z");
        assert_eq!(send_time(d("2027-03-01"), bangkok, late), late);
        // A catch-up run days later, before 08:00 there: 08:00 that day.
        let early = utc("2027-03-04T22:00:00Z");
        assert_eq!(send_time(d("2027-03-01"), bangkok, early), utc("2027-03-05T01:00:00Z"));
    }
}
