//! CosineAnnealingLR: the rate follows half a cosine from the base rate down to `eta_min` in
//! `T_max` steps, by torch's recursion (which climbs back after `T_max`).

use crate::math::cos;
use super::{no_check, no_limit, Base, Group, Rule, SchedulerInfo, Standard};
use crate::schema::{Param, Range};
use std::f64::consts::PI;

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "CosineAnnealingLR",
    doc: "half a cosine from the rate down to eta_min in T_max steps (and back up after)",
    params: &[
        Param::integer("T_max", None, super::COUNT, super::STEPS, false, "steps of the half period")
        .tip("how many steps the rate takes to glide down along a cosine").required(),
        Param::number("eta_min", 0.0, Range::NON_NEGATIVE, crate::schema::sliders::LR, "lowest rate")
        .tip("the lowest rate it glides down to"),
    ],
    cycles_momentum: false,
    check: no_check,
    build: |h, g| Ok(Box::new(Standard::start(CosineAnnealingLr { t_max: h.int("T_max"), eta_min: h.num("eta_min") }, g))),
    max_steps: no_limit,
    rates: &["eta_min"],
};

pub struct CosineAnnealingLr {
    t_max: i64,
    eta_min: f64,
}

impl Rule for CosineAnnealingLr {
    fn get_lr(&mut self, base: &Base, group: &mut Group) -> f64 {
        let (t, e, le) = (self.t_max as f64, self.eta_min, base.last_epoch);
        if base.is_initial {
            group.lr
        } else if base.step_count == 1 && le > 0 {
            e + (base.base_lr - e) * (1.0 + cos(le as f64 * PI / t)) / 2.0
        } else if (le - 1 - self.t_max).rem_euclid(2 * self.t_max) == 0 {
            group.lr + (base.base_lr - e) * (1.0 - cos(PI / t)) / 2.0
        } else {
            (1.0 + cos(PI * le as f64 / t)) / (1.0 + cos(PI * (le - 1) as f64 / t)) * (group.lr - e) + e
        }
    }

    fn closed_form(&self, base: &Base) -> Option<f64> {
        let e = self.eta_min;
        Some(e + (base.base_lr - e) * (1.0 + cos(PI * base.last_epoch as f64 / self.t_max as f64)) / 2.0)
    }
}
