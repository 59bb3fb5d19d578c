//! Reminders with a set office clock: "starts in 14 days" and "ends in 30 days" go to both
//! agencies once, at 08:00 where each agency is; an extension re-arms the end reminder; a window
//! already open when the dates were set sends nothing; two schedulers send each once; the lease
//! on the daily work is held by one server at a time.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;

use crate::common::TestApp;
use crate::mail::{deliver_until, worker};
use crate::placements::{day, placement, start};
use crate::support::smtp_sink::SmtpSink;
use app::placements::scheduler;

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

/// Moves the office clock to an exact instant.
fn set_now(app: &TestApp, text: &str) {
    app.state.clock.advance(instant(text) - app.state.clock.now());
}

/// (recipient, when it may be sent) of the queued mails of `event`, by recipient.
async fn queued(app: &TestApp, event: &str) -> Vec<(String, DateTime<Utc>)> {
    let rows = app
        .rows(&format!(
            "SELECT recipient_email, next_attempt_at FROM notification WHERE event = '{event}' ORDER BY recipient_email"
        ))
        .await;
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let at = DateTime::parse_from_rfc3339(r["next_attempt_at"].as_str().unwrap()).unwrap();
            (r["recipient_email"].as_str().unwrap().to_string(), at.with_timezone(&Utc))
        })
        .collect()
}

/// The notification contacts of the placement's sending or host agency.
async fn contacts(app: &TestApp, key: &str, side: &str) -> Vec<String> {
    let rows = app
        .rows(&format!(
            "SELECT VALUE email FROM contact WHERE agency = (SELECT VALUE {side} FROM ONLY placement:{key}) ORDER BY email"
        ))
        .await;
    rows.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_start_reminder_goes_once_at_eight_in_the_morning_where_each_agency_is() {
    let app = start().await;
    let key = placement(&app, "officer.r@agency.example", "2027-03-15", "2027-09-14").await;
    app.state
        .db
        .query(format!("UPDATE (SELECT VALUE sending_agency FROM ONLY placement:{key}) SET time_zone = 'Pacific/Fiji'"))
        .await
        .unwrap()
        .check()
        .unwrap();
    let (sending, host) = (contacts(&app, &key, "sending_agency").await, contacts(&app, &key, "host_agency").await);
    assert!(!sending.is_empty() && !host.is_empty());

    // 00:05 in Bangkok on 28 February: 15 days before the start, nothing yet.
    set_now(&app, "2027-02-27T17:05:00Z");
    assert_eq!(scheduler::run(&app.state).await.unwrap().reminded, 0);
    // 00:05 in Bangkok on 1 March: the window opens.
    set_now(&app, "2027-02-28T17:05:00Z");
    assert_eq!(scheduler::run(&app.state).await.unwrap().reminded, 1);
    let mut expected: Vec<(String, DateTime<Utc>)> = Vec::new();
    // Fiji (UTC+12) is at 05:05 on 1 March: 08:00 there is 20:00 UTC; Bangkok's 08:00 is 01:00 UTC.
    expected.extend(sending.iter().map(|e| (e.clone(), instant("2027-02-28T20:00:00Z"))));
    expected.extend(host.iter().map(|e| (e.clone(), instant("2027-03-01T01:00:00Z"))));
    expected.sort();
    assert_eq!(queued(&app, "placement_starts_soon").await, expected);
    let body = app.rows("SELECT VALUE text_body FROM notification WHERE event = 'placement_starts_soon'").await;
    assert!(body[0].as_str().unwrap().contains("First day: 2027-03-15"), "{body}");

    // Later runs, the same day and the next, send nothing more.
    assert_eq!(scheduler::run(&app.state).await.unwrap().reminded, 0);
    app.state.clock.advance(chrono::Duration::days(1));
    assert_eq!(scheduler::run(&app.state).await.unwrap().reminded, 0);
    assert_eq!(queued(&app, "placement_starts_soon").await.len(), expected.len());

    // The worker sends nothing before 08:00 where the recipient is. (The demo's open calls
    // closed on the way there: their summaries to the coordinators are another test's.)
    app.rows("UPDATE notification SET state = 'sent' WHERE event = 'call_closed'").await;
    let sink = SmtpSink::start().await;
    let worker = worker(&app, &sink.url());
    set_now(&app, "2027-02-28T19:59:00Z");
    worker.pass().await.unwrap();
    assert_eq!(sink.count(), 0);
    set_now(&app, "2027-02-28T20:00:30Z");
    deliver_until(&worker, || sink.count() == sending.len()).await;
    let mut to: Vec<String> =
        sink.received().iter().flat_map(|m| m.to.iter().map(|t| t.trim_matches(['<', '>']).to_string())).collect();
    to.sort();
    assert_eq!(to, sending, "only Fiji's contacts at 08:00 in Fiji");
}

#[tokio::test]
async fn an_extension_rearms_the_end_reminder_and_a_window_already_open_sends_nothing() {
    let app = start().await;
    let key = placement(&app, "officer.s@agency.example", "2027-01-01", "2027-04-30").await;
    app.state.clock.set_today(day("2027-01-01"));
    scheduler::run(&app.state).await.unwrap();
    app.state.clock.set_today(day("2027-03-31"));
    assert_eq!(scheduler::run(&app.state).await.unwrap().reminded, 1, "30 days before 30 April");
    let per_reminder = queued(&app, "placement_ends_soon").await.len();

    // Extended on 2 April to 30 June: the new end's window opens on 31 May.
    app.state.clock.set_today(day("2027-04-02"));
    let coordinator = app.login_as("coordinator").await;
    let form = [("id", key.as_str()), ("new_end", "2027-06-30"), ("reason", "More work.")];
    assert_eq!(app.post(&coordinator, "/api/placements/extend", &form).await.status(), StatusCode::OK);
    assert_eq!(scheduler::run(&app.state).await.unwrap().reminded, 0);
    app.state.clock.set_today(day("2027-05-31"));
    assert_eq!(scheduler::run(&app.state).await.unwrap().reminded, 1, "re-armed for 30 June");
    assert_eq!(queued(&app, "placement_ends_soon").await.len(), 2 * per_reminder);

    // Extended again on 20 June to 10 July: that window opened on 10 June, before the extension.
    app.state.clock.set_today(day("2027-06-20"));
    let coordinator = app.login_as("coordinator").await;
    let form = [("id", key.as_str()), ("new_end", "2027-07-10"), ("reason", "Handover.")];
    assert_eq!(app.post(&coordinator, "/api/placements/extend", &form).await.status(), StatusCode::OK);
    for today in ["2027-06-20", "2027-06-21", "2027-07-09"] {
        app.state.clock.set_today(day(today));
        assert_eq!(scheduler::run(&app.state).await.unwrap().reminded, 0, "{today}");
    }
    assert_eq!(queued(&app, "placement_ends_soon").await.len(), 2 * per_reminder);
}

#[tokio::test]
async fn a_placement_approved_inside_the_window_gets_no_start_reminder() {
    let app = start().await;
    let key = placement(&app, "officer.t@agency.example", "2027-03-15", "2027-12-31").await;
    app.state.db.query(format!("UPDATE placement:{key} SET reminders_from = '2027-03-05'")).await.unwrap();
    for today in ["2027-03-05", "2027-03-06", "2027-03-14"] {
        app.state.clock.set_today(day(today));
        assert_eq!(scheduler::run(&app.state).await.unwrap().reminded, 0, "{today}");
    }
    assert!(queued(&app, "placement_starts_soon").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_schedulers_send_each_reminder_once_and_one_holds_the_lease() {
    let app = start().await;
    let mut keys = Vec::new();
    for i in 0..5 {
        keys.push(placement(&app, &format!("officer.q{i}@agency.example"), "2027-08-10", "2028-01-31").await);
    }
    app.state.clock.set_today(day("2027-07-30"));
    let (a, b) = tokio::join!(scheduler::run(&app.state), scheduler::run(&app.state));
    assert_eq!(a.unwrap().reminded + b.unwrap().reminded, 5);
    let jobs = app.rows("RETURN count(SELECT id FROM scheduled_job WHERE kind = 'starts_soon')").await;
    assert_eq!(jobs, serde_json::json!(5));
    let per_placement = queued(&app, "placement_starts_soon").await.len() / 5;
    assert!(per_placement >= 2, "both agencies' contacts");
    assert_eq!(queued(&app, "placement_starts_soon").await.len(), 5 * per_placement);

    // The lease: the first server takes it, the second waits until it runs out.
    assert!(scheduler::take_lease(&app.state, "server-a").await.unwrap());
    assert!(!scheduler::take_lease(&app.state, "server-b").await.unwrap());
    assert!(scheduler::take_lease(&app.state, "server-a").await.unwrap(), "renewed by its holder");
    app.state.clock.advance(chrono::Duration::minutes(11));
    assert!(scheduler::take_lease(&app.state, "server-b").await.unwrap(), "taken over once it ran out");
}
