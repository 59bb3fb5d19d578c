//! Outcomes by theme: how many accepted reports, and how many distinct placements, advanced each
//! theme; the outcomes they tell of one click away; filtered by period, member and agency, and
//! exported to CSV. Within the caller's scope, like the reports list.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeCount {
    pub theme_id: String,
    pub theme: String,
    pub reports: u64,
    pub placements: u64,
}

/// One accepted report's outcomes, for the theme chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub report_id: String,
    pub officer_name: String,
    pub sending_agency: String,
    pub period_end: NaiveDate,
    pub outcomes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomesData {
    pub themes: Vec<ThemeCount>,
    /// The outcomes of the theme in `query.theme`, newest first (at most 50).
    pub outcomes: Vec<Outcome>,
    pub staff: bool,
}
