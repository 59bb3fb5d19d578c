//! The data generator: a programme in every state, with its members and agencies, its files on
//! disk, and the kept counts matching the rows; a database with users is refused without
//! `--force`; the same seed gives the same data.

use app::demo::generate::{run, Plan};

use crate::common::TestApp;

async fn column(app: &TestApp, sql: &str) -> Vec<String> {
    let rows = app.rows(sql).await;
    let mut values: Vec<String> =
        rows.as_array().unwrap().iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect();
    values.sort();
    values
}

#[tokio::test]
async fn a_generated_programme_has_every_state_its_files_and_counts_that_match() {
    let app = TestApp::start().await;
    // What the daily run owes on the demo alone (the demo's history has no jobs done).
    let demo_work = app::placements::scheduler::run(&app.state).await.unwrap().reports;
    let plan = Plan { years: 1, seed: 3, scale: 0.12 };
    let refused = run(&app.state, plan, false, &|_| {}).await;
    assert!(refused.is_err(), "the demo's database is not empty");
    let written = run(&app.state, plan, true, &|_| {}).await.unwrap();
    assert!(written["nomination"] >= 200, "{written:?}");

    let states = |table: &str| format!("SELECT VALUE state FROM (SELECT state FROM {table} GROUP BY state)");
    assert_eq!(column(&app, &states("nomination")).await.len(), 7, "nominations in every state");
    assert_eq!(column(&app, &states("placement")).await.len(), 4, "placements in every state");
    assert_eq!(column(&app, &states("report")).await.len(), 7, "reports in every state");
    assert!(app.count("agency").await >= 14, "agencies grew with the scale");
    let extended = app.rows("RETURN count(SELECT id FROM placement WHERE extensions > 0)").await;
    let overlapping = app.rows("RETURN count(SELECT id FROM placement WHERE overlap = true)").await;
    assert!(extended.as_i64().unwrap() > 0 && overlapping.as_i64().unwrap() > 0, "{extended} {overlapping}");
    let overdue = app.rows("RETURN count(SELECT id FROM report WHERE state = 'due' AND due_date < '2026-11-01')").await;
    assert!(overdue.as_i64().unwrap() > 0, "some reports are overdue");

    // Plausible to a reader: no officer is seconded to their own agency, and every mail's
    // subject is the live one's (what happened, the nomination's reference, the officer).
    let own = app.rows("RETURN count(SELECT id FROM nomination WHERE sending_agency = host_agency)").await;
    assert_eq!(own.as_i64(), Some(0), "no self-secondment");
    let subjects = app
        .rows("SELECT VALUE subject FROM notification WHERE record_table IN ['nomination', 'placement', 'report']")
        .await;
    let subjects = subjects.as_array().unwrap();
    assert!(subjects.len() > 100, "{}", subjects.len());
    for subject in subjects {
        let subject = subject.as_str().unwrap();
        assert!(subject.contains(" NOM-") && subject.contains(" – "), "{subject}");
        assert!(!subject.contains("update"), "a subject of its own: {subject}");
    }
    let report_mail = app
        .rows("SELECT VALUE subject FROM notification WHERE record_table = 'report' AND event = 'report_accepted' LIMIT 1")
        .await;
    assert!(report_mail[0].as_str().unwrap().starts_with("Report accepted: NOM-"), "{report_mail}");

    // Its history says what the daily run has done: a server started on it has no report
    // notice to catch up on beyond the demo's own.
    let work = app::placements::scheduler::run(&app.state).await.unwrap().reports;
    assert_eq!(work, demo_work, "only the demo's notices are owed");

    // Every document is on disk with the size and hash its row says.
    let documents = app.rows("SELECT record::id(id) AS key, size, sha256 FROM nomination_document").await;
    for d in documents.as_array().unwrap() {
        let bytes = std::fs::read(app.state.settings.files_dir.join(d["key"].as_str().unwrap())).unwrap();
        assert_eq!(bytes.len() as i64, d["size"].as_i64().unwrap());
        assert!(app::nominations::files::sniff(&bytes).is_some(), "a PDF");
    }

    let grouped = "SELECT state, count() AS n FROM nomination GROUP BY state ORDER BY state";
    let kept = "SELECT string::split(record::id(id), '|')[1] AS state, n FROM tally
        WHERE string::ends_with(record::id(id), '|all') AND n > 0 ORDER BY state";
    assert_eq!(app.rows(kept).await, app.rows(grouped).await, "kept counts match the rows");
    crate::funding::figures_match_a_recount(&app).await;

    // The demo logins still work, as each role.
    for role in ["admin", "coordinator", "nominator", "host", "secondee", "donor"] {
        app.login_as(role).await;
    }

    // The same seed again makes the same records, keys included (the demo's own are random).
    let generated = "SELECT VALUE string::concat(record::id(id), ' ', officer_email, ' ', state) FROM placement
        WHERE !string::contains(nomination.reference, 'DEMO') AND !string::contains(nomination.reference, 'PLC')";
    let small = Plan { scale: 0.02, ..plan };
    run(&app.state, small, true, &|_| {}).await.unwrap();
    let first = column(&app, generated).await;
    run(&app.state, small, true, &|_| {}).await.unwrap();
    assert_eq!(column(&app, generated).await, first);
}
