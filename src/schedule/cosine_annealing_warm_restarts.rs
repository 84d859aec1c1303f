//! CosineAnnealingWarmRestarts (SGDR): a cosine from the base rate down to `eta_min` over
//! `T_0` steps, then again from the top, each period `T_mult` times longer; computed directly.

use crate::math::cos;
use super::{no_check, no_limit, Group, Schedule, SchedulerInfo};
use crate::schema::{Param, Range, Spacing, Slider};
use std::f64::consts::PI;

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "CosineAnnealingWarmRestarts",
    doc: "a cosine from the rate down to eta_min over T_0 steps, restarting, each period T_mult times longer",
    params: &[
        Param::integer("T_0", None, super::COUNT, super::STEPS, false, "steps of the first period")
        .tip("how many steps the first glide down takes before the rate jumps back up").required(),
        Param::integer("T_mult", Some(1), super::COUNT, Slider { min: 1.0, max: 10.0, spacing: Spacing::Linear }, false, "factor by which each period grows")
        .tip("each glide lasts this many times longer than the one before"),
        Param::number("eta_min", 0.0, Range::NON_NEGATIVE, crate::schema::sliders::LR, "lowest rate")
        .tip("the lowest rate it glides down to"),
    ],
    cycles_momentum: false,
    check: no_check,
    build: |h, g| {
        let base_lr = *g.initial_lr.get_or_insert(g.lr);
        let t_0 = h.int("T_0");
        let mut s = WarmRestarts { base_lr, t_0, t_i: t_0, t_mult: h.int("T_mult"), eta_min: h.num("eta_min"), t_cur: -1, last_epoch: -1 };
        s.initial_step(g);
        Ok(Box::new(s))
    },
    max_steps: no_limit,
    rates: &["eta_min"],
};

pub struct WarmRestarts {
    base_lr: f64,
    t_0: i64,
    t_i: i64,
    t_mult: i64,
    eta_min: f64,
    t_cur: i64,
    last_epoch: i64,
}

impl WarmRestarts {
    fn get_lr(&self) -> f64 {
        let e = self.eta_min;
        e + (self.base_lr - e) * (1.0 + cos(PI * self.t_cur as f64 / self.t_i as f64)) / 2.0
    }
}

impl Schedule for WarmRestarts {
    fn step(&mut self, group: &mut Group, _metric: f64) {
        if self.last_epoch < 0 {
            // torch's `step(epoch=0)`: the start of the first period.
            self.t_i = self.t_0;
            self.t_cur = 0;
            self.last_epoch = 0;
        } else {
            self.last_epoch += 1;
            self.t_cur += 1;
            if self.t_cur >= self.t_i {
                self.t_cur %= self.t_i;
                self.t_i = self.t_i.saturating_mul(self.t_mult);
            }
        }
        group.lr = self.get_lr();
    }

    fn update_lr_at(&mut self, group: &mut Group, epoch: i64) {
        // torch's `_update_lr(0)`: no closed form, so `get_lr` where the period stands.
        self.last_epoch = epoch;
        group.lr = self.get_lr();
    }

    fn initial_step(&mut self, group: &mut Group) {
        self.step(group, f64::NAN);
    }

    fn undo(&mut self) {
        self.last_epoch -= 1;
    }
}
