//! The privacy notice given to an officer when they are nominated, and the nominator's
//! confirmation that the officer was told (PDPA s.23: a person is told, at or before
//! collection, what is kept, why, for how long, who sees it and what they may ask for).
//!
//! The notice carries a version: when its text changes in substance, `VERSION` goes up, and a
//! nomination confirmed under an older text must be confirmed again before it is submitted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The notice's current version. Raise it whenever the text below changes in substance.
pub const VERSION: i64 = 1;

/// The form field in which a nominator confirms that the officer was told.
pub const FIELD: &str = "officer_told";

/// What the nominator ticks.
pub const CONFIRMATION: &str = "I confirm that the officer has been given this privacy notice.";

/// The refusal of a submission without a confirmation of the current notice.
pub const MISSING: &str = "Confirm that the officer has been given the privacy notice before submitting.";

/// The notice, a paragraph a line: short enough to be read aloud to the officer.
pub const TEXT: &[&str] = &[
    "The Regional Support Office in Bangkok keeps the officer's name, position, work e-mail, \
     nationality, languages, expertise and the documents attached here, to decide on the \
     secondment and, if it is approved, to run the placement and its reports.",
    "The sending agency's focal points and the Office's coordinators see the nomination; once \
     approved, the host agency sees what the placement needs. Donors see the \
     placements they fund, with the officer's name, and the reports the Office shares with them; \
     never the nomination or its documents.",
    "The Office keeps these records for as long as the programme and its reporting need them.",
    "The officer may ask the Office in writing for a copy of what is held about them, for a \
     correction, or for erasure.",
];

/// When and by whom the nomination's officer was confirmed as told, and under which version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Confirmation {
    pub version: i64,
    pub at: DateTime<Utc>,
    /// The confirming user's name, as shown on the nomination's page.
    pub by: String,
}

impl Confirmation {
    /// Whether this confirmation covers the notice as it reads today.
    pub fn is_current(&self) -> bool {
        self.version >= VERSION
    }
}

/// Whether a nomination whose stored confirmation is `stored` may be submitted, given whether
/// the nominator ticks the confirmation with the submission itself.
pub fn may_submit(stored: Option<&Confirmation>, ticked_now: bool) -> Result<(), (&'static str, &'static str)> {
    if ticked_now || stored.is_some_and(Confirmation::is_current) {
        Ok(())
    } else {
        Err((FIELD, MISSING))
    }
}

/// What a save does with the stored confirmation, given the box as posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnSave {
    /// Ticked, and already confirmed for this version: the first confirmation stays.
    Keep,
    /// Ticked now for the first time under this version: record who and when.
    Record,
    /// Not ticked: there is no confirmation.
    Clear,
}

pub fn on_save(stored: Option<&Confirmation>, ticked: bool) -> OnSave {
    match (ticked, stored.is_some_and(Confirmation::is_current)) {
        (false, _) => OnSave::Clear,
        (true, true) => OnSave::Keep,
        (true, false) => OnSave::Record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn confirmed(version: i64) -> Confirmation {
        Confirmation { version, at: DateTime::<Utc>::UNIX_EPOCH, by: "Ana".into() }
    }

    #[test]
    fn a_submission_needs_a_confirmation_of_the_current_notice() {
        assert_eq!(may_submit(None, false), Err((FIELD, MISSING)));
        assert_eq!(may_submit(Some(&confirmed(VERSION - 1)), false), Err((FIELD, MISSING)));
        assert_eq!(may_submit(Some(&confirmed(VERSION)), false), Ok(()));
        assert_eq!(may_submit(None, true), Ok(()));
        assert_eq!(may_submit(Some(&confirmed(VERSION - 1)), true), Ok(()));
    }

    #[test]
    fn a_save_keeps_the_first_confirmation_of_a_version() {
        assert_eq!(on_save(None, true), OnSave::Record);
        assert_eq!(on_save(Some(&confirmed(VERSION)), true), OnSave::Keep);
        assert_eq!(on_save(Some(&confirmed(VERSION - 1)), true), OnSave::Record);
        assert_eq!(on_save(Some(&confirmed(VERSION)), false), OnSave::Clear);
        assert_eq!(on_save(None, false), OnSave::Clear);
    }
}
