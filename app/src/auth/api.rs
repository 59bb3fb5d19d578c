//! Sign-in server functions: login, logout, the current user, and changing one's password.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::CurrentUser;
use crate::error::AppError;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    /// Where to go after signing in (a local path).
    pub next: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    pub current_password: String,
    pub new_password: String,
    pub confirm_password: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NoInput {}

/// Where a sign-in stands after the password (API callers read it; browsers follow the redirect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInStep {
    /// Signed in.
    SignedIn,
    /// The password was right; the second factor is owed at `/login/verify`.
    SecondFactor,
}

/// Public: signing in is what an anonymous caller does.
#[server(endpoint = "login")]
pub async fn login(#[server(flatten)] form: LoginForm) -> Result<SignInStep, AppError> {
    super::guard::public();
    let result = super::password_service::login(&form).await;
    crate::api::finish(result, &form)
}

#[server(endpoint = "logout")]
pub async fn logout(#[server(flatten)] form: NoInput) -> Result<(), AppError> {
    let user = super::guard::require(super::guard::Access::Enrolling).await?;
    let result = super::password_service::logout(&user).await;
    crate::api::respond(result, &form)
}

/// Public: answers `None` to an anonymous caller, and never more than the caller's own profile.
#[server(endpoint = "me")]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    super::guard::public();
    crate::api::answer(super::guard::current_user().await)
}

#[server(endpoint = "account/password")]
pub async fn change_password(#[server(flatten)] form: PasswordForm) -> Result<(), AppError> {
    let user = super::guard::require(super::guard::Access::SignedIn).await?;
    let result = super::password_service::change_password(&user, &form).await;
    crate::api::respond(result, &form)
}
