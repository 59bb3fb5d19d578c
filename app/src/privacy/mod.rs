//! A person's own data: the copy of what the Hub holds about someone (a ZIP of JSON files and
//! their documents). Anyone signed in downloads their own from `/account`; an administrator
//! makes one for any person named in the Hub, by work e-mail, for a request made in writing,
//! with a reason that the audit trail keeps. Every copy is in the access log. An administrator
//! can also erase one officer's data now (`erasure.rs`), under retention's rules.

pub mod api;
pub mod pages;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod copy;
#[cfg(feature = "ssr")]
pub mod erasure;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod retention;

use serde::{Deserialize, Serialize};

use crate::domain::Email;
use crate::error::{AppError, FieldErrors};

/// Where an administrator asks for a person's copy (the page and the form's action).
pub const REQUEST_PAGE: &str = "/admin/personal-data";

/// Where anyone downloads their own copy.
pub const OWN_COPY: &str = "/account/my-data.zip";

/// An administrator's request for a person's copy, as posted.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CopyRequest {
    pub email: String,
    pub reason: String,
}

impl CopyRequest {
    /// The person's address and the reason, or the fields' messages.
    pub fn validate(&self) -> Result<(Email, String), AppError> {
        let mut errors = FieldErrors::new();
        let email = errors.take("email", Email::parse(&self.email));
        let reason = self.reason.trim();
        if reason.chars().count() < 10 {
            errors.add("reason", "Say why: the written request this answers (at least 10 characters).");
        } else if reason.chars().count() > 1000 {
            errors.add("reason", "At most 1,000 characters.");
        }
        errors.complete(|| Some((email?, reason.to_string())))
    }
}

/// The name of a person's copy: their address, made safe for a file name.
pub fn file_name(email: &str) -> String {
    let safe: String =
        email.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    format!("personal-data-{safe}.zip")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_needs_an_address_and_a_reason() {
        let request = CopyRequest { email: "not an address".into(), reason: "short".into() };
        let error = request.validate().unwrap_err();
        let fields: Vec<String> = error.field_errors().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["email", "reason"]);
        let request =
            CopyRequest { email: " Officer@Agency.example ".into(), reason: "Letter of 3 December 2026".into() };
        let (email, reason) = request.validate().unwrap();
        assert_eq!((email.as_str(), reason.as_str()), ("officer@agency.example", "Letter of 3 December 2026"));
    }

    #[test]
    fn a_copy_is_named_by_its_address() {
        assert_eq!(file_name("a.b@c.example"), "personal-data-a.b_c.example.zip");
        assert_eq!(file_name("x\"/..@y"), "personal-data-x__.._y.zip");
    }
}
