//! Agencies of the members: they send officers, host them, or both, and have the notification
//! contacts that receive the programme's e-mails.

use super::{status_label, status_options};
use crate::reference::{reference_choices, Choices};
use crate::resource::fields::{
    checked, email, language, optional_text, required_text, ticked, time_zone, LANGUAGES, TIME_ZONES,
};
use crate::resource::prelude::*;
use crate::ui::fields::{form_message, hidden};
use crate::ui::layout::page_flash;
use crate::ui::EnhancedForm;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub language: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyView {
    pub id: String,
    pub name: String,
    pub member_id: String,
    pub member_name: String,
    pub sends: bool,
    pub hosts: bool,
    pub active: bool,
    /// An IANA zone name; `None` means the office's. Reminders go out at 08:00 here.
    pub time_zone: Option<String>,
    pub contacts: Vec<ContactView>,
}

/// The agency form. On creation it may carry a first notification contact.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AgencyForm {
    pub id: String,
    pub name: String,
    pub member: String,
    pub sends: String,
    pub hosts: String,
    pub active: String,
    pub time_zone: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_language: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactForm {
    pub agency: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_language: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RemoveContactForm {
    pub agency: String,
    pub contact: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidAgency {
    pub name: String,
    pub member: String,
    pub sends: bool,
    pub hosts: bool,
    pub active: bool,
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidContact {
    pub name: String,
    pub email: crate::domain::Email,
    pub language: String,
}

/// Validates a contact's three fields; `required` is false for the optional first contact of a
/// new agency (all three empty means "no contact").
pub fn validate_contact(
    errors: &mut FieldErrors,
    name: &str,
    mail: &str,
    lang: &str,
    required: bool,
) -> Option<ValidContact> {
    if !required && name.trim().is_empty() && mail.trim().is_empty() {
        return None;
    }
    let name = errors.take("contact_name", required_text(name, 120));
    let mail = errors.take("contact_email", email(mail));
    let lang = errors.take("contact_language", language(lang));
    Some(ValidContact { name: name?, email: mail?, language: lang? })
}

impl Validate for AgencyForm {
    /// The agency, and its first contact when one was given.
    type Valid = (ValidAgency, Option<ValidContact>);

    fn validate(&self) -> Result<(ValidAgency, Option<ValidContact>), AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", required_text(&self.name, 160));
        let member = errors.take(
            "member",
            optional_text(&self.member, 40)
                .and_then(|m| m.ok_or_else(|| "Choose the member this agency belongs to.".to_string())),
        );
        let zone = errors.take("time_zone", time_zone(&self.time_zone));
        let (sends, hosts) = (checked(&self.sends), checked(&self.hosts));
        if !sends && !hosts {
            errors.add("sends", "An agency sends officers, hosts them, or both.");
        }
        let contact = if self.id.trim().is_empty() {
            validate_contact(&mut errors, &self.contact_name, &self.contact_email, &self.contact_language, false)
        } else {
            None
        };
        errors.finish(|| {
            (
                ValidAgency {
                    name: name.unwrap_or_default(),
                    member: member.unwrap_or_default(),
                    sends,
                    hosts,
                    active: checked(&self.active),
                    time_zone: zone.flatten(),
                },
                contact,
            )
        })
    }
}

resource! {
    /// The agencies as a [`Resource`].
    pub struct Agencies {
        table: "agency", view: AgencyView, form: AgencyForm, choices: Choices,
        names: ["agency", "agencies", "/admin/agencies", "Agencies",
            "Member agencies that send or host secondees, and who they notify."],
        read: STAFF => list_agencies = "agencies/list", get_agency = "agencies/get",
        write: ADMIN => save_agency = "agencies/save",
    }
}

impl Resource for Agencies {
    const COLUMNS: &'static [Column<AgencyView>] = &[
        Column::sorted("name", "Name", |a| a.name.clone()),
        Column::sorted("member", "Member", |a| a.member_name.clone()),
        Column::plain("Role", |a| roles_text(a).into()),
        Column::plain("Contacts", |a| a.contacts.iter().map(|c| c.email.as_str()).collect::<Vec<_>>().join(", ")),
        Column::plain("Status", |a| status_label(a.active).into()),
    ];

    async fn filters() -> Vec<SelectFilter> {
        let members = reference_choices().await.map(|c| c.members).unwrap_or_default();
        let roles = vec![
            ("sends".to_string(), "Sends officers".to_string()),
            ("hosts".to_string(), "Hosts officers".to_string()),
        ];
        vec![("member", "Member", members), ("role", "Role", roles), ("status", "Status", status_options())]
    }

    fn defaults(a: Option<&AgencyView>) -> BTreeMap<String, String> {
        values([
            ("name", a.map(|a| a.name.clone()).unwrap_or_default()),
            ("member", a.map(|a| a.member_id.clone()).unwrap_or_default()),
            ("sends", ticked(a.is_none_or(|a| a.sends))),
            ("hosts", ticked(a.is_some_and(|a| a.hosts))),
            ("active", ticked(a.is_none_or(|a| a.active))),
            ("time_zone", a.and_then(|a| a.time_zone.clone()).unwrap_or_default()),
            ("contact_language", "en".to_string()),
        ])
    }

    fn fields(state: &FormState, editing: &Editing<AgencyView, Choices>) -> AnyView {
        let creating = editing.record.is_none();
        view! {
            {Input::text("name", "Name").required().max_len(160).render(state)}
            {select(state, "member", "Member", editing.choices.members.clone(), true)}
            <fieldset class="fieldset">
                <legend>"Role in the programme"</legend>
                {checkbox(state, "sends", "Sends officers")}
                {checkbox(state, "hosts", "Hosts officers")}
            </fieldset>
            {select(state, "time_zone", "Time zone", time_zone_options(), false)}
            <p class="field-hint muted">"Reminders reach this agency's contacts at 08:00 in this time zone. Empty means the office's."</p>
            {checkbox(state, "active", "Active")}
            {creating.then(|| view! {
                <fieldset class="fieldset">
                    <legend>"First notification contact (optional)"</legend>
                    {Input::text("contact_name", "Contact name").max_len(120).render(state)}
                    {Input::text("contact_email", "Contact e-mail").kind("email").max_len(254).render(state)}
                    {select(state, "contact_language", "Preferred language", language_options(), false)}
                </fieldset>
            })}
        }
        .into_any()
    }

    /// The notification contacts of an existing agency, with their add and remove forms.
    fn sections(key: &str, editing: &Editing<AgencyView, Choices>) -> AnyView {
        let Some(agency) = &editing.record else { return ().into_any() };
        let can_edit = editing.can_edit;
        let contacts = agency.contacts.clone();
        let action = "/api/agencies/contacts/add";
        let contact_state =
            FormState::new(action, page_flash().as_ref(), values([("contact_language", "en".to_string())]));
        let (key, add_key) = (key.to_string(), key.to_string());
        view! {
            <section class="section" aria-labelledby="contacts-heading">
                <h2 id="contacts-heading">"Notification contacts"</h2>
                <p class="muted">"These addresses receive the programme's e-mails for this agency."</p>
                <table class="data-table">
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"E-mail"</th><th scope="col">"Language"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                    <tbody>
                        {contacts.iter().map(|c| view! {
                            <tr>
                                <td>{c.name.clone()}</td>
                                <td>{c.email.clone()}</td>
                                <td>{c.language.clone()}</td>
                                <td>{can_edit.then(|| view! {
                                    <form method="post" action="/api/agencies/contacts/remove" class="inline-form">
                                        {hidden("agency", key.clone())}
                                        {hidden("contact", c.id.clone())}
                                        <button type="submit" class="button-link danger">"Remove"</button>
                                    </form>
                                })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {contacts.is_empty().then(|| view! { <p class="empty">"No contacts yet: this agency receives no e-mail."</p> })}
                {can_edit.then(|| view! {
                    <EnhancedForm>
                        <form method="post" action=action class="form form-inline" novalidate>
                            {form_message(&contact_state)}
                            {hidden("agency", add_key)}
                            {Input::text("contact_name", "Name").required().max_len(120).render(&contact_state)}
                            {Input::text("contact_email", "E-mail").kind("email").required().max_len(254).render(&contact_state)}
                            {select(&contact_state, "contact_language", "Language", language_options(), false)}
                            <div class="form-actions"><button type="submit" class="button-secondary">"Add contact"</button></div>
                        </form>
                    </EnhancedForm>
                })}
            </section>
        }
        .into_any()
    }
}

/// The office's zone first (stored as none), then the programme's zones.
fn time_zone_options() -> Vec<(String, String)> {
    let office = (String::new(), "The office's time zone".to_string());
    std::iter::once(office)
        .chain(TIME_ZONES.iter().map(|(zone, label)| (zone.to_string(), label.to_string())))
        .collect()
}

fn language_options() -> Vec<(String, String)> {
    LANGUAGES.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect()
}

fn roles_text(a: &AgencyView) -> &'static str {
    match (a.sends, a.hosts) {
        (true, true) => "Sends and hosts",
        (true, false) => "Sends",
        (false, true) => "Hosts",
        (false, false) => "—",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AgencyForm {
        AgencyForm {
            name: "Immigration Bureau".into(),
            member: "thailand".into(),
            sends: "on".into(),
            active: "on".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_agency_sends_or_hosts() {
        let mut f = form();
        f.sends.clear();
        assert_eq!(f.validate().unwrap_err().field_errors()[0].field, "sends");
        f.hosts = "on".into();
        assert!(f.validate().unwrap().0.hosts);
    }

    #[test]
    fn the_first_contact_is_optional_but_checked_when_given() {
        assert_eq!(form().validate().unwrap().1, None);
        let mut f = form();
        f.contact_name = "Somchai".into();
        f.contact_email = "not-an-address".into();
        assert_eq!(f.validate().unwrap_err().field_errors()[0].field, "contact_email");
        f.contact_email = "Somchai@Immigration.go.th".into();
        let contact = f.validate().unwrap().1.unwrap();
        assert_eq!(contact.email.as_str(), "somchai@immigration.go.th");
        assert_eq!(contact.language, "en");
    }

    #[test]
    fn a_member_is_required() {
        let mut f = form();
        f.member.clear();
        assert_eq!(f.validate().unwrap_err().field_errors()[0].field, "member");
    }
}
