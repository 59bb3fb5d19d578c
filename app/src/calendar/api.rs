//! The calendar's server functions: guard, service, answer.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::service;
use crate::error::AppError;

/// The caller's feed address, for the account page.
#[server(endpoint = "calendar/link")]
pub async fn calendar_link() -> Result<String, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::SignedIn).await?;
    crate::api::answer(service::link(&user).await)
}

/// Ends the caller's feed address and makes a new one.
#[server(endpoint = "calendar/renew")]
pub async fn renew_calendar_link() -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::SignedIn).await?;
    crate::api::respond_without_form(service::renew(&user).await)
}
