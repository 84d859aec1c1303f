//! LinearLR: the rate's factor goes linearly from `start_factor` to `end_factor` over
//! `total_iters` steps (a warm-up when it starts low), as torch's multiplicative recursion.

use super::{no_check, no_limit, Base, Group, Rule, SchedulerInfo, Standard};
use crate::schema::{sliders, Param, Range};

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "LinearLR",
    doc: "the rate's factor goes linearly from start_factor to end_factor in total_iters steps",
    params: &[
        Param::number("start_factor", 1.0 / 3.0, Range { lo: 0.0, lo_open: true, hi: 1.0, hi_open: false }, sliders::UNIT, "factor at the start")
        .tip("the rate starts at lr times this"),
        Param::number("end_factor", 1.0, Range::UNIT, sliders::UNIT, "factor from total_iters on")
        .tip("and moves in a straight line to lr times this"),
        // torch takes 0 but then divides by it in its closed form (SequentialLR's milestones).
        Param::integer("total_iters", Some(5), super::COUNT, super::STEPS, false, "steps from start_factor to end_factor")
        .tip("over this many steps"),
    ],
    cycles_momentum: false,
    check: no_check,
    build: |h, g| {
        let rule = LinearLr { start_factor: h.num("start_factor"), end_factor: h.num("end_factor"), total_iters: h.int("total_iters") };
        Ok(Box::new(Standard::start(rule, g)))
    },
    max_steps: no_limit,
    rates: &[],
};

pub struct LinearLr {
    start_factor: f64,
    end_factor: f64,
    total_iters: i64,
}

impl Rule for LinearLr {
    fn get_lr(&mut self, base: &Base, group: &mut Group) -> f64 {
        if base.last_epoch == 0 {
            return group.lr * self.start_factor;
        }
        if base.is_initial || base.last_epoch > self.total_iters {
            return group.lr;
        }
        let span = self.end_factor - self.start_factor;
        let denominator = self.total_iters as f64 * self.start_factor + (base.last_epoch - 1) as f64 * span;
        group.lr * (1.0 + span / denominator)
    }

    fn closed_form(&self, base: &Base) -> Option<f64> {
        let done = self.total_iters.min(base.last_epoch) as f64;
        Some(base.base_lr * (self.start_factor + (self.end_factor - self.start_factor) * done / self.total_iters as f64))
    }
}
