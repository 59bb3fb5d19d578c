//! Files attached to a record (a nomination's documents, a report's files): upload, replace,
//! remove and download, written once for every kind of record that has them. Plain axum
//! handlers (multipart uploads are streamed to disk, never held in memory, see `uploads`), with
//! the same access rules as the owner's server functions.
//!
//! A kind of owner declares itself with [`Owner`]: its tables, who may read it, and three
//! decisions of its own: whether the caller may change its files now ([`Owner::lock`], which
//! also writes the owner first, so that parallel uploads, removals and the owner's own steps
//! conflict and are retried on what the others did), the history line of a change, and whether
//! the caller may read it. Files are stored by record key only: no name a user typed ever
//! becomes part of a path.

use std::future::Future;

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use surrealdb::types::{RecordId, SurrealValue};

use crate::audit::access::{self, ReadKind};
use crate::audit::{self, Actor};
use crate::auth::guard::{self, Access};
use crate::auth::CurrentUser;
use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::state::AppState;
use crate::uploads;

/// The owner of a change to its files, as [`Owner::lock`] found it.
pub struct Locked {
    pub owner: RecordId,
    /// The owner's stored state, for the history line.
    pub state: String,
    /// How many files it has now.
    pub count: i64,
}

/// A kind of record that has files.
pub trait Owner: Send + Sync + 'static {
    /// The owner's table (`nomination`), also the field of a file row that links to it.
    const TABLE: &'static str;
    /// The table of its files (`nomination_document`).
    const FILES: &'static str;
    /// What a file is called on its pages, in lower case (`document`).
    const WORD: &'static str;
    /// The most files one owner has.
    const MAX: usize;
    /// Who may call the handlers at all (each owner's own rule narrows it).
    const ACCESS: Access<'static>;
    /// What a download of one of its files is in the access log.
    const READ: ReadKind;
    /// A SurrealQL expression of the versions that a file (`$doc`) went out with, when the
    /// owner sends its files with versions (a report's submissions): such a file stays.
    const SENT_WITH: Option<&'static str> = None;

    /// In `tx`: refuses unless `user` may change the files of owner `key` now; writes the owner
    /// (the lock) and counts its files.
    fn lock(tx: &Tx, user: &CurrentUser, key: &str) -> impl Future<Output = Result<Locked, AppError>> + Send;

    /// In `tx`: the owner's history line `message` for a change to its files.
    fn history(
        tx: &Tx,
        user: &CurrentUser,
        locked: &Locked,
        message: String,
    ) -> impl Future<Output = Result<(), AppError>> + Send;

    /// In `tx`: refuses (as "not found") unless `user` may read owner `key`.
    fn may_read(tx: &Tx, user: &CurrentUser, key: &str) -> impl Future<Output = Result<(), AppError>> + Send;
}

/// A history line's actor label.
pub fn actor_label(user: &CurrentUser) -> String {
    format!("{} ({})", user.name, user.role.label())
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn too_many<O: Owner>() -> AppError {
    AppError::field("file", format!("A {} has at most {} {}s. Remove one first.", O::TABLE, O::MAX, O::WORD))
}

async fn caller<O: Owner>(state: &AppState, headers: &HeaderMap) -> Result<CurrentUser, AppError> {
    let user = guard::user_from_headers(state, headers).await?;
    guard::check(user, O::ACCESS)
}

/// Back to the owner's page (see [`uploads::answer`]).
fn answer<O: Owner>(state: &AppState, key: &str, result: Result<String, AppError>, at_upload_form: bool) -> Response {
    uploads::answer(state, &format!("/{}s/{key}", O::TABLE), result, at_upload_form)
}

/// `POST /{owner}s/{id}/documents` with one file in the `file` field.
pub async fn upload<O: Owner>(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let Ok(key) = crate::api::parse_key(&id) else { return StatusCode::NOT_FOUND.into_response() };
    // Boxed: the upload's state machine is large, and a debug build's task stack is not.
    let result = Box::pin(receive::<O>(&state, &key, &headers, &mut multipart, None)).await;
    let notice = result.map(|(name, _)| format!("{} {name} attached.", capitalised(O::WORD)));
    answer::<O>(&state, &key, notice, true)
}

/// `POST /{owner}s/{id}/documents/{doc}` with one file in the `file` field: the file is
/// replaced by the new one (while the owner allows it).
pub async fn replace<O: Owner>(
    State(state): State<AppState>,
    Path((id, doc)): Path<(String, String)>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let (Ok(key), Ok(doc)) = (crate::api::parse_key(&id), crate::api::parse_key(&doc)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let result = Box::pin(receive::<O>(&state, &key, &headers, &mut multipart, Some(&doc))).await;
    let word = capitalised(O::WORD);
    let notice = result.map(|(name, old)| format!("{word} {} replaced by {name}.", old.unwrap_or_default()));
    answer::<O>(&state, &key, notice, false)
}

/// `POST /{owner}s/{id}/documents/{doc}/remove`: the file is removed (while the owner allows it).
pub async fn remove<O: Owner>(
    State(state): State<AppState>,
    Path((id, doc)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (Ok(key), Ok(doc)) = (crate::api::parse_key(&id), crate::api::parse_key(&doc)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let result = remove_file::<O>(&state, &key, &doc, &headers).await;
    let notice = result.map(|name| format!("{} {name} removed.", capitalised(O::WORD)));
    answer::<O>(&state, &key, notice, false)
}

#[derive(Debug, SurrealValue)]
struct Attached {
    file_name: String,
    size: i64,
    /// The versions sent with it (see [`Owner::SENT_WITH`]).
    sent_with: Vec<i64>,
}

/// In `tx`, after [`Owner::lock`]: takes file `doc` off the owner (not found unless it is one
/// of its own; refused once a version went out with it), writes the history line
/// `message(file name)` and the audit entry. Returns the file name.
async fn take_off<O: Owner>(
    tx: &Tx,
    user: &CurrentUser,
    locked: &Locked,
    doc: &str,
    message: impl FnOnce(&str) -> String,
) -> Result<String, AppError> {
    let doc_id = db::rid(O::FILES, doc);
    let sent_with = O::SENT_WITH.unwrap_or("[]");
    let (table, files) = (O::TABLE, O::FILES);
    let mut r = tx
        .run(
            &format!(
                "SELECT file_name, size, {sent_with} AS sent_with FROM {files} WHERE id = $doc AND {table} = $owner;"
            ),
            vec![("doc", v(doc_id.clone())), ("owner", v(locked.owner.clone()))],
        )
        .await?;
    let found: Vec<Attached> = r.take(0).map_err(db::fail("attachment read"))?;
    let old = found.into_iter().next().ok_or(AppError::NotFound)?;
    if let Some(version) = old.sent_with.iter().min() {
        return Err(AppError::Conflict(format!(
            "{} was sent with version {version} of this {table}, so it stays. Attach a new {} instead.",
            old.file_name,
            O::WORD
        )));
    }
    tx.run("DELETE $doc;", vec![("doc", v(doc_id))]).await?;
    O::history(tx, user, locked, message(&old.file_name)).await?;
    let before = serde_json::json!({ (table): db::key(&locked.owner), "file_name": old.file_name, "size": old.size });
    audit::record(tx, &Actor::user(user), "deleted", files, doc, Some(&before), None).await?;
    Ok(old.file_name)
}

/// Removes file `doc` of owner `key`; the stored file goes once the change is committed.
#[tracing::instrument(skip_all, fields(owner = %key, document = %doc))]
async fn remove_file<O: Owner>(
    state: &AppState,
    key: &str,
    doc: &str,
    headers: &HeaderMap,
) -> Result<String, AppError> {
    let user = caller::<O>(state, headers).await?;
    let user = &user;
    let name = db::transact(state, |tx| async move {
        let locked = O::lock(&tx, user, key).await?;
        take_off::<O>(&tx, user, &locked, doc, |name| format!("Removed the {} {name}.", O::WORD)).await
    })
    .await?;
    uploads::forget(state, doc).await;
    Ok(name)
}

/// Receives the file of an upload, or of the replacement of file `replaces`. Returns the new
/// file's name and the replaced one's.
#[tracing::instrument(skip_all, fields(owner = %key))]
async fn receive<O: Owner>(
    state: &AppState,
    key: &str,
    headers: &HeaderMap,
    multipart: &mut Multipart,
    replaces: Option<&str>,
) -> Result<(String, Option<String>), AppError> {
    let user = caller::<O>(state, headers).await?;
    let user = &user;
    // Checked before the file is read (so a refused upload costs nothing) and again with it: a
    // step of the owner or another upload may have happened while the file was arriving, and
    // without the second check each of several parallel uploads would count the files before
    // the others.
    let check = |tx: Tx| async move {
        let locked = O::lock(&tx, user, key).await?;
        if replaces.is_none() && locked.count >= O::MAX as i64 {
            return Err(too_many::<O>());
        }
        Ok((tx, locked))
    };
    db::transact(state, |tx| async move { check(tx).await.map(|_| ()) }).await?;
    let received = Box::pin(uploads::receive(state, multipart)).await?;
    let file = &received;
    let recorded = Box::pin(db::transact(state, |tx| async move {
        let (tx, locked) = check(tx).await?;
        let replaced = match replaces {
            Some(old) => Some(
                take_off::<O>(&tx, user, &locked, old, |old| {
                    format!("Replaced the {} {old} with {}.", O::WORD, file.name)
                })
                .await?,
            ),
            None => None,
        };
        tx.run(
            &format!(
                "CREATE $id SET {} = $owner, file_name = $name, content_type = $type, size = $size, sha256 = $sha,
                    uploaded_by = $user, uploaded_at = $now",
                O::TABLE
            ),
            vec![
                ("id", v(db::rid(O::FILES, &file.key))),
                ("owner", v(locked.owner.clone())),
                ("name", v(file.name.clone())),
                ("type", v(file.kind.content_type().to_string())),
                ("size", v(file.size as i64)),
                ("sha", v(file.sha256.clone())),
                ("user", v(db::rid("user", &user.id))),
            ],
        )
        .await?;
        let after = serde_json::json!({ (O::TABLE): key, "file_name": file.name, "size": file.size });
        audit::record(&tx, &Actor::user(user), "created", O::FILES, &file.key, None, Some(&after)).await?;
        Ok(replaced)
    }))
    .await;
    match recorded {
        Ok(replaced) => {
            if let Some(old) = replaces {
                uploads::forget(state, old).await;
            }
            Ok((received.name, replaced))
        }
        Err(error) => {
            uploads::discard(&received).await;
            Err(error)
        }
    }
}

#[derive(Debug, SurrealValue)]
struct StoredFile {
    owner: RecordId,
    file_name: String,
    content_type: String,
}

/// `GET …/documents/{id}`: the file as an attachment, for those who may read its owner; the
/// read is in the access log before the file goes.
pub async fn download<O: Owner>(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: axum::http::request::Parts,
) -> Response {
    let sent = async {
        let user = caller::<O>(&state, &request.headers).await?;
        let key = crate::api::parse_key(&id)?;
        let address = crate::auth::attempts::client_address(&state, Some(&request));
        let (user, key_ref, address) = (&user, &key, &address);
        let file = db::transact(&state, |tx| async move {
            let mut r = tx
                .run(
                    &format!("SELECT {} AS owner, file_name, content_type FROM ONLY $id", O::TABLE),
                    vec![("id", v(db::rid(O::FILES, key_ref)))],
                )
                .await?;
            let file: Option<StoredFile> = r.take(0).map_err(db::fail("attachment decode"))?;
            let file = file.ok_or(AppError::NotFound)?;
            // The caller must be allowed to read the owner; otherwise the file does not exist.
            let owner = db::key(&file.owner);
            O::may_read(&tx, user, &owner).await?;
            let read = access::Read {
                reader: user,
                kind: O::READ,
                record_table: O::TABLE,
                record_key: &owner,
                item: &file.file_name,
                address: address.clone(),
            };
            access::record(&tx, read).await?;
            Ok(file)
        })
        .await?;
        uploads::send(&state, &key, &file.file_name, file.content_type).await
    };
    match sent.await {
        Ok(response) => response,
        Err(error) => {
            let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::NOT_FOUND);
            (status, error.to_string()).into_response()
        }
    }
}
