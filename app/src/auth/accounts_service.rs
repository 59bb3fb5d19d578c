//! Invitations and password resets in the store: the single-use tokens, their mails, and a new password set through one (ssr).

use surrealdb::types::{RecordId, SurrealValue};

use leptos::prelude::use_context;

use super::accounts::*;
use crate::audit::{self, Actor};
use crate::auth::password_policy::check_new_password;
use crate::auth::tokens::{self, Purpose};
use crate::auth::{attempts, password, session, signin, CurrentUser, Role};
use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::error::FieldErrors;
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients::Recipient;
use crate::notifications::templates::MailContent;
use crate::state::AppState;

/// At most this many reset links per account and hour; further requests get the same
/// answer and send nothing.
const RESETS_PER_HOUR: i64 = 5;

#[derive(Debug, SurrealValue)]
struct Account {
    id: RecordId,
    email: String,
    name: String,
    role: String,
    disabled: bool,
}

async fn account_by(
    state: &AppState,
    condition: &str,
    var: surrealdb::types::Value,
) -> Result<Option<Account>, AppError> {
    let mut r = state
        .db
        .query(format!("SELECT id, email, name, role, disabled FROM user WHERE {condition} LIMIT 1"))
        .bind(("needle", var))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("account lookup"))?;
    let rows: Vec<Account> = r.take(0).map_err(db::fail("account decode"))?;
    Ok(rows.into_iter().next())
}

/// Queues an invitation for `user` inside `tx`.
pub async fn queue_invitation(
    tx: &Tx,
    state: &AppState,
    inviter: &CurrentUser,
    user: &RecordId,
    email: &str,
    name: &str,
    role: Role,
) -> Result<(), AppError> {
    let (token, token_key) = tokens::issue(tx, user, Purpose::Invitation).await?;
    let link = format!("{}{}?token={token}", state.settings.public_url, Purpose::Invitation.path());
    let recipient = Recipient { email: email.to_string(), name: name.to_string(), language: "en".into() };
    outbox::enqueue(
        tx,
        &state.settings.public_url,
        Outgoing {
            record_table: "account_token",
            record_key: &token_key,
            recipient: &recipient,
            content: MailContent::Invitation {
                name: name.to_string(),
                inviter: inviter.name.clone(),
                role: role.label().to_string(),
                link: link.clone(),
                valid_hours: Purpose::Invitation.valid_hours(),
            },
            link_path: format!("{}?token={token}", Purpose::Invitation.path()),
            secret: Some(token),
            not_before: None,
        },
    )
    .await
}

#[tracing::instrument(skip_all, fields(admin = %admin.id, user = %form.id))]
pub async fn invite(admin: &CurrentUser, form: &InviteForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let key = crate::api::parse_key(&form.id)?;
    let account = account_by(&state, "id = $needle", v(db::rid("user", &key))).await?.ok_or(AppError::NotFound)?;
    if account.disabled {
        return Err(AppError::Conflict("This account is disabled. Enable it before inviting.".into()));
    }
    let role = crate::db::stored::value::<Role>(&account.role)?;
    let (account, key, state_ref) = (&account, &key, &state);
    db::transact(&state, |tx| async move {
        queue_invitation(&tx, state_ref, admin, &account.id, &account.email, &account.name, role).await?;
        audit::record(&tx, &Actor::user(admin), "invited", "user", key, None, None).await
    })
    .await?;
    state.wake_mailer();
    Ok(crate::api::Done::new(format!("Invitation sent to {}.", account.email), format!("/admin/users/{key}")))
}

#[tracing::instrument(skip_all)]
pub async fn forgot(form: &ForgotForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let email = form.email.trim().to_lowercase();
    if email.is_empty() || email.len() > 254 {
        return Err(AppError::field("email", "Enter the e-mail address of your account."));
    }
    // Each request counts against its address like a sign-in attempt, so an anonymous
    // caller cannot make the server look up addresses (or send mail) without limit.
    let parts = use_context::<http::request::Parts>();
    attempts::admit_anonymous(&state, parts.as_ref()).await?;
    // The answer must not tell whether the address has an account, by its words or by its
    // time: the look-up and the mail happen after the answer, off the request path, in at
    // most RESETS_AT_ONCE tasks; a request beyond them sends nothing (and says the same).
    static RESETS_AT_ONCE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(16);
    match RESETS_AT_ONCE.try_acquire() {
        Ok(permit) => {
            let background = state.clone();
            tokio::spawn(async move {
                if let Err(error) = queue_reset(&background, &email).await {
                    tracing::warn!(%error, "password reset not queued");
                }
                drop(permit);
            });
        }
        Err(_) => tracing::warn!("too many password reset requests at once; this one is dropped"),
    }
    Ok(crate::api::Done::new(FORGOT_ANSWER, "/login"))
}

/// Queues a reset link for the account with this address, if there is an enabled one that
/// was sent fewer than [`RESETS_PER_HOUR`] links in the last hour (counted in the same
/// transaction, so parallel requests cannot exceed it).
async fn queue_reset(state: &AppState, email: &str) -> Result<(), AppError> {
    let Some(account) = account_by(state, "email = $needle", v(email.to_string())).await? else {
        return Ok(());
    };
    if account.disabled {
        return Ok(());
    }
    let account = &account;
    let queued = db::transact(state, |tx| async move {
        if tokens::recent_resets(&tx, &account.id).await? >= RESETS_PER_HOUR {
            return Ok(false);
        }
        let (token, token_key) = tokens::issue(&tx, &account.id, Purpose::Reset).await?;
        let path = format!("{}?token={token}", Purpose::Reset.path());
        let recipient = Recipient { email: account.email.clone(), name: account.name.clone(), language: "en".into() };
        let content = MailContent::PasswordReset {
            name: account.name.clone(),
            link: format!("{}{path}", state.settings.public_url),
            valid_hours: Purpose::Reset.valid_hours(),
        };
        let outgoing = Outgoing {
            record_table: "account_token",
            record_key: &token_key,
            recipient: &recipient,
            content,
            link_path: path,
            secret: Some(token),
            not_before: None,
        };
        outbox::enqueue(&tx, &state.settings.public_url, outgoing).await?;
        audit::record(&tx, &Actor::system(), "reset_requested", "user", &db::key(&account.id), None, None).await?;
        Ok(true)
    })
    .await?;
    if queued {
        state.wake_mailer();
    }
    Ok(())
}

#[tracing::instrument(skip_all, fields(purpose = purpose.as_str()))]
pub async fn set_password(form: &NewPasswordForm, purpose: Purpose) -> Result<(), AppError> {
    let state = AppState::current()?;
    let token = form.token.trim();
    // The e-mail of the account is not known before the token is checked; the policy's
    // "not your e-mail" rule is applied after.
    let mut errors = FieldErrors::new();
    if let Err(message) = check_new_password(&form.new_password, "") {
        errors.add("new_password", message);
    }
    if form.confirm_password != form.new_password {
        errors.add("confirm_password", "The two passwords do not match.");
    }
    errors.finish(|| ())?;
    // A bad link is refused before the new password is hashed (that costs a core and 19 MiB).
    tokens::check(&state, token, purpose).await?;
    let hash = password::hash(form.new_password.clone()).await?;
    let hash = &hash;
    let user = db::transact(&state, |tx| async move {
        let user = tokens::redeem(&tx, token, purpose).await?;
        let mut r = tx.run("SELECT VALUE email FROM ONLY $user", vec![("user", v(user.clone()))]).await?;
        let email: Option<String> = r.take(0).map_err(db::fail("account email"))?;
        if let Err(message) = check_new_password(&form.new_password, email.as_deref().unwrap_or_default()) {
            return Err(AppError::field("new_password", message));
        }
        tx.run(
            &format!(
                "UPDATE $user SET password_hash = $hash, {}; {} {}",
                crate::auth::NEW_CALENDAR_ADDRESS,
                session::REVOKE_ALL_OF_USER,
                tokens::VOID_ALL_OF_USER
            ),
            vec![("user", v(user.clone())), ("hash", v(hash.clone()))],
        )
        .await?;
        let action = match purpose {
            Purpose::Invitation => "invitation_accepted",
            Purpose::Reset => "password_reset",
        };
        audit::record(&tx, &Actor::system(), action, "user", &db::key(&user), None, None).await?;
        Ok(user)
    })
    .await?;

    // Signed in as after a password, so a reset link never skips the second factor.
    let parts = use_context::<http::request::Parts>();
    let mut r = state
        .db
        .query("SELECT VALUE email FROM ONLY $user")
        .bind(("user", user.clone()))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("account email"))?;
    let email: Option<String> = r.take(0).map_err(db::fail("account email decode"))?;
    let email = email.unwrap_or_default();
    let known_device = attempts::is_known_device(&state, parts.as_ref(), &email);
    let who = signin::Verified { user: &user, email: &email, next: "/", known_device };
    let second_step = signin::after_password(&state, parts.as_ref(), who).await?;
    let notice = match (purpose, second_step) {
        (_, true) => "Your password was changed. Enter the code of your second factor to sign in.",
        (Purpose::Invitation, false) => "Welcome to Secondment Hub. Your password is set and you are signed in.",
        (Purpose::Reset, false) => "Your password was changed and you are signed in. Other sessions were signed out.",
    };
    crate::ui::flash::set(crate::ui::flash::Flash::notice(notice));
    Ok(())
}
