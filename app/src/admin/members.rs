//! Members of the regional body: states (with an ISO code) and organisations.

use super::{status_label, status_options};
use crate::domain::stored_enum::stored_enum;
use crate::resource::fields::{checked, iso3, required_text, ticked};
use crate::resource::prelude::*;

stored_enum! {
    /// What a member is. Stored, posted and exported as its `as_str` text.
    pub enum MemberKind ("member kind") {
        /// A state, known by its ISO 3166 code.
        State = "state", "State";
        Organisation = "organisation", "Organisation";
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    pub id: String,
    pub name: String,
    pub kind: MemberKind,
    pub iso_code: Option<String>,
    pub active: bool,
}

/// The member form as posted: raw text, validated by [`Validate::validate`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub iso_code: String,
    pub active: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidMember {
    pub name: String,
    pub kind: MemberKind,
    pub iso_code: Option<String>,
    pub active: bool,
}

impl Validate for MemberForm {
    type Valid = ValidMember;

    fn validate(&self) -> Result<ValidMember, AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", required_text(&self.name, 120));
        let kind = errors.take("kind", MemberKind::chosen(&self.kind, "Choose state or organisation."));
        let iso_code = errors.take("iso_code", iso3(&self.iso_code));
        if kind == Some(MemberKind::State) && matches!(iso_code, Some(None)) {
            errors.add("iso_code", "A state needs its ISO code.");
        }
        errors.finish(|| ValidMember {
            name: name.unwrap_or_default(),
            kind: kind.unwrap_or(MemberKind::State),
            iso_code: iso_code.flatten(),
            active: checked(&self.active),
        })
    }
}

resource! {
    /// The members as a [`Resource`].
    pub struct Members {
        table: "member", view: MemberView, form: MemberForm, choices: (),
        names: ["member", "members", "/admin/members", "Members",
            "States and organisations of the regional body."],
        read: STAFF => list_members = "members/list", get_member = "members/get",
        write: ADMIN => save_member = "members/save",
    }
}

impl Resource for Members {
    const COLUMNS: &'static [Column<MemberView>] = &[
        Column::sorted("name", "Name", |m| m.name.clone()),
        Column::sorted("kind", "Kind", |m| m.kind.label().into()),
        Column::sorted("iso", "ISO code", |m| m.iso_code.clone().unwrap_or_default()),
        Column::plain("Status", |m| status_label(m.active).into()),
    ];

    async fn filters() -> Vec<SelectFilter> {
        vec![("kind", "Kind", MemberKind::options()), ("status", "Status", status_options())]
    }

    fn defaults(m: Option<&MemberView>) -> BTreeMap<String, String> {
        values([
            ("name", m.map(|m| m.name.clone()).unwrap_or_default()),
            ("kind", m.map_or(MemberKind::State, |m| m.kind).as_str().to_string()),
            ("iso_code", m.and_then(|m| m.iso_code.clone()).unwrap_or_default()),
            ("active", ticked(m.is_none_or(|m| m.active))),
        ])
    }

    fn fields(state: &FormState, _: &Editing<MemberView>) -> AnyView {
        view! {
            {Input::text("name", "Name").required().max_len(120).render(state)}
            {select(state, "kind", "Kind", MemberKind::options(), true)}
            {Input::text("iso_code", "ISO 3166 code").hint("Three letters, for states: THA, IDN, AUS.").max_len(3).render(state)}
            {checkbox(state, "active", "Active")}
        }
        .into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, kind: &str, iso: &str) -> MemberForm {
        MemberForm {
            name: name.into(),
            kind: kind.into(),
            iso_code: iso.into(),
            active: "on".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_state_needs_an_iso_code() {
        let err = form("Thailand", "state", "").validate().unwrap_err();
        assert_eq!(err.field_errors()[0].field, "iso_code");
        assert_eq!(form("Thailand", "state", "tha").validate().unwrap().iso_code.as_deref(), Some("THA"));
    }

    #[test]
    fn an_organisation_may_have_none() {
        let valid = form("IOM", "organisation", "").validate().unwrap();
        assert_eq!(valid.kind, MemberKind::Organisation);
        assert_eq!(valid.iso_code, None);
    }

    #[test]
    fn kinds_round_trip_through_text() {
        for kind in MemberKind::ALL {
            assert_eq!(MemberKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str(), "views carry the stored text");
        }
        assert!(MemberKind::chosen("planet", "Choose.").is_err());
    }

    #[test]
    fn every_bad_field_is_reported() {
        let err = form("", "planet", "12").validate().unwrap_err();
        let fields: Vec<_> = err.field_errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "kind", "iso_code"]);
    }
}
