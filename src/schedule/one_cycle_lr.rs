//! OneCycleLR: the rate climbs from `max_lr / div_factor` to `max_lr` over the first
//! `pct_start` of `total_steps`, then anneals down to `initial_lr / final_div_factor` (cosine or
//! linear; `three_phase` comes back to the initial rate before the last descent); with
//! `cycle_momentum` the momentum (or β1) goes the other way. Computed directly, and it overwrites
//! the rate: the optimizer's `lr` does not matter. torch refuses a step past `total_steps`.

use crate::math::cos;
use super::{Base, Group, Rule, Schedule, SchedulerInfo, Standard};
use crate::schema::{sliders, Hyper, Param, Range, Spacing, Slider};
use std::f64::consts::PI;

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "OneCycleLR",
    doc: "the rate climbs to max_lr and anneals far below it over total_steps, the momentum the other way",
    params: &[
        Param::number("max_lr", 0.1, Range::NON_NEGATIVE, sliders::LR, "highest rate")
        .tip("the top of the one cycle: the rate climbs to it, then falls far below where it started").required(),
        Param::integer("total_steps", None, super::COUNT, super::STEPS, true, "steps of the cycle (null: epochs x steps_per_epoch)")
        .tip("how many steps the whole cycle lasts"),
        Param::integer("epochs", None, super::COUNT, super::STEPS, true, "with steps_per_epoch, when total_steps is null")
        .tip("with steps_per_epoch, the cycle's length when total_steps is null"),
        Param::integer("steps_per_epoch", None, super::COUNT, super::STEPS, true, "with epochs, when total_steps is null")
        .tip("with epochs, the cycle's length when total_steps is null"),
        Param::number("pct_start", 0.3, Range::UNIT, sliders::UNIT, "fraction of the cycle spent climbing")
        .tip("the share of the cycle spent climbing"),
        Param::choice("anneal_strategy", Some("cos"), &["cos", "linear"], false, "shape of each phase")
        .tip("the shape of the climb and the fall: a cosine or a straight line"),
        Param::flag("cycle_momentum", true, "cycle the momentum (or beta1) between max_momentum and base_momentum")
        .tip("move the momentum (or β1) against the rate: less momentum when the rate is high"),
        Param::number("base_momentum", 0.85, Range::UNIT, sliders::MOMENTUM, "momentum at the highest rate")
        .tip("the momentum at the top of the rate"),
        Param::number("max_momentum", 0.95, Range::UNIT, sliders::MOMENTUM, "momentum at the lowest rate")
        .tip("the momentum at the bottom of the rate"),
        Param::number("div_factor", 25.0, Range::POSITIVE, Slider { min: 1.0, max: 1e3, spacing: Spacing::Log }, "initial_lr = max_lr / div_factor")
        .tip("the rate starts at max_lr divided by this"),
        Param::number("final_div_factor", 1e4, Range::POSITIVE, Slider { min: 1.0, max: 1e6, spacing: Spacing::Log }, "min_lr = initial_lr / final_div_factor")
        .tip("and ends at the starting rate divided by this"),
        Param::flag("three_phase", false, "climb, come back to initial_lr, then descend to min_lr")
        .tip("climb, come back down to the start, then fall to the end, instead of climb then fall"),
    ],
    cycles_momentum: true,
    check,
    build,
    max_steps,
    rates: &["max_lr"],
};

/// torch's `total_steps`: given, or `epochs * steps_per_epoch`.
fn total_steps(h: &Hyper) -> Result<i64, String> {
    match (h.opt_int("total_steps"), h.opt_int("epochs"), h.opt_int("steps_per_epoch")) {
        (Some(t), _, _) => Ok(t),
        (None, Some(e), Some(s)) => e.checked_mul(s).filter(|&t| t <= 1_000_000_000).ok_or_else(|| format!("epochs x steps_per_epoch must be at most 1e9, got {e} x {s}")),
        _ => Err("give `total_steps`, or `epochs` and `steps_per_epoch`".into()),
    }
}

#[derive(Clone, Copy)]
enum Key {
    InitialLr,
    MaxLr,
    MinLr,
    MaxMomentum,
    BaseMomentum,
}

/// One phase: where it ends and what it anneals from and to (the group's keys).
#[derive(Clone, Copy)]
struct Phase {
    end_step: f64,
    lr: (Key, Key),
    momentum: (Key, Key),
}

fn phases(h: &Hyper, total: i64) -> Vec<Phase> {
    use Key::*;
    let (pct, t) = (h.num("pct_start"), total as f64);
    if h.flag("three_phase") {
        vec![
            Phase { end_step: pct * t - 1.0, lr: (InitialLr, MaxLr), momentum: (MaxMomentum, BaseMomentum) },
            Phase { end_step: 2.0 * pct * t - 2.0, lr: (MaxLr, InitialLr), momentum: (BaseMomentum, MaxMomentum) },
            Phase { end_step: (total - 1) as f64, lr: (InitialLr, MinLr), momentum: (MaxMomentum, MaxMomentum) },
        ]
    } else {
        vec![
            Phase { end_step: pct * t - 1.0, lr: (InitialLr, MaxLr), momentum: (MaxMomentum, BaseMomentum) },
            Phase { end_step: (total - 1) as f64, lr: (MaxLr, MinLr), momentum: (BaseMomentum, MaxMomentum) },
        ]
    }
}

/// The first step (0 to total_steps) at which torch would divide by a phase's zero length: a
/// first phase that ends at 0, or a last one that starts where it ends.
fn first_zero_length(h: &Hyper, total: i64) -> Option<i64> {
    let phases = phases(h, total);
    let (first, last) = (phases[0], phases[phases.len() - 1]);
    if first.end_step == 0.0 {
        return Some(0);
    }
    let start = phases[phases.len() - 2].end_step;
    if last.end_step - start == 0.0 {
        // The last phase takes the steps past every earlier phase's end.
        let before = phases[..phases.len() - 1].iter().map(|p| p.end_step).fold(f64::NEG_INFINITY, f64::max);
        let s = if before < 0.0 { 0 } else { before.floor() as i64 + 1 };
        return (s <= total).then_some(s);
    }
    None
}

fn check(h: &Hyper) -> Result<(), String> {
    let total = total_steps(h)?;
    if first_zero_length(h, total) == Some(0) {
        return Err(format!("pct_start {} of {total} steps leaves the first phase empty: torch divides by its length", h.num("pct_start")));
    }
    Ok(())
}

/// The most optimizer steps it follows: `total_steps`, or fewer where torch would divide by a
/// phase's zero length before.
fn max_steps(h: &Hyper) -> Option<u64> {
    let total = total_steps(h).ok()?;
    let limit = first_zero_length(h, total).map_or(total, |s| s - 1);
    Some(limit.max(0) as u64)
}

fn build(h: &Hyper, g: &mut Group) -> Result<Box<dyn Schedule>, String> {
    let total = total_steps(h)?;
    let max_lr = h.num("max_lr");
    let initial_lr = max_lr / h.num("div_factor");
    g.initial_lr = Some(initial_lr);
    g.max_lr = Some(max_lr);
    g.min_lr = Some(initial_lr / h.num("final_div_factor"));
    let cycle_momentum = h.flag("cycle_momentum");
    if cycle_momentum {
        if g.momentum.is_none() {
            return Err(super::NO_MOMENTUM.into());
        }
        let max_momentum = h.num("max_momentum");
        g.momentum = Some(max_momentum);
        g.max_momentum = Some(max_momentum);
        g.base_momentum = Some(h.num("base_momentum"));
    }
    let rule = OneCycleLr { total, phases: phases(h, total), cosine: h.choice("anneal_strategy") != Some("linear"), cycle_momentum };
    Ok(Box::new(Standard::start(rule, g)))
}

pub struct OneCycleLr {
    total: i64,
    phases: Vec<Phase>,
    cosine: bool,
    cycle_momentum: bool,
}

fn key(g: &Group, k: Key) -> f64 {
    let v = match k {
        Key::InitialLr => g.initial_lr,
        Key::MaxLr => g.max_lr,
        Key::MinLr => g.min_lr,
        Key::MaxMomentum => g.max_momentum,
        Key::BaseMomentum => g.base_momentum,
    };
    v.unwrap_or(f64::NAN)
}

impl OneCycleLr {
    fn anneal(&self, start: f64, end: f64, pct: f64) -> f64 {
        if self.cosine {
            let cos_out = cos(PI * pct) + 1.0;
            end + (start - end) / 2.0 * cos_out
        } else {
            (end - start) * pct + start
        }
    }
}

impl Rule for OneCycleLr {
    fn get_lr(&mut self, base: &Base, group: &mut Group) -> f64 {
        // torch raises past total_steps (a spec cannot ask for more steps); the page's race,
        // which may go on, keeps the last rate.
        let step_num = base.last_epoch.min(self.total);
        let mut start_step = 0.0;
        for (i, phase) in self.phases.iter().enumerate() {
            if step_num as f64 <= phase.end_step || i == self.phases.len() - 1 {
                let pct = (step_num as f64 - start_step) / (phase.end_step - start_step);
                let lr = self.anneal(key(group, phase.lr.0), key(group, phase.lr.1), pct);
                if self.cycle_momentum {
                    group.momentum = Some(self.anneal(key(group, phase.momentum.0), key(group, phase.momentum.1), pct));
                }
                return lr;
            }
            start_step = phase.end_step;
        }
        unreachable!("the last phase takes every step")
    }
}
