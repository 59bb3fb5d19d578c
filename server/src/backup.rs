//! `server backup FILE` and `server restore FILE`: one archive holding a consistent export of
//! the database and the uploaded files.
//!
//! The export is read in one read transaction, so it is one moment of the database however
//! long it takes; the files are copied after it. A file uploaded meanwhile is carried without
//! its row (harmless); a file removed in those seconds is missing from the archive, and the
//! restore says so.
//!
//! The embedded store is held by the running server, so while it runs the command asks it to
//! write the archive (`POST /ops/backup` on loopback, with the token the server wrote at start
//! to `HUB_OPERATOR_TOKEN`). With no server running, or with a SurrealDB server, the command
//! reads the database itself (a SurrealDB server over HTTP: it exports and imports only there).
//!
//! An archive holds the server's signing key, password and session hashes, pending invitation
//! and reset secrets and every document, so everything the two commands write is this user's
//! alone: files 0600, folders 0700, whatever the process's umask.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use app::state::{AppState, Db};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Router;

use crate::Config;

mod private;

/// The archive's entry for the database export.
const DATABASE_ENTRY: &str = "database.surql";
/// The folder of uploaded files inside the archive.
const FILES_ENTRY: &str = "files/";

/// What a backup or a restore carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub database_bytes: u64,
    pub files: u64,
    pub file_bytes: u64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "database export {} KB, {} uploaded file{} ({} KB)",
            self.database_bytes / 1024,
            self.files,
            if self.files == 1 { "" } else { "s" },
            self.file_bytes / 1024
        )
    }
}

/// Writes the archive of `db` and `files_dir` to `out` (replaced only once complete), in a
/// folder only this user can open.
pub async fn write(db: &Db, files_dir: &Path, out: &Path) -> Result<Summary, String> {
    private::archive_folder(out)?;
    let partial = with_suffix(out, ".partial");
    let export = with_suffix(out, ".database.partial");
    // Made here, private, for the export to write into (it keeps an existing file's mode).
    private::new_file(&export).map_err(|e| format!("cannot write {}: {e}", export.display()))?;
    if let Err(e) = db.handle().export(&export).await {
        let _ = std::fs::remove_file(&export);
        return Err(format!("database export failed: {e}"));
    }
    let (files_dir, out_path, partial_path, export_path) =
        (files_dir.to_path_buf(), out.to_path_buf(), partial.clone(), export.clone());
    let packed = tokio::task::spawn_blocking(move || pack(&export_path, &files_dir, &partial_path, &out_path))
        .await
        .map_err(|e| format!("backup stopped: {e}"))?;
    let _ = std::fs::remove_file(&export);
    if packed.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    packed
}

fn pack(export: &Path, files_dir: &Path, partial: &Path, out: &Path) -> Result<Summary, String> {
    let io = |what: &str, e: std::io::Error| format!("{what}: {e}");
    let file = private::new_file(partial).map_err(|e| io(&format!("cannot write {}", partial.display()), e))?;
    let mut archive = tar::Builder::new(flate2::write::GzEncoder::new(file, flate2::Compression::fast()));
    archive.append_path_with_name(export, DATABASE_ENTRY).map_err(|e| io("writing the database export", e))?;
    let database_bytes = std::fs::metadata(export).map(|m| m.len()).unwrap_or(0);
    let (mut files, mut file_bytes) = (0, 0);
    if files_dir.is_dir() {
        let mut names: Vec<_> = std::fs::read_dir(files_dir)
            .map_err(|e| io("reading the files folder", e))?
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
            .collect();
        names.sort_by_key(|entry| entry.file_name());
        for entry in names {
            let name = entry.file_name().to_string_lossy().into_owned();
            match archive.append_path_with_name(entry.path(), format!("{FILES_ENTRY}{name}")) {
                Ok(()) => {
                    files += 1;
                    file_bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
                }
                // Removed since the folder was listed: its row went before the export or after it.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(&format!("copying file {name}"), e)),
            }
        }
    }
    let file = archive.into_inner().and_then(|gz| gz.finish()).map_err(|e| io("finishing the archive", e))?;
    file.sync_all().map_err(|e| io("writing the archive to disk", e))?;
    std::fs::rename(partial, out).map_err(|e| io(&format!("cannot write {}", out.display()), e))?;
    Ok(Summary { database_bytes, files, file_bytes })
}

/// Loads the archive at `archive` into `db` and `files_dir`, both of which must be empty.
pub async fn restore(db: &Db, files_dir: &Path, archive: &Path) -> Result<Summary, String> {
    if !database_is_empty(db).await? {
        return Err("The database is not empty. Restore only into a new database (set HUB_DB to a new place).".into());
    }
    if std::fs::read_dir(files_dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(format!(
            "The files folder {} is not empty. Restore only into a new folder (HUB_FILES_DIR).",
            files_dir.display()
        ));
    }
    let export = with_suffix(files_dir, ".restore.surql");
    private::folder(files_dir).map_err(|e| format!("creating the files folder: {e}"))?;
    let (archive, files, export_path) = (archive.to_path_buf(), files_dir.to_path_buf(), export.clone());
    let unpacked = tokio::task::spawn_blocking(move || unpack(&archive, &files, &export_path))
        .await
        .map_err(|e| format!("restore stopped: {e}"))?;
    let summary = match unpacked {
        Ok(summary) => summary,
        Err(message) => {
            let _ = std::fs::remove_file(&export);
            return Err(message);
        }
    };
    let imported = db.handle().import(&export).await.map_err(|e| format!("database import failed: {e}"));
    let _ = std::fs::remove_file(&export);
    imported?;
    Ok(summary)
}

fn unpack(archive: &Path, files_dir: &Path, export: &Path) -> Result<Summary, String> {
    let io = |what: &str, e: std::io::Error| format!("{what}: {e}");
    let file = std::fs::File::open(archive).map_err(|e| io(&format!("cannot read {}", archive.display()), e))?;
    let mut entries = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut summary = Summary { database_bytes: 0, files: 0, file_bytes: 0 };
    let not_a_backup = || format!("{} is not a Secondment Hub backup.", archive.display());
    for entry in entries.entries().map_err(|_| not_a_backup())? {
        let mut entry = entry.map_err(|_| not_a_backup())?;
        let name = entry.path().map_err(|_| not_a_backup())?.to_string_lossy().into_owned();
        let target = if name == DATABASE_ENTRY {
            export.to_path_buf()
        } else if let Some(file) = name.strip_prefix(FILES_ENTRY).filter(|f| is_plain_name(f)) {
            files_dir.join(file)
        } else {
            return Err(format!("{}: unexpected entry {name:?}", not_a_backup()));
        };
        let mut out = private::new_file(&target).map_err(|e| io(&format!("cannot write {}", target.display()), e))?;
        let bytes = copy(&mut entry, &mut out).map_err(|e| io(&format!("restoring {name}"), e))?;
        if name == DATABASE_ENTRY {
            summary.database_bytes = bytes;
        } else {
            summary.files += 1;
            summary.file_bytes += bytes;
        }
    }
    if summary.database_bytes == 0 {
        return Err(format!("{} holds no database export.", archive.display()));
    }
    Ok(summary)
}

fn copy(from: &mut impl Read, to: &mut std::fs::File) -> std::io::Result<u64> {
    let bytes = std::io::copy(from, to)?;
    to.flush()?;
    to.sync_all()?;
    Ok(bytes)
}

/// A stored file's name: one path part, nothing that climbs out of the folder.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

/// Whether the database has no tables yet (a new one, before the first start).
pub async fn database_is_empty(db: &Db) -> Result<bool, String> {
    let mut r = db.query("INFO FOR DB").await.and_then(|r| r.check()).map_err(|e| format!("database: {e}"))?;
    let info: surrealdb::types::Value = r.take(0).map_err(|e| format!("database: {e}"))?;
    let info = info.into_json_value();
    Ok(info["tables"].as_object().is_none_or(|t| t.is_empty()))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut text = path.as_os_str().to_os_string();
    text.push(suffix);
    PathBuf::from(text)
}

// ----- The running server's side -----

/// Writes a new random token to `path` for `server backup` to present; called once at start.
/// The file is made readable by this user only before the token is written, also when it was
/// there before with a wider mode (an older install, a copy, a chmod).
pub fn install_token(path: &Path) -> Result<(), String> {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        private::folder(parent).map_err(|e| format!("HUB_OPERATOR_TOKEN: {e}"))?;
    }
    let cannot = |e: std::io::Error| format!("HUB_OPERATOR_TOKEN: cannot write {}: {e}", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(cannot)?;
    private::restrict(&file).map_err(cannot)?;
    file.write_all(token.as_bytes()).map_err(|e| format!("HUB_OPERATOR_TOKEN: {e}"))
}

#[derive(Clone)]
struct Operations {
    app: AppState,
    token_file: PathBuf,
}

/// `POST /ops/backup` (body: the archive's absolute path): only from this machine, only with
/// the token of `token_file`, never through a proxy (see [`refuse_forwarded`]). Every other
/// path under `/ops/` is not found, after the same refusal.
pub fn routes(app: AppState, token_file: PathBuf) -> Router {
    let operations = Router::new()
        .route("/backup", axum::routing::post(backup_handler))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(axum::middleware::from_fn(refuse_forwarded))
        .with_state(Operations { app, token_file });
    Router::new().nest("/ops", operations)
}

/// Headers a proxy adds when it passes a request on.
const FORWARDING_HEADERS: [&str; 3] = ["x-forwarded-for", "forwarded", "x-real-ip"];

/// A reverse proxy on the same machine connects from loopback, so the loopback check alone would
/// let the whole internet through it: a request that a proxy passed on is refused, whoever sent
/// it. `server backup` talks to the server directly and never sends these headers.
async fn refuse_forwarded(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    if FORWARDING_HEADERS.iter().any(|name| request.headers().contains_key(*name)) {
        tracing::warn!(path = %request.uri().path(), "an operations request came through a proxy: refused");
        return (StatusCode::FORBIDDEN, "Not allowed.").into_response();
    }
    next.run(request).await
}

async fn backup_handler(
    State(ops): State<Operations>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let expected = std::fs::read_to_string(&ops.token_file).unwrap_or_default();
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or_default();
    let token_matches = !expected.is_empty() && constant_time_eq(given.trim().as_bytes(), expected.trim().as_bytes());
    if !peer.ip().is_loopback() || !token_matches {
        return (StatusCode::FORBIDDEN, "Not allowed.".into());
    }
    let out = PathBuf::from(body.trim());
    if !out.is_absolute() {
        return (StatusCode::UNPROCESSABLE_ENTITY, "Give the archive's absolute path.".into());
    }
    match write(&ops.app.db, &ops.app.settings.files_dir, &out).await {
        Ok(summary) => {
            tracing::info!(%summary, "backup written");
            (StatusCode::OK, summary.to_string())
        }
        Err(message) => {
            tracing::error!(%message, "backup failed");
            (StatusCode::INTERNAL_SERVER_ERROR, message)
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ----- The command -----

pub const USAGE: &str = "usage: server backup FILE | server restore FILE";

/// `server backup FILE`: through the running server when there is one on the embedded store,
/// else directly.
pub async fn backup_command(config: &Config, file: &Path) -> Result<Summary, String> {
    let out = absolute(file)?;
    if config.db_endpoint.starts_with("surrealkv://") {
        if let Some(answer) = ask_running_server(config, &out).await? {
            return answer;
        }
    }
    let db = open(config).await?;
    write(&db, &config.files_dir, &out).await
}

/// `server restore FILE`, into the configured (empty) database and files folder. A new embedded
/// database gets a folder only this user can open, whatever the shell's umask.
pub async fn restore_command(config: &Config, file: &Path) -> Result<Summary, String> {
    if let Some(path) = config.db_endpoint.strip_prefix("surrealkv://").map(Path::new) {
        if !path.exists() {
            private::folder(path).map_err(|e| format!("HUB_DB: cannot make {}: {e}", path.display()))?;
        }
    }
    let db = open(config).await?;
    restore(&db, &config.files_dir, file).await
}

async fn open(config: &Config) -> Result<Db, String> {
    open_for_backup(&config.db_target()).await.map_err(|e| {
        format!(
            "HUB_DB: cannot open {}: {e} (is a server running on it without HUB_OPERATOR_TOKEN?)",
            config.db_endpoint
        )
    })
}

/// Opens `target` for an export or an import. A SurrealDB server does those over HTTP only,
/// on the same address as its WebSocket: `ws://` is opened as `http://` (`wss://`, `https://`).
pub async fn open_for_backup(target: &app::db::Target) -> Result<Db, surrealdb::Error> {
    let endpoint = match target.endpoint.split_once("://") {
        Some(("ws", rest)) => format!("http://{rest}"),
        Some(("wss", rest)) => format!("https://{rest}"),
        _ => target.endpoint.clone(),
    };
    app::db::connect_to(&app::db::Target { endpoint, ..target.clone() }).await
}

fn absolute(file: &Path) -> Result<PathBuf, String> {
    let dir = std::env::current_dir().map_err(|e| format!("current folder: {e}"))?;
    Ok(dir.join(file))
}

/// `None` when no server answers (or it left no token); else the server's answer.
async fn ask_running_server(config: &Config, out: &Path) -> Result<Option<Result<Summary, String>>, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(token) = std::fs::read_to_string(&config.operator_token_file) else {
        return Ok(None);
    };
    let mut addr = config.addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
        return Ok(None);
    };
    let body = out.to_string_lossy();
    let request = format!(
        "POST /ops/backup HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        token.trim(),
        body.len()
    );
    let talk = async {
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        Ok::<_, std::io::Error>(answer)
    };
    let answer = talk.await.map_err(|e| format!("the running server at {addr}: {e}"))?;
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.split_whitespace().nth(1).unwrap_or_default().to_string();
    let message = answer.split_once("\r\n\r\n").map(|(_, b)| b.trim().to_string()).unwrap_or_default();
    Ok(Some(match status.as_str() {
        "200" => parse_summary(&message).ok_or_else(|| format!("unexpected answer: {message}")),
        _ => Err(format!("the running server at {addr} refused the backup ({status}): {message}")),
    }))
}

fn parse_summary(text: &str) -> Option<Summary> {
    // "database export N KB, F uploaded files (M KB)"
    let numbers: Vec<u64> = text.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
    match numbers[..] {
        [database_kb, files, file_kb] => {
            Some(Summary { database_bytes: database_kb * 1024, files, file_bytes: file_kb * 1024 })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_never_climb_out_of_the_folder() {
        assert!(is_plain_name("k3j2h4g5.pdf"));
        for bad in ["", ".", "..", "../x", "a/b", "a\\b", "x\0y"] {
            assert!(!is_plain_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_servers_answer_reads_back_as_a_summary() {
        let summary = Summary { database_bytes: 5 * 1024, files: 3, file_bytes: 12 * 1024 };
        assert_eq!(parse_summary(&summary.to_string()), Some(summary));
        assert_eq!(parse_summary("nonsense"), None);
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
