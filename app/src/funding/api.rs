//! Funding's server functions: an agreement's commitments and figures, the donor's own funding,
//! the utilisation of every agreement, the printable report; committing money, recording and
//! correcting expenditures, and the exchange rates. Each checks who is calling, calls the
//! service, and answers.

use super::commitments::CommitmentForm;
use super::expenditures::{ExpenditureForm, RateForm, RateLine, RatesImportForm, ReverseForm};
use super::*;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "agreements/commitments")]
pub async fn agreement_commitments(#[server(default)] id: String) -> Result<Commitments, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(super::service::reporting::commitments(&user, &id).await)
}

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

#[server(endpoint = "funding/report")]
pub async fn agreement_report(#[server(default)] id: String) -> Result<PrintableReport, AppError> {
    use crate::auth::Role;
    let roles = &[Role::Admin, Role::Coordinator, Role::Donor];
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(roles)).await?;
    crate::api::answer(super::service::reporting::report(&user, &id).await)
}

#[server(endpoint = "funding/commit")]
pub async fn commit(#[server(flatten)] form: CommitmentForm) -> Result<(), AppError> {
    use crate::auth::Role;
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(&[Role::Coordinator])).await?;
    let result = super::service::commitments::commit(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "funding/spend")]
pub async fn record_expenditure(#[server(flatten)] form: ExpenditureForm) -> Result<(), AppError> {
    use crate::auth::Role;
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(&[Role::Coordinator])).await?;
    let result = super::service::expenditures::record(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "funding/reverse")]
pub async fn reverse_expenditure(#[server(flatten)] form: ReverseForm) -> Result<(), AppError> {
    use crate::auth::Role;
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(&[Role::Coordinator])).await?;
    let result = super::service::expenditures::reverse(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "funding/rates/add")]
pub async fn add_rate(#[server(flatten)] form: RateForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    let result = super::service::expenditures::add_rate(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "funding/rates/import")]
pub async fn import_rates(#[server(flatten)] form: RatesImportForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    let result = super::service::expenditures::import(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "funding/rates")]
pub async fn list_rates() -> Result<Vec<RateLine>, AppError> {
    crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(super::service::expenditures::rates().await)
}
