//! Pages of the second factor: the second step of signing in, enrolment (an authenticator app
//! or a passkey), recovery codes shown once, and the account page's security sections.

use leptos::prelude::*;

use super::factors::{SecurityView, SignInView};
use super::factors_api::{app_setup, security_overview, show_recovery_codes, waiting_sign_in};
use crate::ui::fields::{self, form_message, hidden, FormState, Input};
use crate::ui::layout::loaded_quietly;
use crate::ui::layout::{error_view, page_flash};
use crate::ui::{EnhancedForm, PageHeader};

/// The browser's half of passkeys; a page that offers them includes it.
pub fn passkey_script() -> impl IntoView {
    view! { <script src="/passkeys.js" defer></script> }
}

/// The passkey button of the sign-in pages, shown by the script where the browser has WebAuthn
/// (and only where this server offers passkeys).
pub fn passkey_sign_in(next: String) -> impl IntoView {
    super::passkeys::offered().then(|| view! {
        <div class="passkey-signin" data-passkey hidden>
            <p class="muted">"Or, without a password:"</p>
            <button type="button" class="button-secondary" data-passkey-signin data-next=next data-testid="passkey-signin">
                "Sign in with a passkey"
            </button>
            <p class="form-message" role="alert" data-passkey-message hidden></p>
        </div>
        {passkey_script()}
    })
}

#[component]
pub fn SecondStepPage() -> impl IntoView {
    view! {
        <div class="auth-card">
            <PageHeader title="Two-step verification" lead="Your password was right. Now prove it is you with your second factor."/>
            <Suspense fallback=|| ()>
                {Suspend::new(async move {
                    match waiting_sign_in().await {
                        Err(e) => error_view(e),
                        Ok(None) => view! {
                            <p>"This sign-in has expired (it waits five minutes after the password) or was already used."</p>
                            <p><a class="button" href="/login">"Sign in again"</a></p>
                        }
                        .into_any(),
                        Ok(Some(waiting)) => {
                            let state = FormState::new("/api/login/verify", page_flash().as_ref(), Default::default());
                            let hint = if waiting.app {
                                "The six digits your authenticator app shows for Secondment Hub, or one of your recovery codes."
                            } else {
                                "One of your recovery codes, or use your passkey below."
                            };
                            view! {
                                <EnhancedForm>
                                    <form method="post" action="/api/login/verify" class="form" novalidate>
                                        {form_message(&state)}
                                        {Input::text("code", "Code").required().hint(hint).autocomplete("one-time-code").max_len(40).render(&state)}
                                        <div class="form-actions">
                                            <button type="submit" class="button">"Verify and sign in"</button>
                                        </div>
                                    </form>
                                </EnhancedForm>
                                {waiting.passkeys.then(|| passkey_sign_in("/".into()))}
                                <p class="auth-links">"Lost your phone and your recovery codes? Ask an administrator of the Regional Support Office to reset your two-step verification."</p>
                            }
                            .into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Where a staff member without a second factor is sent, and where anyone sets up an app.
#[component]
pub fn EnrolPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match (security_overview().await, app_setup().await) {
                    (Err(e), _) | (_, Err(e)) => error_view(e),
                    (Ok(overview), Ok(setup)) => {
                        let state = FormState::new("/api/account/app/confirm", page_flash().as_ref(), Default::default());
                        let lead = if overview.must_enrol {
                            "Your role sees every agency's records, so it needs a second factor. Set one up now to continue."
                        } else if overview.app {
                            "An authenticator app is already set up. Scanning this code replaces it with a new one."
                        } else {
                            "A second factor keeps your account safe even if your password is stolen."
                        };
                        view! {
                            <PageHeader title="Set up two-step verification" lead=lead/>
                            <section class="section" aria-labelledby="app-heading">
                                <h2 id="app-heading">"With an authenticator app"</h2>
                                <ol class="steps">
                                    <li>"Open an authenticator app on your phone (for example Microsoft Authenticator, Google Authenticator or FreeOTP) and add an account."</li>
                                    <li>
                                        "Scan this code:"
                                        <div class="qr-code" role="img" aria-label="QR code of the secret below" inner_html=setup.qr_svg.clone()></div>
                                        "Or type this key, for the account " <strong>{setup.account.clone()}</strong> ":"
                                        <p><code class="totp-secret" data-testid="totp-secret">{setup.secret.clone()}</code></p>
                                    </li>
                                    <li>"Enter the six digits the app now shows."</li>
                                </ol>
                                <EnhancedForm>
                                    <form method="post" action="/api/account/app/confirm" class="form" novalidate>
                                        {form_message(&state)}
                                        {Input::text("code", "Code from the app").required().autocomplete("one-time-code").max_len(12).render(&state)}
                                        <div class="form-actions"><button type="submit" class="button">"Turn on"</button></div>
                                    </form>
                                </EnhancedForm>
                            </section>
                            {super::passkeys::offered().then(|| view! {
                                <section class="section" aria-labelledby="passkey-heading" data-passkey hidden>
                                    <h2 id="passkey-heading">"Or with a passkey"</h2>
                                    <p class="muted">"A passkey lives in this device (or your phone or a security key) and signs you in without a password."</p>
                                    {add_passkey_form()}
                                </section>
                                {passkey_script()}
                            })}
                            {(!overview.must_enrol).then(|| view! { <p><a href="/account">"Back to your account"</a></p> })}
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn add_passkey_form() -> impl IntoView {
    view! {
        <form class="form" data-passkey-add novalidate>
            <div class="field">
                <label for="passkey-name">"Name of this passkey"</label>
                <p class="field-hint">"So you recognise it later, for example \"work laptop\"."</p>
                <input id="passkey-name" name="name" type="text" maxlength="60" required/>
            </div>
            <p class="form-message" role="alert" data-passkey-message hidden></p>
            <div class="form-actions"><button type="submit" class="button-secondary" data-testid="passkey-add">"Add a passkey"</button></div>
        </form>
    }
}

#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match show_recovery_codes().await {
                    Err(e) => error_view(e),
                    Ok(None) => view! {
                        <PageHeader title="Recovery codes"/>
                        <p>"Recovery codes are shown only once, right after they are made. If you did not keep them, make a new set on your account page: the old set then stops working."</p>
                        <p><a href="/account">"Back to your account"</a></p>
                    }
                    .into_any(),
                    Ok(Some(codes)) => view! {
                        <PageHeader title="Your recovery codes" lead="Each code signs you in once if you cannot use your phone. Print them or keep them in a safe place: they are shown only now."/>
                        <ul class="recovery-codes" data-testid="recovery-codes">
                            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                        </ul>
                        <p><a class="button" href="/account">"I have kept them"</a></p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The account page's sections: second factors, passkeys and the sign-in history.
#[component]
pub fn AccountSecurity() -> impl IntoView {
    view! {
        {loaded_quietly(security_overview(), move |overview| security_sections(overview).into_any())}
    }
}

fn security_sections(overview: SecurityView) -> impl IntoView {
    let flash = page_flash();
    let remove_state =
        FormState::new("/api/account/app/remove", flash.as_ref(), Default::default()).with_ids("remove-app");
    let status = match (overview.app, overview.passkeys.is_empty()) {
        (true, true) => "On, with an authenticator app.",
        (true, false) => "On, with an authenticator app and passkeys.",
        (false, false) => "On, with passkeys.",
        (false, true) if overview.required => "Off. Your role must set it up.",
        (false, true) => "Off.",
    };
    view! {
        <section class="section" aria-labelledby="two-step-heading">
            <h2 id="two-step-heading">"Two-step verification"</h2>
            <p data-testid="two-step-status">{status}</p>
            {if overview.app {
                view! {
                    <p class="muted">{format!("{} unused recovery codes.", overview.recovery_left)}</p>
                    <div class="action-row">
                        <a class="button-secondary" href="/account/two-factor">"Replace the app"</a>
                        <form method="post" action="/api/account/recovery/renew" class="inline-form">
                            <button type="submit" class="button-secondary">"New recovery codes"</button>
                        </form>
                    </div>
                    <details class="section">
                        <summary>"Remove the authenticator app"</summary>
                        <EnhancedForm>
                            <form method="post" action="/api/account/app/remove" class="form" novalidate>
                                {form_message(&remove_state)}
                                {Input::text("code", "A code from the app, or a recovery code").required().autocomplete("one-time-code").max_len(40).render(&remove_state)}
                                <div class="form-actions"><button type="submit" class="button-secondary danger">"Remove the app"</button></div>
                            </form>
                        </EnhancedForm>
                    </details>
                }
                .into_any()
            } else {
                view! { <p><a class="button" href="/account/two-factor">"Set up an authenticator app"</a></p> }.into_any()
            }}
        </section>
        <section class="section" aria-labelledby="passkeys-heading">
            <h2 id="passkeys-heading">"Passkeys"</h2>
            {if overview.passkeys.is_empty() {
                view! { <p class="empty">"No passkeys yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="data-table" data-testid="passkeys">
                            <thead><tr><th scope="col">"Name"</th><th scope="col">"Added"</th><th scope="col">"Last used"</th><th scope="col"><span class="visually-hidden">"Remove"</span></th></tr></thead>
                            <tbody>
                                {overview.passkeys.into_iter().map(|p| view! {
                                    <tr>
                                        <td>{p.name.clone()}</td>
                                        <td>{p.added}</td>
                                        <td>{p.last_used.unwrap_or_else(|| "Never".into())}</td>
                                        <td>
                                            <form method="post" action="/api/account/passkeys/remove" class="inline-form">
                                                {hidden("id", p.id)}
                                                <button type="submit" class="button-link danger" aria-label=format!("Remove the passkey {}", p.name)>"Remove"</button>
                                            </form>
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            {if super::passkeys::offered() {
                view! {
                    <div data-passkey hidden>{add_passkey_form()}</div>
                    <noscript><p class="muted">"Adding a passkey needs JavaScript."</p></noscript>
                    {passkey_script()}
                }
                .into_any()
            } else {
                view! { <p class="muted">"Passkeys are offered when the Hub is served over https."</p> }.into_any()
            }}
        </section>
        <section class="section" aria-labelledby="signins-heading">
            <h2 id="signins-heading">"Recent sign-ins"</h2>
            {sign_in_table(overview.sign_ins)}
        </section>
    }
}

fn sign_in_table(sign_ins: Vec<SignInView>) -> AnyView {
    if sign_ins.is_empty() {
        return view! { <p class="empty">"No sign-ins recorded yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid="sign-ins">
                <thead><tr><th scope="col">"When"</th><th scope="col">"Browser"</th><th scope="col">"Address"</th><th scope="col">"With"</th></tr></thead>
                <tbody>
                    {sign_ins.into_iter().map(|s| view! {
                        <tr>
                            <td class="nowrap">{s.when}</td>
                            <td>{s.browser}{s.new_browser.then_some(" (new)")}</td>
                            <td>{s.address}</td>
                            <td>{s.factor}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// An administrator's form on a user's page: reset that user's second factor.
pub fn reset_form(user_id: String) -> impl IntoView {
    let state = FormState::new(
        "/api/users/second-factor/reset",
        page_flash().as_ref(),
        fields::values([("id", user_id.clone())]),
    );
    view! {
        <section class="section" aria-labelledby="reset-heading">
            <h2 id="reset-heading">"Two-step verification"</h2>
            <p class="muted">"If this person lost their phone and their recovery codes, reset their second factor: their app, recovery codes and passkeys stop working, they are signed out, e-mailed, and set up a new one at their next sign-in. Confirm who is asking (by telephone or in person) first."</p>
            <EnhancedForm>
                <form method="post" action="/api/users/second-factor/reset" class="form" novalidate>
                    {form_message(&state)}
                    {hidden("id", user_id)}
                    {Input::text("reason", "Reason").required().hint("For the audit trail, for example: lost phone, confirmed by telephone.").max_len(500).render(&state)}
                    <div class="form-actions"><button type="submit" class="button-secondary danger">"Reset two-step verification"</button></div>
                </form>
            </EnhancedForm>
        </section>
    }
}
