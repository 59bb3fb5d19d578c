//! Who is calling: roles, sessions, passwords, the login throttle, and the one guard that every
//! server function calls first.

pub mod accounts;
pub mod api;
#[cfg(feature = "ssr")]
pub mod attempts;
pub mod model;
pub mod pages;
pub mod password_policy;
pub mod throttle;

#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod signing;
#[cfg(feature = "ssr")]
pub mod tokens;

pub use model::{CurrentUser, NamedRef, Role};
