//! The list page and the edit page of a resource, drawn from what it declares. A resource's page
//! components pass in their server function: `pages::list::<Members, _, _>(list_members)`.

use std::future::Future;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{Declared, Editing, Listing, Resource};
use crate::audit::pages::RecordHistory;
use crate::error::AppError;
use crate::listing::ListQuery;
use crate::ui::fields::{form_message, hidden, FormState};
use crate::ui::layout::loaded;
use crate::ui::layout::{error_view, page_flash};
use crate::ui::lists::{current_query, filter_bar, pager, sort_header, SelectFilter};
use crate::ui::{EnhancedForm, PageHeader};

fn loading() -> impl IntoView {
    view! { <p>"Loading…"</p> }
}

/// The list page: heading, filters with the CSV link, the table with sorting headers, the pager.
pub fn list<R, F, Fut>(load: F) -> impl IntoView
where
    R: Resource,
    F: FnOnce(ListQuery) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Listing<R::View>, AppError>> + Send + 'static,
{
    let query = current_query();
    view! {
        <Suspense fallback=loading>
            {Suspend::new(async move {
                let listing = load(query.clone()).await;
                let filters = R::filters().await;
                match listing {
                    Err(e) => error_view(e),
                    Ok(data) => table::<R>(&query, data, filters),
                }
            })}
        </Suspense>
    }
}

fn table<R: Resource>(query: &ListQuery, data: Listing<R::View>, filters: Vec<SelectFilter>) -> AnyView {
    let names = R::NAMES;
    let base = names.page;
    let headers = R::COLUMNS.iter().map(|column| match column.sort {
        Some(key) => sort_header(base, query, key, column.label).into_any(),
        None => view! { <th scope="col">{column.label}</th> }.into_any(),
    });
    view! {
        <PageHeader title=names.title lead=names.lead>
            {data.can_edit.then(|| view! { <a class="button" href=format!("{base}/new")>{format!("New {}", names.one)}</a> })}
        </PageHeader>
        {filter_bar(base, &names.export(), query, filters)}
        <div class="table-wrap">
            <table class="data-table">
                <thead>
                    <tr>{headers.collect_view()}</tr>
                </thead>
                <tbody>
                    {data.page.items.iter().map(row::<R>).collect_view()}
                </tbody>
            </table>
        </div>
        {data.page.items.is_empty().then(|| view! { <p class="empty">{format!("No {} match.", names.many)}</p> })}
        {pager(base, query, &data.page)}
    }
    .into_any()
}

/// A row of the list; the first cell links to the record's page.
fn row<R: Resource>(record: &R::View) -> impl IntoView {
    let href = format!("{}/{}", R::NAMES.page, R::key(record));
    let mut cells = R::COLUMNS.iter().map(|column| (column.cell)(record));
    let first = cells.next().unwrap_or_default();
    view! {
        <tr>
            <td><a href=href>{first}</a></td>
            {cells.map(|text| view! { <td>{text}</td> }).collect_view()}
        </tr>
    }
}

/// The edit page of the record in the URL (`…/new` for a new one): its form for those who may
/// change it, the resource's own sections, and the record's history.
pub fn edit<R, F, Fut>(load: F) -> impl IntoView
where
    R: Resource,
    F: FnOnce(String) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Editing<R::View, R::Choices>, AppError>> + Send + 'static,
{
    edit_with::<R, F, Fut>(load, R::sections)
}

/// What a resource's edit page shows between the form and the record's history, given the
/// record's key and what the page was given.
pub type Sections<R> = fn(&str, &Editing<<R as Declared>::View, <R as Declared>::Choices>) -> AnyView;

/// [`edit`] with sections of the resource's own (an agreement's money, say), written in its
/// domain's pages so that the generic page needs to know nothing of them.
pub fn edit_with<R, F, Fut>(load: F, sections: Sections<R>) -> impl IntoView
where
    R: Resource,
    F: FnOnce(String) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Editing<R::View, R::Choices>, AppError>> + Send + 'static,
{
    let key = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let key = if key == "new" { String::new() } else { key };
    view! {
        {loaded(load(key.clone()), move |data| form::<R>(key, data, sections))}
    }
}

fn form<R: Resource>(key: String, data: Editing<R::View, R::Choices>, sections: Sections<R>) -> AnyView {
    let names = R::NAMES;
    let record = data.record.as_ref();
    let title = record.map(R::COLUMNS[0].cell).unwrap_or_else(|| format!("New {}", names.one));
    let action = names.save_action();
    let state = FormState::new(&action, page_flash().as_ref(), R::defaults(record));
    let fields = data.can_edit.then(|| R::fields(&state, &data));
    let sections = sections(&key, &data);
    let history = (!key.is_empty()).then(|| view! { <RecordHistory table=R::TABLE key=key.clone()/> });
    view! {
        <PageHeader title=title>
            <a class="button-link" href=names.page>{format!("Back to {}", names.many)}</a>
        </PageHeader>
        {fields.map(|fields| view! {
            <EnhancedForm>
                <form method="post" action=action class="form" novalidate autocomplete=R::AUTOCOMPLETE>
                    {form_message(&state)}
                    {hidden("id", key)}
                    {fields}
                    <div class="form-actions"><button type="submit" class="button">{format!("Save {}", names.one)}</button></div>
                </form>
            </EnhancedForm>
        })}
        {sections}
        {history}
    }
    .into_any()
}
