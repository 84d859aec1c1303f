//! Learning-rate schedulers, each exactly as `torch.optim.lr_scheduler` computes it.
//!
//! A racer's `"lr_scheduler": {"name": "StepLR", "step_size": 100}` names a torch class and its
//! arguments (torch's names and defaults; `optimizer` and `last_epoch` aside). It is built as
//! torch builds it, against the racer's optimizer: the constructor sets `initial_lr` and takes
//! its first step, and SequentialLR and ChainedScheduler build their schedulers first, in order,
//! each changing the same learning rate. Then `step()` follows every optimizer step (in training,
//! every epoch). Every scheduler reproduces torch's own recursion step by step: most multiply
//! the previous rate (their closed forms differ from it in the last bits), a few compute it
//! directly; CyclicLR and OneCycleLR also rewrite the optimizer's momentum (or β1).
//!
//! Each file holds one scheduler: its parameter table and its `get_lr` in torch's order of
//! floating-point operations. [`REGISTRY`] lists them all.

use crate::schema::{sliders, Hyper, Named, Param, Range, Slider, Spacing};
use serde::Serialize;
use serde_json::Value as Json;

mod chained_scheduler;
mod constant_lr;
mod cosine_annealing_lr;
mod cosine_annealing_warm_restarts;
mod cyclic_lr;
mod exponential_lr;
mod linear_lr;
mod multi_step_lr;
mod one_cycle_lr;
mod polynomial_lr;
mod reduce_lr_on_plateau;
mod sequence;
mod sequential_lr;
mod starter;
mod step_lr;

pub use sequence::lr_sequence;
pub use starter::starter;

/// Whole numbers from 1 (periods, step counts torch divides by).
const COUNT: Range = Range::closed(1.0, 1e9);
/// Whole numbers from 0 (patience, milestones).
const COUNT_FROM_0: Range = Range::closed(0.0, 1e9);
/// The slider of a number of steps.
const STEPS: Slider = Slider {
    min: 1.0,
    max: 10_000.0,
    spacing: Spacing::Log,
};
/// The slider of a decay factor.
const GAMMA: Slider = sliders::BETA;

/// Why a cycling scheduler cannot drive an optimizer without momentum (torch's ValueError).
const NO_MOMENTUM: &str =
    "cycle_momentum needs an optimizer with momentum or betas; set cycle_momentum to false";

/// torch's `param_group` as the schedulers see it: the rate, the momentum and the keys the
/// schedulers add to it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Group {
    /// `group["lr"]`.
    pub lr: f64,
    /// `group["momentum"]`, or `group["betas"][0]` (torch's `use_beta1`); None where the
    /// optimizer has neither, so that a cycling scheduler cannot cycle it.
    pub momentum: Option<f64>,
    /// `group["initial_lr"]`, set by the first scheduler made (OneCycleLR sets it outright).
    pub initial_lr: Option<f64>,
    /// OneCycleLR's `max_lr` and `min_lr`.
    pub max_lr: Option<f64>,
    pub min_lr: Option<f64>,
    /// CyclicLR's and OneCycleLR's `max_momentum` and `base_momentum`.
    pub max_momentum: Option<f64>,
    pub base_momentum: Option<f64>,
}

impl Group {
    /// The group of an optimizer whose rate is `lr` and momentum (or β1) `momentum`.
    pub fn new(lr: f64, momentum: Option<f64>) -> Group {
        Group {
            lr,
            momentum,
            ..Group::default()
        }
    }
}

/// One torch scheduler, built against a [`Group`].
pub trait Schedule {
    /// torch's `step()`; `metric` is what ReduceLROnPlateau watches (the others ignore it).
    fn step(&mut self, group: &mut Group, metric: f64);
    /// torch's `_update_lr(epoch)`, as SequentialLR calls it at a milestone: `last_epoch` set
    /// to `epoch` and the closed form where the class has one, else `get_lr`.
    fn update_lr_at(&mut self, group: &mut Group, epoch: i64);
    /// torch's `_initial_step()`: the step its constructor takes (SequentialLR takes it again).
    fn initial_step(&mut self, group: &mut Group);
    /// SequentialLR's `recursive_undo`: `last_epoch -= 1`.
    fn undo(&mut self);
}

/// The part of torch's `LRScheduler` every scheduler of that family shares.
#[derive(Clone, Debug, PartialEq)]
pub struct Base {
    /// torch's `base_lrs[0]`: the group's `initial_lr` when the scheduler was made.
    pub base_lr: f64,
    pub last_epoch: i64,
    /// torch's `_step_count`.
    pub step_count: u64,
    /// True during the step the constructor takes (torch's `_is_initial`).
    pub is_initial: bool,
}

/// What one scheduler of the `LRScheduler` family computes.
pub trait Rule {
    /// torch's `get_lr()`: the next rate (it may also rewrite the group's momentum).
    fn get_lr(&mut self, base: &Base, group: &mut Group) -> f64;
    /// torch's `_get_closed_form_lr()`, where the class has one.
    fn closed_form(&self, _base: &Base) -> Option<f64> {
        None
    }
}

/// A scheduler of torch's `LRScheduler` family: the shared counters and its rule.
pub struct Standard<R: Rule> {
    pub base: Base,
    pub rule: R,
}

impl<R: Rule> Standard<R> {
    /// torch's `LRScheduler.__init__`: `initial_lr` (kept where an earlier scheduler set it),
    /// `base_lrs` from it, `last_epoch = -1`, and the constructor's first step.
    pub fn start(rule: R, group: &mut Group) -> Standard<R> {
        let base_lr = *group.initial_lr.get_or_insert(group.lr);
        let mut s = Standard {
            base: Base {
                base_lr,
                last_epoch: -1,
                step_count: 0,
                is_initial: false,
            },
            rule,
        };
        s.initial_step(group);
        s
    }
}

impl<R: Rule> Schedule for Standard<R> {
    fn step(&mut self, group: &mut Group, _metric: f64) {
        self.base.step_count += 1;
        self.base.last_epoch += 1;
        group.lr = self.rule.get_lr(&self.base, group);
    }

    fn update_lr_at(&mut self, group: &mut Group, epoch: i64) {
        self.base.last_epoch = epoch;
        group.lr = match self.rule.closed_form(&self.base) {
            Some(lr) => lr,
            None => self.rule.get_lr(&self.base, group),
        };
    }

    fn initial_step(&mut self, group: &mut Group) {
        self.base.step_count = 0;
        self.base.is_initial = true;
        self.step(group, f64::NAN);
        self.base.is_initial = false;
    }

    fn undo(&mut self) {
        self.base.last_epoch -= 1;
    }
}

/// A scheduler's constructor: built against a group, or torch's refusal.
pub type Build = fn(&Hyper, &mut Group) -> Result<Box<dyn Schedule>, String>;

/// The description of one scheduler: what `optiscape list` prints and the page builds from.
#[derive(Serialize)]
pub struct SchedulerInfo {
    /// torch's class name.
    pub name: &'static str,
    /// What it does, in a line.
    pub doc: &'static str,
    pub params: &'static [Param],
    /// Whether it rewrites the optimizer's momentum (or β1) when its `cycle_momentum` is true.
    pub cycles_momentum: bool,
    /// Checks what the table cannot (a combination of arguments torch refuses).
    #[serde(skip)]
    pub check: fn(&Hyper) -> Result<(), String>,
    /// Builds it against a group, as torch's constructor does.
    #[serde(skip)]
    pub build: Build,
    /// The most optimizer steps it can follow (OneCycleLR's `total_steps`: torch raises after).
    #[serde(skip)]
    pub max_steps: fn(&Hyper) -> Option<u64>,
    /// Its arguments that are learning rates: a sweep scales them with the optimizer's `lr`.
    #[serde(skip)]
    pub rates: &'static [&'static str],
}

/// Every scheduler, in the order torch's documentation lists them.
pub static REGISTRY: &[&SchedulerInfo] = &[
    &step_lr::INFO,
    &multi_step_lr::INFO,
    &constant_lr::INFO,
    &linear_lr::INFO,
    &exponential_lr::INFO,
    &polynomial_lr::INFO,
    &cosine_annealing_lr::INFO,
    &cosine_annealing_warm_restarts::INFO,
    &cyclic_lr::INFO,
    &one_cycle_lr::INFO,
    &reduce_lr_on_plateau::INFO,
    &sequential_lr::INFO,
    &chained_scheduler::INFO,
];

pub fn find(name: &str) -> Option<&'static SchedulerInfo> {
    REGISTRY.iter().copied().find(|s| s.name == name)
}

fn no_check(_: &Hyper) -> Result<(), String> {
    Ok(())
}

fn no_limit(_: &Hyper) -> Option<u64> {
    None
}

/// A scheduler object of a spec, `{"name": <class>, <its arguments>}`, checked.
pub fn parse(json: &Json) -> Result<Named, String> {
    let Json::Object(fields) = json else {
        return Err(format!(
            "a scheduler must be an object with a \"name\", got {}",
            crate::schema::short(json)
        ));
    };
    let mut fields = fields.clone();
    let name = match fields.remove("name") {
        Some(Json::String(name)) => name,
        Some(other) => {
            return Err(format!(
                "`name` must be a string, got {}",
                crate::schema::short(&other)
            ))
        }
        None => return Err("a scheduler needs a \"name\"".into()),
    };
    let info = find(&name).ok_or_else(|| {
        let known: Vec<&str> = REGISTRY.iter().map(|s| s.name).collect();
        format!(
            "unknown scheduler `{}`; expected one of: {}",
            name.chars().take(40).collect::<String>(),
            known.join(", ")
        )
    })?;
    let hyper = Hyper::from_fields(info.name, info.params, &fields)
        .map_err(|e| format!("{}: {e}", info.name))?;
    (info.check)(&hyper).map_err(|e| format!("{}: {e}", info.name))?;
    Ok(Named {
        name: info.name,
        hyper,
    })
}

fn info(named: &Named) -> &'static SchedulerInfo {
    match find(named.name) {
        Some(info) => info,
        None => unreachable!("scheduler `{}` was parsed from the registry", named.name),
    }
}

/// Builds a parsed scheduler against `group`, as torch's constructor does.
pub fn build(named: &Named, group: &mut Group) -> Result<Box<dyn Schedule>, String> {
    (info(named).build)(&named.hyper, group).map_err(|e| format!("{}: {e}", named.name))
}

/// The most optimizer steps `named` can follow, where it has a limit.
pub fn max_steps(named: &Named) -> Option<u64> {
    (info(named).max_steps)(&named.hyper)
}

/// `named` with every learning-rate argument (its own and its schedulers') times `factor`: a
/// sweep's schedule at another base rate.
pub fn scaled(named: &Named, factor: f64) -> Named {
    let mut hyper = named.hyper.clone();
    for rate in info(named).rates {
        if let Some(x) = named.hyper.opt_num(rate) {
            hyper.set(rate, crate::schema::Value::Number(x * factor));
        }
    }
    if let Some(crate::schema::Value::Schedulers(list)) = named
        .hyper
        .iter()
        .find(|(n, _)| *n == "schedulers")
        .map(|(_, v)| v)
    {
        hyper.set(
            "schedulers",
            crate::schema::Value::Schedulers(list.iter().map(|s| scaled(s, factor)).collect()),
        );
    }
    Named {
        name: named.name,
        hyper,
    }
}

/// A racer's scheduler and the group it drives: the optimizer's rate and momentum are copied in
/// before each scheduler step and back after it.
pub struct Scheduled {
    schedule: Box<dyn Schedule>,
    group: Group,
}

/// The optimizer side of a [`Scheduled`]: its `group["lr"]` and momentum (or β1).
pub trait Knobs {
    fn lr_mut(&mut self) -> &mut f64;
    /// None where the optimizer has neither momentum nor betas.
    fn momentum_mut(&mut self) -> Option<&mut f64>;
}

impl Scheduled {
    /// Builds `named` against the optimizer behind `knobs` and sets the rate (and momentum) its
    /// constructor gives.
    pub fn start(named: &Named, knobs: &mut dyn Knobs) -> Result<Scheduled, String> {
        let mut group = Group::new(*knobs.lr_mut(), knobs.momentum_mut().map(|m| *m));
        let schedule = build(named, &mut group)?;
        let s = Scheduled { schedule, group };
        s.write(knobs);
        Ok(s)
    }

    /// torch's `scheduler.step()` after an optimizer step; `metric` for ReduceLROnPlateau.
    pub fn step(&mut self, knobs: &mut dyn Knobs, metric: f64) {
        self.group.lr = *knobs.lr_mut();
        self.group.momentum = knobs.momentum_mut().map(|m| *m);
        self.schedule.step(&mut self.group, metric);
        self.write(knobs);
    }

    fn write(&self, knobs: &mut dyn Knobs) {
        *knobs.lr_mut() = self.group.lr;
        if let (Some(m), Some(v)) = (knobs.momentum_mut(), self.group.momentum) {
            *m = v;
        }
    }
}

/// Schedulers inside SequentialLR and ChainedScheduler: single ones (torch refuses
/// ReduceLROnPlateau there; a SequentialLR or ChainedScheduler inside one fails at a milestone
/// in torch, so it is refused here).
fn check_children(hyper: &Hyper) -> Result<(), String> {
    for (i, s) in hyper.schedulers("schedulers").iter().enumerate() {
        if ["ReduceLROnPlateau", "SequentialLR", "ChainedScheduler"].contains(&s.name) {
            return Err(format!(
                "`schedulers[{i}]` cannot be {}: give single schedulers (StepLR, LinearLR, ...)",
                s.name
            ));
        }
    }
    Ok(())
}

/// Builds every scheduler of `hyper["schedulers"]` in order, as the Python list that holds them
/// does.
fn build_children(hyper: &Hyper, group: &mut Group) -> Result<Vec<Box<dyn Schedule>>, String> {
    hyper
        .schedulers("schedulers")
        .iter()
        .map(|s| build(s, group))
        .collect()
}
