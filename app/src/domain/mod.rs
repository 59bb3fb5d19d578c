//! Domain types: values that are checked once, where text enters the system, and are then
//! carried as types that cannot hold a bad value. Strings exist only at the edge — a form field,
//! a CSV cell, a URL segment — and each type's `parse` turns one into a value or into the polite
//! message shown next to the field (the `Result<T, String>` convention of `FieldErrors::take`).
//! Inside, code passes `Email`, `Money` or `Period` instead of re-checking strings, money is held
//! as integer minor units of an ISO 4217 currency (never a float), and serde re-validates on the
//! way in so stored or posted data cannot bypass the rules. The module is plain functions with
//! no IO, so it compiles for both the server and the browser (wasm).

/// The text conversions every parsed value has: `FromStr` and `TryFrom<String>` through its
/// `parse` (serde's `try_from = "String"` uses the latter, so deserialising re-validates), and
/// back to text through its `Display`.
macro_rules! parsed_from_text {
    ($type:ty) => {
        impl std::str::FromStr for $type {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                <$type>::parse(text)
            }
        }

        impl TryFrom<String> for $type {
            type Error = String;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                <$type>::parse(&text)
            }
        }

        impl From<$type> for String {
            fn from(value: $type) -> String {
                value.to_string()
            }
        }
    };
}

/// For a value that is checked text: `Display` and `AsRef<str>` show the text itself.
macro_rules! checked_text {
    ($type:ty) => {
        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $type {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        parsed_from_text!($type);
    };
}

pub mod countries;
pub mod currency;
pub mod email;
pub mod languages;
pub mod money;
pub mod names;
mod number;
pub mod period;
pub mod rate;
pub mod record_key;
pub mod stored_enum;

pub use countries::Country;
pub use currency::Currency;
pub use email::Email;
pub use languages::Language;
pub use money::Money;
pub use period::{add_months, parse_date, Period, PeriodError, PeriodField};
pub use rate::Rate;
pub use record_key::RecordKey;
