//! Files attached to records (nomination documents, report attachments): the upload streamed
//! to disk under a new record key (never held in memory, never named by what a user typed),
//! told by its content, capped in size; and the download as an attachment. Callers check who
//! may attach or read, and write the record row in their own transaction. Server only.

use std::path::PathBuf;

use axum::body::Body;
use axum::extract::Multipart;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::db;
use crate::error::AppError;
use crate::nominations::files::{safe_name, sniff, Kind, MAX_BYTES};
use crate::state::AppState;

/// Where the file of record `key` lives.
pub fn store_path(state: &AppState, key: &str) -> PathBuf {
    state.settings.files_dir.join(key)
}

/// A file received and put in place, waiting for its row.
pub struct Received {
    pub key: String,
    pub name: String,
    pub kind: Kind,
    pub size: u64,
    pub sha256: String,
    pub path: PathBuf,
}

pub fn too_large() -> String {
    format!("The file is larger than {} MB.", MAX_BYTES / 1024 / 1024)
}

/// Streams the `file` field of `multipart` to disk under a new key, checks it is a PDF, PNG or
/// JPEG of at most 10 MB, and moves it into place. On any refusal nothing stays on disk.
pub async fn receive(state: &AppState, multipart: &mut Multipart) -> Result<Received, AppError> {
    let mut field = loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => break field,
            Ok(Some(_)) => continue,
            Ok(None) => return Err(AppError::field("file", "Choose a file to attach.")),
            Err(_) => return Err(AppError::field("file", too_large())),
        }
    };
    let original = field.file_name().unwrap_or("document").to_string();
    tokio::fs::create_dir_all(&state.settings.files_dir)
        .await
        .map_err(|e| AppError::internal("documents folder", e))?;
    let key = db::new_key();
    let temp = state.settings.files_dir.join(format!("upload-{key}.part"));
    let mut file = tokio::fs::File::create(&temp).await.map_err(|e| AppError::internal("document write", e))?;
    let (mut size, mut head, mut hasher) = (0u64, Vec::new(), Sha256::new());
    let outcome: Result<(), AppError> = async {
        loop {
            let chunk = match field.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(_) => return Err(AppError::field("file", too_large())),
            };
            size += chunk.len() as u64;
            if size > MAX_BYTES {
                // Read the rest without keeping it, so that the browser receives our answer
                // rather than a broken connection; the request cap bounds how long this lasts.
                continue;
            }
            if head.len() < 16 {
                head.extend_from_slice(&chunk[..chunk.len().min(16 - head.len())]);
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(|e| AppError::internal("document write", e))?;
        }
        file.flush().await.map_err(|e| AppError::internal("document flush", e))?;
        if size > MAX_BYTES {
            return Err(AppError::field("file", too_large()));
        }
        Ok(())
    }
    .await;
    drop(file);
    let refuse = |error: AppError| async {
        let _ = tokio::fs::remove_file(&temp).await;
        Err(error)
    };
    if let Err(error) = outcome {
        return refuse(error).await;
    }
    if size == 0 {
        return refuse(AppError::field("file", "The file is empty.")).await;
    }
    let Some(kind) = sniff(&head) else {
        return refuse(AppError::field("file", "Attach a PDF, PNG or JPEG file. This file is none of these.")).await;
    };
    let path = store_path(state, &key);
    if let Err(error) = tokio::fs::rename(&temp, &path).await {
        return refuse(AppError::internal("document store", error)).await;
    }
    Ok(Received { name: safe_name(&original, kind), key, kind, size, sha256: hex::encode(hasher.finalize()), path })
}

/// Removes a received file whose row could not be written.
pub async fn discard(received: &Received) {
    let _ = tokio::fs::remove_file(&received.path).await;
}

/// Removes the stored file of a document whose row is gone. A file left behind by a failure
/// here is only disk space: no row points to it.
pub async fn forget(state: &AppState, key: &str) {
    if let Err(error) = tokio::fs::remove_file(store_path(state, key)).await {
        tracing::warn!(%key, %error, "a removed document's file stays on disk");
    }
}

/// The browser goes back to `to` with a flash message.
pub fn back(state: &AppState, to: &str, flash: crate::ui::flash::Flash) -> Response {
    let cookie = crate::ui::flash::cookie(&flash, &state.settings);
    let mut response = Redirect::to(to).into_response();
    if let Ok(value) = header::HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Back to `page` (a record's page) after a change to its files: with `notice`, or with the
/// refusal at the fields of its upload form (`{page}/documents`), or, for a file's own small
/// forms that have no room for a message, at the top of the page. The signed-out go to sign
/// in; a record the caller may not see is not found.
pub fn answer(state: &AppState, page: &str, result: Result<String, AppError>, at_upload_form: bool) -> Response {
    use crate::ui::flash::Flash;
    use axum::http::StatusCode;
    match result {
        Ok(notice) => back(state, page, Flash::notice(&notice)),
        Err(AppError::Unauthenticated) => Redirect::to("/login").into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(AppError::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(error) if at_upload_form => {
            back(state, page, Flash::from_error(&error, Some(format!("{page}/documents")), Default::default()))
        }
        Err(error) => {
            let message = error.field_errors().first().map(|e| e.message.clone()).unwrap_or_else(|| error.to_string());
            back(state, page, Flash::from_error(&AppError::Conflict(message), None, Default::default()))
        }
    }
}

/// The stored file `key` as an attachment named `file_name`, streamed from disk in chunks so
/// that a download holds one chunk in memory, not the file.
pub async fn send(state: &AppState, key: &str, file_name: &str, content_type: String) -> Result<Response, AppError> {
    use tokio::io::AsyncReadExt;
    const CHUNK: usize = 64 * 1024;
    let file = tokio::fs::File::open(store_path(state, key)).await.map_err(|_| AppError::NotFound)?;
    let length = file.metadata().await.map_err(|_| AppError::NotFound)?.len();
    let chunks = futures::stream::try_unfold(file, |mut file| async move {
        let mut buffer = vec![0; CHUNK];
        let n = file.read(&mut buffer).await?;
        if n == 0 {
            return Ok::<_, std::io::Error>(None);
        }
        buffer.truncate(n);
        Ok(Some((axum::body::Bytes::from(buffer), file)))
    });
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_LENGTH, length.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
            (header::CACHE_CONTROL, "private, no-store".into()),
        ],
        Body::from_stream(chunks),
    )
        .into_response())
}
