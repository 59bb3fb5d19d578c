//! The server function of personal data: an administrator's erasure of one person. (The copies
//! are ZIP downloads, plain handlers in `handlers.rs`.)

use leptos::prelude::*;

use super::CopyRequest;
use crate::error::AppError;

/// `email` and `reason` as for a copy; refused, at the e-mail field, while the person has
/// something under way.
#[server(endpoint = "privacy/erase")]
pub async fn erase_person(#[server(flatten)] form: CopyRequest) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    let result = super::erasure::erase(&user, &form).await;
    crate::api::respond(result, &form)
}
