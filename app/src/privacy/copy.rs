//! Gathering what the Hub holds about one person, by their address, and writing it as a ZIP
//! that streams to the browser: one JSON file per kind of record, and their documents as they
//! were uploaded. Secrets (password hashes, authenticator secrets, passkey keys, link tokens)
//! are never part of it.

use std::io::Write;
use std::path::{Path, PathBuf};

use axum::body::{Body, Bytes};
use surrealdb::types::{RecordId, Value};

use crate::db::{self, v};
use crate::domain::Email;
use crate::error::AppError;
use crate::state::AppState;

/// What one person's copy holds: the JSON files by name, and the documents to add.
pub struct PersonalCopy {
    pub email: String,
    /// The person's account, when they have one.
    pub user: Option<String>,
    pub parts: Vec<(&'static str, serde_json::Value)>,
    /// (name in the archive, key of the stored file)
    pub files: Vec<(String, String)>,
}

/// The records about the person found first, by address: what the rest is read by.
const WHO: &str = "SELECT VALUE id FROM user WHERE email = $email;
    SELECT VALUE id FROM nomination WHERE work_email = $email;
    SELECT VALUE id FROM placement WHERE officer_email = $email OR supervisor_email = $email;
    SELECT VALUE id FROM report WHERE officer_email = $email;";

/// Each JSON file and its query. `$user` is the account (or a key no record has), `$nominations`,
/// `$placements` and `$reports` the records found by [`WHO`], `$*_keys` their keys as text.
/// The audit entries are read key by key: `record_key IN $keys` reads only the first field of
/// the (table, key) index, every entry about every nomination.
const PARTS: &[(&str, &str)] = &[
    (
        "account.json",
        "SELECT email, name, role, agency.name AS agency, donor.name AS donor, disabled, created_at,
            second_factor, totp_enabled_at FROM user WHERE email = $email",
    ),
    ("passkeys.json", "SELECT name, created_at, last_used_at FROM passkey WHERE user = $user ORDER BY created_at"),
    (
        "sign-ins.json",
        "SELECT at, address, browser, factor, new_browser FROM signin WHERE user = $user ORDER BY at DESC",
    ),
    (
        "nominations.json",
        "SELECT reference, state, officer_name, position, work_email, nationality, languages, expertise,
            sending_agency.name AS sending_agency, host_agency.name AS host_agency, themes.name AS themes,
            start_date, end_date, objectives, justification, created_at, submitted_at, notice_version,
            notice_confirmed_at FROM $nominations",
    ),
    (
        "placements.json",
        "SELECT nomination.reference AS nomination, state, officer_name, officer_email, supervisor_name,
            supervisor_email, sending_agency.name AS sending_agency, host_agency.name AS host_agency,
            themes.name AS themes, start_date, end_date, actual_start, original_end, early_end, end_reason,
            extensions, objectives, created_at FROM $placements",
    ),
    (
        "reports.json",
        "SELECT placement.nomination.reference AS nomination, kind, period_start, period_end, due_date, state,
            officer_name, activities, outcomes, challenges, next_steps, reason, version, submitted_at, accepted_at
            FROM $reports ORDER BY period_start",
    ),
    (
        "reports-written.json",
        "SELECT report.placement.nomination.reference AS nomination, report.period_start AS period_start, version,
            at, author_label, activities, outcomes, challenges, next_steps FROM report_version WHERE author = $user
            ORDER BY at",
    ),
    (
        "documents.json",
        "SELECT record::id(id) AS key, nomination.reference AS nomination, file_name, content_type, size, uploaded_at
            FROM nomination_document WHERE nomination IN $nominations;
         SELECT record::id(id) AS key, record::id(report) AS report, file_name, content_type, size, uploaded_at
            FROM report_document WHERE report IN $reports",
    ),
    (
        "mail.json",
        "SELECT created_at, event, subject, text_body, state, sent_at FROM notification
            WHERE recipient_email = $email ORDER BY created_at",
    ),
    (
        "audit.json",
        "SELECT at, actor_label, action, record_table, record_key, before, after FROM audit_event
            WHERE record_table = 'user' AND record_key = $user_key;
         RETURN array::flatten($nomination_keys.map(|$key|
            (SELECT at, actor_label, action, record_table, record_key, before, after FROM audit_event
                WHERE record_table = 'nomination' AND record_key = $key)));
         RETURN array::flatten($placement_keys.map(|$key|
            (SELECT at, actor_label, action, record_table, record_key, before, after FROM audit_event
                WHERE record_table = 'placement' AND record_key = $key)))",
    ),
];

/// Reads what the Hub holds about `email`, in one transaction; `None` when it names nobody by
/// that address.
pub async fn gather(state: &AppState, email: &Email) -> Result<Option<PersonalCopy>, AppError> {
    let address = email.as_str().to_string();
    db::transact(state, |tx| {
        let address = address.clone();
        async move {
            let mut r = tx.run(WHO, vec![("email", v(address.clone()))]).await?;
            let mut found = Vec::new();
            for index in 0..4 {
                let ids: Vec<RecordId> = r.take(index).map_err(db::fail("personal data decode"))?;
                found.push(ids);
            }
            let [users, nominations, placements, reports] = <[Vec<RecordId>; 4]>::try_from(found).expect("four lists");
            if users.is_empty() && nominations.is_empty() && placements.is_empty() && reports.is_empty() {
                let mail = tx
                    .run(
                        "SELECT VALUE id FROM notification WHERE recipient_email = $email LIMIT 1",
                        vec![("email", v(address.clone()))],
                    )
                    .await;
                let named: Vec<RecordId> = mail?.take(0).map_err(db::fail("personal data decode"))?;
                if named.is_empty() {
                    return Ok(None);
                }
            }
            let user = users.first().map(db::key);
            let keys = |ids: &[RecordId]| ids.iter().map(db::key).collect::<Vec<_>>();
            let vars = || {
                vec![
                    ("email", v(address.clone())),
                    // A key no record has, when there is no account: the queries by account find nothing.
                    ("user", v(users.first().cloned().unwrap_or_else(|| db::rid("user", "no-account")))),
                    ("user_key", v(user.clone().unwrap_or_default())),
                    ("nominations", v(nominations.clone())),
                    ("placements", v(placements.clone())),
                    ("reports", v(reports.clone())),
                    ("nomination_keys", v(keys(&nominations))),
                    ("placement_keys", v(keys(&placements))),
                ]
            };
            let mut parts = Vec::new();
            let mut files = Vec::new();
            for (name, sql) in PARTS {
                let statements = sql.matches(';').count() + 1;
                let mut r = tx.run(sql, vars()).await?;
                let mut rows = Vec::new();
                for index in 0..statements {
                    let value: Value = r.take(index).map_err(db::fail("personal data decode"))?;
                    match value.into_json_value() {
                        serde_json::Value::Array(items) => rows.extend(items),
                        other => rows.push(other),
                    }
                }
                if *name == "documents.json" {
                    files.extend(rows.iter().filter_map(archived_file));
                }
                parts.push((*name, serde_json::Value::Array(rows)));
            }
            Ok(Some(PersonalCopy { email: address, user, parts, files }))
        }
    })
    .await
}

/// Where a document goes in the archive, and its stored key.
fn archived_file(row: &serde_json::Value) -> Option<(String, String)> {
    let key = row["key"].as_str()?;
    let name = row["file_name"].as_str()?;
    let owner = row["nomination"].as_str().or(row["report"].as_str()).unwrap_or("other");
    Some((format!("documents/{owner}/{key}-{name}"), key.to_string()))
}

/// The copy as a ZIP, written on a blocking thread as the browser reads it: the JSON files,
/// a short explanation, then each document read from disk a chunk at a time.
pub fn archive(state: &AppState, copy: PersonalCopy, made: chrono::DateTime<chrono::Utc>) -> Body {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let files_dir = state.settings.files_dir.clone();
    let failed = sender.clone();
    tokio::task::spawn_blocking(move || {
        let out = Chunks { sender, buffer: Vec::new() };
        if let Err(error) = write_zip(out, &copy, &files_dir, made) {
            tracing::warn!(%error, "a personal data copy was cut off");
            let _ = failed.blocking_send(Err(std::io::Error::other("the copy could not be completed")));
        }
    });
    // Fused: a layer that polls once more after the end (compression does) gets the end again.
    let chunks = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    Body::from_stream(futures::StreamExt::fuse(chunks))
}

fn write_zip(
    out: Chunks,
    copy: &PersonalCopy,
    files_dir: &Path,
    made: chrono::DateTime<chrono::Utc>,
) -> Result<(), Box<dyn std::error::Error>> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new_stream(out);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("README.txt", options)?;
    zip.write_all(readme(copy, made).as_bytes())?;
    for (name, value) in &copy.parts {
        zip.start_file(*name, options)?;
        serde_json::to_writer_pretty(&mut zip, value)?;
    }
    for (name, key) in &copy.files {
        let path: PathBuf = files_dir.join(key);
        let Ok(mut file) = std::fs::File::open(&path) else {
            tracing::warn!(%key, "a document of a personal data copy is missing on disk");
            continue;
        };
        // Documents are already compressed (PDF, PNG, JPEG): stored as they are.
        zip.start_file(name.as_str(), options.compression_method(zip::CompressionMethod::Stored))?;
        std::io::copy(&mut file, &mut zip)?;
    }
    let mut out = zip.finish()?;
    out.flush()?;
    Ok(())
}

fn readme(copy: &PersonalCopy, made: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "What Secondment Hub holds about {email}, as of {made}.\n\n\
         account.json          your account, if you have one (never your password or second-factor secrets)\n\
         passkeys.json         the passkeys you registered\n\
         sign-ins.json         your sign-ins (time, address, browser, factor)\n\
         nominations.json      nominations of you as the officer\n\
         placements.json       placements of you as the officer or the supervisor\n\
         reports.json          the reports of your placements\n\
         reports-written.json  the report versions you wrote\n\
         documents.json        the documents of your nominations and reports (the files are in documents/)\n\
         mail.json             the e-mails the Hub sent you\n\
         audit.json            the changes made to your account, nominations and placements\n\n\
         To ask for a correction or erasure, write to the Regional Support Office.\n",
        email = copy.email,
        made = made.format("%Y-%m-%d %H:%M UTC"),
    )
}

/// A writer that hands what the ZIP writer writes to the response, 64 KiB at a time; a
/// browser that went away ends the writing.
struct Chunks {
    sender: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buffer: Vec<u8>,
}

impl Chunks {
    const SIZE: usize = 64 * 1024;

    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buffer));
        self.sender.blocking_send(Ok(chunk)).map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

impl Write for Chunks {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= Self::SIZE {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}
