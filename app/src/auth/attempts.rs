//! Counting sign-in attempts, and device cookies.
//!
//! Every attempt is counted, with one atomic upsert, *before* its password is checked: parallel
//! guesses cannot slip past the limit, and past it no hash is computed at all.
//!
//! A browser that signed in to an account before holds a signed device cookie for it (OWASP,
//! "Slow down online guessing attacks with device cookies"). Its attempts count against that
//! device alone, so an attacker who exhausts the account's limit does not lock the owner out;
//! every other caller counts against the account and its address.

use chrono::{DateTime, Utc};
use http::HeaderMap;
use surrealdb::types::SurrealValue;

use super::throttle;
use crate::db;
use crate::error::AppError;
use crate::state::AppState;

/// How long a device stays known to an account without signing in again.
const DEVICE_DAYS: i64 = 180;
const DEVICE_PURPOSE: &str = "device";

/// The device cookie's name; `__Host-` on https, like the session cookie.
pub fn device_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-hub_device"
    } else {
        "hub_device"
    }
}

/// Where an attempt was counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A browser that signed in to this account before, by its device cookie's nonce.
    KnownDevice(String),
    /// Anyone else, with the throttle key of their address.
    Unknown { address: String },
}

/// Keys must be safe record keys whatever the input: hash them.
fn throttle_key(kind: &str, value: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(format!("{kind}:{value}").as_bytes()))[..40].to_string()
}

fn account_key(email: &str) -> String {
    throttle_key("account", email)
}

/// The client's address, from the connection or, behind a trusted proxy, `X-Forwarded-For`.
pub fn client_address(state: &AppState, parts: Option<&http::request::Parts>) -> String {
    let Some(parts) = parts else { return "unknown".into() };
    let Some(peer) = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())
    else {
        return "unknown".into();
    };
    let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    crate::net::client_address(peer, forwarded, &state.settings.trusted_proxies).to_string()
}

/// The nonce of a device cookie the server signed for this account, if the request has one.
fn known_device(state: &AppState, headers: &HeaderMap, email: &str) -> Option<String> {
    let name = device_cookie_name(state.settings.secure_cookies);
    let raw = crate::cookies::cookie_value(headers, name)?;
    let message = state.settings.key.verify(DEVICE_PURPOSE, &raw)?;
    let (account, nonce) = message.split_once(':')?;
    (account == account_key(email)).then(|| nonce.to_string())
}

/// Counts this attempt and admits it, or refuses it (429) when its caller is over the limit.
pub async fn admit(state: &AppState, email: &str, parts: Option<&http::request::Parts>) -> Result<Caller, AppError> {
    let now = state.clock.now();
    let over = |minutes| AppError::TooManyRequests(throttle::message(minutes));
    if let Some(nonce) = parts.and_then(|p| known_device(state, &p.headers, email)) {
        let device = count(state, &throttle_key("device", &nonce)).await?;
        throttle::check(device, throttle::DEVICE_LIMIT, now).map_err(over)?;
        return Ok(Caller::KnownDevice(nonce));
    }
    let account = count(state, &account_key(email)).await?;
    let address_key = throttle_key("address", &client_address(state, parts));
    let address = count(state, &address_key).await?;
    throttle::check(account, throttle::ACCOUNT_LIMIT, now)
        .and(throttle::check(address, throttle::ADDRESS_LIMIT, now))
        .map_err(over)?;
    Ok(Caller::Unknown { address: address_key })
}

/// After a correct password: the counts of this caller start again, and the browser gets a
/// (fresh) device cookie for the account. Returns the `Set-Cookie` value.
///
/// The address's count gives back the attempt it took: it was counted before the password was
/// checked (so that parallel guesses are all counted), but a sign-in that succeeds is no guess,
/// and an office of 200 people behind one address must be able to sign in each morning.
pub async fn succeeded(state: &AppState, email: &str, caller: &Caller) -> Result<String, AppError> {
    let counter = match caller {
        Caller::KnownDevice(nonce) => throttle_key("device", nonce),
        Caller::Unknown { .. } => account_key(email),
    };
    db::write(state, "DELETE $id", vec![("id", db::v(db::rid("login_throttle", &counter)))]).await?;
    if let Caller::Unknown { address } = caller {
        db::write(
            state,
            "UPDATE $id SET failures = math::max([(failures ?? 1) - 1, 0])",
            vec![("id", db::v(db::rid("login_throttle", address)))],
        )
        .await?;
    }
    let nonce = super::session::new_token();
    let value = state.settings.key.sign(DEVICE_PURPOSE, &format!("{}:{}", account_key(email), &nonce[..32]));
    let secure = if state.settings.secure_cookies { "; Secure" } else { "" };
    let name = device_cookie_name(state.settings.secure_cookies);
    Ok(format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", DEVICE_DAYS * 86_400))
}

#[derive(Debug, SurrealValue)]
struct ThrottleRow {
    started: DateTime<Utc>,
    failures: i64,
}

/// Counts one attempt against `key` and returns the attempts in its current window, this one
/// included. (The stored field is still called `failures`: every attempt is counted.)
async fn count(state: &AppState, key: &str) -> Result<throttle::Window, AppError> {
    let id = db::rid("login_throttle", key);
    let since = state.clock.now() - chrono::Duration::minutes(throttle::WINDOW_MINUTES);
    // One statement, counted atomically: many guesses at once each add one.
    let mut r = db::statement(
        state,
        "UPSERT $id SET
            failures = IF started > $since THEN (failures ?? 0) + 1 ELSE 1 END,
            started = IF started > $since THEN started ELSE $now END
         RETURN failures, started;",
        vec![("id", db::v(id)), ("since", db::v(since))],
    )
    .await?;
    let rows: Vec<ThrottleRow> = r.take(0).map_err(db::fail("throttle decode"))?;
    let row = rows.into_iter().next().ok_or_else(|| AppError::internal("throttle", "upsert returned nothing"))?;
    Ok(throttle::Window { started: row.started, attempts: row.failures.clamp(0, u32::MAX as i64) as u32 })
}

/// Counts a check of the signed-in user's current password (changing the password) against the
/// same account window as signing in, so that a stolen session cannot guess it without limit.
pub async fn admit_password_check(state: &AppState, email: &str) -> Result<(), AppError> {
    let account = count(state, &account_key(email)).await?;
    throttle::check(account, throttle::ACCOUNT_LIMIT, state.clock.now())
        .map_err(|minutes| AppError::TooManyRequests(throttle::message(minutes)))
}
