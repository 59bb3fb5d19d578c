//! The rules of a call for nominations, as plain Rust: its lifecycle, what a nomination that
//! answers it must match, and its places.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::stored_enum::stored_enum;

stored_enum! {
    /// Where a call is: written, open for nominations, closed (its closing time passed, or a
    /// coordinator closed it early) or cancelled.
    pub enum CallState ("call state") {
        Draft = "draft", "Draft";
        Open = "open", "Open";
        Closed = "closed", "Closed";
        Cancelled = "cancelled", "Cancelled";
    }
}

stored_enum! {
    /// A coordinator's move on a call.
    pub enum CallAction ("call action") {
        Publish = "publish", "Publish";
        Close = "close", "Close now";
        Reopen = "reopen", "Reopen";
        Cancel = "cancel", "Cancel call";
    }
}

impl CallState {
    /// Whether its terms may still be edited (places may always be raised: see [`may_edit`]).
    pub fn editable(self) -> bool {
        matches!(self, CallState::Draft | CallState::Open | CallState::Closed)
    }
}

/// The state `action` moves a call in `from` to, or why it may not. A call opens or reopens
/// only while its closing time is ahead.
pub fn decide(
    from: CallState,
    action: CallAction,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<CallState, String> {
    use CallAction::*;
    use CallState::*;
    let ahead = closes_at > now;
    match (from, action) {
        (Draft, Publish) | (Closed, Reopen) if ahead => Ok(Open),
        (Draft, Publish) | (Closed, Reopen) => {
            Err("Its closing time has passed: set a later one, then publish it.".into())
        }
        (Open, Close) => Ok(Closed),
        (Draft | Open, Cancel) => Ok(Cancelled),
        (from, action) => Err(format!("A call that is {} cannot be {}.", from.label().to_lowercase(), past(action))),
    }
}

fn past(action: CallAction) -> &'static str {
    match action {
        CallAction::Publish => "published",
        CallAction::Close => "closed",
        CallAction::Reopen => "reopened",
        CallAction::Cancel => "cancelled",
    }
}

/// What the page says after a move.
pub fn notice(action: CallAction) -> &'static str {
    match action {
        CallAction::Publish => "Call published: nominators of the members it is open to see it now.",
        CallAction::Close => "Call closed: it takes no more nominations.",
        CallAction::Reopen => "Call reopened until its closing time.",
        CallAction::Cancel => "Call cancelled.",
    }
}

/// The terms a nomination answering a call is checked against.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    pub state: CallState,
    pub closes_at: DateTime<Utc>,
    pub host_agency: String,
    pub themes: Vec<String>,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    /// Empty: every member may answer.
    pub members: Vec<String>,
}

impl Terms {
    /// Whether nominators of `member` may answer it now.
    pub fn open_to(&self, member: &str, now: DateTime<Utc>) -> bool {
        self.state == CallState::Open && self.closes_at > now && self.may_answer(member)
    }

    fn may_answer(&self, member: &str) -> bool {
        self.members.is_empty() || self.members.iter().any(|m| m == member)
    }
}

/// What a nomination answering a call proposes.
pub struct Answer<'a> {
    pub member: &'a str,
    pub host_agency: &'a str,
    pub themes: &'a [String],
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// Every way `answer` does not fit the call, as (field, message): a closed call (for a `new`
/// answer: a nomination created or first submitted; one sent back for changes may still be
/// resubmitted) or one not open to the nominator's member stops at the call; the host, the
/// themes and the dates at theirs.
pub fn check_answer(terms: &Terms, answer: &Answer<'_>, now: DateTime<Utc>, new: bool) -> Vec<(&'static str, String)> {
    if new && (terms.state != CallState::Open || terms.closes_at <= now) {
        return vec![("call", "This call is closed: it takes no more nominations.".into())];
    }
    if !terms.may_answer(answer.member) {
        return vec![("call", "This call is not open to your member state.".into())];
    }
    let mut wrong = Vec::new();
    if answer.host_agency != terms.host_agency {
        wrong.push(("host_agency", "The call's host agency is the host of a nomination that answers it.".into()));
    }
    if !terms.themes.is_empty() && answer.themes.iter().any(|t| !terms.themes.contains(t)) {
        wrong.push(("themes", "Choose themes of the call.".into()));
    }
    let window = format!("{} to {}", terms.window_start, terms.window_end);
    if answer.start < terms.window_start || answer.start > terms.window_end {
        wrong.push(("start_date", format!("Start within the call's window, {window}.")));
    }
    if answer.end > terms.window_end || answer.end < terms.window_start {
        wrong.push(("end_date", format!("End within the call's window, {window}.")));
    }
    wrong
}

/// Places not yet taken by approved nominations.
pub fn places_left(places: i64, approved: i64) -> i64 {
    (places - approved).max(0)
}

/// Whether one more nomination answering a call may be approved.
pub fn may_approve(places: i64, approved: i64) -> Result<(), String> {
    if approved < places {
        Ok(())
    } else {
        Err(format!(
            "No place is left in this call ({approved} approved of {places}). To approve more, raise its number of places first."
        ))
    }
}

/// Places may not fall below what is already approved.
pub fn check_places(places: i64, approved: i64) -> Result<(), String> {
    if places < approved {
        Err(format!("{approved} nominations are already approved: offer at least {approved} places."))
    } else {
        Ok(())
    }
}

/// The closing summary's lines: how many nominations, and from which members (most first).
pub fn summary(by_member: &[(String, i64)]) -> Vec<(String, String)> {
    let total: i64 = by_member.iter().map(|(_, n)| n).sum();
    let mut sorted = by_member.to_vec();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let from = if sorted.is_empty() {
        "no member".to_string()
    } else {
        sorted.iter().map(|(member, n)| format!("{member} ({n})")).collect::<Vec<_>>().join(", ")
    };
    vec![("Nominations".into(), total.to_string()), ("From".into(), from)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, day, 10, 0, 0).unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn terms() -> Terms {
        Terms {
            state: CallState::Open,
            closes_at: at(15),
            host_agency: "rso".into(),
            themes: vec!["aviation".into(), "border".into()],
            window_start: date("2027-06-01"),
            window_end: date("2027-12-31"),
            members: vec!["th".into(), "id".into()],
        }
    }

    fn answer<'a>(themes: &'a [String]) -> Answer<'a> {
        Answer { member: "th", host_agency: "rso", themes, start: date("2027-07-01"), end: date("2027-12-01") }
    }

    #[test]
    fn the_lifecycle_moves_only_where_it_may() {
        use CallAction::*;
        use CallState::*;
        assert_eq!(decide(Draft, Publish, at(15), at(1)), Ok(Open));
        assert!(decide(Draft, Publish, at(1), at(15)).unwrap_err().contains("closing time has passed"));
        assert_eq!(decide(Open, Close, at(15), at(1)), Ok(Closed));
        assert_eq!(decide(Closed, Reopen, at(15), at(1)), Ok(Open));
        assert!(decide(Closed, Reopen, at(1), at(15)).is_err());
        assert_eq!(decide(Open, Cancel, at(15), at(1)), Ok(Cancelled));
        assert_eq!(
            decide(Cancelled, Publish, at(15), at(1)).unwrap_err(),
            "A call that is cancelled cannot be published."
        );
        assert!(decide(Closed, Cancel, at(15), at(1)).is_err());
        assert!(decide(Draft, Close, at(15), at(1)).is_err());
    }

    #[test]
    fn a_fitting_answer_passes() {
        let themes = vec!["aviation".to_string()];
        assert!(check_answer(&terms(), &answer(&themes), at(2), true).is_empty());
        let open_to_all = Terms { members: vec![], ..terms() };
        assert!(check_answer(&open_to_all, &Answer { member: "lk", ..answer(&themes) }, at(2), true).is_empty());
        let closed = Terms { state: CallState::Closed, ..terms() };
        assert!(check_answer(&closed, &answer(&themes), at(20), false).is_empty(), "a resubmission after closing");
    }

    #[test]
    fn a_closed_call_or_another_member_stops_at_the_call() {
        let themes = vec!["aviation".to_string()];
        let closed = Terms { state: CallState::Closed, ..terms() };
        assert_eq!(check_answer(&closed, &answer(&themes), at(2), true)[0].0, "call");
        assert_eq!(
            check_answer(&terms(), &answer(&themes), at(15), true)[0].0,
            "call",
            "at its closing time it is closed"
        );
        let other = Answer { member: "lk", ..answer(&themes) };
        assert!(check_answer(&terms(), &other, at(2), true)[0].1.contains("not open to your member"));
        assert!(!terms().open_to("lk", at(2)) && terms().open_to("th", at(2)) && !terms().open_to("th", at(16)));
    }

    #[test]
    fn host_themes_and_window_are_checked_at_their_fields() {
        let themes = vec!["smuggling".to_string()];
        let wrong =
            Answer { host_agency: "other", start: date("2027-05-01"), end: date("2028-01-31"), ..answer(&themes) };
        let fields: Vec<&str> = check_answer(&terms(), &wrong, at(2), true).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec!["host_agency", "themes", "start_date", "end_date"]);
    }

    #[test]
    fn places_are_counted_and_never_overrun() {
        assert_eq!(places_left(3, 1), 2);
        assert_eq!(places_left(3, 5), 0);
        assert!(may_approve(3, 2).is_ok());
        assert!(may_approve(3, 3).unwrap_err().contains("No place is left in this call (3 approved of 3)"));
        assert!(check_places(2, 3).is_err() && check_places(3, 3).is_ok());
    }

    #[test]
    fn the_summary_names_members_most_first() {
        let lines = summary(&[("Indonesia".into(), 1), ("Thailand".into(), 3)]);
        assert_eq!(lines[0].1, "4");
        assert_eq!(lines[1].1, "Thailand (3), Indonesia (1)");
        assert_eq!(summary(&[])[1].1, "no member");
    }
}
