//! A report's lifecycle, as one pure function of (state, action, dates, today), and the derived
//! "overdue". No IO; every state and action pair is unit-tested.
//!
//! `upcoming → due` (its period has ended) `→ submitted → accepted | returned`, and
//! `returned → submitted` again. A coordinator may cancel or waive an unsubmitted report (with
//! a reason, both kept) and reopen an accepted one (with a reason), which puts it back to review.

use crate::domain::stored_enum::stored_enum;
use chrono::NaiveDate;

stored_enum! {
    pub enum ReportState ("report state") {
        Upcoming = "upcoming", "Upcoming";
        Due = "due", "Due";
        Submitted = "submitted", "Submitted";
        Accepted = "accepted", "Accepted";
        Returned = "returned", "Returned";
        Cancelled = "cancelled", "Cancelled";
        Waived = "waived", "Waived";
    }
}

impl ReportState {
    /// Written and sent in: its period never changes again.
    pub fn is_submitted(self) -> bool {
        matches!(self, ReportState::Submitted | ReportState::Accepted | ReportState::Returned)
    }

    /// Cancelled or waived: nothing more happens to it.
    pub fn is_closed(self) -> bool {
        matches!(self, ReportState::Cancelled | ReportState::Waived)
    }

    /// Still to be written by its author.
    pub fn is_owed(self) -> bool {
        matches!(self, ReportState::Upcoming | ReportState::Due | ReportState::Returned)
    }
}

stored_enum! {
    /// A line of a report's history. The stored texts of a person's moves are the moves'
    /// names (`accept`, `return`, …), as they were first written.
    pub enum ReportEventKind ("report event kind") {
        BecameDue = "became_due", "became due";
        Submitted = "submitted", "submitted";
        Accepted = "accept", "accepted";
        Returned = "return", "returned for changes";
        Reopened = "reopen", "reopened for review";
        Cancelled = "cancel", "cancelled";
        Waived = "waive", "waived";
        /// Cancelled by the Hub: its placement was cancelled or ended before its period.
        CancelledWithPlacement = "cancelled", "cancelled with the placement's dates";
        /// Its period recut to the placement's new dates.
        Replanned = "replanned", "replanned to the placement's dates";
        DueDateMoved = "due_date_moved", "due date moved";
        Shared = "shared", "shared with the donor";
        Unshared = "unshared", "no longer shared with the donor";
        /// A file added, replaced or removed (the note says which).
        File = "file", "files";
    }
}

/// What can be done to a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The daily run: the period has ended.
    BecomeDue,
    /// The author sends it in.
    Submit,
    Accept,
    Return {
        comment: String,
        resubmit_by: NaiveDate,
    },
    Reopen {
        reason: String,
    },
    Cancel {
        reason: String,
    },
    Waive {
        reason: String,
    },
}

impl Action {
    /// The history line this move writes.
    pub fn event_kind(&self) -> ReportEventKind {
        match self {
            Action::BecomeDue => ReportEventKind::BecameDue,
            Action::Submit => ReportEventKind::Submitted,
            Action::Accept => ReportEventKind::Accepted,
            Action::Return { .. } => ReportEventKind::Returned,
            Action::Reopen { .. } => ReportEventKind::Reopened,
            Action::Cancel { .. } => ReportEventKind::Cancelled,
            Action::Waive { .. } => ReportEventKind::Waived,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Action::BecomeDue => "become_due",
            Action::Submit => "submit",
            Action::Accept => "accept",
            Action::Return { .. } => "return",
            Action::Reopen { .. } => "reopen",
            Action::Cancel { .. } => "cancel",
            Action::Waive { .. } => "waive",
        }
    }
}

/// The dates a decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportDates {
    pub period_end: NaiveDate,
    pub due: NaiveDate,
    /// Set when the report was returned.
    pub resubmit_by: Option<NaiveDate>,
    /// The end-of-placement report may be sent before its period ends.
    pub early_submission_allowed: bool,
}

/// A refusal: the field it belongs to ("" for the whole step) and the message.
pub type Refusal = (&'static str, String);

fn reason_given(field: &'static str, text: &str, what: &str) -> Result<(), Refusal> {
    if text.trim().is_empty() {
        Err((field, format!("Give {what}.")))
    } else {
        Ok(())
    }
}

/// The state after `action`, or why it is refused.
pub fn decide(
    state: ReportState,
    action: &Action,
    dates: ReportDates,
    today: NaiveDate,
) -> Result<ReportState, Refusal> {
    use ReportState::*;
    let refused = |message: &str| Err(("", message.to_string()));
    match (state, action) {
        (Upcoming, Action::BecomeDue) if today > dates.period_end => Ok(Due),
        (Upcoming, Action::BecomeDue) => refused("The report's period has not ended yet."),
        (Upcoming, Action::Submit) if dates.early_submission_allowed || today > dates.period_end => Ok(Submitted),
        (Upcoming, Action::Submit) => Err((
            "",
            format!("This report covers a period that ends on {}; submit it after that day.", dates.period_end),
        )),
        (Due | Returned, Action::Submit) => Ok(Submitted),
        (Submitted, Action::Accept) => Ok(Accepted),
        (Submitted, Action::Return { comment, resubmit_by }) => {
            reason_given("comment", comment, "a comment for the author")?;
            if *resubmit_by <= today {
                return Err(("resubmit_by", "Choose a day after today for the new version.".into()));
            }
            Ok(Returned)
        }
        (Accepted, Action::Reopen { reason }) => {
            reason_given("reason", reason, "the reason to reopen it")?;
            Ok(Submitted)
        }
        (Upcoming | Due | Returned, Action::Cancel { reason }) => {
            reason_given("reason", reason, "the reason")?;
            Ok(Cancelled)
        }
        (Upcoming | Due | Returned, Action::Waive { reason }) => {
            reason_given("reason", reason, "the reason")?;
            Ok(Waived)
        }
        (Submitted, Action::Submit) => refused("This report was already submitted and waits for review."),
        (Accepted, Action::Submit) => refused("This report was accepted; a coordinator can reopen it."),
        (Cancelled | Waived, _) => refused("This report was cancelled or waived; nothing more can be done to it."),
        (_, Action::BecomeDue) => refused("This report is not upcoming."),
        (_, Action::Accept | Action::Return { .. }) => refused("Only a submitted report can be accepted or returned."),
        (_, Action::Reopen { .. }) => refused("Only an accepted report can be reopened."),
        (_, Action::Cancel { .. } | Action::Waive { .. }) => {
            refused("A submitted report is not cancelled or waived: accept or return it.")
        }
    }
}

/// Overdue is derived, never stored: the office date is after the due date (or, for a returned
/// report, after its resubmit-by date) and the report is not in.
pub fn overdue(state: ReportState, dates: ReportDates, today: NaiveDate) -> bool {
    match state {
        ReportState::Upcoming | ReportState::Due => today > dates.due,
        ReportState::Returned => today > dates.resubmit_by.unwrap_or(dates.due),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_move_writes_its_own_history_line_and_every_kind_reads_back() {
        let day = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let moves = [
            Action::BecomeDue,
            Action::Submit,
            Action::Accept,
            Action::Return { comment: "x".into(), resubmit_by: day },
            Action::Reopen { reason: "x".into() },
            Action::Cancel { reason: "x".into() },
            Action::Waive { reason: "x".into() },
        ];
        let kinds: std::collections::HashSet<_> = moves.iter().map(Action::event_kind).collect();
        assert_eq!(kinds.len(), moves.len(), "no two moves share a history line");
        assert_eq!(Action::Accept.event_kind().as_str(), "accept", "the stored text of rows already written");
        for kind in ReportEventKind::ALL {
            assert_eq!(ReportEventKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ReportEventKind::parse("accepted"), None, "the demo's old spelling is migrated, not read");
    }
    use ReportState::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn dates() -> ReportDates {
        ReportDates {
            period_end: d("2027-03-31"),
            due: d("2027-04-10"),
            resubmit_by: None,
            early_submission_allowed: false,
        }
    }

    fn actions() -> Vec<Action> {
        vec![
            Action::BecomeDue,
            Action::Submit,
            Action::Accept,
            Action::Return { comment: "Add the outcomes.".into(), resubmit_by: d("2027-05-01") },
            Action::Reopen { reason: "Figures corrected.".into() },
            Action::Cancel { reason: "Placement ended.".into() },
            Action::Waive { reason: "Covered by the final report.".into() },
        ]
    }

    #[test]
    fn every_state_and_action_pair() {
        let today = d("2027-04-15");
        let allowed: &[(ReportState, &str, ReportState)] = &[
            (Upcoming, "become_due", Due),
            (Upcoming, "submit", Submitted),
            (Upcoming, "cancel", Cancelled),
            (Upcoming, "waive", Waived),
            (Due, "submit", Submitted),
            (Due, "cancel", Cancelled),
            (Due, "waive", Waived),
            (Submitted, "accept", Accepted),
            (Submitted, "return", Returned),
            (Accepted, "reopen", Submitted),
            (Returned, "submit", Submitted),
            (Returned, "cancel", Cancelled),
            (Returned, "waive", Waived),
        ];
        for state in ReportState::ALL {
            for action in actions() {
                let outcome = decide(state, &action, dates(), today);
                match allowed.iter().find(|(s, a, _)| *s == state && *a == action.name()) {
                    Some((_, _, to)) => assert_eq!(outcome, Ok(*to), "{state:?} {}", action.name()),
                    None => {
                        let (field, message) = outcome.expect_err(&format!("{state:?} {} is refused", action.name()));
                        assert_eq!(field, "", "{state:?} {}", action.name());
                        assert!(!message.is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn a_report_is_not_submitted_before_its_period_ends_except_the_final_one() {
        let on_last_day = decide(Upcoming, &Action::Submit, dates(), d("2027-03-31"));
        assert!(on_last_day.unwrap_err().1.contains("after that day"));
        assert_eq!(decide(Upcoming, &Action::Submit, dates(), d("2027-04-01")), Ok(Submitted));
        let final_report = ReportDates { early_submission_allowed: true, ..dates() };
        assert_eq!(decide(Upcoming, &Action::Submit, final_report, d("2027-03-20")), Ok(Submitted));
        assert!(decide(Upcoming, &Action::BecomeDue, dates(), d("2027-03-31")).is_err());
        assert_eq!(decide(Upcoming, &Action::BecomeDue, dates(), d("2027-04-01")), Ok(Due));
    }

    #[test]
    fn returning_needs_a_comment_and_a_later_day_and_closing_needs_a_reason() {
        let today = d("2027-04-15");
        let blank = Action::Return { comment: "  ".into(), resubmit_by: d("2027-05-01") };
        assert_eq!(decide(Submitted, &blank, dates(), today).unwrap_err().0, "comment");
        let past = Action::Return { comment: "More detail.".into(), resubmit_by: today };
        assert_eq!(decide(Submitted, &past, dates(), today).unwrap_err().0, "resubmit_by");
        assert_eq!(decide(Due, &Action::Waive { reason: String::new() }, dates(), today).unwrap_err().0, "reason");
        assert_eq!(decide(Accepted, &Action::Reopen { reason: " ".into() }, dates(), today).unwrap_err().0, "reason");
    }

    #[test]
    fn overdue_is_derived_from_the_dates_and_the_state() {
        assert!(!overdue(Due, dates(), d("2027-04-10")), "on the due date it is still on time");
        assert!(overdue(Due, dates(), d("2027-04-11")));
        assert!(overdue(Upcoming, dates(), d("2027-04-11")), "even before the daily run marks it due");
        let returned = ReportDates { resubmit_by: Some(d("2027-05-01")), ..dates() };
        assert!(!overdue(Returned, returned, d("2027-04-20")), "the resubmit-by date counts, not the due date");
        assert!(overdue(Returned, returned, d("2027-05-02")));
        for state in [Submitted, Accepted, Cancelled, Waived] {
            assert!(!overdue(state, dates(), d("2028-01-01")), "{state:?}");
        }
    }
}
