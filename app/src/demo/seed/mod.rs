//! Demo data for a first look (`HUB_DEMO=1`), written only into an empty database.
//!
//! One transaction writes it all: the reference data and demo users (`reference`), nominations
//! in every state (`nominations`), placements in motion with their history (`placements`, each
//! telling a `story`) and reports (`reports`), calls for nominations (`calls`), expressions of
//! interest (`interest`), and two donors' funding (`funding`).

mod calls;
mod funding;
mod interest;
mod nominations;
mod placements;
mod reference;
mod reports;
mod story;

use crate::auth::password;
use crate::db;
use crate::error::AppError;
use crate::state::AppState;

pub const DEMO_PASSWORD: &str = "demo-password-1";

/// The demo logins, one per role: (e-mail, role).
pub const DEMO_LOGINS: [(&str, &str); 6] = [
    ("admin@demo.hub", "admin"),
    ("coordinator@demo.hub", "coordinator"),
    ("nominator@demo.hub", "nominator"),
    ("host@demo.hub", "host"),
    ("secondee@demo.hub", "secondee"),
    ("donor@demo.hub", "donor"),
];

/// Seeds the demo data when the database has no users. Returns whether it seeded.
pub async fn seed_if_empty(state: &AppState) -> Result<bool, AppError> {
    let mut r = state
        .db
        .query("RETURN count(SELECT id FROM user LIMIT 1)")
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("seed check"))?;
    let users: Option<i64> = r.take(0).map_err(db::fail("seed check decode"))?;
    if users.unwrap_or(0) > 0 {
        return Ok(false);
    }

    let mut hashes = Vec::new();
    for _ in DEMO_LOGINS {
        hashes.push(password::hash(DEMO_PASSWORD.to_string()).await?);
    }

    let hashes = &hashes;
    let today = state.clock.today();
    let zone = state.clock.zone();
    db::transact(state, |tx| async move {
        let keys = reference::seed_reference(&tx, hashes).await?;
        nominations::seed_nominations(&tx, &keys.agencies, &keys.themes, &keys.users).await?;
        placements::seed_placements(&tx, today, &keys.agencies, &keys.themes, &keys.users).await?;
        calls::seed_calls(&tx, today, zone, &keys.agencies, &keys.themes).await?;
        interest::seed_enquiries(&tx, today).await?;
        funding::seed_funding(&tx, today, &keys.donors).await
    })
    .await?;
    tracing::info!("demo data seeded");
    Ok(true)
}
