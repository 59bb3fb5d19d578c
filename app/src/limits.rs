//! How many costly requests one user may have running at once on this server: CSV exports (a
//! stream that reads its whole list) and list searches (a full-text index finds the matches, but
//! a short text such as "a" matches much of a list, which is then read and sorted). Past the
//! bound a request is refused at once with 429 and `Retry-After` rather than queued, so one
//! person cannot take the database's time from everyone else by sending many at once. Each
//! server process keeps its own count.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::listing::ListQuery;

/// Exports one user may be downloading at once.
pub const EXPORTS_AT_ONCE: usize = 2;
/// Searches (list requests with search text) one user may have running at once.
pub const SEARCHES_AT_ONCE: usize = 4;
/// When a refused request may come back, in seconds (`Retry-After`).
pub const RETRY_AFTER_SECONDS: u64 = 5;

type Held = Arc<Mutex<HashMap<String, usize>>>;

/// At most `limit` places taken at once per key (a user). A key is in the map only while it
/// holds a place, so the map is as large as the number of users with a request running.
#[derive(Debug)]
pub struct PerUser {
    limit: usize,
    held: Held,
}

/// A place taken; given back when dropped (the request answered, or its download ended or was
/// cut off).
#[derive(Debug)]
pub struct Permit {
    held: Held,
    key: String,
}

impl PerUser {
    pub fn new(limit: usize) -> Self {
        PerUser { limit, held: Held::default() }
    }

    /// A place for `key`, or `None` when it holds `limit` already.
    pub fn try_acquire(&self, key: &str) -> Option<Permit> {
        let mut held = lock(&self.held);
        let taken = held.get(key).copied().unwrap_or(0);
        if taken >= self.limit {
            return None;
        }
        held.insert(key.to_string(), taken + 1);
        Some(Permit { held: Arc::clone(&self.held), key: key.to_string() })
    }

    /// The places `key` holds now.
    pub fn held(&self, key: &str) -> usize {
        lock(&self.held).get(key).copied().unwrap_or(0)
    }

    /// How many keys hold a place now.
    pub fn holders(&self) -> usize {
        lock(&self.held).len()
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut held = lock(&self.held);
        if let Some(taken) = held.get_mut(&self.key) {
            *taken -= 1;
            if *taken == 0 {
                held.remove(&self.key);
            }
        }
    }
}

/// The count survives a panic elsewhere: nothing is ever left half-changed under this lock.
fn lock(held: &Held) -> MutexGuard<'_, HashMap<String, usize>> {
    held.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The bounds of one server process.
#[derive(Debug)]
pub struct Limits {
    pub exports: PerUser,
    pub searches: PerUser,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { exports: PerUser::new(EXPORTS_AT_ONCE), searches: PerUser::new(SEARCHES_AT_ONCE) }
    }
}

impl Limits {
    /// A place for one more export of `user`, or the refusal (the caller adds `Retry-After`).
    pub fn export(&self, user: &CurrentUser) -> Result<Permit, AppError> {
        self.exports.try_acquire(&user.id).ok_or_else(|| {
            AppError::TooManyRequests(format!(
                "You already have {EXPORTS_AT_ONCE} exports downloading. Wait for one to finish, then try again."
            ))
        })
    }

    /// For a list request with search text, a place for one more search of `user`, or the
    /// refusal, which tells the response when to come back; a list without search text needs
    /// none.
    pub fn search(&self, user: &CurrentUser, query: &ListQuery) -> Result<Option<Permit>, AppError> {
        if query.q.trim().is_empty() {
            return Ok(None);
        }
        match self.searches.try_acquire(&user.id) {
            Some(permit) => Ok(Some(permit)),
            None => {
                retry_after(RETRY_AFTER_SECONDS);
                Err(AppError::TooManyRequests(format!(
                    "You already have {SEARCHES_AT_ONCE} searches running. Wait a moment for them to finish, then try again."
                )))
            }
        }
    }
}

/// Tells the caller of a refused request when to come back (`Retry-After`, in seconds).
#[cfg(feature = "ssr")]
pub fn retry_after(seconds: u64) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    fn user(id: &str) -> CurrentUser {
        CurrentUser {
            id: id.into(),
            email: "u@x.org".into(),
            name: "U".into(),
            role: Role::Coordinator,
            agency: None,
            donor: None,
            must_enrol: false,
        }
    }

    #[test]
    fn l9_a_key_holds_at_most_its_limit_and_a_dropped_permit_gives_its_place_back() {
        let places = PerUser::new(2);
        let first = places.try_acquire("ann").unwrap();
        let _second = places.try_acquire("ann").unwrap();
        assert!(places.try_acquire("ann").is_none(), "a third at once is refused");
        assert_eq!(places.held("ann"), 2);
        drop(first);
        assert_eq!(places.held("ann"), 1);
        assert!(places.try_acquire("ann").is_some(), "a place given back is taken again");
    }

    #[test]
    fn l9_keys_are_bounded_apart_and_leave_the_map_when_they_hold_nothing() {
        let places = PerUser::new(1);
        let ann = places.try_acquire("ann").unwrap();
        let bob = places.try_acquire("bob").expect("another key has places of its own");
        assert_eq!(places.holders(), 2);
        drop(ann);
        drop(bob);
        assert_eq!(places.holders(), 0, "no entry is kept for a key that holds nothing");
        assert_eq!(places.held("ann"), 0);
    }

    #[test]
    fn l9_many_taking_at_once_never_pass_the_limit() {
        let places = Arc::new(PerUser::new(SEARCHES_AT_ONCE));
        let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let (places, most) = (Arc::clone(&places), Arc::clone(&most));
                std::thread::spawn(move || {
                    for _ in 0..500 {
                        if let Some(permit) = places.try_acquire("ann") {
                            most.fetch_max(places.held("ann"), std::sync::atomic::Ordering::Relaxed);
                            drop(permit);
                        }
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert!(most.load(std::sync::atomic::Ordering::Relaxed) <= SEARCHES_AT_ONCE);
        assert_eq!(places.holders(), 0);
    }

    #[test]
    fn l9_only_search_text_makes_a_list_request_a_search() {
        let limits = Limits::default();
        let ann = user("ann");
        let searching = ListQuery { q: "chai".into(), ..Default::default() };
        let running: Vec<_> = (0..SEARCHES_AT_ONCE).map(|_| limits.search(&ann, &searching).unwrap()).collect();
        assert!(running.iter().all(Option::is_some));
        let refused = limits.search(&ann, &searching).unwrap_err();
        assert_eq!(refused.status_code(), 429);
        assert!(refused.to_string().contains("4 searches"), "{refused}");
        let blank = ListQuery { q: "   ".into(), ..Default::default() };
        assert!(limits.search(&ann, &blank).unwrap().is_none(), "no search text: nothing to hold, nothing refused");
        assert!(limits.search(&user("bob"), &searching).unwrap().is_some());
        let _exports = [limits.export(&ann).unwrap(), limits.export(&ann).unwrap()];
        assert!(limits.export(&ann).unwrap_err().to_string().contains("2 exports"));
    }
}
