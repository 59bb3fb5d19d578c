//! Nominations: the lifecycle end to end with audit entries and e-mails, approval creating one
//! placement, documents, and the walls between agencies and roles.

use reqwest::StatusCode;

use crate::common::{error_json, TestApp};

async fn key_of(app: &TestApp, sql: &str) -> String {
    app.rows(sql).await[0].as_str().unwrap_or_else(|| panic!("no row for {sql}")).to_string()
}

async fn theme(app: &TestApp, name: &str) -> String {
    key_of(app, &format!("SELECT VALUE record::id(id) FROM theme WHERE name = '{name}'")).await
}

async fn agency(app: &TestApp, name: &str) -> String {
    key_of(app, &format!("SELECT VALUE record::id(id) FROM agency WHERE name = '{name}'")).await
}

/// Creates a draft as `client`, its officer confirmed as told of the privacy notice, and returns
/// its key.
pub(crate) async fn draft(app: &TestApp, client: &reqwest::Client, officer: &str) -> String {
    save_draft(app, client, officer, "", true).await
}

/// Saves a draft as `client` (a new one when `id` is empty), with the privacy-notice box ticked
/// or not, and returns its key.
async fn save_draft(app: &TestApp, client: &reqwest::Client, officer: &str, id: &str, told: bool) -> String {
    let host = agency(app, "Regional Support Office, Bangkok").await;
    let aviation = theme(app, "Aviation people smuggling").await;
    let sharing = theme(app, "Information sharing").await;
    let response = app
        .post(
            client,
            "/api/nominations/save",
            &[
                ("id", id),
                ("officer_told", if told { "on" } else { "" }),
                ("officer_name", officer),
                ("position", "Immigration Officer"),
                ("work_email", "officer@immigration.lk.example"),
                ("nationality", "LK"),
                ("languages[]", "si"),
                ("languages[]", "en"),
                ("expertise", "Document examination"),
                ("host_agency", &host),
                ("themes[]", &aviation),
                ("themes[]", &sharing),
                ("start_date", "2027-03-01"),
                ("end_date", "2027-09-01"),
                ("objectives", "Information sharing on aviation people smuggling."),
                ("justification", "Regional priority."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    key_of(app, &format!("SELECT VALUE record::id(id) FROM nomination WHERE officer_name = '{officer}'")).await
}

async fn act(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    action: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = vec![("id", id), ("action", action)];
    form.extend_from_slice(extra);
    app.post(client, "/api/nominations/act", &form).await
}

async fn state(app: &TestApp, id: &str) -> String {
    key_of(app, &format!("SELECT VALUE state FROM nomination:{id}")).await
}

async fn mail_to(app: &TestApp, event: &str) -> Vec<String> {
    let rows = app
        .rows(&format!(
            "SELECT VALUE recipient_email FROM notification WHERE event = '{event}' ORDER BY recipient_email"
        ))
        .await;
    rows.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_nomination_goes_from_draft_to_placement_with_audit_and_mail() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let coordinator = app.login_as("coordinator").await;
    let id = draft(&app, &nominator, "Kumari Perera").await;
    assert_eq!(state(&app, &id).await, "draft");
    let themes = app.rows(&format!("SELECT VALUE array::len(themes) FROM nomination:{id}")).await;
    assert_eq!(themes, serde_json::json!([2]));

    assert_eq!(act(&app, &nominator, &id, "submit", &[]).await.status(), StatusCode::OK);
    assert_eq!(state(&app, &id).await, "submitted");
    assert_eq!(mail_to(&app, "nomination_submitted").await, vec!["coordinator@demo.hub"]);
    assert_eq!(mail_to(&app, "nomination_receipt").await, vec!["secondments@immigration.lk.example"]);

    assert_eq!(act(&app, &coordinator, &id, "start_review", &[]).await.status(), StatusCode::OK);
    let no_message = act(&app, &coordinator, &id, "request_changes", &[]).await;
    assert_eq!(error_json(no_message).await["Invalid"]["errors"][0]["field"], "message");
    let changes =
        act(&app, &coordinator, &id, "request_changes", &[("message", "Please attach the endorsement letter.")]).await;
    assert_eq!(changes.status(), StatusCode::OK);
    assert_eq!(state(&app, &id).await, "changes_requested");
    assert_eq!(mail_to(&app, "changes_requested").await, vec!["secondments@immigration.lk.example"]);
    let body = key_of(&app, "SELECT VALUE text_body FROM notification WHERE event = 'changes_requested'").await;
    assert!(body.contains("Please attach the endorsement letter.") && body.contains(&format!("/nominations/{id}")));

    assert_eq!(act(&app, &nominator, &id, "resubmit", &[]).await.status(), StatusCode::OK);
    assert_eq!(mail_to(&app, "nomination_submitted").await.len(), 2, "a resubmission is a new event");
    assert_eq!(act(&app, &coordinator, &id, "start_review", &[]).await.status(), StatusCode::OK);

    let host = agency(&app, "Regional Support Office, Bangkok").await;
    let approval = [
        ("host_agency", host.as_str()),
        ("supervisor_name", "Dr Malee Chai"),
        ("supervisor_email", "malee.chai@rso.example"),
        ("start_date", "2027-03-15"),
        ("end_date", "2027-09-15"),
    ];
    let approved = act(&app, &coordinator, &id, "approve", &approval).await;
    assert_eq!(approved.status(), StatusCode::OK, "{}", approved.text().await.unwrap());
    assert_eq!(state(&app, &id).await, "approved");
    let placements = app
        .rows(&format!("SELECT state, supervisor_email, start_date FROM placement WHERE nomination = nomination:{id}"))
        .await;
    assert_eq!(
        placements,
        serde_json::json!([{ "state": "planned", "supervisor_email": "malee.chai@rso.example", "start_date": "2027-03-15" }])
    );
    assert_eq!(
        mail_to(&app, "nomination_approved").await,
        vec!["programme@rso.example", "secondments@immigration.lk.example"]
    );

    // Approving twice, or from a decided state, is refused; still one placement.
    let again = act(&app, &coordinator, &id, "approve", &approval).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(error_json(again).await.to_string().contains("already approved"));
    assert_eq!(
        app.rows(&format!("RETURN count(SELECT id FROM placement WHERE nomination = nomination:{id})")).await,
        serde_json::json!(1)
    );

    let actions =
        app.rows(&format!("SELECT VALUE action FROM audit_event WHERE record_key = '{id}' ORDER BY at")).await;
    assert_eq!(
        actions,
        serde_json::json!([
            "created",
            "submit",
            "start_review",
            "request_changes",
            "resubmit",
            "start_review",
            "approve"
        ])
    );
    let history: serde_json::Value =
        app.post(&nominator, "/api/nominations/get", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(history["nomination"]["history"].as_array().unwrap().len(), 6);
    assert!(history["nomination"]["placement_id"].is_string());
}

#[tokio::test]
async fn a_nomination_is_submitted_only_with_the_privacy_notice_confirmed() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let notice = |id: String| {
        let app = &app;
        async move {
            app.rows(&format!(
                "SELECT notice_version AS version, notice_confirmed_at AS at, (IF notice_confirmed_by != NONE THEN record::id(notice_confirmed_by) ELSE NONE END) AS by
                 FROM ONLY nomination:{id}"
            ))
            .await
        }
    };
    let nominator_key = key_of(&app, "SELECT VALUE record::id(id) FROM user WHERE email = 'nominator@demo.hub'").await;

    // A draft saves without the confirmation, and cannot be submitted without it.
    let id = save_draft(&app, &nominator, "Officer Untold", "", false).await;
    assert_eq!(notice(id.clone()).await, serde_json::json!({ "version": null, "at": null, "by": null }));
    let page: serde_json::Value =
        app.post(&nominator, "/api/nominations/get", &[("id", &id)]).await.json().await.unwrap();
    assert!(page["nomination"]["notice"].is_null());
    let refused = act(&app, &nominator, &id, "submit", &[]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refusal = error_json(refused).await;
    assert_eq!(refusal["Invalid"]["errors"][0]["field"], "officer_told");
    assert!(refusal.to_string().contains("privacy notice"), "{refusal}");
    assert_eq!(state(&app, &id).await, "draft");
    assert!(mail_to(&app, "nomination_submitted").await.is_empty(), "nothing is sent for a refused step");

    // Ticked with the submission itself: submitted, and the confirmation is stored with it.
    let submitted = act(&app, &nominator, &id, "submit", &[("officer_told", "on")]).await;
    assert_eq!(submitted.status(), StatusCode::OK, "{}", submitted.text().await.unwrap());
    assert_eq!(state(&app, &id).await, "submitted");
    let stored = notice(id.clone()).await;
    assert_eq!(
        (stored["version"].clone(), stored["by"].clone()),
        (serde_json::json!(1), serde_json::json!(nominator_key))
    );
    assert!(stored["at"].is_string());
    let audited =
        key_of(&app, &format!("SELECT VALUE after FROM audit_event WHERE record_key = '{id}' AND action = 'submit'"))
            .await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&audited).unwrap()["privacy_notice"], 1);
    let page: serde_json::Value =
        app.post(&nominator, "/api/nominations/get", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(page["nomination"]["notice"]["by"], "Nimal Perera");

    // Ticked on the form: the first confirmation stays through later saves; unticked, it goes.
    let id = save_draft(&app, &nominator, "Officer Told", "", true).await;
    let first = notice(id.clone()).await;
    assert_eq!(first["version"], 1);
    save_draft(&app, &nominator, "Officer Told", &id, true).await;
    assert_eq!(notice(id.clone()).await, first, "a second save keeps the first confirmation");
    save_draft(&app, &nominator, "Officer Told", &id, false).await;
    assert_eq!(notice(id.clone()).await["version"], serde_json::Value::Null);
    let refused = act(&app, &nominator, &id, "submit", &[]).await;
    assert_eq!(error_json(refused).await["Invalid"]["errors"][0]["field"], "officer_told");
    save_draft(&app, &nominator, "Officer Told", &id, true).await;
    assert_eq!(act(&app, &nominator, &id, "submit", &[]).await.status(), StatusCode::OK);

    // A confirmation of an earlier notice is asked for again on resubmission.
    let coordinator = app.login_as("coordinator").await;
    let changes = act(&app, &coordinator, &id, "request_changes", &[("message", "Add the letter.")]).await;
    assert_eq!(changes.status(), StatusCode::OK);
    app.state.db.query(format!("UPDATE nomination:{id} SET notice_version = 0")).await.unwrap().check().unwrap();
    let refused = act(&app, &nominator, &id, "resubmit", &[]).await;
    assert_eq!(error_json(refused).await["Invalid"]["errors"][0]["field"], "officer_told");
    assert_eq!(state(&app, &id).await, "changes_requested");
    assert_eq!(act(&app, &nominator, &id, "resubmit", &[("officer_told", "on")]).await.status(), StatusCode::OK);
    assert_eq!(notice(id).await["version"], 1);
}

#[tokio::test]
async fn illegal_transitions_and_wrong_actors_are_refused() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let coordinator = app.login_as("coordinator").await;
    let id = draft(&app, &nominator, "Officer Refused").await;
    let early = act(&app, &coordinator, &id, "approve", &[]).await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    assert!(error_json(early).await.to_string().contains("under review"));
    assert_eq!(act(&app, &nominator, &id, "start_review", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(act(&app, &coordinator, &id, "submit", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(act(&app, &nominator, &id, "fly_away", &[]).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(act(&app, &nominator, &id, "withdraw", &[]).await.status(), StatusCode::OK);
    let after = act(&app, &nominator, &id, "submit", &[]).await;
    assert!(error_json(after).await.to_string().contains("withdrawn"));
    assert_eq!(state(&app, &id).await, "withdrawn");
}

#[tokio::test]
async fn bad_input_is_refused_at_the_field() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let host = agency(&app, "Regional Support Office, Bangkok").await;
    let other_agencys_theme = "nosuchtheme";
    let response = app
        .post(
            &nominator,
            "/api/nominations/save",
            &[
                ("officer_name", "<b>X</b>"),
                ("nationality", "Sri Lankan"),
                ("languages[]", "klingon"),
                ("host_agency", &host),
                ("themes[]", other_agencys_theme),
                ("start_date", "31/12/2027"),
                ("end_date", "soon"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = error_json(response).await["Invalid"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    for field in
        ["position", "work_email", "nationality", "languages", "themes", "start_date", "end_date", "objectives"]
    {
        assert!(fields.iter().any(|f| f == field), "{field} missing from {fields:?}");
    }
    // A start date in the past cannot be submitted.
    let id = draft(&app, &nominator, "Officer Past").await;
    app.state.db.query(format!("UPDATE nomination:{id} SET start_date = '2020-01-01'")).await.unwrap().check().unwrap();
    let response = act(&app, &nominator, &id, "submit", &[]).await;
    assert_eq!(error_json(response).await["Invalid"]["errors"][0]["field"], "start_date");
    assert_eq!(state(&app, &id).await, "draft");
}

pub(crate) fn multipart(file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----hubtestboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub(crate) async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let (content_type, body) = multipart(name, bytes);
    client
        .post(app.url(&format!("/nominations/{id}/documents")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn documents_are_checked_by_content_and_served_only_to_those_who_may_see_them() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let id = draft(&app, &nominator, "Officer With Papers").await;

    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
    let ok = upload(&app, &nominator, &id, "../../CV Kumari.pdf", pdf).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let docs = app.rows(&format!("SELECT file_name, content_type, size, record::id(id) AS id FROM nomination_document WHERE nomination = nomination:{id}")).await;
    assert_eq!(docs[0]["file_name"], "CV_Kumari.pdf");
    assert_eq!(docs[0]["content_type"], "application/pdf");
    let doc = docs[0]["id"].as_str().unwrap().to_string();

    let fake = upload(&app, &nominator, &id, "cv.pdf", b"MZ\x90\x00\x03 this is a Windows executable").await;
    assert_eq!(fake.status(), StatusCode::SEE_OTHER, "back to the page with a message");
    let huge = vec![b'%'; 20 * 1024 * 1024];
    let big = upload(&app, &nominator, &id, "big.pdf", &huge).await;
    assert_eq!(big.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.rows(&format!("RETURN count(SELECT id FROM nomination_document WHERE nomination = nomination:{id})")).await,
        serde_json::json!(1)
    );
    let leftovers: Vec<_> = std::fs::read_dir(&app.state.settings.files_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "no partial uploads left behind");

    let download = nominator.get(app.url(&format!("/documents/{doc}"))).send().await.unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.headers()["content-disposition"], "attachment; filename=\"CV_Kumari.pdf\"");
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(download.bytes().await.unwrap().as_ref(), pdf);
    assert_eq!(
        app.client().get(app.url(&format!("/documents/{doc}"))).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let coordinator = app.login_as("coordinator").await;
    assert_eq!(coordinator.get(app.url(&format!("/documents/{doc}"))).send().await.unwrap().status(), StatusCode::OK);
}

/// A nominator of Indonesia's Directorate General of Immigration, signed in.
async fn other_agency_nominator(app: &TestApp) -> reqwest::Client {
    let admin = app.login_as("admin").await;
    let dgi = agency(app, "Directorate General of Immigration").await;
    let created = app
        .post(
            &admin,
            "/api/users/save",
            &[
                ("email", "focal@imigrasi.example"),
                ("name", "Other Focal"),
                ("role", "nominator"),
                ("agency", &dgi),
                ("new_password", "another agency passphrase"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    app.login("focal@imigrasi.example", "another agency passphrase").await
}

pub(crate) async fn post_document(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    file: Option<(&str, &[u8])>,
) -> reqwest::Response {
    let request = client.post(app.url(path));
    let request = match file {
        Some((name, bytes)) => {
            let (content_type, body) = multipart(name, bytes);
            request.header("content-type", content_type).body(body)
        }
        None => request.header("content-type", "application/x-www-form-urlencoded").body(""),
    };
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_document_is_removed_or_replaced_only_by_its_nominator_while_the_nomination_can_change() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let id = draft(&app, &nominator, "Officer Papers Changed").await;
    let pdf = b"%PDF-1.4\n%%EOF\n";
    upload(&app, &nominator, &id, "cv.pdf", pdf).await;
    upload(&app, &nominator, &id, "letter.pdf", pdf).await;
    let key_of_file = |name: &str| {
        format!("SELECT VALUE record::id(id) FROM nomination_document WHERE nomination = nomination:{id} AND file_name = '{name}'")
    };
    let (cv, letter) = (key_of(&app, &key_of_file("cv.pdf")).await, key_of(&app, &key_of_file("letter.pdf")).await);
    let on_disk = |key: &str| app.state.settings.files_dir.join(key).exists();
    assert!(on_disk(&cv) && on_disk(&letter));

    // Another agency's nominator: neither exists for them.
    let other = other_agency_nominator(&app).await;
    let remove_cv = format!("/nominations/{id}/documents/{cv}/remove");
    assert_eq!(post_document(&app, &other, &remove_cv, None).await.status(), StatusCode::NOT_FOUND);
    // A document of another nomination is not this one's.
    let elsewhere = draft(&app, &nominator, "Officer Elsewhere").await;
    let wrong = format!("/nominations/{elsewhere}/documents/{cv}/remove");
    assert_eq!(post_document(&app, &nominator, &wrong, None).await.status(), StatusCode::NOT_FOUND);

    // Replace: the new file takes the old one's place, on disk too.
    let replace = format!("/nominations/{id}/documents/{cv}");
    let replaced = post_document(&app, &nominator, &replace, Some(("cv-2026.pdf", pdf))).await;
    assert_eq!(replaced.status(), StatusCode::SEE_OTHER);
    let names = app
        .rows(&format!(
            "SELECT VALUE file_name FROM nomination_document WHERE nomination = nomination:{id} ORDER BY file_name"
        ))
        .await;
    assert_eq!(names, serde_json::json!(["cv-2026.pdf", "letter.pdf"]));
    assert!(!on_disk(&cv), "the replaced file is gone");
    assert!(on_disk(&key_of(&app, &key_of_file("cv-2026.pdf")).await));

    // Remove.
    let remove_letter = format!("/nominations/{id}/documents/{letter}/remove");
    assert_eq!(post_document(&app, &nominator, &remove_letter, None).await.status(), StatusCode::SEE_OTHER);
    assert!(!on_disk(&letter));
    assert_eq!(
        app.rows(&format!("RETURN count(SELECT id FROM nomination_document WHERE nomination = nomination:{id})")).await,
        serde_json::json!(1)
    );

    // Both are in the history and the audit trail.
    let history = app
        .rows(&format!("SELECT VALUE message FROM nomination_event WHERE nomination = nomination:{id} AND kind = 'document' ORDER BY at"))
        .await;
    assert_eq!(
        history,
        serde_json::json!(["Replaced the document cv.pdf with cv-2026.pdf.", "Removed the document letter.pdf."])
    );
    let audited = app
        .rows(
            "SELECT VALUE record_key FROM audit_event WHERE record_table = 'nomination_document' AND action = 'deleted' ORDER BY at",
        )
        .await;
    assert_eq!(audited, serde_json::json!([cv, letter]));
    let page = nominator.get(app.url(&format!("/nominations/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Removed the document letter.pdf."), "the history shows it");

    // Once submitted, the documents stay as they are, with a message at the form.
    assert_eq!(act(&app, &nominator, &id, "submit", &[]).await.status(), StatusCode::OK);
    let kept = key_of(&app, &key_of_file("cv-2026.pdf")).await;
    let refused = post_document(&app, &nominator, &format!("/nominations/{id}/documents/{kept}/remove"), None).await;
    assert_eq!(refused.status(), StatusCode::SEE_OTHER, "back to the page with the message");
    let replace_kept = format!("/nominations/{id}/documents/{kept}");
    let refused = post_document(&app, &nominator, &replace_kept, Some(("late.pdf", pdf))).await;
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    let page = nominator.get(app.url(&format!("/nominations/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Documents can be changed only while the nomination is a draft"), "{page}");
    assert_eq!(
        app.rows(&format!("SELECT VALUE file_name FROM nomination_document WHERE nomination = nomination:{id}")).await,
        serde_json::json!(["cv-2026.pdf"])
    );
    assert!(on_disk(&kept));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_removal_raced_with_the_submission_is_either_before_it_or_refused() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    for round in 0..4 {
        let id = draft(&app, &nominator, &format!("Officer Race {round}")).await;
        let pdf = b"%PDF-1.4\n%%EOF\n";
        upload(&app, &nominator, &id, "cv.pdf", pdf).await;
        upload(&app, &nominator, &id, "letter.pdf", pdf).await;
        let letter = key_of(
            &app,
            &format!("SELECT VALUE record::id(id) FROM nomination_document WHERE nomination = nomination:{id} AND file_name = 'letter.pdf'"),
        )
        .await;
        // Both at once, on two tasks.
        let path = format!("/nominations/{id}/documents/{letter}/remove");
        let remove = post_document(&app, &nominator, &path, None);
        let submit = act(&app, &nominator, &id, "submit", &[]);
        let (removed, submitted) = tokio::join!(remove, submit);
        assert_eq!(removed.status(), StatusCode::SEE_OTHER);
        assert_eq!(submitted.status(), StatusCode::OK);
        assert_eq!(state(&app, &id).await, "submitted");
        // Whatever the order, no document changed after the submission.
        let events = app
            .rows(&format!(
                "SELECT VALUE kind FROM nomination_event WHERE nomination = nomination:{id} AND kind IN ['document', 'submit'] ORDER BY at"
            ))
            .await;
        let documents = app
            .rows(&format!("RETURN count(SELECT id FROM nomination_document WHERE nomination = nomination:{id})"))
            .await;
        match documents.as_i64() {
            Some(1) => assert_eq!(events, serde_json::json!(["document", "submit"]), "removed before the submission"),
            Some(2) => assert_eq!(events, serde_json::json!(["submit"]), "refused after it"),
            other => panic!("documents: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_new_draft_starts_from_an_earlier_nomination_of_the_same_agency_only() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let id = draft(&app, &nominator, "Officer Renominated").await;
    upload(&app, &nominator, &id, "cv.pdf", b"%PDF-1.4\n%%EOF\n").await;
    let start = app.post(&nominator, "/api/nominations/start-from", &[("id", &id)]).await;
    assert_eq!(start.status(), StatusCode::OK);
    let page: serde_json::Value = start.json().await.unwrap();
    let reference = key_of(&app, &format!("SELECT VALUE reference FROM nomination:{id}")).await;
    assert_eq!(page["copied_from"], serde_json::json!(reference));
    assert_eq!(page["nomination"]["officer_name"], "Officer Renominated");
    assert_eq!(page["nomination"]["documents"], serde_json::json!([]), "documents stay with the earlier one");
    assert_eq!(page["nomination"]["history"], serde_json::json!([]));
    // The form page shows it filled, the period left to choose.
    let form =
        nominator.get(app.url(&format!("/nominations/new?from={id}"))).send().await.unwrap().text().await.unwrap();
    assert!(form.contains(&format!("New nomination from {reference}")), "{form}");
    assert!(form.contains("value=\"Officer Renominated\""));

    // Another agency's: not found. Staff do not nominate.
    let other = other_agency_nominator(&app).await;
    assert_eq!(app.post(&other, "/api/nominations/start-from", &[("id", &id)]).await.status(), StatusCode::NOT_FOUND);
    let coordinator = app.login_as("coordinator").await;
    assert_eq!(
        app.post(&coordinator, "/api/nominations/start-from", &[("id", &id)]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&nominator, "/api/nominations/start-from", &[("id", "nope")]).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_nominator_of_another_agency_cannot_read_change_or_download() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let id = draft(&app, &nominator, "Officer Private").await;
    upload(&app, &nominator, &id, "cv.pdf", b"%PDF-1.4 test").await;
    let doc = key_of(
        &app,
        &format!("SELECT VALUE record::id(id) FROM nomination_document WHERE nomination = nomination:{id}"),
    )
    .await;

    let other = other_agency_nominator(&app).await;

    let list: serde_json::Value = app.post(&other, "/api/nominations/list", &[]).await.json().await.unwrap();
    assert!(!list.to_string().contains("Officer Private"));
    assert_eq!(app.post(&other, "/api/nominations/get", &[("id", &id)]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(act(&app, &other, &id, "withdraw", &[]).await.status(), StatusCode::NOT_FOUND);
    let edit = app.post(&other, "/api/nominations/save", &[("id", &id), ("officer_name", "Hijacked")]).await;
    assert!(edit.status().is_client_error());
    assert_eq!(other.get(app.url(&format!("/documents/{doc}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(upload(&app, &other, &id, "x.pdf", b"%PDF-1.4").await.status(), StatusCode::NOT_FOUND);
    let csv = other.get(app.url("/export/nominations.csv")).send().await.unwrap().text().await.unwrap();
    assert!(!csv.contains("Officer Private"));
    assert_eq!(state(&app, &id).await, "draft");
    assert_eq!(key_of(&app, &format!("SELECT VALUE officer_name FROM nomination:{id}")).await, "Officer Private");
}

#[tokio::test]
async fn donors_secondees_and_hosts_see_no_nominations() {
    let app = TestApp::start().await;
    for role in ["donor", "secondee", "host"] {
        let client = app.login_as(role).await;
        assert_eq!(app.post(&client, "/api/nominations/list", &[]).await.status(), StatusCode::FORBIDDEN, "{role}");
        assert_eq!(
            client.get(app.url("/export/nominations.csv")).send().await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn the_demo_queue_has_every_state() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let list: serde_json::Value = app.post(&coordinator, "/api/nominations/list", &[]).await.json().await.unwrap();
    for count in list["counts"].as_array().unwrap() {
        assert!(count[1].as_u64().unwrap() >= 1, "no demo nomination in state {}", count[0]);
    }
    let nominator = app.login_as("nominator").await;
    let own: serde_json::Value = app.post(&nominator, "/api/nominations/list", &[]).await.json().await.unwrap();
    let agencies: std::collections::HashSet<&str> =
        own["page"]["items"].as_array().unwrap().iter().map(|n| n["sending_agency"].as_str().unwrap()).collect();
    assert_eq!(agencies.into_iter().collect::<Vec<_>>(), vec!["Department of Immigration and Emigration"]);
}

#[tokio::test]
async fn the_review_queue_filters_sorts_and_exports() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let submitted: serde_json::Value =
        app.post(&coordinator, "/api/nominations/list", &[("status", "submitted")]).await.json().await.unwrap();
    let items = submitted["page"]["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|n| n["state"] == "submitted"));

    let die = agency(&app, "Department of Immigration and Emigration").await;
    let by_agency: serde_json::Value = app
        .post(&coordinator, "/api/nominations/list", &[("agency", &die), ("sort", "officer")])
        .await
        .json()
        .await
        .unwrap();
    let officers: Vec<&str> =
        by_agency["page"]["items"].as_array().unwrap().iter().map(|n| n["officer_name"].as_str().unwrap()).collect();
    assert_eq!(
        officers,
        vec!["Chamari Silva", "Dilini Jayasuriya", "Kasun Bandara", "Kumari Silva", "Ruwan Fernando"],
        "this agency's, sorted by officer"
    );

    let aviation = theme(&app, "Aviation people smuggling").await;
    let by_theme: serde_json::Value =
        app.post(&coordinator, "/api/nominations/list", &[("theme", &aviation)]).await.json().await.unwrap();
    assert!(by_theme["page"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["sending_agency"] == "Department of Immigration and Emigration"));

    let late: serde_json::Value =
        app.post(&coordinator, "/api/nominations/list", &[("from", "2027-05-01")]).await.json().await.unwrap();
    assert!(late["page"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["start_date"].as_str().unwrap() >= "2027-05-01"));
    let bad = app.post(&coordinator, "/api/nominations/list", &[("from", "May 2027")]).await;
    assert_eq!(error_json(bad).await["Invalid"]["errors"][0]["field"], "from");

    let csv =
        coordinator.get(app.url("/export/nominations.csv?status=approved")).send().await.unwrap().text().await.unwrap();
    assert!(csv.starts_with("reference,state,officer"));
    assert!(csv.lines().next().unwrap().ends_with(",nationality,languages"), "{csv}");
    assert!(csv.contains("Nurul Huda") && !csv.contains("Kumari Silva"));
    // Names, not the stored codes.
    assert!(csv.contains(",Malaysia,\"Malay, English\""), "{csv}");
}

#[tokio::test]
async fn a_placement_is_read_by_those_concerned_only() {
    let app = TestApp::start().await;
    // The demo approval: Malaysia's ministry sends to the RSO in Bangkok.
    let id = key_of(&app, "SELECT VALUE record::id(id) FROM placement WHERE officer_name = 'Nurul Huda'").await;
    for (role, expected) in [
        ("coordinator", StatusCode::OK),
        ("host", StatusCode::OK),
        ("nominator", StatusCode::NOT_FOUND),
        ("donor", StatusCode::NOT_FOUND), // not one its agreements fund
    ] {
        let client = app.login_as(role).await;
        assert_eq!(app.post(&client, "/api/placements/get", &[("id", &id)]).await.status(), expected, "{role}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_uploads_cannot_pass_the_document_limit() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let id = draft(&app, &nominator, "Officer With Many Papers").await;
    let pdf: &'static [u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8 {
        let (content_type, body) = multipart(&format!("paper-{i}.pdf"), pdf);
        let request = nominator
            .post(app.url(&format!("/nominations/{id}/documents")))
            .header("content-type", content_type)
            .body(body);
        tasks.spawn(async move { request.send().await.unwrap().status() });
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::SEE_OTHER, "each answer goes back to the page");
    }
    let stored =
        app.rows(&format!("RETURN count(SELECT id FROM nomination_document WHERE nomination = nomination:{id})")).await;
    assert_eq!(stored, serde_json::json!(app::nominations::files::MAX_PER_NOMINATION));
    // Refused files were removed again: no stray file, no half-written one.
    let files: Vec<_> = std::fs::read_dir(&app.state.settings.files_dir).unwrap().flatten().collect();
    assert_eq!(files.len(), app::nominations::files::MAX_PER_NOMINATION, "{files:?}");
}

#[tokio::test]
async fn nationality_and_languages_come_from_the_lists() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let id = draft(&app, &nominator, "Officer Listed").await;
    let stored =
        || async { app.rows(&format!("SELECT nationality, languages, updated_at FROM ONLY nomination:{id}")).await };
    let before = stored().await;
    assert_eq!((before["nationality"].as_str(), &before["languages"]), (Some("LK"), &serde_json::json!(["si", "en"])));

    // A code not in the list is refused at its field; the draft stays as it was.
    let host = agency(&app, "Regional Support Office, Bangkok").await;
    let theme = theme(&app, "Information sharing").await;
    let mut form = vec![
        ("id", id.as_str()),
        ("officer_name", "Officer Listed"),
        ("position", "Immigration Officer"),
        ("work_email", "officer@immigration.lk.example"),
        ("nationality", "XK"),
        ("host_agency", &host),
        ("themes[]", &theme),
        ("start_date", "2027-03-01"),
        ("end_date", "2027-09-01"),
        ("objectives", "Objectives."),
        ("justification", "Justification."),
    ];
    let refused = app.post(&nominator, "/api/nominations/save", &form).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = error_json(refused).await["Invalid"]["errors"].clone();
    assert_eq!(errors, serde_json::json!([{ "field": "nationality", "message": "Choose a country from the list." }]));
    assert_eq!(stored().await, before);

    // Text typed before the lists, not recognised, is shown flagged until the form is saved.
    app.state
        .db
        .query(format!(
            "UPDATE nomination:{id} SET nationality = '', nationality_as_written = 'Atlantis', languages_as_written = 'Tok Pisin'"
        ))
        .await
        .unwrap()
        .check()
        .unwrap();
    let page = nominator.get(app.url(&format!("/nominations/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Atlantis") && page.contains("not in the country list: to be fixed"), "{page}");
    assert!(page.contains("Sinhala, English; Tok Pisin"), "{page}");
    let edit = nominator.get(app.url(&format!("/nominations/{id}/edit"))).send().await.unwrap().text().await.unwrap();
    assert!(edit.contains("Recorded earlier as “Atlantis”"), "{edit}");
    // The members' states come first, then every country.
    let members = edit.find("<optgroup label=\"Member states\"").expect("member states group");
    let all = edit.find("<optgroup label=\"All countries\"").expect("all countries group");
    assert!(members < all && edit[members..all].contains("value=\"TH\""));
    assert!(edit[all..].contains("value=\"FR\""));

    form[4] = ("nationality", "th");
    form.push(("languages[]", "th"));
    let saved = app.post(&nominator, "/api/nominations/save", &form).await;
    assert_eq!(saved.status(), StatusCode::OK);
    let after = app
        .rows(&format!(
            "SELECT nationality, nationality_as_written, languages, languages_as_written FROM ONLY nomination:{id}"
        ))
        .await;
    assert_eq!(
        after,
        serde_json::json!({ "nationality": "TH", "nationality_as_written": null, "languages": ["th"], "languages_as_written": null })
    );
    let page = nominator.get(app.url(&format!("/nominations/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<dd>Thailand</dd>") && page.contains("<dd>Thai</dd>") && !page.contains("to be fixed"));
}

#[tokio::test]
async fn a_draft_changes_only_while_it_is_editable() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let id = draft(&app, &nominator, "Officer Submitted Meanwhile").await;
    // Submitted by another tab of the same focal point.
    app.state.db.query(format!("UPDATE nomination:{id} SET state = 'submitted'")).await.unwrap().check().unwrap();
    let pdf = b"%PDF-1.4\n%%EOF\n";
    assert_eq!(upload(&app, &nominator, &id, "late.pdf", pdf).await.status(), StatusCode::SEE_OTHER);
    let stored =
        app.rows(&format!("RETURN count(SELECT id FROM nomination_document WHERE nomination = nomination:{id})")).await;
    assert_eq!(stored, serde_json::json!(0), "no document lands on a submitted nomination");
}
