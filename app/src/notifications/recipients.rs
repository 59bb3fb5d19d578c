//! Who receives a notification: users by role and binding, and agencies' notification contacts.
//! Disabled users and removed contacts receive nothing: they are simply not found here. They are
//! read inside the transaction that queues the mail, so a retried change reads them again.

use surrealdb::types::SurrealValue;

use crate::db::{self, Tx};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct Recipient {
    pub email: String,
    pub name: String,
    pub language: String,
}

async fn query(
    tx: &Tx,
    sql: &str,
    var: Option<(&'static str, surrealdb::types::Value)>,
) -> Result<Vec<Recipient>, AppError> {
    let mut r = tx.run(sql, var.into_iter().collect()).await?;
    r.take(0).map_err(db::fail("recipients decode"))
}

/// One user, if enabled.
pub async fn user(tx: &Tx, key: &str) -> Result<Option<Recipient>, AppError> {
    let rows = query(
        tx,
        "SELECT email, name, 'en' AS language FROM $user WHERE disabled = false",
        Some(("user", db::v(db::rid("user", key)))),
    )
    .await?;
    Ok(rows.into_iter().next())
}

/// Every enabled coordinator.
pub async fn coordinators(tx: &Tx) -> Result<Vec<Recipient>, AppError> {
    query(
        tx,
        "SELECT email, name, 'en' AS language FROM user WHERE role = 'coordinator' AND disabled = false ORDER BY email",
        None,
    )
    .await
}

/// The notification contacts of an agency.
pub async fn agency_contacts(tx: &Tx, agency_key: &str) -> Result<Vec<Recipient>, AppError> {
    query(
        tx,
        "SELECT email, name, language FROM contact WHERE agency = $agency ORDER BY email",
        Some(("agency", db::v(db::rid("agency", agency_key)))),
    )
    .await
}
