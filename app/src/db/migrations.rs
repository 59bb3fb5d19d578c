//! Versioned schema migrations, applied at start-up in order. Each runs once, in one
//! transaction with the row that records it, so applying them again changes nothing.

use surrealdb::types::SurrealValue;

use crate::state::Db;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub script: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "reference data, users, sessions, audit",
        script: include_str!("migrations/0001_foundation.surql"),
    },
    Migration {
        version: 2,
        name: "notification outbox, account tokens",
        script: include_str!("migrations/0002_outbox.surql"),
    },
    Migration {
        version: 3,
        name: "nominations, documents, placements",
        script: include_str!("migrations/0003_nominations.surql"),
    },
    Migration {
        version: 4,
        name: "server key for signed cookies",
        script: include_str!("migrations/0004_security.surql"),
    },
    Migration {
        version: 5,
        name: "placements in motion: dates, history, overlaps",
        script: include_str!("migrations/0005_placements.surql"),
    },
    Migration {
        version: 6,
        name: "reminders, agency time zones, secondee accounts, scheduled jobs",
        script: include_str!("migrations/0006_reminders_secondees.surql"),
    },
    Migration {
        version: 7,
        name: "reporting cycles and reports",
        script: include_str!("migrations/0007_reports.surql"),
    },
    Migration {
        version: 8,
        name: "funding agreements and commitments",
        script: include_str!("migrations/0008_funding.surql"),
    },
    Migration {
        version: 9,
        name: "exchange rates and expenditures",
        script: include_str!("migrations/0009_expenditures.surql"),
    },
    Migration {
        version: 10,
        name: "the sending member on placements",
        script: include_str!("migrations/0010_placement_member.surql"),
    },
    Migration {
        version: 11,
        name: "lists at ten years of data",
        script: include_str!("migrations/0011_lists_at_size.surql"),
    },
    Migration {
        version: 12,
        name: "agreement figures kept",
        script: include_str!("migrations/0012_agreement_figures.surql"),
    },
    Migration {
        version: 13,
        name: "overdue reports and open placements indexed",
        script: include_str!("migrations/0013_owed_and_open.surql"),
    },
];

#[derive(Debug, SurrealValue)]
struct Applied {
    version: i64,
}

/// Applies every migration not yet applied. Returns the versions it applied.
pub async fn apply(db: &Db) -> Result<Vec<i64>, surrealdb::Error> {
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
    for migration in MIGRATIONS {
        if applied.iter().any(|a| a.version == migration.version) {
            continue;
        }
        let script = format!(
            "BEGIN TRANSACTION;\n{}\nCREATE migration SET version = $version, name = $name, applied_at = time::now();\nCOMMIT TRANSACTION;",
            migration.script
        );
        db.query(script).bind(("version", migration.version)).bind(("name", migration.name)).await?.check()?;
        tracing::info!(version = migration.version, name = migration.name, "migration applied");
        done.push(migration.version);
    }
    Ok(done)
}
