//! An external racer: a trajectory computed elsewhere (your own optimizer, in torch or numpy),
//! raced beside the others. It is no optimizer: its "step" k moves it to point k of the given
//! trajectory, whatever the gradient says, and it stops at its last point. It starts at its own
//! first point, wherever the race's start is. Its loss is the landscape's, like every racer's.

use super::explain::{self, PieceInfo};
use super::{Derivatives, Entry, Explained, OptimizerFactory, OptimizerInfo, Quantity, Stepper, Tensor};
use crate::landscape::Point;
use crate::schedule::Knobs;
use std::sync::Arc;

/// The racer name of a given trajectory. Not in [`super::REGISTRY`]: it has no hyperparameters,
/// no sweep and no classifier; `crate::spec` parses its one field, `trajectory`.
pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "external",
    title: "External",
    reference: "a trajectory given in the spec",
    params: &[],
    state: &[Quantity { name: "step", tip: "how many points of the given trajectory it has moved along" }],
    pieces: PIECES,
    needs_hessian: false,
    build: |_| Err("an external racer is built from its trajectory".into()),
};

/// A given trajectory's one piece: the move to its next point.
const PIECES: &[PieceInfo] = &[PieceInfo::step("the step: to the next point of the given trajectory")];

/// The given points, ready to start any number of replays.
pub struct Given(pub Arc<[Point]>);

impl OptimizerFactory for Given {
    fn start(&self, _params: &[f64]) -> Box<dyn Stepper> {
        Box::new(Replay { points: self.0.clone(), step: 0, lr: f64::NAN })
    }

    fn start_model(&self, params: &[f64], _tensors: &[Tensor]) -> Box<dyn Stepper> {
        // The training spec refuses external racers; a model's parameters are no 2-D point.
        unreachable!("an external racer on a model of {} parameters", params.len())
    }
}

/// A replay of the given points: step k goes to point k.
struct Replay {
    points: Arc<[Point]>,
    /// The index of the point it stands at.
    step: usize,
    /// No learning rate: only so that it is a scheduler's [`Knobs`] (no scheduler is allowed).
    lr: f64,
}

impl Knobs for Replay {
    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }
    fn momentum_mut(&mut self) -> Option<&mut f64> {
        None
    }
}

impl Stepper for Replay {
    fn needs_hessian(&self) -> bool {
        false
    }
    fn needs_closure(&self) -> bool {
        false
    }
    fn reset(&mut self, _params: &[f64]) {
        self.step = 0;
    }
    fn step(&mut self, params: &mut [f64], _d: &Derivatives) {
        if let Some(next) = self.points.get(self.step + 1) {
            params.copy_from_slice(next);
            self.step += 1;
        }
    }
    fn inspect(&self) -> Vec<Entry> {
        vec![Entry::int("step", self.step as u64)]
    }
    fn undefined(&self) -> bool {
        false
    }
    fn ended(&self) -> bool {
        self.step + 1 >= self.points.len()
    }
    fn explain(&self, params: &[f64], _d: &Derivatives) -> Explained {
        let next = self.points.get(self.step + 1).map_or_else(|| params.to_vec(), |p| p.to_vec());
        let step = next.iter().zip(params).map(|(n, p)| n - p).collect();
        Explained { lr: None, pieces: explain::in_table_order(PIECES, Vec::new(), step), next }
    }
}
