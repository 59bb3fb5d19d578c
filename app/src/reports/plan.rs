//! Which reports a reporting cycle asks for, and how they change when a placement's dates do.
//! Plain Rust, no IO: unit-tested with month ends, leap years and the examples of the brief.
//!
//! Periods are computed from one anchor (anchor + n × interval, clamped to the month end), never
//! chained from the previous period, and the first and last are clipped to the placement. A due
//! date is the period's end plus the cycle's offset.

use chrono::{Datelike, Days, NaiveDate};

use crate::domain::stored_enum::stored_enum;
use crate::domain::{add_months, Period};

stored_enum! {
    pub enum Frequency ("frequency") {
        Monthly = "monthly", "Monthly";
        Quarterly = "quarterly", "Quarterly";
        /// One report for the whole placement (the end-of-placement report).
        Once = "once", "Once, for the whole placement";
    }
}

impl Frequency {
    fn months(self) -> Option<u32> {
        match self {
            Frequency::Monthly => Some(1),
            Frequency::Quarterly => Some(3),
            Frequency::Once => None,
        }
    }
}

stored_enum! {
    pub enum Alignment ("alignment") {
        /// Calendar months and quarters (Jan–Mar, Apr–Jun, …).
        Calendar = "calendar", "Calendar months and quarters";
        /// Counted from the placement's start: 15 Mar–14 Apr, 15 Apr–14 May, …
        Anniversary = "anniversary", "From the start of the placement";
    }
}

/// One report a cycle asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planned {
    pub period: Period,
    pub due: NaiveDate,
}

/// How a cycle cuts a span of days into report periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub frequency: Frequency,
    pub alignment: Alignment,
    /// Days after a period's end that its report is due.
    pub due_offset: u32,
}

fn plus_days(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_add_days(Days::new(u64::from(days))).unwrap_or(NaiveDate::MAX)
}

fn day_before(day: NaiveDate) -> NaiveDate {
    day.pred_opt().unwrap_or(day)
}

impl Schedule {
    /// The due date of a report for `period`.
    pub fn due(&self, period: Period) -> NaiveDate {
        plus_days(period.end(), self.due_offset)
    }

    /// The anchor the periods count from: the first day of the month (or quarter) the placement
    /// starts in, or the start itself.
    fn anchor(&self, start: NaiveDate) -> NaiveDate {
        match (self.alignment, self.frequency) {
            (Alignment::Anniversary, _) | (_, Frequency::Once) => start,
            (Alignment::Calendar, Frequency::Monthly) => start.with_day(1).unwrap_or(start),
            (Alignment::Calendar, Frequency::Quarterly) => {
                let quarter_month = (start.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(start.year(), quarter_month, 1).unwrap_or(start)
            }
        }
    }

    /// The full (unclipped) period number `n` from `anchor`.
    fn nth(&self, anchor: NaiveDate, n: u32, months: u32) -> Period {
        let start = add_months(anchor, n * months);
        let end = day_before(add_months(anchor, (n + 1) * months));
        Period::new(start, end).unwrap_or_else(|_| Period::new(start, start).expect("a one-day period"))
    }

    /// The periods for `placement`: whole periods from the anchor, the first and last clipped.
    pub fn plan(&self, placement: Period) -> Vec<Planned> {
        let Some(months) = self.frequency.months() else {
            return vec![Planned { period: placement, due: self.due(placement) }];
        };
        let anchor = self.anchor(placement.start());
        let mut planned = Vec::new();
        for n in 0.. {
            let full = self.nth(anchor, n, months);
            if full.start() > placement.end() {
                break;
            }
            if let Some(period) = full.intersection(&placement) {
                planned.push(Planned { period, due: self.due(period) });
            }
        }
        planned
    }
}

/// A report as re-planning sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub id: String,
    pub period: Period,
    /// Submitted, accepted or returned: its period never changes again.
    pub submitted: bool,
    /// Cancelled or waived: left as it is.
    pub closed: bool,
}

/// What re-planning does to a cycle's reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new report.
    Add(Planned),
    /// An unsubmitted report gets a new period and due date.
    Recut { id: String, to: Planned },
    /// An unsubmitted report whose period is now outside the placement.
    Cancel { id: String },
}

/// Re-plans a cycle's reports after the placement's days became `placement` (an extension or an
/// early end):
/// - an unsubmitted report whose period starts after the new end is cancelled;
/// - an unsubmitted report whose period no longer matches the plan (clipped by the old end, or
///   cut by the new one) is re-cut to the planned period with its due date;
/// - a planned period not covered by any report is added; where a submitted report covers only
///   its beginning (it was clipped by the old end), a new report covers the rest.
///
/// Submitted reports never change.
pub fn replan(schedule: &Schedule, placement: Period, existing: &[Existing]) -> Vec<Change> {
    let plan = schedule.plan(placement);
    let open: Vec<&Existing> = existing.iter().filter(|r| !r.closed).collect();
    let mut changes = Vec::new();
    for report in open.iter().filter(|r| !r.submitted) {
        if report.period.start() > placement.end() {
            changes.push(Change::Cancel { id: report.id.clone() });
        }
    }
    for planned in plan {
        let unsubmitted = open.iter().find(|r| !r.submitted && r.period.start() == planned.period.start());
        if let Some(report) = unsubmitted {
            if report.period != planned.period {
                changes.push(Change::Recut { id: report.id.clone(), to: planned });
            }
            continue;
        }
        // What submitted reports already cover of this period; the rest gets a report.
        let covered_to =
            open.iter().filter(|r| r.submitted && r.period.overlaps(&planned.period)).map(|r| r.period.end()).max();
        let rest_start = match covered_to {
            Some(end) if end >= planned.period.end() => continue,
            Some(end) => end.succ_opt().unwrap_or(end),
            None => planned.period.start(),
        };
        if let Ok(period) = Period::new(rest_start, planned.period.end()) {
            changes.push(Change::Add(Planned { period, due: schedule.due(period) }));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn p(start: &str, end: &str) -> Period {
        Period::new(d(start), d(end)).unwrap()
    }

    fn schedule(frequency: Frequency, alignment: Alignment, due_offset: u32) -> Schedule {
        Schedule { frequency, alignment, due_offset }
    }

    fn periods(plan: &[Planned]) -> Vec<(String, String)> {
        plan.iter().map(|r| (r.period.start().to_string(), r.period.end().to_string())).collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn calendar_months_of_the_brief_example_first_and_last_clipped() {
        let plan = schedule(Frequency::Monthly, Alignment::Calendar, 10).plan(p("2027-03-15", "2027-09-14"));
        assert_eq!(plan.len(), 7);
        assert_eq!(plan[0].period, p("2027-03-15", "2027-03-31"));
        assert_eq!(plan[1].period, p("2027-04-01", "2027-04-30"));
        assert_eq!(plan[6].period, p("2027-09-01", "2027-09-14"));
        assert_eq!(plan[0].due, d("2027-04-10"));
        assert_eq!(plan[6].due, d("2027-09-24"));
    }

    #[test]
    fn calendar_quarters_of_the_brief_example() {
        let plan = schedule(Frequency::Quarterly, Alignment::Calendar, 15).plan(p("2027-03-15", "2027-09-14"));
        assert_eq!(
            periods(&plan),
            pairs(&[("2027-03-15", "2027-03-31"), ("2027-04-01", "2027-06-30"), ("2027-07-01", "2027-09-14")])
        );
        assert_eq!(plan[1].due, d("2027-07-15"));
    }

    #[test]
    fn anniversary_months_count_from_the_start_and_clamp_to_month_ends() {
        let plan = schedule(Frequency::Monthly, Alignment::Anniversary, 0).plan(p("2027-01-31", "2027-05-15"));
        assert_eq!(
            periods(&plan),
            pairs(&[
                ("2027-01-31", "2027-02-27"),
                ("2027-02-28", "2027-03-30"),
                ("2027-03-31", "2027-04-29"),
                ("2027-04-30", "2027-05-15"),
            ])
        );
        // In a leap year the second month starts on 29 February, and none is chained from it.
        let leap = schedule(Frequency::Monthly, Alignment::Anniversary, 0).plan(p("2028-01-31", "2028-04-30"));
        assert_eq!(leap[1].period.start(), d("2028-02-29"));
        assert_eq!(leap[2].period.start(), d("2028-03-31"), "31 March, not 29: counted from the anchor");
    }

    #[test]
    fn anniversary_quarters_and_a_once_only_report() {
        let plan = schedule(Frequency::Quarterly, Alignment::Anniversary, 30).plan(p("2027-11-30", "2028-06-15"));
        assert_eq!(
            periods(&plan),
            pairs(&[("2027-11-30", "2028-02-28"), ("2028-02-29", "2028-05-29"), ("2028-05-30", "2028-06-15")])
        );
        let once = schedule(Frequency::Once, Alignment::Calendar, 30).plan(p("2027-03-15", "2027-09-14"));
        assert_eq!(once, vec![Planned { period: p("2027-03-15", "2027-09-14"), due: d("2027-10-14") }]);
    }

    #[test]
    fn a_one_day_placement_and_one_inside_a_single_month() {
        let monthly = schedule(Frequency::Monthly, Alignment::Calendar, 5);
        assert_eq!(periods(&monthly.plan(p("2027-02-28", "2027-02-28"))), pairs(&[("2027-02-28", "2027-02-28")]));
        assert_eq!(periods(&monthly.plan(p("2027-02-03", "2027-02-20"))), pairs(&[("2027-02-03", "2027-02-20")]));
        // Over a year end.
        let plan = monthly.plan(p("2027-12-20", "2028-01-10"));
        assert_eq!(periods(&plan), pairs(&[("2027-12-20", "2027-12-31"), ("2028-01-01", "2028-01-10")]));
        assert_eq!(plan[0].due, d("2028-01-05"));
    }

    fn existing(id: &str, start: &str, end: &str, submitted: bool) -> Existing {
        Existing { id: id.into(), period: p(start, end), submitted, closed: false }
    }

    #[test]
    fn an_extension_recuts_the_clipped_report_and_adds_the_new_periods() {
        let monthly = schedule(Frequency::Monthly, Alignment::Calendar, 10);
        let reports = vec![
            existing("mar", "2027-03-15", "2027-03-31", true),
            existing("apr", "2027-04-01", "2027-04-30", false),
            existing("may", "2027-05-01", "2027-05-15", false),
        ];
        let changes = replan(&monthly, p("2027-03-15", "2027-07-10"), &reports);
        assert_eq!(
            changes,
            vec![
                Change::Recut {
                    id: "may".into(),
                    to: Planned { period: p("2027-05-01", "2027-05-31"), due: d("2027-06-10") }
                },
                Change::Add(Planned { period: p("2027-06-01", "2027-06-30"), due: d("2027-07-10") }),
                Change::Add(Planned { period: p("2027-07-01", "2027-07-10"), due: d("2027-07-20") }),
            ]
        );
    }

    #[test]
    fn an_extension_after_the_clipped_report_was_submitted_adds_the_rest_of_its_period() {
        let monthly = schedule(Frequency::Monthly, Alignment::Calendar, 10);
        let reports =
            vec![existing("apr", "2027-04-01", "2027-04-30", true), existing("may", "2027-05-01", "2027-05-15", true)];
        let changes = replan(&monthly, p("2027-04-01", "2027-06-30"), &reports);
        assert_eq!(
            changes,
            vec![
                Change::Add(Planned { period: p("2027-05-16", "2027-05-31"), due: d("2027-06-10") }),
                Change::Add(Planned { period: p("2027-06-01", "2027-06-30"), due: d("2027-07-10") }),
            ]
        );
    }

    #[test]
    fn an_early_end_cancels_later_reports_and_clips_the_one_containing_the_new_end() {
        let monthly = schedule(Frequency::Monthly, Alignment::Calendar, 10);
        let reports = vec![
            existing("apr", "2027-04-01", "2027-04-30", true),
            existing("may", "2027-05-01", "2027-05-31", false),
            existing("jun", "2027-06-01", "2027-06-30", false),
            Existing { closed: true, ..existing("jul", "2027-07-01", "2027-07-31", false) },
        ];
        let changes = replan(&monthly, p("2027-04-01", "2027-05-20"), &reports);
        assert_eq!(
            changes,
            vec![
                Change::Cancel { id: "jun".into() },
                Change::Recut {
                    id: "may".into(),
                    to: Planned { period: p("2027-05-01", "2027-05-20"), due: d("2027-05-30") }
                },
            ]
        );
    }

    #[test]
    fn the_end_of_placement_report_follows_the_end() {
        let once = schedule(Frequency::Once, Alignment::Calendar, 30);
        let reports = vec![existing("end", "2027-03-15", "2027-09-14", false)];
        let longer = replan(&once, p("2027-03-15", "2027-12-31"), &reports);
        assert_eq!(
            longer,
            vec![Change::Recut {
                id: "end".into(),
                to: Planned { period: p("2027-03-15", "2027-12-31"), due: d("2028-01-30") }
            }]
        );
        let shorter = replan(&once, p("2027-03-15", "2027-06-30"), &reports);
        assert_eq!(shorter.len(), 1);
        assert!(matches!(&shorter[0], Change::Recut { to, .. } if to.due == d("2027-07-30")));
        assert!(replan(&once, p("2027-03-15", "2027-09-14"), &reports).is_empty(), "nothing changed, nothing to do");
    }

    #[test]
    fn replanning_the_same_dates_changes_nothing() {
        let quarterly = schedule(Frequency::Quarterly, Alignment::Calendar, 15);
        let placement = p("2027-03-15", "2027-09-14");
        let reports: Vec<Existing> = quarterly
            .plan(placement)
            .iter()
            .enumerate()
            .map(|(i, r)| Existing { id: i.to_string(), period: r.period, submitted: i == 0, closed: false })
            .collect();
        assert!(replan(&quarterly, placement, &reports).is_empty());
    }
}
