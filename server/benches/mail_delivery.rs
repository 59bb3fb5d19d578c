//! Benchmark: queue 1,000 notifications and measure the time until a local SMTP server has
//! received them all. Prints mails per second. Run with `cargo bench -p server --bench mail_delivery`.
//! The target is 1,000 mails in 10 s or less on a 2-core machine.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use app::notifications::outbox::{self, Outgoing};
use app::notifications::recipients::Recipient;
use app::notifications::templates::MailContent;
use app::notifications::worker::{transport, Worker, WorkerSettings};
use server::Config;
use support::smtp_sink::SmtpSink;

const MAILS: usize = 1_000;

#[tokio::main]
async fn main() {
    let endpoint = std::env::var("HUB_BENCH_DB").unwrap_or_else(|_| "mem://".into());
    let config = Config::from_lookup(|k| match k {
        "HUB_DB" => Some(endpoint.clone()),
        _ => None,
    })
    .unwrap();
    let state = server::start_database(&config).await.unwrap();
    let sink = SmtpSink::start().await;

    let queued = Instant::now();
    for batch in 0..(MAILS / 100) {
        app::db::transact(&state, |tx| async move {
            for i in 0..100 {
                let n = batch * 100 + i;
                let recipient = Recipient {
                    email: format!("officer{n}@agency.example"),
                    name: format!("Officer {n}"),
                    language: "en".into(),
                };
                let mail = Outgoing {
                    record_table: "user",
                    record_key: "bench",
                    recipient: &recipient,
                    content: MailContent::PasswordReset {
                        name: recipient.name.clone(),
                        link: "http://hub.test/r".into(),
                        valid_hours: 1,
                    },
                    link_path: "/r".into(),
                    secret: None,
                    not_before: None,
                };
                outbox::enqueue(&tx, "http://hub.test", mail).await?;
            }
            Ok(())
        })
        .await
        .unwrap();
    }
    let queue_time = queued.elapsed();

    let mut settings = WorkerSettings::new("Secondment Hub <no-reply@hub.test>".parse().unwrap(), "hub.test");
    settings.poll_every = Duration::from_millis(20);
    let worker = Worker::new(state.clone(), transport(&sink.url(), 8).unwrap(), settings);
    let started = Instant::now();
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(worker.run(async move {
        let _ = stopped.changed().await;
    }));
    while sink.count() < MAILS {
        if started.elapsed() > Duration::from_secs(120) {
            panic!("only {} of {MAILS} mails arrived in 120 s", sink.count());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let elapsed = started.elapsed();
    let _ = stop.send(true);
    let _ = task.await;
    println!("database: {endpoint}");
    println!("queued {MAILS} notifications in {:.2} s", queue_time.as_secs_f64());
    println!(
        "delivered {MAILS} mails over SMTP in {:.2} s: {:.0} mails/s (target: {MAILS} in 10 s or less)",
        elapsed.as_secs_f64(),
        MAILS as f64 / elapsed.as_secs_f64()
    );
}
