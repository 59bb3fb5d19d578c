//! Who receives a notification: users by role and binding, and agencies' notification contacts.
//! Disabled users and removed contacts receive nothing: they are simply not found here.

use surrealdb::types::SurrealValue;

use crate::db;
use crate::error::AppError;
use crate::state::Db;

#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct Recipient {
    pub email: String,
    pub name: String,
    pub language: String,
}

async fn query(
    db: &Db,
    sql: &str,
    var: Option<(&'static str, surrealdb::types::Value)>,
) -> Result<Vec<Recipient>, AppError> {
    let mut q = db.query(sql.to_string());
    if let Some(var) = var {
        q = q.bind(var);
    }
    let mut r = q.await.and_then(|r| r.check()).map_err(db::fail("recipients"))?;
    r.take(0).map_err(db::fail("recipients decode"))
}

/// One user, if enabled.
pub async fn user(db: &Db, key: &str) -> Result<Option<Recipient>, AppError> {
    let rows = query(
        db,
        "SELECT email, name, 'en' AS language FROM $user WHERE disabled = false",
        Some(("user", db::v(db::rid("user", key)))),
    )
    .await?;
    Ok(rows.into_iter().next())
}

/// Every enabled coordinator.
pub async fn coordinators(db: &Db) -> Result<Vec<Recipient>, AppError> {
    query(
        db,
        "SELECT email, name, 'en' AS language FROM user WHERE role = 'coordinator' AND disabled = false ORDER BY email",
        None,
    )
    .await
}

/// The notification contacts of an agency.
pub async fn agency_contacts(db: &Db, agency_key: &str) -> Result<Vec<Recipient>, AppError> {
    query(
        db,
        "SELECT email, name, language FROM contact WHERE agency = $agency ORDER BY email",
        Some(("agency", db::v(db::rid("agency", agency_key)))),
    )
    .await
}
