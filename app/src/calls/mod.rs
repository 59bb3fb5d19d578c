//! Calls for nominations: a coordinator publishes a call for places (a host, themes, a window
//! for the placements, a closing time, who may answer); nominators answer it with nominations;
//! approvals count against its places; the scheduler closes it at its closing time and tells
//! the coordinators. A call is a [`Resource`] (list, record page, form, CSV, audit) with a
//! lifecycle of its own (`rules.rs`): `api.rs` has its moves and figures, `service/` the work,
//! `pages.rs` what its page adds to the resource's.

pub mod api;
pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::resource::fields::{chosen_keys, required_text, MAX_CHOICES};
use crate::resource::prelude::*;
use crate::ui::fields::checkboxes;
pub use api::*;
pub use rules::{CallAction, CallState};

/// A call as its page and its list show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallView {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub description: String,
    pub eligibility: String,
    /// (id, name)
    pub themes: Vec<(String, String)>,
    pub host_agency_id: String,
    pub host_agency: String,
    pub places: i64,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub closes_at: DateTime<Utc>,
    /// The closing time in the office's zone, as `2027-03-15 17:00`.
    pub closes_local: String,
    /// The funding agreement it draws on: (id, reference).
    pub agreement: Option<(String, String)>,
    /// The members that may answer (id, name); empty: all.
    pub members: Vec<(String, String)>,
    pub state: CallState,
    /// Nominations that answer it, and those approved.
    pub answered: i64,
    pub approved: i64,
}

impl CallView {
    pub fn places_left(&self) -> i64 {
        rules::places_left(self.places, self.approved)
    }

    pub fn window(&self) -> String {
        crate::ui::format::period(self.window_start, self.window_end)
    }

    pub fn who_may_answer(&self) -> String {
        if self.members.is_empty() {
            "All members".into()
        } else {
            self.members.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ")
        }
    }
}

/// What the call form chooses from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallChoices {
    pub hosts: Vec<(String, String)>,
    pub themes: Vec<(String, String)>,
    pub members: Vec<(String, String)>,
    /// (id, "reference — donor")
    pub agreements: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CallForm {
    pub id: String,
    pub title: String,
    pub description: String,
    pub eligibility: String,
    pub themes: Vec<String>,
    pub host_agency: String,
    pub places: String,
    pub window_start: String,
    pub window_end: String,
    /// The closing day and time, in the office's zone.
    pub closes_on: String,
    pub closes_time: String,
    pub agreement: String,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidCall {
    pub title: String,
    pub description: String,
    pub eligibility: String,
    pub themes: Vec<String>,
    pub host_agency: String,
    pub places: i64,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    /// In the office's zone.
    pub closes: NaiveDateTime,
    pub agreement: Option<String>,
    pub members: Vec<String>,
}

fn one_key(value: &str, missing: &str) -> Result<Option<String>, String> {
    match value.trim() {
        "" if missing.is_empty() => Ok(None),
        "" => Err(missing.to_string()),
        key => crate::domain::RecordKey::parse(key)
            .map(|_| Some(key.to_string()))
            .map_err(|_| "Choose from the list.".into()),
    }
}

fn places(text: &str) -> Result<i64, String> {
    match text.trim().parse::<i64>() {
        Ok(n) if (1..=500).contains(&n) => Ok(n),
        _ => Err("Give the number of places, from 1 to 500.".into()),
    }
}

fn time_of_day(text: &str) -> Result<NaiveTime, String> {
    let text = if text.trim().is_empty() { "17:00" } else { text.trim() };
    NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| "Give the time as HH:MM, like 17:00.".into())
}

impl Validate for CallForm {
    type Valid = ValidCall;

    fn validate(&self) -> Result<ValidCall, AppError> {
        use crate::nominations::long_text;
        let mut errors = FieldErrors::new();
        let title = errors.take("title", required_text(&self.title, 200));
        let description = errors.take("description", long_text(&self.description, 4000, true));
        let eligibility = errors.take("eligibility", long_text(&self.eligibility, 2000, false));
        let themes = errors.take("themes", chosen_keys(&self.themes, MAX_CHOICES));
        if themes.as_ref().is_some_and(Vec::is_empty) {
            errors.add("themes", "Choose at least one theme.");
        }
        let host = errors.take("host_agency", one_key(&self.host_agency, "Choose the host agency."));
        let places = errors.take("places", places(&self.places));
        let start = errors.take("window_start", crate::domain::parse_date(&self.window_start));
        let end = errors.take("window_end", crate::domain::parse_date(&self.window_end));
        if let (Some(start), Some(end)) = (start, end) {
            if end <= start {
                errors.add("window_end", "End the window after it starts.");
            }
        }
        let closes_on = errors.take("closes_on", crate::domain::parse_date(&self.closes_on));
        let closes_time = errors.take("closes_time", time_of_day(&self.closes_time));
        if let (Some(closes), Some(start)) = (closes_on, start) {
            if closes > start {
                errors.add("closes_on", "Close the call before the window starts.");
            }
        }
        let agreement = errors.take("agreement", one_key(&self.agreement, ""));
        let members = errors.take("members", chosen_keys(&self.members, MAX_CHOICES));
        errors.finish(|| ())?;
        let closes = closes_on.zip(closes_time).map(|(d, t)| d.and_time(t));
        match (title, description, eligibility, themes, host, places, start, end, closes, agreement, members) {
            (
                Some(title),
                Some(description),
                Some(eligibility),
                Some(themes),
                Some(Some(host_agency)),
                Some(places),
                Some(window_start),
                Some(window_end),
                Some(closes),
                Some(agreement),
                Some(members),
            ) => Ok(ValidCall {
                title,
                description,
                eligibility,
                themes,
                host_agency,
                places,
                window_start,
                window_end,
                closes,
                agreement,
                members,
            }),
            _ => Err(AppError::BadRequest),
        }
    }
}

resource! {
    /// The calls as a [`Resource`]. Nominators read only the open calls their member may answer.
    pub struct Calls {
        table: "call", view: CallView, form: CallForm, choices: CallChoices,
        names: ["call", "calls", "/calls", "Calls for nominations",
            "Places the Regional Support Office invites nominations for: who may answer, by when, and how many places are left."],
        read: crate::calls::READERS => list_calls = "calls/list", get_call = "calls/get",
        write: COORDINATOR => save_call = "calls/save",
    }
}

/// Who reads calls: nominators (the open ones their member may answer) and RSO staff (all).
#[cfg(feature = "ssr")]
pub const READERS: crate::auth::guard::Access<'static> = crate::auth::guard::Access::Roles(&[
    crate::auth::Role::Nominator,
    crate::auth::Role::Coordinator,
    crate::auth::Role::Admin,
]);

impl Resource for Calls {
    const COLUMNS: &'static [Column<CallView>] = &[
        Column::sorted("title", "Title", |c| c.title.clone()),
        Column::plain("Host agency", |c| c.host_agency.clone()),
        Column::plain("Places left", |c| format!("{} of {}", c.places_left(), c.places)),
        Column::plain("Window", |c| c.window()),
        Column::sorted("closes", "Closes", |c| c.closes_local.clone()),
        Column::plain("State", |c| c.state.label().to_string()),
        Column::plain("Nominations", |c| c.answered.to_string()),
    ];

    async fn filters() -> Vec<SelectFilter> {
        vec![("status", "State", CallState::options())]
    }

    fn defaults(c: Option<&CallView>) -> BTreeMap<String, String> {
        let (closes_on, closes_time) = c
            .and_then(|c| c.closes_local.split_once(' '))
            .map(|(d, t)| (d.to_string(), t.to_string()))
            .unwrap_or_else(|| (String::new(), "17:00".into()));
        values([
            ("title", c.map(|c| c.title.clone()).unwrap_or_default()),
            ("description", c.map(|c| c.description.clone()).unwrap_or_default()),
            ("eligibility", c.map(|c| c.eligibility.clone()).unwrap_or_default()),
            ("host_agency", c.map(|c| c.host_agency_id.clone()).unwrap_or_default()),
            ("places", c.map(|c| c.places.to_string()).unwrap_or_else(|| "1".into())),
            ("window_start", c.map(|c| c.window_start.to_string()).unwrap_or_default()),
            ("window_end", c.map(|c| c.window_end.to_string()).unwrap_or_default()),
            ("closes_on", closes_on),
            ("closes_time", closes_time),
            ("agreement", c.and_then(|c| c.agreement.as_ref().map(|(k, _)| k.clone())).unwrap_or_default()),
        ])
    }

    fn fields(state: &FormState, editing: &Editing<CallView, CallChoices>) -> AnyView {
        let record = editing.record.as_ref();
        let chosen = |list: fn(&CallView) -> &Vec<(String, String)>| -> Vec<String> {
            record.map(|c| list(c).iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default()
        };
        let (themes, members) = (chosen(|c| &c.themes), chosen(|c| &c.members));
        let choices = &editing.choices;
        view! {
            {Input::text("title", "Title").required().max_len(200).render(state)}
            {Input::text("description", "Description").kind("textarea").required().max_len(4000).render(state)}
            {Input::text("eligibility", "Eligibility").kind("textarea").max_len(2000).hint("Who may be nominated: rank, experience, languages.").render(state)}
            {select(state, "host_agency", "Host agency", choices.hosts.clone(), true)}
            {checkboxes("themes", "Themes", &choices.themes, &themes, state)}
            {Input::text("places", "Places").kind("number").required().render(state)}
            {Input::text("window_start", "Placements start from").kind("date").required().render(state)}
            {Input::text("window_end", "Placements end by").kind("date").required().render(state)}
            {Input::text("closes_on", "Closing date").kind("date").required().hint("In the office's time zone.").render(state)}
            {Input::text("closes_time", "Closing time").kind("time").required().render(state)}
            {select(state, "agreement", "Funding agreement it draws on (optional)", choices.agreements.clone(), false)}
            {checkboxes("members", "Open to (none ticked: all members)", &choices.members, &members, state)}
        }
        .into_any()
    }
}

/// A coordinator's move on a call.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CallActionForm {
    pub id: String,
    pub action: String,
}

/// What a call's page shows beside its terms: its nominations by state, and its agreement's
/// money not yet committed against its places left.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallProgress {
    /// Staff only: (state, count).
    pub by_state: Vec<(crate::nominations::NominationState, i64)>,
    /// The agreement's remaining money (total − committed), in its currency.
    pub agreement_remaining: Option<crate::domain::Money>,
    /// The moves the caller may make now.
    pub actions: Vec<CallAction>,
    /// A nominator may answer it now.
    pub may_answer: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CallForm {
        CallForm {
            title: "Document examination, Bangkok".into(),
            description: "Two officers to the RSO's document examination desk.".into(),
            themes: vec!["aviation".into()],
            host_agency: "rso".into(),
            places: "2".into(),
            window_start: "2027-07-01".into(),
            window_end: "2027-12-31".into(),
            closes_on: "2027-05-31".into(),
            closes_time: "17:00".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_is_valid() {
        let call = form().validate().unwrap();
        assert_eq!(call.places, 2);
        assert_eq!(call.closes.to_string(), "2027-05-31 17:00:00");
        assert_eq!(call.agreement, None);
    }

    #[test]
    fn each_rule_reports_at_its_field() {
        type Change = Box<dyn Fn(&mut CallForm)>;
        let cases: Vec<(Change, &str)> = vec![
            (Box::new(|f| f.title.clear()), "title"),
            (Box::new(|f| f.description = "x".repeat(4001)), "description"),
            (Box::new(|f| f.themes.clear()), "themes"),
            (Box::new(|f| f.host_agency.clear()), "host_agency"),
            (Box::new(|f| f.places = "0".into()), "places"),
            (Box::new(|f| f.places = "many".into()), "places"),
            (Box::new(|f| f.window_end = "2027-06-01".into()), "window_end"),
            (Box::new(|f| f.closes_on = "2027-08-01".into()), "closes_on"),
            (Box::new(|f| f.closes_time = "5pm".into()), "closes_time"),
            (Box::new(|f| f.agreement = "bad key!".into()), "agreement"),
        ];
        for (change, field) in cases {
            let mut f = form();
            change(&mut f);
            let error = f.validate().unwrap_err();
            assert_eq!(error.field_errors()[0].field, field);
        }
    }
}
