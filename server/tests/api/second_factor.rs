//! The second factor: enrolment of staff, app codes (once, with drift), recovery codes (once),
//! the five-minute second step and its throttle, an administrator's reset, the sign-in
//! history and its new-browser mail, and the secret kept sealed.

use reqwest::{Client, StatusCode};

use crate::common::{base32_decode, error_json, TestApp};

const PASSWORD: &str = "a long enough passphrase";

/// Creates a user of `role` with a password, through the administrators' form.
pub async fn create_user(app: &TestApp, email: &str, role: &str) {
    let admin = app.login_as("admin").await;
    let response = app
        .post(
            &admin,
            "/api/users/save",
            &[("email", email), ("name", "Test Person"), ("role", role), ("new_password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
}

/// The unix time of the app's clock.
fn now(app: &TestApp) -> u64 {
    app.state.clock.now().timestamp() as u64
}

/// The app's secret from the enrolment view (base32 in groups), as bytes.
async fn enrolment_secret(app: &TestApp, client: &Client) -> Vec<u8> {
    let response = app.post(client, "/api/account/app/setup", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: serde_json::Value = response.json().await.unwrap();
    assert!(view["qr_svg"].as_str().unwrap().starts_with("<?xml") || view["qr_svg"].as_str().unwrap().contains("<svg"));
    base32_decode(&view["secret"].as_str().unwrap().replace(' ', ""))
}

fn code(app: &TestApp, secret: &[u8], offset_seconds: i64) -> String {
    app::auth::totp::code_at(secret, (now(app) as i64 + offset_seconds) as u64)
}

/// Signs in with the password only; answers the client and the step the server asked for.
async fn password_step(app: &TestApp, email: &str) -> (Client, String) {
    let client = app.client();
    let response = app.post(&client, "/api/login", &[("email", email), ("password", PASSWORD)]).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    let step: String = response.json().await.unwrap();
    (client, step)
}

/// A coordinator who set up an app: their secret and recovery codes.
async fn enrolled_coordinator(app: &TestApp, email: &str) -> (Vec<u8>, Vec<String>) {
    create_user(app, email, "coordinator").await;
    let (client, step) = password_step(app, email).await;
    assert_eq!(step, "signed_in", "no second factor yet");
    let secret = enrolment_secret(app, &client).await;
    let response = app.post(&client, "/api/account/app/confirm", &[("code", &code(app, &secret, 0))]).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    let shown: Option<Vec<String>> = app.post(&client, "/api/account/recovery/show", &[]).await.json().await.unwrap();
    (secret, shown.expect("the codes are shown once"))
}

#[tokio::test]
async fn a_coordinator_without_a_second_factor_is_sent_to_enrol_before_any_other_page() {
    let app = TestApp::start().await;
    create_user(&app, "new.coordinator@rso.example", "coordinator").await;
    let (client, _) = password_step(&app, "new.coordinator@rso.example").await;
    // An API call is refused with its reason; the enrolment itself is open.
    let refused = app.post(&client, "/api/nominations/list", &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_json(refused).await, serde_json::json!("SecondFactorRequired"));
    assert_eq!(app.post(&client, "/api/account/security", &[]).await.status(), StatusCode::OK);
    // A page is redirected to the enrolment page.
    let browser = app.browser();
    app.post(&browser, "/api/login", &[("email", "new.coordinator@rso.example"), ("password", PASSWORD)]).await;
    for page in ["/", "/nominations", "/account", "/admin/members"] {
        let response = browser.get(app.url(page)).send().await.unwrap();
        assert_eq!(
            response.headers().get("location").map(|l| l.to_str().unwrap()),
            Some("/account/two-factor"),
            "{page}"
        );
    }
    let enrol = browser.get(app.url("/account/two-factor")).send().await.unwrap();
    assert_eq!(enrol.status(), StatusCode::OK);
    let html = enrol.text().await.unwrap();
    assert!(html.contains("<svg") && html.contains("totp-secret"), "the QR code and the secret as text");
    // The demo's own coordinator is exempt in a demo database.
    let demo = app.login_as("coordinator").await;
    assert_eq!(app.post(&demo, "/api/nominations/list", &[]).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_app_code_signs_in_once_within_one_step_of_drift() {
    let app = TestApp::start().await;
    let email = "ana@rso.example";
    let (secret, _) = enrolled_coordinator(&app, email).await;

    let (client, step) = password_step(&app, email).await;
    assert_eq!(step, "second_factor");
    assert_eq!(app.post(&client, "/api/home", &[]).await.status(), StatusCode::UNAUTHORIZED, "not yet signed in");
    let wrong = app.post(&client, "/api/login/verify", &[("code", "000000")]).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_json(wrong).await["Invalid"]["errors"][0]["field"], "code");
    let stale = app.post(&client, "/api/login/verify", &[("code", &code(&app, &secret, -90))]).await;
    assert_eq!(stale.status(), StatusCode::UNPROCESSABLE_ENTITY, "three steps old");
    // Enrolment used the current step; the next one (the phone a little ahead) is accepted.
    let right = code(&app, &secret, 30);
    assert_eq!(app.post(&client, "/api/login/verify", &[("code", &right)]).await.status(), StatusCode::OK);
    assert_eq!(app.post(&client, "/api/home", &[]).await.status(), StatusCode::OK);

    // The same code again, at another sign-in, is a replay.
    let (other, _) = password_step(&app, email).await;
    let replay = app.post(&other, "/api/login/verify", &[("code", &right)]).await;
    assert_eq!(replay.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_json(replay).await.to_string().contains("already used"));
    assert_eq!(app.post(&other, "/api/home", &[]).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_and_a_new_set_voids_the_old() {
    let app = TestApp::start().await;
    let email = "ben@rso.example";
    let (_, codes) = enrolled_coordinator(&app, email).await;
    assert_eq!(codes.len(), 10);
    assert_eq!(codes.iter().collect::<std::collections::BTreeSet<_>>().len(), 10, "all different");

    let (client, _) = password_step(&app, email).await;
    let upper = codes[0].to_uppercase().replace('-', " ");
    assert_eq!(app.post(&client, "/api/login/verify", &[("code", &upper)]).await.status(), StatusCode::OK);
    let (again, _) = password_step(&app, email).await;
    let second_use = app.post(&again, "/api/login/verify", &[("code", &codes[0])]).await;
    assert_eq!(second_use.status(), StatusCode::UNPROCESSABLE_ENTITY, "a code works once");

    // A new set: the old codes stop working, the new ones are shown once.
    assert_eq!(app.post(&client, "/api/account/recovery/renew", &[]).await.status(), StatusCode::OK);
    let fresh: Option<Vec<String>> = app.post(&client, "/api/account/recovery/show", &[]).await.json().await.unwrap();
    let fresh = fresh.unwrap();
    let shown_again: Option<Vec<String>> =
        app.post(&client, "/api/account/recovery/show", &[]).await.json().await.unwrap();
    assert_eq!(shown_again, None, "shown once");
    let (third, _) = password_step(&app, email).await;
    assert_eq!(
        app.post(&third, "/api/login/verify", &[("code", &codes[1])]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.post(&third, "/api/login/verify", &[("code", &fresh[1])]).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_second_step_expires_after_five_minutes_and_is_throttled() {
    let app = TestApp::start().await;
    let email = "cai@rso.example";
    let (secret, _) = enrolled_coordinator(&app, email).await;
    let (client, _) = password_step(&app, email).await;
    app.state.clock.advance(chrono::Duration::minutes(6));
    let late = app.post(&client, "/api/login/verify", &[("code", &code(&app, &secret, 0))]).await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    assert!(error_json(late).await.to_string().contains("expired"));

    let (client, _) = password_step(&app, email).await;
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(app.post(&client, "/api/login/verify", &[("code", "123456")]).await.status());
    }
    assert!(statuses[..10].iter().all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY), "{statuses:?}");
    assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS);
    // Past the limit even the right code waits.
    let right = app.post(&client, "/api/login/verify", &[("code", &code(&app, &secret, 0))]).await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn two_right_codes_sent_at_once_sign_in_once() {
    let app = TestApp::start().await;
    let email = "dao@rso.example";
    let (secret, _) = enrolled_coordinator(&app, email).await;
    let (client, _) = password_step(&app, email).await;
    let right = code(&app, &secret, 30);
    let answers = app.race(4, |_| app.posting(&client, "/api/login/verify", &[("code", &right)])).await;
    let ok = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(ok, 1, "{answers:?}");
    let sessions = app.rows("SELECT VALUE id FROM session WHERE user.email = 'dao@rso.example'").await;
    assert_eq!(sessions.as_array().unwrap().len(), 2, "the enrolment's and one new: {sessions}");
}

#[tokio::test]
async fn the_secret_is_kept_sealed_never_in_clear() {
    let app = TestApp::start().await;
    let email = "eka@rso.example";
    let (secret, codes) = enrolled_coordinator(&app, email).await;
    let row = app.rows("SELECT * FROM user WHERE email = 'eka@rso.example'").await.to_string().to_lowercase();
    let base32 = app::auth::totp::base32(&secret).to_lowercase();
    assert!(!row.contains(&base32) && !row.contains(&hex(&secret)), "the secret is not stored in clear");
    let stored = app.rows("SELECT * FROM recovery_code").await.to_string();
    for code in &codes {
        assert!(!stored.contains(&code.replace('-', "")) && !stored.contains(code), "recovery codes are digests");
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn an_administrator_resets_a_lost_second_factor_with_a_reason() {
    let app = TestApp::start().await;
    let email = "fay@rso.example";
    enrolled_coordinator(&app, email).await;
    let key = app.first_key("SELECT VALUE record::id(id) FROM user WHERE email = 'fay@rso.example'").await;
    let admin = app.login_as("admin").await;

    let no_reason = app.post(&admin, "/api/users/second-factor/reset", &[("id", &key), ("reason", " ")]).await;
    assert_eq!(error_json(no_reason).await["Invalid"]["errors"][0]["field"], "reason");
    let refused = app
        .post(&app.login_as("coordinator").await, "/api/users/second-factor/reset", &[("id", &key), ("reason", "x")])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "administrators only");

    let response = app
        .post(
            &admin,
            "/api/users/second-factor/reset",
            &[("id", &key), ("reason", "lost phone, confirmed by telephone")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    let audit = app.rows("SELECT VALUE after FROM audit_event WHERE action = 'second_factor_reset'").await.to_string();
    assert!(audit.contains("lost phone"), "{audit}");
    let mail = app
        .rows("SELECT VALUE text_body FROM notification WHERE event = 'second_factor_reset' AND recipient_email = 'fay@rso.example'")
        .await
        .to_string();
    assert!(mail.contains("lost phone") && mail.contains("By:"), "{mail}");
    // Signed out, and sent to enrol again at the next sign-in.
    let (client, step) = password_step(&app, email).await;
    assert_eq!(step, "signed_in");
    assert_eq!(app.post(&client, "/api/home", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("recovery_code").await, 0);
}

#[tokio::test]
async fn nobody_removes_the_last_administrators_second_factor() {
    let app = TestApp::start().await;
    // The demo's administrator is the only one: not even they may reset their own.
    let own = app.first_key("SELECT VALUE record::id(id) FROM user WHERE email = 'admin@demo.hub'").await;
    let admin = app.login_as("admin").await;
    let own_reset = app.post(&admin, "/api/users/second-factor/reset", &[("id", &own), ("reason", "test")]).await;
    assert_eq!(own_reset.status(), StatusCode::CONFLICT);
    // An administrator with an app cannot remove it without another factor.
    let email = "second.admin@rso.example";
    create_user(&app, email, "admin").await;
    let (client, _) = password_step(&app, email).await;
    let secret = enrolment_secret(&app, &client).await;
    assert_eq!(
        app.post(&client, "/api/account/app/confirm", &[("code", &code(&app, &secret, 0))]).await.status(),
        StatusCode::OK
    );
    let remove = app.post(&client, "/api/account/app/remove", &[("code", &code(&app, &secret, 30))]).await;
    assert_eq!(remove.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_json(remove).await.to_string().contains("must keep a second factor"));
    let stored = app.rows("SELECT VALUE second_factor FROM user WHERE email = 'second.admin@rso.example'").await;
    assert_eq!(stored, serde_json::json!([true]));
}

#[tokio::test]
async fn sign_ins_are_listed_and_a_new_browser_is_told_by_mail() {
    let app = TestApp::start().await;
    let email = "gus@rso.example";
    create_user(&app, email, "secondee").await;
    let new_browser_mails = || async {
        app.rows("SELECT VALUE text_body FROM notification WHERE event = 'new_sign_in'")
            .await
            .as_array()
            .unwrap()
            .clone()
    };
    let (first, _) = password_step(&app, email).await;
    assert!(new_browser_mails().await.is_empty(), "the very first sign-in is no news");
    // The same browser again (it holds the device cookie): no mail.
    let again = app.post(&first, "/api/login", &[("email", email), ("password", PASSWORD)]).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert!(new_browser_mails().await.is_empty());
    // Another browser: a mail to the owner, naming it.
    let chrome = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
        .build()
        .unwrap();
    let response = app.post(&chrome, "/api/login", &[("email", email), ("password", PASSWORD)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mails = new_browser_mails().await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].as_str().unwrap().contains("Chrome on Windows"));

    let overview: serde_json::Value = app.post(&first, "/api/account/security", &[]).await.json().await.unwrap();
    let sign_ins = overview["sign_ins"].as_array().unwrap();
    assert_eq!(sign_ins.len(), 3);
    assert_eq!(sign_ins[0]["browser"], "Chrome on Windows", "newest first");
    assert_eq!(sign_ins[0]["new_browser"], true);
    assert_eq!(sign_ins[0]["factor"], "Password");
    assert!(sign_ins[0]["when"].as_str().unwrap().ends_with("(Asia/Bangkok)"), "office time");
    assert_eq!(sign_ins[0]["address"], "127.0.0.1");
}
