//! The funding charts, drawn on the server as SVG (no script), each with a table of the same
//! figures beside it: spend against budget by category, and utilisation per agreement.

use super::agreements::{AgreementView, DonorAgreementView};
use super::api::*;
use super::rules::percent_text;
use crate::ui::layout::loaded_quietly;
use leptos::prelude::*;

/// Spend against budget by category: committed as the light bar, spent as the dark one (red
/// past the commitment). Server-drawn SVG, no script; the table beside it has the same figures.
pub fn spend_chart(a: &DonorAgreementView) -> AnyView {
    const LABEL: f64 = 130.0;
    const WIDTH: f64 = 560.0;
    const ROW: f64 = 34.0;
    if a.by_category.is_empty() {
        return view! { <p class="empty">"Nothing committed yet."</p> }.into_any();
    }
    let largest = a.by_category.iter().map(|(_, c, s)| c.minor().max(s.minor())).max().unwrap_or(1).max(1) as f64;
    let x = |minor: i64| (minor.max(0) as f64 / largest) * (WIDTH - LABEL - 10.0);
    let height = ROW * a.by_category.len() as f64 + 10.0;
    let title = format!("Spend against budget by category, {}", a.reference);
    view! {
        <div class="chart-and-table">
            <svg class="spend-chart" xmlns="http://www.w3.org/2000/svg" width=WIDTH height=height viewBox=format!("0 0 {WIDTH} {height}") role="img">
                <title>{title}</title>
                {a.by_category.iter().enumerate().map(|(i, (category, committed, spent))| {
                    let y = 5.0 + ROW * i as f64;
                    let over = spent.minor() > committed.minor();
                    view! {
                        <g>
                            <text x="0" y=y + 19.0 class="chart-label">{category.label()}</text>
                            <rect x=LABEL y=y + 4.0 width=x(committed.minor()) height="22" class="bar-budget"><title>{format!("Committed {committed}")}</title></rect>
                            <rect x=LABEL y=y + 10.0 width=x(spent.minor()) height="10" class=if over { "bar-spent bar-over" } else { "bar-spent" }><title>{format!("Spent {spent}")}</title></rect>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <table class="data-table" data-testid="spend-table">
                <thead><tr><th scope="col">"Category"</th><th scope="col">"Committed"</th><th scope="col">"Spent"</th><th scope="col">"Left"</th></tr></thead>
                <tbody>
                    {a.by_category.iter().map(|(category, committed, spent)| view! {
                        <tr>
                            <td>{category.label()}</td>
                            <td class="nowrap">{committed.to_string()}</td>
                            <td class="nowrap">{spent.to_string()}</td>
                            <td class="nowrap">{committed.checked_sub(spent).map(|m| m.to_string()).unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Utilisation per agreement as bars, with the 80 % and 100 % marks, and the table beside it.
#[component]
pub fn UtilisationChart() -> impl IntoView {
    view! {
        {loaded_quietly(utilisation(), move |agreements: Vec<AgreementView>| utilisation_chart(&agreements))}
    }
}

fn utilisation_chart(agreements: &[AgreementView]) -> AnyView {
    const LABEL: f64 = 150.0;
    const WIDTH: f64 = 560.0;
    const ROW: f64 = 28.0;
    if agreements.is_empty() {
        return view! {
            <section class="section"><h2>"Utilisation"</h2><p class="empty">"No agreement is under way."</p></section>
        }
        .into_any();
    }
    // The scale reaches 120 %, or further for an agreement beyond it.
    let top = agreements.iter().map(|a| a.utilisation_bp).max().unwrap_or(0).max(12_000) as f64;
    let x = |bp: i64| LABEL + (bp.max(0) as f64 / top) * (WIDTH - LABEL - 10.0);
    let height = ROW * agreements.len() as f64 + 24.0;
    view! {
        <section class="section" aria-labelledby="utilisation-heading">
            <h2 id="utilisation-heading">"Utilisation of agreements under way"</h2>
            <div class="chart-and-table">
                <svg class="spend-chart utilisation-chart" xmlns="http://www.w3.org/2000/svg" width=WIDTH height=height viewBox=format!("0 0 {WIDTH} {height}") role="img">
                    <title>"Utilisation per agreement, with the 80 % and 100 % alert levels"</title>
                    {agreements.iter().enumerate().map(|(i, a)| {
                        let y = 4.0 + ROW * i as f64;
                        let class = if a.utilisation_bp >= 10_000 { "bar-spent bar-over" } else if a.utilisation_bp >= 8_000 { "bar-spent bar-warn" } else { "bar-spent" };
                        view! {
                            <a href=format!("/funding/agreements/{}", a.id)>
                                <text x="0" y=y + 16.0 class="chart-label">{a.reference.clone()}</text>
                                <rect x=LABEL y=y + 4.0 width=x(a.utilisation_bp) - LABEL height="16" class=class><title>{format!("{}: {}", a.reference, percent_text(a.utilisation_bp))}</title></rect>
                            </a>
                        }
                    }).collect_view()}
                    {[8_000_i64, 10_000].into_iter().map(|bp| view! {
                        <g class="alert-mark">
                            <line x1=x(bp) x2=x(bp) y1="0" y2=height - 16.0/>
                            <text x=x(bp) - 12.0 y=height - 4.0>{percent_text(bp)}</text>
                        </g>
                    }).collect_view()}
                </svg>
                <table class="data-table" data-testid="utilisation-table">
                    <thead><tr><th scope="col">"Agreement"</th><th scope="col">"Donor"</th><th scope="col">"Committed"</th><th scope="col">"Utilisation"</th></tr></thead>
                    <tbody>
                        {agreements.iter().map(|a| view! {
                            <tr>
                                <td><a href=format!("/funding/agreements/{}", a.id)>{a.reference.clone()}</a></td>
                                <td>{a.donor.clone()}</td>
                                <td class="nowrap">{format!("{} of {}", a.committed, a.total)}</td>
                                <td>{percent_text(a.utilisation_bp)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
