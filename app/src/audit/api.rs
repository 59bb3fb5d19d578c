//! Reading the audit trail: the history of one record, and the whole trail with filters.
//! Admins only.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::service;
use super::AuditEntry;
use crate::error::AppError;
use crate::listing::{ListQuery, Page};

#[server(endpoint = "audit/list")]
pub async fn list_audit(#[server(flatten)] query: ListQuery) -> Result<Page<AuditEntry>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    crate::api::answer(service::list(&user, &query).await)
}
