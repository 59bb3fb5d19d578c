//! A currency that money can be held in.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An ISO 4217 currency with a fixed number of minor units (cents, satang, sen…), backed by the
/// `iso_currency` table. Codes without minor units in that table — gold (XAU), SDR (XDR), the
/// test and "no currency" codes — are refused, because an amount of money needs a known number
/// of decimals. Serialised as the three-letter code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Reads a code such as `aud` or ` THB `: trimmed and upper-cased.
    pub fn parse(text: &str) -> Result<Currency, String> {
        let code = text.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err("This field is required.".into());
        }
        let iso = iso_currency::Currency::from_code(&code)
            .ok_or_else(|| "Use an ISO 4217 currency code, like AUD or THB.".to_string())?;
        Currency::from_iso(iso)
            .ok_or_else(|| format!("{code} is not used for amounts of money. Use a currency like AUD or THB."))
    }

    /// The currency for an `iso_currency` value, when it has minor units.
    pub fn from_iso(iso: iso_currency::Currency) -> Option<Currency> {
        iso.exponent().map(|_| Currency(iso))
    }

    pub fn iso(self) -> iso_currency::Currency {
        self.0
    }

    /// The three-letter code, e.g. `"AUD"`.
    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// How many decimals an amount has: 2 for AUD, 0 for JPY and VND, 3 for BHD. At most 4 in the
    /// ISO table.
    pub fn minor_units(self) -> u32 {
        // `from_iso` admits only currencies with an exponent, so the fallback is never used.
        self.0.exponent().map_or(0, u32::from)
    }

    /// Minor units in one major unit: 100 for AUD, 1 for JPY.
    pub(super) fn minor_per_major(self) -> i64 {
        10_i64.pow(self.minor_units())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

parsed_from_text!(Currency);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_currencies_we_use_and_their_minor_units() {
        let expected = [
            ("AUD", 2),
            ("NZD", 2),
            ("USD", 2),
            ("THB", 2),
            ("LKR", 2),
            ("IDR", 2),
            ("BDT", 2),
            ("MYR", 2),
            ("MVR", 2),
            ("VND", 0),
            ("JPY", 0),
            ("EUR", 2),
        ];
        for (code, minor_units) in expected {
            let currency = Currency::parse(code).unwrap();
            assert_eq!(currency.code(), code);
            assert_eq!(currency.to_string(), code);
            assert_eq!(currency.minor_units(), minor_units, "{code}");
            assert_eq!(currency.minor_per_major(), 10_i64.pow(minor_units), "{code}");
        }
    }

    #[test]
    fn three_decimal_currencies() {
        assert_eq!(Currency::parse("BHD").unwrap().minor_units(), 3);
        assert_eq!(Currency::parse("KWD").unwrap().minor_units(), 3);
    }

    #[test]
    fn trims_and_upper_cases() {
        assert_eq!(Currency::parse(" aud ").unwrap().code(), "AUD");
        assert_eq!(Currency::parse("Thb").unwrap().code(), "THB");
    }

    #[test]
    fn refuses_unknown_codes_and_empty() {
        assert_eq!(Currency::parse("ABC"), Err("Use an ISO 4217 currency code, like AUD or THB.".to_string()));
        assert_eq!(Currency::parse(""), Err("This field is required.".to_string()));
        assert_eq!(Currency::parse("  "), Err("This field is required.".to_string()));
        for bad in ["AU", "AUDD", "A UD", "$", "036", "ÄUD", "aud\n1"] {
            assert!(Currency::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn refuses_codes_without_minor_units() {
        for code in ["XAU", "XAG", "XDR", "XXX", "XTS"] {
            let message = Currency::parse(code).unwrap_err();
            assert!(message.starts_with(code), "{message}");
        }
        assert_eq!(Currency::from_iso(iso_currency::Currency::XAU), None);
        assert_eq!(Currency::from_iso(iso_currency::Currency::USD).map(Currency::code), Some("USD"));
    }

    #[test]
    fn serde_is_the_code_and_revalidates() {
        let thb = Currency::parse("THB").unwrap();
        assert_eq!(serde_json::to_string(&thb).unwrap(), "\"THB\"");
        assert_eq!(serde_json::from_str::<Currency>("\"THB\"").unwrap(), thb);
        assert!(serde_json::from_str::<Currency>("\"XAU\"").is_err());
        assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
    }
}
