//! One report's page: its content, versions and files for its readers; the funding donor's
//! shared copy.

use super::*;

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

pub(super) fn content_view(content: &ReportContent) -> AnyView {
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

pub(super) fn heading(s: &ReportSummary) -> AnyView {
    let title = format!("{} — {}", s.kind.label(), s.officer_name);
    let lead = format!("{} · due {}", format::period(s.period_start, s.period_end), format::date(s.due_date));
    let (state, overdue) = (s.state, s.overdue);
    view! { <PageHeader title=title lead=lead>{state_badge(state, overdue)}</PageHeader> }.into_any()
}

/// Links to a version's files, as (id, file name).
pub(super) fn version_files(documents: &[(String, String)]) -> AnyView {
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
pub(super) fn donor_detail(r: DonorReportView) -> AnyView {
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

pub(super) fn detail(r: ReportView) -> AnyView {
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
                        <span class="muted nowrap">{format::timestamp(e.at)}</span>" · "<strong>{e.actor.clone()}</strong>" · "{e.kind.label()}
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
pub(super) fn attachments(r: &ReportView) -> AnyView {
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
