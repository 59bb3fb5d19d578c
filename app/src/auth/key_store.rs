//! Where the server's secret key ([`ServerKey`]) is kept: in the database, created at first
//! start, so every app server of one database signs and checks alike.

use surrealdb::types::SurrealValue;

use crate::signing::ServerKey;
use crate::state::Db;

#[derive(SurrealValue)]
struct KeyRow {
    key: String,
}

/// Reads the database's key, creating it on first start. Two servers starting at once both end
/// up with the one key that was stored first.
pub async fn load_or_create(db: &Db, now: chrono::DateTime<chrono::Utc>) -> Result<ServerKey, String> {
    for _ in 0..3 {
        let mut r = db
            .query("SELECT key FROM ONLY server_key:main")
            .await
            .and_then(|r| r.check())
            .map_err(|e| format!("server key: {e}"))?;
        let row: Option<KeyRow> = r.take(0).map_err(|e| format!("server key: {e}"))?;
        if let Some(row) = row {
            return ServerKey::from_stored(&row.key);
        }
        let fresh = ServerKey::random();
        // Losing a race with another server is fine: the loop reads its key.
        let _ = db
            .query("CREATE server_key:main SET key = $key, created_at = $now")
            .bind(("key", fresh.to_stored()))
            .bind(("now", now))
            .await
            .and_then(|r| r.check());
    }
    Err("server key: could not be created".into())
}
