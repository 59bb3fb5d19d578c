//! Reading the audit trail from the store: a page of it with its filters, and the CSV (ssr).

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::AuditEntry;
use crate::auth::CurrentUser;
use crate::db::v;
use crate::error::AppError;
use crate::listing::{ListQuery, Page};
use crate::resource::csv::CsvExport;
use crate::resource::store::ListSql;
use crate::state::AppState;

const FIELDS: &str = "at, actor_label, action, record_table, record_key, before, after";
const SORTS: &[(&str, &str)] = &[("at", "at")];

#[derive(Debug, SurrealValue)]
pub struct Row {
    at: DateTime<Utc>,
    actor_label: String,
    action: String,
    record_table: String,
    record_key: String,
    before: Option<String>,
    after: Option<String>,
}

impl From<Row> for AuditEntry {
    fn from(r: Row) -> Self {
        AuditEntry {
            at: r.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            actor: r.actor_label,
            action: r.action,
            record_table: r.record_table,
            record_key: r.record_key,
            before: r.before,
            after: r.after,
        }
    }
}

/// Newest first unless the caller sorts otherwise.
fn query_for(query: &ListQuery) -> (ListSql, ListQuery) {
    let mut query = query.clone();
    if query.sort.is_empty() {
        query.sort = "at".into();
        query.dir = "desc".into();
    }
    let sql = ListSql::new("audit_event", FIELDS, SORTS)
        .with_descending_twins(&["at"])
        .with_listed_order(&["at_desc"])
        .filter_if(!query.table.is_empty(), "record_table = $table", "table", v(query.table.clone()))
        .filter_if(!query.key.is_empty(), "record_key = $key", "key", v(query.key.clone()))
        .filter_if(!query.kind.is_empty(), "action = $action", "action", v(query.kind.clone()))
        .filter_if(!query.q.trim().is_empty(), "actor_label @@ $q", "q", v(query.needle()));
    (sql, query)
}

pub async fn list(user: &CurrentUser, query: &ListQuery) -> Result<Page<AuditEntry>, AppError> {
    let state = AppState::current()?;
    let _search = state.limits.search(user, query)?;
    let (sql, query) = query_for(query);
    Ok(sql.page::<Row>(&state.db, &query).await?.map(Into::into))
}

pub async fn csv(state: &AppState, query: &ListQuery) -> Result<CsvExport, AppError> {
    query.check()?;
    let (sql, query) = query_for(query);
    let header = ["at", "actor", "action", "table", "record", "before", "after"];
    Ok(CsvExport::rows(&header, sql, &state.db, query, |row: Row| {
        let e = AuditEntry::from(row);
        Ok(vec![
            e.at,
            e.actor,
            e.action,
            e.record_table,
            e.record_key,
            e.before.unwrap_or_default(),
            e.after.unwrap_or_default(),
        ])
    }))
}
