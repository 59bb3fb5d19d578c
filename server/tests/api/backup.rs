//! `server backup` and `server restore`: a backup taken through the running server holds every
//! table and every uploaded file, and restores into a new place exactly.

use std::collections::BTreeMap;
use std::path::Path;

use reqwest::StatusCode;

use crate::common::{self, TestApp};
use crate::nominations::post_document;

/// Every table's rows, by table name, in id order.
async fn tables(db: &app::state::Db) -> BTreeMap<String, serde_json::Value> {
    let query = |sql: String| async move {
        let mut r = db.query(sql).await.unwrap().check().unwrap();
        let value: surrealdb::types::Value = r.take(0).unwrap();
        value.into_json_value()
    };
    let info = query("INFO FOR DB".into()).await;
    let mut all = BTreeMap::new();
    for table in info["tables"].as_object().expect("tables").keys() {
        all.insert(table.clone(), query(format!("SELECT * FROM {table} ORDER BY id")).await);
    }
    all
}

/// Every file of a folder: name → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_through_the_running_server_restores_every_table_and_file() {
    // The embedded store on disk, as an office runs it: the command must go through the server.
    let place = std::env::temp_dir().join(format!("hub-backup-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&place);
    let database = format!("surrealkv://{}", place.join("live.db").display());
    let app = TestApp::start_with(&[("HUB_DB", database.as_str())]).await;
    let nominator = app.login_as("nominator").await;
    let id = app.first_key("SELECT VALUE record::id(id) FROM nomination WHERE state = 'draft' LIMIT 1").await;
    for (name, body) in [("letter.pdf", b"%PDF-1.4\nletter\n%%EOF\n".as_slice()), ("cv.pdf", b"%PDF-1.4\ncv\n%%EOF\n")]
    {
        let sent = post_document(&app, &nominator, &format!("/nominations/{id}/documents"), Some((name, body))).await;
        assert!(sent.status().is_success() || sent.status().is_redirection(), "{}", sent.status());
    }
    let live_files = files(&app.config.files_dir);
    assert_eq!(live_files.len(), 2, "two uploads stored");

    // Another user's token, or none, is refused.
    let refused =
        app.client().post(app.url("/ops/backup")).bearer_auth("not-the-token").body("/tmp/x").send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // Into a folder of its own: `place` holds the database, made with the default mode.
    let archive = place.join("backups").join("hub-backup.tar.gz");
    let summary = server::backup::backup_command(&app.config, &archive).await.expect("backup through the server");
    assert_eq!(summary.files, 2);
    assert!(archive.exists());

    // Restore into a new database and files folder.
    let restored_files = place.join("restored-files");
    let restored = server::backup::open_for_backup(&common::test_target("restored")).await.expect("a database");
    let loaded = server::backup::restore(&restored, &restored_files, &archive).await.expect("restore");
    assert_eq!(loaded.files, 2);
    let (before, after) = (tables(&app.state.db).await, tables(&restored).await);
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "the same tables");
    for (table, rows) in &before {
        assert_eq!(rows, &after[table], "table {table} restored as it was");
    }
    assert!(before["nomination_document"].as_array().unwrap().len() >= 2);
    assert_eq!(files(&restored_files), live_files, "every file, byte for byte");

    // A second restore over it is refused, and changes nothing.
    let again = server::backup::restore(&restored, &place.join("other-files"), &archive).await;
    assert!(again.unwrap_err().contains("The database is not empty."));
    let empty = app::db::connect("mem://", None).await.unwrap();
    let into_used_folder = server::backup::restore(&empty, &restored_files, &archive).await;
    assert!(into_used_folder.unwrap_err().contains("is not empty"));
    assert!(server::backup::database_is_empty(&empty).await.unwrap());
    let _ = std::fs::remove_dir_all(&place);
}

/// A file's or folder's permission bits.
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The app on the embedded store on disk under `place`, as an office runs it (a SurrealDB
/// server exports only over HTTP, which the running server's side does not use).
async fn start_on_disk(place: &Path) -> TestApp {
    let database = format!("surrealkv://{}", place.join("live.db").display());
    TestApp::start_with(&[("HUB_DB", database.as_str())]).await
}

/// A new folder only this user can open, for archives.
fn private_folder(name: &str) -> std::path::PathBuf {
    let folder = std::env::temp_dir().join(format!("hub-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    set_mode(&folder, 0o700);
    folder
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn m2_a_backup_is_readable_by_the_servers_user_only() {
    // Through the running server, as the nightly timer takes it.
    let place = std::env::temp_dir().join(format!("hub-backup-modes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&place);
    let app = start_on_disk(&place).await;

    // A folder that is not there yet is made for this user alone, and so is the archive.
    let folder = place.join("backups").join("nightly");
    let archive = folder.join("hub.tar.gz");
    server::backup::backup_command(&app.config, &archive).await.expect("backup through the server");
    assert_eq!(mode(&archive), 0o600, "the archive");
    assert_eq!(mode(&folder), 0o700, "its folder");
    assert_eq!(mode(&place.join("backups")), 0o700, "a folder made on the way");
    assert_eq!(files(&folder).into_keys().collect::<Vec<_>>(), ["hub.tar.gz"], "no partial file left");

    // Leftovers of a backup cut short, readable by anyone, do not pass their mode on.
    let second = folder.join("hub-2.tar.gz");
    for leftover in ["hub-2.tar.gz.partial", "hub-2.tar.gz.database.partial"] {
        std::fs::write(folder.join(leftover), b"old").unwrap();
        set_mode(&folder.join(leftover), 0o644);
    }
    server::backup::backup_command(&app.config, &second).await.expect("backup over leftovers");
    assert_eq!(mode(&second), 0o600, "an archive written over a leftover");
    assert_eq!(files(&folder).len(), 2, "the leftovers are gone");

    // The command's own path (no server, or a SurrealDB server) writes the same way.
    let direct = folder.join("direct.tar.gz");
    server::backup::write(&app.state.db, &app.config.files_dir, &direct).await.expect("direct backup");
    assert_eq!(mode(&direct), 0o600);

    // A folder others can open is refused, not changed, and nothing is written into it.
    let shared = place.join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    set_mode(&shared, 0o755);
    let refused = server::backup::backup_command(&app.config, &shared.join("hub.tar.gz")).await.unwrap_err();
    assert!(refused.contains(&shared.display().to_string()) && refused.contains("chmod 700"), "{refused}");
    assert!(files(&shared).is_empty(), "nothing written there");
    assert_eq!(mode(&shared), 0o755, "the folder is left as it was");
    let _ = std::fs::remove_dir_all(&place);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn m2_a_restore_writes_the_database_export_and_files_for_this_user_only() {
    let place = private_folder("restore-modes");
    let app = start_on_disk(&place).await;
    let nominator = app.login_as("nominator").await;
    let id = app.first_key("SELECT VALUE record::id(id) FROM nomination WHERE state = 'draft' LIMIT 1").await;
    let sent = post_document(
        &app,
        &nominator,
        &format!("/nominations/{id}/documents"),
        Some(("cv.pdf", b"%PDF-1.4\ncv\n%%EOF\n")),
    )
    .await;
    assert!(sent.status().is_success() || sent.status().is_redirection(), "{}", sent.status());
    let archive = place.join("hub.tar.gz");
    server::backup::write(&app.state.db, &app.config.files_dir, &archive).await.expect("backup");

    // The export left by a restore cut short, readable by anyone, is replaced and then removed.
    let files_dir = place.join("restored").join("files");
    std::fs::create_dir_all(place.join("restored")).unwrap();
    let leftover = place.join("restored").join("files.restore.surql");
    std::fs::write(&leftover, b"old").unwrap();
    set_mode(&leftover, 0o644);
    // The command, into a new embedded database and files folder (the tests' umask lets others
    // read what they make).
    let database = place.join("restored").join("hub.db");
    let (database_setting, files_setting) =
        (format!("surrealkv://{}", database.display()), files_dir.display().to_string());
    let config = server::Config::from_lookup(|key| match key {
        "HUB_DB" => Some(database_setting.clone()),
        "HUB_FILES_DIR" => Some(files_setting.clone()),
        _ => None,
    })
    .unwrap();
    let loaded = server::backup::restore_command(&config, &archive).await.expect("restore");
    assert_eq!(loaded.files, 1);
    assert_eq!(mode(&database), 0o700, "the database's folder");
    assert_eq!(mode(&files_dir), 0o700, "the files folder");
    for name in files(&files_dir).keys() {
        assert_eq!(mode(&files_dir.join(name)), 0o600, "restored file {name}");
    }
    assert!(!leftover.exists(), "the database export is not left behind");
    let _ = std::fs::remove_dir_all(&place);
}

#[test]
fn m2_every_shipped_unit_that_writes_files_keeps_them_private() {
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy");
    for unit in ["secondment-hub.service", "secondment-hub-backup.service", "surrealdb.service"] {
        let text = std::fs::read_to_string(deploy.join(unit)).unwrap();
        assert!(text.lines().any(|line| line.trim() == "UMask=0077"), "{unit} sets UMask=0077");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn l5_operations_refuse_any_request_that_came_through_a_proxy() {
    let place = private_folder("ops-proxy");
    let app = start_on_disk(&place).await;
    let token = std::fs::read_to_string(&app.config.operator_token_file).unwrap();
    let ask = |path: &str, header: Option<(&str, &str)>, out: &Path| {
        let mut request =
            app.client().post(app.url(path)).bearer_auth(token.trim()).body(out.to_string_lossy().into_owned());
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        async move { request.send().await.unwrap().status() }
    };
    // A proxy on this machine connects from loopback: its headers give it away.
    for header in [("x-forwarded-for", "203.0.113.7"), ("forwarded", "for=203.0.113.7"), ("x-real-ip", "203.0.113.7")] {
        let out = place.join(format!("{}.tar.gz", header.0));
        assert_eq!(ask("/ops/backup", Some(header), &out).await, StatusCode::FORBIDDEN, "{}", header.0);
        assert!(!out.exists(), "no archive written for a request with {}", header.0);
        let elsewhere = ask("/ops/anything", Some(header), &out).await;
        assert_eq!(elsewhere, StatusCode::FORBIDDEN, "any /ops/ path with {}", header.0);
    }
    // The same request straight from this machine is served.
    let out = place.join("direct.tar.gz");
    assert_eq!(ask("/ops/backup", None, &out).await, StatusCode::OK);
    assert!(out.exists());
    let _ = std::fs::remove_dir_all(&place);
}

#[tokio::test]
async fn l5_the_operator_token_is_private_after_every_start() {
    // A token file left readable by others (an older install, a copy, a careless chmod).
    let place = private_folder("token-mode");
    let token_file = place.join("operator.token");
    std::fs::write(&token_file, "an-old-token").unwrap();
    set_mode(&token_file, 0o644);
    let token_setting = token_file.to_string_lossy().into_owned();
    let app = TestApp::start_with(&[("HUB_OPERATOR_TOKEN", token_setting.as_str())]).await;
    assert_eq!(mode(&token_file), 0o600, "the token file after start");
    let token = std::fs::read_to_string(&app.config.operator_token_file).unwrap();
    assert!(token.len() == 64 && token != "an-old-token", "a new token at each start");
    let _ = std::fs::remove_dir_all(&place);
}
