//! A nomination that answers a call: checked against the call's terms when it is saved and
//! submitted, counted in the call when it is created, and counted against the call's places
//! when it is approved. The nomination's service calls these inside its own transaction.

use chrono::{DateTime, Utc};
use surrealdb::types::RecordId;

use crate::auth::CurrentUser;
use crate::calls::rules::{self, Answer, Terms};
use crate::calls::{CallView, Calls};
use crate::db::{self, v, Tx};
use crate::error::{AppError, FieldErrors};
use crate::resource::Stored;
use crate::state::AppState;

/// The member of the caller's agency.
pub async fn member_of(state: &AppState, user: &CurrentUser) -> Result<Option<String>, AppError> {
    let Some(agency) = &user.agency else { return Ok(None) };
    let mut r = state
        .db
        .query("SELECT VALUE member FROM ONLY $agency")
        .bind(("agency", db::rid("agency", &agency.id)))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("member of agency"))?;
    let member: Option<RecordId> = r.take(0).map_err(db::fail("member of agency decode"))?;
    Ok(member.map(|m| db::key(&m)))
}

pub fn terms(call: &CallView) -> Terms {
    Terms {
        state: call.state,
        closes_at: call.closes_at,
        host_agency: call.host_agency_id.clone(),
        themes: call.themes.iter().map(|(k, _)| k.clone()).collect(),
        window_start: call.window_start,
        window_end: call.window_end,
        members: call.members.iter().map(|(k, _)| k.clone()).collect(),
    }
}

/// The call `key` as stored now, inside `tx`; a missing one is refused at the call field.
pub async fn call_in(tx: &Tx, key: &str) -> Result<CallView, AppError> {
    let row = crate::resource::store::one_in::<<Calls as Stored>::Row>(tx, <Calls as Stored>::FIELDS, "call", key)
        .await
        .map_err(|e| match e {
            AppError::NotFound => AppError::field("call", "That call does not exist."),
            other => other,
        })?;
    <Calls as Stored>::view(row)
}

/// Refuses, at their fields, a nomination that does not fit the call it answers.
pub async fn check_in(
    tx: &Tx,
    call_key: &str,
    sending_agency: &RecordId,
    answer: Answer<'_>,
    now: DateTime<Utc>,
    new: bool,
) -> Result<CallView, AppError> {
    let call = call_in(tx, call_key).await?;
    let mut r = tx.run("SELECT VALUE member FROM ONLY $agency", vec![("agency", v(sending_agency.clone()))]).await?;
    let member: Option<RecordId> = r.take(0).map_err(db::fail("member of agency decode"))?;
    let member = member.map(|m| db::key(&m)).unwrap_or_default();
    let mut errors = FieldErrors::new();
    for (field, message) in rules::check_answer(&terms(&call), &Answer { member: &member, ..answer }, now, new) {
        errors.add(field, message);
    }
    errors.finish(|| call)
}

/// One more nomination answers the call.
pub async fn counted(tx: &Tx, call_key: &str) -> Result<(), AppError> {
    tx.run("UPDATE $call SET answered += 1 RETURN NONE", vec![("call", v(db::rid("call", call_key)))]).await?;
    Ok(())
}

/// One more approved nomination of the call takes a place; refused when none is left. The
/// write of the call's row makes two approvals at once conflict, and the retry counts again.
pub async fn take_place(tx: &Tx, call_key: &str) -> Result<(), AppError> {
    let call = call_in(tx, call_key).await?;
    rules::may_approve(call.places, call.approved).map_err(AppError::Conflict)?;
    tx.run(
        "UPDATE $call SET approved += 1, updated_at = $now RETURN NONE",
        vec![("call", v(db::rid("call", call_key)))],
    )
    .await?;
    Ok(())
}
