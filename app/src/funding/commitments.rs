//! Committing an agreement's money to a placement. One transaction checks the earmarks and the
//! total against what is stored at that moment (it writes the agreement first, so two parallel
//! commitments conflict and the second one re-checks), writes the line and its audit entry,
//! tells the agencies and the donor when it is the placement's first, and sends the utilisation
//! alerts it crosses.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CommitmentForm {
    pub agreement: String,
    pub placement: String,
    pub category: String,
    pub amount: String,
    pub note: String,
    /// Only to commit past the agreement's total.
    pub override_reason: String,
}

/// A commitment line as the agreement page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentLine {
    pub placement_id: String,
    pub placement: String,
    pub category: super::rules::Category,
    pub amount: crate::domain::Money,
    pub note: Option<String>,
    pub override_reason: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A commitment as the placement's page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundingLine {
    pub agreement_id: String,
    pub reference: String,
    pub category: super::rules::Category,
    pub amount: crate::domain::Money,
}
