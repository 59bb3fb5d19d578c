//! The SDK handle behind [`crate::state::Db`], opened one of two ways.
//!
//! A SurrealDB server (`ws://`) and the in-memory store (`mem://`) are opened by the SDK's own
//! `connect`. The on-disk store (`surrealkv://`) is opened here, from a datastore built with a
//! memory budget (`HUB_DB_MEMORY_MB`): the SDK's `connect` gives the store no way to size its
//! block cache and write buffer, which otherwise take half the machine's memory and 1 GiB (the
//! store reads the machine, not the process's share of it). The datastore is served through
//! `Surreal::<Db>::unstable_from_datastore`, outside the SDK's semver promise: the workspace
//! pins SurrealDB's exact version, and `server/tests/api/memory.rs` checks the store got the
//! budget.
//!
//! The two handles have different types, so this module gives the app one of each shape it
//! uses: a handle, a query, a transaction.

use std::future::{Future, IntoFuture};
use std::path::Path;
use std::pin::Pin;

use surrealdb::engine::any::Any;
use surrealdb::engine::local::Db as Local;
use surrealdb::method::IntoVariables;
use surrealdb::{IndexedResults, Surreal};

/// How the embedded store divides its memory budget: a quarter to the write buffer (a single
/// transaction must fit in it), the rest to the cache of blocks read from disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreMemory {
    pub block_cache_bytes: u64,
    pub write_buffer_bytes: u64,
}

const MIB: u64 = 1024 * 1024;

impl StoreMemory {
    /// The budget of `megabytes`, divided. Small budgets keep a 16 MiB write buffer, enough for
    /// the largest transaction the Hub writes (a retention batch of 1,000 records).
    pub fn of(megabytes: u64) -> StoreMemory {
        let total = megabytes.max(32) * MIB;
        let write_buffer_bytes = (total / 4).max(16 * MIB);
        StoreMemory { block_cache_bytes: total - write_buffer_bytes, write_buffer_bytes }
    }
}

/// The SDK handle of either kind.
#[derive(Debug, Clone)]
pub enum Handle {
    Any(Surreal<Any>),
    Local(Surreal<Local>),
}

type Answer<'a, T> = Pin<Box<dyn Future<Output = Result<T, surrealdb::Error>> + Send + 'a>>;

impl Handle {
    /// Opens `endpoint` (`surrealkv://path`) as an on-disk store within `memory`.
    pub async fn embedded(endpoint: &str, memory: StoreMemory) -> Result<Handle, surrealdb::Error> {
        let failed = |error: String| surrealdb::Error::internal(error);
        let wal = wal_folder(endpoint);
        let before = wal_files(&wal);
        let mut datastore = build(endpoint, memory).await?;
        // A process killed in the middle of writing its log leaves a torn last record. Opening
        // the store repairs the log by writing a good copy and renaming it over the torn one,
        // but the store keeps appending to the file it opened before the repair, which is no
        // longer in the folder: every write until the next restart would be lost at the next
        // crash. So when the open replaced a log file, the store is closed and opened again,
        // on the repaired file, before anything is written.
        if wal_files(&wal).iter().any(|(name, inode)| before.iter().any(|(n, i)| n == name && i != inode)) {
            tracing::warn!("the store's write-ahead log was repaired after a crash: opening it again");
            datastore.shutdown().await.map_err(|e| failed(e.to_string()))?;
            drop(datastore);
            datastore = build(endpoint, memory).await?;
        }
        datastore.check_version().await.map_err(|e| failed(e.to_string()))?;
        datastore.bootstrap().await.map_err(|e| failed(e.to_string()))?;
        datastore.start_maintenance_tasks();
        Ok(Handle::Local(Surreal::<Local>::unstable_from_datastore(datastore, None).await?))
    }

    pub fn query<'a>(&'a self, sql: impl Into<std::borrow::Cow<'a, str>>) -> Query<'a> {
        match self {
            Handle::Any(db) => Query::Any(db.query(sql)),
            Handle::Local(db) => Query::Local(db.query(sql)),
        }
    }

    pub async fn signin_root(&self, username: String, password: String) -> Result<(), surrealdb::Error> {
        let root = surrealdb::opt::auth::Root { username, password };
        match self {
            Handle::Any(db) => db.signin(root).await.map(drop),
            Handle::Local(db) => db.signin(root).await.map(drop),
        }
    }

    pub async fn use_ns_db(&self, namespace: &str, database: &str) -> Result<(), surrealdb::Error> {
        match self {
            Handle::Any(db) => db.use_ns(namespace).use_db(database).await.map(drop),
            Handle::Local(db) => db.use_ns(namespace).use_db(database).await.map(drop),
        }
    }

    /// A transaction on a session of its own.
    pub async fn begin(&self) -> Result<Transaction, surrealdb::Error> {
        Ok(match self {
            Handle::Any(db) => Transaction::Any(db.clone().begin().await?),
            Handle::Local(db) => Transaction::Local(db.clone().begin().await?),
        })
    }

    /// Writes the whole database as SurrealQL to `path`.
    pub async fn export(&self, path: &Path) -> Result<(), surrealdb::Error> {
        match self {
            Handle::Any(db) => db.export(path).await,
            Handle::Local(db) => db.export(path).await,
        }
    }

    /// Runs the SurrealQL export at `path`.
    pub async fn import(&self, path: &Path) -> Result<(), surrealdb::Error> {
        match self {
            Handle::Any(db) => db.import(path).await,
            Handle::Local(db) => db.import(path).await,
        }
    }
}

/// Builds the datastore at `endpoint` within `memory`, as the SDK's own `connect` opens a local
/// store: default capabilities, and the maintenance tasks started only once the store's version
/// is settled.
async fn build(
    endpoint: &str,
    memory: StoreMemory,
) -> Result<std::sync::Arc<surrealdb_engine_local::Datastore>, surrealdb::Error> {
    let config = surrealdb_cnf::ConfigMap::empty()
        .with_key_value("surrealkv_block_cache_capacity", memory.block_cache_bytes.to_string())
        .with_key_value("surrealkv_max_memtable_size", memory.write_buffer_bytes.to_string());
    surrealdb_engine_local::Datastore::builder()
        .with_config(config)
        .with_capabilities(surrealdb::opt::capabilities::Capabilities::default().into())
        .without_maintenance_tasks()
        .build_with_path(endpoint)
        .await
        .map_err(|e| surrealdb::Error::internal(e.to_string()))
}

/// The folder of the store's write-ahead log: `wal` inside the store's folder.
fn wal_folder(endpoint: &str) -> std::path::PathBuf {
    let path = endpoint.strip_prefix("surrealkv://").unwrap_or(endpoint);
    Path::new(path.split('?').next().unwrap_or(path)).join("wal")
}

/// The log's files with their inode numbers: a file replaced by rename has a new one.
fn wal_files(folder: &Path) -> Vec<(std::ffi::OsString, u64)> {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    entries.flatten().filter_map(|e| Some((e.file_name(), e.metadata().ok()?.ino()))).collect()
}

/// A query being built: statements and bound parameters, run when awaited.
pub enum Query<'a> {
    Any(surrealdb::method::Query<'a, Any>),
    Local(surrealdb::method::Query<'a, Local>),
}

impl<'a> Query<'a> {
    pub fn bind(self, vars: impl IntoVariables) -> Self {
        match self {
            Query::Any(q) => Query::Any(q.bind(vars)),
            Query::Local(q) => Query::Local(q.bind(vars)),
        }
    }
}

impl<'a> IntoFuture for Query<'a> {
    type Output = Result<IndexedResults, surrealdb::Error>;
    type IntoFuture = Answer<'a, IndexedResults>;

    fn into_future(self) -> Self::IntoFuture {
        match self {
            Query::Any(q) => Box::pin(q.into_future()),
            Query::Local(q) => Box::pin(q.into_future()),
        }
    }
}

/// An open transaction of either kind.
pub enum Transaction {
    Any(surrealdb::method::Transaction<Any>),
    Local(surrealdb::method::Transaction<Local>),
}

impl Transaction {
    pub fn query<'a>(&'a self, sql: impl Into<std::borrow::Cow<'a, str>>) -> Query<'a> {
        match self {
            Transaction::Any(tx) => Query::Any(tx.query(sql)),
            Transaction::Local(tx) => Query::Local(tx.query(sql)),
        }
    }

    pub async fn commit(self) -> Result<(), surrealdb::Error> {
        match self {
            Transaction::Any(tx) => tx.commit().await.map(drop),
            Transaction::Local(tx) => tx.commit().await.map(drop),
        }
    }

    pub async fn cancel(self) -> Result<(), surrealdb::Error> {
        match self {
            Transaction::Any(tx) => tx.cancel().await.map(drop),
            Transaction::Local(tx) => tx.cancel().await.map(drop),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_divided_and_a_small_one_keeps_a_usable_write_buffer() {
        assert_eq!(StoreMemory::of(256), StoreMemory { block_cache_bytes: 192 * MIB, write_buffer_bytes: 64 * MIB });
        assert_eq!(StoreMemory::of(64), StoreMemory { block_cache_bytes: 48 * MIB, write_buffer_bytes: 16 * MIB });
        let tiny = StoreMemory::of(1);
        assert_eq!(tiny.block_cache_bytes + tiny.write_buffer_bytes, 32 * MIB);
        assert_eq!(tiny.write_buffer_bytes, 16 * MIB);
    }
}
