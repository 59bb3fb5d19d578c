//! Reading the audit trail (the history of one record, and the whole trail with filters) and
//! the access log. Admins only.

use leptos::prelude::*;

use super::access::AccessEntry;
use super::AuditEntry;
#[cfg(feature = "ssr")]
use super::{access_service, service};
use crate::error::AppError;
use crate::listing::{ListQuery, Page};

#[server(endpoint = "audit/list")]
pub async fn list_audit(#[server(flatten)] query: ListQuery) -> Result<Page<AuditEntry>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    crate::api::answer(service::list(&user, &query).await)
}

#[server(endpoint = "access/list")]
pub async fn list_access(#[server(flatten)] query: ListQuery) -> Result<Page<AccessEntry>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    crate::api::answer(access_service::list(&user, &query).await)
}
