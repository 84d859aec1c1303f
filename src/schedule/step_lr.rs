//! StepLR: the rate times `gamma` every `step_size` steps.

use crate::math::powf;
use super::{no_check, no_limit, Base, Group, Rule, SchedulerInfo, Standard};
use crate::schema::{Param, Range};

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "StepLR",
    doc: "the rate times gamma every step_size steps",
    params: &[
        Param::integer("step_size", None, super::COUNT, super::STEPS, false, "period of the decay, in steps")
        .tip("the rate drops every this many steps").required(),
        Param::number("gamma", 0.1, Range::NON_NEGATIVE, super::GAMMA, "factor of each decay")
        .tip("the rate is multiplied by this at every drop"),
    ],
    cycles_momentum: false,
    check: no_check,
    build: |h, g| Ok(Box::new(Standard::start(StepLr { step_size: h.int("step_size"), gamma: h.num("gamma") }, g))),
    max_steps: no_limit,
    rates: &[],
};

pub struct StepLr {
    step_size: i64,
    gamma: f64,
}

impl Rule for StepLr {
    fn get_lr(&mut self, base: &Base, group: &mut Group) -> f64 {
        if base.last_epoch == 0 || base.last_epoch % self.step_size != 0 {
            return group.lr;
        }
        group.lr * self.gamma
    }

    fn closed_form(&self, base: &Base) -> Option<f64> {
        Some(base.base_lr * powf(self.gamma, base.last_epoch.div_euclid(self.step_size) as f64))
    }
}
