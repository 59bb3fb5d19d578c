//! The database: connection, migrations, the one retrying transaction path and small helpers
//! for record ids. Server-only. (The demo data is above the domains, in `crate::demo`.)

pub mod engine;
pub mod migrations;
pub mod stored;
pub mod tally;

use std::sync::Arc;

use surrealdb::types::{RecordId, RecordIdKey};

use crate::error::AppError;
use crate::state::{AppState, Db};

pub const NAMESPACE: &str = "hub";
pub const DATABASE: &str = "hub";

/// Connects to `mem://`, `surrealkv://path` or `ws://host:port` through one code path.
pub async fn connect(endpoint: &str, credentials: Option<(String, String)>) -> Result<Db, surrealdb::Error> {
    connect_to(&Target { credentials, ..Target::new(endpoint) }).await
}

/// Where the app's data lives: an endpoint, and on a SurrealDB server the root login and the
/// namespace and database (several programmes, or every test, can share one server).
#[derive(Clone)]
pub struct Target {
    pub endpoint: String,
    pub credentials: Option<(String, String)>,
    pub namespace: String,
    pub database: String,
    /// The on-disk store's memory budget in MiB (`HUB_DB_MEMORY_MB`); `None` leaves the
    /// store's own sizing (half the machine's memory for its cache).
    pub memory_mb: Option<u64>,
}

impl Target {
    /// `endpoint` without a login, in the namespace and database `hub`.
    pub fn new(endpoint: &str) -> Target {
        Target {
            endpoint: endpoint.into(),
            credentials: None,
            namespace: NAMESPACE.into(),
            database: DATABASE.into(),
            memory_mb: None,
        }
    }
}

impl std::fmt::Debug for Target {
    // Never the password: a target is logged when a connection fails.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("endpoint", &self.endpoint)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .field("namespace", &self.namespace)
            .field("database", &self.database)
            .field("memory_mb", &self.memory_mb)
            .finish()
    }
}

/// Opens `target`, making its namespace and database when they are not there yet (SurrealDB 3
/// wants a namespace defined before a database in it is used).
pub async fn connect_to(target: &Target) -> Result<Db, surrealdb::Error> {
    let endpoint = target.endpoint.as_str();
    if let Some(path) = endpoint.strip_prefix("surrealkv://") {
        // The embedded store wants its parent folder to exist.
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                let _ = std::fs::create_dir_all(parent);
            }
        }
    }
    let db = match target.memory_mb {
        Some(megabytes) if endpoint.starts_with("surrealkv://") => {
            let memory = engine::StoreMemory::of(megabytes);
            tracing::info!(
                block_cache_mib = memory.block_cache_bytes >> 20,
                write_buffer_mib = memory.write_buffer_bytes >> 20,
                "embedded store sized by HUB_DB_MEMORY_MB={megabytes}"
            );
            engine::Handle::embedded(endpoint, memory).await?
        }
        _ => engine::Handle::Any(surrealdb::engine::any::connect(endpoint).await?),
    };
    if let Some((username, password)) = target.credentials.clone() {
        db.signin_root(username, password).await?;
    }
    // Names are checked by the configuration (letters, digits, '_'), so they can be spliced.
    let define = format!(
        "DEFINE NAMESPACE IF NOT EXISTS {ns}; USE NS {ns}; DEFINE DATABASE IF NOT EXISTS {db};",
        ns = target.namespace,
        db = target.database
    );
    // Servers (or tests) starting at once define the same namespace at once: a conflict there
    // is settled by defining again, when it exists.
    let mut attempt = 0;
    loop {
        match db.query(define.as_str()).await.and_then(|r| r.check()) {
            Ok(_) => break,
            Err(error)
                if (is_retryable(&error) || error.to_string().contains("already exists")) && attempt < ATTEMPTS =>
            {
                attempt += 1
            }
            Err(error) => return Err(error),
        }
    }
    db.use_ns_db(&target.namespace, &target.database).await?;
    Ok(Db::new(db))
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

/// Maps a database error to the generic user error, logging the detail; a lost connection to
/// a SurrealDB server is "unavailable" (503, try again), not "something went wrong".
pub fn fail(context: &'static str) -> impl Fn(surrealdb::Error) -> AppError {
    move |error| {
        if is_unavailable(&error) {
            tracing::warn!(context, %error, "database unavailable");
            AppError::Unavailable
        } else {
            AppError::internal(context, error)
        }
    }
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

/// How many times a unit of work runs before the caller is told the system is busy.
pub const ATTEMPTS: u32 = 16;

/// Whether a database error is a write conflict that succeeds when the whole unit is run again.
pub fn is_retryable(error: &surrealdb::Error) -> bool {
    use surrealdb::types::QueryError;
    if error.query_details() == Some(&QueryError::TransactionConflict) {
        return true;
    }
    // Over `ws://` the structured detail may not survive; the text does.
    let text = error.to_string();
    text.contains("Transaction conflict") || text.contains("retry the transaction")
}

/// The database error as the caller sees it: a conflict is `Busy` (retried by [`transact`]),
/// a UNIQUE violation a `Conflict`, anything else internal (logged with `context`).
pub fn classify(context: &'static str) -> impl Fn(surrealdb::Error) -> AppError {
    move |error| {
        if is_retryable(&error) {
            tracing::debug!(context, "write conflict");
            AppError::Busy
        } else if is_unique_violation(&error) {
            AppError::Conflict("A record with this name already exists.".into())
        } else {
            fail(context)(error)
        }
    }
}

/// Whether a database error says the SurrealDB server is away: the connection is lost, or the
/// server is stopping and refuses new work. Such a request is "unavailable" (503, try again).
pub fn is_unavailable(error: &surrealdb::Error) -> bool {
    error.is_connection() || error.to_string().contains("shutting down")
}

/// One database transaction, handed to the unit of work that [`transact`] runs. A business
/// change, its audit entry and its outgoing e-mails are written through the same `Tx` and are
/// committed together or not at all. Cloning shares the one transaction.
#[derive(Clone)]
pub struct Tx {
    inner: Arc<engine::Transaction>,
    now: chrono::DateTime<chrono::Utc>,
}

impl Tx {
    /// The office clock's time when this attempt began. Statements see it as `$now`, so that
    /// every timestamp of one change is the same instant and comes from the one clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.now
    }

    /// Runs statements with bound parameters (and `$now`); fails if any statement failed.
    pub async fn run(
        &self,
        sql: &str,
        vars: Vec<(&'static str, surrealdb::types::Value)>,
    ) -> Result<surrealdb::IndexedResults, AppError> {
        let mut query = self.inner.query(sql.to_string()).bind(("now", self.now));
        for (name, value) in vars {
            query = query.bind((name, value));
        }
        query.await.and_then(|r| r.check()).map_err(classify("transaction statement"))
    }

    /// Commits when `result` is `Ok`, cancels otherwise, and passes `result` on.
    async fn close<T>(self, result: Result<T, AppError>) -> Result<T, AppError> {
        let Ok(inner) = Arc::try_unwrap(self.inner) else {
            // A unit of work kept a clone past its end: a bug, and the transaction is lost.
            return Err(AppError::internal("transaction", "a Tx outlived its unit of work"));
        };
        match result {
            Ok(value) => {
                inner.commit().await.map_err(classify("transaction commit"))?;
                Ok(value)
            }
            Err(error) => {
                if let Err(cancel) = inner.cancel().await {
                    tracing::warn!(error = %cancel, "transaction cancel failed");
                }
                Err(error)
            }
        }
    }
}

/// Runs `work` in one transaction and commits it, or cancels it on error. When SurrealDB reports
/// a write conflict (another request changed the same records), the whole unit runs again, reads
/// included, up to [`ATTEMPTS`] times with jittered back-off; then the caller gets
/// [`AppError::Busy`]. Every write of the application goes through here.
///
/// `work` may run more than once: it must not send, print or remember anything outside the
/// transaction. Capture what it needs by reference (`let form = &form;`).
pub async fn transact<T, F, Fut>(state: &AppState, mut work: F) -> Result<T, AppError>
where
    F: FnMut(Tx) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let mut attempt = 1;
    loop {
        // A unit that has lost a conflict runs again in the retry lane, one at a time in this
        // process: many requests at one record (64 at once in the tests) then settle in turn
        // instead of colliding again and again. On a SurrealDB server, where a transaction
        // takes several round trips, colliding retries would otherwise run out of attempts.
        let lane = if attempt > 1 { Some(RETRY_LANE.lock().await) } else { None };
        let outcome = match state.db.handle().begin().await.map_err(classify("transaction begin")) {
            Ok(inner) => {
                let tx = Tx { inner: Arc::new(inner), now: state.clock.now() };
                let result = work(tx.clone()).await;
                tx.close(result).await
            }
            Err(error) => Err(error),
        };
        drop(lane);
        if let Some(answer) = settle(&mut attempt, outcome).await {
            return answer;
        }
    }
}

/// After one attempt of a unit of work: `None` when it lost a write conflict and may run again
/// (the back-off slept, `attempt` counted), else the answer (`Busy` once the attempts are spent).
async fn settle<T>(attempt: &mut u32, outcome: Result<T, AppError>) -> Option<Result<T, AppError>> {
    match outcome {
        Err(AppError::Busy) if *attempt < ATTEMPTS => {
            tokio::time::sleep(retry_delay(*attempt, rand::random::<f64>())).await;
            *attempt += 1;
            None
        }
        Err(AppError::Busy) => {
            tracing::warn!(attempts = *attempt, "write conflict persisted; answering busy");
            Some(Err(AppError::Busy))
        }
        other => Some(other),
    }
}

/// Where units of work that lost a write conflict run again, one at a time (see [`transact`]).
/// A unit of work never starts another `transact` inside itself, so holding it cannot deadlock.
static RETRY_LANE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs one statement as its own transaction, with the same retries.
pub async fn write(
    state: &AppState,
    sql: &str,
    vars: Vec<(&'static str, surrealdb::types::Value)>,
) -> Result<(), AppError> {
    statement(state, sql, vars).await.map(|_| ())
}

/// Runs one statement, which SurrealDB runs in a transaction of its own, and returns its
/// results; with the retries and the lane of [`transact`]. For a write that needs nothing read
/// first (a counter, a single update), this is one request where a transaction is four (begin,
/// statement, commit, and the session around them): on a SurrealDB server, where each is a
/// round trip, it keeps a hot row's queue short.
pub async fn statement(
    state: &AppState,
    sql: &str,
    vars: Vec<(&'static str, surrealdb::types::Value)>,
) -> Result<surrealdb::IndexedResults, AppError> {
    let mut attempt = 1;
    loop {
        let lane = if attempt > 1 { Some(RETRY_LANE.lock().await) } else { None };
        let mut query = state.db.query(sql).bind(("now", state.clock.now()));
        for (name, value) in vars.iter().cloned() {
            query = query.bind((name, value));
        }
        let outcome = query.await.and_then(|r| r.check()).map_err(classify("statement"));
        drop(lane);
        if let Some(answer) = settle(&mut attempt, outcome).await {
            return answer;
        }
    }
}

/// The pause before attempt `attempt + 1`: exponential from 4 ms, capped at 250 ms, scaled by a
/// jitter in [0.5, 1.5) so that requests that collided do not collide again in step.
pub fn retry_delay(attempt: u32, jitter: f64) -> std::time::Duration {
    let base = (4u64 << attempt.saturating_sub(1).min(6)).min(250) as f64;
    let factor = 0.5 + jitter.clamp(0.0, 1.0);
    std::time::Duration::from_micros((base * factor * 1000.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_grow_then_stop_growing() {
        let ms = |attempt| retry_delay(attempt, 0.5).as_millis();
        assert_eq!((ms(1), ms(2), ms(3)), (4, 8, 16));
        assert_eq!(ms(7), 250);
        assert_eq!(ms(30), 250);
        // The jitter spreads each delay from half to one and a half times.
        assert_eq!(retry_delay(3, 0.0).as_millis(), 8);
        assert_eq!(retry_delay(3, 1.0).as_millis(), 24);
    }
}
