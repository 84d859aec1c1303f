//! ChainedScheduler: every one of its schedulers steps, in order, at each step (their factors
//! multiply).

use super::{build_children, check_children, Group, Schedule, SchedulerInfo};
use crate::schema::Param;

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "ChainedScheduler",
    doc: "all its schedulers step at every step, in order",
    params: &[Param::schedulers("schedulers", "the schedulers, stepped in this order")
        .tip("schedulers that all act on the rate at every step, one after the other").required()],
    cycles_momentum: false,
    check: check_children,
    build: |h, g| Ok(Box::new(Chained { schedulers: build_children(h, g)? })),
    max_steps: |h| h.schedulers("schedulers").iter().filter_map(super::max_steps).min(),
    rates: &[],
};

pub struct Chained {
    schedulers: Vec<Box<dyn Schedule>>,
}

impl Schedule for Chained {
    fn step(&mut self, group: &mut Group, metric: f64) {
        self.schedulers.iter_mut().for_each(|s| s.step(group, metric));
    }

    // Not inside a SequentialLR (refused by `check_children`): nothing to restart.
    fn update_lr_at(&mut self, _group: &mut Group, _epoch: i64) {}

    fn initial_step(&mut self, group: &mut Group) {
        self.step(group, f64::NAN);
    }

    fn undo(&mut self) {
        self.schedulers.iter_mut().for_each(|s| s.undo());
    }
}
