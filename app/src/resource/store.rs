//! The database side of a resource: one query for a list page and its total, an export, the
//! read of one record, the check that a chosen record exists, and the write of a save.
//! Server-only.

use surrealdb::types::{RecordId, SurrealValue, Value};
use surrealdb::IndexedResults;

use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::listing::{ListQuery, Page, EXPORT_LIMIT, PER_PAGE};
use crate::state::Db;

/// A list query built from fixed SurrealQL parts. `conditions` are static strings with
/// `$parameters`; user input only ever travels in `vars`.
pub struct ListSql {
    pub table: &'static str,
    pub fields: &'static str,
    pub conditions: Vec<&'static str>,
    pub vars: Vec<(&'static str, Value)>,
    pub sorts: &'static [(&'static str, &'static str)],
}

impl ListSql {
    pub fn new(table: &'static str, fields: &'static str, sorts: &'static [(&'static str, &'static str)]) -> Self {
        ListSql { table, fields, conditions: Vec::new(), vars: Vec::new(), sorts }
    }

    /// Adds a condition with its parameter.
    pub fn filter(mut self, condition: &'static str, name: &'static str, value: Value) -> Self {
        self.conditions.push(condition);
        self.vars.push((name, value));
        self
    }

    /// Adds a fixed condition that needs no parameter.
    pub fn condition(mut self, condition: &'static str) -> Self {
        self.conditions.push(condition);
        self
    }

    pub fn filter_if(self, when: bool, condition: &'static str, name: &'static str, value: Value) -> Self {
        if when {
            self.filter(condition, name, value)
        } else {
            self
        }
    }

    /// The text search: `condition` with `$q`, the lower-cased search text, when there is one.
    pub fn search(self, query: &ListQuery, condition: &'static str) -> Self {
        self.filter_if(!query.q.trim().is_empty(), condition, "q", v(query.needle()))
    }

    fn where_clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conditions.join(" AND "))
        }
    }

    pub async fn page<T: SurrealValue>(self, db: &Db, query: &ListQuery) -> Result<Page<T>, AppError> {
        query.check()?;
        let page = query.page();
        let sql = format!(
            "SELECT {fields} FROM {table} {w} ORDER BY {order} LIMIT $limit START $start;
             SELECT count() AS total FROM {table} {w} GROUP ALL;",
            fields = self.fields,
            table = self.table,
            w = self.where_clause(),
            order = query.order_by(self.sorts),
        );
        let mut q = db.query(sql).bind(("limit", PER_PAGE as i64)).bind(("start", ((page - 1) * PER_PAGE) as i64));
        for (name, value) in self.vars {
            q = q.bind((name, value));
        }
        let mut response = q.await.and_then(|r| r.check()).map_err(db::fail("list query"))?;
        let items: Vec<T> = response.take(0).map_err(db::fail("list decode"))?;
        let totals: Vec<Total> = response.take(1).map_err(db::fail("list count"))?;
        let total = totals.first().map(|t| t.total.max(0) as u64).unwrap_or(0);
        Ok(Page { items, total, page, per_page: PER_PAGE })
    }

    /// Every matching row (up to the export limit), for CSV.
    pub async fn all<T: SurrealValue>(self, db: &Db, query: &ListQuery) -> Result<Vec<T>, AppError> {
        self.first(db, query, EXPORT_LIMIT as usize).await
    }

    /// The first `limit` matching rows in the query's order (for a home page's short lists).
    pub async fn first<T: SurrealValue>(self, db: &Db, query: &ListQuery, limit: usize) -> Result<Vec<T>, AppError> {
        let sql = format!(
            "SELECT {fields} FROM {table} {w} ORDER BY {order} LIMIT $limit;",
            fields = self.fields,
            table = self.table,
            w = self.where_clause(),
            order = query.order_by(self.sorts),
        );
        let mut q = db.query(sql).bind(("limit", limit as i64));
        for (name, value) in self.vars {
            q = q.bind((name, value));
        }
        let mut response = q.await.and_then(|r| r.check()).map_err(db::fail("export query"))?;
        response.take(0).map_err(db::fail("export decode"))
    }
}

#[derive(Debug, SurrealValue)]
struct Total {
    total: i64,
}

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
