//! Server-side work of `admin::agencies`.

use crate::admin::agencies::*;
use crate::admin::by_status;
use crate::admin::status_label;
use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::reference::Choices;
use crate::resource::fields::name_key;
use crate::resource::prelude::*;
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
        ("contacts", |a| a.contacts.iter().map(|c| format!("{} <{}>", c.name, c.email)).collect::<Vec<_>>().join("; ")),
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
            .search(query, "(name @@ $q OR member_name @@ $q)")
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
        ("email", v(c.email.as_str())),
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
    let contact = validate_contact(&mut errors, &form.contact_name, &form.contact_email, &form.contact_language, true);
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
    Ok(crate::api::Done::new(format!("Contact added to {}.", agency.name), format!("/admin/agencies/{key}")))
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
    Ok(crate::api::Done::new(format!("Contact {} removed.", contact.name), format!("/admin/agencies/{key}")))
}
