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
pub fn client_ip(state: &AppState, parts: Option<&http::request::Parts>) -> Option<std::net::IpAddr> {
    let parts = parts?;
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())?;
    let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    Some(crate::net::client_address(peer, forwarded, &state.settings.trusted_proxies))
}

/// The client's address as text (for a sign-in history), or "unknown".
pub fn client_address(state: &AppState, parts: Option<&http::request::Parts>) -> String {
    client_ip(state, parts).map(|ip| ip.to_canonical().to_string()).unwrap_or_else(|| "unknown".into())
}

/// The record key of an address's count (tests read it).
pub fn address_row(ip: std::net::IpAddr) -> String {
    throttle_key("address", &crate::net::throttle_scope(ip))
}

/// The record key of an account's count (tests read it).
pub fn account_row(email: &str) -> String {
    account_key(email)
}

/// The throttle key of the client's address: one per IPv4 address or IPv6 /64.
fn address_key(state: &AppState, parts: Option<&http::request::Parts>) -> String {
    let scope = client_ip(state, parts).map(crate::net::throttle_scope).unwrap_or_else(|| "unknown".into());
    throttle_key("address", &scope)
}

/// The nonce of a device cookie the server signed for this account, if the request has one.
fn known_device(state: &AppState, headers: &HeaderMap, email: &str) -> Option<String> {
    let name = device_cookie_name(state.settings.secure_cookies);
    let raw = crate::cookies::cookie_value(headers, name)?;
    let message = state.settings.key.verify(DEVICE_PURPOSE, &raw)?;
    let (account, nonce) = message.split_once(':')?;
    (account == account_key(email)).then(|| nonce.to_string())
}

fn over(minutes: i64) -> AppError {
    AppError::TooManyRequests(throttle::message(minutes))
}

/// Counts this attempt and admits it, or refuses it (429) when its caller is over the limit.
///
/// The address is counted first: past its limit nothing else is written, so a client cannot
/// grow the table with a row per made-up e-mail address faster than its limit allows.
pub async fn admit(state: &AppState, email: &str, parts: Option<&http::request::Parts>) -> Result<Caller, AppError> {
    let now = state.clock.now();
    if let Some(nonce) = parts.and_then(|p| known_device(state, &p.headers, email)) {
        let device = count(state, &throttle_key("device", &nonce)).await?;
        throttle::check(device, throttle::DEVICE_LIMIT, now).map_err(over)?;
        return Ok(Caller::KnownDevice(nonce));
    }
    let address_key = address_key(state, parts);
    let address = count(state, &address_key).await?;
    throttle::check(address, throttle::ADDRESS_LIMIT, now).map_err(over)?;
    let account = count(state, &account_key(email)).await?;
    throttle::check(account, throttle::ACCOUNT_LIMIT, now).map_err(over)?;
    Ok(Caller::Unknown { address: address_key })
}

/// Whether this request carries the device cookie of a browser that signed in to the account
/// with this e-mail before.
pub fn is_known_device(state: &AppState, parts: Option<&http::request::Parts>, email: &str) -> bool {
    parts.and_then(|p| known_device(state, &p.headers, email)).is_some()
}

/// After a correct password: the counts of this caller start again.
///
/// The address's count gives back the attempt it took: it was counted before the password was
/// checked (so that parallel guesses are all counted), but a sign-in that succeeds is no guess,
/// and an office of 200 people behind one address must be able to sign in each morning. It
/// gives back once per account and window, no more: otherwise the owner of one account could
/// alternate a guess at another account with a sign-in of their own and never be counted.
pub async fn succeeded(state: &AppState, email: &str, caller: &Caller) -> Result<(), AppError> {
    let counter = match caller {
        Caller::KnownDevice(nonce) => throttle_key("device", nonce),
        Caller::Unknown { .. } => account_key(email),
    };
    db::write(state, "DELETE $id", vec![("id", db::v(db::rid("login_throttle", &counter)))]).await?;
    if let Caller::Unknown { address } = caller {
        give_back_once(state, address, &account_key(email)).await?;
    }
    Ok(())
}

/// The `Set-Cookie` value of a (fresh) device cookie for the account: given only once a
/// sign-in is complete, second factor included, so that a password alone never makes a
/// browser "known".
pub fn device_cookie(state: &AppState, email: &str) -> String {
    let nonce = super::session::new_token();
    let value = state.settings.key.sign(DEVICE_PURPOSE, &format!("{}:{}", account_key(email), &nonce[..32]));
    let secure = if state.settings.secure_cookies { "; Secure" } else { "" };
    let name = device_cookie_name(state.settings.secure_cookies);
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", DEVICE_DAYS * 86_400)
}

/// Gives the address's count back one attempt, unless this account already had one given back
/// in the address's current window.
async fn give_back_once(state: &AppState, address: &str, account: &str) -> Result<(), AppError> {
    db::write(
        state,
        "UPDATE $id SET
            failures = IF $account IN (given_back ?? []) THEN failures ELSE math::max([(failures ?? 1) - 1, 0]) END,
            given_back = array::union(given_back ?? [], [$account])",
        vec![("id", db::v(db::rid("login_throttle", address))), ("account", db::v(account.to_string()))],
    )
    .await
}

/// Counts a second-factor code (or recovery code) typed for `user_key`, against that account's
/// own window and the address's, like passwords; refuses past either limit.
pub async fn admit_second_factor(
    state: &AppState,
    user_key: &str,
    parts: Option<&http::request::Parts>,
) -> Result<String, AppError> {
    let now = state.clock.now();
    let address_key = address_key(state, parts);
    let address = count(state, &address_key).await?;
    throttle::check(address, throttle::ADDRESS_LIMIT, now).map_err(over)?;
    let account = count(state, &throttle_key("second-factor", user_key)).await?;
    throttle::check(account, throttle::SECOND_FACTOR_LIMIT, now).map_err(over)?;
    Ok(address_key)
}

/// After a right code: the account's second-factor count starts again, and the address gets
/// back its attempt, once per account and window.
pub async fn second_factor_succeeded(state: &AppState, user_key: &str, address_key: &str) -> Result<(), AppError> {
    let counter = throttle_key("second-factor", user_key);
    db::write(state, "DELETE $id", vec![("id", db::v(db::rid("login_throttle", &counter)))]).await?;
    give_back_once(state, address_key, &throttle_key("account-key", user_key)).await
}

/// Counts a request that costs the server work or mail without a password (a reset link)
/// against the address's window.
pub async fn admit_anonymous(state: &AppState, parts: Option<&http::request::Parts>) -> Result<(), AppError> {
    let address = count(state, &address_key(state, parts)).await?;
    throttle::check(address, throttle::ADDRESS_LIMIT, state.clock.now()).map_err(over)
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
            given_back = IF started > $since THEN given_back ELSE NONE END,
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
    throttle::check(account, throttle::ACCOUNT_LIMIT, state.clock.now()).map_err(over)
}

/// The statement that removes throttle rows whose window has ended (the daily purge).
pub const PURGE_ENDED: &str = "DELETE login_throttle WHERE started < $now - 1h;";
