//! The scheduler's part: every open call whose closing time has passed is closed, once, and the
//! coordinators get its summary (how many nominations, from which members). The close is a
//! conditional update in the transaction that queues the mail, so that on any number of servers
//! only the one that closed it tells of it.

use surrealdb::types::{RecordId, SurrealValue};

use super::answer::call_in;
use crate::audit::{self, Actor};
use crate::calls::rules;
use crate::db::{self, v};
use crate::error::AppError;
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients;
use crate::notifications::rules::EventKind;
use crate::notifications::templates::{AccountMail, MailContent};
use crate::state::AppState;

#[derive(Debug, SurrealValue)]
struct FromMember {
    member: String,
    count: i64,
}

/// Closes the calls due; returns how many it closed.
pub async fn run(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let mut r = db::statement(
        state,
        "SELECT VALUE id FROM call WHERE state = 'open' AND closes_at <= $closing",
        vec![("closing", v(now))],
    )
    .await?;
    let due: Vec<RecordId> = r.take(0).map_err(db::fail("calls due decode"))?;
    let mut closed = 0;
    for id in due {
        let key = db::key(&id);
        if close(state, &key).await? {
            closed += 1;
        }
    }
    if closed > 0 {
        state.wake_mailer();
    }
    Ok(closed)
}

/// Closes one call if it is still open and due; tells the coordinators. Whether it closed it.
async fn close(state: &AppState, key: &str) -> Result<bool, AppError> {
    db::transact(state, |tx| async move {
        let mut r = tx
            .run(
                "UPDATE $call SET state = 'closed', updated_at = $now WHERE state = 'open' AND closes_at <= $now RETURN VALUE id;
                 SELECT sending_agency.member.name AS member, count() AS count FROM nomination
                    WHERE call = $call AND state NOT IN ['draft', 'withdrawn'] GROUP BY member;",
                vec![("call", v(db::rid("call", key)))],
            )
            .await?;
        let closed: Vec<RecordId> = r.take(0).map_err(db::fail("call close decode"))?;
        if closed.is_empty() {
            return Ok(false);
        }
        let from: Vec<FromMember> = r.take(1).map_err(db::fail("call summary decode"))?;
        let call = call_in(&tx, key).await?;
        let before = serde_json::json!({ "state": "open" });
        let after = serde_json::json!({ "state": "closed", "at": "closing time" });
        audit::record(&tx, &Actor::system(), "closed", "call", key, Some(&before), Some(&after)).await?;
        let by_member: Vec<(String, i64)> = from.into_iter().map(|f| (f.member, f.count)).collect();
        let mut facts = vec![
            ("Call".to_string(), format!("{} ({})", call.title, call.reference)),
            ("Closed".to_string(), call.closes_local.clone()),
        ];
        facts.extend(rules::summary(&by_member));
        facts.push(("Places".to_string(), format!("{} of {} left", call.places_left(), call.places)));
        let link_path = format!("/calls/{key}");
        for recipient in recipients::coordinators(&tx).await? {
            let content = MailContent::Account(AccountMail {
                event: EventKind::CallClosed,
                name: recipient.name.clone(),
                facts: facts.clone(),
                link: format!("{}{link_path}", state.settings.public_url),
            });
            let outgoing = Outgoing {
                record_table: "call",
                record_key: key,
                recipient: &recipient,
                content,
                link_path: link_path.clone(),
                secret: None,
                not_before: None,
            };
            outbox::enqueue(&tx, &state.settings.public_url, outgoing).await?;
        }
        Ok(true)
    })
    .await
}
