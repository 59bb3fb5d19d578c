//! Server-side work of `admin::members`.

use crate::admin::by_status;
use crate::admin::members::*;
use crate::admin::status_label;
use crate::resource::fields::name_key;
use crate::resource::prelude::*;

#[derive(Debug, SurrealValue)]
pub struct Row {
    id: RecordId,
    name: String,
    kind: String,
    iso_code: Option<String>,
    active: bool,
}

impl Stored for Members {
    type Row = Row;
    type Prepared = ();
    const FIELDS: &'static str = "id, name, name_key, kind, iso_code, active";
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("name", "name_key"), ("kind", "kind"), ("iso", "iso_code")];
    const UNIQUE: (&'static str, &'static str) = ("name", "A member with this name already exists.");
    const CSV: &'static [CsvColumn<MemberView>] = &[
        ("name", |m| m.name.clone()),
        ("kind", |m| m.kind.as_str().into()),
        ("iso_code", |m| m.iso_code.clone().unwrap_or_default()),
        ("status", |m| status_label(m.active).into()),
    ];

    fn view(r: Row) -> Result<MemberView, AppError> {
        let kind = crate::db::stored::value::<MemberKind>(&r.kind)?;
        Ok(MemberView { id: db::key(&r.id), name: r.name, kind, iso_code: r.iso_code, active: r.active })
    }

    fn filter(sql: ListSql, query: &ListQuery) -> ListSql {
        by_status(sql, query)
            .search(query, "(string::contains(name_key, $q) OR string::lowercase(iso_code ?? '') = $q)")
            .filter_if(!query.kind.is_empty(), "kind = $kind", "kind", v(query.kind.clone()))
    }

    fn stored(change: &Change<'_, Self>) -> Vec<(&'static str, Value)> {
        let m = change.valid;
        vec![
            ("name", v(m.name.clone())),
            ("name_key", v(name_key(&m.name))),
            ("kind", v(m.kind.as_str().to_string())),
            ("iso_code", v(m.iso_code.clone())),
            ("active", v(m.active)),
        ]
    }
}
