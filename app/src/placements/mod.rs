//! Placements: what an approved nomination becomes, and its life: it starts on its day, may be
//! extended or ended early by a coordinator (with the e-mails to both agencies), and ends.
//! `rules.rs` holds the lifecycle as one pure function; `service.rs` (server only) applies it in
//! transactions with history, audit, overlaps and mail; `scheduler.rs` makes the daily moves
//! (start, end) exactly once; `pages.rs` shows a placement and its forms.

pub mod pages;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod scheduler;
#[cfg(feature = "ssr")]
pub mod service;

pub use pages::{PlacementPage, PlacementsPage};
pub use rules::PlacementState;

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

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
];

/// One step in a placement's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: String,
    pub from_state: Option<PlacementState>,
    pub to_state: Option<PlacementState>,
    pub old_end: Option<NaiveDate>,
    pub new_end: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// A coordinator's move, as posted: `extend` (new_end), `end_early` (last_day) or `cancel`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PlacementActionForm {
    pub id: String,
    pub action: String,
    pub new_end: String,
    pub last_day: String,
    pub reason: String,
}

#[server(endpoint = "placements/list")]
pub async fn list_placements(#[server(flatten)] query: crate::listing::ListQuery) -> Result<PlacementList, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(READERS)).await?;
    crate::api::answer(service::list(&user, &query).await)
}

#[server(endpoint = "placements/get")]
pub async fn get_placement(#[server(default)] id: String) -> Result<PlacementView, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(READERS)).await?;
    crate::api::answer(service::get(&user, &id).await)
}

/// A coordinator's move: each form has its own endpoint, so its errors show at its own fields.
#[cfg(feature = "ssr")]
async fn coordinator_move(action: &str, mut form: PlacementActionForm) -> Result<(), AppError> {
    use crate::auth::{guard, Role};
    let user = guard::require(guard::Access::Roles(&[Role::Coordinator])).await?;
    form.action = action.to_string();
    let result = service::act(&user, &form).await;
    crate::api::finish(result, &form)
}

#[server(endpoint = "placements/extend")]
pub async fn extend_placement(#[server(flatten)] form: PlacementActionForm) -> Result<(), AppError> {
    coordinator_move("extend", form).await
}

#[server(endpoint = "placements/end-early")]
pub async fn end_placement_early(#[server(flatten)] form: PlacementActionForm) -> Result<(), AppError> {
    coordinator_move("end_early", form).await
}

#[server(endpoint = "placements/cancel")]
pub async fn cancel_placement(#[server(flatten)] form: PlacementActionForm) -> Result<(), AppError> {
    coordinator_move("cancel", form).await
}
