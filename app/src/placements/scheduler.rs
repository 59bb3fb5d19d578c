//! The daily work on placements: a planned placement becomes active on its start day, an
//! active one completes (or, after an early end, terminates) the day after its last day, and
//! the "starts in 14 days" and "ends in 30 days" reminders are queued.
//!
//! The work is a function of (clock, database): [`run`] reads what is due on the office date
//! and moves each placement in its own transaction, through `service::apply` with a state
//! condition. So each move happens once even with two app servers running it at the same
//! moment (the loser's retry finds the move done and is refused), and a server that was off for
//! days catches up on its next run, in order (start, then end), with one history event and one
//! e-mail per move.
//!
//! A reminder is a job keyed by (kind, placement, target date). Its transaction reads the job's
//! row, queues the e-mails and writes the row, so it is done at most once: a second server
//! doing the same job at the same moment conflicts, retries, and finds it done. On top of
//! that, [`run_forever`] takes a lease on the daily work, so that with several servers one of
//! them does it and the others wait their turn instead of racing.

use std::time::Duration;

use chrono::{Days, NaiveDate};
use sha2::{Digest, Sha256};
use surrealdb::types::RecordId;

use super::reminders::{self, Owed, Reminder};
use super::rules::{Move, PlacementState};
use super::service::{self, By, Notice, Row};
use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::notifications::EventKind;
use crate::state::AppState;

/// How often the loop looks for due moves when nothing else happens.
pub const EVERY: Duration = Duration::from_secs(300);

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Moves {
    pub started: usize,
    pub completed: usize,
    pub terminated: usize,
    /// Reminders queued (one per placement and kind, to all contacts of both agencies).
    pub reminded: usize,
    /// The day's work on reports: due, reminders, overdue notices, escalations.
    pub reports: crate::reports::scheduler::ReportWork,
}

/// Does the day's work: every move due on the office date, then the reminders owed. A
/// placement that is both to start and to end (the server was off past its whole period) is
/// moved twice, in order.
#[tracing::instrument(skip_all)]
pub async fn run(state: &AppState) -> Result<Moves, AppError> {
    let today = state.clock.today();
    // Each part boxed: together their state machines are large, and so would every caller's be.
    let mut moves = Box::pin(move_placements(state, today)).await?;
    moves.reminded = Box::pin(send_reminders(state, today)).await?;
    moves.reports = Box::pin(crate::reports::scheduler::run(state, today)).await?;
    crate::auth::purge::run(state).await?;
    crate::db::write(state, crate::audit::access::PURGE, vec![]).await?;
    Box::pin(crate::privacy::retention::run(state)).await?;
    Box::pin(crate::calls::service::close::run(state)).await?;
    crate::interest::service::public::purge(state).await?;
    if moves != Moves::default() {
        state.wake_mailer();
    }
    Ok(moves)
}

async fn move_placements(state: &AppState, today: NaiveDate) -> Result<Moves, AppError> {
    let mut moves = Moves::default();
    // A few rounds at most: start, then end.
    for _ in 0..3 {
        let due = db::transact(state, |tx| async move { service::due(&tx, today).await }).await?;
        if due.is_empty() {
            break;
        }
        let mut moved = false;
        for row in due {
            let id = row.record().clone();
            let id = &id;
            let outcome = db::transact(state, |tx| async move {
                let Some(row) = service::reread(&tx, id).await? else { return Ok(None) };
                let action = match row.state()? {
                    PlacementState::Planned => Move::Start,
                    PlacementState::Active => Move::Finish,
                    _ => return Ok(None),
                };
                service::apply(&tx, state, &row, &action, today, By::Scheduler).await.map(|(to, _)| Some(to))
            })
            .await;
            match outcome {
                Ok(Some(PlacementState::Active)) => moves.started += 1,
                Ok(Some(PlacementState::Completed)) => moves.completed += 1,
                Ok(Some(PlacementState::Terminated)) => moves.terminated += 1,
                Ok(_) => continue,
                // Not due after all, or another server made the move first.
                Err(AppError::Conflict(_)) => continue,
                Err(error) => return Err(error),
            }
            moved = true;
        }
        if !moved {
            break;
        }
    }
    Ok(moves)
}

/// The job key of a reminder: a hash of (kind, placement, target date).
pub fn job_key(reminder: Reminder, placement: &RecordId, target: NaiveDate) -> String {
    let text = format!("{}|{}|{target}", reminder.as_str(), db::key(placement));
    hex::encode(Sha256::digest(text.as_bytes()))[..40].to_string()
}

/// Queues each reminder owed today that is not yet done; returns how many it queued.
async fn send_reminders(state: &AppState, today: NaiveDate) -> Result<usize, AppError> {
    let candidates = db::transact(state, |tx| async move { reminder_candidates(&tx, today).await }).await?;
    let mut sent = 0;
    for row in candidates {
        let owed = reminders::owed(row.state()?, &row.dates()?, row.reminders_from(&state.clock)?, today);
        for owed in owed {
            let id = row.record();
            if db::transact(state, |tx| async move { remind(&tx, state, id, owed, today).await }).await? {
                sent += 1;
            }
        }
    }
    Ok(sent)
}

/// Placements with a reminder window open today: starting within 14 days, or ending within 30.
async fn reminder_candidates(tx: &Tx, today: NaiveDate) -> Result<Vec<Row>, AppError> {
    let ahead = |reminder: Reminder| today.checked_add_days(Days::new(reminder.days_before())).map(|d| d.to_string());
    let mut r = tx
        .run(
            &format!(
                "SELECT {fields} FROM placement WHERE state = 'planned' AND start_date > $today AND start_date <= $starts_by;
                 SELECT {fields} FROM placement WHERE state IN ['planned', 'active'] AND end_date >= $today AND end_date <= $ends_by;
                 SELECT {fields} FROM placement WHERE state IN ['planned', 'active'] AND early_end >= $today AND early_end <= $ends_by;",
                fields = service::FIELDS
            ),
            vec![
                ("today", v(today.to_string())),
                ("starts_by", v(ahead(Reminder::StartsSoon))),
                ("ends_by", v(ahead(Reminder::EndsSoon))),
            ],
        )
        .await?;
    let mut rows: Vec<Row> = Vec::new();
    for index in 0..3 {
        let found: Vec<Row> = r.take(index).map_err(db::fail("reminder candidates decode"))?;
        for row in found {
            if !rows.iter().any(|seen| seen.record() == row.record()) {
                rows.push(row);
            }
        }
    }
    Ok(rows)
}

/// One reminder job, in `tx`: skipped when done already or no longer owed, otherwise the
/// e-mails and the job's row. Returns whether it queued the e-mails.
async fn remind(tx: &Tx, state: &AppState, id: &RecordId, owed: Owed, today: NaiveDate) -> Result<bool, AppError> {
    let job = db::rid("scheduled_job", &job_key(owed.reminder, id, owed.target));
    let mut r = tx.run("SELECT VALUE id FROM ONLY $job", vec![("job", v(job.clone()))]).await?;
    let done: Option<RecordId> = r.take(0).map_err(db::fail("scheduled job decode"))?;
    if done.is_some() {
        return Ok(false);
    }
    let Some(row) = service::reread(tx, id).await? else { return Ok(false) };
    // The placement may have moved since it was listed (cancelled, extended): ask again.
    let still = reminders::owed(row.state()?, &row.dates()?, row.reminders_from(&state.clock)?, today);
    if !still.contains(&owed) {
        return Ok(false);
    }
    let dates = row.dates()?;
    let (event, message) = match owed.reminder {
        Reminder::StartsSoon => {
            (EventKind::PlacementStartsSoon, format!("First day: {}.", crate::ui::format::date(owed.target)))
        }
        Reminder::EndsSoon => {
            (EventKind::PlacementEndsSoon, format!("Last day: {}.", crate::ui::format::date(owed.target)))
        }
    };
    let job_key = db::key(&job);
    let period = crate::ui::format::period(
        dates.actual_start.unwrap_or(dates.planned_start),
        owed.target.max(dates.planned_start),
    );
    let notice = Notice {
        event,
        record: ("scheduled_job", &job_key),
        period,
        message: Some(message),
        opens: Some(owed.opens()),
    };
    service::tell_agencies(tx, state, &row, &notice).await?;
    tx.run(
        "CREATE $job SET kind = $kind, record = $record, target = $target, done_at = $now",
        vec![
            ("job", v(job)),
            ("kind", v(owed.reminder.as_str().to_string())),
            ("record", v(format!("placement:{}", db::key(id)))),
            ("target", v(owed.target.to_string())),
        ],
    )
    .await?;
    Ok(true)
}

/// How long a server holds the daily work before another may take it over.
const LEASE: chrono::Duration = chrono::Duration::minutes(10);

/// Takes (or renews) the lease on the daily work for `owner`; false while another server holds it.
pub async fn take_lease(state: &AppState, owner: &str) -> Result<bool, AppError> {
    let until = state.clock.now() + LEASE;
    db::transact(state, |tx| async move {
        let mut r = tx
            .run(
                "UPDATE scheduler_lease:daily SET owner = $owner, until = $until
                 WHERE owner = NONE OR owner = $owner OR until < $now RETURN VALUE id",
                vec![("owner", v(owner.to_string())), ("until", v(until))],
            )
            .await?;
        let taken: Vec<RecordId> = r.take(0).map_err(db::fail("scheduler lease decode"))?;
        Ok(!taken.is_empty())
    })
    .await
}

/// Runs [`run`] at start (catching up after downtime) and then every [`EVERY`], until `stop`,
/// whenever this server holds the lease on the daily work.
pub async fn run_forever(state: AppState, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    let owner = db::new_key();
    loop {
        let outcome = match take_lease(&state, &owner).await {
            Ok(true) => run(&state).await.map(Some),
            Ok(false) => Ok(None),
            Err(error) => Err(error),
        };
        match outcome {
            Ok(Some(moves)) if moves != Moves::default() => tracing::info!(?moves, "daily work done"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "daily run failed; will try again"),
        }
        tokio::select! {
            _ = &mut stop => break,
            _ = tokio::time::sleep(EVERY) => {},
        }
    }
}
