//! The public programme page with its form, the confirmation page, and the coordinators'
//! queue and enquiry page.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::*;
use crate::ui::fields::{checkbox, checkboxes, form_message, hidden, select, values, FormState, Input};
use crate::ui::format;
use crate::ui::layout::{loaded, page_flash};
use crate::ui::{EnhancedForm, PageHeader};

/// `/programme`: anyone, signed in or not.
#[component]
pub fn ProgrammePublicPage() -> impl IntoView {
    view! { {loaded(programme_page(), programme)} }
}

fn programme(page: ProgrammeContent) -> AnyView {
    let state = FormState::new("/api/programme/enquire", page_flash().as_ref(), Default::default());
    let mut members = page.members.clone();
    members.push((ANOTHER_STATE.to_string(), "Another state (not a member yet)".to_string()));
    let themes = page.themes.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join(" · ");
    view! {
        <PageHeader
            title="The regional secondment programme"
            lead="Member agencies second officers to each other and to the Regional Support Office in Bangkok for months at a time: to work side by side, share what works and build the links that cooperation runs on."
        />
        <section class="section" aria-labelledby="themes-heading">
            <h2 id="themes-heading">"Its themes"</h2>
            <p>{themes}</p>
        </section>
        <section class="section" aria-labelledby="public-calls-heading" data-testid="public-calls">
            <h2 id="public-calls-heading">"Open calls for nominations"</h2>
            {if page.calls.is_empty() {
                view! { <p class="empty">"No call is open to every member just now."</p> }.into_any()
            } else {
                view! {
                    <ul class="waiting">
                        {page.calls.iter().map(|c| view! {
                            <li>{format!("{} — {}, placements within {}, closes {} (Bangkok office time).", c.title, c.host_agency, c.window, c.closes)}</li>
                        }).collect_view()}
                    </ul>
                    <p class="muted">"Member agencies answer calls through their focal point in Secondment Hub."</p>
                }.into_any()
            }}
        </section>
        <section class="section" aria-labelledby="interest-heading">
            <h2 id="interest-heading">"Express your agency's interest"</h2>
            <p>"An agency of a member, or of a state that would like to explore this model, may tell us of its interest. We will e-mail you a link to confirm your address; then a coordinator will write to you."</p>
            <EnhancedForm>
                <form method="post" action="/api/programme/enquire" class="form form-wide" novalidate>
                    {form_message(&state)}
                    {hidden("started", page.form_started.clone())}
                    // People do not see this field; scripts fill it.
                    <div class="visually-hidden" aria-hidden="true">
                        <label for="f-website">"Leave this empty"</label>
                        <input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off"/>
                    </div>
                    {Input::text("agency_name", "Agency").required().max_len(160).render(&state)}
                    {select(&state, "member", "Member state", members, true)}
                    {Input::text("other_state", "The state, if not a member").max_len(120).render(&state)}
                    {Input::text("contact_name", "Your name").required().max_len(120).autocomplete("name").render(&state)}
                    {Input::text("email", "Work e-mail").kind("email").required().max_len(254).autocomplete("email").render(&state)}
                    {Input::text("contact_role", "Your role").required().max_len(160).render(&state)}
                    {checkboxes("themes", "Themes of interest", &page.themes, &[], &state)}
                    <fieldset class="fieldset">
                        <legend>"Your agency would like to"</legend>
                        {checkbox(&state, "hosting", "Host officers of other agencies")}
                        {checkbox(&state, "sending", "Send its officers to other agencies or the RSO")}
                    </fieldset>
                    {Input::text("message", "What are you interested in?").kind("textarea").max_len(2000).render(&state)}
                    <div class="form-actions"><button type="submit" class="button">"Send"</button></div>
                </form>
            </EnhancedForm>
            <p class="muted">"We keep what you send to answer you; an enquiry whose address is not confirmed within seven days is deleted."</p>
        </section>
    }
    .into_any()
}

/// `/programme/confirm?token=…`: a button, so that a mail scanner's visit confirms nothing.
#[component]
pub fn ConfirmEnquiryPage() -> impl IntoView {
    let token = use_query_map().with_untracked(|q| q.get("token").unwrap_or_default());
    let state = FormState::new("/api/programme/confirm", page_flash().as_ref(), Default::default());
    view! {
        <div class="auth-card">
            <PageHeader title="Confirm your address" lead="One step more: confirm that this address is yours, and your enquiry reaches the Regional Support Office."/>
            <EnhancedForm>
                <form method="post" action="/api/programme/confirm" class="form" novalidate>
                    {form_message(&state)}
                    {hidden("token", token)}
                    <p class="field-error" data-error-for="token" role="alert">{state.error("token")}</p>
                    <div class="form-actions"><button type="submit" class="button">"Confirm my address"</button></div>
                </form>
            </EnhancedForm>
        </div>
    }
}

/// `/interest`: the coordinators' queue.
#[component]
pub fn InterestQueuePage() -> impl IntoView {
    let status = use_query_map().with_untracked(|q| q.get("status").unwrap_or_default());
    view! {
        {loaded(list_enquiries(status), |list| view! {
            <PageHeader title="Expressions of interest" lead="Agencies that would like to join the programme, once they confirmed their address."/>
            <ul class="counts">
                <li><a href="/interest">"All"</a></li>
                {list.counts.iter().map(|(state, n)| view! {
                    <li><a href=format!("/interest?status={}", state.as_str())>{format!("{}: {n}", state.label())}</a></li>
                }).collect_view()}
            </ul>
            <div class="table-wrap">
                <table class="data-table">
                    <thead><tr><th scope="col">"Agency"</th><th scope="col">"State"</th><th scope="col">"Contact"</th><th scope="col">"Interest"</th><th scope="col">"Status"</th><th scope="col">"Received"</th></tr></thead>
                    <tbody>
                        {list.items.iter().map(|e| view! {
                            <tr>
                                <td><a href=format!("/interest/{}", e.id)>{e.agency_name.clone()}</a></td>
                                <td>{e.member.1.clone()}</td>
                                <td>{e.contact_name.clone()}</td>
                                <td>{e.interests()}</td>
                                <td>{e.state.label()}</td>
                                <td>{format::timestamp(e.created_at)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {list.items.is_empty().then(|| view! { <p class="empty">"No expressions of interest."</p> })}
        })}
    }
}

/// `/interest/:id`: an enquiry, its notes and moves, and the acceptance form.
#[component]
pub fn EnquiryPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    view! { {loaded(get_enquiry(id), enquiry_view)} }
}

fn enquiry_view(record: EnquiryRecord) -> AnyView {
    let e = record.enquiry;
    let mut members = record.members;
    members.push((ANOTHER_STATE.to_string(), "A new member".to_string()));
    let open = matches!(e.state, EnquiryState::New | EnquiryState::InDiscussion);
    let act = FormState::new("/api/interest/act", page_flash().as_ref(), values([("notes", e.notes.clone())]));
    let member_default = if e.member.0.is_empty() { ANOTHER_STATE.to_string() } else { e.member.0.clone() };
    let accept = FormState::new(
        "/api/interest/accept",
        page_flash().as_ref(),
        values([
            ("agency_name", e.agency_name.clone()),
            ("member", member_default),
            ("member_name", if e.member.0.is_empty() { e.member.1.clone() } else { String::new() }),
            ("hosts", if e.hosting { "on".into() } else { String::new() }),
            ("sends", if e.sending { "on".into() } else { String::new() }),
            ("contact_name", e.contact_name.clone()),
            ("contact_email", e.email.clone()),
        ]),
    )
    .with_ids("accept");
    let (act_id, accept_id) = (e.id.clone(), e.id.clone());
    view! {
        <PageHeader title=format!("{} · {}", e.agency_name, e.reference) lead=e.state.label().to_string()>
            <a class="button-link" href="/interest">"Back to expressions of interest"</a>
        </PageHeader>
        <dl class="facts" data-testid="enquiry">
            <dt>"State"</dt><dd>{if e.member.0.is_empty() { format!("{} (not a member)", e.member.1) } else { e.member.1.clone() }}</dd>
            <dt>"Contact"</dt><dd>{format!("{}, {} <{}>", e.contact_name, e.contact_role, e.email)}</dd>
            <dt>"Would like to"</dt><dd>{e.interests()}</dd>
            <dt>"Themes"</dt><dd>{e.themes.join(", ")}</dd>
            <dt>"Message"</dt><dd class="prose">{e.message.clone()}</dd>
            <dt>"Received"</dt><dd>{format::timestamp(e.created_at)}</dd>
            {e.decline_reason.clone().map(|r| view! { <dt>"Declined because"</dt><dd>{r}</dd> })}
            {e.agency.clone().map(|(key, name)| view! { <dt>"Agency"</dt><dd><a href=format!("/admin/agencies/{key}")>{name}</a></dd> })}
        </dl>
        {open.then(|| view! {
            <section class="section" aria-labelledby="notes-heading">
                <h2 id="notes-heading">"Notes and next step"</h2>
                <EnhancedForm>
                    <form method="post" action="/api/interest/act" class="form" novalidate>
                        {form_message(&act)}
                        {hidden("id", act_id)}
                        {Input::text("notes", "Notes (for coordinators)").kind("textarea").max_len(4000).render(&act)}
                        {Input::text("reason", "Reason, when declining (e-mailed to the contact)").kind("textarea").max_len(2000).render(&act)}
                        <div class="form-actions">
                            <button type="submit" name="action" value="note" class="button button-secondary">"Save the notes"</button>
                            {(e.state == EnquiryState::New).then(|| view! { <button type="submit" name="action" value="discuss" class="button button-secondary">"Mark as in discussion"</button> })}
                            <button type="submit" name="action" value="decline" class="button button-danger">"Decline"</button>
                        </div>
                    </form>
                </EnhancedForm>
            </section>
            <section class="section" aria-labelledby="accept-heading">
                <h2 id="accept-heading">"Accept"</h2>
                <p>"Check what the contact entered: accepting creates the agency (and the member, when new) and invites the contact as its focal point."</p>
                <EnhancedForm>
                    <form method="post" action="/api/interest/accept" class="form" novalidate>
                        {form_message(&accept)}
                        {hidden("id", accept_id)}
                        {Input::text("agency_name", "Agency name").required().max_len(160).render(&accept)}
                        {select(&accept, "member", "Member", members.clone(), true)}
                        {Input::text("member_name", "New member's name").max_len(120).render(&accept)}
                        {Input::text("member_iso", "New member's ISO 3166 code (three letters)").max_len(3).render(&accept)}
                        {checkbox(&accept, "hosts", "The agency hosts officers")}
                        {checkbox(&accept, "sends", "The agency sends officers")}
                        {Input::text("contact_name", "Focal point's name").required().max_len(120).render(&accept)}
                        {Input::text("contact_email", "Focal point's e-mail").kind("email").required().max_len(254).render(&accept)}
                        <div class="form-actions"><button type="submit" class="button">"Accept and invite"</button></div>
                    </form>
                </EnhancedForm>
            </section>
        })}
    }
    .into_any()
}
