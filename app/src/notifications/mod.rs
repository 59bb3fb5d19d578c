//! E-mail notifications: a transactional outbox, templates, recipients, the delivery worker and
//! the mail log. A change writes its e-mails into the outbox in its own transaction; the worker
//! delivers them over SMTP afterwards, with retries, and never twice.

pub mod api;
pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod recipients;
#[cfg(feature = "ssr")]
pub mod templates;
#[cfg(feature = "ssr")]
pub mod worker;

pub use rules::{DeliveryState, EventKind};
