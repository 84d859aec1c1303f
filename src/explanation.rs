//! A racer's next step, explained: the pieces of its optimizer's next update at the point it
//! stands, in the update's own order, each with its value, label and caption (see
//! [`crate::optim::explain`]). The page's "explain step" view and `optiscape plot --explain`
//! draw it; it crosses the wasm boundary as JSON (`serde`).

use crate::landscape::Point;
use crate::optim::Piece;
use crate::race::{Race, Status};
use serde::Serialize;

/// One racer's next update. Its `step` piece (the last) is the step the racer takes next,
/// `next - at`, to the last bit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// The racer's index in the spec.
    pub racer: usize,
    /// Its label, or its optimizer's title.
    pub name: String,
    /// Its optimizer's name in the spec (`adam`; `external` for a given trajectory).
    pub optimizer: &'static str,
    /// The steps it has taken: the update takes it from step `step` to `step + 1`.
    pub step: u64,
    /// Where it stands, and its loss there (`scale * f`, noise-free).
    pub at: Point,
    pub loss: f64,
    /// Where the update takes it.
    pub next: Point,
    /// The learning rate of the update, as its scheduler set it; null for a given trajectory.
    pub lr: Option<f64>,
    pub pieces: Vec<Piece>,
}

impl Race {
    /// Racer `i`'s next update, piece by piece, without taking it (nothing of the race
    /// changes). An error for a racer that does not exist or has stopped: it has no next step.
    pub fn explain(&self, i: usize) -> Result<Explanation, String> {
        let racer = self.racers.get(i).ok_or_else(|| format!("no racer {i}: the race has {}", self.racers.len()))?;
        let name = racer.spec.display_name().to_string();
        if racer.stopped() {
            let why = match racer.status() {
                Status::Diverged => format!("diverged at step {}", racer.diverged_at.unwrap_or(racer.step)),
                Status::Singular => format!("stopped at step {}: its Hessian is singular there", racer.step),
                Status::Ok => format!("reached the end of its given trajectory at step {}", racer.step),
            };
            return Err(format!("racer {i} ({name}) {why}: it has no next step to explain"));
        }
        let explained = racer.explain_next(&self.objective);
        Ok(Explanation {
            racer: i,
            name,
            optimizer: racer.spec.info.name,
            step: racer.step,
            at: racer.position,
            loss: racer.loss,
            next: [explained.next[0], explained.next[1]],
            lr: explained.lr,
            pieces: explained.pieces,
        })
    }
}
