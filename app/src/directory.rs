//! The names of agencies and members, kept in the app for the long lists. A list row names its
//! sending and host agencies (and a nomination its member); following those record links in
//! the query costs a read of the store per link and row, which at ten years was about half of a
//! list query's time. There are only a few hundred agencies and members, so the app reads them
//! all at once, shares them like the dashboard's figures (see [`crate::cache`]), and the lists
//! read only the links' keys. A save of an agency or member in this process forgets them, so
//! whoever renamed one sees the new name at once; another server sees it within the period.

use std::collections::HashMap;
use std::sync::Arc;

use surrealdb::types::RecordId;

use crate::cache::Recent;
use crate::db;
use crate::error::AppError;
use crate::state::AppState;

/// Names by record: agencies and members.
#[derive(Clone, Default)]
pub struct Directory {
    names: Arc<HashMap<RecordId, String>>,
}

impl Directory {
    /// The name of the agency or member `id`; empty for one that is not there (as a link to a
    /// missing record reads in a query).
    pub fn name(&self, id: &RecordId) -> String {
        self.names.get(id).cloned().unwrap_or_default()
    }

    /// The name of an optional link (a row stored before the link was kept).
    pub fn name_of(&self, id: Option<&RecordId>) -> String {
        id.map(|id| self.name(id)).unwrap_or_default()
    }

    fn from_rows(rows: impl IntoIterator<Item = Named>) -> Self {
        Directory { names: Arc::new(rows.into_iter().map(|r| (r.id, r.name)).collect()) }
    }
}

use crate::db::stored::NamedRow as Named;

/// Read inside the dashboard's shared figures, so it never waits for another caller.
static SHARED: Recent<Directory> = Recent::new();

/// Today's directory, read once per period and shared by every list.
pub async fn current(state: &AppState) -> Result<Directory, AppError> {
    SHARED.get(state.clock.today(), || read(state)).await
}

async fn read(state: &AppState) -> Result<Directory, AppError> {
    let mut r = state
        .db
        .query("SELECT id, name FROM agency; SELECT id, name FROM member;")
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("directory"))?;
    let agencies: Vec<Named> = r.take(0).map_err(db::fail("directory agencies"))?;
    let members: Vec<Named> = r.take(1).map_err(db::fail("directory members"))?;
    Ok(Directory::from_rows(agencies.into_iter().chain(members)))
}

/// Called after a save of a record of `table`: an agency's or member's new name is read again.
pub fn saved(table: &str) {
    if matches!(table, "agency" | "member") {
        SHARED.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_record_and_empty_for_a_missing_one() {
        let directory = Directory::from_rows([
            Named { id: db::rid("agency", "a1"), name: "Ministry of Finance".into() },
            Named { id: db::rid("member", "a1"), name: "Fiji".into() },
        ]);
        assert_eq!(directory.name(&db::rid("agency", "a1")), "Ministry of Finance");
        assert_eq!(directory.name(&db::rid("member", "a1")), "Fiji", "the table is part of the key");
        assert_eq!(directory.name(&db::rid("agency", "gone")), "");
        assert_eq!(directory.name_of(None), "");
    }
}
