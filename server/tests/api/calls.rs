//! Calls for nominations: published, answered, counted against their places (also when two
//! approvals race for the last one), closed once by the scheduler with one summary, and every
//! refusal at its field with nothing changed.

use reqwest::StatusCode;

use crate::common::{error_json, TestApp};

async fn key_of(app: &TestApp, sql: &str) -> String {
    app.first_key(sql).await
}

/// Creates and publishes a call as the coordinator; returns its key.
async fn published_call(
    app: &TestApp,
    coordinator: &reqwest::Client,
    title: &str,
    places: &str,
    members: &[&str],
) -> String {
    let host =
        key_of(app, "SELECT VALUE record::id(id) FROM agency WHERE name = 'Regional Support Office, Bangkok'").await;
    let aviation = key_of(app, "SELECT VALUE record::id(id) FROM theme WHERE name = 'Aviation people smuggling'").await;
    let mut form = vec![
        ("id", ""),
        ("title", title),
        ("description", "Officers to the RSO's document examination desk."),
        ("eligibility", "Five years in border control."),
        ("themes[]", aviation.as_str()),
        ("host_agency", host.as_str()),
        ("places", places),
        ("window_start", "2027-03-01"),
        ("window_end", "2027-12-31"),
        ("closes_on", "2027-01-15"),
        ("closes_time", "17:00"),
    ];
    for member in members {
        form.push(("members[]", member));
    }
    let saved = app.post(coordinator, "/api/calls/save", &form).await;
    assert_eq!(saved.status(), StatusCode::OK, "{}", saved.text().await.unwrap());
    let call = key_of(app, &format!("SELECT VALUE record::id(id) FROM call WHERE title = '{title}'")).await;
    let published = app.post(coordinator, "/api/calls/act", &[("id", &call), ("action", "publish")]).await;
    assert_eq!(published.status(), StatusCode::OK, "{}", published.text().await.unwrap());
    call
}

/// A nomination answering `call` as the demo nominator, with the given period.
async fn answer(
    app: &TestApp,
    nominator: &reqwest::Client,
    call: &str,
    officer: &str,
    start: &str,
    end: &str,
) -> reqwest::Response {
    let host =
        key_of(app, "SELECT VALUE record::id(id) FROM agency WHERE name = 'Regional Support Office, Bangkok'").await;
    let aviation = key_of(app, "SELECT VALUE record::id(id) FROM theme WHERE name = 'Aviation people smuggling'").await;
    app.post(
        nominator,
        "/api/nominations/save",
        &[
            ("id", ""),
            ("call", call),
            ("officer_told", "on"),
            ("officer_name", officer),
            ("position", "Immigration Officer"),
            ("work_email", &format!("{}@immigration.lk.example", officer.to_lowercase().replace(' ', "."))),
            ("nationality", "LK"),
            ("languages[]", "en"),
            ("expertise", "Document examination"),
            ("host_agency", &host),
            ("themes[]", &aviation),
            ("start_date", start),
            ("end_date", end),
            ("objectives", "Document examination at the RSO."),
            ("justification", "Answers the call."),
        ],
    )
    .await
}

async fn nomination_of(app: &TestApp, officer: &str) -> String {
    key_of(app, &format!("SELECT VALUE record::id(id) FROM nomination WHERE officer_name = '{officer}'")).await
}

async fn step(app: &TestApp, client: &reqwest::Client, id: &str, action: &str) -> reqwest::Response {
    app.post(client, "/api/nominations/act", &[("id", id), ("action", action)]).await
}

fn approval(host: &str) -> Vec<(&'static str, String)> {
    vec![
        ("action", "approve".into()),
        ("host_agency", host.to_string()),
        ("supervisor_name", "Dr Malee Chai".into()),
        ("supervisor_email", "malee.chai@rso.example".into()),
        ("start_date", "2027-04-01".into()),
        ("end_date", "2027-10-01".into()),
    ]
}

/// Submits and starts the review of an answered nomination; returns its key.
async fn submitted(
    app: &TestApp,
    nominator: &reqwest::Client,
    coordinator: &reqwest::Client,
    call: &str,
    officer: &str,
) -> String {
    let saved = answer(app, nominator, call, officer, "2027-04-01", "2027-10-01").await;
    assert_eq!(saved.status(), StatusCode::OK, "{}", saved.text().await.unwrap());
    let id = nomination_of(app, officer).await;
    assert_eq!(step(app, nominator, &id, "submit").await.status(), StatusCode::OK);
    assert_eq!(step(app, coordinator, &id, "start_review").await.status(), StatusCode::OK);
    id
}

async fn counts(app: &TestApp, call: &str) -> serde_json::Value {
    app.rows(&format!("SELECT answered, approved, state FROM ONLY call:{call}")).await
}

#[tokio::test]
async fn a_call_is_answered_counted_against_its_places_and_closed_once() {
    let app = TestApp::start().await;
    app.state.clock.set_today("2027-01-05".parse().unwrap());
    let coordinator = app.login_as("coordinator").await;
    let nominator = app.login_as("nominator").await;
    let call = published_call(&app, &coordinator, "Document examination desk", "1", &[]).await;

    // The nominator sees it open, on the list and on its page.
    let list: serde_json::Value = app.post(&nominator, "/api/calls/list", &[]).await.json().await.unwrap();
    assert!(list["page"]["items"].as_array().unwrap().iter().any(|c| c["id"] == call.as_str()), "{list}");
    let figures: serde_json::Value =
        app.post(&nominator, "/api/calls/figures", &[("id", &call)]).await.json().await.unwrap();
    assert_eq!(figures["may_answer"], true);

    // Answered: the nomination names the call, the call counts it.
    let first = submitted(&app, &nominator, &coordinator, &call, "Anil Fernando").await;
    assert_eq!(
        app.rows(&format!("SELECT VALUE record::id(call) FROM ONLY nomination:{first}")).await,
        serde_json::json!(call)
    );
    assert_eq!(counts(&app, &call).await, serde_json::json!({ "answered": 1, "approved": 0, "state": "open" }));

    // Approving it takes the one place; the second is refused with the reason.
    let host =
        key_of(&app, "SELECT VALUE record::id(id) FROM agency WHERE name = 'Regional Support Office, Bangkok'").await;
    let second = submitted(&app, &nominator, &coordinator, &call, "Bimal Silva").await;
    let form = |id: &str| {
        let mut form = approval(&host);
        form.push(("id", id.to_string()));
        form
    };
    let approve = |id: &str| {
        let form = form(id);
        let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.posting(&coordinator, "/api/nominations/act", &borrowed)
    };
    let (status, body) = approve(&first).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(counts(&app, &call).await["approved"], 1);
    let (status, body) = approve(&second).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("No place is left in this call (1 approved of 1)"), "{body}");
    assert_eq!(app.rows(&format!("SELECT VALUE state FROM ONLY nomination:{second}")).await, "under_review");

    // The coordinator raises the places; then it may be approved.
    let call_page: serde_json::Value =
        app.post(&coordinator, "/api/calls/get", &[("id", &call)]).await.json().await.unwrap();
    assert_eq!(call_page["record"]["approved"], 1);
    let too_few = raise(&app, &coordinator, &call, "0").await;
    assert_eq!(error_json(too_few).await["Invalid"]["errors"][0]["field"], "places");
    assert_eq!(raise(&app, &coordinator, &call, "2").await.status(), StatusCode::OK);
    let (status, body) = approve(&second).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(counts(&app, &call).await["approved"], 2);

    // Past its closing time the scheduler closes it once, on two runs at once, and the
    // coordinators get one summary each.
    app.state.clock.set_today("2027-01-16".parse().unwrap());
    let runs = app
        .race(2, |_| {
            let state = app.state.clone();
            async move { app::calls::service::close::run(&state).await.unwrap() }
        })
        .await;
    // (The demo's open calls may close on the same runs: the summaries are counted by call.)
    assert!(runs.iter().sum::<usize>() >= 1, "closed: {runs:?}");
    assert_eq!(app::calls::service::close::run(&app.state).await.unwrap(), 0, "a second run closes nothing");
    assert_eq!(counts(&app, &call).await["state"], "closed");
    let coordinators =
        app.rows("RETURN count(SELECT id FROM user WHERE role = 'coordinator' AND disabled = false)").await;
    let summaries = app
        .rows(&format!("SELECT text_body FROM notification WHERE event = 'call_closed' AND record_key = '{call}'"))
        .await;
    assert_eq!(summaries.as_array().unwrap().len() as i64, coordinators.as_i64().unwrap());
    let body = summaries[0]["text_body"].as_str().unwrap();
    assert!(body.contains("Nominations: 2") && body.contains("Sri Lanka (2)"), "{body}");

    // A closed call takes no new nomination, and says so at the call. (Eleven days on, the
    // sessions have lapsed: both sign in again.)
    let (nominator, coordinator) = (app.login_as("nominator").await, app.login_as("coordinator").await);
    let late = answer(&app, &nominator, &call, "Chamari Late", "2027-04-01", "2027-10-01").await;
    assert_eq!(late.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refusal = error_json(late).await;
    assert_eq!(refusal["Invalid"]["errors"][0]["field"], "call");
    assert!(refusal.to_string().contains("This call is closed"), "{refusal}");
    assert_eq!(app.rows("RETURN count(SELECT id FROM nomination WHERE officer_name = 'Chamari Late')").await, 0);
    assert_eq!(counts(&app, &call).await["answered"], 2);

    // The CSV lists it with its counts, and the audit trail has its steps.
    let csv = coordinator.get(app.url("/export/calls.csv")).send().await.unwrap().text().await.unwrap();
    assert!(csv.starts_with(
        "id,reference,title,host_agency,places,window_start,window_end,closes,state,nominations,approved"
    ));
    assert!(csv.contains("Document examination desk") && csv.contains(",closed,2,2"), "{csv}");
    let audit = app
        .rows(&format!(
            "SELECT VALUE action FROM audit_event WHERE record_table = 'call' AND record_key = '{call}' ORDER BY at"
        ))
        .await;
    assert_eq!(audit, serde_json::json!(["created", "publish", "updated", "closed"]));
}

async fn raise(app: &TestApp, coordinator: &reqwest::Client, call: &str, places: &str) -> reqwest::Response {
    let page: serde_json::Value = app.post(coordinator, "/api/calls/get", &[("id", call)]).await.json().await.unwrap();
    let r = &page["record"];
    let text = |field: &str| r[field].as_str().unwrap().to_string();
    let (closes_on, closes_time) =
        text("closes_local").split_once(' ').map(|(d, t)| (d.to_string(), t.to_string())).unwrap();
    let theme = r["themes"][0][0].as_str().unwrap().to_string();
    app.post(
        coordinator,
        "/api/calls/save",
        &[
            ("id", call),
            ("title", &text("title")),
            ("description", &text("description")),
            ("eligibility", &text("eligibility")),
            ("themes[]", &theme),
            ("host_agency", &text("host_agency_id")),
            ("places", places),
            ("window_start", &text("window_start")),
            ("window_end", &text("window_end")),
            ("closes_on", &closes_on),
            ("closes_time", &closes_time),
        ],
    )
    .await
}

#[tokio::test]
async fn a_nomination_outside_the_call_is_refused_at_its_field_and_nothing_changes() {
    let app = TestApp::start().await;
    app.state.clock.set_today("2027-01-05".parse().unwrap());
    let coordinator = app.login_as("coordinator").await;
    let nominator = app.login_as("nominator").await;
    let call = published_call(&app, &coordinator, "Open to Sri Lanka", "3", &[]).await;

    // Dates outside the window: at the dates.
    let outside = answer(&app, &nominator, &call, "Dinesh Early", "2027-02-01", "2028-02-01").await;
    let refusal = error_json(outside).await;
    let fields: Vec<&str> =
        refusal["Invalid"]["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["start_date", "end_date"], "{refusal}");

    // A call open to another member only: not shown, not answerable.
    let other_member =
        key_of(&app, "SELECT VALUE record::id(id) FROM member WHERE name != 'Sri Lanka' ORDER BY name LIMIT 1").await;
    let closed_to_us = published_call(&app, &coordinator, "Open to another member", "1", &[&other_member]).await;
    let list: serde_json::Value = app.post(&nominator, "/api/calls/list", &[]).await.json().await.unwrap();
    let seen: Vec<&str> = list["page"]["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(seen.contains(&call.as_str()) && !seen.contains(&closed_to_us.as_str()), "{seen:?}");
    assert_eq!(app.post(&nominator, "/api/calls/get", &[("id", &closed_to_us)]).await.status(), StatusCode::NOT_FOUND);
    let not_ours = answer(&app, &nominator, &closed_to_us, "Esala Other", "2027-04-01", "2027-10-01").await;
    let refusal = error_json(not_ours).await;
    assert_eq!(refusal["Invalid"]["errors"][0]["field"], "call");
    assert!(refusal.to_string().contains("not open to your member state"), "{refusal}");

    // A call that does not exist, a draft one, and a nominator's save of a call: refused.
    let missing = answer(&app, &nominator, "nosuchcall", "Farah Missing", "2027-04-01", "2027-10-01").await;
    assert_eq!(error_json(missing).await["Invalid"]["errors"][0]["field"], "call");
    assert_eq!(app.post(&nominator, "/api/calls/save", &[("title", "Mine")]).await.status(), StatusCode::FORBIDDEN);
    let answering = format!("RETURN count(SELECT id FROM nomination WHERE call IN [call:{call}, call:{closed_to_us}])");
    assert_eq!(app.rows(&answering).await, 0);
    assert_eq!(counts(&app, &call).await["answered"], 0);
    assert_eq!(counts(&app, &closed_to_us).await["answered"], 0);

    // A move that the state does not allow: a clear refusal.
    let again = app.post(&coordinator, "/api/calls/act", &[("id", &call), ("action", "publish")]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(error_json(again).await.to_string().contains("A call that is open cannot be published"));
}

#[tokio::test]
async fn two_approvals_racing_for_the_last_place_take_it_once() {
    let app = TestApp::start().await;
    app.state.clock.set_today("2027-01-05".parse().unwrap());
    let coordinator = app.login_as("coordinator").await;
    let nominator = app.login_as("nominator").await;
    let call = published_call(&app, &coordinator, "One place", "1", &[]).await;
    let a = submitted(&app, &nominator, &coordinator, &call, "Gayan One").await;
    let b = submitted(&app, &nominator, &coordinator, &call, "Hasini Two").await;
    let host =
        key_of(&app, "SELECT VALUE record::id(id) FROM agency WHERE name = 'Regional Support Office, Bangkok'").await;
    let forms: Vec<Vec<(&'static str, String)>> = [a, b]
        .iter()
        .map(|id| {
            let mut form = approval(&host);
            form.push(("id", id.clone()));
            form
        })
        .collect();
    let answers = app
        .race(2, |i| {
            let pairs: Vec<(&str, &str)> = forms[i].iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.posting(&coordinator, "/api/nominations/act", &pairs)
        })
        .await;
    let ok = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(ok, 1, "{answers:?}");
    assert_eq!(counts(&app, &call).await["approved"], 1);
    let placed = format!("RETURN count(SELECT id FROM placement WHERE nomination.call = call:{call})");
    assert_eq!(app.rows(&placed).await, 1);
}

#[tokio::test]
async fn the_demo_has_two_open_calls_and_a_closed_one_with_nominations_shown_on_their_pages() {
    let app = TestApp::start().await;
    let calls = app.rows("SELECT reference, state, answered, approved FROM call ORDER BY reference").await;
    assert_eq!(
        calls,
        serde_json::json!([
            { "reference": "CALL-DEMO-1", "state": "open", "answered": 0, "approved": 0 },
            { "reference": "CALL-DEMO-2", "state": "open", "answered": 0, "approved": 0 },
            { "reference": "CALL-DEMO-3", "state": "closed", "answered": 2, "approved": 1 },
        ])
    );
    let closed = key_of(&app, "SELECT VALUE record::id(id) FROM call WHERE reference = 'CALL-DEMO-3'").await;
    let coordinator = app.login_as("coordinator").await;
    let page = coordinator.get(app.url(&format!("/calls/{closed}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("2 nominations answer this call; 1 approved.") && page.contains("1 left of 2"), "{page}");
    assert!(page.contains("Submitted: 1") && page.contains("Approved: 1"));
    let list = coordinator.get(app.url("/calls")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("Information sharing officers, 2027") && list.contains("New call"));

    // The demo nominator (Sri Lanka) sees both open calls at home, not the closed one.
    let nominator = app.login_as("nominator").await;
    let home = nominator.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Open calls for nominations"), "{home}");
    assert!(home.contains("Document examination desk, RSO Bangkok") && home.contains("Maritime movement analysts"));
    assert!(!home.contains("Information sharing officers, 2027"));
    let open = key_of(&app, "SELECT VALUE record::id(id) FROM call WHERE reference = 'CALL-DEMO-1'").await;
    let form =
        nominator.get(app.url(&format!("/nominations/new?call={open}"))).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("Answering the call “Document examination desk, RSO Bangkok”"), "{form}");
    assert!(form.contains(&format!("name=\"call\" value=\"{open}\"")));
}
