//! Invitations and password resets: e-mailed single-use links that let a person choose a
//! password. Using one signs the user in and ends their other sessions.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    pub email: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NewPasswordForm {
    pub token: String,
    pub new_password: String,
    pub confirm_password: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    /// The user to (re-)invite.
    pub id: String,
}

pub const FORGOT_ANSWER: &str =
    "If an account exists for that address, we have sent it a link to choose a new password. The link works for one hour.";
