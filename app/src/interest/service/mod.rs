//! Server-side work of expressions of interest: what anyone may do (`public.rs`: the page, the
//! form, the confirmation, and the scheduler's purge of unconfirmed enquiries) and the
//! coordinators' queue (`queue.rs`).

pub mod public;
pub mod queue;
