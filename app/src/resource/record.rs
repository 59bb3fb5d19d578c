//! One record of a resource: read by key (in or out of a transaction), a chosen record checked
//! to exist, and the write of a save.

use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::state::Db;
use surrealdb::types::{RecordId, SurrealValue, Value};
use surrealdb::IndexedResults;

/// Reads one record by key into `T`, or `NotFound`.
pub async fn one<T: SurrealValue>(db: &Db, fields: &str, table: &str, key: &str) -> Result<T, AppError> {
    let id = db::rid(table, &crate::api::parse_key(key)?);
    let query = db.query(format!("SELECT {fields} FROM ONLY $id")).bind(("id", id));
    found(query.await.and_then(|r| r.check()).map_err(db::fail("record read"))?)
}

/// [`one`] inside a transaction, so that an attempt that is run again reads again.
pub async fn one_in<T: SurrealValue>(tx: &Tx, fields: &str, table: &str, key: &str) -> Result<T, AppError> {
    let id = db::rid(table, &crate::api::parse_key(key)?);
    found(tx.run(&format!("SELECT {fields} FROM ONLY $id"), vec![("id", v(id))]).await?)
}

/// The record `table:key` that a form chose, or `message` at `field` when there is none.
pub async fn chosen(db: &Db, table: &str, key: &str, field: &str, message: &str) -> Result<RecordId, AppError> {
    let missing = || AppError::field(field, message);
    let id = db::rid(table, &crate::api::parse_key(key).map_err(|_| missing())?);
    let query = db.query("SELECT VALUE id FROM ONLY $id").bind(("id", id));
    let mut response = query.await.and_then(|r| r.check()).map_err(db::fail("reference check"))?;
    let found: Option<RecordId> = response.take(0).map_err(db::fail("reference decode"))?;
    found.ok_or_else(missing)
}

fn found<T: SurrealValue>(mut response: IndexedResults) -> Result<T, AppError> {
    let row: Option<T> = response.take(0).map_err(db::fail("record decode"))?;
    row.ok_or(AppError::NotFound)
}

/// Creates (`creating`) or updates the record `table:key`, setting each of `fields` from the
/// bound parameter of the same name. The names are fixed in code; values are only ever bound.
/// A field may not be called `id` or `now` (parameters of the statement) nor take one of
/// SurrealQL's protected names (`value`, `token`, `before`, `after`, `event`).
pub async fn put(
    tx: &Tx,
    creating: bool,
    table: &str,
    key: &str,
    fields: Vec<(&'static str, Value)>,
) -> Result<(), AppError> {
    debug_assert!(fields.iter().all(|(f, _)| !["id", "now", "value", "token", "before", "after", "event"].contains(f)));
    let verb = if creating { "CREATE" } else { "UPDATE" };
    let set = fields.iter().map(|(f, _)| format!("{f} = ${f}")).collect::<Vec<_>>().join(", ");
    let mut vars = fields;
    vars.push(("id", v(db::rid(table, key))));
    tx.run(&format!("{verb} $id SET {set}"), vars).await.map(|_| ())
}
