//! Server-rendered pages, and forms posted without JavaScript.

use crate::common::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in() {
    let app = TestApp::start().await;
    let browser = app.browser();
    let response = browser.get(app.url("/admin/agencies")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "/login?next=/admin/agencies");
    let login = browser.get(app.url("/login")).send().await.unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let html = login.text().await.unwrap();
    assert!(html.contains(r#"action="/api/login""#) && html.contains(r#"method="post""#));
    assert!(html.contains(r#"<label for="f-email""#), "labelled fields");
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let app = TestApp::start().await;
    let response = app.browser().get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn a_no_js_login_with_a_wrong_password_shows_the_message_at_the_form() {
    let app = TestApp::start().await;
    let browser = app.browser();
    let response = browser
        .post(app.url("/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("referer", app.url("/login"))
        .body(crate::common::encode(&[("email", "admin@demo.hub"), ("password", "wrong-password-123")]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "/login");
    let page = browser.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("The e-mail address or password is not correct."), "{page}");
    assert!(page.contains(r#"value="admin@demo.hub""#), "the e-mail is kept");
    assert!(!page.contains("wrong-password-123"), "the password is not echoed");
    // Shown once.
    let again = browser.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(!again.contains("is not correct"));
}

#[tokio::test]
async fn a_no_js_login_redirects_home_and_the_home_page_knows_the_role() {
    let app = TestApp::start().await;
    let browser = app.browser();
    let response = browser
        .post(app.url("/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("referer", app.url("/login"))
        .body(crate::common::encode(&[
            ("email", "donor@demo.hub"),
            ("password", crate::common::DEMO_PASSWORD),
            ("next", "/"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "/");
    let home = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(html.contains("Funding of Government of Australia"), "{html}");
    assert!(!html.contains(r#"href="/admin/users""#), "donors are not offered user administration");
}

#[tokio::test]
async fn forbidden_pages_say_so_with_403() {
    let app = TestApp::start().await;
    let browser = app.browser();
    browser
        .post(app.url("/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(crate::common::encode(&[("email", "nominator@demo.hub"), ("password", crate::common::DEMO_PASSWORD)]))
        .send()
        .await
        .unwrap();
    let response = browser.get(app.url("/admin/users")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("You do not have permission"));
}

#[tokio::test]
async fn operations_endpoints() {
    let app = TestApp::start().await;
    let client = app.client();
    assert_eq!(client.get(app.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    let ready = client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert!(ready.headers().get("x-request-id").is_some(), "every response carries its request id");
    let page = client
        .get(app.url("/login"))
        .header("accept-encoding", "br")
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("br"));
}

/// The dashboard as a server started with its defaults shares it: programme-wide figures kept a
/// few seconds, each made while other parts of the page wait for it, and the directory of names
/// read inside several of them. The first dashboard after a start makes them all at once; it
/// answers, and so do the staff lists that read the same directory. (The other tests keep
/// nothing, so that a figure follows each change at once.)
#[tokio::test]
async fn the_first_dashboard_after_a_start_answers_with_its_figures_shared() {
    let dir = crate::process::scratch("shared-figures");
    let env: Vec<(String, String)> = [
        ("HUB_DB", format!("surrealkv://{}", dir.join("hub.db").display())),
        ("HUB_FILES_DIR", dir.join("files").display().to_string()),
        ("HUB_DEMO", "1".into()),
        ("HUB_LOG", "warn".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let server = crate::process::AppProcess::start("server", &dir, &env).await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap();
    let form = crate::common::encode(&[("email", "coordinator@demo.hub"), ("password", crate::common::DEMO_PASSWORD)]);
    let signed_in = client
        .post(server.url("/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(form)
        .send()
        .await
        .unwrap();
    assert!(signed_in.status().is_success());
    let mut pages = tokio::task::JoinSet::new();
    for path in ["/", "/", "/nominations", "/placements", "/reports"] {
        let (client, url) = (client.clone(), server.url(path));
        pages.spawn(
            async move { (path, client.get(url).header("accept", "text/html").send().await.map(|r| r.status())) },
        );
    }
    while let Some(answer) = pages.join_next().await {
        let (path, status) = answer.unwrap();
        assert_eq!(status.expect("answered within 20 s"), StatusCode::OK, "{path}");
    }
    let dashboard = client.get(server.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(dashboard.contains(r#"href="/nominations?"#), "the dashboard links to the filtered lists");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
