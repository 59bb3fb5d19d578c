//! What the second security review found about sign-in limits and what unauthenticated callers
//! leave behind (M3, L3), and the calendar address's life (L4).

use std::net::{IpAddr, Ipv4Addr};

use reqwest::StatusCode;

use crate::common::{TestApp, DEMO_PASSWORD};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

async fn address_count(app: &TestApp) -> i64 {
    let key = app::auth::attempts::address_row(LOOPBACK);
    let rows = app.rows(&format!("SELECT VALUE failures FROM login_throttle:`{key}`")).await;
    rows.as_array().and_then(|a| a.first()).and_then(|v| v.as_i64()).unwrap_or(0)
}

async fn set_address_count(app: &TestApp, n: i64) {
    let key = app::auth::attempts::address_row(LOOPBACK);
    app.rows(&format!("UPSERT login_throttle:`{key}` SET failures = {n}, started = time::now()")).await;
}

#[tokio::test]
async fn m3_a_successful_sign_in_gives_its_address_back_once_per_account_and_window() {
    let app = TestApp::start().await;
    // Three sign-ins of one account from browsers it does not know (fresh clients).
    for _ in 0..3 {
        let client = app.client();
        let response =
            app.post(&client, "/api/login", &[("email", "nominator@demo.hub"), ("password", DEMO_PASSWORD)]).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(address_count(&app).await, 2, "three attempts counted, one given back");
    // Another account's sign-in gets its own give-back.
    let client = app.client();
    app.post(&client, "/api/login", &[("email", "host@demo.hub"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(address_count(&app).await, 2);
}

#[tokio::test]
async fn l3_an_address_past_its_limit_writes_no_row_for_a_made_up_account() {
    let app = TestApp::start().await;
    set_address_count(&app, app::auth::throttle::ADDRESS_LIMIT as i64).await;
    let client = app.client();
    let response = app
        .post(&client, "/api/login", &[("email", "made.up.person@nowhere.example"), ("password", "whatever-it-is")])
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let account = app::auth::attempts::account_row("made.up.person@nowhere.example");
    let rows = app.rows(&format!("SELECT * FROM login_throttle:`{account}`")).await;
    assert_eq!(rows, serde_json::json!([]), "no row for the made-up account");
}

#[tokio::test]
async fn l3_password_reset_requests_count_against_the_address() {
    let app = TestApp::start().await;
    let client = app.client();
    let before = address_count(&app).await;
    assert_eq!(
        app.post(&client, "/api/password/forgot", &[("email", "someone@demo.hub")]).await.status(),
        StatusCode::OK
    );
    assert_eq!(address_count(&app).await, before + 1);
    set_address_count(&app, app::auth::throttle::ADDRESS_LIMIT as i64).await;
    let refused = app.post(&client, "/api/password/forgot", &[("email", "someone@demo.hub")]).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn l3_the_daily_work_removes_expired_sessions_counts_and_unfinished_sign_ins() {
    let app = TestApp::start().await;
    // A live session, and rows from callers who never came back.
    let live = app.login_as("nominator").await;
    let client = app.client();
    app.post(&client, "/api/login", &[("email", "nobody.1@nowhere.example"), ("password", "wrong-password-1")]).await;
    app.login_as("host").await;
    assert!(app.count("login_throttle").await > 0);
    let sessions = app.count("session").await;
    assert_eq!(sessions, 2);
    // Two hours later the host's session has idled out, the counts' hour has ended.
    app.state.clock.advance(chrono::Duration::hours(2));
    app.rows(
        "CREATE pending_signin SET user = user:x, next = '/', known_device = false, created_at = time::now() - 1h",
    )
    .await;
    // The nominator keeps working (their session is touched).
    app.rows("UPDATE session SET last_seen_at = time::now() + 2h WHERE user.email = 'nominator@demo.hub'").await;
    app::placements::scheduler::run(&app.state).await.unwrap();
    assert_eq!(app.count("login_throttle").await, 0, "ended windows are gone");
    assert_eq!(app.count("pending_signin").await, 0);
    assert_eq!(app.count("session").await, 1, "only the touched session stays");
    let _ = live;
}

/// The calendar address of a signed-in client, as a path.
async fn calendar_path(app: &TestApp, client: &reqwest::Client) -> String {
    let url: String = app.post(client, "/api/calendar/link", &[]).await.json().await.unwrap();
    url.split_once("/calendar/").map(|(_, path)| format!("/calendar/{path}")).unwrap()
}

async fn feed_status(app: &TestApp, path: &str) -> StatusCode {
    app.client().get(app.url(path)).send().await.unwrap().status()
}

#[tokio::test]
async fn l4_a_password_change_voids_the_calendar_address() {
    let app = TestApp::start().await;
    let client = app.login_as("secondee").await;
    let path = calendar_path(&app, &client).await;
    assert_eq!(feed_status(&app, &path).await, StatusCode::OK);
    let response = app
        .post(
            &client,
            "/api/account/password",
            &[
                ("current_password", DEMO_PASSWORD),
                ("new_password", "another long passphrase"),
                ("confirm_password", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(feed_status(&app, &path).await, StatusCode::NOT_FOUND, "the old address no longer works");
    assert_ne!(calendar_path(&app, &client).await, path, "this browser stays signed in and has a new one");
}

#[tokio::test]
async fn l4_disabling_and_enabling_an_account_does_not_bring_its_old_calendar_address_back() {
    let app = TestApp::start().await;
    let secondee = app.login_as("secondee").await;
    let path = calendar_path(&app, &secondee).await;
    let key = app.first_key("SELECT VALUE record::id(id) FROM user WHERE email = 'secondee@demo.hub'").await;
    let name = app.rows("SELECT VALUE name FROM user WHERE email = 'secondee@demo.hub'").await[0]
        .as_str()
        .unwrap()
        .to_string();
    let admin = app.login_as("admin").await;
    let base = [("id", key.as_str()), ("email", "secondee@demo.hub"), ("name", name.as_str()), ("role", "secondee")];
    let mut disable = base.to_vec();
    disable.push(("disabled", "on"));
    assert_eq!(app.post(&admin, "/api/users/save", &disable).await.status(), StatusCode::OK);
    assert_eq!(app.post(&admin, "/api/users/save", &base).await.status(), StatusCode::OK);
    assert_eq!(feed_status(&app, &path).await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn l4_a_password_reset_voids_the_calendar_address() {
    let app = TestApp::start().await;
    let secondee = app.login_as("secondee").await;
    let path = calendar_path(&app, &secondee).await;
    let user = app.first_key("SELECT VALUE record::id(id) FROM user WHERE email = 'secondee@demo.hub'").await;
    // A reset link as the mail would carry it.
    let token = issue_reset(&app, &user).await;
    let response = app
        .post(
            &app.client(),
            "/api/password/reset",
            &[
                ("token", &token),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    assert_eq!(feed_status(&app, &path).await, StatusCode::NOT_FOUND);
}

async fn issue_reset(app: &TestApp, user_key: &str) -> String {
    let user = surrealdb::types::RecordId::new("user", user_key.to_string());
    let user = &user;
    app::db::transact(&app.state, |tx| async move {
        app::auth::tokens::issue(&tx, user, app::auth::tokens::Purpose::Reset).await.map(|(token, _)| token)
    })
    .await
    .unwrap()
}
