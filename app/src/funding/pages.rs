//! The agreement page's figures and commitments (with the coordinator's form to commit), and
//! the donor's own view: its agreements, the placements they fund, and the reports shared.

use super::agreements::{AgreementView, DonorAgreementView};
use super::api::*;
use super::charts::spend_chart;
use super::rules::{percent_text, Category};
use super::*;
use crate::reference::Choices;
use crate::resource::Editing;
use crate::ui::fields::{form_message, hidden, select, FormState, Input};
use crate::ui::format;
use crate::ui::layout::page_flash;
use crate::ui::layout::{loaded, loaded_quietly};
use crate::ui::{EnhancedForm, PageHeader};
use leptos::prelude::*;

/// The figures in the reporting currency.
pub fn reporting_figures(r: &Reporting) -> AnyView {
    if !r.available {
        return view! { <p class="muted">{r.basis.clone()}</p> }.into_any();
    }
    view! {
        <p class="muted" data-testid="reporting-figures">
            {format!("Total {}, committed {}, spent {} — {}.", r.total, r.committed, r.spent, r.basis)}
        </p>
    }
    .into_any()
}

/// The figures of an agreement as a table.
pub fn figures(a: &DonorAgreementView) -> AnyView {
    view! {
        <dl class="facts figures" data-testid="agreement-figures">
            <dt>"Total"</dt><dd>{a.total.to_string()}</dd>
            <dt>"Committed"</dt><dd>{a.committed.to_string()}</dd>
            <dt>"Spent"</dt><dd>{a.spent.to_string()}</dd>
            <dt>"Remaining (total − committed)"</dt><dd>{a.remaining().to_string()}</dd>
            <dt>"Unspent (total − spent)"</dt><dd>{a.unspent().to_string()}</dd>
            <dt>"Utilisation"</dt><dd>{percent_text(a.utilisation_bp)}</dd>
            <dt>"Period"</dt><dd>{format::period(a.period.start(), a.period.end())}</dd>
        </dl>
    }
    .into_any()
}

/// The agreement page's figures and commitments.
pub fn agreement_sections(key: &str, editing: &Editing<AgreementView, Choices>) -> AnyView {
    let Some(agreement) = editing.record.clone() else {
        return ().into_any();
    };
    let key = key.to_string();
    // The figures as the donor sees them.
    let shown = agreement.shown.clone();
    view! {
        <section class="section" aria-labelledby="figures-heading">
            <h2 id="figures-heading">"Figures"</h2>
            {figures(&shown)}
            {spend_chart(&shown)}
            <p><a href=format!("/funding/report/{}", agreement.id)>"Printable report"</a>" · "<a href=format!("/export/iati/{}.xml", agreement.id)>"IATI activity XML"</a></p>
        </section>
        {loaded_quietly(agreement_commitments(key.clone()), move |data| view! {
            {reporting_figures(&data.reporting)}
            {commitments_section(&key, &agreement, data.clone())}
            {expenditures_section(&key, &agreement, data)}
        }
        .into_any())}
    }
    .into_any()
}

fn commitments_section(key: &str, agreement: &AgreementView, data: Commitments) -> AnyView {
    let flash = page_flash();
    let state = FormState::new("/api/funding/commit", flash.as_ref(), Default::default());
    let categories = Category::options();
    let currency = agreement.currency.code();
    let agreement_key = key.to_string();
    view! {
        <section class="section" aria-labelledby="commitments-heading">
            <h2 id="commitments-heading">"Commitments"</h2>
            <div class="table-wrap">
                <table class="data-table" data-testid="commitments">
                    <thead><tr><th scope="col">"Placement"</th><th scope="col">"Category"</th><th scope="col">"Amount"</th><th scope="col">"Note"</th><th scope="col">"When"</th></tr></thead>
                    <tbody>
                        {data.lines.iter().map(|l| view! {
                            <tr>
                                <td><a href=format!("/placements/{}", l.placement_id)>{l.placement.clone()}</a></td>
                                <td>{l.category.label()}</td>
                                <td class="nowrap">{l.amount.to_string()}</td>
                                <td>{l.note.clone().unwrap_or_default()}{l.override_reason.clone().map(|r| format!(" (over the total: {r})"))}</td>
                                <td class="nowrap">{format::timestamp(l.at)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {data.lines.is_empty().then(|| view! { <p class="empty">"Nothing committed yet."</p> })}
            {data.can_commit.then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/funding/commit" class="form form-wide" novalidate>
                        <h3>"Commit money to a placement"</h3>
                        {form_message(&state)}
                        {hidden("agreement", agreement_key)}
                        {select(&state, "placement", "Placement", data.placements.clone(), true)}
                        {select(&state, "category", "Category", categories, true)}
                        {Input::text("amount", "Amount").required().hint(&format!("In {currency}, like 12,500.00.")).render(&state)}
                        {Input::text("note", "Note").max_len(500).render(&state)}
                        {Input::text("override_reason", "Reason to commit past the total").max_len(1000).hint("Only when this commitment takes the agreement past its total.").render(&state)}
                        <div class="form-actions"><button type="submit" class="button">"Commit"</button></div>
                    </form>
                </EnhancedForm>
            })}
        </section>
    }
    .into_any()
}

/// The donor's funding: its agreements with their figures, the placements they fund, and the
/// reports shared with it.
#[component]
pub fn DonorFundingPage() -> impl IntoView {
    view! {
        {loaded(donor_funding(), move |data| view! {
            <PageHeader title="Your funding" lead="Your agreements, the placements they fund, and the reports shared with you."/>
            {donor_blocks(data)}
        }
        .into_any())}
    }
}

pub fn donor_blocks(data: FundingOfDonor) -> AnyView {
    view! {
        <section class="section" aria-labelledby="agreements-heading">
            <h2 id="agreements-heading">"Agreements"</h2>
            <p><a href="/export/funding.csv">"Export the figures (CSV)"</a>" · "<a href="/export/funded-placements.csv">"Export the placements (CSV)"</a>" · "<a href="/reports">"Shared reports"</a>" · "<a href="/reports/outcomes">"Outcomes by theme"</a></p>
            {data.agreements.is_empty().then(|| view! { <p class="empty">"No agreement yet."</p> })}
            {data.agreements.iter().zip(data.reporting.iter()).map(|(a, reporting)| view! {
                <h3>{format!("{} · {}", a.reference, a.title)}</h3>
                {figures(a)}
                {reporting_figures(reporting)}
                {spend_chart(a)}
                <p><a href=format!("/funding/report/{}", a.id)>"Printable report"</a></p>
            }).collect_view()}
        </section>
        <section class="section" aria-labelledby="funded-heading">
            <h2 id="funded-heading">"Placements funded"</h2>
            <p data-testid="funded-count">
                {format!("{} funded in all, {} under way. ", data.placements_funded, data.placements_under_way)}
                <a href="/placements">"All funded placements"</a>
            </p>
            <ul class="waiting" data-testid="funded-placements">
                {data.placements.iter().map(|(id, officer, host, state)| view! {
                    <li><a href=format!("/placements/{id}")>{format!("{officer} at {host}")}</a>" "<span class="muted">{state.clone()}</span></li>
                }).collect_view()}
            </ul>
            {data.placements.is_empty().then(|| view! { <p class="empty">"No funded placement is under way."</p> })}
        </section>
        <section class="section" aria-labelledby="shared-heading">
            <h2 id="shared-heading">"Reports shared with you"</h2>
            <ul class="waiting" data-testid="shared-reports">
                {data.reports.iter().map(|(id, title, officer)| view! { <li><a href=format!("/reports/{id}")>{title.clone()}</a>{format!(" · {officer}")}</li> }).collect_view()}
            </ul>
            {(data.reports.len() == DONOR_REPORTS_SHOWN).then(|| view! { <p><a href="/reports">"All shared reports"</a></p> })}
            {data.reports.is_empty().then(|| view! { <p class="empty">"No report has been shared yet."</p> })}
        </section>
    }
    .into_any()
}

fn expenditures_section(key: &str, agreement: &AgreementView, data: Commitments) -> AnyView {
    let flash = page_flash();
    let state = FormState::new("/api/funding/spend", flash.as_ref(), Default::default()).with_ids("spend");
    let categories = Category::options();
    let currencies: Vec<(String, String)> = super::CURRENCIES.iter().map(|c| (c.to_string(), c.to_string())).collect();
    let own = agreement.currency.code();
    let agreement_key = key.to_string();
    let form_key = key.to_string();
    let rate_label = format!("Rate to {own} (optional)");
    let can = data.can_commit;
    view! {
        <section class="section" aria-labelledby="spending-heading">
            <h2 id="spending-heading">"Expenditures"</h2>
            <p><a href="/funding/rates">"Exchange rates"</a></p>
            <div class="table-wrap">
                <table class="data-table" data-testid="expenditures">
                    <thead><tr>
                        <th scope="col">"Date"</th><th scope="col">"Placement"</th><th scope="col">"Category"</th>
                        <th scope="col">"Amount"</th><th scope="col">"Rate"</th><th scope="col">{format!("In {own}")}</th>
                        <th scope="col">"Evidence"</th><th scope="col"><span class="visually-hidden">"Correction"</span></th>
                    </tr></thead>
                    <tbody>
                        {data.expenditures.iter().map(|e| {
                            let reversible = can && !e.reversed && e.reason.is_none();
                            let (id, agreement_key) = (e.id.clone(), agreement_key.clone());
                            view! {
                                <tr>
                                    <td class="nowrap">{format::date(e.date)}</td>
                                    <td>{e.placement.clone()}</td>
                                    <td>{e.category.label()}</td>
                                    <td class="nowrap">{e.amount.to_string()}</td>
                                    <td>{e.rate.clone()}<br/><span class="muted">{e.rate_source.clone()}</span></td>
                                    <td class="nowrap">{e.converted.to_string()}</td>
                                    <td>{e.evidence.clone()}{e.reason.clone().map(|r| view! { <br/><span class="muted">{format!("Correction: {r}")}</span> })}{e.reversed.then_some(" (reversed)")}</td>
                                    <td>{reversible.then(|| view! {
                                        <form method="post" action="/api/funding/reverse" class="inline-form">
                                            {hidden("agreement", agreement_key)}
                                            {hidden("expenditure", id)}
                                            <label class="visually-hidden" for=format!("reason-{}", e.id)>"Reason for the correction"</label>
                                            <input id=format!("reason-{}", e.id) type="text" name="reason" placeholder="Reason for the correction" maxlength="500" required/>
                                            <button type="submit" class="button-link danger">"Reverse"</button>
                                        </form>
                                    })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {data.expenditures.is_empty().then(|| view! { <p class="empty">"Nothing spent yet."</p> })}
            {(can && !data.committed.is_empty()).then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/funding/spend" class="form form-wide" novalidate>
                        <h3>"Record an expenditure"</h3>
                        {form_message(&state)}
                        {hidden("agreement", form_key)}
                        {select(&state, "placement", "Placement", data.committed.clone(), true)}
                        {select(&state, "category", "Category", categories, true)}
                        {Input::text("date", "Date").kind("date").required().render(&state)}
                        {Input::text("amount", "Amount").required().render(&state)}
                        {select(&state, "currency", "Currency", currencies, true)}
                        {Input::text("rate", &rate_label).hint("Empty: the latest rate of the rates table on or before the date.").render(&state)}
                        {Input::text("rate_source", "Source of the rate").max_len(200).hint("Only with a rate entered here.").render(&state)}
                        {Input::text("evidence", "Evidence reference").required().max_len(200).hint("Receipt, voucher or payment number.").render(&state)}
                        <div class="form-actions"><button type="submit" class="button">"Record"</button></div>
                    </form>
                </EnhancedForm>
            })}
        </section>
    }
    .into_any()
}

/// The dated exchange rates: the latest 200, a form to add one, and a CSV import.
#[component]
pub fn RatesPage() -> impl IntoView {
    view! {
        {loaded(super::api::list_rates(), move |rates| {
            let flash = page_flash();
            let add = FormState::new("/api/funding/rates/add", flash.as_ref(), Default::default()).with_ids("rate");
            let import = FormState::new("/api/funding/rates/import", flash.as_ref(), Default::default());
            view! {
                <PageHeader title="Exchange rates" lead="Dated rates: an expenditure in another currency takes the latest one on or before its date."/>
                <div class="table-wrap">
                    <table class="data-table" data-testid="rates">
                        <thead><tr><th scope="col">"Date"</th><th scope="col">"Pair"</th><th scope="col">"Rate"</th><th scope="col">"Source"</th></tr></thead>
                        <tbody>
                            {rates.iter().map(|r| view! {
                                <tr><td class="nowrap">{format::date(r.date)}</td><td>{format!("{} → {}", r.from, r.to)}</td><td>{r.rate.clone()}</td><td>{r.source.clone()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {rates.is_empty().then(|| view! { <p class="empty">"No rates yet."</p> })}
                <section class="section" aria-labelledby="add-rate-heading">
                    <h2 id="add-rate-heading">"Add a rate"</h2>
                    <EnhancedForm>
                        <form method="post" action="/api/funding/rates/add" class="form form-inline" novalidate>
                            {form_message(&add)}
                            {Input::text("date", "Date").kind("date").required().render(&add)}
                            {Input::text("from", "From").required().max_len(3).hint("THB").render(&add)}
                            {Input::text("to", "To").required().max_len(3).hint("AUD").render(&add)}
                            {Input::text("rate", "Rate").required().hint("1 From buys this many To.").render(&add)}
                            {Input::text("source", "Source").required().max_len(200).render(&add)}
                            <div class="form-actions"><button type="submit" class="button-secondary">"Add"</button></div>
                        </form>
                    </EnhancedForm>
                </section>
                <section class="section" aria-labelledby="import-heading">
                    <h2 id="import-heading">"Import rates"</h2>
                    <EnhancedForm>
                        <form method="post" action="/api/funding/rates/import" class="form form-wide" novalidate>
                            {form_message(&import)}
                            <div class="field">
                                <label for="f-csv">"Rates as CSV"</label>
                                <p class="field-hint">"One rate a line: date,from,to,rate,source. All are imported, or none."</p>
                                <textarea id="f-csv" name="csv" rows="8">{import.value("csv")}</textarea>
                                <p class="field-error" data-error-for="csv" role="alert">{import.error("csv")}</p>
                            </div>
                            <div class="form-actions"><button type="submit" class="button-secondary">"Import"</button></div>
                        </form>
                    </EnhancedForm>
                </section>
            }
            .into_any()
        })}
    }
}

/// An agreement's report to print (or save as PDF from the browser): a cover, the figures and
/// the chart, the placements funded and the outcomes of the reports shared.
#[component]
pub fn AgreementReportPage() -> impl IntoView {
    let id = leptos_router::hooks::use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    view! {
        {loaded(agreement_report(id.clone()), move |r| {
            let a = &r.agreement;
            view! {
                <article class="printable">
                    <header class="print-cover">
                        <p class="muted">"Regional Support Office · Secondment programme"</p>
                        <h1>{format!("{} — {}", a.reference, a.title)}</h1>
                        <p class="lead">{format!("{} · {} · {}", a.donor, a.currency.code(), format::period(a.period.start(), a.period.end()))}</p>
                        <p class="muted">{format!("Report of {}", format::date(r.printed_on))}</p>
                    </header>
                    <section class="section"><h2>"Figures"</h2>{figures(a)}{reporting_figures(&r.reporting)}{spend_chart(a)}</section>
                    <section class="section">
                        <h2>"Placements funded"</h2>
                        <table class="data-table" data-testid="report-placements">
                            <thead><tr><th scope="col">"Officer"</th><th scope="col">"Sending agency"</th><th scope="col">"Host agency"</th><th scope="col">"Period"</th><th scope="col">"State"</th></tr></thead>
                            <tbody>{r.placements.iter().map(|(officer, sending, host, period, state)| view! {
                                <tr><td>{officer.clone()}</td><td>{sending.clone()}</td><td>{host.clone()}</td><td class="nowrap">{period.clone()}</td><td>{state.clone()}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                    </section>
                    <section class="section">
                        <h2>"Outcomes by theme"</h2>
                        {r.outcomes.is_empty().then(|| view! { <p class="empty">"No shared report names a theme yet."</p> })}
                        <ul>{r.outcomes.iter().map(|(theme, n)| view! { <li>{format!("{theme}: {n} report{}", if *n == 1 { "" } else { "s" })}</li> }).collect_view()}</ul>
                    </section>
                </article>
            }
            .into_any()
        })}
    }
}
