//! Second factors: what a person sees of their own (app, recovery codes, passkeys, sign-ins)
//! and the forms that set them up and use them, and an administrator's reset. The server
//! functions are in `factors_api`; the work is in `factors_service` (app codes, recovery
//! codes, the second step) and `passkeys`.

use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitingView {
    pub app: bool,
    pub passkeys: bool,
}
