//! Sign-in server functions: login, logout, the current user, and changing one's password.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::CurrentUser;
use crate::error::AppError;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    /// Where to go after signing in (a local path).
    pub next: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    pub current_password: String,
    pub new_password: String,
    pub confirm_password: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NoInput {}

/// Public: signing in is what an anonymous caller does.
#[server(endpoint = "login")]
pub async fn login(#[server(flatten)] form: LoginForm) -> Result<(), AppError> {
    super::guard::public();
    let result = service::login(&form).await;
    crate::api::finish(result, &form)
}

#[server(endpoint = "logout")]
pub async fn logout(#[server(flatten)] form: NoInput) -> Result<(), AppError> {
    let user = super::guard::require(super::guard::Access::SignedIn).await?;
    let result = service::logout(&user).await;
    crate::api::finish(result, &form)
}

/// Public: answers `None` to an anonymous caller, and never more than the caller's own profile.
#[server(endpoint = "me")]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    super::guard::public();
    crate::api::answer(super::guard::current_user().await)
}

#[server(endpoint = "account/password")]
pub async fn change_password(#[server(flatten)] form: PasswordForm) -> Result<(), AppError> {
    let user = super::guard::require(super::guard::Access::SignedIn).await?;
    let result = service::change_password(&user, &form).await;
    crate::api::finish(result, &form)
}

/// A `next` parameter is followed only when it is a path on this site.
pub fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && next.len() < 300;
    if local && !next.starts_with("/api/") {
        next
    } else {
        "/"
    }
}

#[cfg(feature = "ssr")]
mod service {
    use chrono::{DateTime, Utc};
    use leptos::prelude::use_context;
    use surrealdb::types::{RecordId, SurrealValue};

    use super::{LoginForm, PasswordForm};
    use crate::audit::{self, Actor};
    use crate::auth::model::CurrentUser;
    use crate::auth::{password, password_policy, session, throttle};
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

    fn client_address() -> String {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip()))
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".into())
    }

    fn throttle_key(kind: &str, value: &str) -> String {
        // Keys must be safe record keys whatever the input: hash them.
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(format!("{kind}:{value}").as_bytes()))[..40].to_string()
    }

    /// Counts one sign-in attempt against `key` and returns the attempts in the current window,
    /// this one included. One atomic upsert, so parallel attempts are all counted.
    async fn count_attempt(state: &AppState, key: &str) -> Result<throttle::Window, AppError> {
        let id = db::rid("login_throttle", key);
        let id = &id;
        db::transact(state, |tx| async move {
            let since = tx.now() - chrono::Duration::minutes(throttle::WINDOW_MINUTES);
            let mut r = tx
                .run(
                    "UPSERT $id SET
                        failures = IF started > $since THEN (failures ?? 0) + 1 ELSE 1 END,
                        started = IF started > $since THEN started ELSE $now END
                     RETURN failures, started;",
                    vec![("id", db::v(id.clone())), ("since", db::v(since))],
                )
                .await?;
            let rows: Vec<ThrottleRow> = r.take(0).map_err(db::fail("throttle decode"))?;
            let row =
                rows.into_iter().next().ok_or_else(|| AppError::internal("throttle", "upsert returned nothing"))?;
            Ok(throttle::Window { started: row.started, attempts: row.failures.clamp(0, u32::MAX as i64) as u32 })
        })
        .await
    }

    #[derive(Debug, SurrealValue)]
    struct ThrottleRow {
        started: DateTime<Utc>,
        failures: i64,
    }

    #[tracing::instrument(skip_all, fields(email_domain = %crate::notifications::rules::domain_of(&form.email)))]
    pub async fn login(form: &LoginForm) -> Result<(), AppError> {
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

        // Every attempt is counted before the password is checked: parallel guesses cannot
        // slip past the limit, and past it no hash is computed at all.
        let account_key = throttle_key("account", &email);
        let address_key = throttle_key("address", &client_address());
        let account = count_attempt(&state, &account_key).await?;
        let address = count_attempt(&state, &address_key).await?;
        let now = state.clock.now();
        throttle::check(account, throttle::ACCOUNT_LIMIT, now)
            .and(throttle::check(address, throttle::ADDRESS_LIMIT, now))
            .map_err(|minutes| AppError::TooManyRequests(throttle::message(minutes)))?;

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
        let matches = password::verify(password, stored).await;
        let user = match found {
            Some(c) if matches && !c.disabled => c,
            _ => {
                return Err(AppError::Invalid {
                    message: WRONG.into(),
                    errors: vec![crate::error::FieldError { field: "password".into(), message: WRONG.into() }],
                });
            }
        };

        // A new token at every login; the one the browser had (if any) ends here.
        if let Some(parts) = use_context::<http::request::Parts>() {
            if let Some(old) = crate::cookies::cookie_value(&parts.headers, session::COOKIE) {
                session::revoke(&state, &old).await?;
            }
        }
        let token = session::create(&state, &user.id).await?;
        // The owner is in: their account's count starts again.
        db::write(&state, "DELETE $id", vec![("id", db::v(db::rid("login_throttle", &account_key)))]).await?;
        set_cookie(&session::set_cookie(&token, state.settings.secure_cookies));
        leptos_axum::redirect(super::safe_next(&form.next));
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user = %user.id))]
    pub async fn logout(user: &CurrentUser) -> Result<(), AppError> {
        let state = AppState::current()?;
        if let Some(parts) = use_context::<http::request::Parts>() {
            if let Some(token) = crate::cookies::cookie_value(&parts.headers, session::COOKIE) {
                session::revoke(&state, &token).await?;
            }
        }
        tracing::info!(user = %user.id, "signed out");
        set_cookie(&session::clear_cookie(state.settings.secure_cookies));
        crate::api::done("You are signed out.", "/login");
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user = %user.id))]
    pub async fn change_password(user: &CurrentUser, form: &PasswordForm) -> Result<(), AppError> {
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
        if !password::verify(current, stored).await {
            return Err(AppError::field("current_password", "Your current password is not correct."));
        }
        let new_hash = password::hash(form.new_password.clone()).await?;

        // The new password, the end of every session of this user, and the audit entry: together.
        let (user_id_ref, new_hash) = (&user_id, &new_hash);
        db::transact(&state, |tx| async move {
            tx.run(
                &format!("UPDATE $user SET password_hash = $hash; {}", session::REVOKE_ALL_OF_USER),
                vec![("user", db::v(user_id_ref.clone())), ("hash", db::v(new_hash.clone()))],
            )
            .await?;
            audit::record(&tx, &Actor::user(user), "password_changed", "user", &user.id, None, None).await
        })
        .await?;

        // Keep this browser signed in with a fresh session; every other one is gone.
        let token = session::create(&state, &user_id).await?;
        set_cookie(&session::set_cookie(&token, state.settings.secure_cookies));
        crate::api::done("Your password was changed. Other sessions were signed out.", "/account");
        Ok(())
    }

    fn set_cookie(value: &str) {
        if let (Some(response), Ok(value)) =
            (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(value))
        {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_only_followed_to_local_pages() {
        assert_eq!(safe_next("/admin/agencies?page=2"), "/admin/agencies?page=2");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/api/logout"), "/");
        assert_eq!(safe_next(""), "/");
    }
}
