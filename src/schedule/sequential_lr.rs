//! SequentialLR: its schedulers one after another, switching at each milestone (where the next
//! one restarts from its own start: a LinearLR warm-up then a cosine jumps to the base rate).

use super::{build_children, check_children, Group, Schedule, SchedulerInfo};
use crate::schema::{Hyper, Param};

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "SequentialLR",
    doc: "its schedulers one after another, switching at the milestones",
    params: &[
        Param::schedulers("schedulers", "the schedulers, in order")
        .tip("schedulers that take turns: each runs until the next milestone").required(),
        Param::integers("milestones", &[], super::COUNT, true, "steps at which the next scheduler takes over (one fewer than schedulers)")
        .tip("the steps at which the next scheduler takes over").required(),
    ],
    cycles_momentum: false,
    check: |h| {
        check_children(h)?;
        let (n, m) = (h.schedulers("schedulers").len(), h.ints("milestones").len());
        if m + 1 != n {
            return Err(format!("`milestones` must hold one fewer step than `schedulers` has schedulers: {n} schedulers, {m} milestones"));
        }
        Ok(())
    },
    build,
    max_steps,
    rates: &[],
};

fn build(h: &Hyper, g: &mut Group) -> Result<Box<dyn Schedule>, String> {
    let mut schedulers = build_children(h, g)?;
    let milestones = h.ints("milestones").to_vec();
    // torch's constructor: back to the initial rate, every scheduler one step back, then the
    // first one's initial step again.
    g.lr = g.initial_lr.unwrap_or(g.lr);
    schedulers.iter_mut().for_each(|s| s.undo());
    let first = milestones.iter().filter(|&&m| m <= 0).count();
    schedulers[first].initial_step(g);
    Ok(Box::new(Sequential { schedulers, milestones, last_epoch: 0 }))
}

/// The most steps it follows: where a scheduler with a limit (OneCycleLR) would pass it before
/// the next milestone takes over.
fn max_steps(h: &Hyper) -> Option<u64> {
    let milestones = h.ints("milestones");
    let mut limit: Option<u64> = None;
    for (i, s) in h.schedulers("schedulers").iter().enumerate() {
        let Some(own) = super::max_steps(s) else { continue };
        let start = if i == 0 { 0 } else { milestones[i - 1] as u64 };
        let end = milestones.get(i).map_or(u64::MAX, |&m| m as u64);
        if start + own + 1 < end {
            limit = Some(limit.map_or(start + own, |l| l.min(start + own)));
        }
    }
    limit
}

pub struct Sequential {
    schedulers: Vec<Box<dyn Schedule>>,
    milestones: Vec<i64>,
    last_epoch: i64,
}

impl Schedule for Sequential {
    fn step(&mut self, group: &mut Group, metric: f64) {
        self.last_epoch += 1;
        // `bisect_right(milestones, last_epoch)`.
        let idx = self.milestones.iter().filter(|&&m| m <= self.last_epoch).count();
        if idx > 0 && self.milestones[idx - 1] == self.last_epoch {
            self.schedulers[idx].update_lr_at(group, 0);
        } else {
            self.schedulers[idx].step(group, metric);
        }
    }

    // Not inside another SequentialLR (refused by `check_children`); what torch's base class does.
    fn update_lr_at(&mut self, _group: &mut Group, epoch: i64) {
        self.last_epoch = epoch;
    }

    fn initial_step(&mut self, group: &mut Group) {
        self.step(group, f64::NAN);
    }

    fn undo(&mut self) {
        self.schedulers.iter_mut().for_each(|s| s.undo());
    }
}
