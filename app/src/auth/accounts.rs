//! Invitations and password resets: e-mailed single-use links that let a person choose a
//! password. Using one signs the user in and ends their other sessions.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    pub email: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NewPasswordForm {
    pub token: String,
    pub new_password: String,
    pub confirm_password: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    /// The user to (re-)invite.
    pub id: String,
}

pub const FORGOT_ANSWER: &str =
    "If an account exists for that address, we have sent it a link to choose a new password. The link works for one hour.";

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
