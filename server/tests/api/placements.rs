//! Placements in motion, with a set office clock: the scheduler's start and end (once, even with
//! two runs at once, and catching up after downtime), a coordinator's extensions and early ends
//! with their history and e-mails, overlaps, and bad input refused at the field.

use chrono::NaiveDate;
use reqwest::StatusCode;

use crate::common::{error_json, TestApp};
use app::placements::scheduler;

/// The app with the demo data but without its placements and their reports, so that the
/// scheduler's counts are this test's own.
pub(crate) async fn start() -> TestApp {
    let app = TestApp::start().await;
    app.state
        .db
        .query(
            "DELETE placement; DELETE placement_event; DELETE report; DELETE report_event; DELETE report_version;
             DELETE report_cycle WHERE placement != NONE;",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
    app
}

pub(crate) fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A planned placement of `email` from `start` to `end` between two demo agencies. Its
/// nomination is only a link here: the placement's own fields are what these tests exercise.
pub(crate) async fn placement(app: &TestApp, email: &str, start: &str, end: &str) -> String {
    let agencies =
        app.rows("SELECT VALUE id FROM agency WHERE sends = true OR hosts = true ORDER BY name_key LIMIT 2").await;
    let (sending, host) = (agencies[0].as_str().unwrap(), agencies[1].as_str().unwrap());
    let key = app::db::new_key();
    app.state
        .db
        .query(format!(
            "CREATE placement:{key} SET nomination = nomination:n{key}, state = 'planned', officer_name = 'Officer {key}',
                officer_email = $email, sending_agency = {sending}, host_agency = {host}, supervisor_name = 'Sup',
                supervisor_email = 'sup@host.example', start_date = $start, end_date = $end, original_end = $end,
                objectives = 'Work', themes = [], created_at = time::now()"
        ))
        .bind(("email", email.to_string()))
        .bind(("start", start.to_string()))
        .bind(("end", end.to_string()))
        .await
        .unwrap()
        .check()
        .unwrap();
    key
}

async fn state_of(app: &TestApp, key: &str) -> String {
    app.first_key(&format!("SELECT VALUE state FROM placement:{key}")).await
}

pub(crate) async fn events(app: &TestApp, key: &str) -> Vec<String> {
    let rows = app
        .rows(&format!("SELECT VALUE kind FROM placement_event WHERE placement = placement:{key} ORDER BY at"))
        .await;
    rows.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn placements_start_on_their_day_and_complete_the_day_after_their_end() {
    let app = start().await;
    let key = placement(&app, "officer.a@agency.example", "2027-03-15", "2027-03-20").await;
    app.state.clock.set_today(day("2027-03-14"));
    let moves = scheduler::run(&app.state).await.unwrap();
    assert_eq!(moves.started, 0);
    app.state.clock.set_today(day("2027-03-15"));
    assert_eq!(scheduler::run(&app.state).await.unwrap().started, 1);
    assert_eq!(state_of(&app, &key).await, "active");
    let actual = app.first_key(&format!("SELECT VALUE actual_start FROM placement:{key}")).await;
    assert_eq!(actual, "2027-03-15");
    app.state.clock.set_today(day("2027-03-20"));
    assert_eq!(scheduler::run(&app.state).await.unwrap().completed, 0, "the end day is still worked");
    app.state.clock.set_today(day("2027-03-21"));
    assert_eq!(scheduler::run(&app.state).await.unwrap().completed, 1);
    assert_eq!(state_of(&app, &key).await, "completed");
    assert_eq!(events(&app, &key).await, vec!["started", "completed"]);
}

#[tokio::test]
async fn after_three_days_off_the_scheduler_catches_up_once() {
    let app = start().await;
    let short = placement(&app, "officer.b@agency.example", "2027-05-01", "2027-05-02").await;
    let long = placement(&app, "officer.c@agency.example", "2027-05-01", "2027-12-31").await;
    app.state.clock.set_today(day("2027-05-05"));
    let moves = scheduler::run(&app.state).await.unwrap();
    assert_eq!((moves.started, moves.completed), (2, 1));
    assert_eq!(state_of(&app, &short).await, "completed");
    assert_eq!(state_of(&app, &long).await, "active");
    assert_eq!(scheduler::run(&app.state).await.unwrap(), scheduler::Moves::default(), "nothing twice");
    assert_eq!(events(&app, &short).await, vec!["started", "completed"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_schedulers_on_one_database_make_each_move_once() {
    let app = start().await;
    let mut keys = Vec::new();
    for i in 0..6 {
        keys.push(placement(&app, &format!("officer.p{i}@agency.example"), "2027-06-01", "2027-12-31").await);
    }
    app.state.clock.set_today(day("2027-06-01"));
    let (a, b) = tokio::join!(scheduler::run(&app.state), scheduler::run(&app.state));
    assert_eq!(a.unwrap().started + b.unwrap().started, 6);
    let started = app.rows("RETURN count(SELECT id FROM placement_event WHERE kind = 'started')").await;
    assert_eq!(started, serde_json::json!(6), "one event per placement");
}

#[tokio::test]
async fn a_coordinator_extends_twice_and_ends_early_later_with_mail_to_both_agencies() {
    let app = start().await;
    let key = placement(&app, "officer.d@agency.example", "2027-01-31", "2027-02-28").await;
    app.state.clock.set_today(day("2027-02-01"));
    scheduler::run(&app.state).await.unwrap();
    let coordinator = app.login_as("coordinator").await;
    for new_end in ["2027-03-31", "2028-02-29"] {
        let form = [("id", key.as_str()), ("new_end", new_end), ("reason", "The host asked for more time.")];
        let response = app.post(&coordinator, "/api/placements/extend", &form).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    }
    let dates = app.rows(&format!("SELECT end_date, original_end FROM placement:{key}")).await;
    assert_eq!(dates[0]["end_date"], "2028-02-29");
    assert_eq!(dates[0]["original_end"], "2027-02-28", "never overwritten");
    let mails = app.rows("RETURN count(SELECT id FROM notification WHERE event = 'placement_extended')").await;
    assert!(mails.as_i64().unwrap() >= 2, "both extensions told the agencies: {mails}");

    // An early end in the future stays pending until the scheduler ends it the day after.
    let form = [("id", key.as_str()), ("last_day", "2027-06-30"), ("reason", "Recalled by the ministry.")];
    assert_eq!(app.post(&coordinator, "/api/placements/end-early", &form).await.status(), StatusCode::OK);
    assert_eq!(state_of(&app, &key).await, "active");
    app.state.clock.set_today(day("2027-07-01"));
    assert_eq!(scheduler::run(&app.state).await.unwrap().terminated, 1);
    assert_eq!(state_of(&app, &key).await, "terminated");
    assert_eq!(events(&app, &key).await, vec!["started", "extended", "extended", "early_end", "ended_early"]);
    let audited = app.rows(&format!("RETURN count(SELECT id FROM audit_event WHERE record_key = '{key}')")).await;
    assert_eq!(audited, serde_json::json!(5));
}

#[tokio::test]
async fn an_early_end_today_ends_it_now_and_overlaps_are_flagged_on_both() {
    let app = start().await;
    let first = placement(&app, "same.officer@agency.example", "2027-01-01", "2027-06-30").await;
    let second = placement(&app, "same.officer@agency.example", "2027-07-01", "2027-12-31").await;
    app.state.clock.set_today(day("2027-03-01"));
    scheduler::run(&app.state).await.unwrap();
    let coordinator = app.login_as("coordinator").await;
    let sql = format!("SELECT VALUE overlap FROM [placement:{first}, placement:{second}]");

    assert_eq!(app.rows(&sql).await, serde_json::json!([false, false]), "back to back");
    let form = [("id", first.as_str()), ("new_end", "2027-08-31"), ("reason", "More work.")];
    assert_eq!(app.post(&coordinator, "/api/placements/extend", &form).await.status(), StatusCode::OK);
    assert_eq!(app.rows(&sql).await, serde_json::json!([true, true]), "flagged, not blocked");
    let form = [("id", first.as_str()), ("last_day", "2027-03-01"), ("reason", "Ends today.")];
    assert_eq!(app.post(&coordinator, "/api/placements/end-early", &form).await.status(), StatusCode::OK);
    assert_eq!(state_of(&app, &first).await, "terminated");
    assert_eq!(app.rows(&sql).await, serde_json::json!([false, false]));
}

#[tokio::test]
async fn bad_moves_are_refused_at_the_field_and_change_nothing() {
    let app = start().await;
    let key = placement(&app, "officer.e@agency.example", "2027-01-01", "2027-06-30").await;
    app.state.clock.set_today(day("2027-02-01"));
    scheduler::run(&app.state).await.unwrap();
    let coordinator = app.login_as("coordinator").await;
    // (endpoint, fields, the field the message belongs to)
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 5] = [
        ("/api/placements/extend", &[("new_end", "2026-02-30"), ("reason", "x")], "new_end"),
        ("/api/placements/extend", &[("new_end", "2027-06-30"), ("reason", "x")], "new_end"),
        ("/api/placements/extend", &[("new_end", "2027-08-31"), ("reason", "  ")], "reason"),
        ("/api/placements/end-early", &[("last_day", "2026-12-31"), ("reason", "x")], "last_day"),
        ("/api/placements/end-early", &[("last_day", "2027-07-15"), ("reason", "x")], "last_day"),
    ];
    for (path, extra, field) in cases {
        let mut form = vec![("id", key.as_str())];
        form.extend_from_slice(extra);
        let response = app.post(&coordinator, path, &form).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path} {extra:?}");
        assert_eq!(error_json(response).await["Invalid"]["errors"][0]["field"], field, "{path} {extra:?}");
    }
    assert!(events(&app, &key).await == vec!["started"], "nothing saved");
    // A started placement is not cancelled; a closed one is not changed.
    let cancel = [("id", key.as_str()), ("reason", "x")];
    assert_eq!(app.post(&coordinator, "/api/placements/cancel", &cancel).await.status(), StatusCode::CONFLICT);
    app.state.clock.set_today(day("2027-07-01"));
    scheduler::run(&app.state).await.unwrap();
    // (A session lasts 12 hours: the clock moved months, so sign in again.)
    let coordinator = app.login_as("coordinator").await;
    let late = [("id", key.as_str()), ("new_end", "2027-12-31"), ("reason", "x")];
    let response = app.post(&coordinator, "/api/placements/extend", &late).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(error_json(response).await.to_string().contains("completed placement cannot be changed"));
    // Only coordinators move placements.
    let nominator = app.login_as("nominator").await;
    assert_eq!(app.post(&nominator, "/api/placements/extend", &late).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_list_shows_each_reader_their_own_placements_and_exports_them() {
    let app = start().await;
    let ours = placement(&app, "officer.f@agency.example", "2027-01-01", "2027-06-30").await;
    let hosted = placement(&app, "officer.g@agency.example", "2027-02-01", "2027-07-31").await;
    let agency_of = |email: &str| format!("SELECT VALUE agency FROM ONLY user WHERE email = '{email}' LIMIT 1");
    let (nominator_agency, host_agency) = (
        app.rows(&agency_of("nominator@demo.hub")).await.as_str().unwrap().to_string(),
        app.rows(&agency_of("host@demo.hub")).await.as_str().unwrap().to_string(),
    );
    app.state
        .db
        .query(format!(
            "UPDATE placement:{ours} SET sending_agency = {nominator_agency}, host_agency = {host_agency};
             UPDATE placement:{hosted} SET host_agency = {host_agency}, sending_agency = (SELECT VALUE id FROM agency WHERE id != {nominator_agency} LIMIT 1)[0];"
        ))
        .await
        .unwrap()
        .check()
        .unwrap();
    let total = |role: &'static str| {
        let app = &app;
        async move {
            let client = app.login_as(role).await;
            let response = app.post(&client, "/api/placements/list", &[]).await;
            assert_eq!(response.status(), StatusCode::OK, "{role}");
            response.json::<serde_json::Value>().await.unwrap()["page"]["total"].as_u64().unwrap()
        }
    };
    assert_eq!(total("coordinator").await, 2);
    assert_eq!(total("nominator").await, 1, "their agency's only");
    assert_eq!(total("host").await, 2, "both are hosted by their agency");
    assert_eq!(total("donor").await, 0, "a donor sees only the placements its agreements fund");

    let coordinator = app.login_as("coordinator").await;
    let csv = coordinator.get(app.url("/export/placements.csv?sort=start")).send().await.unwrap().text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "reference,officer,sending_agency,host_agency,state,planned_start,actual_start,original_end,current_end,early_end,extensions,overlap"
    );
    assert_eq!(lines.count(), 2);
    let overlapping = app.post(&coordinator, "/api/placements/list", &[("kind", "overlap")]).await;
    assert_eq!(overlapping.json::<serde_json::Value>().await.unwrap()["page"]["total"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_extensions_at_once_are_both_in_the_history_or_one_is_refused() {
    let app = start().await;
    let key = placement(&app, "officer.r@agency.example", "2027-01-31", "2027-02-28").await;
    app.state.clock.set_today(day("2027-02-01"));
    scheduler::run(&app.state).await.unwrap();
    let coordinator = app.login_as("coordinator").await;
    let ends = ["2027-04-30", "2027-05-31"];
    let answers = app
        .race(2, |i| {
            let form = [("id", key.as_str()), ("new_end", ends[i]), ("reason", "The host asked for more time.")];
            app.posting(&coordinator, "/api/placements/extend", &form)
        })
        .await;
    // The later extension applied after the earlier one, or refused: the shorter one, seen after
    // the longer, is no longer an extension ("after the current end", at its field).
    for (status, body) in &answers {
        assert!([StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY].contains(status), "{status}: {body}");
    }
    let granted = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert!(granted >= 1, "at least one lands: {answers:?}");
    // The history is one chain from the original end: each extension starts where the one
    // before ended, and the placement ends where the last one did. A lost update breaks it.
    let history = app
        .rows(&format!(
            "SELECT old_end, new_end FROM placement_event WHERE placement = placement:{key} AND kind = 'extended' ORDER BY at"
        ))
        .await;
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), granted, "one history line per extension granted: {history:?}");
    let mut end = "2027-02-28".to_string();
    for line in history {
        assert_eq!(line["old_end"], end.as_str(), "{history:?}");
        end = line["new_end"].as_str().unwrap().to_string();
    }
    let row = app.rows(&format!("SELECT end_date, original_end, extensions FROM placement:{key}")).await;
    assert_eq!(row[0]["end_date"], end.as_str(), "{row}");
    assert_eq!(row[0]["original_end"], "2027-02-28");
    assert_eq!(row[0]["extensions"], serde_json::json!(granted), "no extension lost: {row}");
}
