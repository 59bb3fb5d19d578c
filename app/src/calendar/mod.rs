//! Each user's private calendar feed (`/calendar/<secret>.ics`): the due dates of the reports
//! they write or follow, and the starts and ends of the placements they see, as all-day events.
//! The secret is the server key's signature over (user, generation), so nothing secret is
//! stored; "make a new link" moves the generation on, which ends the old link. `ics.rs` writes
//! the iCalendar text.

pub mod api;
pub mod ics;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;
