//! A span of calendar days, and the date arithmetic that goes with it.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Years a typed date may fall in. Wider than any secondment, narrow enough to catch a typo
/// such as 0226 or 20266.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Inclusive calendar dates, `start` ≤ `end`: 1 Jan–1 Jan is one day. Days, not instants, so no
/// time zone is involved. Serialised as `{ "start": "2026-01-01", "end": "2026-12-31" }`;
/// reading it back checks the order again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PeriodFields")]
pub struct Period {
    start: NaiveDate,
    end: NaiveDate,
}

/// The form field a [`PeriodError`] belongs to. Callers map it to their own field names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodField {
    Start,
    End,
}

impl PeriodField {
    /// `"start"` or `"end"`.
    pub fn name(self) -> &'static str {
        match self {
            PeriodField::Start => "start",
            PeriodField::End => "end",
        }
    }
}

/// A message for one of the two date fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PeriodError {
    pub field: PeriodField,
    pub message: String,
}

impl Period {
    /// A period from two dates. The message, when the end is before the start, belongs to the end
    /// field.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Period, String> {
        if end < start {
            return Err("The end date must not be before the start date.".into());
        }
        Ok(Period { start, end })
    }

    /// A period from two typed dates (YYYY-MM-DD), with the message placed at the field it is
    /// about. Only the first problem is reported, start first; to show a message at both fields
    /// at once, call [`parse_date`] for each and then [`Period::new`].
    pub fn parse(start_text: &str, end_text: &str) -> Result<Period, PeriodError> {
        let at = |field| move |message| PeriodError { field, message };
        let start = parse_date(start_text).map_err(at(PeriodField::Start))?;
        let end = parse_date(end_text).map_err(at(PeriodField::End))?;
        Period::new(start, end).map_err(at(PeriodField::End))
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The number of days, both ends included: 1 Jan–1 Jan is 1, a leap year is 366.
    pub fn days(&self) -> u32 {
        let days = (self.end - self.start).num_days() + 1;
        // At most about 192 million across chrono's whole range, so this always fits.
        u32::try_from(days).unwrap_or(u32::MAX)
    }

    /// Completed calendar months, counted from the start date: month n is complete when the
    /// period reaches the day before `add_months(start, n)`. So 15 Mar–14 Apr is 1, 15 Mar–13 Apr
    /// is 0, and 1 Jan–31 Dec is 12. Because `add_months` clamps to the month end, a period from
    /// 31 Jan completes its first month on 27 Feb (28 Feb in a leap year).
    pub fn whole_months(&self) -> u32 {
        let completes = |months: u32| {
            checked_add_months(self.start, months)
                .and_then(|next_start| next_start.pred_opt())
                .is_some_and(|last_day| last_day <= self.end)
        };
        let month_index = |date: NaiveDate| i64::from(date.year()) * 12 + i64::from(date.month0());
        // The answer is the calendar-month difference, or one more or one less.
        let difference = month_index(self.end) - month_index(self.start);
        let mut months = u32::try_from(difference + 1).unwrap_or(0);
        while months > 0 && !completes(months) {
            months -= 1;
        }
        months
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Whether the two share at least one day. Periods that touch on one day overlap; a period
    /// ending the day before another starts does not.
    pub fn overlaps(&self, other: &Period) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// The days both periods share, if any.
    pub fn intersection(&self, other: &Period) -> Option<Period> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start <= end).then_some(Period { start, end })
    }
}

/// `anchor` plus `months` calendar months, clamped to the end of a shorter month: 31 Jan + 1 is
/// 28 Feb (29 Feb in a leap year), and 31 Jan + 2 is 31 Mar.
///
/// Always count from the same anchor (`add_months(start, n)` for the n-th month) rather than
/// chaining (`add_months(add_months(start, 1), 1)`): chaining keeps the clamped day, so the
/// second gives 28 Mar instead of 31 Mar. Beyond chrono's last date (year 262143) the result
/// stays at that last date.
pub fn add_months(anchor: NaiveDate, months: u32) -> NaiveDate {
    checked_add_months(anchor, months).unwrap_or(NaiveDate::MAX)
}

fn checked_add_months(anchor: NaiveDate, months: u32) -> Option<NaiveDate> {
    anchor.checked_add_months(Months::new(months))
}

/// A date typed as YYYY-MM-DD (what `<input type="date">` sends), surrounding spaces ignored.
/// Strictly that shape — four-digit year, two-digit month and day — so `2026-2-3` and
/// `28/11/2026` are refused rather than guessed, and the year must be between 1900 and 2200.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("This field is required.".into());
    }
    let example = || "Use a date like 2026-11-28.".to_string();
    let shape_ok = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shape_ok {
        return Err(example());
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| "That date does not exist. Check the day and the month, like 2026-11-28.".to_string())?;
    if !YEARS.contains(&date.year()) {
        return Err(format!("Use a year between {} and {}.", YEARS.start(), YEARS.end()));
    }
    Ok(date)
}

/// The serialised form, checked by [`Period::new`] on the way in.
#[derive(Deserialize)]
struct PeriodFields {
    start: NaiveDate,
    end: NaiveDate,
}

impl TryFrom<PeriodFields> for Period {
    type Error = String;

    fn try_from(fields: PeriodFields) -> Result<Self, Self::Error> {
        Period::new(fields.start, fields.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    fn period(start: &str, end: &str) -> Period {
        Period::parse(start, end).unwrap()
    }

    #[test]
    fn parses_iso_dates() {
        assert_eq!(parse_date(" 2026-11-28 "), Ok(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()));
        assert_eq!(date("1900-01-01").year(), 1900);
        assert_eq!(date("2200-12-31").year(), 2200);
    }

    #[test]
    fn refuses_other_shapes_and_impossible_dates() {
        assert_eq!(parse_date(""), Err("This field is required.".to_string()));
        for bad in [
            "2026-2-3",
            "2026-02-3",
            "28/11/2026",
            "2026/11/28",
            "20261128",
            "2026-11-28T00:00",
            "+2026-11-28",
            "2026-11-2８",
            "tomorrow",
            "2026 -11-28",
        ] {
            assert_eq!(parse_date(bad), Err("Use a date like 2026-11-28.".to_string()), "{bad:?}");
        }
        let impossible = "That date does not exist. Check the day and the month, like 2026-11-28.";
        for bad in ["2026-13-01", "2026-00-10", "2026-04-31", "2026-02-29", "2100-02-29", "2026-01-00"] {
            assert_eq!(parse_date(bad), Err(impossible.to_string()), "{bad:?}");
        }
        for bad in ["1899-12-31", "2201-01-01", "0226-01-01", "9999-12-31"] {
            assert_eq!(parse_date(bad), Err("Use a year between 1900 and 2200.".to_string()), "{bad:?}");
        }
    }

    #[test]
    fn leap_years() {
        assert!(parse_date("2028-02-29").is_ok());
        assert!(parse_date("2000-02-29").is_ok());
        assert!(parse_date("2100-02-29").is_err());
        assert!(parse_date("2027-02-29").is_err());
        assert_eq!(period("2028-01-01", "2028-12-31").days(), 366);
        assert_eq!(period("2100-01-01", "2100-12-31").days(), 365);
        assert_eq!(period("2100-02-28", "2100-03-01").days(), 2);
        assert_eq!(period("2028-02-28", "2028-03-01").days(), 3);
    }

    #[test]
    fn start_must_not_follow_end() {
        assert!(Period::new(date("2026-01-01"), date("2026-01-01")).is_ok());
        assert_eq!(
            Period::new(date("2026-01-02"), date("2026-01-01")),
            Err("The end date must not be before the start date.".to_string())
        );
    }

    #[test]
    fn parse_places_the_message_at_the_right_field() {
        let error = Period::parse("soon", "2026-01-01").unwrap_err();
        assert_eq!((error.field, error.field.name()), (PeriodField::Start, "start"));
        assert_eq!(error.message, "Use a date like 2026-11-28.");
        assert_eq!(error.to_string(), "Use a date like 2026-11-28.");

        let error = Period::parse("2026-01-01", "").unwrap_err();
        assert_eq!((error.field, error.message.as_str()), (PeriodField::End, "This field is required."));

        let error = Period::parse("2026-02-01", "2026-01-31").unwrap_err();
        assert_eq!(error.field.name(), "end");
        assert_eq!(error.message, "The end date must not be before the start date.");

        // Both wrong: the start is reported first.
        assert_eq!(Period::parse("x", "y").unwrap_err().field, PeriodField::Start);
    }

    #[test]
    fn days_count_both_ends() {
        assert_eq!(period("2026-01-01", "2026-01-01").days(), 1);
        assert_eq!(period("2026-01-01", "2026-01-02").days(), 2);
        assert_eq!(period("2026-01-01", "2026-12-31").days(), 365);
        assert_eq!(period("2026-12-31", "2027-01-01").days(), 2);
        assert_eq!(period("1900-01-01", "2200-12-31").days(), 109_938);
        let whole_range = Period::new(NaiveDate::MIN, NaiveDate::MAX).unwrap();
        assert!(whole_range.days() > 190_000_000);
    }

    #[test]
    fn whole_months_are_anchored_on_the_start() {
        assert_eq!(period("2026-03-15", "2026-04-14").whole_months(), 1);
        assert_eq!(period("2026-03-15", "2026-04-13").whole_months(), 0);
        assert_eq!(period("2026-03-15", "2026-04-15").whole_months(), 1);
        assert_eq!(period("2026-03-15", "2026-05-14").whole_months(), 2);
        assert_eq!(period("2026-01-01", "2026-01-01").whole_months(), 0);
        assert_eq!(period("2026-01-01", "2026-01-30").whole_months(), 0);
        assert_eq!(period("2026-01-01", "2026-01-31").whole_months(), 1);
        assert_eq!(period("2026-01-01", "2026-12-31").whole_months(), 12);
        assert_eq!(period("2026-01-01", "2027-12-31").whole_months(), 24);
        assert_eq!(period("2026-12-15", "2027-01-14").whole_months(), 1);
        // From a month end the first month ends on the clamped day.
        assert_eq!(period("2026-01-31", "2026-02-26").whole_months(), 0);
        assert_eq!(period("2026-01-31", "2026-02-27").whole_months(), 1);
        assert_eq!(period("2028-01-31", "2028-02-27").whole_months(), 0);
        assert_eq!(period("2028-01-31", "2028-02-28").whole_months(), 1);
        assert_eq!(period("2026-01-31", "2026-03-29").whole_months(), 1);
        assert_eq!(period("2026-01-31", "2026-03-30").whole_months(), 2);
        // A leap day start: 29 Feb 2028 + 12 months is 28 Feb 2029.
        assert_eq!(period("2028-02-29", "2029-02-26").whole_months(), 11);
        assert_eq!(period("2028-02-29", "2029-02-27").whole_months(), 12);
        let whole_range = Period::new(NaiveDate::MIN, NaiveDate::MAX).unwrap();
        assert!(whole_range.whole_months() > 6_000_000);
    }

    #[test]
    fn add_months_clamps_to_the_month_end() {
        assert_eq!(add_months(date("2026-01-31"), 1), date("2026-02-28"));
        assert_eq!(add_months(date("2028-01-31"), 1), date("2028-02-29"));
        assert_eq!(add_months(date("2100-01-31"), 1), date("2100-02-28"));
        assert_eq!(add_months(date("2026-01-31"), 2), date("2026-03-31"));
        assert_eq!(add_months(date("2026-01-31"), 13), date("2027-02-28"));
        assert_eq!(add_months(date("2027-01-31"), 13), date("2028-02-29"));
        assert_eq!(add_months(date("2026-11-30"), 3), date("2027-02-28"));
        assert_eq!(add_months(date("2027-11-30"), 3), date("2028-02-29"));
        assert_eq!(add_months(date("2028-02-29"), 12), date("2029-02-28"));
        assert_eq!(add_months(date("2028-02-29"), 48), date("2032-02-29"));
        assert_eq!(add_months(date("2026-03-15"), 0), date("2026-03-15"));
        assert_eq!(add_months(date("2026-12-15"), 1), date("2027-01-15"));
    }

    #[test]
    fn add_months_counts_from_the_anchor_not_by_chaining() {
        let anchor = date("2026-01-31");
        assert_eq!(add_months(anchor, 2), date("2026-03-31"));
        // What chaining would give, and why the anchor is always passed.
        assert_eq!(add_months(add_months(anchor, 1), 1), date("2026-03-28"));
    }

    #[test]
    fn add_months_never_panics() {
        assert_eq!(add_months(date("2026-01-01"), u32::MAX), NaiveDate::MAX);
        assert_eq!(add_months(NaiveDate::MAX, 1), NaiveDate::MAX);
    }

    #[test]
    fn contains_both_ends() {
        let p = period("2026-03-01", "2026-03-31");
        assert!(p.contains(date("2026-03-01")));
        assert!(p.contains(date("2026-03-31")));
        assert!(p.contains(date("2026-03-15")));
        assert!(!p.contains(date("2026-02-28")));
        assert!(!p.contains(date("2026-04-01")));
    }

    #[test]
    fn overlap_edges() {
        let march = period("2026-03-01", "2026-03-31");
        let touching = period("2026-03-31", "2026-04-30");
        let adjacent = period("2026-04-01", "2026-04-30");
        let inside = period("2026-03-10", "2026-03-12");
        assert!(march.overlaps(&touching) && touching.overlaps(&march));
        assert!(!march.overlaps(&adjacent) && !adjacent.overlaps(&march));
        assert!(march.overlaps(&inside) && inside.overlaps(&march));
        assert!(march.overlaps(&march));

        assert_eq!(march.intersection(&touching), Some(period("2026-03-31", "2026-03-31")));
        assert_eq!(march.intersection(&touching).map(|p| p.days()), Some(1));
        assert_eq!(march.intersection(&adjacent), None);
        assert_eq!(march.intersection(&inside), Some(inside));
        assert_eq!(inside.intersection(&march), Some(inside));
        let spanning = period("2026-02-15", "2026-03-10");
        assert_eq!(march.intersection(&spanning), Some(period("2026-03-01", "2026-03-10")));
    }

    #[test]
    fn serde_uses_iso_dates_and_rechecks_the_order() {
        let p = period("2026-01-15", "2026-07-14");
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, r#"{"start":"2026-01-15","end":"2026-07-14"}"#);
        assert_eq!(serde_json::from_str::<Period>(&json).unwrap(), p);
        assert!(serde_json::from_str::<Period>(r#"{"start":"2026-07-15","end":"2026-01-14"}"#).is_err());
        assert!(serde_json::from_str::<Period>(r#"{"start":"2026-02-30","end":"2026-03-01"}"#).is_err());
        assert!(serde_json::from_str::<Period>(r#"{"start":"2026-01-15"}"#).is_err());
    }
}
