//! Expressions of interest: the public form held until its address is confirmed (once), the
//! coordinators' queue, acceptance creating the agency, the member and the focal point's
//! invitation, a decline e-mailed with its reason, the guards against abuse and the purge.

use reqwest::StatusCode;

use crate::common::{error_json, TestApp};

/// The public page's signed form start, as an anonymous visitor gets it.
async fn form_start(app: &TestApp, visitor: &reqwest::Client) -> String {
    let page: serde_json::Value = app.post(visitor, "/api/programme/page", &[]).await.json().await.unwrap();
    page["form_started"].as_str().unwrap().to_string()
}

fn enquiry<'a>(started: &'a str, email: &'a str, agency: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("started", started),
        ("website", ""),
        ("agency_name", agency),
        ("member", "another"),
        ("other_state", "Republic of Example"),
        ("contact_name", "Dewi Lestari"),
        ("email", email),
        ("contact_role", "Head of international cooperation"),
        ("hosting", "on"),
        ("sending", "on"),
        ("message", "We would like to host two officers next year."),
    ]
}

/// Sends an enquiry as a person would: the page first, the form a few seconds later.
async fn send(app: &TestApp, visitor: &reqwest::Client, email: &str, agency: &str) -> reqwest::Response {
    let started = form_start(app, visitor).await;
    app.state.clock.advance(chrono::Duration::seconds(10));
    app.post(visitor, "/api/programme/enquire", &enquiry(&started, email, agency)).await
}

async fn token_for(app: &TestApp, email: &str) -> String {
    let rows = app
        .rows(&format!(
            "SELECT VALUE secret FROM notification WHERE event = 'enquiry_confirm' AND recipient_email = '{email}'"
        ))
        .await;
    rows[0].as_str().expect("a confirmation link").to_string()
}

async fn enquiry_state(app: &TestApp, email: &str) -> serde_json::Value {
    app.rows(&format!("SELECT VALUE state FROM enquiry WHERE email = '{email}'")).await
}

#[tokio::test]
async fn an_enquiry_is_confirmed_once_then_accepted_as_a_new_agency_with_its_focal_point_invited() {
    let app = TestApp::start().await;
    let visitor = app.client();
    let sent = send(&app, &visitor, "dewi@immigration.example", "Immigration Service of Example").await;
    assert_eq!(sent.status(), StatusCode::OK, "{}", sent.text().await.unwrap());
    assert_eq!(enquiry_state(&app, "dewi@immigration.example").await, serde_json::json!(["unconfirmed"]));
    let stored_link = app.rows("SELECT VALUE link FROM notification WHERE event = 'enquiry_confirm'").await;
    assert!(stored_link[0].as_str().unwrap().contains("__HUB_SECRET__"), "the stored link hides the token");

    // Not in the queue before it is confirmed.
    let coordinator = app.login_as("coordinator").await;
    let queue: serde_json::Value = app.post(&coordinator, "/api/interest/list", &[]).await.json().await.unwrap();
    assert!(queue["items"].as_array().unwrap().iter().all(|e| e["email"] != "dewi@immigration.example"));

    // The link confirms it once; the coordinators are told; a second use is refused.
    let token = token_for(&app, "dewi@immigration.example").await;
    let confirmed = app.post(&visitor, "/api/programme/confirm", &[("token", &token)]).await;
    assert_eq!(confirmed.status(), StatusCode::OK, "{}", confirmed.text().await.unwrap());
    assert_eq!(enquiry_state(&app, "dewi@immigration.example").await, serde_json::json!(["new"]));
    assert_eq!(app.rows("RETURN count(SELECT id FROM notification WHERE event = 'enquiry_received')").await, 1);
    let again = error_json(app.post(&visitor, "/api/programme/confirm", &[("token", &token)]).await).await;
    assert_eq!(again["Invalid"]["errors"][0]["field"], "token");
    assert!(again.to_string().contains("already confirmed"), "{again}");
    let forged =
        error_json(app.post(&visitor, "/api/programme/confirm", &[("token", &format!("{token}0"))]).await).await;
    assert_eq!(forged["Invalid"]["errors"][0]["field"], "token");

    // The coordinator accepts it: a new member, its agency, and the contact invited.
    let id = app.first_key("SELECT VALUE record::id(id) FROM enquiry WHERE email = 'dewi@immigration.example'").await;
    let page: serde_json::Value =
        app.post(&coordinator, "/api/interest/get", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(page["enquiry"]["member"][1], "Republic of Example");
    let accept = [
        ("id", id.as_str()),
        ("agency_name", "Immigration Service of Example"),
        ("member", "another"),
        ("member_name", "Republic of Example"),
        ("member_iso", "EXA"),
        ("hosts", "on"),
        ("sends", "on"),
        ("contact_name", "Dewi Lestari"),
        ("contact_email", "dewi@immigration.example"),
    ];
    let accepted = app.post(&coordinator, "/api/interest/accept", &accept).await;
    assert_eq!(accepted.status(), StatusCode::OK, "{}", accepted.text().await.unwrap());
    let made = app
        .rows(
            "SELECT role, agency.name AS agency, agency.member.name AS member, agency.member.iso_code AS iso
             FROM ONLY user WHERE email = 'dewi@immigration.example'",
        )
        .await;
    assert_eq!(
        made,
        serde_json::json!({ "role": "nominator", "agency": "Immigration Service of Example", "member": "Republic of Example", "iso": "EXA" })
    );
    assert_eq!(
        app.rows("RETURN count(SELECT id FROM notification WHERE event = 'invitation' AND recipient_email = 'dewi@immigration.example')").await,
        1
    );
    assert_eq!(enquiry_state(&app, "dewi@immigration.example").await, serde_json::json!(["accepted"]));
    // Accepting twice is refused, and makes nothing more.
    let twice = app.post(&coordinator, "/api/interest/accept", &accept).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    assert_eq!(app.rows("RETURN count(SELECT id FROM agency WHERE name = 'Immigration Service of Example')").await, 1);
    let audit = app
        .rows(&format!(
            "SELECT VALUE action FROM audit_event WHERE record_table = 'enquiry' AND record_key = '{id}' ORDER BY at"
        ))
        .await;
    assert_eq!(audit, serde_json::json!(["confirmed", "accept"]));
}

#[tokio::test]
async fn a_declined_enquiry_is_told_why_and_a_nominator_cannot_decide_one() {
    let app = TestApp::start().await;
    let visitor = app.client();
    assert_eq!(send(&app, &visitor, "somchai@police.example", "Police of Example").await.status(), StatusCode::OK);
    let token = token_for(&app, "somchai@police.example").await;
    assert_eq!(app.post(&visitor, "/api/programme/confirm", &[("token", &token)]).await.status(), StatusCode::OK);
    let id = app.first_key("SELECT VALUE record::id(id) FROM enquiry WHERE email = 'somchai@police.example'").await;
    let coordinator = app.login_as("coordinator").await;
    let nominator = app.login_as("nominator").await;
    assert_eq!(app.post(&nominator, "/api/interest/get", &[("id", &id)]).await.status(), StatusCode::FORBIDDEN);
    let noted = app
        .post(&coordinator, "/api/interest/act", &[("id", &id), ("action", "discuss"), ("notes", "Call on Tuesday.")])
        .await;
    assert_eq!(noted.status(), StatusCode::OK);
    let no_reason = app.post(&coordinator, "/api/interest/act", &[("id", &id), ("action", "decline")]).await;
    assert_eq!(error_json(no_reason).await["Invalid"]["errors"][0]["field"], "reason");
    let declined = app
        .post(
            &coordinator,
            "/api/interest/act",
            &[("id", &id), ("action", "decline"), ("reason", "Not a law-enforcement body.")],
        )
        .await;
    assert_eq!(declined.status(), StatusCode::OK);
    let row = app.rows(&format!("SELECT state, notes, decline_reason FROM ONLY enquiry:{id}")).await;
    assert_eq!(
        row,
        serde_json::json!({ "state": "declined", "notes": "Call on Tuesday.", "decline_reason": "Not a law-enforcement body." })
    );
    let body = app.rows("SELECT VALUE text_body FROM notification WHERE event = 'enquiry_declined'").await;
    assert!(body[0].as_str().unwrap().contains("Not a law-enforcement body."));
}

#[tokio::test]
async fn bad_input_and_bots_are_refused_at_their_field_and_nothing_is_kept() {
    let app = TestApp::start().await;
    let demo = app.count("enquiry").await;
    let visitor = app.client();
    let started = form_start(&app, &visitor).await;
    app.state.clock.advance(chrono::Duration::seconds(10));
    let refused = |form: Vec<(&'static str, String)>| {
        let app = &app;
        let visitor = visitor.clone();
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let response = app.post(&visitor, "/api/programme/enquire", &pairs).await;
            let status = response.status();
            (status, error_json(response).await)
        }
    };
    let with = |field: &'static str, value: String| {
        let mut form: Vec<(&'static str, String)> =
            enquiry(&started, "ok@agency.example", "Agency").into_iter().map(|(k, v)| (k, v.to_string())).collect();
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        form
    };
    let (status, e) = refused(with("email", "not an address".into())).await;
    assert_eq!(
        (status, e["Invalid"]["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("email"))
    );
    let (_, e) = refused(with("agency_name", "x".repeat(100 * 1024))).await;
    assert_eq!(e["Invalid"]["errors"][0]["field"], "agency_name");
    let (_, e) = refused(with("message", "<script>alert(1)</script>".repeat(100))).await;
    assert_eq!(e["Invalid"]["errors"][0]["field"], "message");
    // A filled hidden field, a form sent at once, and a made-up start: refused as a whole.
    let (status, _) = refused(with("website", "http://spam.example".into())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fresh = form_start(&app, &visitor).await;
    let (_, e) = refused(with("started", fresh)).await;
    assert!(e.to_string().contains("That was quick"), "{e}");
    let (_, e) = refused(with("started", "1700000000.deadbeef".into())).await;
    assert!(e.to_string().contains("load the page again"), "{e}");
    assert_eq!(app.count("enquiry").await, demo, "nothing was kept");
    assert_eq!(app.rows("RETURN count(SELECT id FROM notification WHERE event = 'enquiry_confirm')").await, 0);

    // Three a day per address, then at the address; five an hour per network, then 429.
    for _ in 0..3 {
        assert_eq!(send(&app, &visitor, "same@agency.example", "Agency").await.status(), StatusCode::OK);
    }
    let fourth = send(&app, &visitor, "same@agency.example", "Agency").await;
    assert_eq!(error_json(fourth).await["Invalid"]["errors"][0]["field"], "email");
    for n in 0..2 {
        let other = format!("other{n}@agency.example");
        assert_eq!(send(&app, &visitor, &other, "Agency").await.status(), StatusCode::OK);
    }
    let sixth = send(&app, &visitor, "sixth@agency.example", "Agency").await;
    assert_eq!(sixth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.count("enquiry").await, demo + 5);

    // Unconfirmed, they are deleted after seven days with their mail.
    app.state.clock.advance(chrono::Duration::days(8));
    app::interest::service::public::purge(&app.state).await.unwrap();
    assert_eq!(app.count("enquiry").await, demo, "the demo's are confirmed");
    assert_eq!(app.rows("RETURN count(SELECT id FROM notification WHERE record_table = 'enquiry')").await, 0);
}

#[tokio::test]
async fn the_demo_has_three_enquiries_in_different_states_in_the_queue_and_its_pages() {
    let app = TestApp::start().await;
    let states = app.rows("SELECT VALUE state FROM enquiry ORDER BY reference").await;
    assert_eq!(states, serde_json::json!(["new", "in_discussion", "declined"]));
    let coordinator = app.login_as("coordinator").await;
    let queue = coordinator.get(app.url("/interest")).send().await.unwrap().text().await.unwrap();
    assert!(queue.contains("National Border Agency") && queue.contains("In discussion: 1"), "{queue}");
    let public = app.client().get(app.url("/programme")).header("accept", "text/html").send().await.unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    let public = public.text().await.unwrap();
    assert!(
        public.contains("Express your agency") && public.contains("Document examination desk, RSO Bangkok"),
        "{public}"
    );
    assert!(!public.contains("Maritime movement analysts"), "a call open to chosen members is not on the public page");
}
