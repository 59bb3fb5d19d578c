//! The steps of signing in once the first factor is right: the second step a user with a
//! second factor owes (kept for five minutes under a cookie of its own), and completing a
//! sign-in: the session, the sign-in history, the device cookie and, for a browser that has
//! not signed in to the account before, an e-mail to its owner.

use chrono::Duration;
use sha2::{Digest, Sha256};
use surrealdb::types::{RecordId, SurrealValue};

use super::session::{self, Factor};
use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients::Recipient;
use crate::notifications::templates::{AccountMail, MailContent};
use crate::notifications::EventKind;
use crate::state::AppState;

/// How long the second step waits after the password.
pub const PENDING_MINUTES: i64 = 5;

/// The page of the second step.
pub const SECOND_STEP_PAGE: &str = "/login/verify";

pub const STEP_EXPIRED: &str = "Your sign-in has expired. Please enter your e-mail address and password again.";

/// The cookie of a sign-in waiting for its second step; `__Host-` on https, like the session's.
pub fn pending_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-hub_pending"
    } else {
        "hub_pending"
    }
}

fn pending_key(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn cookie(name: &str, value: &str, max_age: i64, same_site: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age}{secure}")
}

/// Appends a `Set-Cookie` header to the response being built.
pub fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) =
        (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(value))
    {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// Who a sign-in is for, once the first factor is right.
pub struct Verified<'a> {
    pub user: &'a RecordId,
    pub email: &'a str,
    /// Where to go afterwards (already checked to be a local path).
    pub next: &'a str,
    /// Whether the browser holds this account's device cookie.
    pub known_device: bool,
}

/// After a right password: a user with a second factor is sent to the second step; anyone
/// else is signed in. Returns whether the second step is owed.
pub async fn after_password(
    state: &AppState,
    parts: Option<&http::request::Parts>,
    who: Verified<'_>,
) -> Result<bool, AppError> {
    let mut r = state
        .db
        .query("SELECT VALUE second_factor FROM ONLY $user")
        .bind(("user", who.user.clone()))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("second factor lookup"))?;
    let has_second_factor: Option<bool> = r.take(0).map_err(db::fail("second factor decode"))?;
    if !has_second_factor.unwrap_or(false) {
        complete(state, parts, who, Factor::Password).await?;
        return Ok(false);
    }
    let token = session::new_token();
    db::write(
        state,
        "CREATE $id SET user = $user, next = $next, known_device = $known, created_at = $now",
        vec![
            ("id", v(db::rid("pending_signin", &pending_key(&token)))),
            ("user", v(who.user.clone())),
            ("next", v(who.next.to_string())),
            ("known", v(who.known_device)),
        ],
    )
    .await?;
    let secure = state.settings.secure_cookies;
    set_cookie(&cookie(pending_cookie_name(secure), &token, PENDING_MINUTES * 60, "Lax", secure));
    leptos_axum::redirect(SECOND_STEP_PAGE);
    Ok(true)
}

/// A sign-in waiting for its second step.
#[derive(Debug, Clone, SurrealValue)]
pub struct Pending {
    pub id: RecordId,
    pub user: RecordId,
    pub email: String,
    pub next: String,
    pub known_device: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The pending sign-in of this request's cookie, while it is within its five minutes.
pub async fn pending(state: &AppState, parts: Option<&http::request::Parts>) -> Result<Option<Pending>, AppError> {
    let name = pending_cookie_name(state.settings.secure_cookies);
    let Some(token) = parts.and_then(|p| crate::cookies::cookie_value(&p.headers, name)) else {
        return Ok(None);
    };
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let mut r = state
        .db
        .query("SELECT id, user, user.email AS email, next, known_device, created_at FROM ONLY $id")
        .bind(("id", db::rid("pending_signin", &pending_key(&token))))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("pending sign-in lookup"))?;
    let row: Option<Pending> = r.take(0).map_err(db::fail("pending sign-in decode"))?;
    Ok(row.filter(|p| state.clock.now() - p.created_at < Duration::minutes(PENDING_MINUTES)))
}

/// Ends the pending sign-in inside `tx`; fails when another request ended it first (two
/// right codes sent at once sign in once).
pub async fn end_pending(tx: &Tx, pending: &RecordId) -> Result<(), AppError> {
    let mut r = tx.run("DELETE $id RETURN BEFORE", vec![("id", v(pending.clone()))]).await?;
    let gone: Vec<surrealdb::types::Value> = r.take(0).map_err(db::fail("pending sign-in end"))?;
    if gone.is_empty() {
        return Err(AppError::Conflict(STEP_EXPIRED.into()));
    }
    Ok(())
}

/// The statement that removes sign-ins whose second step was never taken (the daily purge).
pub const PURGE_PENDING: &str = "DELETE pending_signin WHERE created_at < $now - 5m;";

#[derive(Debug, SurrealValue)]
struct Person {
    name: String,
    signed_in_before: bool,
}

/// Signs the user in: a new session (the browser's old one ends), the sign-in in the history
/// and, from a browser new to an account that has signed in before, the e-mail that says so;
/// then the cookies and the way on (enrolment first for a staff member who must enrol).
pub async fn complete(
    state: &AppState,
    parts: Option<&http::request::Parts>,
    who: Verified<'_>,
    factor: Factor,
) -> Result<(), AppError> {
    let secure = state.settings.secure_cookies;
    if let Some(old) = parts.and_then(|p| crate::cookies::cookie_value(&p.headers, session::cookie_name(secure))) {
        session::revoke(state, &old).await?;
    }
    let token = session::new_token();
    let address = super::attempts::client_address(state, parts);
    let browser = parts
        .and_then(|p| p.headers.get(http::header::USER_AGENT))
        .and_then(|ua| ua.to_str().ok())
        .map(super::browser::family)
        .unwrap_or_else(|| "Other browser".into());
    let signin_key = db::new_key();
    let (token_ref, address, browser, signin_key) = (&token, &address, &browser, &signin_key);
    db::transact(state, |tx| async move {
        let mut r = tx
            .run(
                "SELECT name, (SELECT VALUE id FROM signin WHERE user = $parent.id LIMIT 1) != [] AS signed_in_before
                 FROM ONLY $user",
                vec![("user", v(who.user.clone()))],
            )
            .await?;
        let person: Option<Person> = r.take(0).map_err(db::fail("sign-in person"))?;
        let person = person.ok_or(AppError::Unauthenticated)?;
        let new_browser = !who.known_device && person.signed_in_before;
        tx.run(
            "CREATE $new_session SET user = $user, created_at = $now, last_seen_at = $now, factor = $factor;
             CREATE $signin SET user = $user, at = $now, address = $address, browser = $browser, factor = $factor,
                new_browser = $new_browser;",
            vec![
                ("new_session", v(db::rid("session", &hex::encode(Sha256::digest(token_ref.as_bytes()))))),
                ("signin", v(db::rid("signin", signin_key))),
                ("user", v(who.user.clone())),
                ("factor", v(factor.as_str().to_string())),
                ("address", v(address.clone())),
                ("browser", v(browser.clone())),
                ("new_browser", v(new_browser)),
            ],
        )
        .await?;
        if new_browser {
            let when = crate::ui::format::timestamp_in(tx.now(), state.clock.zone());
            let facts = vec![
                ("When".to_string(), when),
                ("Browser".to_string(), browser.clone()),
                ("Address".to_string(), address.clone()),
                ("Signed in with".to_string(), factor.label().to_string()),
            ];
            let recipient =
                Recipient { email: who.email.to_string(), name: person.name.clone(), language: "en".into() };
            let mail = AccountMail {
                event: EventKind::NewSignIn,
                name: person.name.clone(),
                facts,
                link: format!("{}/account", state.settings.public_url),
            };
            outbox::enqueue(
                &tx,
                &state.settings.public_url,
                Outgoing {
                    record_table: "signin",
                    record_key: signin_key,
                    recipient: &recipient,
                    content: MailContent::Account(mail),
                    link_path: "/account".into(),
                    secret: None,
                    not_before: None,
                },
            )
            .await?;
        }
        Ok(new_browser)
    })
    .await
    .map(|new_browser| {
        if new_browser {
            state.wake_mailer();
        }
    })?;
    set_cookie(&session::set_cookie(&token, secure));
    set_cookie(&super::attempts::device_cookie(state, who.email));
    set_cookie(&cookie(pending_cookie_name(secure), "", 0, "Lax", secure));
    let user = session::lookup(state, &token).await?.ok_or(AppError::Unauthenticated)?;
    let to = if user.must_enrol { crate::api::ENROLMENT_PAGE } else { super::next::safe_next(who.next) };
    leptos_axum::redirect(to);
    Ok(())
}

/// The statement that removes sign-ins older than a year from the history (the daily purge).
pub const PURGE_HISTORY: &str = "DELETE signin WHERE at < $now - 365d;";
