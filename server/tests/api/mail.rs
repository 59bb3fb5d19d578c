//! E-mail: the outbox, the delivery worker against a real SMTP server on loopback, invitations
//! and password resets.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use app::db::{self, v};
use app::error::AppError;
use app::notifications::outbox::{self, Outgoing};
use app::notifications::recipients::Recipient;
use app::notifications::rules::RetryPolicy;
use app::notifications::templates::MailContent;
use app::notifications::worker::{transport, Worker, WorkerSettings};
use reqwest::StatusCode;

use crate::common::{error_json, TestApp};
use crate::support::smtp_sink::{Mode, SmtpSink};

/// A worker with test timings: retries after 50 ms, polls every 50 ms.
pub(crate) fn worker(app: &TestApp, smtp_url: &str) -> Arc<Worker> {
    let mut settings = WorkerSettings::new("Secondment Hub <no-reply@hub.test>".parse().unwrap(), "hub.test");
    settings.policy =
        RetryPolicy { base: Duration::from_millis(50), max_delay: Duration::from_millis(200), max_attempts: 8 };
    settings.poll_every = Duration::from_millis(50);
    Worker::new(app.state.clone(), transport(smtp_url, 4).unwrap(), settings)
}

/// Runs passes until `done` holds or ten seconds pass.
pub(crate) async fn deliver_until(worker: &Arc<Worker>, done: impl Fn() -> bool) {
    for _ in 0..200 {
        worker.pass().await.unwrap();
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("mail was not delivered in time");
}

async fn create_user(app: &TestApp, admin: &reqwest::Client, email: &str) -> String {
    let response = app
        .post(admin, "/api/users/save", &[("email", email), ("name", "Invited Officer"), ("role", "secondee")])
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    app.rows(&format!("SELECT VALUE record::id(id) FROM user WHERE email = '{email}'")).await[0]
        .as_str()
        .unwrap()
        .to_string()
}

async fn notification_states(app: &TestApp) -> Vec<String> {
    let rows = app.rows("SELECT VALUE state FROM notification ORDER BY state").await;
    rows.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn an_invitation_arrives_with_both_parts_and_a_working_link() {
    let app = TestApp::start().await;
    let sink = SmtpSink::start().await;
    let admin = app.login_as("admin").await;
    create_user(&app, &admin, "new.officer@immigration.example").await;
    // Stored mail holds no token in clear.
    let stored = app.rows("SELECT VALUE text_body FROM notification").await.to_string();
    assert!(stored.contains(outbox::SECRET_PLACEHOLDER));

    let worker = worker(&app, &sink.url());
    deliver_until(&worker, || sink.count() == 1).await;
    let mail = &sink.received()[0];
    assert_eq!(mail.to, vec!["<new.officer@immigration.example>"]);
    assert_eq!(mail.header("Subject").as_deref(), Some("You are invited to Secondment Hub"));
    assert!(mail.header("Message-ID").unwrap().ends_with("@hub.test>"));
    let parts = mime::parts(&mail.data);
    let text = parts.iter().find(|(t, _)| t.starts_with("text/plain")).expect("a plain-text part").1.clone();
    let html = parts.iter().find(|(t, _)| t.starts_with("text/html")).expect("an HTML part").1.clone();
    let link = mime::find_link(&text, "/account/welcome?token=").expect("a link in the text part");
    assert!(html.contains(&link), "the same link in the HTML part");
    assert!(link.starts_with(&app.base), "{link}");
    // Sent: the secret is erased from the outbox.
    assert_eq!(app.rows("SELECT VALUE secret FROM notification").await, serde_json::json!([null]));

    // Following the link sets a password and signs in.
    let browser = app.client();
    let page = app.browser().get(&link).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let token = link.split("token=").nth(1).unwrap();
    let set = app
        .post(
            &browser,
            "/api/invitation/accept",
            &[
                ("token", token),
                ("new_password", "harbour lights at dawn"),
                ("confirm_password", "harbour lights at dawn"),
            ],
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(app.post(&browser, "/api/home", &[]).await.status(), StatusCode::OK, "signed in");
    app.login("new.officer@immigration.example", "harbour lights at dawn").await;
    // Single use.
    let again = app
        .post(
            &app.client(),
            "/api/invitation/accept",
            &[
                ("token", token),
                ("new_password", "another passphrase here"),
                ("confirm_password", "another passphrase here"),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn with_the_smtp_server_down_mail_waits_and_is_delivered_once_when_it_is_back() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let sink = SmtpSink::start_down().await;
    let worker = worker(&app, &sink.url());
    for i in 0..5 {
        create_user(&app, &admin, &format!("queued{i}@agency.example")).await;
    }
    worker.pass().await.unwrap();
    assert_eq!(notification_states(&app).await, vec!["pending"; 5], "still queued");
    let errors = app.rows("SELECT VALUE last_error FROM notification").await;
    assert!(errors.as_array().unwrap().iter().all(|e| e.is_string()), "the failure is recorded: {errors}");

    sink.come_up();
    deliver_until(&worker, || sink.count() >= 5).await;
    // More passes send nothing again.
    for _ in 0..3 {
        worker.pass().await.unwrap();
    }
    let received = sink.received();
    assert_eq!(received.len(), 5);
    let ids: HashSet<String> = received.iter().map(|m| m.header("Message-ID").unwrap()).collect();
    assert_eq!(ids.len(), 5, "five different mails");
    assert_eq!(notification_states(&app).await, vec!["sent"; 5]);
}

#[tokio::test]
async fn a_550_fails_the_mail_after_one_try_and_the_mail_log_shows_it() {
    let app = TestApp::start().await;
    let sink = SmtpSink::start().await;
    sink.set_mode(Mode::RejectRecipients);
    let admin = app.login_as("admin").await;
    create_user(&app, &admin, "nobody@nowhere.example").await;
    let worker = worker(&app, &sink.url());
    worker.pass().await.unwrap();
    let row = app.rows("SELECT state, attempts, last_error, record::id(id) AS id FROM notification").await;
    assert_eq!(row[0]["state"], "failed");
    assert_eq!(row[0]["attempts"], 1);
    assert!(row[0]["last_error"].as_str().unwrap().contains("550"));

    let coordinator = app.login_as("coordinator").await;
    let log: serde_json::Value =
        app.post(&coordinator, "/api/mail/list", &[("status", "failed")]).await.json().await.unwrap();
    assert_eq!(log["page"]["total"], 1);
    assert!(log["page"]["items"][0]["last_error"].as_str().unwrap().contains("550"));
    let csv = coordinator.get(app.url("/export/mail.csv?status=failed")).send().await.unwrap().text().await.unwrap();
    assert!(csv.contains("nobody@nowhere.example") && csv.contains("failed"));

    // Resend: queued again for a fresh series of tries, and delivered once the server accepts.
    let id = row[0]["id"].as_str().unwrap().to_string();
    assert_eq!(app.post(&coordinator, "/api/mail/resend", &[("id", &id)]).await.status(), StatusCode::OK);
    assert_eq!(notification_states(&app).await, vec!["pending"]);
    let twice = app.post(&coordinator, "/api/mail/resend", &[("id", &id)]).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT, "only a failed mail is resent");
    sink.set_mode(Mode::Accept);
    deliver_until(&worker, || sink.count() == 1).await;
}

/// The plain-text part of a received mail.
fn text_of(mail: &crate::support::smtp_sink::Received) -> String {
    mime::parts(&mail.data).into_iter().find(|(t, _)| t.starts_with("text/plain")).expect("a plain-text part").1
}

/// The one notification's state, secret and key.
async fn the_mail(app: &TestApp) -> serde_json::Value {
    let rows = app.rows("SELECT state, secret, record::id(id) AS id FROM notification").await;
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    rows[0].clone()
}

async fn set_password(app: &TestApp, path: &str, token: &str) -> StatusCode {
    let form =
        [("token", token), ("new_password", "harbour lights at dawn"), ("confirm_password", "harbour lights at dawn")];
    app.post(&app.client(), path, &form).await.status()
}

#[tokio::test]
async fn l11_a_failed_invitation_keeps_no_token_and_goes_again_with_a_new_link() {
    let app = TestApp::start().await;
    let sink = SmtpSink::start().await;
    sink.set_mode(Mode::RejectRecipients);
    let admin = app.login_as("admin").await;
    let email = "unreachable.officer@immigration.example";
    let user = create_user(&app, &admin, email).await;
    let old_token = the_mail(&app).await["secret"].as_str().expect("a token until sent").to_string();
    let worker = worker(&app, &sink.url());
    worker.pass().await.unwrap();
    let mail = the_mail(&app).await;
    assert_eq!(mail["state"], "failed");
    assert_eq!(mail["secret"], serde_json::Value::Null, "a mail that will not go keeps no token");
    let id = mail["id"].as_str().unwrap().to_string();

    // Sent again to an address that is no longer the account's: refused, nothing changes.
    let save = |address: &str| {
        let form = [("id", user.as_str()), ("email", address), ("name", "Invited Officer"), ("role", "secondee")];
        app.posting(&admin, "/api/users/save", &form)
    };
    assert_eq!(save("moved.officer@immigration.example").await.0, StatusCode::OK);
    let coordinator = app.login_as("coordinator").await;
    let refused = app.post(&coordinator, "/api/mail/resend", &[("id", &id)]).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(error_json(refused).await.to_string().contains("address has changed"));
    assert_eq!(the_mail(&app).await["state"], "failed");
    assert_eq!(save(email).await.0, StatusCode::OK);

    // Sent again: with a new link, which works, while the old one does not.
    let resent = app.post(&coordinator, "/api/mail/resend", &[("id", &id)]).await;
    assert_eq!(resent.status(), StatusCode::OK, "{}", resent.text().await.unwrap());
    sink.set_mode(Mode::Accept);
    deliver_until(&worker, || sink.count() == 1).await;
    let link = mime::find_link(&text_of(&sink.received()[0]), "/account/welcome?token=").expect("a link");
    let token = link.split("token=").nth(1).unwrap();
    assert_ne!(token, old_token);
    assert_eq!(the_mail(&app).await["secret"], serde_json::Value::Null, "sent: erased");
    assert_eq!(set_password(&app, "/api/invitation/accept", &old_token).await, StatusCode::CONFLICT);
    assert_eq!(set_password(&app, "/api/invitation/accept", token).await, StatusCode::OK);
    app.login(email, "harbour lights at dawn").await;
}

#[tokio::test]
async fn l11_a_failed_reset_mail_keeps_no_token_and_goes_again_with_a_new_link() {
    let app = TestApp::start().await;
    let sink = SmtpSink::start().await;
    sink.set_mode(Mode::RejectRecipients);
    let worker = worker(&app, &sink.url());
    let asked = app.post(&app.client(), "/api/password/forgot", &[("email", "nominator@demo.hub")]).await;
    assert_eq!(asked.status(), StatusCode::OK);
    // The mail is queued after the answer, off the request path.
    for _ in 0..100 {
        if app.count("notification").await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worker.pass().await.unwrap();
    let mail = the_mail(&app).await;
    assert_eq!(mail["state"], "failed");
    assert_eq!(mail["secret"], serde_json::Value::Null, "a mail that will not go keeps no token");

    let coordinator = app.login_as("coordinator").await;
    let resent = app.post(&coordinator, "/api/mail/resend", &[("id", mail["id"].as_str().unwrap())]).await;
    assert_eq!(resent.status(), StatusCode::OK, "{}", resent.text().await.unwrap());
    sink.set_mode(Mode::Accept);
    deliver_until(&worker, || sink.count() == 1).await;
    let link = mime::find_link(&text_of(&sink.received()[0]), "/account/reset?token=").expect("a link");
    assert_eq!(set_password(&app, "/api/password/reset", link.split("token=").nth(1).unwrap()).await, StatusCode::OK);
    app.login("nominator@demo.hub", "harbour lights at dawn").await;
}

/// Queues `n` password-reset mails, one per officer, in one transaction.
async fn queue_bulk(app: &TestApp, n: usize) {
    db::transact(&app.state, |tx| async move {
        for i in 0..n {
            let recipient = Recipient {
                email: format!("officer{i}@agency.example"),
                name: format!("Officer {i}"),
                language: "en".into(),
            };
            let mail = Outgoing {
                record_table: "user",
                record_key: "bulk",
                recipient: &recipient,
                content: MailContent::PasswordReset {
                    name: recipient.name.clone(),
                    link: "http://hub.test/x".into(),
                    valid_hours: 1,
                },
                link_path: "/x".into(),
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

#[tokio::test]
async fn two_workers_deliver_200_mails_exactly_once() {
    let app = TestApp::start().await;
    let sink = SmtpSink::start().await;
    queue_bulk(&app, 200).await;

    let (a, b) = (worker(&app, &sink.url()), worker(&app, &sink.url()));
    let run = |w: Arc<Worker>| {
        tokio::spawn(async move {
            for _ in 0..100 {
                w.pass().await.unwrap();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let (ta, tb) = (run(a), run(b));
    for _ in 0..300 {
        if sink.count() >= 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ta.await.unwrap();
    tb.await.unwrap();
    let received = sink.received();
    let recipients: HashSet<&Vec<String>> = received.iter().map(|m| &m.to).collect();
    assert_eq!(received.len(), 200, "each mail once");
    assert_eq!(recipients.len(), 200);
    assert_eq!(notification_states(&app).await, vec!["sent"; 200]);
}

#[tokio::test]
async fn a_change_that_rolls_back_queues_nothing_and_enqueueing_twice_queues_once() {
    let app = TestApp::start().await;
    let recipient = Recipient { email: "jane@agency.example".into(), name: "Jane".into(), language: "en".into() };
    let mail = || Outgoing {
        record_table: "user",
        record_key: "jane",
        recipient: &recipient,
        content: MailContent::PasswordReset { name: "Jane".into(), link: "http://hub.test/r".into(), valid_hours: 1 },
        link_path: "/r".into(),
        secret: None,
        not_before: None,
    };
    let mail = &mail;
    let result: Result<(), AppError> = db::transact(&app.state, |tx| async move {
        outbox::enqueue(&tx, "http://hub.test", mail()).await?;
        tx.run("CREATE member SET name = '', name_key = '', kind = $kind", vec![("kind", v("planet".to_string()))])
            .await?;
        Ok(())
    })
    .await;
    assert!(result.is_err());
    assert_eq!(app.count("notification").await, 0, "rolled back with the change");

    db::transact(&app.state, |tx| async move {
        outbox::enqueue(&tx, "http://hub.test", mail()).await?;
        outbox::enqueue(&tx, "http://hub.test", mail()).await
    })
    .await
    .unwrap();
    db::transact(&app.state, |tx| async move { outbox::enqueue(&tx, "http://hub.test", mail()).await }).await.unwrap();
    assert_eq!(app.count("notification").await, 1, "one per (event, record, recipient)");
}

#[tokio::test]
async fn forgot_password_answers_alike_and_a_reset_ends_other_sessions() {
    let app = TestApp::start().await;
    let sink = SmtpSink::start().await;
    let worker = worker(&app, &sink.url());
    let elsewhere = app.login_as("nominator").await;

    let browser = app.browser();
    let mut answers = Vec::new();
    for email in ["nobody@unknown.example", "nominator@demo.hub"] {
        let response = browser
            .post(app.url("/api/password/forgot"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("referer", app.url("/account/forgot"))
            .body(crate::common::encode(&[("email", email)]))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let page = browser.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("If an account exists for that address"), "{email}");
        answers.push(location);
    }
    assert_eq!(answers[0], answers[1], "the same answer");
    // The mail is queued after the answer, off the request path.
    for _ in 0..100 {
        if app.count("notification").await >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(app.count("notification").await, 1, "only the real account gets mail");

    deliver_until(&worker, || sink.count() == 1).await;
    let mail = &sink.received()[0];
    assert_eq!(mail.to, vec!["<nominator@demo.hub>"]);
    let text = mime::parts(&mail.data).into_iter().find(|(t, _)| t.starts_with("text/plain")).unwrap().1;
    let link = mime::find_link(&text, "/account/reset?token=").unwrap();
    let token = link.split("token=").nth(1).unwrap();

    let weak = app
        .post(
            &app.client(),
            "/api/password/reset",
            &[("token", token), ("new_password", "nominator@demo.hub"), ("confirm_password", "nominator@demo.hub")],
        )
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY, "policy still applies");
    let client = app.client();
    let ok = app
        .post(
            &client,
            "/api/password/reset",
            &[("token", token), ("new_password", "a fresh start for me"), ("confirm_password", "a fresh start for me")],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK, "{}", ok.text().await.unwrap());
    assert_eq!(app.post(&elsewhere, "/api/home", &[]).await.status(), StatusCode::UNAUTHORIZED, "other sessions ended");
    assert_eq!(app.post(&client, "/api/home", &[]).await.status(), StatusCode::OK);
    let bad = app
        .post(
            &app.client(),
            "/api/password/reset",
            &[("token", "00"), ("new_password", "a fresh start for me"), ("confirm_password", "a fresh start for me")],
        )
        .await;
    assert!(error_json(bad).await.to_string().contains("expired or has already been used"));
    // Tokens are stored hashed.
    let keys = app.rows("SELECT VALUE record::id(id) FROM account_token").await.to_string();
    assert!(!keys.contains(token));
}

#[tokio::test]
async fn without_smtp_the_mail_log_says_mail_is_not_sent() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    create_user(&app, &admin, "waiting@agency.example").await;
    let page = admin.get(app.url("/mail")).header("accept", "text/html").send().await.unwrap().text().await.unwrap();
    assert!(page.contains("not sent: no SMTP configured"), "{page}");
    assert!(page.contains("waiting@agency.example"));
}

/// Just enough MIME to read the parts of a message.
mod mime {
    /// (content type, decoded body) of each leaf part.
    pub fn parts(message: &str) -> Vec<(String, String)> {
        let (headers, body) = message.split_once("\n\n").unwrap_or((message, ""));
        let headers = unfold(headers);
        let content_type = header(&headers, "content-type").unwrap_or_else(|| "text/plain".into());
        if let Some(boundary) = content_type.split("boundary=").nth(1) {
            let boundary = format!("--{}", boundary.trim_matches('"').split(';').next().unwrap());
            return body
                .split(&boundary)
                .skip(1)
                .filter(|p| !p.starts_with("--"))
                .flat_map(|p| parts(p.trim_start_matches('\n')))
                .collect();
        }
        let encoding = header(&headers, "content-transfer-encoding").unwrap_or_default().to_lowercase();
        let decoded = match encoding.as_str() {
            "quoted-printable" => quoted_printable(body),
            "base64" => String::from_utf8(base64(body)).unwrap(),
            _ => body.to_string(),
        };
        vec![(content_type, decoded)]
    }

    fn unfold(headers: &str) -> String {
        headers.replace("\n ", " ").replace("\n\t", " ")
    }

    fn header(headers: &str, name: &str) -> Option<String> {
        headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().to_string())
        })
    }

    fn quoted_printable(text: &str) -> String {
        let joined = text.replace("=\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                    out.push(b);
                    i += 3;
                    continue;
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    fn base64(text: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        let (mut acc, mut bits) = (0u32, 0);
        for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
            let Some(value) = ALPHABET.iter().position(|a| *a == c) else { continue };
            acc = (acc << 6) | value as u32;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        out
    }

    /// The first URL in `text` that contains `needle`.
    pub fn find_link(text: &str, needle: &str) -> Option<String> {
        text.split_whitespace()
            .find(|w| w.contains(needle) && w.starts_with("http"))
            .map(|w| w.trim_end_matches(['.', ',']).to_string())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn through_outages_and_killed_workers_every_mail_arrives_and_a_repeat_keeps_its_message_id() {
    use rand::{Rng, SeedableRng};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    const MAILS: usize = 300;
    let app = TestApp::start().await;
    queue_bulk(&app, MAILS).await;
    let sink = SmtpSink::start_down().await;
    // Patient retries (an outage is not a reason to give up) and a short lease, so that a
    // killed worker's claim is taken over within the test.
    let worker = || {
        let mut settings = WorkerSettings::new("Secondment Hub <no-reply@hub.test>".parse().unwrap(), "hub.test");
        settings.policy = RetryPolicy {
            base: Duration::from_millis(20),
            max_delay: Duration::from_millis(100),
            max_attempts: 100_000,
        };
        settings.lease = Duration::from_millis(400);
        Worker::new(app.state.clone(), transport(&sink.url(), 4).unwrap(), settings)
    };
    let stop = Arc::new(AtomicBool::new(false));
    // Two workers that keep running, as two server processes would.
    let mut steady = Vec::new();
    for w in [worker(), worker()] {
        let stop = stop.clone();
        steady.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let _ = w.pass().await;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }));
    }
    // A third that is killed at random moments (its task dropped wherever it is: before a send,
    // mid-send, or between the send and its record) and started again.
    let kills = Arc::new(AtomicUsize::new(0));
    let killer = {
        let (stop, kills, w) = (stop.clone(), kills.clone(), worker());
        tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(7);
            while !stop.load(Ordering::Relaxed) {
                let w = w.clone();
                let running = tokio::spawn(async move {
                    loop {
                        let _ = w.pass().await;
                    }
                });
                tokio::time::sleep(Duration::from_millis(rng.random_range(5..80))).await;
                running.abort();
                let _ = running.await;
                kills.fetch_add(1, Ordering::Relaxed);
            }
        })
    };

    // Down at first; up; down again once a third has gone; up again until everything is sent.
    tokio::time::sleep(Duration::from_millis(600)).await;
    sink.come_up();
    for _ in 0..3000 {
        if sink.count() >= MAILS / 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    sink.go_down();
    tokio::time::sleep(Duration::from_millis(600)).await;
    sink.come_up();
    let sent = || async { app.rows("RETURN count(SELECT id FROM notification WHERE state = 'sent')").await };
    // Patient, because on a loaded machine (the whole suite at once on two cores) a round of
    // sends can take far longer than alone; the loop ends as soon as everything is sent.
    for _ in 0..2400 {
        if sent().await == serde_json::json!(MAILS) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for task in steady {
        task.await.unwrap();
    }
    killer.await.unwrap();
    assert_eq!(sent().await, serde_json::json!(MAILS), "every queued mail was delivered");

    let received = sink.received();
    let mut per_id: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for mail in &received {
        *per_id.entry(mail.header("Message-ID").expect("a Message-ID")).or_default() += 1;
    }
    assert_eq!(per_id.len(), MAILS, "each mail arrived, under its own Message-ID");
    let repeats = received.len() - MAILS;
    let kills = kills.load(Ordering::Relaxed);
    // A repeat comes only from a worker killed after a send and before its record: it carries
    // the same Message-ID (counted above under one id). A kill cuts at most the sends it has in
    // flight, at most `concurrency` of them.
    let in_flight = WorkerSettings::new("x@hub.test".parse().unwrap(), "hub.test").concurrency;
    assert!(repeats <= kills * in_flight, "{repeats} repeats from {kills} kills");
    println!(
        "mail through faults: {MAILS} mails, {} deliveries, {repeats} repeated with the same Message-ID, {kills} worker kills, 2 outages",
        received.len()
    );
}
