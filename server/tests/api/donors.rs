//! What a donor receives: every endpoint and export a donor may call, signed in as the demo
//! donor, against an allow-list of the keys (or columns) its pages show; only the reports shared
//! with it, each as its accepted version alone; and its mail about a placement's change without
//! the coordinator's reason.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::TestApp;

/// Every key path of `value`: `a.b` for an object's key, `a[]` for the items of an array.
fn keys(value: &Value) -> BTreeSet<String> {
    fn walk(value: &Value, at: &str, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    let path = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
                    out.insert(path.clone());
                    walk(inner, &path, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, &format!("{at}[]"), out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(value, "", &mut out);
    out
}

/// `fields` under `prefix` (`prefix.field`), or alone when `prefix` is empty.
fn under(prefix: &str, fields: &[&str]) -> Vec<String> {
    fields.iter().map(|f| if prefix.is_empty() { f.to_string() } else { format!("{prefix}.{f}") }).collect()
}

fn money(prefix: &str) -> Vec<String> {
    let mut out = vec![prefix.to_string()];
    out.extend(under(prefix, &["minor", "currency"]));
    out
}

fn placement_dates(prefix: &str) -> Vec<String> {
    let mut out = vec![prefix.to_string()];
    out.extend(under(prefix, &["planned_start", "actual_start", "original_end", "current_end", "early_end"]));
    out
}

/// A row of the placements list (and of the timeline).
fn placement_row(prefix: &str) -> Vec<String> {
    let mut out = under(
        prefix,
        &["id", "reference", "officer_name", "sending_agency", "host_agency", "state", "extensions", "overlap"],
    );
    out.extend(placement_dates(&format!("{prefix}.dates")));
    out
}

/// A row of the reports list.
fn report_row(prefix: &str) -> Vec<String> {
    under(
        prefix,
        &[
            "id",
            "placement_id",
            "kind",
            "officer_name",
            "sending_agency",
            "host_agency",
            "period_start",
            "period_end",
            "due_date",
            "state",
            "overdue",
            "submitted_at",
            "shared_with_donor",
        ],
    )
}

/// A page of a list, with `item` the keys of one row under `page.items[]`.
fn page_of(item: fn(&str) -> Vec<String>) -> Vec<String> {
    let mut out = vec!["page".to_string(), "page.items".to_string(), "staff".to_string()];
    out.extend(under("page", &["total", "capped", "page", "per_page", "prev", "next"]));
    out.extend(item("page.items[]"));
    out
}

/// What a donor is shown of an agreement (its figures; not its notes or earmarks).
fn agreement(prefix: &str) -> Vec<String> {
    let mut out = vec![prefix.to_string()];
    out.extend(under(prefix, &["id", "donor", "reference", "title", "currency", "utilisation_bp", "by_category"]));
    for figure in ["total", "committed", "spent"] {
        out.extend(money(&format!("{prefix}.{figure}")));
    }
    out.extend(under(prefix, &["period", "period.start", "period.end"]));
    out.extend(money(&format!("{prefix}.by_category[][]")).into_iter().skip(1));
    out
}

fn reporting(prefix: &str) -> Vec<String> {
    let mut out = vec![prefix.to_string()];
    for figure in ["total", "committed", "spent"] {
        out.extend(money(&format!("{prefix}.{figure}")));
    }
    out.extend(under(prefix, &["basis", "available"]));
    out
}

fn set(parts: Vec<Vec<String>>) -> BTreeSet<String> {
    parts.into_iter().flatten().collect()
}

fn strings(fields: &[&str]) -> Vec<String> {
    fields.iter().map(|f| f.to_string()).collect()
}

/// The JSON a donor gets from `path` with `form`, checked to be answered.
async fn answer(app: &TestApp, donor: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> Value {
    let response = app.post(donor, path, form).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json::<Value>().await.unwrap()
}

/// Fails with the keys `got` has beyond `allowed`, and those it lacks.
fn assert_keys(path: &str, got: &Value, allowed: BTreeSet<String>) {
    let got = keys(got);
    let extra: Vec<&String> = got.difference(&allowed).collect();
    let missing: Vec<&String> = allowed.difference(&got).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{path}: keys beyond the donor's view {extra:?}; missing {missing:?}"
    );
}

/// The keys of the reports shared with the demo donor (accepted, shared, of what it funds).
async fn shared_reports(app: &TestApp, placement: Option<&str>) -> BTreeSet<String> {
    let donor = "(SELECT VALUE donor FROM ONLY user WHERE email = 'donor@demo.hub' LIMIT 1)";
    let of = placement.map(|p| format!(" AND placement = placement:{p}")).unwrap_or_default();
    let rows = app
        .rows(&format!(
            "SELECT VALUE record::id(id) FROM report WHERE funders CONTAINS {donor} AND shared_with_donor = true
                AND state = 'accepted'{of}"
        ))
        .await;
    rows.as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_string()).collect()
}

fn ids(items: &Value, field: &str) -> BTreeSet<String> {
    items.as_array().unwrap().iter().map(|r| r[field].as_str().unwrap().to_string()).collect()
}

/// Makes a shared report of the demo secondee's have a history: reopened, returned with a
/// comment, submitted again and accepted and shared again. Returns its key.
async fn shared_report_with_two_versions(app: &TestApp) -> String {
    let report = app
        .first_key(
            "SELECT VALUE record::id(id) FROM report WHERE officer_email = 'secondee@demo.hub'
                AND kind = 'secondee_monthly' AND shared_with_donor = true AND state = 'accepted' LIMIT 1",
        )
        .await;
    let coordinator = app.login_as("coordinator").await;
    let secondee = app.login_as("secondee").await;
    let later = (app.state.clock.today() + chrono::Duration::days(10)).to_string();
    let theme = app.first_key(&format!("SELECT VALUE record::id(themes[0]) FROM report:{report}")).await;
    let id = report.as_str();
    type Step<'a> = (&'a reqwest::Client, &'a str, Vec<(&'a str, &'a str)>);
    let steps: [Step; 5] = [
        (&coordinator, "/api/reports/reopen", vec![("id", id), ("reason", "L1 reopen reason: figures disputed.")]),
        (
            &coordinator,
            "/api/reports/return",
            vec![("id", id), ("comment", "L1 return comment: add the cases."), ("resubmit_by", &later)],
        ),
        (
            &secondee,
            "/api/reports/save",
            vec![
                ("id", id),
                ("activities", "L1 second version: case reviews."),
                ("outcomes", "L1 second version: 14 cases referred."),
                ("themes[]", &theme),
                ("intent", "submit"),
            ],
        ),
        (&coordinator, "/api/reports/accept", vec![("id", id)]),
        (&coordinator, "/api/reports/share", vec![("id", id)]),
    ];
    for (client, path, form) in steps {
        let response = app.post(client, path, &form).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}: {}", response.text().await.unwrap());
    }
    report
}

#[tokio::test]
async fn l1_a_donor_receives_only_what_its_pages_show() {
    let app = TestApp::start().await;
    let report = shared_report_with_two_versions(&app).await;
    let donor = app.login_as("donor").await;

    // Placements: the list and the timeline as every reader has them; the overview, which no
    // page of a donor's shows, empty; one placement without its people's addresses, supervisor,
    // history, reasons or the reports not shared.
    let list = answer(&app, &donor, "/api/placements/list", &[]).await;
    assert_keys("placements/list", &list, set(vec![page_of(placement_row)]));
    let timeline = answer(&app, &donor, "/api/placements/timeline", &[]).await;
    let mut allowed = strings(&["from", "to", "today", "rows", "truncated", "staff"]);
    allowed.extend(placement_row("rows[]"));
    assert_keys("placements/timeline", &timeline, set(vec![allowed]));
    let overview = answer(&app, &donor, "/api/placements/overview", &[]).await;
    assert_keys(
        "placements/overview",
        &overview,
        set(vec![strings(&["today", "current", "starting", "ending", "counts", "overlaps"])]),
    );
    let dilini = app
        .first_key("SELECT VALUE record::id(id) FROM placement WHERE officer_name = 'Dilini Jayasuriya' LIMIT 1")
        .await;
    let placement = answer(&app, &donor, "/api/placements/get", &[("id", &dilini)]).await;
    let mut allowed = strings(&[
        "id",
        "reference",
        "state",
        "officer_name",
        "sending_agency",
        "host_agency",
        "overlap",
        "objectives",
        "reports",
    ]);
    allowed.extend(placement_dates("dates"));
    allowed.extend(report_row("reports[]"));
    assert_keys("placements/get", &placement, set(vec![allowed]));
    assert_eq!(
        ids(&placement["reports"], "id"),
        shared_reports(&app, Some(&dilini)).await,
        "the placement's reports shared with the donor, and no other"
    );

    // Reports: the list of those shared; one shared report as its accepted version alone.
    let list = answer(&app, &donor, "/api/reports/list", &[]).await;
    assert_keys("reports/list", &list, set(vec![page_of(report_row)]));
    let shared = shared_reports(&app, None).await;
    assert_eq!(ids(&list["page"]["items"], "id"), shared, "only the reports shared with the donor");
    let got = answer(&app, &donor, "/api/reports/get", &[("id", &report)]).await;
    let mut allowed = strings(&["summary", "author_label", "version", "content", "documents"]);
    allowed.extend(report_row("summary"));
    allowed.extend(under("content", &["activities", "outcomes", "challenges", "next_steps", "themes"]));
    assert_keys("reports/get", &got, set(vec![allowed]));
    assert_eq!(got["version"], 2, "the version accepted and shared");
    assert_eq!(got["content"]["outcomes"], "L1 second version: 14 cases referred.");
    let text = got.to_string();
    for hidden in ["L1 return comment", "L1 reopen reason", "Joined the host's daily case reviews", "Demo author"] {
        assert!(!text.contains(hidden), "reports/get carries {hidden:?}: {text}");
    }
    assert_eq!(answer(&app, &donor, "/api/reports/overview", &[]).await, serde_json::json!([]));
    let themes = answer(&app, &donor, "/api/reports/outcomes", &[]).await;
    let theme = themes["themes"][0]["theme_id"].as_str().expect("a shared report names a theme").to_string();
    let outcomes = answer(&app, &donor, "/api/reports/outcomes", &[("theme", &theme)]).await;
    let mut allowed = strings(&["themes", "outcomes", "staff"]);
    allowed.extend(under("themes[]", &["theme_id", "theme", "reports", "placements"]));
    allowed.extend(under("outcomes[]", &["report_id", "officer_name", "sending_agency", "period_end", "outcomes"]));
    assert_keys("reports/outcomes", &outcomes, set(vec![allowed]));
    assert!(ids(&outcomes["outcomes"], "report_id").is_subset(&shared), "outcomes of shared reports only");

    // Funding: the agreements' figures, without their internal notes or earmarks.
    let aus = app.first_key("SELECT VALUE record::id(id) FROM funding_agreement WHERE reference = 'AUS-2026-01'").await;
    let printable = answer(&app, &donor, "/api/funding/report", &[("id", &aus)]).await;
    let allowed =
        set(vec![strings(&["placements", "outcomes", "printed_on"]), agreement("agreement"), reporting("reporting")]);
    assert_keys("funding/report", &printable, allowed);
    let mine = answer(&app, &donor, "/api/funding/mine", &[]).await;
    let allowed = set(vec![
        strings(&["agreements", "reporting", "placements", "placements_funded", "placements_under_way", "reports"]),
        agreement("agreements[]").into_iter().skip(1).collect(),
        reporting("reporting[]").into_iter().skip(1).collect(),
    ]);
    assert_keys("funding/mine", &mine, allowed);
    let listed: BTreeSet<String> =
        mine["reports"].as_array().unwrap().iter().map(|r| r[0].as_str().unwrap().to_string()).collect();
    assert!(listed.is_subset(&shared), "the home lists shared reports only");

    // The home page: the donor's own account; the staff's figures empty.
    let home = answer(&app, &donor, "/api/home", &[]).await;
    let allowed = set(vec![
        strings(&["user", "counts", "failed_mail", "today"]),
        under("user", &["id", "email", "name", "role", "agency", "donor", "donor.id", "donor.name", "must_enrol"]),
    ]);
    assert_keys("home", &home, allowed);
    assert_eq!((home["counts"].clone(), home["failed_mail"].clone()), (serde_json::json!([]), serde_json::json!(0)));

    // The exports: their columns, and the reports shared alone.
    let exports: [(&str, &str); 5] = [
        (
            "placements.csv",
            "reference,officer,sending_agency,host_agency,state,planned_start,actual_start,original_end,current_end,early_end,extensions,overlap",
        ),
        (
            "reports.csv",
            "placement,officer,kind,author,period_start,period_end,due_date,state,overdue,submitted_at,shared_with_donor",
        ),
        ("outcomes.csv", "theme,accepted_reports,placements"),
        ("funding.csv", "agreement,donor,currency,category,committed,spent"),
        ("funded-placements.csv", "agreement,officer,sending_agency,host_agency,state,start,last_day"),
    ];
    for (file, header) in exports {
        let response = donor.get(app.url(&format!("/export/{file}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{file}");
        let csv = response.text().await.unwrap();
        assert_eq!(csv.lines().next(), Some(header), "{file}");
        if file == "reports.csv" {
            assert_eq!(csv.lines().count(), shared.len() + 1, "the reports shared, and no other: {csv}");
        }
    }
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn l1_the_donors_pages_show_what_it_receives_and_the_staffs_pages_the_whole() {
    let app = TestApp::start().await;
    let report = shared_report_with_two_versions(&app).await;
    let dilini = app
        .first_key("SELECT VALUE record::id(id) FROM placement WHERE officer_name = 'Dilini Jayasuriya' LIMIT 1")
        .await;
    let unshared = app
        .first_key(&format!(
            "SELECT VALUE record::id(id) FROM report WHERE placement = placement:{dilini} AND shared_with_donor = false LIMIT 1"
        ))
        .await;
    let (donor, coordinator) = (app.login_as("donor").await, app.login_as("coordinator").await);

    let placement = page(&app, &donor, &format!("/placements/{dilini}")).await;
    assert!(placement.contains("Placement of Dilini Jayasuriya") && placement.contains("Planned start"));
    assert!(placement.contains(&format!("/reports/{report}")), "its shared reports are listed");
    assert!(!placement.contains(&format!("/reports/{unshared}")), "the reports not shared are not");
    for hidden in ["Supervisor", "Secondee account", "History", "/nominations/"] {
        assert!(!placement.contains(hidden), "the donor's placement page shows {hidden:?}");
    }
    let whole = page(&app, &coordinator, &format!("/placements/{dilini}")).await;
    assert!(["Supervisor", "Secondee account", "History", &format!("/reports/{unshared}")]
        .iter()
        .all(|s| whole.contains(s)));

    let shared = page(&app, &donor, &format!("/reports/{report}")).await;
    assert!(shared.contains("L1 second version: 14 cases referred.") && shared.contains("Version shared"));
    for hidden in ["L1 return comment", "Submitted versions", "History"] {
        assert!(!shared.contains(hidden), "the donor's report page shows {hidden:?}");
    }
    let whole = page(&app, &coordinator, &format!("/reports/{report}")).await;
    assert!(whole.contains("L1 return comment") && whole.contains("Submitted versions"));

    let aus = app.first_key("SELECT VALUE record::id(id) FROM funding_agreement WHERE reference = 'AUS-2026-01'").await;
    for path in ["/funding".to_string(), format!("/funding/report/{aus}")] {
        let html = page(&app, &donor, &path).await;
        assert!(html.contains("AUS-2026-01") && html.contains("data-testid=\"agreement-figures\""), "{path}");
    }
    let agreement = page(&app, &app.login_as("admin").await, &format!("/funding/agreements/{aus}")).await;
    assert!(agreement.contains("data-testid=\"agreement-figures\"") && agreement.contains("spend-chart"));
}

/// The demo placement of `officer` (funded by the demo donor's agreement).
async fn placement_of(app: &TestApp, officer: &str) -> String {
    app.first_key(&format!(
        "SELECT VALUE record::id(id) FROM placement WHERE officer_name = '{officer}' AND state IN ['planned', 'active']
            LIMIT 1"
    ))
    .await
}

#[tokio::test]
async fn l1_donors_are_told_of_an_early_end_or_a_cancellation_without_the_coordinators_reason() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let today = app.state.clock.today().to_string();
    let dilini = placement_of(&app, "Dilini Jayasuriya").await;
    let chamari = placement_of(&app, "Chamari Silva").await;
    let moves = [
        (
            "/api/placements/end-early",
            vec![("id", dilini.as_str()), ("last_day", today.as_str())],
            "placement_ended_early",
        ),
        ("/api/placements/cancel", vec![("id", chamari.as_str())], "placement_cancelled"),
    ];
    for (path, mut form, event) in moves {
        let reason = format!("L1 reason for {event}: the ministry recalled the officer.");
        form.push(("reason", &reason));
        let of_event = format!(
            "SELECT record::id(id) AS id, recipient_email, subject + text_body + html_body AS text FROM notification
                WHERE event = '{event}'"
        );
        let before = app.rows(&of_event).await;
        let response = app.post(&coordinator, path, &form).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}: {}", response.text().await.unwrap());
        let after = app.rows(&of_event).await;
        let mails: Vec<&Value> =
            after.as_array().unwrap().iter().filter(|m| !before.as_array().unwrap().contains(m)).collect();
        let (to_donor, to_agencies): (Vec<&Value>, Vec<&Value>) =
            mails.into_iter().partition(|m| m["recipient_email"] == "donor@demo.hub");
        assert_eq!(to_donor.len(), 1, "{event}: the funding donor is told");
        assert!(!to_donor[0]["text"].as_str().unwrap().contains("L1 reason"), "{event}: {}", to_donor[0]["text"]);
        assert!(!to_agencies.is_empty(), "{event}: the agencies are told");
        assert!(
            to_agencies.iter().all(|m| m["text"].as_str().unwrap().contains(&reason)),
            "{event}: the agencies keep the reason"
        );
    }
}
