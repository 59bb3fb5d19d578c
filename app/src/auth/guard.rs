//! The one access check. Every server function calls [`require`] (or, for the few public ones,
//! [`public`]) before it does anything else; pages call it through their server functions.

use std::sync::Arc;

use leptos::prelude::use_context;
use tokio::sync::OnceCell;

use super::model::{CurrentUser, Role};
use super::session;
use crate::error::AppError;
use crate::state::AppState;

/// Who may call.
#[derive(Debug, Clone, Copy)]
pub enum Access<'a> {
    /// Any signed-in user.
    SignedIn,
    /// Only these roles.
    Roles(&'a [Role]),
    /// Any signed-in user, also a staff member who must still set up a second factor: the
    /// few functions that enrolment itself needs (the account page, the app and passkey set-up).
    Enrolling,
}

pub const ADMIN: Access<'static> = Access::Roles(&[Role::Admin]);
/// Reference data is read by the RSO staff as well as administered by admins.
pub const STAFF: Access<'static> = Access::Roles(&[Role::Admin, Role::Coordinator]);
/// The RSO coordinators alone: the programme's money and moves.
pub const COORDINATOR: Access<'static> = Access::Roles(&[Role::Coordinator]);

/// The user of this request, looked up once per request.
#[derive(Clone, Default)]
pub struct RequestUser(Arc<OnceCell<Option<CurrentUser>>>);

/// The signed-in user of the current request, if any.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let cache = use_context::<RequestUser>().unwrap_or_default();
    cache
        .0
        .get_or_try_init(|| async {
            let state = AppState::current()?;
            let Some(parts) = use_context::<http::request::Parts>() else {
                return Ok(None);
            };
            user_from_headers(&state, &parts.headers).await
        })
        .await
        .cloned()
}

/// The user behind a request's session cookie (for plain axum handlers, too).
pub async fn user_from_headers(state: &AppState, headers: &http::HeaderMap) -> Result<Option<CurrentUser>, AppError> {
    match crate::cookies::cookie_value(headers, session::cookie_name(state.settings.secure_cookies)) {
        Some(token) => session::lookup(state, &token).await,
        None => Ok(None),
    }
}

/// Allows `user` or refuses with the error to show.
pub fn check(user: Option<CurrentUser>, access: Access<'_>) -> Result<CurrentUser, AppError> {
    let user = user.ok_or(AppError::Unauthenticated)?;
    match access {
        Access::Enrolling => Ok(user),
        _ if user.must_enrol => Err(AppError::SecondFactorRequired),
        Access::SignedIn => Ok(user),
        Access::Roles(roles) if roles.contains(&user.role) => Ok(user),
        Access::Roles(_) => Err(AppError::Forbidden),
    }
}

/// The first call of every protected server function.
pub async fn require(access: Access<'_>) -> Result<CurrentUser, AppError> {
    let user = current_user().await?;
    let result = check(user, access);
    if let Err(error) = &result {
        crate::api::mark_error_response(error, None);
    }
    result
}

/// Marks a server function as deliberately open to anonymous callers (login, password reset).
/// Having to write it keeps the decision visible in review.
pub fn public() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> CurrentUser {
        CurrentUser {
            id: "u1".into(),
            email: "u@x.org".into(),
            name: "U".into(),
            role,
            agency: None,
            donor: None,
            must_enrol: false,
        }
    }

    #[test]
    fn a_staff_member_without_a_second_factor_may_only_enrol() {
        let enrolling = CurrentUser { must_enrol: true, ..user(Role::Admin) };
        assert_eq!(check(Some(enrolling.clone()), ADMIN), Err(AppError::SecondFactorRequired));
        assert_eq!(check(Some(enrolling.clone()), Access::SignedIn), Err(AppError::SecondFactorRequired));
        assert!(check(Some(enrolling), Access::Enrolling).is_ok());
        assert_eq!(check(None, Access::Enrolling), Err(AppError::Unauthenticated));
    }

    #[test]
    fn anonymous_callers_are_unauthenticated() {
        assert_eq!(check(None, Access::SignedIn), Err(AppError::Unauthenticated));
        assert_eq!(check(None, ADMIN), Err(AppError::Unauthenticated));
    }

    #[test]
    fn roles_outside_the_list_are_forbidden() {
        assert_eq!(check(Some(user(Role::Coordinator)), ADMIN), Err(AppError::Forbidden));
        assert!(check(Some(user(Role::Coordinator)), STAFF).is_ok());
        assert_eq!(check(Some(user(Role::Donor)), STAFF), Err(AppError::Forbidden));
        assert!(check(Some(user(Role::Donor)), Access::SignedIn).is_ok());
    }
}
