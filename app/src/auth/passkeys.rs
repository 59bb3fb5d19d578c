//! Passkeys (WebAuthn): a person registers one or more on their account page and signs in with
//! one instead of a password and a code; a passkey counts as both factors. Each ceremony has
//! two requests (options, then the browser's answer); what the server must remember between
//! them is kept in the database for five minutes, so any app server can take the second.
//!
//! The browser's part is `public/passkeys.js` (a small script, not an island): without
//! JavaScript, or in a browser without WebAuthn, the password path is there as before.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The options of a ceremony for `navigator.credentials`, and the key that finishes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasskeyChallenge {
    pub ceremony: String,
    /// The WebAuthn options as JSON (binary fields in base64url).
    pub options: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AddPasskeyForm {
    pub ceremony: String,
    /// A name the person recognises ("work laptop").
    pub name: String,
    /// The browser's answer as JSON.
    pub credential: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RemovePasskeyForm {
    pub id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PasskeySignInForm {
    pub ceremony: String,
    pub credential: String,
    pub next: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NoInput {}

/// Whether this server offers passkeys: browsers allow WebAuthn only in a secure context (https,
/// or `localhost` for a test), and only for a site reached by a domain name, never an IP address.
pub fn offered() -> bool {
    #[cfg(feature = "ssr")]
    {
        crate::state::AppState::current()
            .is_ok_and(|state| super::passkeys_service::available(&state.settings.public_url))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

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

#[cfg(feature = "ssr")]
pub use super::passkeys_service::PURGE;

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use crate::auth::passkeys_service::available;

    #[test]
    fn passkeys_need_a_domain_name_in_a_secure_context() {
        assert!(available("https://hub.rso.example"));
        assert!(available("http://localhost:3100"));
        assert!(!available("http://127.0.0.1:3000"), "an address is no relying party");
        assert!(!available("https://[::1]:8443"));
        assert!(!available("http://hub.rso.example"), "plain http is not a secure context");
        assert!(!available("not a url"));
    }
}
