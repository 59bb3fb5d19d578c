//! Access control across the whole API: every server function refuses anonymous callers unless
//! it is meant to be public, roles only reach what they may, and cross-site posts are refused.

use crate::common::{error_json, TestApp};
use reqwest::StatusCode;

/// Server functions that anonymous callers may use, each for a stated reason.
const PUBLIC: &[&str] = &[
    "/api/login",                 // signing in
    "/api/me",                    // answers "nobody" to an anonymous caller
    "/api/password/forgot",       // asking for a reset link; answers alike for every address
    "/api/password/reset",        // the e-mailed token is the credential
    "/api/invitation/accept",     // the e-mailed token is the credential
    "/api/login/verify",          // the second step: the pending sign-in's cookie is the first factor
    "/api/login/waiting",         // answers "nothing waiting" without that cookie
    "/api/login/passkey/options", // a passkey ceremony, for anyone about to sign in
    "/api/programme/page",        // the public programme page
    "/api/programme/enquire",     // an expression of interest: its signed form start and limits guard it
    "/api/programme/confirm",     // the e-mailed signed link is the credential
    "/api/login/passkey",         // the passkey's signature is the credential
];

#[tokio::test]
async fn every_server_function_refuses_anonymous_callers() {
    let app = TestApp::start().await;
    let client = app.client();
    let paths: Vec<&str> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
    // The walk must cover the API, not an empty list.
    assert!(paths.len() >= 15, "only {} server functions registered: {paths:?}", paths.len());
    for expected in
        ["/api/login", "/api/logout", "/api/users/save", "/api/agencies/save", "/api/audit/list", "/api/mail/resend"]
    {
        assert!(paths.contains(&expected), "{expected} is not registered");
    }
    for path in paths {
        if PUBLIC.contains(&path) {
            continue;
        }
        let response = app.post(&client, path, &[]).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path} answered an anonymous caller");
        let body = error_json(response).await;
        assert_eq!(body, serde_json::json!("Unauthenticated"), "{path}");
    }
}

#[tokio::test]
async fn exports_refuse_anonymous_callers_and_the_wrong_roles() {
    let app = TestApp::start().await;
    let anonymous = app.client();
    for file in app::admin::export::EXPORTS {
        let response = anonymous.get(app.url(&format!("/export/{file}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{file}");
    }
    let nominator = app.login_as("nominator").await;
    let response = nominator.get(app.url("/export/agencies.csv")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let coordinator = app.login_as("coordinator").await;
    let response = coordinator.get(app.url("/export/users.csv")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "users are admin-only");
    let response = coordinator.get(app.url("/export/agencies.csv")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn roles_reach_only_their_areas() {
    let app = TestApp::start().await;
    for role in ["nominator", "host", "secondee", "donor"] {
        let client = app.login_as(role).await;
        for path in [
            "/api/members/list",
            "/api/agencies/list",
            "/api/users/list",
            "/api/audit/list",
            "/api/mail/list",
            "/api/mail/resend",
            "/api/users/invite",
        ] {
            let response = app.post(&client, path, &[]).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role} reached {path}");
        }
        let response = app.post(&client, "/api/home", &[]).await;
        assert_eq!(response.status(), StatusCode::OK, "{role} home");
    }
    let coordinator = app.login_as("coordinator").await;
    assert_eq!(app.post(&coordinator, "/api/agencies/list", &[]).await.status(), StatusCode::OK);
    assert_eq!(app.post(&coordinator, "/api/users/list", &[]).await.status(), StatusCode::FORBIDDEN);
    let response = app.post(&coordinator, "/api/themes/save", &[("name", "Coordinator theme"), ("active", "on")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "coordinators read reference data; admins change it");
}

#[tokio::test]
async fn cross_site_posts_are_refused_before_the_server_function() {
    let app = TestApp::start().await;
    let client = app.client();
    let body = crate::common::encode(&[("email", "admin@demo.hub"), ("password", crate::common::DEMO_PASSWORD)]);
    for (header, value) in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site"), ("origin", "null")] {
        let response = client
            .post(app.url("/api/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(header, value)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{header}: {value}");
        assert!(response.headers().get("set-cookie").is_none(), "no session for a refused request");
    }
    let same_origin = client
        .post(app.url("/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", app.base.clone())
        .header("sec-fetch-site", "same-origin")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::OK);
}

#[tokio::test]
async fn user_lists_never_carry_password_hashes() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let text = app.post(&admin, "/api/users/list", &[]).await.text().await.unwrap();
    assert!(text.contains("admin@demo.hub"));
    assert!(!text.contains("argon2") && !text.contains("password_hash"), "{text}");
    let csv = admin.get(app.url("/export/users.csv")).send().await.unwrap().text().await.unwrap();
    assert!(!csv.contains("argon2"));
}
