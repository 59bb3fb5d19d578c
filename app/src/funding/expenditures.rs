//! Spending against commitments, and the dated exchange rates it is converted with. An
//! expenditure has a date within the agreement, a category committed for its placement, an
//! amount in any currency, an evidence reference, and the rate to the agreement's currency: the
//! latest of the table on or before its date, or one a coordinator enters with its source;
//! exactly 1 in the agreement's own currency; never a silent 1. The converted amount is stored,
//! rounded once. Lines are never deleted: a correction reverses one, with its reason.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ExpenditureForm {
    pub agreement: String,
    pub placement: String,
    pub category: String,
    pub date: String,
    pub amount: String,
    pub currency: String,
    /// Empty: from the rates table.
    pub rate: String,
    pub rate_source: String,
    pub evidence: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ReverseForm {
    pub agreement: String,
    pub expenditure: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RateForm {
    pub date: String,
    pub from: String,
    pub to: String,
    pub rate: String,
    pub source: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RatesImportForm {
    /// CSV text: `date,from,to,rate,source`, one rate a line, a heading line allowed.
    pub csv: String,
}

/// An expenditure line as the agreement page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpenditureLine {
    pub id: String,
    pub placement: String,
    pub category: super::rules::Category,
    pub date: chrono::NaiveDate,
    pub amount: crate::domain::Money,
    pub rate: String,
    pub rate_source: String,
    pub converted: crate::domain::Money,
    pub evidence: String,
    /// A reversing line: the reason.
    pub reason: Option<String>,
    /// Reversed by a later line: it no longer counts, and is not reversed again.
    pub reversed: bool,
}

/// A dated rate as the rates page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateLine {
    pub date: chrono::NaiveDate,
    pub from: String,
    pub to: String,
    pub rate: String,
    pub source: String,
}

/// A rate line checked: the message names the field (or, in an import, the column).
pub fn parse_rate(form: &RateForm) -> Result<super::rules::DatedRate, Vec<(&'static str, String)>> {
    use crate::domain::{parse_date, Currency, Rate};
    let mut errors = Vec::new();
    let date = parse_date(&form.date).map_err(|m| errors.push(("date", m))).ok();
    let from = Currency::parse(&form.from).map_err(|m| errors.push(("from", m))).ok();
    let to = Currency::parse(&form.to).map_err(|m| errors.push(("to", m))).ok();
    let rate = Rate::parse(&form.rate).map_err(|m| errors.push(("rate", m))).ok();
    let source = form.source.trim().to_string();
    if source.is_empty() {
        errors.push(("source", "Say where the rate comes from, like \"Reserve Bank, daily rate\".".into()));
    } else if source.chars().count() > 200 {
        errors.push(("source", "Use at most 200 characters.".into()));
    }
    if let (Some(from), Some(to)) = (from, to) {
        if from == to {
            errors.push(("to", "A rate converts between two different currencies.".into()));
        }
    }
    match (date, from, to, rate, errors.is_empty()) {
        (Some(date), Some(from), Some(to), Some(rate), true) => {
            Ok(super::rules::DatedRate { date, from, to, rate, source })
        }
        _ => Err(errors),
    }
}

/// The rates of a CSV text, all or none: every line's problems, numbered, or every rate.
pub fn parse_rates_csv(text: &str) -> Result<Vec<super::rules::DatedRate>, String> {
    let mut rates = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || (number == 1 && line.to_lowercase().starts_with("date,")) {
            continue;
        }
        let cells: Vec<&str> = line.splitn(5, ',').map(str::trim).collect();
        if cells.len() < 5 {
            problems.push(format!("Line {number}: expected date,from,to,rate,source."));
            continue;
        }
        let form = RateForm {
            date: cells[0].into(),
            from: cells[1].into(),
            to: cells[2].into(),
            rate: cells[3].into(),
            source: cells[4].trim_matches('"').into(),
        };
        match parse_rate(&form) {
            Ok(rate) => rates.push(rate),
            Err(errors) => {
                let said: Vec<String> = errors.iter().map(|(field, m)| format!("{field}: {m}")).collect();
                problems.push(format!("Line {number}: {}", said.join(" ")));
            }
        }
    }
    if !problems.is_empty() {
        return Err(format!("Nothing was imported. {}", problems.join(" ")));
    }
    if rates.is_empty() {
        return Err("There is no rate in the text.".into());
    }
    Ok(rates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_of_rates_is_taken_whole_or_refused_line_by_line() {
        let good = "date,from,to,rate,source\n2027-03-01,THB,AUD,0.0431,Reserve Bank\n2027-03-02,USD,AUD,1.52,Reserve Bank, daily\n";
        let rates = parse_rates_csv(good).unwrap();
        assert_eq!(rates.len(), 2);
        assert_eq!(rates[1].source, "Reserve Bank, daily", "a comma in the source is kept");
        let bad = "2027-03-01,THB,AUD,0.0431,Bank\n2027-02-30,THB,AUD,0.04,Bank\n2027-03-03,THB,AUD,-1,Bank\n2027-03-04,THB\n";
        let error = parse_rates_csv(bad).unwrap_err();
        assert!(error.starts_with("Nothing was imported."), "{error}");
        assert!(
            error.contains("Line 2: date:") && error.contains("Line 3: rate:") && error.contains("Line 4: expected"),
            "{error}"
        );
        assert!(!error.contains("Line 1"));
        assert!(parse_rates_csv("date,from,to,rate,source\n").is_err(), "nothing to import");
    }

    #[test]
    fn a_rate_needs_two_currencies_a_positive_rate_and_a_source() {
        let form = RateForm {
            date: "2027-03-01".into(),
            from: "THB".into(),
            to: "THB".into(),
            rate: "0".into(),
            source: " ".into(),
        };
        let fields: Vec<&str> = parse_rate(&form).unwrap_err().iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["rate", "source", "to"]);
    }
}
