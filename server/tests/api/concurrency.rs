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
