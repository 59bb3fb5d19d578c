//! The pages benchmark (`make bench`): the release server on `surrealkv://` with ten years of
//! generated data, and again with 1/100 of it, on this machine.
//!
//! For each size it measures the start to `/readyz` and the start's scheduled work, then, with
//! 16 signed-in clients at once,
//! req/s and p50/p99 of `/healthz` (the ceiling), each list at page 1 and at a deep page, the
//! coordinator's dashboard, the donor's page, the queue of expressions of interest and the text
//! search of nominations and reports; each list's CSV export once (time, bytes); the
//! first-load bytes of the sign-in page and the dashboard; the server's peak RSS. With the
//! server stopped, it reads each list's rows by a direct query in-process (the raw cost).
//! Output: `bench <name> <value> <unit>` lines, `target <name> <value> <unit> (goal …) met` lines
//! (see `load/targets.rs`) and `docs/PERFORMANCE.md`, keeping its sections written by hand.
//!
//! Settings (environment): `HUB_BENCH_SCALE` (1.0), `HUB_BENCH_SECONDS` per figure (3),
//! `HUB_BENCH_DIR` for the generated databases (kept between runs), `HUB_BENCH_SERVER` (the
//! server binary next to this one), `HUB_BENCH_SMOKE=1` (1/1000 of the data, a fraction of a
//! second per figure, no report file: what `make test` runs so the benchmark cannot rot).

#[path = "load/targets.rs"]
mod targets;
#[path = "load/users.rs"]
mod users;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, ACCEPT_ENCODING, CONTENT_TYPE};
use reqwest::Client;

const CLIENTS: usize = 16;
/// The many-users scenario: people at once, and how long they stay.
const USERS: usize = 200;
const USERS_SECONDS: f64 = 60.0;

struct Settings {
    server: PathBuf,
    dir: PathBuf,
    scale: f64,
    seconds: f64,
    smoke: bool,
}

/// One list: its page, its CSV, the raw query of its first page, and a deep position.
struct List {
    name: &'static str,
    path: &'static str,
    csv: &'static str,
    role: &'static str,
    /// What the page reads from the database for its first page (names of agencies and members
    /// come from the app's directory, not from the store).
    raw: &'static str,
    /// A position in the middle of the data, as a pager link carries it.
    deep: fn(&Span) -> String,
    raw_deep: &'static str,
}

/// The generated data's first and last day.
struct Span {
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
}

impl Span {
    fn middle(&self) -> chrono::NaiveDate {
        self.first + (self.last - self.first) / 2
    }
    fn middle_day(&self) -> String {
        format!("s{}~0", self.middle())
    }
    /// The middle as a list read through a descending twin (the negated time, in nanoseconds)
    /// carries it in its pager links.
    fn middle_time_twin(&self) -> String {
        let noon = self.middle().and_hms_opt(12, 0, 0).expect("noon").and_utc();
        format!("i{}~0", -noon.timestamp_nanos_opt().expect("a time in range"))
    }
    /// The middle of the two years the access log keeps, as [`Span::middle_time_twin`].
    fn kept_two_years_time_twin(&self) -> String {
        let noon = (self.last - chrono::Duration::days(365)).and_hms_opt(12, 0, 0).expect("noon").and_utc();
        format!("i{}~0", -noon.timestamp_nanos_opt().expect("a time in range"))
    }
    /// The same for a twin of a date in seconds (placements by start).
    fn middle_day_twin(&self) -> String {
        let midnight = self.middle().and_hms_opt(0, 0, 0).expect("midnight").and_utc();
        format!("i{}~0", -midnight.timestamp())
    }
}

const LISTS: &[List] = &[
    List {
        name: "nominations",
        path: "/nominations",
        csv: "/export/nominations.csv",
        role: "coordinator",
        raw: "SELECT id, reference, state, officer_name, sending_agency, sending_member, host_agency,
              start_date, end_date, updated_at FROM nomination WHERE listed = true ORDER BY updated_at_desc LIMIT 26",
        deep: Span::middle_time_twin,
        raw_deep: "SELECT id, reference, state, officer_name, sending_agency, sending_member, host_agency,
              start_date, end_date, updated_at FROM nomination WHERE listed = true AND updated_at_desc >= $at
              ORDER BY updated_at_desc LIMIT 26",
    },
    List {
        name: "placements",
        path: "/placements",
        csv: "/export/placements.csv",
        role: "coordinator",
        raw: "SELECT id, nomination.reference, officer_name, sending_agency, host_agency, state, start_date,
              end_date, original_end, early_end, extensions, overlap FROM placement WHERE listed = true
              ORDER BY start_date_desc LIMIT 26",
        deep: Span::middle_day_twin,
        raw_deep: "SELECT id, nomination.reference, officer_name, sending_agency, host_agency, state, start_date,
              end_date, original_end, early_end, extensions, overlap FROM placement WHERE listed = true
              AND start_date_desc >= $at ORDER BY start_date_desc LIMIT 26",
    },
    List {
        name: "reports",
        path: "/reports",
        csv: "/export/reports.csv",
        role: "coordinator",
        raw: "SELECT id, placement, officer_name, kind, sending_agency, host_agency, period_start, period_end, due_date,
              state, submitted_at FROM report WHERE listed = true ORDER BY due_date ASC LIMIT 26",
        deep: Span::middle_day,
        raw_deep: "SELECT id, placement, officer_name, kind, sending_agency, host_agency, period_start, period_end,
              due_date, state, submitted_at FROM report WHERE listed = true AND due_date >= $at
              ORDER BY due_date ASC LIMIT 26",
    },
    List {
        name: "agreements",
        path: "/funding/agreements",
        csv: "/export/agreements.csv",
        role: "coordinator",
        raw: "SELECT id, reference, title, donor.name, currency, total_minor, period_start, period_end FROM funding_agreement
              ORDER BY period_start ASC LIMIT 26",
        deep: |_| String::new(),
        raw_deep: "",
    },
    List {
        name: "calls",
        path: "/calls",
        csv: "/export/calls.csv",
        role: "coordinator",
        raw: "SELECT id, reference, title, host_agency, places, window_start, window_end, closes_at, closes_local, state,
              answered, approved FROM call ORDER BY closes_at ASC LIMIT 26",
        deep: |_| String::new(),
        raw_deep: "",
    },
    List {
        name: "mail",
        path: "/mail",
        csv: "/export/mail.csv",
        role: "admin",
        raw: "SELECT id, created_at, event, recipient_email, recipient_name, subject, state, attempts, last_error, sent_at
              FROM notification WHERE listed = true ORDER BY created_at_desc LIMIT 26",
        deep: Span::middle_time_twin,
        raw_deep: "SELECT id, created_at, event, recipient_email, recipient_name, subject, state, attempts, last_error, sent_at
              FROM notification WHERE listed = true AND created_at_desc >= $at ORDER BY created_at_desc LIMIT 26",
    },
    List {
        name: "audit",
        path: "/admin/audit",
        csv: "/export/audit.csv",
        role: "admin",
        raw: "SELECT at, actor_label, action, record_table, record_key, before, after FROM audit_event WHERE listed = true
              ORDER BY at_desc LIMIT 26",
        deep: Span::middle_time_twin,
        raw_deep: "SELECT at, actor_label, action, record_table, record_key, before, after FROM audit_event
              WHERE listed = true AND at_desc >= $at ORDER BY at_desc LIMIT 26",
    },
    List {
        name: "access",
        path: "/admin/access",
        csv: "/export/access.csv",
        role: "admin",
        raw: "SELECT at, reader_label, kind, record_table, record_key, item, address FROM access_event WHERE listed = true
              ORDER BY at_desc LIMIT 26",
        deep: Span::kept_two_years_time_twin,
        raw_deep: "SELECT at, reader_label, kind, record_table, record_key, item, address FROM access_event
              WHERE listed = true AND at_desc >= $at ORDER BY at_desc LIMIT 26",
    },
];

/// One measured figure under load.
#[derive(Clone, Copy, Default)]
struct Load {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: usize,
    /// p50 with one client alone: the page's own time, without waiting behind the others (what
    /// the raw query, read alone, compares with).
    alone_p50_ms: Option<f64>,
}

/// Every figure of one data size, by name.
#[derive(Default)]
struct Figures {
    load: BTreeMap<String, Load>,
    other: BTreeMap<String, (f64, &'static str)>,
}

#[tokio::main]
async fn main() {
    let settings = settings();
    let only = std::env::var("HUB_BENCH_ONLY").unwrap_or_default();
    if only == "users" || only == "retention" {
        // One scenario alone (for looking into it): the many users on data generated before, or
        // the retention pass of newly generated data, written into `docs/PERFORMANCE.md`'s rows.
        let mut figures = Figures::default();
        let dir = data_for(&settings, settings.scale, &mut figures).await;
        if only == "users" {
            many_users(&settings, &dir, &mut figures).await;
        } else if !settings.smoke {
            update_report_rows(&figures, "retention.");
        }
        for (name, (value, unit)) in &figures.other {
            println!("bench full.{name} {value:.2} {unit}");
        }
        return;
    }
    let sizes: Vec<(&str, f64)> = vec![("full", settings.scale), ("hundredth", settings.scale / 100.0)];
    let mut results = Vec::new();
    for (size, scale) in &sizes {
        let figures = measure(&settings, size, *scale).await;
        for (name, load) in &figures.load {
            println!("bench {size}.{name}.rps {:.0} req/s", load.per_second);
            println!("bench {size}.{name}.p50 {:.2} ms", load.p50_ms);
            println!("bench {size}.{name}.p99 {:.2} ms", load.p99_ms);
            if let Some(alone) = load.alone_p50_ms {
                println!("bench {size}.{name}.p50_alone {alone:.2} ms");
            }
            if load.errors > 0 {
                println!("bench {size}.{name}.errors {} requests", load.errors);
            }
        }
        for (name, (value, unit)) in &figures.other {
            println!("bench {size}.{name} {value:.2} {unit}");
        }
        results.push((size.to_string(), *scale, figures));
    }
    let (full, small) = (&results[0].2, &results[1].2);
    let ceiling = full.load.get("healthz").map(|l| l.per_second).unwrap_or(1.0);
    for (name, load) in full.load.iter().filter(|(n, _)| *n != "healthz") {
        println!("bench ceiling_share.{name} {:.1} %", 100.0 * load.per_second / ceiling);
        if let Some(small) = small.load.get(name) {
            println!("bench growth.{name} {:.2} x", load.p50_ms / small.p50_ms.max(0.001));
        }
        if let (Some((raw, _)), Some(alone)) = (full.other.get(&raw_of(name)), load.alone_p50_ms) {
            println!("bench overhead.{name} {:.2} ms", alone - raw);
        }
    }
    let scenario_errors: f64 = results
        .iter()
        .flat_map(|(_, _, f)| f.other.iter())
        .filter(|(n, _)| n.ends_with(".errors"))
        .map(|(_, v)| v.0)
        .sum();
    let errors: usize = results.iter().flat_map(|(_, _, f)| f.load.values()).map(|l| l.errors).sum::<usize>()
        + scenario_errors as usize;
    println!("bench errors {errors} requests");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/PERFORMANCE.md");
    let before = std::fs::read_to_string(&path).unwrap_or_default();
    let targets = targets::of(full, small, ceiling, &targets::page_rows_of(&before));
    for t in &targets {
        let mark = if t.met() { "met" } else { "NOT MET" };
        println!("target {} {:.2} {} (goal {}) {mark}", t.name, t.value, t.unit, t.goal());
    }
    if !settings.smoke {
        std::fs::create_dir_all(path.parent().expect("docs folder")).expect("create docs/");
        let text = report(&settings, &results, &targets::table(&targets), &hand_written(&before));
        std::fs::write(&path, text).expect("write docs/PERFORMANCE.md");
        eprintln!("wrote {}", path.display());
    }
    assert_eq!(errors, 0, "every request answered 200");
}

fn settings() -> Settings {
    let smoke = smoke();
    let exe = std::env::current_exe().expect("the bench's own path");
    // target/<profile>/deps/pages-… → target/<profile>/server
    let beside = exe.parent().and_then(Path::parent).map(|p| p.join("server")).expect("a target directory");
    let number = |name: &str, default: f64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    Settings {
        server: std::env::var("HUB_BENCH_SERVER").map(PathBuf::from).unwrap_or(beside),
        dir: std::env::var("HUB_BENCH_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| std::env::temp_dir().join("hub-bench")),
        scale: if smoke { 0.001 } else { number("HUB_BENCH_SCALE", 1.0) },
        seconds: if smoke { 0.2 } else { number("HUB_BENCH_SECONDS", 3.0) },
        smoke,
    }
}

/// The environment of the server for a data directory.
fn server_env(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("HUB_DB", format!("surrealkv://{}", dir.join("db").display())),
        ("HUB_FILES_DIR", dir.join("files").display().to_string()),
        ("HUB_OPERATOR_TOKEN", dir.join("operator.token").display().to_string()),
        ("HUB_LOG", "warn".into()),
        // A fixed office date, so that the same seed makes the same data on any day.
        ("HUB_TODAY", "2026-11-29".into()),
        ("HUB_DEMO", "1".into()),
    ]
}

/// Generates the data of `scale` once, and measures the retention pass its first start would
/// run; later runs reuse both.
async fn data_for(settings: &Settings, scale: f64, figures: &mut Figures) -> PathBuf {
    let dir = settings.dir.join(format!("seed1-scale{scale}"));
    let retention_figures = dir.join("retention.figures");
    if dir.join("complete").exists() {
        for line in std::fs::read_to_string(&retention_figures).unwrap_or_default().lines() {
            if let [name, value, unit] = line.split(' ').collect::<Vec<_>>()[..] {
                let unit = if unit == "s" { "s" } else { "records" };
                figures.other.insert(name.to_string(), (value.parse().unwrap_or(0.0), unit));
            }
        }
        return dir;
    }
    // Generated data whose retention pass did not finish is kept: the pass runs on a copy.
    let generated = dir.join("generated");
    let seconds = match std::fs::read_to_string(&generated).ok().and_then(|t| t.trim().parse::<f64>().ok()) {
        Some(seconds) => seconds,
        None => {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("bench data directory");
            let started = Instant::now();
            let status = Command::new(&settings.server)
                .args(["generate", "--years", "10", "--seed", "1", "--scale", &scale.to_string()])
                .envs(server_env(&dir))
                .stdout(Stdio::null())
                .status()
                .expect("run server generate");
            assert!(status.success(), "server generate failed");
            let seconds = started.elapsed().as_secs_f64();
            std::fs::write(&generated, format!("{seconds:.1}")).expect("mark the data generated");
            seconds
        }
    };
    figures.other.insert("generate".into(), (seconds, "s"));
    let size = server::generate::size_of(&dir.join("db")) as f64 / 1e6;
    figures.other.insert("database_on_disk".into(), (size, "MB"));
    let swept = retention_pass(&dir, figures).await;
    std::fs::write(&retention_figures, swept).expect("keep the retention figures");
    std::fs::write(dir.join("complete"), "").expect("mark the data complete");
    dir
}

/// The retention pass on newly generated data (a copy of it), in-process, as the first start's
/// scheduler runs it: ten years back from the office date, everything the default retention finds is due at
/// once. Returns the figures as `name value unit` lines.
async fn retention_pass(dir: &Path, figures: &mut Figures) -> String {
    // On a copy, which then takes the data's place: were the pass cut short, the data would be
    // neither generated nor swept. The servers started next find nothing due.
    let copy = dir.with_file_name(format!("{}-retention", dir.file_name().unwrap().to_string_lossy()));
    let _ = std::fs::remove_dir_all(&copy);
    let copied = Command::new("cp").arg("-a").arg(dir).arg(&copy).status().expect("copy the data");
    assert!(copied.success(), "copy the data for the retention pass");
    let env: BTreeMap<&str, String> = server_env(&copy).into_iter().collect();
    let config = server::Config::from_lookup(|k| env.get(k).cloned()).expect("configuration");
    let state = server::start_database(&config).await.expect("open the database");
    eprintln!("   retention pass");
    let started = Instant::now();
    let swept = app::privacy::retention::run(&state).await.expect("the retention pass");
    let seconds = started.elapsed().as_secs_f64();
    assert!(swept.placements > 0 || smoke(), "ten years of data have placements past retention");
    assert!(swept.largest_batch <= 1000, "a transaction named {} records", swept.largest_batch);
    let rows = [
        ("retention.seconds", seconds, "s"),
        ("retention.placements", swept.placements as f64, "records"),
        ("retention.nominations", swept.nominations as f64, "records"),
        ("retention.accounts", swept.accounts as f64, "records"),
        ("retention.transactions", swept.batches as f64, "records"),
        ("retention.largest_transaction", swept.largest_batch as f64, "records"),
    ];
    drop(state);
    swap_in(&copy, dir).await;
    let mut lines = String::new();
    for (name, value, unit) in rows {
        figures.other.insert(name.to_string(), (value, unit));
        lines.push_str(&format!("{name} {value} {unit}\n"));
    }
    lines
}

/// Puts the swept `copy`'s store and files in the place of `dir`'s, once this process has
/// closed the store (its lock is free).
async fn swap_in(copy: &Path, dir: &Path) {
    let lock = copy.join("db").join("LOCK");
    let free =
        || Command::new("flock").args(["-n", "-E", "75"]).arg(&lock).arg("true").status().is_ok_and(|s| s.success());
    let waited = Instant::now();
    while !free() {
        assert!(waited.elapsed() < Duration::from_secs(120), "the swept store was not closed");
        // Not a blocking sleep: the store closes in a task of this runtime.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for part in ["db", "files"] {
        let _ = std::fs::remove_dir_all(dir.join(part));
        std::fs::rename(copy.join(part), dir.join(part)).expect("the swept data takes the data's place");
    }
    let _ = std::fs::remove_dir_all(copy);
}

/// Writes the figures whose names start with `prefix` into `docs/PERFORMANCE.md`'s table of
/// figures (ten-year column), in place of the rows there were: one scenario measured alone.
fn update_report_rows(figures: &Figures, prefix: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/PERFORMANCE.md");
    let text = std::fs::read_to_string(&path).expect("read docs/PERFORMANCE.md");
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with(&format!("| {prefix}"))) {
        out.push(line.to_string());
        if line == "|---|---:|---:|" {
            for (name, (value, unit)) in figures.other.iter().filter(|(n, _)| n.starts_with(prefix)) {
                out.push(format!("| {name} | {value:.2} {unit} |  |"));
            }
        }
    }
    std::fs::write(&path, out.join("\n") + "\n").expect("write docs/PERFORMANCE.md");
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start(settings: &Settings, dir: &Path, figures: &mut Figures, patience: Duration) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let started = Instant::now();
    // `HUB_BENCH_SERVER_LOG` (a log filter) keeps the server's log in its data folder.
    let (log, filter) = match std::env::var("HUB_BENCH_SERVER_LOG") {
        Ok(filter) => (Stdio::from(std::fs::File::create(dir.join("server.log")).expect("server log")), filter),
        Err(_) => (Stdio::null(), "warn".to_string()),
    };
    let child = Command::new(&settings.server)
        .envs(server_env(dir))
        .env("HUB_LOG", filter)
        .env("HUB_ADDR", format!("127.0.0.1:{port}"))
        .stdout(log)
        .spawn()
        .expect("start the server");
    let server = Server { child, base: format!("http://127.0.0.1:{port}") };
    let client = Client::new();
    loop {
        let ready = client.get(format!("{}/readyz", server.base)).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        assert!(started.elapsed() < patience, "the server did not become ready");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    figures.other.insert("cold_start".into(), (started.elapsed().as_secs_f64() * 1000.0, "ms"));
    // A start runs the day's scheduled work first (on ten years of data, a while on both cores);
    // the pages are measured after it, at steady state, and its length is a figure of its own.
    // Settled: three half-seconds in a row with next to no CPU (the work may begin a moment
    // after the server is ready).
    let pid = server.child.id();
    let settled = Instant::now();
    let mut quiet = 0;
    while quiet < 3 {
        let before = cpu_seconds(pid).unwrap_or(0.0);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let busy = cpu_seconds(pid).unwrap_or(0.0) - before > 0.05;
        quiet = if busy { 0 } else { quiet + 1 };
        // A first start after an upgrade may have more to do: as long as its patience allows.
        let limit = patience.max(Duration::from_secs(600));
        assert!(settled.elapsed() < limit, "the start's work did not settle");
    }
    figures.other.insert("start_work".into(), ((settled.elapsed().as_secs_f64() - 1.5).max(0.0), "s"));
    server
}

/// The CPU time the process has used, in seconds (Linux; `None` elsewhere).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which is in parentheses): utime and stime are 14th and 15th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

async fn signed_in(base: &str, role: &str) -> Client {
    let client = Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = client
        .post(format!("{base}/api/login"))
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("email={role}%40demo.hub&password={}", app::demo::seed::DEMO_PASSWORD))
        .send()
        .await
        .expect("sign in");
    assert!(response.status().is_success(), "sign-in as {role}: {}", response.status());
    client
}

/// `CLIENTS` tasks fetch `url` again and again for `seconds`, each as its own client (with its
/// own session, when signed in).
async fn load(clients: &[Client], url: String, seconds: f64) -> Load {
    load_by(clients, url, seconds, CLIENTS).await
}

/// As [`load`], and then the p50 of one client alone for a third of the time.
async fn load_and_alone(clients: &[Client], url: String, seconds: f64) -> Load {
    load_and_alone_by(clients, url, seconds, CLIENTS).await
}

/// As [`load_and_alone`], with `at_once` clients.
async fn load_and_alone_by(clients: &[Client], url: String, seconds: f64, at_once: usize) -> Load {
    let mut measured = load_by(clients, url.clone(), seconds, at_once).await;
    measured.alone_p50_ms = Some(load_by(clients, url, seconds / 3.0, 1).await.p50_ms);
    measured
}

/// `url` (page `page + 1` at a position) as the "next" link of page `page` has it: with that
/// page's start, read from the "previous" link of `url`'s own page. When the page before is the
/// first (small data), the link carries no start and neither does `url`.
async fn reached_by_next(client: &Client, url: &str, page: u32) -> String {
    let html = client.get(url).header(ACCEPT, "text/html").send().await.expect("deep page");
    let html = html.text().await.expect("deep page body");
    let marker = format!("page={page}&amp;at=");
    let Some(start) = html.find(&marker).map(|i| i + marker.len()) else {
        return url.to_string();
    };
    let back = &html[start..start + html[start..].find(['"', '&']).expect("the link's end")];
    format!("{url}&back={back}")
}

/// `at_once` tasks fetch `url` again and again for `seconds`.
async fn load_by(clients: &[Client], url: String, seconds: f64, at_once: usize) -> Load {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..at_once {
        let (client, url) = (clients[i % clients.len()].clone(), url.clone());
        tasks.spawn(async move {
            let mut times = Vec::new();
            let mut errors = 0;
            while Instant::now() < deadline {
                let sent = Instant::now();
                match client.get(&url).header(ACCEPT, "text/html").send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        times.push(sent.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (times, errors)
        });
    }
    let started = Instant::now();
    let mut times = Vec::new();
    let mut errors = 0;
    while let Some(done) = tasks.join_next().await {
        let (t, e) = done.expect("a load task");
        times.extend(t);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64().max(seconds);
    times.sort();
    let at = |q: f64| times.get(((times.len() as f64 - 1.0) * q).round() as usize).map(|d| d.as_secs_f64() * 1000.0);
    Load {
        per_second: times.len() as f64 / elapsed,
        p50_ms: at(0.5).unwrap_or(0.0),
        p99_ms: at(0.99).unwrap_or(0.0),
        errors,
        alone_p50_ms: None,
    }
}

async fn measure(settings: &Settings, size: &str, scale: f64) -> Figures {
    let mut figures = Figures::default();
    eprintln!("== {size} ({scale} of ten years)");
    let dir = data_for(settings, scale, &mut figures).await;
    let span = Span {
        first: chrono::NaiveDate::from_ymd_opt(2016, 12, 2).unwrap(),
        last: chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
    };
    // A database from before this build is brought up to date first, not measured: migrations
    // are an upgrade's one-off cost (minutes at ten years), not a start's.
    drop(start(settings, &dir, &mut Figures::default(), Duration::from_secs(1800)).await);
    let server = start(settings, &dir, &mut figures, Duration::from_secs(120)).await;
    let base = server.base.clone();
    // Sixteen people signed in for each role: one session each, as sixteen users would have.
    let mut sessions: BTreeMap<&str, Vec<Client>> = BTreeMap::new();
    // (Two in the smoke run: a debug build's password hashing is slow.)
    let people = if settings.smoke { 2 } else { CLIENTS };
    for role in ["coordinator", "admin", "donor"] {
        for _ in 0..people {
            sessions.entry(role).or_default().push(signed_in(&base, role).await);
        }
    }
    let clients: BTreeMap<&str, Client> = sessions.iter().map(|(role, all)| (*role, all[0].clone())).collect();
    let anonymous = Client::new();
    figures.load.insert(
        "healthz".into(),
        load(std::slice::from_ref(&anonymous), format!("{base}/healthz"), settings.seconds).await,
    );
    for list in LISTS {
        let client = &sessions[list.role];
        eprintln!("   {}", list.name);
        figures.load.insert(
            format!("{}.page1", list.name),
            load_and_alone(client, format!("{base}{}", list.path), settings.seconds).await,
        );
        let deep = (list.deep)(&span);
        if !deep.is_empty() {
            // A deep page as a bookmark or a typed address reaches it: it looks up where the
            // page before starts, for its "previous" link.
            let direct = format!("{base}{}?page=400&at={deep}", list.path);
            // The same page as the "next" link of the page before reaches it (how people page
            // through a list): the link says where that page starts.
            let next = reached_by_next(&client[0], &direct, 399).await;
            figures.load.insert(format!("{}.deep", list.name), load_and_alone(client, next, settings.seconds).await);
            let direct = load_and_alone(client, direct, settings.seconds).await;
            figures.load.insert(format!("{}.deep_direct", list.name), direct);
        }
    }
    // The text search, by a surname the generator gives about one officer in 22, with as many
    // searches at once as one person may run (the sessions are one coordinator's).
    for list in ["nominations", "reports"] {
        let search = format!("{base}/{list}?q=perera");
        let at_once = app::limits::SEARCHES_AT_ONCE;
        let measured = load_and_alone_by(&sessions["coordinator"], search, settings.seconds, at_once).await;
        figures.load.insert(format!("{list}.search"), measured);
    }
    let dashboard = load_and_alone(&sessions["coordinator"], format!("{base}/"), settings.seconds).await;
    figures.load.insert("dashboard".into(), dashboard);
    let donor_portal = load_and_alone(&sessions["donor"], format!("{base}/funding"), settings.seconds).await;
    figures.load.insert("donor_portal".into(), donor_portal);
    // The expressions of interest: the demo's (the generator writes none; there are a few a year).
    let interest = load_and_alone(&sessions["coordinator"], format!("{base}/interest"), settings.seconds).await;
    figures.load.insert("interest".into(), interest);
    for list in LISTS {
        let started = Instant::now();
        let response = clients[list.role].get(format!("{base}{}", list.csv)).send().await.expect("export");
        assert!(response.status().is_success(), "{} answered {}", list.csv, response.status());
        let body = response.bytes().await.expect("export body");
        let rows = body.iter().filter(|b| **b == b'\n').count().saturating_sub(1);
        figures.other.insert(format!("csv.{}.seconds", list.name), (started.elapsed().as_secs_f64(), "s"));
        figures.other.insert(format!("csv.{}.rows", list.name), (rows as f64, "rows"));
    }
    figures.other.insert("first_load.sign_in".into(), (first_load(&anonymous, &base, "/login").await, "KB"));
    figures.other.insert("first_load.dashboard".into(), (first_load(&clients["coordinator"], &base, "/").await, "KB"));
    figures.other.insert("peak_rss".into(), (peak_rss(server.child.id()) as f64 / 1024.0, "MB"));
    drop(server);
    raw(&dir, &span, &mut figures).await;
    if size == "full" {
        many_users(settings, &dir, &mut figures).await;
    }
    figures
}

/// The many-users scenario, on a copy of the data (it writes), with a server of its own.
async fn many_users(settings: &Settings, dir: &Path, figures: &mut Figures) {
    let (people, seconds) = if settings.smoke { (4, 1.0) } else { (USERS, USERS_SECONDS) };
    let copy = dir.with_file_name(format!("{}-users", dir.file_name().unwrap().to_string_lossy()));
    let _ = std::fs::remove_dir_all(&copy);
    let copied = Command::new("cp").arg("-a").arg(dir).arg(&copy).status().expect("copy the data");
    assert!(copied.success(), "copy the data for the many-users scenario");
    eprintln!("   {people} users for {seconds} s");
    let server = start(settings, &copy, &mut Figures::default(), Duration::from_secs(120)).await;
    let outcome = users::run(&server.base, people, seconds, app::demo::seed::DEMO_PASSWORD).await;
    let rss = peak_rss(server.child.id()) as f64 / 1024.0;
    drop(server);
    let _ = std::fs::rename(copy.join("server.log"), dir.join("users-server.log"));
    let _ = std::fs::remove_dir_all(&copy);
    for (kind, n) in &outcome.error_kinds {
        eprintln!("   error: {kind} × {n}");
    }
    let name = |what: &str| format!("users{}.{what}", outcome.users);
    figures.other.insert(name("requests"), (outcome.requests as f64, "requests"));
    figures.other.insert(name("errors"), (outcome.errors as f64, "requests"));
    figures.other.insert(name("p50"), (outcome.p50_ms, "ms"));
    figures.other.insert(name("p99"), (outcome.p99_ms, "ms"));
    figures.other.insert(name("sign_in_p50"), (outcome.sign_in_p50_ms, "ms"));
    figures.other.insert(name("peak_rss"), (rss, "MB"));
}

/// Bytes as sent with `Accept-Encoding: br`: the page, then every stylesheet, script and wasm
/// file it names (the page preloads the island script and its wasm).
async fn first_load(client: &Client, base: &str, path: &str) -> f64 {
    let fetch = |url: String| async move {
        let r = client.get(url).header(ACCEPT_ENCODING, "br").header(ACCEPT, "text/html").send().await.expect("fetch");
        r.bytes().await.expect("body")
    };
    let html = fetch(format!("{base}{path}")).await;
    let mut total = html.len();
    // The names of the files it loads, from the page as text (the client does not decode br).
    let plain = client.get(format!("{base}{path}")).header(ACCEPT, "text/html").send().await.expect("fetch");
    let text = plain.text().await.expect("page text");
    let mut assets: Vec<String> =
        text.split(['"', '\'']).filter(|s| s.starts_with("/pkg/") && !s.contains(' ')).map(str::to_string).collect();
    assets.sort();
    assets.dedup();
    for asset in assets {
        total += fetch(format!("{base}{asset}")).await.len();
    }
    total as f64 / 1024.0
}

/// The high-water mark of the process's resident memory, in KiB.
fn peak_rss(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// The raw query's figure for a page: a deep page reached directly reads the same rows as the
/// one reached by "next".
fn raw_of(page: &str) -> String {
    format!("raw.{}", page.trim_end_matches("_direct"))
}

/// Each list's rows by a direct query in-process, one at a time: the median of 15.
async fn raw(dir: &Path, span: &Span, figures: &mut Figures) {
    let env: BTreeMap<&str, String> = server_env(dir).into_iter().collect();
    let config = server::Config::from_lookup(|k| env.get(k).cloned()).expect("configuration");
    let state = server::start_database(&config).await.expect("open the database");
    for list in LISTS {
        for (page, sql, at) in [("page1", list.raw, String::new()), ("deep", list.raw_deep, (list.deep)(span))] {
            if sql.is_empty() {
                continue;
            }
            let at = app::listing::Position::parse(&at).map(|p| match p.key {
                app::listing::SortKey::Text(t) => surrealdb::types::Value::String(t),
                app::listing::SortKey::Time(t) => surrealdb::types::SurrealValue::into_value(t),
                app::listing::SortKey::Int(n) => surrealdb::types::SurrealValue::into_value(n),
            });
            let mut times = Vec::new();
            for _ in 0..15 {
                let started = Instant::now();
                let mut r =
                    state.db.query(sql).bind(("at", at.clone())).await.and_then(|r| r.check()).expect("raw query");
                let rows: Vec<surrealdb::types::Value> = r.take(0).expect("raw rows");
                // The smoke run's few nominations may leave the access log's older year empty.
                let sparse = list.name == "agreements" || (list.name == "access" && smoke());
                assert!(!rows.is_empty() || sparse, "{} {page} read rows", list.name);
                times.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(f64::total_cmp);
            figures.other.insert(format!("raw.{}.{page}", list.name), (times[times.len() / 2], "ms"));
        }
    }
}

/// The sections of an earlier report written by hand (every `## ` section but the targets'),
/// which a new run keeps after its own tables.
fn hand_written(report: &str) -> String {
    let mut kept = String::new();
    let mut keeping = false;
    for line in report.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            keeping = heading != TARGETS_HEADING;
        }
        if keeping {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

const TARGETS_HEADING: &str = "Targets";

fn report(settings: &Settings, results: &[(String, f64, Figures)], targets: &str, hand_written: &str) -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let (full, small) = (&results[0].2, &results[1].2);
    let ceiling = full.load.get("healthz").map(|l| l.per_second).unwrap_or(1.0);
    let mut out = String::new();
    out.push_str("# Performance\n\n");
    out.push_str(&format!(
        "Measured by `make bench` on this machine: {cores} cores, the release server on `surrealkv://`, {CLIENTS} signed-in \
         clients at once, {} s per figure. Ten years of generated data (`server generate --years 10 --seed 1 --scale {}`) \
         against 1/100 of it. The ratios carry over from machine to machine; the absolute numbers do not.\n\n",
        settings.seconds, settings.scale
    ));
    out.push_str(
        "| page | req/s | share of ceiling | p50 ms | p99 ms | p50 alone ms | raw query p50 ms | page over raw ms | p50 at 1/100 ms | growth |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (name, load) in &full.load {
        let raw = full.other.get(&raw_of(name)).map(|(v, _)| *v);
        let small_p50 = small.load.get(name).map(|l| l.p50_ms);
        out.push_str(&format!(
            "| {name} | {:.0} | {:.1} % | {:.2} | {:.2} | {} | {} | {} | {} | {} |\n",
            load.per_second,
            100.0 * load.per_second / ceiling,
            load.p50_ms,
            load.p99_ms,
            load.alone_p50_ms.map(|a| format!("{a:.2}")).unwrap_or_default(),
            raw.map(|r| format!("{r:.2}")).unwrap_or_default(),
            raw.zip(load.alone_p50_ms).map(|(r, a)| format!("{:.2}", a - r)).unwrap_or_default(),
            small_p50.map(|s| format!("{s:.2}")).unwrap_or_default(),
            small_p50.map(|s| format!("{:.2}", load.p50_ms / s.max(0.001))).unwrap_or_default(),
        ));
    }
    out.push_str("\n| figure | ten years | 1/100 |\n|---|---:|---:|\n");
    for (name, (value, unit)) in full.other.iter().filter(|(n, _)| !n.starts_with("raw.")) {
        let small = small.other.get(name).map(|(v, _)| format!("{v:.2} {unit}")).unwrap_or_default();
        out.push_str(&format!("| {name} | {value:.2} {unit} | {small} |\n"));
    }
    out.push_str(
        "\nPage rows: the list's first page and a page in the middle of the data (the position a pager link carries): \
         `deep` as the \"next\" link of the page before reaches it (the link says where that page starts), \
         `deep_direct` as a bookmark does (the page looks up where the page before starts). \"raw\" reads what the \
         page reads from the database for those rows (agencies and members by key: the page names them from the \
         app's directory) by one query in-process, without HTTP, the session or rendering, one read at a time; \"p50 alone\" is the page's p50 with one client alone, and \"page over raw\" \
         the difference of the two (with sixteen clients on two cores, p50 is mostly waiting for a core). CSV exports are read once each, whole, by one client. First load: the page and every stylesheet, \
         script and wasm file it loads, as sent with `Accept-Encoding: br`. users200: 200 people of every role at \
         once on a copy of the ten-year data, each signing in and then for 60 s opening home, a list, a record and \
         its page 2 (coordinators also comment and download the document), reading each page 3–8 s; an \
         error is any answer but 2xx, or none within 30 s. retention: the pass the first start's scheduler runs on \
         newly generated data (in-process, once, when the data are generated): every placement that ended seven \
         years before the office date and every nomination rejected or withdrawn two years before it, anonymised \
         ten at a time, each batch one transaction; `largest_transaction` counts the placements, nominations, \
         reports, documents, audit entries and accounts the busiest one named. `search`: the list's first page \
         with `q=perera`, a surname about one officer in 22 has, by four clients at once (as many searches as one \
         person may run).\n",
    );
    out.push_str(&format!(
        "\n## {TARGETS_HEADING}\n\nThe figures promised for ten years of data, from this run; \"against the run before\" \
         compares a list's p50 with the report this run replaced.\n\n{targets}"
    ));
    if !hand_written.is_empty() {
        out.push('\n');
        out.push_str(hand_written);
    }
    out
}

/// Whether this is the smoke run (`HUB_BENCH_SMOKE=1`): a fraction of the data, a few seconds.
fn smoke() -> bool {
    std::env::var("HUB_BENCH_SMOKE").is_ok_and(|v| v == "1")
}
