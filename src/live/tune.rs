//! "Tune": each racer's learning rate set to the best point of its sweep, exactly as
//! `optiscape tune` sets it ([`crate::sweep::tune_with`] over the sweeps the scene runs in idle
//! time), and the cards saying so while the racer and its landscape stay as tuned.

use super::scene::Scene;
use super::Layer;
use crate::spec::RacerSpec;
use crate::sweep::{self, SweepPoint};

/// A racer as "Tune" left it, and the steps of the sweep its learning rate is the best of.
#[derive(Clone)]
pub struct Tuned {
    pub racer: RacerSpec,
    pub steps: u64,
}

/// Whether two racers race alike (labels and colours aside).
fn alike(a: &RacerSpec, b: &RacerSpec) -> bool {
    a.info == b.info
        && a.hyper == b.hyper
        && a.clip == b.clip
        && a.schedule == b.schedule
        && a.trajectory == b.trajectory
}

impl<L: Layer> Scene<L> {
    /// Runs what is left of the racers' sweeps, then applies the spec with each racer's
    /// learning rate at the best point of its sweep (a racer that diverged at every rate keeps
    /// its own), as any change is applied: the race keeps its clock.
    pub fn tune(&mut self) -> Result<(), String> {
        self.sweep_work(f64::INFINITY, u64::MAX);
        let points: Vec<&[SweepPoint]> = self.trails.iter().map(|t| &t.sweep.points[..]).collect();
        let (tuned, best) = sweep::tune_with(&self.spec, &points);
        let steps = self.sweep_steps();
        let notes = (tuned.racers.iter().zip(&best))
            .filter(|(_, b)| b.is_some())
            .map(|(r, _)| Tuned {
                racer: r.clone(),
                steps,
            })
            .collect();
        self.set_spec(tuned)?;
        self.tuned = notes;
        Ok(())
    }

    /// What "Tune" has left to wait for, in words: "Tuning… 40 %" of the sweeps' learning
    /// rates run.
    pub fn tuning_text(&self) -> String {
        let total: usize = self.trails.iter().map(|t| t.sweep.len()).sum();
        let run: usize = self.trails.iter().map(|t| t.sweep.points.len()).sum();
        crate::text::tuning(run, total)
    }

    /// The steps of the sweep whose best point racer `i`'s learning rate is, when "Tune" set
    /// it and neither the racer nor its landscape changed since.
    pub fn tuned_at(&self, i: usize) -> Option<u64> {
        let racer = &self.race.racers.get(i)?.spec;
        self.tuned
            .iter()
            .find(|t| alike(&t.racer, racer))
            .map(|t| t.steps)
    }
}
