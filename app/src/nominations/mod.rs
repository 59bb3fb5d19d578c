//! Nominations: a member agency's focal point nominates an officer; RSO coordinators review the
//! nomination; approval creates the placement. `rules.rs` holds the lifecycle and the period
//! rules, `files.rs` the document rules; both are plain Rust. `api.rs` has the server functions;
//! `service/` (server only) does the work in transactions, `documents.rs` declares its files to
//! `crate::attachments`, and `pages/` has the pages.

pub mod files;
pub mod notice;
pub mod pages;
pub mod rules;

pub mod api;
#[cfg(feature = "ssr")]
pub mod documents;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::listing::{ListQuery, Page};
pub use api::*;
pub use rules::{Action, NominationState};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NominationSummary {
    pub id: String,
    pub reference: String,
    pub state: NominationState,
    pub officer_name: String,
    pub sending_agency: String,
    pub sending_member: String,
    pub host_agency: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentView {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    /// A step, a comment or a change to the documents.
    pub kind: rules::NominationEventKind,
    pub from_state: Option<NominationState>,
    pub to_state: Option<NominationState>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NominationView {
    pub id: String,
    pub reference: String,
    pub state: NominationState,
    pub sending_agency_id: String,
    pub sending_agency: String,
    pub host_agency_id: String,
    pub host_agency: String,
    pub officer_name: String,
    pub position: String,
    pub work_email: String,
    /// ISO 3166-1 alpha-2; empty when the text typed before the list was not recognised.
    pub nationality: String,
    /// What was typed before nationality was a list, when it was not recognised: shown, flagged
    /// for a fix, until the form is saved with a country.
    pub nationality_as_written: Option<String>,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// The languages typed before the list that were not recognised (see `nationality_as_written`).
    pub languages_as_written: Option<String>,
    pub expertise: String,
    /// (id, name)
    pub themes: Vec<(String, String)>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub objectives: String,
    pub justification: String,
    /// The call it answers: (id, "title (reference)").
    pub call: Option<(String, String)>,
    /// The nominator's confirmation that the officer was given the privacy notice.
    pub notice: Option<notice::Confirmation>,
    pub documents: Vec<DocumentView>,
    pub history: Vec<HistoryEntry>,
    pub placement_id: Option<String>,
}

/// What the caller may do with a nomination, decided on the server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Permissions {
    pub edit: bool,
    pub nominator_actions: Vec<Action>,
    pub coordinator_actions: Vec<Action>,
    pub comment: bool,
    /// A nominator of its sending agency may start a new draft from it (a renomination, or a
    /// successor in the same post).
    pub start_from: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NominationPage {
    pub nomination: Option<NominationView>,
    pub can: Permissions,
    /// Choices for the form: host agencies and active themes, as (id, name).
    pub host_agencies: Vec<(String, String)>,
    pub themes: Vec<(String, String)>,
    /// The members' states (alpha-2), listed first among the nationalities.
    pub member_countries: Vec<String>,
    /// For a new draft started from an earlier nomination: that nomination's reference. The
    /// form is then filled from it (`nomination`), and saving makes a new draft.
    pub copied_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NominationList {
    pub page: Page<NominationSummary>,
    pub can_create: bool,
    /// Counts by state, for the queue's header.
    pub counts: Vec<(NominationState, u64)>,
}

/// The nomination form as posted: text fields, and the chosen theme ids.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NominationForm {
    pub id: String,
    pub officer_name: String,
    pub position: String,
    pub work_email: String,
    pub nationality: String,
    pub languages: Vec<String>,
    pub expertise: String,
    pub host_agency: String,
    pub themes: Vec<String>,
    pub start_date: String,
    pub end_date: String,
    pub objectives: String,
    pub justification: String,
    /// The privacy-notice box ([`notice::FIELD`]): ticked when the officer has been told.
    pub officer_told: String,
    /// The call a new nomination answers (its key), if any; kept once the draft is saved.
    pub call: String,
}

/// A state change or a comment, with what some actions need.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    pub id: String,
    pub action: String,
    /// Required for requesting changes and rejecting; optional otherwise.
    pub message: String,
    // Approval confirms these:
    pub host_agency: String,
    pub supervisor_name: String,
    pub supervisor_email: String,
    pub start_date: String,
    pub end_date: String,
    /// Submitting confirms the privacy notice here when the form did not ([`notice::FIELD`]).
    pub officer_told: String,
}

impl NominationForm {
    /// Validates the content. `today` is the office's calendar date; the start-date rule for
    /// submission is applied separately.
    pub fn validate(&self, known_themes: &[String]) -> Result<rules::NominationContent, AppError> {
        use crate::resource::fields::{email, optional_text, required_text};
        let mut errors = crate::error::FieldErrors::new();
        let officer_name = errors.take("officer_name", required_text(&self.officer_name, 120));
        let position = errors.take("position", required_text(&self.position, 160));
        let work_email = errors.take("work_email", email(&self.work_email));
        let nationality = errors.take("nationality", crate::domain::Country::parse(&self.nationality));
        let languages = errors.take("languages", crate::domain::Language::parse_all(&self.languages));
        let expertise = errors.take("expertise", long_text(&self.expertise, 2000, false));
        let host_agency = errors.take(
            "host_agency",
            optional_text(&self.host_agency, 40)
                .and_then(|v| v.ok_or_else(|| "Choose the proposed host agency.".to_string())),
        );
        let mut themes: Vec<String> = Vec::new();
        for theme in self.themes.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            if !known_themes.iter().any(|k| k == theme) {
                errors.add("themes", "Choose themes from the list.");
            } else if !themes.iter().any(|t| t == theme) {
                themes.push(theme.to_string());
            }
        }
        if themes.is_empty() && !errors.has("themes") {
            errors.add("themes", "Choose at least one theme.");
        }
        let start = errors.take("start_date", date(&self.start_date));
        let end = errors.take("end_date", date(&self.end_date));
        if let (Some(start), Some(end)) = (start, end) {
            if let Err((field, message)) = rules::check_period(start, end) {
                errors.add(field, message);
            }
        }
        let objectives = errors.take("objectives", long_text(&self.objectives, 4000, true));
        let justification = errors.take("justification", long_text(&self.justification, 4000, true));
        errors.complete(|| {
            Some(rules::NominationContent {
                officer_name: officer_name?,
                position: position?,
                work_email: work_email?,
                nationality: nationality?,
                languages: languages?,
                expertise: expertise?,
                host_agency: host_agency?,
                themes,
                start: start?,
                end: end?,
                objectives: objectives?,
                justification: justification?,
            })
        })
    }
}

/// A date typed as YYYY-MM-DD (what `<input type="date">` sends).
pub fn date(text: &str) -> Result<chrono::NaiveDate, String> {
    crate::domain::parse_date(text)
}

/// Multi-line text: line breaks allowed, other control characters not.
pub fn long_text(text: &str, max: usize, required: bool) -> Result<String, String> {
    let text = text.trim().replace("\r\n", "\n");
    if required && text.is_empty() {
        return Err("This field is required.".into());
    }
    if text.chars().count() > max {
        return Err(format!("Use at most {max} characters."));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("Remove control characters.".into());
    }
    Ok(text)
}

/// How long the oldest nomination in each open state has waited (the dashboard's pipeline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateAge {
    pub state: NominationState,
    /// When the oldest one got into this state; none when the state is empty.
    pub oldest_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// Who reaches the nomination functions at all; each function narrows further by record.
#[cfg(feature = "ssr")]
pub mod service_access {
    use crate::auth::guard::Access;
    use crate::auth::Role;

    /// Nominators (their own agency's), coordinators and admins (all). Hosts, secondees and
    /// donors see no nominations.
    pub const READERS: Access<'static> = Access::Roles(&[Role::Nominator, Role::Coordinator, Role::Admin]);
    pub const NOMINATORS: Access<'static> = Access::Roles(&[Role::Nominator]);
    pub const ACTORS: Access<'static> = Access::Roles(&[Role::Nominator, Role::Coordinator]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> NominationForm {
        NominationForm {
            officer_name: "Kumari Silva".into(),
            position: "Immigration Officer, Grade II".into(),
            work_email: "k.silva@immigration.lk.example".into(),
            nationality: "LK".into(),
            languages: vec!["si".into(), "en".into()],
            expertise: "Document examination".into(),
            host_agency: "rso".into(),
            themes: vec!["aviation".into()],
            start_date: "2027-02-01".into(),
            end_date: "2027-08-01".into(),
            objectives: "Strengthen information sharing on aviation people smuggling.".into(),
            justification: "Builds on the 2026 regional workshop.".into(),
            ..Default::default()
        }
    }

    fn themes() -> Vec<String> {
        vec!["aviation".into(), "border".into()]
    }

    #[test]
    fn a_complete_form_is_valid() {
        let content = form().validate(&themes()).unwrap();
        assert_eq!(content.themes, vec!["aviation"]);
        assert_eq!(content.start.to_string(), "2027-02-01");
        let languages = content.languages.iter().map(|l| l.code()).collect::<Vec<_>>();
        assert_eq!((content.nationality.code(), languages), ("LK", vec!["si", "en"]));
        assert_eq!(content.work_email.as_str(), "k.silva@immigration.lk.example");
    }

    #[test]
    fn each_rule_reports_at_its_field() {
        type Change = Box<dyn Fn(&mut NominationForm)>;
        let cases: Vec<(Change, &str)> = vec![
            (Box::new(|f| f.officer_name.clear()), "officer_name"),
            (Box::new(|f| f.work_email = "not-an-email".into()), "work_email"),
            (Box::new(|f| f.nationality = "Sri Lankan".into()), "nationality"),
            (Box::new(|f| f.nationality = "XX".into()), "nationality"),
            (Box::new(|f| f.nationality.clear()), "nationality"),
            (Box::new(|f| f.languages = vec!["en".into(), "klingon".into()]), "languages"),
            (Box::new(|f| f.themes = vec!["made-up".into()]), "themes"),
            (Box::new(|f| f.themes.clear()), "themes"),
            (Box::new(|f| f.start_date = "01/02/2027".into()), "start_date"),
            (Box::new(|f| f.end_date = "2027-01-01".into()), "end_date"),
            (Box::new(|f| f.end_date = "2029-03-01".into()), "end_date"),
            (Box::new(|f| f.host_agency.clear()), "host_agency"),
            (Box::new(|f| f.objectives = "x".repeat(4001)), "objectives"),
        ];
        for (change, field) in cases {
            let mut f = form();
            change(&mut f);
            let error = f.validate(&themes()).unwrap_err();
            assert_eq!(error.field_errors()[0].field, field);
        }
    }

    #[test]
    fn html_is_kept_as_text() {
        let mut f = form();
        f.expertise = "<script>alert(1)</script>".into();
        assert_eq!(f.validate(&themes()).unwrap().expertise, "<script>alert(1)</script>");
    }
}
