//! The keyset paging of a list (`store::ListSql`): where a page starts, as a sort key and a
//! count of rows to skip past ties, carried in its links; and the refusal of a page past the end.

use crate::db::v;
use crate::error::AppError;
use crate::listing::{Position, SortKey, COUNT_CAP, PER_PAGE};
use surrealdb::types::{SurrealValue, Value};

/// The refusal of page `page` of a list of `counted` rows (counted up to [`COUNT_CAP`] + 1): a
/// link kept from when the list was longer, or one made by hand. Refused rather than answered
/// with the last page, so that the page number a caller asked for is never silently another.
pub(super) fn past_the_end(page: u32, counted: u64) -> AppError {
    let message = if counted > COUNT_CAP {
        format!("There is no page {page}: this list ends before it.")
    } else {
        let pages = counted.div_ceil(PER_PAGE as u64).max(1);
        format!("There is no page {page}: this list has {pages} page{}.", if pages == 1 { "" } else { "s" })
    };
    AppError::field("page", message)
}

/// How a read starts: at the list's start (or an offset), at a sort value, or past it.
#[derive(Clone, Copy)]
pub(super) enum Seek {
    None,
    From,
    Past,
}

#[derive(Debug, SurrealValue)]
pub(super) struct Total {
    pub(super) total: i64,
}

/// A row of a list with its sort value taken out.
pub(super) struct Keyed {
    pub(super) key: Value,
    pub(super) row: Value,
}

impl Keyed {
    pub(super) fn split(row: Value) -> Result<Keyed, AppError> {
        match row {
            Value::Object(mut object) => {
                let key = object.remove("sort_key").unwrap_or(Value::None);
                Ok(Keyed { key, row: Value::Object(object) })
            }
            other => Err(AppError::internal("list row", format!("not an object: {other:?}"))),
        }
    }
}

pub(super) fn key_value(key: &SortKey) -> Value {
    match key {
        SortKey::Text(text) => Value::String(text.clone()),
        SortKey::Time(at) => v(*at),
        SortKey::Int(n) => v(*n),
    }
}

/// Where the row after `rows` starts, its sort value being `key`: the rows before it with that
/// value are those of `rows`, and those skipped to reach `rows` when it started at `from`.
pub(super) fn position_of(key: &Value, rows: &[Keyed], from: Option<&Position>) -> String {
    let on_page = rows.iter().filter(|r| r.key == *key).count() as u32;
    let skipped = from.filter(|p| key_value(&p.key) == *key).map(|p| p.skip).unwrap_or(0);
    position_text(key, on_page + skipped)
}

/// A position as link text; empty (the first page) for a sort value a link cannot carry.
pub(super) fn position_text(key: &Value, skip: u32) -> String {
    let key = match key {
        Value::String(text) => SortKey::Text(text.clone()),
        Value::Datetime(at) => SortKey::Time((*at).into()),
        Value::Number(surrealdb::types::Number::Int(n)) => SortKey::Int(*n),
        _ => return String::new(),
    };
    Position { key, skip }.encode()
}
