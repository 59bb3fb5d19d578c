//! The audit trail page, and the history panel shown on each record's page (admins only).

use leptos::prelude::*;

use super::access::{AccessEntry, ReadKind};
use super::api::{list_access, list_audit};
use super::{changed_fields, AuditEntry};
use crate::listing::ListQuery;
use crate::ui::format;
use crate::ui::layout::loaded;
use crate::ui::lists::{current_query, filter_bar, filter_form, pager};
use crate::ui::PageHeader;

fn changes_view(entry: &AuditEntry) -> impl IntoView {
    let changes = changed_fields(entry.before.as_deref(), entry.after.as_deref());
    view! {
        <ul class="changes">
            {changes
                .into_iter()
                .map(|(field, before, after)| view! {
                    <li>
                        <span class="change-field">{field}</span>": "
                        {(!before.is_empty()).then(|| view! { <del>{before}</del>" → " })}
                        <ins>{after}</ins>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

fn entries_table(entries: &[AuditEntry], with_record: bool) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table audit-table">
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"Action"</th>
                        {with_record.then(|| view! { <th scope="col">"Record"</th> })}
                        <th scope="col">"Changes"</th>
                    </tr>
                </thead>
                <tbody>
                    {entries
                        .iter()
                        .map(|e| view! {
                            <tr>
                                <td class="nowrap">{e.at.clone()}</td>
                                <td>{e.actor.clone()}</td>
                                <td>{e.action.clone()}</td>
                                {with_record.then(|| view! {
                                    <td><a href=format!("/admin/audit?table={}&key={}", e.record_table, e.record_key)>{format!("{}:{}", e.record_table, e.record_key)}</a></td>
                                })}
                                <td>{changes_view(e)}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The history of one record. Shows nothing to a caller who may not read the trail.
#[component]
pub fn RecordHistory(table: &'static str, key: String) -> impl IntoView {
    let query = ListQuery { table: table.to_string(), key, ..Default::default() };
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match list_audit(query.clone()).await {
                    Ok(page) => view! {
                        <section class="section" aria-labelledby="history-heading">
                            <h2 id="history-heading">"History"</h2>
                            {entries_table(&page.items, false)}
                            {(page.total > page.items.len() as u64).then(|| view! {
                                <p><a href=query.href("/admin/audit")>"Full history"</a></p>
                            })}
                        </section>
                    }
                    .into_any(),
                    Err(_) => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/admin/audit";
    let tables = ["member", "agency", "contact", "donor", "theme", "user"]
        .iter()
        .map(|t| (t.to_string(), t.to_string()))
        .collect();
    let actions = ["created", "updated", "deleted", "password_changed", "seeded"]
        .iter()
        .map(|t| (t.to_string(), t.to_string()))
        .collect();
    view! {
        {loaded(list_audit(query.clone()), move |page| view! {
            <PageHeader title="Audit trail" lead="Every change: who made it, when, and the values before and after."/>
            {filter_bar(BASE, "/export/audit.csv", &query, vec![("table", "Record type", tables), ("kind", "Action", actions)])}
            {entries_table(&page.items, true)}
            {page.items.is_empty().then(|| view! { <p class="empty">"No entries match."</p> })}
            {pager(BASE, &query, &page)}
        }
        .into_any())}
    }
}

fn access_table(entries: &[AccessEntry]) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Of"</th>
                        <th scope="col">"From"</th>
                    </tr>
                </thead>
                <tbody>
                    {entries
                        .iter()
                        .map(|e| view! {
                            <tr>
                                <td class="nowrap">{format::timestamp(e.at)}</td>
                                <td>{e.reader.clone()}</td>
                                <td>{format!("{}: {}", e.kind.label(), e.item)}</td>
                                <td>{match e.record_href() {
                                    Some(href) => view! { <a href=href>{format!("{} {}", e.record_table, e.record_key)}</a> }.into_any(),
                                    None => format!("{} {}", e.record_table, e.record_key).into_any(),
                                }}</td>
                                <td class="nowrap">{e.address.clone()}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/admin/access`: who read which document, newest first, for two years.
#[component]
pub fn AccessPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/admin/access";
    view! {
        {loaded(list_access(query.clone()), move |page| view! {
            <PageHeader
                title="Access log"
                lead="Who opened a nomination's document or a report's file, or copied a person's data, when and from where. Kept two years."
            >
                <a class="button-secondary" href=crate::privacy::REQUEST_PAGE>"Copy a person's data"</a>
            </PageHeader>
            {filter_form(BASE, "/export/access.csv", &query, vec![("kind", "What", ReadKind::options())], Some(("From", "To")))}
            {access_table(&page.items)}
            {page.items.is_empty().then(|| view! { <p class="empty">"No entries match."</p> })}
            {pager(BASE, &query, &page)}
        }
        .into_any())}
    }
}
