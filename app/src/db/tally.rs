//! Counts kept by the transactions that change what they count: a list that shows "approved
//! (412)" reads a few rows instead of grouping its whole table on every page. A row per
//! (table, state) for everyone, and per (table, state, agency) for an agency's own view.
//!
//! The key is `table|state|scope` (scope: an agency key, or `all`). A row is written in the
//! same transaction as the change; two changes at once conflict on it and the retry counts
//! again, so a count cannot drift.

use surrealdb::types::{RecordId, SurrealValue};

use super::{fail, rid, v, Tx};
use crate::error::AppError;
use crate::state::Db;

/// The scope of the programme-wide counts.
const ALL: &str = "all";

fn id(table: &str, state: &str, scope: &str) -> RecordId {
    rid("tally", &format!("{table}|{state}|{scope}"))
}

/// A record of `table` in `agency` moved from `from` (none: it is new) to `to`.
pub async fn moved(tx: &Tx, table: &str, agency: &str, from: Option<&str>, to: &str) -> Result<(), AppError> {
    let mut ids = vec![(id(table, to, ALL), 1), (id(table, to, agency), 1)];
    if let Some(from) = from {
        ids.push((id(table, from, ALL), -1));
        ids.push((id(table, from, agency), -1));
    }
    let by: Vec<i64> = ids.iter().map(|(_, d)| *d).collect();
    let ids: Vec<RecordId> = ids.into_iter().map(|(id, _)| id).collect();
    tx.run(
        "FOR $i IN array::range(0, array::len($ids)) { UPSERT $ids[$i] SET n = (n ?? 0) + $by[$i]; };",
        vec![("ids", v(ids)), ("by", v(by))],
    )
    .await
    .map(|_| ())
}

#[derive(Debug, SurrealValue)]
struct Count {
    id: RecordId,
    n: i64,
}

/// The counts of `states` of `table`, for one agency or (none) for everyone, in that order.
pub async fn read(db: &Db, table: &str, states: &[&str], agency: Option<&str>) -> Result<Vec<u64>, AppError> {
    let scope = agency.unwrap_or(ALL);
    let ids: Vec<RecordId> = states.iter().map(|s| id(table, s, scope)).collect();
    let mut r = db
        .query("SELECT id, n FROM $ids")
        .bind(("ids", ids.clone()))
        .await
        .and_then(|r| r.check())
        .map_err(fail("tally read"))?;
    let rows: Vec<Count> = r.take(0).map_err(fail("tally decode"))?;
    Ok(ids.iter().map(|id| rows.iter().find(|r| &r.id == id).map(|r| r.n.max(0) as u64).unwrap_or(0)).collect())
}
