//! The placement's lifecycle states. Plain Rust, no IO.
//!
//! `planned → active → completed`, or `terminated` early (with a reason).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacementState {
    Planned,
    Active,
    Completed,
    Terminated,
}

impl PlacementState {
    pub const ALL: [PlacementState; 4] =
        [PlacementState::Planned, PlacementState::Active, PlacementState::Completed, PlacementState::Terminated];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            PlacementState::Planned => "planned",
            PlacementState::Active => "active",
            PlacementState::Completed => "completed",
            PlacementState::Terminated => "terminated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PlacementState::Planned => "Planned",
            PlacementState::Active => "Active",
            PlacementState::Completed => "Completed",
            PlacementState::Terminated => "Terminated",
        }
    }

    pub fn parse(text: &str) -> Option<PlacementState> {
        PlacementState::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for state in PlacementState::ALL {
            assert_eq!(PlacementState::parse(state.as_str()), Some(state));
        }
        assert_eq!(PlacementState::parse("Planned"), None);
        assert_eq!(PlacementState::parse(""), None);
    }
}
