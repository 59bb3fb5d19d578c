//! The placement's lifecycle. Plain Rust, no IO: every move is one call of [`decide`] with the
//! office date, unit-tested for every state and action and for the date edges.
//!
//! `planned → active → completed`, or `terminated` early (with a reason). An extension moves the
//! current end later (the original end is never overwritten); shortening is an early end, which
//! takes effect at once when its date is today or earlier, and otherwise waits as a pending end.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::stored_enum::stored_enum;
use crate::domain::Period;

stored_enum! {
    pub enum PlacementState ("placement state") {
        Planned = "planned", "Planned";
        Active = "active", "Active";
        Completed = "completed", "Completed";
        Terminated = "terminated", "Terminated";
    }
}

stored_enum! {
    /// What a line of a placement's history records.
    pub enum PlacementEventKind ("placement event kind") {
        Started = "started", "started";
        Completed = "completed", "completed";
        Extended = "extended", "extended";
        /// An early end set for a later day.
        EarlyEnd = "early_end", "early end set";
        EndedEarly = "ended_early", "ended early";
        Cancelled = "cancelled", "cancelled before the start";
    }
}

impl Move {
    /// The history line a move writes, given the state it led to (finishing a placement that
    /// had an early end is ending it early).
    pub fn event_kind(&self, after: PlacementState) -> PlacementEventKind {
        match self {
            Move::Start => PlacementEventKind::Started,
            Move::Finish if after == PlacementState::Terminated => PlacementEventKind::EndedEarly,
            Move::Finish => PlacementEventKind::Completed,
            Move::Cancel { .. } => PlacementEventKind::Cancelled,
            Move::EndEarly { .. } => PlacementEventKind::EarlyEnd,
            Move::Extend { .. } => PlacementEventKind::Extended,
        }
    }
}

/// The dates a placement keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dates {
    pub planned_start: NaiveDate,
    /// Set when the placement becomes active.
    pub actual_start: Option<NaiveDate>,
    /// The end approved at first; never overwritten.
    pub original_end: NaiveDate,
    /// The end now in force, after any extensions.
    pub current_end: NaiveDate,
    /// The last day of an early end that has not yet taken effect, or that did.
    pub early_end: Option<NaiveDate>,
}

impl Dates {
    /// The dates of a new (planned) placement.
    pub fn planned(period: Period) -> Dates {
        Dates {
            planned_start: period.start(),
            actual_start: None,
            original_end: period.end(),
            current_end: period.end(),
            early_end: None,
        }
    }

    /// The days the officer is (or will be) placed: from the start to the early end, if any,
    /// otherwise to the current end. What overlaps are checked on.
    pub fn occupied(&self) -> Period {
        let start = self.actual_start.unwrap_or(self.planned_start);
        let end = self.early_end.unwrap_or(self.current_end).max(start);
        Period::new(start, end).unwrap_or_else(|_| Period::new(start, start).expect("a day is a period"))
    }
}

/// What may be done to a placement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// The scheduler, on or after the planned start.
    Start,
    /// The scheduler, after the last day (the current end, or a pending early end).
    Finish,
    /// A coordinator, before the start.
    Cancel { reason: String },
    /// A coordinator: the last day is `last_day`.
    EndEarly { last_day: NaiveDate, reason: String },
    /// A coordinator: the new last day is `new_end`.
    Extend { new_end: NaiveDate, reason: String },
}

/// The state and dates after an allowed move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After {
    pub state: PlacementState,
    pub dates: Dates,
}

/// A refused move: the form field the message belongs to ("" for the whole form), and the message.
pub type Refusal = (&'static str, String);

fn refuse(field: &'static str, message: impl Into<String>) -> Refusal {
    (field, message.into())
}

fn reason_given(reason: &str) -> Result<(), Refusal> {
    if reason.trim().is_empty() {
        return Err(refuse("reason", "Give the reason."));
    }
    Ok(())
}

/// The state and dates after `action` on `today` (the office date), or why it is not allowed.
pub fn decide(state: PlacementState, dates: Dates, action: &Move, today: NaiveDate) -> Result<After, Refusal> {
    use PlacementState::*;
    let closed = |s: PlacementState| refuse("", format!("A {} placement cannot be changed.", s.label().to_lowercase()));
    match (state, action) {
        (Completed | Terminated, _) => Err(closed(state)),
        (Planned, Move::Start) if today >= dates.planned_start => {
            // The officer started on the planned day, even when the server catches up later.
            Ok(After { state: Active, dates: Dates { actual_start: Some(dates.planned_start), ..dates } })
        }
        (Planned, Move::Start) => Err(refuse("", format!("The placement starts on {}.", dates.planned_start))),
        (Active, Move::Start) => Err(refuse("", "The placement has already started.")),
        (Active, Move::Finish) => {
            let last = dates.early_end.unwrap_or(dates.current_end);
            if today <= last {
                return Err(refuse("", format!("The placement runs until {last}.")));
            }
            let to = if dates.early_end.is_some() { Terminated } else { Completed };
            Ok(After { state: to, dates })
        }
        (Planned, Move::Finish) => Err(refuse("", "The placement has not started.")),
        (Planned, Move::Cancel { reason }) => {
            reason_given(reason)?;
            Ok(After { state: Terminated, dates })
        }
        (Active, Move::Cancel { .. }) => Err(refuse("", "The placement has started: end it early instead.")),
        (Planned, Move::EndEarly { .. }) => Err(refuse("", "The placement has not started: cancel it instead.")),
        (Active, Move::EndEarly { last_day, reason }) => {
            let started = dates.actual_start.unwrap_or(dates.planned_start);
            if *last_day < started {
                return Err(refuse(
                    "last_day",
                    format!("The placement started on {started}; end it on or after that day."),
                ));
            }
            if *last_day >= dates.current_end {
                return Err(refuse(
                    "last_day",
                    format!("The placement already ends on {}; an early end comes before that.", dates.current_end),
                ));
            }
            reason_given(reason)?;
            let dates = Dates { early_end: Some(*last_day), ..dates };
            // Today or earlier: over now. Later: active until then, with the end pending, and
            // the scheduler ends it the day after.
            let state = if *last_day <= today { Terminated } else { Active };
            Ok(After { state, dates })
        }
        (Planned | Active, Move::Extend { new_end, reason }) => {
            if dates.early_end.is_some() {
                return Err(refuse("", "An early end is set; the placement cannot also be extended."));
            }
            if *new_end <= dates.current_end {
                return Err(refuse(
                    "new_end",
                    format!(
                        "Choose a day after the current end, {}. To shorten, end the placement early.",
                        dates.current_end
                    ),
                ));
            }
            reason_given(reason)?;
            Ok(After { state, dates: Dates { current_end: *new_end, ..dates } })
        }
    }
}

/// Whether two placements of one officer overlap: their occupied days share at least one day.
/// Back-to-back placements (one ends the day before the other starts) do not.
pub fn overlap(a: &Dates, b: &Dates) -> bool {
    a.occupied().overlaps(&b.occupied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for state in PlacementState::ALL {
            assert_eq!(PlacementState::parse(state.as_str()), Some(state));
        }
        assert_eq!(PlacementState::parse("Planned"), None);
        assert_eq!(PlacementState::parse(""), None);
    }

    #[test]
    fn each_move_writes_the_history_line_of_what_it_did() {
        let reason = String::from("x");
        let day = NaiveDate::from_ymd_opt(2027, 5, 1).unwrap();
        assert_eq!(Move::Start.event_kind(PlacementState::Active), PlacementEventKind::Started);
        assert_eq!(Move::Finish.event_kind(PlacementState::Completed), PlacementEventKind::Completed);
        assert_eq!(Move::Finish.event_kind(PlacementState::Terminated), PlacementEventKind::EndedEarly);
        let early = Move::EndEarly { last_day: day, reason: reason.clone() };
        assert_eq!(early.event_kind(PlacementState::Active), PlacementEventKind::EarlyEnd);
        let extend = Move::Extend { new_end: day, reason: reason.clone() };
        assert_eq!(extend.event_kind(PlacementState::Active), PlacementEventKind::Extended);
        assert_eq!(Move::Cancel { reason }.event_kind(PlacementState::Terminated), PlacementEventKind::Cancelled);
        assert_eq!(PlacementEventKind::EarlyEnd.as_str(), "early_end", "the stored name the history has always had");
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn planned(start: NaiveDate, end: NaiveDate) -> Dates {
        Dates::planned(Period::new(start, end).unwrap())
    }

    fn active(start: NaiveDate, end: NaiveDate) -> Dates {
        Dates { actual_start: Some(start), ..planned(start, end) }
    }

    fn reason() -> String {
        "The host asked for it.".into()
    }

    #[test]
    fn a_placement_starts_on_its_day_even_when_the_scheduler_catches_up_later() {
        let dates = planned(day(2027, 3, 15), day(2027, 9, 14));
        assert!(decide(PlacementState::Planned, dates, &Move::Start, day(2027, 3, 14)).is_err());
        let on_time = decide(PlacementState::Planned, dates, &Move::Start, day(2027, 3, 15)).unwrap();
        assert_eq!(on_time.state, PlacementState::Active);
        assert_eq!(on_time.dates.actual_start, Some(day(2027, 3, 15)));
        let late = decide(PlacementState::Planned, dates, &Move::Start, day(2027, 3, 18)).unwrap();
        assert_eq!(late.dates.actual_start, Some(day(2027, 3, 15)), "three days of downtime change nothing");
    }

    #[test]
    fn a_placement_completes_the_day_after_its_end() {
        let dates = active(day(2028, 1, 1), day(2028, 2, 29));
        assert!(
            decide(PlacementState::Active, dates, &Move::Finish, day(2028, 2, 29)).is_err(),
            "29 Feb is its last day"
        );
        let done = decide(PlacementState::Active, dates, &Move::Finish, day(2028, 3, 1)).unwrap();
        assert_eq!(done.state, PlacementState::Completed);
    }

    #[test]
    fn an_early_end_today_or_before_ends_it_now_and_a_later_one_waits() {
        let dates = active(day(2027, 1, 31), day(2027, 12, 31));
        let later = &Move::EndEarly { last_day: day(2027, 6, 30), reason: reason() };
        let pending = decide(PlacementState::Active, dates, later, day(2027, 5, 1)).unwrap();
        assert_eq!(pending.state, PlacementState::Active);
        assert_eq!(pending.dates.early_end, Some(day(2027, 6, 30)));
        assert_eq!(pending.dates.current_end, day(2027, 12, 31), "the end in force stays on record");
        // The scheduler ends it the day after the last day, as terminated.
        assert!(decide(pending.state, pending.dates, &Move::Finish, day(2027, 6, 30)).is_err());
        let ended = decide(pending.state, pending.dates, &Move::Finish, day(2027, 7, 1)).unwrap();
        assert_eq!(ended.state, PlacementState::Terminated);
        // A last day already past: terminated at once.
        let past = &Move::EndEarly { last_day: day(2027, 4, 30), reason: reason() };
        assert_eq!(
            decide(PlacementState::Active, dates, past, day(2027, 5, 1)).unwrap().state,
            PlacementState::Terminated
        );
    }

    #[test]
    fn an_early_end_stays_inside_the_placement() {
        let dates = active(day(2027, 3, 15), day(2027, 9, 14));
        let on = |last_day| Move::EndEarly { last_day, reason: reason() };
        let at = day(2027, 5, 1);
        assert_eq!(decide(PlacementState::Active, dates, &on(day(2027, 3, 14)), at).unwrap_err().0, "last_day");
        assert!(
            decide(PlacementState::Active, dates, &on(day(2027, 3, 15)), at).is_ok(),
            "the first day may be the last"
        );
        assert_eq!(decide(PlacementState::Active, dates, &on(day(2027, 9, 14)), at).unwrap_err().0, "last_day");
        assert!(decide(PlacementState::Active, dates, &on(day(2027, 9, 13)), at).is_ok());
        let blank = Move::EndEarly { last_day: day(2027, 6, 1), reason: "  ".into() };
        assert_eq!(decide(PlacementState::Active, dates, &blank, at).unwrap_err().0, "reason");
    }

    #[test]
    fn extensions_move_only_the_current_end_and_only_later() {
        let dates = active(day(2027, 1, 31), day(2027, 2, 28));
        let to = |new_end| Move::Extend { new_end, reason: reason() };
        let at = day(2027, 2, 1);
        assert_eq!(decide(PlacementState::Active, dates, &to(day(2027, 2, 28)), at).unwrap_err().0, "new_end");
        assert_eq!(decide(PlacementState::Active, dates, &to(day(2027, 2, 1)), at).unwrap_err().0, "new_end");
        let once = decide(PlacementState::Active, dates, &to(day(2027, 3, 31)), at).unwrap();
        let twice = decide(once.state, once.dates, &to(day(2028, 2, 29)), at).unwrap();
        assert_eq!(twice.dates.current_end, day(2028, 2, 29));
        assert_eq!(twice.dates.original_end, day(2027, 2, 28), "never overwritten");
        assert!(decide(PlacementState::Planned, planned(day(2027, 5, 1), day(2027, 6, 30)), &to(day(2027, 7, 31)), at)
            .is_ok());
        let pending = Dates { early_end: Some(day(2027, 2, 10)), ..dates };
        assert!(decide(PlacementState::Active, pending, &to(day(2027, 3, 31)), at).is_err());
    }

    #[test]
    fn every_state_and_move_pair_has_an_answer() {
        use PlacementState::*;
        let today = day(2027, 6, 1);
        let dates = active(day(2027, 1, 1), day(2027, 12, 31));
        let moves = [
            Move::Start,
            Move::Finish,
            Move::Cancel { reason: reason() },
            Move::EndEarly { last_day: day(2027, 7, 1), reason: reason() },
            Move::Extend { new_end: day(2028, 1, 31), reason: reason() },
        ];
        // Allowed on 1 June 2027 for an active placement of 2027 (or the same dates, planned).
        let allowed = |state, action: &Move| {
            matches!(
                (state, action),
                (Planned, Move::Start | Move::Cancel { .. } | Move::Extend { .. })
                    | (Active, Move::EndEarly { .. } | Move::Extend { .. })
            )
        };
        for state in PlacementState::ALL {
            for action in &moves {
                let outcome = decide(state, dates, action, today);
                assert_eq!(outcome.is_ok(), allowed(state, action), "{state:?} {action:?}: {outcome:?}");
                if let Err((_, message)) = outcome {
                    assert!(!message.is_empty());
                }
            }
        }
        let closed = decide(Completed, dates, &Move::Start, today).unwrap_err().1;
        assert_eq!(closed, "A completed placement cannot be changed.");
    }

    #[test]
    fn overlaps_count_shared_days_and_a_terminated_placement_up_to_its_last_day() {
        let first = active(day(2027, 1, 1), day(2027, 6, 30));
        let next = planned(day(2027, 7, 1), day(2027, 12, 31));
        assert!(!overlap(&first, &next), "back to back");
        let touching = planned(day(2027, 6, 30), day(2027, 12, 31));
        assert!(overlap(&first, &touching), "one shared day");
        // Extending the first into the second makes them overlap; ending it early undoes that.
        let extended = Dates { current_end: day(2027, 8, 31), ..first };
        assert!(overlap(&extended, &next));
        let ended = Dates { early_end: Some(day(2027, 5, 31)), ..extended };
        assert!(!overlap(&ended, &next));
    }
}
