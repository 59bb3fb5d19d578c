//! Crash durability: the real server binary on the embedded on-disk store, killed with SIGKILL
//! at random moments while clients write, and started again each time. Afterwards every write
//! that was answered 2xx is there, and every write, answered or not, is there whole or not at
//! all: no record without its audit entry, no invitation without its user (or the other way),
//! no count or money figure that disagrees with the rows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use reqwest::Client;

use crate::common::{encode, DEMO_PASSWORD};
use crate::process::{scratch, AppProcess};

const KILLS: usize = 20;

/// The crash test's folder: the store, the uploaded files, the server's log.
struct Place {
    dir: PathBuf,
}

impl Place {
    /// A fresh folder for the test `name`, in the in-memory pass only: the test always runs on
    /// disk, so the passes on the other engines would only repeat it.
    fn once(name: &str) -> Option<Place> {
        if crate::common::engine() != "mem" {
            println!("{name} test: run once, with the in-memory pass");
            return None;
        }
        Some(Place { dir: scratch(name) })
    }

    fn database(&self) -> String {
        format!("surrealkv://{}", self.dir.join("hub.db").display())
    }

    async fn start(&self) -> AppProcess {
        let env = AppProcess::demo_env(self.database(), &self.dir, &[]);
        AppProcess::start("server", &self.dir, &env).await
    }
}

/// What became of one write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Acknowledged,
    Unanswered,
}

type Log = Arc<std::sync::Mutex<Vec<(&'static str, String, Outcome)>>>;

/// A signed-in client; `None` while the server is down.
async fn sign_in(base: &str, email: &str) -> Option<Client> {
    let client = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let form = encode(&[("email", email), ("password", DEMO_PASSWORD)]);
    let answer = client
        .post(format!("{base}/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(form)
        .send()
        .await
        .ok()?;
    answer.status().is_success().then_some(client)
}

/// Sends one form; the status when the server answered.
async fn send(client: &Client, url: &str, form: &[(&str, &str)]) -> Option<reqwest::StatusCode> {
    let answer = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(encode(form))
        .send()
        .await
        .ok()?;
    let status = answer.status();
    // Read the body: an answer is only an answer once it has arrived whole.
    answer.bytes().await.ok()?;
    Some(status)
}

/// Keeps writing as `email` until `stop`: the form `make(i)` to `path`, with marker `i`.
async fn writer(
    base: String,
    email: &'static str,
    kind: &'static str,
    path: &'static str,
    make: impl Fn(&str) -> Vec<(&'static str, String)>,
    stop: Arc<AtomicBool>,
    log: Log,
) {
    let mut client = None;
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        if client.is_none() {
            client = sign_in(&base, email).await;
            if client.is_none() {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        }
        i += 1;
        let marker = format!("{kind} {i}");
        let form = make(&marker);
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = send(client.as_ref().unwrap(), &format!("{base}{path}"), &pairs).await;
        let outcome = match answer {
            Some(status) if status.is_success() => Outcome::Acknowledged,
            Some(status) if status == reqwest::StatusCode::UNAUTHORIZED => {
                client = None;
                Outcome::Unanswered
            }
            Some(status) => panic!("{kind}: {status} for {marker}: a write may be refused only by a crash"),
            None => {
                client = None;
                Outcome::Unanswered
            }
        };
        log.lock().unwrap().push((kind, marker, outcome));
    }
}

pub(crate) async fn json(client: &Client, url: &str, form: &[(&str, &str)]) -> serde_json::Value {
    let answer = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(encode(form))
        .send()
        .await
        .unwrap();
    answer.json().await.unwrap()
}

/// The first object, anywhere in `value`, that has all of `keys`.
pub(crate) fn first_with<'a>(value: &'a serde_json::Value, keys: &[&str]) -> Option<&'a serde_json::Value> {
    match value {
        serde_json::Value::Object(map) if keys.iter().all(|k| map.contains_key(*k)) => Some(value),
        serde_json::Value::Object(map) => map.values().find_map(|v| first_with(v, keys)),
        serde_json::Value::Array(items) => items.iter().find_map(|v| first_with(v, keys)),
        _ => None,
    }
}

async fn rows(db: &app::state::Db, sql: &str) -> serde_json::Value {
    let mut r = db.query(sql).await.unwrap().check().unwrap();
    let value: surrealdb::types::Value = r.take(0).unwrap();
    value.into_json_value()
}

/// Makes a user named `name` as the administrator; whether the server acknowledged it.
async fn make_user(base: &str, name: &str) -> bool {
    let admin = sign_in(base, "admin@demo.hub").await.expect("the administrator signs in");
    let email = format!("{}@rso.example", name.to_lowercase().replace(' ', "."));
    let form = [("email", email.as_str()), ("name", name), ("role", "coordinator")];
    send(&admin, &format!("{base}/api/users/save"), &form).await.is_some_and(|s| s.is_success())
}

/// Cuts the last bytes off the newest write-ahead log file, as a kill in the middle of
/// writing a record leaves it.
fn tear_the_log(store: &Path) {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(store.join("wal"))
        .expect("the store's log folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wal"))
        .collect();
    logs.sort();
    let newest = logs.last().expect("a log file");
    let file = std::fs::OpenOptions::new().write(true).open(newest).unwrap();
    let length = file.metadata().unwrap().len();
    assert!(length > 64, "the log has records");
    file.set_len(length - 3).unwrap();
}

/// The kill that tears a record is the start of it; the writes of the run after it must survive
/// the next kill too (the store repairs a torn log by replacing the file, and must not keep
/// writing to the file it replaced).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_log_record_loses_nothing_written_after_it() {
    let Some(place) = Place::once("torn-log") else { return };
    let server = place.start().await;
    assert!(make_user(&server.base, "Torn Before").await, "the first write is acknowledged");
    drop(server); // SIGKILL
    tear_the_log(&place.dir.join("hub.db"));

    let server = place.start().await;
    assert!(make_user(&server.base, "Torn After").await, "the write after the repair is acknowledged");
    drop(server); // SIGKILL again: what the second run wrote is only in its log
    let server = place.start().await;
    assert!(make_user(&server.base, "Torn Third").await, "the third run writes");
    drop(server);

    let db = app::db::connect(&place.database(), None).await.expect("the store opens");
    let names = rows(&db, "SELECT VALUE name FROM user WHERE string::starts_with(name, 'Torn ') ORDER BY name").await;
    assert!(
        names.as_array().unwrap().iter().any(|n| n == "Torn After"),
        "the write acknowledged after the torn log was repaired is lost: {names}"
    );
    assert!(names.as_array().unwrap().iter().any(|n| n == "Torn Third"), "the last write: {names}");
    drop(db);
    remove(&place.dir);
}

fn remove(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_survive_twenty_kills_whole_or_not_at_all() {
    let Some(place) = Place::once("crash") else { return };
    let mut server = place.start().await;
    let base = server.base.clone();

    // What the writers write to: a submitted nomination to comment on, an agreement with a
    // committed placement to spend on.
    let coordinator = sign_in(&base, "coordinator@demo.hub").await.expect("coordinator signs in");
    let listed = json(&coordinator, &format!("{base}/api/nominations/list"), &[("status", "submitted")]).await;
    let nomination =
        first_with(&listed, &["id", "reference"]).expect("a submitted nomination")["id"].as_str().unwrap().to_string();
    let agreements = json(&coordinator, &format!("{base}/api/agreements/list"), &[]).await;
    let agreement = first_with(&agreements, &["id", "currency", "period"]).expect("an agreement").clone();
    let agreement_id = agreement["id"].as_str().unwrap().to_string();
    let commitments = json(&coordinator, &format!("{base}/api/agreements/commitments"), &[("id", &agreement_id)]).await;
    let placement = commitments["committed"][0][0].as_str().expect("a committed placement").to_string();
    let currency =
        agreement["currency"].as_str().map(str::to_string).unwrap_or_else(|| agreement["currency"].to_string());
    let day = agreement["period"]["start"].as_str().unwrap_or("2026-01-01").to_string();

    let stop = Arc::new(AtomicBool::new(false));
    let log: Log = Arc::default();
    let mut writers = tokio::task::JoinSet::new();
    let n = nomination.clone();
    writers.spawn(writer(
        base.clone(),
        "coordinator@demo.hub",
        "comment",
        "/api/nominations/comment",
        move |marker| vec![("id", n.clone()), ("message", format!("Crash {marker}"))],
        stop.clone(),
        log.clone(),
    ));
    writers.spawn(writer(
        base.clone(),
        "admin@demo.hub",
        "user",
        "/api/users/save",
        |marker| {
            let email = format!("crash.{}@rso.example", marker.replace(' ', "."));
            vec![("email", email), ("name", format!("Crash {marker}")), ("role", "coordinator".into())]
        },
        stop.clone(),
        log.clone(),
    ));
    let (a, p, c, d) = (agreement_id.clone(), placement.clone(), currency.clone(), day.clone());
    writers.spawn(writer(
        base.clone(),
        "coordinator@demo.hub",
        "expenditure",
        "/api/funding/spend",
        move |marker| {
            vec![
                ("agreement", a.clone()),
                ("placement", p.clone()),
                ("category", "stipend".into()),
                ("date", d.clone()),
                ("amount", "1.00".into()),
                ("currency", c.clone()),
                ("evidence", format!("Crash {marker}")),
            ]
        },
        stop.clone(),
        log.clone(),
    ));

    let mut rng = rand::rngs::StdRng::seed_from_u64(20261129);
    for _ in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(rng.random_range(200..1200))).await;
        server = server.kill_and_restart().await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    while let Some(done) = writers.join_next().await {
        done.expect("writer");
    }
    drop(server);

    // The process is gone: read its store directly.
    let db = app::db::connect(&place.database(), None).await.expect("the store opens after the kills");
    let log = log.lock().unwrap().clone();
    let acknowledged = log.iter().filter(|(_, _, o)| *o == Outcome::Acknowledged).count();
    for kind in ["comment", "user", "expenditure"] {
        assert!(
            log.iter().any(|(k, _, o)| *k == kind && *o == Outcome::Acknowledged),
            "no {kind} was ever answered: the test wrote nothing"
        );
    }

    // Every acknowledged write is there.
    let found = |sql: &str| {
        let db = db.clone();
        let sql = sql.to_string();
        async move {
            rows(&db, &sql)
                .await
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<std::collections::BTreeSet<_>>()
        }
    };
    let comments =
        found("SELECT VALUE message FROM nomination_event WHERE kind = 'comment' AND message CONTAINS 'Crash comment'")
            .await;
    let users = found("SELECT VALUE name FROM user WHERE name CONTAINS 'Crash user'").await;
    let spent = found("SELECT VALUE evidence FROM expenditure WHERE evidence CONTAINS 'Crash expenditure'").await;
    let mut lost = Vec::new();
    for (kind, marker, outcome) in &log {
        let stored = format!("Crash {marker}");
        let there = match *kind {
            "comment" => comments.contains(&stored),
            "user" => users.contains(&stored),
            _ => spent.contains(&stored),
        };
        if *outcome == Outcome::Acknowledged && !there {
            lost.push(marker.clone());
        }
    }
    assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");

    // Nothing half-written: each record with its audit entry, each new user with its one
    // invitation, and the kept figures equal to their rows.
    let unaudited = rows(
        &db,
        "SELECT VALUE message FROM nomination_event WHERE kind = 'comment' AND message CONTAINS 'Crash comment'
            AND count(SELECT id FROM audit_event WHERE record_table = 'nomination' AND action = 'commented'
                AND after CONTAINS string::concat('\"', $parent.message, '\"')) = 0",
    )
    .await;
    assert_eq!(unaudited, serde_json::json!([]), "comments without their audit entry");
    let audited_comments = rows(
        &db,
        "RETURN count(SELECT id FROM audit_event WHERE action = 'commented' AND after CONTAINS 'Crash comment')",
    )
    .await;
    assert_eq!(audited_comments, serde_json::json!(comments.len()), "audit entries without their comment");
    let users_unaudited = rows(
        &db,
        "SELECT VALUE name FROM user WHERE name CONTAINS 'Crash user'
            AND count(SELECT id FROM audit_event WHERE record_table = 'user' AND record_key = record::id($parent.id)) = 0",
    )
    .await;
    assert_eq!(users_unaudited, serde_json::json!([]), "users without their audit entry");
    // Each new user: one invitation link, and the one mail that carries it.
    let invitations = rows(
        &db,
        "SELECT record::id(id) AS user,
            (SELECT VALUE record::id(id) FROM account_token WHERE user = $parent.id AND purpose = 'invitation') AS tokens
         FROM user WHERE name CONTAINS 'Crash user'",
    )
    .await;
    let mut token_keys = Vec::new();
    for row in invitations.as_array().unwrap() {
        let tokens = row["tokens"].as_array().unwrap();
        assert_eq!(tokens.len(), 1, "one invitation link: {row}");
        token_keys.push(tokens[0].as_str().unwrap().to_string());
    }
    let mails = rows(
        &db,
        "SELECT record_key, count() AS n FROM notification WHERE record_table = 'account_token' GROUP BY record_key",
    )
    .await;
    let mailed: BTreeMap<String, i64> = mails
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["record_key"].as_str().unwrap_or_default().to_string(), r["n"].as_i64().unwrap_or(0)))
        .collect();
    for key in &token_keys {
        assert_eq!(mailed.get(key), Some(&1), "invitation {key}: one mail");
    }
    // And no mail queued for a link (or a user) that was never made.
    let orphans = rows(
        &db,
        "SELECT VALUE record_key FROM notification WHERE record_table = 'account_token'
            AND count(SELECT id FROM account_token WHERE record::id(id) = $parent.record_key AND user.id != NONE) = 0",
    )
    .await;
    assert_eq!(orphans, serde_json::json!([]), "invitations queued for users that were never made");
    let spent_unaudited = rows(
        &db,
        "SELECT VALUE evidence FROM expenditure WHERE evidence CONTAINS 'Crash expenditure'
            AND count(SELECT id FROM audit_event WHERE record_table = 'funding_agreement' AND action = 'spent'
                AND after CONTAINS string::concat('\"evidence\":\"', $parent.evidence, '\"')) = 0",
    )
    .await;
    assert_eq!(spent_unaudited, serde_json::json!([]), "expenditures without their audit entry");
    let audited_spending = rows(
        &db,
        "RETURN count(SELECT id FROM audit_event WHERE action = 'spent' AND after CONTAINS 'Crash expenditure')",
    )
    .await;
    assert_eq!(audited_spending, serde_json::json!(spent.len()), "audit entries without their expenditure");
    let figures = rows(
        &db,
        "SELECT spent_minor, math::sum((SELECT VALUE converted_minor FROM expenditure WHERE agreement = $parent.id)) AS recount
            FROM funding_agreement",
    )
    .await;
    for agreement in figures.as_array().unwrap() {
        assert_eq!(agreement["spent_minor"], agreement["recount"], "kept spending equals its rows: {agreement}");
    }

    println!(
        "crash: {KILLS} kills survived, {} writes checked ({acknowledged} acknowledged, {} unanswered): {} comments, {} users, {} expenditures stored",
        log.len(),
        log.len() - acknowledged,
        comments.len(),
        users.len(),
        spent.len()
    );
    drop(db);
    remove(&place.dir);
}
