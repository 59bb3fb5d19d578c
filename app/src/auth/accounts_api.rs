//! Invitations' and resets' server functions: asking for a reset link, choosing a password
//! through one, and inviting a user (see `accounts.rs`).

use leptos::prelude::*;

use super::accounts::{ForgotForm, InviteForm, NewPasswordForm};
use crate::error::AppError;

/// Public: anyone may ask; the answer never tells whether the address has an account.
#[server(endpoint = "password/forgot")]
pub async fn forgot_password(#[server(flatten)] form: ForgotForm) -> Result<(), AppError> {
    super::guard::public();
    let result = super::accounts_service::forgot(&form).await;
    crate::api::respond(result, &form)
}

/// Public: the token in the form is the credential.
#[server(endpoint = "password/reset")]
pub async fn reset_password(#[server(flatten)] form: NewPasswordForm) -> Result<(), AppError> {
    super::guard::public();
    let result = super::accounts_service::set_password(&form, super::tokens::Purpose::Reset).await;
    crate::api::finish(result, &form)
}

/// Public: the token in the form is the credential.
#[server(endpoint = "invitation/accept")]
pub async fn accept_invitation(#[server(flatten)] form: NewPasswordForm) -> Result<(), AppError> {
    super::guard::public();
    let result = super::accounts_service::set_password(&form, super::tokens::Purpose::Invitation).await;
    crate::api::finish(result, &form)
}

#[server(endpoint = "users/invite")]
pub async fn invite_user(#[server(flatten)] form: InviteForm) -> Result<(), AppError> {
    let admin = super::guard::require(super::guard::ADMIN).await?;
    let result = super::accounts_service::invite(&admin, &form).await;
    crate::api::respond(result, &form)
}
