//! Passkeys (WebAuthn): a person registers one or more on their account page and signs in with
//! one instead of a password and a code; a passkey counts as both factors. Each ceremony has
//! two requests (options, then the browser's answer); what the server must remember between
//! them is kept in the database for five minutes, so any app server can take the second.
//!
//! The browser's part is `public/passkeys.js` (a small script, not an island): without
//! JavaScript, or in a browser without WebAuthn, the password path is there as before.

use serde::{Deserialize, Serialize};

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
        crate::state::AppState::current().is_ok_and(|state| available(&state.settings.public_url))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// Whether browsers allow passkeys for the site at `public_url`: see [`offered`].
#[cfg(feature = "ssr")]
pub fn available(public_url: &str) -> bool {
    let Ok(url) = webauthn_rs::prelude::Url::parse(public_url) else { return false };
    let Some(host) = url.host_str() else { return false };
    let is_ip = host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().is_ok();
    let local = host == "localhost" || host.ends_with(".localhost");
    !is_ip && (url.scheme() == "https" || local)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::available;

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
