//! The database side of lists: one query for a page and its total, an export, and a read of one
//! record. Server-only.

use surrealdb::types::{SurrealValue, Value};

use crate::db;
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

    pub fn filter_if(self, when: bool, condition: &'static str, name: &'static str, value: Value) -> Self {
        if when {
            self.filter(condition, name, value)
        } else {
            self
        }
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
        let sql = format!(
            "SELECT {fields} FROM {table} {w} ORDER BY {order} LIMIT $limit;",
            fields = self.fields,
            table = self.table,
            w = self.where_clause(),
            order = query.order_by(self.sorts),
        );
        let mut q = db.query(sql).bind(("limit", EXPORT_LIMIT as i64));
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
    let key = crate::api::parse_key(key)?;
    let mut response = db
        .query(format!("SELECT {fields} FROM ONLY $id"))
        .bind(("id", db::rid(table, &key)))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("record read"))?;
    let row: Option<T> = response.take(0).map_err(db::fail("record decode"))?;
    row.ok_or(AppError::NotFound)
}
