//! CSV exports of the admin lists: `GET /export/{list}.csv` with the same filters and sort as
//! the page. Plain axum handlers, so they check access themselves with the shared guard. A user
//! downloads at most [`limits::EXPORTS_AT_ONCE`] at once (see `crate::limits`).

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

use crate::admin::{agencies::Agencies, donors::Donors, members::Members, themes::Themes, users::Users};
use crate::auth::guard::{self, Access, ADMIN, STAFF};
use crate::error::AppError;
use crate::limits::{self, Permit};
use crate::listing::ListQuery;
use crate::resource;
use crate::resource::csv::CsvExport;
use crate::state::AppState;

pub async fn handler(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let query = ListQuery::from_lookup(|k| query.get(k).cloned());
    match export(&state, &file, &query, &headers).await {
        Ok((body, place)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            holding(body, place),
        )
            .into_response(),
        Err(error) => refusal(error),
    }
}

/// The answer to a refused download; one refused for too many at once says when to come back.
pub fn refusal(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = (status, error.to_string()).into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        response.headers_mut().insert(header::RETRY_AFTER, limits::RETRY_AFTER_SECONDS.into());
    }
    response
}

/// The body with the user's export place held until it has been sent whole, or cut off.
pub fn holding(body: Body, place: Permit) -> Body {
    Body::from_stream(body.into_data_stream().map(move |chunk| {
        let _held = &place;
        chunk
    }))
}

fn access_for(list: &str) -> Option<Access<'static>> {
    match list {
        "members.csv" | "agencies.csv" | "donors.csv" | "themes.csv" | "mail.csv" => Some(STAFF),
        "users.csv" | "audit.csv" | "access.csv" => Some(ADMIN),
        "nominations.csv" => Some(crate::nominations::service_access::READERS),
        "placements.csv" => Some(Access::Roles(crate::placements::READERS)),
        "reports.csv" | "outcomes.csv" => Some(Access::Roles(crate::reports::READERS)),
        "agreements.csv" | "calls.csv" => Some(STAFF),
        "funding.csv" | "funded-placements.csv" => {
            Some(Access::Roles(&[crate::auth::Role::Admin, crate::auth::Role::Coordinator, crate::auth::Role::Donor]))
        }
        _ => None,
    }
}

async fn export(
    state: &AppState,
    file: &str,
    query: &ListQuery,
    headers: &HeaderMap,
) -> Result<(Body, Permit), AppError> {
    let access = access_for(file).ok_or(AppError::NotFound)?;
    let user = guard::user_from_headers(state, headers).await?;
    let user = guard::check(user, access)?;
    let place = state.limits.export(&user)?;
    let body = match file {
        "members.csv" => resource::csv::<Members>(state, &user, query).await.map(CsvExport::into_body),
        "agencies.csv" => resource::csv::<Agencies>(state, &user, query).await.map(CsvExport::into_body),
        "donors.csv" => resource::csv::<Donors>(state, &user, query).await.map(CsvExport::into_body),
        "themes.csv" => resource::csv::<Themes>(state, &user, query).await.map(CsvExport::into_body),
        "users.csv" => resource::csv::<Users>(state, &user, query).await.map(CsvExport::into_body),
        "audit.csv" => crate::audit::service::csv(state, query).await.map(CsvExport::into_body),
        "access.csv" => crate::audit::access_service::csv(state, query).await.map(CsvExport::into_body),
        "mail.csv" => crate::notifications::service::csv(state, query).await.map(CsvExport::into_body),
        "nominations.csv" => crate::nominations::service::csv(state, &user, query).await.map(CsvExport::into_body),
        "placements.csv" => crate::placements::service::csv(state, &user, query).await.map(CsvExport::into_body),
        "reports.csv" => crate::reports::service::csv(state, &user, query).await.map(CsvExport::into_body),
        "outcomes.csv" => crate::reports::service::outcomes::csv(state, &user, query).await.map(Body::from),
        "agreements.csv" => {
            resource::csv::<crate::funding::agreements::Agreements>(state, &user, query).await.map(CsvExport::into_body)
        }
        "calls.csv" => resource::csv::<crate::calls::Calls>(state, &user, query).await.map(CsvExport::into_body),
        "funding.csv" => crate::funding::service::reporting::figures_csv(state, &user).await.map(Body::from),
        "funded-placements.csv" => {
            crate::funding::service::reporting::placements_csv(state, &user).await.map(Body::from)
        }
        _ => Err(AppError::NotFound),
    }?;
    Ok((body, place))
}

/// Every export path, for the access test.
pub const EXPORTS: &[&str] = &[
    "members.csv",
    "agencies.csv",
    "donors.csv",
    "themes.csv",
    "users.csv",
    "audit.csv",
    "access.csv",
    "mail.csv",
    "nominations.csv",
    "placements.csv",
    "reports.csv",
    "outcomes.csv",
    "agreements.csv",
    "calls.csv",
    "funding.csv",
    "funded-placements.csv",
];
