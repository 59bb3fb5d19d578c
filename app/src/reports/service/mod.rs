//! Reports within the caller's scope: the list and its CSV, one report with its versions and
//! history, the author's draft and submission, and a coordinator's review. Every write is one
//! transaction that re-reads the report, applies `rules::decide`, and writes the change, the
//! history, the audit entry and the e-mails together.

use chrono::{DateTime, NaiveDate, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::cycles::ReportKind;
use super::rules::{self, Action, ReportDates, ReportState};
use super::{
    DonorReportView, ReportContent, ReportDetail, ReportEvent, ReportForm, ReportList, ReportSummary, ReportVersion,
    ReportView, ReviewForm,
};
use crate::audit::{self, Actor};
use crate::auth::{CurrentUser, Role};
use crate::db::{self, v, Tx};
use crate::directory::Directory;
use crate::error::{AppError, FieldErrors};
use crate::listing::ListQuery;
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients::{self, Recipient};
use crate::notifications::templates::{MailContent, NominationMail};
use crate::notifications::EventKind;
use crate::resource::store::ListSql;
use crate::state::AppState;

mod act;
mod lists;
mod mail;
pub mod outcomes;
mod read;

pub use act::*;
pub use lists::*;
pub(crate) use mail::*;
pub use read::*;

pub(crate) const SUMMARY_FIELDS: &str =
    "id, cycle AS cycle_id, placement AS placement_id, kind, officer_name, officer_email,
    sending_agency AS sending_agency_id, sending_agency.name AS sending_agency, host_agency AS host_agency_id,
    host_agency.name AS host_agency, host_agency.time_zone AS host_zone, sending_agency.time_zone AS sending_zone,
    author_role, period_start, period_end, due_date, state, resubmit_by, reason, submitted_at, shared_with_donor,
    officer_key, reference";
/// The sorts of a report list; the first, "attention", is the order a list opens on (see
/// migration 24): overdue, then due, then waiting for review, then not yet due, then the newest.
const SORTS: &[(&str, &str)] = &[
    ("attention", "attention"),
    ("due", "due_date"),
    ("period", "period_start"),
    ("state", "state"),
    ("officer", "officer_key"),
];
/// The sorts of a list of owed reports: "due" is the date each is owed by (a returned report's
/// resubmit-by date), which the `report_owed` index keeps in order.
const OWED_SORTS: &[(&str, &str)] =
    &[("due", "owed_by"), ("period", "period_start"), ("state", "state"), ("officer", "officer_key")];

#[derive(Debug, Clone, SurrealValue)]
pub(crate) struct Row {
    pub id: RecordId,
    pub cycle_id: RecordId,
    pub placement_id: RecordId,
    pub kind: String,
    pub officer_name: String,
    pub officer_email: String,
    pub sending_agency_id: RecordId,
    pub sending_agency: String,
    pub host_agency_id: RecordId,
    pub host_agency: String,
    pub host_zone: Option<String>,
    pub sending_zone: Option<String>,
    pub author_role: String,
    pub period_start: String,
    pub period_end: String,
    pub due_date: String,
    pub state: String,
    pub resubmit_by: Option<String>,
    pub reason: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub shared_with_donor: bool,
    pub reference: String,
}

/// The dates the lifecycle rules read, from the stored fields.
fn stored_dates(
    kind: ReportKind,
    period_end: &str,
    due: &str,
    resubmit_by: Option<&str>,
) -> Result<ReportDates, AppError> {
    Ok(ReportDates {
        period_end: db::stored::date(period_end)?,
        due: db::stored::date(due)?,
        resubmit_by: resubmit_by.map(db::stored::date).transpose()?,
        early_submission_allowed: kind == ReportKind::EndOfPlacement,
    })
}

impl Row {
    pub fn state(&self) -> Result<ReportState, AppError> {
        db::stored::value::<ReportState>(&self.state)
    }

    pub fn kind(&self) -> Result<ReportKind, AppError> {
        db::stored::value::<ReportKind>(&self.kind)
    }

    pub fn dates(&self) -> Result<ReportDates, AppError> {
        stored_dates(self.kind()?, &self.period_end, &self.due_date, self.resubmit_by.as_deref())
    }

    /// "Secondee monthly report, 2027-03-01 to 2027-03-31": how mails and pages name it.
    pub fn title(&self) -> String {
        let kind = self.kind().map(|k| k.label()).unwrap_or("Report");
        format!("{kind}, {} to {}", self.period_start, self.period_end)
    }

    fn summary(&self, today: NaiveDate) -> Result<ReportSummary, AppError> {
        let listed = ListRow {
            id: self.id.clone(),
            placement_id: self.placement_id.clone(),
            kind: self.kind.clone(),
            officer_name: self.officer_name.clone(),
            sending_agency_id: self.sending_agency_id.clone(),
            host_agency_id: self.host_agency_id.clone(),
            author_role: self.author_role.clone(),
            period_start: self.period_start.clone(),
            period_end: self.period_end.clone(),
            due_date: self.due_date.clone(),
            state: self.state.clone(),
            resubmit_by: self.resubmit_by.clone(),
            submitted_at: self.submitted_at,
            shared_with_donor: self.shared_with_donor,
            reference: self.reference.clone(),
        };
        listed.summary_named(today, self.sending_agency.clone(), self.host_agency.clone())
    }
}

/// What a list row reads: the agencies' keys, whose names come from the directory (following
/// the links and the placement's nomination cost more than the rest of the query at ten years).
macro_rules! list_fields {
    () => {
        "id, placement AS placement_id, kind, officer_name, sending_agency AS sending_agency_id,
        host_agency AS host_agency_id, author_role, period_start, period_end, due_date, state, resubmit_by,
        submitted_at, shared_with_donor"
    };
}
const LIST_FIELDS: &str = list_fields!();
/// The CSV names each report's placement by its nomination's reference (a page links to it),
/// kept on the report (migration 37).
const CSV_FIELDS: &str = concat!(list_fields!(), ", reference");

#[derive(Debug, SurrealValue)]
struct ListRow {
    id: RecordId,
    placement_id: RecordId,
    kind: String,
    officer_name: String,
    sending_agency_id: RecordId,
    host_agency_id: RecordId,
    author_role: String,
    period_start: String,
    period_end: String,
    due_date: String,
    state: String,
    resubmit_by: Option<String>,
    submitted_at: Option<DateTime<Utc>>,
    shared_with_donor: bool,
    /// Read for the CSV only.
    #[surreal(default)]
    reference: String,
}

impl ListRow {
    fn summary(self, today: NaiveDate, names: &Directory) -> Result<ReportSummary, AppError> {
        let (sending, host) = (names.name(&self.sending_agency_id), names.name(&self.host_agency_id));
        self.summary_named(today, sending, host)
    }

    fn summary_named(
        self,
        today: NaiveDate,
        sending_agency: String,
        host_agency: String,
    ) -> Result<ReportSummary, AppError> {
        let (state, kind) =
            (db::stored::value::<ReportState>(&self.state)?, db::stored::value::<ReportKind>(&self.kind)?);
        let dates = stored_dates(kind, &self.period_end, &self.due_date, self.resubmit_by.as_deref())?;
        Ok(ReportSummary {
            id: db::key(&self.id),
            placement_id: db::key(&self.placement_id),
            kind,
            officer_name: self.officer_name,
            sending_agency,
            host_agency,
            period_start: db::stored::date(&self.period_start)?,
            period_end: dates.period_end,
            due_date: dates.due,
            state,
            overdue: rules::overdue(state, dates, today),
            submitted_at: self.submitted_at,
            shared_with_donor: self.shared_with_donor,
        })
    }
}

fn agency_of(user: &CurrentUser) -> Option<RecordId> {
    user.agency.as_ref().map(|a| db::rid("agency", &a.id))
}

/// Who may read a report: RSO staff; the sending agency's nominators; the host agency's hosts;
/// the secondee. Anyone else is told "not found".
fn may_see(user: &CurrentUser, row: &Row) -> bool {
    match user.role {
        Role::Admin | Role::Coordinator => true,
        Role::Nominator => agency_of(user).as_ref() == Some(&row.sending_agency_id),
        Role::Host => agency_of(user).as_ref() == Some(&row.host_agency_id),
        Role::Secondee => user.email.eq_ignore_ascii_case(&row.officer_email),
        Role::Donor => false,
    }
}

/// Whether `user` is the report's assigned author.
pub(crate) fn is_author(user: &CurrentUser, row: &Row) -> bool {
    match row.author_role.as_str() {
        "secondee" => user.role == Role::Secondee && user.email.eq_ignore_ascii_case(&row.officer_email),
        "host" => user.role == Role::Host && agency_of(user).as_ref() == Some(&row.host_agency_id),
        "coordinator" => user.role == Role::Coordinator,
        _ => false,
    }
}

/// The report scope of `user` as a list query.
fn scoped(user: &CurrentUser, fields: &'static str) -> Result<ListSql, AppError> {
    let all = ListSql::new("report", fields, SORTS).with_listed_order(&[
        "attention",
        "due_date",
        "officer_key",
        "period_start",
        "state",
    ]);
    Ok(match user.role {
        Role::Admin | Role::Coordinator => all,
        Role::Nominator => {
            all.filter("sending_agency = $scope", "scope", v(agency_of(user).ok_or(AppError::Forbidden)?))
        }
        // A host's and a secondee's reports are read through their own index and sorted after:
        // a thousand rows at most, where the sort's index (reports owed, by due date) would walk
        // every owed report of the programme to find theirs (1.5 s at ten years).
        Role::Host => all
            .filter("host_agency = $scope", "scope", v(agency_of(user).ok_or(AppError::Forbidden)?))
            .through_index("report_host"),
        Role::Secondee => {
            all.filter("officer_email = $scope", "scope", v(user.email.to_lowercase())).through_index("report_officer")
        }
        Role::Donor => all.filter(super::SHARED_WITH_DONOR, "scope", v(donor_of(user)?)),
    })
}

fn donor_of(user: &CurrentUser) -> Result<RecordId, AppError> {
    user.donor.as_ref().map(|d| db::rid("donor", &d.id)).ok_or(AppError::Forbidden)
}

/// The condition of "owed": upcoming, due, or returned for changes. `owed_by` is set exactly
/// then (migration 0013), and any date is after the empty string, so this is one index range.
const OWED: &str = "owed_by > ''";
/// The condition of "overdue", for lists: owed and past the due (or resubmit-by) date.
pub(crate) const OVERDUE: &str = "owed_by > '' AND owed_by < $today";
