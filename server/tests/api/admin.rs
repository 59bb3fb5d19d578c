//! Administration of reference data: validation at the field, lists, CSV, and the audit trail.

use crate::common::{error_json, TestApp};
use reqwest::StatusCode;

async fn member_key(app: &TestApp, name: &str) -> String {
    let rows = app.rows(&format!("SELECT VALUE record::id(id) FROM member WHERE name = '{name}'")).await;
    rows[0].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_admin_creates_an_agency_with_a_contact_and_finds_it() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let thailand = member_key(&app, "Thailand").await;
    let response = app
        .post(
            &admin,
            "/api/agencies/save",
            &[
                ("name", "Office of the Narcotics Control Board"),
                ("member", &thailand),
                ("hosts", "on"),
                ("active", "on"),
                ("contact_name", "Pim Charoen"),
                ("contact_email", "Pim@ONCB.go.th.example"),
                ("contact_language", "th"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());

    let list = app.post(&admin, "/api/agencies/list", &[("q", "narcotics")]).await;
    let list: serde_json::Value = list.json().await.unwrap();
    let items = list["page"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["member_name"], "Thailand");
    assert_eq!(items[0]["contacts"][0]["email"], "pim@oncb.go.th.example");

    let csv = admin.get(app.url("/export/agencies.csv?q=narcotics")).send().await.unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains(
        "Office of the Narcotics Control Board,Thailand,no,yes,Active,,Pim Charoen <pim@oncb.go.th.example>"
    ));

    let audit = app
        .rows("SELECT action, actor_label, after FROM audit_event WHERE record_table = 'agency' AND action = 'created'")
        .await;
    let entry = &audit[0];
    assert!(entry["actor_label"].as_str().unwrap().contains("admin@demo.hub"));
    assert!(entry["after"].as_str().unwrap().contains("Office of the Narcotics Control Board"));
}

#[tokio::test]
async fn updates_record_values_before_and_after() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let key = app.rows("SELECT VALUE record::id(id) FROM theme WHERE name = 'Border management'").await[0]
        .as_str()
        .unwrap()
        .to_string();
    let response = app
        .post(&admin, "/api/themes/save", &[("id", &key), ("name", "Border management and security"), ("active", "on")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let history: serde_json::Value =
        app.post(&admin, "/api/audit/list", &[("table", "theme"), ("key", &key)]).await.json().await.unwrap();
    let entry = &history["items"][0];
    assert_eq!(entry["action"], "updated");
    assert!(entry["before"].as_str().unwrap().contains("\"Border management\""));
    assert!(entry["after"].as_str().unwrap().contains("Border management and security"));
}

#[tokio::test]
async fn bad_input_gets_field_messages_and_stores_nothing() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let before = app.count("agency").await;

    let response = app
        .post(
            &admin,
            "/api/agencies/save",
            &[("name", ""), ("member", "nope"), ("contact_name", "X"), ("contact_email", "not an address")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = error_json(response).await["Invalid"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, vec!["name", "sends", "contact_email"]);

    // An unknown member id is refused at the member field.
    let response = app
        .post(&admin, "/api/agencies/save", &[("name", "Ghost agency"), ("member", "doesnotexist"), ("sends", "on")])
        .await;
    assert_eq!(error_json(response).await["Invalid"]["errors"][0]["field"], "member");

    // A header injection attempt in a contact's address.
    let agency = app.rows("SELECT VALUE record::id(id) FROM agency LIMIT 1").await[0].as_str().unwrap().to_string();
    let response = app
        .post(
            &admin,
            "/api/agencies/contacts/add",
            &[("agency", &agency), ("contact_name", "Eve"), ("contact_email", "eve@x.org\r\nBcc: all@x.org")],
        )
        .await;
    assert_eq!(error_json(response).await["Invalid"]["errors"][0]["field"], "contact_email");
    // A control character in a name.
    let response = app.post(&admin, "/api/themes/save", &[("name", "Line\nbreak")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A 10 MB value is refused before it is read.
    let huge = "x".repeat(10 * 1024 * 1024);
    let response = app.post(&admin, "/api/themes/save", &[("name", &huge)]).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Wrongly typed and malformed ids are a 4xx, never a 500.
    let response = app.post(&admin, "/api/members/get", &[("id", "member:⟨x⟩; REMOVE TABLE user")]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app.post(&admin, "/api/members/list", &[("page", "many")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(error_json(response).await.to_string().contains("BadRequest"));

    assert_eq!(app.count("agency").await, before);
    assert_eq!(app.count("user").await, 6);
}

#[tokio::test]
async fn query_text_is_data_not_code() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let sneaky = "x'; REMOVE TABLE user; --";
    let response = app.post(&admin, "/api/themes/save", &[("name", sneaky), ("active", "on")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.rows("SELECT VALUE name FROM theme WHERE name CONTAINS 'REMOVE'").await,
        serde_json::json!([sneaky])
    );
    assert_eq!(app.count("user").await, 6);
    let found: serde_json::Value =
        app.post(&admin, "/api/themes/list", &[("q", "' OR 1=1 --")]).await.json().await.unwrap();
    assert_eq!(found["page"]["total"], 0);
    // HTML is shown as text on the page, never run.
    let response =
        app.post(&admin, "/api/themes/save", &[("name", "<script>alert('x')</script>"), ("active", "on")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = admin
        .get(app.url("/admin/themes?q=alert"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("&lt;script&gt;alert("), "escaped on the page");
    assert!(!page.contains("<script>alert("));
}

#[tokio::test]
async fn duplicate_names_are_refused_at_the_name_field() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let response =
        app.post(&admin, "/api/donors/save", &[("name", "  government of   AUSTRALIA "), ("active", "on")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = error_json(response).await;
    assert_eq!(body["Invalid"]["errors"][0]["field"], "name");
}

#[tokio::test]
async fn users_need_the_binding_their_role_uses() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let response = app
        .post(
            &admin,
            "/api/users/save",
            &[("email", "new.nominator@gov.example"), ("name", "New Nominator"), ("role", "nominator")],
        )
        .await;
    assert_eq!(error_json(response).await["Invalid"]["errors"][0]["field"], "agency");
    let agency = app.rows("SELECT VALUE record::id(id) FROM agency WHERE sends = true LIMIT 1").await[0]
        .as_str()
        .unwrap()
        .to_string();
    let response = app
        .post(
            &admin,
            "/api/users/save",
            &[
                ("email", "New.Nominator@gov.example"),
                ("name", "New Nominator"),
                ("role", "nominator"),
                ("agency", &agency),
                ("new_password", "a long enough passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    let client = app.login("new.nominator@gov.example", "a long enough passphrase").await;
    let me: serde_json::Value = app.post(&client, "/api/me", &[]).await.json().await.unwrap();
    assert_eq!(me["role"], "nominator");
    assert_eq!(me["agency"]["id"], agency.as_str());
    // An admin cannot lock themselves out.
    let own = app.rows("SELECT VALUE record::id(id) FROM user WHERE email = 'admin@demo.hub'").await[0]
        .as_str()
        .unwrap()
        .to_string();
    let response = app
        .post(
            &admin,
            "/api/users/save",
            &[("id", &own), ("email", "admin@demo.hub"), ("name", "Admin"), ("role", "admin"), ("disabled", "on")],
        )
        .await;
    assert_eq!(error_json(response).await["Invalid"]["errors"][0]["field"], "disabled");
}

#[tokio::test]
async fn lists_filter_sort_and_page() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let states: serde_json::Value = app
        .post(&coordinator, "/api/members/list", &[("kind", "state"), ("sort", "name"), ("dir", "desc")])
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> =
        states["page"]["items"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names.first(), Some(&"Viet Nam"));
    assert_eq!(names.len(), 10);
    assert_eq!(states["can_edit"], false, "coordinators read only");

    let admin = app.login_as("admin").await;
    for i in 0..30 {
        let name = format!("Paging theme {i:02}");
        assert_eq!(
            app.post(&admin, "/api/themes/save", &[("name", &name), ("active", "on")]).await.status(),
            StatusCode::OK
        );
    }
    let page2: serde_json::Value =
        app.post(&admin, "/api/themes/list", &[("q", "paging"), ("page", "2")]).await.json().await.unwrap();
    assert_eq!(page2["page"]["total"], 30);
    assert_eq!(page2["page"]["items"].as_array().unwrap().len(), 5);
    assert_eq!(page2["page"]["items"][0]["name"], "Paging theme 25");
}

#[tokio::test]
async fn l8_the_only_admin_cannot_demote_or_disable_themself() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let own = app.first_key("SELECT VALUE record::id(id) FROM user WHERE email = 'admin@demo.hub'").await;
    let name =
        app.rows("SELECT VALUE name FROM user WHERE email = 'admin@demo.hub'").await[0].as_str().unwrap().to_string();
    let base = [("id", own.as_str()), ("email", "admin@demo.hub"), ("name", name.as_str())];
    let demote = [&base[..], &[("role", "coordinator")]].concat();
    let disable = [&base[..], &[("role", "admin"), ("disabled", "on")]].concat();
    for (form, field) in [(demote, "role"), (disable, "disabled")] {
        let response = app.post(&admin, "/api/users/save", &form).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_json(response).await["Invalid"]["errors"][0]["field"], field);
    }
    let admins = app.rows("SELECT VALUE email FROM user WHERE role = 'admin' AND disabled = false").await;
    assert_eq!(admins, serde_json::json!(["admin@demo.hub"]), "still the one enabled administrator");
    assert_eq!(app.post(&admin, "/api/users/list", &[]).await.status(), StatusCode::OK, "and still signed in");
}
