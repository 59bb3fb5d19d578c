//! Who is calling: roles, sessions, passwords, second factors (authenticator apps, recovery
//! codes, passkeys), the sign-in throttle, and the one guard that every server function calls
//! first.

pub mod accounts;
pub mod accounts_api;
pub mod api;
#[cfg(feature = "ssr")]
pub mod attempts;
pub mod browser;
pub mod factors;
pub mod factors_api;
#[cfg(feature = "ssr")]
pub mod factors_service;
pub mod forms;
pub mod model;
pub mod next;
pub mod pages;
pub mod passkeys;
pub mod passkeys_api;
pub mod password_policy;
pub mod security_pages;
pub mod throttle;

#[cfg(feature = "ssr")]
pub mod accounts_service;
#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod key_store;
#[cfg(feature = "ssr")]
pub mod passkeys_service;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
mod password_service;
#[cfg(feature = "ssr")]
pub mod purge;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod signin;
#[cfg(feature = "ssr")]
pub mod tokens;
#[cfg(feature = "ssr")]
pub mod totp;

pub use model::{CurrentUser, NamedRef, Role};

/// The assignment that voids a user's calendar address (`$user`'s row is being updated): part of
/// every statement that changes what the address was trusted with (a new password, a reset,
/// disabling the account).
pub const NEW_CALENDAR_ADDRESS: &str = "calendar_generation = (calendar_generation ?? 0) + 1";
