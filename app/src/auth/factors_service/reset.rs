//! An administrator's reset of another person's second factor: with a reason, audited and
//! e-mailed, never the last administrator's.

use super::*;

#[derive(Debug, SurrealValue)]
pub(super) struct Target {
    email: String,
    name: String,
    role: String,
    disabled: bool,
    other_admins: i64,
}

#[tracing::instrument(skip_all, fields(admin = %admin.id, user = %form.id))]
pub async fn reset(admin: &CurrentUser, form: &ResetForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let key = crate::api::parse_key(&form.id)?;
    let reason = form.reason.trim().to_string();
    let mut errors = FieldErrors::new();
    if reason.is_empty() {
        errors.add("reason", "Say why, for the audit trail (for example: \"lost phone, confirmed by telephone\").");
    } else if reason.chars().count() > 500 {
        errors.add("reason", "Keep the reason under 500 characters.");
    }
    errors.finish(|| ())?;
    if key == admin.id {
        return Err(AppError::Conflict(
            "You cannot reset your own second factor. Another administrator can, or use your recovery codes.".into(),
        ));
    }
    let id = db::rid("user", &key);
    let (state_ref, id_ref, reason_ref, key_ref) = (&state, &id, &reason, &key);
    db::transact(&state, |tx| async move {
        let mut r = tx
            .run(
                "SELECT email, name, role, disabled,
                    count(SELECT id FROM user WHERE role = 'admin' AND disabled = false AND id != $parent.id) AS other_admins
                 FROM ONLY $user",
                vec![("user", v(id_ref.clone()))],
            )
            .await?;
        let target: Option<Target> = r.take(0).map_err(db::fail("reset target"))?;
        let target = target.ok_or(AppError::NotFound)?;
        if target.role == Role::Admin.as_str() && !target.disabled && target.other_admins == 0 {
            return Err(AppError::Conflict(
                "This is the only administrator: their second factor cannot be removed.".into(),
            ));
        }
        tx.run(
            &format!(
                "UPDATE $user SET totp_secret = NONE, totp_enabled_at = NONE, totp_last_step = NONE, totp_pending = NONE,
                    totp_pending_at = NONE, recovery_to_show = NONE;
                 DELETE recovery_code WHERE user = $user; DELETE passkey WHERE user = $user;
                 {} {KEEP_SECOND_FACTOR}",
                crate::auth::session::REVOKE_ALL_OF_USER
            ),
            vec![("user", v(id_ref.clone()))],
        )
        .await?;
        let after = serde_json::json!({ "reason": reason_ref });
        audit::record(&tx, &Actor::user(admin), "second_factor_reset", "user", key_ref, None, Some(&after)).await?;
        let when = crate::ui::format::timestamp_in(tx.now(), state_ref.clock.zone());
        let recipient = Recipient { email: target.email.clone(), name: target.name.clone(), language: "en".into() };
        let mail = AccountMail {
            event: EventKind::SecondFactorReset,
            name: target.name.clone(),
            facts: vec![
                ("When".into(), when),
                ("By".into(), admin.name.clone()),
                ("Reason".into(), reason_ref.clone()),
            ],
            link: format!("{}/account", state_ref.settings.public_url),
        };
        let record_key = format!("{key_ref}{}", tx.now().timestamp());
        outbox::enqueue(
            &tx,
            &state_ref.settings.public_url,
            Outgoing {
                record_table: "user",
                record_key: &record_key,
                recipient: &recipient,
                content: MailContent::Account(mail),
                link_path: "/account".into(),
                secret: None,
                not_before: None,
            },
        )
        .await
    })
    .await?;
    state.wake_mailer();
    Ok(crate::api::Done::new(
        "Two-step verification was reset. The person was signed out, e-mailed, and will set up a new one at their next sign-in.",
        format!("/admin/users/{key}"),
    ))
}
