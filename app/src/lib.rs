//! Secondment Hub: pages, islands, server functions and domain rules, shared by the server
//! binary (`ssr`) and the browser islands (`hydrate`). See ARCHITECTURE.md for the code map.

#![recursion_limit = "256"]

pub mod admin;
pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod domain;
pub mod error;
pub mod funding;
pub mod home;
pub mod interest;
pub mod listing;
pub mod nominations;
pub mod notifications;
pub mod placements;
pub mod privacy;
pub mod reference;
pub mod reports;
pub mod resource;
pub mod shell;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod attachments;
#[cfg(feature = "ssr")]
pub mod cache;
pub mod calls;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod cookies;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod directory;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod net;
#[cfg(feature = "ssr")]
pub mod signing;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod uploads;

pub use app::{shell, App};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
