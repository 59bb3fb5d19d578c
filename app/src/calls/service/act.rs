//! A coordinator's moves on a call (publish, close now, reopen, cancel) and the figures its page
//! shows.

use surrealdb::types::{RecordId, SurrealValue};

use super::answer::{call_in, member_of, terms};
use crate::audit::{self, Actor};
use crate::auth::{CurrentUser, Role};
use crate::calls::rules::{self, CallAction, CallState};
use crate::calls::{CallActionForm, CallProgress, Calls};
use crate::db::{self, v};
use crate::error::AppError;
use crate::nominations::NominationState;
use crate::state::AppState;

/// The moves `user` may make on a call in `state`.
fn actions(user: &CurrentUser, state: CallState) -> Vec<CallAction> {
    if user.role != Role::Coordinator {
        return Vec::new();
    }
    match state {
        CallState::Draft => vec![CallAction::Publish, CallAction::Cancel],
        CallState::Open => vec![CallAction::Close, CallAction::Cancel],
        CallState::Closed => vec![CallAction::Reopen],
        CallState::Cancelled => Vec::new(),
    }
}

#[tracing::instrument(skip_all, fields(user = %user.id, call = %form.id, action = %form.action))]
pub async fn act(user: &CurrentUser, form: &CallActionForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let action = CallAction::parse(form.action.trim()).ok_or(AppError::BadRequest)?;
    let key = crate::api::parse_key(form.id.trim())?;
    let (key_ref, state_ref) = (&key, &state);
    db::transact(&state, |tx| async move {
        let call = call_in(&tx, key_ref).await.map_err(|_| AppError::NotFound)?;
        let to =
            rules::decide(call.state, action, call.closes_at, state_ref.clock.now()).map_err(AppError::Conflict)?;
        let mut r = tx
            .run(
                "UPDATE $call SET state = $to, updated_at = $now WHERE state = $from RETURN VALUE id",
                vec![("call", v(db::rid("call", key_ref))), ("to", v(to.as_str())), ("from", v(call.state.as_str()))],
            )
            .await?;
        let moved: Vec<RecordId> = r.take(0).map_err(db::fail("call move decode"))?;
        if moved.is_empty() {
            return Err(AppError::Conflict("The call changed meanwhile. Reload the page and try again.".into()));
        }
        let before = serde_json::json!({ "state": call.state.as_str() });
        let after = serde_json::json!({ "state": to.as_str() });
        audit::record(&tx, &Actor::user(user), action.as_str(), "call", key_ref, Some(&before), Some(&after)).await
    })
    .await?;
    Ok(crate::api::Done::new(rules::notice(action), format!("/calls/{key}")))
}

#[derive(Debug, SurrealValue)]
struct StateCount {
    state: String,
    count: i64,
}

#[derive(Debug, SurrealValue)]
struct Remaining {
    total_minor: i64,
    committed_minor: i64,
    currency: String,
}

/// What a call's page shows beside its terms, for `user`.
pub async fn figures(user: &CurrentUser, id: &str) -> Result<CallProgress, AppError> {
    let state = AppState::current()?;
    let call = crate::resource::record::<Calls>(&state.db, id).await?;
    let now = state.clock.now();
    if user.role == Role::Nominator {
        let member = member_of(&state, user).await?;
        let may_answer = member.is_some_and(|m| terms(&call).open_to(&m, now));
        if !may_answer {
            return Err(AppError::NotFound);
        }
        return Ok(CallProgress { may_answer, ..Default::default() });
    }
    let mut r = state
        .db
        .query(
            "SELECT state, count() AS count FROM nomination WHERE call = $call GROUP BY state;
             IF $agreement != NONE THEN
                (SELECT total_minor, committed_minor ?? 0 AS committed_minor, currency FROM ONLY $agreement)
             END;",
        )
        .bind(("call", db::rid("call", &call.id)))
        .bind(("agreement", call.agreement.as_ref().map(|(k, _)| db::rid("funding_agreement", k))))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("call figures"))?;
    let counts: Vec<StateCount> = r.take(0).map_err(db::fail("call figures decode"))?;
    let by_state = NominationState::ALL
        .into_iter()
        .map(|s| (s, counts.iter().find(|c| c.state == s.as_str()).map(|c| c.count).unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let remaining: Option<Remaining> = r.take(1).map_err(db::fail("call agreement decode"))?;
    let agreement_remaining = remaining.and_then(|a| {
        let currency = crate::domain::Currency::parse(&a.currency).ok()?;
        Some(crate::domain::Money::from_minor(a.total_minor - a.committed_minor, currency))
    });
    Ok(CallProgress { by_state, agreement_remaining, actions: actions(user, call.state), may_answer: false })
}
