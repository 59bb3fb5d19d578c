//! The sign-in and password-change forms, and where a sign-in stands after the password:
//! shared by the pages, the server functions and their service.

use serde::{Deserialize, Serialize};

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
