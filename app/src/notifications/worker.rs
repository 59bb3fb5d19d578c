//! The delivery worker: claims due notifications by lease, sends them over SMTP through a
//! connection pool, and records the outcome. Several processes may share one database: a
//! notification is claimed by one worker at a time, and a claim that outlives its lease (the
//! process died) is taken over, so a mail is never lost and at worst repeated once, with the
//! same Message-ID.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use surrealdb::types::{RecordId, SurrealValue};

use super::outbox::SECRET_PLACEHOLDER;
use super::rules::{domain_of, header_text, AfterFailure, DeliveryState, RetryPolicy};
use crate::db;
use crate::error::AppError;
use crate::state::AppState;

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// Builds the SMTP transport from `HUB_SMTP_URL` (`smtp://host:port`, `smtp://…?tls=required`,
/// `smtps://user:pass@host:465`). The error names the variable and never repeats the URL, which
/// may hold a password.
pub fn transport(url: &str, pool_size: u32) -> Result<Transport, String> {
    let builder =
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| format!("HUB_SMTP_URL cannot be used: {e}"))?;
    let pool = lettre::transport::smtp::PoolConfig::new().max_size(pool_size.max(1));
    Ok(builder.timeout(Some(Duration::from_secs(20))).pool_config(pool).build())
}

/// Checks `HUB_SMTP_URL` without connecting (and without a runtime).
pub fn check_url(url: &str) -> Result<(), String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|e| format!("HUB_SMTP_URL cannot be used: {e}"))
}

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub from: Mailbox,
    pub policy: RetryPolicy,
    /// How often to look for due mail when nothing wakes the worker.
    pub poll_every: Duration,
    /// Mails sent at once.
    pub concurrency: usize,
    /// How long a claim lasts before another worker may take the mail over.
    pub lease: Duration,
    /// The domain part of Message-IDs.
    pub message_id_domain: String,
}

impl WorkerSettings {
    pub fn new(from: Mailbox, message_id_domain: &str) -> Self {
        WorkerSettings {
            from,
            policy: RetryPolicy::default(),
            poll_every: Duration::from_secs(5),
            concurrency: 8,
            lease: Duration::from_secs(120),
            message_id_domain: message_id_domain.to_string(),
        }
    }
}

#[derive(Debug, SurrealValue)]
struct Claimed {
    id: RecordId,
    recipient_email: String,
    recipient_name: String,
    subject: String,
    text_body: String,
    html_body: String,
    secret: Option<String>,
    attempts: i64,
    lease_owner: Option<String>,
}

/// What one pass of the worker did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

pub struct Worker {
    state: AppState,
    transport: Transport,
    settings: WorkerSettings,
    name: String,
    claims: AtomicU64,
}

/// The condition under which a notification may be claimed now.
const CLAIMABLE: &str =
    "((state = 'pending' AND next_attempt_at <= $now) OR (state = 'sending' AND lease_until < $now))";

impl Worker {
    /// A worker for `state`'s database, woken by `state.wake_mailer()` and timed by its clock.
    pub fn new(state: AppState, transport: Transport, settings: WorkerSettings) -> Arc<Worker> {
        let name = format!("worker-{:08x}", rand::random::<u32>());
        Arc::new(Worker { state, transport, settings, name, claims: AtomicU64::new(0) })
    }

    /// Runs until `shutdown` completes: a pass whenever mail is queued, and on a timer.
    pub async fn run(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()>) {
        tracing::info!(worker = %self.name, "mail delivery worker started");
        tokio::pin!(shutdown);
        loop {
            match self.pass().await {
                Ok(pass) if pass != Pass::default() => {
                    tracing::info!(sent = pass.sent, retrying = pass.retrying, failed = pass.failed, "mail pass");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "mail pass failed; will try again"),
            }
            tokio::select! {
                _ = &mut shutdown => break,
                _ = self.state.mail_wake.notified() => {},
                _ = tokio::time::sleep(self.settings.poll_every) => {},
            }
        }
        tracing::info!(worker = %self.name, "mail delivery worker stopped");
    }

    /// Delivers everything that is due now, in batches. Returns what it did.
    pub async fn pass(self: &Arc<Self>) -> Result<Pass, AppError> {
        let mut total = Pass::default();
        loop {
            let batch = self.claim(self.settings.concurrency).await?;
            if batch.is_empty() {
                return Ok(total);
            }
            let mut tasks = tokio::task::JoinSet::new();
            for (mail, claim) in batch {
                let worker = Arc::clone(self);
                tasks.spawn(async move { worker.deliver(mail, claim).await });
            }
            while let Some(outcome) = tasks.join_next().await {
                match outcome {
                    Ok(Ok(DeliveryState::Sent)) => total.sent += 1,
                    Ok(Ok(DeliveryState::Failed)) => total.failed += 1,
                    Ok(Ok(_)) => total.retrying += 1,
                    Ok(Err(error)) => tracing::warn!(%error, "recording a delivery failed"),
                    Err(error) => tracing::error!(%error, "delivery task panicked"),
                }
            }
        }
    }

    /// Claims up to `limit` due notifications. Each claim is one conditional update of one
    /// record with a token unique to this claim; a notification whose update did not come back
    /// with our token belongs to another worker.
    #[tracing::instrument(skip_all, fields(worker = %self.name, limit))]
    async fn claim(&self, limit: usize) -> Result<Vec<(Claimed, String)>, AppError> {
        let mut r = self
            .state
            .db
            .query(format!("SELECT VALUE id FROM notification WHERE {CLAIMABLE} ORDER BY next_attempt_at LIMIT $limit"))
            .bind(("limit", (limit * 2) as i64))
            .bind(("now", self.state.clock.now()))
            .await
            .and_then(|r| r.check())
            .map_err(db::classify("mail candidates"))?;
        let candidates: Vec<RecordId> = r.take(0).map_err(db::fail("mail candidates decode"))?;
        let mut claimed = Vec::new();
        for id in candidates {
            if claimed.len() >= limit {
                break;
            }
            let token = format!("{}:{}", self.name, self.claims.fetch_add(1, Ordering::Relaxed));
            let lease = chrono::Duration::from_std(self.settings.lease).unwrap_or(chrono::Duration::minutes(2));
            let (id, token_ref) = (&id, &token);
            // When another worker claims the same mail at once, the retry sees its claim and the
            // condition no longer holds: the update returns nothing and the mail is not ours.
            let rows: Vec<Claimed> = db::transact(&self.state, |tx| async move {
                let mut r = tx
                    .run(
                        &format!(
                            "UPDATE $id SET state = 'sending', lease_owner = $claim, lease_until = $until
                             WHERE {CLAIMABLE}
                             RETURN id, recipient_email, recipient_name, subject, text_body, html_body, secret, attempts, lease_owner"
                        ),
                        vec![
                            ("id", db::v(id.clone())),
                            ("claim", db::v(token_ref.clone())),
                            ("until", db::v(tx.now() + lease)),
                        ],
                    )
                    .await?;
                r.take(0).map_err(db::fail("claim decode"))
            })
            .await?;
            if let Some(mail) = rows.into_iter().next().filter(|m| m.lease_owner.as_deref() == Some(token.as_str())) {
                claimed.push((mail, token));
            }
        }
        Ok(claimed)
    }

    fn message(&self, mail: &Claimed) -> Result<Message, String> {
        let address = mail.recipient_email.parse().map_err(|e| format!("invalid recipient address: {e}"))?;
        let to = Mailbox::new(Some(header_text(&mail.recipient_name, 120)), address);
        let message_id = format!("<{}@{}>", db::key(&mail.id), self.settings.message_id_domain);
        let secret = mail.secret.as_deref().unwrap_or_default();
        let fill = |text: &str| text.replace(SECRET_PLACEHOLDER, secret);
        Message::builder()
            .from(self.settings.from.clone())
            .to(to)
            .subject(header_text(&mail.subject, 200))
            .message_id(Some(message_id))
            .multipart(MultiPart::alternative_plain_html(fill(&mail.text_body), fill(&mail.html_body)))
            .map_err(|e| format!("message could not be built: {e}"))
    }

    #[tracing::instrument(skip_all, fields(worker = %self.name, mail = %db::key(&mail.id)))]
    async fn deliver(&self, mail: Claimed, claim: String) -> Result<DeliveryState, AppError> {
        let attempts = mail.attempts.max(0) as u32 + 1;
        let domain = domain_of(&mail.recipient_email).to_string();
        let outcome = match self.message(&mail) {
            Err(error) => Err((error, true)),
            Ok(message) => {
                // The send runs as a task of its own, so that once started it ends whole even if
                // this delivery is dropped (a pass cut short): the SMTP pool takes back a
                // connection whose send was cut mid-conversation, and the next mail on it would
                // read the answer meant for the one before, and could be counted sent before the
                // server had it. Dropped here, the send still ends and the record does not: the
                // lease runs out and the mail goes again, under the same Message-ID.
                let transport = self.transport.clone();
                match tokio::spawn(async move { transport.send(message).await }).await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(error)) => Err((error.to_string(), error.is_permanent())),
                    Err(stopped) => Err((format!("the send stopped: {stopped}"), false)),
                }
            }
        };
        let (id, claim) = (db::v(mail.id), db::v(claim));
        match outcome {
            Ok(()) => {
                db::write(
                    &self.state,
                    "UPDATE $id SET state = 'sent', sent_at = $now, attempts = $attempts, last_error = NONE, secret = NONE,
                        lease_owner = NONE, lease_until = NONE WHERE lease_owner = $claim",
                    vec![("id", id), ("attempts", db::v(attempts as i64)), ("claim", claim)],
                )
                .await?;
                tracing::info!(recipient_domain = %domain, "mail sent");
                Ok(DeliveryState::Sent)
            }
            Err((error, permanent)) => {
                let now = self.state.clock.now();
                let (state, next) = match self.settings.policy.after_failure(attempts, permanent, rand::random::<f64>())
                {
                    AfterFailure::GiveUp => (DeliveryState::Failed, now),
                    AfterFailure::RetryIn(delay) => (
                        DeliveryState::Pending,
                        now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1)),
                    ),
                };
                let error: String = error.chars().take(500).collect();
                tracing::warn!(recipient_domain = %domain, attempts, state = state.as_str(), %error, "mail not delivered");
                // A mail that will not go keeps no secret (the token of its link) in the outbox;
                // sending it again issues a new one (`api::service::resend`).
                let erase = if state == DeliveryState::Failed { ", secret = NONE" } else { "" };
                db::write(
                    &self.state,
                    &format!(
                        "UPDATE $id SET state = $state, attempts = $attempts, next_attempt_at = $next, last_error = $error,
                            lease_owner = NONE, lease_until = NONE{erase} WHERE lease_owner = $claim"
                    ),
                    vec![
                        ("id", id),
                        ("state", db::v(state.as_str().to_string())),
                        ("attempts", db::v(attempts as i64)),
                        ("next", db::v(next)),
                        ("error", db::v(error)),
                        ("claim", claim),
                    ],
                )
                .await?;
                Ok(state)
            }
        }
    }
}
