//! The server functions of nominations: each checks who is calling, calls the service, and answers.

use super::*;

#[server(endpoint = "nominations/list")]
pub async fn list_nominations(#[server(flatten)] query: ListQuery) -> Result<NominationList, AppError> {
    let user = crate::auth::guard::require(service_access::READERS).await?;
    crate::api::answer(super::service::list(&user, &query).await)
}

/// What waits for the caller on the home page, with the counts by state: a nominator's
/// nominations sent back for changes, or the submitted ones RSO staff are to review (the
/// same for all staff, so shared: see `crate::cache`).
#[server(endpoint = "nominations/waiting")]
pub async fn waiting_nominations() -> Result<NominationList, AppError> {
    let user = crate::auth::guard::require(service_access::READERS).await?;
    let waiting = if user.role == crate::auth::Role::Nominator {
        NominationState::ChangesRequested
    } else {
        NominationState::Submitted
    };
    let query = ListQuery { status: waiting.as_str().to_string(), ..Default::default() };
    static SHARED: crate::cache::Shared<NominationList> = crate::cache::Shared::new();
    crate::api::answer(SHARED.get_if_staff(&user, || super::service::list(&user, &query)).await)
}

#[server(endpoint = "nominations/ages")]
pub async fn nomination_ages() -> Result<Vec<StateAge>, AppError> {
    crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    static SHARED: crate::cache::Shared<Vec<StateAge>> = crate::cache::Shared::new();
    let today = crate::state::AppState::current()?.clock.today();
    crate::api::answer(SHARED.get(today, super::service::ages).await)
}

#[server(endpoint = "nominations/get")]
pub async fn get_nomination(#[server(default)] id: String) -> Result<NominationPage, AppError> {
    let user = crate::auth::guard::require(service_access::READERS).await?;
    crate::api::answer(super::service::get(&user, &id).await)
}

/// The new-nomination form, filled from one of the caller's agency's earlier nominations: the
/// officer and the secondment, not the period, the documents or the history.
#[server(endpoint = "nominations/start-from")]
pub async fn start_from_nomination(#[server(default)] id: String) -> Result<NominationPage, AppError> {
    let user = crate::auth::guard::require(service_access::NOMINATORS).await?;
    crate::api::answer(super::service::start_from(&user, &id).await)
}

#[server(endpoint = "nominations/save")]
pub async fn save_nomination(#[server(flatten)] form: NominationForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(service_access::NOMINATORS).await?;
    let result = super::service::save(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "nominations/act")]
pub async fn act_on_nomination(#[server(flatten)] form: ActionForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(service_access::ACTORS).await?;
    let result = super::service::act(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "nominations/comment")]
pub async fn comment_on_nomination(#[server(flatten)] form: ActionForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(service_access::ACTORS).await?;
    let result = super::service::comment(&user, &form).await;
    crate::api::respond(result, &form)
}
