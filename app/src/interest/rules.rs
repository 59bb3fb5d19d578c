//! The rules of an expression of interest, as plain Rust: its lifecycle, and what keeps the
//! public form from abuse (a hidden field, a minimum fill time, limits per network and per
//! address).

use chrono::{DateTime, Duration, Utc};

use crate::domain::stored_enum::stored_enum;

stored_enum! {
    /// Where an enquiry is: waiting for its address to be confirmed, then in the coordinators'
    /// queue until they accept or decline it.
    pub enum EnquiryState ("enquiry state") {
        Unconfirmed = "unconfirmed", "Address not confirmed";
        New = "new", "New";
        InDiscussion = "in_discussion", "In discussion";
        Accepted = "accepted", "Accepted";
        Declined = "declined", "Declined";
    }
}

stored_enum! {
    /// A coordinator's move on an enquiry (accepting has its own form: what to create).
    pub enum EnquiryAction ("enquiry action") {
        Discuss = "discuss", "Mark as in discussion";
        Note = "note", "Save the notes";
        Decline = "decline", "Decline";
    }
}

/// How long a confirmation link is valid, and how long an unconfirmed enquiry is kept.
pub const CONFIRM_HOURS: i64 = 72;
pub const UNCONFIRMED_DAYS: i64 = 7;
/// A person takes longer than this to fill the form; a script does not.
pub const MIN_FILL_SECONDS: i64 = 3;
/// A form page older than this is stale: load it again.
pub const MAX_FILL_HOURS: i64 = 24;
pub const PER_NETWORK_PER_HOUR: i64 = 5;
pub const PER_ADDRESS_PER_DAY: i64 = 3;
/// The from-network of an enquiry is kept this long, for the hourly limit.
pub const SCOPE_KEPT_HOURS: i64 = 24;

/// Whether a coordinator's move applies to an enquiry in `from`; the state it leads to.
pub fn decide(from: EnquiryState, action: EnquiryAction) -> Result<EnquiryState, String> {
    use EnquiryAction::*;
    use EnquiryState::*;
    match (from, action) {
        (New, Discuss) => Ok(InDiscussion),
        (New | InDiscussion, Note) => Ok(from),
        (New | InDiscussion, Decline) => Ok(Declined),
        (Unconfirmed, _) => Err("This enquiry's address is not confirmed yet.".into()),
        (from, _) => Err(format!("An enquiry that is {} cannot be changed.", from.label().to_lowercase())),
    }
}

/// Whether an enquiry in `from` may be accepted.
pub fn may_accept(from: EnquiryState) -> Result<(), String> {
    match from {
        EnquiryState::New | EnquiryState::InDiscussion => Ok(()),
        EnquiryState::Unconfirmed => Err("This enquiry's address is not confirmed yet.".into()),
        other => Err(format!("An enquiry that is {} cannot be accepted.", other.label().to_lowercase())),
    }
}

/// What the public form's guards found: the form's field and the message, or nothing.
pub fn check_form(
    honeypot: &str,
    started: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), (&'static str, String)> {
    let again = "Please load the page again and send the form from it.";
    if !honeypot.trim().is_empty() {
        return Err(("", "The form could not be sent.".into()));
    }
    let Some(started) = started else { return Err(("", again.into())) };
    if now - started < Duration::seconds(MIN_FILL_SECONDS) {
        return Err(("", "That was quick: please check the form and send it again.".into()));
    }
    if now - started > Duration::hours(MAX_FILL_HOURS) {
        return Err(("", again.into()));
    }
    Ok(())
}

/// The limits: `from_network` enquiries in the last hour from the sender's network, and
/// `from_address` in the last day to the same e-mail address, this one not counted.
pub fn check_limits(from_network: i64, from_address: i64) -> Result<(), (&'static str, String)> {
    if from_network >= PER_NETWORK_PER_HOUR {
        return Err(("", "Too many enquiries came from your network in the last hour. Please try again later.".into()));
    }
    if from_address >= PER_ADDRESS_PER_DAY {
        return Err(("email", "This address has sent three enquiries today. Please wait for our answer.".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap() + Duration::seconds(seconds)
    }

    #[test]
    fn the_queue_moves_only_where_it_may() {
        use EnquiryAction::*;
        use EnquiryState::*;
        assert_eq!(decide(New, Discuss), Ok(InDiscussion));
        assert_eq!(decide(InDiscussion, Note), Ok(InDiscussion));
        assert_eq!(decide(InDiscussion, Decline), Ok(Declined));
        assert!(decide(InDiscussion, Discuss).is_err());
        assert!(decide(Unconfirmed, Note).unwrap_err().contains("not confirmed"));
        assert_eq!(decide(Accepted, Decline).unwrap_err(), "An enquiry that is accepted cannot be changed.");
        assert!(may_accept(New).is_ok() && may_accept(InDiscussion).is_ok());
        assert!(may_accept(Declined).is_err() && may_accept(Unconfirmed).is_err() && may_accept(Accepted).is_err());
    }

    #[test]
    fn bots_are_turned_away_and_people_are_not() {
        assert!(check_form("", Some(at(0)), at(20)).is_ok());
        assert!(check_form("http://spam.example", Some(at(0)), at(20)).is_err(), "the hidden field was filled");
        assert!(check_form("", Some(at(0)), at(1)).unwrap_err().1.contains("quick"));
        assert!(check_form("", None, at(20)).is_err(), "no signed start");
        assert!(check_form("", Some(at(0)), at(25 * 3600)).is_err(), "a day-old page");
    }

    #[test]
    fn limits_count_per_network_and_per_address() {
        assert!(check_limits(4, 2).is_ok());
        assert_eq!(check_limits(5, 0).unwrap_err().0, "");
        assert_eq!(check_limits(0, 3).unwrap_err().0, "email");
    }
}
