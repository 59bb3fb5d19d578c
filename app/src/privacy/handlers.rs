//! The two ways to a personal data copy, as plain axum handlers (a ZIP is not a server
//! function's answer): `GET /account/my-data.zip`, anyone's own, and
//! `POST /admin/personal-data/copy`, an administrator's for a person named by address. Each
//! copy is in the access log; an administrator's is also in the audit trail with its reason.

use axum::extract::{Form, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};

use super::copy::{self, PersonalCopy};
use super::{file_name, CopyRequest, REQUEST_PAGE};
use crate::audit::access::{self, ReadKind};
use crate::audit::{self, Actor};
use crate::auth::guard::{self, Access, ADMIN};
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::Email;
use crate::error::AppError;
use crate::state::AppState;

/// Where an administrator's copy form posts.
pub const COPY_ACTION: &str = "/admin/personal-data/copy";

/// `GET /account/my-data.zip`: the caller's own copy.
pub async fn own(State(state): State<AppState>, request: Parts) -> Response {
    let made = async {
        let user = guard::check(guard::user_from_headers(&state, &request.headers).await?, Access::SignedIn)?;
        let email =
            Email::parse(&user.email).map_err(|_| AppError::internal("own copy", "a stored address is invalid"))?;
        let copy = copy::gather(&state, &email).await?.ok_or(AppError::NotFound)?;
        logged(&state, &user, &request, &copy, "their own copy", None).await?;
        Ok::<_, AppError>(copy)
    };
    match made.await {
        Ok(copy) => zip_response(&state, copy),
        Err(AppError::Unauthenticated) => axum::response::Redirect::to("/login?next=/account").into_response(),
        Err(error) => refusal(error),
    }
}

/// `POST /admin/personal-data/copy` with `email` and `reason`: an administrator's copy of a
/// person's data. A refusal goes back to the form with its messages.
pub async fn for_person(State(state): State<AppState>, request: Parts, Form(form): Form<CopyRequest>) -> Response {
    let user = match guard::user_from_headers(&state, &request.headers).await.and_then(|u| guard::check(u, ADMIN)) {
        Ok(user) => user,
        Err(AppError::Unauthenticated) => return axum::response::Redirect::to("/login").into_response(),
        Err(AppError::Forbidden) => {
            let message =
                "Only an administrator can make a copy of another person's data. Your own is on your account page.";
            return (StatusCode::FORBIDDEN, message).into_response();
        }
        Err(error) => return refusal(error),
    };
    let made = async {
        let (email, reason) = form.validate()?;
        let copy = copy::gather(&state, &email).await?.ok_or_else(|| {
            AppError::field("email", "Nobody with this address is named in the Hub: check it against the request.")
        })?;
        logged(&state, &user, &request, &copy, "a copy for a written request", Some(&reason)).await?;
        Ok::<_, AppError>(copy)
    };
    match made.await {
        Ok(copy) => zip_response(&state, copy),
        Err(error) => {
            let typed = [("email".to_string(), form.email.clone()), ("reason".to_string(), form.reason.clone())];
            let flash = crate::ui::flash::Flash::from_error(&error, Some(COPY_ACTION.to_string()), typed.into());
            crate::uploads::back(&state, REQUEST_PAGE, flash)
        }
    }
}

/// Writes the copy's access entry and, for an administrator's copy (`reason`), its audit entry,
/// in one transaction, before a byte of it is sent.
async fn logged(
    state: &AppState,
    user: &CurrentUser,
    request: &Parts,
    copy: &PersonalCopy,
    item: &str,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let address = crate::auth::attempts::client_address(state, Some(request));
    // The person's account when they have one; otherwise the address names them.
    let (table, key) = match &copy.user {
        Some(key) => ("user", key.as_str()),
        None => ("person", copy.email.as_str()),
    };
    db::transact(state, |tx| {
        let address = address.clone();
        async move {
            if let Some(reason) = reason {
                let after = serde_json::json!({ "email": copy.email, "reason": reason });
                audit::record(&tx, &Actor::user(user), "personal_data_copy", table, key, None, Some(&after)).await?;
            }
            let read = access::Read {
                reader: user,
                kind: ReadKind::PersonalCopy,
                record_table: table,
                record_key: key,
                item,
                address,
            };
            access::record(&tx, read).await
        }
    })
    .await
}

fn zip_response(state: &AppState, copy: PersonalCopy) -> Response {
    let name = file_name(&copy.email);
    let body = copy::archive(state, copy, state.clock.now());
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

fn refusal(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, error.to_string()).into_response()
}
