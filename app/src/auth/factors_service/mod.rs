//! The work behind `factors`: an authenticator app's set-up and codes, recovery codes, the
//! second step of a sign-in, and an administrator's reset. Every change is one transaction
//! with its audit entry (and its e-mail).

use leptos::prelude::use_context;
use surrealdb::types::{RecordId, SurrealValue};

use super::factors::{AppSetupView, CodeForm, PasskeyView, ResetForm, SecurityView, SignInView, WaitingView};
use super::session::Factor;
use super::totp;
use crate::audit::{self, Actor};
use crate::auth::{attempts, signin, CurrentUser, Role};
use crate::db::{self, v, Tx};
use crate::error::{AppError, FieldErrors};
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients::Recipient;
use crate::notifications::templates::{AccountMail, MailContent};
use crate::notifications::EventKind;
use crate::state::AppState;

mod reset;
mod second_step;
mod settings;

pub use reset::*;
pub use second_step::*;
pub use settings::*;

/// What the server key seals or digests, each with a key of its own.
const APP_SECRET: &str = "totp-secret";
const RECOVERY_DISPLAY: &str = "recovery-display";
const RECOVERY_DIGEST: &str = "recovery-code";
/// An app set-up not confirmed within this time starts again with a new secret.
const SETUP_MINUTES: i64 = 30;
/// New recovery codes are shown on the next page within this time, and never again.
const SHOW_MINUTES: i64 = 15;

const ISSUER: &str = "Secondment Hub";

fn unix(at: chrono::DateTime<chrono::Utc>) -> u64 {
    at.timestamp().max(0) as u64
}

fn code_error(message: &str) -> AppError {
    AppError::field("code", message)
}

#[derive(Debug, SurrealValue)]
struct FactorsRow {
    totp_enabled_at: Option<chrono::DateTime<chrono::Utc>>,
    recovery_left: i64,
}

#[derive(Debug, SurrealValue)]
struct PasskeyRow {
    id: RecordId,
    name: String,
    created_at: chrono::DateTime<chrono::Utc>,
    last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, SurrealValue)]
struct SignInRow {
    at: chrono::DateTime<chrono::Utc>,
    address: String,
    browser: String,
    factor: String,
    new_browser: bool,
}
