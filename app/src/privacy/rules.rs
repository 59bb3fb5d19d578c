//! The plain rules of retention: when a record's personal data is due to go, what takes the
//! place of a name and an address, and which values an audit entry no longer keeps. No IO.

use chrono::{Months, NaiveDate};

/// How long personal data is kept (`HUB_RETENTION_YEARS`, `HUB_RETENTION_REJECTED_YEARS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Years after a placement ended.
    pub placement_years: u32,
    /// Years after a nomination was rejected or withdrawn.
    pub rejected_years: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention { placement_years: 7, rejected_years: 2 }
    }
}

impl Retention {
    /// A placement whose last day is before this date is anonymised on `today`.
    pub fn placements_ended_before(&self, today: NaiveDate) -> NaiveDate {
        years_before(today, self.placement_years)
    }

    /// A rejected or withdrawn nomination last changed before this date is anonymised on `today`.
    pub fn decided_before(&self, today: NaiveDate) -> NaiveDate {
        years_before(today, self.rejected_years)
    }

    /// A number of years as configured: a whole number from 1 to 50.
    pub fn parse_years(text: &str) -> Result<u32, String> {
        text.trim()
            .parse::<u32>()
            .ok()
            .filter(|years| (1..=50).contains(years))
            .ok_or_else(|| format!("'{text}' is not a number of years from 1 to 50"))
    }
}

fn years_before(today: NaiveDate, years: u32) -> NaiveDate {
    today.checked_sub_months(Months::new(12 * years)).unwrap_or(NaiveDate::MIN)
}

/// What an anonymised address becomes: a reserved domain (RFC 2606) that no mail reaches.
pub const REMOVED_EMAIL: &str = "removed@anonymised.invalid";

/// What an anonymised supervisor's name becomes.
pub const FORMER_SUPERVISOR: &str = "Former supervisor";

/// What an anonymised secondee's name becomes where they acted (a report's author, a history line).
pub const FORMER_SECONDEE: &str = "Former secondee";

/// What an anonymised officer's name becomes: still told apart by the nomination's reference.
pub fn former_secondee(reference: &str) -> String {
    format!("{FORMER_SECONDEE} {reference}")
}

/// The values an audit entry of an anonymised record no longer keeps: the person's name,
/// addresses, nationality, languages and the free text that may name them.
pub const REMOVED_FIELDS: &[&str] = &[
    "officer_name",
    "position",
    "work_email",
    "officer_email",
    "nationality",
    "languages",
    "expertise",
    "objectives",
    "justification",
    "supervisor_name",
    "supervisor_email",
    "end_reason",
    "reason",
    "message",
    "note",
    "activities",
    "outcomes",
    "challenges",
    "next_steps",
    "name",
    "email",
];

/// An audit entry's before or after (JSON text) without the removed values; the event stays.
/// Text that is not a JSON object is dropped whole: it cannot be told apart.
pub fn scrub(snapshot: &str) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_str(snapshot).ok()?;
    let object = value.as_object_mut()?;
    object.retain(|field, _| !REMOVED_FIELDS.contains(&field.as_str()));
    Some(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn retention_counts_whole_years_back_from_today() {
        let retention = Retention::default();
        assert_eq!(retention.placements_ended_before(day("2033-06-30")), day("2026-06-30"));
        assert_eq!(retention.decided_before(day("2028-02-29")), day("2026-02-28"));
        let short = Retention { placement_years: 1, rejected_years: 1 };
        assert_eq!(short.placements_ended_before(day("2027-01-01")), day("2026-01-01"));
    }

    #[test]
    fn years_are_whole_numbers_from_one_to_fifty() {
        assert_eq!(Retention::parse_years(" 7 "), Ok(7));
        for bad in ["0", "51", "seven", "-1", "2.5", ""] {
            assert!(Retention::parse_years(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_audit_entry_keeps_the_event_and_loses_the_person() {
        let after = r#"{"officer_name":"Kumari Perera","work_email":"k@x.example","state":"approved","themes":["a"]}"#;
        assert_eq!(scrub(after).as_deref(), Some(r#"{"state":"approved","themes":["a"]}"#));
        assert_eq!(scrub("Kumari Perera, free text"), None);
        assert_eq!(scrub(r#"["Kumari"]"#), None);
    }

    #[test]
    fn a_former_secondee_is_told_apart_by_reference() {
        assert_eq!(former_secondee("NOM-2019-000042"), "Former secondee NOM-2019-000042");
        assert!(crate::domain::Email::parse(REMOVED_EMAIL).is_ok());
    }
}
