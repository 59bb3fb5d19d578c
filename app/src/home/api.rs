//! The home page's server function.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::service;
use super::HomeOverview;
use crate::error::AppError;

#[server(endpoint = "home")]
pub async fn home_data() -> Result<HomeOverview, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::SignedIn).await?;
    crate::api::answer(service::home(user).await)
}
