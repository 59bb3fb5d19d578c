//! The placement page: the people, the dates with their history, the state, and a
//! coordinator's forms to extend, end early or cancel (each works without JavaScript).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{
    get_placement, list_placements, placement_overview, placement_timeline, DonorPlacementView, PlacementDetail,
    PlacementState, PlacementSummary, PlacementView,
};
use crate::reference::reference_choices;
use crate::ui::fields::{form_message, hidden, FormState, Input};
use crate::ui::format;
use crate::ui::layout::loaded_quietly;
use crate::ui::layout::{error_view, page_flash};
use crate::ui::lists::{current_query, filter_form, pager, sort_header};
use crate::ui::{EnhancedForm, PageHeader};

mod dashboard;
mod detail;
mod list;
mod timeline_pages;

pub use dashboard::*;
pub use detail::*;
pub use list::*;
pub use timeline_pages::*;

fn state_badge(state: PlacementState) -> impl IntoView {
    view! { <span class=format!("state state-{}", state.as_str())>{state.label()}</span> }
}

/// One line of a home page's list: officer, agencies and dates, linked to the placement.
fn summary_line(p: &PlacementSummary, what: Option<&str>) -> AnyView {
    let d = p.dates;
    let end = d.early_end.unwrap_or(d.current_end);
    let when = match what {
        Some("starts") => format!("starts {}", format::date(d.planned_start)),
        Some("ends") => format!("last day {}", format::date(end)),
        _ => format::period(d.actual_start.unwrap_or(d.planned_start), end),
    };
    view! {
        <li>
            <a href=format!("/placements/{}", p.id)>{p.officer_name.clone()}</a>
            " "<span class="muted">{format!("{} → {} · {}", p.sending_agency, p.host_agency, when)}</span>" "
            {state_badge(p.state)}
            {p.overlap.then(|| view! { " " <span class="state state-overlap">"overlap"</span> })}
        </li>
    }
    .into_any()
}

fn short_list(
    id: &'static str,
    heading: &'static str,
    empty: &'static str,
    rows: &[PlacementSummary],
    what: Option<&'static str>,
) -> AnyView {
    view! {
        <h3 id=id>{heading}</h3>
        {if rows.is_empty() {
            view! { <p class="empty">{empty}</p> }.into_any()
        } else {
            view! { <ul class="waiting" aria-labelledby=id data-testid=id>{rows.iter().map(|p| summary_line(p, what)).collect_view()}</ul> }.into_any()
        }}
    }
    .into_any()
}

/// The placements block of the home page: RSO staff see the count by state and the overlaps;
/// everyone sees what is under way in their scope and what starts or ends within 30 days. A
/// secondee sees their own placement.
#[component]
pub fn PlacementsAtGlance(secondee: bool) -> impl IntoView {
    view! {
        {loaded_quietly(placement_overview(), move |data| {
            let heading = if secondee { "Your placement" } else { "Placements" };
            view! {
                <section class="section" aria-labelledby="placements-heading">
                    <h2 id="placements-heading">{heading}</h2>
                    {(!data.counts.is_empty()).then(|| view! {
                        <ul class="stat-grid" data-testid="placement-counts">
                            {data.counts.iter().map(|(s, n)| view! {
                                <li class="stat"><a href=format!("/placements?status={}", s.as_str())><span class="stat-number">{*n}</span><span class="stat-label">{s.label()}</span></a></li>
                            }).collect_view()}
                        </ul>
                    })}
                    {(!data.counts.is_empty()).then(|| view! {
                        {short_list("overlaps", "Overlapping dates", "No open placement overlaps another.", &data.overlaps, None)}
                        <p class="see-all"><a href="/placements?kind=overlap">"See all overlapping placements"</a></p>
                    })}
                    {short_list("under-way", if secondee { "Planned and under way" } else { "Under way and planned" }, "No placement is planned or under way.", &data.current, None)}
                    {short_list("starting-soon", "Starting within 30 days", "Nothing starts within 30 days.", &data.starting, Some("starts"))}
                    {short_list("ending-soon", "Ending within 30 days", "Nothing ends within 30 days.", &data.ending, Some("ends"))}
                    <p><a href="/placements">"All placements"</a>" · "<a href="/placements/timeline">"Timeline"</a></p>
                </section>
            }
            .into_any()
        })}
    }
}

/// The list's filters (the timeline has the same): state and overlaps for everyone; the
/// agencies and the theme for RSO staff, who see every agency's placements.
async fn filters(staff: bool) -> Vec<crate::ui::lists::SelectFilter> {
    let states = PlacementState::options();
    let mut selects = vec![("status", "State", states)];
    if staff {
        let choices = reference_choices().await.unwrap_or_default();
        selects.push(("agency", "Sending agency", choices.agencies.clone()));
        selects.push(("host", "Host agency", choices.agencies.clone()));
        selects.push(("theme", "Theme", choices.themes.clone()));
    }
    selects.push(("kind", "Overlaps", vec![("overlap".to_string(), "Only overlapping".to_string())]));
    selects
}
