//! Several app servers on one SurrealDB server (the `ws://` run of the suite only): two real
//! server processes share sessions, the sign-in throttle, the mail outbox and the daily
//! work, and a race across them gives one result. And the app through a SurrealDB server that
//! stops and starts again: 503 at once while it is away, back by itself, nothing acknowledged
//! lost.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};

use crate::common::{encode, engine, TestApp, DEMO_PASSWORD};
use crate::crash::{first_with, json};
use crate::placements::placement;
use crate::process::{free_port, scratch, until, AppProcess};
use crate::support::smtp_sink::SmtpSink;

/// Whether this run is on a SurrealDB server; the other runs say so and pass.
fn on_a_server(test: &str) -> bool {
    let on = engine() == "ws";
    if !on {
        println!("{test}: runs with HUB_TEST_ENGINE=ws (a SurrealDB server), as `make test` does");
    }
    on
}

/// The settings of an app server on `app`'s database (a SurrealDB server), with mail to `sink`.
fn settings_like(app: &TestApp, sink: &SmtpSink, today: &str) -> Vec<(String, String)> {
    let target = app.config.db_target();
    let (user, pass) = target.credentials.expect("a login on the SurrealDB server");
    [
        ("HUB_DB", target.endpoint),
        ("HUB_DB_USER", user),
        ("HUB_DB_PASS", pass),
        ("HUB_DB_NAMESPACE", target.namespace),
        ("HUB_DB_DATABASE", target.database),
        ("HUB_DEMO", "1".into()),
        ("HUB_DEMO_YEARS", "0".into()),
        ("HUB_TODAY", today.into()),
        ("HUB_SMTP_URL", sink.url()),
        // A server killed mid-send leaves its claim; the other takes it over after this. Long
        // enough that a live server's send (300 ms at the slow SMTP server below, more on a
        // loaded machine) never outlives it, so that every repeat counted is the kill's.
        ("HUB_MAIL_LEASE_SECONDS", "10".into()),
        ("HUB_FILES_DIR", app.config.files_dir.display().to_string()),
        ("HUB_DASHBOARD_SECONDS", "0".into()),
        ("HUB_LOG", "warn".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// A client like a script: keeps cookies (for 127.0.0.1, whatever the port, as a browser does
/// behind one address), does not follow redirects, asks for JSON.
fn client() -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ACCEPT, reqwest::header::HeaderValue::from_static("application/json"));
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn post(client: &Client, url: String, form: &[(&str, &str)]) -> (StatusCode, String) {
    let answer = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(form))
        .send()
        .await
        .expect("an answer");
    let status = answer.status();
    (status, answer.text().await.unwrap_or_default())
}

async fn sign_in(client: &Client, server: &AppProcess, email: &str, password: &str) -> StatusCode {
    post(client, server.url("/api/login"), &[("email", email), ("password", password)]).await.0
}

/// The status of a signed-in page, asked for as a browser would.
async fn page(client: &Client, server: &AppProcess, path: &str) -> StatusCode {
    client.get(server.url(path)).header("accept", "text/html").send().await.expect("an answer").status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_app_servers_on_one_database_act_as_one() {
    if !on_a_server("two app servers") {
        return;
    }
    // The database, seeded, with six placements that start on the day the servers wake up to.
    let setup = TestApp::start().await;
    let mut due = Vec::new();
    for i in 0..6 {
        due.push(placement(&setup, &format!("officer.c{i}@agency.example"), "2027-06-01", "2027-12-31").await);
    }
    let sent_keys = || async {
        let keys = setup.rows("SELECT VALUE record::id(id) FROM notification WHERE state = 'sent'").await;
        keys.as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_string()).collect::<BTreeSet<_>>()
    };
    // The demo's mail log has mails marked sent long ago: not this test's.
    let sent_before = sent_keys().await;
    let sink = SmtpSink::start().await;
    let dir = scratch("cluster");
    let env = settings_like(&setup, &sink, "2027-06-01");
    // Both start at once: each runs the day's work as it starts.
    let (a, b) = tokio::join!(AppProcess::start("a", &dir, &env), AppProcess::start("b", &dir, &env));

    // 1. The day's work, done by both at once, is done once.
    let ids = due.iter().map(|k| format!("placement:{k}")).collect::<Vec<_>>().join(", ");
    let started = || async {
        let sql = format!("RETURN count(SELECT id FROM placement WHERE state = 'active' AND id IN [{ids}])");
        setup.rows(&sql).await.as_i64().unwrap()
    };
    until(30, "the six placements started", || async { started().await == 6 }).await;
    // Both servers' runs have ended (or the second found nothing to do) by now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let per_placement = setup
        .rows(&format!(
            "SELECT record::id(placement) AS key, count() AS n FROM placement_event
             WHERE kind = 'started' AND placement IN [{ids}] GROUP BY key"
        ))
        .await;
    let per_placement = per_placement.as_array().unwrap();
    assert_eq!(per_placement.len(), 6, "each of the six started: {per_placement:?}");
    for row in per_placement {
        assert_eq!(row["n"], 1, "one start per placement: {row}");
    }
    // Reminders and report notices are jobs, each keyed by what it is about and its day: each
    // queued its mails once.
    let jobs = setup
        .rows(
            "SELECT record_key, recipient_email, count() AS n FROM notification
             WHERE record_table = 'scheduled_job' GROUP BY record_key, recipient_email",
        )
        .await;
    let jobs = jobs.as_array().unwrap();
    assert!(!jobs.is_empty(), "the day's reminders and notices were queued");
    for row in jobs {
        assert_eq!(row["n"], 1, "one mail per job and recipient: {row}");
    }
    println!("two servers: 6 placements started once each, {} reminder and notice mails each queued once", jobs.len());

    // 2. A session made on one is valid on the other; a logout on one ends it on both.
    let coordinator = client();
    assert_eq!(sign_in(&coordinator, &a, "coordinator@demo.hub", DEMO_PASSWORD).await, StatusCode::OK);
    assert_eq!(page(&coordinator, &b, "/account").await, StatusCode::OK, "signed in on b by a's session");
    assert_eq!(post(&coordinator, b.url("/api/logout"), &[]).await.0, StatusCode::OK);
    for server in [&a, &b] {
        assert!(page(&coordinator, server, "/account").await.is_redirection(), "signed out on {}", server.port);
    }

    // 3. The sign-in throttle counts across both: wrong guesses at one account, eight at a
    // time, half on each server, until one is refused. No more than the limit's worth of
    // failures were answered "wrong password", whichever server took them. (A guess may also
    // be answered 503 "busy": either its count lost to the others too often and it was neither
    // counted nor checked, or it was counted and then waited too long for a turn to hash on a
    // loaded machine. So wrong and busy answers together reach the limit before the first
    // refusal, and wrong ones alone never pass it.)
    let limit = app::auth::throttle::ACCOUNT_LIMIT as usize;
    let mut answers = Vec::new();
    let mut guess = 0;
    while !answers.contains(&StatusCode::TOO_MANY_REQUESTS) && answers.len() < 4 * limit {
        let mut wave = tokio::task::JoinSet::new();
        for _ in 0..8 {
            guess += 1;
            let url = if guess % 2 == 0 { a.url("/api/login") } else { b.url("/api/login") };
            wave.spawn(async move {
                let password = format!("guess-{guess}");
                post(&client(), url, &[("email", "donor@demo.hub"), ("password", &password)]).await.0
            });
        }
        answers.extend(wave.join_all().await);
    }
    let count = |status| answers.iter().filter(|s| **s == status).count();
    let (wrong, refused, busy) = (
        count(StatusCode::UNPROCESSABLE_ENTITY),
        count(StatusCode::TOO_MANY_REQUESTS),
        count(StatusCode::SERVICE_UNAVAILABLE),
    );
    assert_eq!(wrong + refused + busy, answers.len(), "only these answers: {answers:?}");
    assert!(wrong <= limit, "{wrong} wrong-password answers: each failure counted once across both servers");
    assert!(wrong + busy >= limit, "{wrong} wrong and {busy} busy before a refusal: refused before the limit");
    assert!(refused >= 1);
    for server in [&a, &b] {
        assert_eq!(sign_in(&client(), server, "donor@demo.hub", DEMO_PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    }

    // 4. An approval raced across the two servers makes one placement.
    let (on_a, on_b) = (client(), client());
    assert_eq!(sign_in(&on_a, &a, "coordinator@demo.hub", DEMO_PASSWORD).await, StatusCode::OK);
    assert_eq!(sign_in(&on_b, &b, "coordinator@demo.hub", DEMO_PASSWORD).await, StatusCode::OK);
    let id = setup.first_key("SELECT VALUE record::id(id) FROM nomination WHERE state = 'submitted' LIMIT 1").await;
    let review = post(&on_a, a.url("/api/nominations/act"), &[("id", &id), ("action", "start_review")]).await;
    assert_eq!(review.0, StatusCode::OK, "{}", review.1);
    let host = setup.first_key("SELECT VALUE record::id(id) FROM agency WHERE hosts = true LIMIT 1").await;
    let approval = crate::concurrency::approval(&id, &host, "2027-09-15", "2028-03-15");
    let gate = Arc::new(tokio::sync::Barrier::new(2));
    let approve = |client: &Client, server: &AppProcess| {
        let (client, url, gate) = (client.clone(), server.url("/api/nominations/act"), gate.clone());
        async move {
            gate.wait().await;
            post(&client, url, &approval).await
        }
    };
    let (first, second) = tokio::join!(approve(&on_a, &a), approve(&on_b, &b));
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{first:?} {second:?}");
    let placements =
        setup.rows(&format!("RETURN count(SELECT id FROM placement WHERE nomination = nomination:{id})")).await;
    assert_eq!(placements, serde_json::json!(1), "one placement");

    // 5. Mail goes once while both servers send, even when one is killed mid-send: a slow
    // SMTP server keeps sends in flight, and b is killed after the first few.
    sink.set_delay(Duration::from_millis(300));
    let admin = client();
    assert_eq!(sign_in(&admin, &a, "admin@demo.hub", DEMO_PASSWORD).await, StatusCode::OK);
    let before = sink.count();
    // Half through each server, so that both servers' workers are woken and sending.
    for i in 0..30 {
        let email = format!("cluster.{i}@rso.example");
        let server = if i % 2 == 0 { &a } else { &b };
        let form = [("email", email.as_str()), ("name", "Cluster"), ("role", "coordinator")];
        let made = post(&admin, server.url("/api/users/save"), &form).await;
        assert_eq!(made.0, StatusCode::OK, "{}", made.1);
    }
    until(30, "the first invitations sent", || async { sink.count() >= before + 6 }).await;
    let b = b.kill_and_restart().await;
    let open = || async {
        // Reminders wait for the office's morning (their next attempt is at 08:00): not these.
        let sql = "RETURN count(SELECT id FROM notification WHERE state IN ['pending', 'sending'] AND record_table != 'scheduled_job')";
        setup.rows(sql).await.as_i64().unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while open().await > 0 {
        if Instant::now() > deadline {
            let left = setup
                .rows(
                    "SELECT state, attempts, last_error, next_attempt_at, lease_until, recipient_email FROM notification
                     WHERE state IN ['pending', 'sending'] AND record_table != 'scheduled_job' LIMIT 5",
                )
                .await;
            panic!("every mail sent: not within 120 s; still open: {left}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Marked sent first, then what arrived: a mail is marked sent only after it arrived, so
    // every one marked is among those arrived. The reverse can lag: the day's reminders wait
    // for 08:00 in the office's zone (the test's date is set, its time of day is the real
    // one), so when a run crosses 08:00 they go out alongside; one may have arrived and not
    // yet be marked.
    let sent: BTreeSet<String> = sent_keys().await.difference(&sent_before).cloned().collect();
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for mail in sink.received() {
        let id = mail.header("Message-ID").expect("a Message-ID");
        let key = id.trim_start_matches('<').split('@').next().unwrap_or_default().to_string();
        *per_id.entry(key).or_default() += 1;
    }
    let missing: Vec<&String> = sent.iter().filter(|key| !per_id.contains_key(*key)).collect();
    assert!(missing.is_empty(), "marked sent and never arrived: {missing:?}");
    let unmarked: Vec<String> = per_id.keys().filter(|key| !sent.contains(*key)).cloned().collect();
    if !unmarked.is_empty() {
        let keys = serde_json::to_string(&unmarked).unwrap();
        let rows =
            setup.rows(&format!("SELECT VALUE record_table FROM notification WHERE record::id(id) IN {keys}")).await;
        let reminders = rows.as_array().unwrap().iter().filter(|t| t.as_str() == Some("scheduled_job")).count();
        assert_eq!(reminders, unmarked.len(), "arrived but not marked sent (only a reminder may lag): {rows}");
    }
    let repeats: usize = per_id.values().map(|n| n - 1).sum();
    let in_flight =
        app::notifications::worker::WorkerSettings::new("x@hub.test".parse().unwrap(), "hub.test").concurrency;
    assert!(repeats <= in_flight, "{repeats} repeats from one kill of a server sending at most {in_flight} at once");
    println!(
        "two servers: {} mails, {repeats} repeated (same Message-ID) after one server was killed mid-send",
        sent.len()
    );
    drop((a, b));
}

/// A SurrealDB server process on disk, that can be stopped and started again.
struct Surreal {
    child: Option<std::process::Child>,
    port: u16,
    data: PathBuf,
    log: PathBuf,
    pass: String,
}

impl Surreal {
    async fn start(dir: &std::path::Path) -> Surreal {
        let mut surreal = Surreal {
            child: None,
            port: free_port(),
            data: dir.join("surreal.db"),
            log: dir.join("surreal.log"),
            pass: app::db::new_key(),
        };
        surreal.run().await;
        surreal
    }

    async fn run(&mut self) {
        let binary = std::env::var("HUB_TEST_SURREAL").expect("HUB_TEST_SURREAL: the SurrealDB server binary");
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let child = std::process::Command::new(binary)
            .args(["start", "--bind", &format!("127.0.0.1:{}", self.port)])
            .arg(format!("surrealkv://{}", self.data.display()))
            .env("SURREAL_USER", "root")
            .env("SURREAL_PASS", &self.pass)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("the SurrealDB server starts");
        self.child = Some(child);
        let health = format!("http://127.0.0.1:{}/health", self.port);
        until(60, "the SurrealDB server answers", || async {
            Client::new().get(&health).send().await.is_ok_and(|r| r.status().is_success())
        })
        .await;
    }

    /// Stops the server as an operator does (SIGTERM), and waits for it to be gone.
    fn stop(&mut self) {
        let mut child = self.child.take().expect("running");
        let _ = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        child.wait().expect("the SurrealDB server stops");
    }
}

impl Drop for Surreal {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn when_the_surrealdb_server_restarts_the_app_says_unavailable_and_comes_back_by_itself() {
    if !on_a_server("SurrealDB server restart") {
        return;
    }
    if std::env::var_os("HUB_TEST_SURREAL").is_none() {
        // Against a server this run did not start (a cluster being checked), there is no
        // binary to stop and start.
        println!("SurrealDB server restart: needs HUB_TEST_SURREAL, the server binary, as `make test` sets");
        return;
    }
    let dir = scratch("restart");
    let mut surreal = Surreal::start(&dir).await;
    let env: Vec<(String, String)> = [
        ("HUB_DB", format!("ws://127.0.0.1:{}", surreal.port)),
        ("HUB_DB_USER", "root".into()),
        ("HUB_DB_PASS", surreal.pass.clone()),
        ("HUB_DEMO", "1".into()),
        ("HUB_DEMO_YEARS", "0".into()),
        ("HUB_FILES_DIR", dir.join("files").display().to_string()),
        ("HUB_LOG", "warn".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let app = AppProcess::start("app", &dir, &env).await;
    let coordinator = client();
    assert_eq!(sign_in(&coordinator, &app, "coordinator@demo.hub", DEMO_PASSWORD).await, StatusCode::OK);
    let listed = json(&coordinator, &app.url("/api/nominations/list"), &[("status", "submitted")]).await;
    let nomination =
        first_with(&listed, &["id", "reference"]).expect("a submitted nomination")["id"].as_str().unwrap().to_string();
    let nomination = nomination.as_str();

    // A writer comments throughout; each comment's fate is kept.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (client, url, id, stop) =
            (coordinator.clone(), app.url("/api/nominations/comment"), nomination.to_string(), stop.clone());
        tokio::spawn(async move {
            let mut fates: Vec<(String, StatusCode)> = Vec::new();
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let marker = format!("Restart comment {i}");
                let started = Instant::now();
                let answer = client
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(encode(&[("id", &id), ("message", &marker)]))
                    .send()
                    .await;
                let status = match answer {
                    Ok(answer) => answer.status(),
                    Err(error) => panic!("{marker}: no answer ({error}) after {:?}", started.elapsed()),
                };
                assert!(
                    started.elapsed() < Duration::from_secs(5),
                    "{marker}: answered {status} only after {:?}",
                    started.elapsed()
                );
                fates.push((marker, status));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            fates
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;

    surreal.stop();
    let stopped = Instant::now();
    until(5, "/readyz says 503", || async {
        let ready = client().get(app.url("/readyz")).send().await.expect("readyz answers");
        ready.status() == StatusCode::SERVICE_UNAVAILABLE
    })
    .await;
    let noticed = stopped.elapsed();
    let asked = Instant::now();
    let (status, body) = post(&coordinator, app.url("/api/nominations/list"), &[]).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("Unavailable"), "{body}");
    let page = coordinator.get(app.url("/nominations")).header("accept", "text/html").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.text().await.unwrap().contains("database is not answering"));
    let answered_in = asked.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;

    surreal.run().await;
    let restarted = Instant::now();
    until(30, "/readyz says ready again", || async {
        client().get(app.url("/readyz")).send().await.is_ok_and(|r| r.status().is_success())
    })
    .await;
    let back_in = restarted.elapsed();
    // The session (kept in the database) is still valid: no new sign-in.
    until(10, "the first write after the restart", || async {
        let (status, _) = post(
            &coordinator,
            app.url("/api/nominations/comment"),
            &[("id", nomination), ("message", "After the restart")],
        )
        .await;
        status == StatusCode::OK
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let fates = writer.await.expect("the writer never waited past 5 s");

    let target = app::db::Target {
        credentials: Some(("root".into(), surreal.pass.clone())),
        ..app::db::Target::new(&format!("ws://127.0.0.1:{}", surreal.port))
    };
    let db = app::db::connect_to(&target).await.expect("the database after the restart");
    let mut kept = db
        .query(
            "SELECT VALUE message FROM nomination_event WHERE kind = 'comment' AND message CONTAINS 'Restart comment'",
        )
        .await
        .unwrap();
    let kept: Vec<String> = kept.take(0).unwrap();
    let acknowledged: Vec<&String> = fates.iter().filter(|(_, s)| *s == StatusCode::OK).map(|(m, _)| m).collect();
    let refused = fates.iter().filter(|(_, s)| *s == StatusCode::SERVICE_UNAVAILABLE).count();
    for (marker, status) in &fates {
        assert!(
            *status == StatusCode::OK || *status == StatusCode::SERVICE_UNAVAILABLE,
            "{marker}: {status}, where only success or 503 are right"
        );
    }
    for marker in &acknowledged {
        assert!(kept.contains(marker), "acknowledged and kept: {marker}");
    }
    assert!(refused > 0, "some comments met the outage");
    println!(
        "SurrealDB restart: readyz 503 after {:.1} s, requests answered 503 in {} ms, ready again {:.1} s after the restart; {} comments acknowledged and kept, {refused} answered 503",
        noticed.as_secs_f64(),
        answered_in.as_millis(),
        back_in.as_secs_f64(),
        acknowledged.len()
    );
}
