//! Donors: governments and organisations that fund placements through funding agreements.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::{status_label, status_options, Editing, Listing};
use crate::error::{AppError, FieldErrors};
use crate::listing::ListQuery;
use crate::resource::fields::{checked, iso3, required_text};
use crate::ui::fields::{self, checkbox, form_message, hidden, FormState, Input};
use crate::ui::layout::{error_view, page_flash};
use crate::ui::lists::{current_query, filter_bar, pager, sort_header};
use crate::ui::{EnhancedForm, PageHeader};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DonorView {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DonorForm {
    pub id: String,
    pub name: String,
    pub country: String,
    pub active: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidDonor {
    pub name: String,
    pub country: Option<String>,
    pub active: bool,
}

impl DonorForm {
    pub fn validate(&self) -> Result<ValidDonor, AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", required_text(&self.name, 160));
        let country = errors.take("country", iso3(&self.country));
        errors.finish(|| ValidDonor {
            name: name.unwrap_or_default(),
            country: country.flatten(),
            active: checked(&self.active),
        })
    }
}

#[server(endpoint = "donors/list")]
pub async fn list_donors(#[server(flatten)] query: ListQuery) -> Result<Listing<DonorView>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(service::list(&user, &query).await)
}

#[server(endpoint = "donors/get")]
pub async fn get_donor(#[server(default)] id: String) -> Result<Editing<DonorView>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(service::get(&user, &id).await)
}

#[server(endpoint = "donors/save")]
pub async fn save_donor(#[server(flatten)] form: DonorForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    let result = service::save(&user, &form).await;
    crate::api::finish(result, &form)
}

#[cfg(feature = "ssr")]
pub mod service {
    use surrealdb::types::{RecordId, SurrealValue};

    use super::*;
    use crate::admin::members::service::duplicate_name;
    use crate::audit;
    use crate::auth::{CurrentUser, Role};
    use crate::db::{self, v};
    use crate::resource::fields::name_key;
    use crate::resource::store::{self, ListSql};
    use crate::state::AppState;

    const FIELDS: &str = "id, name, name_key, country, active";
    const SORTS: &[(&str, &str)] = &[("name", "name_key"), ("country", "country")];

    #[derive(Debug, SurrealValue)]
    pub struct Row {
        id: RecordId,
        name: String,
        country: Option<String>,
        active: bool,
    }

    impl From<Row> for DonorView {
        fn from(r: Row) -> Self {
            DonorView { id: db::key(&r.id), name: r.name, country: r.country, active: r.active }
        }
    }

    fn query_for(query: &ListQuery) -> ListSql {
        ListSql::new("donor", FIELDS, SORTS)
            .filter_if(!query.q.trim().is_empty(), "string::contains(name_key, $q)", "q", v(query.needle()))
            .filter_if(!query.status.is_empty(), "active = $active", "active", v(query.status == "active"))
    }

    pub async fn list(user: &CurrentUser, query: &ListQuery) -> Result<Listing<DonorView>, AppError> {
        let state = AppState::current()?;
        let page = query_for(query).page::<Row>(&state.db, query).await?;
        Ok(Listing { page: page.map(Into::into), can_edit: user.role == Role::Admin })
    }

    pub async fn csv(state: &AppState, query: &ListQuery) -> Result<String, AppError> {
        let rows = query_for(query).all::<Row>(&state.db, query).await?;
        Ok(crate::listing::csv(
            &["id", "name", "country", "status"],
            rows.into_iter()
                .map(DonorView::from)
                .map(|d| vec![d.id, d.name, d.country.unwrap_or_default(), status_label(d.active).into()]),
        ))
    }

    pub async fn get(user: &CurrentUser, id: &str) -> Result<Editing<DonorView>, AppError> {
        let state = AppState::current()?;
        let record =
            if id.is_empty() { None } else { Some(store::one::<Row>(&state.db, FIELDS, "donor", id).await?.into()) };
        Ok(Editing { record, can_edit: user.role == Role::Admin })
    }

    pub async fn save(user: &CurrentUser, form: &DonorForm) -> Result<(), AppError> {
        let state = AppState::current()?;
        let valid = form.validate()?;
        let creating = form.id.trim().is_empty();
        let key = if creating { db::new_key() } else { crate::api::parse_key(form.id.trim())? };
        let before = if creating {
            None
        } else {
            Some(DonorView::from(store::one::<Row>(&state.db, FIELDS, "donor", &key).await?))
        };
        let after = DonorView {
            id: key.clone(),
            name: valid.name.clone(),
            country: valid.country.clone(),
            active: valid.active,
        };

        let (valid, key, before, after) = (&valid, &key, &before, &after);
        db::transact(&state, |tx| async move {
            let verb = if creating { "CREATE" } else { "UPDATE" };
            tx.run(
                &format!("{verb} $id SET name = $name, name_key = $name_key, country = $country, active = $active"),
                vec![
                    ("id", v(db::rid("donor", key))),
                    ("name", v(valid.name.clone())),
                    ("name_key", v(name_key(&valid.name))),
                    ("country", v(valid.country.clone())),
                    ("active", v(valid.active)),
                ],
            )
            .await
            .map_err(|e| duplicate_name(e, "A donor with this name already exists."))?;
            audit::record_change(&tx, user, creating, "donor", key, before.as_ref(), after).await
        })
        .await?;
        crate::api::done(&format!("Donor “{}” saved.", valid.name), "/admin/donors");
        Ok(())
    }
}

#[component]
pub fn DonorsPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/admin/donors";
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match list_donors(query.clone()).await {
                    Err(e) => error_view(e),
                    Ok(data) => view! {
                        <PageHeader title="Donors" lead="Governments and organisations that fund secondments.">
                            {data.can_edit.then(|| view! { <a class="button" href="/admin/donors/new">"New donor"</a> })}
                        </PageHeader>
                        {filter_bar(BASE, "/export/donors.csv", &query, vec![("status", "Status", status_options())])}
                        <div class="table-wrap">
                            <table class="data-table">
                                <thead>
                                    <tr>
                                        {sort_header(BASE, &query, "name", "Name")}
                                        {sort_header(BASE, &query, "country", "Country")}
                                        <th scope="col">"Status"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {data.page.items.iter().map(|d| view! {
                                        <tr>
                                            <td><a href=format!("/admin/donors/{}", d.id)>{d.name.clone()}</a></td>
                                            <td>{d.country.clone().unwrap_or_default()}</td>
                                            <td>{status_label(d.active)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {data.page.items.is_empty().then(|| view! { <p class="empty">"No donors match."</p> })}
                        {pager(BASE, &query, &data.page)}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn DonorEditPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let id = if id == "new" { String::new() } else { id };
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match get_donor(id.clone()).await {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let d = data.record.clone();
                        let title = d.as_ref().map(|d| d.name.clone()).unwrap_or_else(|| "New donor".into());
                        let defaults = fields::values([
                            ("name", d.as_ref().map(|d| d.name.clone()).unwrap_or_default()),
                            ("country", d.as_ref().and_then(|d| d.country.clone()).unwrap_or_default()),
                            ("active", if d.as_ref().is_none_or(|d| d.active) { "on".into() } else { String::new() }),
                        ]);
                        let form_id = id.clone();
                        let state = FormState::new("/api/donors/save", page_flash().as_ref(), defaults);
                        view! {
                            <PageHeader title=title>
                                <a class="button-link" href="/admin/donors">"Back to donors"</a>
                            </PageHeader>
                            {data.can_edit.then(|| view! {
                                <EnhancedForm>
                                    <form method="post" action="/api/donors/save" class="form" novalidate>
                                        {form_message(&state)}
                                        {hidden("id", form_id.clone())}
                                        {Input::text("name", "Name").required().max_len(160).render(&state)}
                                        {Input::text("country", "Country (ISO code)").hint("Optional. Three letters: AUS, NZL.").max_len(3).render(&state)}
                                        {checkbox(&state, "active", "Active")}
                                        <div class="form-actions"><button type="submit" class="button">"Save donor"</button></div>
                                    </form>
                                </EnhancedForm>
                            })}
                            {(!id.is_empty()).then(|| view! { <crate::audit::pages::RecordHistory table="donor" key=id.clone()/> })}
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

    #[test]
    fn country_is_optional_but_must_be_iso() {
        let ok = DonorForm { name: "Government of Australia".into(), country: "aus".into(), ..Default::default() };
        assert_eq!(ok.validate().unwrap().country.as_deref(), Some("AUS"));
        let bad = DonorForm { name: "X".into(), country: "Australia".into(), ..Default::default() };
        assert_eq!(bad.validate().unwrap_err().field_errors()[0].field, "country");
        assert!(DonorForm::default().validate().is_err());
    }
}
