//! The database: connection, migrations, demo data and small helpers for record ids.
//! Server-only.

pub mod migrations;
pub mod seed;

use surrealdb::types::{RecordId, RecordIdKey};

use crate::error::AppError;
use crate::state::Db;

pub const NAMESPACE: &str = "hub";
pub const DATABASE: &str = "hub";

/// Connects to `mem://`, `surrealkv://path` or `ws://host:port` through one code path.
pub async fn connect(endpoint: &str, credentials: Option<(String, String)>) -> Result<Db, surrealdb::Error> {
    if let Some(path) = endpoint.strip_prefix("surrealkv://") {
        // The embedded store wants its parent folder to exist.
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                let _ = std::fs::create_dir_all(parent);
            }
        }
    }
    let db = surrealdb::engine::any::connect(endpoint).await?;
    if let Some((username, password)) = credentials {
        db.signin(surrealdb::opt::auth::Root { username, password }).await?;
    }
    db.use_ns(NAMESPACE).use_db(DATABASE).await?;
    Ok(db)
}

/// A record id from a table and a key that [`crate::api::parse_key`] accepted.
pub fn rid(table: &str, key: &str) -> RecordId {
    RecordId::new(table, key.to_string())
}

/// The key of a record id, as used in URLs.
pub fn key(id: &RecordId) -> String {
    match &id.key {
        RecordIdKey::String(s) => s.clone(),
        RecordIdKey::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

/// Maps a database error to the generic user error, logging the detail.
pub fn fail(context: &'static str) -> impl Fn(surrealdb::Error) -> AppError {
    move |error| AppError::internal(context, error)
}

/// A new random record key: 20 characters from [a-z0-9], as SurrealDB makes its own.
pub fn new_key() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..20).map(|_| CHARS[rng.random_range(0..CHARS.len())] as char).collect()
}

/// Whether a database error is a UNIQUE index violation.
pub fn is_unique_violation(error: &surrealdb::Error) -> bool {
    let text = error.to_string();
    text.contains("already contains")
}

/// A value for a query parameter.
pub fn v(value: impl surrealdb::types::SurrealValue) -> surrealdb::types::Value {
    value.into_value()
}

/// One database transaction: a business change, its audit entry and (later) its outgoing
/// e-mails are written through the same `Tx`, and [`Tx::finish`] commits them together or
/// cancels them together.
pub struct Tx {
    inner: surrealdb::method::Transaction<surrealdb::engine::any::Any>,
}

impl Tx {
    pub async fn begin(db: &Db) -> Result<Tx, AppError> {
        let inner = db.clone().begin().await.map_err(fail("transaction begin"))?;
        Ok(Tx { inner })
    }

    /// Runs statements with bound parameters; fails if any statement failed.
    pub async fn run(
        &self,
        sql: &str,
        vars: Vec<(&'static str, surrealdb::types::Value)>,
    ) -> Result<surrealdb::IndexedResults, AppError> {
        let mut query = self.inner.query(sql.to_string());
        for (name, value) in vars {
            query = query.bind((name, value));
        }
        query.await.and_then(|r| r.check()).map_err(|e| {
            if is_unique_violation(&e) {
                AppError::Conflict("A record with this name already exists.".into())
            } else {
                AppError::internal("transaction statement", e)
            }
        })
    }

    /// Commits when `result` is `Ok`, cancels otherwise, and passes `result` on.
    pub async fn finish<T>(self, result: Result<T, AppError>) -> Result<T, AppError> {
        match result {
            Ok(value) => {
                self.inner.commit().await.map_err(|e| {
                    if is_unique_violation(&e) {
                        AppError::Conflict("A record with this name already exists.".into())
                    } else {
                        AppError::internal("transaction commit", e)
                    }
                })?;
                Ok(value)
            }
            Err(error) => {
                if let Err(cancel) = self.inner.cancel().await {
                    tracing::warn!(error = %cancel, "transaction cancel failed");
                }
                Err(error)
            }
        }
    }
}
