//! An exchange rate typed by a person.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::number::{decimal_digits, ShapeError};

/// An exchange rate: a decimal more than zero with at most ten decimal places, e.g. `0.6543` or
/// `16,234.5`. Held exactly as a `Decimal`; pass [`Rate::value`] to `Money::convert`.
/// Serialised as a string (`"0.6543"`) so no float ever touches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rate(Decimal);

/// Ten places is more than any published rate uses, and keeps products well inside `Decimal`.
const MAX_DECIMALS: usize = 10;

impl Rate {
    /// Reads a rate with the amount rules: digits on both sides of a point, commas only between
    /// groups of three, no sign or exponent.
    pub fn parse(text: &str) -> Result<Rate, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("This field is required.".into());
        }
        if text.starts_with('-') {
            return Err("Enter a rate more than zero.".into());
        }
        let digits = decimal_digits(text).map_err(|error| match error {
            ShapeError::Grouping => "Put commas only between groups of three digits, like 16,234.5.".to_string(),
            ShapeError::NotANumber => "Enter a rate like 0.6543.".to_string(),
        })?;
        if digits.fraction.len() > MAX_DECIMALS {
            return Err(format!("Use at most {MAX_DECIMALS} decimal places for a rate."));
        }
        let exact =
            if digits.fraction.is_empty() { digits.whole } else { format!("{}.{}", digits.whole, digits.fraction) };
        let value = Decimal::from_str_exact(&exact).map_err(|_| "That rate is too large.".to_string())?;
        if value.is_zero() {
            return Err("Enter a rate more than zero.".into());
        }
        Ok(Rate(value))
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

/// The rate as typed, without grouping commas: `16234.5`.
impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<Rate> for Decimal {
    fn from(rate: Rate) -> Decimal {
        rate.0
    }
}

parsed_from_text!(Rate);

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    #[test]
    fn reads_rates() {
        assert_eq!(Rate::parse("0.6543").unwrap().value(), decimal("0.6543"));
        assert_eq!(Rate::parse(" 16,234.5 ").unwrap().value(), decimal("16234.5"));
        assert_eq!(Rate::parse("1").unwrap().value(), Decimal::ONE);
        assert_eq!(Rate::parse("0.0000000001").unwrap().value(), decimal("0.0000000001"));
        assert_eq!(Rate::parse("16234.5").unwrap().to_string(), "16234.5");
    }

    #[test]
    fn refuses_bad_rates() {
        assert_eq!(Rate::parse(""), Err("This field is required.".to_string()));
        assert_eq!(Rate::parse("0"), Err("Enter a rate more than zero.".to_string()));
        assert_eq!(Rate::parse("0.0000000000"), Err("Enter a rate more than zero.".to_string()));
        assert_eq!(Rate::parse("-1.5"), Err("Enter a rate more than zero.".to_string()));
        assert_eq!(Rate::parse("0.00000000001"), Err("Use at most 10 decimal places for a rate.".to_string()));
        assert_eq!(Rate::parse("1e3"), Err("Enter a rate like 0.6543.".to_string()));
        assert_eq!(
            Rate::parse("16,23.5"),
            Err("Put commas only between groups of three digits, like 16,234.5.".to_string())
        );
        for bad in ["NaN", "inf", ".5", "5.", "+1", "1 000", "0,5", "１"] {
            assert!(Rate::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(Rate::parse(&"9".repeat(40)), Err("That rate is too large.".to_string()));
    }

    #[test]
    fn serde_is_a_string_and_revalidates() {
        let rate = Rate::parse("0.6543").unwrap();
        let json = serde_json::to_string(&rate).unwrap();
        assert_eq!(json, "\"0.6543\"");
        assert_eq!(serde_json::from_str::<Rate>(&json).unwrap(), rate);
        assert!(serde_json::from_str::<Rate>("\"0\"").is_err());
        assert!(serde_json::from_str::<Rate>("0.6543").is_err());
    }

    #[test]
    fn converts_money() {
        let aud = super::super::Currency::parse("AUD").unwrap();
        let usd = super::super::Currency::parse("USD").unwrap();
        let amount = super::super::Money::parse("100", aud).unwrap();
        let rate = Rate::parse("0.6543").unwrap();
        assert_eq!(amount.convert(rate.value(), usd).map(|m| m.to_string()), Ok("USD 65.43".to_string()));
    }
}
