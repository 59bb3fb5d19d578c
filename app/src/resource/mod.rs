//! One generic piece for the resources that have the same shape: a table of records that staff
//! list, filter, sort, page, export as CSV, open and save through a form (members, agencies,
//! donors, themes, users; later placements, reports and funding lists).
//!
//! A resource declares only what is its own, in three parts:
//! - [`declare::resource!`](declare) (server and browser): its table, names and address, its view,
//!   its form (which validates itself: [`Validate`]) and who may read and write it; it writes
//!   [`Declared`] and the resource's three server functions;
//! - [`Resource`] (server and browser): its list columns and filters, and its form fields;
//! - [`Stored`] (server): its table's SELECT list and row type, the row → view conversion, its
//!   filters and sort whitelist as SurrealQL, its CSV columns, and the fields a save writes.
//!
//! The rest is here: [`list`], [`get`], [`save`] and [`csv`] do the work (a save reads the record
//! before the change, writes it and audits it in one retried transaction), and [`pages`] draws the
//! list and edit pages. Leptos server functions cannot be generic, so `resource!` writes each
//! resource its own (`members/list`, `members/get`, `members/save`…): each checks the caller with
//! `auth::guard::require`, then calls one function here. A resource's file starts with
//! `use crate::resource::prelude::*;`.

#[cfg(feature = "ssr")]
mod ahead;
#[cfg(feature = "ssr")]
pub mod csv;
pub mod declare;
pub mod fields;
pub mod pages;
#[cfg(feature = "ssr")]
mod paging;
#[cfg(feature = "ssr")]
mod record;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
pub mod store;

use std::collections::BTreeMap;
use std::future::Future;

use leptos::prelude::{AnyView, IntoAny};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::listing::Page;
use crate::ui::lists::SelectFilter;
use crate::ui::FormState;

#[cfg(feature = "ssr")]
pub use service::{csv, get, list, record, save, Change, CsvColumn, Stored};

/// What a resource's file needs to declare itself. (`Resource` here is ours, not Leptos's.)
pub mod prelude {
    pub use std::collections::BTreeMap;

    pub use leptos::prelude::*;
    pub use serde::{Deserialize, Serialize};

    pub(crate) use super::declare::resource;
    pub use super::{Column, Declared, Editing, Listing, Names, Resource, Validate};
    pub use crate::error::{AppError, FieldErrors};
    pub use crate::listing::ListQuery;
    pub use crate::ui::fields::{checkbox, select, values, FormState, Input};
    pub use crate::ui::lists::SelectFilter;

    #[cfg(feature = "ssr")]
    pub use super::{store::ListSql, Change, CsvColumn, Stored};
    #[cfg(feature = "ssr")]
    pub use crate::auth::guard::{ADMIN, COORDINATOR, STAFF};
    #[cfg(feature = "ssr")]
    pub use crate::db::{self, v, Tx};
    #[cfg(feature = "ssr")]
    pub use surrealdb::types::{RecordId, SurrealValue, Value};
}

/// A page of a list, and whether the caller may change its records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listing<T> {
    pub page: Page<T>,
    pub can_edit: bool,
}

/// A record for its edit page (`None` for a new one), whether the caller may change it, and what
/// its form offers to choose from (`()` when the form needs nothing else). The choices' fields
/// sit beside `record` in the JSON answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Editing<T, C = ()> {
    pub record: Option<T>,
    pub can_edit: bool,
    #[serde(flatten)]
    pub choices: C,
}

/// What a resource is called on its pages and in its addresses.
#[derive(Debug, Clone, Copy)]
pub struct Names {
    /// One record, as in "New member", "Save member" and "Member “…” saved.".
    pub one: &'static str,
    /// The records, as in `/api/members/save`, `/export/members.csv`, "Back to members" and
    /// "No members match.".
    pub many: &'static str,
    /// The list page; a record's page is `{page}/{key}`, a new record's `{page}/new`.
    pub page: &'static str,
    /// The list page's heading, and the line under it.
    pub title: &'static str,
    pub lead: &'static str,
}

impl Names {
    /// Where a resource's form posts.
    pub fn save_action(&self) -> String {
        format!("/api/{}/save", self.many)
    }

    /// The CSV export of the list.
    pub fn export(&self) -> String {
        format!("/export/{}.csv", self.many)
    }
}

/// A column of a list page: its heading, the `sort` value that orders the list by it (one of the
/// resource's sort whitelist) if it sorts, and the text of its cell.
pub struct Column<V> {
    pub label: &'static str,
    pub sort: Option<&'static str>,
    pub cell: fn(&V) -> String,
}

impl<V> Column<V> {
    pub const fn sorted(sort: &'static str, label: &'static str, cell: fn(&V) -> String) -> Self {
        Column { label, sort: Some(sort), cell }
    }

    pub const fn plain(label: &'static str, cell: fn(&V) -> String) -> Self {
        Column { label, sort: None, cell }
    }
}

/// A form as posted (raw text, as every form field is) that checks itself.
pub trait Validate {
    /// The form's values once checked.
    type Valid: Send + Sync;

    /// Checks every field, reporting each bad one at its field.
    fn validate(&self) -> Result<Self::Valid, AppError>;
}

/// The checked values of a resource's form.
pub type Valid<R> = <<R as Declared>::Form as Validate>::Valid;

/// What every resource states the same way: its table, its names, its types and its key.
/// Written by [`declare::resource!`](crate::resource::declare), never by hand.
pub trait Declared: Send + Sync + Sized + 'static {
    /// The database table; also the `record_table` of its audit entries.
    const TABLE: &'static str;
    const NAMES: Names;

    /// One record as the browser may see it.
    type View: Clone + Serialize + DeserializeOwned + Send + Sync + 'static;
    /// The form as posted.
    type Form: Validate + Send + Sync;
    /// What the edit form offers to choose from besides the record.
    type Choices: Clone + Default + Serialize + DeserializeOwned + Send + Sync + 'static;

    /// The record's key, as in its address (the view's `id`).
    fn key(record: &Self::View) -> &str;
}

/// What a resource declares of its own for its pages and its forms. Compiled for the server and
/// the browser.
pub trait Resource: Declared {
    /// The list's columns; there is at least one. The first one names the record: its cell
    /// links to the record's page, heads the edit page and names the record in the saved notice.
    const COLUMNS: &'static [Column<Self::View>];
    /// The edit form's `autocomplete` attribute (`Some("off")` where a browser must not offer
    /// saved passwords).
    const AUTOCOMPLETE: Option<&'static str> = None;

    /// The `<select>` filters of the list, beside the text search.
    fn filters() -> impl Future<Output = Vec<SelectFilter>> + Send;

    /// The form's values for a record, or for a new one.
    fn defaults(record: Option<&Self::View>) -> BTreeMap<String, String>;

    /// The form's fields (the generic page adds the message, the `id` and the save button).
    fn fields(form: &FormState, editing: &Editing<Self::View, Self::Choices>) -> AnyView;

    /// What the edit page shows between the form and the record's history. (Sections written
    /// in a domain's own pages are given to [`pages::edit_with`] instead.)
    fn sections(_key: &str, _editing: &Editing<Self::View, Self::Choices>) -> AnyView {
        ().into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_without_choices_answers_only_the_record_and_the_right() {
        let editing = Editing { record: Some(1), can_edit: true, choices: () };
        let json = serde_json::to_value(&editing).unwrap();
        assert_eq!(json, serde_json::json!({ "record": 1, "can_edit": true }));
        assert_eq!(serde_json::from_value::<Editing<i32>>(json).unwrap(), editing);
    }

    #[test]
    fn choices_sit_beside_the_record() {
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        struct Offered {
            members: Vec<(String, String)>,
        }
        let editing = Editing { record: None::<i32>, can_edit: false, choices: Offered::default() };
        let json = serde_json::to_value(&editing).unwrap();
        assert_eq!(json, serde_json::json!({ "record": null, "can_edit": false, "members": [] }));
        assert_eq!(serde_json::from_value::<Editing<i32, Offered>>(json).unwrap(), editing);
    }
}
