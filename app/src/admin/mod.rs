//! Administration of reference data: members, agencies (with notification contacts), donors,
//! themes and users. Admins change them; coordinators read them. Each area holds its validation
//! (plain Rust), its server functions, and its pages.

pub mod agencies;
pub mod donors;
pub mod members;
pub mod options;
pub mod themes;
pub mod users;

#[cfg(feature = "ssr")]
pub mod export;

use serde::{Deserialize, Serialize};

use crate::listing::Page;

/// A page of a list, and whether the caller may change its records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listing<T> {
    pub page: Page<T>,
    pub can_edit: bool,
}

/// A form for `id` (empty for a new record) with the choices it needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Editing<T> {
    pub record: Option<T>,
    pub can_edit: bool,
}

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
