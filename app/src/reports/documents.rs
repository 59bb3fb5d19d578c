//! Report attachments: the author attaches files while the report is owed (the same rules as
//! nomination documents: PDF, PNG or JPEG, at most 10 MB, at most five), and may remove or
//! replace one until it has been sent: a file that went with a submitted version stays, as that
//! version was read with it. Whoever may read the report may download them. Plain axum handlers
//! on the shared upload plumbing.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
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
    // Boxed: the upload's state machine is large, and a debug build's task stack is not.
    let result = Box::pin(receive(&state, &key, &headers, &mut multipart, None)).await;
    answer(&state, &key, result.map(|(name, _)| format!("File {name} attached.")), true)
}

/// `POST /reports/{id}/documents/{doc}` with one file in the `file` field: the attachment is
/// replaced by the new file (while the report is owed and the file has not been sent).
pub async fn replace(
    State(state): State<AppState>,
    Path((id, doc)): Path<(String, String)>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let (Ok(key), Ok(doc)) = (crate::api::parse_key(&id), crate::api::parse_key(&doc)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let result = Box::pin(receive(&state, &key, &headers, &mut multipart, Some(&doc))).await;
    let notice = result.map(|(name, old)| format!("File {} replaced by {name}.", old.unwrap_or_default()));
    answer(&state, &key, notice, false)
}

/// `POST /reports/{id}/documents/{doc}/remove`: the attachment is removed (while the report is
/// owed and the file has not been sent).
pub async fn remove(
    State(state): State<AppState>,
    Path((id, doc)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (Ok(key), Ok(doc)) = (crate::api::parse_key(&id), crate::api::parse_key(&doc)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let result = remove_document(&state, &key, &doc, &headers).await;
    answer(&state, &key, result.map(|name| format!("File {name} removed.")), false)
}

/// Back to the report (see [`uploads::answer`]).
fn answer(state: &AppState, key: &str, result: Result<String, AppError>, at_upload_form: bool) -> Response {
    uploads::answer(state, &format!("/reports/{key}"), result, at_upload_form)
}

fn too_many() -> AppError {
    AppError::field("file", format!("A report has at most {MAX_PER_REPORT} files. That is the limit."))
}

/// Checks that `user` writes report `key` and may still attach to it, in `tx`; writing the
/// report first makes parallel uploads, removals and the submission conflict, so the count and
/// the "not sent yet" rule hold.
/// Returns the report's id, its stored state and how many files it has.
async fn check_writable(tx: &db::Tx, user: &CurrentUser, key: &str) -> Result<(RecordId, String, i64), AppError> {
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
    Ok((row.id, row.state, count.unwrap_or(0)))
}

#[derive(Debug, SurrealValue)]
struct Attached {
    file_name: String,
    size: i64,
    /// The versions submitted with it.
    sent_with: Vec<i64>,
}

/// In `tx`, after [`check_writable`]: takes file `doc` off report `report` (not found
/// unless it is one of its own; refused once a submitted version went with it), writes the
/// history line `message(file name)` and the audit entry. Returns the file name.
async fn take_off(
    tx: &db::Tx,
    user: &CurrentUser,
    (report, state): (&RecordId, &str),
    doc: &str,
    message: impl FnOnce(&str) -> String,
) -> Result<String, AppError> {
    let doc_id = db::rid("report_document", doc);
    let mut r = tx
        .run(
            "SELECT file_name, size, (SELECT VALUE version FROM report_version WHERE report = $report AND $doc IN documents) AS sent_with
                FROM report_document WHERE id = $doc AND report = $report;",
            vec![("doc", v(doc_id.clone())), ("report", v(report.clone()))],
        )
        .await?;
    let found: Vec<Attached> = r.take(0).map_err(db::fail("report file read"))?;
    let old = found.into_iter().next().ok_or(AppError::NotFound)?;
    if let Some(version) = old.sent_with.iter().min() {
        return Err(AppError::Conflict(format!(
            "{} was sent with version {version} of this report, so it stays. Attach a new file instead.",
            old.file_name
        )));
    }
    tx.run(
        "DELETE $doc;
         CREATE report_event SET report = $report, at = $now, actor = $actor, actor_label = $label, kind = 'file',
            from_state = $state, to_state = $state, note = $message;",
        vec![
            ("doc", v(doc_id)),
            ("report", v(report.clone())),
            ("actor", v(db::rid("user", &user.id))),
            ("label", v(format!("{} ({})", user.name, user.role.label()))),
            ("state", v(state.to_string())),
            ("message", v(message(&old.file_name))),
        ],
    )
    .await?;
    let before = serde_json::json!({ "report": db::key(report), "file_name": old.file_name, "size": old.size });
    audit::record(tx, &Actor::user(user), "deleted", "report_document", doc, Some(&before), None).await?;
    Ok(old.file_name)
}

/// Removes file `doc` of report `key`; the stored file goes once the change is committed.
#[tracing::instrument(skip_all, fields(report = %key, document = %doc))]
async fn remove_document(state: &AppState, key: &str, doc: &str, headers: &HeaderMap) -> Result<String, AppError> {
    let user = caller(state, headers).await?;
    let user = &user;
    let name = db::transact(state, |tx| async move {
        let (report, state_now, _) = check_writable(&tx, user, key).await?;
        take_off(&tx, user, (&report, &state_now), doc, |name| format!("Removed the file {name}.")).await
    })
    .await?;
    uploads::forget(state, doc).await;
    Ok(name)
}

/// Receives the file of an upload, or of the replacement of file `replaces`. Returns the new
/// file's name and the replaced one's.
#[tracing::instrument(skip_all, fields(report = %key))]
async fn receive(
    state: &AppState,
    key: &str,
    headers: &HeaderMap,
    multipart: &mut Multipart,
    replaces: Option<&str>,
) -> Result<(String, Option<String>), AppError> {
    let user = caller(state, headers).await?;
    let user = &user;
    // Checked before the file is read (so a refused upload costs nothing) and again with it.
    let check = |tx: db::Tx| async move {
        let (report, state_now, count) = check_writable(&tx, user, key).await?;
        if replaces.is_none() && count >= MAX_PER_REPORT as i64 {
            return Err(too_many());
        }
        Ok((tx, report, state_now))
    };
    db::transact(state, |tx| async move { check(tx).await.map(|_| ()) }).await?;
    let received = Box::pin(uploads::receive(state, multipart)).await?;
    let file = &received;
    let recorded = Box::pin(db::transact(state, |tx| async move {
        let (tx, report, state_now) = check(tx).await?;
        let replaced = match replaces {
            Some(old) => Some(
                take_off(&tx, user, (&report, &state_now), old, |old| {
                    format!("Replaced the file {old} with {}.", file.name)
                })
                .await?,
            ),
            None => None,
        };
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
        audit::record(&tx, &Actor::user(user), "created", "report_document", &file.key, None, Some(&after)).await?;
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
