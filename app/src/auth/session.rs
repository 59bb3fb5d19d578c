//! Server-side sessions. The cookie holds a random 256-bit token; the database holds only its
//! SHA-256, with the times that decide the 30-minute idle and 12-hour absolute expiry.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use surrealdb::types::{RecordId, SurrealValue};

use super::model::{CurrentUser, NamedRef, Role};
use crate::db;
use crate::error::AppError;
use crate::state::AppState;

/// The session cookie's name. On https it carries the `__Host-` prefix, which browsers accept
/// only from a secure origin, for path `/` and without a domain: no sibling site or plain-http
/// page can set or shadow it.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-hub_session"
    } else {
        "hub_session"
    }
}
pub const IDLE_MINUTES: i64 = 30;
pub const ABSOLUTE_HOURS: i64 = 12;
/// Writing `last_seen_at` on every request would cost a write per page; a minute is precise
/// enough for a 30-minute idle limit.
const TOUCH_AFTER_SECONDS: i64 = 60;

pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn session_key(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether a session with these times is still valid at `now`. Plain rule, unit-tested.
pub fn is_live(created_at: DateTime<Utc>, last_seen_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - last_seen_at < Duration::minutes(IDLE_MINUTES) && now - created_at < Duration::hours(ABSOLUTE_HOURS)
}

/// Creates a session for `user`, opened with `factor`, and returns the token for the cookie.
pub async fn create(state: &AppState, user: &RecordId, factor: Factor) -> Result<String, AppError> {
    let token = new_token();
    db::write(
        state,
        "CREATE $sid SET user = $user, created_at = $now, last_seen_at = $now, factor = $factor",
        vec![
            ("sid", db::v(db::rid("session", &session_key(&token)))),
            ("user", db::v(user.clone())),
            ("factor", db::v(factor.as_str().to_string())),
        ],
    )
    .await?;
    Ok(token)
}

/// What a sign-in was proved with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    Password,
    PasswordAndCode,
    PasswordAndRecoveryCode,
    /// A passkey is both factors: something held, unlocked by something known or one's body.
    Passkey,
}

impl Factor {
    pub fn as_str(self) -> &'static str {
        match self {
            Factor::Password => "password",
            Factor::PasswordAndCode => "password_totp",
            Factor::PasswordAndRecoveryCode => "password_recovery",
            Factor::Passkey => "passkey",
        }
    }

    pub fn parse(text: &str) -> Option<Factor> {
        [Factor::Password, Factor::PasswordAndCode, Factor::PasswordAndRecoveryCode, Factor::Passkey]
            .into_iter()
            .find(|f| f.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Factor::Password => "Password",
            Factor::PasswordAndCode => "Password and app code",
            Factor::PasswordAndRecoveryCode => "Password and recovery code",
            Factor::Passkey => "Passkey",
        }
    }
}

/// The statements that remove expired sessions (the daily purge): idle past the limit, or
/// older than the absolute limit.
pub const PURGE_EXPIRED: &str =
    "DELETE session WHERE last_seen_at < $now - 30m; DELETE session WHERE created_at < $now - 12h;";

pub async fn revoke(state: &AppState, token: &str) -> Result<(), AppError> {
    revoke_key(state, db::rid("session", &session_key(token))).await
}

/// The statement that ends every session of `$user`, for use inside a larger transaction.
pub const REVOKE_ALL_OF_USER: &str = "DELETE session WHERE user = $user;";

/// The statement that ends every session of `$user` but `$keep` (this browser's, or NONE).
pub const REVOKE_ALL_OF_USER_BUT: &str = "DELETE session WHERE user = $user AND id != $keep;";

/// The record of the session behind a token.
pub fn record(token: &str) -> RecordId {
    db::rid("session", &session_key(token))
}

#[derive(Debug, SurrealValue)]
struct SessionRow {
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    user_id: RecordId,
    email: String,
    name: String,
    role: String,
    disabled: bool,
    second_factor: Option<bool>,
    agency_id: Option<RecordId>,
    agency_name: Option<String>,
    donor_id: Option<RecordId>,
    donor_name: Option<String>,
}

/// The user behind a session token, if the session is live and the user enabled.
pub async fn lookup(state: &AppState, token: &str) -> Result<Option<CurrentUser>, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let sid = db::rid("session", &session_key(token));
    let mut response = state
        .db
        .query(
            "SELECT created_at, last_seen_at, user AS user_id, user.email AS email, user.name AS name,
                    user.role AS role, user.disabled AS disabled, user.second_factor AS second_factor,
                    user.agency AS agency_id, user.agency.name AS agency_name,
                    user.donor AS donor_id, user.donor.name AS donor_name
             FROM ONLY $sid",
        )
        .bind(("sid", sid.clone()))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("session lookup"))?;
    let row: Option<SessionRow> = response.take(0).map_err(db::fail("session lookup decode"))?;
    let Some(row) = row else { return Ok(None) };
    let now = state.clock.now();
    if !is_live(row.created_at, row.last_seen_at, now) || row.disabled {
        revoke_key(state, sid).await?;
        return Ok(None);
    }
    if now - row.last_seen_at > Duration::seconds(TOUCH_AFTER_SECONDS) {
        // Several pages of one browser may touch the same session at once; the later write
        // wins and either time is right.
        db::write(state, "UPDATE $sid SET last_seen_at = $now", vec![("sid", db::v(sid))]).await?;
    }
    let Some(role) = Role::parse(&row.role) else {
        return Ok(None);
    };
    let must_enrol = role.requires_second_factor()
        && !row.second_factor.unwrap_or(false)
        && !state.settings.second_factor_exempt.contains(&row.email);
    Ok(Some(CurrentUser {
        id: db::key(&row.user_id),
        email: row.email,
        name: row.name,
        role,
        agency: row.agency_id.zip(row.agency_name).map(|(id, name)| NamedRef { id: db::key(&id), name }),
        donor: row.donor_id.zip(row.donor_name).map(|(id, name)| NamedRef { id: db::key(&id), name }),
        must_enrol,
    }))
}

async fn revoke_key(state: &AppState, sid: RecordId) -> Result<(), AppError> {
    db::write(state, "DELETE $sid", vec![("sid", db::v(sid))]).await
}

/// The `Set-Cookie` value that starts a session.
pub fn set_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let name = cookie_name(!secure.is_empty());
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}", ABSOLUTE_HOURS * 3600)
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let name = cookie_name(!secure.is_empty());
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_256_bit_hex() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(session_key(&a), a, "the stored key is not the token");
    }

    #[test]
    fn idle_and_absolute_expiry() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert!(is_live(start, start, start + Duration::minutes(29)));
        assert!(!is_live(start, start, start + Duration::minutes(31)));
        let late = start + Duration::hours(12);
        assert!(!is_live(start, late - Duration::minutes(1), late), "12 h absolute even when active");
    }

    #[test]
    fn factors_round_trip_through_text() {
        for f in [Factor::Password, Factor::PasswordAndCode, Factor::PasswordAndRecoveryCode, Factor::Passkey] {
            assert_eq!(Factor::parse(f.as_str()), Some(f));
        }
        assert_eq!(Factor::parse("sms"), None);
    }

    #[test]
    fn cookie_flags() {
        let c = set_cookie("abc", true);
        assert!(c.starts_with("__Host-hub_session=abc;"), "{c}");
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure") && c.contains("Path=/"));
        assert!(!c.contains("Domain"));
        let plain = set_cookie("abc", false);
        assert!(plain.starts_with("hub_session=abc;") && !plain.contains("Secure"));
        assert!(clear_cookie(true).starts_with("__Host-hub_session=;"));
    }
}
