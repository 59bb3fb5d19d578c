//! The server's secret key and what it signs: the flash cookie and device cookies. The key is
//! created at first start and kept in the database, so every app server of one database signs
//! and checks alike, and a restart does not void the cookies it signed.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use surrealdb::types::SurrealValue;

use crate::state::Db;

#[derive(Clone)]
pub struct ServerKey([u8; 32]);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey([redacted])")
    }
}

#[derive(SurrealValue)]
struct KeyRow {
    key: String,
}

impl ServerKey {
    /// A key for tests and tools that have no database.
    pub fn random() -> ServerKey {
        ServerKey(rand::random())
    }

    /// Reads the database's key, creating it on first start. Two servers starting at once
    /// both end up with the one key that was stored first.
    pub async fn load_or_create(db: &Db, now: chrono::DateTime<chrono::Utc>) -> Result<ServerKey, String> {
        for _ in 0..3 {
            let mut r = db
                .query("SELECT key FROM ONLY server_key:main")
                .await
                .and_then(|r| r.check())
                .map_err(|e| format!("server key: {e}"))?;
            let row: Option<KeyRow> = r.take(0).map_err(|e| format!("server key: {e}"))?;
            if let Some(bytes) = row.and_then(|row| hex::decode(row.key).ok()) {
                if let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice()) {
                    return Ok(ServerKey(key));
                }
                return Err("server key: the stored key is not 32 bytes".into());
            }
            let fresh = ServerKey::random();
            // Losing a race with another server is fine: the loop reads its key.
            let _ = db
                .query("CREATE server_key:main SET key = $key, created_at = $now")
                .bind(("key", hex::encode(fresh.0)))
                .bind(("now", now))
                .await
                .and_then(|r| r.check());
        }
        Err("server key: could not be created".into())
    }

    fn mac(&self, purpose: &str, message: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        // The purpose keeps a signature for one use from being valid for another.
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(message.as_bytes());
        mac
    }

    /// `message.signature`, for a cookie.
    pub fn sign(&self, purpose: &str, message: &str) -> String {
        let tag = hex::encode(self.mac(purpose, message).finalize().into_bytes());
        format!("{message}.{tag}")
    }

    /// The message of a value made by [`ServerKey::sign`] for `purpose`, if its signature holds
    /// (compared in constant time).
    pub fn verify<'a>(&self, purpose: &str, signed: &'a str) -> Option<&'a str> {
        let (message, tag) = signed.rsplit_once('.')?;
        let tag = hex::decode(tag).ok()?;
        self.mac(purpose, message).verify_slice(&tag).ok()?;
        Some(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_hold_only_for_their_message_purpose_and_key() {
        let key = ServerKey::random();
        let signed = key.sign("flash", "7b7d");
        assert_eq!(key.verify("flash", &signed), Some("7b7d"));
        assert_eq!(key.verify("device", &signed), None, "another purpose");
        assert_eq!(ServerKey::random().verify("flash", &signed), None, "another key");
        let forged = signed.replacen("7b7d", "7b7e", 1);
        assert_eq!(key.verify("flash", &forged), None, "another message");
        assert_eq!(key.verify("flash", "7b7d"), None, "no signature");
        assert_eq!(key.verify("flash", "7b7d.zz"), None, "not hex");
        assert!(!format!("{key:?}").contains(&hex::encode(key.0)));
    }
}
