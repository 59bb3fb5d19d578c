//! Integration tests: the whole app served on a loopback port, each test against its own
//! in-memory SurrealDB. One test binary, so the large server is linked once.

mod common;
#[path = "../support/mod.rs"]
mod support;

mod access;
mod access_matrix;
mod admin;
mod auth;
mod backup;
mod calendar;
mod calls;
mod cluster;
mod concurrency;
mod crash;
mod database;
mod donors;
mod funding;
mod generate;
mod interest;
mod lists;
mod mail;
mod malformed;
mod memory;
mod nominations;
mod pages;
mod placement_pages;
mod placements;
mod privacy;
mod process;
mod reminders;
mod reports;
mod search;
mod second_factor;
mod security;
mod sign_in_limits;
