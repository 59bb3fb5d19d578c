//! Sign-in, sessions and passwords against a real embedded database.

use std::time::{Duration, Instant};

use crate::common::{error_json, TestApp, DEMO_PASSWORD};
use reqwest::StatusCode;

#[tokio::test]
async fn login_sets_a_fresh_httponly_session_cookie() {
    let app = TestApp::start().await;
    let client = app.client();
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let response =
            app.post(&client, "/api/login", &[("email", "Admin@Demo.Hub "), ("password", DEMO_PASSWORD)]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
        assert!(
            cookie.starts_with("hub_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert!(!cookie.contains("Secure"), "plain http public URL");
        let token = cookie.trim_start_matches("hub_session=").split(';').next().unwrap().to_string();
        assert!(token.len() >= 32, "at least 128 bits");
        tokens.push(token);
    }
    assert_ne!(tokens[0], tokens[1], "a new token at every login");
    // The database holds hashes of tokens, never the tokens.
    let sessions = app.rows("SELECT VALUE record::id(id) FROM session").await.to_string();
    assert!(!sessions.contains(&tokens[1]));
    // Logging in again ended the earlier session.
    assert_eq!(app.count("session").await, 1);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let app = TestApp::start().await;
    let client = app.client();
    let mut timings = [Vec::new(), Vec::new()];
    let mut bodies = Vec::new();
    for round in 0..5 {
        for (i, email) in ["admin@demo.hub", "nobody@demo.hub"].iter().enumerate() {
            let started = Instant::now();
            let response =
                app.post(&client, "/api/login", &[("email", email), ("password", "wrong-password-123")]).await;
            timings[i].push(started.elapsed());
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let body = error_json(response).await;
            if round == 0 {
                bodies.push(body);
            }
        }
    }
    assert_eq!(bodies[0], bodies[1], "same message for both");
    assert!(bodies[0].to_string().contains("not correct"));
    // Both paths run one argon2 verification; a missing account must not answer much faster.
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (wrong, unknown) = (median(&mut timings[0]), median(&mut timings[1]));
    println!("median wrong password {wrong:?}, unknown e-mail {unknown:?}");
    assert!(unknown * 2 >= wrong, "unknown e-mail answered in {unknown:?}, wrong password in {wrong:?}");
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::start().await;
    let client = app.login_as("coordinator").await;
    assert_eq!(app.post(&client, "/api/home", &[]).await.status(), StatusCode::OK);
    assert_eq!(app.post(&client, "/api/logout", &[]).await.status(), StatusCode::OK);
    assert_eq!(app.post(&client, "/api/home", &[]).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("session").await, 0, "no session rows left");
}

#[tokio::test]
async fn disabling_a_user_signs_them_out_everywhere() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let admin = app.login_as("admin").await;
    let key = app.rows("SELECT VALUE record::id(id) FROM user WHERE email = 'nominator@demo.hub'").await[0]
        .as_str()
        .unwrap()
        .to_string();
    let agency = app.rows("SELECT VALUE record::id(agency) FROM user WHERE email = 'nominator@demo.hub'").await[0]
        .as_str()
        .unwrap()
        .to_string();
    let response = app
        .post(
            &admin,
            "/api/users/save",
            &[
                ("id", &key),
                ("email", "nominator@demo.hub"),
                ("name", "Nimal Perera"),
                ("role", "nominator"),
                ("agency", &agency),
                ("disabled", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    assert_eq!(app.post(&nominator, "/api/home", &[]).await.status(), StatusCode::UNAUTHORIZED);
    // And cannot sign in again, with the same message as a wrong password.
    let retry =
        app.post(&app.client(), "/api/login", &[("email", "nominator@demo.hub"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(retry.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions() {
    let app = TestApp::start().await;
    let here = app.login_as("host").await;
    let elsewhere = app.login_as("host").await;
    let weak = app
        .post(
            &here,
            "/api/account/password",
            &[
                ("current_password", DEMO_PASSWORD),
                ("new_password", "password1234"),
                ("confirm_password", "password1234"),
            ],
        )
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_json(weak).await.to_string().contains("new_password"));
    let wrong_current = app
        .post(
            &here,
            "/api/account/password",
            &[
                ("current_password", "not-my-password"),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert!(error_json(wrong_current).await.to_string().contains("current_password"));

    let ok = app
        .post(
            &here,
            "/api/account/password",
            &[
                ("current_password", DEMO_PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(
        app.post(&elsewhere, "/api/home", &[]).await.status(),
        StatusCode::UNAUTHORIZED,
        "the other session ended"
    );
    assert_eq!(app.post(&here, "/api/home", &[]).await.status(), StatusCode::OK, "this browser stays signed in");
    app.login("host@demo.hub", "a brand new passphrase").await;
    let audit = app.rows("SELECT VALUE action FROM audit_event WHERE action = 'password_changed'").await;
    assert_eq!(audit, serde_json::json!(["password_changed"]));
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account() {
    let app = TestApp::start().await;
    let client = app.client();
    for _ in 0..app::auth::throttle::ACCOUNT_LIMIT {
        let r = app.post(&client, "/api/login", &[("email", "donor@demo.hub"), ("password", "guessing-wrong-1")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Now even the right password waits until the window ends.
    let r = app.post(&client, "/api/login", &[("email", "donor@demo.hub"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(error_json(r).await.to_string().contains("try again in"));
    // Other accounts are not affected by this account's limit.
    app.login_as("secondee").await;
    // Not for good: once the window has passed, the owner signs in.
    app.state.db.query("UPDATE login_throttle SET started = time::now() - 61m").await.unwrap().check().unwrap();
    app.login_as("donor").await;
}

#[tokio::test]
async fn expired_sessions_are_refused() {
    let app = TestApp::start().await;
    let client = app.login_as("secondee").await;
    app.state.db.query("UPDATE session SET last_seen_at = time::now() - 31m").await.unwrap().check().unwrap();
    assert_eq!(app.post(&client, "/api/home", &[]).await.status(), StatusCode::UNAUTHORIZED, "30 min idle");
    let client = app.login_as("secondee").await;
    app.state.db.query("UPDATE session SET created_at = time::now() - 12h").await.unwrap().check().unwrap();
    assert_eq!(app.post(&client, "/api/home", &[]).await.status(), StatusCode::UNAUTHORIZED, "12 h absolute");
}

#[tokio::test]
async fn the_daily_purge_removes_account_links_long_expired_and_keeps_recent_ones() {
    let app = TestApp::start().await;
    let now = app.state.clock.now();
    let kept = app::auth::tokens::KEPT_DAYS_AFTER_EXPIRY;
    let at = |days: i64| format!("d'{}'", (now - chrono::Duration::days(days)).to_rfc3339());
    let user = "(SELECT VALUE id FROM user WHERE email = 'coordinator@demo.hub')[0]";
    for (key, expired_days_ago) in [("long_expired", kept + 1), ("recently_expired", kept - 1), ("valid", -1)] {
        app.rows(&format!(
            "CREATE account_token:{key} SET purpose = 'reset', user = {user}, created_at = {}, expires_at = {}",
            at(expired_days_ago + 1),
            at(expired_days_ago)
        ))
        .await;
    }
    app::auth::purge::run(&app.state).await.unwrap();
    let left = app
        .rows("SELECT VALUE record::id(id) FROM account_token WHERE record::id(id) IN ['long_expired', 'recently_expired', 'valid'] ORDER BY id")
        .await;
    assert_eq!(left, serde_json::json!(["recently_expired", "valid"]), "only the link expired past {kept} days goes");
}
