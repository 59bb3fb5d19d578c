//! Placements: what an approved nomination becomes, and its life: it starts on its day, may be
//! extended or ended early by a coordinator (with the e-mails to both agencies), and ends.
//! `rules.rs` holds the lifecycle as one pure function; `api.rs` the server functions;
//! `service/` (server only) applies it in transactions with history, audit, overlaps and mail;
//! `scheduler.rs` makes the daily moves (start, end) and queues the reminders (`reminders.rs`
//! says which are owed) exactly once; `pages/` shows the lists, the timeline, a placement and
//! its forms.

pub mod pages;
pub mod rules;
pub mod timeline;

#[cfg(feature = "ssr")]
pub mod reminders;

pub mod api;
#[cfg(feature = "ssr")]
pub mod scheduler;
#[cfg(feature = "ssr")]
pub mod service;

pub use pages::{PlacementPage, PlacementsPage, TimelinePage};
pub use rules::{PlacementEventKind, PlacementState};

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
pub use api::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementView {
    pub id: String,
    pub state: PlacementState,
    pub officer_name: String,
    pub officer_email: String,
    pub sending_agency: String,
    pub host_agency: String,
    pub supervisor_name: String,
    pub supervisor_email: String,
    pub dates: rules::Dates,
    /// Why it ended early or was cancelled.
    pub end_reason: Option<String>,
    /// Another placement of the same officer shares days with this one.
    pub overlap: bool,
    pub objectives: String,
    pub nomination_id: String,
    pub nomination_reference: String,
    pub history: Vec<PlacementEvent>,
    /// Whether the caller may extend, end or cancel it (a coordinator, while it is open).
    pub can_act: bool,
    /// The secondee's account: none yet, invited, or able to sign in.
    pub secondee: SecondeeAccount,
    /// A coordinator may (re-)invite the secondee: the placement is open and its secondee
    /// cannot sign in yet.
    pub can_invite: bool,
    /// The placement's reports, by due date.
    pub reports: Vec<crate::reports::ReportSummary>,
    /// RSO staff: the commitments that fund it.
    pub funding: Vec<crate::funding::commitments::FundingLine>,
    /// RSO staff: the placement's reporting cycles.
    pub cycles: Vec<crate::reports::CycleView>,
}

/// A placement as the donor whose agreements fund it sees it: who goes where, when, what for,
/// and the reports shared with the donor. The people's addresses, the supervisor, the history
/// with its actors and reasons, the reports not shared and the RSO's own sections stay off it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DonorPlacementView {
    pub id: String,
    /// The nomination's reference, as the donor's lists and exports name the placement.
    pub reference: String,
    pub state: PlacementState,
    pub officer_name: String,
    pub sending_agency: String,
    pub host_agency: String,
    pub dates: rules::Dates,
    pub overlap: bool,
    pub objectives: String,
    /// The accepted reports shared with the donor, by due date.
    pub reports: Vec<crate::reports::ReportSummary>,
}

/// One placement's page: whole for RSO staff and the agencies' people, the donor's own view for
/// a donor (see [`DonorPlacementView`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PlacementDetail {
    Full(PlacementView),
    Donor(DonorPlacementView),
}

/// A placement in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementSummary {
    pub id: String,
    pub reference: String,
    pub officer_name: String,
    pub sending_agency: String,
    pub host_agency: String,
    pub state: PlacementState,
    pub dates: rules::Dates,
    pub extensions: u32,
    pub overlap: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementList {
    pub page: crate::listing::Page<PlacementSummary>,
    /// RSO staff see every placement and filter by agency.
    pub staff: bool,
}

/// Who reaches the placement list and pages at all; each narrows further by record.
pub const READERS: &[crate::auth::Role] = &[
    crate::auth::Role::Admin,
    crate::auth::Role::Coordinator,
    crate::auth::Role::Nominator,
    crate::auth::Role::Host,
    crate::auth::Role::Secondee,
    crate::auth::Role::Donor,
];

/// The condition that narrows placements to those the agreements of donor `$scope` fund.
/// `funders` is kept by the commitments (migration 0015).
pub const FUNDED_BY_DONOR: &str = "funders CONTAINS $scope";

/// One step in a placement's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: PlacementEventKind,
    pub from_state: Option<PlacementState>,
    pub to_state: Option<PlacementState>,
    pub old_end: Option<NaiveDate>,
    pub new_end: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// Which move a coordinator's form asks for: each has an endpoint of its own, so the move is
/// known from the endpoint, never read from what was posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoordinatorMove {
    /// To `new_end`.
    Extend,
    /// With `last_day` as the last day.
    EndEarly,
    Cancel,
}

/// A coordinator's move, as posted: the fields that its [`CoordinatorMove`] reads.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PlacementActionForm {
    pub id: String,
    pub new_end: String,
    pub last_day: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecondeeAccount {
    None,
    Invited,
    Active,
    Disabled,
}

impl SecondeeAccount {
    pub fn label(self) -> &'static str {
        match self {
            SecondeeAccount::None => "No account yet",
            SecondeeAccount::Invited => "Invited; has not signed in yet",
            SecondeeAccount::Active => "Can sign in",
            SecondeeAccount::Disabled => "Account disabled",
        }
    }
}

/// The placements drawn on the timeline, within the window and the list's filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineData {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
    pub rows: Vec<PlacementSummary>,
    /// More placements matched than are drawn.
    pub truncated: bool,
    /// RSO staff, who may filter by agency and theme.
    pub staff: bool,
}

/// Placements under way (planned or active) by sending member and by theme: (id, name, count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountsUnderWay {
    pub by_member: Vec<(String, String, u64)>,
    pub by_theme: Vec<(String, String, u64)>,
}

/// The placements block of a home page (see `service::overview`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementsAtGlance {
    pub today: NaiveDate,
    /// Planned and active placements, soonest start first.
    pub current: Vec<PlacementSummary>,
    /// Planned placements starting within 30 days.
    pub starting: Vec<PlacementSummary>,
    /// Active placements whose last day is within 30 days.
    pub ending: Vec<PlacementSummary>,
    /// RSO staff: how many placements are in each state.
    pub counts: Vec<(PlacementState, u64)>,
    /// RSO staff: open placements whose dates overlap another of the same officer.
    pub overlaps: Vec<PlacementSummary>,
}
