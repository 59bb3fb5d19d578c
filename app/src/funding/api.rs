//! Funding's reporting views and their server functions: an agreement's commitments and
//! figures, the donor's own funding, the utilisation of every agreement, and the printable
//! report. The work is in `service::reporting`.

use super::agreements::{AgreementView, DonorAgreementView};
use super::commitments::CommitmentLine;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
    pub expenditures: Vec<super::expenditures::ExpenditureLine>,
    /// Placements with commitments under this agreement, as (id, officer), for spending.
    pub committed: Vec<(String, String)>,
    pub reporting: Reporting,
}

#[server(endpoint = "agreements/commitments")]
pub async fn agreement_commitments(#[server(default)] id: String) -> Result<Commitments, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(super::service::reporting::commitments(&user, &id).await)
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

#[server(endpoint = "funding/mine")]
pub async fn donor_funding() -> Result<FundingOfDonor, AppError> {
    use crate::auth::Role;
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(&[Role::Donor])).await?;
    crate::api::answer(super::service::reporting::donor(&user).await)
}

/// Utilisation of each agreement under way, for the coordinator's dashboard.
#[server(endpoint = "funding/utilisation")]
pub async fn utilisation() -> Result<Vec<AgreementView>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    // Every agreement, the same for all RSO staff (see `crate::cache`).
    static SHARED: crate::cache::Shared<Vec<AgreementView>> = crate::cache::Shared::new();
    crate::api::answer(SHARED.get_if_staff(&user, || super::service::reporting::under_way(&user)).await)
}

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

#[server(endpoint = "funding/report")]
pub async fn agreement_report(#[server(default)] id: String) -> Result<PrintableReport, AppError> {
    use crate::auth::Role;
    let roles = &[Role::Admin, Role::Coordinator, Role::Donor];
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(roles)).await?;
    crate::api::answer(super::service::reporting::report(&user, &id).await)
}
