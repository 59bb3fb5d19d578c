//! The access log: who opened which document or copied a person's data, when and from where.
//! The audit trail records changes; this records reads of what is most personal (a
//! nomination's documents, a report's files, a personal data copy), so that a data-protection officer can answer "who has seen my CV?". Entries are kept
//! two years ([`PURGE`]) and read by administrators only.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::stored_enum::stored_enum;

stored_enum! {
    /// What was read. The stored text is the table of the thing read.
    pub enum ReadKind ("kind of read") {
        NominationDocument = "nomination_document", "Nomination document";
        ReportFile = "report_document", "Report file";
        /// A copy of what the Hub holds about a person (`crate::privacy`).
        PersonalCopy = "personal_copy", "Personal data copy";
    }
}

/// One read as an administrator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessEntry {
    pub at: DateTime<Utc>,
    /// The reader's name and e-mail as they were.
    pub reader: String,
    pub kind: ReadKind,
    /// The record the thing read belongs to (`nomination`, `report`) and its key.
    pub record_table: String,
    pub record_key: String,
    /// What was read: a file's name.
    pub item: String,
    /// The reader's address (behind a trusted proxy, the client's).
    pub address: String,
}

impl AccessEntry {
    /// The page of the record the thing read belongs to; none for a person without an account.
    pub fn record_href(&self) -> Option<String> {
        match self.record_table.as_str() {
            "nomination" | "report" => Some(format!("/{}s/{}", self.record_table, self.record_key)),
            "user" => Some(format!("/admin/users/{}", self.record_key)),
            _ => None,
        }
    }
}

/// How long the log keeps an entry: two years, then the scheduler's purge removes it.
pub const KEPT_DAYS: i64 = 730;

/// Removes the entries older than [`KEPT_DAYS`] (part of the scheduler's purge).
pub const PURGE: &str = "DELETE access_event WHERE at < $now - 730d;";

/// What one read writes: the reader, what and where from.
#[cfg(feature = "ssr")]
pub struct Read<'a> {
    pub reader: &'a crate::auth::CurrentUser,
    pub kind: ReadKind,
    pub record_table: &'a str,
    pub record_key: &'a str,
    pub item: &'a str,
    pub address: String,
}

/// Writes the entry of one read, in `tx`: the read is answered only once it is logged.
#[cfg(feature = "ssr")]
pub async fn record(tx: &crate::db::Tx, read: Read<'_>) -> Result<(), crate::error::AppError> {
    use crate::db::{self, v};
    tx.run(
        "CREATE access_event SET at = $now, reader = $reader, reader_label = $label, kind = $kind,
            record_table = $table, record_key = $key, item = $item, address = $address",
        vec![
            ("reader", v(db::rid("user", &read.reader.id))),
            ("label", v(format!("{} <{}>", read.reader.name, read.reader.email))),
            ("kind", v(read.kind.as_str())),
            ("table", v(read.record_table.to_string())),
            ("key", v(read.record_key.to_string())),
            ("item", v(read.item.to_string())),
            ("address", v(read.address)),
        ],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_keeps_what_the_log_promises() {
        assert!(PURGE.contains(&format!("{KEPT_DAYS}d")));
    }
}
