//! Signing in with a password, signing out, and changing one's password (ssr).

use leptos::prelude::use_context;
use surrealdb::types::{RecordId, SurrealValue};

use super::forms::{LoginForm, PasswordForm, SignInStep};
use crate::audit::{self, Actor};
use crate::auth::model::CurrentUser;
use crate::auth::{attempts, password, password_policy, session, signin, tokens};
use crate::db;
use crate::error::{AppError, FieldErrors};
use crate::state::AppState;

const WRONG: &str = "The e-mail address or password is not correct.";

#[derive(Debug, SurrealValue)]
struct Credentials {
    id: RecordId,
    password_hash: Option<String>,
    disabled: bool,
}

#[tracing::instrument(skip_all, fields(email_domain = %crate::notifications::rules::domain_of(&form.email)))]
pub async fn login(form: &LoginForm) -> Result<SignInStep, AppError> {
    let state = AppState::current()?;
    let email = form.email.trim().to_lowercase();
    let mut errors = FieldErrors::new();
    if email.is_empty() {
        errors.add("email", "Enter your e-mail address.");
    } else if email.len() > 254 {
        errors.add("email", WRONG);
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password.");
    }
    errors.finish(|| ())?;

    let parts = use_context::<http::request::Parts>();
    let caller = attempts::admit(&state, &email, parts.as_ref()).await?;

    let mut r = state
        .db
        .query("SELECT id, password_hash, disabled FROM user WHERE email = $email LIMIT 1")
        .bind(("email", email.clone()))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("login lookup"))?;
    let found: Option<Credentials> = r.take(0).map_err(db::fail("login decode"))?;
    // Overlong passwords are never hashed (argon2 cost), but still take the time of a check.
    let password = if form.password.len() > 1024 { String::new() } else { form.password.clone() };
    let stored = found.as_ref().and_then(|c| c.password_hash.clone());
    let matches = password::verify(password, stored).await?;
    let user = match found {
        Some(c) if matches && !c.disabled => c,
        _ => {
            return Err(AppError::Invalid {
                message: WRONG.into(),
                errors: vec![crate::error::FieldError { field: "password".into(), message: WRONG.into() }],
            });
        }
    };

    attempts::succeeded(&state, &email, &caller).await?;
    let who = signin::Verified {
        user: &user.id,
        email: &email,
        next: crate::auth::next::safe_next(&form.next),
        known_device: matches!(caller, attempts::Caller::KnownDevice(_)),
    };
    let second_step = signin::after_password(&state, parts.as_ref(), who).await?;
    Ok(if second_step { SignInStep::SecondFactor } else { SignInStep::SignedIn })
}

#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn logout(user: &CurrentUser) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let session_cookie = session::cookie_name(state.settings.secure_cookies);
    if let Some(parts) = use_context::<http::request::Parts>() {
        if let Some(token) = crate::cookies::cookie_value(&parts.headers, session_cookie) {
            session::revoke(&state, &token).await?;
        }
    }
    tracing::info!(user = %user.id, "signed out");
    signin::set_cookie(&session::clear_cookie(state.settings.secure_cookies));
    Ok(crate::api::Done::new("You are signed out.", "/login"))
}

#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn change_password(user: &CurrentUser, form: &PasswordForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let mut errors = FieldErrors::new();
    if form.current_password.is_empty() {
        errors.add("current_password", "Enter your current password.");
    }
    if let Err(message) = password_policy::check_new_password(&form.new_password, &user.email) {
        errors.add("new_password", message);
    }
    if form.confirm_password != form.new_password {
        errors.add("confirm_password", "The two new passwords do not match.");
    }
    errors.finish(|| ())?;

    let user_id = db::rid("user", &user.id);
    let mut r = state
        .db
        .query("SELECT id, password_hash, disabled FROM ONLY $user")
        .bind(("user", user_id.clone()))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("password lookup"))?;
    let found: Option<Credentials> = r.take(0).map_err(db::fail("password decode"))?;
    let stored = found.and_then(|c| c.password_hash);
    let current = if form.current_password.len() > 1024 { String::new() } else { form.current_password.clone() };
    attempts::admit_password_check(&state, &user.email).await?;
    if !password::verify(current, stored).await? {
        return Err(AppError::field("current_password", "Your current password is not correct."));
    }
    let new_hash = password::hash(form.new_password.clone()).await?;

    // The new password, the end of every other session of this user, a new calendar
    // address, and the audit entry: together. This browser stays signed in.
    let current = use_context::<http::request::Parts>()
        .and_then(|p| crate::cookies::cookie_value(&p.headers, session::cookie_name(state.settings.secure_cookies)))
        .map(|token| session::record(&token));
    let (user_id_ref, new_hash, current) = (&user_id, &new_hash, &current);
    db::transact(&state, |tx| async move {
        tx.run(
            &format!(
                "UPDATE $user SET password_hash = $hash, {}; {} {}",
                crate::auth::NEW_CALENDAR_ADDRESS,
                session::REVOKE_ALL_OF_USER_BUT,
                tokens::VOID_ALL_OF_USER
            ),
            vec![
                ("user", db::v(user_id_ref.clone())),
                ("hash", db::v(new_hash.clone())),
                ("keep", db::v(current.clone())),
            ],
        )
        .await?;
        audit::record(&tx, &Actor::user(user), "password_changed", "user", &user.id, None, None).await
    })
    .await?;
    Ok(crate::api::Done::new(
        "Your password was changed. Other sessions were signed out, and your calendar address was renewed.",
        "/account",
    ))
}
