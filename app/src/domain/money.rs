//! An amount of money: integer minor units of one currency.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::number::{decimal_digits, ShapeError};

/// An amount in a currency, held as an integer count of minor units (AUD 12.34 is 1234 cents),
/// never as a float, so sums are exact. Serialised as `{ "minor": 1234, "currency": "AUD" }`.
///
/// There is deliberately no ordering: comparing AUD 5 with THB 100 has no meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// Which amounts a parser admits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sign {
    /// Zero or more.
    NotNegative,
    /// More than zero.
    Positive,
    /// Any amount, with a leading `-` for a negative one.
    Any,
}

impl Money {
    /// What a form takes: amounts under 10^15 minor units (AUD 10 trillion, JPY 1,000 trillion).
    /// Far above any agreement, and far enough below `i64` that thousands of such lines still add
    /// up exactly.
    pub const LIMIT_MINOR: i64 = 1_000_000_000_000_000;

    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Reads an amount of zero or more, such as `1,250.50`, `1250.5` or `1250`.
    ///
    /// The rules, chosen so that a misread amount is refused rather than guessed:
    /// - surrounding spaces are ignored, spaces inside are not allowed (`1 250` is refused);
    /// - commas only as thousands separators between groups of three (`1,25` is refused: it
    ///   may be a decimal comma);
    /// - at most as many decimals as the currency has (`1.005` AUD and `10.5` JPY are refused,
    ///   and so is `1.000` AUD, which may mean one thousand);
    /// - digits on both sides of the point (`0.5`, not `.5` or `5.`);
    /// - no sign, exponent (`1e3`), `NaN` or `inf`, and nothing beyond `i64` minor units.
    pub fn parse(text: &str, currency: Currency) -> Result<Money, String> {
        parse_amount(text, currency, Sign::NotNegative)
    }

    /// Like [`Money::parse`], but zero is refused too: for totals and prices.
    pub fn parse_positive(text: &str, currency: Currency) -> Result<Money, String> {
        parse_amount(text, currency, Sign::Positive)
    }

    /// Like [`Money::parse`], but a leading `-` is allowed: for adjustments and refunds.
    pub fn parse_signed(text: &str, currency: Currency) -> Result<Money, String> {
        parse_amount(text, currency, Sign::Any)
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    /// This amount, if it is under the limit a form takes ([`Money::LIMIT_MINOR`] minor units,
    /// either way), or the words of the refusal.
    pub fn within_limit(self) -> Result<Money, String> {
        if self.minor.unsigned_abs() < Money::LIMIT_MINOR.unsigned_abs() {
            Ok(self)
        } else {
            Err(format!(
                "That amount is too large: enter less than {}.",
                Money::from_minor(Money::LIMIT_MINOR, self.currency)
            ))
        }
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }

    pub fn is_negative(&self) -> bool {
        self.minor < 0
    }

    /// The amount without the code: `1,250.00`, `-5.00`, or `1,250` for JPY. Always exactly the
    /// currency's number of decimals.
    pub fn amount_text(&self) -> String {
        let per_major = self.currency.minor_per_major().unsigned_abs();
        let magnitude = self.minor.unsigned_abs();
        let mut text = String::new();
        if self.minor < 0 {
            text.push('-');
        }
        text.push_str(&group_thousands(magnitude / per_major));
        let decimals = self.currency.minor_units() as usize;
        if decimals > 0 {
            text.push('.');
            text.push_str(&format!("{:0decimals$}", magnitude % per_major));
        }
        text
    }

    /// The amount in major units, exactly: AUD 1234 minor units is `12.34`.
    pub fn to_decimal(&self) -> Decimal {
        // The scale is the currency's minor units, at most 4, far below Decimal's limit of 28.
        Decimal::new(self.minor, self.currency.minor_units())
    }

    /// The sum of two amounts in the same currency.
    pub fn checked_add(&self, other: &Money) -> Result<Money, String> {
        self.same_currency(other, "add")?;
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money { minor, currency: self.currency })
            .ok_or_else(|| "The total is too large.".to_string())
    }

    /// This amount less another in the same currency.
    pub fn checked_sub(&self, other: &Money) -> Result<Money, String> {
        self.same_currency(other, "subtract")?;
        self.minor
            .checked_sub(other.minor)
            .map(|minor| Money { minor, currency: self.currency })
            .ok_or_else(|| "The difference is too large.".to_string())
    }

    /// This amount in another currency. `rate` is how many units of `to` one unit of this
    /// currency buys (AUD→USD 0.6543 means AUD 1 = USD 0.6543) and must be more than zero.
    ///
    /// The product is computed exactly in `Decimal` from the minor units and rounded once, to
    /// the minor units of `to`, with halves rounded away from zero (USD 0.005 becomes USD 0.01,
    /// and −0.005 becomes −0.01). Rounding once means that converting a sum and summing the
    /// converted parts can differ by a minor unit; convert totals, not parts, when they must agree.
    pub fn convert(&self, rate: Decimal, to: Currency) -> Result<Money, String> {
        if rate <= Decimal::ZERO {
            return Err("The exchange rate must be more than zero.".into());
        }
        let too_large = || format!("The amount is too large to convert to {to}.");
        let in_minor_units_of_to = self
            .to_decimal()
            .checked_mul(rate)
            .and_then(|major| major.checked_mul(Decimal::from(to.minor_per_major())))
            .ok_or_else(too_large)?;
        let rounded = in_minor_units_of_to.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        let minor = i64::try_from(rounded).map_err(|_| too_large())?;
        Ok(Money { minor, currency: to })
    }

    fn same_currency(&self, other: &Money, verb: &str) -> Result<(), String> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(format!("Cannot {verb} amounts in {} and {}; convert one first.", self.currency, other.currency))
        }
    }
}

/// "AUD 1,250.00", "JPY 1,250", "AUD -5.00": the code, a space, then [`Money::amount_text`], so
/// the code stays a label and the sign stays with the number.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.amount_text())
    }
}

fn parse_amount(text: &str, currency: Currency, sign: Sign) -> Result<Money, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("This field is required.".into());
    }
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) if sign == Sign::Any => (true, rest),
        _ => (false, text),
    };
    let digits = match decimal_digits(unsigned) {
        Ok(digits) => digits,
        Err(_) if sign != Sign::Any && unsigned.strip_prefix('-').is_some_and(|rest| decimal_digits(rest).is_ok()) => {
            return Err("The amount cannot be negative.".into());
        }
        Err(ShapeError::Grouping) => {
            return Err("Put commas only between groups of three digits, like 1,250,000.".into());
        }
        Err(ShapeError::NotANumber) => return Err(format!("Enter an amount like {}.", example(currency))),
    };
    let decimals = currency.minor_units() as usize;
    if digits.fraction.len() > decimals {
        return Err(match decimals {
            0 => format!("{currency} amounts are whole numbers, without decimals."),
            1 => format!("{currency} amounts have at most 1 decimal place."),
            _ => format!("{currency} amounts have at most {decimals} decimal places."),
        });
    }
    let too_large = || "That amount is too large.".to_string();
    // The fraction padded to the currency's decimals: "5" for AUD is 50 cents.
    let fraction = format!("{:0<decimals$}", digits.fraction);
    let magnitude = to_integer(&digits.whole)
        .and_then(|whole| whole.checked_mul(currency.minor_per_major()))
        .and_then(|whole| whole.checked_add(to_integer(&fraction)?))
        .ok_or_else(too_large)?;
    let minor = if negative { -magnitude } else { magnitude };
    if sign == Sign::Positive && minor == 0 {
        return Err("Enter an amount more than zero.".into());
    }
    Ok(Money { minor, currency })
}

/// Digits to a number; `None` when it does not fit (or is not digits). Empty is zero.
fn to_integer(digits: &str) -> Option<i64> {
    digits.chars().try_fold(0_i64, |total, digit| total.checked_mul(10)?.checked_add(i64::from(digit.to_digit(10)?)))
}

/// `1250000` as `1,250,000`.
fn group_thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// An example amount with the currency's decimals, for messages: `1,250.50`, or `1,250` for JPY.
fn example(currency: Currency) -> String {
    match currency.minor_units() {
        0 => "1,250".to_string(),
        decimals => format!("1,250.{:0<width$}", 5, width = decimals as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn currency(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn aud(text: &str) -> Result<Money, String> {
        Money::parse(text, currency("AUD"))
    }

    fn minor(text: &str, code: &str) -> i64 {
        Money::parse(text, currency(code)).unwrap().minor()
    }

    #[test]
    fn parses_plain_and_grouped_amounts() {
        assert_eq!(minor("1,250.50", "AUD"), 125_050);
        assert_eq!(minor("1250.5", "AUD"), 125_050);
        assert_eq!(minor("1250", "AUD"), 125_000);
        assert_eq!(minor(" 1250.00 ", "AUD"), 125_000);
        assert_eq!(minor("0.5", "AUD"), 50);
        assert_eq!(minor("0.05", "AUD"), 5);
        assert_eq!(minor("0", "AUD"), 0);
        assert_eq!(minor("12,345,678.90", "THB"), 1_234_567_890);
        assert_eq!(minor("1,250", "JPY"), 1_250);
        assert_eq!(minor("25,000,000", "VND"), 25_000_000);
        assert_eq!(minor("1.234", "BHD"), 1_234);
        assert_eq!(minor("007", "AUD"), 700);
    }

    #[test]
    fn refuses_what_it_cannot_read_safely() {
        for bad in [
            "", "   ", "1e3", "1E3", "NaN", "nan", "inf", "-inf", "Infinity", ".5", "5.", ".", "1.2.3", "+5", "$5",
            "5 AUD", "1 250.50", "1_250", "abc", "0x10", "١٢", "−5",
        ] {
            assert!(aud(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn refuses_bad_grouping() {
        let message = "Put commas only between groups of three digits, like 1,250,000.";
        for bad in ["1,25", "1,25.00", "12,50,000", "1234,567", "1,,000", ",5"] {
            assert_eq!(aud(bad), Err(message.to_string()), "{bad:?}");
        }
    }

    #[test]
    fn refuses_more_decimals_than_the_currency_has() {
        assert_eq!(aud("1.005"), Err("AUD amounts have at most 2 decimal places.".to_string()));
        assert_eq!(aud("1.000"), Err("AUD amounts have at most 2 decimal places.".to_string()));
        assert_eq!(
            Money::parse("10.5", currency("JPY")),
            Err("JPY amounts are whole numbers, without decimals.".to_string())
        );
        assert!(Money::parse("10.0", currency("VND")).is_err());
        assert!(Money::parse("1.2345", currency("BHD")).is_err());
    }

    #[test]
    fn messages_give_an_example_in_the_currency() {
        assert_eq!(aud("abc"), Err("Enter an amount like 1,250.50.".to_string()));
        assert_eq!(Money::parse("abc", currency("JPY")), Err("Enter an amount like 1,250.".to_string()));
        assert_eq!(Money::parse("abc", currency("BHD")), Err("Enter an amount like 1,250.500.".to_string()));
        assert_eq!(aud(""), Err("This field is required.".to_string()));
    }

    #[test]
    fn signs() {
        assert_eq!(aud("-5"), Err("The amount cannot be negative.".to_string()));
        assert_eq!(aud("-0"), Err("The amount cannot be negative.".to_string()));
        assert_eq!(Money::parse_positive("0", currency("AUD")), Err("Enter an amount more than zero.".to_string()));
        assert_eq!(Money::parse_positive("0.00", currency("AUD")), Err("Enter an amount more than zero.".to_string()));
        assert!(Money::parse_positive("-5", currency("AUD")).is_err());
        assert_eq!(Money::parse_positive("0.01", currency("AUD")).unwrap().minor(), 1);
        assert_eq!(Money::parse_signed("-1,250.50", currency("AUD")).unwrap().minor(), -125_050);
        assert_eq!(Money::parse_signed("-0", currency("AUD")).unwrap().minor(), 0);
        assert_eq!(Money::parse_signed("5", currency("AUD")).unwrap().minor(), 500);
        for bad in ["--5", "- 5", "+5", "5-", "-", "-.5"] {
            assert!(Money::parse_signed(bad, currency("AUD")).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn refuses_amounts_beyond_i64() {
        // i64::MAX is 9,223,372,036,854,775,807.
        assert_eq!(minor("9223372036854775807", "JPY"), i64::MAX);
        assert_eq!(minor("92233720368547758.07", "AUD"), i64::MAX);
        assert_eq!(Money::parse_signed("-92233720368547758.07", currency("AUD")).unwrap().minor(), -i64::MAX);
        let too_large = Err("That amount is too large.".to_string());
        let many_nines = "9".repeat(400);
        for text in ["9223372036854775808", "100000000000000000000", many_nines.as_str()] {
            assert_eq!(Money::parse(text, currency("JPY")), too_large, "{text}");
        }
        assert_eq!(aud("92233720368547758.08"), too_large);
        assert_eq!(aud("92233720368547759"), too_large);
        assert_eq!(Money::parse_signed("-92233720368547758.08", currency("AUD")), too_large);
    }

    #[test]
    fn formats_with_code_groups_and_exact_decimals() {
        let aud = currency("AUD");
        assert_eq!(Money::from_minor(125_000, aud).to_string(), "AUD 1,250.00");
        assert_eq!(Money::from_minor(125_000, aud).amount_text(), "1,250.00");
        assert_eq!(Money::from_minor(5, aud).to_string(), "AUD 0.05");
        assert_eq!(Money::from_minor(0, aud).to_string(), "AUD 0.00");
        assert_eq!(Money::from_minor(-500, aud).to_string(), "AUD -5.00");
        assert_eq!(Money::from_minor(-500, aud).amount_text(), "-5.00");
        assert_eq!(Money::from_minor(-123_456_789, aud).to_string(), "AUD -1,234,567.89");
        assert_eq!(Money::from_minor(99_999, aud).to_string(), "AUD 999.99");
        assert_eq!(Money::from_minor(100_000, aud).to_string(), "AUD 1,000.00");
        assert_eq!(Money::from_minor(1_250, currency("JPY")).to_string(), "JPY 1,250");
        assert_eq!(Money::from_minor(-1_250, currency("JPY")).to_string(), "JPY -1,250");
        assert_eq!(Money::from_minor(25_000_000, currency("VND")).to_string(), "VND 25,000,000");
        assert_eq!(Money::from_minor(1_234, currency("BHD")).to_string(), "BHD 1.234");
        assert_eq!(Money::from_minor(i64::MAX, aud).to_string(), "AUD 92,233,720,368,547,758.07");
        assert_eq!(Money::from_minor(i64::MIN, aud).to_string(), "AUD -92,233,720,368,547,758.08");
    }

    #[test]
    fn amount_text_parses_back_to_the_same_amount() {
        for code in ["AUD", "JPY", "VND", "BHD", "IDR"] {
            let currency = currency(code);
            for minor in [0, 1, 5, 99, 100, 1_005, 123_456, 1_000_000_007, -1, -123_456, i64::MAX, -i64::MAX] {
                let money = Money::from_minor(minor, currency);
                assert_eq!(Money::parse_signed(&money.amount_text(), currency), Ok(money), "{money}");
            }
        }
    }

    #[test]
    fn to_decimal_is_exact() {
        assert_eq!(aud("1,250.05").unwrap().to_decimal(), Decimal::from_str_exact("1250.05").unwrap());
        assert_eq!(Money::parse("1,250", currency("JPY")).unwrap().to_decimal(), Decimal::from(1250));
        assert_eq!(Money::from_minor(-5, currency("AUD")).to_decimal(), Decimal::from_str_exact("-0.05").unwrap());
        assert_eq!(Money::from_minor(i64::MIN, currency("BHD")).to_decimal().to_string(), "-9223372036854775.808");
    }

    #[test]
    fn adds_and_subtracts_in_one_currency() {
        let a = aud("10.50").unwrap();
        let b = aud("0.75").unwrap();
        assert_eq!(a.checked_add(&b), Ok(Money::from_minor(1_125, currency("AUD"))));
        assert_eq!(b.checked_sub(&a), Ok(Money::from_minor(-975, currency("AUD"))));
        assert_eq!(a.checked_add(&Money::zero(currency("AUD"))), Ok(a));
        assert!(Money::zero(currency("AUD")).is_zero());
        assert!(b.checked_sub(&a).unwrap().is_negative());
    }

    #[test]
    fn refuses_mixed_currencies_and_overflow() {
        let a = aud("1").unwrap();
        let usd = Money::parse("1", currency("USD")).unwrap();
        assert_eq!(a.checked_add(&usd), Err("Cannot add amounts in AUD and USD; convert one first.".to_string()));
        assert_eq!(a.checked_sub(&usd), Err("Cannot subtract amounts in AUD and USD; convert one first.".to_string()));
        let max = Money::from_minor(i64::MAX, currency("AUD"));
        let min = Money::from_minor(i64::MIN, currency("AUD"));
        assert_eq!(max.checked_add(&a), Err("The total is too large.".to_string()));
        assert_eq!(min.checked_sub(&a), Err("The difference is too large.".to_string()));
    }

    #[test]
    fn l7_a_form_takes_amounts_under_ten_to_the_fifteen_minor_units() {
        let just_under = Money::parse("9,999,999,999,999.99", aud_currency()).unwrap();
        assert_eq!(just_under.within_limit(), Ok(just_under));
        let refused = Err("That amount is too large: enter less than AUD 10,000,000,000,000.00.".to_string());
        assert_eq!(aud("10,000,000,000,000.00").unwrap().within_limit(), refused);
        assert_eq!(Money::from_minor(i64::MAX, aud_currency()).within_limit(), refused);
        assert_eq!(Money::from_minor(i64::MIN, aud_currency()).within_limit(), refused, "a negative one too");
        let jpy = currency("JPY");
        assert!(Money::parse("999,999,999,999,999", jpy).unwrap().within_limit().is_ok());
        assert_eq!(
            Money::parse("1,000,000,000,000,000", jpy).unwrap().within_limit(),
            Err("That amount is too large: enter less than JPY 1,000,000,000,000,000.".to_string())
        );
    }

    fn rate(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    #[test]
    fn converts_and_rounds_once() {
        let usd = currency("USD");
        assert_eq!(aud("100.00").unwrap().convert(rate("0.6543"), usd), Ok(Money::from_minor(6_543, usd)));
        let idr = currency("IDR");
        let one_dollar = Money::parse("1.00", usd).unwrap();
        let rupiah = one_dollar.convert(rate("16234.5"), idr).unwrap();
        assert_eq!(rupiah, Money::from_minor(1_623_450, idr));
        assert_eq!(rupiah.to_string(), "IDR 16,234.50");
        // 1.23 AUD × 0.6543 = 0.804789 USD, rounded once to 0.80.
        assert_eq!(aud("1.23").unwrap().convert(rate("0.6543"), usd), Ok(Money::from_minor(80, usd)));
        // Into a currency without decimals.
        let jpy = currency("JPY");
        assert_eq!(aud("100").unwrap().convert(rate("97.456"), jpy), Ok(Money::from_minor(9_746, jpy)));
        // From a currency without decimals.
        assert_eq!(
            Money::parse("1,000", jpy).unwrap().convert(rate("0.0103"), aud_currency()),
            Ok(aud("10.30").unwrap())
        );
        // Same currency at 1 is the same amount.
        assert_eq!(aud("12.34").unwrap().convert(Decimal::ONE, aud_currency()), aud("12.34"));
    }

    fn aud_currency() -> Currency {
        currency("AUD")
    }

    #[test]
    fn halves_round_away_from_zero() {
        let usd = currency("USD");
        let half = rate("0.5");
        // 0.01 × 0.5 = 0.005 → 0.01 (banker's rounding would give 0.00).
        assert_eq!(aud("0.01").unwrap().convert(half, usd), Ok(Money::from_minor(1, usd)));
        assert_eq!(
            Money::parse_signed("-0.01", aud_currency()).unwrap().convert(half, usd),
            Ok(Money::from_minor(-1, usd))
        );
        // 0.03 × 0.5 = 0.015 → 0.02 (banker's would also give 0.02).
        assert_eq!(aud("0.03").unwrap().convert(half, usd), Ok(Money::from_minor(2, usd)));
        // USD 2.00 at 150.25 JPY = 300.5 → 301 (banker's would give 300).
        let jpy = currency("JPY");
        assert_eq!(Money::parse("2", usd).unwrap().convert(rate("150.25"), jpy), Ok(Money::from_minor(301, jpy)));
        // Just under a half rounds down.
        assert_eq!(Money::parse("2", usd).unwrap().convert(rate("150.2499"), jpy), Ok(Money::from_minor(300, jpy)));
    }

    #[test]
    fn refuses_bad_rates_and_overflow_in_conversion() {
        let usd = currency("USD");
        let a = aud("1").unwrap();
        assert_eq!(a.convert(Decimal::ZERO, usd), Err("The exchange rate must be more than zero.".to_string()));
        assert!(a.convert(rate("-0.5"), usd).is_err());
        let max = Money::from_minor(i64::MAX, aud_currency());
        assert_eq!(max.convert(rate("2"), usd), Err("The amount is too large to convert to USD.".to_string()));
        assert!(max.convert(Decimal::MAX, usd).is_err());
        // Exactly representable at the edge: rate 1 keeps i64::MAX.
        assert_eq!(max.convert(Decimal::ONE, usd), Ok(Money::from_minor(i64::MAX, usd)));
    }

    #[test]
    fn serde_is_minor_units_and_code() {
        let money = aud("1,250.50").unwrap();
        let json = serde_json::to_string(&money).unwrap();
        assert_eq!(json, r#"{"minor":125050,"currency":"AUD"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), money);
        let negative = Money::from_minor(i64::MIN, currency("JPY"));
        assert_eq!(serde_json::from_str::<Money>(&serde_json::to_string(&negative).unwrap()).unwrap(), negative);
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"XAU"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"minor":1.5,"currency":"AUD"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"minor":1}"#).is_err());
    }
}
