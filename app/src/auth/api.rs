//! Sign-in server functions: login, logout, the current user, and changing one's password.

use leptos::prelude::*;

use super::model::CurrentUser;
use crate::error::AppError;

pub use super::forms::{LoginForm, NoInput, PasswordForm, SignInStep};

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
