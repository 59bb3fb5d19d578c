//! The daily moves of placements: a planned placement becomes active on its start day, an
//! active one completes (or, after an early end, terminates) the day after its last day.
//!
//! The work is a function of (clock, database): [`run`] reads what is due on the office date
//! and moves each placement in its own transaction, through `service::apply` with a state
//! condition. So each move happens once even with two app servers running it at the same
//! moment (the loser's retry finds the move done and is refused), and a server that was off for
//! days catches up on its next run, in order (start, then end), with one history event and one
//! e-mail per move.

use std::time::Duration;

use super::rules::{Move, PlacementState};
use super::service::{self, By};
use crate::db;
use crate::error::AppError;
use crate::state::AppState;

/// How often the loop looks for due moves when nothing else happens.
pub const EVERY: Duration = Duration::from_secs(300);

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Moves {
    pub started: usize,
    pub completed: usize,
    pub terminated: usize,
}

/// Makes every move due on the office date. A placement that is both to start and to end (the
/// server was off past its whole period) is moved twice, in order.
#[tracing::instrument(skip_all)]
pub async fn run(state: &AppState) -> Result<Moves, AppError> {
    let today = state.clock.today();
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
                service::apply(&tx, state, &row, &action, today, By::Scheduler).await.map(Some)
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
    if moves != Moves::default() {
        state.wake_mailer();
    }
    Ok(moves)
}

/// Runs [`run`] at start (catching up after downtime) and then every [`EVERY`], until `stop`.
pub async fn run_forever(state: AppState, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        match run(&state).await {
            Ok(moves) if moves != Moves::default() => tracing::info!(?moves, "placements moved"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "placement run failed; will try again"),
        }
        tokio::select! {
            _ = &mut stop => break,
            _ = tokio::time::sleep(EVERY) => {},
        }
    }
}
