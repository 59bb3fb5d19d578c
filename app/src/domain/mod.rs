//! Domain types: values that are checked once, where text enters the system, and are then
//! carried as types that cannot hold a bad value. Strings exist only at the edge — a form field,
//! a CSV cell, a URL segment — and each type's `parse` turns one into a value or into the polite
//! message shown next to the field (the `Result<T, String>` convention of `FieldErrors::take`).
//! Inside, code passes `Email`, `Money` or `Period` instead of re-checking strings, money is held
//! as integer minor units of an ISO 4217 currency (never a float), and serde re-validates on the
//! way in so stored or posted data cannot bypass the rules. The module is plain functions with
//! no IO, so it compiles for both the server and the browser (wasm).

pub mod currency;
pub mod email;
pub mod money;
mod number;
pub mod period;
pub mod rate;
pub mod record_key;

pub use currency::Currency;
pub use email::Email;
pub use money::Money;
pub use period::{add_months, parse_date, Period, PeriodError, PeriodField};
pub use rate::Rate;
pub use record_key::RecordKey;
