//! The list of reports the caller may see, opening on what needs attention.

use super::*;

/// The reports the caller may see, filtered, sorted and paged.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/reports";
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match list_reports(query.clone()).await {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let selects = filters(data.staff).await;
                        view! {
                            <PageHeader title="Reports" lead="Reports of placements: what is due, what is late, what waits for review.">
                                {data.staff.then(|| view! {
                                    <a class="button-secondary" href="/reports/outcomes">"Outcomes by theme"</a>
                                    " "
                                    <a class="button-secondary" href="/reports/cycles">"Reporting cycles"</a>
                                })}
                            </PageHeader>
                            {filter_form(BASE, "/export/reports.csv", &query, selects, Some(("Due on or after", "Due on or before")))}
                            {opens_on_attention(&query).then(|| view! {
                                <p class="muted list-order">"In order of what needs attention: overdue, then due, then waiting for review, then not yet due, then the newest. Choose a column to sort by it."</p>
                            })}
                            <div class="table-wrap">
                                <table class="data-table">
                                    <thead>
                                        <tr>
                                            {sort_header(BASE, &query, "officer", "Officer")}
                                            <th scope="col">"Report"</th>
                                            {sort_header(BASE, &query, "period", "Period")}
                                            {sort_header(BASE, &query, "due", "Due")}
                                            {sort_header(BASE, &query, "state", "State")}
                                            <th scope="col">"Submitted"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {data.page.items.iter().map(|r| view! {
                                            <tr>
                                                <td>{r.officer_name.clone()}<br/><span class="muted">{format!("{} → {}", r.sending_agency, r.host_agency)}</span></td>
                                                <td><a href=format!("/reports/{}", r.id)>{r.kind.label()}</a></td>
                                                <td class="nowrap">{format::period(r.period_start, r.period_end)}</td>
                                                <td class="nowrap">{format::date(r.due_date)}</td>
                                                <td>{state_badge(r.state, r.overdue)}{r.shared_with_donor.then_some(" · shared")}</td>
                                                <td class="nowrap">{r.submitted_at.map(format::timestamp).unwrap_or_default()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {data.page.items.is_empty().then(|| view! { <p class="empty">"No reports match."</p> })}
                            {pager(BASE, &query, &data.page)}
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
