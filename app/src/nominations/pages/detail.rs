//! One nomination's page: its facts, documents, history and the actions the caller may take.

use super::*;

/// `/nominations/:id`.
#[component]
pub fn NominationDetailPage() -> impl IntoView {
    let id = key_param();
    view! {
        {loaded(get_nomination(id.clone()), move |page| match page.nomination.clone() {
            None => error_view(crate::error::AppError::NotFound),
            Some(n) => detail(n, page),
        })}
    }
}

pub(super) fn detail(n: NominationView, page: NominationPage) -> AnyView {
    let flash = page_flash();
    let action_state = FormState::new(
        "/api/nominations/act",
        flash.as_ref(),
        fields::values([
            ("host_agency", n.host_agency_id.clone()),
            ("start_date", format::date(n.start_date)),
            ("end_date", format::date(n.end_date)),
        ]),
    );
    let comment_state = FormState::new("/api/nominations/comment", flash.as_ref(), Default::default());
    let upload_state = FormState::new(&format!("/nominations/{}/documents", n.id), flash.as_ref(), Default::default());
    let can = page.can.clone();
    let simple_actions: Vec<Action> = can
        .nominator_actions
        .iter()
        .chain(can.coordinator_actions.iter())
        .copied()
        .filter(|a| matches!(a, Action::Submit | Action::Resubmit | Action::Withdraw | Action::StartReview))
        .collect();
    let can_request = can.coordinator_actions.contains(&Action::RequestChanges);
    let can_reject = can.coordinator_actions.contains(&Action::Reject);
    let can_approve = can.coordinator_actions.contains(&Action::Approve);
    let id = n.id.clone();
    let edit_href = format!("/nominations/{}/edit", n.id);
    let start_from_href = format!("/nominations/new?from={}", n.id);
    let nomination_key = n.id.clone();
    let upload_action = format!("/nominations/{}/documents", n.id);
    let comment_id = n.id.clone();
    let request_id = n.id.clone();
    let message_state = action_state.clone();
    let has_actions = !simple_actions.is_empty() || can_request || can_reject || can_approve;
    let simple_actions = simple_actions.clone();
    let approve_id = n.id.clone();
    // A submission without a confirmed notice confirms it with the step.
    let notice_due = !n.notice.as_ref().is_some_and(|c| c.is_current());
    let notice_state = action_state.clone();
    view! {
        <PageHeader title=format!("{} · {}", n.reference, n.officer_name) lead=format!("{} → {}", n.sending_agency, n.host_agency)>
            {state_badge(n.state)}
            {can.edit.then(|| view! { <a class="button-secondary" href=edit_href>"Edit"</a> })}
            {can.start_from.then(|| view! { <a class="button-link" href=start_from_href>"Start a new nomination from this one"</a> })}
        </PageHeader>
        {n.placement_id.clone().map(|p| view! {
            <div class="notice notice-ok" role="status">"Approved: " <a href=format!("/placements/{p}")>"the placement"</a> " is planned."</div>
        })}
        {has_actions.then(|| view! {
            <section class="section no-print" aria-labelledby="actions-heading">
                <h2 id="actions-heading">"Actions"</h2>
                {form_message(&action_state)}
                <div class="action-row">
                    {simple_actions.into_iter().map(|a| {
                        let action_id = id.clone();
                        if notice_due && matches!(a, Action::Submit | Action::Resubmit) {
                            return submit_with_notice(&notice_state, action_id, a);
                        }
                        view! {
                        <EnhancedForm>
                            <form method="post" action="/api/nominations/act" class="inline-form">
                                {hidden("id", action_id)}
                                {hidden("action", a.as_str().to_string())}
                                <button type="submit" class=if a == Action::Withdraw { "button-secondary" } else { "button" }>{action_label(a)}</button>
                            </form>
                        </EnhancedForm>
                    }.into_any()}).collect_view()}
                </div>
                {(can_request || can_reject).then(|| view! {
                    <EnhancedForm>
                        <form method="post" action="/api/nominations/act" class="form form-wide" novalidate>
                            <div class="form-message" data-form-message="" role="alert" hidden=true></div>
                            {hidden("id", request_id)}
                            {textarea(&message_state, "message", "Message to the sending agency", 4000, false)}
                            <div class="form-actions">
                                {can_request.then(|| view! { <button type="submit" name="action" value="request_changes" class="button-secondary">"Request changes"</button> })}
                                {can_reject.then(|| view! { <button type="submit" name="action" value="reject" class="button-secondary danger">"Reject"</button> })}
                            </div>
                        </form>
                    </EnhancedForm>
                })}
                {can_approve.then(|| view! {
                    <EnhancedForm>
                        <form method="post" action="/api/nominations/act" class="form form-wide" novalidate>
                            <h3>"Approve"</h3>
                            <div class="form-message" data-form-message="" role="alert" hidden=true></div>
                            {hidden("id", approve_id)}
                            {hidden("action", "approve".to_string())}
                            {select(&action_state, "host_agency", "Host agency", page.host_agencies.clone(), true)}
                            {Input::text("supervisor_name", "Supervisor's name").required().max_len(120).render(&action_state)}
                            {Input::text("supervisor_email", "Supervisor's e-mail").kind("email").required().max_len(254).render(&action_state)}
                            <div class="field-row">
                                {Input::text("start_date", "Start").kind("date").required().render(&action_state)}
                                {Input::text("end_date", "End").kind("date").required().render(&action_state)}
                            </div>
                            <div class="form-actions"><button type="submit" class="button">{action_label(Action::Approve)}</button></div>
                        </form>
                    </EnhancedForm>
                })}
            </section>
        })}
        <section class="section" aria-labelledby="officer-heading">
            <h2 id="officer-heading">"Officer and secondment"</h2>
            <dl class="facts">
                <dt>"Officer"</dt><dd>{n.officer_name.clone()}</dd>
                <dt>"Position"</dt><dd>{n.position.clone()}</dd>
                <dt>"Work e-mail"</dt><dd>{n.work_email.clone()}</dd>
                <dt>"Nationality"</dt><dd>{nationality_shown(&n)}</dd>
                <dt>"Languages"</dt><dd>{languages_shown(&n)}</dd>
                <dt>"Expertise"</dt><dd class="pre">{n.expertise.clone()}</dd>
                {n.call.clone().map(|(key, label)| view! {
                    <dt>"Answers the call"</dt><dd data-testid="nomination-call"><a href=format!("/calls/{key}")>{label}</a></dd>
                })}
                <dt>"Sending agency"</dt><dd>{n.sending_agency.clone()}</dd>
                <dt>"Host agency"</dt><dd>{n.host_agency.clone()}</dd>
                <dt>"Period"</dt><dd>{format::period(n.start_date, n.end_date)}</dd>
                <dt>"Themes"</dt><dd>{n.themes.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>().join(", ")}</dd>
                <dt>"Objectives"</dt><dd class="pre">{n.objectives.clone()}</dd>
                <dt>"Justification"</dt><dd class="pre">{n.justification.clone()}</dd>
                <dt>"Privacy notice"</dt><dd>{notice_shown(n.notice.as_ref())}</dd>
            </dl>
        </section>
        <section class="section" aria-labelledby="docs-heading">
            <h2 id="docs-heading">"Documents"</h2>
            <ul class="documents">
                {n.documents.iter().map(|d| {
                    let base = format!("/nominations/{}/documents/{}", nomination_key, d.id);
                    view! {
                    <li>
                        <a href=format!("/documents/{}", d.id)>{d.file_name.clone()}</a>" "<span class="muted">{format!("({} KB)", (d.size + 1023) / 1024)}</span>
                        {can.edit.then(|| file_actions(&base, &d.id, &d.file_name))}
                    </li>
                }}).collect_view()}
            </ul>
            {n.documents.is_empty().then(|| view! { <p class="empty">"No documents attached."</p> })}
            {can.edit.then(|| view! {
                <form method="post" action=upload_action enctype="multipart/form-data" class="form form-inline" data-plain="">
                    {form_message(&upload_state)}
                    <div class="field">
                        <label for="f-file">"Attach a document (CV, endorsement letter)"</label>
                        <p class="field-hint">"PDF, PNG or JPEG, at most 10 MB; at most 5 documents."</p>
                        <input id="f-file" type="file" name="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg" required/>
                        <p class="field-error" data-error-for="file" role="alert">{upload_state.error("file")}</p>
                    </div>
                    <div class="form-actions"><button type="submit" class="button-secondary">"Upload"</button></div>
                </form>
            })}
        </section>
        <section class="section" aria-labelledby="history-heading">
            <h2 id="history-heading">"Status history and comments"</h2>
            <ol class="timeline">
                {n.history.iter().map(|h| view! {
                    <li>
                        <span class="muted nowrap">{format::timestamp(h.at)}</span>" · "<strong>{h.actor.clone()}</strong>" · "
                        {match (h.from_state, h.to_state) {
                            (Some(f), Some(t)) => format!("{} → {}", f.label(), t.label()),
                            _ => h.kind.label().to_string(),
                        }}
                        {h.message.clone().map(|m| view! { <p class="pre">{m}</p> })}
                    </li>
                }).collect_view()}
            </ol>
            {n.history.is_empty().then(|| view! { <p class="empty">"Nothing yet."</p> })}
            {can.comment.then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/nominations/comment" class="form form-wide" novalidate>
                        {form_message(&comment_state)}
                        {hidden("id", comment_id)}
                        {textarea(&comment_state, "message", "Add a comment", 4000, true)}
                        <div class="form-actions"><button type="submit" class="button-secondary">"Comment"</button></div>
                    </form>
                </EnhancedForm>
            })}
        </section>
    }
    .into_any()
}

/// The submit step of a nomination whose officer is not yet confirmed as told of the privacy
/// notice: the notice, its box and the button, in one form.
fn submit_with_notice(state: &FormState, id: String, action: Action) -> AnyView {
    let notice = super::form::privacy_notice(state);
    view! {
        <EnhancedForm>
            <form method="post" action="/api/nominations/act" class="form form-wide" novalidate>
                <div class="form-message" data-form-message="" role="alert" hidden=true></div>
                {hidden("id", id)}
                {hidden("action", action.as_str().to_string())}
                {notice}
                <div class="form-actions"><button type="submit" class="button">{action_label(action)}</button></div>
            </form>
        </EnhancedForm>
    }
    .into_any()
}

/// Who confirmed the notice and when, or that nobody has yet.
fn notice_shown(confirmation: Option<&notice::Confirmation>) -> String {
    match confirmation {
        Some(c) if c.is_current() => {
            format!("Given to the officer: confirmed by {} on {}", c.by, format::timestamp(c.at))
        }
        Some(c) => format!(
            "Confirmed by {} on {} for an earlier version of the notice: to be confirmed again on submission",
            c.by,
            format::timestamp(c.at)
        ),
        None => "Not yet confirmed: to be confirmed before submission".to_string(),
    }
}
