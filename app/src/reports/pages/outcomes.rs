//! The outcomes-by-theme page: the filter, the table of themes and one theme's outcomes.

use leptos::prelude::*;

use crate::reports::outcomes_by_theme;
use crate::ui::format;
use crate::ui::layout::error_view;
use crate::ui::lists::{current_query, filter_form};
use crate::ui::PageHeader;

#[component]
pub fn OutcomesPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/reports/outcomes";
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match outcomes_by_theme(query.clone()).await {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let mut selects = Vec::new();
                        if data.staff {
                            let choices = crate::reference::reference_choices().await.unwrap_or_default();
                            selects.push(("member", "Member", choices.members.clone()));
                            selects.push(("agency", "Sending agency", choices.agencies.clone()));
                        }
                        let chosen = data.themes.iter().find(|t| t.theme_id == query.theme).map(|t| t.theme.clone());
                        let link = |theme: &str| {
                            let mut q = query.clone();
                            q.theme = theme.to_string();
                            q.href(BASE)
                        };
                        view! {
                            <PageHeader title="Outcomes by theme" lead="Accepted reports, and the placements they come from, by the themes they advanced."/>
                            {filter_form(BASE, "/export/outcomes.csv", &query, selects, Some(("Periods ending on or after", "Periods starting on or before")))}
                            <div class="table-wrap">
                                <table class="data-table" data-testid="outcomes-table">
                                    <thead><tr><th scope="col">"Theme"</th><th scope="col">"Accepted reports"</th><th scope="col">"Placements"</th></tr></thead>
                                    <tbody>
                                        {data.themes.iter().map(|t| view! {
                                            <tr>
                                                <td><a href=link(&t.theme_id)>{t.theme.clone()}</a></td>
                                                <td>{t.reports}</td>
                                                <td>{t.placements}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {data.themes.is_empty().then(|| view! { <p class="empty">"No accepted report names a theme yet."</p> })}
                            {chosen.map(|theme| view! {
                                <section class="section" aria-labelledby="theme-outcomes-heading">
                                    <h2 id="theme-outcomes-heading">{format!("Outcomes: {theme}")}</h2>
                                    <ul class="outcomes">
                                        {data.outcomes.iter().map(|o| view! {
                                            <li>
                                                <p class="pre">{o.outcomes.clone()}</p>
                                                <p class="muted">
                                                    <a href=format!("/reports/{}", o.report_id)>{o.officer_name.clone()}</a>
                                                    {format!(" · {} · period ending {}", o.sending_agency, format::date(o.period_end))}
                                                </p>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </section>
                            })}
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
