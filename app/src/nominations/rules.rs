//! The nomination lifecycle and the rules of a nomination's content. Plain Rust, no IO.
//!
//! `draft → submitted → under_review → approved | rejected`; a coordinator may ask for
//! `changes_requested` from `submitted` or `under_review`, and the nominator resubmits; the
//! nominator may `withdraw` at any point before a decision.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::stored_enum::stored_enum;
use crate::notifications::EventKind;

stored_enum! {
    pub enum NominationState ("nomination state") {
        Draft = "draft", "Draft";
        Submitted = "submitted", "Submitted";
        UnderReview = "under_review", "Under review";
        ChangesRequested = "changes_requested", "Changes requested";
        Approved = "approved", "Approved";
        Rejected = "rejected", "Rejected";
        Withdrawn = "withdrawn", "Withdrawn";
    }
}

impl NominationState {
    /// Whether the nominator may still edit the content.
    pub fn editable(self) -> bool {
        matches!(self, NominationState::Draft | NominationState::ChangesRequested)
    }

    pub fn is_final(self) -> bool {
        matches!(self, NominationState::Approved | NominationState::Rejected | NominationState::Withdrawn)
    }
}

/// Who acts on a nomination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The focal point of the sending agency.
    Nominator,
    /// RSO programme staff.
    Coordinator,
}

stored_enum! {
    /// A step of a nomination's lifecycle, as its form posts it and its history stores it.
    pub enum Action ("nomination step") {
        Submit = "submit", "Submit";
        Resubmit = "resubmit", "Resubmit";
        Withdraw = "withdraw", "Withdraw";
        StartReview = "start_review", "Start review";
        RequestChanges = "request_changes", "Request changes";
        Reject = "reject", "Reject";
        Approve = "approve", "Approve";
    }
}

impl Action {
    pub fn actor(self) -> Actor {
        match self {
            Action::Submit | Action::Resubmit | Action::Withdraw => Actor::Nominator,
            Action::StartReview | Action::RequestChanges | Action::Reject | Action::Approve => Actor::Coordinator,
        }
    }
}

/// A line of a nomination's history: a step of its lifecycle (stored as the step's name), a
/// comment, or a change to its documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NominationEventKind {
    Step(Action),
    Comment,
    Documents,
}

impl NominationEventKind {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            NominationEventKind::Step(action) => action.as_str(),
            NominationEventKind::Comment => "comment",
            NominationEventKind::Documents => "document",
        }
    }

    /// The stored text back; `None` for anything else.
    pub fn parse(text: &str) -> Option<NominationEventKind> {
        match text {
            "comment" => Some(NominationEventKind::Comment),
            "document" => Some(NominationEventKind::Documents),
            _ => Action::parse(text).map(NominationEventKind::Step),
        }
    }

    /// What the history shows when the line is not a change of state.
    pub fn label(self) -> &'static str {
        match self {
            NominationEventKind::Step(_) => "status changed",
            NominationEventKind::Comment => "commented",
            NominationEventKind::Documents => "documents",
        }
    }
}

/// The state after `action` from `from`, or the message explaining why it is not allowed.
pub fn transition(from: NominationState, action: Action) -> Result<NominationState, String> {
    use NominationState as S;
    let to = match (from, action) {
        (S::Draft, Action::Submit) => S::Submitted,
        (S::ChangesRequested, Action::Resubmit) => S::Submitted,
        (S::Draft | S::Submitted | S::UnderReview | S::ChangesRequested, Action::Withdraw) => S::Withdrawn,
        (S::Submitted, Action::StartReview) => S::UnderReview,
        (S::Submitted | S::UnderReview, Action::RequestChanges) => S::ChangesRequested,
        (S::UnderReview, Action::Reject) => S::Rejected,
        (S::UnderReview, Action::Approve) => S::Approved,
        _ => return Err(refusal(from, action)),
    };
    Ok(to)
}

fn refusal(from: NominationState, action: Action) -> String {
    use NominationState as S;
    match (from, action) {
        (S::Approved | S::Rejected, _) => {
            format!("This nomination was already {}: it cannot change any more.", from.label().to_lowercase())
        }
        (S::Withdrawn, _) => "This nomination was withdrawn: it cannot change any more.".into(),
        (_, Action::Approve | Action::Reject) => {
            format!("Only a nomination under review can be decided; this one is {}.", from.label().to_lowercase())
        }
        (_, Action::Submit) => {
            format!("Only a draft can be submitted; this nomination is {}.", from.label().to_lowercase())
        }
        (_, Action::Resubmit) => "Only a nomination with changes requested can be resubmitted.".into(),
        (_, Action::StartReview) => "Only a submitted nomination can be taken into review.".into(),
        (_, Action::RequestChanges) => {
            "Changes can be requested only of a submitted nomination or one under review.".into()
        }
        (_, Action::Withdraw) => "This nomination can no longer be withdrawn.".into(),
    }
}

/// The content of a nomination, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct NominationContent {
    pub officer_name: String,
    pub position: String,
    pub work_email: crate::domain::Email,
    pub nationality: crate::domain::Country,
    /// In the order chosen.
    pub languages: Vec<crate::domain::Language>,
    pub expertise: String,
    pub host_agency: String,
    pub themes: Vec<String>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub objectives: String,
    pub justification: String,
}

/// Whole months between two dates, counting a started month only when its day is reached.
pub fn months_between(start: NaiveDate, end: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut months = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32;
    if end.day() < start.day() {
        months -= 1;
    }
    months
}

/// The period rules: the end after the start, and 1 to 24 months. Returns (field, message).
pub fn check_period(start: NaiveDate, end: NaiveDate) -> Result<(), (&'static str, String)> {
    if end <= start {
        return Err(("end_date", "The end date must be after the start date.".into()));
    }
    let months = months_between(start, end);
    if months < 1 {
        return Err(("end_date", "A secondment lasts at least one month.".into()));
    }
    if months > 24 || (months == 24 && end > start.checked_add_months(chrono::Months::new(24)).unwrap_or(end)) {
        return Err(("end_date", "A secondment lasts at most 24 months.".into()));
    }
    Ok(())
}

/// On submission the start may not lie in the past.
pub fn check_start_for_submission(start: NaiveDate, today: NaiveDate) -> Result<(), (&'static str, String)> {
    if start < today {
        Err(("start_date", "The start date is in the past. Choose a later date before submitting.".into()))
    } else {
        Ok(())
    }
}

/// Who is told of a nomination's step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Every enabled RSO coordinator.
    Coordinators,
    /// The notification contacts of the sending agency.
    SendingAgency,
    /// The notification contacts of the host agency (the one approval confirms).
    HostAgency,
}

/// The e-mails an action sends: the brief's table, as data.
pub fn mails_for(action: Action) -> &'static [(EventKind, Audience)] {
    use Audience::*;
    match action {
        Action::Submit | Action::Resubmit => {
            &[(EventKind::NominationSubmitted, Coordinators), (EventKind::NominationReceipt, SendingAgency)]
        }
        Action::RequestChanges => &[(EventKind::ChangesRequested, SendingAgency)],
        Action::Reject => &[(EventKind::NominationRejected, SendingAgency)],
        Action::Approve => {
            &[(EventKind::NominationApproved, SendingAgency), (EventKind::NominationApproved, HostAgency)]
        }
        Action::Withdraw | Action::StartReview => &[],
    }
}

/// What the person who acted is told afterwards.
pub fn notice(action: Action) -> &'static str {
    match action {
        Action::Submit | Action::Resubmit => "Nomination submitted to the Regional Support Office.",
        Action::Withdraw => "Nomination withdrawn.",
        Action::StartReview => "The nomination is now under review.",
        Action::RequestChanges => "Changes requested. The sending agency has been told.",
        Action::Reject => "Nomination rejected. The sending agency has been told.",
        Action::Approve => "Nomination approved and the placement created. Both agencies have been told.",
    }
}

/// The message an action needs: a reason for a rejection, what to change for a request.
pub fn required_message(action: Action) -> Option<&'static str> {
    match action {
        Action::Reject => Some("Give the reason for the decision."),
        Action::RequestChanges => Some("Say what should change."),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NominationState as S;

    #[test]
    fn the_allowed_transitions() {
        let allowed = [
            (S::Draft, Action::Submit, S::Submitted),
            (S::ChangesRequested, Action::Resubmit, S::Submitted),
            (S::Draft, Action::Withdraw, S::Withdrawn),
            (S::Submitted, Action::Withdraw, S::Withdrawn),
            (S::UnderReview, Action::Withdraw, S::Withdrawn),
            (S::ChangesRequested, Action::Withdraw, S::Withdrawn),
            (S::Submitted, Action::StartReview, S::UnderReview),
            (S::Submitted, Action::RequestChanges, S::ChangesRequested),
            (S::UnderReview, Action::RequestChanges, S::ChangesRequested),
            (S::UnderReview, Action::Reject, S::Rejected),
            (S::UnderReview, Action::Approve, S::Approved),
        ];
        for (from, action, to) in allowed {
            assert_eq!(transition(from, action), Ok(to), "{from:?} --{action:?}-->");
        }
        // Every other pair is refused, with a message.
        let mut refused = 0;
        for from in S::ALL {
            for action in Action::ALL {
                if allowed.iter().any(|(f, a, _)| *f == from && *a == action) {
                    continue;
                }
                let message =
                    transition(from, action).expect_err(&format!("{from:?} --{action:?}--> should be refused"));
                assert!(message.len() > 20, "a clear message: {message}");
                refused += 1;
            }
        }
        assert_eq!(refused, 7 * 7 - allowed.len());
    }

    #[test]
    fn decided_nominations_say_so() {
        assert!(transition(S::Approved, Action::Approve).unwrap_err().contains("already approved"));
        assert!(transition(S::Rejected, Action::Withdraw).unwrap_err().contains("already rejected"));
        assert!(transition(S::Submitted, Action::Approve).unwrap_err().contains("under review"));
    }

    #[test]
    fn actors() {
        assert_eq!(Action::Submit.actor(), Actor::Nominator);
        assert_eq!(Action::Approve.actor(), Actor::Coordinator);
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            let step = NominationEventKind::Step(a);
            assert_eq!(NominationEventKind::parse(step.as_str()), Some(step));
        }
        for other in [NominationEventKind::Comment, NominationEventKind::Documents] {
            assert_eq!(NominationEventKind::parse(other.as_str()), Some(other));
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn period_rules() {
        assert!(check_period(d(2027, 1, 15), d(2027, 2, 15)).is_ok(), "exactly one month");
        assert_eq!(check_period(d(2027, 1, 15), d(2027, 2, 14)).unwrap_err().0, "end_date");
        assert!(check_period(d(2027, 1, 15), d(2029, 1, 15)).is_ok(), "exactly 24 months");
        assert!(check_period(d(2027, 1, 15), d(2029, 1, 16)).is_err(), "a day over 24 months");
        assert!(check_period(d(2027, 3, 1), d(2027, 3, 1)).is_err(), "end equals start");
        assert!(check_period(d(2027, 3, 1), d(2027, 2, 1)).is_err(), "end before start");
    }

    #[test]
    fn a_submitted_start_is_not_in_the_past() {
        let today = d(2026, 11, 28);
        assert!(check_start_for_submission(d(2026, 11, 28), today).is_ok());
        assert_eq!(check_start_for_submission(d(2026, 11, 27), today).unwrap_err().0, "start_date");
    }

    #[test]
    fn every_action_tells_the_brief_s_audience() {
        use Audience::*;
        let told = |action| mails_for(action).iter().map(|(_, a)| *a).collect::<Vec<_>>();
        assert_eq!(told(Action::Submit), vec![Coordinators, SendingAgency]);
        assert_eq!(told(Action::Resubmit), vec![Coordinators, SendingAgency]);
        assert_eq!(told(Action::RequestChanges), vec![SendingAgency]);
        assert_eq!(told(Action::Reject), vec![SendingAgency]);
        assert_eq!(told(Action::Approve), vec![SendingAgency, HostAgency]);
        assert!(told(Action::Withdraw).is_empty() && told(Action::StartReview).is_empty());
        assert_eq!(mails_for(Action::Submit)[1].0, EventKind::NominationReceipt);
        assert!(mails_for(Action::Approve).iter().all(|(e, _)| *e == EventKind::NominationApproved));
    }

    #[test]
    fn decisions_that_need_a_message_say_so() {
        assert!(required_message(Action::Reject).is_some());
        assert!(required_message(Action::RequestChanges).is_some());
        for action in [Action::Submit, Action::Resubmit, Action::Withdraw, Action::StartReview, Action::Approve] {
            assert_eq!(required_message(action), None);
        }
        for action in Action::ALL {
            assert!(!notice(action).is_empty());
        }
    }
}
