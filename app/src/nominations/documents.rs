//! Uploading and downloading nomination documents. Plain axum handlers (multipart uploads are
//! streamed to disk, never held in memory), with the same access rules as the server functions.
//!
//! Files are stored under the documents folder by record key only: no name a user typed ever
//! becomes part of a path.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use surrealdb::types::SurrealValue;

use super::files::MAX_PER_NOMINATION;
use crate::audit::{self, Actor};
use crate::auth::guard::{self, Access};
use crate::auth::{CurrentUser, Role};
use crate::db::{self, v};
use crate::error::AppError;
use crate::state::AppState;
use crate::uploads;

async fn caller(state: &AppState, headers: &HeaderMap) -> Result<CurrentUser, AppError> {
    let user = guard::user_from_headers(state, headers).await?;
    guard::check(user, super::service_access::READERS)
}

/// `POST /nominations/{id}/documents` with one file in the `file` field.
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let Ok(key) = crate::api::parse_key(&id) else { return StatusCode::NOT_FOUND.into_response() };
    // Boxed: the upload's state machine is large, and a debug build's task stack is not.
    let result = Box::pin(receive(&state, &key, &headers, multipart, None)).await;
    answer(&state, &key, result.map(|(name, _)| format!("Document {name} attached.")), true)
}

/// `POST /nominations/{id}/documents/{doc}` with one file in the `file` field: the document is
/// replaced by the new file (while the nomination can be edited).
pub async fn replace(
    State(state): State<AppState>,
    Path((id, doc)): Path<(String, String)>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let (Ok(key), Ok(doc)) = (crate::api::parse_key(&id), crate::api::parse_key(&doc)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let result = Box::pin(receive(&state, &key, &headers, multipart, Some(&doc))).await;
    answer(
        &state,
        &key,
        result.map(|(name, old)| format!("Document {} replaced by {name}.", old.unwrap_or_default())),
        false,
    )
}

/// `POST /nominations/{id}/documents/{doc}/remove`: the document is removed (while the
/// nomination can be edited).
pub async fn remove(
    State(state): State<AppState>,
    Path((id, doc)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (Ok(key), Ok(doc)) = (crate::api::parse_key(&id), crate::api::parse_key(&doc)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let result = remove_document(&state, &key, &doc, &headers).await;
    answer(&state, &key, result.map(|name| format!("Document {name} removed.")), false)
}

/// Back to the nomination (see [`uploads::answer`]).
fn answer(state: &AppState, key: &str, result: Result<String, AppError>, at_upload_form: bool) -> Response {
    uploads::answer(state, &format!("/nominations/{key}"), result, at_upload_form)
}

/// The nomination `key` read for a change to its documents: the caller must be a nominator of
/// its sending agency, and it must be editable.
async fn editable_by(state: &AppState, user: &CurrentUser, key: &str) -> Result<super::NominationView, AppError> {
    let n = super::service::load(state, user, key).await?;
    let own = user.role == Role::Nominator && user.agency.as_ref().is_some_and(|a| a.id == n.sending_agency_id);
    if !own {
        return Err(AppError::Forbidden);
    }
    if !n.state.editable() {
        return Err(not_editable());
    }
    Ok(n)
}

/// In `tx`: writes the nomination first (so that a parallel submission, upload or removal
/// conflicts and is retried on what this one did) and checks it is still editable. Returns how
/// many documents it has.
async fn lock_editable(tx: &db::Tx, key: &str) -> Result<i64, AppError> {
    let mut r = tx
        .run(
            "UPDATE $nomination SET updated_at = $now RETURN NONE;
             SELECT VALUE state FROM ONLY $nomination;
             RETURN count(SELECT id FROM nomination_document WHERE nomination = $nomination);",
            vec![("nomination", v(db::rid("nomination", key)))],
        )
        .await?;
    let state_now: Option<String> = r.take(1).map_err(db::fail("document state"))?;
    let count: Option<i64> = r.take(2).map_err(db::fail("document count"))?;
    if !state_now.and_then(|s| super::NominationState::parse(&s)).is_some_and(|s| s.editable()) {
        return Err(not_editable());
    }
    Ok(count.unwrap_or(0))
}

#[derive(Debug, SurrealValue)]
struct Attached {
    file_name: String,
    size: i64,
}

/// In `tx`: takes document `doc` off nomination `key` (not found unless it is one of its own),
/// writes the history line `message(file name)` and the audit entry. Returns the file name.
async fn take_off(
    tx: &db::Tx,
    user: &CurrentUser,
    key: &str,
    doc: &str,
    message: impl FnOnce(&str) -> String,
) -> Result<String, AppError> {
    let mut r = tx
        .run(
            "SELECT file_name, size FROM nomination_document WHERE id = $doc AND nomination = $nomination;",
            vec![("doc", v(db::rid("nomination_document", doc))), ("nomination", v(db::rid("nomination", key)))],
        )
        .await?;
    let found: Vec<Attached> = r.take(0).map_err(db::fail("document read"))?;
    let old = found.into_iter().next().ok_or(AppError::NotFound)?;
    tx.run(
        "DELETE $doc;
         CREATE nomination_event SET nomination = $nomination, at = $now, actor = $actor, actor_label = $label,
            kind = 'document', message = $message;",
        vec![
            ("doc", v(db::rid("nomination_document", doc))),
            ("nomination", v(db::rid("nomination", key))),
            ("actor", v(db::rid("user", &user.id))),
            ("label", v(format!("{} ({})", user.name, user.role.label()))),
            ("message", v(message(&old.file_name))),
        ],
    )
    .await?;
    let before = serde_json::json!({ "nomination": key, "file_name": old.file_name, "size": old.size });
    audit::record(tx, &Actor::user(user), "deleted", "nomination_document", doc, Some(&before), None).await?;
    Ok(old.file_name)
}

/// Removes document `doc` of nomination `key`; its file goes once the change is stored.
#[tracing::instrument(skip_all, fields(nomination = %key, document = %doc))]
async fn remove_document(state: &AppState, key: &str, doc: &str, headers: &HeaderMap) -> Result<String, AppError> {
    let user = caller(state, headers).await?;
    editable_by(state, &user, key).await?;
    let user = &user;
    let name = db::transact(state, |tx| async move {
        lock_editable(&tx, key).await?;
        take_off(&tx, user, key, doc, |name| format!("Removed the document {name}.")).await
    })
    .await?;
    uploads::forget(state, doc).await;
    Ok(name)
}

/// Receives the file of an upload, or of the replacement of document `replaces`. Returns the
/// new file's name and the replaced one's.
#[tracing::instrument(skip_all, fields(nomination = %key))]
async fn receive(
    state: &AppState,
    key: &str,
    headers: &HeaderMap,
    mut multipart: Multipart,
    replaces: Option<&str>,
) -> Result<(String, Option<String>), AppError> {
    let user = caller(state, headers).await?;
    let n = editable_by(state, &user, key).await?;
    match replaces {
        Some(doc) if !n.documents.iter().any(|d| d.id == doc) => return Err(AppError::NotFound),
        None if n.documents.len() >= MAX_PER_NOMINATION => return Err(too_many()),
        _ => {}
    }
    let received = uploads::receive(state, &mut multipart).await?;
    let (doc_key, name_ref, sha, user, kind, size) =
        (&received.key, &received.name, &received.sha256, &user, received.kind, received.size);
    let recorded = db::transact(state, |tx| async move {
        // State and count are checked again here: a submission or another upload may have
        // happened while this file was arriving (see `lock_editable`); without that each of
        // several parallel uploads would count the documents before the others.
        let count = lock_editable(&tx, key).await?;
        let replaced = match replaces {
            Some(old) => Some(take_off(&tx, user, key, old, |old| format!("Replaced the document {old} with {name_ref}.")).await?),
            None if count >= MAX_PER_NOMINATION as i64 => return Err(too_many()),
            None => None,
        };
        tx.run(
            "CREATE $id SET nomination = $nomination, file_name = $name, content_type = $type, size = $size, sha256 = $sha,
                uploaded_by = $user, uploaded_at = $now",
            vec![
                ("id", v(db::rid("nomination_document", doc_key))),
                ("nomination", v(db::rid("nomination", key))),
                ("name", v(name_ref.clone())),
                ("type", v(kind.content_type().to_string())),
                ("size", v(size as i64)),
                ("sha", v(sha.clone())),
                ("user", v(db::rid("user", &user.id))),
            ],
        )
        .await?;
        let after = serde_json::json!({ "nomination": key, "file_name": name_ref, "size": size });
        audit::record(&tx, &Actor::user(user), "created", "nomination_document", doc_key, None, Some(&after)).await?;
        Ok(replaced)
    })
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

fn not_editable() -> AppError {
    AppError::Conflict("Documents can be changed only while the nomination is a draft or has changes requested.".into())
}

fn too_many() -> AppError {
    AppError::field("file", format!("A nomination has at most {MAX_PER_NOMINATION} documents. Remove one first."))
}

#[derive(Debug, SurrealValue)]
struct StoredDocument {
    nomination: surrealdb::types::RecordId,
    file_name: String,
    content_type: String,
}

/// `GET /documents/{id}`: the file as an attachment, for those who may see its nomination.
pub async fn download(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    match send(&state, &id, &headers).await {
        Ok(response) => response,
        Err(error) => {
            let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::NOT_FOUND);
            (status, error.to_string()).into_response()
        }
    }
}

async fn send(state: &AppState, id: &str, headers: &HeaderMap) -> Result<Response, AppError> {
    let user = caller(state, headers).await?;
    let key = crate::api::parse_key(id)?;
    let mut r = state
        .db
        .query("SELECT nomination, file_name, content_type FROM ONLY $id")
        .bind(("id", db::rid("nomination_document", &key)))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("document read"))?;
    let doc: Option<StoredDocument> = r.take(0).map_err(db::fail("document decode"))?;
    let doc = doc.ok_or(AppError::NotFound)?;
    // The caller must be allowed to see the nomination; otherwise the document does not exist.
    super::service::load(state, &user, &db::key(&doc.nomination)).await?;
    uploads::send(state, &key, &doc.file_name, doc.content_type).await
}

/// Access for the routes: signed-in readers of nominations.
pub const ACCESS: Access<'static> = super::service_access::READERS;
