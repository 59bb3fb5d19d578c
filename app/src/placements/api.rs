//! The server functions of placements: each checks who is calling, calls the service, and answers.

use super::*;

#[server(endpoint = "placements/timeline")]
pub async fn placement_timeline(#[server(flatten)] query: crate::listing::ListQuery) -> Result<TimelineData, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(READERS)).await?;
    crate::api::answer(super::service::timeline(&user, &query).await)
}

/// The first placements of a window, for the dashboard (see `DASHBOARD_TIMELINE_ROWS`).
#[server(endpoint = "placements/ahead")]
pub async fn placements_ahead(#[server(flatten)] query: crate::listing::ListQuery) -> Result<TimelineData, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    let today = crate::state::AppState::current()?.clock.today();
    // The dashboard's own window is the same for all RSO staff: made once and shared.
    let dashboard = crate::listing::ListQuery {
        from: today.to_string(),
        to: crate::domain::add_months(today, 6).to_string(),
        ..Default::default()
    };
    let ahead = || super::service::timeline_of(&user, &query, super::service::DASHBOARD_TIMELINE_ROWS);
    static SHARED: crate::cache::Shared<TimelineData> = crate::cache::Shared::new();
    let data = if query == dashboard { SHARED.get(today, ahead).await } else { ahead().await };
    crate::api::answer(data)
}

#[server(endpoint = "placements/counts")]
pub async fn under_way_counts() -> Result<CountsUnderWay, AppError> {
    crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    static SHARED: crate::cache::Shared<CountsUnderWay> = crate::cache::Shared::new();
    let today = crate::state::AppState::current()?.clock.today();
    crate::api::answer(SHARED.get(today, super::service::counts).await)
}

#[server(endpoint = "placements/overview")]
pub async fn placement_overview() -> Result<PlacementsAtGlance, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(READERS)).await?;
    static SHARED: crate::cache::Shared<PlacementsAtGlance> = crate::cache::Shared::new();
    crate::api::answer(SHARED.get_if_staff(&user, || super::service::overview(&user)).await)
}

#[server(endpoint = "placements/list")]
pub async fn list_placements(#[server(flatten)] query: crate::listing::ListQuery) -> Result<PlacementList, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(READERS)).await?;
    crate::api::answer(super::service::list(&user, &query).await)
}

#[server(endpoint = "placements/get")]
pub async fn get_placement(#[server(default)] id: String) -> Result<PlacementDetail, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(READERS)).await?;
    crate::api::answer(super::service::get(&user, &id).await)
}

/// A coordinator's move: each form has its own endpoint, so its errors show at its own fields.
#[cfg(feature = "ssr")]
async fn coordinator_move(which: CoordinatorMove, form: PlacementActionForm) -> Result<(), AppError> {
    use crate::auth::{guard, Role};
    let user = guard::require(guard::Access::Roles(&[Role::Coordinator])).await?;
    let result = super::service::act(&user, which, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "placements/extend")]
pub async fn extend_placement(#[server(flatten)] form: PlacementActionForm) -> Result<(), AppError> {
    coordinator_move(CoordinatorMove::Extend, form).await
}

#[server(endpoint = "placements/end-early")]
pub async fn end_placement_early(#[server(flatten)] form: PlacementActionForm) -> Result<(), AppError> {
    coordinator_move(CoordinatorMove::EndEarly, form).await
}

#[server(endpoint = "placements/invite-secondee")]
pub async fn invite_secondee(#[server(flatten)] form: PlacementActionForm) -> Result<(), AppError> {
    use crate::auth::{guard, Role};
    let user = guard::require(guard::Access::Roles(&[Role::Coordinator])).await?;
    let result = super::service::invite_secondee(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "placements/cancel")]
pub async fn cancel_placement(#[server(flatten)] form: PlacementActionForm) -> Result<(), AppError> {
    coordinator_move(CoordinatorMove::Cancel, form).await
}
