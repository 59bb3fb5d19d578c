//! Report attachments: the author attaches files while the report is owed (the same rules as
//! nomination documents: PDF, PNG or JPEG, at most 10 MB, at most five); whoever may read the
//! report may download them. Plain axum handlers on the shared upload plumbing.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use surrealdb::types::{RecordId, SurrealValue};

use crate::audit::{self, Actor};
use crate::auth::guard;
use crate::auth::CurrentUser;
use crate::db::{self, v};
use crate::error::AppError;
use crate::nominations::files::MAX_PER_NOMINATION as MAX_PER_REPORT;
use crate::state::AppState;
use crate::uploads;

async fn caller(state: &AppState, headers: &HeaderMap) -> Result<CurrentUser, AppError> {
    let user = guard::user_from_headers(state, headers).await?;
    guard::check(user, guard::Access::Roles(super::READERS))
}

/// `POST /reports/{id}/documents` with one file in the `file` field.
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let Ok(key) = crate::api::parse_key(&id) else { return StatusCode::NOT_FOUND.into_response() };
    let back = format!("/reports/{key}");
    // Boxed: the upload's state machine is large, and a debug build's task stack is not.
    match Box::pin(receive(&state, &key, &headers, &mut multipart)).await {
        Ok(name) => uploads::back(&state, &back, crate::ui::flash::Flash::notice(&format!("File {name} attached."))),
        Err(AppError::Unauthenticated) => Redirect::to("/login").into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(AppError::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(error) => {
            let form = Some(format!("/reports/{key}/documents"));
            uploads::back(&state, &back, crate::ui::flash::Flash::from_error(&error, form, Default::default()))
        }
    }
}

fn too_many() -> AppError {
    AppError::field("file", format!("A report has at most {MAX_PER_REPORT} files. That is the limit."))
}

/// Checks that `user` writes report `key` and may still attach to it, in `tx`; writing the
/// report first makes parallel uploads conflict, so the count holds.
async fn check_writable(tx: &db::Tx, user: &CurrentUser, key: &str) -> Result<RecordId, AppError> {
    let row = super::service::load_in(tx, user, key).await?;
    if !super::service::is_author(user, &row) {
        return Err(AppError::Forbidden);
    }
    if !row.state()?.is_owed() {
        return Err(AppError::Conflict("Files are attached while the report is being written.".into()));
    }
    let mut r = tx
        .run(
            "UPDATE $id SET updated_at = $now RETURN NONE;
             RETURN count(SELECT id FROM report_document WHERE report = $id);",
            vec![("id", v(row.id.clone()))],
        )
        .await?;
    let count: Option<i64> = r.take(1).map_err(db::fail("report files count"))?;
    if count.unwrap_or(0) >= MAX_PER_REPORT as i64 {
        return Err(too_many());
    }
    Ok(row.id)
}

#[tracing::instrument(skip_all, fields(report = %key))]
async fn receive(
    state: &AppState,
    key: &str,
    headers: &HeaderMap,
    multipart: &mut Multipart,
) -> Result<String, AppError> {
    let user = caller(state, headers).await?;
    let user = &user;
    db::transact(state, |tx| async move { check_writable(&tx, user, key).await.map(|_| ()) }).await?;
    let received = Box::pin(uploads::receive(state, multipart)).await?;
    let file = &received;
    let recorded = Box::pin(db::transact(state, |tx| async move {
        let report = check_writable(&tx, user, key).await?;
        tx.run(
            "CREATE $id SET report = $report, file_name = $name, content_type = $type, size = $size, sha256 = $sha,
                uploaded_by = $user, uploaded_at = $now",
            vec![
                ("id", v(db::rid("report_document", &file.key))),
                ("report", v(report)),
                ("name", v(file.name.clone())),
                ("type", v(file.kind.content_type().to_string())),
                ("size", v(file.size as i64)),
                ("sha", v(file.sha256.clone())),
                ("user", v(db::rid("user", &user.id))),
            ],
        )
        .await?;
        let after = serde_json::json!({ "report": key, "file_name": file.name, "size": file.size });
        audit::record(&tx, &Actor::user(user), "created", "report_document", &file.key, None, Some(&after)).await
    }))
    .await;
    if let Err(error) = recorded {
        uploads::discard(&received).await;
        return Err(error);
    }
    Ok(received.name)
}

#[derive(Debug, SurrealValue)]
struct StoredFile {
    report: RecordId,
    file_name: String,
    content_type: String,
}

/// `GET /reports/documents/{id}`: the file, for those who may read its report.
pub async fn download(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let sent = async {
        let user = caller(&state, &headers).await?;
        let key = crate::api::parse_key(&id)?;
        let (user, key_ref) = (&user, &key);
        let file = db::transact(&state, |tx| async move {
            let mut r = tx
                .run(
                    "SELECT report, file_name, content_type FROM ONLY $id",
                    vec![("id", v(db::rid("report_document", key_ref)))],
                )
                .await?;
            let file: Option<StoredFile> = r.take(0).map_err(db::fail("report file decode"))?;
            let file = file.ok_or(AppError::NotFound)?;
            // The caller must be allowed to read the report; otherwise the file does not exist.
            super::service::load_in(&tx, user, &db::key(&file.report)).await?;
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
