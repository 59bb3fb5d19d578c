//! Themes of the regional strategy that placements and reports serve. Admins extend the list;
//! a theme in use is made inactive rather than deleted.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::{status_label, status_options, Editing, Listing};
use crate::error::{AppError, FieldErrors};
use crate::listing::ListQuery;
use crate::resource::fields::{checked, required_text};
use crate::ui::fields::{self, checkbox, form_message, hidden, FormState, Input};
use crate::ui::layout::{error_view, page_flash};
use crate::ui::lists::{current_query, filter_bar, pager, sort_header};
use crate::ui::{EnhancedForm, PageHeader};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeView {
    pub id: String,
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ThemeForm {
    pub id: String,
    pub name: String,
    pub active: String,
}

impl ThemeForm {
    pub fn validate(&self) -> Result<(String, bool), AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", required_text(&self.name, 120));
        errors.finish(|| (name.unwrap_or_default(), checked(&self.active)))
    }
}

#[server(endpoint = "themes/list")]
pub async fn list_themes(#[server(flatten)] query: ListQuery) -> Result<Listing<ThemeView>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(service::list(&user, &query).await)
}

#[server(endpoint = "themes/get")]
pub async fn get_theme(#[server(default)] id: String) -> Result<Editing<ThemeView>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(service::get(&user, &id).await)
}

#[server(endpoint = "themes/save")]
pub async fn save_theme(#[server(flatten)] form: ThemeForm) -> Result<(), AppError> {
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

    const FIELDS: &str = "id, name, name_key, active";
    const SORTS: &[(&str, &str)] = &[("name", "name_key")];

    #[derive(Debug, SurrealValue)]
    pub struct Row {
        id: RecordId,
        name: String,
        active: bool,
    }

    impl From<Row> for ThemeView {
        fn from(r: Row) -> Self {
            ThemeView { id: db::key(&r.id), name: r.name, active: r.active }
        }
    }

    fn query_for(query: &ListQuery) -> ListSql {
        ListSql::new("theme", FIELDS, SORTS)
            .filter_if(!query.q.trim().is_empty(), "string::contains(name_key, $q)", "q", v(query.needle()))
            .filter_if(!query.status.is_empty(), "active = $active", "active", v(query.status == "active"))
    }

    pub async fn list(user: &CurrentUser, query: &ListQuery) -> Result<Listing<ThemeView>, AppError> {
        let state = AppState::current()?;
        let page = query_for(query).page::<Row>(&state.db, query).await?;
        Ok(Listing { page: page.map(Into::into), can_edit: user.role == Role::Admin })
    }

    pub async fn csv(state: &AppState, query: &ListQuery) -> Result<String, AppError> {
        let rows = query_for(query).all::<Row>(&state.db, query).await?;
        Ok(crate::listing::csv(
            &["id", "name", "status"],
            rows.into_iter().map(ThemeView::from).map(|t| vec![t.id, t.name, status_label(t.active).into()]),
        ))
    }

    pub async fn get(user: &CurrentUser, id: &str) -> Result<Editing<ThemeView>, AppError> {
        let state = AppState::current()?;
        let record =
            if id.is_empty() { None } else { Some(store::one::<Row>(&state.db, FIELDS, "theme", id).await?.into()) };
        Ok(Editing { record, can_edit: user.role == Role::Admin })
    }

    pub async fn save(user: &CurrentUser, form: &ThemeForm) -> Result<(), AppError> {
        let state = AppState::current()?;
        let (name, active) = form.validate()?;
        let creating = form.id.trim().is_empty();
        let key = if creating { db::new_key() } else { crate::api::parse_key(form.id.trim())? };
        let before = if creating {
            None
        } else {
            Some(ThemeView::from(store::one::<Row>(&state.db, FIELDS, "theme", &key).await?))
        };
        let after = ThemeView { id: key.clone(), name: name.clone(), active };

        let (name, key, before, after) = (&name, &key, &before, &after);
        db::transact(&state, |tx| async move {
            let verb = if creating { "CREATE" } else { "UPDATE" };
            tx.run(
                &format!("{verb} $id SET name = $name, name_key = $name_key, active = $active"),
                vec![
                    ("id", v(db::rid("theme", key))),
                    ("name", v(name.clone())),
                    ("name_key", v(name_key(name))),
                    ("active", v(active)),
                ],
            )
            .await
            .map_err(|e| duplicate_name(e, "A theme with this name already exists."))?;
            audit::record_change(&tx, user, creating, "theme", key, before.as_ref(), after).await
        })
        .await?;
        crate::api::done(&format!("Theme “{name}” saved."), "/admin/themes");
        Ok(())
    }
}

#[component]
pub fn ThemesPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/admin/themes";
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match list_themes(query.clone()).await {
                    Err(e) => error_view(e),
                    Ok(data) => view! {
                        <PageHeader title="Themes" lead="Areas of the regional strategy that secondments serve.">
                            {data.can_edit.then(|| view! { <a class="button" href="/admin/themes/new">"New theme"</a> })}
                        </PageHeader>
                        {filter_bar(BASE, "/export/themes.csv", &query, vec![("status", "Status", status_options())])}
                        <div class="table-wrap">
                            <table class="data-table">
                                <thead>
                                    <tr>
                                        {sort_header(BASE, &query, "name", "Name")}
                                        <th scope="col">"Status"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {data.page.items.iter().map(|t| view! {
                                        <tr>
                                            <td><a href=format!("/admin/themes/{}", t.id)>{t.name.clone()}</a></td>
                                            <td>{status_label(t.active)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {data.page.items.is_empty().then(|| view! { <p class="empty">"No themes match."</p> })}
                        {pager(BASE, &query, &data.page)}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ThemeEditPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let id = if id == "new" { String::new() } else { id };
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match get_theme(id.clone()).await {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let t = data.record.clone();
                        let title = t.as_ref().map(|t| t.name.clone()).unwrap_or_else(|| "New theme".into());
                        let defaults = fields::values([
                            ("name", t.as_ref().map(|t| t.name.clone()).unwrap_or_default()),
                            ("active", if t.as_ref().is_none_or(|t| t.active) { "on".into() } else { String::new() }),
                        ]);
                        let form_id = id.clone();
                        let state = FormState::new("/api/themes/save", page_flash().as_ref(), defaults);
                        view! {
                            <PageHeader title=title>
                                <a class="button-link" href="/admin/themes">"Back to themes"</a>
                            </PageHeader>
                            {data.can_edit.then(|| view! {
                                <EnhancedForm>
                                    <form method="post" action="/api/themes/save" class="form" novalidate>
                                        {form_message(&state)}
                                        {hidden("id", form_id.clone())}
                                        {Input::text("name", "Name").required().max_len(120).render(&state)}
                                        {checkbox(&state, "active", "Active (offered in new nominations)")}
                                        <div class="form-actions"><button type="submit" class="button">"Save theme"</button></div>
                                    </form>
                                </EnhancedForm>
                            })}
                            {(!id.is_empty()).then(|| view! { <crate::audit::pages::RecordHistory table="theme" key=id.clone()/> })}
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
    fn a_theme_needs_a_name() {
        assert!(ThemeForm::default().validate().is_err());
        let form = ThemeForm { name: " Aviation people smuggling ".into(), active: "on".into(), ..Default::default() };
        assert_eq!(form.validate().unwrap(), ("Aviation people smuggling".to_string(), true));
    }
}
