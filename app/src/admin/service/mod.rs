//! The storage side of the reference resources (`impl Stored`) and their own transactions.
pub mod agencies;
pub mod donors;
pub mod members;
pub mod themes;
pub mod users;
