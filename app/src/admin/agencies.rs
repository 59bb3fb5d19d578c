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
    pub email: String,
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

/// The agencies as a [`Resource`].
pub struct Agencies;

impl Resource for Agencies {
    const TABLE: &'static str = "agency";
    const NAMES: Names = Names {
        one: "agency",
        many: "agencies",
        page: "/admin/agencies",
        title: "Agencies",
        lead: "Member agencies that send or host secondees, and who they notify.",
    };
    const COLUMNS: &'static [Column<AgencyView>] = &[
        Column::sorted("name", "Name", |a| a.name.clone()),
        Column::sorted("member", "Member", |a| a.member_name.clone()),
        Column::plain("Role", |a| roles_text(a).into()),
        Column::plain("Contacts", |a| a.contacts.iter().map(|c| c.email.as_str()).collect::<Vec<_>>().join(", ")),
        Column::plain("Status", |a| status_label(a.active).into()),
    ];
    type View = AgencyView;
    type Form = AgencyForm;
    type Choices = Choices;

    fn key(a: &AgencyView) -> &str {
        &a.id
    }

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

crate::resource::endpoints::resource_endpoints! {
    resource: Agencies, view: AgencyView, choices: Choices, form: AgencyForm,
    list: list_agencies = "agencies/list", get: get_agency = "agencies/get", read: crate::auth::guard::STAFF,
    save: save_agency = "agencies/save", write: crate::auth::guard::ADMIN,
}

#[server(endpoint = "agencies/contacts/add")]
pub async fn add_contact(#[server(flatten)] form: ContactForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    let result = service::add_contact(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "agencies/contacts/remove")]
pub async fn remove_contact(#[server(flatten)] form: RemoveContactForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    let result = service::remove_contact(&user, &form).await;
    crate::api::respond(result, &form)
}

#[cfg(feature = "ssr")]
mod service {
    use super::*;
    use crate::admin::by_status;
    use crate::audit::{self, Actor};
    use crate::auth::CurrentUser;
    use crate::resource::fields::name_key;
    use crate::resource::store::{chosen, put};
    use crate::resource::Valid;
    use crate::state::AppState;

    #[derive(Debug, SurrealValue)]
    pub struct ContactRow {
        id: RecordId,
        name: String,
        email: String,
        language: String,
    }

    #[derive(Debug, SurrealValue)]
    pub struct Row {
        id: RecordId,
        name: String,
        member_id: RecordId,
        member_name: String,
        sends: bool,
        hosts: bool,
        active: bool,
        time_zone: Option<String>,
        contacts: Vec<ContactRow>,
    }

    impl Stored for Agencies {
        type Row = Row;
        type Prepared = ();
        const FIELDS: &'static str = "id, name, name_key, member AS member_id, member.name AS member_name, string::lowercase(member.name) AS member_key, sends, hosts, active, time_zone,
            (SELECT id, name, email, language FROM contact WHERE agency = $parent.id ORDER BY name) AS contacts";
        const SORTS: &'static [(&'static str, &'static str)] = &[("name", "name_key"), ("member", "member_key")];
        const UNIQUE: (&'static str, &'static str) = ("name", "This member already has an agency with this name.");
        const CSV: &'static [CsvColumn<AgencyView>] = &[
            ("name", |a| a.name.clone()),
            ("member", |a| a.member_name.clone()),
            ("sends", |a| yes_no(a.sends)),
            ("hosts", |a| yes_no(a.hosts)),
            ("status", |a| status_label(a.active).into()),
            ("time_zone", |a| a.time_zone.clone().unwrap_or_default()),
            ("contacts", |a| {
                a.contacts.iter().map(|c| format!("{} <{}>", c.name, c.email)).collect::<Vec<_>>().join("; ")
            }),
        ];

        fn view(r: Row) -> Result<AgencyView, AppError> {
            let contacts = r
                .contacts
                .into_iter()
                .map(|c| ContactView { id: db::key(&c.id), name: c.name, email: c.email, language: c.language })
                .collect();
            Ok(AgencyView {
                id: db::key(&r.id),
                name: r.name,
                member_id: db::key(&r.member_id),
                member_name: r.member_name,
                sends: r.sends,
                hosts: r.hosts,
                active: r.active,
                time_zone: r.time_zone,
                contacts,
            })
        }

        fn filter(sql: ListSql, query: &ListQuery) -> ListSql {
            let member = crate::api::parse_key(&query.member).ok();
            by_status(sql, query)
                .search(
                    query,
                    "(string::contains(name_key, $q) OR string::contains(string::lowercase(member.name), $q))",
                )
                .filter_if(member.is_some(), "member = $member", "member", v(member.map(|m| db::rid("member", &m))))
                .filter_if(query.role == "sends", "sends = $yes", "yes", v(true))
                .filter_if(query.role == "hosts", "hosts = $yes_host", "yes_host", v(true))
        }

        fn stored(change: &Change<'_, Self>) -> Vec<(&'static str, Value)> {
            let (a, _) = change.valid;
            vec![
                ("name", v(a.name.clone())),
                ("name_key", v(name_key(&a.name))),
                ("member", v(db::rid("member", &a.member))),
                ("sends", v(a.sends)),
                ("hosts", v(a.hosts)),
                ("active", v(a.active)),
                ("time_zone", v(a.time_zone.clone())),
            ]
        }

        async fn choices() -> Result<Choices, AppError> {
            crate::reference::service::choices().await
        }

        /// The member must exist.
        async fn prepare(state: &AppState, _: &CurrentUser, _: &str, (a, _): &Valid<Self>) -> Result<(), AppError> {
            chosen(&state.db, "member", &a.member, "member", "Choose a member from the list.").await.map(|_| ())
        }

        /// A new agency's first contact.
        async fn also(tx: &Tx, change: &Change<'_, Self>) -> Result<(), AppError> {
            match &change.valid.1 {
                Some(contact) => insert_contact(tx, change.key, contact).await.map(|_| ()),
                None => Ok(()),
            }
        }

        /// What the audit trail keeps of an agency (the member by id; names change).
        fn snapshot(a: &AgencyView) -> serde_json::Value {
            serde_json::json!({
                "name": a.name, "member": a.member_id, "sends": a.sends, "hosts": a.hosts, "active": a.active,
                "time_zone": a.time_zone,
                "contacts": a.contacts.iter().map(|c| format!("{} <{}> [{}]", c.name, c.email, c.language)).collect::<Vec<_>>(),
            })
        }

        /// Back to the agency, where its contacts are.
        fn saved(change: &Change<'_, Self>, after: &AgencyView) -> (String, String) {
            (format!("Agency “{}” saved.", after.name), format!("/admin/agencies/{}", change.key))
        }
    }

    fn yes_no(value: bool) -> String {
        if value { "yes" } else { "no" }.into()
    }

    async fn insert_contact(tx: &Tx, agency_key: &str, c: &ValidContact) -> Result<String, AppError> {
        let contact_key = db::new_key();
        let fields = vec![
            ("agency", v(db::rid("agency", agency_key))),
            ("name", v(c.name.clone())),
            ("email", v(c.email.clone())),
            ("language", v(c.language.clone())),
        ];
        put(tx, true, "contact", &contact_key, fields).await.map_err(|e| match e {
            AppError::Conflict(_) => {
                AppError::field("contact_email", "This agency already has a contact with this e-mail.")
            }
            other => other,
        })?;
        Ok(contact_key)
    }

    pub async fn add_contact(user: &CurrentUser, form: &ContactForm) -> Result<crate::api::Done, AppError> {
        let state = AppState::current()?;
        let mut errors = FieldErrors::new();
        let contact =
            validate_contact(&mut errors, &form.contact_name, &form.contact_email, &form.contact_language, true);
        errors.finish(|| ())?;
        let Some(contact) = contact else {
            return Err(AppError::BadRequest);
        };
        let key = crate::api::parse_key(&form.agency)?;
        let agency = crate::resource::record::<Agencies>(&state.db, &key).await?;
        let (key, contact) = (&key, &contact);
        db::transact(&state, |tx| async move {
            let contact_key = insert_contact(&tx, key, contact).await?;
            let after = serde_json::json!({ "agency": key, "name": contact.name, "email": contact.email, "language": contact.language });
            audit::record(&tx, &Actor::user(user), "created", "contact", &contact_key, None, Some(&after)).await
        })
        .await?;
        Ok(crate::api::Done::new(&format!("Contact added to {}.", agency.name), &format!("/admin/agencies/{key}")))
    }

    pub async fn remove_contact(user: &CurrentUser, form: &RemoveContactForm) -> Result<crate::api::Done, AppError> {
        let state = AppState::current()?;
        let key = crate::api::parse_key(&form.agency)?;
        let contact_key = crate::api::parse_key(&form.contact)?;
        let agency = crate::resource::record::<Agencies>(&state.db, &key).await?;
        // The contact must belong to this agency: ids from one agency's page cannot touch another's.
        let contact = agency.contacts.iter().find(|c| c.id == contact_key).cloned().ok_or(AppError::NotFound)?;
        let (key, contact_key, contact) = (&key, &contact_key, &contact);
        db::transact(&state, |tx| async move {
            tx.run("DELETE $id", vec![("id", v(db::rid("contact", contact_key)))]).await?;
            let before = serde_json::json!({ "agency": key, "name": contact.name, "email": contact.email, "language": contact.language });
            audit::record(&tx, &Actor::user(user), "deleted", "contact", contact_key, Some(&before), None).await
        })
        .await?;
        Ok(crate::api::Done::new(&format!("Contact {} removed.", contact.name), &format!("/admin/agencies/{key}")))
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
        assert_eq!(contact.email, "somchai@immigration.go.th");
        assert_eq!(contact.language, "en");
    }

    #[test]
    fn a_member_is_required() {
        let mut f = form();
        f.member.clear();
        assert_eq!(f.validate().unwrap_err().field_errors()[0].field, "member");
    }
}
