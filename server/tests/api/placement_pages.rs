//! The people and pages of placements: approval makes (or links) the secondee's account and
//! invites it; each reader's home page and timeline show their own placements; the timeline
//! draws 300 placements, extensions and overlaps, with the same data in a table.

use reqwest::StatusCode;

use crate::common::TestApp;
use crate::placements::{day, placement, start};

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

async fn agency_key(app: &TestApp, name: &str) -> String {
    app.first_key(&format!("SELECT VALUE record::id(id) FROM agency WHERE name = '{name}'")).await
}

#[tokio::test]
async fn approval_makes_the_secondee_account_invites_it_and_the_secondee_sees_only_their_own() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let nomination =
        app.first_key("SELECT VALUE record::id(id) FROM nomination WHERE officer_name = 'Tran Thi Mai'").await;
    let host = agency_key(&app, "Regional Support Office, Bangkok").await;
    let approval = [
        ("id", nomination.as_str()),
        ("action", "approve"),
        ("host_agency", host.as_str()),
        ("supervisor_name", "Dr Malee Chai"),
        ("supervisor_email", "malee.chai@rso.example"),
        ("start_date", "2027-04-01"),
        ("end_date", "2027-10-01"),
    ];
    let response = app.post(&coordinator, "/api/nominations/act", &approval).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());

    let email = "tran.thi.mai@officer.example";
    let account =
        app.rows(&format!("SELECT role, password_hash, agency.name AS agency FROM user WHERE email = '{email}'")).await;
    assert_eq!(account[0]["role"], "secondee");
    assert!(account[0]["password_hash"].is_null(), "chooses a password through the invitation");
    let linked = app
        .rows(&format!("SELECT VALUE secondee.email FROM placement WHERE nomination = nomination:{nomination}"))
        .await;
    assert_eq!(linked, serde_json::json!([email]));
    let invitations =
        format!("RETURN count(SELECT id FROM notification WHERE event = 'invitation' AND recipient_email = '{email}')");
    assert_eq!(app.rows(&invitations).await, serde_json::json!(1));

    // "Invite secondee" sends the invitation again; only coordinators may.
    let placement = app
        .first_key(&format!("SELECT VALUE record::id(id) FROM placement WHERE nomination = nomination:{nomination}"))
        .await;
    let html = page(&app, &coordinator, &format!("/placements/{placement}")).await;
    assert!(html.contains("Invited; has not signed in yet") && html.contains("Send the invitation again"));
    let nominator = app.login_as("nominator").await;
    let form = [("id", placement.as_str())];
    assert_eq!(app.post(&nominator, "/api/placements/invite-secondee", &form).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.post(&coordinator, "/api/placements/invite-secondee", &form).await.status(), StatusCode::OK);
    assert_eq!(app.rows(&invitations).await, serde_json::json!(2));

    // The demo secondee sees their own placement, and not this one.
    let secondee = app.login_as("secondee").await;
    let list = app.post(&secondee, "/api/placements/list", &[]).await.json::<serde_json::Value>().await.unwrap();
    assert_eq!(list["page"]["total"], 1);
    assert_eq!(list["page"]["items"][0]["officer_name"], "Dilini Jayasuriya");
    let other = secondee.get(app.url(&format!("/placements/{placement}"))).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND, "another officer's placement is not found");
}

#[tokio::test]
async fn each_home_page_shows_its_placements() {
    let app = TestApp::start().await;
    let host = page(&app, &app.login_as("host").await, "/").await;
    assert!(host.contains("Under way and planned") && host.contains("Dilini Jayasuriya"), "hosted, under way");
    assert!(host.contains("Starting within 30 days") && host.contains("Chamari Silva"), "starts in 10 days");
    assert!(!host.contains("Wanida Chaiyasit"), "hosted by another agency");
    assert!(!host.contains("placement-counts"), "counts are for RSO staff");

    let secondee = page(&app, &app.login_as("secondee").await, "/").await;
    assert!(secondee.contains("Your placement") && secondee.contains("Dilini Jayasuriya"));
    assert!(!secondee.contains("Kasun Bandara"));

    let coordinator = page(&app, &app.login_as("coordinator").await, "/").await;
    assert!(coordinator.contains("data-testid=\"placement-counts\""));
    let overlaps = coordinator.split("data-testid=\"overlaps\"").nth(1).expect("the overlaps list");
    let overlaps = overlaps.split("</ul>").next().unwrap();
    assert_eq!(overlaps.matches("Hoang Van Nam").count(), 2, "both placements of the pair");
    assert!(coordinator.contains("Wanida Chaiyasit"), "ending within 30 days");
    // The dashboard: utilisation per agreement with its table, and the next six months drawn.
    let utilisation = coordinator.split("data-testid=\"utilisation-table\"").nth(1).expect("the utilisation table");
    assert!(utilisation.contains("AUS-2026-01") && utilisation.contains("81.2 %"));
    assert!(coordinator.contains("utilisation-chart") && coordinator.contains("alert-mark"));
    assert!(coordinator.contains("The next six months") && coordinator.contains("timeline-chart"));
    assert!(coordinator.contains("/placements/timeline?from="), "linked to the filtered timeline");
    // Under way by member, each count linked to the list filtered by that member, which agrees.
    let coordinator_client = app.login_as("coordinator").await;
    let counts =
        app.post(&coordinator_client, "/api/placements/counts", &[]).await.json::<serde_json::Value>().await.unwrap();
    let (member, count) =
        (counts["by_member"][0][0].as_str().unwrap().to_string(), counts["by_member"][0][2].as_u64().unwrap());
    assert!(coordinator.contains(&format!("/placements?member={member}")));
    let listed = app.post(&coordinator_client, "/api/placements/list", &[("member", member.as_str())]).await;
    let listed = listed.json::<serde_json::Value>().await.unwrap();
    let open = listed["page"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["state"] == "planned" || p["state"] == "active")
        .count();
    assert_eq!(open as u64, count);
}

#[tokio::test]
async fn the_timeline_draws_three_hundred_placements_with_extensions_overlaps_and_a_table() {
    let app = start().await;
    let mut keys = Vec::new();
    for i in 0..298 {
        let start = day("2027-01-01") + chrono::Duration::days(i % 200);
        let end = start + chrono::Duration::days(60 + i % 90);
        keys.push(placement(&app, &format!("officer.{i}@agency.example"), &start.to_string(), &end.to_string()).await);
    }
    // An overlapping pair of one officer.
    placement(&app, "twice@agency.example", "2027-03-01", "2027-06-30").await;
    placement(&app, "twice@agency.example", "2027-06-01", "2027-09-30").await;
    app.state
        .db
        .query("UPDATE placement SET overlap = true WHERE officer_email = 'twice@agency.example'")
        .await
        .unwrap();
    app.state.clock.set_today(day("2027-02-01"));
    let coordinator = app.login_as("coordinator").await;
    let form = [("id", keys[0].as_str()), ("new_end", "2027-12-31"), ("reason", "More work.")];
    assert_eq!(app.post(&coordinator, "/api/placements/extend", &form).await.status(), StatusCode::OK);

    let html = page(&app, &coordinator, "/placements/timeline?from=2027-01-01&to=2027-12-31").await;
    assert!(html.contains("<svg"));
    assert_eq!(html.matches("class=\"bar bar-").count(), 300, "one bar each");
    assert_eq!(html.matches("bar-overlap").count(), 2);
    assert_eq!(html.matches("class=\"bar-extension\"").count(), 1);
    assert!(html.contains("class=\"today\""), "1 February is in the window");
    let table = html.split("data-testid=\"timeline-table\"").nth(1).expect("the table beside it");
    assert_eq!(table.matches("<tr>").count(), 301, "a heading row and one row each");

    // The window and the list's filters apply; a window that runs backwards is refused.
    let html = page(&app, &coordinator, "/placements/timeline?from=2027-01-01&to=2027-12-31&kind=overlap").await;
    assert_eq!(html.matches("class=\"bar bar-").count(), 2);
    let html = page(&app, &coordinator, "/placements/timeline?from=2028-01-01&to=2028-12-31").await;
    assert!(html.contains("No placements in this window."));
    let backwards =
        coordinator.get(app.url("/placements/timeline?from=2027-12-31&to=2027-01-01")).send().await.unwrap();
    assert_eq!(backwards.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.text().await.unwrap().contains("Choose an end on or after the start."));

    // A host sees only what its agency hosts.
    let host_agency = app.first_key("SELECT VALUE record::id(agency) FROM user WHERE email = 'host@demo.hub'").await;
    app.state
        .db
        .query(format!(
            "UPDATE placement SET host_agency = agency:{host_agency} WHERE string::starts_with(officer_email, 'officer.1')"
        ))
        .await
        .unwrap();
    let hosted = app
        .rows(&format!("RETURN count(SELECT id FROM placement WHERE host_agency = agency:{host_agency})"))
        .await
        .as_u64()
        .unwrap();
    assert_eq!(hosted, 111, "officer.1, officer.1x and officer.1xx");
    let host = app.login_as("host").await;
    let html = page(&app, &host, "/placements/timeline?from=2027-01-01&to=2027-12-31").await;
    assert_eq!(html.matches("class=\"bar bar-").count() as u64, hosted);
}

#[tokio::test]
async fn an_agency_keeps_its_time_zone_and_an_unknown_zone_is_refused_at_the_field() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let key = agency_key(&app, "Immigration Bureau").await;
    let get = app.post(&admin, "/api/agencies/get", &[("id", key.as_str())]).await;
    let agency = get.json::<serde_json::Value>().await.unwrap();
    let (name, member) = (agency["record"]["name"].as_str().unwrap(), agency["record"]["member_id"].as_str().unwrap());
    let form = |zone: &'static str| {
        vec![
            ("id", key.as_str()),
            ("name", name),
            ("member", member),
            ("sends", "on"),
            ("hosts", "on"),
            ("active", "on"),
            ("time_zone", zone),
        ]
    };
    let refused = app.post(&admin, "/api/agencies/save", &form("Mars/Olympus")).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(crate::common::error_json(refused).await["Invalid"]["errors"][0]["field"], "time_zone");
    assert_eq!(app.post(&admin, "/api/agencies/save", &form("Asia/Bangkok")).await.status(), StatusCode::OK);
    assert_eq!(
        app.rows(&format!("SELECT VALUE time_zone FROM agency:{key}")).await,
        serde_json::json!(["Asia/Bangkok"])
    );
}
