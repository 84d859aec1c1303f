//! Taking a race out of optiscape: its data, its animation and the PyTorch script that reruns it.
//!
//! * [`state`]: a race with its optimizers' state after every step (`optiscape run --state`).
//! * [`csv`]: a race, or a training race's epochs, as CSV (`--format csv`), one row per racer
//!   and step (or epoch). The page's download menu calls the same functions, so its files equal
//!   the CLI's byte for byte.

pub mod csv;
pub mod state;
