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
