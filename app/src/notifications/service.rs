//! The mail log from the store, a resend, and the CSV (ssr).

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::*;
use crate::audit::{self, Actor};
use crate::auth::tokens::{self, Purpose};
use crate::auth::CurrentUser;
use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::listing::ListQuery;
use crate::resource::csv::CsvExport;
use crate::resource::store::ListSql;
use crate::state::AppState;
use crate::ui::format::timestamp;

const FIELDS: &str =
    "id, created_at, event, recipient_email, recipient_name, subject, link, state, attempts, last_error, sent_at";
const SORTS: &[(&str, &str)] = &[("created", "created_at"), ("recipient", "recipient_email"), ("state", "state")];

#[derive(Debug, SurrealValue)]
pub struct Row {
    id: RecordId,
    created_at: DateTime<Utc>,
    event: String,
    recipient_email: String,
    recipient_name: String,
    subject: String,
    link: String,
    state: String,
    attempts: i64,
    last_error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
}

impl TryFrom<Row> for NotificationView {
    type Error = AppError;

    fn try_from(r: Row) -> Result<Self, AppError> {
        let unknown = |what: &str, text: &str| AppError::internal("mail log", format!("unknown {what} '{text}'"));
        Ok(NotificationView {
            id: db::key(&r.id),
            created_at: r.created_at,
            event: EventKind::parse(&r.event).ok_or_else(|| unknown("event", &r.event))?,
            recipient: format!("{} <{}>", r.recipient_name, r.recipient_email),
            subject: r.subject,
            link: r.link,
            state: DeliveryState::parse(&r.state).ok_or_else(|| unknown("state", &r.state))?,
            attempts: r.attempts,
            last_error: r.last_error,
            sent_at: r.sent_at,
        })
    }
}

fn query_for(query: &ListQuery) -> (ListSql, ListQuery) {
    let mut query = query.clone();
    if query.sort.is_empty() {
        query.sort = "created".into();
        query.dir = "desc".into();
    }
    let (from, to) = query.date_bounds();
    let state = DeliveryState::parse(&query.status).map(|s| s.as_str().to_string());
    let event = EventKind::parse(&query.kind).map(|e| e.as_str().to_string());
    let sql = ListSql::new("notification", FIELDS, SORTS)
        .with_descending_twins(&["created_at"])
        .with_listed_order(&["created_at_desc"])
        .filter_if(state.is_some(), "state = $state", "state", v(state))
        .filter_if(event.is_some(), "event = $event_kind", "event_kind", v(event))
        .filter_if(
            !query.q.trim().is_empty(),
            "(recipient_email @@ $q OR recipient_name @@ $q)",
            "q",
            v(query.needle()),
        )
        .filter_if(from.is_some(), "created_at >= $from", "from", v(from))
        .filter_if(to.is_some(), "created_at < $to", "to", v(to));
    (sql, query)
}

pub async fn list(user: &CurrentUser, query: &ListQuery) -> Result<MailLog, AppError> {
    let state = AppState::current()?;
    let _search = state.limits.search(user, query)?;
    let (sql, query) = query_for(query);
    let page = sql.page::<Row>(&state.db, &query).await?.try_map(NotificationView::try_from)?;
    Ok(MailLog { page, smtp_configured: state.settings.smtp_configured })
}

pub async fn csv(state: &AppState, query: &ListQuery) -> Result<CsvExport, AppError> {
    query.check()?;
    let (sql, query) = query_for(query);
    let header = ["id", "created", "event", "recipient", "subject", "state", "attempts", "last_error", "sent"];
    Ok(CsvExport::rows(&header, sql, &state.db, query, |row: Row| {
        let n = NotificationView::try_from(row)?;
        Ok(vec![
            n.id,
            timestamp(n.created_at),
            n.event.label().to_string(),
            n.recipient,
            n.subject,
            n.state.as_str().to_string(),
            n.attempts.to_string(),
            n.last_error.unwrap_or_default(),
            n.sent_at.map(timestamp).unwrap_or_default(),
        ])
    }))
}

/// Puts a failed notification back in the queue for a fresh series of tries. A mail with an
/// account link (an invitation, a password reset) gave up its link's token when it failed,
/// so it goes again with a new link, which voids the account's earlier ones of that kind.
#[tracing::instrument(skip_all, fields(user = %user.id, mail = %form.id))]
pub async fn resend(user: &CurrentUser, form: &ResendForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let key = crate::api::parse_key(&form.id)?;
    let id = db::rid("notification", &key);
    let (key, id) = (&key, &id);
    let new_link = db::transact(&state, |tx| async move {
        let not_failed = || AppError::Conflict("Only a failed e-mail can be sent again.".into());
        let mut r = tx
            .run("SELECT state, record_table, record_key, recipient_email FROM ONLY $id", vec![("id", v(id.clone()))])
            .await?;
        let mail: Option<Failed> = r.take(0).map_err(db::fail("resend decode"))?;
        let mail = mail.filter(|m| m.state == DeliveryState::Failed.as_str()).ok_or_else(not_failed)?;
        let link = match mail.record_table.as_str() {
            ACCOUNT_LINKS => Some(renew_link(&tx, &mail.record_key, &mail.recipient_email).await?),
            _ => None,
        };
        let (secret, record_key) = match &link {
            Some((token, token_key)) => (Some(token.clone()), token_key.clone()),
            None => (None, mail.record_key),
        };
        tx.run(
            "UPDATE $id SET state = 'pending', attempts = 0, next_attempt_at = $now, last_error = NONE,
                secret = $secret, record_key = $record_key WHERE state = 'failed'",
            vec![("id", v(id.clone())), ("secret", v(secret)), ("record_key", v(record_key))],
        )
        .await?;
        let after = serde_json::json!({ "state": "pending", "new_link": link.is_some() });
        audit::record(&tx, &Actor::user(user), "resent", "notification", key, None, Some(&after)).await?;
        Ok(link.is_some())
    })
    .await?;
    state.wake_mailer();
    let notice = if new_link {
        "The e-mail is queued again, with a new link; the earlier links for this account no longer work."
    } else {
        "The e-mail is queued again."
    };
    Ok(crate::api::Done::new(notice, "/mail"))
}

/// The table of the records that mails with an account link are about.
const ACCOUNT_LINKS: &str = "account_token";

#[derive(Debug, SurrealValue)]
struct Failed {
    state: String,
    record_table: String,
    record_key: String,
    recipient_email: String,
}

#[derive(Debug, SurrealValue)]
struct Link {
    purpose: String,
    user: RecordId,
    current_email: Option<String>,
    disabled: Option<bool>,
}

/// A new token, for the account and purpose of the link `token_key`, to go to `recipient`:
/// (token, its record key). Refused while the account is disabled, or when its address is no
/// longer the one the mail goes to (the new link would reach someone else).
async fn renew_link(tx: &Tx, token_key: &str, recipient: &str) -> Result<(String, String), AppError> {
    let mut r = tx
        .run(
            "SELECT purpose, user, user.email AS current_email, user.disabled AS disabled FROM ONLY $id",
            vec![("id", v(db::rid(ACCOUNT_LINKS, token_key)))],
        )
        .await?;
    let link: Option<Link> = r.take(0).map_err(db::fail("account link decode"))?;
    let Some(link) = link else {
        return Err(AppError::Conflict(format!(
            "This e-mail's link expired more than {} days ago and has been removed. Send a new invitation \
             from the user's page, or ask the person to use “Forgot your password?”.",
            tokens::KEPT_DAYS_AFTER_EXPIRY
        )));
    };
    let gone =
        || AppError::Conflict("This e-mail's account no longer exists, so its link cannot be sent again.".into());
    let link = Some(link).filter(|l| l.current_email.is_some()).ok_or_else(gone)?;
    if link.disabled.unwrap_or(false) {
        return Err(AppError::Conflict(
            "The account this e-mail is for is disabled. Enable it before sending its link again.".into(),
        ));
    }
    if link.current_email.as_deref() != Some(recipient) {
        return Err(AppError::Conflict(
            "The account's e-mail address has changed since this e-mail was written, so its link is not sent \
             to the old address. Send a new invitation from the user's page, or ask the person to use \
             “Forgot your password?”."
                .into(),
        ));
    }
    let purpose = match link.purpose.as_str() {
        "invitation" => Purpose::Invitation,
        "reset" => Purpose::Reset,
        other => return Err(AppError::internal("account link", format!("unknown purpose '{other}'"))),
    };
    tokens::issue(tx, &link.user, purpose).await
}
