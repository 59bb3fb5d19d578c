//! Reading the access log from the store: a page of it with its filters, and the CSV (ssr).

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::access::{AccessEntry, ReadKind};
use crate::auth::CurrentUser;
use crate::db::{self, v};
use crate::error::AppError;
use crate::listing::{ListQuery, Page};
use crate::resource::csv::CsvExport;
use crate::resource::store::ListSql;
use crate::state::AppState;

const FIELDS: &str = "at, reader_label, kind, record_table, record_key, item, address";
const SORTS: &[(&str, &str)] = &[("at", "at")];

#[derive(Debug, SurrealValue)]
pub struct Row {
    at: DateTime<Utc>,
    reader_label: String,
    kind: String,
    record_table: String,
    record_key: String,
    item: String,
    address: String,
}

impl TryFrom<Row> for AccessEntry {
    type Error = AppError;

    fn try_from(r: Row) -> Result<Self, AppError> {
        Ok(AccessEntry {
            at: r.at,
            reader: r.reader_label,
            kind: db::stored::value(&r.kind)?,
            record_table: r.record_table,
            record_key: r.record_key,
            item: r.item,
            address: r.address,
        })
    }
}

/// Newest first unless the caller sorts otherwise; narrowed by kind, record, reader and days.
fn query_for(query: &ListQuery) -> (ListSql, ListQuery) {
    let mut query = query.clone();
    if query.sort.is_empty() {
        query.sort = "at".into();
        query.dir = "desc".into();
    }
    let (from, to) = query.date_bounds();
    let kind = ReadKind::parse(&query.kind).map(ReadKind::as_str);
    let sql = ListSql::new("access_event", FIELDS, SORTS)
        .with_descending_twins(&["at"])
        .with_listed_order(&["at_desc"])
        .filter_if(kind.is_some(), "kind = $kind", "kind", v(kind))
        .filter_if(!query.table.is_empty(), "record_table = $table", "table", v(query.table.clone()))
        .filter_if(!query.key.is_empty(), "record_key = $key", "key", v(query.key.clone()))
        .filter_if(!query.q.trim().is_empty(), "reader_label @@ $q", "q", v(query.needle()))
        .filter_if(from.is_some(), "at >= $from", "from", v(from))
        .filter_if(to.is_some(), "at < $to", "to", v(to));
    (sql, query)
}

pub async fn list(user: &CurrentUser, query: &ListQuery) -> Result<Page<AccessEntry>, AppError> {
    let state = AppState::current()?;
    query.check()?;
    let _search = state.limits.search(user, query)?;
    let (sql, query) = query_for(query);
    sql.page::<Row>(&state.db, &query).await?.try_map(AccessEntry::try_from)
}

pub async fn csv(state: &AppState, query: &ListQuery) -> Result<CsvExport, AppError> {
    query.check()?;
    let (sql, query) = query_for(query);
    let header = ["at", "reader", "kind", "table", "record", "item", "address"];
    Ok(CsvExport::rows(&header, sql, &state.db, query, |row: Row| {
        let e = AccessEntry::try_from(row)?;
        Ok(vec![
            crate::ui::format::timestamp(e.at),
            e.reader,
            e.kind.label().to_string(),
            e.record_table,
            e.record_key,
            e.item,
            e.address,
        ])
    }))
}
