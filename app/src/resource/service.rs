//! The generic service of a resource: list, get, save and CSV, on the server.

use std::future::Future;

use surrealdb::types::{SurrealValue, Value};

use super::csv::CsvExport;
use super::store::{self, ListSql};
use super::{Editing, Listing, Resource, Valid, Validate};
use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::{self, Tx};
use crate::error::AppError;
use crate::listing::ListQuery;
use crate::state::{AppState, Db};

/// How a resource is stored: what the generic service needs besides [`Resource`].
pub trait Stored: Resource {
    /// A row as [`Stored::FIELDS`] reads it.
    type Row: SurrealValue + Send;
    /// What a save prepares before its transaction, because an attempt that is run again must
    /// not repeat it (a password hash).
    type Prepared: Default + Send + Sync;

    /// The SELECT list of the list, the export and the read of one record.
    const FIELDS: &'static str;
    /// The sort whitelist: (`sort` value, SurrealQL expression). The first is the default.
    const SORTS: &'static [(&'static str, &'static str)];
    /// The field and the message of a UNIQUE violation (a second record with the same name).
    const UNIQUE: (&'static str, &'static str);
    /// The CSV columns after `id`.
    const CSV: &'static [CsvColumn<Self::View>];

    /// The view of a row; a stored value that no longer parses is an internal error.
    fn view(row: Self::Row) -> Result<Self::View, AppError>;

    /// The list's conditions for `query`: fixed SurrealQL with `$parameters` (see [`ListSql`]).
    fn filter(sql: ListSql, query: &ListQuery) -> ListSql;

    /// The fields a save sets, as (field, value) (see [`store::put`]).
    fn stored(change: &Change<'_, Self>) -> Vec<(&'static str, Value)>;

    /// What of the table `user` may read: by default all of it (the guard let them in). A
    /// resource that some roles see only part of narrows the list and the CSV here, and a
    /// record's page with [`Stored::may_read`].
    fn scope(sql: ListSql, _user: &CurrentUser, _now: chrono::DateTime<chrono::Utc>) -> ListSql {
        sql
    }

    /// Whether `user` may read `record` (see [`Stored::scope`]); `NotFound` when not.
    fn may_read(
        _state: &AppState,
        _user: &CurrentUser,
        _record: &Self::View,
    ) -> impl Future<Output = Result<bool, AppError>> + Send {
        async { Ok(true) }
    }

    /// Whether `user` may change these records. Admins change reference data; others read it.
    fn can_edit(user: &CurrentUser) -> bool {
        user.role == Role::Admin
    }

    /// What the edit form offers to choose from.
    fn choices() -> impl Future<Output = Result<Self::Choices, AppError>> + Send {
        async { Ok(Self::Choices::default()) }
    }

    /// Checks the valid form against the database (a chosen record exists) and prepares what
    /// the transaction writes.
    fn prepare(
        _state: &AppState,
        _user: &CurrentUser,
        _key: &str,
        _valid: &Valid<Self>,
    ) -> impl Future<Output = Result<Self::Prepared, AppError>> + Send {
        async { Ok(Self::Prepared::default()) }
    }

    /// Checks the change, inside its transaction, against the record before it (none: a new
    /// record) and what else is stored: a rule about other records (the last administrator), or
    /// about what the record already carries (an agreement's donor and currency stay once money
    /// is on it).
    /// An attempt that is run again after a write conflict checks again, on the fresh data.
    fn check(
        _tx: &Tx,
        _change: &Change<'_, Self>,
        _before: Option<&Self::View>,
    ) -> impl Future<Output = Result<(), AppError>> + Send {
        async { Ok(()) }
    }

    /// What else a save writes in its transaction, after the record (a first contact, an
    /// invitation).
    fn also(_tx: &Tx, _change: &Change<'_, Self>) -> impl Future<Output = Result<(), AppError>> + Send {
        async { Ok(()) }
    }

    /// What the audit trail keeps of a record: by default its view.
    fn snapshot(record: &Self::View) -> serde_json::Value {
        serde_json::to_value(record).unwrap_or_default()
    }

    /// After the commit: the notice for the next page, and that page. By default
    /// "Member “Thailand” saved." and the list.
    fn saved(_change: &Change<'_, Self>, after: &Self::View) -> (String, String) {
        let one = Self::NAMES.one;
        let capital: String = one.chars().take(1).flat_map(char::to_uppercase).chain(one.chars().skip(1)).collect();
        (format!("{capital} “{}” saved.", (Self::COLUMNS[0].cell)(after)), Self::NAMES.page.to_string())
    }
}

/// A column of a CSV export: its heading and its cell.
pub type CsvColumn<V> = (&'static str, fn(&V) -> String);

/// One save, as the hooks of [`Stored`] see it.
pub struct Change<'a, R: Stored> {
    pub state: &'a AppState,
    pub user: &'a CurrentUser,
    /// A new record: the form had no id.
    pub creating: bool,
    pub key: &'a str,
    pub valid: &'a Valid<R>,
    pub prepared: &'a R::Prepared,
}

fn query_for<R: Stored>(state: &AppState, query: &ListQuery, user: &CurrentUser) -> ListSql {
    R::scope(R::filter(ListSql::new(R::TABLE, R::FIELDS, R::SORTS), query), user, state.clock.now())
}

/// One page of the list, filtered and sorted by `query`.
#[tracing::instrument(skip_all, fields(table = R::TABLE, user = %user.id))]
pub async fn list<R: Stored>(user: &CurrentUser, query: &ListQuery) -> Result<Listing<R::View>, AppError> {
    let state = AppState::current()?;
    let _search = state.limits.search(user, query)?;
    let page = query_for::<R>(&state, query, user).page::<R::Row>(&state.db, query).await?;
    Ok(Listing { page: page.try_map(R::view)?, can_edit: R::can_edit(user) })
}

/// One record by key, or `NotFound`.
pub async fn record<R: Stored>(db: &Db, key: &str) -> Result<R::View, AppError> {
    R::view(store::one::<R::Row>(db, R::FIELDS, R::TABLE, key).await?)
}

/// The record `id` for its edit page (none for an empty id: a new record), with the choices.
#[tracing::instrument(skip_all, fields(table = R::TABLE, user = %user.id))]
pub async fn get<R: Stored>(user: &CurrentUser, id: &str) -> Result<Editing<R::View, R::Choices>, AppError> {
    let state = AppState::current()?;
    let record = if id.is_empty() { None } else { Some(record::<R>(&state.db, id).await?) };
    if let Some(record) = &record {
        if !R::may_read(&state, user, record).await? {
            return Err(AppError::NotFound);
        }
    }
    Ok(Editing { record, can_edit: R::can_edit(user), choices: R::choices().await? })
}

/// Creates (empty `id`) or updates a record from its form. The record before the change is read,
/// the change written and audited in one transaction; an attempt that is run again reads again.
/// On success the next page gets a notice.
#[tracing::instrument(skip_all, fields(table = R::TABLE, user = %user.id))]
pub async fn save<R: Stored>(user: &CurrentUser, id: &str, form: &R::Form) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let valid = form.validate()?;
    let creating = id.trim().is_empty();
    let key = if creating { db::new_key() } else { crate::api::parse_key(id.trim())? };
    let prepared = R::prepare(&state, user, &key, &valid).await?;
    let change = Change::<R> { state: &state, user, creating, key: &key, valid: &valid, prepared: &prepared };
    let change = &change;
    let after = db::transact(&state, |tx| async move {
        // Read here, not before the transaction: an attempt that is run again (after a write
        // conflict) must audit what it actually replaced.
        let before = if creating { None } else { Some(record_in::<R>(&tx, change.key).await?) };
        R::check(&tx, change, before.as_ref()).await?;
        store::put(&tx, creating, R::TABLE, change.key, R::stored(change)).await.map_err(unique::<R>)?;
        R::also(&tx, change).await?;
        // The record as stored (names of linked records included), not as the form said it.
        let after = record_in::<R>(&tx, change.key).await?;
        let before_snapshot = before.as_ref().map(R::snapshot);
        audit::record_change(&tx, user, creating, R::TABLE, change.key, before_snapshot.as_ref(), &R::snapshot(&after))
            .await?;
        Ok(after)
    })
    .await?;
    crate::directory::saved(R::TABLE);
    crate::reference::saved(R::TABLE);
    let (notice, to) = R::saved(change, &after);
    Ok(crate::api::Done::new(&notice, &to))
}

async fn record_in<R: Stored>(tx: &Tx, key: &str) -> Result<R::View, AppError> {
    R::view(store::one_in::<R::Row>(tx, R::FIELDS, R::TABLE, key).await?)
}

/// A UNIQUE violation becomes the resource's message at its field.
fn unique<R: Stored>(error: AppError) -> AppError {
    match error {
        AppError::Conflict(_) => AppError::field(R::UNIQUE.0, R::UNIQUE.1),
        other => other,
    }
}

/// The whole list as CSV, filtered and sorted like the page, streamed. The first column is the
/// record's key.
#[tracing::instrument(skip_all, fields(table = R::TABLE, user = %user.id))]
pub async fn csv<R: Stored>(state: &AppState, user: &CurrentUser, query: &ListQuery) -> Result<CsvExport, AppError> {
    query.check()?;
    let header = std::iter::once("id").chain(R::CSV.iter().map(|(heading, _)| *heading)).collect::<Vec<_>>();
    let cells = |row: R::Row| {
        let v = R::view(row)?;
        Ok(std::iter::once(R::key(&v).to_string()).chain(R::CSV.iter().map(|(_, cell)| cell(&v))).collect())
    };
    Ok(CsvExport::rows(&header, query_for::<R>(state, query, user), &state.db, query.clone(), cells))
}
