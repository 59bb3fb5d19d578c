//! Reports planned up front: when a placement is approved, the programme's cycles are copied to
//! it and every report of each is created with its period, due date and state. When the
//! placement's days change (extension, early end, cancellation), its reports are re-planned in
//! the same transaction (see `plan::replan`). Server only.

use chrono::NaiveDate;
use surrealdb::types::{RecordId, SurrealValue};

use super::cycles::{Cycle, ReportKind};
use super::plan::{self, Alignment, Change, Existing, Frequency, Planned};
use super::rules::ReportEventKind;
use super::rules::ReportState;
use crate::db::{self, v, Tx};
use crate::domain::Period;
use crate::error::AppError;

#[derive(Debug, Clone, SurrealValue)]
pub(crate) struct CycleRow {
    pub id: RecordId,
    pub kind: String,
    pub frequency: String,
    pub alignment: String,
    pub due_offset: i64,
    pub reminder_offsets: Vec<i64>,
    pub escalation_offset: i64,
}

impl CycleRow {
    pub fn cycle(&self) -> Result<Cycle, AppError> {
        let bad = |what: &str| AppError::internal("report cycle", format!("bad {what} in {:?}", self.id));
        let days = |n: i64| u32::try_from(n).map_err(|_| bad("offset"));
        Ok(Cycle {
            kind: ReportKind::parse(&self.kind).ok_or_else(|| bad("kind"))?,
            frequency: Frequency::parse(&self.frequency).ok_or_else(|| bad("frequency"))?,
            alignment: Alignment::parse(&self.alignment).ok_or_else(|| bad("alignment"))?,
            due_offset: days(self.due_offset)?,
            reminder_offsets: self.reminder_offsets.iter().map(|n| days(*n)).collect::<Result<_, _>>()?,
            escalation_offset: days(self.escalation_offset)?,
        })
    }
}

pub(crate) const CYCLE_FIELDS: &str = "id, kind, frequency, alignment, due_offset, reminder_offsets, escalation_offset";

/// A report row as planning writes it.
#[derive(Debug, SurrealValue)]
struct NewReport {
    id: RecordId,
    cycle: RecordId,
    placement: RecordId,
    kind: String,
    author_role: String,
    officer_name: String,
    officer_email: String,
    sending_agency: RecordId,
    host_agency: RecordId,
    period_start: String,
    period_end: String,
    due_date: String,
    state: String,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, SurrealValue)]
struct PlacementRow {
    officer_name: String,
    officer_email: String,
    sending_agency: RecordId,
    host_agency: RecordId,
}

/// What re-planning did, for the notice and the placement's page.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Replanned {
    pub added: usize,
    pub recut: usize,
    pub cancelled: usize,
}

impl Replanned {
    pub fn is_empty(&self) -> bool {
        *self == Replanned::default()
    }

    /// "Reports: 2 added, 1 re-cut." (empty when nothing changed).
    pub fn describe(&self) -> String {
        if self.is_empty() {
            return String::new();
        }
        let parts: Vec<String> =
            [(self.added, "added"), (self.recut, "re-cut to new dates"), (self.cancelled, "cancelled")]
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{n} {what}"))
                .collect();
        format!("Reports: {}.", parts.join(", "))
    }
}

/// The state a newly planned report starts in: due once its period has ended.
fn initial_state(period: Period, today: NaiveDate) -> ReportState {
    if today > period.end() {
        ReportState::Due
    } else {
        ReportState::Upcoming
    }
}

/// Creates the reports `planned` for `cycle` of `placement`, in one statement.
async fn create_reports(
    tx: &Tx,
    placement: &RecordId,
    cycle: (&RecordId, ReportKind),
    planned: &[Planned],
    today: NaiveDate,
) -> Result<(), AppError> {
    if planned.is_empty() {
        return Ok(());
    }
    let mut r = tx
        .run(
            "SELECT officer_name, officer_email, sending_agency, host_agency FROM ONLY $placement",
            vec![("placement", v(placement.clone()))],
        )
        .await?;
    let p: Option<PlacementRow> = r.take(0).map_err(db::fail("report placement decode"))?;
    let p = p.ok_or(AppError::NotFound)?;
    let now = tx.now();
    let rows: Vec<NewReport> = planned
        .iter()
        .map(|planned| NewReport {
            id: db::rid("report", &db::new_key()),
            cycle: cycle.0.clone(),
            placement: placement.clone(),
            kind: cycle.1.as_str().to_string(),
            author_role: cycle.1.author().as_str().to_string(),
            officer_name: p.officer_name.clone(),
            officer_email: p.officer_email.to_lowercase(),
            sending_agency: p.sending_agency.clone(),
            host_agency: p.host_agency.clone(),
            period_start: planned.period.start().to_string(),
            period_end: planned.period.end().to_string(),
            due_date: planned.due.to_string(),
            state: initial_state(planned.period, today).as_str().to_string(),
            created_at: now,
            updated_at: now,
        })
        .collect();
    tx.run("INSERT INTO report $rows", vec![("rows", v(rows))]).await?;
    Ok(())
}

/// Copies the programme's cycles to `placement` (whose days are `days`) and plans every report.
pub async fn attach_defaults(tx: &Tx, placement: &RecordId, days: Period, today: NaiveDate) -> Result<usize, AppError> {
    let mut r = tx
        .run(&format!("SELECT {CYCLE_FIELDS} FROM report_cycle WHERE placement = NONE ORDER BY kind"), vec![])
        .await?;
    let defaults: Vec<CycleRow> = r.take(0).map_err(db::fail("default cycles decode"))?;
    let mut planned_reports = 0;
    for default in defaults {
        let cycle = default.cycle()?;
        if cycle.kind == ReportKind::DonorProgress {
            continue; // attaches to funding agreements, not placements
        }
        let id = db::rid("report_cycle", &db::new_key());
        tx.run(
            "CREATE $id SET placement = $placement, kind = $kind, frequency = $frequency, alignment = $alignment,
                due_offset = $due_offset, reminder_offsets = $reminders, escalation_offset = $escalation, updated_at = $now",
            vec![
                ("id", v(id.clone())),
                ("placement", v(placement.clone())),
                ("kind", v(default.kind.clone())),
                ("frequency", v(default.frequency.clone())),
                ("alignment", v(default.alignment.clone())),
                ("due_offset", v(default.due_offset)),
                ("reminders", v(default.reminder_offsets.clone())),
                ("escalation", v(default.escalation_offset)),
            ],
        )
        .await?;
        let planned = cycle.schedule().plan(days);
        planned_reports += planned.len();
        create_reports(tx, placement, (&id, cycle.kind), &planned, today).await?;
    }
    Ok(planned_reports)
}

#[derive(Debug, SurrealValue)]
struct ReportRow {
    id: RecordId,
    cycle: RecordId,
    period_start: String,
    period_end: String,
    state: String,
}

/// Re-plans every cycle of `placement` for its new `days`, in `tx`. `cancelled` (a placement
/// cancelled before its start) cancels every report not yet submitted.
pub async fn replan(
    tx: &Tx,
    placement: &RecordId,
    days: Period,
    cancelled: bool,
    today: NaiveDate,
) -> Result<Replanned, AppError> {
    let mut r = tx
        .run(
            &format!(
                "SELECT {CYCLE_FIELDS} FROM report_cycle WHERE placement = $placement;
                 SELECT id, cycle, period_start, period_end, state FROM report WHERE placement = $placement;"
            ),
            vec![("placement", v(placement.clone()))],
        )
        .await?;
    let cycles: Vec<CycleRow> = r.take(0).map_err(db::fail("cycles decode"))?;
    let reports: Vec<ReportRow> = r.take(1).map_err(db::fail("reports decode"))?;
    let mut done = Replanned::default();
    for cycle_row in &cycles {
        let cycle = cycle_row.cycle()?;
        let mut existing = Vec::new();
        for report in reports.iter().filter(|r| r.cycle == cycle_row.id) {
            let state = ReportState::parse(&report.state)
                .ok_or_else(|| AppError::internal("report state", format!("unknown '{}'", report.state)))?;
            let period = Period::new(db::stored::date(&report.period_start)?, db::stored::date(&report.period_end)?)
                .map_err(|e| AppError::internal("report period", e))?;
            existing.push(Existing {
                id: db::key(&report.id),
                period,
                submitted: state.is_submitted(),
                closed: state.is_closed(),
            });
        }
        let changes = if cancelled {
            existing.iter().filter(|r| !r.submitted && !r.closed).map(|r| Change::Cancel { id: r.id.clone() }).collect()
        } else {
            plan::replan(&cycle.schedule(), days, &existing)
        };
        let mut added = Vec::new();
        for change in changes {
            match change {
                Change::Add(planned) => added.push(planned),
                Change::Recut { id, to } => {
                    tx.run(
                        "UPDATE $id SET period_start = $start, period_end = $end, due_date = $due, state = $state, updated_at = $now;
                         CREATE report_event SET report = $id, at = $now, actor = NONE, actor_label = 'Secondment Hub',
                            kind = $kind, from_state = $state, to_state = $state, note = $note;",
                        vec![
                            ("id", v(db::rid("report", &id))),
                            ("start", v(to.period.start().to_string())),
                            ("end", v(to.period.end().to_string())),
                            ("due", v(to.due.to_string())),
                            ("state", v(initial_state(to.period, today).as_str().to_string())),
                            ("kind", v(ReportEventKind::Replanned.as_str())),
                            ("note", v(format!("The placement's dates changed: now {}, due {}.", crate::ui::format::period(to.period.start(), to.period.end()), to.due))),
                        ],
                    )
                    .await?;
                    done.recut += 1;
                }
                Change::Cancel { id } => {
                    let reason = if cancelled { "The placement was cancelled." } else { "The placement ended early." };
                    tx.run(
                        "LET $from = (SELECT VALUE state FROM ONLY $id);
                         UPDATE $id SET state = 'cancelled', reason = $reason, updated_at = $now;
                         CREATE report_event SET report = $id, at = $now, actor = NONE, actor_label = 'Secondment Hub',
                            kind = $kind, from_state = $from, to_state = 'cancelled', note = $reason;",
                        vec![
                            ("id", v(db::rid("report", &id))),
                            ("reason", v(reason.to_string())),
                            ("kind", v(ReportEventKind::CancelledWithPlacement.as_str())),
                        ],
                    )
                    .await?;
                    done.cancelled += 1;
                }
            }
        }
        done.added += added.len();
        create_reports(tx, placement, (&cycle_row.id, cycle.kind), &added, today).await?;
    }
    Ok(done)
}

/// The cycles of a placement (or, with `None`, the programme's defaults) as views, each with
/// whether it may still change (no report of it submitted).
pub async fn cycles_of(tx: &Tx, placement: Option<&RecordId>) -> Result<Vec<super::CycleView>, AppError> {
    let mut r = tx
        .run(
            &format!(
                "SELECT {CYCLE_FIELDS}, count(SELECT id FROM report WHERE cycle = $parent.id
                    AND state IN ['submitted', 'accepted', 'returned']) AS submitted
                 FROM report_cycle WHERE placement = $placement ORDER BY kind"
            ),
            vec![("placement", v(placement.cloned()))],
        )
        .await?;
    let rows: Vec<CycleWithCount> = r.take(0).map_err(db::fail("cycles decode"))?;
    rows.into_iter()
        .map(|row| {
            let cycle = row.cycle_row().cycle()?;
            Ok(super::CycleView { id: db::key(&row.id), cycle, locked: row.submitted > 0 })
        })
        .collect()
}

#[derive(Debug, SurrealValue)]
struct CycleWithCount {
    id: RecordId,
    kind: String,
    frequency: String,
    alignment: String,
    due_offset: i64,
    reminder_offsets: Vec<i64>,
    escalation_offset: i64,
    submitted: i64,
}

impl CycleWithCount {
    fn cycle_row(&self) -> CycleRow {
        CycleRow {
            id: self.id.clone(),
            kind: self.kind.clone(),
            frequency: self.frequency.clone(),
            alignment: self.alignment.clone(),
            due_offset: self.due_offset,
            reminder_offsets: self.reminder_offsets.clone(),
            escalation_offset: self.escalation_offset,
        }
    }
}

/// Writes `cycle`'s settings to the stored cycle `id`. For a placement's cycle, refused once a
/// report of it is submitted; otherwise its reports not yet in are planned again from the new
/// settings. Returns the cycle's placement, if any.
pub async fn change_cycle(
    tx: &Tx,
    id: &RecordId,
    cycle: &super::cycles::Cycle,
    today: NaiveDate,
) -> Result<Option<RecordId>, AppError> {
    let mut r = tx
        .run(
            "SELECT placement FROM ONLY $id;
             RETURN count(SELECT id FROM report WHERE cycle = $id AND state IN ['submitted', 'accepted', 'returned']);
             SELECT actual_start ?? start_date AS start, early_end ?? end_date AS end FROM ONLY (SELECT VALUE placement FROM ONLY $id);",
            vec![("id", v(id.clone()))],
        )
        .await?;
    #[derive(Debug, SurrealValue)]
    struct Owner {
        placement: Option<RecordId>,
    }
    let owner: Option<Owner> = r.take(0).map_err(db::fail("cycle decode"))?;
    let placement = owner.ok_or(AppError::NotFound)?.placement;
    let submitted: Option<i64> = r.take(1).map_err(db::fail("cycle reports decode"))?;
    if placement.is_some() && submitted.unwrap_or(0) > 0 {
        return Err(AppError::Conflict("A report of this cycle was submitted, so the cycle no longer changes.".into()));
    }
    tx.run(
        "UPDATE $id SET frequency = $frequency, alignment = $alignment, due_offset = $due_offset,
            reminder_offsets = $reminders, escalation_offset = $escalation, updated_at = $now",
        vec![
            ("id", v(id.clone())),
            ("frequency", v(cycle.frequency.as_str().to_string())),
            ("alignment", v(cycle.alignment.as_str().to_string())),
            ("due_offset", v(i64::from(cycle.due_offset))),
            ("reminders", v(cycle.reminder_offsets.iter().map(|d| i64::from(*d)).collect::<Vec<_>>())),
            ("escalation", v(i64::from(cycle.escalation_offset))),
        ],
    )
    .await?;
    if let Some(placement) = &placement {
        #[derive(Debug, SurrealValue)]
        struct Days {
            start: String,
            end: String,
        }
        let days: Option<Days> = r.take(2).map_err(db::fail("placement days decode"))?;
        let days = days.ok_or(AppError::NotFound)?;
        let days = Period::new(db::stored::date(&days.start)?, db::stored::date(&days.end)?)
            .map_err(|e| AppError::internal("placement days", e))?;
        tx.run("DELETE report WHERE cycle = $id", vec![("id", v(id.clone()))]).await?;
        create_reports(tx, placement, (id, cycle.kind), &cycle.schedule().plan(days), today).await?;
    }
    Ok(placement)
}
