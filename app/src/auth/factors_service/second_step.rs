//! The second step of a sign-in: what the waiting sign-in may be proved with, and the code that
//! proves it.

use super::*;

pub async fn waiting() -> Result<Option<WaitingView>, AppError> {
    let state = AppState::current()?;
    let parts = use_context::<http::request::Parts>();
    let Some(pending) = signin::pending(&state, parts.as_ref()).await? else { return Ok(None) };
    let mut r = state
        .db
        .query("SELECT VALUE totp_secret != NONE FROM ONLY $user; SELECT VALUE id FROM passkey WHERE user = $user LIMIT 1;")
        .bind(("user", pending.user.clone()))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("waiting sign-in"))?;
    let app: Option<bool> = r.take(0).map_err(db::fail("waiting sign-in decode"))?;
    let passkeys: Vec<RecordId> = r.take(1).map_err(db::fail("waiting sign-in decode"))?;
    Ok(Some(WaitingView { app: app.unwrap_or(false), passkeys: !passkeys.is_empty() }))
}

#[tracing::instrument(skip_all)]
pub async fn second_step(form: &CodeForm) -> Result<(), AppError> {
    let state = AppState::current()?;
    let parts = use_context::<http::request::Parts>();
    if form.code.trim().is_empty() {
        return Err(code_error("Enter the code from your authenticator app, or a recovery code."));
    }
    if form.code.len() > 40 {
        return Err(code_error(totp::Refusal::Wrong.message()));
    }
    let pending = signin::pending(&state, parts.as_ref())
        .await?
        .ok_or_else(|| AppError::Conflict(signin::STEP_EXPIRED.into()))?;
    let user_key = db::key(&pending.user);
    let address = attempts::admit_second_factor(&state, &user_key, parts.as_ref()).await?;
    let (state_ref, pending_ref) = (&state, &pending);
    let factor = db::transact(&state, |tx| async move {
        let factor = use_code(&tx, state_ref, &pending_ref.user, &form.code).await?;
        signin::end_pending(&tx, &pending_ref.id).await?;
        Ok(factor)
    })
    .await?;
    attempts::second_factor_succeeded(&state, &user_key, &address).await?;
    let who = signin::Verified {
        user: &pending.user,
        email: &pending.email,
        next: crate::auth::next::safe_next(&pending.next),
        known_device: pending.known_device,
    };
    signin::complete(&state, parts.as_ref(), who, factor).await
}
