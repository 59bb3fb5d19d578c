//! Server-side work on funding that is not one record type's: the reporting figures.

pub mod agreements;
pub mod commitments;
pub mod expenditures;
pub mod iati;
pub mod lines;
pub mod reporting;
