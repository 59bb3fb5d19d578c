//! Reports: the periodic reports that placements produce. `plan.rs` cuts a placement into report
//! periods and re-plans them when its dates change; `rules.rs` is the lifecycle and "overdue";
//! `cycles.rs` the cycle settings and their form rules (all three pure, unit-tested).
//! `planning.rs` (server only) attaches the programme's cycles to a placement and applies
//! re-planning in the placement's transaction; `api.rs` has the server functions, and `service/`
//! reads, writes and reviews reports within the caller's scope; `scheduler.rs` marks reports due
//! and sends reminders, overdue notices and escalations once each; `pages/` shows the list, a
//! report and its forms.

pub mod cycles;
pub mod outcomes;
pub mod pages;
pub mod plan;
pub mod rules;

pub mod api;
#[cfg(feature = "ssr")]
pub mod documents;
#[cfg(feature = "ssr")]
pub mod planning;
#[cfg(feature = "ssr")]
pub mod scheduler;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use cycles::ReportKind;
pub use pages::{CyclesPage, OutcomesPage, ReportPage, ReportsPage};
pub use rules::ReportState;

use crate::error::AppError;
pub use api::*;

/// Who reaches the report list and pages at all; each narrows further by record (a donor: the
/// accepted reports shared with it, of the placements its agreements fund).
pub const READERS: &[crate::auth::Role] = &[
    crate::auth::Role::Admin,
    crate::auth::Role::Coordinator,
    crate::auth::Role::Nominator,
    crate::auth::Role::Host,
    crate::auth::Role::Secondee,
    crate::auth::Role::Donor,
];

/// The condition that narrows reports to those shared with the donor `$scope`.
/// `funders` is the placement's, kept by the commitments (migration 0015).
pub const SHARED_WITH_DONOR: &str = "funders CONTAINS $scope AND shared_with_donor = true AND state = 'accepted'";

/// A report in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSummary {
    pub id: String,
    pub placement_id: String,
    pub kind: ReportKind,
    pub officer_name: String,
    pub sending_agency: String,
    pub host_agency: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub due_date: NaiveDate,
    pub state: ReportState,
    pub overdue: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub shared_with_donor: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportList {
    pub page: crate::listing::Page<ReportSummary>,
    /// RSO staff see every report and filter by agency.
    pub staff: bool,
}

/// What a report says: the draft being written, or a submitted version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportContent {
    pub activities: String,
    pub outcomes: String,
    pub challenges: String,
    pub next_steps: String,
    /// Themes advanced, as (id, name).
    pub themes: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportVersion {
    /// The files attached when it was submitted, as (id, file name).
    pub documents: Vec<(String, String)>,
    pub version: u32,
    pub at: DateTime<Utc>,
    pub author: String,
    pub content: ReportContent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: rules::ReportEventKind,
    pub note: Option<String>,
}

/// A file attached to a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportFile {
    pub id: String,
    pub file_name: String,
    /// Bytes.
    pub size: i64,
    /// The first version submitted with it, if any: from then on it stays.
    pub sent_with: Option<u32>,
}

/// One report as its reader may see it, with what they may do to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub summary: ReportSummary,
    pub author_label: String,
    pub resubmit_by: Option<NaiveDate>,
    pub reason: Option<String>,
    /// What its author is writing: for the author alone; the others read the versions sent.
    pub draft: Option<ReportContent>,
    /// Files attached.
    pub documents: Vec<ReportFile>,
    pub versions: Vec<ReportVersion>,
    pub history: Vec<ReportEvent>,
    /// The caller is its author and it is owed: they may save and submit.
    pub can_write: bool,
    /// A coordinator: review, reopen, cancel, waive, share, move the due date.
    pub can_review: bool,
    /// Active themes, as (id, name), for the author's form.
    pub theme_choices: Vec<(String, String)>,
}

/// A report shared with the donor, as the donor sees it: the version accepted and shared, with
/// its files. Drafts, earlier versions, who submitted them, the review's comments and the
/// history stay with the RSO and the report's author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DonorReportView {
    pub summary: ReportSummary,
    /// Who writes it: the secondee by name, or the host agency.
    pub author_label: String,
    /// The number of the version shared.
    pub version: u32,
    pub content: ReportContent,
    /// The files sent with that version, as (id, file name).
    pub documents: Vec<(String, String)>,
}

/// One report's page: whole for RSO staff and the agencies' people, the shared version for a
/// donor (see [`DonorReportView`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ReportDetail {
    Full(ReportView),
    Donor(DonorReportView),
}

/// The author's form: the content, and `submit` set when sending it in.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    pub id: String,
    pub activities: String,
    pub outcomes: String,
    pub challenges: String,
    pub next_steps: String,
    pub themes: Vec<String>,
    /// "submit" sends the report in; anything else saves the draft.
    pub intent: String,
}

/// A coordinator's step on a report: accept, return, reopen, cancel, waive, share, unshare, or
/// move the due date.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    pub id: String,
    pub action: String,
    pub comment: String,
    pub resubmit_by: String,
    pub reason: String,
    pub due_date: String,
}

/// A reporting cycle as its form shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleView {
    pub id: String,
    pub cycle: cycles::Cycle,
    /// A report of it was submitted: it no longer changes.
    pub locked: bool,
}

/// One list of a home page's reports block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportsSection {
    pub id: String,
    pub heading: String,
    pub empty: String,
    pub reports: Vec<ReportSummary>,
    /// The reports list with this section's filter: where "see all" goes.
    pub list: String,
}
