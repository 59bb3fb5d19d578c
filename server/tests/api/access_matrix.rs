//! The full access matrix: role × endpoint, over every registered server function and every
//! plain route (exports, documents, calendar feeds, the IATI file), checked against one declared
//! table; then role × object for the records that belong to an agency or a donor (own, another
//! agency's, another donor's).
//!
//! A server function without a row here fails the test, and so does a guard at the wrong level:
//! a role the table refuses must get 403, a role it allows must get past the guard.

use std::collections::BTreeMap;

use reqwest::{Client, StatusCode};

use crate::common::TestApp;

/// Roles in the order of the table's letters.
pub(crate) const ROLES: [(char, &str); 6] =
    [('A', "admin"), ('C', "coordinator"), ('N', "nominator"), ('H', "host"), ('S', "secondee"), ('D', "donor")];

/// Anyone, signed in or not.
pub(crate) const PUBLIC: &str = "*";
/// Every signed-in role.
const SIGNED_IN: &str = "ACNHSD";
const STAFF: &str = "AC";
const ADMIN: &str = "A";
const COORDINATOR: &str = "C";

/// Who may call each server function: the roles' letters, or [`PUBLIC`].
pub(crate) const SERVER_FUNCTIONS: &[(&str, &str)] = &[
    // Signing in and one's own account.
    ("/api/login", PUBLIC),
    ("/api/me", PUBLIC),
    ("/api/password/forgot", PUBLIC),
    ("/api/password/reset", PUBLIC),
    ("/api/invitation/accept", PUBLIC),
    ("/api/login/verify", PUBLIC),
    ("/api/login/waiting", PUBLIC),
    ("/api/login/passkey/options", PUBLIC),
    ("/api/login/passkey", PUBLIC),
    ("/api/logout", SIGNED_IN),
    ("/api/account/password", SIGNED_IN),
    ("/api/home", SIGNED_IN),
    ("/api/calendar/link", SIGNED_IN),
    ("/api/calendar/renew", SIGNED_IN),
    // Second factors: one's own; an administrator resets another person's.
    ("/api/account/security", SIGNED_IN),
    ("/api/account/app/setup", SIGNED_IN),
    ("/api/account/app/confirm", SIGNED_IN),
    ("/api/account/app/remove", SIGNED_IN),
    ("/api/account/recovery/renew", SIGNED_IN),
    ("/api/account/recovery/show", SIGNED_IN),
    ("/api/account/passkeys/options", SIGNED_IN),
    ("/api/account/passkeys/add", SIGNED_IN),
    ("/api/account/passkeys/remove", SIGNED_IN),
    ("/api/users/second-factor/reset", ADMIN),
    // Reference data: read by the RSO staff, changed by administrators.
    ("/api/members/list", STAFF),
    ("/api/members/get", STAFF),
    ("/api/members/save", ADMIN),
    ("/api/agencies/list", STAFF),
    ("/api/agencies/get", STAFF),
    ("/api/agencies/save", ADMIN),
    ("/api/agencies/contacts/add", ADMIN),
    ("/api/agencies/contacts/remove", ADMIN),
    ("/api/donors/list", STAFF),
    ("/api/donors/get", STAFF),
    ("/api/donors/save", ADMIN),
    ("/api/themes/list", STAFF),
    ("/api/themes/get", STAFF),
    ("/api/themes/save", ADMIN),
    ("/api/reference/choices", STAFF),
    ("/api/users/list", ADMIN),
    ("/api/users/get", ADMIN),
    ("/api/users/save", ADMIN),
    ("/api/users/invite", ADMIN),
    ("/api/audit/list", ADMIN),
    ("/api/access/list", ADMIN),
    ("/api/privacy/erase", ADMIN),
    ("/api/mail/list", STAFF),
    ("/api/mail/resend", STAFF),
    // Nominations: the sending agency's focal points write them; the RSO decides.
    ("/api/nominations/list", "ACN"),
    ("/api/nominations/get", "ACN"),
    ("/api/nominations/ages", STAFF),
    ("/api/nominations/waiting", "ACN"),
    ("/api/nominations/save", "N"),
    ("/api/nominations/start-from", "N"),
    ("/api/nominations/act", "CN"),
    ("/api/nominations/comment", "CN"),
    // Placements: each reader sees its own; the coordinator moves them.
    ("/api/placements/list", SIGNED_IN),
    ("/api/placements/get", SIGNED_IN),
    ("/api/placements/overview", SIGNED_IN),
    ("/api/placements/timeline", SIGNED_IN),
    ("/api/placements/ahead", STAFF),
    ("/api/placements/counts", STAFF),
    ("/api/placements/extend", COORDINATOR),
    ("/api/placements/end-early", COORDINATOR),
    ("/api/placements/cancel", COORDINATOR),
    ("/api/placements/invite-secondee", COORDINATOR),
    // Reports: written by secondees and hosts, reviewed by the coordinator.
    ("/api/reports/list", SIGNED_IN),
    ("/api/reports/get", SIGNED_IN),
    ("/api/reports/overview", SIGNED_IN),
    ("/api/reports/outcomes", SIGNED_IN),
    ("/api/reports/save", "CHS"),
    ("/api/reports/accept", COORDINATOR),
    ("/api/reports/return", COORDINATOR),
    ("/api/reports/reopen", COORDINATOR),
    ("/api/reports/close", COORDINATOR),
    ("/api/reports/share", COORDINATOR),
    ("/api/reports/due-date", COORDINATOR),
    ("/api/reports/cycles", STAFF),
    ("/api/reports/cycles/save", COORDINATOR),
    // Calls for nominations: coordinators publish them; nominators read those open to them.
    ("/api/calls/list", "ACN"),
    ("/api/calls/get", "ACN"),
    ("/api/calls/figures", "ACN"),
    ("/api/calls/save", COORDINATOR),
    ("/api/calls/act", COORDINATOR),
    // Expressions of interest: anyone sends one; staff read the queue, coordinators decide.
    ("/api/programme/page", PUBLIC),
    ("/api/programme/enquire", PUBLIC),
    ("/api/programme/confirm", PUBLIC),
    ("/api/interest/list", STAFF),
    ("/api/interest/get", STAFF),
    ("/api/interest/act", COORDINATOR),
    ("/api/interest/accept", COORDINATOR),
    // Money: the coordinator records it; donors see their own.
    ("/api/agreements/list", STAFF),
    ("/api/agreements/get", STAFF),
    ("/api/agreements/commitments", STAFF),
    ("/api/agreements/save", COORDINATOR),
    ("/api/funding/commit", COORDINATOR),
    ("/api/funding/spend", COORDINATOR),
    ("/api/funding/reverse", COORDINATOR),
    ("/api/funding/rates", STAFF),
    ("/api/funding/rates/add", STAFF),
    ("/api/funding/rates/import", STAFF),
    ("/api/funding/utilisation", STAFF),
    ("/api/funding/report", "ACD"),
    ("/api/funding/mine", "D"),
];

/// Who may download each export.
const EXPORTS: &[(&str, &str)] = &[
    ("members.csv", STAFF),
    ("agencies.csv", STAFF),
    ("donors.csv", STAFF),
    ("themes.csv", STAFF),
    ("users.csv", ADMIN),
    ("audit.csv", ADMIN),
    ("access.csv", ADMIN),
    ("mail.csv", STAFF),
    ("nominations.csv", "ACN"),
    ("placements.csv", SIGNED_IN),
    ("reports.csv", SIGNED_IN),
    ("outcomes.csv", SIGNED_IN),
    ("agreements.csv", STAFF),
    ("calls.csv", STAFF),
    ("funding.csv", "ACD"),
    ("funded-placements.csv", "ACD"),
];

async fn clients(app: &TestApp) -> BTreeMap<char, Client> {
    let mut all = BTreeMap::new();
    for (letter, role) in ROLES {
        all.insert(letter, app.login_as(role).await);
    }
    all
}

/// What one cell got, against what the table says, or `None` when they agree.
fn disagreement(who: &str, allowed: bool, status: StatusCode) -> Option<String> {
    let refused = status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED;
    if status.is_server_error() {
        return Some(format!("{who}: {status}"));
    }
    match (allowed, refused) {
        (true, true) => Some(format!("{who}: refused ({status}) but the table allows it")),
        (false, false) => Some(format!("{who}: let through ({status}) but the table refuses it")),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_server_function_and_route_answers_each_role_as_the_table_says() {
    let app = TestApp::start().await;
    let registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
    let declared: Vec<&str> = SERVER_FUNCTIONS.iter().map(|(p, _)| *p).collect();
    let undeclared: Vec<&&str> = registered.iter().filter(|p| !declared.contains(p)).collect();
    assert!(undeclared.is_empty(), "server functions without a row in the access table: {undeclared:?}");
    let gone: Vec<&&str> = declared.iter().filter(|p| !registered.contains(p)).collect();
    assert!(gone.is_empty(), "rows for server functions that do not exist: {gone:?}");
    let exports: Vec<&str> = EXPORTS.iter().map(|(f, _)| *f).collect();
    assert_eq!(exports, app::admin::export::EXPORTS, "one row per export");

    let clients = clients(&app).await;
    let anonymous = app.client();
    let mut wrong = Vec::new();
    let mut cells = 0;
    for (path, who) in SERVER_FUNCTIONS {
        // Signing out would end the session the other cells use; it is checked last.
        if *path == "/api/logout" {
            continue;
        }
        let status = app.post(&anonymous, path, &[]).await.status();
        cells += 1;
        wrong.extend(disagreement(&format!("{path} anonymous"), *who == PUBLIC, status));
        for (letter, role) in ROLES {
            let status = app.post(&clients[&letter], path, &[]).await.status();
            cells += 1;
            wrong.extend(disagreement(&format!("{path} {role}"), *who == PUBLIC || who.contains(letter), status));
        }
    }
    for (file, who) in EXPORTS {
        let path = format!("/export/{file}");
        let status = anonymous.get(app.url(&path)).send().await.unwrap().status();
        cells += 1;
        wrong.extend(disagreement(&format!("{path} anonymous"), false, status));
        for (letter, role) in ROLES {
            let status = clients[&letter].get(app.url(&path)).send().await.unwrap().status();
            cells += 1;
            wrong.extend(disagreement(&format!("{path} {role}"), who.contains(letter), status));
        }
    }
    // The IATI file is the RSO's publication, made by its staff.
    for (letter, role) in ROLES {
        let status = clients[&letter].get(app.url("/export/iati/activities.xml")).send().await.unwrap().status();
        cells += 1;
        wrong.extend(disagreement(&format!("IATI {role}"), STAFF.contains(letter), status));
    }
    for (letter, role) in ROLES {
        let status = app.post(&clients[&letter], "/api/logout", &[]).await.status();
        cells += 1;
        wrong.extend(disagreement(&format!("/api/logout {role}"), true, status));
    }
    let status = app.post(&anonymous, "/api/logout", &[]).await.status();
    wrong.extend(disagreement("/api/logout anonymous", false, status));
    assert!(wrong.is_empty(), "{} of {cells} cells disagree with the table:\n{}", wrong.len(), wrong.join("\n"));
    println!("access matrix: {cells} role × endpoint cells as declared");
}

/// One record of `sql` (a `SELECT VALUE record::id(id) …`), or a clear failure naming it.
async fn one(app: &TestApp, what: &str, sql: &str) -> String {
    let rows = app.rows(sql).await;
    rows.as_array()
        .and_then(|r| r.first())
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("the demo history has no {what}"))
}

/// Whether a role got past the record's own check: a refusal is 403, or 404 where saying
/// "forbidden" would tell that the record exists.
fn reached(status: StatusCode) -> Option<bool> {
    match status {
        s if s.is_success() => Some(true),
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => Some(false),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_role_reaches_its_own_records_and_not_another_agencys_or_donors() {
    // A year of generated history around the demo's story: records of many agencies and donors.
    let app = TestApp::start_with(&[("HUB_DEMO_YEARS", "1")]).await;
    let agency = |role: &str| format!("(SELECT VALUE agency FROM ONLY user WHERE email = '{role}@demo.hub' LIMIT 1)");
    let donor = "(SELECT VALUE donor FROM ONLY user WHERE email = 'donor@demo.hub' LIMIT 1)";

    let own_nomination = one(
        &app,
        "nomination of the nominator's agency",
        &format!("SELECT VALUE record::id(id) FROM nomination WHERE sending_agency = {} LIMIT 1", agency("nominator")),
    )
    .await;
    let other_nomination = one(
        &app,
        "nomination of another agency",
        &format!("SELECT VALUE record::id(id) FROM nomination WHERE sending_agency != {} LIMIT 1", agency("nominator")),
    )
    .await;
    let sent_placement = one(
        &app,
        "placement sent by the nominator's agency",
        &format!("SELECT VALUE record::id(id) FROM placement WHERE sending_agency = {} LIMIT 1", agency("nominator")),
    )
    .await;
    let hosted_placement = one(
        &app,
        "placement hosted by the host's agency",
        &format!("SELECT VALUE record::id(id) FROM placement WHERE host_agency = {} LIMIT 1", agency("host")),
    )
    .await;
    let own_placement = one(
        &app,
        "the secondee's placement",
        "SELECT VALUE record::id(id) FROM placement WHERE officer_email = 'secondee@demo.hub' LIMIT 1",
    )
    .await;
    let funded_placement = one(
        &app,
        "placement funded by the donor",
        &format!("SELECT VALUE record::id(id) FROM placement WHERE funders CONTAINS {donor} LIMIT 1"),
    )
    .await;
    // One placement that is none of theirs: another agency sends and hosts it, another officer
    // holds it, and the donor does not fund it.
    let foreign_placement = one(
        &app,
        "placement of other agencies and donors",
        &format!(
            "SELECT VALUE record::id(id) FROM placement WHERE sending_agency != {n} AND host_agency != {h}
            AND officer_email != 'secondee@demo.hub' AND !(funders CONTAINS {donor}) LIMIT 1",
            n = agency("nominator"),
            h = agency("host")
        ),
    )
    .await;
    let foreign_report = one(
        &app,
        "report of that placement",
        &format!("SELECT VALUE record::id(id) FROM report WHERE placement = placement:{foreign_placement} LIMIT 1"),
    )
    .await;
    let own_report = one(
        &app,
        "report of the secondee's placement",
        &format!("SELECT VALUE record::id(id) FROM report WHERE placement = placement:{own_placement} LIMIT 1"),
    )
    .await;
    let own_agreement = one(
        &app,
        "agreement of the donor",
        &format!("SELECT VALUE record::id(id) FROM funding_agreement WHERE donor = {donor} LIMIT 1"),
    )
    .await;
    let other_agreement = one(
        &app,
        "agreement of another donor",
        &format!("SELECT VALUE record::id(id) FROM funding_agreement WHERE donor != {donor} LIMIT 1"),
    )
    .await;

    // (role, endpoint, record, whose, may reach)
    let cells: Vec<(&str, &str, &str, &str, bool)> = vec![
        ("nominator", "/api/nominations/get", &own_nomination, "own agency's", true),
        ("nominator", "/api/nominations/get", &other_nomination, "another agency's", false),
        ("coordinator", "/api/nominations/get", &other_nomination, "any agency's", true),
        ("admin", "/api/nominations/get", &other_nomination, "any agency's", true),
        ("nominator", "/api/placements/get", &sent_placement, "sent by its agency", true),
        ("nominator", "/api/placements/get", &foreign_placement, "another agency's", false),
        ("host", "/api/placements/get", &hosted_placement, "hosted by its agency", true),
        ("host", "/api/placements/get", &foreign_placement, "another agency's", false),
        ("secondee", "/api/placements/get", &own_placement, "their own", true),
        ("secondee", "/api/placements/get", &foreign_placement, "another officer's", false),
        ("donor", "/api/placements/get", &funded_placement, "funded by it", true),
        ("donor", "/api/placements/get", &foreign_placement, "funded by another donor", false),
        ("coordinator", "/api/placements/get", &foreign_placement, "any", true),
        ("secondee", "/api/reports/get", &own_report, "their own", true),
        ("secondee", "/api/reports/get", &foreign_report, "another officer's", false),
        ("host", "/api/reports/get", &foreign_report, "another agency's", false),
        ("nominator", "/api/reports/get", &foreign_report, "another agency's", false),
        ("donor", "/api/reports/get", &foreign_report, "not funded by it", false),
        ("coordinator", "/api/reports/get", &foreign_report, "any", true),
        ("donor", "/api/funding/report", &own_agreement, "its own", true),
        ("donor", "/api/funding/report", &other_agreement, "another donor's", false),
        ("coordinator", "/api/funding/report", &other_agreement, "any donor's", true),
    ];
    let mut clients = BTreeMap::new();
    for (_, role) in ROLES {
        clients.insert(role, app.login_as(role).await);
    }
    let mut wrong = Vec::new();
    for (role, path, id, whose, may) in &cells {
        let status = app.post(&clients[role], path, &[("id", id)]).await.status();
        match reached(status) {
            Some(got) if got == *may => {}
            _ => wrong.push(format!(
                "{role} {path} {whose} record: {status}, expected {}",
                if *may { "200" } else { "403/404" }
            )),
        }
    }

    // Documents and lists: another agency's files and rows never reach a nominator.
    let nominator = &clients["nominator"];
    let other_documents = app
        .rows(&format!(
            "SELECT VALUE record::id(id) FROM nomination_document WHERE nomination.sending_agency != {} LIMIT 1",
            agency("nominator")
        ))
        .await;
    if let Some(doc) = other_documents.as_array().and_then(|d| d.first()).and_then(|d| d.as_str()) {
        let status = nominator.get(app.url(&format!("/documents/{doc}"))).send().await.unwrap().status();
        if reached(status) != Some(false) {
            wrong.push(format!("nominator /documents another agency's file: {status}"));
        }
    } else {
        panic!("the demo history has no document of another agency");
    }
    let other_reference = app
        .rows(&format!(
            "SELECT VALUE reference FROM nomination WHERE sending_agency != {} LIMIT 1",
            agency("nominator")
        ))
        .await;
    let other_reference = other_reference[0].as_str().unwrap().to_string();
    let csv = nominator.get(app.url("/export/nominations.csv")).send().await.unwrap().text().await.unwrap();
    if csv.contains(&other_reference) {
        wrong.push(format!("nominator nominations.csv carries another agency's {other_reference}"));
    }
    // By its nomination's reference, the export's first column: officers' names repeat across
    // agencies in the demo history, references do not.
    let foreign_reference =
        app.rows(&format!("SELECT VALUE nomination.reference FROM placement:{foreign_placement}")).await;
    let foreign_reference = foreign_reference[0].as_str().unwrap().to_string();
    for role in ["nominator", "host", "secondee", "donor"] {
        let csv = clients[role].get(app.url("/export/placements.csv")).send().await.unwrap().text().await.unwrap();
        if csv.lines().any(|l| l.starts_with(&format!("{foreign_reference},"))) {
            wrong.push(format!("{role} placements.csv carries another agency's placement {foreign_reference}"));
        }
    }
    assert!(wrong.is_empty(), "{} record cells wrong:\n{}", wrong.len(), wrong.join("\n"));
    println!("access matrix: {} role × record cells as declared", cells.len() + 6);
}
