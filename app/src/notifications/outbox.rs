//! The outbox: notifications are written in the transaction of the change that causes them.
//! If that transaction is cancelled, nothing is queued; if it commits, the worker delivers.

use sha2::{Digest, Sha256};

use super::recipients::Recipient;
use super::rules::idempotency_key;
use super::templates::{render, MailContent};
use crate::db::{self, v, Tx};
use crate::error::AppError;

/// One e-mail to queue: about which record, to whom, saying what, linking where.
pub struct Outgoing<'a> {
    pub record_table: &'a str,
    pub record_key: &'a str,
    pub recipient: &'a Recipient,
    pub content: MailContent,
    /// The path (under `HUB_PUBLIC_URL`) of the record the mail is about.
    pub link_path: String,
    /// A secret the mail must carry (the token of an invitation or reset link). It is kept
    /// apart from the stored text, put in only when sending, and erased once sent.
    pub secret: Option<String>,
    /// Not to be sent before this instant (a reminder at 08:00 where its recipient is); `None`
    /// sends at once.
    pub not_before: Option<chrono::DateTime<chrono::Utc>>,
}

/// Stands for the secret in stored subjects, bodies and links.
pub const SECRET_PLACEHOLDER: &str = "__HUB_SECRET__";

/// The notification's record key: derived from its idempotency key, so that enqueueing the same
/// (event, record, recipient) twice stores one row.
pub fn notification_key(event: super::EventKind, record: &str, recipient: &str) -> String {
    let key = idempotency_key(event, record, recipient);
    hex::encode(Sha256::digest(key.as_bytes()))[..40].to_string()
}

/// Renders and queues `mail` inside `tx`. A second call for the same (event, record, recipient)
/// changes nothing.
pub async fn enqueue(tx: &Tx, public_url: &str, mail: Outgoing<'_>) -> Result<(), AppError> {
    let event = mail.content.event();
    let record = format!("{}:{}", mail.record_table, mail.record_key);
    let mut rendered =
        render(&mail.recipient.language, &mail.content).map_err(|e| AppError::internal("mail template", e))?;
    let mut link = format!("{public_url}{}", mail.link_path);
    if let Some(secret) = mail.secret.as_deref().filter(|s| !s.is_empty()) {
        for text in [&mut rendered.subject, &mut rendered.text, &mut rendered.html, &mut link] {
            *text = text.replace(secret, SECRET_PLACEHOLDER);
        }
    }
    let key = notification_key(event, &record, &mail.recipient.email);
    tx.run(
        "INSERT IGNORE INTO notification {
            id: $id, event: $event_kind, record_table: $table, record_key: $key, link: $link,
            recipient_email: $email, recipient_name: $name, language: $language,
            subject: $subject, text_body: $text, html_body: $html,
            secret: $secret, state: 'pending', attempts: 0, next_attempt_at: $not_before ?? $now, created_at: $now
        }",
        vec![
            ("id", v(db::rid("notification", &key))),
            ("event_kind", v(event.as_str().to_string())),
            ("table", v(mail.record_table.to_string())),
            ("key", v(mail.record_key.to_string())),
            ("link", v(link)),
            ("secret", v(mail.secret)),
            ("not_before", v(mail.not_before)),
            ("email", v(mail.recipient.email.clone())),
            ("name", v(mail.recipient.name.clone())),
            ("language", v(mail.recipient.language.clone())),
            ("subject", v(rendered.subject)),
            ("text", v(rendered.text)),
            ("html", v(rendered.html)),
        ],
    )
    .await?;
    Ok(())
}
