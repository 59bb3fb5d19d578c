//! The reports list and a report's page: its author's form (save a draft, submit), a
//! coordinator's review forms (accept, return, reopen, cancel or waive, share, move the due
//! date), every submitted version and the history. Every form works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::cycles::{Author, ReportKind};
use super::{
    get_report, list_reports, DonorReportView, ReportContent, ReportDetail, ReportState, ReportSummary, ReportView,
};
use crate::reference::reference_choices;
use crate::ui::fields::{file_actions, form_message, hidden, FormState, Input};
use crate::ui::format;
use crate::ui::layout::loaded_quietly;
use crate::ui::layout::{error_view, page_flash};
use crate::ui::lists::{current_query, filter_form, pager, sort_header, SelectFilter};
use crate::ui::{EnhancedForm, PageHeader};

pub fn state_badge(state: ReportState, overdue: bool) -> impl IntoView {
    view! {
        <span class=format!("state state-report-{}", state.as_str())>{state.label()}</span>
        {overdue.then(|| view! { " " <span class="state state-overdue">"Overdue"</span> })}
    }
}

/// One report in a short list (home pages, a placement's page).
pub fn report_line(r: &ReportSummary) -> AnyView {
    view! {
        <li>
            <a href=format!("/reports/{}", r.id)>{format!("{} · {}", r.kind.label(), r.officer_name)}</a>
            " "<span class="muted">{format!("{} · due {}", format::period(r.period_start, r.period_end), format::date(r.due_date))}</span>" "
            {state_badge(r.state, r.overdue)}
        </li>
    }
    .into_any()
}

/// The reports block of the home page (see `service::overview`).
#[component]
pub fn ReportsAtGlance() -> impl IntoView {
    view! {
        {loaded_quietly(super::reports_overview(), move |sections| view! {
            <section class="section" aria-labelledby="reports-glance-heading">
                <h2 id="reports-glance-heading">"Reports"</h2>
                {sections.into_iter().map(|s| {
                    let heading_id = format!("{}-heading", s.id);
                    view! {
                        <h3 id=heading_id.clone()>{s.heading.clone()}</h3>
                        {if s.reports.is_empty() {
                            view! { <p class="empty">{s.empty.clone()}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="waiting" aria-labelledby=heading_id data-testid=s.id.clone()>{s.reports.iter().map(report_line).collect_view()}</ul>
                                <p class="see-all"><a href=s.list.clone()>{format!("See all: {}", s.heading.to_lowercase())}</a></p>
                            }.into_any()
                        }}
                    }
                }).collect_view()}
                <p><a href="/reports">"All reports"</a></p>
            </section>
        }
        .into_any())}
    }
}

async fn filters(staff: bool) -> Vec<SelectFilter> {
    let mut states: Vec<(String, String)> =
        ReportState::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect();
    states.insert(0, ("overdue".into(), "Overdue".into()));
    let kinds = ReportKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect();
    let authors = [Author::Secondee, Author::Host, Author::Coordinator]
        .iter()
        .map(|a| (a.as_str().to_string(), a.label().to_string()))
        .collect();
    let mut selects = vec![("status", "State", states), ("kind", "Kind", kinds), ("role", "Author", authors)];
    if staff {
        let choices = reference_choices().await.unwrap_or_default();
        selects.push(("agency", "Sending agency", choices.agencies.clone()));
        selects.push(("host", "Host agency", choices.agencies.clone()));
    }
    selects
}

/// Whether the list is in the order it opens on (see the reports service's sorts).
fn opens_on_attention(query: &crate::listing::ListQuery) -> bool {
    let owed = matches!(query.status.as_str(), "owed" | "overdue");
    !owed && (query.sort.is_empty() || query.sort == "attention")
}

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

#[component]
pub fn ReportPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match get_report(id.clone()).await {
                    Err(e) => error_view(e),
                    Ok(ReportDetail::Full(report)) => detail(report),
                    Ok(ReportDetail::Donor(report)) => donor_detail(report),
                }
            })}
        </Suspense>
    }
}

fn content_view(content: &ReportContent) -> AnyView {
    let section = |title: &'static str, text: &str| {
        let text = if text.is_empty() { "—".to_string() } else { text.to_string() };
        view! { <dt>{title}</dt><dd class="pre">{text}</dd> }
    };
    let themes = content.themes.iter().map(|(_, name)| name.clone()).collect::<Vec<_>>().join(", ");
    view! {
        <dl class="facts">
            {section("Activities", &content.activities)}
            {section("Outcomes", &content.outcomes)}
            {section("Challenges", &content.challenges)}
            {section("Next steps", &content.next_steps)}
            {section("Themes advanced", &themes)}
        </dl>
    }
    .into_any()
}

fn heading(s: &ReportSummary) -> AnyView {
    let title = format!("{} — {}", s.kind.label(), s.officer_name);
    let lead = format!("{} · due {}", format::period(s.period_start, s.period_end), format::date(s.due_date));
    let (state, overdue) = (s.state, s.overdue);
    view! { <PageHeader title=title lead=lead>{state_badge(state, overdue)}</PageHeader> }.into_any()
}

/// Links to a version's files, as (id, file name).
fn version_files(documents: &[(String, String)]) -> AnyView {
    (!documents.is_empty())
        .then(|| {
            view! {
                <p>"Attachments: "{documents.iter().map(|(id, name)| view! {
                    <a href=format!("/reports/documents/{id}")>{name.clone()}</a>" "
                }).collect_view()}</p>
            }
        })
        .into_any()
}

/// The donor's page of a report shared with it: the version shared, with its files.
fn donor_detail(r: DonorReportView) -> AnyView {
    let s = &r.summary;
    view! {
        {heading(s)}
        <dl class="facts">
            <dt>"Placement"</dt><dd><a href=format!("/placements/{}", s.placement_id)>{format!("{} → {}", s.sending_agency, s.host_agency)}</a></dd>
            <dt>"Written by"</dt><dd>{r.author_label.clone()}</dd>
            <dt>"Version shared"</dt><dd>{s.submitted_at.map(|at| format!("Version {}, submitted {}", r.version, format::timestamp(at))).unwrap_or_else(|| format!("Version {}", r.version))}</dd>
        </dl>
        <section class="section" aria-labelledby="versions-heading">
            <h2 id="versions-heading">"The report"</h2>
            {content_view(&r.content)}
            {version_files(&r.documents)}
        </section>
    }
    .into_any()
}

fn detail(r: ReportView) -> AnyView {
    let s = r.summary.clone();
    view! {
        {heading(&s)}
        <dl class="facts">
            <dt>"Placement"</dt><dd><a href=format!("/placements/{}", s.placement_id)>{format!("{} → {}", s.sending_agency, s.host_agency)}</a></dd>
            <dt>"Written by"</dt><dd>{r.author_label.clone()}</dd>
            {r.resubmit_by.map(|day| view! { <dt>"Resubmit by"</dt><dd>{format::date(day)}</dd> })}
            {r.reason.clone().map(|reason| view! { <dt>"Reason"</dt><dd class="pre">{reason}</dd> })}
            <dt>"Shared with the donor"</dt><dd>{if s.shared_with_donor { "Yes" } else { "No" }}</dd>
        </dl>
        {attachments(&r)}
        {if r.can_write { author_form(&r) } else { ().into_any() }}
        {r.can_review.then(|| review_forms(&r))}
        <section class="section" aria-labelledby="versions-heading">
            <h2 id="versions-heading">"Submitted versions"</h2>
            {r.versions.is_empty().then(|| view! { <p class="empty">"Not submitted yet."</p> })}
            {r.versions.iter().enumerate().map(|(i, version)| view! {
                <details class="version" open=i == 0>
                    <summary>{format!("Version {} · {} · {}", version.version, format::timestamp(version.at), version.author)}</summary>
                    {content_view(&version.content)}
                    {version_files(&version.documents)}
                </details>
            }).collect_view()}
        </section>
        <section class="section" aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            <ol class="timeline">
                {r.history.iter().map(|e| view! {
                    <li>
                        <span class="muted nowrap">{format::timestamp(e.at)}</span>" · "<strong>{e.actor.clone()}</strong>" · "{e.kind.replace('_', " ")}
                        {e.note.clone().map(|n| view! { <p class="pre">{n}</p> })}
                    </li>
                }).collect_view()}
            </ol>
            {r.history.is_empty().then(|| view! { <p class="empty">"Planned; nothing has happened yet."</p> })}
        </section>
    }
    .into_any()
}

/// The files attached to the report, and the author's upload form while it is owed.
fn attachments(r: &ReportView) -> AnyView {
    let action = format!("/reports/{}/documents", r.summary.id);
    let flash = page_flash();
    let upload = FormState::new(&action, flash.as_ref(), Default::default());
    let can_write = r.can_write;
    let documents = r.documents.clone();
    if documents.is_empty() && !can_write {
        return ().into_any();
    }
    view! {
        <section class="section" aria-labelledby="files-heading">
            <h2 id="files-heading">"Attachments"</h2>
            <ul class="documents">
                {documents.iter().map(|d| {
                    let base = format!("/reports/{}/documents/{}", r.summary.id, d.id);
                    view! {
                        <li>
                            <a href=format!("/reports/documents/{}", d.id)>{d.file_name.clone()}</a>" "
                            <span class="muted">{format!("({} KB)", (d.size + 1023) / 1024)}</span>
                            {d.sent_with.map(|v| view! { " "<span class="muted">{format!("sent with version {v}")}</span> })}
                            // A file sent with a version stays with it.
                            {(can_write && d.sent_with.is_none()).then(|| file_actions(&base, &d.id, &d.file_name))}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {documents.is_empty().then(|| view! { <p class="empty">"No files attached."</p> })}
            {can_write.then(|| view! {
                <form method="post" action=action.clone() enctype="multipart/form-data" class="form form-inline" data-plain="">
                    {form_message(&upload)}
                    <div class="field">
                        <label for="f-file">"Attach a file (photos, minutes, a presentation as PDF)"</label>
                        <p class="field-hint">"PDF, PNG or JPEG, at most 10 MB; at most 5 files."</p>
                        <input id="f-file" type="file" name="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg" required/>
                        <p class="field-error" data-error-for="file" role="alert">{upload.error("file")}</p>
                    </div>
                    <div class="form-actions"><button type="submit" class="button-secondary">"Upload"</button></div>
                </form>
            })}
        </section>
    }
    .into_any()
}

fn textarea(state: &FormState, name: &'static str, label: &'static str, required: bool) -> AnyView {
    let id = format!("f-{name}");
    let error = state.error(name);
    let invalid = error.is_some();
    let value = state.value(name);
    view! {
        <div class="field" class:has-error=invalid>
            <label for=id.clone()>{label}{required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            <textarea id=id.clone() name=name rows="6" maxlength="10000" aria-invalid=invalid.then_some("true") aria-describedby=format!("{id}-error")>{value}</textarea>
            <p class="field-error" id=format!("{id}-error") data-error-for=name role="alert">{error}</p>
        </div>
    }
    .into_any()
}

/// The author's form: the draft's sections and themes; "Save draft" or "Submit".
fn author_form(r: &ReportView) -> AnyView {
    let flash = page_flash();
    let draft = r.draft.clone().unwrap_or_default();
    let defaults = crate::ui::fields::values([
        ("activities", draft.activities),
        ("outcomes", draft.outcomes),
        ("challenges", draft.challenges),
        ("next_steps", draft.next_steps),
    ]);
    let state = FormState::new("/api/reports/save", flash.as_ref(), defaults);
    let chosen: Vec<String> = draft.themes.iter().map(|(k, _)| k.clone()).collect();
    let themes_error = state.error("themes");
    let id = r.summary.id.clone();
    let choices = r.theme_choices.clone();
    view! {
        <section class="section" aria-labelledby="write-heading">
            <h2 id="write-heading">"Write the report"</h2>
            <EnhancedForm>
                <form method="post" action="/api/reports/save" class="form form-wide" novalidate>
                    {form_message(&state)}
                    {hidden("id", id)}
                    {textarea(&state, "activities", "Activities", true)}
                    {textarea(&state, "outcomes", "Outcomes", true)}
                    {textarea(&state, "challenges", "Challenges", false)}
                    {textarea(&state, "next_steps", "Next steps", false)}
                    <fieldset class="fieldset">
                        <legend>"Themes advanced"</legend>
                        {choices.into_iter().map(|(key, name)| {
                            let input_id = format!("theme-{key}");
                            let checked = chosen.contains(&key);
                            view! {
                                <div class="field field-check">
                                    <input id=input_id.clone() type="checkbox" name="themes[]" value=key checked=checked/>
                                    <label for=input_id>{name}</label>
                                </div>
                            }
                        }).collect_view()}
                        <p class="field-error" data-error-for="themes" role="alert">{themes_error}</p>
                    </fieldset>
                    <div class="form-actions">
                        <button type="submit" name="intent" value="draft" class="button-secondary">"Save draft"</button>
                        <button type="submit" name="intent" value="submit" class="button">"Submit the report"</button>
                    </div>
                </form>
            </EnhancedForm>
        </section>
    }
    .into_any()
}

/// A coordinator's forms, by what the report's state allows.
fn review_forms(r: &ReportView) -> AnyView {
    let flash = page_flash();
    let state = |endpoint: &str, ids: &str| FormState::new(endpoint, flash.as_ref(), Default::default()).with_ids(ids);
    let s = &r.summary;
    let id = s.id.clone();
    let submitted = s.state == ReportState::Submitted;
    let accepted = s.state == ReportState::Accepted;
    let owed = s.state.is_owed();
    let (accept, ret, reopen, close, share, due) = (
        state("/api/reports/accept", "accept"),
        state("/api/reports/return", "return"),
        state("/api/reports/reopen", "reopen"),
        state("/api/reports/close", "close"),
        state("/api/reports/share", "share"),
        state("/api/reports/due-date", "due"),
    );
    let shared = s.shared_with_donor;
    let [id_accept, id_return, id_share, id_reopen, id_due, id_close] = std::array::from_fn(|_| id.clone());
    view! {
        <section class="section" aria-labelledby="review-heading">
            <h2 id="review-heading">"Review"</h2>
            {submitted.then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/reports/accept" class="inline-form">
                        {form_message(&accept)}
                        {hidden("id", id_accept)}
                        <button type="submit" class="button">"Accept"</button>
                    </form>
                </EnhancedForm>
                <EnhancedForm>
                    <form method="post" action="/api/reports/return" class="form form-wide" novalidate>
                        <h3>"Return to the author"</h3>
                        {form_message(&ret)}
                        {hidden("id", id_return)}
                        {textarea(&ret, "comment", "Comment for the author", true)}
                        {Input::text("resubmit_by", "Resubmit by").kind("date").required().render(&ret)}
                        <div class="form-actions"><button type="submit" class="button-secondary">"Return"</button></div>
                    </form>
                </EnhancedForm>
            })}
            {accepted.then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/reports/share" class="inline-form">
                        {form_message(&share)}
                        {hidden("id", id_share)}
                        {hidden("action", if shared { "unshare".to_string() } else { "share".to_string() })}
                        <button type="submit" class="button-secondary">{if shared { "Stop sharing with the donor" } else { "Share with the donor" }}</button>
                    </form>
                </EnhancedForm>
                <EnhancedForm>
                    <form method="post" action="/api/reports/reopen" class="form form-wide" novalidate>
                        <h3>"Reopen"</h3>
                        {form_message(&reopen)}
                        {hidden("id", id_reopen)}
                        {Input::text("reason", "Reason").required().max_len(2000).render(&reopen)}
                        <div class="form-actions"><button type="submit" class="button-secondary">"Reopen for review"</button></div>
                    </form>
                </EnhancedForm>
            })}
            {owed.then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/reports/due-date" class="form form-wide" novalidate>
                        <h3>"Move the due date"</h3>
                        {form_message(&due)}
                        {hidden("id", id_due)}
                        {Input::text("due_date", "New due date").kind("date").required().render(&due)}
                        {Input::text("reason", "Reason").required().max_len(2000).render(&due)}
                        <div class="form-actions"><button type="submit" class="button-secondary">"Move the due date"</button></div>
                    </form>
                </EnhancedForm>
                <EnhancedForm>
                    <form method="post" action="/api/reports/close" class="form form-wide" novalidate>
                        <h3>"Cancel or waive"</h3>
                        {form_message(&close)}
                        {hidden("id", id_close)}
                        {Input::text("reason", "Reason").required().max_len(2000).render(&close)}
                        <div class="form-actions">
                            <button type="submit" name="action" value="waive" class="button-secondary">"Waive"</button>
                            <button type="submit" name="action" value="cancel" class="button-secondary danger">"Cancel the report"</button>
                        </div>
                    </form>
                </EnhancedForm>
            })}
        </section>
    }
    .into_any()
}

/// One cycle's form: frequency, alignment, offsets. Locked once a report of it is submitted.
pub fn cycle_form(view: &super::CycleView, editable: bool) -> AnyView {
    use super::plan::{Alignment, Frequency};
    use crate::ui::fields::select;
    let c = &view.cycle;
    let reminders = c.reminder_offsets.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let defaults = crate::ui::fields::values([
        ("frequency", c.frequency.as_str().to_string()),
        ("alignment", c.alignment.as_str().to_string()),
        ("due_offset", c.due_offset.to_string()),
        ("reminder_offsets", reminders.clone()),
        ("escalation_offset", c.escalation_offset.to_string()),
    ]);
    let flash = page_flash();
    // The flash belongs to the form of the cycle it was posted for.
    let flash = flash.filter(|f| f.values.get("id").is_some_and(|id| *id == view.id));
    let state = FormState::new("/api/reports/cycles/save", flash.as_ref(), defaults).with_ids(&view.id);
    let frequencies = Frequency::ALL.iter().map(|f| (f.as_str().to_string(), f.label().to_string())).collect();
    let alignments = Alignment::ALL.iter().map(|a| (a.as_str().to_string(), a.label().to_string())).collect();
    let summary = format!(
        "{} · due {} days after each period · reminders {} days before · coordinators told {} days late",
        c.frequency.label(),
        c.due_offset,
        if reminders.is_empty() { "none".to_string() } else { reminders },
        c.escalation_offset
    );
    let heading = c.kind.label();
    if !editable || view.locked {
        let note = view.locked.then_some(" (a report of it was submitted, so it no longer changes)");
        return view! { <div class="cycle"><h3>{heading}</h3><p>{summary}{note}</p></div> }.into_any();
    }
    let (id, kind) = (view.id.clone(), c.kind.as_str().to_string());
    view! {
        <div class="cycle">
            <h3>{heading}</h3>
            <p class="muted">{summary}</p>
            <EnhancedForm>
                <form method="post" action="/api/reports/cycles/save" class="form form-inline" novalidate>
                    {form_message(&state)}
                    {hidden("id", id)}
                    {hidden("kind", kind)}
                    {select(&state, "frequency", "Frequency", frequencies, true)}
                    {select(&state, "alignment", "Periods", alignments, true)}
                    {Input::text("due_offset", "Due, days after the period").kind("number").required().render(&state)}
                    {Input::text("reminder_offsets", "Reminders, days before").hint("Separated by commas, like 14, 3.").render(&state)}
                    {Input::text("escalation_offset", "Coordinators told, days late").kind("number").required().render(&state)}
                    <div class="form-actions"><button type="submit" class="button-secondary">"Save the cycle"</button></div>
                </form>
            </EnhancedForm>
        </div>
    }
    .into_any()
}

/// The programme's default cycles, which each newly approved placement copies.
#[component]
pub fn CyclesPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let me = crate::auth::api::me().await.ok().flatten();
                let editable = me.is_some_and(|u| u.role == crate::auth::Role::Coordinator);
                match super::default_cycles().await {
                    Err(e) => error_view(e),
                    Ok(cycles) => view! {
                        <PageHeader title="Reporting cycles" lead="The programme's cycles. A placement copies them when it is approved; its own copy can then be changed on its page until a report is submitted."/>
                        <section class="section">
                            {cycles.iter().map(|c| cycle_form(c, editable)).collect_view()}
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
