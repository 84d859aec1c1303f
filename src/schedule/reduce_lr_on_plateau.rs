//! ReduceLROnPlateau: the rate times `factor` once the watched loss has not improved (by
//! `threshold`) for more than `patience` steps, then `cooldown` steps of rest. In a landscape
//! race it watches the noise-free loss where each step's gradient was taken; in training, each
//! epoch's mean training loss. It cuts only when the old rate minus the new exceeds `eps`.

use super::{no_check, no_limit, Group, Schedule, SchedulerInfo};
use crate::schema::{sliders, Param, Range, Spacing, Slider};

pub static INFO: SchedulerInfo = SchedulerInfo {
    name: "ReduceLROnPlateau",
    doc: "the rate times factor when the loss stops improving for patience steps",
    params: &[
        Param::choice("mode", Some("min"), &["min", "max"], false, "min: the loss should fall; max: rise")
        .tip("whether the watched loss should fall (min) or rise (max)"),
        Param::number("factor", 0.1, Range { lo: 0.0, lo_open: false, hi: 1.0, hi_open: true }, sliders::UNIT, "factor of each cut")
        .tip("the rate is multiplied by this when the loss stops improving"),
        Param::integer("patience", Some(10), super::COUNT_FROM_0, super::STEPS, false, "steps without improvement tolerated")
        .tip("how many steps without improvement it waits before cutting the rate"),
        Param::number("threshold", 1e-4, Range::NON_NEGATIVE, Slider { min: 1e-8, max: 1.0, spacing: Spacing::Log }, "least improvement that counts")
        .tip("how much better the loss must get to count as an improvement"),
        Param::choice("threshold_mode", Some("rel"), &["rel", "abs"], false, "rel: a fraction of the best; abs: an amount")
        .tip("whether that threshold is a share of the best loss (rel) or an amount (abs)"),
        Param::integer("cooldown", Some(0), super::COUNT_FROM_0, super::STEPS, false, "steps of rest after a cut")
        .tip("how many steps it rests after a cut before watching again"),
        Param::number("min_lr", 0.0, Range::NON_NEGATIVE, sliders::LR, "lowest rate")
        .tip("the rate is never cut below this"),
        Param::number("eps", 1e-8, Range::NON_NEGATIVE, sliders::EPS, "a cut smaller than this is not made")
        .tip("a cut that would change the rate by less than this is not made"),
    ],
    cycles_momentum: false,
    check: no_check,
    build: |h, _| {
        let max = h.choice("mode") == Some("max");
        Ok(Box::new(Plateau {
            max,
            relative: h.choice("threshold_mode") != Some("abs"),
            factor: h.num("factor"),
            patience: h.int("patience"),
            threshold: h.num("threshold"),
            cooldown: h.int("cooldown"),
            min_lr: h.num("min_lr"),
            eps: h.num("eps"),
            best: if max { f64::NEG_INFINITY } else { f64::INFINITY },
            num_bad_epochs: 0,
            cooldown_counter: 0,
            last_epoch: 0,
        }))
    },
    max_steps: no_limit,
    rates: &["min_lr"],
};

pub struct Plateau {
    max: bool,
    relative: bool,
    factor: f64,
    patience: i64,
    threshold: f64,
    cooldown: i64,
    min_lr: f64,
    eps: f64,
    best: f64,
    num_bad_epochs: i64,
    cooldown_counter: i64,
    last_epoch: i64,
}

impl Plateau {
    fn is_better(&self, a: f64, best: f64) -> bool {
        match (self.max, self.relative) {
            (false, true) => a < best * (1.0 - self.threshold),
            (false, false) => a < best - self.threshold,
            (true, true) => a > best * (self.threshold + 1.0),
            (true, false) => a > best + self.threshold,
        }
    }
}

impl Schedule for Plateau {
    fn step(&mut self, group: &mut Group, metric: f64) {
        self.last_epoch += 1;
        if self.is_better(metric, self.best) {
            self.best = metric;
            self.num_bad_epochs = 0;
        } else {
            self.num_bad_epochs += 1;
        }
        if self.cooldown_counter > 0 {
            self.cooldown_counter -= 1;
            self.num_bad_epochs = 0;
        }
        if self.num_bad_epochs > self.patience {
            let old_lr = group.lr;
            // Python's max(a, b): a unless b > a.
            let cut = old_lr * self.factor;
            let new_lr = if self.min_lr > cut { self.min_lr } else { cut };
            if old_lr - new_lr > self.eps {
                group.lr = new_lr;
            }
            self.cooldown_counter = self.cooldown;
            self.num_bad_epochs = 0;
        }
    }

    // torch refuses ReduceLROnPlateau inside SequentialLR and ChainedScheduler, so nothing calls
    // these; they do what its base class would.
    fn update_lr_at(&mut self, _group: &mut Group, epoch: i64) {
        self.last_epoch = epoch;
    }

    fn initial_step(&mut self, _group: &mut Group) {}

    fn undo(&mut self) {
        self.last_epoch -= 1;
    }
}
