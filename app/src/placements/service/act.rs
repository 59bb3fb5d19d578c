//! A coordinator's and the scheduler's moves of a placement: the rule, the dates, the history,
//! the audit entry, the overlaps, the e-mails and what the change of days carries through.

use super::*;

/// A coordinator's move parsed from the form, with the message at the field for bad input.
pub(super) fn parse_move(which: CoordinatorMove, form: &PlacementActionForm) -> Result<Move, AppError> {
    let mut errors = FieldErrors::new();
    let reason = form.reason.trim().to_string();
    if reason.is_empty() {
        errors.add("reason", "Give the reason.");
    } else if reason.chars().count() > 2000 {
        errors.add("reason", "Use at most 2000 characters.");
    }
    let action = match which {
        CoordinatorMove::Extend => errors
            .take("new_end", crate::domain::parse_date(&form.new_end))
            .map(|new_end| Move::Extend { new_end, reason: reason.clone() }),
        CoordinatorMove::EndEarly => errors
            .take("last_day", crate::domain::parse_date(&form.last_day))
            .map(|last_day| Move::EndEarly { last_day, reason: reason.clone() }),
        CoordinatorMove::Cancel => Some(Move::Cancel { reason: reason.clone() }),
    };
    errors.finish(|| action)?.ok_or(AppError::BadRequest)
}

/// Who acted, for the history and the audit trail.
pub enum By<'a> {
    User(&'a CurrentUser),
    Scheduler,
}

impl By<'_> {
    fn label(&self) -> String {
        match self {
            By::User(user) => format!("{} ({})", user.name, user.role.label()),
            By::Scheduler => "Secondment Hub (daily run)".into(),
        }
    }

    fn actor(&self) -> Actor {
        match self {
            By::User(user) => Actor::user(user),
            By::Scheduler => Actor::system(),
        }
    }

    fn user_id(&self) -> Option<RecordId> {
        match self {
            By::User(user) => Some(db::rid("user", &user.id)),
            By::Scheduler => None,
        }
    }
}

#[tracing::instrument(skip_all, fields(user = %user.id, placement = %form.id, action = ?which))]
pub async fn act(
    user: &CurrentUser,
    which: CoordinatorMove,
    form: &PlacementActionForm,
) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let action = parse_move(which, form)?;
    let today = state.clock.today();
    let (action, state_ref) = (&action, &state);
    let key = db::transact(&state, |tx| async move {
        let (row, _) = load_in(&tx, user, &form.id).await?;
        let (_, carried) = apply(&tx, state_ref, &row, action, today, By::User(user)).await?;
        Ok((db::key(&row.id), carried))
    })
    .await?;
    let (key, carried) = key;
    state.wake_mailer();
    let notice = match action {
        Move::Extend { .. } => "Placement extended. Both agencies have been told.",
        Move::EndEarly { .. } => "Early end recorded. Both agencies have been told.",
        Move::Cancel { .. } => "Placement cancelled. Both agencies have been told.",
        Move::Start | Move::Finish => "Done.",
    };
    Ok(crate::api::Done::new(format!("{notice} {}", carried.describe()).trim_end(), format!("/placements/{key}")))
}

/// Applies `action` to the placement `row` (read in `tx`): the rule, the dates, the history, the
/// audit entry, the overlaps, the e-mails and the carry-through, all in `tx`. Returns the new
/// state. The update is conditional on the state read, so a parallel move makes this one retry.
pub async fn apply(
    tx: &Tx,
    state: &AppState,
    row: &Row,
    action: &Move,
    today: NaiveDate,
    by: By<'_>,
) -> Result<(PlacementState, Carried), AppError> {
    let from = db::stored::value::<PlacementState>(&row.state)?;
    let dates = row.dates()?;
    let after = rules::decide(from, dates, action, today).map_err(|(field, message)| {
        if field.is_empty() {
            AppError::Conflict(message)
        } else {
            AppError::field(field, message)
        }
    })?;
    let kind = action.event_kind(after.state);
    let reason = match action {
        Move::Start | Move::Finish => None,
        Move::Cancel { reason } | Move::EndEarly { reason, .. } | Move::Extend { reason, .. } => {
            Some(reason.trim().to_string())
        }
    };
    let end_reason = match action {
        Move::Cancel { .. } | Move::EndEarly { .. } => reason.clone(),
        _ => row.end_reason.clone(),
    };
    let (old_end, new_end) = match action {
        Move::Extend { new_end, .. } => (Some(dates.current_end), Some(*new_end)),
        Move::EndEarly { last_day, .. } => (Some(dates.current_end), Some(*last_day)),
        _ => (None, None),
    };
    let text = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    let event_key = db::new_key();
    let mut r = tx
        .run(
            "UPDATE $id SET state = $to, actual_start = $actual_start, end_date = $current_end, early_end = $early_end,
                end_reason = $end_reason, extensions = (extensions ?? 0) + $extended, updated_at = $now,
                reminders_from = $rearmed ?? reminders_from
             WHERE state = $from RETURN VALUE id;
             CREATE $event SET placement = $id, at = $now, actor = $actor, actor_label = $label, kind = $kind,
                from_state = $from, to_state = $to, old_end = $old_end, new_end = $new_end, reason = $reason;",
            vec![
                ("id", v(row.id.clone())),
                ("from", v(from.as_str().to_string())),
                ("to", v(after.state.as_str().to_string())),
                ("actual_start", v(text(after.dates.actual_start))),
                ("current_end", v(after.dates.current_end.to_string())),
                ("early_end", v(text(after.dates.early_end))),
                ("end_reason", v(end_reason)),
                ("event", v(db::rid("placement_event", &event_key))),
                ("actor", v(by.user_id())),
                ("label", v(by.label())),
                ("kind", v(kind.as_str().to_string())),
                ("old_end", v(text(old_end))),
                ("new_end", v(text(new_end))),
                ("reason", v(reason.clone())),
                ("extended", v(i64::from(matches!(action, Move::Extend { .. })))),
                // A new end re-arms the end reminder from today (see `reminders`).
                ("rearmed", v(new_end.map(|_| today.to_string()))),
            ],
        )
        .await?;
    let changed: Vec<RecordId> = r.take(0).map_err(db::fail("placement move decode"))?;
    if changed.is_empty() {
        return Err(AppError::Conflict("The placement changed meanwhile. Reload the page and try again.".into()));
    }
    let key = db::key(&row.id);
    let before = serde_json::json!({ "state": from.as_str(), "end": dates.current_end.to_string() });
    let after_json = serde_json::json!({
        "state": after.state.as_str(), "end": after.dates.current_end.to_string(),
        "early_end": text(after.dates.early_end), "reason": reason,
    });
    audit::record(tx, &by.actor(), kind.as_str(), "placement", &key, Some(&before), Some(&after_json)).await?;
    recheck_overlaps(tx, &row.officer_email).await?;
    let event = match action {
        Move::Extend { .. } => Some(EventKind::PlacementExtended),
        Move::EndEarly { .. } => Some(EventKind::PlacementEndedEarly),
        Move::Cancel { .. } => Some(EventKind::PlacementCancelled),
        Move::Start | Move::Finish => None,
    };
    if let Some(event) = event {
        let last = after.dates.early_end.unwrap_or(after.dates.current_end);
        let period = crate::ui::format::period(after.dates.actual_start.unwrap_or(dates.planned_start), last);
        let notice =
            Notice { event, record: ("placement_event", &event_key), period, message: reason.clone(), opens: None };
        tell_agencies(tx, state, row, &notice).await?;
    }
    let carried = carry_through(tx, row, &dates, &after, today).await?;
    Ok((after.state, carried))
}

/// Where a change of a placement's days carries through to what depends on them, in the same
/// transaction: its reports are re-planned (an extension adds and re-cuts, an early end clips
/// and cancels, a cancellation cancels what is not in). The funding issue re-checks commitments
/// here too.
pub(super) async fn carry_through(
    tx: &Tx,
    row: &Row,
    before: &Dates,
    after: &rules::After,
    today: NaiveDate,
) -> Result<Carried, AppError> {
    let cancelled = after.state == PlacementState::Terminated && after.dates.actual_start.is_none();
    if before.occupied() == after.dates.occupied() && !cancelled {
        return Ok(Carried::default());
    }
    let reports = crate::reports::planning::replan(tx, &row.id, after.dates.occupied(), cancelled, today).await?;
    let funding =
        crate::funding::service::commitments::carry(tx, &row.id, before.occupied(), after.dates.occupied()).await?;
    Ok(Carried { reports, funding })
}

/// What a change of a placement's days did to what depends on it, for the notice.
#[derive(Debug, Default)]
pub struct Carried {
    pub reports: crate::reports::planning::Replanned,
    /// What the funding needs now (a shortfall, an agreement ending first, money to release).
    pub funding: Vec<String>,
}

impl Carried {
    pub fn describe(&self) -> String {
        let mut parts = vec![self.reports.describe()];
        parts.extend(self.funding.iter().cloned());
        parts.retain(|p| !p.is_empty());
        parts.join(" ")
    }
}
