//! Benchmark: 600 sign-ins at once against the whole server (router, sessions, throttle,
//! argon2id), and the process's peak memory. Run with `cargo bench -p server --bench login_burst`.
//!
//! Each argon2id hash holds about 19 MiB while it runs; unbounded, 600 at once would need more
//! than 11 GiB. The target is a peak resident set under 300 MB on a 2-core machine, every
//! request answered, none with a 5xx other than 503 "busy" (and that only past the wait limit).
//! The server runs in this process, so the peak includes the 600 clients' side too.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Instant;

use server::Config;

const REQUESTS: usize = 600;
const ACCOUNTS: [&str; 6] = [
    "admin@demo.hub",
    "coordinator@demo.hub",
    "nominator@demo.hub",
    "host@demo.hub",
    "secondee@demo.hub",
    "donor@demo.hub",
];

/// The process's peak and current resident set, in MiB (Linux).
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    };
    (field("VmHWM:"), field("VmRSS:"))
}

#[tokio::main]
async fn main() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // The clients stand for many offices behind one proxy: each has its own address.
    let config = Config::from_lookup(|k| match k {
        "HUB_DB" => Some("mem://".into()),
        "HUB_DEMO" => Some("1".into()),
        "HUB_ADDR" => Some(addr.to_string()),
        "HUB_TRUSTED_PROXIES" => Some("127.0.0.1".into()),
        _ => None,
    })
    .unwrap();
    let state = server::start_database(&config).await.unwrap();
    let router = server::router(state, server::leptos_options(&config));
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    let (before, _) = memory();
    println!("login burst: {REQUESTS} sign-ins at once, {} cores", std::thread::available_parallelism().unwrap());
    println!("peak RSS before: {before} MiB");

    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..REQUESTS {
        let email = ACCOUNTS[i % ACCOUNTS.len()];
        let request = client
            .post(format!("http://{addr}/api/login"))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", format!("198.51.{}.{}", i / 250, i % 250 + 1))
            .body(format!("email={}&password=demo-password-1", email.replace('@', "%40")));
        tasks.spawn(async move {
            let sent = Instant::now();
            let status = request.send().await.map(|r| r.status().as_u16()).unwrap_or(0);
            (status, sent.elapsed())
        });
    }
    let mut statuses = BTreeMap::new();
    let mut latencies = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (status, latency) = done.unwrap();
        *statuses.entry(status).or_insert(0) += 1;
        latencies.push(latency);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let (peak, now) = memory();
    println!("answers by status: {statuses:?}");
    println!(
        "time: {:.2} s in all, {:.1} sign-ins/s; latency median {} ms, p95 {} ms, max {} ms",
        elapsed.as_secs_f64(),
        REQUESTS as f64 / elapsed.as_secs_f64(),
        latencies[latencies.len() / 2].as_millis(),
        latencies[latencies.len() * 95 / 100].as_millis(),
        latencies[latencies.len() - 1].as_millis()
    );
    println!("peak RSS: {peak} MiB (now {now} MiB); target under 300 MB");
}
