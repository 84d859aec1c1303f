//! Taking a race out of optiscape: its data, its animation and the PyTorch script that reruns it.
//!
//! * [`state`]: a race with its optimizers' state after every step (`optiscape run --state`).
//! * [`csv`]: a race, or a training race's epochs, as CSV (`--format csv`), one row per racer
//!   and step (or epoch). The page's download menu calls the same functions, so its files equal
//!   the CLI's byte for byte.
//! * [`gif`]: an animated GIF from RGBA frames: one palette, only the pixels that changed per
//!   frame. No file system: the page can record its canvas through it.
//! * [`torch`]: a self-contained PyTorch script that reruns a race or a training race
//!   (`optiscape torch`).
//! * `raster` and `animate` (native only, not in the browser's module): a plotters backend on an
//!   RGBA buffer with text in DejaVu Sans, and `optiscape plot`'s figure drawn through it frame
//!   by frame into a GIF (`optiscape animate`).

pub mod csv;
pub mod gif;
pub mod state;
pub mod torch;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub mod animate;
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub mod raster;
