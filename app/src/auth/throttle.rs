//! Sign-in throttling: a fixed one-hour window per account and per client address, counting
//! every attempt before its password is checked. Past the limit, logins for that key are
//! refused until the window ends; a successful sign-in starts the account's count again.

use chrono::{DateTime, Duration, Utc};

pub const WINDOW_MINUTES: i64 = 60;
/// The brief: at most 100 failures an hour per account.
pub const ACCOUNT_LIMIT: u32 = 100;
/// An office behind one address has many users, so the per-address limit is higher.
pub const ADDRESS_LIMIT: u32 = 300;
/// A browser known to the account (by its device cookie) has a small limit of its own and is
/// not held by the account's or the address's.
pub const DEVICE_LIMIT: u32 = 10;
/// Codes typed at the second step, per account and hour. Three codes are right at any moment
/// (the current step and one on either side), so ten guesses an hour by someone who already
/// has the password succeed with a chance of 3 in 100,000 an hour.
pub const SECOND_FACTOR_LIMIT: u32 = 10;

/// The attempts counted for one key in its current window, the present attempt included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub started: DateTime<Utc>,
    pub attempts: u32,
}

/// `Err(minutes)` until the window ends when this attempt is past the limit. Every attempt is
/// counted before the password is checked, so the limit is on attempts checked, not on
/// failures remembered.
pub fn check(window: Window, limit: u32, now: DateTime<Utc>) -> Result<(), i64> {
    if window.attempts <= limit {
        return Ok(());
    }
    let left = (window.started + Duration::minutes(WINDOW_MINUTES) - now).num_minutes() + 1;
    Err(left.clamp(1, WINDOW_MINUTES))
}

pub fn message(minutes: i64) -> String {
    format!("Too many failed sign-in attempts. Please try again in {minutes} minutes, or reset your password.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minute)
    }

    #[test]
    fn the_hundredth_attempt_is_checked_and_the_next_is_refused() {
        assert_eq!(check(Window { started: at(0), attempts: ACCOUNT_LIMIT }, ACCOUNT_LIMIT, at(1)), Ok(()));
        assert_eq!(check(Window { started: at(0), attempts: ACCOUNT_LIMIT + 1 }, ACCOUNT_LIMIT, at(30)), Err(31));
    }

    #[test]
    fn the_wait_is_what_is_left_of_the_hour() {
        let window = Window { started: at(0), attempts: 500 };
        assert_eq!(check(window, ADDRESS_LIMIT, at(59)), Err(2));
        assert_eq!(check(window, ADDRESS_LIMIT, at(0)), Err(60));
    }
}
