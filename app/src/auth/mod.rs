//! Who is calling: roles, sessions, passwords, second factors (authenticator apps, recovery
//! codes, passkeys), the sign-in throttle, and the one guard that every server function calls
//! first.

pub mod accounts;
pub mod api;
#[cfg(feature = "ssr")]
pub mod attempts;
pub mod browser;
pub mod factors;
#[cfg(feature = "ssr")]
pub mod factors_service;
pub mod model;
pub mod pages;
pub mod passkeys;
pub mod password_policy;
pub mod security_pages;
pub mod throttle;

#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod purge;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod signin;
#[cfg(feature = "ssr")]
pub mod signing;
#[cfg(feature = "ssr")]
pub mod tokens;
#[cfg(feature = "ssr")]
pub mod totp;

pub use model::{CurrentUser, NamedRef, Role};
