//! Server-side work on nominations, in three parts: `read` (lists, CSV, one nomination within
//! the caller's scope, what the caller may do), `save` (drafts) and `act` (state changes and
//! comments, each with its history, audit entry, e-mails and, on approval, the placement, in one
//! transaction). The rules they apply are plain functions in `super::rules`.

mod act;
mod lists;
mod read;
mod save;

pub use act::{act, comment};
pub use lists::{ages, csv, list};
pub use read::{get, load, load_in, start_from};
pub use save::save;
