//! The list of placements the caller may see.

use super::*;

/// The placements the caller may see: all for RSO staff, the agency's for its nominators and
/// hosts, their own for a secondee.
#[component]
pub fn PlacementsPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/placements";
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match list_placements(query.clone()).await {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let selects = filters(data.staff).await;
                        let timeline_href = query.with_page(1).href("/placements/timeline");
                        view! {
                            <PageHeader title="Placements" lead="Officers placed, planned and past, with their dates.">
                                <a class="button-secondary" href=timeline_href>"Timeline"</a>
                            </PageHeader>
                            {filter_form(BASE, "/export/placements.csv", &query, selects, Some(("Placed on or after", "Placed on or before")))}
                            <div class="table-wrap">
                                <table class="data-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Reference"</th>
                                            {sort_header(BASE, &query, "officer", "Officer")}
                                            <th scope="col">"Sending agency"</th>
                                            <th scope="col">"Host agency"</th>
                                            {sort_header(BASE, &query, "start", "Start")}
                                            {sort_header(BASE, &query, "end", "End")}
                                            {sort_header(BASE, &query, "state", "State")}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {data.page.items.iter().map(|p| {
                                            let d = p.dates;
                                            let end = d.early_end.unwrap_or(d.current_end);
                                            view! {
                                                <tr>
                                                    <td><a href=format!("/placements/{}", p.id)>{if p.reference.is_empty() { "—".to_string() } else { p.reference.clone() }}</a></td>
                                                    <td>{p.officer_name.clone()}{p.overlap.then(|| view! { " " <span class="state state-overlap" title="Dates overlap another placement of this officer">"overlap"</span> })}</td>
                                                    <td>{p.sending_agency.clone()}</td>
                                                    <td>{p.host_agency.clone()}</td>
                                                    <td class="nowrap">{format::date(d.actual_start.unwrap_or(d.planned_start))}</td>
                                                    <td class="nowrap">{format::date(end)}{(p.extensions > 0).then(|| format!(" (extended ×{})", p.extensions))}</td>
                                                    <td>{state_badge(p.state)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {data.page.items.is_empty().then(|| view! { <p class="empty">"No placements match."</p> })}
                            {pager(BASE, &query, &data.page)}
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
