//! One-shot messages carried across a redirect in a short-lived cookie: the notice after a
//! successful change, or the errors and typed values after a refused no-JS form post.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError};

/// The flash cookie's name. On https it carries the `__Host-` prefix, as the session and device
/// cookies do: browsers take it only from a secure origin, for path `/` and without a domain,
/// so no sibling site or plain-http page of the host can set or shadow it.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-hub_flash"
    } else {
        "hub_flash"
    }
}

/// Browsers drop cookies over 4 KB; we stay well below.
const MAX_ENCODED: usize = 3000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Flash {
    pub notice: Option<String>,
    pub error: Option<String>,
    pub errors: Vec<FieldError>,
    /// The endpoint of the form the errors belong to.
    pub form: Option<String>,
    pub values: BTreeMap<String, String>,
}

impl Flash {
    pub fn notice(text: &str) -> Self {
        Flash { notice: Some(text.to_string()), ..Default::default() }
    }

    pub fn from_error(error: &AppError, form: Option<String>, values: BTreeMap<String, String>) -> Self {
        Flash {
            error: Some(error.to_string()),
            errors: error.field_errors().to_vec(),
            form,
            values,
            ..Default::default()
        }
    }

    pub fn for_form(&self, action: &str) -> bool {
        self.form.as_deref() == Some(action)
    }

    pub fn value(&self, field: &str) -> Option<&str> {
        self.values.get(field).map(String::as_str)
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// Hex of the JSON: cookie-safe without another dependency. Values are dropped first when
    /// the cookie would grow too large, then the field messages.
    pub fn encode(&self) -> String {
        let mut flash = self.clone();
        let mut encoded = hex_encode(&serde_json::to_vec(&flash).unwrap_or_default());
        if encoded.len() > MAX_ENCODED {
            flash.values.clear();
            encoded = hex_encode(&serde_json::to_vec(&flash).unwrap_or_default());
        }
        if encoded.len() > MAX_ENCODED {
            flash.errors.clear();
            flash.error = Some("Please check the form and try again.".into());
            encoded = hex_encode(&serde_json::to_vec(&flash).unwrap_or_default());
        }
        encoded
    }

    pub fn decode(raw: &str) -> Option<Flash> {
        serde_json::from_slice(&hex_decode(raw)?).ok()
    }
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || text.len() > MAX_ENCODED * 2 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// What a form posted, to put back into the fields. Never secrets, never huge values.
pub fn echo_values(form: &impl Serialize) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(form) {
        for (key, value) in map {
            // Secrets are never echoed; nor are fields that steer security (where to go after
            // signing in), which a page must take from its own URL.
            if key.contains("password") || key.contains("token") || key == "next" {
                continue;
            }
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Array(items) => {
                    items.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(",")
                }
                _ => continue,
            };
            if text.len() <= 500 {
                out.insert(key, text);
            }
        }
    }
    out
}

/// The signing purpose of flash cookies.
#[cfg(feature = "ssr")]
const PURPOSE: &str = "flash";

/// The `Set-Cookie` value that carries `flash`, signed with the server's key: a cookie planted
/// by anyone else (another site on a shared parent domain, a script) is ignored. `Secure` and
/// `__Host-` when the site is https.
#[cfg(feature = "ssr")]
pub fn cookie(flash: &Flash, settings: &crate::state::Settings) -> String {
    let value = settings.key.sign(PURPOSE, &flash.encode());
    with_attributes(&value, 120, settings.secure_cookies)
}

/// The `Set-Cookie` value that removes the flash cookie once it has been shown.
#[cfg(feature = "ssr")]
pub fn clear_cookie(secure: bool) -> String {
    with_attributes("", 0, secure)
}

#[cfg(feature = "ssr")]
fn with_attributes(value: &str, max_age: u32, secure: bool) -> String {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The flash in a cookie value, if the server signed it.
#[cfg(feature = "ssr")]
pub fn read(raw: &str, key: &crate::signing::ServerKey) -> Option<Flash> {
    Flash::decode(key.verify(PURPOSE, raw)?)
}

/// Sets the flash cookie on the current response.
#[cfg(feature = "ssr")]
pub fn set(flash: Flash) {
    let Ok(state) = crate::state::AppState::current() else { return };
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = http::HeaderValue::from_str(&cookie(&flash, &state.settings)) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
}

/// Reads the flash of the current request, and clears it so that it shows once.
#[cfg(feature = "ssr")]
pub fn take() -> Option<Flash> {
    use leptos::prelude::use_context;
    let parts = use_context::<http::request::Parts>()?;
    let state = crate::state::AppState::try_current()?;
    let secure = state.settings.secure_cookies;
    let raw = crate::cookies::cookie_value(&parts.headers, cookie_name(secure))?;
    if let (Some(response), Ok(clear)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&clear_cookie(secure)))
    {
        response.append_header(http::header::SET_COOKIE, clear);
    }
    read(&raw, &state.settings.key)
}

#[cfg(not(feature = "ssr"))]
pub fn take() -> Option<Flash> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_cookie_encoding() {
        let mut values = BTreeMap::new();
        values.insert("name".to_string(), "Ministry <of> \"Foreign\" Affairs; x".to_string());
        let flash =
            Flash::from_error(&AppError::field("name", "Too long"), Some("/api/agencies/create".into()), values);
        let decoded = Flash::decode(&flash.encode()).unwrap();
        assert_eq!(decoded, flash);
        assert!(decoded.for_form("/api/agencies/create"));
        assert_eq!(decoded.error_for("name"), Some("Too long"));
    }

    #[test]
    fn oversized_flash_drops_values_but_keeps_errors() {
        let mut values = BTreeMap::new();
        for i in 0..40 {
            values.insert(format!("f{i}"), "x".repeat(400));
        }
        let flash = Flash::from_error(&AppError::field("name", "Required"), None, values);
        let encoded = flash.encode();
        assert!(encoded.len() <= MAX_ENCODED);
        let decoded = Flash::decode(&encoded).unwrap();
        assert!(decoded.values.is_empty());
        assert_eq!(decoded.error_for("name"), Some("Required"));
    }

    #[test]
    fn garbage_cookies_are_ignored() {
        assert_eq!(Flash::decode("zz"), None);
        assert_eq!(Flash::decode("abc"), None);
        assert_eq!(Flash::decode(""), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn only_a_flash_the_server_signed_is_read() {
        let settings = crate::state::Settings::new("http://127.0.0.1:3000");
        let key = &settings.key;
        let flash = Flash::notice("Saved.");
        let set = cookie(&flash, &settings);
        let value = set.strip_prefix("hub_flash=").and_then(|v| v.split(';').next()).unwrap();
        assert_eq!(read(value, key), Some(flash.clone()));
        // Planted by someone without the key: unsigned, or signed with another key.
        assert_eq!(read(&flash.encode(), key), None);
        assert_eq!(read(value, &crate::signing::ServerKey::random()), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn l10_on_https_the_flash_cookie_is_secure_and_host_bound() {
        let https = crate::state::Settings::new("https://hub.example");
        let set = cookie(&Flash::notice("Saved."), &https);
        assert!(set.starts_with("__Host-hub_flash="), "{set}");
        assert!(set.ends_with("; Secure") && set.contains("; Path=/;") && !set.contains("Domain"), "{set}");
        let value = set.strip_prefix("__Host-hub_flash=").and_then(|v| v.split(';').next()).unwrap();
        assert_eq!(read(value, &https.key), Some(Flash::notice("Saved.")));
        assert_eq!(clear_cookie(true), "__Host-hub_flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure");

        // Plain http (a local or demo server): no prefix and no `Secure`, which browsers would drop.
        let http = crate::state::Settings::new("http://127.0.0.1:3000");
        let set = cookie(&Flash::notice("Saved."), &http);
        assert!(set.starts_with("hub_flash=") && !set.contains("Secure"), "{set}");
        assert_eq!(clear_cookie(false), "hub_flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    }

    #[test]
    fn passwords_are_never_echoed() {
        #[derive(Serialize)]
        struct Login {
            email: String,
            password: String,
            next: String,
        }
        let echoed =
            echo_values(&Login { email: "a@b.org".into(), password: "secret".into(), next: "//evil.example".into() });
        assert_eq!(echoed.get("email").map(String::as_str), Some("a@b.org"));
        assert!(!echoed.contains_key("password"));
        assert!(!echoed.contains_key("next"), "where to go after sign-in comes from the URL only");
    }
}
