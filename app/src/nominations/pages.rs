//! Nomination pages: the list (the nominator's own, the coordinators' review queue), the form,
//! and the nomination with its documents, actions and history.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{get_nomination, list_nominations, Action, NominationPage, NominationState, NominationView};
use crate::domain::{countries, languages};
use crate::reference::reference_choices;
use crate::ui::fields::{
    self, file_actions, form_message, grouped_select, hidden, multi_select, select, FormState, Input,
};
use crate::ui::format;
use crate::ui::layout::loaded;
use crate::ui::layout::{error_view, page_flash};
use crate::ui::lists::{current_query, filter_form, pager, sort_header};
use crate::ui::{EnhancedForm, PageHeader};

fn state_badge(state: NominationState) -> impl IntoView {
    view! { <span class=format!("state state-{}", state.as_str())>{state.label()}</span> }
}

#[component]
pub fn NominationsPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/nominations";
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let list = list_nominations(query.clone()).await;
                match list {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let staff = !data.can_create;
                        let choices = if staff { reference_choices().await.unwrap_or_default() } else { Default::default() };
                        let states = NominationState::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect();
                        let mut selects = vec![("status", "State", states)];
                        if staff {
                            selects.push(("member", "Sending member", choices.members.clone()));
                            selects.push(("agency", "Sending agency", choices.agencies.clone()));
                            selects.push(("host", "Host agency", choices.agencies.clone()));
                            selects.push(("theme", "Theme", choices.themes.clone()));
                        }
                        let title = if staff { "Nominations" } else { "Our nominations" };
                        view! {
                            <PageHeader title=title lead="Officers nominated for secondment, and where each nomination stands.">
                                {data.can_create.then(|| view! { <a class="button" href="/nominations/new">"New nomination"</a> })}
                            </PageHeader>
                            <ul class="state-counts" aria-label="Nominations by state">
                                {data.counts.iter().map(|(s, n)| view! {
                                    <li><a href=format!("/nominations?status={}", s.as_str())>{state_badge(*s)}" "<strong>{*n}</strong></a></li>
                                }).collect_view()}
                            </ul>
                            {filter_form(BASE, "/export/nominations.csv", &query, selects, Some(("Starting from", "Starting until")))}
                            <div class="table-wrap">
                                <table class="data-table">
                                    <thead>
                                        <tr>
                                            {sort_header(BASE, &query, "reference", "Reference")}
                                            {sort_header(BASE, &query, "officer", "Officer")}
                                            <th scope="col">"Sending agency"</th>
                                            <th scope="col">"Host agency"</th>
                                            {sort_header(BASE, &query, "start", "Period")}
                                            {sort_header(BASE, &query, "state", "State")}
                                            {sort_header(BASE, &query, "updated", "Updated")}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {data.page.items.iter().map(|n| view! {
                                            <tr>
                                                <td><a href=format!("/nominations/{}", n.id)>{n.reference.clone()}</a></td>
                                                <td>{n.officer_name.clone()}</td>
                                                <td>{format!("{} ({})", n.sending_agency, n.sending_member)}</td>
                                                <td>{n.host_agency.clone()}</td>
                                                <td class="nowrap">{format!("{} – {}", format::date(n.start_date), format::date(n.end_date))}</td>
                                                <td>{state_badge(n.state)}</td>
                                                <td class="nowrap">{format::timestamp(n.updated_at)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {data.page.items.is_empty().then(|| view! { <p class="empty">"No nominations match."</p> })}
                            {pager(BASE, &query, &data.page)}
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn key_param() -> String {
    use_params_map().with_untracked(|p| p.get("id").unwrap_or_default())
}

/// `/nominations/new` and `/nominations/:id/edit`.
#[component]
pub fn NominationEditPage() -> impl IntoView {
    let id = key_param();
    let id = if id == "new" { String::new() } else { id };
    // `/nominations/new?from=KEY`: a new draft filled from an earlier nomination.
    let from = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("from").unwrap_or_default());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let page = if id.is_empty() && !from.is_empty() {
                    super::start_from_nomination(from.clone()).await
                } else {
                    get_nomination(id.clone()).await
                };
                match page {
                    Err(e) => error_view(e),
                    Ok(page) if !page.can.edit => error_view(crate::error::AppError::Conflict(
                        "This nomination cannot be edited now.".into(),
                    )),
                    Ok(page) => nomination_form(&id, page),
                }
            })}
        </Suspense>
    }
}

fn nomination_form(id: &str, page: NominationPage) -> AnyView {
    let n = page.nomination.clone();
    let get = |f: fn(&NominationView) -> String| n.as_ref().map(f).unwrap_or_default();
    // A copy chooses its period again: the earlier one has passed or belongs to the earlier.
    let copied = page.copied_from.is_some();
    let date = |f: fn(&NominationView) -> String| if copied { String::new() } else { get(f) };
    let defaults = fields::values([
        ("officer_name", get(|n| n.officer_name.clone())),
        ("position", get(|n| n.position.clone())),
        ("work_email", get(|n| n.work_email.clone())),
        ("nationality", get(|n| n.nationality.clone())),
        ("languages", get(|n| n.languages.join(","))),
        ("expertise", get(|n| n.expertise.clone())),
        ("host_agency", get(|n| n.host_agency_id.clone())),
        ("themes", get(|n| n.themes.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>().join(","))),
        ("start_date", date(|n| format::date(n.start_date))),
        ("end_date", date(|n| format::date(n.end_date))),
        ("objectives", get(|n| n.objectives.clone())),
        ("justification", get(|n| n.justification.clone())),
    ]);
    let state = FormState::new("/api/nominations/save", page_flash().as_ref(), defaults);
    let chosen: Vec<String> = state.value("themes").split(',').map(str::to_string).collect();
    let title = match (&page.copied_from, &n) {
        (Some(reference), _) => format!("New nomination from {reference}"),
        (None, Some(n)) => format!("Edit {}", n.reference),
        (None, None) => "New nomination".into(),
    };
    let lead = if copied {
        "The officer and the secondment are copied; choose the period. Documents and history stay with the earlier nomination. It is saved as a new draft."
    } else {
        "The nomination is saved as a draft; submit it from its page when it is complete."
    };
    let back = if id.is_empty() { "/nominations".to_string() } else { format!("/nominations/{id}") };
    let themes_error = state.error("themes");
    let themes_invalid = themes_error.is_some();
    let id = id.to_string();
    view! {
        <PageHeader title=title lead=lead>
            <a class="button-link" href=back>"Cancel"</a>
        </PageHeader>
        <EnhancedForm>
            <form method="post" action="/api/nominations/save" class="form form-wide" novalidate>
                {form_message(&state)}
                {hidden("id", id.clone())}
                <fieldset class="fieldset">
                    <legend>"The officer"</legend>
                    {Input::text("officer_name", "Full name").required().max_len(120).render(&state)}
                    {Input::text("position", "Position and rank").required().max_len(160).render(&state)}
                    {Input::text("work_email", "Work e-mail").kind("email").required().max_len(254).render(&state)}
                    {nationality_field(&state, &page)}
                    {languages_field(&state, n.as_ref())}
                    {textarea(&state, "expertise", "Expertise", 2000, false)}
                </fieldset>
                <fieldset class="fieldset">
                    <legend>"The secondment"</legend>
                    {select(&state, "host_agency", "Proposed host agency", page.host_agencies.clone(), true)}
                    <fieldset class="fieldset field" class:has-error=themes_invalid>
                        <legend>"Themes" <span class="req" aria-hidden="true">" *"</span></legend>
                        <div class="checkbox-grid">
                            {page.themes.iter().map(|(key, name)| {
                                let checked = chosen.contains(key);
                                let input_id = format!("theme-{key}");
                                let label_for = input_id.clone();
                                view! {
                                    <label class="check" for=label_for>
                                        <input id=input_id type="checkbox" name="themes[]" value=key.clone() checked=checked/>
                                        {name.clone()}
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                        <p class="field-error" data-error-for="themes" role="alert">{themes_error}</p>
                    </fieldset>
                    <div class="field-row">
                        {Input::text("start_date", "Proposed start").kind("date").required().render(&state)}
                        {Input::text("end_date", "Proposed end").kind("date").required().hint("Between 1 and 24 months after the start.").render(&state)}
                    </div>
                    {textarea(&state, "objectives", "Objectives", 4000, true)}
                    {textarea(&state, "justification", "Justification", 4000, true)}
                </fieldset>
                <div class="form-actions"><button type="submit" class="button">"Save draft"</button></div>
            </form>
        </EnhancedForm>
    }
    .into_any()
}

/// Nationality from the list, the members' states first. What was typed before the list, when
/// it was not recognised, is shown so the nominator can choose the country it meant.
fn nationality_field(state: &FormState, page: &NominationPage) -> AnyView {
    let members: Vec<(String, String)> = page
        .member_countries
        .iter()
        .filter_map(|code| countries::name(code).map(|name| (code.clone(), name.to_string())))
        .collect();
    let others = countries::choices_except(&page.member_countries);
    let hint = page.nomination.as_ref().and_then(|n| n.nationality_as_written.clone()).map(|written| {
        format!("Recorded earlier as “{written}”, which is not a country in the list: choose the country.")
    });
    let mut groups = Vec::new();
    if !members.is_empty() {
        groups.push(("Member states", members));
    }
    groups.push(("All countries", others));
    grouped_select(state, "nationality", "Nationality", hint, groups)
}

fn languages_field(state: &FormState, n: Option<&NominationView>) -> AnyView {
    let mut hint = "Choose one or more (hold Ctrl, or ⌘ on a Mac, to choose several).".to_string();
    if let Some(written) = n.and_then(|n| n.languages_as_written.as_deref()) {
        hint.push_str(&format!(" Recorded earlier and not in the list: “{written}”."));
    }
    multi_select(state, "languages", "Languages", hint, languages::choices())
}

/// The officer's nationality as read on the page, flagged when it still needs a fix.
fn nationality_shown(n: &NominationView) -> AnyView {
    match (countries::name(&n.nationality), &n.nationality_as_written) {
        (Some(name), _) => name.to_string().into_any(),
        (None, Some(written)) => view! {
            {written.clone()}" "<span class="needs-fix">"not in the country list: to be fixed"</span>
        }
        .into_any(),
        (None, None) => "—".into_any(),
    }
}

fn languages_shown(n: &NominationView) -> AnyView {
    let names = languages::names(&n.languages);
    match &n.languages_as_written {
        Some(written) => {
            let text = if names.is_empty() { written.clone() } else { format!("{names}; {written}") };
            view! { {text}" "<span class="needs-fix">"not in the language list: to be fixed"</span> }.into_any()
        }
        None if names.is_empty() => "—".into_any(),
        None => names.into_any(),
    }
}

fn textarea(state: &FormState, name: &str, label: &str, max: usize, required: bool) -> AnyView {
    let id = format!("f-{name}");
    let error = state.error(name);
    let invalid = error.is_some().then_some("true");
    view! {
        <div class="field" class:has-error=invalid.is_some()>
            <label for=id.clone()>{label.to_string()}{required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            <textarea id=id.clone() name=name.to_string() rows="4" maxlength=max.to_string() required=required aria-invalid=invalid aria-describedby=format!("{id}-error")>
                {state.value(name)}
            </textarea>
            <p class="field-error" id=format!("{id}-error") data-error-for=name.to_string() role="alert">{error}</p>
        </div>
    }
    .into_any()
}

fn action_label(action: Action) -> &'static str {
    match action {
        Action::Submit => "Submit to the RSO",
        Action::Resubmit => "Submit again",
        Action::Withdraw => "Withdraw nomination",
        Action::StartReview => "Start review",
        Action::RequestChanges => "Request changes",
        Action::Reject => "Reject",
        Action::Approve => "Approve and create the placement",
    }
}

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

fn detail(n: NominationView, page: NominationPage) -> AnyView {
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
                        view! {
                        <EnhancedForm>
                            <form method="post" action="/api/nominations/act" class="inline-form">
                                {hidden("id", action_id)}
                                {hidden("action", a.as_str().to_string())}
                                <button type="submit" class=if a == Action::Withdraw { "button-secondary" } else { "button" }>{action_label(a)}</button>
                            </form>
                        </EnhancedForm>
                    }}).collect_view()}
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
                <dt>"Sending agency"</dt><dd>{n.sending_agency.clone()}</dd>
                <dt>"Host agency"</dt><dd>{n.host_agency.clone()}</dd>
                <dt>"Period"</dt><dd>{format::period(n.start_date, n.end_date)}</dd>
                <dt>"Themes"</dt><dd>{n.themes.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>().join(", ")}</dd>
                <dt>"Objectives"</dt><dd class="pre">{n.objectives.clone()}</dd>
                <dt>"Justification"</dt><dd class="pre">{n.justification.clone()}</dd>
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
                            _ if h.documents => "documents".to_string(),
                            _ => "commented".to_string(),
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
