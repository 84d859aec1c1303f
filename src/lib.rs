//! optiscape: see how optimizers move.
//!
//! The numerical core (this crate without the `web` module) knows nothing of the browser and
//! computes in f64: [`optim`] holds every optimizer exactly as its reference computes it,
//! [`landscape`] the 2-D test functions with exact derivatives, [`spec`] the JSON run spec shared
//! by the CLI, the wasm API and the page URL, and [`race`] runs racers over a landscape.
//! [`math`] holds the correctly rounded elementary functions all of them use, so the core
//! computes the same bits natively and in wasm.

pub mod catalog;
pub mod explanation;
pub mod export;
pub mod classify;
// A whole race as one SVG figure (`optiscape plot`): not in the browser's module.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub mod figure;
pub mod landscape;
pub mod live;
pub mod math;
pub mod optim;
pub mod presets;
pub mod race;
// Pixels only (axes, ticks, colour scales): no position, loss or figure of a race depends on the
// last bit of their logarithms and powers, so std's functions are fine there.
#[allow(clippy::disallowed_methods, reason = "drawing only; the core's numbers use crate::math")]
pub mod render;
pub mod schedule;
pub mod schema;
pub mod spec;
pub mod sweep;
pub mod text;
pub mod trace;

#[cfg(target_arch = "wasm32")]
mod web;
