//! E-mail notifications: a transactional outbox, templates, recipients, the delivery worker and
//! the mail log. A change writes its e-mails into the outbox in its own transaction; the worker
//! delivers them over SMTP afterwards, with retries, and never twice.

pub mod api;
pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod recipients;
#[cfg(feature = "ssr")]
pub mod templates;
#[cfg(feature = "ssr")]
pub mod worker;

pub use rules::{DeliveryState, EventKind};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::listing::Page;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub event: EventKind,
    pub recipient: String,
    pub subject: String,
    pub link: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailLog {
    pub page: Page<NotificationView>,
    /// False when no SMTP server is configured: queued mail waits.
    pub smtp_configured: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ResendForm {
    pub id: String,
}
