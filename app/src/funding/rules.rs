//! The rules of funding, as plain Rust: what an agreement may fund (its earmarks), whether a
//! commitment fits within the total, utilisation, and when an alert is crossed. Unit-tested.

use serde::{Deserialize, Serialize};

use crate::domain::Money;

/// What commitments are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Stipend,
    Travel,
    Accommodation,
    Training,
    Other,
}

impl Category {
    pub const ALL: [Category; 5] =
        [Category::Stipend, Category::Travel, Category::Accommodation, Category::Training, Category::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Stipend => "stipend",
            Category::Travel => "travel",
            Category::Accommodation => "accommodation",
            Category::Training => "training",
            Category::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Stipend => "Stipend",
            Category::Travel => "Travel",
            Category::Accommodation => "Accommodation",
            Category::Training => "Training",
            Category::Other => "Other",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text.trim())
    }
}

/// What an agreement may fund: the members, agencies and themes named, each list empty meaning
/// "any". Names are carried for the refusal's words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Earmarks {
    /// (id, name)
    pub members: Vec<(String, String)>,
    pub agencies: Vec<(String, String)>,
    pub themes: Vec<(String, String)>,
}

/// What the earmark check needs to know of a placement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funded {
    /// The sending agency's member.
    pub member: String,
    /// The sending agency.
    pub agency: String,
    pub themes: Vec<String>,
}

fn names(list: &[(String, String)]) -> String {
    let names: Vec<&str> = list.iter().map(|(_, n)| n.as_str()).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Whether agreement `reference` with `earmarks` may fund `placement`, or the reason it may not
/// ("Agreement AUS-2027-01 may fund only officers of Sri Lanka").
pub fn check_earmarks(reference: &str, earmarks: &Earmarks, placement: &Funded) -> Result<(), String> {
    if !earmarks.members.is_empty() && !earmarks.members.iter().any(|(id, _)| *id == placement.member) {
        return Err(format!("Agreement {reference} may fund only officers of {}.", names(&earmarks.members)));
    }
    if !earmarks.agencies.is_empty() && !earmarks.agencies.iter().any(|(id, _)| *id == placement.agency) {
        return Err(format!("Agreement {reference} may fund only officers sent by {}.", names(&earmarks.agencies)));
    }
    if !earmarks.themes.is_empty() && !earmarks.themes.iter().any(|(id, _)| placement.themes.contains(id)) {
        return Err(format!("Agreement {reference} may fund only placements on {}.", names(&earmarks.themes)));
    }
    Ok(())
}

/// Whether `amount` more fits in an agreement of `total` with `committed` already, or by how
/// much it exceeds the total ("exceeds the total by AUD 1,250.00").
pub fn check_total(total: Money, committed: Money, amount: Money) -> Result<(), String> {
    let after = committed.checked_add(&amount)?;
    let excess = after.checked_sub(&total)?;
    if excess.minor() > 0 {
        Err(format!("This commitment exceeds the total by {excess}."))
    } else {
        Ok(())
    }
}

/// One commitment's part of utilisation: what was set aside, and what was spent against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub committed_minor: i64,
    pub spent_minor: i64,
}

/// Utilisation in basis points (1/100 of a percent): Σ max(committed, spent) ÷ total, so that
/// overspending a commitment counts.
pub fn utilisation_bp(total_minor: i64, lines: &[Line]) -> i64 {
    if total_minor <= 0 {
        return 0;
    }
    let used: i128 = lines.iter().map(|l| i128::from(l.committed_minor.max(l.spent_minor).max(0))).sum();
    i64::try_from(used * 10_000 / i128::from(total_minor)).unwrap_or(i64::MAX)
}

/// The alert levels, in percent.
pub const ALERTS: [i64; 2] = [80, 100];

/// The highest alert level at or under `bp`, or 0.
pub fn alert_level(bp: i64) -> i64 {
    ALERTS.iter().copied().filter(|level| bp >= level * 100).max().unwrap_or(0)
}

/// The alerts to send when utilisation moves from `before_bp` to `after_bp` with `armed` the
/// level last alerted (re-armed when it falls back): the levels crossed upwards, and the new
/// armed level.
pub fn crossed(armed: i64, after_bp: i64) -> (Vec<i64>, i64) {
    let level = alert_level(after_bp);
    let newly: Vec<i64> = ALERTS.iter().copied().filter(|l| *l > armed && *l <= level).collect();
    (newly, level)
}

/// "82.5 %" from basis points.
pub fn percent_text(bp: i64) -> String {
    let whole = bp / 100;
    let tenths = (bp % 100) / 10;
    if tenths == 0 {
        format!("{whole} %")
    } else {
        format!("{whole}.{tenths} %")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    fn aud(text: &str) -> Money {
        Money::parse(text, Currency::parse("AUD").unwrap()).unwrap()
    }

    fn named(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    fn officer() -> Funded {
        Funded { member: "lka".into(), agency: "die".into(), themes: vec!["border".into()] }
    }

    #[test]
    fn empty_earmarks_fund_anyone() {
        assert_eq!(check_earmarks("AUS-1", &Earmarks::default(), &officer()), Ok(()));
    }

    #[test]
    fn earmarks_refuse_with_the_reason() {
        let only_sri_lanka = Earmarks { members: named(&[("lka", "Sri Lanka")]), ..Default::default() };
        assert_eq!(check_earmarks("AUS-2027-01", &only_sri_lanka, &officer()), Ok(()));
        let only_viet_nam = Earmarks { members: named(&[("vnm", "Viet Nam")]), ..Default::default() };
        assert_eq!(
            check_earmarks("AUS-2027-01", &only_viet_nam, &officer()),
            Err("Agreement AUS-2027-01 may fund only officers of Viet Nam.".into())
        );
        let two = Earmarks {
            agencies: named(&[("a", "Agency A"), ("b", "Agency B"), ("c", "Agency C")]),
            ..Default::default()
        };
        assert_eq!(
            check_earmarks("X", &two, &officer()),
            Err("Agreement X may fund only officers sent by Agency A, Agency B or Agency C.".into())
        );
        let themes = Earmarks { themes: named(&[("scams", "Online scams")]), ..Default::default() };
        assert!(check_earmarks("X", &themes, &officer()).unwrap_err().contains("placements on Online scams"));
        let any_theme =
            Earmarks { themes: named(&[("scams", "Online scams"), ("border", "Border")]), ..Default::default() };
        assert_eq!(check_earmarks("X", &any_theme, &officer()), Ok(()), "one shared theme is enough");
    }

    #[test]
    fn a_commitment_past_the_total_says_by_how_much() {
        assert_eq!(check_total(aud("10,000.00"), aud("8,000.00"), aud("2,000.00")), Ok(()), "exactly the total");
        assert_eq!(
            check_total(aud("10,000.00"), aud("8,000.00"), aud("3,250.00")),
            Err("This commitment exceeds the total by AUD 1,250.00.".into())
        );
    }

    #[test]
    fn utilisation_counts_overspending_and_never_divides_by_zero() {
        let lines = [
            Line { committed_minor: 500_000, spent_minor: 200_000 },
            Line { committed_minor: 100_000, spent_minor: 250_000 },
        ];
        // max(5,000, 2,000) + max(1,000, 2,500) = 7,500 of 10,000.
        assert_eq!(utilisation_bp(1_000_000, &lines), 7_500);
        assert_eq!(utilisation_bp(0, &lines), 0);
        assert_eq!(percent_text(7_500), "75 %");
        assert_eq!(percent_text(8_254), "82.5 %");
    }

    #[test]
    fn alerts_fire_once_per_crossing_and_rearm_when_utilisation_falls() {
        assert_eq!(crossed(0, 7_999), (vec![], 0));
        assert_eq!(crossed(0, 8_000), (vec![80], 80));
        assert_eq!(crossed(80, 9_000), (vec![], 80), "already told of 80 %");
        assert_eq!(crossed(80, 10_000), (vec![100], 100));
        assert_eq!(crossed(0, 12_000), (vec![80, 100], 100), "both at once");
        assert_eq!(crossed(100, 7_000), (vec![], 0), "fell back: re-armed");
        assert_eq!(crossed(0, 8_500), (vec![80], 80), "and told again");
    }
}
