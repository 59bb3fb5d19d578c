//! A person's own second factors: the overview, an authenticator app's set-up, confirmation and
//! removal, and recovery codes (renewed, shown once).

use super::*;

pub async fn overview(user: &CurrentUser) -> Result<SecurityView, AppError> {
    let state = AppState::current()?;
    let mut r = state
        .db
        .query(
            "SELECT totp_enabled_at,
                    count(SELECT id FROM recovery_code WHERE user = $parent.id AND used_at = NONE) AS recovery_left
             FROM ONLY $user;
             SELECT id, name, created_at, last_used_at FROM passkey WHERE user = $user ORDER BY created_at;
             SELECT at, address, browser, factor, new_browser FROM signin WHERE user = $user ORDER BY at DESC LIMIT 20;",
        )
        .bind(("user", db::rid("user", &user.id)))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("security overview"))?;
    let row: Option<FactorsRow> = r.take(0).map_err(db::fail("security overview decode"))?;
    let passkeys: Vec<PasskeyRow> = r.take(1).map_err(db::fail("passkeys decode"))?;
    let sign_ins: Vec<SignInRow> = r.take(2).map_err(db::fail("sign-ins decode"))?;
    let row = row.ok_or(AppError::NotFound)?;
    let zone = state.clock.zone();
    let when = |at| crate::ui::format::timestamp_in(at, zone);
    Ok(SecurityView {
        app: row.totp_enabled_at.is_some(),
        required: user.role.requires_second_factor(),
        must_enrol: user.must_enrol,
        recovery_left: row.recovery_left.clamp(0, u32::MAX as i64) as u32,
        passkeys: passkeys
            .into_iter()
            .map(|p| PasskeyView {
                id: db::key(&p.id),
                name: p.name,
                added: when(p.created_at),
                last_used: p.last_used_at.map(when),
            })
            .collect(),
        sign_ins: sign_ins
            .into_iter()
            .map(|s| SignInView {
                when: when(s.at),
                address: s.address,
                browser: s.browser,
                factor: Factor::parse(&s.factor).map(Factor::label).unwrap_or("Unknown").to_string(),
                new_browser: s.new_browser,
            })
            .collect(),
    })
}

#[derive(Debug, SurrealValue)]
pub(super) struct PendingApp {
    totp_pending: Option<String>,
    totp_pending_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The secret of an app set-up, sealed and waiting, if it is still within its time.
pub(super) fn waiting_secret(
    state: &AppState,
    row: &PendingApp,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Vec<u8>> {
    let fresh = row.totp_pending_at.is_some_and(|at| now - at < chrono::Duration::minutes(SETUP_MINUTES));
    row.totp_pending.as_deref().filter(|_| fresh).and_then(|sealed| state.settings.key.open(APP_SECRET, sealed))
}

pub async fn app_setup(user: &CurrentUser) -> Result<AppSetupView, AppError> {
    let state = AppState::current()?;
    let id = db::rid("user", &user.id);
    let (state_ref, id_ref) = (&state, &id);
    let secret = db::transact(&state, |tx| async move {
        let mut r =
            tx.run("SELECT totp_pending, totp_pending_at FROM ONLY $user", vec![("user", v(id_ref.clone()))]).await?;
        let row: Option<PendingApp> = r.take(0).map_err(db::fail("app set-up"))?;
        let row = row.ok_or(AppError::NotFound)?;
        if let Some(secret) = waiting_secret(state_ref, &row, tx.now()) {
            return Ok(secret);
        }
        let secret: [u8; totp::SECRET_BYTES] = rand::random();
        let sealed = state_ref.settings.key.seal(APP_SECRET, &secret);
        tx.run(
            "UPDATE $user SET totp_pending = $sealed, totp_pending_at = $now",
            vec![("user", v(id_ref.clone())), ("sealed", v(sealed))],
        )
        .await?;
        Ok(secret.to_vec())
    })
    .await?;
    let uri = totp::otpauth_uri(ISSUER, &user.email, &secret);
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| AppError::internal("QR code", e))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok(AppSetupView { secret: totp::grouped(&totp::base32(&secret)), qr_svg, account: user.email.clone() })
}

/// A new set of recovery codes for `user` inside `tx`: the old set is gone, the digests of the
/// new one are stored, and the codes themselves are kept sealed until the next page shows them.
pub(super) async fn new_recovery_set(tx: &Tx, state: &AppState, user: &RecordId) -> Result<(), AppError> {
    let codes: Vec<String> =
        (0..totp::RECOVERY_CODES).map(|_| totp::recovery_code(&rand::random::<[u8; 10]>())).collect();
    let digests: Vec<String> = codes
        .iter()
        .filter_map(|c| totp::normalise_recovery(c))
        .map(|c| state.settings.key.digest(RECOVERY_DIGEST, &c))
        .collect();
    let shown = state.settings.key.seal(RECOVERY_DISPLAY, codes.join("\n").as_bytes());
    tx.run(
        "DELETE recovery_code WHERE user = $user;
         FOR $digest IN $digests { CREATE recovery_code SET user = $user, digest = $digest, created_at = $now; };
         UPDATE $user SET recovery_to_show = $shown, recovery_to_show_at = $now;",
        vec![("user", v(user.clone())), ("digests", v(digests)), ("shown", v(shown))],
    )
    .await?;
    Ok(())
}

/// The statement that keeps `user.second_factor` true exactly when the user has an app or a
/// passkey; part of every transaction that adds or removes one.
pub const KEEP_SECOND_FACTOR: &str =
    "UPDATE $user SET second_factor = (totp_secret != NONE OR count(SELECT id FROM passkey WHERE user = $user) > 0);";

pub async fn confirm_app(user: &CurrentUser, form: &CodeForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let id = db::rid("user", &user.id);
    let (state_ref, id_ref) = (&state, &id);
    db::transact(&state, |tx| async move {
        let mut r =
            tx.run("SELECT totp_pending, totp_pending_at FROM ONLY $user", vec![("user", v(id_ref.clone()))]).await?;
        let row: Option<PendingApp> = r.take(0).map_err(db::fail("app confirm"))?;
        let row = row.ok_or(AppError::NotFound)?;
        let secret = waiting_secret(state_ref, &row, tx.now()).ok_or_else(|| {
            code_error("This set-up has expired. Reload the page to get a new QR code, and scan that one.")
        })?;
        let step = totp::verify(&secret, &form.code, unix(tx.now()), None).map_err(|r| code_error(r.message()))?;
        tx.run(
            &format!(
                "UPDATE $user SET totp_secret = totp_pending, totp_enabled_at = $now, totp_last_step = $step,
                    totp_pending = NONE, totp_pending_at = NONE; {KEEP_SECOND_FACTOR}"
            ),
            vec![("user", v(id_ref.clone())), ("step", v(step as i64))],
        )
        .await?;
        new_recovery_set(&tx, state_ref, id_ref).await?;
        let after = serde_json::json!({ "method": "authenticator app" });
        audit::record(&tx, &Actor::user(user), "second_factor_added", "user", &user.id, None, Some(&after)).await
    })
    .await?;
    Ok(crate::api::Done::new(
        "Two-step verification is on. Keep the recovery codes below somewhere safe.",
        "/account/recovery-codes",
    ))
}

#[derive(Debug, SurrealValue)]
pub(super) struct AppRow {
    totp_secret: Option<String>,
    totp_last_step: Option<i64>,
}

/// Checks a code typed by `user` inside `tx`: a recovery code is used up, an app code moves the
/// last step on, so that neither is accepted twice (two requests with one code conflict, and
/// the one run again finds it used). Returns what proved it.
pub(super) async fn use_code(tx: &Tx, state: &AppState, user: &RecordId, typed: &str) -> Result<Factor, AppError> {
    if totp::looks_like_recovery(typed) {
        let refused = || code_error("That recovery code is not right, or it was already used.");
        let code = totp::normalise_recovery(typed).ok_or_else(refused)?;
        let digest = state.settings.key.digest(RECOVERY_DIGEST, &code);
        let mut r = tx
            .run(
                "UPDATE recovery_code SET used_at = $now WHERE user = $user AND digest = $digest AND used_at = NONE
                 RETURN VALUE id",
                vec![("user", v(user.clone())), ("digest", v(digest))],
            )
            .await?;
        let used: Vec<RecordId> = r.take(0).map_err(db::fail("recovery code use"))?;
        return if used.is_empty() { Err(refused()) } else { Ok(Factor::PasswordAndRecoveryCode) };
    }
    let mut r = tx.run("SELECT totp_secret, totp_last_step FROM ONLY $user", vec![("user", v(user.clone()))]).await?;
    let row: Option<AppRow> = r.take(0).map_err(db::fail("app code"))?;
    let row = row.ok_or(AppError::Unauthenticated)?;
    let secret = row
        .totp_secret
        .as_deref()
        .ok_or_else(|| code_error("This account has no authenticator app. Use a recovery code or a passkey."))?;
    let secret = state
        .settings
        .key
        .open(APP_SECRET, secret)
        .ok_or_else(|| AppError::internal("app secret", "the stored secret does not open with the server key"))?;
    let last = row.totp_last_step.map(|s| s.max(0) as u64);
    let step = totp::verify(&secret, typed, unix(tx.now()), last).map_err(|r| code_error(r.message()))?;
    tx.run("UPDATE $user SET totp_last_step = $step", vec![("user", v(user.clone())), ("step", v(step as i64))])
        .await?;
    Ok(Factor::PasswordAndCode)
}

pub async fn remove_app(user: &CurrentUser, form: &CodeForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let id = db::rid("user", &user.id);
    let (state_ref, id_ref) = (&state, &id);
    let parts = use_context::<http::request::Parts>();
    attempts::admit_second_factor(&state, &user.id, parts.as_ref()).await?;
    db::transact(&state, |tx| async move {
        let mut r = tx.run("SELECT VALUE id FROM passkey WHERE user = $user LIMIT 1", vec![("user", v(id_ref.clone()))]).await?;
        let passkeys: Vec<RecordId> = r.take(0).map_err(db::fail("passkeys"))?;
        if user.role.requires_second_factor() && passkeys.is_empty() {
            return Err(code_error(
                "Your role must keep a second factor. Add a passkey first, or set up a new app instead of removing this one.",
            ));
        }
        use_code(&tx, state_ref, id_ref, &form.code).await?;
        tx.run(
            &format!(
                "UPDATE $user SET totp_secret = NONE, totp_enabled_at = NONE, totp_last_step = NONE,
                    recovery_to_show = NONE; DELETE recovery_code WHERE user = $user; {KEEP_SECOND_FACTOR}"
            ),
            vec![("user", v(id_ref.clone()))],
        )
        .await?;
        let before = serde_json::json!({ "method": "authenticator app" });
        audit::record(&tx, &Actor::user(user), "second_factor_removed", "user", &user.id, Some(&before), None).await
    })
    .await?;
    Ok(crate::api::Done::new(
        "The authenticator app was removed from your account, with its recovery codes.",
        "/account",
    ))
}

pub async fn renew_recovery(user: &CurrentUser) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let id = db::rid("user", &user.id);
    let (state_ref, id_ref) = (&state, &id);
    db::transact(&state, |tx| async move {
        let mut r =
            tx.run("SELECT VALUE totp_secret != NONE FROM ONLY $user", vec![("user", v(id_ref.clone()))]).await?;
        let has_app: Option<bool> = r.take(0).map_err(db::fail("recovery renew"))?;
        if !has_app.unwrap_or(false) {
            return Err(AppError::Conflict("Recovery codes come with an authenticator app: set one up first.".into()));
        }
        new_recovery_set(&tx, state_ref, id_ref).await?;
        audit::record(&tx, &Actor::user(user), "recovery_codes_renewed", "user", &user.id, None, None).await
    })
    .await?;
    Ok(crate::api::Done::new(
        "A new set of recovery codes was made. The old codes no longer work.",
        "/account/recovery-codes",
    ))
}

#[derive(Debug, SurrealValue)]
pub(super) struct ToShow {
    recovery_to_show: Option<String>,
    recovery_to_show_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn show_recovery(user: &CurrentUser) -> Result<Option<Vec<String>>, AppError> {
    let state = AppState::current()?;
    let id = db::rid("user", &user.id);
    let id_ref = &id;
    let row = db::transact(&state, |tx| async move {
        let mut r = tx
            .run("SELECT recovery_to_show, recovery_to_show_at FROM ONLY $user", vec![("user", v(id_ref.clone()))])
            .await?;
        let row: Option<ToShow> = r.take(0).map_err(db::fail("recovery show"))?;
        if row.as_ref().is_some_and(|r| r.recovery_to_show.is_some()) {
            tx.run(
                "UPDATE $user SET recovery_to_show = NONE, recovery_to_show_at = NONE",
                vec![("user", v(id_ref.clone()))],
            )
            .await?;
        }
        Ok(row)
    })
    .await?;
    let now = state.clock.now();
    Ok(row
        .filter(|r| r.recovery_to_show_at.is_some_and(|at| now - at < chrono::Duration::minutes(SHOW_MINUTES)))
        .and_then(|r| r.recovery_to_show)
        .and_then(|sealed| state.settings.key.open(RECOVERY_DISPLAY, &sealed))
        .map(|plain| String::from_utf8_lossy(&plain).lines().map(str::to_string).collect()))
}
