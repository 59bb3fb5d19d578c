//! Administration's server functions beyond the resources' own list, get and save: each
//! checks who is calling, calls the service, and answers.

use leptos::prelude::*;

use super::agencies::{ContactForm, RemoveContactForm};
use crate::error::AppError;

#[server(endpoint = "agencies/contacts/add")]
pub async fn add_contact(#[server(flatten)] form: ContactForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    let result = super::service::agencies::add_contact(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "agencies/contacts/remove")]
pub async fn remove_contact(#[server(flatten)] form: RemoveContactForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    let result = super::service::agencies::remove_contact(&user, &form).await;
    crate::api::respond(result, &form)
}
