//! Short-lived figures shared by every caller who sees the same thing: the programme-wide blocks
//! of the coordinators' dashboard. Eighty coordinators opening their home page in the same
//! minute see the same counts; on ten years of data each computation is tens of milliseconds of
//! both cores, so it is made once per `HUB_DASHBOARD_SECONDS` (5 s by default) and per office
//! date, and shared. The first of a day is made by one caller while the others wait for it (no
//! stampede). After that, when a figure is older than the period, one caller makes it again while
//! the others are answered at once with the one still kept: a figure is never more than one
//! period and one computation old, and no page waits behind another's computation.
//!
//! What is kept here is never per user: a figure that depends on who asks does not belong here.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use tokio::time::Instant;

use crate::error::AppError;

/// How long a dashboard figure may be reused, in milliseconds (0: never). Set once at start from
/// `HUB_DASHBOARD_SECONDS`; tests that check a figure right after a change set 0.
static KEEP_MS: AtomicU64 = AtomicU64::new(5_000);

pub fn set_keep(keep: Duration) {
    KEEP_MS.store(keep.as_millis().min(u64::MAX as u128) as u64, Ordering::Relaxed);
}

fn keep() -> Duration {
    Duration::from_millis(KEEP_MS.load(Ordering::Relaxed))
}

/// One shared figure: the value, when it was made, for which office date and of which
/// generation; whether a caller is making it again; and the current generation, which
/// [`Shared::forget`] moves on so that nothing made before it is used or kept.
pub struct Shared<T> {
    slot: tokio::sync::Mutex<Option<Kept<T>>>,
    refreshing: AtomicBool,
    generation: AtomicU64,
}

struct Kept<T> {
    made: Instant,
    day: NaiveDate,
    generation: u64,
    value: T,
}

/// Clears the "being made again" mark when the caller making it is done, or is dropped midway
/// (its request was cancelled), so that the next caller takes it over.
struct Refreshing<'a>(&'a AtomicBool);

impl Drop for Refreshing<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl<T: Clone> Shared<T> {
    pub const fn new() -> Self {
        Shared {
            slot: tokio::sync::Mutex::const_new(None),
            refreshing: AtomicBool::new(false),
            generation: AtomicU64::new(0),
        }
    }

    /// Drops the kept value, and any being made now, after a change this process made to what
    /// it shows: the next caller makes it again.
    pub fn forget(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The kept value when it is young enough and of `today`. When it is older but of `today`,
    /// the first caller makes it again and keeps it, and the others have the older one meanwhile.
    /// When there is none of `today`, `make`'s, kept; callers arriving while it is made wait for
    /// it rather than make it again.
    pub async fn get<F, Fut>(&self, today: NaiveDate, make: F) -> Result<T, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let keep = keep();
        if keep.is_zero() {
            return make().await;
        }
        let mut slot = self.slot.lock().await;
        let generation = self.generation();
        if let Some(kept) = slot.as_ref().filter(|k| k.generation == generation) {
            if kept.day == today {
                if kept.made.elapsed() < keep {
                    return Ok(kept.value.clone());
                }
                if self.refreshing.swap(true, Ordering::AcqRel) {
                    return Ok(kept.value.clone());
                }
                // This caller makes it again, without holding the others up.
                let _mark = Refreshing(&self.refreshing);
                drop(slot);
                let value = make().await?;
                let mut slot = self.slot.lock().await;
                // Unless a caller of a later office day has kept its own meanwhile, or it was
                // forgotten while being made.
                if slot.as_ref().is_none_or(|k| k.day <= today) && self.generation() == generation {
                    *slot = Some(Kept { made: Instant::now(), day: today, generation, value: value.clone() });
                }
                return Ok(value);
            }
        }
        let value = make().await?;
        if self.generation() == generation {
            *slot = Some(Kept { made: Instant::now(), day: today, generation, value: value.clone() });
        }
        Ok(value)
    }
}

impl<T: Clone> Shared<T> {
    /// For RSO staff, who all see the whole programme, the shared figure of today; for anyone
    /// else, their own, made for them.
    pub async fn get_if_staff<F, Fut>(&self, user: &crate::auth::CurrentUser, make: F) -> Result<T, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        use crate::auth::Role;
        if matches!(user.role, Role::Admin | Role::Coordinator) {
            let today = crate::state::AppState::current()?.clock.today();
            self.get(today, make).await
        } else {
            make().await
        }
    }
}

/// A figure that is cheap to make (a query of a few hundred short rows), kept for the period and
/// office day like [`Shared`], but never waited for: a caller that finds none young enough
/// makes its own and keeps it. It is read inside other figures' making, where waiting on a
/// lock that another part of the same page holds could wait for ever.
pub struct Recent<T> {
    kept: std::sync::RwLock<Option<Kept<T>>>,
    generation: AtomicU64,
}

impl<T: Clone> Recent<T> {
    pub const fn new() -> Self {
        Recent { kept: std::sync::RwLock::new(None), generation: AtomicU64::new(0) }
    }

    /// See [`Shared::forget`].
    pub fn forget(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    pub async fn get<F, Fut>(&self, today: NaiveDate, make: F) -> Result<T, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let keep = keep();
        let generation = self.generation.load(Ordering::Acquire);
        {
            let kept = self.kept.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            let young =
                kept.as_ref().filter(|k| k.generation == generation && k.day == today && k.made.elapsed() < keep);
            if let Some(k) = young {
                return Ok(k.value.clone());
            }
        }
        let value = make().await?;
        if !keep.is_zero() && self.generation.load(Ordering::Acquire) == generation {
            let mut kept = self.kept.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            if kept.as_ref().is_none_or(|k| k.day <= today) {
                *kept = Some(Kept { made: Instant::now(), day: today, generation, value: value.clone() });
            }
        }
        Ok(value)
    }
}

impl<T: Clone> Default for Recent<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> Default for Shared<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Tables an unfiltered list found longer than it counts ([`crate::listing::COUNT_CAP`]), and
/// when. Such a list says "more than 1,000" whatever the exact number, so for `keep()` after
/// a count found that, the next unfiltered list of the table says so without counting again:
/// at ten years the capped count read a thousand whole rows, more than the page itself.
static LONG_TABLES: std::sync::Mutex<Vec<(&'static str, Instant)>> = std::sync::Mutex::new(Vec::new());

/// Whether an unfiltered list of `table` was found longer than the cap within `keep()`.
pub fn known_long(table: &str) -> bool {
    let keep = keep();
    let seen = LONG_TABLES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    !keep.is_zero() && seen.iter().any(|(t, at)| *t == table && at.elapsed() < keep)
}

/// Notes that an unfiltered list of `table` was just counted past the cap.
pub fn note_long(table: &'static str) {
    let mut seen = LONG_TABLES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    seen.retain(|(t, _)| *t != table);
    seen.push((table, Instant::now()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 3, d).unwrap()
    }

    // One test touches the process-wide setting, so the cases run in order inside it.
    #[tokio::test]
    async fn a_figure_is_made_once_per_period_and_per_day_and_errors_are_not_kept() {
        let shared: Shared<usize> = Shared::new();
        let made = AtomicUsize::new(0);
        let make = || async { Ok::<_, AppError>(made.fetch_add(1, Ordering::SeqCst) + 1) };
        set_keep(Duration::from_millis(200));
        assert_eq!(shared.get(day(1), make).await.unwrap(), 1);
        assert_eq!(shared.get(day(1), make).await.unwrap(), 1, "reused within the period");
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(shared.get(day(1), make).await.unwrap(), 2, "made again after it");
        assert_eq!(shared.get(day(2), make).await.unwrap(), 3, "a new office day is a new figure");
        let failed = shared.get(day(3), || async { Err::<usize, _>(AppError::Busy) }).await;
        assert!(failed.is_err());
        assert_eq!(shared.get(day(3), make).await.unwrap(), 4, "an error is not kept");

        // Past the period, one caller makes it again while another is answered with the old one.
        tokio::time::sleep(Duration::from_millis(250)).await;
        let (go, wait) = tokio::sync::oneshot::channel::<()>();
        let slow = shared.get(day(3), || async {
            wait.await.ok();
            Ok(40)
        });
        let quick = async {
            let kept = shared.get(day(3), make).await;
            go.send(()).ok();
            kept
        };
        let (slow, quick) = tokio::join!(slow, quick);
        assert_eq!(quick.unwrap(), 4, "the old figure, at once, while it is made again");
        assert_eq!(slow.unwrap(), 40, "the caller that made it has the new one");
        assert_eq!(shared.get(day(3), make).await.unwrap(), 40, "and it is kept");
        assert_eq!(made.load(Ordering::SeqCst), 4, "the waiting caller made nothing");

        shared.forget();
        assert_eq!(shared.get(day(3), make).await.unwrap(), 5, "made again at once after a change");
        assert_eq!(shared.get(day(3), make).await.unwrap(), 5, "and kept again");
        let forgotten_meanwhile = shared
            .get(day(4), || async {
                shared.forget();
                Ok(50)
            })
            .await;
        assert_eq!(forgotten_meanwhile.unwrap(), 50, "its caller has what it made");
        assert_eq!(shared.get(day(4), make).await.unwrap(), 6, "but what was read before the change is not kept");

        let recent: Recent<usize> = Recent::new();
        assert_eq!(recent.get(day(3), make).await.unwrap(), 7);
        assert_eq!(recent.get(day(3), make).await.unwrap(), 7, "kept within the period");
        assert_eq!(recent.get(day(4), make).await.unwrap(), 8, "a new office day is a new figure");
        recent.forget();
        assert_eq!(recent.get(day(4), make).await.unwrap(), 9, "made again at once after a change");
        let failed = recent.get(day(5), || async { Err::<usize, _>(AppError::Busy) }).await;
        assert!(failed.is_err() && recent.get(day(4), make).await.unwrap() == 9, "an error is not kept");

        assert!(!known_long("cache_test_table"));
        note_long("cache_test_table");
        assert!(known_long("cache_test_table"), "a long table is known for a while");
        assert!(!known_long("cache_test_other"), "only the table counted");
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(!known_long("cache_test_table"), "and counted again after it");

        set_keep(Duration::ZERO);
        assert_eq!(shared.get(day(3), make).await.unwrap(), 10, "0 keeps nothing");
        assert_eq!(shared.get(day(3), make).await.unwrap(), 11);
        assert_eq!(recent.get(day(4), make).await.unwrap(), 12, "nor does a recent figure");
        note_long("cache_test_table");
        assert!(!known_long("cache_test_table"), "0 keeps no table either");
        set_keep(Duration::from_secs(5));
    }
}
