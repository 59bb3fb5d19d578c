//! Server-side work of `admin::themes`.

use crate::admin::by_status;
use crate::admin::status_label;
use crate::admin::themes::*;
use crate::resource::fields::name_key;
use crate::resource::prelude::*;

#[derive(Debug, SurrealValue)]
pub struct Row {
    id: RecordId,
    name: String,
    active: bool,
}

impl Stored for Themes {
    type Row = Row;
    type Prepared = ();
    const FIELDS: &'static str = "id, name, name_key, active";
    const SORTS: &'static [(&'static str, &'static str)] = &[("name", "name_key")];
    const UNIQUE: (&'static str, &'static str) = ("name", "A theme with this name already exists.");
    const CSV: &'static [CsvColumn<ThemeView>] =
        &[("name", |t| t.name.clone()), ("status", |t| status_label(t.active).into())];

    fn view(r: Row) -> Result<ThemeView, AppError> {
        Ok(ThemeView { id: db::key(&r.id), name: r.name, active: r.active })
    }

    fn filter(sql: ListSql, query: &ListQuery) -> ListSql {
        by_status(sql, query).search(query, "string::contains(name_key, $q)")
    }

    fn stored(change: &Change<'_, Self>) -> Vec<(&'static str, Value)> {
        let (name, active) = change.valid;
        vec![("name", v(name.clone())), ("name_key", v(name_key(name))), ("active", v(*active))]
    }
}
