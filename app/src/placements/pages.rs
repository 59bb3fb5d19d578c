//! The placement page: the people, the dates with their history, the state, and a
//! coordinator's forms to extend, end early or cancel (each works without JavaScript).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{get_placement, list_placements, PlacementState, PlacementView};
use crate::admin::options::reference_choices;
use crate::ui::fields::{form_message, hidden, FormState, Input};
use crate::ui::format;
use crate::ui::layout::{error_view, page_flash};
use crate::ui::lists::{current_query, filter_form, pager, sort_header};
use crate::ui::{EnhancedForm, PageHeader};

fn state_badge(state: PlacementState) -> impl IntoView {
    view! { <span class=format!("state state-{}", state.as_str())>{state.label()}</span> }
}

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
                        let states = PlacementState::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect();
                        let mut selects = vec![("status", "State", states)];
                        if data.staff {
                            let choices = reference_choices().await.unwrap_or_default();
                            selects.push(("agency", "Sending agency", choices.agencies.clone()));
                            selects.push(("host", "Host agency", choices.agencies.clone()));
                            selects.push(("theme", "Theme", choices.themes.clone()));
                        }
                        selects.push(("kind", "Overlaps", vec![("overlap".to_string(), "Only overlapping".to_string())]));
                        view! {
                            <PageHeader title="Placements" lead="Officers placed, planned and past, with their dates."/>
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

#[component]
pub fn PlacementPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match get_placement(id.clone()).await {
                    Err(e) => error_view(e),
                    Ok(p) => detail(p),
                }
            })}
        </Suspense>
    }
}

fn detail(p: PlacementView) -> AnyView {
    let d = p.dates;
    let last_day = d.early_end.map(|day| (day, d.early_end.is_some() && p.state == PlacementState::Active));
    view! {
        <PageHeader title=format!("Placement of {}", p.officer_name) lead=format!("{} → {}", p.sending_agency, p.host_agency)>
            {state_badge(p.state)}
        </PageHeader>
        {p.overlap.then(|| view! {
            <div class="notice notice-error" role="status">
                "This officer has another placement whose dates overlap this one."
            </div>
        })}
        <dl class="facts">
            <dt>"Officer"</dt><dd>{format!("{} <{}>", p.officer_name, p.officer_email)}</dd>
            <dt>"Sending agency"</dt><dd>{p.sending_agency.clone()}</dd>
            <dt>"Host agency"</dt><dd>{p.host_agency.clone()}</dd>
            <dt>"Supervisor"</dt><dd>{format!("{} <{}>", p.supervisor_name, p.supervisor_email)}</dd>
            <dt>"Planned start"</dt><dd>{format::date(d.planned_start)}</dd>
            <dt>"Actual start"</dt><dd>{d.actual_start.map(format::date).unwrap_or_else(|| "not started".into())}</dd>
            <dt>"Original end"</dt><dd>{format::date(d.original_end)}</dd>
            <dt>"Current end"</dt><dd>{format::date(d.current_end)}</dd>
            {last_day.map(|(day, pending)| view! {
                <dt>{if pending { "Ends early, last day" } else { "Ended early, last day" }}</dt>
                <dd>{format::date(day)}</dd>
            })}
            {p.end_reason.clone().map(|reason| view! { <dt>"Reason"</dt><dd class="pre">{reason}</dd> })}
            <dt>"Objectives"</dt><dd class="pre">{p.objectives.clone()}</dd>
            <dt>"Nomination"</dt><dd><a href=format!("/nominations/{}", p.nomination_id)>{p.nomination_reference.clone()}</a></dd>
        </dl>
        {p.can_act.then(|| actions(&p))}
        <section class="section" aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            <ol class="timeline">
                {p.history.iter().map(|e| view! {
                    <li>
                        <span class="muted nowrap">{format::timestamp(e.at)}</span>" · "<strong>{e.actor.clone()}</strong>" · "
                        {event_text(e)}
                        {e.reason.clone().map(|r| view! { <p class="pre">{r}</p> })}
                    </li>
                }).collect_view()}
            </ol>
            {p.history.is_empty().then(|| view! { <p class="empty">"Nothing yet: approved and planned."</p> })}
        </section>
    }
    .into_any()
}

fn event_text(e: &super::PlacementEvent) -> String {
    let dates = match (e.old_end, e.new_end) {
        (Some(old), Some(new)) => format!(" ({} → {})", format::date(old), format::date(new)),
        _ => String::new(),
    };
    let what = match e.kind.as_str() {
        "started" => "started",
        "completed" => "completed",
        "extended" => "extended",
        "early_end" => "early end set",
        "ended_early" => "ended early",
        "cancelled" => "cancelled before the start",
        other => other,
    };
    format!("{what}{dates}")
}

fn actions(p: &PlacementView) -> AnyView {
    let flash = page_flash();
    let state = |endpoint: &str| FormState::new(endpoint, flash.as_ref(), Default::default());
    let (extend, end, cancel) =
        (state("/api/placements/extend"), state("/api/placements/end-early"), state("/api/placements/cancel"));
    let planned = p.state == PlacementState::Planned;
    let (id, end_id, cancel_id) = (p.id.clone(), p.id.clone(), p.id.clone());
    view! {
        <section class="section" aria-labelledby="actions-heading">
            <h2 id="actions-heading">"Change the placement"</h2>
            <EnhancedForm>
                <form method="post" action="/api/placements/extend" class="form form-wide" novalidate>
                    <h3>"Extend"</h3>
                    {form_message(&extend)}
                    {hidden("id", id.clone())}
                    {Input::text("new_end", "New last day").kind("date").required().render(&extend)}
                    {Input::text("reason", "Reason").required().max_len(2000).render(&extend)}
                    <div class="form-actions"><button type="submit" class="button">"Extend"</button></div>
                </form>
            </EnhancedForm>
            {(!planned).then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/placements/end-early" class="form form-wide" novalidate>
                        <h3>"End early"</h3>
                        {form_message(&end)}
                        {hidden("id", end_id.clone())}
                        {Input::text("last_day", "Last day").kind("date").required().hint("Today or earlier ends it now; a later day ends it after that day.").render(&end)}
                        {Input::text("reason", "Reason").required().max_len(2000).render(&end)}
                        <div class="form-actions"><button type="submit" class="button-secondary danger">"End early"</button></div>
                    </form>
                </EnhancedForm>
            })}
            {planned.then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/placements/cancel" class="form form-wide" novalidate>
                        <h3>"Cancel before the start"</h3>
                        {form_message(&cancel)}
                        {hidden("id", cancel_id.clone())}
                        {Input::text("reason", "Reason").required().max_len(2000).render(&cancel)}
                        <div class="form-actions"><button type="submit" class="button-secondary danger">"Cancel placement"</button></div>
                    </form>
                </EnhancedForm>
            })}
        </section>
    }
    .into_any()
}
