//! Single-use account links: invitations (72 h) and password resets (1 h). The link carries a
//! random 256-bit token; the database keeps only its SHA-256.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use surrealdb::types::{RecordId, SurrealValue};

use crate::db::{self, v, Tx};
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    Reset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::Reset => "reset",
        }
    }

    pub fn valid_hours(self) -> u32 {
        match self {
            Purpose::Invitation => 72,
            Purpose::Reset => 1,
        }
    }

    /// The page where the link lands.
    pub fn path(self) -> &'static str {
        match self {
            Purpose::Invitation => "/account/welcome",
            Purpose::Reset => "/account/reset",
        }
    }
}

fn key_of(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new token for `user`; earlier unused tokens of the same purpose stop working.
/// Returns (token for the link, record key).
pub async fn issue(tx: &Tx, user: &RecordId, purpose: Purpose) -> Result<(String, String), AppError> {
    let token = super::session::new_token();
    let key = key_of(&token);
    let expires = tx.now() + Duration::hours(purpose.valid_hours() as i64);
    tx.run(
        "UPDATE account_token SET used_at = $now WHERE user = $user AND purpose = $purpose AND used_at = NONE;
         CREATE $id SET purpose = $purpose, user = $user, email = $user.email, created_at = $now, expires_at = $expires;",
        vec![
            ("id", v(db::rid("account_token", &key))),
            ("user", v(user.clone())),
            ("purpose", v(purpose.as_str().to_string())),
            ("expires", v(expires)),
        ],
    )
    .await?;
    Ok((token, key))
}

#[derive(Debug, SurrealValue)]
struct TokenRow {
    purpose: String,
    user: RecordId,
    email: Option<String>,
    current_email: String,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
    disabled: bool,
}

pub const LINK_NOT_VALID: &str = "This link has expired or has already been used. Ask for a new one.";

/// The token record and its user, if `token` may still be used for `purpose`. Expired, used,
/// unknown or wrong-purpose tokens, and tokens of disabled users, are all refused alike.
async fn usable(tx: &Tx, token: &str, purpose: Purpose) -> Result<(RecordId, RecordId), AppError> {
    let refused = || AppError::Conflict(LINK_NOT_VALID.into());
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(refused());
    }
    let id = db::rid("account_token", &key_of(token));
    let mut r = tx
        .run(
            "SELECT purpose, user, email, user.email AS current_email, expires_at, used_at, user.disabled AS disabled
             FROM ONLY $id",
            vec![("id", v(id.clone()))],
        )
        .await?;
    let row: Option<TokenRow> = r.take(0).map_err(db::fail("token decode"))?;
    let row = row.ok_or_else(refused)?;
    let moved = row.email.as_ref().is_some_and(|sent_to| *sent_to != row.current_email);
    if row.purpose != purpose.as_str() || row.used_at.is_some() || row.expires_at <= tx.now() || row.disabled || moved {
        return Err(refused());
    }
    Ok((id, row.user))
}

/// Whether `token` may be used for `purpose`, without using it: checked before the expensive
/// work of hashing a new password, so that a bad link costs the server nothing.
pub async fn check(state: &crate::state::AppState, token: &str, purpose: Purpose) -> Result<(), AppError> {
    db::transact(state, |tx| async move { usable(&tx, token, purpose).await.map(|_| ()) }).await
}

/// Uses a token once, inside `tx`: returns the user it was for.
pub async fn redeem(tx: &Tx, token: &str, purpose: Purpose) -> Result<RecordId, AppError> {
    let (id, user) = usable(tx, token, purpose).await?;
    let mut r =
        tx.run("UPDATE $id SET used_at = $now WHERE used_at = NONE RETURN VALUE id", vec![("id", v(id))]).await?;
    let used: Vec<RecordId> = r.take(0).map_err(db::fail("token use"))?;
    if used.is_empty() {
        return Err(AppError::Conflict(LINK_NOT_VALID.into()));
    }
    Ok(user)
}

/// The statement that voids every unused invitation and reset link of `$user`, for use inside
/// the transaction that changes what those links were for (e-mail, password, disabling).
/// How long an account link is kept after it expires: long enough to send a failed invitation
/// or reset again from the mail log, then removed by the daily purge.
pub const KEPT_DAYS_AFTER_EXPIRY: i64 = 90;

/// The statement that removes account links past [`KEPT_DAYS_AFTER_EXPIRY`] (the daily purge).
pub const PURGE_EXPIRED: &str = "DELETE account_token WHERE expires_at < $now - 90d;";

pub const VOID_ALL_OF_USER: &str = "UPDATE account_token SET used_at = $now WHERE user = $user AND used_at = NONE;";

/// How many reset links `user` was sent in the last hour (to refuse mail-bombing).
pub async fn recent_resets(tx: &Tx, user: &RecordId) -> Result<i64, AppError> {
    let mut r = tx
        .run(
            "RETURN count(SELECT id FROM account_token WHERE user = $user AND purpose = 'reset' AND created_at > $now - 1h)",
            vec![("user", v(user.clone()))],
        )
        .await?;
    let n: Option<i64> = r.take(0).map_err(db::fail("reset count decode"))?;
    Ok(n.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_keeps_links_as_long_as_said() {
        let days = format!("- {}d;", super::KEPT_DAYS_AFTER_EXPIRY);
        assert!(super::PURGE_EXPIRED.ends_with(&days), "{}", super::PURGE_EXPIRED);
    }
}
