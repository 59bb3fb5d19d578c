//! Members of the regional body: states (with an ISO code) and organisations.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::{status_label, status_options, Editing, Listing};
use crate::error::{AppError, FieldErrors};
use crate::listing::ListQuery;
use crate::resource::fields::{checked, iso3, required_text};
use crate::ui::fields::{self, checkbox, form_message, hidden, select, FormState, Input};
use crate::ui::layout::{error_view, page_flash};
use crate::ui::lists::{current_query, filter_bar, pager, sort_header};
use crate::ui::{EnhancedForm, PageHeader};

/// What a member is. Stored, posted and exported as its `as_str` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberKind {
    /// A state, known by its ISO 3166 code.
    State,
    Organisation,
}

impl MemberKind {
    pub const ALL: [MemberKind; 2] = [MemberKind::State, MemberKind::Organisation];

    pub fn as_str(self) -> &'static str {
        match self {
            MemberKind::State => "state",
            MemberKind::Organisation => "organisation",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MemberKind::State => "State",
            MemberKind::Organisation => "Organisation",
        }
    }

    pub fn parse(text: &str) -> Result<MemberKind, String> {
        MemberKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text.trim())
            .ok_or_else(|| "Choose state or organisation.".to_string())
    }

    /// The choices of a form or filter `<select>`.
    pub fn options() -> Vec<(String, String)> {
        MemberKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect()
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

/// The member form as posted: raw text, validated by [`MemberForm::validate`].
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

impl MemberForm {
    pub fn validate(&self) -> Result<ValidMember, AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", required_text(&self.name, 120));
        let kind = errors.take("kind", MemberKind::parse(&self.kind));
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

#[server(endpoint = "members/list")]
pub async fn list_members(#[server(flatten)] query: ListQuery) -> Result<Listing<MemberView>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(service::list(&user, &query).await)
}

#[server(endpoint = "members/get")]
pub async fn get_member(#[server(default)] id: String) -> Result<Editing<MemberView>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(service::get(&user, &id).await)
}

#[server(endpoint = "members/save")]
pub async fn save_member(#[server(flatten)] form: MemberForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    let result = service::save(&user, &form).await;
    crate::api::finish(result, &form)
}

#[cfg(feature = "ssr")]
pub mod service {
    use surrealdb::types::{RecordId, SurrealValue};

    use super::*;
    use crate::audit;
    use crate::auth::{CurrentUser, Role};
    use crate::db::{self, v};
    use crate::resource::fields::name_key;
    use crate::resource::store::{self, ListSql};
    use crate::state::AppState;

    const FIELDS: &str = "id, name, name_key, kind, iso_code, active";
    const SORTS: &[(&str, &str)] = &[("name", "name_key"), ("kind", "kind"), ("iso", "iso_code")];

    #[derive(Debug, SurrealValue)]
    pub struct Row {
        id: RecordId,
        name: String,
        kind: String,
        iso_code: Option<String>,
        active: bool,
    }

    impl From<Row> for MemberView {
        fn from(r: Row) -> Self {
            // The schema admits only the two kinds.
            let kind = MemberKind::parse(&r.kind).unwrap_or(MemberKind::Organisation);
            MemberView { id: db::key(&r.id), name: r.name, kind, iso_code: r.iso_code, active: r.active }
        }
    }

    pub fn query_for(query: &ListQuery) -> ListSql {
        ListSql::new("member", FIELDS, SORTS)
            .filter_if(
                !query.q.trim().is_empty(),
                "(string::contains(name_key, $q) OR string::lowercase(iso_code ?? '') = $q)",
                "q",
                v(query.needle()),
            )
            .filter_if(!query.kind.is_empty(), "kind = $kind", "kind", v(query.kind.clone()))
            .filter_if(!query.status.is_empty(), "active = $active", "active", v(query.status == "active"))
    }

    pub async fn list(user: &CurrentUser, query: &ListQuery) -> Result<Listing<MemberView>, AppError> {
        let state = AppState::current()?;
        let page = query_for(query).page::<Row>(&state.db, query).await?;
        Ok(Listing { page: page.map(Into::into), can_edit: user.role == Role::Admin })
    }

    pub async fn csv(state: &AppState, query: &ListQuery) -> Result<String, AppError> {
        let rows = query_for(query).all::<Row>(&state.db, query).await?;
        Ok(crate::listing::csv(
            &["id", "name", "kind", "iso_code", "status"],
            rows.into_iter().map(MemberView::from).map(|m| {
                vec![
                    m.id,
                    m.name,
                    m.kind.as_str().into(),
                    m.iso_code.unwrap_or_default(),
                    status_label(m.active).into(),
                ]
            }),
        ))
    }

    pub async fn get(user: &CurrentUser, id: &str) -> Result<Editing<MemberView>, AppError> {
        let state = AppState::current()?;
        let record =
            if id.is_empty() { None } else { Some(store::one::<Row>(&state.db, FIELDS, "member", id).await?.into()) };
        Ok(Editing { record, can_edit: user.role == Role::Admin })
    }

    pub async fn save(user: &CurrentUser, form: &MemberForm) -> Result<(), AppError> {
        let state = AppState::current()?;
        let valid = form.validate()?;
        let creating = form.id.trim().is_empty();
        let key = if creating { db::new_key() } else { crate::api::parse_key(form.id.trim())? };
        let before = if creating {
            None
        } else {
            Some(MemberView::from(store::one::<Row>(&state.db, FIELDS, "member", &key).await?))
        };
        let after = MemberView {
            id: key.clone(),
            name: valid.name.clone(),
            kind: valid.kind,
            iso_code: valid.iso_code.clone(),
            active: valid.active,
        };

        let (valid, key, before, after) = (&valid, &key, &before, &after);
        db::transact(&state, |tx| async move {
            let verb = if creating { "CREATE" } else { "UPDATE" };
            tx.run(
                &format!("{verb} $id SET name = $name, name_key = $name_key, kind = $kind, iso_code = $iso, active = $active"),
                vec![
                    ("id", v(db::rid("member", key))),
                    ("name", v(valid.name.clone())),
                    ("name_key", v(name_key(&valid.name))),
                    ("kind", v(valid.kind.as_str().to_string())),
                    ("iso", v(valid.iso_code.clone())),
                    ("active", v(valid.active)),
                ],
            )
            .await
            .map_err(|e| duplicate_name(e, "A member with this name already exists."))?;
            audit::record_change(&tx, user, creating, "member", key, before.as_ref(), after).await
        })
        .await?;
        crate::api::done(&format!("Member “{}” saved.", valid.name), "/admin/members");
        Ok(())
    }

    /// A UNIQUE violation on the name becomes a message at the name field.
    pub fn duplicate_name(error: AppError, message: &str) -> AppError {
        match error {
            AppError::Conflict(_) => AppError::field("name", message),
            other => other,
        }
    }
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/admin/members";
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match list_members(query.clone()).await {
                    Err(e) => error_view(e),
                    Ok(data) => view! {
                        <PageHeader title="Members" lead="States and organisations of the regional body.">
                            {data.can_edit.then(|| view! { <a class="button" href="/admin/members/new">"New member"</a> })}
                        </PageHeader>
                        {filter_bar(BASE, "/export/members.csv", &query, vec![("kind", "Kind", MemberKind::options()), ("status", "Status", status_options())])}
                        <div class="table-wrap">
                            <table class="data-table">
                                <thead>
                                    <tr>
                                        {sort_header(BASE, &query, "name", "Name")}
                                        {sort_header(BASE, &query, "kind", "Kind")}
                                        {sort_header(BASE, &query, "iso", "ISO code")}
                                        <th scope="col">"Status"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {data.page.items.iter().map(|m| view! {
                                        <tr>
                                            <td><a href=format!("/admin/members/{}", m.id)>{m.name.clone()}</a></td>
                                            <td>{m.kind.label()}</td>
                                            <td>{m.iso_code.clone().unwrap_or_default()}</td>
                                            <td>{status_label(m.active)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {data.page.items.is_empty().then(|| view! { <p class="empty">"No members match."</p> })}
                        {pager(BASE, &query, &data.page)}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn MemberEditPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let id = if id == "new" { String::new() } else { id };
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match get_member(id.clone()).await {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let title = data.record.as_ref().map(|m| m.name.clone()).unwrap_or_else(|| "New member".into());
                        let m = data.record.clone();
                        let defaults = fields::values([
                            ("name", m.as_ref().map(|m| m.name.clone()).unwrap_or_default()),
                            ("kind", m.as_ref().map_or(MemberKind::State, |m| m.kind).as_str().to_string()),
                            ("iso_code", m.as_ref().and_then(|m| m.iso_code.clone()).unwrap_or_default()),
                            ("active", if m.as_ref().is_none_or(|m| m.active) { "on".into() } else { String::new() }),
                        ]);
                        let form_id = id.clone();
                        let state = FormState::new("/api/members/save", page_flash().as_ref(), defaults);
                        view! {
                            <PageHeader title=title>
                                <a class="button-link" href="/admin/members">"Back to members"</a>
                            </PageHeader>
                            {data.can_edit.then(|| view! {
                                <EnhancedForm>
                                    <form method="post" action="/api/members/save" class="form" novalidate>
                                        {form_message(&state)}
                                        {hidden("id", form_id.clone())}
                                        {Input::text("name", "Name").required().max_len(120).render(&state)}
                                        {select(&state, "kind", "Kind", MemberKind::options(), true)}
                                        {Input::text("iso_code", "ISO 3166 code").hint("Three letters, for states: THA, IDN, AUS.").max_len(3).render(&state)}
                                        {checkbox(&state, "active", "Active")}
                                        <div class="form-actions"><button type="submit" class="button">"Save member"</button></div>
                                    </form>
                                </EnhancedForm>
                            })}
                            {(!id.is_empty()).then(|| view! { <crate::audit::pages::RecordHistory table="member" key=id.clone()/> })}
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
            assert_eq!(MemberKind::parse(kind.as_str()), Ok(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str(), "views carry the stored text");
        }
        assert!(MemberKind::parse("planet").is_err());
    }

    #[test]
    fn every_bad_field_is_reported() {
        let err = form("", "planet", "12").validate().unwrap_err();
        let fields: Vec<_> = err.field_errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "kind", "iso_code"]);
    }
}
