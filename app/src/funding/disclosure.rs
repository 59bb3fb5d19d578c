//! What of an agreement's money may be published (the IATI file): sums by calendar quarter and
//! cost category, never a placement's own. A placement's lines carry its agency and dates, and
//! an agency that sends one officer would make them a person's stipend; so a sum is published
//! only when it rests on at least [`MIN_PLACEMENTS`] placements, and left out otherwise. Pure,
//! unit-tested.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};

use super::rules::Category;
use crate::domain::Money;

/// The fewest placements a published sum may rest on.
pub const MIN_PLACEMENTS: usize = 3;

/// A calendar quarter: 2027-Q1 is January to March 2027.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    /// 1 to 4.
    number: u32,
}

impl Quarter {
    pub fn of(day: NaiveDate) -> Quarter {
        Quarter { year: day.year(), number: day.month0() / 3 + 1 }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.number - 1) * 3 + 1, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        let next = if self.number == 4 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.number * 3 + 1, 1)
        };
        next.and_then(|day| day.pred_opt()).unwrap_or(NaiveDate::MAX)
    }
}

/// "2027-Q1".
impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

/// One stored line of money, in the agreement's currency: a commitment (dated the office day it
/// was made) or an expenditure (dated the day it was spent; a correction is a negative line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyLine {
    pub placement: String,
    pub date: NaiveDate,
    pub category: Category,
    pub amount: Money,
}

/// A published sum: one category's lines of one quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub quarter: Quarter,
    pub category: Category,
    pub amount: Money,
    /// The placements it rests on (those whose lines in it do not cancel out).
    pub placements: usize,
}

/// The sums that may be published, in order of quarter and category, and how many were left out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Published {
    pub cells: Vec<Cell>,
    pub withheld: usize,
}

/// The lines summed by (quarter, category); a sum is kept when at least [`MIN_PLACEMENTS`]
/// placements have a net amount in it, left out (and counted) otherwise. A placement whose lines
/// in a cell cancel out (a line and its correction) adds nothing to it, so it does not count.
/// A sum that does not fit is an error, never a wrapped number.
pub fn publishable(lines: &[MoneyLine]) -> Result<Published, String> {
    let mut cells: BTreeMap<(Quarter, Category), BTreeMap<&str, Money>> = BTreeMap::new();
    for line in lines {
        let by_placement = cells.entry((Quarter::of(line.date), line.category)).or_default();
        let net = match by_placement.get(line.placement.as_str()) {
            Some(sum) => sum.checked_add(&line.amount)?,
            None => line.amount,
        };
        by_placement.insert(&line.placement, net);
    }
    let mut published = Published::default();
    for ((quarter, category), by_placement) in cells {
        let resting: Vec<&Money> = by_placement.values().filter(|net| !net.is_zero()).collect();
        if resting.is_empty() {
            continue;
        }
        if resting.len() < MIN_PLACEMENTS {
            published.withheld += 1;
            continue;
        }
        let mut amount = Money::zero(resting[0].currency());
        for net in &resting {
            amount = amount.checked_add(net)?;
        }
        published.cells.push(Cell { quarter, category, amount, placements: resting.len() });
    }
    Ok(published)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn aud(minor: i64) -> Money {
        Money::from_minor(minor, Currency::parse("AUD").unwrap())
    }

    fn line(placement: &str, date: &str, category: Category, minor: i64) -> MoneyLine {
        MoneyLine { placement: placement.into(), date: d(date), category, amount: aud(minor) }
    }

    #[test]
    fn l6_quarters_run_from_january_april_july_and_october() {
        assert_eq!(Quarter::of(d("2027-01-01")).to_string(), "2027-Q1");
        assert_eq!(Quarter::of(d("2027-03-31")).to_string(), "2027-Q1");
        assert_eq!(Quarter::of(d("2027-04-01")).to_string(), "2027-Q2");
        assert_eq!(Quarter::of(d("2027-12-31")).to_string(), "2027-Q4");
        let q = Quarter::of(d("2028-02-29"));
        assert_eq!((q.first_day(), q.last_day()), (d("2028-01-01"), d("2028-03-31")));
        let q = Quarter::of(d("2027-11-15"));
        assert_eq!((q.first_day(), q.last_day()), (d("2027-10-01"), d("2027-12-31")));
        assert!(Quarter::of(d("2026-12-31")) < Quarter::of(d("2027-01-01")));
    }

    #[test]
    fn l6_a_sum_is_published_only_when_it_rests_on_three_placements() {
        let lines = [
            line("a", "2027-01-05", Category::Stipend, 100_000),
            line("b", "2027-02-10", Category::Stipend, 200_000),
            line("c", "2027-03-31", Category::Stipend, 300_000),
            line("a", "2027-01-20", Category::Stipend, 50_000),
            // One placement's travel, and two placements' training: left out.
            line("a", "2027-01-05", Category::Travel, 40_000),
            line("a", "2027-02-05", Category::Training, 10_000),
            line("b", "2027-02-05", Category::Training, 10_000),
            // The next quarter is a cell of its own, with two placements.
            line("b", "2027-04-01", Category::Stipend, 200_000),
            line("c", "2027-04-02", Category::Stipend, 300_000),
        ];
        let published = publishable(&lines).unwrap();
        assert_eq!(
            published.cells,
            vec![Cell {
                quarter: Quarter::of(d("2027-01-01")),
                category: Category::Stipend,
                amount: aud(650_000),
                placements: 3
            }]
        );
        assert_eq!(published.withheld, 3, "travel and training of Q1, stipend of Q2");
    }

    #[test]
    fn l6_a_placement_whose_lines_cancel_out_does_not_count() {
        let mut lines = vec![
            line("a", "2027-05-01", Category::Stipend, 100_000),
            line("b", "2027-05-01", Category::Stipend, 100_000),
            line("c", "2027-05-01", Category::Stipend, 70_000),
            line("c", "2027-05-01", Category::Stipend, -70_000),
        ];
        // The sum would be a + b: two placements, however many lines.
        assert_eq!(publishable(&lines).unwrap(), Published { cells: vec![], withheld: 1 });
        lines.push(line("d", "2027-06-30", Category::Stipend, 1));
        let published = publishable(&lines).unwrap();
        assert_eq!((published.cells[0].amount, published.cells[0].placements), (aud(200_001), 3));
        // A cell whose every line was corrected publishes nothing and hides nothing.
        let corrected = [line("a", "2027-05-01", Category::Travel, 5), line("a", "2027-05-01", Category::Travel, -5)];
        assert_eq!(publishable(&corrected).unwrap(), Published::default());
    }

    #[test]
    fn l6_categories_are_apart_and_in_order() {
        let mut lines = Vec::new();
        for placement in ["a", "b", "c"] {
            lines.push(line(placement, "2027-08-01", Category::Travel, 1_000));
            lines.push(line(placement, "2027-07-01", Category::Stipend, 2_000));
            lines.push(line(placement, "2026-12-01", Category::Other, 3_000));
        }
        let order: Vec<(String, Category, i64)> = publishable(&lines)
            .unwrap()
            .cells
            .into_iter()
            .map(|c| (c.quarter.to_string(), c.category, c.amount.minor()))
            .collect();
        assert_eq!(
            order,
            vec![
                ("2026-Q4".into(), Category::Other, 9_000),
                ("2027-Q3".into(), Category::Stipend, 6_000),
                ("2027-Q3".into(), Category::Travel, 3_000),
            ]
        );
    }

    #[test]
    fn l6_a_sum_that_does_not_fit_is_an_error_never_a_wrapped_number() {
        let lines = [
            line("a", "2027-01-01", Category::Stipend, i64::MAX),
            line("b", "2027-01-01", Category::Stipend, 1),
            line("c", "2027-01-01", Category::Stipend, 1),
        ];
        assert!(publishable(&lines).is_err());
        let one_placement =
            [line("a", "2027-01-01", Category::Stipend, i64::MAX), line("a", "2027-01-02", Category::Stipend, 1)];
        assert!(publishable(&one_placement).is_err());
    }
}
