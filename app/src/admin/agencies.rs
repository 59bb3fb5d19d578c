//! Agencies of the members: they send officers, host them, or both, and have the notification
//! contacts that receive the programme's e-mails.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::options::reference_choices;
use super::{status_label, status_options};
use crate::error::{AppError, FieldErrors};
use crate::listing::ListQuery;
use crate::resource::fields::{checked, email, language, optional_text, required_text, LANGUAGES};
use crate::resource::Listing;
use crate::ui::fields::{self, checkbox, form_message, hidden, select, FormState, Input};
use crate::ui::layout::{error_view, page_flash};
use crate::ui::lists::{current_query, filter_bar, pager, sort_header};
use crate::ui::{EnhancedForm, PageHeader};

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

impl AgencyForm {
    pub fn validate(&self) -> Result<(ValidAgency, Option<ValidContact>), AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", required_text(&self.name, 160));
        let member = errors.take(
            "member",
            optional_text(&self.member, 40)
                .and_then(|m| m.ok_or_else(|| "Choose the member this agency belongs to.".to_string())),
        );
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
                },
                contact,
            )
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyEditing {
    pub record: Option<AgencyView>,
    pub can_edit: bool,
    pub members: Vec<(String, String)>,
}

#[server(endpoint = "agencies/list")]
pub async fn list_agencies(#[server(flatten)] query: ListQuery) -> Result<Listing<AgencyView>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(service::list(&user, &query).await)
}

#[server(endpoint = "agencies/get")]
pub async fn get_agency(#[server(default)] id: String) -> Result<AgencyEditing, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(service::get(&user, &id).await)
}

#[server(endpoint = "agencies/save")]
pub async fn save_agency(#[server(flatten)] form: AgencyForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    let result = service::save(&user, &form).await;
    crate::api::finish(result, &form)
}

#[server(endpoint = "agencies/contacts/add")]
pub async fn add_contact(#[server(flatten)] form: ContactForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    let result = service::add_contact(&user, &form).await;
    crate::api::finish(result, &form)
}

#[server(endpoint = "agencies/contacts/remove")]
pub async fn remove_contact(#[server(flatten)] form: RemoveContactForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    let result = service::remove_contact(&user, &form).await;
    crate::api::finish(result, &form)
}

#[cfg(feature = "ssr")]
pub mod service {
    use surrealdb::types::{RecordId, SurrealValue};

    use super::*;
    use crate::audit::{self, Actor};
    use crate::auth::{CurrentUser, Role};
    use crate::db::{self, v, Tx};
    use crate::resource::fields::name_key;
    use crate::resource::store::{self, ListSql};
    use crate::state::AppState;

    const FIELDS: &str = "id, name, name_key, member AS member_id, member.name AS member_name, string::lowercase(member.name) AS member_key, sends, hosts, active,
        (SELECT id, name, email, language FROM contact WHERE agency = $parent.id ORDER BY name) AS contacts";
    const SORTS: &[(&str, &str)] = &[("name", "name_key"), ("member", "member_key")];

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
        contacts: Vec<ContactRow>,
    }

    impl From<Row> for AgencyView {
        fn from(r: Row) -> Self {
            AgencyView {
                id: db::key(&r.id),
                name: r.name,
                member_id: db::key(&r.member_id),
                member_name: r.member_name,
                sends: r.sends,
                hosts: r.hosts,
                active: r.active,
                contacts: r
                    .contacts
                    .into_iter()
                    .map(|c| ContactView { id: db::key(&c.id), name: c.name, email: c.email, language: c.language })
                    .collect(),
            }
        }
    }

    fn query_for(query: &ListQuery) -> ListSql {
        let member = crate::api::parse_key(&query.member).ok();
        ListSql::new("agency", FIELDS, SORTS)
            .filter_if(
                !query.q.trim().is_empty(),
                "(string::contains(name_key, $q) OR string::contains(string::lowercase(member.name), $q))",
                "q",
                v(query.needle()),
            )
            .filter_if(member.is_some(), "member = $member", "member", v(member.map(|m| db::rid("member", &m))))
            .filter_if(query.role == "sends", "sends = $yes", "yes", v(true))
            .filter_if(query.role == "hosts", "hosts = $yes_host", "yes_host", v(true))
            .filter_if(!query.status.is_empty(), "active = $active", "active", v(query.status == "active"))
    }

    pub async fn list(user: &CurrentUser, query: &ListQuery) -> Result<Listing<AgencyView>, AppError> {
        let state = AppState::current()?;
        let page = query_for(query).page::<Row>(&state.db, query).await?;
        Ok(Listing { page: page.map(Into::into), can_edit: user.role == Role::Admin })
    }

    pub async fn csv(state: &AppState, query: &ListQuery) -> Result<String, AppError> {
        let rows = query_for(query).all::<Row>(&state.db, query).await?;
        Ok(crate::listing::csv(
            &["id", "name", "member", "sends", "hosts", "status", "contacts"],
            rows.into_iter().map(AgencyView::from).map(|a| {
                let contacts =
                    a.contacts.iter().map(|c| format!("{} <{}>", c.name, c.email)).collect::<Vec<_>>().join("; ");
                vec![
                    a.id,
                    a.name,
                    a.member_name,
                    yes_no(a.sends),
                    yes_no(a.hosts),
                    status_label(a.active).into(),
                    contacts,
                ]
            }),
        ))
    }

    fn yes_no(value: bool) -> String {
        if value { "yes" } else { "no" }.into()
    }

    pub async fn one(state: &AppState, key: &str) -> Result<AgencyView, AppError> {
        Ok(store::one::<Row>(&state.db, FIELDS, "agency", key).await?.into())
    }

    pub async fn get(user: &CurrentUser, id: &str) -> Result<AgencyEditing, AppError> {
        let state = AppState::current()?;
        let record = if id.is_empty() { None } else { Some(one(&state, id).await?) };
        let members = crate::admin::options::service::choices().await?.members;
        Ok(AgencyEditing { record, can_edit: user.role == Role::Admin, members })
    }

    async fn member_exists(state: &AppState, key: &str) -> Result<RecordId, AppError> {
        let not_found = || AppError::field("member", "Choose a member from the list.");
        let key = crate::api::parse_key(key).map_err(|_| not_found())?;
        let id = db::rid("member", &key);
        let mut r = state
            .db
            .query("SELECT VALUE id FROM ONLY $id")
            .bind(("id", id.clone()))
            .await
            .and_then(|r| r.check())
            .map_err(db::fail("member check"))?;
        let found: Option<RecordId> = r.take(0).map_err(db::fail("member check decode"))?;
        found.ok_or_else(not_found)
    }

    pub async fn save(user: &CurrentUser, form: &AgencyForm) -> Result<(), AppError> {
        let state = AppState::current()?;
        let (valid, contact) = form.validate()?;
        let member = member_exists(&state, &valid.member).await?;
        let creating = form.id.trim().is_empty();
        let key = if creating { db::new_key() } else { crate::api::parse_key(form.id.trim())? };
        let before = if creating { None } else { Some(one(&state, &key).await?) };
        let (valid, member, key, before, contact) = (&valid, &member, &key, &before, &contact);
        db::transact(&state, |tx| async move {
            let verb = if creating { "CREATE" } else { "UPDATE" };
            tx.run(
                &format!("{verb} $id SET name = $name, name_key = $name_key, member = $member, sends = $sends, hosts = $hosts, active = $active"),
                vec![
                    ("id", v(db::rid("agency", key))),
                    ("name", v(valid.name.clone())),
                    ("name_key", v(name_key(&valid.name))),
                    ("member", v(member.clone())),
                    ("sends", v(valid.sends)),
                    ("hosts", v(valid.hosts)),
                    ("active", v(valid.active)),
                ],
            )
            .await
            .map_err(|e| duplicate_name(e, "This member already has an agency with this name."))?;
            let mut contacts = before.as_ref().map(|b| b.contacts.clone()).unwrap_or_default();
            if let Some(c) = &contact {
                let contact_key = insert_contact(&tx, key, c).await?;
                contacts.push(ContactView { id: contact_key, name: c.name.clone(), email: c.email.clone(), language: c.language.clone() });
            }
            let after = AgencyView {
                id: key.clone(),
                name: valid.name.clone(),
                member_id: db::key(member),
                member_name: String::new(),
                sends: valid.sends,
                hosts: valid.hosts,
                active: valid.active,
                contacts,
            };
            audit::record_change(&tx, user, creating, "agency", key, before.as_ref().map(snapshot).as_ref(), &snapshot(&after)).await
        })
        .await?;
        crate::api::done(&format!("Agency “{}” saved.", valid.name), &format!("/admin/agencies/{key}"));
        Ok(())
    }

    /// A UNIQUE violation on the name becomes a message at the name field.
    fn duplicate_name(error: AppError, message: &str) -> AppError {
        match error {
            AppError::Conflict(_) => AppError::field("name", message),
            other => other,
        }
    }

    /// What the audit trail keeps of an agency (the member by id; names change).
    fn snapshot(a: &AgencyView) -> serde_json::Value {
        serde_json::json!({
            "name": a.name, "member": a.member_id, "sends": a.sends, "hosts": a.hosts, "active": a.active,
            "contacts": a.contacts.iter().map(|c| format!("{} <{}> [{}]", c.name, c.email, c.language)).collect::<Vec<_>>(),
        })
    }

    async fn insert_contact(tx: &Tx, agency_key: &str, c: &ValidContact) -> Result<String, AppError> {
        let contact_key = db::new_key();
        tx.run(
            "CREATE $id SET agency = $agency, name = $name, email = $email, language = $language",
            vec![
                ("id", v(db::rid("contact", &contact_key))),
                ("agency", v(db::rid("agency", agency_key))),
                ("name", v(c.name.clone())),
                ("email", v(c.email.clone())),
                ("language", v(c.language.clone())),
            ],
        )
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => {
                AppError::field("contact_email", "This agency already has a contact with this e-mail.")
            }
            other => other,
        })?;
        Ok(contact_key)
    }

    pub async fn add_contact(user: &CurrentUser, form: &ContactForm) -> Result<(), AppError> {
        let state = AppState::current()?;
        let mut errors = FieldErrors::new();
        let contact =
            validate_contact(&mut errors, &form.contact_name, &form.contact_email, &form.contact_language, true);
        errors.finish(|| ())?;
        let Some(contact) = contact else {
            return Err(AppError::BadRequest);
        };
        let key = crate::api::parse_key(&form.agency)?;
        let agency = one(&state, &key).await?;
        let (key, contact) = (&key, &contact);
        db::transact(&state, |tx| async move {
            let contact_key = insert_contact(&tx, key, contact).await?;
            let after = serde_json::json!({ "agency": key, "name": contact.name, "email": contact.email, "language": contact.language });
            audit::record(&tx, &Actor::user(user), "created", "contact", &contact_key, None, Some(&after)).await
        })
        .await?;
        crate::api::done(&format!("Contact added to {}.", agency.name), &format!("/admin/agencies/{key}"));
        Ok(())
    }

    pub async fn remove_contact(user: &CurrentUser, form: &RemoveContactForm) -> Result<(), AppError> {
        let state = AppState::current()?;
        let key = crate::api::parse_key(&form.agency)?;
        let contact_key = crate::api::parse_key(&form.contact)?;
        let agency = one(&state, &key).await?;
        // The contact must belong to this agency: ids from one agency's page cannot touch another's.
        let contact = agency.contacts.iter().find(|c| c.id == contact_key).cloned().ok_or(AppError::NotFound)?;
        let (key, contact_key, contact) = (&key, &contact_key, &contact);
        db::transact(&state, |tx| async move {
            tx.run("DELETE $id", vec![("id", v(db::rid("contact", contact_key)))]).await?;
            let before = serde_json::json!({ "agency": key, "name": contact.name, "email": contact.email, "language": contact.language });
            audit::record(&tx, &Actor::user(user), "deleted", "contact", contact_key, Some(&before), None).await
        })
        .await?;
        crate::api::done(&format!("Contact {} removed.", contact.name), &format!("/admin/agencies/{key}"));
        Ok(())
    }
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

#[component]
pub fn AgenciesPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/admin/agencies";
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let (list, choices) = (list_agencies(query.clone()).await, reference_choices().await);
                match list {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let members = choices.map(|c| c.members).unwrap_or_default();
                        let roles = vec![("sends".to_string(), "Sends officers".to_string()), ("hosts".to_string(), "Hosts officers".to_string())];
                        view! {
                            <PageHeader title="Agencies" lead="Member agencies that send or host secondees, and who they notify.">
                                {data.can_edit.then(|| view! { <a class="button" href="/admin/agencies/new">"New agency"</a> })}
                            </PageHeader>
                            {filter_bar(BASE, "/export/agencies.csv", &query, vec![("member", "Member", members), ("role", "Role", roles), ("status", "Status", status_options())])}
                            <div class="table-wrap">
                                <table class="data-table">
                                    <thead>
                                        <tr>
                                            {sort_header(BASE, &query, "name", "Name")}
                                            {sort_header(BASE, &query, "member", "Member")}
                                            <th scope="col">"Role"</th>
                                            <th scope="col">"Contacts"</th>
                                            <th scope="col">"Status"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {data.page.items.iter().map(|a| view! {
                                            <tr>
                                                <td><a href=format!("/admin/agencies/{}", a.id)>{a.name.clone()}</a></td>
                                                <td>{a.member_name.clone()}</td>
                                                <td>{roles_text(a)}</td>
                                                <td>{a.contacts.iter().map(|c| c.email.clone()).collect::<Vec<_>>().join(", ")}</td>
                                                <td>{status_label(a.active)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {data.page.items.is_empty().then(|| view! { <p class="empty">"No agencies match."</p> })}
                            {pager(BASE, &query, &data.page)}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AgencyEditPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let id = if id == "new" { String::new() } else { id };
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match get_agency(id.clone()).await {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let a = data.record.clone();
                        let creating = a.is_none();
                        let title = a.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "New agency".into());
                        let on = |b: bool| if b { "on".to_string() } else { String::new() };
                        let defaults = fields::values([
                            ("name", a.as_ref().map(|a| a.name.clone()).unwrap_or_default()),
                            ("member", a.as_ref().map(|a| a.member_id.clone()).unwrap_or_default()),
                            ("sends", on(a.as_ref().is_none_or(|a| a.sends))),
                            ("hosts", on(a.as_ref().is_some_and(|a| a.hosts))),
                            ("active", on(a.as_ref().is_none_or(|a| a.active))),
                            ("contact_language", "en".to_string()),
                        ]);
                        let flash = page_flash();
                        let state = FormState::new("/api/agencies/save", flash.as_ref(), defaults);
                        let contact_state = FormState::new("/api/agencies/contacts/add", flash.as_ref(), fields::values([("contact_language", "en".to_string())]));
                        let contacts = a.as_ref().map(|a| a.contacts.clone()).unwrap_or_default();
                        let can_edit = data.can_edit;
                        let form_id = id.clone();
                        let contact_form_agency = id.clone();
                        let history_key = id.clone();
                        view! {
                            <PageHeader title=title>
                                <a class="button-link" href="/admin/agencies">"Back to agencies"</a>
                            </PageHeader>
                            {can_edit.then(|| view! {
                                <EnhancedForm>
                                    <form method="post" action="/api/agencies/save" class="form" novalidate>
                                        {form_message(&state)}
                                        {hidden("id", form_id.clone())}
                                        {Input::text("name", "Name").required().max_len(160).render(&state)}
                                        {select(&state, "member", "Member", data.members.clone(), true)}
                                        <fieldset class="fieldset">
                                            <legend>"Role in the programme"</legend>
                                            {checkbox(&state, "sends", "Sends officers")}
                                            {checkbox(&state, "hosts", "Hosts officers")}
                                        </fieldset>
                                        {checkbox(&state, "active", "Active")}
                                        {creating.then(|| view! {
                                            <fieldset class="fieldset">
                                                <legend>"First notification contact (optional)"</legend>
                                                {Input::text("contact_name", "Contact name").max_len(120).render(&state)}
                                                {Input::text("contact_email", "Contact e-mail").kind("email").max_len(254).render(&state)}
                                                {select(&state, "contact_language", "Preferred language", language_options(), false)}
                                            </fieldset>
                                        })}
                                        <div class="form-actions"><button type="submit" class="button">"Save agency"</button></div>
                                    </form>
                                </EnhancedForm>
                            })}
                            {(!creating).then(|| view! {
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
                                                            {hidden("agency", id.clone())}
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
                                            <form method="post" action="/api/agencies/contacts/add" class="form form-inline" novalidate>
                                                {form_message(&contact_state)}
                                                {hidden("agency", contact_form_agency.clone())}
                                                {Input::text("contact_name", "Name").required().max_len(120).render(&contact_state)}
                                                {Input::text("contact_email", "E-mail").kind("email").required().max_len(254).render(&contact_state)}
                                                {select(&contact_state, "contact_language", "Language", language_options(), false)}
                                                <div class="form-actions"><button type="submit" class="button-secondary">"Add contact"</button></div>
                                            </form>
                                        </EnhancedForm>
                                    })}
                                </section>
                                <crate::audit::pages::RecordHistory table="agency" key=history_key.clone()/>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
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
