//! The lists' text search reads full-text indexes (migration 0034). Each list's CSV export, which
//! applies the same search as the list, is held against a plain scan of the table: the words of
//! each searched field, folded to lower-case ASCII by the database's `string::slug`, and a row
//! kept when every word of the search text starts one of the words of one of its fields.

use std::collections::BTreeSet;

use app::demo::generate::{run, Plan};

use crate::common::TestApp;

/// A list, the fields its search reads, and who may export it.
struct Searched {
    export: &'static str,
    table: &'static str,
    fields: &'static [&'static str],
    role: &'static str,
}

const LISTS: &[Searched] = &[
    Searched {
        export: "nominations",
        table: "nomination",
        fields: &["officer_name", "reference"],
        role: "coordinator",
    },
    Searched { export: "placements", table: "placement", fields: &["officer_name"], role: "coordinator" },
    Searched { export: "reports", table: "report", fields: &["officer_name"], role: "coordinator" },
    Searched { export: "users", table: "user", fields: &["name", "email"], role: "admin" },
    Searched { export: "mail", table: "notification", fields: &["recipient_email", "recipient_name"], role: "admin" },
    Searched { export: "audit", table: "audit_event", fields: &["actor_label"], role: "admin" },
    Searched { export: "access", table: "access_event", fields: &["reader_label"], role: "admin" },
    // The truth is the member's name as it is now, not the copy the agency keeps for its index.
    Searched { export: "agencies", table: "agency", fields: &["name", "member.name"], role: "admin" },
];

/// The words of a slug ("nguyen-thi-huong").
fn words(slug: &str) -> Vec<&str> {
    slug.split('-').filter(|w| !w.is_empty()).collect()
}

/// Whether every word of the search text starts a word of `field`.
fn found(field: &[&str], wanted: &[&str]) -> bool {
    wanted.iter().all(|w| field.iter().any(|f| f.starts_with(w)))
}

/// How many rows of `list` a plain scan finds for `text`.
async fn scanned(app: &TestApp, list: &Searched, text: &str) -> usize {
    let fields: Vec<String> = list.fields.iter().map(|f| format!("string::slug({f} ?? '')")).collect();
    let rows = app.rows(&format!("SELECT VALUE [{}] FROM {}", fields.join(", "), list.table)).await;
    let slug = app.rows(&format!("RETURN string::slug({})", serde_json::Value::String(text.into()))).await;
    let wanted = words(slug.as_str().unwrap());
    rows.as_array()
        .unwrap()
        .iter()
        .filter(|row| {
            row.as_array().unwrap().iter().any(|field| found(&words(field.as_str().unwrap_or_default()), &wanted))
        })
        .count()
}

/// How many rows the list's export gives for `text`.
async fn searched(app: &TestApp, client: &reqwest::Client, list: &Searched, text: &str) -> usize {
    let url = app.url(&format!("/export/{}.csv", list.export));
    let response = client.get(url).query(&[("q", text)]).send().await.unwrap();
    assert!(response.status().is_success(), "{}: {}", list.export, response.status());
    let body = response.text().await.unwrap();
    body.lines().count().saturating_sub(1)
}

#[tokio::test]
async fn text_search_finds_the_rows_a_plain_scan_finds_folding_case_and_accents() {
    let app = TestApp::start().await;
    run(&app.state, Plan { years: 1, seed: 5, scale: 0.05 }, true, &|_| {}).await.unwrap();
    // Names as members write them: upper-case family names, Vietnamese with its marks.
    app.rows("UPDATE (SELECT VALUE id FROM nomination LIMIT 1) SET officer_name = 'Ruwan JAYASURIYA'").await;
    app.rows("UPDATE (SELECT VALUE id FROM nomination LIMIT 1 START 1) SET officer_name = 'Nguyễn Thị Hương'").await;
    app.rows("UPDATE (SELECT VALUE id FROM report LIMIT 1) SET officer_name = 'Nguyễn Văn Đức'").await;

    // Whole words, prefixes, several words, other cases, with and without marks, and nothing.
    let mut texts: BTreeSet<String> =
        ["Jayasuriya", "jaya", "NGUYEN", "Nguyễn", "nguy", "huong thi", "Đức", "duc", "zzqx", "2026"]
            .into_iter()
            .map(String::from)
            .collect();
    let sample = app.rows("SELECT VALUE officer_name FROM nomination LIMIT 6 START 10").await;
    for name in sample.as_array().unwrap().iter().filter_map(|n| n.as_str()) {
        let first = name.split_whitespace().next().unwrap_or_default();
        texts.insert(first.chars().take(3).collect());
        texts.insert(name.to_uppercase());
    }

    let mut some_found = 0;
    for list in LISTS {
        let client = app.login_as(list.role).await;
        for text in &texts {
            let expected = scanned(&app, list, text).await;
            let answered = searched(&app, &client, list, text).await;
            assert_eq!(answered, expected, "{} searched for {text:?}", list.export);
            some_found += usize::from(expected > 0);
        }
    }
    // The comparison is not between two empty answers.
    assert!(some_found >= 20, "only {some_found} searches found anything");
    let coordinator = app.login_as("coordinator").await;
    let (nominations, reports) = (&LISTS[0], &LISTS[2]);
    let plain = searched(&app, &coordinator, nominations, "nguyen huong").await;
    assert!(plain >= 1, "the accented name is found without its marks");
    assert_eq!(searched(&app, &coordinator, nominations, "Nguyễn Hương").await, plain);
    assert!(searched(&app, &coordinator, reports, "DUC").await >= 1);
    assert!(searched(&app, &coordinator, nominations, "JAYASURIYA").await >= 1);

    // A member's new name finds its agencies at once (and the old name no longer does).
    let admin = app.login_as("admin").await;
    let agencies = &LISTS[LISTS.len() - 1];
    let member = app.rows("SELECT VALUE member FROM agency LIMIT 1").await;
    let member = member[0].as_str().unwrap().to_string();
    let old_name = app.rows(&format!("SELECT VALUE name FROM ONLY {member}")).await;
    let its_agencies = app.rows(&format!("RETURN count(SELECT id FROM agency WHERE member = {member})")).await;
    assert!(searched(&app, &admin, agencies, "Zanzibaria").await == 0);
    app.rows(&format!("UPDATE {member} SET name = 'Zanzibaria Federation'")).await;
    assert_eq!(searched(&app, &admin, agencies, "zanzib").await as u64, its_agencies.as_u64().unwrap());
    assert_eq!(
        searched(&app, &admin, agencies, old_name.as_str().unwrap()).await,
        scanned(&app, agencies, old_name.as_str().unwrap()).await
    );
}
