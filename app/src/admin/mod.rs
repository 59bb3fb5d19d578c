//! Administration of reference data: members, agencies (with notification contacts), donors,
//! themes and users. Admins change them; coordinators read them. Each is a
//! [`Resource`](crate::resource::Resource): its file declares its own parts (view, form and
//! validation, columns, filters, form fields, table and CSV columns) and its server functions;
//! listing, saving, exporting and the pages come from `crate::resource`.

pub mod agencies;
pub mod api;
pub mod donors;
pub mod members;
pub mod themes;
pub mod users;

#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod service;

/// The text of an active flag in lists and exports.
pub fn status_label(active: bool) -> &'static str {
    if active {
        "Active"
    } else {
        "Inactive"
    }
}

pub fn status_options() -> Vec<(String, String)> {
    vec![("active".into(), "Active".into()), ("inactive".into(), "Inactive".into())]
}

/// The status filter of a list of records with an `active` flag.
#[cfg(feature = "ssr")]
pub fn by_status(
    sql: crate::resource::store::ListSql,
    query: &crate::listing::ListQuery,
) -> crate::resource::store::ListSql {
    sql.filter_if(!query.status.is_empty(), "active = $active", "active", crate::db::v(query.status == "active"))
}
