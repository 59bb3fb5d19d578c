//! Funding: agreements refused at the field for bad money and duplicates; commitments within
//! the earmarks and the total (or overridden with a reason), two at once never both past it;
//! the 80 % and 100 % alerts once each; the first commitment confirming the placement; and the
//! donor seeing only its own agreements.

use reqwest::StatusCode;

use crate::common::{error_json, TestApp};

/// Every agreement's kept figures (committed, spent, used, by category) equal a recount of its
/// commitment and expenditure rows by the utilisation rule.
pub async fn figures_match_a_recount(app: &TestApp) {
    use app::funding::rules::{used_minor, Line};
    let lines = app
        .rows(
            "RETURN {
                committed: (SELECT agreement, placement, category, math::sum(amount_minor) AS m FROM commitment
                    GROUP BY agreement, placement, category),
                spent: (SELECT agreement, placement, category, math::sum(converted_minor) AS m FROM expenditure
                    GROUP BY agreement, placement, category)
            }",
        )
        .await;
    let kept = app
        .rows(
            "SELECT record::id(id) AS key, committed_minor, spent_minor, used_minor,
                committed_by_category, spent_by_category FROM funding_agreement",
        )
        .await;
    let agreements = kept.as_array().unwrap();
    assert!(!agreements.is_empty());
    for a in agreements {
        let key = a["key"].as_str().unwrap();
        let of = |side: &str| -> Vec<(String, String, i64)> {
            lines[side]
                .as_array()
                .unwrap()
                .iter()
                .filter(|l| l["agreement"].as_str().unwrap().ends_with(&format!(":{key}")))
                .map(|l| {
                    (l["placement"].to_string(), l["category"].as_str().unwrap().to_string(), l["m"].as_i64().unwrap())
                })
                .collect()
        };
        let (committed, spent) = (of("committed"), of("spent"));
        let mut recount: Vec<Line> = committed
            .iter()
            .map(|(p, c, m)| Line {
                committed_minor: *m,
                spent_minor: spent.iter().filter(|(q, d, _)| q == p && d == c).map(|(_, _, s)| s).sum(),
            })
            .collect();
        // Spending needs a commitment on its line; a line spent but never committed would count too.
        recount.extend(
            spent
                .iter()
                .filter(|(p, c, _)| !committed.iter().any(|(q, d, _)| q == p && d == c))
                .map(|(_, _, s)| Line { committed_minor: 0, spent_minor: *s }),
        );
        let total = |rows: &[(String, String, i64)]| rows.iter().map(|(_, _, m)| m).sum::<i64>();
        assert_eq!(a["committed_minor"].as_i64(), Some(total(&committed)), "committed of {key}");
        assert_eq!(a["spent_minor"].as_i64(), Some(total(&spent)), "spent of {key}");
        assert_eq!(a["used_minor"].as_i64(), Some(used_minor(&recount)), "used of {key}");
        for category in ["stipend", "travel", "accommodation", "training", "other"] {
            let in_category = |rows: &[(String, String, i64)]| {
                rows.iter().filter(|(_, c, _)| c == category).map(|(_, _, m)| m).sum::<i64>()
            };
            let stored = |field: &str| a[field][category].as_i64().unwrap_or(0);
            assert_eq!(stored("committed_by_category"), in_category(&committed), "{category} committed of {key}");
            assert_eq!(stored("spent_by_category"), in_category(&spent), "{category} spent of {key}");
        }
    }
    donor_scope_matches_a_recount(app).await;
}

/// What a donor may see, kept on the rows (migration 0015), against a recount from the
/// commitments: a placement's funders are the donors of its commitments' agreements, and each
/// report carries its placement's.
async fn donor_scope_matches_a_recount(app: &TestApp) {
    let wrong = app
        .rows(
            "SELECT VALUE id FROM placement WHERE array::sort(funders) !=
                array::sort(array::distinct((SELECT VALUE agreement.donor FROM commitment WHERE placement = $parent.id)))",
        )
        .await;
    assert_eq!(wrong, serde_json::json!([]), "placements whose funders are not their commitments' donors");
    let funded = app.rows("RETURN count(SELECT id FROM placement WHERE array::len(funders) > 0)").await;
    assert!(funded.as_i64().unwrap() > 0);
    let wrong = app
        .rows("SELECT VALUE id FROM report WHERE array::sort(funders) != array::sort(placement.funders ?? [])")
        .await;
    assert_eq!(wrong, serde_json::json!([]), "reports whose funders are not their placement's");
    donor_rows_match_a_recount(app).await;
}

/// The donor's page reads kept rows and counts (migration 0036); each equals a recount from the
/// placements' and reports' `funders`.
async fn donor_rows_match_a_recount(app: &TestApp) {
    let recount = app
        .rows(
            "RETURN {
                placements: array::sort(array::flatten(SELECT VALUE funders.map(|$d| [<string> $d, <string> id, open_start ?? ''])
                    FROM placement)),
                kept_placements: array::sort(SELECT VALUE [<string> donor, <string> placement, open_start ?? ''] FROM donor_placement),
                reports: array::sort(array::flatten(SELECT VALUE funders.map(|$d| [<string> $d, <string> id, due_date])
                    FROM report WHERE state = 'accepted' AND shared_with_donor = true)),
                kept_reports: array::sort(SELECT VALUE [<string> donor, <string> report, due_date] FROM donor_report),
                counts: (SELECT record::id(id) AS donor,
                    count(SELECT id FROM placement WHERE funders CONTAINS $parent.id) AS funded,
                    count(SELECT id FROM placement WHERE funders CONTAINS $parent.id AND open_start > '') AS open
                    FROM donor),
                tallies: (SELECT record::id(id) AS key, n FROM tally WHERE string::starts_with(record::id(id), 'donor_placement|')),
            }",
        )
        .await;
    assert_eq!(recount["kept_placements"], recount["placements"], "the donors' placement rows");
    assert_eq!(recount["kept_reports"], recount["reports"], "the donors' shared report rows");
    assert!(!recount["placements"].as_array().unwrap().is_empty(), "the data fund placements");
    let tally = |key: String| {
        let rows = recount["tallies"].as_array().unwrap();
        rows.iter().find(|t| t["key"] == key.as_str()).and_then(|t| t["n"].as_i64()).unwrap_or(0)
    };
    for donor in recount["counts"].as_array().unwrap() {
        let key = donor["donor"].as_str().unwrap();
        for count in ["funded", "open"] {
            let kept = tally(format!("donor_placement|{count}|{key}"));
            assert_eq!(Some(kept), donor[count].as_i64(), "{count} placements of donor {key}");
        }
    }
}

async fn key(app: &TestApp, sql: &str) -> String {
    app.first_key(sql).await
}

/// A new agreement of the demo's first donor in AUD with `total`, and its key.
async fn agreement(
    app: &TestApp,
    coordinator: &reqwest::Client,
    reference: &str,
    total: &str,
    extra: &[(&str, &str)],
) -> String {
    let donor = key(app, "SELECT VALUE record::id(id) FROM donor WHERE name = 'Government of Australia'").await;
    let mut form = vec![
        ("donor", donor.as_str()),
        ("reference", reference),
        ("title", "Secondments"),
        ("currency", "AUD"),
        ("total", total),
        ("period_start", "2026-01-01"),
        ("period_end", "2028-12-31"),
    ];
    form.extend_from_slice(extra);
    let response = app.post(coordinator, "/api/agreements/save", &form).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    key(app, &format!("SELECT VALUE record::id(id) FROM funding_agreement WHERE reference = '{reference}'")).await
}

async fn open_placement(app: &TestApp, officer: &str) -> String {
    key(app, &format!("SELECT VALUE record::id(id) FROM placement WHERE officer_name = '{officer}' AND state IN ['planned', 'active']")).await
}

async fn commit(
    app: &TestApp,
    client: &reqwest::Client,
    agreement: &str,
    placement: &str,
    amount: &str,
    reason: &str,
) -> reqwest::Response {
    let form = [
        ("agreement", agreement),
        ("placement", placement),
        ("category", "stipend"),
        ("amount", amount),
        ("override_reason", reason),
    ];
    app.post(client, "/api/funding/commit", &form).await
}

#[tokio::test]
async fn bad_agreements_are_refused_at_the_field() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let donor = key(&app, "SELECT VALUE record::id(id) FROM donor WHERE name = 'Government of Australia'").await;
    let cases: [(&str, &str, &str); 5] = [
        ("AUD", "1e6", "total"),
        ("USD", "12.345", "total"),
        ("VND", "10.5", "total"),
        ("AUD", "-5.00", "total"),
        ("XXY", "100.00", "currency"),
    ];
    for (currency, total, field) in cases {
        let form = [
            ("donor", donor.as_str()),
            ("reference", "BAD-1"),
            ("title", "Bad"),
            ("currency", currency),
            ("total", total),
            ("period_start", "2026-01-01"),
            ("period_end", "2026-12-31"),
        ];
        let response = app.post(&coordinator, "/api/agreements/save", &form).await;
        assert_eq!(error_json(response).await["Invalid"]["errors"][0]["field"], field, "{currency} {total}");
    }
    assert_eq!(
        app.rows("RETURN count(SELECT id FROM funding_agreement WHERE reference = 'BAD-1')").await,
        serde_json::json!(0)
    );
    agreement(&app, &coordinator, "AUS-TEST-1", "1,000.00", &[]).await;
    let duplicate = [
        ("donor", donor.as_str()),
        ("reference", "aus-test-1"),
        ("title", "Again"),
        ("currency", "AUD"),
        ("total", "5.00"),
        ("period_start", "2026-01-01"),
        ("period_end", "2026-12-31"),
    ];
    let response = app.post(&coordinator, "/api/agreements/save", &duplicate).await;
    assert_eq!(error_json(response).await["Invalid"]["errors"][0]["field"], "reference");
    // Admins read agreements; only coordinators write them.
    let admin = app.login_as("admin").await;
    assert_eq!(app.post(&admin, "/api/agreements/save", &duplicate).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn commitments_keep_to_the_earmarks_and_the_total_unless_overridden_and_alert_once() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let viet_nam = key(&app, "SELECT VALUE record::id(id) FROM member WHERE name = 'Viet Nam'").await;
    let earmarked = agreement(&app, &coordinator, "AUS-VN", "100.00", &[("members[]", viet_nam.as_str())]).await;
    let nurul = open_placement(&app, "Nurul Huda").await; // sent by Malaysia, funded by no one yet
    let refused = commit(&app, &coordinator, &earmarked, &nurul, "10.00", "").await;
    let error = error_json(refused).await;
    assert_eq!(error["Invalid"]["errors"][0]["field"], "placement");
    assert!(error.to_string().contains("may fund only officers of Viet Nam"), "{error}");

    let agreement = agreement(&app, &coordinator, "AUS-OPEN", "1,000.00", &[]).await;
    let mail_count = |event: &'static str| {
        let app = &app;
        async move {
            app.rows(&format!("RETURN count(SELECT id FROM notification WHERE event = '{event}')"))
                .await
                .as_u64()
                .unwrap()
        }
    };
    let confirmed_before = mail_count("placement_confirmed").await;
    assert_eq!(commit(&app, &coordinator, &agreement, &nurul, "790.00", "").await.status(), StatusCode::OK);
    assert_eq!(mail_count("funding_alert").await, 0, "79 %");
    assert_eq!(commit(&app, &coordinator, &agreement, &nurul, "10.00", "").await.status(), StatusCode::OK);
    let coordinators = app
        .rows("RETURN count(SELECT id FROM user WHERE role = 'coordinator' AND disabled = false)")
        .await
        .as_u64()
        .unwrap();
    assert_eq!(mail_count("funding_alert").await, coordinators, "80 % crossed: told once");
    assert_eq!(commit(&app, &coordinator, &agreement, &nurul, "50.00", "").await.status(), StatusCode::OK);
    assert_eq!(mail_count("funding_alert").await, coordinators, "85 %: nothing new");

    // Past the total: refused with the excess, then committed with a reason.
    let over = commit(&app, &coordinator, &agreement, &nurul, "400.00", "").await;
    let error = error_json(over).await;
    assert_eq!(error["Invalid"]["errors"][0]["field"], "amount");
    assert!(error.to_string().contains("exceeds the total by AUD 250.00"), "{error}");
    let overridden =
        commit(&app, &coordinator, &agreement, &nurul, "400.00", "The donor agreed to a top-up in writing.").await;
    assert_eq!(overridden.status(), StatusCode::OK);
    assert_eq!(mail_count("funding_alert").await, 2 * coordinators, "100 % crossed: told once more");
    // The first commitment to a placement tells the agencies and the donor; later ones do not.
    let confirmed = mail_count("placement_confirmed").await - confirmed_before;
    assert!(confirmed >= 3, "sending agency, host agency and the donor's user: {confirmed}");
    let donor_told = app.rows("RETURN count(SELECT id FROM notification WHERE event = 'placement_confirmed' AND recipient_email = 'donor@demo.hub')").await;
    assert!(donor_told.as_u64().unwrap() >= 1);
    let figures = app.post(&coordinator, "/api/agreements/get", &[("id", agreement.as_str())]).await;
    let figures = figures.json::<serde_json::Value>().await.unwrap();
    assert_eq!(figures["record"]["committed"]["minor"], 125_000);
    assert_eq!(figures["record"]["utilisation_bp"], 12_500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_commitments_at_once_cannot_both_pass_the_total() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let agreement = agreement(&app, &coordinator, "AUS-RACE", "1,000.00", &[]).await;
    let placement = open_placement(&app, "Chamari Silva").await;
    let form = |amount: &str| {
        vec![
            ("agreement", agreement.clone()),
            ("placement", placement.clone()),
            ("category", "stipend".to_string()),
            ("amount", amount.to_string()),
        ]
    };
    let statuses = app.post_all(&coordinator, "/api/funding/commit", vec![form("600.00"), form("600.00")]).await;
    let passed = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(passed, 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::UNPROCESSABLE_ENTITY), "{statuses:?}");
    let committed = app
        .rows(&format!("RETURN math::sum(SELECT VALUE amount_minor FROM commitment WHERE agreement = funding_agreement:{agreement})"))
        .await;
    assert_eq!(committed, serde_json::json!(60_000));
    figures_match_a_recount(&app).await;
}

#[tokio::test]
async fn a_donor_sees_only_its_own_agreements() {
    let app = TestApp::start().await;
    let donor = app.login_as("donor").await;
    let mine = app.post(&donor, "/api/funding/mine", &[]).await;
    assert_eq!(mine.status(), StatusCode::OK);
    let mine = mine.json::<serde_json::Value>().await.unwrap();
    let references: Vec<&str> =
        mine["agreements"].as_array().unwrap().iter().map(|a| a["reference"].as_str().unwrap()).collect();
    assert_eq!(references, vec!["AUS-2026-01"], "not New Zealand's");
    assert!(mine["placements"].as_array().unwrap().iter().any(|p| p[1] == "Dilini Jayasuriya"));
    assert!(
        !mine["placements"].as_array().unwrap().iter().any(|p| p[1] == "Wanida Chaiyasit"),
        "funded by New Zealand"
    );
    let nz = key(&app, "SELECT VALUE record::id(id) FROM funding_agreement WHERE reference = 'NZL-2026-03'").await;
    assert_eq!(app.post(&donor, "/api/agreements/get", &[("id", nz.as_str())]).await.status(), StatusCode::FORBIDDEN);
    // The placements it funds, without people's addresses; another donor's are not found.
    let wanida = open_placement(&app, "Wanida Chaiyasit").await;
    assert_eq!(
        app.post(&donor, "/api/placements/get", &[("id", wanida.as_str())]).await.status(),
        StatusCode::NOT_FOUND
    );
    let dilini = open_placement(&app, "Dilini Jayasuriya").await;
    let funded = app.post(&donor, "/api/placements/get", &[("id", dilini.as_str())]).await;
    assert_eq!(funded.status(), StatusCode::OK);
    let funded = funded.json::<serde_json::Value>().await.unwrap();
    for private in ["officer_email", "supervisor_name", "supervisor_email"] {
        assert!(funded.get(private).is_none(), "{private}: {funded}");
    }
    let listed = app.post(&donor, "/api/placements/list", &[]).await.json::<serde_json::Value>().await.unwrap();
    assert!(listed["page"]["items"].as_array().unwrap().iter().all(|p| p["officer_name"] != "Wanida Chaiyasit"));
    let csv = donor.get(app.url("/export/agreements.csv")).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::FORBIDDEN);
    let home = donor.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("AUS-2026-01") && !home.contains("NZL-2026-03"));
    // The demo's Australian agreement is past 80 %.
    let coordinator = app.login_as("coordinator").await;
    let csv = coordinator.get(app.url("/export/agreements.csv")).send().await.unwrap().text().await.unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.contains("reference,donor,title,currency,total,committed,spent,remaining,utilisation_percent,period_start,period_end"), "{header}");
    assert!(csv.contains("AUS-2026-01,Government of Australia") && csv.contains(",81.20,"), "{csv}");
}

async fn spend(app: &TestApp, client: &reqwest::Client, form: &[(&str, &str)]) -> reqwest::Response {
    app.post(client, "/api/funding/spend", form).await
}

#[tokio::test]
async fn expenditures_convert_at_the_dated_rate_refuse_bad_input_and_are_corrected_by_reversal() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let agreement = agreement(&app, &coordinator, "AUS-SPEND", "10,000.00", &[]).await;
    let nurul = open_placement(&app, "Nurul Huda").await;
    assert_eq!(commit(&app, &coordinator, &agreement, &nurul, "5,000.00", "").await.status(), StatusCode::OK);
    let rate = |date: &'static str, value: &'static str| {
        [("date", date), ("from", "THB"), ("to", "AUD"), ("rate", value), ("source", "Central bank")]
    };
    assert_eq!(
        app.post(&coordinator, "/api/funding/rates/add", &rate("2027-03-01", "0.0431")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.post(&coordinator, "/api/funding/rates/add", &rate("2027-03-10", "0.0425")).await.status(),
        StatusCode::OK
    );
    let zero = app.post(&coordinator, "/api/funding/rates/add", &rate("2027-03-11", "0")).await;
    assert_eq!(error_json(zero).await["Invalid"]["errors"][0]["field"], "rate");

    let base = |date: &'static str, amount: &'static str, currency: &'static str, category: &'static str| {
        vec![
            ("agreement", agreement.clone()),
            ("placement", nurul.clone()),
            ("category", category.to_string()),
            ("date", date.to_string()),
            ("amount", amount.to_string()),
            ("currency", currency.to_string()),
            ("evidence", "RCPT-1".to_string()),
        ]
    };
    let post = |form: Vec<(&'static str, String)>| {
        let (app, coordinator) = (&app, coordinator.clone());
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            spend(app, &coordinator, &pairs).await
        }
    };
    // THB on 12 March takes the 10 March rate: 12,345.67 × 0.0425 = AUD 524.69.
    assert_eq!(post(base("2027-03-12", "12,345.67", "THB", "stipend")).await.status(), StatusCode::OK);
    let stored = app
        .rows(&format!("SELECT rate, converted_minor FROM expenditure WHERE agreement = funding_agreement:{agreement}"))
        .await;
    assert_eq!(stored, serde_json::json!([{ "rate": "0.0425", "converted_minor": 52469 }]));
    // Bad input, each at its field, and nothing saved.
    // (form, the field refused, words of the message)
    type Case = (Vec<(&'static str, String)>, &'static str, &'static str);
    let cases: [Case; 6] = [
        (base("2027-03-12", "100.00", "LKR", "stipend"), "rate", "No LKR→AUD rate on or before 2027-03-12"),
        (base("2025-12-31", "100.00", "AUD", "stipend"), "date", "within the agreement"),
        (base("2027-03-12", "100.00", "AUD", "travel"), "category", "Nothing is committed for travel"),
        (base("2027-03-12", "12.345", "USD", "stipend"), "amount", ""),
        (base("2027-03-12", "10.5", "VND", "stipend"), "amount", ""),
        (base("2027-03-12", "", "AUD", "stipend"), "amount", ""),
    ];
    for (form, field, words) in cases {
        let error = error_json(post(form).await).await;
        assert_eq!(error["Invalid"]["errors"][0]["field"], field, "{error}");
        assert!(error.to_string().contains(words), "{error}");
    }
    let count = app
        .rows(&format!("RETURN count(SELECT id FROM expenditure WHERE agreement = funding_agreement:{agreement})"))
        .await;
    assert_eq!(count, serde_json::json!(1));

    // A correction reverses the line; both stay.
    let line = app
        .first_key(&format!(
            "SELECT VALUE record::id(id) FROM expenditure WHERE agreement = funding_agreement:{agreement}"
        ))
        .await;
    let no_reason =
        app.post(&coordinator, "/api/funding/reverse", &[("agreement", &agreement), ("expenditure", &line)]).await;
    assert_eq!(error_json(no_reason).await["Invalid"]["errors"][0]["field"], "reason");
    let reverse =
        [("agreement", agreement.as_str()), ("expenditure", line.as_str()), ("reason", "Paid twice by mistake.")];
    assert_eq!(app.post(&coordinator, "/api/funding/reverse", &reverse).await.status(), StatusCode::OK);
    assert_eq!(app.post(&coordinator, "/api/funding/reverse", &reverse).await.status(), StatusCode::CONFLICT, "once");
    let sums = app.rows(&format!("SELECT VALUE converted_minor FROM expenditure WHERE agreement = funding_agreement:{agreement} ORDER BY created_at")).await;
    assert_eq!(sums, serde_json::json!([52469, -52469]));
    let figures = app.post(&coordinator, "/api/agreements/get", &[("id", agreement.as_str())]).await;
    assert_eq!(figures.json::<serde_json::Value>().await.unwrap()["record"]["spent"]["minor"], 0);
    figures_match_a_recount(&app).await;
}

#[tokio::test]
async fn a_rates_import_is_all_or_nothing() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let count = || {
        let app = &app;
        async move { app.rows("RETURN count(SELECT id FROM exchange_rate)").await.as_u64().unwrap() }
    };
    let before = count().await;
    let bad = "date,from,to,rate,source\n2027-04-01,USD,AUD,1.51,Bank\n2027-04-31,USD,AUD,1.52,Bank\n";
    let refused = app.post(&admin, "/api/funding/rates/import", &[("csv", bad)]).await;
    let error = error_json(refused).await;
    assert_eq!(error["Invalid"]["errors"][0]["field"], "csv");
    assert!(error.to_string().contains("Line 3"), "{error}");
    assert_eq!(count().await, before, "nothing imported");
    let good = "date,from,to,rate,source\n2027-04-01,USD,AUD,1.51,Bank\n2027-04-02,USD,AUD,1.52,Bank\n";
    assert_eq!(app.post(&admin, "/api/funding/rates/import", &[("csv", good)]).await.status(), StatusCode::OK);
    assert_eq!(count().await, before + 2);
    let donor = app.login_as("donor").await;
    assert_eq!(app.post(&donor, "/api/funding/rates/import", &[("csv", good)]).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_extension_shows_what_the_funding_needs_and_tells_the_donor() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let dilini = open_placement(&app, "Dilini Jayasuriya").await;
    let end = app.first_key(&format!("SELECT VALUE end_date FROM placement:{dilini}")).await;
    let new_end =
        (chrono::NaiveDate::parse_from_str(&end, "%Y-%m-%d").unwrap() + chrono::Duration::days(60)).to_string();
    let form =
        [("id", dilini.as_str()), ("new_end", new_end.as_str()), ("reason", "The host asked for two more months.")];
    assert_eq!(app.post(&coordinator, "/api/placements/extend", &form).await.status(), StatusCode::OK);
    let page = coordinator.get(app.url(&format!("/placements/{dilini}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Agreement AUS-2026-01: the extension needs about AUD"), "the stipend shortfall is shown");
    assert!(page.contains("data-testid=\"placement-funding\""), "the placement shows its funding");
    let told = app
        .rows("SELECT VALUE link FROM notification WHERE event = 'placement_extended' AND recipient_email = 'donor@demo.hub'")
        .await;
    assert_eq!(told.as_array().unwrap().len(), 1, "the funding donor is told: {told}");
    assert!(told[0].as_str().unwrap().ends_with("/funding"), "with a link to the donor's own page");
}

#[tokio::test]
async fn a_donor_reads_only_the_reports_shared_with_it_and_exports_only_its_own() {
    let app = TestApp::start().await;
    let donor = app.login_as("donor").await;
    let list = app.post(&donor, "/api/reports/list", &[]).await.json::<serde_json::Value>().await.unwrap();
    let items = list["page"]["items"].as_array().unwrap();
    assert!(!items.is_empty(), "the demo shares accepted reports of a funded placement");
    assert!(items.iter().all(|r| r["state"] == "accepted"
        && r["shared_with_donor"] == true
        && r["officer_name"] == "Dilini Jayasuriya"));
    let hidden = app
        .first_key("SELECT VALUE record::id(id) FROM report WHERE officer_name = 'Dilini Jayasuriya' AND shared_with_donor = false")
        .await;
    assert_eq!(app.post(&donor, "/api/reports/get", &[("id", hidden.as_str())]).await.status(), StatusCode::NOT_FOUND);
    let shared = items[0]["id"].as_str().unwrap();
    assert_eq!(app.post(&donor, "/api/reports/get", &[("id", shared)]).await.status(), StatusCode::OK);
    assert_eq!(app.post(&donor, "/api/reports/outcomes", &[]).await.status(), StatusCode::OK);
    let save = [("id", shared), ("activities", "x"), ("outcomes", "y"), ("intent", "submit")];
    assert_eq!(app.post(&donor, "/api/reports/save", &save).await.status(), StatusCode::FORBIDDEN);

    let figures = donor.get(app.url("/export/funding.csv")).send().await.unwrap().text().await.unwrap();
    assert!(figures.starts_with("agreement,donor,currency,category,committed,spent"));
    assert!(
        figures.contains("AUS-2026-01,Government of Australia,AUD,stipend,") && !figures.contains("NZL-2026-03"),
        "{figures}"
    );
    let placements = donor.get(app.url("/export/funded-placements.csv")).send().await.unwrap().text().await.unwrap();
    assert!(placements.contains("Dilini Jayasuriya") && !placements.contains("Wanida Chaiyasit"), "{placements}");
    let reports = donor.get(app.url("/export/reports.csv")).send().await.unwrap().text().await.unwrap();
    assert_eq!(reports.lines().count(), items.len() + 1);
    assert!(reports.lines().skip(1).all(|row| row.starts_with("NOM-")), "each placement by its nomination: {reports}");
    let nominator = app.login_as("nominator").await;
    assert_eq!(nominator.get(app.url("/export/funding.csv")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let home = donor.get(app.url("/funding")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("spend-chart") && home.contains("data-testid=\"spend-table\""), "the chart and its table");
    // In the reporting currency too: AUD 250,000.00 × 0.6543 = USD 163,575.00.
    assert!(home.contains("Total USD 163,575.00") && home.contains("in USD at 0.6543"), "the reporting currency");
}

/// The elements of `xml` as (name, attributes, text until the next tag), checking that tags
/// balance and attributes are quoted: a small well-formedness check.
fn elements(xml: &str) -> Vec<(String, String)> {
    let body = xml.split_once("?>").map(|(_, b)| b).unwrap_or(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for piece in body.split('<').skip(1) {
        let (tag, _text) = piece.split_once('>').expect("every tag closes");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "</{name}> closes what was opened");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, attributes) = tag.split_once(' ').unwrap_or((tag, ""));
        assert_eq!(attributes.matches('"').count() % 2, 0, "quoted attributes in <{tag}>");
        out.push((name.to_string(), attributes.to_string()));
        if !self_closing {
            stack.push(name.to_string());
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    out
}

#[tokio::test]
async fn the_iati_export_has_what_the_standard_requires_and_no_personal_data() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let aus = key(&app, "SELECT VALUE record::id(id) FROM funding_agreement WHERE reference = 'AUS-2026-01'").await;
    let response = coordinator.get(app.url(&format!("/export/iati/{aus}.xml"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let xml = response.text().await.unwrap();
    let all = elements(&xml);
    assert!(all[0].0 == "iati-activities" && all[0].1.contains(r#"version="2.03""#));
    // Split into activities, and check each has the required parts.
    let activities: Vec<&str> = xml.split("<iati-activity ").skip(1).collect();
    let funded = app.rows(&format!("RETURN array::len(array::distinct((SELECT VALUE placement FROM commitment WHERE agreement = funding_agreement:{aus})))")).await;
    assert_eq!(
        activities.len() as u64,
        1 + funded.as_u64().unwrap(),
        "the agreement and one child per funded placement"
    );
    for activity in &activities {
        assert!(activity.starts_with("hierarchy=\"1\"") || activity.starts_with("hierarchy=\"2\""));
        assert!(activity.contains("default-currency=\"AUD\""));
        for required in [
            "<iati-identifier>",
            "<reporting-org ",
            "<title><narrative>",
            "<description><narrative>",
            "<participating-org ",
            "<activity-status code=",
            "<activity-date ",
            "<sector ",
            "<recipient-region ",
        ] {
            assert!(activity.contains(required), "{required} in {activity}");
        }
        assert!(activity.contains(r#"role="1""#), "the donor funds it");
    }
    assert!(activities[0].contains(r#"<transaction-type code="11"/>"#), "the agreement as an incoming commitment");
    assert!(activities[0].contains(r#"<transaction-type code="2"/>"#), "commitments by quarter and category");
    assert!(
        activities[1].contains(r#"code="15190""#) && !activities[1].contains("<value"),
        "no figure of one placement"
    );
    for (name, attributes) in all.iter().filter(|(name, _)| name == "value") {
        assert!(attributes.contains("value-date=") && attributes.contains("currency="), "<{name} {attributes}>");
    }
    for person in ["Dilini", "Jayasuriya", "@", "Kanya"] {
        assert!(!xml.contains(person), "no personal names or e-mails: {person}");
    }
    let donor = app.login_as("donor").await;
    assert_eq!(
        donor.get(app.url(&format!("/export/iati/{aus}.xml"))).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        coordinator.get(app.url("/export/iati/nothing.xml")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_printable_report_is_for_staff_and_the_agreements_own_donor_only() {
    let app = TestApp::start().await;
    let aus = key(&app, "SELECT VALUE record::id(id) FROM funding_agreement WHERE reference = 'AUS-2026-01'").await;
    let nz = key(&app, "SELECT VALUE record::id(id) FROM funding_agreement WHERE reference = 'NZL-2026-03'").await;
    let donor = app.login_as("donor").await;
    assert_eq!(app.post(&donor, "/api/funding/report", &[("id", aus.as_str())]).await.status(), StatusCode::OK);
    assert_eq!(app.post(&donor, "/api/funding/report", &[("id", nz.as_str())]).await.status(), StatusCode::NOT_FOUND);
    let page = donor.get(app.url(&format!("/funding/report/{aus}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("print-cover")
            && page.contains("data-testid=\"report-placements\"")
            && page.contains("spend-chart")
    );
    let coordinator = app.login_as("coordinator").await;
    assert_eq!(app.post(&coordinator, "/api/funding/report", &[("id", nz.as_str())]).await.status(), StatusCode::OK);
    let host = app.login_as("host").await;
    assert_eq!(app.post(&host, "/api/funding/report", &[("id", aus.as_str())]).await.status(), StatusCode::FORBIDDEN);
}

/// An agreement's form with `changes` over what `agreement()` saved as `reference`.
fn agreement_form<'a>(
    id: &'a str,
    donor: &'a str,
    reference: &'a str,
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("id", id),
        ("donor", donor),
        ("reference", reference),
        ("title", "Secondments"),
        ("currency", "AUD"),
        ("total", "1,000.00"),
        ("period_start", "2026-01-01"),
        ("period_end", "2028-12-31"),
    ];
    for (field, value) in changes {
        form.retain(|(f, _)| f != field);
        form.push((field, value));
    }
    form
}

/// The fields a refused call names, in order.
async fn refused_fields(response: reqwest::Response) -> Vec<String> {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_json(response).await;
    error["Invalid"]["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn m1_an_agreements_donor_and_currency_are_fixed_once_money_is_committed() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let australia = key(&app, "SELECT VALUE record::id(id) FROM donor WHERE name = 'Government of Australia'").await;
    let new_zealand =
        key(&app, "SELECT VALUE record::id(id) FROM donor WHERE name = 'Government of New Zealand'").await;
    let id = agreement(&app, &coordinator, "AUS-M1", "1,000.00", &[]).await;
    let save = |changes: &[(&'static str, &'static str)]| {
        let form = agreement_form(&id, &australia, "AUS-M1", changes);
        let (app, coordinator) = (&app, coordinator.clone());
        let pairs: Vec<(String, String)> = form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.post(&coordinator, "/api/agreements/save", &pairs).await
        }
    };
    // Without money on it, an agreement may still change its currency.
    assert_eq!(save(&[("currency", "NZD")]).await.status(), StatusCode::OK);
    assert_eq!(save(&[]).await.status(), StatusCode::OK);

    let nurul = open_placement(&app, "Nurul Huda").await;
    assert_eq!(commit(&app, &coordinator, &id, &nurul, "100.00", "").await.status(), StatusCode::OK);
    let stored = || {
        let app = &app;
        let id = id.clone();
        async move {
            app.rows(&format!(
                "SELECT record::id(donor) AS donor, currency, total_minor, title FROM ONLY funding_agreement:{id}"
            ))
            .await
        }
    };
    let before = stored().await;

    let other_donor = agreement_form(&id, &new_zealand, "AUS-M1", &[]);
    let response = app.post(&coordinator, "/api/agreements/save", &other_donor).await;
    let error = error_json(response).await;
    assert_eq!(error["Invalid"]["errors"][0]["field"], "donor", "{error}");
    assert!(error.to_string().contains("committed"), "the reason: {error}");
    // AUD 100.00 would read as JPY 10,000.
    assert_eq!(refused_fields(save(&[("currency", "JPY"), ("total", "1,000")]).await).await, vec!["currency"]);
    let both = agreement_form(&id, &new_zealand, "AUS-M1", &[("currency", "NZD")]);
    assert_eq!(
        refused_fields(app.post(&coordinator, "/api/agreements/save", &both).await).await,
        vec!["donor", "currency"]
    );
    assert_eq!(stored().await, before, "the agreement is unchanged");
    let funders = app.rows(&format!("SELECT VALUE funders FROM ONLY placement:{nurul}")).await;
    let funders = funders.as_array().unwrap();
    assert!(
        funders.len() == 1 && funders[0].as_str().unwrap().ends_with(&australia),
        "only the agreement's donor sees the placement: {funders:?}"
    );

    // Everything else stays editable.
    assert_eq!(save(&[("title", "Secondments, renamed"), ("total", "2,000.00")]).await.status(), StatusCode::OK);
    let after = stored().await;
    assert_eq!(
        (&after["donor"], &after["currency"], &after["total_minor"]),
        (&before["donor"], &before["currency"], &serde_json::json!(200_000))
    );

    // A change of currency and a first commitment at once: one of them passes, never both.
    let raced = agreement(&app, &coordinator, "AUS-M1-RACE", "1,000.00", &[]).await;
    let change = agreement_form(&raced, &australia, "AUS-M1-RACE", &[("currency", "JPY"), ("total", "1,000")]);
    let first =
        [("agreement", raced.as_str()), ("placement", nurul.as_str()), ("category", "stipend"), ("amount", "100.00")];
    let answers = app
        .race(2, |i| match i {
            0 => app.posting(&coordinator, "/api/agreements/save", &change),
            _ => app.posting(&coordinator, "/api/funding/commit", &first),
        })
        .await;
    let passed = answers.iter().filter(|(status, _)| *status == StatusCode::OK).count();
    assert_eq!(passed, 1, "{answers:?}");
    let state = app
        .rows(&format!(
            "RETURN {{ currency: funding_agreement:{raced}.currency,
                lines: count(SELECT id FROM commitment WHERE agreement = funding_agreement:{raced}) }}"
        ))
        .await;
    let expected = if answers[0].0 == StatusCode::OK { ("JPY", 0) } else { ("AUD", 1) };
    assert_eq!((state["currency"].as_str().unwrap(), state["lines"].as_i64().unwrap()), expected, "{answers:?}");
}

#[tokio::test]
async fn l7_a_huge_commitment_is_refused_at_the_amount_even_with_the_override() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let id = agreement(&app, &coordinator, "AUS-L7", "1,000.00", &[]).await;
    let nurul = open_placement(&app, "Nurul Huda").await;
    let reason = "The donor agreed to a top-up in writing.";
    let commitments = || {
        let (app, id) = (&app, id.clone());
        async move {
            app.rows(&format!("RETURN count(SELECT id FROM commitment WHERE agreement = funding_agreement:{id})")).await
        }
    };
    // 10^15 minor units and more are refused at the form, override or not.
    for huge in ["10,000,000,000,000.00", "92,233,720,368,547,758.07"] {
        let error = error_json(commit(&app, &coordinator, &id, &nurul, huge, reason).await).await;
        assert_eq!(error["Invalid"]["errors"][0]["field"], "amount", "{huge}: {error}");
        assert!(error.to_string().contains("too large"), "{error}");
    }
    assert_eq!(commitments().await, serde_json::json!(0), "nothing stored");

    // A sum past what the figures can hold is refused too, never taken as "past the total". The
    // kept figure is set near the limit here: reaching it by commitments under the cap would take
    // thousands of them.
    app.rows(&format!("UPDATE funding_agreement:{id} SET committed_minor = 9223372036854775000 RETURN NONE")).await;
    let error = error_json(commit(&app, &coordinator, &id, &nurul, "1,000.00", reason).await).await;
    assert_eq!(error["Invalid"]["errors"][0]["field"], "amount", "{error}");
    assert!(error.to_string().contains("too large"), "{error}");
    assert!(!error.to_string().contains("exceeds the total"), "not an excess to override: {error}");
    assert_eq!(commitments().await, serde_json::json!(0), "nothing stored");
    let kept = app.rows(&format!("SELECT VALUE committed_minor FROM ONLY funding_agreement:{id}")).await;
    assert_eq!(kept, serde_json::json!(9_223_372_036_854_775_000_i64));

    // The same cap on an agreement's total and on what is spent.
    let donor = key(&app, "SELECT VALUE record::id(id) FROM donor WHERE name = 'Government of Australia'").await;
    let huge_total = agreement_form("", &donor, "AUS-L7-HUGE", &[("total", "10,000,000,000,000.00")]);
    assert_eq!(refused_fields(app.post(&coordinator, "/api/agreements/save", &huge_total).await).await, vec!["total"]);
    let spend_form = [
        ("agreement", id.as_str()),
        ("placement", nurul.as_str()),
        ("category", "stipend"),
        ("date", "2027-03-12"),
        ("amount", "1,000,000,000,000,000"),
        ("currency", "JPY"),
        ("rate", "0.0103"),
        ("rate_source", "Bank"),
        ("evidence", "RCPT-1"),
    ];
    assert_eq!(refused_fields(spend(&app, &coordinator, &spend_form).await).await, vec!["amount"]);
}

/// The `<transaction>` elements of an activity as (type code, narrative, value text).
fn transactions(activity: &str) -> Vec<(String, String, String)> {
    let between = |text: &str, start: &str, end: &str| -> String {
        let from = text.find(start).map(|i| i + start.len()).unwrap_or_else(|| panic!("{start} in {text}"));
        let to = text[from..].find(end).unwrap() + from;
        text[from..to].to_string()
    };
    activity
        .split("<transaction>")
        .skip(1)
        .map(|t| {
            let t = t.split("</transaction>").next().unwrap();
            let value = between(t, "<value ", "</value>");
            (
                between(t, "<transaction-type code=\"", "\""),
                between(t, "<narrative>", "</narrative>"),
                value.split_once('>').unwrap().1.to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn l6_the_iati_file_has_no_per_placement_figure_and_no_figure_resting_on_fewer_than_three_placements() {
    use app::funding::rules::Category;
    use chrono::Datelike;
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    // The demo: stipend committed to three placements, travel and accommodation to one each, and
    // spending on one. One more commitment to a fourth placement, travel, leaves travel at two.
    let aus = key(&app, "SELECT VALUE record::id(id) FROM funding_agreement WHERE reference = 'AUS-2026-01'").await;
    let nam = open_placement(&app, "Hoang Van Nam").await;
    let travel =
        [("agreement", aus.as_str()), ("placement", nam.as_str()), ("category", "travel"), ("amount", "750.00")];
    assert_eq!(app.post(&coordinator, "/api/funding/commit", &travel).await.status(), StatusCode::OK);
    let xml = coordinator.get(app.url(&format!("/export/iati/{aus}.xml"))).send().await.unwrap().text().await.unwrap();
    let activities: Vec<&str> = xml.split("<iati-activity ").skip(1).collect();
    assert!(activities.len() > 1);
    for child in &activities[1..] {
        for money in ["<value", "<budget", "<transaction>", "<planned-disbursement"] {
            assert!(!child.contains(money), "no figure of one placement: {money} in {child}");
        }
    }

    // A recount from the stored lines: (kind, category label, quarter) → net per placement.
    let quarter = |day: chrono::NaiveDate| format!("{}-Q{}", day.year(), (day.month() - 1) / 3 + 1);
    let mut cells: std::collections::BTreeMap<(String, String, String), std::collections::BTreeMap<String, i64>> =
        Default::default();
    let committed = app
        .rows(&format!(
            "SELECT record::id(placement) AS placement, category, amount_minor AS minor, <string> created_at AS at
             FROM commitment WHERE agreement = funding_agreement:{aus}"
        ))
        .await;
    let spent = app
        .rows(&format!(
            "SELECT record::id(placement) AS placement, category, converted_minor AS minor, date AS at
             FROM expenditure WHERE agreement = funding_agreement:{aus}"
        ))
        .await;
    for (kind, rows) in [("committed", &committed), ("spent", &spent)] {
        for row in rows.as_array().unwrap() {
            let at = row["at"].as_str().unwrap();
            let day = match kind {
                "committed" => app.state.clock.office_date(at.parse::<chrono::DateTime<chrono::Utc>>().unwrap()),
                _ => at.parse().unwrap(),
            };
            let category = Category::parse(row["category"].as_str().unwrap()).unwrap().label().to_string();
            let cell = cells.entry((kind.to_string(), category, quarter(day))).or_default();
            *cell.entry(row["placement"].as_str().unwrap().to_string()).or_default() += row["minor"].as_i64().unwrap();
        }
    }
    let publishable: Vec<(String, String, String, i64)> = cells
        .iter()
        .filter(|(_, by_placement)| by_placement.values().filter(|m| **m != 0).count() >= 3)
        .map(|((kind, category, quarter), by_placement)| {
            (kind.clone(), category.clone(), quarter.clone(), by_placement.values().sum())
        })
        .collect();
    assert!(
        publishable.iter().any(|(kind, category, _, _)| kind == "committed" && category == "Stipend"),
        "the demo's stipend rests on three placements: {cells:?}"
    );
    assert!(cells.len() > publishable.len(), "and some cells rest on fewer: {cells:?}");

    // What the agreement's activity publishes is exactly the cells on three placements or more.
    let mut published: Vec<(String, String, String, String)> = transactions(activities[0])
        .into_iter()
        .filter(|(code, _, _)| code != "11")
        .map(|(code, narrative, value)| {
            let kind = match code.as_str() {
                "2" => "committed",
                "4" => "spent",
                other => panic!("transaction type {other}"),
            };
            let (category, quarter) = narrative.split_once(&format!(" {kind} in ")).expect("category and quarter");
            (kind.to_string(), category.to_string(), quarter.to_string(), value)
        })
        .collect();
    published.sort();
    let aud = app::domain::Currency::parse("AUD").unwrap();
    let expected: Vec<(String, String, String, String)> = publishable
        .into_iter()
        .map(|(kind, category, quarter, minor)| {
            (kind, category, quarter, app::domain::Money::from_minor(minor, aud).amount_text().replace(',', ""))
        })
        .collect();
    assert_eq!(published, expected);
    let rule = format!("fewer than {} placements", app::funding::disclosure::MIN_PLACEMENTS);
    assert!(activities[0].contains(&rule), "the file says what it leaves out");
}
