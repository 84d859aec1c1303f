//! PolynomialLR: the rate decays as `(1 - t / total_iters)^power` to 0 at `total_iters`.

use crate::math::powf;
use super::{no_check, no_limit, Base, Group, Rule, SchedulerInfo, Standard};
use crate::schema::{Param, Range, Spacing, Slider};

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "PolynomialLR",
    doc: "the rate decays as (1 - t / total_iters)^power, to 0 at total_iters",
    params: &[
        // torch takes 0 but then divides by it in its closed form (SequentialLR's milestones).
        Param::integer("total_iters", Some(5), super::COUNT, super::STEPS, false, "steps until the rate is 0")
        .tip("how many steps the rate takes to fall to 0"),
        Param::number("power", 1.0, Range::NON_NEGATIVE, Slider { min: 0.0, max: 5.0, spacing: Spacing::Linear }, "power of the polynomial")
        .tip("the fall's shape: 1 a straight line, above 1 fast then slow"),
    ],
    cycles_momentum: false,
    check: no_check,
    build: |h, g| Ok(Box::new(Standard::start(PolynomialLr { total_iters: h.int("total_iters"), power: h.num("power") }, g))),
    max_steps: no_limit,
    rates: &[],
};

pub struct PolynomialLr {
    total_iters: i64,
    power: f64,
}

impl Rule for PolynomialLr {
    fn get_lr(&mut self, base: &Base, group: &mut Group) -> f64 {
        if base.is_initial || base.last_epoch > self.total_iters {
            return group.lr;
        }
        let n = self.total_iters as f64;
        let decay_factor = powf((1.0 - base.last_epoch as f64 / n) / (1.0 - (base.last_epoch - 1) as f64 / n), self.power);
        group.lr * decay_factor
    }

    fn closed_form(&self, base: &Base) -> Option<f64> {
        let done = self.total_iters.min(base.last_epoch) as f64;
        Some(base.base_lr * powf(1.0 - done / self.total_iters as f64, self.power))
    }
}
