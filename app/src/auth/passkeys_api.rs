//! Passkeys' server functions: each ceremony's options and the browser's answer, and removing
//! one (see `passkeys.rs`).

use leptos::prelude::*;

use super::passkeys::{AddPasskeyForm, NoInput, PasskeyChallenge, PasskeySignInForm, RemovePasskeyForm};
use crate::error::AppError;

#[server(endpoint = "account/passkeys/options")]
pub async fn passkey_options(#[server(flatten)] form: NoInput) -> Result<PasskeyChallenge, AppError> {
    let user = super::guard::require(super::guard::Access::Enrolling).await?;
    let result = super::passkeys_service::register_options(&user).await;
    crate::api::finish(result, &form)
}

#[server(endpoint = "account/passkeys/add")]
pub async fn add_passkey(#[server(flatten)] form: AddPasskeyForm) -> Result<(), AppError> {
    let user = super::guard::require(super::guard::Access::Enrolling).await?;
    let result = super::passkeys_service::register(&user, &form).await;
    crate::api::respond(result, &NoInput {})
}

#[server(endpoint = "account/passkeys/remove")]
pub async fn remove_passkey(#[server(flatten)] form: RemovePasskeyForm) -> Result<(), AppError> {
    let user = super::guard::require(super::guard::Access::SignedIn).await?;
    let result = super::passkeys_service::remove(&user, &form).await;
    crate::api::respond(result, &form)
}

/// Public: a sign-in ceremony for whichever passkey the browser offers.
#[server(endpoint = "login/passkey/options")]
pub async fn sign_in_options(#[server(flatten)] form: NoInput) -> Result<PasskeyChallenge, AppError> {
    super::guard::public();
    let result = super::passkeys_service::sign_in_options().await;
    crate::api::finish(result, &form)
}

/// Public: the passkey's signature is the credential.
#[server(endpoint = "login/passkey")]
pub async fn sign_in_with_passkey(#[server(flatten)] form: PasskeySignInForm) -> Result<(), AppError> {
    super::guard::public();
    let result = super::passkeys_service::sign_in(&form).await;
    crate::api::finish(result, &NoInput {})
}
