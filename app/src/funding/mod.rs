//! Funding: donors' agreements and the money set aside from them for placements. `rules.rs`
//! holds the earmark, total, utilisation and alert rules (pure, unit-tested); `agreements.rs`
//! the agreements (a resource: list, form, CSV); `commitments.rs` committing money to a
//! placement in one transaction with its checks, mail and alerts; `api.rs` the reporting views and
//! their server functions, `service/reporting.rs` their figures, `pages.rs` the agreement's
//! figures and commitments, and the donor's own view; `charts.rs` its
//! SVG charts; `iati.rs` the IATI file, whose sums
//! `disclosure.rs` chooses.

pub mod agreements;
pub mod api;
pub mod charts;
pub mod commitments;
pub mod disclosure;
pub mod expenditures;
pub mod iati;
pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

/// The currencies offered for agreements (any ISO 4217 code is valid where a code is typed).
pub const CURRENCIES: &[&str] =
    &["AUD", "NZD", "USD", "EUR", "GBP", "JPY", "KRW", "THB", "SGD", "MYR", "IDR", "LKR", "VND", "PHP"];
