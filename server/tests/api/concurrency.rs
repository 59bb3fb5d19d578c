//! Many requests at one record at once, sent in parallel. Every write goes through the one
//! retrying transaction path, so none of them may answer 5xx, and the final state must count
//! every request that succeeded. Without the retry these tests fail with 503s (or 500s).

use reqwest::StatusCode;

use crate::common::{TestApp, DEMO_PASSWORD};

const PARALLEL: usize = 64;

fn statuses(responses: &[StatusCode]) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for status in responses {
        *counts.entry(status.as_u16()).or_insert(0) += 1;
    }
    format!("{counts:?}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_are_all_counted_and_none_fails() {
    let app = TestApp::start().await;
    let client = app.client();
    let forms = (0..PARALLEL)
        .map(|i| vec![("email", "donor@demo.hub".to_string()), ("password", format!("wrong-guess-{i}"))])
        .collect();
    let answers = app.post_all(&client, "/api/login", forms).await;
    assert!(answers.iter().all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY), "{}", statuses(&answers));
    // Both windows (the account's and the address's) counted every attempt.
    let counts = app.rows("SELECT VALUE failures FROM login_throttle ORDER BY failures").await;
    assert_eq!(counts, serde_json::json!([PARALLEL, PARALLEL]));
    // And the owner still signs in afterwards.
    app.login("donor@demo.hub", DEMO_PASSWORD).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_reviews_of_one_nomination_let_exactly_one_through() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let id = app.first_key("SELECT VALUE record::id(id) FROM nomination WHERE state = 'submitted' LIMIT 1").await;
    let forms = (0..PARALLEL).map(|_| vec![("id", id.clone()), ("action", "start_review".to_string())]).collect();
    let answers = app.post_all(&coordinator, "/api/nominations/act", forms).await;
    let ok = answers.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = answers.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((ok, refused), (1, PARALLEL - 1), "{}", statuses(&answers));
    let state = app.rows(&format!("SELECT VALUE state FROM nomination:{id}")).await;
    assert_eq!(state, serde_json::json!(["under_review"]));
    let events = app
        .rows(&format!("RETURN count(SELECT id FROM nomination_event WHERE nomination = nomination:{id} AND kind = 'start_review')"))
        .await;
    assert_eq!(events, serde_json::json!(1), "one history event, not one per request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_saves_of_one_record_all_land_with_their_audit_entries() {
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let key = app.first_key("SELECT VALUE record::id(id) FROM theme LIMIT 1").await;
    let forms = (0..PARALLEL)
        .map(|i| {
            vec![("id", key.clone()), ("name", format!("Concurrent theme name {i}")), ("active", "on".to_string())]
        })
        .collect();
    let answers = app.post_all(&admin, "/api/themes/save", forms).await;
    assert!(answers.iter().all(|s| *s == StatusCode::OK), "{}", statuses(&answers));
    let name = app.rows(&format!("SELECT VALUE name FROM theme:{key}")).await;
    assert!(name[0].as_str().unwrap().starts_with("Concurrent theme name "), "{name}");
    let audited = app
        .rows(&format!(
            "RETURN count(SELECT id FROM audit_event WHERE record_table = 'theme' AND record_key = '{key}')"
        ))
        .await;
    assert_eq!(audited, serde_json::json!(PARALLEL), "one audit entry per saved change");
}

/// A tally of statuses, and the first body of each status that is not 200 (to show a refusal).
fn tally(answers: &[(StatusCode, String)]) -> (usize, usize, usize, String) {
    let ok = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let refused = answers.iter().filter(|(s, _)| s.is_client_error()).count();
    let failed = answers.iter().filter(|(s, _)| s.is_server_error()).count();
    let codes: Vec<StatusCode> = answers.iter().map(|(s, _)| *s).collect();
    (ok, refused, failed, statuses(&codes))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_times_two_thousand_creates_of_one_address_leave_exactly_one_user() {
    const CLIENTS: usize = 4;
    const EACH: usize = 2000;
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let form = [("email", "Race.Coordinator@rso.example"), ("name", "Race Coordinator"), ("role", "coordinator")];
    // Each client sends its 2,000 one after another; the four clients start together.
    let answers = app
        .race(CLIENTS, |_| {
            let sends: Vec<_> = (0..EACH).map(|_| app.posting(&admin, "/api/users/save", &form)).collect();
            async move {
                let mut answers = Vec::with_capacity(EACH);
                for send in sends {
                    answers.push(send.await);
                }
                answers
            }
        })
        .await
        .concat();
    let (ok, refused, failed, seen) = tally(&answers);
    assert_eq!((ok, refused, failed), (1, CLIENTS * EACH - 1, 0), "{seen}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("Another user already has this e-mail address."), "{body}");
    }
    let users = app.rows("RETURN count(SELECT id FROM user WHERE email = 'race.coordinator@rso.example')").await;
    assert_eq!(users, serde_json::json!(1));
    let invitations = app.rows("RETURN count(SELECT id FROM notification WHERE event = 'invitation')").await;
    assert_eq!(invitations, serde_json::json!(1), "one invitation, for the one account made");
    println!("creates of one address: {} requests, {ok} made it, {refused} refused, {failed} failed", answers.len());
}

/// The form that approves nomination `id` for a placement at `host` from `start` to `end`.
pub(crate) fn approval<'a>(id: &'a str, host: &'a str, start: &'a str, end: &'a str) -> [(&'a str, &'a str); 7] {
    [
        ("id", id),
        ("action", "approve"),
        ("host_agency", host),
        ("supervisor_name", "Dr Malee Chai"),
        ("supervisor_email", "malee.chai@rso.example"),
        ("start_date", start),
        ("end_date", end),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_coordinators_approving_one_nomination_make_one_placement() {
    const COORDINATORS: usize = 8;
    let app = TestApp::start().await;
    let admin = app.login_as("admin").await;
    let mut coordinators = vec![app.login_as("coordinator").await];
    for i in 1..COORDINATORS {
        let email = format!("coordinator.{i}@rso.example");
        let form = [
            ("email", email.as_str()),
            ("name", "Another Coordinator"),
            ("role", "coordinator"),
            ("new_password", "a long enough passphrase"),
        ];
        let made = app.post(&admin, "/api/users/save", &form).await;
        assert_eq!(made.status(), StatusCode::OK, "{}", made.text().await.unwrap());
        coordinators.push(app.login_enrolled(&email, "a long enough passphrase").await);
    }
    let id = app.first_key("SELECT VALUE record::id(id) FROM nomination WHERE state = 'submitted' LIMIT 1").await;
    let review = app.post(&coordinators[0], "/api/nominations/act", &[("id", &id), ("action", "start_review")]).await;
    assert_eq!(review.status(), StatusCode::OK);
    let host = app.first_key("SELECT VALUE record::id(id) FROM agency WHERE hosts = true LIMIT 1").await;
    let approval = approval(&id, &host, "2027-03-15", "2027-09-15");
    let answers = app.race(COORDINATORS, |i| app.posting(&coordinators[i], "/api/nominations/act", &approval)).await;
    let (ok, refused, failed, seen) = tally(&answers);
    assert_eq!((ok, refused, failed), (1, COORDINATORS - 1, 0), "{seen}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
        assert!(body.contains("already approved"), "a clear refusal: {body}");
    }
    let placements =
        app.rows(&format!("RETURN count(SELECT id FROM placement WHERE nomination = nomination:{id})")).await;
    assert_eq!(placements, serde_json::json!(1));
    let approvals = app
        .rows(&format!(
            "RETURN count(SELECT id FROM nomination_event WHERE nomination = nomination:{id} AND kind = 'approve')"
        ))
        .await;
    assert_eq!(approvals, serde_json::json!(1), "one history event");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn l8_two_admins_taking_each_other_away_at_once_leave_an_enabled_admin() {
    const PASSWORD: &str = "a long enough passphrase";
    let app = TestApp::start().await;
    let first = app.login_as("admin").await;
    let second_email = "second.admin@rso.example";
    let made = app
        .post(
            &first,
            "/api/users/save",
            &[("email", second_email), ("name", "Second Admin"), ("role", "admin"), ("new_password", PASSWORD)],
        )
        .await;
    assert_eq!(made.status(), StatusCode::OK, "{}", made.text().await.unwrap());
    let second = app.login_enrolled(second_email, PASSWORD).await;
    let key_of = |email: &str| format!("SELECT VALUE record::id(id) FROM user WHERE email = '{email}'");
    let first_key = app.first_key(&key_of("admin@demo.hub")).await;
    let second_key = app.first_key(&key_of(second_email)).await;
    let first_name =
        app.rows("SELECT VALUE name FROM user WHERE email = 'admin@demo.hub'").await[0].as_str().unwrap().to_string();
    let enabled_admins = "RETURN count(SELECT id FROM user WHERE role = 'admin' AND disabled = false)";
    // Each takes the other's administration away at the same instant: first by demoting, then
    // (with both admins again) by disabling.
    for (field, change) in [("role", ("role", "coordinator")), ("disabled", ("disabled", "on"))] {
        let form = |key: &str, email: &str, name: &str| {
            let mut form = vec![("id", key.to_string()), ("email", email.to_string()), ("name", name.to_string())];
            form.push(("role", if change.0 == "role" { change.1 } else { "admin" }.to_string()));
            if change.0 == "disabled" {
                form.push(("disabled", change.1.to_string()));
            }
            form
        };
        let forms = [form(&second_key, second_email, "Second Admin"), form(&first_key, "admin@demo.hub", &first_name)];
        let clients = [&first, &second];
        let answers = app
            .race(2, |i| {
                let pairs: Vec<(&str, &str)> = forms[i].iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.posting(clients[i], "/api/users/save", &pairs)
            })
            .await;
        let admins = app.rows(enabled_admins).await;
        assert!(admins.as_i64().unwrap() >= 1, "an enabled administrator remains ({field}): {answers:?}");
        let (ok, refused, failed, seen) = tally(&answers);
        assert_eq!((ok, refused, failed), (1, 1, 0), "{field}: {seen}");
        let (status, body) = answers.iter().find(|(s, _)| *s != StatusCode::OK).unwrap();
        assert_eq!(*status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let refusal: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(refusal["Invalid"]["errors"][0]["field"], field, "{body}");
        assert!(body.contains("the last enabled administrator"), "a clear refusal: {body}");
        if field == "role" {
            // Both administrators again, for the next race; whoever remained restores the other.
            let survivor = if answers[0].0 == StatusCode::OK { &first } else { &second };
            let (key, email, name) = if answers[0].0 == StatusCode::OK {
                (&second_key, second_email, "Second Admin")
            } else {
                (&first_key, "admin@demo.hub", first_name.as_str())
            };
            let restore = [("id", key.as_str()), ("email", email), ("name", name), ("role", "admin")];
            let restored = app.post(survivor, "/api/users/save", &restore).await;
            assert_eq!(restored.status(), StatusCode::OK, "{}", restored.text().await.unwrap());
            assert_eq!(app.rows(enabled_admins).await, serde_json::json!(2));
        }
    }
}
