//! ConstantLR: the rate times `factor` until step `total_iters`, then the rate again.

use super::{no_check, no_limit, Base, Group, Rule, SchedulerInfo, Standard};
use crate::schema::{sliders, Param, Range};

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "ConstantLR",
    doc: "the rate times factor until total_iters, then the rate",
    params: &[
        // torch takes 0 but then divides by it at total_iters.
        Param::number("factor", 1.0 / 3.0, Range { lo: 0.0, lo_open: true, hi: 1.0, hi_open: false }, sliders::UNIT, "factor before total_iters")
        .tip("the rate is lr times this for the first total_iters steps"),
        Param::integer("total_iters", Some(5), super::COUNT_FROM_0, super::STEPS, false, "steps at the lowered rate")
        .tip("how many steps the rate stays lowered"),
    ],
    cycles_momentum: false,
    check: no_check,
    build: |h, g| Ok(Box::new(Standard::start(ConstantLr { factor: h.num("factor"), total_iters: h.int("total_iters") }, g))),
    max_steps: no_limit,
    rates: &[],
};

pub struct ConstantLr {
    factor: f64,
    total_iters: i64,
}

impl Rule for ConstantLr {
    fn get_lr(&mut self, base: &Base, group: &mut Group) -> f64 {
        if base.last_epoch == 0 {
            return group.lr * self.factor;
        }
        if base.last_epoch != self.total_iters {
            return group.lr;
        }
        group.lr * (1.0 / self.factor)
    }

    fn closed_form(&self, base: &Base) -> Option<f64> {
        let after = if base.last_epoch >= self.total_iters { 1.0 } else { 0.0 };
        Some(base.base_lr * (self.factor + after * (1.0 - self.factor)))
    }
}
