//! CyclicLR: the rate goes up from `base_lr` to `max_lr` in `step_size_up` steps and back down
//! in `step_size_down`, over and over (triangular, triangular2 halving each cycle, or
//! exp_range); with `cycle_momentum` the momentum (or β1) goes the other way, between
//! `max_momentum` and `base_momentum`. Computed directly, and it overwrites the rate: the
//! optimizer's `lr` does not matter.

use crate::math::powf;
use super::{no_limit, Base, Group, Rule, SchedulerInfo, Standard};
use crate::schema::{sliders, Hyper, Param, Range};

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "CyclicLR",
    doc: "the rate cycles between base_lr and max_lr (triangular, triangular2, exp_range), the momentum the other way",
    params: &[
        Param::number("base_lr", 1e-3, Range::NON_NEGATIVE, sliders::LR, "lowest rate of a cycle")
        .tip("the bottom of every cycle of the rate").required(),
        Param::number("max_lr", 1e-2, Range::NON_NEGATIVE, sliders::LR, "highest rate of the first cycle")
        .tip("the top of the first cycle of the rate").required(),
        Param::integer("step_size_up", Some(2000), super::COUNT, super::STEPS, false, "steps up")
        .tip("how many steps the rate climbs"),
        Param::integer("step_size_down", None, super::COUNT_FROM_0, super::STEPS, true, "steps down (null: step_size_up)")
        .tip("how many steps the rate falls (null: as many as it climbs)"),
        Param::choice("mode", Some("triangular"), &["triangular", "triangular2", "exp_range"], false, "triangular: constant cycles; triangular2: each cycle half as high; exp_range: height times gamma^step")
        .tip("the cycles' heights: all the same, halving, or shrinking by gamma every step"),
        Param::number("gamma", 1.0, Range::NON_NEGATIVE, super::GAMMA, "exp_range's factor per step")
        .tip("with exp_range: how much the cycles' height shrinks each step"),
        Param::flag("cycle_momentum", true, "cycle the momentum (or beta1) between max_momentum and base_momentum")
        .tip("move the momentum (or β1) against the rate: less momentum when the rate is high"),
        Param::number("base_momentum", 0.8, Range::UNIT, sliders::MOMENTUM, "momentum at the highest rate")
        .tip("the momentum at the top of the rate's cycle"),
        Param::number("max_momentum", 0.9, Range::UNIT, sliders::MOMENTUM, "momentum at the lowest rate")
        .tip("the momentum at the bottom of the rate's cycle"),
    ],
    cycles_momentum: true,
    check: |_| Ok(()),
    build,
    max_steps: no_limit,
    rates: &["base_lr", "max_lr"],
};

fn build(h: &Hyper, g: &mut Group) -> Result<Box<dyn super::Schedule>, String> {
    let base_lr = h.num("base_lr");
    g.lr = base_lr;
    let up = h.int("step_size_up") as f64;
    let down = h.opt_int("step_size_down").map_or(up, |d| d as f64);
    let total_size = up + down;
    let cycle_momentum = h.flag("cycle_momentum");
    let (base_momentum, max_momentum) = (h.num("base_momentum"), h.num("max_momentum"));
    if cycle_momentum {
        if g.momentum.is_none() {
            return Err(super::NO_MOMENTUM.into());
        }
        g.momentum = Some(max_momentum);
        g.max_momentum = Some(max_momentum);
        g.base_momentum = Some(base_momentum);
    }
    let rule = CyclicLr {
        max_lr: h.num("max_lr"),
        total_size,
        step_ratio: up / total_size,
        mode: h.choice("mode").unwrap_or("triangular"),
        gamma: h.num("gamma"),
        momentum: cycle_momentum.then_some((base_momentum, max_momentum)),
    };
    let mut s = Standard::start(rule, g);
    // torch sets `base_lrs` again after `LRScheduler.__init__` took its first step from
    // `initial_lr`.
    s.base.base_lr = base_lr;
    Ok(Box::new(s))
}

pub struct CyclicLr {
    max_lr: f64,
    total_size: f64,
    step_ratio: f64,
    mode: &'static str,
    gamma: f64,
    /// `(base_momentum, max_momentum)` when the momentum cycles.
    momentum: Option<(f64, f64)>,
}

impl CyclicLr {
    /// torch's `scale_fn` at the cycle (triangular, triangular2) or the step (exp_range).
    fn scale(&self, cycle: f64, last_epoch: i64) -> f64 {
        match self.mode {
            "triangular2" => 1.0 / powf(2.0, cycle - 1.0),
            "exp_range" => powf(self.gamma, last_epoch as f64),
            _ => 1.0,
        }
    }
}

impl Rule for CyclicLr {
    fn get_lr(&mut self, base: &Base, group: &mut Group) -> f64 {
        let le = base.last_epoch as f64;
        let cycle = (1.0 + le / self.total_size).floor();
        let x = 1.0 + le / self.total_size - cycle;
        let scale_factor = if x <= self.step_ratio { x / self.step_ratio } else { (x - 1.0) / (self.step_ratio - 1.0) };
        let scale = self.scale(cycle, base.last_epoch);
        let lr = base.base_lr + (self.max_lr - base.base_lr) * scale_factor * scale;
        if let Some((base_momentum, max_momentum)) = self.momentum {
            group.momentum = Some(max_momentum - (max_momentum - base_momentum) * scale_factor * scale);
        }
        lr
    }
}
