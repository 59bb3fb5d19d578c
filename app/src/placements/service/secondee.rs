//! The secondee's account, the officer's overlaps, and what the scheduler re-reads.

use super::*;

/// What became of the secondee's account when a placement was linked to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondeeLink {
    /// A new account, or one that never chose a password: an invitation was queued.
    Invited,
    /// An account that can already sign in: linked, nothing sent.
    Linked,
    /// A disabled secondee account: linked, not invited (an admin enables it first).
    Disabled,
    /// The address belongs to an account of another role, which is left as it is.
    OtherRole,
}

impl SecondeeLink {
    pub fn notice(self, email: &str) -> String {
        match self {
            SecondeeLink::Invited => format!("An invitation to sign in as the secondee was e-mailed to {email}."),
            SecondeeLink::Linked => format!("{email} already has a secondee account and can sign in."),
            SecondeeLink::Disabled => format!("The secondee account of {email} is disabled; an admin can enable it."),
            SecondeeLink::OtherRole => {
                format!("{email} belongs to an account of another role, so no secondee account was made.")
            }
        }
    }
}

#[derive(Debug, SurrealValue)]
pub(super) struct AccountRow {
    id: RecordId,
    role: String,
    disabled: bool,
    can_sign_in: bool,
}

/// Makes or links the `secondee` account of the officer's work e-mail for `placement`, and
/// queues the existing invitation mail when the account cannot sign in yet. Runs in `tx`, so
/// the account, the link, the audit entry and the mail are written together.
pub async fn link_secondee(
    tx: &Tx,
    state: &AppState,
    inviter: &CurrentUser,
    placement: &RecordId,
    officer: (&str, &str),
    sending_agency: &RecordId,
) -> Result<SecondeeLink, AppError> {
    let (name, email) = (officer.0, officer.1.trim().to_lowercase());
    let mut r = tx
        .run(
            "SELECT id, role, disabled, password_hash != NONE AS can_sign_in FROM user WHERE email = $email LIMIT 1",
            vec![("email", v(email.clone()))],
        )
        .await?;
    let existing: Vec<AccountRow> = r.take(0).map_err(db::fail("secondee account decode"))?;
    let (user, link) = match existing.into_iter().next() {
        Some(account) if account.role != Role::Secondee.as_str() => return Ok(SecondeeLink::OtherRole),
        Some(account) if account.disabled => (account.id, SecondeeLink::Disabled),
        Some(account) if account.can_sign_in => (account.id, SecondeeLink::Linked),
        Some(account) => (account.id, SecondeeLink::Invited),
        None => {
            let user = db::rid("user", &db::new_key());
            tx.run(
                "CREATE $user SET email = $email, name = $name, role = 'secondee', agency = $agency,
                    disabled = false, created_at = $now",
                vec![
                    ("user", v(user.clone())),
                    ("email", v(email.clone())),
                    ("name", v(name.to_string())),
                    ("agency", v(sending_agency.clone())),
                ],
            )
            .await?;
            let snapshot = serde_json::json!({ "email": email, "role": "secondee", "placement": db::key(placement) });
            audit::record(tx, &Actor::user(inviter), "created", "user", &db::key(&user), None, Some(&snapshot)).await?;
            (user, SecondeeLink::Invited)
        }
    };
    tx.run(
        "UPDATE $placement SET secondee = $user",
        vec![("placement", v(placement.clone())), ("user", v(user.clone()))],
    )
    .await?;
    if link == SecondeeLink::Invited {
        crate::auth::accounts_service::queue_invitation(tx, state, inviter, &user, &email, name, Role::Secondee)
            .await?;
        audit::record(tx, &Actor::user(inviter), "invited", "user", &db::key(&user), None, None).await?;
    }
    Ok(link)
}

/// A coordinator's "invite secondee": makes or links the account and (re-)sends the invitation.
#[tracing::instrument(skip_all, fields(user = %user.id, placement = %form.id))]
pub async fn invite_secondee(user: &CurrentUser, form: &PlacementActionForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let state_ref = &state;
    let (key, email, link) = db::transact(&state, |tx| async move {
        let (row, _) = load_in(&tx, user, &form.id).await?;
        if !matches!(row.state()?, PlacementState::Planned | PlacementState::Active) {
            return Err(AppError::Conflict("This placement has ended; its secondee is not invited any more.".into()));
        }
        let officer = (row.officer_name.as_str(), row.officer_email.as_str());
        let link = link_secondee(&tx, state_ref, user, &row.id, officer, &row.sending_agency_id).await?;
        Ok((db::key(&row.id), row.officer_email.clone(), link))
    })
    .await?;
    state.wake_mailer();
    Ok(crate::api::Done::new(link.notice(&email), format!("/placements/{key}")))
}

#[derive(Debug, SurrealValue)]
pub(super) struct OverlapRow {
    id: RecordId,
    state: String,
    start_date: String,
    end_date: String,
    original_end: Option<String>,
    actual_start: Option<String>,
    early_end: Option<String>,
    overlap: bool,
}

/// Sets the overlap flag of every placement of this officer (same lower-cased work e-mail):
/// flagged, never blocked. A cancelled placement occupies no days.
pub async fn recheck_overlaps(tx: &Tx, officer_email: &str) -> Result<(), AppError> {
    let mut r = tx
        .run(
            "SELECT id, state, start_date, end_date, original_end, actual_start, early_end, overlap
             FROM placement WHERE officer_email = $email",
            vec![("email", v(officer_email.to_lowercase()))],
        )
        .await?;
    let rows: Vec<OverlapRow> = r.take(0).map_err(db::fail("overlap decode"))?;
    let mut placed = Vec::new();
    for row in &rows {
        let dates = stored_dates(
            &row.start_date,
            &row.end_date,
            row.original_end.as_deref(),
            row.actual_start.as_deref(),
            row.early_end.as_deref(),
        )?;
        let cancelled = row.state == PlacementState::Terminated.as_str() && dates.actual_start.is_none();
        placed.push((!cancelled).then_some(dates));
    }
    for (i, row) in rows.iter().enumerate() {
        let overlaps = placed[i].is_some_and(|a| {
            placed.iter().enumerate().any(|(j, b)| j != i && b.is_some_and(|b| rules::overlap(&a, &b)))
        });
        if overlaps != row.overlap {
            tx.run("UPDATE $id SET overlap = $overlap", vec![("id", v(row.id.clone())), ("overlap", v(overlaps))])
                .await?;
        }
    }
    Ok(())
}

/// The placements the scheduler may have to move on `today`, read inside `tx`.
pub async fn due(tx: &Tx, today: NaiveDate) -> Result<Vec<Row>, AppError> {
    let day = today.to_string();
    let mut r = tx
        .run(
            &format!(
                "SELECT {FIELDS} FROM placement WHERE state = 'planned' AND start_date <= $today;
                 SELECT {FIELDS} FROM placement WHERE state = 'active' AND last_day < $today;"
            ),
            vec![("today", v(day))],
        )
        .await?;
    let mut rows: Vec<Row> = r.take(0).map_err(db::fail("due decode"))?;
    let ending: Vec<Row> = r.take(1).map_err(db::fail("due decode"))?;
    rows.extend(ending);
    Ok(rows)
}

/// One placement, read again inside `tx` (for the scheduler's per-placement transaction).
pub async fn reread(tx: &Tx, id: &RecordId) -> Result<Option<Row>, AppError> {
    let mut r = tx.run(&format!("SELECT {FIELDS} FROM ONLY $id"), vec![("id", v(id.clone()))]).await?;
    r.take(0).map_err(db::fail("placement decode"))
}
