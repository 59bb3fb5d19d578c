//! The rules of funding, as plain Rust: what an agreement may fund (its earmarks), whether a
//! commitment fits within the total, utilisation, and when an alert is crossed. Unit-tested.

use serde::{Deserialize, Serialize};

use crate::domain::stored_enum::stored_enum;
use crate::domain::{Currency, Money};

stored_enum! {
    /// What commitments are for, in the order they are listed.
    #[derive(PartialOrd, Ord)]
    pub enum Category ("funding category") {
        Stipend = "stipend", "Stipend";
        Travel = "travel", "Travel";
        Accommodation = "accommodation", "Accommodation";
        Training = "training", "Training";
        Other = "other", "Other";
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

/// What an agreement's save may not change once money is committed or spent under it
/// (`has_lines`): its donor, whose users see the placements it funds (each placement keeps its
/// funders when a commitment is made), and its currency, the unit of every amount stored. The
/// refusals, as (field, message), from the (donor, currency) before and after.
pub fn fixed_once_funded(
    has_lines: bool,
    before: (&str, Currency),
    after: (&str, Currency),
) -> Vec<(&'static str, String)> {
    let mut refusals = Vec::new();
    if !has_lines {
        return refusals;
    }
    if before.0 != after.0 {
        refusals.push((
            "donor",
            "The donor cannot change: money is already committed under this agreement, and the placements it \
             funds are shown to its donor. Make a new agreement for the other donor."
                .to_string(),
        ));
    }
    if before.1 != after.1 {
        refusals.push((
            "currency",
            format!(
                "The currency cannot change: money is already committed under this agreement in {}. Make a new \
                 agreement in {}.",
                before.1, after.1
            ),
        ));
    }
    refusals
}

/// Why an amount does not fit within an agreement's total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PastTotal {
    /// Past the total by this much: a coordinator may commit it anyway, with a reason.
    Exceeds(Money),
    /// The sum does not fit in the figures at all: refused, whatever the reason.
    TooLarge,
}

impl PastTotal {
    pub fn message(&self) -> String {
        match self {
            PastTotal::Exceeds(excess) => format!("This commitment exceeds the total by {excess}."),
            PastTotal::TooLarge => TOO_LARGE.to_string(),
        }
    }

    /// Whether a coordinator's reason may override it.
    pub fn may_be_overridden(&self) -> bool {
        matches!(self, PastTotal::Exceeds(_))
    }
}

/// Whether `amount` more fits in an agreement of `total` with `committed` already, or by how
/// much it exceeds the total ("exceeds the total by AUD 1,250.00"). A sum that does not fit in
/// the arithmetic is [`PastTotal::TooLarge`], never an excess.
pub fn check_total(total: Money, committed: Money, amount: Money) -> Result<(), PastTotal> {
    let after = committed.checked_add(&amount).map_err(|_| PastTotal::TooLarge)?;
    let excess = after.checked_sub(&total).map_err(|_| PastTotal::TooLarge)?;
    if excess.minor() > 0 {
        Err(PastTotal::Exceeds(excess))
    } else {
        Ok(())
    }
}

const TOO_LARGE: &str = "That amount is too large: the agreement's figures cannot hold it.";

/// Whether an agreement's figures can take `amount` more, committed or spent: what is committed
/// and what is spent must add up, with it, within the integers they are kept in (what the lines
/// use is never more than the two together). Overflow is a refusal that no reason overrides.
pub fn check_fits(committed: Money, spent: Money, amount: Money) -> Result<(), String> {
    committed
        .checked_add(&spent)
        .and_then(|both| both.checked_add(&amount))
        .map(|_| ())
        .map_err(|_| TOO_LARGE.to_string())
}

/// One commitment's part of utilisation: what was set aside, and what was spent against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub committed_minor: i64,
    pub spent_minor: i64,
}

/// Utilisation in basis points (1/100 of a percent): what the lines use (`used_minor`) ÷ total,
/// so that overspending a commitment counts.
pub fn utilisation_bp(total_minor: i64, used_minor: i64) -> i64 {
    if total_minor <= 0 {
        return 0;
    }
    i64::try_from(i128::from(used_minor.max(0)) * 10_000 / i128::from(total_minor)).unwrap_or(i64::MAX)
}

/// What the lines use of an agreement: Σ max(committed, spent, 0). The database keeps this sum
/// as money moves (`fn::funding_moved` in migration 0012); this is its definition.
pub fn used_minor(lines: &[Line]) -> i64 {
    lines.iter().map(|l| l.committed_minor.max(l.spent_minor).max(0)).sum()
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

/// A dated exchange rate: one unit of `from` buys `rate` units of `to`, from `date` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedRate {
    pub date: chrono::NaiveDate,
    pub from: crate::domain::Currency,
    pub to: crate::domain::Currency,
    pub rate: crate::domain::Rate,
    pub source: String,
}

/// The rate for converting `from` into `to` on `date`: exactly 1 in the same currency, else the
/// latest rate of the table on or before the date, else the refusal's words ("No THB→AUD rate on
/// or before 2027-03-12").
pub fn rate_on(
    table: &[DatedRate],
    from: crate::domain::Currency,
    to: crate::domain::Currency,
    date: chrono::NaiveDate,
) -> Result<Option<&DatedRate>, String> {
    if from == to {
        return Ok(None);
    }
    table.iter().filter(|r| r.from == from && r.to == to && r.date <= date).max_by_key(|r| r.date).map(Some).ok_or_else(
        || format!("No {from}→{to} rate on or before {date}. Add one to the rates, or enter the rate and its source."),
    )
}

/// An expenditure converted to the agreement's currency: rounded once, to its minor units.
pub fn converted(
    amount: Money,
    rate: Option<rust_decimal::Decimal>,
    to: crate::domain::Currency,
) -> Result<Money, String> {
    match rate {
        None if amount.currency() == to => Ok(amount),
        None => Err(format!("A rate is needed to convert {} to {to}.", amount.currency())),
        Some(rate) => amount.convert(rate, to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Currency, Rate};

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn day(text: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn rate(date: &str, from: &str, to: &str, value: &str) -> DatedRate {
        DatedRate {
            date: day(date),
            from: cur(from),
            to: cur(to),
            rate: Rate::parse(value).unwrap(),
            source: "Bank".into(),
        }
    }

    #[test]
    fn the_latest_rate_on_or_before_the_date_and_exactly_one_in_the_same_currency() {
        let table = vec![
            rate("2027-03-01", "THB", "AUD", "0.0431"),
            rate("2027-03-10", "THB", "AUD", "0.0425"),
            rate("2027-03-20", "THB", "AUD", "0.0440"),
            rate("2027-03-10", "USD", "AUD", "1.52"),
        ];
        assert_eq!(
            rate_on(&table, cur("THB"), cur("AUD"), day("2027-03-12")).unwrap().unwrap().rate.to_string(),
            "0.0425"
        );
        assert_eq!(
            rate_on(&table, cur("THB"), cur("AUD"), day("2027-03-10")).unwrap().unwrap().rate.to_string(),
            "0.0425"
        );
        assert_eq!(rate_on(&table, cur("AUD"), cur("AUD"), day("2020-01-01")), Ok(None));
        let missing = rate_on(&table, cur("THB"), cur("AUD"), day("2027-02-28")).unwrap_err();
        assert!(missing.starts_with("No THB→AUD rate on or before 2027-02-28"), "{missing}");
        assert!(rate_on(&table, cur("AUD"), cur("THB"), day("2027-03-12")).is_err(), "a rate has a direction");
    }

    #[test]
    fn conversion_rounds_once_to_the_agreement_currency() {
        let thb = Money::parse("12,345.67", cur("THB")).unwrap();
        let aud = converted(thb, Some(Rate::parse("0.0425").unwrap().value()), cur("AUD")).unwrap();
        // 12,345.67 × 0.0425 = 524.690975 → AUD 524.69
        assert_eq!(aud.to_string(), "AUD 524.69");
        let same = Money::parse("100.00", cur("AUD")).unwrap();
        assert_eq!(converted(same, None, cur("AUD")), Ok(same));
        assert!(converted(thb, None, cur("AUD")).is_err(), "never a silent 1");
        let vnd = Money::parse("1,000,000", cur("VND")).unwrap();
        assert_eq!(
            converted(vnd, Some(Rate::parse("0.0000606").unwrap().value()), cur("AUD")).unwrap().to_string(),
            "AUD 60.60"
        );
    }

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
    fn m1_an_agreements_donor_and_currency_are_fixed_once_it_has_lines() {
        let (aud, jpy) = (cur("AUD"), cur("JPY"));
        assert!(fixed_once_funded(false, ("aus", aud), ("nzl", jpy)).is_empty(), "nothing on it yet");
        assert!(fixed_once_funded(true, ("aus", aud), ("aus", aud)).is_empty(), "the rest may change");
        let fields = |refusals: Vec<(&'static str, String)>| refusals.into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        assert_eq!(fields(fixed_once_funded(true, ("aus", aud), ("nzl", aud))), vec!["donor"]);
        assert_eq!(fields(fixed_once_funded(true, ("aus", aud), ("aus", jpy))), vec!["currency"]);
        let both = fixed_once_funded(true, ("aus", aud), ("nzl", jpy));
        assert_eq!(fields(both.clone()), vec!["donor", "currency"]);
        assert!(both[1].1.contains("committed under this agreement in AUD"), "{}", both[1].1);
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
            check_total(aud("10,000.00"), aud("8,000.00"), aud("3,250.00")).map_err(|past| past.message()),
            Err("This commitment exceeds the total by AUD 1,250.00.".into())
        );
    }

    #[test]
    fn l7_a_sum_too_large_to_hold_is_not_an_excess_and_cannot_be_overridden() {
        let aud_cur = cur("AUD");
        let near_max = Money::from_minor(i64::MAX - 10, aud_cur);
        let past = check_total(aud("1,000.00"), near_max, aud("1.00")).unwrap_err();
        assert_eq!(past, PastTotal::TooLarge);
        assert!(!past.may_be_overridden());
        assert!(past.message().contains("too large"), "{}", past.message());
        let excess = check_total(aud("1,000.00"), aud("900.00"), aud("200.00")).unwrap_err();
        assert_eq!(excess, PastTotal::Exceeds(aud("100.00")));
        assert!(excess.may_be_overridden());
        // The figures: committed and spent together, with the new amount.
        assert_eq!(check_fits(aud("900.00"), aud("50.00"), aud("200.00")), Ok(()));
        assert!(check_fits(near_max, Money::zero(aud_cur), aud("1.00")).is_err());
        assert!(check_fits(
            Money::from_minor(i64::MAX / 2 + 1, aud_cur),
            Money::from_minor(i64::MAX / 2, aud_cur),
            aud("0.01")
        )
        .is_err());
        assert_eq!(check_fits(Money::from_minor(i64::MAX - 1, aud_cur), Money::zero(aud_cur), aud("0.01")), Ok(()));
    }

    #[test]
    fn utilisation_counts_overspending_and_never_divides_by_zero() {
        let lines = [
            Line { committed_minor: 500_000, spent_minor: 200_000 },
            Line { committed_minor: 100_000, spent_minor: 250_000 },
        ];
        // max(5,000, 2,000) + max(1,000, 2,500) = 7,500 of 10,000.
        assert_eq!(used_minor(&lines), 750_000);
        assert_eq!(utilisation_bp(1_000_000, used_minor(&lines)), 7_500);
        assert_eq!(utilisation_bp(0, used_minor(&lines)), 0);
        // A line reversed below zero uses nothing.
        assert_eq!(used_minor(&[Line { committed_minor: -5, spent_minor: -7 }]), 0);
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
