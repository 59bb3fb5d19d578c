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
    let states = PlacementState::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect();
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

/// The placements as bars on a date axis, grouped by host agency: server-rendered SVG (no
/// script), with the same data in a table below for screen readers and print.
#[component]
pub fn TimelinePage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/placements/timeline";
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match placement_timeline(query.clone()).await {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let selects = filters(data.staff).await;
                        let list_href = query.with_page(1).href("/placements");
                        let lead = format!("{} placements from {} to {}, by host agency.", data.rows.len(), format::date(data.from), format::date(data.to));
                        view! {
                            <PageHeader title="Placements timeline" lead=lead>
                                <a class="button-secondary" href=list_href>"List"</a>
                            </PageHeader>
                            {filter_form(BASE, "/export/placements.csv", &query, selects, Some(("From", "To")))}
                            {data.truncated.then(|| view! {
                                <div class="notice" role="status">{format!("Only the first {} placements are drawn. Narrow the window or the filters to see the rest.", data.rows.len())}</div>
                            })}
                            {timeline_svg(&data)}
                            {timeline_table(&data)}
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The coordinator's dashboard: the timeline of the next six months, linked to the full page.
#[component]
pub fn TimelineAhead(today: chrono::NaiveDate) -> impl IntoView {
    let until = crate::domain::add_months(today, 6);
    let query = crate::listing::ListQuery { from: today.to_string(), to: until.to_string(), ..Default::default() };
    let href = query.href("/placements/timeline");
    view! {
        {loaded_quietly(super::placements_ahead(query.clone()), move |data| view! {
            <section class="section" aria-labelledby="ahead-heading">
                <h2 id="ahead-heading">"The next six months"</h2>
                {timeline_svg(&data)}
                <p><a href=href.clone()>{if data.truncated {
                    format!("The first {} by start are drawn here: see every placement of these months, in a table, with filters", data.rows.len())
                } else {
                    format!("The {} placements in a table, with filters", data.rows.len())
                }}</a></p>
            </section>
        }
        .into_any())}
    }
}

fn timeline_svg(data: &super::TimelineData) -> AnyView {
    use super::timeline::{self, BAR_HEIGHT, GROUP_HEIGHT, LABEL_WIDTH, ROW_HEIGHT, WIDTH};
    let Ok(window) = crate::domain::Period::new(data.from, data.to) else { return ().into_any() };
    let layout = timeline::layout(window, data.today, &data.rows);
    if layout.bars.is_empty() {
        return view! { <p class="empty">"No placements in this window."</p> }.into_any();
    }
    let height = layout.height;
    let axis_bottom = timeline::AXIS_HEIGHT - 4.0;
    view! {
        <figure class="timeline-figure">
            <div class="timeline-scroll">
                <svg class="timeline-chart" xmlns="http://www.w3.org/2000/svg" width=WIDTH height=height viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-labelledby="timeline-caption">
                    <defs>
                        <pattern id="extension-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                            <rect width="6" height="6" class="bar-extension-bg"/>
                            <line x1="0" y1="0" x2="0" y2="6" class="bar-extension-line"/>
                        </pattern>
                    </defs>
                    {layout.ticks.iter().map(|t| view! {
                        <g class="tick">
                            <line x1=t.x x2=t.x y1=axis_bottom - 6.0 y2=height - 10.0/>
                            <text x=t.x + 3.0 y=axis_bottom - 10.0>{t.label.clone()}</text>
                        </g>
                    }).collect_view()}
                    {layout.groups.iter().map(|g| view! {
                        <g class="group">
                            <rect x="0" y=g.y width=WIDTH height=GROUP_HEIGHT class="group-band"/>
                            <text x="6" y=g.y + GROUP_HEIGHT * 0.68 class="group-label">{format!("{} ({})", g.host, g.count)}</text>
                        </g>
                    }).collect_view()}
                    {layout.bars.iter().map(|b| {
                        let bar_y = b.y + (ROW_HEIGHT - BAR_HEIGHT) / 2.0;
                        let class = format!("bar bar-{}{}", b.state, if b.overlap { " bar-overlap" } else { "" });
                        view! {
                            <a href=format!("/placements/{}", b.id)>
                                <title>{b.title.clone()}</title>
                                <text x="14" y=b.y + ROW_HEIGHT * 0.7 class="bar-label">{if b.overlap { format!("⚠ {}", b.label) } else { b.label.clone() }}</text>
                                <rect x=b.x y=bar_y width=b.width height=BAR_HEIGHT rx="2" class=class/>
                                {b.extension.map(|(from, to)| view! {
                                    <rect x=from y=bar_y width=to - from height=BAR_HEIGHT class="bar-extension"/>
                                })}
                                {b.clipped_start.then(|| view! { <text x=LABEL_WIDTH + 2.0 y=bar_y + BAR_HEIGHT - 2.0 class="bar-more">"‹"</text> })}
                            </a>
                        }
                    }).collect_view()}
                    {layout.today.map(|x| view! {
                        <g class="today">
                            <line x1=x x2=x y1=axis_bottom - 14.0 y2=height - 6.0/>
                            <text x=x + 3.0 y=axis_bottom + 8.0>"Today"</text>
                        </g>
                    })}
                </svg>
            </div>
            <figcaption id="timeline-caption">
                "Each bar is a placement, from its start to its last day; hatched days were added by extensions; "
                "a red outline and ⚠ mark dates that overlap another placement of the same officer. The table below lists the same placements."
            </figcaption>
        </figure>
    }
    .into_any()
}

fn timeline_table(data: &super::TimelineData) -> AnyView {
    let mut rows = data.rows.clone();
    rows.sort_by(|a, b| {
        (a.host_agency.to_lowercase(), a.dates.occupied().start())
            .cmp(&(b.host_agency.to_lowercase(), b.dates.occupied().start()))
    });
    view! {
        <section class="section" aria-labelledby="timeline-table-heading">
            <h2 id="timeline-table-heading">"The placements in this window"</h2>
            <div class="table-wrap">
                <table class="data-table" data-testid="timeline-table">
                    <thead>
                        <tr>
                            <th scope="col">"Host agency"</th>
                            <th scope="col">"Officer"</th>
                            <th scope="col">"Sending agency"</th>
                            <th scope="col">"Start"</th>
                            <th scope="col">"Original end"</th>
                            <th scope="col">"Last day"</th>
                            <th scope="col">"Extensions"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Overlap"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.iter().map(|p| {
                            let occupied = p.dates.occupied();
                            view! {
                                <tr>
                                    <td>{p.host_agency.clone()}</td>
                                    <td><a href=format!("/placements/{}", p.id)>{p.officer_name.clone()}</a></td>
                                    <td>{p.sending_agency.clone()}</td>
                                    <td class="nowrap">{format::date(occupied.start())}</td>
                                    <td class="nowrap">{format::date(p.dates.original_end)}</td>
                                    <td class="nowrap">{format::date(occupied.end())}</td>
                                    <td>{p.extensions}</td>
                                    <td>
                                        {state_badge(p.state)}
                                        {(p.state == PlacementState::Terminated && p.dates.actual_start.is_none()).then_some(" (cancelled before the start)")}
                                    </td>
                                    <td>{if p.overlap { "yes" } else { "no" }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
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

#[component]
pub fn PlacementPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match get_placement(id.clone()).await {
                    Err(e) => error_view(e),
                    Ok(PlacementDetail::Full(p)) => detail(p),
                    Ok(PlacementDetail::Donor(p)) => donor_detail(p),
                }
            })}
        </Suspense>
    }
}

/// The page's heading: the officer, the agencies, the state, and a warning of overlapping dates.
fn heading(officer: &str, sending: &str, host: &str, state: PlacementState, overlap: bool) -> AnyView {
    view! {
        <PageHeader title=format!("Placement of {officer}") lead=format!("{sending} → {host}")>
            {state_badge(state)}
        </PageHeader>
        {overlap.then(|| view! {
            <div class="notice notice-error" role="status">
                "This officer has another placement whose dates overlap this one."
            </div>
        })}
    }
    .into_any()
}

/// The dates, as rows of the page's facts.
fn date_facts(d: super::rules::Dates, state: PlacementState) -> AnyView {
    let last_day = d.early_end.map(|day| (day, state == PlacementState::Active));
    view! {
        <dt>"Planned start"</dt><dd>{format::date(d.planned_start)}</dd>
        <dt>"Actual start"</dt><dd>{d.actual_start.map(format::date).unwrap_or_else(|| "not started".into())}</dd>
        <dt>"Original end"</dt><dd>{format::date(d.original_end)}</dd>
        <dt>"Current end"</dt><dd>{format::date(d.current_end)}</dd>
        {last_day.map(|(day, pending)| view! {
            <dt>{if pending { "Ends early, last day" } else { "Ended early, last day" }}</dt>
            <dd>{format::date(day)}</dd>
        })}
    }
    .into_any()
}

fn reports_section(reports: &[crate::reports::ReportSummary], empty: &'static str) -> AnyView {
    view! {
        <section class="section" aria-labelledby="reports-heading">
            <h2 id="reports-heading">"Reports"</h2>
            {reports.is_empty().then(|| view! { <p class="empty">{empty}</p> })}
            <ul class="waiting" data-testid="placement-reports">
                {reports.iter().map(crate::reports::pages::report_line).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// The funding donor's page: the people by name, the dates, the objectives and the reports
/// shared with it.
fn donor_detail(p: DonorPlacementView) -> AnyView {
    view! {
        {heading(&p.officer_name, &p.sending_agency, &p.host_agency, p.state, p.overlap)}
        <dl class="facts">
            <dt>"Reference"</dt><dd>{p.reference.clone()}</dd>
            <dt>"Officer"</dt><dd>{p.officer_name.clone()}</dd>
            <dt>"Sending agency"</dt><dd>{p.sending_agency.clone()}</dd>
            <dt>"Host agency"</dt><dd>{p.host_agency.clone()}</dd>
            {date_facts(p.dates, p.state)}
            <dt>"Objectives"</dt><dd class="pre">{p.objectives.clone()}</dd>
        </dl>
        {reports_section(&p.reports, "No report of this placement has been shared with you yet.")}
    }
    .into_any()
}

fn detail(p: PlacementView) -> AnyView {
    view! {
        {heading(&p.officer_name, &p.sending_agency, &p.host_agency, p.state, p.overlap)}
        <dl class="facts">
            <dt>"Officer"</dt><dd>{named(&p.officer_name, &p.officer_email)}</dd>
            <dt>"Secondee account"</dt><dd data-testid="secondee-account">{p.secondee.label()}</dd>
            <dt>"Sending agency"</dt><dd>{p.sending_agency.clone()}</dd>
            <dt>"Host agency"</dt><dd>{p.host_agency.clone()}</dd>
            <dt>"Supervisor"</dt><dd>{named(&p.supervisor_name, &p.supervisor_email)}</dd>
            {date_facts(p.dates, p.state)}
            {p.end_reason.clone().map(|reason| view! { <dt>"Reason"</dt><dd class="pre">{reason}</dd> })}
            <dt>"Objectives"</dt><dd class="pre">{p.objectives.clone()}</dd>
            <dt>"Nomination"</dt><dd><a href=format!("/nominations/{}", p.nomination_id)>{p.nomination_reference.clone()}</a></dd>
        </dl>
        {reports_section(&p.reports, "No reports are planned for this placement.")}
        {(!p.funding.is_empty()).then(|| view! {
            <section class="section" aria-labelledby="funding-heading">
                <h2 id="funding-heading">"Funding"</h2>
                <ul class="waiting" data-testid="placement-funding">
                    {p.funding.iter().map(|f| view! {
                        <li><a href=format!("/funding/agreements/{}", f.agreement_id)>{f.reference.clone()}</a>{format!(" · {} · {}", f.category.label(), f.amount)}</li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!p.cycles.is_empty()).then(|| view! {
            <section class="section" aria-labelledby="cycles-heading">
                <h2 id="cycles-heading">"Reporting cycles"</h2>
                {p.cycles.iter().map(|c| crate::reports::pages::cycle_form(c, p.can_act)).collect_view()}
            </section>
        })}
        {p.can_invite.then(|| invite(&p))}
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

/// "Name <address>", or the name alone where there is no address.
fn named(name: &str, email: &str) -> String {
    if email.is_empty() {
        name.to_string()
    } else {
        format!("{name} <{email}>")
    }
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

/// The coordinator's "invite secondee": makes or links the account and e-mails the invitation.
fn invite(p: &PlacementView) -> AnyView {
    let flash = page_flash();
    let form = FormState::new("/api/placements/invite-secondee", flash.as_ref(), Default::default());
    let label =
        if p.secondee == super::SecondeeAccount::None { "Invite secondee" } else { "Send the invitation again" };
    let (id, hint) = (
        p.id.clone(),
        format!("The officer signs in with {} to see this placement and, later, their reports.", p.officer_email),
    );
    view! {
        <section class="section no-print" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Secondee account"</h2>
            <EnhancedForm>
                <form method="post" action="/api/placements/invite-secondee" class="inline-form">
                    {form_message(&form)}
                    {hidden("id", id)}
                    <p class="muted">{hint}</p>
                    <button type="submit" class="button-secondary">{label}</button>
                </form>
            </EnhancedForm>
        </section>
    }
    .into_any()
}

fn actions(p: &PlacementView) -> AnyView {
    let flash = page_flash();
    // Three forms share the field "reason": each gets its own ids, so each label names its field.
    let state = |endpoint: &str, ids: &str| FormState::new(endpoint, flash.as_ref(), Default::default()).with_ids(ids);
    let (extend, end, cancel) = (
        state("/api/placements/extend", "extend"),
        state("/api/placements/end-early", "end"),
        state("/api/placements/cancel", "cancel"),
    );
    let planned = p.state == PlacementState::Planned;
    let (id, end_id, cancel_id) = (p.id.clone(), p.id.clone(), p.id.clone());
    view! {
        <section class="section no-print" aria-labelledby="actions-heading">
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

/// The coordinator's dashboard: placements under way by member and by theme, each count linked
/// to the list with that filter.
#[component]
pub fn UnderWayByMemberAndTheme() -> impl IntoView {
    let list = |items: Vec<(String, String, u64)>, param: &'static str| {
        items
            .into_iter()
            .map(|(id, name, n)| view! {
                <li class="stat"><a href=format!("/placements?{param}={id}")><span class="stat-number">{n}</span><span class="stat-label">{name}</span></a></li>
            })
            .collect_view()
    };
    view! {
        {loaded_quietly(super::under_way_counts(), move |counts| view! {
            <section class="section" aria-labelledby="by-member-heading">
                <h2 id="by-member-heading">"Placements under way by member"</h2>
                <ul class="stat-grid" data-testid="by-member">{list(counts.by_member, "member")}</ul>
                <h2>"…and by theme"</h2>
                <ul class="stat-grid" data-testid="by-theme">{list(counts.by_theme, "theme")}</ul>
            </section>
        }
        .into_any())}
    }
}
