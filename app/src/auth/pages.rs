//! The sign-in page and the account page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::me;
use crate::ui::fields::{self, form_message, hidden, FormState, Input};
use crate::ui::layout::loaded_quietly;
use crate::ui::layout::{error_view, page_flash};
use crate::ui::{EnhancedForm, PageHeader};

#[component]
pub fn LoginPage() -> impl IntoView {
    let next = use_query_map().with_untracked(|q| q.get("next").unwrap_or_default());
    let state = FormState::new("/api/login", page_flash().as_ref(), fields::values([("next", next.clone())]));
    let passkey_next = super::next::safe_next(&next).to_string();
    view! {
        <div class="auth-card">
            <PageHeader title="Sign in" lead="Secondment Hub of the Regional Support Office."/>
            <EnhancedForm>
                <form method="post" action="/api/login" class="form" novalidate>
                    {form_message(&state)}
                    {hidden("next", super::next::safe_next(&next).to_string())}
                    {Input::text("email", "E-mail").kind("email").required().autocomplete("username").max_len(254).render(&state)}
                    {Input::text("password", "Password").kind("password").required().autocomplete("current-password").max_len(1024).render(&state)}
                    <div class="form-actions">
                        <button type="submit" class="button">"Sign in"</button>
                    </div>
                </form>
            </EnhancedForm>
            {super::security_pages::passkey_sign_in(passkey_next)}
            <p class="auth-links"><a href="/account/forgot">"Forgot your password?"</a></p>
        </div>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let state = FormState::new("/api/password/forgot", page_flash().as_ref(), Default::default());
    view! {
        <div class="auth-card">
            <PageHeader title="Forgot your password?" lead="We will e-mail you a link to choose a new one."/>
            <EnhancedForm>
                <form method="post" action="/api/password/forgot" class="form" novalidate>
                    {form_message(&state)}
                    {Input::text("email", "E-mail").kind("email").required().autocomplete("username").max_len(254).render(&state)}
                    <div class="form-actions">
                        <button type="submit" class="button">"Send the link"</button>
                    </div>
                </form>
            </EnhancedForm>
            <p class="auth-links"><a href="/login">"Back to sign in"</a></p>
        </div>
    }
}

/// Where an invitation or reset link lands: choose a password.
#[component]
pub fn NewPasswordPage(invitation: bool) -> impl IntoView {
    let token = use_query_map().with_untracked(|q| q.get("token").unwrap_or_default());
    let action = if invitation { "/api/invitation/accept" } else { "/api/password/reset" };
    let state = FormState::new(action, page_flash().as_ref(), Default::default());
    let (title, lead) = if invitation {
        ("Welcome to Secondment Hub", "Choose your password to activate your account.")
    } else {
        ("Choose a new password", "Your other sessions will be signed out.")
    };
    view! {
        <div class="auth-card">
            <PageHeader title=title lead=lead/>
            <EnhancedForm>
                <form method="post" action=action class="form" novalidate>
                    {form_message(&state)}
                    {hidden("token", token)}
                    <p class="field-hint">"At least 12 characters. A passphrase of several words is easiest to remember."</p>
                    {Input::text("new_password", "New password").kind("password").required().autocomplete("new-password").max_len(128).render(&state)}
                    {Input::text("confirm_password", "Repeat the new password").kind("password").required().autocomplete("new-password").max_len(128).render(&state)}
                    <div class="form-actions">
                        <button type="submit" class="button">"Set password and sign in"</button>
                    </div>
                </form>
            </EnhancedForm>
        </div>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match me().await {
                    Err(e) => error_view(e),
                    Ok(None) => {
                        #[cfg(feature = "ssr")]
                        leptos_axum::redirect("/login?next=/account");
                        view! { <p><a href="/login">"Please sign in."</a></p> }.into_any()
                    }
                    Ok(Some(user)) if user.must_enrol => {
                        #[cfg(feature = "ssr")]
                        leptos_axum::redirect(crate::api::ENROLMENT_PAGE);
                        view! { <p><a href=crate::api::ENROLMENT_PAGE>"Set up two-step verification first."</a></p> }.into_any()
                    }
                    Ok(Some(user)) => {
                        let state = FormState::new("/api/account/password", page_flash().as_ref(), Default::default());
                        let binding = user.agency.as_ref().or(user.donor.as_ref()).map(|b| b.name.clone());
                        view! {
                            <PageHeader title="Your account"/>
                            <dl class="facts">
                                <dt>"Name"</dt><dd>{user.name.clone()}</dd>
                                <dt>"E-mail"</dt><dd>{user.email.clone()}</dd>
                                <dt>"Role"</dt><dd>{user.role.label()}</dd>
                                {binding.map(|b| view! { <dt>"Acts for"</dt><dd>{b}</dd> })}
                            </dl>
                            <section class="section" aria-labelledby="pw-heading">
                                <h2 id="pw-heading">"Change password"</h2>
                                <p class="muted">"At least 12 characters. A passphrase of several words is easiest to remember. Changing it signs you out everywhere else."</p>
                                <EnhancedForm>
                                    <form method="post" action="/api/account/password" class="form" novalidate>
                                        {form_message(&state)}
                                        {Input::text("current_password", "Current password").kind("password").required().autocomplete("current-password").max_len(1024).render(&state)}
                                        {Input::text("new_password", "New password").kind("password").required().autocomplete("new-password").max_len(128).render(&state)}
                                        {Input::text("confirm_password", "Repeat the new password").kind("password").required().autocomplete("new-password").max_len(128).render(&state)}
                                        <div class="form-actions"><button type="submit" class="button">"Change password"</button></div>
                                    </form>
                                </EnhancedForm>
                            </section>
                            <super::security_pages::AccountSecurity/>
                            <crate::privacy::pages::OwnCopySection/>
                            {(user.role != crate::auth::Role::Donor).then(|| view! { <CalendarSection/> })}
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The private calendar feed's address, and the button that replaces it.
#[component]
fn CalendarSection() -> impl IntoView {
    view! {
        {loaded_quietly(crate::calendar::calendar_link(), move |link| view! {
            <section class="section" aria-labelledby="calendar-heading">
                <h2 id="calendar-heading">"Calendar"</h2>
                <p class="muted">"Add this private address to your calendar app (as a subscription) to see your report due dates and placement starts and ends. Keep it to yourself: anyone with it can read these dates."</p>
                <p><a class="calendar-link" data-testid="calendar-link" href=link.clone()>{link.clone()}</a></p>
                <form method="post" action="/api/calendar/renew" class="inline-form">
                    <button type="submit" class="button-secondary">"Make a new address"</button>
                </form>
            </section>
        }
        .into_any())}
    }
}
