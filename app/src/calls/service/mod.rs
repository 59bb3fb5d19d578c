//! Server-side work of calls: how they are stored (`store.rs`, the resource's part), the
//! coordinators' moves and a call's figures (`act.rs`), what a nomination answering a call is
//! checked against and counted in (`answer.rs`), and the scheduler's closing (`close.rs`).

pub mod act;
pub mod answer;
pub mod close;
mod store;

pub use store::{open_for, open_to_all};

pub use act::{act, figures};
