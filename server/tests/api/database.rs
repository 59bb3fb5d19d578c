//! The schema and the transaction discipline against a real embedded SurrealDB.

use crate::common::{self, TestApp};
use app::audit::{self, Actor};
use app::db::{self, v};
use app::error::AppError;

#[tokio::test]
async fn migrations_apply_once() {
    let app = TestApp::start().await;
    let before = app.rows("INFO FOR DB").await;
    let applied = db::migrations::apply(&app.state.db).await.unwrap();
    assert!(applied.is_empty(), "nothing left to apply: {applied:?}");
    assert_eq!(app.rows("INFO FOR DB").await, before);
    let versions = app.rows("SELECT VALUE version FROM migration ORDER BY version").await;
    let expected: Vec<i64> = db::migrations::MIGRATIONS.iter().map(|m| m.version).collect();
    assert_eq!(versions, serde_json::json!(expected));
}

#[tokio::test]
async fn free_text_nationalities_and_languages_become_codes_or_stay_flagged() {
    let db = common::open_test_database("nationalities").await;
    db::migrations::apply_up_to(&db, 13).await.unwrap();
    let officers = [
        ("a", "Sri Lankan", "Sinhala, Tamil and English"),
        ("b", "  viet nam ", "Vietnamese"),
        ("c", "Atlantis", "Tok Pisin, English"),
        ("d", "IDN", ""),
    ];
    for (key, nationality, languages) in officers {
        db.query(
            "CREATE type::record('nomination', $key) SET reference = $key, state = 'draft', sending_agency = agency:x,
                host_agency = agency:y, officer_name = 'Officer', position = 'Officer', work_email = 'o@example.org',
                nationality = $nationality, languages = $languages, expertise = '', themes = [], start_date = '2027-01-01',
                end_date = '2027-06-01', objectives = '', justification = '', created_by = user:u, created_at = time::now(),
                updated_at = time::now()",
        )
        .bind(("key", key))
        .bind(("nationality", nationality))
        .bind(("languages", languages))
        .await
        .unwrap()
        .check()
        .unwrap();
    }
    assert_eq!(db::migrations::apply_up_to(&db, 14).await.unwrap(), vec![14]);
    let mut r = db
        .query(
            "SELECT record::id(id) AS key, nationality, nationality_as_written, languages, languages_as_written
             FROM nomination ORDER BY key",
        )
        .await
        .unwrap();
    let rows: surrealdb::types::Value = r.take(0).unwrap();
    assert_eq!(
        rows.into_json_value(),
        serde_json::json!([
            { "key": "a", "nationality": "LK", "nationality_as_written": null, "languages": ["si", "ta", "en"],
              "languages_as_written": null },
            { "key": "b", "nationality": "VN", "nationality_as_written": null, "languages": ["vi"],
              "languages_as_written": null },
            { "key": "c", "nationality": "", "nationality_as_written": "Atlantis", "languages": ["en"],
              "languages_as_written": "Tok Pisin" },
            { "key": "d", "nationality": "ID", "nationality_as_written": null, "languages": [],
              "languages_as_written": null },
        ])
    );
}

#[tokio::test]
async fn a_placement_stored_before_its_funders_were_kept_can_still_be_written() {
    let db = common::open_test_database("unfunded-placement").await;
    db::migrations::apply_up_to(&db, 14).await.unwrap();
    db.query(
        "CREATE placement:unfunded SET nomination = nomination:n, state = 'planned', officer_name = 'Officer',
            officer_email = 'o@agency.example', sending_agency = agency:a, host_agency = agency:a, supervisor_name = 'Sup',
            supervisor_email = 'sup@host.example', start_date = '2027-01-01', end_date = '2027-12-31',
            original_end = '2027-12-31', objectives = 'Work', themes = [], created_at = time::now();",
    )
    .await
    .unwrap()
    .check()
    .unwrap();
    db::migrations::apply(&db).await.unwrap();
    let mut r = db
        .query("UPDATE placement:unfunded SET state = 'active' RETURN funders, start_date_desc")
        .await
        .unwrap()
        .check()
        .expect("a later write of an old placement is not refused");
    let row: surrealdb::types::Value = r.take(0).unwrap();
    assert_eq!(row.into_json_value(), serde_json::json!([{ "funders": [], "start_date_desc": -1798761600 }]));
}

/// Nominations stored before the list indexes, then the rest of the migrations: every row is
/// listed, the first page reads the `(listed, updated_at_desc)` index a page at a time, in the
/// right order, and no index keeps an entry for a row's value before an upgrade.
#[tokio::test]
async fn an_upgraded_database_reads_its_lists_in_order_through_the_list_indexes() {
    let db = common::open_test_database("list-indexes").await;
    db::migrations::apply_up_to(&db, 15).await.unwrap();
    for day in 1..=30 {
        // Stored out of order: record keys and creation do not follow the last change.
        let (key, changed) = (format!("n{:02}", (day * 7) % 31), format!("2027-01-{day:02}T09:00:00Z"));
        db.query(
            "CREATE type::record('nomination', $key) SET reference = $key, state = 'draft', sending_agency = agency:x,
                host_agency = agency:y, officer_name = $officer, position = 'Officer', work_email = 'o@example.org',
                nationality = 'LK', languages = [], expertise = '', themes = [], start_date = '2027-01-01',
                end_date = '2027-06-01', objectives = '', justification = '', created_by = user:u,
                created_at = <datetime> $changed, updated_at = <datetime> $changed",
        )
        .bind(("key", key))
        .bind(("changed", changed))
        // Names whose order differs from their keys', in mixed case.
        .bind(("officer", if day % 2 == 0 { format!("officer {}", 31 - day) } else { format!("Officer {}", 31 - day) }))
        .await
        .unwrap()
        .check()
        .unwrap();
    }
    db::migrations::apply(&db).await.unwrap();
    let rows = |sql: &'static str| {
        let db = db.clone();
        async move {
            let mut r = db.query(sql).await.unwrap().check().unwrap();
            r.take::<surrealdb::types::Value>(0).unwrap().into_json_value()
        }
    };
    let truth = rows("SELECT VALUE reference FROM nomination ORDER BY updated_at DESC LIMIT 10").await;
    let listed =
        rows("SELECT VALUE reference FROM nomination WHERE listed = true ORDER BY updated_at_desc LIMIT 10").await;
    assert_eq!(listed, truth, "newest first through the list index");
    let twin = rows("SELECT VALUE reference FROM nomination ORDER BY updated_at_desc LIMIT 10").await;
    assert_eq!(twin, truth, "newest first through the twin's own index");
    let stray = rows("SELECT count() AS n FROM nomination WHERE updated_at_desc = NONE GROUP ALL").await;
    assert_eq!(stray, serde_json::json!([{ "n": 0 }]), "no index entry for the value before the upgrade");
    let everyone = rows("SELECT count() AS n FROM nomination WHERE listed = true GROUP ALL").await;
    assert_eq!(everyone, serde_json::json!([{ "n": 30 }]));
    let plan = rows("SELECT id FROM nomination WHERE listed = true ORDER BY updated_at_desc LIMIT 26 EXPLAIN")
        .await
        .to_string();
    assert!(plan.contains("nomination_listed_updated") && plan.contains("\"limit\":\"26\""), "{plan}");

    // The officer's sort key, kept on rows stored before it existed, read in order through its index.
    let by_name =
        rows(
        "SELECT VALUE reference FROM (SELECT reference, string::lowercase(officer_name) AS name FROM nomination ORDER BY name LIMIT 10)",
    ).await;
    let through_index =
        rows("SELECT VALUE reference FROM nomination WHERE listed = true ORDER BY officer_key LIMIT 10").await;
    assert_eq!(through_index, by_name, "by officer through the list index");
    let plan =
        rows("SELECT id FROM nomination WHERE listed = true ORDER BY officer_key LIMIT 26 EXPLAIN").await.to_string();
    assert!(plan.contains("nomination_listed_officer"), "{plan}");
}

#[tokio::test]
async fn demo_data_is_seeded_once() {
    let app = TestApp::start().await;
    assert!(!app::demo::seed::seed_if_empty(&app.state).await.unwrap());
    assert_eq!(app.count("user").await, 6);
    let roles = app.rows("SELECT VALUE role FROM user ORDER BY role").await;
    assert_eq!(roles, serde_json::json!(["admin", "coordinator", "donor", "host", "nominator", "secondee"]));
}

#[tokio::test]
async fn a_failure_inside_a_transaction_leaves_nothing_behind() {
    let app = TestApp::start().await;
    let result: Result<(), AppError> = db::transact(&app.state, |tx| async move {
        tx.run("CREATE member:rollback SET name = 'Rollback', name_key = 'rollback', kind = 'organisation'", vec![])
            .await?;
        audit::record(&tx, &Actor::system(), "created", "member", "rollback", None, None).await?;
        // Violates the schema: the kind is not one of the allowed values.
        tx.run(
            "CREATE member SET name = 'Bad', name_key = 'bad', kind = $kind",
            vec![("kind", v("planet".to_string()))],
        )
        .await?;
        Ok(())
    })
    .await;
    assert!(result.is_err());
    assert_eq!(app.rows("SELECT * FROM member:rollback").await, serde_json::json!([]));
    assert_eq!(app.rows("SELECT * FROM audit_event WHERE record_key = 'rollback'").await, serde_json::json!([]));
}

#[tokio::test]
async fn the_schema_refuses_what_the_forms_would_refuse() {
    let app = TestApp::start().await;
    let bad = [
        "CREATE user SET email = 'not-an-email', name = 'X', role = 'admin'",
        "CREATE user SET email = 'x@y.org', name = 'X', role = 'superuser'",
        "CREATE member SET name = '', name_key = '', kind = 'state'",
        "CREATE contact SET agency = agency:none, name = 'X', email = 'bad', language = 'en'",
    ];
    for sql in bad {
        let result = app.state.db.query(sql).await.unwrap().check();
        assert!(result.is_err(), "{sql} was accepted");
    }
    let duplicate = app
        .state
        .db
        .query("CREATE user SET email = 'admin@demo.hub', name = 'Twin', role = 'admin'")
        .await
        .unwrap()
        .check();
    assert!(duplicate.is_err(), "e-mail is unique");
}
