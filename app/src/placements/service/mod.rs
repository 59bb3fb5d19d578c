//! Reading placements within the caller's scope, and moving them: a coordinator's extension,
//! early end or cancellation, and the scheduler's start and end. Every move is one transaction
//! that re-reads the placement, applies `rules::decide`, writes the dates, the history event and
//! the audit entry, re-checks the officer's overlaps, queues the e-mails and calls the one
//! carry-through hook where report re-planning and commitment checks will plug in.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::rules::{self, Dates, Move, PlacementState};
use super::{CoordinatorMove, DonorPlacementView, PlacementActionForm, PlacementDetail, PlacementEvent, PlacementView};
use crate::audit::{self, Actor};
use crate::auth::{CurrentUser, Role};
use crate::db::{self, v, Tx};
use crate::directory::Directory;
use crate::error::{AppError, FieldErrors};
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients;
use crate::notifications::templates::{MailContent, NominationMail};
use crate::notifications::EventKind;
use crate::state::AppState;

mod act;
mod lists;
mod mail;
mod read;
mod secondee;

pub use act::*;
pub use lists::*;
pub use mail::*;
pub use read::*;
pub use secondee::*;

pub const FIELDS: &str = "id, state, officer_name, officer_email, sending_agency AS sending_agency_id,
    sending_agency.name AS sending_agency, host_agency AS host_agency_id, host_agency.name AS host_agency,
    supervisor_name, supervisor_email, start_date, end_date, original_end, actual_start, early_end, end_reason,
    overlap, objectives, nomination AS nomination_id, nomination.reference ?? '' AS nomination_reference,
    sending_agency.time_zone AS sending_zone, host_agency.time_zone AS host_zone, reminders_from,
    created_at, secondee AS secondee_id, secondee.disabled AS secondee_disabled,
    secondee.password_hash != NONE AS secondee_active";

#[derive(Debug, SurrealValue)]
pub struct Row {
    id: RecordId,
    state: String,
    officer_name: String,
    officer_email: String,
    sending_agency_id: RecordId,
    sending_agency: String,
    host_agency_id: RecordId,
    host_agency: String,
    supervisor_name: String,
    supervisor_email: String,
    start_date: String,
    end_date: String,
    original_end: Option<String>,
    actual_start: Option<String>,
    early_end: Option<String>,
    end_reason: Option<String>,
    overlap: bool,
    objectives: String,
    nomination_id: RecordId,
    nomination_reference: String,
    sending_zone: Option<String>,
    host_zone: Option<String>,
    reminders_from: Option<String>,
    created_at: Option<DateTime<Utc>>,
    secondee_id: Option<RecordId>,
    secondee_disabled: Option<bool>,
    secondee_active: Option<bool>,
}

#[derive(Debug, SurrealValue)]
struct EventRow {
    at: DateTime<Utc>,
    actor_label: String,
    kind: String,
    from_state: String,
    to_state: String,
    old_end: Option<String>,
    new_end: Option<String>,
    reason: Option<String>,
}

/// A placement's dates from their stored text (`end_date` is the current end; rows made before
/// extensions existed have no `original_end`, which is then the current end).
fn stored_dates(
    start_date: &str,
    end_date: &str,
    original_end: Option<&str>,
    actual_start: Option<&str>,
    early_end: Option<&str>,
) -> Result<Dates, AppError> {
    Ok(Dates {
        planned_start: db::stored::date(start_date)?,
        actual_start: actual_start.map(db::stored::date).transpose()?,
        original_end: db::stored::date(original_end.unwrap_or(end_date))?,
        current_end: db::stored::date(end_date)?,
        early_end: early_end.map(db::stored::date).transpose()?,
    })
}

impl Row {
    pub fn dates(&self) -> Result<Dates, AppError> {
        stored_dates(
            &self.start_date,
            &self.end_date,
            self.original_end.as_deref(),
            self.actual_start.as_deref(),
            self.early_end.as_deref(),
        )
    }

    pub fn record(&self) -> &RecordId {
        &self.id
    }

    pub fn state(&self) -> Result<PlacementState, AppError> {
        db::stored::value::<PlacementState>(&self.state)
    }

    /// The office date on which the dates were last set: a reminder window open before it
    /// sends nothing. Placements made before this was kept count from their creation.
    pub fn reminders_from(&self, clock: &crate::clock::Clock) -> Result<NaiveDate, AppError> {
        match (&self.reminders_from, self.created_at) {
            (Some(text), _) => db::stored::date(text),
            (None, Some(at)) => Ok(clock.office_date(at)),
            (None, None) => Ok(NaiveDate::MIN),
        }
    }
}
