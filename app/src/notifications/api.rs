//! The mail log: every notification with its delivery state, and resending a failed one.
//! Admins and coordinators.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::service;
pub use super::{MailLog, NotificationView, ResendForm};
use crate::error::AppError;
use crate::listing::ListQuery;

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
