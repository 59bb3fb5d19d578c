//! Reports with a set office clock: planned up front on approval; re-planned by an extension
//! and an early end as the brief says; written, submitted, returned, resubmitted, accepted and
//! shared, by their author only; reminders, the overdue notice and the escalation sent once
//! each, also with two schedulers at once; the list's overdue filter and its CSV.

use reqwest::StatusCode;

use crate::common::{error_json, TestApp};
use crate::placements::{day, placement, start};
use app::placements::scheduler;

/// A placement of the demo secondee with the programme's cycles attached, as approval does.
async fn placement_with_reports(app: &TestApp, start_date: &str, end_date: &str) -> String {
    let key = placement(app, "secondee@demo.hub", start_date, end_date).await;
    let id = app::db::rid("placement", &key);
    let days = app::domain::Period::new(day(start_date), day(end_date)).unwrap();
    let today = app.state.clock.today();
    let id = &id;
    app::db::transact(
        &app.state,
        |tx| async move { app::reports::planning::attach_defaults(&tx, id, days, today).await },
    )
    .await
    .unwrap();
    key
}

/// (kind, period start, period end, due date, state) of the placement's reports, in order.
async fn reports(app: &TestApp, key: &str) -> Vec<(String, String, String, String, String)> {
    let rows = app
        .rows(&format!(
            "SELECT kind, period_start, period_end, due_date, state FROM report WHERE placement = placement:{key}
             ORDER BY kind, period_start"
        ))
        .await;
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |f: &str| r[f].as_str().unwrap().to_string();
            (s("kind"), s("period_start"), s("period_end"), s("due_date"), s("state"))
        })
        .collect()
}

fn of_kind<'a>(
    all: &'a [(String, String, String, String, String)],
    kind: &str,
) -> Vec<&'a (String, String, String, String, String)> {
    all.iter().filter(|r| r.0 == kind).collect()
}

async fn report_key(app: &TestApp, placement: &str, kind: &str, period_start: &str) -> String {
    app.first_key(&format!(
        "SELECT VALUE record::id(id) FROM report WHERE placement = placement:{placement} AND kind = '{kind}'
         AND period_start = '{period_start}'"
    ))
    .await
}

async fn report_state(app: &TestApp, key: &str) -> String {
    app.first_key(&format!("SELECT VALUE state FROM report:{key}")).await
}

/// The author's form: a draft or a submission with these outcomes.
async fn save(app: &TestApp, client: &reqwest::Client, id: &str, intent: &str, outcomes: &str) -> reqwest::Response {
    let form = [("id", id), ("activities", "Joined the case reviews."), ("outcomes", outcomes), ("intent", intent)];
    app.post(client, "/api/reports/save", &form).await
}

#[tokio::test]
async fn approval_plans_every_report_up_front() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let nomination =
        app.first_key("SELECT VALUE record::id(id) FROM nomination WHERE officer_name = 'Tran Thi Mai'").await;
    let host =
        app.first_key("SELECT VALUE record::id(id) FROM agency WHERE name = 'Regional Support Office, Bangkok'").await;
    let approval = [
        ("id", nomination.as_str()),
        ("action", "approve"),
        ("host_agency", host.as_str()),
        ("supervisor_name", "Dr Malee Chai"),
        ("supervisor_email", "malee.chai@rso.example"),
        ("start_date", "2027-03-15"),
        ("end_date", "2027-09-14"),
    ];
    assert_eq!(app.post(&coordinator, "/api/nominations/act", &approval).await.status(), StatusCode::OK);
    let placement = app
        .first_key(&format!("SELECT VALUE record::id(id) FROM placement WHERE nomination = nomination:{nomination}"))
        .await;
    let all = reports(&app, &placement).await;
    let monthly = of_kind(&all, "secondee_monthly");
    assert_eq!(monthly.len(), 7, "15–31 March, April … August, 1–14 September");
    assert_eq!(
        (monthly[0].1.as_str(), monthly[0].2.as_str(), monthly[0].3.as_str()),
        ("2027-03-15", "2027-03-31", "2027-04-10")
    );
    assert_eq!((monthly[6].1.as_str(), monthly[6].2.as_str()), ("2027-09-01", "2027-09-14"));
    let quarterly = of_kind(&all, "supervisor_quarterly");
    let periods: Vec<_> = quarterly.iter().map(|r| (r.1.as_str(), r.2.as_str())).collect();
    assert_eq!(periods, vec![("2027-03-15", "2027-03-31"), ("2027-04-01", "2027-06-30"), ("2027-07-01", "2027-09-14")]);
    let end = of_kind(&all, "end_of_placement");
    assert_eq!((end[0].1.as_str(), end[0].2.as_str(), end[0].3.as_str()), ("2027-03-15", "2027-09-14", "2027-10-14"));
    assert!(all.iter().all(|r| r.4 == "upcoming"));
    let cycles =
        app.rows(&format!("RETURN count(SELECT id FROM report_cycle WHERE placement = placement:{placement})")).await;
    assert_eq!(cycles, serde_json::json!(3), "the placement has its own copy of each cycle");
}

#[tokio::test]
async fn an_extension_and_an_early_end_replan_the_reports() {
    let app = start().await;
    let key = placement_with_reports(&app, "2027-03-15", "2027-09-14").await;
    app.state.clock.set_today(day("2027-05-01"));
    scheduler::run(&app.state).await.unwrap();
    // The clipped September report was already sent in (say, written early).
    app.state
        .db
        .query(format!(
            "UPDATE report SET state = 'submitted' WHERE placement = placement:{key} AND kind = 'secondee_monthly'
             AND period_start = '2027-09-01'"
        ))
        .await
        .unwrap();
    let coordinator = app.login_as("coordinator").await;
    let form = [("id", key.as_str()), ("new_end", "2027-12-31"), ("reason", "The host asked for more time.")];
    assert_eq!(app.post(&coordinator, "/api/placements/extend", &form).await.status(), StatusCode::OK);

    let all = reports(&app, &key).await;
    let monthly: Vec<_> =
        of_kind(&all, "secondee_monthly").iter().map(|r| (r.1.clone(), r.2.clone(), r.3.clone())).collect();
    let expected_tail = [
        ("2027-09-01", "2027-09-14", "2027-09-24"),
        ("2027-09-15", "2027-09-30", "2027-10-10"),
        ("2027-10-01", "2027-10-31", "2027-11-10"),
        ("2027-11-01", "2027-11-30", "2027-12-10"),
        ("2027-12-01", "2027-12-31", "2028-01-10"),
    ];
    let tail: Vec<_> = monthly[6..].iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
    assert_eq!(tail, expected_tail, "the submitted clipped report stays; a new one covers the rest of September");
    let quarterly: Vec<_> =
        of_kind(&all, "supervisor_quarterly").iter().map(|r| (r.1.as_str(), r.2.as_str())).collect();
    assert_eq!(
        quarterly,
        vec![
            ("2027-03-15", "2027-03-31"),
            ("2027-04-01", "2027-06-30"),
            ("2027-07-01", "2027-09-30"),
            ("2027-10-01", "2027-12-31"),
        ],
        "the unsubmitted clipped quarter is re-cut to its full period"
    );
    let end = of_kind(&all, "end_of_placement");
    assert_eq!((end[0].2.as_str(), end[0].3.as_str()), ("2027-12-31", "2028-01-30"));

    // An early end: later unsubmitted reports are cancelled, the one holding the new end clipped.
    let form = [("id", key.as_str()), ("last_day", "2027-06-20"), ("reason", "Recalled.")];
    assert_eq!(app.post(&coordinator, "/api/placements/end-early", &form).await.status(), StatusCode::OK);
    let all = reports(&app, &key).await;
    let june = of_kind(&all, "secondee_monthly").into_iter().find(|r| r.1 == "2027-06-01").unwrap().clone();
    assert_eq!((june.2.as_str(), june.3.as_str(), june.4.as_str()), ("2027-06-20", "2027-06-30", "upcoming"));
    let cancelled: Vec<_> = all.iter().filter(|r| r.4 == "cancelled").map(|r| (r.0.as_str(), r.1.as_str())).collect();
    assert_eq!(cancelled.len(), 6 + 2, "July, August, 15–30 September, October–December; Q3 and Q4: {cancelled:?}");
    assert!(all.iter().any(|r| r.1 == "2027-09-01" && r.4 == "submitted"), "a submitted report never changes");
    let q2 = of_kind(&all, "supervisor_quarterly").into_iter().find(|r| r.1 == "2027-04-01").unwrap().clone();
    assert_eq!((q2.2.as_str(), q2.3.as_str()), ("2027-06-20", "2027-07-05"));
    let end = of_kind(&all, "end_of_placement");
    assert_eq!((end[0].2.as_str(), end[0].3.as_str()), ("2027-06-20", "2027-07-20"));
    let page = coordinator.get(app.url(&format!("/placements/{key}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-testid=\"placement-reports\"") && page.contains("Cancelled"));
}

#[tokio::test]
async fn the_author_writes_and_submits_and_a_coordinator_returns_accepts_and_shares() {
    let app = start().await;
    let key = placement_with_reports(&app, "2027-03-15", "2027-09-14").await;
    app.state.clock.set_today(day("2027-04-02"));
    let moves = scheduler::run(&app.state).await.unwrap();
    assert!(moves.reports.became_due >= 1, "March has ended: {moves:?}");
    let march = report_key(&app, &key, "secondee_monthly", "2027-03-15").await;
    let secondee = app.login_as("secondee").await;
    assert_eq!(save(&app, &secondee, &march, "draft", "").await.status(), StatusCode::OK, "a draft may be incomplete");
    assert_eq!(report_state(&app, &march).await, "due");
    let empty = save(&app, &secondee, &march, "submit", "  ").await;
    assert_eq!(error_json(empty).await["Invalid"]["errors"][0]["field"], "outcomes");
    assert_eq!(save(&app, &secondee, &march, "submit", "Two joint operations.").await.status(), StatusCode::OK);
    assert_eq!(report_state(&app, &march).await, "submitted");

    // Only the author writes: the host and the coordinator are refused.
    let host = app.login_as("host").await;
    assert_ne!(save(&app, &host, &march, "submit", "x").await.status(), StatusCode::OK);
    let coordinator = app.login_as("coordinator").await;
    assert_eq!(save(&app, &coordinator, &march, "draft", "x").await.status(), StatusCode::CONFLICT);
    // A report whose period has not ended is not submitted.
    let may = report_key(&app, &key, "secondee_monthly", "2027-05-01").await;
    let early = app
        .post(
            &secondee,
            "/api/reports/save",
            &[("id", &may), ("activities", "a"), ("outcomes", "b"), ("intent", "submit")],
        )
        .await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    assert!(error_json(early).await.to_string().contains("submit it after that day"));

    // Returned without a comment: refused at the field; with one: back to the author, told by mail.
    let no_comment =
        app.post(&coordinator, "/api/reports/return", &[("id", &march), ("resubmit_by", "2027-04-20")]).await;
    assert_eq!(error_json(no_comment).await["Invalid"]["errors"][0]["field"], "comment");
    let returned = app
        .post(
            &coordinator,
            "/api/reports/return",
            &[("id", &march), ("comment", "Add the figures."), ("resubmit_by", "2027-04-20")],
        )
        .await;
    assert_eq!(returned.status(), StatusCode::OK);
    assert_eq!(report_state(&app, &march).await, "returned");
    let told = app.rows("SELECT VALUE recipient_email FROM notification WHERE event = 'report_returned'").await;
    assert_eq!(told, serde_json::json!(["secondee@demo.hub"]));
    assert_eq!(
        save(&app, &secondee, &march, "submit", "Two joint operations; 14 cases referred.").await.status(),
        StatusCode::OK
    );
    assert_eq!(app.post(&coordinator, "/api/reports/accept", &[("id", &march)]).await.status(), StatusCode::OK);
    assert_eq!(app.post(&coordinator, "/api/reports/share", &[("id", &march)]).await.status(), StatusCode::OK);
    let report = app.rows(&format!("SELECT state, version, shared_with_donor FROM report:{march}")).await;
    assert_eq!(report[0], serde_json::json!({ "state": "accepted", "version": 2, "shared_with_donor": true }));
    let versions = app
        .rows(&format!("SELECT VALUE outcomes FROM report_version WHERE report = report:{march} ORDER BY version"))
        .await;
    assert_eq!(versions, serde_json::json!(["Two joint operations.", "Two joint operations; 14 cases referred."]));
    assert_eq!(
        app.rows("SELECT VALUE recipient_email FROM notification WHERE event = 'report_accepted'").await,
        serde_json::json!(["secondee@demo.hub"])
    );
    // Accepted is final: not returned again, nor resubmitted.
    let again = app
        .post(&coordinator, "/api/reports/return", &[("id", &march), ("comment", "x"), ("resubmit_by", "2027-05-01")])
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let page = secondee.get(app.url(&format!("/reports/{march}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Version 2") && page.contains("Version 1"), "every version is kept and shown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reminders_the_overdue_notice_and_the_escalation_go_once_each() {
    let app = start().await;
    let key = placement_with_reports(&app, "2027-03-15", "2027-09-14").await;
    let march = report_key(&app, &key, "secondee_monthly", "2027-03-15").await;
    let sent = |event: &'static str| {
        let (app, march) = (&app, march.clone());
        async move {
            let sql = format!("SELECT VALUE recipient_email FROM notification WHERE event = '{event}' AND string::contains(link, '{march}')");
            app.rows(&sql).await.as_array().unwrap().len()
        }
    };
    let run_on = |today: &'static str| {
        let app = &app;
        async move {
            app.state.clock.set_today(day(today));
            let (a, b) = tokio::join!(scheduler::run(&app.state), scheduler::run(&app.state));
            (a.unwrap(), b.unwrap())
        }
    };
    // Due 10 April; reminders 7 and 2 days before; escalation 14 days after.
    run_on("2027-04-02").await;
    assert_eq!(sent("report_due_soon").await, 0);
    run_on("2027-04-03").await;
    let per_notice = sent("report_due_soon").await;
    assert!(per_notice >= 2, "the secondee and the sending agency's contacts");
    run_on("2027-04-04").await;
    assert_eq!(sent("report_due_soon").await, per_notice, "once, though two schedulers ran twice");
    run_on("2027-04-08").await;
    assert_eq!(sent("report_due_soon").await, 2 * per_notice, "the 2-day reminder");
    run_on("2027-04-11").await;
    assert_eq!(sent("report_overdue").await, per_notice);
    run_on("2027-04-20").await;
    assert_eq!(sent("report_overdue").await, per_notice, "the first day only");
    assert_eq!(sent("report_escalated").await, 0);
    run_on("2027-04-24").await;
    let coordinators =
        app.rows("RETURN count(SELECT id FROM user WHERE role = 'coordinator' AND disabled = false)").await;
    assert_eq!(sent("report_escalated").await as u64, coordinators.as_u64().unwrap());
    run_on("2027-04-30").await;
    assert_eq!(sent("report_escalated").await as u64, coordinators.as_u64().unwrap(), "once");

    // Nothing for a report once it is in: April's, submitted before its reminders.
    let april = report_key(&app, &key, "secondee_monthly", "2027-04-01").await;
    app.state.db.query(format!("UPDATE report:{april} SET state = 'submitted'")).await.unwrap();
    run_on("2027-05-05").await;
    let april_mail =
        app.rows(&format!("RETURN count(SELECT id FROM notification WHERE string::contains(link, '{april}'))")).await;
    assert_eq!(april_mail, serde_json::json!(0));

    // The list's overdue filter and the CSV agree.
    let coordinator = app.login_as("coordinator").await;
    let overdue = app.post(&coordinator, "/api/reports/list", &[("status", "overdue")]).await;
    let overdue = overdue.json::<serde_json::Value>().await.unwrap();
    let items = overdue["page"]["items"].as_array().unwrap();
    assert!(items.iter().any(|r| r["id"] == march.as_str()) && items.iter().all(|r| r["overdue"] == true));
    let csv =
        coordinator.get(app.url("/export/reports.csv?status=overdue")).send().await.unwrap().text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "placement,officer,kind,author,period_start,period_end,due_date,state,overdue,submitted_at,shared_with_donor"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), items.len());
    // These placements have no nomination: each is named by its key. Each report has its author.
    let placement = |row: &&str| row.split(',').next().unwrap_or_default().to_string();
    assert!(rows.iter().all(|row| !placement(row).is_empty() && row.split(',').nth(3).is_some_and(|a| !a.is_empty())));
}

#[tokio::test]
async fn coordinators_change_cycles_until_a_report_of_them_is_submitted() {
    let app = start().await;
    let coordinator = app.login_as("coordinator").await;
    let save = |id: String, frequency: &'static str, due: &'static str| {
        let app = &app;
        let coordinator = coordinator.clone();
        async move {
            let form = [
                ("id", id.as_str()),
                ("kind", "secondee_monthly"),
                ("frequency", frequency),
                ("alignment", "calendar"),
                ("due_offset", due),
                ("reminder_offsets", "7, 2"),
                ("escalation_offset", "14"),
            ];
            app.post(&coordinator, "/api/reports/cycles/save", &form).await
        }
    };
    // The programme's default: bad input is refused at its field, and nothing changes.
    let default = "secondee_monthly".to_string();
    let negative = save(default.clone(), "monthly", "-1").await;
    assert_eq!(error_json(negative).await["Invalid"]["errors"][0]["field"], "due_offset");
    let weekly = save(default.clone(), "weekly", "10").await;
    assert_eq!(error_json(weekly).await["Invalid"]["errors"][0]["field"], "frequency");
    assert_eq!(save(default.clone(), "monthly", "20").await.status(), StatusCode::OK);
    let key = placement_with_reports(&app, "2027-03-15", "2027-09-14").await;
    let first_due = app
        .first_key(&format!(
            "SELECT VALUE due_date FROM report WHERE placement = placement:{key} AND kind = 'secondee_monthly' ORDER BY due_date"
        ))
        .await;
    assert_eq!(first_due, "2027-04-20", "a new placement copies the changed default");

    // The placement's own copy: quarterly instead, its reports planned again.
    let cycle = app
        .first_key(&format!(
            "SELECT VALUE record::id(id) FROM report_cycle WHERE placement = placement:{key} AND kind = 'secondee_monthly'"
        ))
        .await;
    assert_eq!(save(cycle.clone(), "quarterly", "10").await.status(), StatusCode::OK);
    let count = |kind: &'static str| {
        let app = &app;
        let key = key.clone();
        async move {
            app.rows(&format!(
                "RETURN count(SELECT id FROM report WHERE placement = placement:{key} AND kind = '{kind}')"
            ))
            .await
        }
    };
    assert_eq!(count("secondee_monthly").await, serde_json::json!(3));
    // Once a report of it is in, the cycle stays as it is.
    let one =
        app.first_key(&format!("SELECT VALUE record::id(id) FROM report WHERE cycle = report_cycle:{cycle}")).await;
    app.state.db.query(format!("UPDATE report:{one} SET state = 'submitted'")).await.unwrap();
    let locked = save(cycle, "monthly", "10").await;
    assert_eq!(locked.status(), StatusCode::CONFLICT);
    assert_eq!(count("secondee_monthly").await, serde_json::json!(3));
}

#[tokio::test]
async fn outcomes_are_counted_by_theme_with_distinct_placements() {
    let app = start().await;
    let first = placement_with_reports(&app, "2027-01-01", "2027-06-30").await;
    let second = placement_with_reports(&app, "2027-01-01", "2027-03-31").await;
    let themes = app.rows("SELECT VALUE record::id(id) FROM theme ORDER BY name_key LIMIT 2").await;
    let (a, b) = (themes[0].as_str().unwrap().to_string(), themes[1].as_str().unwrap().to_string());
    // Placement one: January and February accepted with theme A, February also B; March submitted
    // (not counted). Placement two: January accepted with A.
    let accept = |placement: &str, start: &str, themes: &str, state: &str| {
        format!(
            "UPDATE report SET state = '{state}', outcomes = 'Outcome of {start}', themes = [{themes}]
             WHERE placement = placement:{placement} AND kind = 'secondee_monthly' AND period_start = '{start}';"
        )
    };
    let sql = [
        accept(&first, "2027-01-01", &format!("theme:{a}"), "accepted"),
        accept(&first, "2027-02-01", &format!("theme:{a}, theme:{b}"), "accepted"),
        accept(&first, "2027-03-01", &format!("theme:{b}"), "submitted"),
        accept(&second, "2027-01-01", &format!("theme:{a}"), "accepted"),
    ]
    .concat();
    app.state.db.query(sql).await.unwrap().check().unwrap();
    let coordinator = app.login_as("coordinator").await;
    let data = app.post(&coordinator, "/api/reports/outcomes", &[("theme", a.as_str())]).await;
    let data = data.json::<serde_json::Value>().await.unwrap();
    let counts: Vec<(String, u64, u64)> = data["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["theme_id"].as_str().unwrap().to_string(),
                t["reports"].as_u64().unwrap(),
                t["placements"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts, vec![(a.clone(), 3, 2), (b.clone(), 1, 1)]);
    let outcomes: Vec<&str> =
        data["outcomes"].as_array().unwrap().iter().map(|o| o["outcomes"].as_str().unwrap()).collect();
    assert_eq!(outcomes.len(), 3, "theme A's three accepted reports: {outcomes:?}");
    // A period filter narrows it; the CSV says the same as the page.
    let january = app.post(&coordinator, "/api/reports/outcomes", &[("to", "2027-01-31")]).await;
    let january = january.json::<serde_json::Value>().await.unwrap();
    assert_eq!(january["themes"][0]["reports"], 2);
    let csv = coordinator.get(app.url("/export/outcomes.csv")).send().await.unwrap().text().await.unwrap();
    assert_eq!(csv.lines().next().unwrap(), "theme,accepted_reports,placements");
    assert_eq!(csv.lines().count(), 3);
    let page =
        coordinator.get(app.url(&format!("/reports/outcomes?theme={a}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Outcome of 2027-02-01"));
}

#[tokio::test]
async fn the_author_attaches_files_which_the_submitted_version_keeps() {
    let app = start().await;
    let key = placement_with_reports(&app, "2027-03-15", "2027-09-14").await;
    app.state.clock.set_today(day("2027-04-02"));
    scheduler::run(&app.state).await.unwrap();
    let march = report_key(&app, &key, "secondee_monthly", "2027-03-15").await;
    let upload = |client: reqwest::Client, name: &'static str, bytes: &'static [u8]| {
        let (app, march) = (&app, march.clone());
        async move {
            let (content_type, body) = crate::nominations::multipart(name, bytes);
            client
                .post(app.url(&format!("/reports/{march}/documents")))
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let files = || {
        let (app, march) = (&app, march.clone());
        async move { app.rows(&format!("RETURN count(SELECT id FROM report_document WHERE report = report:{march})")).await }
    };
    let pdf: &'static [u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
    let secondee = app.login_as("secondee").await;
    assert_eq!(upload(secondee.clone(), "minutes.pdf", pdf).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(upload(secondee.clone(), "script.pdf", b"#!/bin/sh\necho hi\n").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(files().await, serde_json::json!(1), "a file that is not a PDF, PNG or JPEG is refused");
    let host = app.login_as("host").await;
    assert_eq!(upload(host, "other.pdf", pdf).await.status(), StatusCode::NOT_FOUND, "not the host's report");
    let coordinator = app.login_as("coordinator").await;
    assert_eq!(upload(coordinator.clone(), "rso.pdf", pdf).await.status(), StatusCode::FORBIDDEN, "not its author");

    assert_eq!(save(&app, &secondee, &march, "submit", "Two joint operations.").await.status(), StatusCode::OK);
    let kept = app
        .rows(&format!("SELECT VALUE array::len(documents) FROM report_version WHERE report = report:{march}"))
        .await;
    assert_eq!(kept, serde_json::json!([1]), "the version keeps the files it was sent with");
    assert_eq!(upload(secondee.clone(), "late.pdf", pdf).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(files().await, serde_json::json!(1), "no file is added once the report is in");

    let doc =
        app.first_key(&format!("SELECT VALUE record::id(id) FROM report_document WHERE report = report:{march}")).await;
    let download = coordinator.get(app.url(&format!("/reports/documents/{doc}"))).send().await.unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.bytes().await.unwrap().as_ref(), pdf);
    let nominator = app.login_as("nominator").await;
    let other = nominator.get(app.url(&format!("/reports/documents/{doc}"))).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND, "another agency's report's file does not exist for them");
}

#[tokio::test]
async fn an_unsent_file_is_removed_or_replaced_by_its_author_and_a_sent_one_stays() {
    use crate::nominations::post_document;
    let app = start().await;
    let key = placement_with_reports(&app, "2027-03-15", "2027-09-14").await;
    app.state.clock.set_today(day("2027-04-02"));
    scheduler::run(&app.state).await.unwrap();
    let march = report_key(&app, &key, "secondee_monthly", "2027-03-15").await;
    let pdf: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
    let secondee = app.login_as("secondee").await;
    let attach = format!("/reports/{march}/documents");
    for name in ["draft-minutes.pdf", "photo-list.pdf"] {
        assert_eq!(post_document(&app, &secondee, &attach, Some((name, pdf))).await.status(), StatusCode::SEE_OTHER);
    }
    let file = |name: &'static str| {
        let (app, march) = (&app, march.clone());
        async move {
            app.first_key(&format!(
                "SELECT VALUE record::id(id) FROM report_document WHERE report = report:{march} AND file_name = '{name}'"
            ))
            .await
        }
    };
    let names = || {
        let (app, march) = (&app, march.clone());
        async move {
            app.rows(&format!(
                "SELECT VALUE file_name FROM report_document WHERE report = report:{march} ORDER BY file_name"
            ))
            .await
        }
    };
    let (minutes, photos) = (file("draft-minutes.pdf").await, file("photo-list.pdf").await);

    // Only the author: another role is refused and nothing changes.
    let coordinator = app.login_as("coordinator").await;
    let remove_photos = format!("/reports/{march}/documents/{photos}/remove");
    assert_eq!(post_document(&app, &coordinator, &remove_photos, None).await.status(), StatusCode::FORBIDDEN);
    let host = app.login_as("host").await;
    assert_eq!(post_document(&app, &host, &remove_photos, None).await.status(), StatusCode::NOT_FOUND);

    // Replaced and removed, each in the history and the audit; the stored files go too.
    let replace_minutes = format!("/reports/{march}/documents/{minutes}");
    let replaced = post_document(&app, &secondee, &replace_minutes, Some(("minutes.pdf", pdf))).await;
    assert_eq!(replaced.status(), StatusCode::SEE_OTHER);
    assert_eq!(post_document(&app, &secondee, &remove_photos, None).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(names().await, serde_json::json!(["minutes.pdf"]));
    let history = app
        .rows(&format!(
            "SELECT VALUE note FROM report_event WHERE report = report:{march} AND kind = 'file' ORDER BY at"
        ))
        .await;
    assert_eq!(
        history,
        serde_json::json!([
            "Replaced the file draft-minutes.pdf with minutes.pdf.",
            "Removed the file photo-list.pdf."
        ])
    );
    let audited = app
        .rows("SELECT VALUE action FROM audit_event WHERE record_table = 'report_document' AND action = 'deleted'")
        .await;
    assert_eq!(audited.as_array().unwrap().len(), 2);
    for gone in [&minutes, &photos] {
        assert!(!app::uploads::store_path(&app.state, gone).exists(), "stored file {gone} removed");
    }
    let page = secondee.get(app.url(&format!("/reports/{march}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Replace minutes.pdf with"), "the author is offered both actions");

    // Submitted, then returned for revision: the file sent with version 1 stays.
    assert_eq!(save(&app, &secondee, &march, "submit", "Two joint operations.").await.status(), StatusCode::OK);
    let returned = app
        .post(
            &coordinator,
            "/api/reports/return",
            &[("id", &march), ("comment", "Add the figures."), ("resubmit_by", "2027-04-20")],
        )
        .await;
    assert_eq!(returned.status(), StatusCode::OK);
    let sent = file("minutes.pdf").await;
    let remove_sent = format!("/reports/{march}/documents/{sent}/remove");
    let refused = post_document(&app, &secondee, &remove_sent, None).await;
    assert_eq!(refused.status(), StatusCode::SEE_OTHER, "back to the report with the reason");
    let page = secondee.get(app.url(&format!("/reports/{march}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("minutes.pdf was sent with version 1 of this report, so it stays."), "{page}");
    assert!(page.contains("sent with version 1") && !page.contains("Replace minutes.pdf with"));
    let replace_sent = format!("/reports/{march}/documents/{sent}");
    post_document(&app, &secondee, &replace_sent, Some(("other.pdf", pdf))).await;
    assert_eq!(names().await, serde_json::json!(["minutes.pdf"]));
    assert!(app::uploads::store_path(&app.state, &sent).exists());
    // A new file for the revision can still come and go.
    assert_eq!(
        post_document(&app, &secondee, &attach, Some(("figures.pdf", pdf))).await.status(),
        StatusCode::SEE_OTHER
    );
    let figures = file("figures.pdf").await;
    let remove_figures = format!("/reports/{march}/documents/{figures}/remove");
    assert_eq!(post_document(&app, &secondee, &remove_figures, None).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(names().await, serde_json::json!(["minutes.pdf"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_file_removal_raced_with_the_submission_is_either_before_it_or_refused() {
    use crate::nominations::post_document;
    let app = start().await;
    let key = placement_with_reports(&app, "2027-03-15", "2027-09-14").await;
    app.state.clock.set_today(day("2027-09-20"));
    scheduler::run(&app.state).await.unwrap();
    let secondee = app.login_as("secondee").await;
    let pdf: &[u8] = b"%PDF-1.4\n%%EOF\n";
    for month in ["2027-03-15", "2027-04-01", "2027-05-01", "2027-06-01"] {
        let report = report_key(&app, &key, "secondee_monthly", month).await;
        let attach = format!("/reports/{report}/documents");
        post_document(&app, &secondee, &attach, Some(("minutes.pdf", pdf))).await;
        let doc = app
            .first_key(&format!("SELECT VALUE record::id(id) FROM report_document WHERE report = report:{report}"))
            .await;
        // Both at once, on two tasks.
        let path = format!("/reports/{report}/documents/{doc}/remove");
        let (removed, submitted) = tokio::join!(
            post_document(&app, &secondee, &path, None),
            save(&app, &secondee, &report, "submit", "Done.")
        );
        assert_eq!(removed.status(), StatusCode::SEE_OTHER);
        assert_eq!(submitted.status(), StatusCode::OK);
        let sent = app
            .rows(&format!("SELECT VALUE array::len(documents) FROM report_version WHERE report = report:{report}"))
            .await;
        let kept =
            app.rows(&format!("RETURN count(SELECT id FROM report_document WHERE report = report:{report})")).await;
        // Removed before the submission (the version went without it), or refused after it.
        assert!(
            (sent == serde_json::json!([0]) && kept == serde_json::json!(0))
                || (sent == serde_json::json!([1]) && kept == serde_json::json!(1)),
            "sent {sent}, kept {kept}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_report_submitted_twice_at_once_makes_one_version() {
    let app = start().await;
    let key = placement_with_reports(&app, "2027-03-15", "2027-09-14").await;
    app.state.clock.set_today(day("2027-09-20"));
    scheduler::run(&app.state).await.unwrap();
    let secondee = app.login_as("secondee").await;
    for month in ["2027-03-15", "2027-04-01", "2027-05-01"] {
        let report = report_key(&app, &key, "secondee_monthly", month).await;
        let form = [
            ("id", report.as_str()),
            ("activities", "Joined the case reviews."),
            ("outcomes", "Done."),
            ("intent", "submit"),
        ];
        let answers = app.race(2, |_| app.posting(&secondee, "/api/reports/save", &form)).await;
        let ok = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
        assert_eq!(ok, 1, "{answers:?}");
        let (status, refusal) = answers.iter().find(|(s, _)| *s != StatusCode::OK).unwrap();
        assert_eq!(*status, StatusCode::CONFLICT, "{refusal}");
        assert!(refusal.contains("submitted"), "a clear refusal: {refusal}");
        let versions =
            app.rows(&format!("RETURN count(SELECT id FROM report_version WHERE report = report:{report})")).await;
        assert_eq!(versions, serde_json::json!(1));
        assert_eq!(report_state(&app, &report).await, "submitted");
    }
}

#[tokio::test]
async fn l2_a_reports_draft_goes_to_its_author_alone() {
    let app = TestApp::start().await;
    // The demo secondee's report returned for changes: its first version is in, a new one owed.
    let report = app
        .first_key(
            "SELECT VALUE record::id(id) FROM report WHERE officer_email = 'secondee@demo.hub' AND state = 'returned'
                LIMIT 1",
        )
        .await;
    let secondee = app.login_as("secondee").await;
    let draft = "L2 draft: the figures of the joint operations, not yet checked.";
    assert_eq!(save(&app, &secondee, &report, "draft", draft).await.status(), StatusCode::OK);
    let get = |client: reqwest::Client| {
        let (app, report) = (&app, report.clone());
        async move {
            let response = app.post(&client, "/api/reports/get", &[("id", report.as_str())]).await;
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<serde_json::Value>().await.unwrap()
        }
    };
    let written = get(secondee).await;
    assert_eq!(written["draft"]["outcomes"], draft, "the author goes on writing it");
    for role in ["coordinator", "nominator", "host"] {
        let read = get(app.login_as(role).await).await;
        assert!(!read.to_string().contains(draft), "{role} receives the draft: {read}");
        assert!(read["draft"].is_null(), "{role}: {}", read["draft"]);
        assert_eq!(read["versions"].as_array().unwrap().len(), 1, "{role} reads the version submitted");
    }
}

/// Where a report stands in the order a list opens on: owed now (due or returned), waiting for
/// review, not yet due, the rest.
fn attention_rank(state: &str) -> u8 {
    match state {
        "due" | "returned" => 1,
        "submitted" => 2,
        "upcoming" => 3,
        _ => 4,
    }
}

#[tokio::test]
async fn a_report_list_opens_on_what_needs_attention() {
    let app = start().await;
    let key = placement_with_reports(&app, "2027-03-15", "2027-12-14").await;
    app.state.clock.set_today(day("2027-07-10"));
    scheduler::run(&app.state).await.unwrap();
    // One waits for review, one was accepted: the rest of the months are due or not yet due.
    let april = report_key(&app, &key, "secondee_monthly", "2027-04-01").await;
    let march = report_key(&app, &key, "secondee_monthly", "2027-03-15").await;
    app.rows(&format!("UPDATE report:{april} SET state = 'submitted', submitted_at = time::now()")).await;
    app.rows(&format!("UPDATE report:{march} SET state = 'accepted'")).await;

    let coordinator = app.login_as("coordinator").await;
    let list: serde_json::Value =
        app.post(&coordinator, "/api/reports/list", &[]).await.json().await.expect("the list answers");
    let rows: Vec<(u8, String, String)> = list["page"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let state = r["state"].as_str().unwrap().to_string();
            (attention_rank(&state), r["due_date"].as_str().unwrap().to_string(), state)
        })
        .collect();
    let ranks: Vec<u8> = rows.iter().map(|r| r.0).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "owed, waiting, not yet due, the rest: {rows:?}");
    for rank in [1, 2, 3] {
        assert!(ranks.contains(&rank), "the first page shows rank {rank}: {rows:?}");
    }
    assert_eq!(list["page"]["items"][0]["overdue"], true, "the overdue come first: {rows:?}");
    let owed: Vec<&String> = rows.iter().filter(|r| r.2 == "due").map(|r| &r.1).collect();
    assert!(owed.windows(2).all(|w| w[0] <= w[1]), "owed by date, oldest first: {owed:?}");

    // A list of what is owed still opens on the date each is owed by; a chosen sort still holds.
    let owed: serde_json::Value =
        app.post(&coordinator, "/api/reports/list", &[("status", "owed")]).await.json().await.unwrap();
    let dues: Vec<&str> =
        owed["page"]["items"].as_array().unwrap().iter().map(|r| r["due_date"].as_str().unwrap()).collect();
    assert!(!dues.is_empty() && dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
    let by_due: serde_json::Value =
        app.post(&coordinator, "/api/reports/list", &[("sort", "due"), ("dir", "desc")]).await.json().await.unwrap();
    let dues: Vec<&str> =
        by_due["page"]["items"].as_array().unwrap().iter().map(|r| r["due_date"].as_str().unwrap()).collect();
    assert!(dues.windows(2).all(|w| w[0] >= w[1]), "{dues:?}");
}
