//! ExponentialLR: the rate times `gamma` every step.

use crate::math::powf;
use super::{no_check, no_limit, Base, Group, Rule, SchedulerInfo, Standard};
use crate::schema::{Param, Range};

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "ExponentialLR",
    doc: "the rate times gamma every step",
    params: &[Param::number("gamma", 0.99, Range::NON_NEGATIVE, super::GAMMA, "factor of each step")
        .tip("the rate is multiplied by this every step").required()],
    cycles_momentum: false,
    check: no_check,
    build: |h, g| Ok(Box::new(Standard::start(ExponentialLr { gamma: h.num("gamma") }, g))),
    max_steps: no_limit,
    rates: &[],
};

pub struct ExponentialLr {
    gamma: f64,
}

impl Rule for ExponentialLr {
    fn get_lr(&mut self, base: &Base, group: &mut Group) -> f64 {
        if base.is_initial {
            return group.lr;
        }
        group.lr * self.gamma
    }

    fn closed_form(&self, base: &Base) -> Option<f64> {
        Some(base.base_lr * powf(self.gamma, base.last_epoch as f64))
    }
}
