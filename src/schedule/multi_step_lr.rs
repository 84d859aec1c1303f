//! MultiStepLR: the rate times `gamma` at each milestone (twice at a milestone given twice).

use crate::math::powf;
use super::{no_check, no_limit, Base, Group, Rule, SchedulerInfo, Standard};
use crate::schema::Param;

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "MultiStepLR",
    doc: "the rate times gamma at each milestone step",
    params: &[
        Param::integers("milestones", &[], super::COUNT_FROM_0, false, "steps at which the rate decays (in any order; one given twice decays twice)")
        .tip("the steps at which the rate drops").required(),
        Param::number("gamma", 0.1, crate::schema::Range::NON_NEGATIVE, super::GAMMA, "factor of each decay")
        .tip("the rate is multiplied by this at each milestone"),
    ],
    cycles_momentum: false,
    check: no_check,
    build: |h, g| Ok(Box::new(Standard::start(MultiStepLr { milestones: h.ints("milestones").to_vec(), gamma: h.num("gamma") }, g))),
    max_steps: no_limit,
    rates: &[],
};

pub struct MultiStepLr {
    milestones: Vec<i64>,
    gamma: f64,
}

impl Rule for MultiStepLr {
    fn get_lr(&mut self, base: &Base, group: &mut Group) -> f64 {
        // torch keeps a Counter of the milestones.
        let count = self.milestones.iter().filter(|&&m| m == base.last_epoch).count();
        if count == 0 {
            return group.lr;
        }
        group.lr * powf(self.gamma, count as f64)
    }

    fn closed_form(&self, base: &Base) -> Option<f64> {
        // `bisect_right(sorted(milestones), last_epoch)`: how many are at or before it.
        let passed = self.milestones.iter().filter(|&&m| m <= base.last_epoch).count();
        Some(base.base_lr * powf(self.gamma, passed as f64))
    }
}
