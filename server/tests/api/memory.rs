//! `HUB_DB_MEMORY_MB` reaches the embedded store: the real server binary, started on a
//! `surrealkv://` folder with a budget of 64 MiB, and the store's own report of the sizes it
//! was built with (its log lines, let through by `HUB_LOG`).

use crate::process::{scratch, AppProcess};

const MIB: u64 = 1024 * 1024;

/// The number the store printed after `label`, e.g. "Setting block cache capacity: 50331648".
fn reported(log: &str, label: &str) -> Option<u64> {
    log.lines().find_map(|line| line.split(label).nth(1)?.split_whitespace().next()?.parse().ok())
}

#[tokio::test]
async fn the_embedded_store_gets_the_memory_budget_it_is_given() {
    let dir = scratch("memory-budget");
    let database = format!("surrealkv://{}", dir.join("hub.db").display());
    let env = AppProcess::demo_env(
        database,
        &dir,
        &[("HUB_DB_MEMORY_MB", "64"), ("HUB_LOG", "warn,surrealdb::core::kvs::surrealkv=info")],
    );
    let server = AppProcess::start("server", &dir, &env).await;
    let page = reqwest::get(server.url("/login")).await.expect("the sign-in page");
    assert!(page.status().is_success());

    let log = server.log();
    // A quarter of the budget buffers writes, the rest caches blocks: 16 + 48 MiB. Without the
    // budget the store would take half this machine's memory less 1 GiB for its cache.
    assert_eq!(reported(&log, "Setting block cache capacity: "), Some(48 * MIB), "{log}");
    assert_eq!(reported(&log, "Setting max memtable size: "), Some(16 * MIB), "{log}");
    if let Some(kib) = server.resident_kib() {
        println!("server resident after start-up with HUB_DB_MEMORY_MB=64: {} MiB", kib / 1024);
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
