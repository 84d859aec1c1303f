//! A scheduler as the page's picker first sets it on a racer: torch's defaults, and the
//! arguments torch requires (and the lengths of a warm-up or a decay) sized for the race, its
//! stop step and the racer's learning rate, so that the schedule's shape shows within the race.

use super::{parse, Group, SchedulerInfo};
use crate::spec::RacerSpec;
use serde_json::{json, Value as Json};

/// A tenth of the race, at least one step: a warm-up.
fn tenth(steps: u64) -> u64 {
    (steps / 10).max(1)
}

/// `name`'s arguments for a race of `steps` steps at learning rate `lr`; None for no such
/// scheduler.
fn arguments(name: &str, lr: f64, steps: u64) -> Option<Json> {
    let steps = steps.max(1);
    let quarter = (steps / 4).max(1);
    let warm = tenth(steps);
    let warm_up = json!({"name": "LinearLR", "start_factor": 0.1, "total_iters": warm});
    Some(match name {
        "StepLR" => json!({"step_size": quarter}),
        "MultiStepLR" => json!({"milestones": [steps / 2, steps * 3 / 4]}),
        "ConstantLR" => json!({"total_iters": warm}),
        "LinearLR" => json!({"start_factor": 0.1, "total_iters": warm}),
        "ExponentialLR" => json!({"gamma": 0.99}),
        "PolynomialLR" => json!({"total_iters": steps}),
        "CosineAnnealingLR" => json!({"T_max": steps}),
        "CosineAnnealingWarmRestarts" => json!({"T_0": quarter}),
        "CyclicLR" => {
            json!({"base_lr": lr / 10.0, "max_lr": lr, "step_size_up": (steps / 8).max(1)})
        }
        "OneCycleLR" => json!({"max_lr": lr, "total_steps": steps}),
        "ReduceLROnPlateau" => json!({}),
        "SequentialLR" => {
            json!({"schedulers": [warm_up, {"name": "CosineAnnealingLR", "T_max": (steps - warm).max(1)}], "milestones": [warm]})
        }
        "ChainedScheduler" => {
            json!({"schedulers": [warm_up, {"name": "ExponentialLR", "gamma": 0.99}]})
        }
        _ => return None,
    })
}

/// `info`'s scheduler for `racer` in a race of `steps` steps, as a spec's `lr_scheduler`
/// object. A scheduler that would cycle the momentum of an optimizer that has none gets
/// `cycle_momentum` false (torch refuses it otherwise).
pub fn starter(info: &SchedulerInfo, racer: &RacerSpec, steps: u64) -> Result<Json, String> {
    let lr = racer.lr().unwrap_or(1e-3);
    let Some(Json::Object(mut fields)) = arguments(info.name, lr, steps) else {
        return Err(format!("no starting arguments for {}", info.name));
    };
    fields.insert("name".into(), Json::String(info.name.into()));
    let mut group = Group::new(
        lr,
        racer
            .optimizer()
            .start(&[0.0, 0.0])
            .momentum_mut()
            .map(|m| *m),
    );
    if info.cycles_momentum && group.momentum.is_none() {
        fields.insert("cycle_momentum".into(), Json::Bool(false));
    }
    let object = Json::Object(fields);
    super::build(&parse(&object)?, &mut group)?;
    Ok(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::RunSpec;

    /// Every scheduler starts on every optimizer, for races from 1 step to many: the racer
    /// with it parses.
    #[test]
    fn every_scheduler_starts_on_every_optimizer() {
        for o in crate::optim::REGISTRY {
            for steps in [1, 2, 7, 500, 100_000] {
                let racer = format!(r#"{{"name": "{}"}}"#, o.name);
                let spec = RunSpec::parse(&format!(r#"{{"landscape": {{"name": "rosenbrock"}}, "steps": {steps}, "racers": [{racer}]}}"#)).unwrap();
                for s in super::super::REGISTRY {
                    let object = starter(s, &spec.racers[0], steps)
                        .unwrap_or_else(|e| panic!("{} on {}: {e}", s.name, o.name));
                    let mut r: serde_json::Map<String, Json> =
                        serde_json::from_str(&racer).unwrap();
                    r.insert("lr_scheduler".into(), object.clone());
                    let text =
                        json!({"landscape": {"name": "rosenbrock"}, "steps": steps, "racers": [r]})
                            .to_string();
                    RunSpec::parse(&text).unwrap_or_else(|e| {
                        panic!("{} on {} at {steps} steps: {e}: {object}", s.name, o.name)
                    });
                }
            }
        }
    }
}
