//! The server functions of second factors: each checks who is calling, asks
//! `factors_service` and answers.

use leptos::prelude::*;

use super::factors::*;
use crate::error::AppError;

/// The caller's own factors and last 20 sign-ins.
#[server(endpoint = "account/security")]
pub async fn security_overview() -> Result<SecurityView, AppError> {
    let user = super::guard::require(super::guard::Access::Enrolling).await?;
    crate::api::answer(super::factors_service::overview(&user).await)
}

/// The app set-up of the caller: a new secret when none is waiting, else the one waiting.
#[server(endpoint = "account/app/setup")]
pub async fn app_setup() -> Result<AppSetupView, AppError> {
    let user = super::guard::require(super::guard::Access::Enrolling).await?;
    crate::api::answer(super::factors_service::app_setup(&user).await)
}

/// Confirms the app with one of its codes and switches it on; a new set of recovery codes.
#[server(endpoint = "account/app/confirm")]
pub async fn confirm_app(#[server(flatten)] form: CodeForm) -> Result<(), AppError> {
    let user = super::guard::require(super::guard::Access::Enrolling).await?;
    let result = super::factors_service::confirm_app(&user, &form).await;
    crate::api::respond(result, &form)
}

/// Switches the app off (with one of its codes), where the role allows it.
#[server(endpoint = "account/app/remove")]
pub async fn remove_app(#[server(flatten)] form: CodeForm) -> Result<(), AppError> {
    let user = super::guard::require(super::guard::Access::SignedIn).await?;
    let result = super::factors_service::remove_app(&user, &form).await;
    crate::api::respond(result, &form)
}

/// A new set of recovery codes; the old set stops working.
#[server(endpoint = "account/recovery/renew")]
pub async fn renew_recovery_codes(#[server(flatten)] form: NoInput) -> Result<(), AppError> {
    let user = super::guard::require(super::guard::Access::SignedIn).await?;
    let result = super::factors_service::renew_recovery(&user).await;
    crate::api::respond(result, &form)
}

/// The new recovery codes, shown once: a second call answers `None`.
#[server(endpoint = "account/recovery/show")]
pub async fn show_recovery_codes() -> Result<Option<Vec<String>>, AppError> {
    let user = super::guard::require(super::guard::Access::Enrolling).await?;
    crate::api::answer(super::factors_service::show_recovery(&user).await)
}

/// Public: the second step of signing in. The pending sign-in's cookie is the credential of
/// the first step; the code proves the second.
#[server(endpoint = "login/verify")]
pub async fn verify_second_step(#[server(flatten)] form: CodeForm) -> Result<(), AppError> {
    super::guard::public();
    let result = super::factors_service::second_step(&form).await;
    crate::api::finish(result, &form)
}

/// Public: whether this browser has a sign-in waiting for its second step, and what it can
/// be proved with (never more than the flags: the page must not tell whose account it is).
#[server(endpoint = "login/waiting")]
pub async fn waiting_sign_in() -> Result<Option<WaitingView>, AppError> {
    super::guard::public();
    crate::api::answer(super::factors_service::waiting().await)
}

/// An administrator resets another person's second factor (a lost phone): with a reason,
/// audited, and e-mailed to the person.
#[server(endpoint = "users/second-factor/reset")]
pub async fn reset_second_factor(#[server(flatten)] form: ResetForm) -> Result<(), AppError> {
    let admin = super::guard::require(super::guard::ADMIN).await?;
    let result = super::factors_service::reset(&admin, &form).await;
    crate::api::respond(result, &form)
}
