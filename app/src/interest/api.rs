//! The server functions of expressions of interest: the public page, the form and the
//! confirmation (anyone: the signed form start and the signed link are their credentials), and
//! the coordinators' queue.

use leptos::prelude::*;

use super::*;

#[server(endpoint = "programme/page")]
pub async fn programme_page() -> Result<ProgrammeContent, AppError> {
    crate::auth::guard::public();
    crate::api::answer(super::service::public::page().await)
}

#[server(endpoint = "programme/enquire")]
pub async fn send_enquiry(#[server(flatten)] form: EnquiryForm) -> Result<(), AppError> {
    crate::auth::guard::public();
    let result = super::service::public::enquire(&form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "programme/confirm")]
pub async fn confirm_enquiry(#[server(flatten)] form: ConfirmForm) -> Result<(), AppError> {
    crate::auth::guard::public();
    let result = super::service::public::confirm(&form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "interest/list")]
pub async fn list_enquiries(#[server(default)] status: String) -> Result<EnquiryList, AppError> {
    crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(super::service::queue::list(&status).await)
}

#[server(endpoint = "interest/get")]
pub async fn get_enquiry(#[server(default)] id: String) -> Result<EnquiryRecord, AppError> {
    crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(super::service::queue::get(&id).await)
}

#[server(endpoint = "interest/act")]
pub async fn act_on_enquiry(#[server(flatten)] form: EnquiryActionForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::COORDINATOR).await?;
    let result = super::service::queue::act(&user, &form).await;
    crate::api::respond(result, &form)
}

#[server(endpoint = "interest/accept")]
pub async fn accept_enquiry(#[server(flatten)] form: AcceptForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::COORDINATOR).await?;
    let result = super::service::queue::accept(&user, &form).await;
    crate::api::respond(result, &form)
}
