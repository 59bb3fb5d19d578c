//! The nomination form: a new draft, or an edit while it may be changed.

use super::*;

pub(super) fn key_param() -> String {
    use_params_map().with_untracked(|p| p.get("id").unwrap_or_default())
}

/// `/nominations/new` and `/nominations/:id/edit`.
#[component]
pub fn NominationEditPage() -> impl IntoView {
    let id = key_param();
    let id = if id == "new" { String::new() } else { id };
    // `/nominations/new?from=KEY`: a new draft filled from an earlier nomination.
    let from = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("from").unwrap_or_default());
    // `/nominations/new?call=KEY`: a new nomination answering a call, filled from its terms.
    let call = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("call").unwrap_or_default());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let page = if id.is_empty() && !from.is_empty() {
                    crate::nominations::start_from_nomination(from.clone()).await
                } else {
                    get_nomination(id.clone()).await
                };
                let call = match (id.is_empty(), call.is_empty()) {
                    (true, false) => crate::calls::get_call(call.clone()).await.map(|c| c.record),
                    _ => Ok(None),
                };
                match page.and_then(|page| Ok((page, call?))) {
                    Err(e) => error_view(e),
                    Ok((page, _)) if !page.can.edit => error_view(crate::error::AppError::Conflict(
                        "This nomination cannot be edited now.".into(),
                    )),
                    Ok((page, call)) => nomination_form(&id, page, call),
                }
            })}
        </Suspense>
    }
}

pub(super) fn nomination_form(id: &str, page: NominationPage, call: Option<crate::calls::CallView>) -> AnyView {
    let n = page.nomination.clone();
    let get = |f: fn(&NominationView) -> String| n.as_ref().map(f).unwrap_or_default();
    // A copy chooses its period again: the earlier one has passed or belongs to the earlier.
    let copied = page.copied_from.is_some();
    let date = |f: fn(&NominationView) -> String| if copied { String::new() } else { get(f) };
    let mut defaults = fields::values([
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
        (
            notice::FIELD,
            crate::resource::fields::ticked(
                !copied && n.as_ref().and_then(|n| n.notice.as_ref()).is_some_and(|c| c.is_current()),
            ),
        ),
    ]);
    // A call fills the host, the themes and the window; the nominator narrows the dates.
    if let Some(call) = &call {
        defaults.insert("call".into(), call.id.clone());
        defaults.insert("host_agency".into(), call.host_agency_id.clone());
        defaults.insert("themes".into(), call.themes.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>().join(","));
        defaults.insert("start_date".into(), call.window_start.to_string());
        defaults.insert("end_date".into(), call.window_end.to_string());
    }
    let state = FormState::new("/api/nominations/save", page_flash().as_ref(), defaults);
    let answering = answering(&state, call.as_ref(), n.as_ref());
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
                {answering}
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
                {privacy_notice(&state)}
                <div class="form-actions"><button type="submit" class="button">"Save draft"</button></div>
            </form>
        </EnhancedForm>
    }
    .into_any()
}

/// The call a nomination answers: for a new one, its terms and the hidden field that names it;
/// for a saved one, its name (the call stays the one it was created for).
fn answering(state: &FormState, call: Option<&crate::calls::CallView>, n: Option<&NominationView>) -> AnyView {
    let error = state.error("call");
    if let Some(call) = call {
        return view! {
            <section class="notice" data-testid="answering-call">
                <p><strong>{format!("Answering the call “{}” ({})", call.title, call.reference)}</strong></p>
                <p>{format!("Host {}; placements within {}; closes {} (office time).", call.host_agency, call.window(), call.closes_local)}</p>
                {hidden("call", state.value("call"))}
                <p class="field-error" data-error-for="call" role="alert">{error}</p>
            </section>
        }
        .into_any();
    }
    match n.and_then(|n| n.call.clone()) {
        Some((key, label)) => view! {
            <p class="notice" data-testid="answering-call">"Answers the call " <a href=format!("/calls/{key}")>{label}</a></p>
            <p class="field-error" data-error-for="call" role="alert">{error}</p>
        }
        .into_any(),
        None => view! { <p class="field-error" data-error-for="call" role="alert">{error}</p> }.into_any(),
    }
}

/// The privacy notice the officer is to be given, and the box in which the nominator confirms
/// it ([`notice`]): needed before the nomination is submitted, not to save a draft.
pub(super) fn privacy_notice(state: &FormState) -> AnyView {
    view! {
        <fieldset class="fieldset privacy-notice">
            <legend>"Privacy notice for the officer"</legend>
            {notice::TEXT.iter().map(|paragraph| view! { <p>{*paragraph}</p> }).collect_view()}
            {checkbox(state, notice::FIELD, notice::CONFIRMATION)}
            <p class="field-hint">"Needed before the nomination is submitted."</p>
        </fieldset>
    }
    .into_any()
}

/// Nationality from the list, the members' states first. What was typed before the list, when
/// it was not recognised, is shown so the nominator can choose the country it meant.
pub(super) fn nationality_field(state: &FormState, page: &NominationPage) -> AnyView {
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

pub(super) fn languages_field(state: &FormState, n: Option<&NominationView>) -> AnyView {
    let mut hint = "Choose one or more (hold Ctrl, or ⌘ on a Mac, to choose several).".to_string();
    if let Some(written) = n.and_then(|n| n.languages_as_written.as_deref()) {
        hint.push_str(&format!(" Recorded earlier and not in the list: “{written}”."));
    }
    multi_select(state, "languages", "Languages", hint, languages::choices())
}

/// The officer's nationality as read on the page, flagged when it still needs a fix.
pub(super) fn nationality_shown(n: &NominationView) -> AnyView {
    match (countries::name(&n.nationality), &n.nationality_as_written) {
        (Some(name), _) => name.to_string().into_any(),
        (None, Some(written)) => view! {
            {written.clone()}" "<span class="needs-fix">"not in the country list: to be fixed"</span>
        }
        .into_any(),
        (None, None) => "—".into_any(),
    }
}

pub(super) fn languages_shown(n: &NominationView) -> AnyView {
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

pub(super) fn textarea(state: &FormState, name: &str, label: &str, max: usize, required: bool) -> AnyView {
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

pub(super) fn action_label(action: Action) -> &'static str {
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
