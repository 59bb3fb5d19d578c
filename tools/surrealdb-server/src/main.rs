//! `surreal start …`: the SurrealDB server, built from its published library crate (its own
//! binary package is not published).
#![recursion_limit = "256"]

fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
