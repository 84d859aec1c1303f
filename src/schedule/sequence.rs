//! The learning rate each step of a racer's race uses, as `optiscape run` reports it (`lr`):
//! the racer raced alone on the spec's landscape, so that ReduceLROnPlateau sees the losses it
//! watches in the race. It ends where the racer stops (diverged, or no Newton step).

use crate::race;
use crate::spec::RunSpec;

/// Racer `i`'s learning rate at each step of `spec`'s race; None when there is no racer `i`.
pub fn lr_sequence(spec: &RunSpec, i: usize) -> Option<Vec<f64>> {
    let racer = spec.racers.get(i)?.clone();
    let alone = RunSpec {
        racers: vec![racer],
        ..spec.clone()
    };
    race::run(&alone).racers.pop().map(|r| r.lr)
}
