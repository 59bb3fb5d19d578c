//! The reports list and a report's page: its author's form (save a draft, submit), a
//! coordinator's review forms (accept, return, reopen, cancel or waive, share, move the due
//! date), every submitted version and the history. Every form works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::cycles::{Author, ReportKind};
use super::{
    get_report, list_reports, DonorReportView, ReportContent, ReportDetail, ReportState, ReportSummary, ReportView,
};
use crate::reference::reference_choices;
use crate::ui::fields::{file_actions, form_message, hidden, FormState, Input};
use crate::ui::format;
use crate::ui::layout::loaded_quietly;
use crate::ui::layout::{error_view, page_flash};
use crate::ui::lists::{current_query, filter_form, pager, sort_header, SelectFilter};
use crate::ui::{EnhancedForm, PageHeader};

mod cycles;
mod detail;
mod forms;
mod list;
mod outcomes;

pub use cycles::*;
pub use detail::*;
use forms::*;
pub use list::*;
pub use outcomes::*;

pub fn state_badge(state: ReportState, overdue: bool) -> impl IntoView {
    view! {
        <span class=format!("state state-report-{}", state.as_str())>{state.label()}</span>
        {overdue.then(|| view! { " " <span class="state state-overdue">"Overdue"</span> })}
    }
}

/// One report in a short list (home pages, a placement's page).
pub fn report_line(r: &ReportSummary) -> AnyView {
    view! {
        <li>
            <a href=format!("/reports/{}", r.id)>{format!("{} · {}", r.kind.label(), r.officer_name)}</a>
            " "<span class="muted">{format!("{} · due {}", format::period(r.period_start, r.period_end), format::date(r.due_date))}</span>" "
            {state_badge(r.state, r.overdue)}
        </li>
    }
    .into_any()
}

/// The reports block of the home page (see `service::overview`).
#[component]
pub fn ReportsAtGlance() -> impl IntoView {
    view! {
        {loaded_quietly(super::reports_overview(), move |sections| view! {
            <section class="section" aria-labelledby="reports-glance-heading">
                <h2 id="reports-glance-heading">"Reports"</h2>
                {sections.into_iter().map(|s| {
                    let heading_id = format!("{}-heading", s.id);
                    view! {
                        <h3 id=heading_id.clone()>{s.heading.clone()}</h3>
                        {if s.reports.is_empty() {
                            view! { <p class="empty">{s.empty.clone()}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="waiting" aria-labelledby=heading_id data-testid=s.id.clone()>{s.reports.iter().map(report_line).collect_view()}</ul>
                                <p class="see-all"><a href=s.list.clone()>{format!("See all: {}", s.heading.to_lowercase())}</a></p>
                            }.into_any()
                        }}
                    }
                }).collect_view()}
                <p><a href="/reports">"All reports"</a></p>
            </section>
        }
        .into_any())}
    }
}

async fn filters(staff: bool) -> Vec<SelectFilter> {
    let mut states: Vec<(String, String)> = ReportState::options();
    states.insert(0, ("overdue".into(), "Overdue".into()));
    let kinds = ReportKind::options();
    let authors = [Author::Secondee, Author::Host, Author::Coordinator]
        .iter()
        .map(|a| (a.as_str().to_string(), a.label().to_string()))
        .collect();
    let mut selects = vec![("status", "State", states), ("kind", "Kind", kinds), ("role", "Author", authors)];
    if staff {
        let choices = reference_choices().await.unwrap_or_default();
        selects.push(("agency", "Sending agency", choices.agencies.clone()));
        selects.push(("host", "Host agency", choices.agencies.clone()));
    }
    selects
}

/// Whether the list is in the order it opens on (see the reports service's sorts).
fn opens_on_attention(query: &crate::listing::ListQuery) -> bool {
    let owed = matches!(query.status.as_str(), "owed" | "overdue");
    !owed && (query.sort.is_empty() || query.sort == "attention")
}
