//! Funding: donors' agreements and the money set aside from them for placements. `rules.rs`
//! holds the earmark, total, utilisation and alert rules (pure, unit-tested); `agreements.rs`
//! the agreements (a resource: list, form, CSV); `commitments.rs` committing money to a
//! placement in one transaction with its checks, mail and alerts; `api.rs` the reporting views and
//! their server functions, `service/reporting.rs` their figures, `pages.rs` the agreement's
//! figures and commitments, and the donor's own view; `charts.rs` its
//! SVG charts; `iati.rs` the IATI file, whose sums
//! `disclosure.rs` chooses.

use serde::{Deserialize, Serialize};

use agreements::{AgreementView, DonorAgreementView};
use commitments::CommitmentLine;

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

/// An agreement's figures in the reporting currency, at the rate of a stated date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reporting {
    pub total: crate::domain::Money,
    pub committed: crate::domain::Money,
    pub spent: crate::domain::Money,
    /// "at 0.6543 (Reserve Bank, 2027-03-01)", or why there are no figures.
    pub basis: String,
    pub available: bool,
}

/// What the agreement page adds to the form: its commitments and the open placements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commitments {
    pub lines: Vec<CommitmentLine>,
    /// Open placements as (id, label), for the commitment form.
    pub placements: Vec<(String, String)>,
    pub can_commit: bool,
    pub expenditures: Vec<expenditures::ExpenditureLine>,
    /// Placements with commitments under this agreement, as (id, officer), for spending.
    pub committed: Vec<(String, String)>,
    pub reporting: Reporting,
}

/// The donor's view of its own funding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundingOfDonor {
    pub agreements: Vec<DonorAgreementView>,
    /// The figures of each agreement in the reporting currency, in the same order.
    pub reporting: Vec<Reporting>,
    /// Placements its agreements fund that are under way, first to start first (at most
    /// [`DONOR_PLACEMENTS_SHOWN`]): (id, officer, host agency, state label).
    pub placements: Vec<(String, String, String, String)>,
    /// How many placements its agreements fund, and how many of those are under way.
    pub placements_funded: u64,
    pub placements_under_way: u64,
    /// Accepted reports shared with it: (id, title, officer).
    pub reports: Vec<(String, String, String)>,
}

/// How many funded placements under way, and shared reports, the donor's home lists; the rest
/// are in the lists they link to.
pub const DONOR_PLACEMENTS_SHOWN: usize = 25;

pub const DONOR_REPORTS_SHOWN: usize = 20;

/// One agreement's printable report: cover, figures, chart, placements, outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrintableReport {
    /// As its donor is shown it, whoever prints it.
    pub agreement: DonorAgreementView,
    pub reporting: Reporting,
    /// (officer, sending agency, host agency, period, state label)
    pub placements: Vec<(String, String, String, String, String)>,
    /// (theme, accepted reports shared) of the funded placements.
    pub outcomes: Vec<(String, u64)>,
    pub printed_on: chrono::NaiveDate,
}
