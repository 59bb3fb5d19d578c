//! Second factors: what a person sees of their own (app, recovery codes, passkeys, sign-ins),
//! the server functions that set them up and use them, and an administrator's reset. The
//! work is in `factors_service` (app codes, recovery codes, the second step) and `passkeys`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A person's own second factors and recent sign-ins, for the account page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityView {
    /// An authenticator app is set up.
    pub app: bool,
    /// Their role must have a second factor.
    pub required: bool,
    /// They must set one up before anything else.
    pub must_enrol: bool,
    /// Unused recovery codes.
    pub recovery_left: u32,
    pub passkeys: Vec<PasskeyView>,
    pub sign_ins: Vec<SignInView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasskeyView {
    pub id: String,
    pub name: String,
    /// Office date and time it was added.
    pub added: String,
    /// Office date and time it last signed in, if ever.
    pub last_used: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignInView {
    /// Office date and time.
    pub when: String,
    pub address: String,
    pub browser: String,
    /// How it was proved ("Password and app code").
    pub factor: String,
    pub new_browser: bool,
}

/// What the enrolment page shows: the app's secret, as a QR code and as text. The secret is
/// the person's own, shown only to them, only while it is not yet confirmed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppSetupView {
    /// The base32 secret in groups of four, for typing.
    pub secret: String,
    /// The `otpauth://` address as a QR code, SVG drawn on the server.
    pub qr_svg: String,
    /// The account name the app will show.
    pub account: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    /// Six digits from the app, or a recovery code.
    pub code: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    /// The user whose second factor is reset.
    pub id: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NoInput {}

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
    crate::api::finish(result, &form)
}

/// Switches the app off (with one of its codes), where the role allows it.
#[server(endpoint = "account/app/remove")]
pub async fn remove_app(#[server(flatten)] form: CodeForm) -> Result<(), AppError> {
    let user = super::guard::require(super::guard::Access::SignedIn).await?;
    let result = super::factors_service::remove_app(&user, &form).await;
    crate::api::finish(result, &form)
}

/// A new set of recovery codes; the old set stops working.
#[server(endpoint = "account/recovery/renew")]
pub async fn renew_recovery_codes(#[server(flatten)] form: NoInput) -> Result<(), AppError> {
    let user = super::guard::require(super::guard::Access::SignedIn).await?;
    let result = super::factors_service::renew_recovery(&user).await;
    crate::api::finish(result, &form)
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitingView {
    pub app: bool,
    pub passkeys: bool,
}

/// An administrator resets another person's second factor (a lost phone): with a reason,
/// audited, and e-mailed to the person.
#[server(endpoint = "users/second-factor/reset")]
pub async fn reset_second_factor(#[server(flatten)] form: ResetForm) -> Result<(), AppError> {
    let admin = super::guard::require(super::guard::ADMIN).await?;
    let result = super::factors_service::reset(&admin, &form).await;
    crate::api::finish(result, &form)
}
