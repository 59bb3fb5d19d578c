//! The nominations the caller may see, filtered, sorted and paged.

use super::*;

#[component]
pub fn NominationsPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/nominations";
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let list = list_nominations(query.clone()).await;
                match list {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let staff = !data.can_create;
                        let choices = if staff { reference_choices().await.unwrap_or_default() } else { Default::default() };
                        let states = NominationState::options();
                        let mut selects = vec![("status", "State", states)];
                        if staff {
                            selects.push(("member", "Sending member", choices.members.clone()));
                            selects.push(("agency", "Sending agency", choices.agencies.clone()));
                            selects.push(("host", "Host agency", choices.agencies.clone()));
                            selects.push(("theme", "Theme", choices.themes.clone()));
                        }
                        let title = if staff { "Nominations" } else { "Our nominations" };
                        view! {
                            <PageHeader title=title lead="Officers nominated for secondment, and where each nomination stands.">
                                {data.can_create.then(|| view! { <a class="button" href="/nominations/new">"New nomination"</a> })}
                            </PageHeader>
                            <ul class="state-counts" aria-label="Nominations by state">
                                {data.counts.iter().map(|(s, n)| view! {
                                    <li><a href=format!("/nominations?status={}", s.as_str())>{state_badge(*s)}" "<strong>{*n}</strong></a></li>
                                }).collect_view()}
                            </ul>
                            {filter_form(BASE, "/export/nominations.csv", &query, selects, Some(("Starting from", "Starting until")))}
                            <div class="table-wrap">
                                <table class="data-table">
                                    <thead>
                                        <tr>
                                            {sort_header(BASE, &query, "reference", "Reference")}
                                            {sort_header(BASE, &query, "officer", "Officer")}
                                            <th scope="col">"Sending agency"</th>
                                            <th scope="col">"Host agency"</th>
                                            {sort_header(BASE, &query, "start", "Period")}
                                            {sort_header(BASE, &query, "state", "State")}
                                            {sort_header(BASE, &query, "updated", "Updated")}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {data.page.items.iter().map(|n| view! {
                                            <tr>
                                                <td><a href=format!("/nominations/{}", n.id)>{n.reference.clone()}</a></td>
                                                <td>{n.officer_name.clone()}</td>
                                                <td>{format!("{} ({})", n.sending_agency, n.sending_member)}</td>
                                                <td>{n.host_agency.clone()}</td>
                                                <td class="nowrap">{format!("{} – {}", format::date(n.start_date), format::date(n.end_date))}</td>
                                                <td>{state_badge(n.state)}</td>
                                                <td class="nowrap">{format::timestamp(n.updated_at)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {data.page.items.is_empty().then(|| view! { <p class="empty">"No nominations match."</p> })}
                            {pager(BASE, &query, &data.page)}
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
