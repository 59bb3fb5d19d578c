//! One placement's page: the people, the dates with their history, the state, the reports, and
//! a coordinator's forms to invite the secondee, extend, end early or cancel (each works
//! without JavaScript); the funding donor's page of it.

use super::*;

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
pub(super) fn heading(officer: &str, sending: &str, host: &str, state: PlacementState, overlap: bool) -> AnyView {
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
pub(super) fn date_facts(d: crate::placements::rules::Dates, state: PlacementState) -> AnyView {
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

pub(super) fn reports_section(reports: &[crate::reports::ReportSummary], empty: &'static str) -> AnyView {
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
pub(super) fn donor_detail(p: DonorPlacementView) -> AnyView {
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

pub(super) fn detail(p: PlacementView) -> AnyView {
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
pub(super) fn named(name: &str, email: &str) -> String {
    if email.is_empty() {
        name.to_string()
    } else {
        format!("{name} <{email}>")
    }
}

pub(super) fn event_text(e: &crate::placements::PlacementEvent) -> String {
    let dates = match (e.old_end, e.new_end) {
        (Some(old), Some(new)) => format!(" ({} → {})", format::date(old), format::date(new)),
        _ => String::new(),
    };
    let what = e.kind.label();
    format!("{what}{dates}")
}

/// The coordinator's "invite secondee": makes or links the account and e-mails the invitation.
pub(super) fn invite(p: &PlacementView) -> AnyView {
    let flash = page_flash();
    let form = FormState::new("/api/placements/invite-secondee", flash.as_ref(), Default::default());
    let label = if p.secondee == crate::placements::SecondeeAccount::None {
        "Invite secondee"
    } else {
        "Send the invitation again"
    };
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

pub(super) fn actions(p: &PlacementView) -> AnyView {
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
