//! Reading stored text back into values: a calendar date (ISO text) and a stored enum
//! (`domain::stored_enum`). What the database holds was written by the app, so a value that
//! does not read is a fault of the data, logged with what it is and answered as an internal error.
//! And a linked record read with its name, as views carry it.

use chrono::NaiveDate;
use surrealdb::types::{RecordId, SurrealValue};

use crate::domain::stored_enum::StoredEnum;
use crate::error::AppError;

/// A stored calendar date.
pub fn date(text: &str) -> Result<NaiveDate, AppError> {
    crate::domain::parse_date(text).map_err(|_| AppError::internal("stored date", format!("bad date '{text}'")))
}

/// A stored state, kind or category.
pub fn value<T: StoredEnum>(text: &str) -> Result<T, AppError> {
    T::parse(text).ok_or_else(|| AppError::internal(T::WHAT, format!("unknown '{text}'")))
}

/// A linked record as a row reads it (`link.{ id, name }`): its key and the name a view shows.
#[derive(Debug, SurrealValue)]
pub struct NamedRow {
    pub id: RecordId,
    pub name: String,
}

impl NamedRow {
    /// (key, name), as views carry a chosen record.
    pub fn pair(self) -> (String, String) {
        (super::key(&self.id), self.name)
    }

    /// [`NamedRow::pair`] of each.
    pub fn pairs(rows: Vec<NamedRow>) -> Vec<(String, String)> {
        rows.into_iter().map(NamedRow::pair).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stored_enum::stored_enum;

    stored_enum! {
        pub enum ReportState ("report state") {
            Due = "due", "Due";
            Accepted = "accepted", "Accepted";
        }
    }

    #[test]
    fn stored_text_reads_back_or_is_a_fault_that_names_it() {
        assert_eq!(date("2027-03-15").unwrap(), NaiveDate::from_ymd_opt(2027, 3, 15).unwrap());
        assert!(date("15/03/2027").is_err());
        assert_eq!(value::<ReportState>("due").unwrap(), ReportState::Due);
        assert_eq!(ReportState::ALL.map(ReportState::label), ["Due", "Accepted"]);
        // A fault of the data, logged with what it is, and never shown to the user as more.
        assert!(matches!(value::<ReportState>("lost"), Err(AppError::Internal)));
        assert!(matches!(value::<ReportState>("Due"), Err(AppError::Internal)), "the stored text, exactly");
    }
}
