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

    let archive = place.join("hub-backup.tar.gz");
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
