//! optiscape: see how optimizers move.
//!
//! The numerical core (this crate without the `web` module) knows nothing of the browser and
//! computes in f64: [`optim`] holds every optimizer exactly as its reference computes it,
//! [`landscape`] the 2-D test functions with exact derivatives, [`spec`] the JSON run spec shared
//! by the CLI, the wasm API and the page URL, and [`race`] runs racers over a landscape.

pub mod catalog;
pub mod classify;
pub mod landscape;
pub mod optim;
pub mod race;
pub mod render;
pub mod schedule;
pub mod schema;
pub mod spec;
pub mod sweep;
pub mod trace;

#[cfg(target_arch = "wasm32")]
mod web;
