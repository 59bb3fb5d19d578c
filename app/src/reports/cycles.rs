//! Reporting cycles: what kind of report, who writes it, how often, when it is due, when its
//! author is reminded and when coordinators are told it is late. The programme's defaults are
//! copied to each placement when it is approved. Plain Rust: the form's rules are unit-tested.

use serde::{Deserialize, Serialize};

use super::plan::{Alignment, Frequency, Schedule};
use crate::domain::stored_enum::stored_enum;
use crate::error::{AppError, FieldErrors};

stored_enum! {
    pub enum ReportKind ("report kind") {
        SecondeeMonthly = "secondee_monthly", "Secondee monthly report";
        SupervisorQuarterly = "supervisor_quarterly", "Supervisor quarterly assessment";
        EndOfPlacement = "end_of_placement", "End-of-placement report";
        DonorProgress = "donor_progress", "Donor progress report";
    }
}

impl ReportKind {
    /// Who writes reports of this kind.
    pub fn author(self) -> Author {
        match self {
            ReportKind::SecondeeMonthly | ReportKind::EndOfPlacement => Author::Secondee,
            ReportKind::SupervisorQuarterly => Author::Host,
            ReportKind::DonorProgress => Author::Coordinator,
        }
    }
}

/// Who writes a cycle's reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    /// The placement's secondee.
    Secondee,
    /// A host contact of the placement's host agency (a `host` user of that agency).
    Host,
    /// A coordinator (donor progress reports).
    Coordinator,
}

impl Author {
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Secondee => "secondee",
            Author::Host => "host",
            Author::Coordinator => "coordinator",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Author::Secondee => "The secondee",
            Author::Host => "The host agency",
            Author::Coordinator => "A coordinator",
        }
    }

    pub fn parse(text: &str) -> Option<Author> {
        [Author::Secondee, Author::Host, Author::Coordinator].into_iter().find(|a| a.as_str() == text)
    }
}

/// The most days an offset may be.
pub const MAX_OFFSET: u32 = 365;

/// A cycle's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cycle {
    pub kind: ReportKind,
    pub frequency: Frequency,
    pub alignment: Alignment,
    /// Days after a period's end that the report is due.
    pub due_offset: u32,
    /// Days before the due date that the author is reminded, largest first.
    pub reminder_offsets: Vec<u32>,
    /// Days after the due date that coordinators are told of a late report.
    pub escalation_offset: u32,
}

impl Cycle {
    pub fn schedule(&self) -> Schedule {
        Schedule { frequency: self.frequency, alignment: self.alignment, due_offset: self.due_offset }
    }
}

/// The cycle form, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CycleForm {
    pub id: String,
    pub kind: String,
    pub frequency: String,
    pub alignment: String,
    pub due_offset: String,
    /// Days before the due date, separated by commas: "14, 3".
    pub reminder_offsets: String,
    pub escalation_offset: String,
}

fn offset(text: &str) -> Result<u32, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("This field is required.".into());
    }
    match text.parse::<i64>() {
        Ok(n) if n < 0 => Err("Use a number of days from 0 up.".into()),
        Ok(n) if n > i64::from(MAX_OFFSET) => Err(format!("Use at most {MAX_OFFSET} days.")),
        Ok(n) => Ok(n as u32),
        Err(_) => Err("Use a whole number of days, like 10.".into()),
    }
}

fn offsets(text: &str) -> Result<Vec<u32>, String> {
    let mut days = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        days.push(offset(part).map_err(|m| format!("“{part}”: {m}"))?);
    }
    if days.len() > 5 {
        return Err("Give at most five reminders.".into());
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    Ok(days)
}

impl CycleForm {
    /// The cycle, or the messages at its fields.
    pub fn validate(&self) -> Result<Cycle, AppError> {
        let mut errors = FieldErrors::new();
        let kind =
            errors.take("kind", ReportKind::parse(&self.kind).ok_or_else(|| "Choose a kind of report.".to_string()));
        let frequency = errors.take(
            "frequency",
            Frequency::parse(&self.frequency).ok_or_else(|| "Choose monthly, quarterly or once.".to_string()),
        );
        let alignment = errors.take(
            "alignment",
            Alignment::parse(&self.alignment).ok_or_else(|| "Choose how periods are counted.".to_string()),
        );
        let due_offset = errors.take("due_offset", offset(&self.due_offset));
        let reminder_offsets = errors.take("reminder_offsets", offsets(&self.reminder_offsets));
        let escalation_offset = errors.take("escalation_offset", offset(&self.escalation_offset));
        errors.finish(|| Cycle {
            kind: kind.unwrap_or(ReportKind::SecondeeMonthly),
            frequency: frequency.unwrap_or(Frequency::Monthly),
            alignment: alignment.unwrap_or(Alignment::Calendar),
            due_offset: due_offset.unwrap_or_default(),
            reminder_offsets: reminder_offsets.unwrap_or_default(),
            escalation_offset: escalation_offset.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CycleForm {
        CycleForm {
            id: String::new(),
            kind: "secondee_monthly".into(),
            frequency: "monthly".into(),
            alignment: "calendar".into(),
            due_offset: "10".into(),
            reminder_offsets: "3, 14".into(),
            escalation_offset: "14".into(),
        }
    }

    fn field_of(result: Result<Cycle, AppError>) -> String {
        result.unwrap_err().field_errors()[0].field.clone()
    }

    #[test]
    fn a_valid_cycle_with_its_reminders_largest_first() {
        let cycle = form().validate().unwrap();
        assert_eq!(cycle.reminder_offsets, vec![14, 3]);
        assert_eq!(cycle.due_offset, 10);
        assert_eq!(cycle.kind.author(), Author::Secondee);
    }

    #[test]
    fn offsets_below_zero_over_a_year_or_not_numbers_are_refused_at_their_field() {
        for (bad, field) in [("-1", "due_offset"), ("366", "due_offset"), ("ten", "due_offset")] {
            let mut f = form();
            f.due_offset = bad.into();
            assert_eq!(field_of(f.validate()), field, "{bad}");
        }
        let mut f = form();
        f.reminder_offsets = "14, -3".into();
        assert_eq!(field_of(f.validate()), "reminder_offsets");
        let mut f = form();
        f.escalation_offset = "400".into();
        assert_eq!(field_of(f.validate()), "escalation_offset");
        let mut f = form();
        f.reminder_offsets = String::new();
        assert_eq!(f.validate().unwrap().reminder_offsets, Vec::<u32>::new(), "no reminders is a choice");
    }

    #[test]
    fn an_unknown_frequency_or_kind_is_refused() {
        let mut f = form();
        f.frequency = "weekly".into();
        assert_eq!(field_of(f.validate()), "frequency");
        let mut f = form();
        f.kind = "essay".into();
        assert_eq!(field_of(f.validate()), "kind");
    }
}
