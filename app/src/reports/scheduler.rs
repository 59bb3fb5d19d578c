//! The daily work on reports, run by the placements' scheduler: reports whose period has ended
//! become due; authors are reminded before the due date; on the first day past it the author
//! and their agency hear that it is overdue; at the cycle's escalation offset the coordinators
//! are told. Each notice is a job keyed by (report, notice, due date), done at most once, and
//! none is sent once the report is in. Mail goes out at 08:00 where the author's agency is.

use chrono::{Days, NaiveDate};
use sha2::{Digest, Sha256};
use surrealdb::types::RecordId;

use super::planning::{CycleRow, CYCLE_FIELDS};
use super::rules::{ReportEventKind, ReportState};
use super::service::{self, Row, SUMMARY_FIELDS};
use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::notifications::recipients;
use crate::notifications::EventKind;
use crate::placements::reminders::send_time;
use crate::state::AppState;

/// What one run did to reports.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReportWork {
    pub became_due: usize,
    pub reminded: usize,
    pub overdue: usize,
    pub escalated: usize,
}

/// A notice owed on a report today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// "Due in N days", for the reminder offset N.
    DueIn(u32),
    Overdue,
    Escalated,
}

impl Notice {
    fn key_part(self) -> String {
        match self {
            Notice::DueIn(days) => format!("due_in_{days}"),
            Notice::Overdue => "overdue".into(),
            Notice::Escalated => "escalated".into(),
        }
    }
}

/// The notices owed on `today` for a report in `state` due on `due` (its resubmit-by date when
/// returned), with the cycle's reminder offsets (largest first) and escalation offset. Only the
/// latest reminder whose day has come is owed, so a server back from downtime sends one, not
/// all it missed.
pub fn notices(
    state: ReportState,
    due: NaiveDate,
    reminders: &[u32],
    escalation: u32,
    today: NaiveDate,
) -> Vec<Notice> {
    if !state.is_owed() {
        return Vec::new();
    }
    let mut owed = Vec::new();
    if today <= due {
        let reminder = reminders
            .iter()
            .copied()
            .filter(|days| due.checked_sub_days(Days::new(u64::from(*days))).is_some_and(|day| day <= today))
            .min();
        owed.extend(reminder.map(Notice::DueIn));
    } else {
        owed.push(Notice::Overdue);
        if due.checked_add_days(Days::new(u64::from(escalation))).is_some_and(|day| day <= today) {
            owed.push(Notice::Escalated);
        }
    }
    owed
}

fn job_key(report: &RecordId, notice: Notice, due: NaiveDate) -> String {
    let text = format!("report|{}|{}|{due}", db::key(report), notice.key_part());
    hex::encode(Sha256::digest(text.as_bytes()))[..40].to_string()
}

/// The row the daily run writes once it has given `notice` on `report` (due on `due`):
/// (id, kind, record, target). For data made elsewhere, the generator, so that a server started
/// on it does not send again what its history says was sent.
pub fn done_job(report: &RecordId, notice: Notice, due: NaiveDate) -> (RecordId, String, String, String) {
    (
        db::rid("scheduled_job", &job_key(report, notice, due)),
        format!("report_{}", notice.key_part()),
        format!("report:{}", db::key(report)),
        due.to_string(),
    )
}

/// Marks every upcoming report whose period has ended as due, with its history row.
async fn mark_due(state: &AppState, today: NaiveDate) -> Result<usize, AppError> {
    db::transact(state, |tx| async move {
        let mut r = tx
            .run(
                "LET $ended = (SELECT VALUE id FROM report WHERE state = 'upcoming' AND period_end < $today);
                 FOR $id IN $ended {
                    UPDATE $id SET state = 'due', updated_at = $now;
                    CREATE report_event SET report = $id, at = $now, actor = NONE, actor_label = 'Secondment Hub (daily run)',
                        kind = $kind, from_state = 'upcoming', to_state = 'due', note = NONE;
                 };
                 RETURN array::len($ended);",
                vec![("today", v(today.to_string())), ("kind", v(ReportEventKind::BecameDue.as_str()))],
            )
            .await?;
        let count: Option<i64> = r.take(2).map_err(db::fail("reports due decode"))?;
        Ok(count.unwrap_or(0).max(0) as usize)
    })
    .await
}

/// Owed reports whose due (or resubmit-by) date is within a year ahead or already past, with
/// their cycles.
async fn candidates(tx: &Tx, today: NaiveDate) -> Result<Vec<(Row, CycleRow)>, AppError> {
    let horizon = today.checked_add_days(Days::new(u64::from(super::cycles::MAX_OFFSET))).unwrap_or(today);
    let mut r = tx
        .run(
            &format!(
                "LET $owed = (SELECT {SUMMARY_FIELDS} FROM report
                    WHERE state IN ['upcoming', 'due', 'returned'] AND due_date <= $horizon);
                 RETURN $owed;
                 SELECT {CYCLE_FIELDS} FROM array::distinct($owed.cycle_id);"
            ),
            vec![("horizon", v(horizon.to_string()))],
        )
        .await?;
    let rows: Vec<Row> = r.take(1).map_err(db::fail("report candidates decode"))?;
    let cycles: Vec<CycleRow> = r.take(2).map_err(db::fail("report cycles decode"))?;
    let mut out = Vec::new();
    for row in rows {
        if let Some(cycle) = cycles.iter().find(|c| c.id == row.cycle_id) {
            out.push((row, cycle.clone()));
        }
    }
    Ok(out)
}

/// Does the day's report work: due, reminders, overdue notices, escalations.
pub async fn run(state: &AppState, today: NaiveDate) -> Result<ReportWork, AppError> {
    let mut work = ReportWork { became_due: mark_due(state, today).await?, ..Default::default() };
    let candidates = db::transact(state, |tx| async move { candidates(&tx, today).await }).await?;
    for (row, cycle) in &candidates {
        let cycle = cycle.cycle()?;
        let report_state = row.state()?;
        let dates = row.dates()?;
        let due =
            if report_state == ReportState::Returned { dates.resubmit_by.unwrap_or(dates.due) } else { dates.due };
        for notice in notices(report_state, due, &cycle.reminder_offsets, cycle.escalation_offset, today) {
            let sent =
                db::transact(state, |tx| async move { send(&tx, state, &row.id, notice, due, today).await }).await?;
            if sent {
                match notice {
                    Notice::DueIn(_) => work.reminded += 1,
                    Notice::Overdue => work.overdue += 1,
                    Notice::Escalated => work.escalated += 1,
                }
            }
        }
    }
    Ok(work)
}

/// One notice job in `tx`: skipped when done, or when the report is in after all.
async fn send(
    tx: &Tx,
    state: &AppState,
    id: &RecordId,
    notice: Notice,
    due: NaiveDate,
    today: NaiveDate,
) -> Result<bool, AppError> {
    let job = db::rid("scheduled_job", &job_key(id, notice, due));
    let mut r = tx
        .run(
            &format!("SELECT VALUE id FROM ONLY $job; SELECT {SUMMARY_FIELDS} FROM ONLY $id;"),
            vec![("job", v(job.clone())), ("id", v(id.clone()))],
        )
        .await?;
    let done: Option<RecordId> = r.take(0).map_err(db::fail("scheduled job decode"))?;
    let row: Option<Row> = r.take(1).map_err(db::fail("report decode"))?;
    let Some(row) = row.filter(|_| done.is_none()) else { return Ok(false) };
    if !row.state()?.is_owed() {
        return Ok(false);
    }
    let (agency, zone) = service::authors_agency(&row);
    let zone = zone.and_then(|z| crate::clock::Clock::parse_zone(z).ok()).unwrap_or_else(|| state.clock.zone());
    let at = send_time(today, zone, state.clock.now());
    let job_key = db::key(&job);
    let (event, to, message) = match notice {
        Notice::DueIn(days) => {
            let mut to = service::authors(tx, &row).await?;
            to.extend(recipients::agency_contacts(tx, &db::key(agency)).await?);
            (EventKind::ReportDueSoon, to, format!("Due on {due} (in {days} days)."))
        }
        Notice::Overdue => {
            let mut to = service::authors(tx, &row).await?;
            to.extend(recipients::agency_contacts(tx, &db::key(agency)).await?);
            (EventKind::ReportOverdue, to, format!("It was due on {due}."))
        }
        Notice::Escalated => {
            let days = (today - due).num_days();
            (
                EventKind::ReportEscalated,
                recipients::coordinators(tx).await?,
                format!("It was due on {due}, {days} days ago."),
            )
        }
    };
    let mut seen = std::collections::HashSet::new();
    let to: Vec<_> = to.into_iter().filter(|r| seen.insert(r.email.to_lowercase())).collect();
    let mail = service::ReportMail {
        event,
        to: &to,
        record: ("scheduled_job", &job_key),
        message: Some(&message),
        not_before: Some(at),
    };
    service::tell(tx, state, &row, mail).await?;
    tx.run(
        "CREATE $job SET kind = $kind, record = $record, target = $target, done_at = $now",
        vec![
            ("job", v(job)),
            ("kind", v(format!("report_{}", notice.key_part()))),
            ("record", v(format!("report:{}", db::key(id)))),
            ("target", v(due.to_string())),
        ],
    )
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn reminders_then_overdue_then_escalation() {
        let due = d("2027-04-10");
        let at = |today| notices(ReportState::Due, due, &[7, 2], 14, d(today));
        assert!(at("2027-04-02").is_empty());
        assert_eq!(at("2027-04-03"), vec![Notice::DueIn(7)]);
        assert_eq!(at("2027-04-07"), vec![Notice::DueIn(7)]);
        assert_eq!(at("2027-04-08"), vec![Notice::DueIn(2)], "only the latest reminder whose day has come");
        assert_eq!(at("2027-04-10"), vec![Notice::DueIn(2)]);
        assert_eq!(at("2027-04-11"), vec![Notice::Overdue]);
        assert_eq!(at("2027-04-24"), vec![Notice::Overdue, Notice::Escalated]);
    }

    #[test]
    fn nothing_once_the_report_is_in_or_closed() {
        for state in [ReportState::Submitted, ReportState::Accepted, ReportState::Cancelled, ReportState::Waived] {
            assert!(notices(state, d("2027-04-10"), &[7, 2], 14, d("2027-05-10")).is_empty(), "{state:?}");
        }
        assert_eq!(
            notices(ReportState::Returned, d("2027-05-01"), &[7], 0, d("2027-05-02")),
            vec![Notice::Overdue, Notice::Escalated]
        );
    }

    #[test]
    fn job_keys_differ_by_notice_and_due_date() {
        let report = db::rid("report", "abc");
        let keys = [
            job_key(&report, Notice::DueIn(7), d("2027-04-10")),
            job_key(&report, Notice::DueIn(2), d("2027-04-10")),
            job_key(&report, Notice::Overdue, d("2027-04-10")),
            job_key(&report, Notice::Overdue, d("2027-04-20")),
        ];
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), 4);
    }
}
