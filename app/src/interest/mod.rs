//! Expressions of interest: the public programme page (`/programme`: what the programme is, its
//! themes, the calls open to every member, and a form for an agency that would like to take
//! part), the double opt-in of the enquiry's address, and the coordinators' queue (`/interest`)
//! where an enquiry is discussed, declined with a reason, or accepted: the agency (and the
//! member when new) is created and its contact invited as its focal point. `rules.rs` holds the
//! lifecycle and the guards against abuse; `api.rs` the server functions; `service/` the work
//! (`public.rs` for anyone, `queue.rs` for staff); `pages.rs` the pages.

pub mod api;
pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};
use crate::resource::fields::{checked, chosen_keys, email, optional_text, required_text};
pub use api::*;
pub use rules::{EnquiryAction, EnquiryState};

/// The form's value for "a state that is not a member yet".
pub const ANOTHER_STATE: &str = "another";

/// What the public page shows: the programme's themes, the members to choose from, the calls
/// open to all members, and the signed start of this form (for the minimum fill time).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeContent {
    pub themes: Vec<(String, String)>,
    pub members: Vec<(String, String)>,
    pub calls: Vec<PublicCall>,
    pub form_started: String,
}

/// An open call as the public page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicCall {
    pub title: String,
    pub host_agency: String,
    pub window: String,
    pub closes: String,
}

/// The expression-of-interest form as posted.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EnquiryForm {
    pub agency_name: String,
    /// A member's key, or [`ANOTHER_STATE`].
    pub member: String,
    pub other_state: String,
    pub contact_name: String,
    pub email: String,
    pub contact_role: String,
    pub themes: Vec<String>,
    pub hosting: String,
    pub sending: String,
    pub message: String,
    /// Hidden from people; a script fills it.
    pub website: String,
    /// The signed time the form was given out.
    pub started: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidEnquiry {
    pub agency_name: String,
    pub member: Option<String>,
    pub other_state: Option<String>,
    pub contact_name: String,
    pub email: String,
    pub contact_role: String,
    pub themes: Vec<String>,
    pub hosting: bool,
    pub sending: bool,
    pub message: String,
}

impl EnquiryForm {
    /// Checks every field, each bounded, reporting each bad one at its field.
    pub fn validate(&self) -> Result<ValidEnquiry, AppError> {
        let mut errors = FieldErrors::new();
        let agency_name = errors.take("agency_name", required_text(&self.agency_name, 160));
        let (member, other_state) = match self.member.trim() {
            "" => {
                errors.add("member", "Choose your member state, or “Another state”.");
                (None, None)
            }
            ANOTHER_STATE => {
                let other = errors.take("other_state", required_text(&self.other_state, 120));
                (Some(None), other.map(Some))
            }
            key => match crate::domain::RecordKey::parse(key) {
                Ok(_) => (Some(Some(key.to_string())), Some(None)),
                Err(_) => {
                    errors.add("member", "Choose from the list.");
                    (None, None)
                }
            },
        };
        let contact_name = errors.take("contact_name", required_text(&self.contact_name, 120));
        let email = errors.take("email", email(&self.email));
        let contact_role = errors.take("contact_role", required_text(&self.contact_role, 160));
        let themes = errors.take("themes", chosen_keys(&self.themes, 50));
        let (hosting, sending) = (checked(&self.hosting), checked(&self.sending));
        if !hosting && !sending {
            errors.add("hosting", "Tell us whether you would host officers, send them, or both.");
        }
        let message = errors.take("message", crate::nominations::long_text(&self.message, 2000, false));
        errors.finish(|| ())?;
        match (agency_name, member, other_state, contact_name, email, contact_role, themes, message) {
            (
                Some(agency_name),
                Some(member),
                Some(other_state),
                Some(contact_name),
                Some(email),
                Some(contact_role),
                Some(themes),
                Some(message),
            ) => Ok(ValidEnquiry {
                agency_name,
                member,
                other_state,
                contact_name,
                email: email.as_str().to_string(),
                contact_role,
                themes,
                hosting,
                sending,
                message,
            }),
            _ => Err(AppError::BadRequest),
        }
    }
}

/// The confirmation link's form: its token.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    pub token: String,
}

/// An enquiry in the coordinators' queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnquiryView {
    pub id: String,
    pub reference: String,
    pub state: EnquiryState,
    pub agency_name: String,
    /// The member's (key, name), or the other state's name with an empty key.
    pub member: (String, String),
    pub contact_name: String,
    pub email: String,
    pub contact_role: String,
    pub themes: Vec<String>,
    pub hosting: bool,
    pub sending: bool,
    pub message: String,
    pub notes: String,
    pub decline_reason: Option<String>,
    /// The agency made on acceptance: (key, name).
    pub agency: Option<(String, String)>,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl EnquiryView {
    pub fn interests(&self) -> String {
        match (self.hosting, self.sending) {
            (true, true) => "Hosting and sending".into(),
            (true, false) => "Hosting".into(),
            (false, true) => "Sending".into(),
            (false, false) => "—".into(),
        }
    }
}

/// An enquiry's page: the enquiry, and the members its acceptance may choose from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnquiryRecord {
    pub enquiry: EnquiryView,
    pub members: Vec<(String, String)>,
}

/// The queue: confirmed enquiries, newest first, filtered by state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnquiryList {
    pub items: Vec<EnquiryView>,
    pub counts: Vec<(EnquiryState, i64)>,
}

/// A coordinator's move: discuss, note, decline (with a reason).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EnquiryActionForm {
    pub id: String,
    pub action: String,
    pub notes: String,
    pub reason: String,
}

/// Accepting an enquiry: what the coordinator checked and will create.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AcceptForm {
    pub id: String,
    pub agency_name: String,
    /// An existing member's key, or [`ANOTHER_STATE`] to create `member_name`.
    pub member: String,
    pub member_name: String,
    pub member_iso: String,
    pub hosts: String,
    pub sends: String,
    pub contact_name: String,
    pub contact_email: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidAcceptance {
    pub agency_name: String,
    /// `Err(name, iso)`: a new member.
    pub member: Result<String, (String, Option<String>)>,
    pub hosts: bool,
    pub sends: bool,
    pub contact_name: String,
    pub contact_email: String,
}

impl AcceptForm {
    pub fn validate(&self) -> Result<ValidAcceptance, AppError> {
        let mut errors = FieldErrors::new();
        let agency_name = errors.take("agency_name", required_text(&self.agency_name, 160));
        let member = match self.member.trim() {
            ANOTHER_STATE => {
                let name = errors.take("member_name", required_text(&self.member_name, 120));
                let iso = errors.take("member_iso", crate::resource::fields::iso3(&self.member_iso));
                name.zip(iso).map(Err)
            }
            key => match crate::domain::RecordKey::parse(key) {
                Ok(_) => Some(Ok(key.to_string())),
                Err(_) => {
                    errors.add("member", "Choose the member, or “A new member”.");
                    None
                }
            },
        };
        let (hosts, sends) = (checked(&self.hosts), checked(&self.sends));
        if !hosts && !sends {
            errors.add("hosts", "The agency hosts officers, sends them, or both.");
        }
        let contact_name = errors.take("contact_name", required_text(&self.contact_name, 120));
        let contact_email = errors.take("contact_email", email(&self.contact_email));
        errors.finish(|| ())?;
        match (agency_name, member, contact_name, contact_email) {
            (Some(agency_name), Some(member), Some(contact_name), Some(contact_email)) => Ok(ValidAcceptance {
                agency_name,
                member,
                hosts,
                sends,
                contact_name,
                contact_email: contact_email.as_str().to_string(),
            }),
            _ => Err(AppError::BadRequest),
        }
    }
}

/// Text for a decline: required, bounded.
pub fn decline_reason(text: &str) -> Result<String, AppError> {
    let reason = optional_text(text, 2000).map_err(|m| AppError::field("reason", m))?;
    reason.ok_or_else(|| AppError::field("reason", "Give the reason: it is e-mailed to the contact."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> EnquiryForm {
        EnquiryForm {
            agency_name: "Immigration Service of Example".into(),
            member: ANOTHER_STATE.into(),
            other_state: "Republic of Example".into(),
            contact_name: "Dewi Lestari".into(),
            email: "dewi@immigration.example".into(),
            contact_role: "Head of international cooperation".into(),
            hosting: "on".into(),
            message: "We would like to host two officers.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_enquiry_is_valid() {
        let e = form().validate().unwrap();
        assert_eq!((e.member, e.other_state.as_deref()), (None, Some("Republic of Example")));
        assert!(e.hosting && !e.sending);
    }

    #[test]
    fn each_rule_reports_at_its_field() {
        type Change = Box<dyn Fn(&mut EnquiryForm)>;
        let cases: Vec<(Change, &str)> = vec![
            (Box::new(|f| f.agency_name.clear()), "agency_name"),
            (Box::new(|f| f.agency_name = "x".repeat(100_000)), "agency_name"),
            (Box::new(|f| f.member.clear()), "member"),
            (Box::new(|f| f.other_state.clear()), "other_state"),
            (Box::new(|f| f.email = "not an address".into()), "email"),
            (Box::new(|f| f.contact_role = "x".repeat(161)), "contact_role"),
            (Box::new(|f| f.themes = vec!["<script>".into()]), "themes"),
            (Box::new(|f| f.hosting.clear()), "hosting"),
            (Box::new(|f| f.message = "x".repeat(2001)), "message"),
        ];
        for (change, field) in cases {
            let mut f = form();
            change(&mut f);
            assert_eq!(f.validate().unwrap_err().field_errors()[0].field, field);
        }
    }

    #[test]
    fn an_acceptance_names_its_member_or_a_new_one() {
        let accept = AcceptForm {
            agency_name: "Immigration Service".into(),
            member: ANOTHER_STATE.into(),
            member_name: "Republic of Example".into(),
            member_iso: "EXA".into(),
            sends: "on".into(),
            contact_name: "Dewi".into(),
            contact_email: "dewi@immigration.example".into(),
            ..Default::default()
        };
        let valid = accept.validate().unwrap();
        assert_eq!(valid.member, Err(("Republic of Example".into(), Some("EXA".into()))));
        let none = AcceptForm { hosts: String::new(), sends: String::new(), ..accept };
        assert_eq!(none.validate().unwrap_err().field_errors()[0].field, "hosts");
    }
}
