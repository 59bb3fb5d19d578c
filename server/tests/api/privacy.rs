//! The record of processing (`docs/PRIVACY.md`) names every field of every table: a field added
//! to the schema without a line there fails here, so the record cannot fall behind.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::TestApp;

/// The tables of the migrated schema, each with its fields by their top-level name (a nested
/// definition such as `languages[*]` or `before.name` counts as its top-level field).
async fn schema(app: &TestApp) -> BTreeMap<String, BTreeSet<String>> {
    let db = app.rows("INFO FOR DB").await;
    let tables = db["tables"].as_object().expect("INFO FOR DB lists tables");
    let mut schema = BTreeMap::new();
    for table in tables.keys() {
        let info = app.rows(&format!("INFO FOR TABLE {table}")).await;
        let fields = info["fields"].as_object().expect("INFO FOR TABLE lists fields");
        let names = fields.keys().map(|f| top_level(f)).filter(|f| f != "id").collect();
        schema.insert(table.clone(), names);
    }
    schema
}

fn top_level(field: &str) -> String {
    let name = field.split(['.', '[']).next().unwrap_or(field);
    name.trim_matches('`').to_string()
}

/// The fields the record names for each table: the first cell of its table's rows and the
/// names on its "Not personal:" line, under a heading "### `table`".
fn record_of_processing(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut record: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            current = Some(heading.trim().trim_matches('`').to_string());
            record.entry(current.clone().unwrap()).or_default();
            continue;
        }
        if line.starts_with("## ") {
            current = None;
        }
        let Some(table) = &current else { continue };
        let named: Vec<String> = if let Some(row) = line.strip_prefix("| `") {
            row.split('`').next().map(str::to_string).into_iter().collect()
        } else if let Some(rest) = line.strip_prefix("Not personal:") {
            rest.split('`').skip(1).step_by(2).map(str::to_string).collect()
        } else {
            Vec::new()
        };
        record.get_mut(table).unwrap().extend(named);
    }
    record
}

#[tokio::test]
async fn the_record_of_processing_names_every_field_of_every_table() {
    let app = TestApp::start().await;
    let schema = schema(&app).await;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/PRIVACY.md");
    let record = record_of_processing(&std::fs::read_to_string(path).expect("docs/PRIVACY.md"));
    assert!(schema.len() > 30 && schema["nomination"].contains("officer_name"), "the schema was read: {schema:?}");

    let mut missing = Vec::new();
    for (table, fields) in &schema {
        match record.get(table) {
            None => missing.push(format!("table `{table}` has no section")),
            Some(named) => missing.extend(fields.difference(named).map(|f| format!("`{table}.{f}` is not named"))),
        }
    }
    let mut stale = Vec::new();
    for (table, named) in &record {
        match schema.get(table) {
            None => stale.push(format!("section `{table}` names no table")),
            Some(fields) => {
                stale.extend(named.difference(fields).map(|f| format!("`{table}.{f}` is not in the schema")))
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/PRIVACY.md must name, with why it is kept and for how long:\n{}",
        missing.join("\n")
    );
    assert!(stale.is_empty(), "docs/PRIVACY.md names what the schema no longer has:\n{}", stale.join("\n"));
}

#[test]
fn the_record_is_read_by_table_and_field() {
    let text = "## Record\n\n### `user`\n\nWho.\n\n| field | whose |\n|---|---|\n| `email` | user |\n\n\
                Not personal: `role`, `agency`.\n\n### `theme`\n\nNo personal data.\n\nNot personal: `name`.\n\n## After\n| `x` | y |\n";
    let record = record_of_processing(text);
    assert_eq!(record["user"], BTreeSet::from(["email".to_string(), "role".into(), "agency".into()]));
    assert_eq!(record["theme"], BTreeSet::from(["name".to_string()]));
    assert_eq!(record.len(), 2);
    assert_eq!(top_level("languages[*]"), "languages");
    assert_eq!(top_level("before.name"), "before");
}

#[tokio::test]
async fn every_opening_of_a_document_is_logged_for_administrators_and_kept_two_years() {
    use crate::nominations::{draft, upload};
    use reqwest::StatusCode;

    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let id = draft(&app, &nominator, "Officer Read").await;
    let pdf = b"%PDF-1.4\n%%EOF\n";
    assert_eq!(upload(&app, &nominator, &id, "CV Officer Read.pdf", pdf).await.status(), StatusCode::SEE_OTHER);
    let doc = app
        .first_key(&format!("SELECT VALUE record::id(id) FROM nomination_document WHERE nomination = nomination:{id}"))
        .await;
    let open = |client: &reqwest::Client| client.get(app.url(&format!("/documents/{doc}"))).send();

    // Two readers who may, one who may not: only the reads that happened are logged.
    assert_eq!(open(&nominator).await.unwrap().status(), StatusCode::OK);
    let coordinator = app.login_as("coordinator").await;
    assert_eq!(open(&coordinator).await.unwrap().status(), StatusCode::OK);
    let host = app.login_as("host").await;
    assert_eq!(open(&host).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("access_event").await, 2);

    let admin = app.login_as("admin").await;
    let page: serde_json::Value = app.post(&admin, "/api/access/list", &[]).await.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items[0]["reader"].as_str().unwrap().contains("coordinator@demo.hub"), "newest first: {page}");
    assert!(items[1]["reader"].as_str().unwrap().contains("nominator@demo.hub"));
    for item in items {
        assert_eq!(item["kind"], "nomination_document");
        assert_eq!(item["item"], "CV_Officer_Read.pdf");
        assert_eq!(
            (item["record_table"].as_str(), item["record_key"].as_str()),
            (Some("nomination"), Some(id.as_str()))
        );
        assert_eq!(item["address"], "127.0.0.1");
    }
    let filtered = |form: &'static [(&'static str, &'static str)]| {
        let (app, admin) = (&app, &admin);
        async move {
            let page: serde_json::Value = app.post(admin, "/api/access/list", form).await.json().await.unwrap();
            page["items"].as_array().unwrap().len()
        }
    };
    assert_eq!(filtered(&[("kind", "report_document")]).await, 0);
    assert_eq!(filtered(&[("q", "Kanya")]).await, 1);
    assert_eq!(filtered(&[("to", "2000-01-01")]).await, 0);
    let bad_date = app.post(&admin, "/api/access/list", &[("from", "yesterday")]).await;
    assert_eq!(bad_date.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Administrators only: in the API, the CSV and the page.
    assert_eq!(app.post(&coordinator, "/api/access/list", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(coordinator.get(app.url("/export/access.csv")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let csv = admin.get(app.url("/export/access.csv")).send().await.unwrap().text().await.unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.contains("CV_Officer_Read.pdf")
            && csv.contains("coordinator@demo.hub")
            && csv.contains("Nomination document")
    );
    let html = admin.get(app.url("/admin/access")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Access log") && html.contains("CV_Officer_Read.pdf"));

    // The daily work removes what is older than two years, and only that.
    app.rows("UPDATE access_event SET at = time::now() - 731d WHERE string::contains(reader_label, 'nominator')").await;
    app::placements::scheduler::run(&app.state).await.unwrap();
    let left = app.rows("SELECT VALUE reader_label FROM access_event").await;
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert!(left[0].as_str().unwrap().contains("coordinator@demo.hub"));
}

/// A personal data copy read back: each JSON file by name, and the other files' names.
struct Unzipped {
    json: BTreeMap<String, serde_json::Value>,
    files: Vec<String>,
    bytes: Vec<u8>,
}

async fn unzip(response: reqwest::Response) -> Unzipped {
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"personal-data-"));
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).expect("a whole ZIP");
    let (mut json, mut files) = (BTreeMap::new(), Vec::new());
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).unwrap();
        let name = file.name().unwrap().to_string();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut content).unwrap();
        if name.ends_with(".json") {
            json.insert(name, serde_json::from_slice(&content).expect("JSON"));
        } else {
            files.push(name);
        }
    }
    Unzipped { json, files, bytes }
}

#[tokio::test]
async fn the_demo_secondees_own_copy_holds_their_account_placement_reports_and_mail() {
    let app = TestApp::start().await;
    let secondee = app.login_as("secondee").await;
    let copy = unzip(secondee.get(app.url("/account/my-data.zip")).send().await.unwrap()).await;
    let files: Vec<&str> = copy.json.keys().map(String::as_str).collect();
    assert_eq!(
        files,
        [
            "account.json",
            "audit.json",
            "documents.json",
            "mail.json",
            "nominations.json",
            "passkeys.json",
            "placements.json",
            "reports-written.json",
            "reports.json",
            "sign-ins.json"
        ]
    );
    assert!(copy.files.contains(&"README.txt".to_string()));

    // Field by field, against the stored records.
    let account = &copy.json["account.json"][0];
    let stored =
        app.rows("SELECT email, name, role, disabled FROM ONLY user WHERE email = 'secondee@demo.hub' LIMIT 1").await;
    for field in ["email", "name", "role", "disabled"] {
        assert_eq!(account[field], stored[field], "account.{field}");
    }
    assert_eq!(account["name"], "Dilini Jayasuriya");
    let placements = copy.json["placements.json"].as_array().unwrap();
    let stored = app
        .rows(
            "SELECT officer_name, officer_email, supervisor_name, supervisor_email, state, start_date, end_date,
                host_agency.name AS host_agency FROM placement WHERE officer_email = 'secondee@demo.hub'",
        )
        .await;
    assert_eq!(placements.len(), stored.as_array().unwrap().len());
    assert!(!placements.is_empty(), "the demo secondee has a placement");
    for field in [
        "officer_name",
        "officer_email",
        "supervisor_name",
        "supervisor_email",
        "state",
        "start_date",
        "end_date",
        "host_agency",
    ] {
        assert_eq!(placements[0][field], stored[0][field], "placement.{field}");
    }
    let reports = copy.json["reports.json"].as_array().unwrap();
    let stored = app
        .rows("SELECT state, period_start, due_date FROM report WHERE officer_email = 'secondee@demo.hub' ORDER BY period_start")
        .await;
    assert!(!reports.is_empty(), "the demo secondee's placement has reports");
    assert_eq!(reports.len(), stored.as_array().unwrap().len());
    for (report, stored) in reports.iter().zip(stored.as_array().unwrap()) {
        for field in ["state", "period_start", "due_date"] {
            assert_eq!(report[field], stored[field], "report.{field}");
        }
    }
    let mails = app.rows("RETURN count(SELECT id FROM notification WHERE recipient_email = 'secondee@demo.hub')").await;
    assert_eq!(copy.json["mail.json"].as_array().unwrap().len() as u64, mails.as_u64().unwrap());
    assert!(!copy.json["sign-ins.json"].as_array().unwrap().is_empty(), "this sign-in is in it");

    // No secret of any kind, and nobody else's records.
    let text = String::from_utf8_lossy(&copy.bytes);
    for secret in ["password_hash", "$argon2", "totp_secret", "credential", "Kumari"] {
        assert!(!text.contains(secret), "{secret} in the copy");
    }
    let logged =
        app.rows("SELECT VALUE kind FROM access_event WHERE string::contains(reader_label, 'secondee@demo.hub')").await;
    assert_eq!(logged, serde_json::json!(["personal_copy"]));
    assert_eq!(
        app.client().get(app.url("/account/my-data.zip")).send().await.unwrap().status(),
        reqwest::StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_administrator_copies_a_persons_data_for_a_written_request_and_refusals_change_nothing() {
    use reqwest::StatusCode;
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let id = crate::nominations::draft(&app, &nominator, "Officer Without Account").await;
    let officer = app.first_key(&format!("SELECT VALUE work_email FROM nomination:{id}")).await;
    let admin = app.login_as("admin").await;
    let logged = || async { (app.count("access_event").await, app.count("audit_event").await) };
    let before = logged().await;

    // Refused: someone else's copy for a non-administrator, an unknown address, no reason.
    let request = [("email", "secondee@demo.hub"), ("reason", "Letter of 1 December 2026")];
    let refused = app.post(&nominator, "/admin/personal-data/copy", &request).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.unwrap().contains("Only an administrator"));
    let unknown = [("email", "nobody@nowhere.example"), ("reason", "Letter of 1 December 2026")];
    let answer = app.post(&admin, "/admin/personal-data/copy", &unknown).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(answer.headers()["location"], "/admin/personal-data");
    let page = admin.get(app.url("/admin/personal-data")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Nobody with this address is named in the Hub"), "the refusal is at the field");
    let no_reason = [("email", officer.as_str()), ("reason", "")];
    assert_eq!(app.post(&admin, "/admin/personal-data/copy", &no_reason).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(logged().await, before, "a refusal writes nothing");

    // The officer of a nomination, who has no account: their nomination is in it, and the copy
    // is audited with its reason and logged.
    let request = [("email", officer.as_str()), ("reason", "Letter of 1 December 2026 from the officer")];
    let copy = unzip(app.post(&admin, "/admin/personal-data/copy", &request).await).await;
    assert_eq!(copy.json["account.json"], serde_json::json!([]));
    assert_eq!(copy.json["nominations.json"][0]["officer_name"], "Officer Without Account");
    let audited = app.rows("SELECT VALUE after FROM audit_event WHERE action = 'personal_data_copy'").await;
    let after: serde_json::Value = serde_json::from_str(audited[0].as_str().unwrap()).unwrap();
    assert_eq!(after["reason"], "Letter of 1 December 2026 from the officer");
    let entry = app
        .rows("SELECT kind, record_table, record_key FROM ONLY access_event WHERE kind = 'personal_copy' LIMIT 1")
        .await;
    assert_eq!(entry, serde_json::json!({ "kind": "personal_copy", "record_table": "person", "record_key": officer }));
}

/// What retention must leave as it was: every agreement's figures, the outcome counts and
/// every agreement's IATI file.
async fn figures(app: &TestApp, coordinator: &reqwest::Client) -> (serde_json::Value, String, Vec<String>) {
    let money = app
        .rows(
            "SELECT record::id(id) AS id, committed_minor, spent_minor, used_minor, committed_by_category, spent_by_category
             FROM funding_agreement ORDER BY id",
        )
        .await;
    let outcomes = coordinator.get(app.url("/export/outcomes.csv")).send().await.unwrap().text().await.unwrap();
    let mut iati = Vec::new();
    for agreement in money.as_array().unwrap() {
        let url = app.url(&format!("/export/iati/{}.xml", agreement["id"].as_str().unwrap()));
        iati.push(without_times(&coordinator.get(url).send().await.unwrap().text().await.unwrap()));
    }
    (money, outcomes, iati)
}

/// An IATI file without the times it was made (`generated-datetime`, `last-updated-datetime`:
/// the clock's, which moves between two downloads).
fn without_times(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find("datetime=\"") {
        let value = at + "datetime=\"".len();
        out.push_str(&rest[..value]);
        rest = &rest[value..];
        rest = &rest[rest.find('"').unwrap_or(0)..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn retention_anonymises_ended_placements_once_and_every_total_stays() {
    use app::privacy::retention;
    // Shorter retention than the defaults, so that a few years of data have much past it.
    let app = TestApp::start_with(&[("HUB_RETENTION_YEARS", "2"), ("HUB_RETENTION_REJECTED_YEARS", "1")]).await;
    let plan = app::demo::generate::Plan { years: 5, seed: 11, scale: 0.012 };
    app::demo::generate::run(&app.state, plan, true, &|_| {}).await.unwrap();
    // A month on, as `HUB_TODAY` would move it: past retention for a few more.
    let today = app.state.clock.today() + chrono::Duration::days(30);
    app.state.clock.set_today(today);
    let coordinator = app.login_as("coordinator").await;
    let before = figures(&app, &coordinator).await;
    let cutoff = app.state.settings.retention.placements_ended_before(today).to_string();
    let due = app
        .rows(&format!(
            "SELECT officer_name, officer_email, nomination.reference AS reference, record::id(nomination) AS nomination
             FROM placement WHERE end_date < '{cutoff}' AND state IN ['completed', 'terminated']"
        ))
        .await;
    let due = due.as_array().unwrap().clone();
    assert!(due.len() >= 5, "the programme has placements past retention: {}", due.len());
    let documents = app.rows("SELECT VALUE record::id(id) FROM nomination_document").await;

    let swept = retention::run(&app.state).await.unwrap();
    assert_eq!(swept.placements, due.len());
    assert!(swept.nominations > swept.placements, "rejected and withdrawn nominations too: {swept:?}");
    assert_eq!(retention::run(&app.state).await.unwrap(), retention::Swept::default(), "a second run changes nothing");

    // Every total, count and the IATI files are what they were.
    let after = figures(&app, &coordinator).await;
    assert_eq!(after.0, before.0, "agreement figures");
    assert_eq!(after.1, before.1, "outcome counts");
    for (after, before) in after.2.iter().zip(&before.2) {
        let at = after.bytes().zip(before.bytes()).position(|(a, b)| a != b).unwrap_or(after.len().min(before.len()));
        let around = |text: &str| text[at.saturating_sub(300)..(at + 200).min(text.len())].to_string();
        assert!(after == before, "an IATI file changed at {at}:\n{}\n---\n{}", around(before), around(after));
    }

    // The daily work (which runs retention too) goes on over anonymised records.
    app::placements::scheduler::run(&app.state).await.expect("the daily work over anonymised records");

    // The records stay, without the person.
    for placement in &due {
        let reference = placement["reference"].as_str().unwrap();
        let nomination = app
            .rows(&format!(
                "SELECT officer_name, work_email, nationality, languages, justification FROM ONLY nomination:{}",
                placement["nomination"].as_str().unwrap()
            ))
            .await;
        assert_eq!(
            nomination,
            serde_json::json!({
                "officer_name": format!("Former secondee {reference}"), "work_email": "removed@anonymised.invalid",
                "nationality": "", "languages": [], "justification": ""
            })
        );
    }

    // Nothing of an officer whose records are all anonymised is in a backup, nor on disk. (A
    // SurrealDB server exports only over HTTP, which backups do not use: there, every table.)
    let place = tempdir("retention");
    let bytes = if crate::common::engine() == "ws" {
        let mut all = Vec::new();
        for table in schema(&app).await.keys() {
            all.extend(app.rows(&format!("SELECT * FROM {table}")).await.to_string().into_bytes());
        }
        all
    } else {
        let archive = place.join("backups").join("hub.tar.gz");
        server::backup::write(&app.state.db, &app.state.settings.files_dir, &archive).await.expect("backup");
        let mut bytes = Vec::new();
        let gzip = flate2::read::GzDecoder::new(std::fs::File::open(&archive).unwrap());
        std::io::Read::read_to_end(&mut { gzip }, &mut bytes).unwrap();
        bytes
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut checked = 0;
    for placement in &due {
        let (name, email) = (placement["officer_name"].as_str().unwrap(), placement["officer_email"].as_str().unwrap());
        let named_elsewhere = app
            .rows(&format!(
                "RETURN count(SELECT id FROM nomination WHERE work_email = '{email}') + count(SELECT id FROM placement WHERE officer_email = '{email}' AND anonymised = false)"
            ))
            .await;
        let renominated =
            app.rows(&format!("RETURN count(SELECT id FROM nomination WHERE officer_name = '{name}')")).await;
        if named_elsewhere.as_i64() != Some(0) || renominated.as_i64() != Some(0) {
            continue; // nominated again later: their newer records rightly keep them
        }
        if let Some(at) = text.find(name) {
            let start = text.floor_char_boundary(at.saturating_sub(400));
            panic!("{name} is still in the backup: …{}…", &text[start..text.ceil_char_boundary(at + 100)]);
        }
        assert!(!text.contains(email), "{email} is still in the backup");
        checked += 1;
    }
    assert!(checked >= 3, "officers checked: {checked}");
    let kept = app.rows("SELECT VALUE record::id(id) FROM nomination_document").await;
    for key in documents.as_array().unwrap().iter().filter(|k| !kept.as_array().unwrap().contains(k)) {
        let key = key.as_str().unwrap();
        assert!(!app.state.settings.files_dir.join(key).exists(), "the document {key} is off the disk");
        assert!(!text.contains(key), "the document {key} is not in the backup");
    }
    assert!(kept.as_array().unwrap().len() < documents.as_array().unwrap().len(), "documents were removed");
    std::fs::remove_dir_all(place).ok();
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hub-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn an_administrator_erases_an_officer_unless_something_is_under_way() {
    use crate::common::error_json;
    use reqwest::StatusCode;
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let nominator = app.login_as("nominator").await;
    let id = crate::nominations::draft(&app, &nominator, "Officer To Erase").await;
    app.rows(&format!("UPDATE nomination:{id} SET work_email = 'erase.me@agency.example'")).await;
    let erase = |email: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            app.post(admin, "/api/privacy/erase", &[("email", email), ("reason", "Letter of 2 December 2026")]).await
        }
    };
    let refusal = |response: reqwest::Response| async move {
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let json = error_json(response).await;
        assert_eq!(json["Invalid"]["errors"][0]["field"], "email", "{json}");
        json["Invalid"]["errors"][0]["message"].as_str().unwrap().to_string()
    };
    let written = || async { (app.count("audit_event").await, app.count("notification").await) };
    let before = written().await;

    // Refused, each with what stops it, and nothing changes.
    assert!(refusal(erase("nobody@nowhere.example").await).await.contains("Nobody with this address"));
    assert!(refusal(erase("secondee@demo.hub").await).await.contains("is active"), "the demo secondee's placement");
    assert!(refusal(erase("erase.me@agency.example").await).await.contains("still open (draft)"));
    let not_admin =
        app.post(&nominator, "/api/privacy/erase", &[("email", "erase.me@agency.example"), ("reason", "x")]).await;
    assert_eq!(not_admin.status(), StatusCode::FORBIDDEN);
    assert_eq!(written().await, before, "a refusal writes nothing");
    assert_eq!(app.first_key(&format!("SELECT VALUE officer_name FROM nomination:{id}")).await, "Officer To Erase");

    // Once withdrawn, erased now: the record stays without the person, audited, and they are told.
    let withdrawn = app.post(&nominator, "/api/nominations/act", &[("id", id.as_str()), ("action", "withdraw")]).await;
    assert_eq!(withdrawn.status(), StatusCode::OK);
    assert_eq!(erase("erase.me@agency.example").await.status(), StatusCode::OK);
    let reference = app.first_key(&format!("SELECT VALUE reference FROM nomination:{id}")).await;
    let stored =
        app.rows(&format!("SELECT officer_name, work_email, state, anonymised FROM ONLY nomination:{id}")).await;
    assert_eq!(
        stored,
        serde_json::json!({
            "officer_name": format!("Former secondee {reference}"), "work_email": "removed@anonymised.invalid",
            "state": "withdrawn", "anonymised": true
        })
    );
    let audited = app.rows("SELECT VALUE after FROM audit_event WHERE action = 'personal_data_erased'").await;
    assert!(audited[0].as_str().unwrap().contains("Letter of 2 December 2026"));
    let told =
        app.rows("SELECT VALUE subject FROM notification WHERE recipient_email = 'erase.me@agency.example'").await;
    assert_eq!(told, serde_json::json!(["Your personal data was erased from Secondment Hub"]));
    assert!(refusal(erase("erase.me@agency.example").await).await.contains("Nobody"), "erased once");
}
