//! The mail log: every notification with its delivery state, and resending a failed one.
//! Admins and coordinators.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::service;
use super::{DeliveryState, EventKind};
use crate::error::AppError;
use crate::listing::{ListQuery, Page};

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

#[server(endpoint = "mail/list")]
pub async fn list_mail(#[server(flatten)] query: ListQuery) -> Result<MailLog, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(service::list(&user, &query).await)
}

#[server(endpoint = "mail/resend")]
pub async fn resend_mail(#[server(flatten)] form: ResendForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    let result = service::resend(&user, &form).await;
    crate::api::respond(result, &form)
}
