//! The server functions of calls besides the resource's list, record and save: a coordinator's
//! moves, and the figures of a call's page.

use super::*;

#[server(endpoint = "calls/act")]
pub async fn act_on_call(#[server(flatten)] form: CallActionForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(COORDINATOR).await?;
    let result = super::service::act(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "calls/figures")]
pub async fn call_figures(#[server(default)] id: String) -> Result<CallProgress, AppError> {
    let user = crate::auth::guard::require(crate::calls::READERS).await?;
    crate::api::answer(super::service::figures(&user, &id).await)
}
