//! The timeline page and the dashboard's timeline of the months ahead: server-drawn SVG with
//! the same data in a table below.

use super::*;

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
        {loaded_quietly(crate::placements::placements_ahead(query.clone()), move |data| view! {
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

pub(super) fn timeline_svg(data: &crate::placements::TimelineData) -> AnyView {
    use crate::placements::timeline::{self, BAR_HEIGHT, GROUP_HEIGHT, LABEL_WIDTH, ROW_HEIGHT, WIDTH};
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

pub(super) fn timeline_table(data: &crate::placements::TimelineData) -> AnyView {
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
