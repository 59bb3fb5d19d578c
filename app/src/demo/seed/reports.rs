//! The demo's reports: planned as approval plans them, then settled as a programme that has
//! been running would have them (accepted, shared, submitted, returned, owed).

use super::story::Story;
use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::reports::rules::{ReportEventKind, ReportState};

/// The reports of a demo placement: planned as approval plans them (and re-planned as its
/// early end or cancellation did), then, of those already due, all but the last two accepted
/// (every other one shared with the donor), the next-to-last submitted and waiting for review,
/// and the last still owed, overdue. The demo secondee's second-to-last monthly report was
/// returned instead.
pub(super) async fn seed_reports(
    tx: &Tx,
    placement: &surrealdb::types::RecordId,
    story: &Story,
    (start, original_end, last_day): (&str, &str, &str),
    today: chrono::NaiveDate,
) -> Result<(), AppError> {
    use crate::domain::{parse_date, Period};
    use crate::reports::planning;
    let period = |from: &str, to: &str| {
        let (from, to) = (parse_date(from), parse_date(to));
        from.and_then(|from| to.and_then(|to| Period::new(from, to))).map_err(|e| AppError::internal("demo period", e))
    };
    let planned = period(start, original_end)?;
    planning::attach_defaults(tx, placement, planned, today).await?;
    if matches!(story, Story::Cancelled) {
        planning::replan(tx, placement, planned, true, today).await?;
        return Ok(());
    }
    if last_day != original_end {
        planning::replan(tx, placement, period(start, last_day)?, false, today).await?;
    }
    for kind in ["secondee_monthly", "supervisor_quarterly", "end_of_placement"] {
        let mut r = tx
            .run(
                "SELECT VALUE id FROM report WHERE placement = $p AND kind = $kind AND state = 'due' ORDER BY due_date",
                vec![("p", v(placement.clone())), ("kind", v(kind))],
            )
            .await?;
        let due: Vec<surrealdb::types::RecordId> = r.take(0).map_err(db::fail("demo reports decode"))?;
        let returned = matches!(story, Story::Extended(_)) && kind == "secondee_monthly";
        settle_demo_reports(tx, due, story, returned, today).await?;
    }
    Ok(())
}

/// Of one cycle's reports already due: all but the last two accepted (every other one shared),
/// the next-to-last submitted (or `returned`), the last left owed; one waived in a completed
/// placement.
async fn settle_demo_reports(
    tx: &Tx,
    due: Vec<surrealdb::types::RecordId>,
    story: &Story,
    returned: bool,
    today: chrono::NaiveDate,
) -> Result<(), AppError> {
    let total = due.len();
    for (i, id) in due.into_iter().enumerate() {
        let (state, shared) = match total - i {
            1 => continue,
            // One report waived: covered by the placement's final report.
            3 if matches!(story, Story::Completed) => {
                tx.run(
                    "UPDATE $id SET state = 'waived', reason = 'Covered by the end-of-placement report.', updated_at = $now;
                     CREATE report_event SET report = $id, at = $now, actor = NONE, actor_label = 'Secondment Hub (demo data)',
                        kind = $kind, from_state = 'due', to_state = 'waived', note = 'Covered by the end-of-placement report.';",
                    vec![("id", v(id)), ("kind", v(ReportEventKind::Waived.as_str()))],
                )
                .await?;
                continue;
            }
            2 if returned => (ReportState::Returned, false),
            2 => (ReportState::Submitted, false),
            _ => (ReportState::Accepted, i % 2 == 0),
        };
        // The history line of the move that reached this state, as the app writes it.
        let kind = match state {
            ReportState::Returned => ReportEventKind::Returned,
            ReportState::Accepted => ReportEventKind::Accepted,
            _ => ReportEventKind::Submitted,
        };
        tx.run(
            "LET $themes = $id.placement.nomination.themes ?? [];
             UPDATE $id SET state = $state, version = 1, shared_with_donor = $shared, activities = $activities, themes = $themes,
                outcomes = $outcomes, challenges = $challenges, next_steps = $next_steps, submitted_at = $now, accepted_at = IF $state = 'accepted' THEN $now ELSE NONE END,
                resubmit_by = IF $state = 'returned' THEN $resubmit_by ELSE NONE END, updated_at = $now;
             CREATE report_version SET report = $id, version = 1, at = $now, author = NONE,
                author_label = 'Demo author', activities = $activities, outcomes = $outcomes,
                challenges = $challenges, next_steps = $next_steps, themes = $themes;
             CREATE report_event SET report = $id, at = $now, actor = NONE, actor_label = 'Secondment Hub (demo data)',
                kind = $kind, from_state = 'due', to_state = $state,
                note = IF $state = 'returned' THEN 'Please add the figures for the joint operations.' ELSE NONE END;",
            vec![
                ("id", v(id)),
                ("state", v(state.as_str())),
                ("kind", v(kind.as_str())),
                ("shared", v(shared)),
                ("resubmit_by", v((today + chrono::Duration::days(7)).to_string())),
                ("activities", v("Joined the host's daily case reviews and the regional information-sharing meeting.")),
                ("outcomes", v("Two joint operations were planned with the host; the referral guide was translated.")),
                ("challenges", v("Access to the case database took three weeks.")),
                ("next_steps", v("Draft the standard operating procedure with the host team.")),
            ],
        )
        .await?;
    }
    Ok(())
}
