//! Server-side work of `admin::donors`.

use crate::admin::by_status;
use crate::admin::donors::*;
use crate::admin::status_label;
use crate::resource::fields::name_key;
use crate::resource::prelude::*;

#[derive(Debug, SurrealValue)]
pub struct Row {
    id: RecordId,
    name: String,
    country: Option<String>,
    active: bool,
}

impl Stored for Donors {
    type Row = Row;
    type Prepared = ();
    const FIELDS: &'static str = "id, name, name_key, country, active";
    const SORTS: &'static [(&'static str, &'static str)] = &[("name", "name_key"), ("country", "country")];
    const UNIQUE: (&'static str, &'static str) = ("name", "A donor with this name already exists.");
    const CSV: &'static [CsvColumn<DonorView>] = &[
        ("name", |d| d.name.clone()),
        ("country", |d| d.country.clone().unwrap_or_default()),
        ("status", |d| status_label(d.active).into()),
    ];

    fn view(r: Row) -> Result<DonorView, AppError> {
        Ok(DonorView { id: db::key(&r.id), name: r.name, country: r.country, active: r.active })
    }

    fn filter(sql: ListSql, query: &ListQuery) -> ListSql {
        by_status(sql, query).search(query, "string::contains(name_key, $q)")
    }

    fn stored(change: &Change<'_, Self>) -> Vec<(&'static str, Value)> {
        let d = change.valid;
        vec![
            ("name", v(d.name.clone())),
            ("name_key", v(name_key(&d.name))),
            ("country", v(d.country.clone())),
            ("active", v(d.active)),
        ]
    }
}
