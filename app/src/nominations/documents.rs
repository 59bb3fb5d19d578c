//! Uploading and downloading nomination documents. Plain axum handlers (multipart uploads are
//! streamed to disk, never held in memory), with the same access rules as the server functions.
//!
//! Files are stored under the documents folder by record key only: no name a user typed ever
//! becomes part of a path.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
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

fn back(state: &AppState, nomination: &str, flash: crate::ui::flash::Flash) -> Response {
    uploads::back(state, &format!("/nominations/{nomination}"), flash)
}

fn refused(state: &AppState, nomination: &str, error: AppError) -> Response {
    let form = Some(format!("/nominations/{nomination}/documents"));
    back(state, nomination, crate::ui::flash::Flash::from_error(&error, form, Default::default()))
}

/// `POST /nominations/{id}/documents` with one file in the `file` field.
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let Ok(key) = crate::api::parse_key(&id) else { return StatusCode::NOT_FOUND.into_response() };
    match receive(&state, &key, &headers, multipart).await {
        Ok(name) => back(&state, &key, crate::ui::flash::Flash::notice(&format!("Document {name} attached."))),
        Err(AppError::Unauthenticated) => Redirect::to("/login").into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(AppError::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(error) => refused(&state, &key, error),
    }
}

#[tracing::instrument(skip_all, fields(nomination = %key))]
async fn receive(
    state: &AppState,
    key: &str,
    headers: &HeaderMap,
    mut multipart: Multipart,
) -> Result<String, AppError> {
    let user = caller(state, headers).await?;
    let n = super::service::load(state, &user, key).await?;
    let own = user.role == Role::Nominator && user.agency.as_ref().is_some_and(|a| a.id == n.sending_agency_id);
    if !own {
        return Err(AppError::Forbidden);
    }
    if !n.state.editable() {
        return Err(not_editable());
    }
    if n.documents.len() >= MAX_PER_NOMINATION {
        return Err(too_many());
    }
    let received = uploads::receive(state, &mut multipart).await?;
    let (doc_key, name_ref, sha, user, kind, size) =
        (&received.key, &received.name, &received.sha256, &user, received.kind, received.size);
    let recorded = db::transact(state, |tx| async move {
        // State and count are checked again here: a submission or another upload may have
        // happened while this file was arriving. Writing the nomination first makes parallel
        // uploads (and a parallel submission) conflict, so a retry sees their result: without
        // it each would count the documents before the others and all would pass the limit.
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
        if count.unwrap_or(0) >= MAX_PER_NOMINATION as i64 {
            return Err(too_many());
        }
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
        audit::record(&tx, &Actor::user(user), "created", "nomination_document", doc_key, None, Some(&after)).await
    })
    .await;
    if let Err(error) = recorded {
        uploads::discard(&received).await;
        return Err(error);
    }
    Ok(received.name)
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
