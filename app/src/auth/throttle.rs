//! Failed-login throttling: a fixed one-hour window per account and per client address.
//! Past the limit, logins for that key are refused until the window ends; the real owner is
//! never locked out for longer than that.

use chrono::{DateTime, Duration, Utc};

pub const WINDOW_MINUTES: i64 = 60;
/// The brief: at most 100 failures an hour per account.
pub const ACCOUNT_LIMIT: u32 = 100;
/// An office behind one address has many users, so the per-address limit is higher.
pub const ADDRESS_LIMIT: u32 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub started: DateTime<Utc>,
    pub failures: u32,
}

impl Window {
    fn is_current(&self, now: DateTime<Utc>) -> bool {
        now < self.started + Duration::minutes(WINDOW_MINUTES)
    }
}

/// `Err(minutes)` until the window ends when the key is over its limit.
pub fn check(window: Option<Window>, limit: u32, now: DateTime<Utc>) -> Result<(), i64> {
    match window {
        Some(w) if w.is_current(now) && w.failures >= limit => {
            let left = (w.started + Duration::minutes(WINDOW_MINUTES) - now).num_minutes() + 1;
            Err(left.max(1))
        }
        _ => Ok(()),
    }
}

/// The window after one more failure.
pub fn record_failure(window: Option<Window>, now: DateTime<Utc>) -> Window {
    match window {
        Some(w) if w.is_current(now) => Window { started: w.started, failures: w.failures.saturating_add(1) },
        _ => Window { started: now, failures: 1 },
    }
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
    fn the_hundredth_failure_closes_the_account_for_the_rest_of_the_hour() {
        let mut window = None;
        for _ in 0..ACCOUNT_LIMIT - 1 {
            window = Some(record_failure(window, at(0)));
        }
        assert_eq!(check(window, ACCOUNT_LIMIT, at(1)), Ok(()));
        window = Some(record_failure(window, at(1)));
        assert_eq!(window.unwrap().failures, ACCOUNT_LIMIT);
        assert_eq!(check(window, ACCOUNT_LIMIT, at(30)), Err(31));
        // Not for good: the window ends.
        assert_eq!(check(window, ACCOUNT_LIMIT, at(60)), Ok(()));
    }

    #[test]
    fn a_new_window_starts_after_the_hour() {
        let window = Some(Window { started: at(0), failures: 57 });
        let next = record_failure(window, at(61));
        assert_eq!(next, Window { started: at(61), failures: 1 });
    }
}
