//! The home page: what each role sees first. The workflow areas (nominations, placements,
//! funding, reports) fill these in as they arrive; for now each role sees its orientation and
//! the programme's reference data at a glance.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
mod service;

pub use api::*;
pub use pages::HomePage;

use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeOverview {
    pub user: CurrentUser,
    /// (label, count, link) shown to the RSO staff.
    pub counts: Vec<(String, u64, String)>,
    /// E-mails that could not be delivered (RSO staff only), so that someone resends them.
    pub failed_mail: u64,
    /// The office date.
    pub today: chrono::NaiveDate,
}
