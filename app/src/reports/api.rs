//! The server functions of reports: each checks who is calling, calls the service, and answers.

use super::*;

/// A coordinator saves a cycle: one of the programme's defaults, or a placement's own.
#[server(endpoint = "reports/cycles/save")]
pub async fn save_cycle(#[server(flatten)] form: cycles::CycleForm) -> Result<(), AppError> {
    use crate::auth::Role;
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(&[Role::Coordinator])).await?;
    let result = super::service::save_cycle(&user, &form).await;
    crate::api::respond(result, &form)
}

/// The programme's default cycles, for the cycles page (RSO staff).
#[server(endpoint = "reports/cycles")]
pub async fn default_cycles() -> Result<Vec<CycleView>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(super::service::default_cycles(&user).await)
}

#[server(endpoint = "reports/overview")]
pub async fn reports_overview() -> Result<Vec<ReportsSection>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(READERS)).await?;
    static SHARED: crate::cache::Shared<Vec<ReportsSection>> = crate::cache::Shared::new();
    crate::api::answer(SHARED.get_if_staff(&user, || super::service::overview(&user)).await)
}

#[server(endpoint = "reports/list")]
pub async fn list_reports(#[server(flatten)] query: crate::listing::ListQuery) -> Result<ReportList, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(READERS)).await?;
    crate::api::answer(super::service::list(&user, &query).await)
}

#[server(endpoint = "reports/get")]
pub async fn get_report(#[server(default)] id: String) -> Result<ReportDetail, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(READERS)).await?;
    crate::api::answer(super::service::get(&user, &id).await)
}

/// The author saves a draft or submits. Who the author is is checked per report.
#[server(endpoint = "reports/save")]
pub async fn save_report(#[server(flatten)] form: ReportForm) -> Result<(), AppError> {
    use crate::auth::Role;
    let roles = &[Role::Secondee, Role::Host, Role::Coordinator];
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(roles)).await?;
    let result = super::service::save(&user, &form).await;
    crate::api::respond(result, &form)
}

/// A coordinator's step: each form has its own endpoint, so its errors show at its own fields.
#[cfg(feature = "ssr")]
async fn coordinator_step(action: &str, mut form: ReviewForm) -> Result<(), AppError> {
    use crate::auth::{guard, Role};
    let user = guard::require(guard::Access::Roles(&[Role::Coordinator])).await?;
    form.action = action.to_string();
    let result = super::service::review(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "reports/accept")]
pub async fn accept_report(#[server(flatten)] form: ReviewForm) -> Result<(), AppError> {
    coordinator_step("accept", form).await
}

#[server(endpoint = "reports/return")]
pub async fn return_report(#[server(flatten)] form: ReviewForm) -> Result<(), AppError> {
    coordinator_step("return", form).await
}

#[server(endpoint = "reports/reopen")]
pub async fn reopen_report(#[server(flatten)] form: ReviewForm) -> Result<(), AppError> {
    coordinator_step("reopen", form).await
}

/// Cancel or waive (`action` says which; anything else is refused).
#[server(endpoint = "reports/close")]
pub async fn close_report(#[server(flatten)] form: ReviewForm) -> Result<(), AppError> {
    let action = if form.action == "waive" { "waive" } else { "cancel" };
    coordinator_step(action, form).await
}

/// Share with the donor, or stop sharing (`action` = "unshare").
#[server(endpoint = "reports/share")]
pub async fn share_report(#[server(flatten)] form: ReviewForm) -> Result<(), AppError> {
    let action = if form.action == "unshare" { "unshare" } else { "share" };
    coordinator_step(action, form).await
}

#[server(endpoint = "reports/due-date")]
pub async fn move_report_due_date(#[server(flatten)] form: ReviewForm) -> Result<(), AppError> {
    coordinator_step("move_due", form).await
}

/// Accepted reports and placements by theme, and one theme's outcomes, in the caller's scope.
#[server(endpoint = "reports/outcomes")]
pub async fn outcomes_by_theme(
    #[server(flatten)] query: crate::listing::ListQuery,
) -> Result<outcomes::OutcomesData, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(super::READERS)).await?;
    crate::api::answer(super::service::outcomes::by_theme(&user, &query).await)
}
