//! Server-side work on funding that is not one record type's: the reporting figures.

pub mod reporting;
