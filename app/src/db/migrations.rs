//! Versioned schema migrations, applied at start-up in order. Each runs once, in one
//! transaction with the row that records it, so applying them again changes nothing.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use surrealdb::types::SurrealValue;

use crate::state::Db;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub script: &'static str,
    /// Values the script needs that only Rust can work out (read before it runs, bound as
    /// parameters).
    pub bindings: Option<Bindings>,
}

type Bound = Vec<(&'static str, surrealdb::types::Value)>;

/// Reads what a migration needs and returns its parameters.
pub type Bindings = for<'a> fn(&'a Db) -> Pin<Box<dyn Future<Output = Result<Bound, surrealdb::Error>> + Send + 'a>>;

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "reference data, users, sessions, audit",
        script: include_str!("migrations/0001_foundation.surql"),
        bindings: None,
    },
    Migration {
        version: 2,
        name: "notification outbox, account tokens",
        script: include_str!("migrations/0002_outbox.surql"),
        bindings: None,
    },
    Migration {
        version: 3,
        name: "nominations, documents, placements",
        script: include_str!("migrations/0003_nominations.surql"),
        bindings: None,
    },
    Migration {
        version: 4,
        name: "server key for signed cookies",
        script: include_str!("migrations/0004_security.surql"),
        bindings: None,
    },
    Migration {
        version: 5,
        name: "placements in motion: dates, history, overlaps",
        script: include_str!("migrations/0005_placements.surql"),
        bindings: None,
    },
    Migration {
        version: 6,
        name: "reminders, agency time zones, secondee accounts, scheduled jobs",
        script: include_str!("migrations/0006_reminders_secondees.surql"),
        bindings: None,
    },
    Migration {
        version: 7,
        name: "reporting cycles and reports",
        script: include_str!("migrations/0007_reports.surql"),
        bindings: None,
    },
    Migration {
        version: 8,
        name: "funding agreements and commitments",
        script: include_str!("migrations/0008_funding.surql"),
        bindings: None,
    },
    Migration {
        version: 9,
        name: "exchange rates and expenditures",
        script: include_str!("migrations/0009_expenditures.surql"),
        bindings: None,
    },
    Migration {
        version: 10,
        name: "the sending member on placements",
        script: include_str!("migrations/0010_placement_member.surql"),
        bindings: None,
    },
    Migration {
        version: 11,
        name: "lists at ten years of data",
        script: include_str!("migrations/0011_lists_at_size.surql"),
        bindings: None,
    },
    Migration {
        version: 12,
        name: "agreement figures kept",
        script: include_str!("migrations/0012_agreement_figures.surql"),
        bindings: None,
    },
    Migration {
        version: 13,
        name: "overdue reports and open placements indexed",
        script: include_str!("migrations/0013_owed_and_open.surql"),
        bindings: None,
    },
    Migration {
        version: 14,
        name: "nationality and languages from ISO lists",
        script: include_str!("migrations/0014_nationality_languages.surql"),
        bindings: Some(officer_lists),
    },
    Migration {
        version: 15,
        name: "what a donor sees, kept on the row",
        script: include_str!("migrations/0015_donor_scope.surql"),
        bindings: None,
    },
    Migration {
        version: 16,
        name: "newest first read forwards",
        script: include_str!("migrations/0016_newest_first.surql"),
        bindings: None,
    },
    Migration {
        version: 17,
        name: "long lists: every row listed",
        script: include_str!("migrations/0017_listed.surql"),
        bindings: None,
    },
    Migration {
        version: 18,
        name: "long lists read a page, not a thousand rows; stray index entries removed",
        script: include_str!("migrations/0018_list_indexes.surql"),
        bindings: None,
    },
    Migration {
        version: 19,
        name: "sort keys and the nomination's member kept on each row",
        script: include_str!("migrations/0019_sort_keys.surql"),
        bindings: None,
    },
    Migration {
        version: 20,
        name: "every list sort and filter through an index",
        script: include_str!("migrations/0020_sort_indexes.surql"),
        bindings: None,
    },
    Migration {
        version: 21,
        name: "second factor, passkeys, sign-in history",
        script: include_str!("migrations/0021_second_factor.surql"),
        bindings: None,
    },
    Migration {
        version: 22,
        name: "failed mail keeps no link token",
        script: include_str!("migrations/0022_failed_mail_secrets.surql"),
        bindings: None,
    },
    Migration {
        version: 23,
        name: "rows that changes of one kind write first",
        script: include_str!("migrations/0023_serial_rows.surql"),
        bindings: None,
    },
    Migration {
        version: 24,
        name: "report lists open on what needs attention",
        script: include_str!("migrations/0024_report_attention.surql"),
        bindings: None,
    },
    Migration {
        version: 25,
        name: "the attention order through an index",
        script: include_str!("migrations/0025_report_attention_index.surql"),
        bindings: None,
    },
    Migration {
        version: 26,
        name: "one spelling for each kind of history line",
        script: include_str!("migrations/0026_history_kinds.surql"),
        bindings: None,
    },
    Migration {
        version: 27,
        name: "the nominator's confirmation of the privacy notice",
        script: include_str!("migrations/0027_privacy_notice.surql"),
        bindings: None,
    },
    Migration {
        version: 28,
        name: "a log of who read which document",
        script: include_str!("migrations/0028_access_log.surql"),
        bindings: None,
    },
    Migration {
        version: 29,
        name: "a person's records found by their address",
        script: include_str!("migrations/0029_personal_copy.surql"),
        bindings: None,
    },
    Migration {
        version: 30,
        name: "placements and nominations anonymised once, when their time is up",
        script: include_str!("migrations/0030_retention.surql"),
        bindings: None,
    },
    Migration {
        version: 31,
        name: "calls for nominations, and the call a nomination answers",
        script: include_str!("migrations/0031_calls.surql"),
        bindings: None,
    },
    Migration {
        version: 32,
        name: "expressions of interest from the public programme page",
        script: include_str!("migrations/0032_enquiries.surql"),
        bindings: None,
    },
    Migration {
        version: 33,
        name: "the mail about a record found by the record",
        script: include_str!("migrations/0033_notification_record.surql"),
        bindings: None,
    },
    Migration {
        version: 34,
        name: "the analyzer of the lists' text search, and each agency's member name",
        script: include_str!("migrations/0034_text_search.surql"),
        bindings: None,
    },
    Migration {
        version: 35,
        name: "the lists' text search through full-text indexes",
        script: include_str!("migrations/0035_text_search_indexes.surql"),
        bindings: None,
    },
    Migration {
        version: 36,
        name: "the donor's page from kept rows and counts",
        script: include_str!("migrations/0036_donor_reach.surql"),
        bindings: None,
    },
    Migration {
        version: 37,
        name: "each report's nomination reference kept on the report",
        script: include_str!("migrations/0037_report_reference.surql"),
        bindings: None,
    },
    Migration {
        version: 38,
        name: "account links found by their expiry, for the daily purge",
        script: include_str!("migrations/0038_account_token_expiry.surql"),
        bindings: None,
    },
];

#[derive(Debug, SurrealValue)]
struct Applied {
    version: i64,
}

/// Applies every migration not yet applied. Returns the versions it applied.
pub async fn apply(db: &Db) -> Result<Vec<i64>, surrealdb::Error> {
    apply_up_to(db, i64::MAX).await
}

/// Applies the migrations not yet applied up to version `last` (a test of a data migration
/// starts from the schema before it).
pub async fn apply_up_to(db: &Db, last: i64) -> Result<Vec<i64>, surrealdb::Error> {
    db.query(
        "DEFINE TABLE IF NOT EXISTS migration SCHEMAFULL;
         DEFINE FIELD IF NOT EXISTS version ON migration TYPE int;
         DEFINE FIELD IF NOT EXISTS name ON migration TYPE string;
         DEFINE FIELD IF NOT EXISTS applied_at ON migration TYPE datetime;
         DEFINE INDEX IF NOT EXISTS migration_version ON migration FIELDS version UNIQUE;",
    )
    .await?
    .check()?;
    let mut response = db.query("SELECT version FROM migration").await?.check()?;
    let applied: Vec<Applied> = response.take(0)?;
    let mut done = Vec::new();
    for migration in MIGRATIONS.iter().take_while(|m| m.version <= last) {
        if applied.iter().any(|a| a.version == migration.version) {
            continue;
        }
        let script = format!(
            "BEGIN TRANSACTION;\n{}\nCREATE migration SET version = $version, name = $name, applied_at = time::now();\nCOMMIT TRANSACTION;",
            migration.script
        );
        let mut query = db.query(script).bind(("version", migration.version)).bind(("name", migration.name));
        if let Some(bindings) = migration.bindings {
            for (name, value) in bindings(db).await? {
                query = query.bind((name, value));
            }
        }
        query.await?.check()?;
        tracing::info!(version = migration.version, name = migration.name, "migration applied");
        done.push(migration.version);
    }
    Ok(done)
}

#[derive(Debug, SurrealValue)]
struct OfficerText {
    nationality: String,
    languages: String,
}

/// Migration 14's parameters: the distinct free-text nationalities and languages, recognised.
fn officer_lists(db: &Db) -> Pin<Box<dyn Future<Output = Result<Bound, surrealdb::Error>> + Send + '_>> {
    Box::pin(async move {
        let mut r =
            db.query("SELECT nationality, languages FROM nomination GROUP BY nationality, languages").await?.check()?;
        let rows: Vec<OfficerText> = r.take(0)?;
        let (nationalities, languages, languages_left) =
            recognised(rows.iter().map(|r| (&*r.nationality, &*r.languages)));
        Ok(vec![
            ("nationalities", nationalities.into_value()),
            ("languages", languages.into_value()),
            ("languages_left", languages_left.into_value()),
        ])
    })
}

type Recognised = (BTreeMap<String, String>, BTreeMap<String, Vec<String>>, BTreeMap<String, String>);

/// Free-text (nationality, languages) pairs mapped to codes: the nationalities recognised, the
/// codes of every languages text, and the language parts not recognised (joined).
fn recognised<'a>(rows: impl Iterator<Item = (&'a str, &'a str)>) -> Recognised {
    use crate::domain::{countries, languages};
    let (mut nationalities, mut codes, mut left) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    for (nationality, spoken) in rows {
        if let Some(code) = countries::recognise(nationality) {
            nationalities.insert(nationality.to_string(), code.to_string());
        }
        if !spoken.is_empty() {
            let (known, unknown) = languages::recognise(spoken);
            codes.insert(spoken.to_string(), known.iter().map(|c| c.to_string()).collect());
            if !unknown.is_empty() {
                left.insert(spoken.to_string(), unknown.join(", "));
            }
        }
    }
    (nationalities, codes, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_rise_by_one() {
        assert!(MIGRATIONS.iter().enumerate().all(|(i, m)| m.version == i as i64 + 1));
    }

    #[test]
    fn free_text_officer_fields_map_to_codes_and_keep_the_rest() {
        let rows = [("Sri Lankan", "Sinhala, English"), ("Atlantis", "Tok Pisin and English"), ("", "")];
        let (nationalities, languages, left) = recognised(rows.into_iter());
        assert_eq!(nationalities, BTreeMap::from([("Sri Lankan".to_string(), "LK".to_string())]));
        assert_eq!(languages["Sinhala, English"], vec!["si", "en"]);
        assert_eq!(languages["Tok Pisin and English"], vec!["en"]);
        assert_eq!(left, BTreeMap::from([("Tok Pisin and English".to_string(), "Tok Pisin".to_string())]));
        assert!(!languages.contains_key(""));
    }
}
