//! The home page's counts, in one query for the caller's role (ssr).

use surrealdb::types::SurrealValue;

use super::{CurrentUser, HomeOverview};
use crate::auth::Role;
use crate::db;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Clone, SurrealValue)]
struct Counts {
    members: i64,
    agencies: i64,
    donors: i64,
    themes: i64,
    users: i64,
    failed_mail: i64,
}

/// The programme's reference data and its undelivered mail, counted (the same for all RSO
/// staff, so shared: see `crate::cache`).
async fn counts() -> Result<Counts, AppError> {
    let state = AppState::current()?;
    let mut r = state
        .db
        .query(
            // Counted by `GROUP ALL` (an index count where there is one), never by
            // listing the ids: the failed mail of ten years is thousands of rows.
            "RETURN {
                members: (SELECT count() FROM member WHERE active = true GROUP ALL)[0].count ?? 0,
                agencies: (SELECT count() FROM agency WHERE active = true GROUP ALL)[0].count ?? 0,
                donors: (SELECT count() FROM donor WHERE active = true GROUP ALL)[0].count ?? 0,
                themes: (SELECT count() FROM theme WHERE active = true GROUP ALL)[0].count ?? 0,
                users: (SELECT count() FROM user WHERE disabled = false GROUP ALL)[0].count ?? 0,
                failed_mail: (SELECT count() FROM notification WHERE state = 'failed' GROUP ALL)[0].count ?? 0
            }",
        )
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("home counts"))?;
    let c: Option<Counts> = r.take(0).map_err(db::fail("home counts decode"))?;
    c.ok_or(AppError::Internal)
}

pub async fn home(user: CurrentUser) -> Result<HomeOverview, AppError> {
    static SHARED: crate::cache::Shared<Counts> = crate::cache::Shared::new();
    let mut failed_mail = 0;
    let counts = if matches!(user.role, Role::Admin | Role::Coordinator) {
        let c = SHARED.get_if_staff(&user, counts).await?;
        failed_mail = c.failed_mail.max(0) as u64;
        let mut counts = vec![
            ("Members".to_string(), c.members.max(0) as u64, "/admin/members".to_string()),
            ("Agencies".to_string(), c.agencies.max(0) as u64, "/admin/agencies".to_string()),
            ("Donors".to_string(), c.donors.max(0) as u64, "/admin/donors".to_string()),
            ("Themes".to_string(), c.themes.max(0) as u64, "/admin/themes".to_string()),
        ];
        if user.role == Role::Admin {
            counts.push(("Users".to_string(), c.users.max(0) as u64, "/admin/users".to_string()));
        }
        counts
    } else {
        Vec::new()
    };
    let today = AppState::current()?.clock.today();
    Ok(HomeOverview { user, counts, failed_mail, today })
}
