//! The hardening of sign-in, redirects, tokens, uploads and headers. Each test failed on the code
//! before its fix; the ones about limits send their requests in parallel.

use reqwest::header::{CONTENT_SECURITY_POLICY, LOCATION, SET_COOKIE};
use reqwest::StatusCode;

use crate::common::{encode, TestApp, DEMO_PASSWORD};
use app::auth::throttle::ADDRESS_LIMIT;

fn count(answers: &[StatusCode], status: StatusCode) -> usize {
    answers.iter().filter(|s| **s == status).count()
}

#[tokio::test]
async fn sign_in_never_redirects_to_another_site() {
    let app = TestApp::start().await;
    let evil = [
        "/\t/evil.example",
        "/\r\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "/%2F%2Fevil.example",
        "/%09/evil.example",
        "https://evil.example/",
    ];
    for next in evil {
        let browser = app.browser();
        let form = [("email", "host@demo.hub"), ("password", DEMO_PASSWORD), ("next", next)];
        let response = app.post(&browser, "/api/login", &form).await;
        assert!(response.status().is_redirection(), "{next:?}: {}", response.status());
        assert_eq!(response.headers()[LOCATION], "/", "{next:?}");
    }
    // A local page is still where the person goes.
    let form = [("email", "host@demo.hub"), ("password", DEMO_PASSWORD), ("next", "/account")];
    let response = app.post(&app.browser(), "/api/login", &form).await;
    assert_eq!(response.headers()[LOCATION], "/account");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_are_counted_before_the_password_is_checked() {
    let app = TestApp::start().await;
    let attacker = app.client();
    let forms = (0..150)
        .map(|i| vec![("email", "donor@demo.hub".to_string()), ("password", format!("guess-number-{i}"))])
        .collect();
    let answers = app.post_all(&attacker, "/api/login", forms).await;
    let checked = count(&answers, StatusCode::UNPROCESSABLE_ENTITY);
    let refused = count(&answers, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(checked + refused, 150, "nothing else, no 5xx: {answers:?}");
    assert!(checked <= app::auth::throttle::ACCOUNT_LIMIT as usize, "{checked} passwords were checked");
    assert_eq!(refused, 150 - app::auth::throttle::ACCOUNT_LIMIT as usize);
}

#[tokio::test]
async fn successful_sign_ins_give_back_the_attempt_they_took_from_their_address() {
    let app = TestApp::start().await;
    // A first sign-in from this address: its account's count is gone, its address's is back to 0.
    app.login("coordinator@demo.hub", DEMO_PASSWORD).await;
    let address = app.first_key("SELECT VALUE record::id(id) FROM login_throttle WHERE failures = 0").await;
    // An office just under its hourly limit: each further sign-in of another person is counted
    // and given back, so a morning of sign-ins from one address never reaches it.
    app.rows(&format!("UPDATE login_throttle:⟨{address}⟩ SET failures = {}", ADDRESS_LIMIT - 1)).await;
    for role in ["nominator", "host", "secondee"] {
        app.login_as(role).await;
    }
    let left = app.rows(&format!("SELECT VALUE failures FROM login_throttle:⟨{address}⟩")).await;
    assert_eq!(left, serde_json::json!([ADDRESS_LIMIT - 1]));
    // A wrong password still counts and is not given back: the next attempt is past the limit.
    let wrong = app.post(&app.client(), "/api/login", &[("email", "host@demo.hub"), ("password", "wrong one")]).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused =
        app.post(&app.client(), "/api/login", &[("email", "donor@demo.hub"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_attacker_exhausting_the_account_does_not_lock_out_its_owner() {
    let app = TestApp::start().await;
    // The owner signed in from this browser before and keeps its device cookie.
    let owner = app.login("donor@demo.hub", DEMO_PASSWORD).await;
    assert_eq!(app.post(&owner, "/api/logout", &[]).await.status(), StatusCode::OK);
    let attacker = app.client();
    let forms = (0..=app::auth::throttle::ACCOUNT_LIMIT)
        .map(|i| vec![("email", "donor@demo.hub".to_string()), ("password", format!("guess-{i}"))])
        .collect();
    let answers = app.post_all(&attacker, "/api/login", forms).await;
    assert_eq!(count(&answers, StatusCode::TOO_MANY_REQUESTS), 1, "the account is locked for the attacker");
    // Even the right password, from a browser the account does not know, waits.
    let stranger = app.client();
    let form = [("email", "donor@demo.hub"), ("password", DEMO_PASSWORD)];
    assert_eq!(app.post(&stranger, "/api/login", &form).await.status(), StatusCode::TOO_MANY_REQUESTS);
    // The owner's browser signs in.
    assert_eq!(app.post(&owner, "/api/login", &form).await.status(), StatusCode::OK);
    // A device cookie is signed: one made up is just another stranger.
    let forged = app.client();
    let response = forged
        .post(app.url("/api/login"))
        .header(reqwest::header::COOKIE, "hub_device=0000:1111.abcd")
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(encode(&form))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_current_password_check_is_throttled_like_sign_in() {
    let app = TestApp::start().await;
    let session = app.login_as("host").await;
    let wrong = |i: usize| {
        vec![
            ("current_password", format!("not-it-{i}")),
            ("new_password", "a brand new passphrase".to_string()),
            ("confirm_password", "a brand new passphrase".to_string()),
        ]
    };
    let forms = (0..=app::auth::throttle::ACCOUNT_LIMIT as usize).map(wrong).collect();
    let answers = app.post_all(&session, "/api/account/password", forms).await;
    assert_eq!(count(&answers, StatusCode::TOO_MANY_REQUESTS), 1, "{answers:?}");
    assert_eq!(count(&answers, StatusCode::UNPROCESSABLE_ENTITY), app::auth::throttle::ACCOUNT_LIMIT as usize);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_counted_by_its_own_address() {
    let attempt = |app: &TestApp, email: &'static str, client_ip: &'static str| {
        let request = app
            .client()
            .post(app.url("/api/login"))
            .header("x-forwarded-for", client_ip)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(encode(&[("email", email), ("password", "wrong-password-1")]));
        async move { request.send().await.unwrap().status() }
    };
    // Trusted: two clients, two address counters (and two account counters).
    let proxied = TestApp::start_with(&[("HUB_TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    attempt(&proxied, "a@nowhere.example", "198.51.100.1").await;
    attempt(&proxied, "b@nowhere.example", "198.51.100.2").await;
    assert_eq!(proxied.count("login_throttle").await, 4);
    // Not trusted (the default): the header is ignored, both share the peer's counter.
    let direct = TestApp::start().await;
    attempt(&direct, "a@nowhere.example", "198.51.100.1").await;
    attempt(&direct, "b@nowhere.example", "198.51.100.2").await;
    assert_eq!(direct.count("login_throttle").await, 3);
}

#[tokio::test]
async fn a_planted_flash_is_ignored() {
    let app = TestApp::start().await;
    // What an unsigned flash with a notice looks like: hex of its JSON.
    let json = r#"{"notice":"Your account is suspended. Call +00 000 to restore it.","error":null,"errors":[],"form":null,"values":{}}"#;
    let planted: String = json.bytes().map(|b| format!("{b:02x}")).collect();
    let page = app
        .browser()
        .get(app.url("/login"))
        .header(reqwest::header::COOKIE, format!("hub_flash={planted}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Sign in"));
    assert!(!page.contains("suspended"), "an unsigned flash is not shown");
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_and_signed_in_pages_are_not_stored() {
    let app = TestApp::start().await;
    let response = app.browser().get(app.url("/login")).send().await.unwrap();
    let policy = response.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce").to_string();
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the bootstrap script carries the nonce");
    let again = app.browser().get(app.url("/login")).send().await.unwrap();
    assert!(!again.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap().contains(&nonce), "a new nonce each time");

    let browser = app.browser();
    let form = [("email", "host@demo.hub"), ("password", DEMO_PASSWORD)];
    app.post(&browser, "/api/login", &form).await;
    let home = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.headers()["cache-control"], "no-store");
    assert!(home.headers().get("strict-transport-security").is_none(), "no HSTS over plain http");
}

#[tokio::test]
async fn on_https_cookies_are_host_bound_hsts_is_sent_and_origins_match_by_scheme() {
    let app = TestApp::start_with(&[("HUB_PUBLIC_URL", "https://hub.example")]).await;
    let form = [("email", "host@demo.hub"), ("password", DEMO_PASSWORD)];
    let response = app.post(&app.client(), "/api/login", &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies: Vec<String> =
        response.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let session = cookies.iter().find(|c| c.contains("hub_session")).expect("a session cookie");
    assert!(session.starts_with("__Host-hub_session=") && session.contains("Secure") && session.contains("Path=/"));
    assert!(cookies.iter().any(|c| c.starts_with("__Host-hub_device=") && c.contains("Secure")));
    assert!(response.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
    // Same host, plain http: another origin.
    let host = app.base.trim_start_matches("http://").to_string();
    let refused = app
        .client()
        .post(app.url("/api/login"))
        .header(reqwest::header::ORIGIN, format!("http://{host}"))
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(encode(&form))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

/// A reset link for `email`'s user, as the forgot-password mail would carry it.
async fn reset_link(app: &TestApp, email: &str) -> String {
    use app::auth::tokens::{self, Purpose};
    let user = app.first_key(&format!("SELECT VALUE record::id(id) FROM user WHERE email = '{email}'")).await;
    let user = app::db::rid("user", &user);
    let user = &user;
    app::db::transact(&app.state, |tx| async move { tokens::issue(&tx, user, Purpose::Reset).await }).await.unwrap().0
}

async fn use_link(app: &TestApp, token: &str) -> StatusCode {
    let form =
        [("token", token), ("new_password", "a fresh passphrase 42"), ("confirm_password", "a fresh passphrase 42")];
    app.post(&app.client(), "/api/password/reset", &form).await.status()
}

#[tokio::test]
async fn changing_a_user_voids_the_links_sent_before() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let row = app
        .rows("SELECT record::id(id) AS id, name, role, record::id(agency) AS agency FROM user WHERE email = 'host@demo.hub'")
        .await;
    let (id, name, agency) = (
        row[0]["id"].as_str().unwrap().to_string(),
        row[0]["name"].as_str().unwrap().to_string(),
        row[0]["agency"].as_str().unwrap().to_string(),
    );
    let save = |email: &str, extra: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        let mut form = vec![("id", id.clone()), ("email", email.to_string()), ("name", name.clone())];
        form.extend([("role", "host".to_string()), ("agency", agency.clone())]);
        form.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        form
    };
    let post = |form: Vec<(&'static str, String)>| {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let body = encode(&pairs);
        let request = admin
            .post(app.url("/api/users/save"))
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        async move { request.send().await.unwrap().status() }
    };

    // A new e-mail address: the link sent to the old one no longer works.
    let link = reset_link(&app, "host@demo.hub").await;
    assert_eq!(post(save("host.moved@demo.hub", &[])).await, StatusCode::OK);
    assert_eq!(use_link(&app, &link).await, StatusCode::CONFLICT);

    // An administrator sets the password.
    let link = reset_link(&app, "host.moved@demo.hub").await;
    assert_eq!(post(save("host.moved@demo.hub", &[("new_password", "set by the admin 42")])).await, StatusCode::OK);
    assert_eq!(use_link(&app, &link).await, StatusCode::CONFLICT);

    // Disabled, then enabled again: the old link stays dead.
    let link = reset_link(&app, "host.moved@demo.hub").await;
    assert_eq!(post(save("host.moved@demo.hub", &[("disabled", "on")])).await, StatusCode::OK);
    assert_eq!(post(save("host.moved@demo.hub", &[])).await, StatusCode::OK);
    assert_eq!(use_link(&app, &link).await, StatusCode::CONFLICT);

    // A link sent after all that works.
    let link = reset_link(&app, "host.moved@demo.hub").await;
    assert_eq!(use_link(&app, &link).await, StatusCode::OK);
}

#[tokio::test]
async fn l10_on_https_the_flash_cookie_is_secure_host_bound_and_read_under_that_name() {
    let app = TestApp::start_with(&[("HUB_PUBLIC_URL", "https://hub.example")]).await;
    // A signed-out form post comes back to sign in with its refusal as a flash.
    let refused = app.post(&app.browser(), "/api/themes/save", &[("name", "Ports")]).await;
    assert!(refused.status().is_redirection(), "{}", refused.status());
    let set: Vec<String> =
        refused.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let flash = set.iter().find(|c| c.contains("hub_flash=")).expect("a flash cookie");
    assert!(flash.starts_with("__Host-hub_flash="), "{flash}");
    assert!(flash.contains("; Secure") && flash.contains("Path=/") && !flash.contains("Domain"), "{flash}");
    let value = flash.trim_start_matches("__Host-hub_flash=").split(';').next().unwrap().to_string();

    // The next page reads it under that name, shows it once and clears it the same way.
    let page = app
        .browser()
        .get(app.url("/login"))
        .header(reqwest::header::COOKIE, format!("__Host-hub_flash={value}"))
        .send()
        .await
        .unwrap();
    let cleared: Vec<String> =
        page.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect();
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("__Host-hub_flash=;") && c.contains("Max-Age=0") && c.contains("; Secure")),
        "{cleared:?}"
    );
    assert!(page.text().await.unwrap().contains("Please sign in to continue."), "the flash is shown");

    // The plain name, which any http page of the host could set, is not read on https.
    let plain = app
        .browser()
        .get(app.url("/login"))
        .header(reqwest::header::COOKIE, format!("hub_flash={value}"))
        .send()
        .await
        .unwrap();
    assert!(!plain.text().await.unwrap().contains("Please sign in to continue."));
}
