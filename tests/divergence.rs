//! The divergence matrix: every optimizer on every landscape, at learning rates from 1e-6 to 1e4
//! and scales 1e-3 to 1e3, for 2000 steps. Nothing panics, every number reported is finite, a
//! diverged racer reports the first bad step (checked by replaying it with a fresh optimizer), and
//! every run is deterministic to the bit.

use optiscape::landscape::{self, Point};
use optiscape::optim;
use optiscape::race::{self, RacerResult, Status, DIVERGENCE_LIMIT};
use optiscape::spec::RunSpec;
use serde_json::json;
use std::panic::{catch_unwind, AssertUnwindSafe};

const LRS: [f64; 5] = [1e-6, 1e-3, 1.0, 1e2, 1e4];
const SCALES: [f64; 3] = [1e-3, 1.0, 1e3];
const STEPS: u64 = 2000;

fn sane(p: Point, loss: f64) -> bool {
    p.iter()
        .all(|c| c.is_finite() && c.abs() <= DIVERGENCE_LIMIT)
        && loss.is_finite()
}

fn same_bits(a: &RacerResult, b: &RacerResult) -> bool {
    a.status == b.status
        && a.diverged_at == b.diverged_at
        && a.trajectory.len() == b.trajectory.len()
        && a.loss.len() == b.loss.len()
        && a.trajectory
            .iter()
            .zip(&b.trajectory)
            .all(|(p, q)| p[0].to_bits() == q[0].to_bits() && p[1].to_bits() == q[1].to_bits())
        && a.loss
            .iter()
            .zip(&b.loss)
            .all(|(x, y)| x.to_bits() == y.to_bits())
}

/// Checks one racer's result against a replay with a fresh optimizer. Returns a description of
/// what is wrong, if anything.
fn check(spec: &RunSpec, r: &RacerResult) -> Result<(), String> {
    if r.trajectory.len() != r.loss.len() {
        return Err(format!(
            "{} points but {} losses",
            r.trajectory.len(),
            r.loss.len()
        ));
    }
    if let Some((k, p)) = r
        .trajectory
        .iter()
        .enumerate()
        .find(|(_, p)| !p.iter().all(|c| c.is_finite()))
    {
        return Err(format!("point {k} is {p:?}"));
    }
    if let Some((k, l)) = r.loss.iter().enumerate().find(|(_, l)| !l.is_finite()) {
        return Err(format!("loss {k} is {l}"));
    }
    let expected_len = match (r.status, r.diverged_at) {
        (Status::Ok, None) => STEPS + 1,
        (Status::Diverged, Some(k)) => k,
        (status, at) => return Err(format!("status {status:?} with diverged_at {at:?}")),
    };
    if r.trajectory.len() as u64 != expected_len {
        return Err(format!(
            "diverged_at {:?} but {} points",
            r.diverged_at,
            r.trajectory.len()
        ));
    }

    // Replay with a fresh optimizer: the same points and losses, bit for bit, and (when diverged)
    // a bad point exactly at step k.
    let built = spec.landscape.build();
    let start = spec.start_point(&built);
    let objective = spec.landscape.objective(built.f);
    let mut stepper = spec.racers[0].optimizer().start(&start);
    let mut p = start;
    let last = r.diverged_at.unwrap_or(STEPS);
    for k in 0..=last {
        if k > 0 {
            race::step(
                &mut *stepper,
                &objective,
                spec.racers[0].clip,
                k - 1,
                &mut p,
            );
        }
        let loss = if p.iter().all(|c| c.is_finite()) {
            objective.value(p)
        } else {
            f64::NAN
        };
        if Some(k) == r.diverged_at {
            if sane(p, loss) {
                return Err(format!(
                    "reported diverged at {k}, but the replayed step {k} is {p:?} with loss {loss}"
                ));
            }
        } else {
            if !sane(p, loss) {
                return Err(format!(
                    "replayed step {k} is already bad ({p:?}, loss {loss}), reported {:?}",
                    r.diverged_at
                ));
            }
            let (q, l) = (r.trajectory[k as usize], r.loss[k as usize]);
            if p[0].to_bits() != q[0].to_bits()
                || p[1].to_bits() != q[1].to_bits()
                || loss.to_bits() != l.to_bits()
            {
                return Err(format!("step {k}: replay {p:?} ({loss}), run {q:?} ({l})"));
            }
        }
    }
    Ok(())
}

#[test]
fn divergence_matrix() {
    let mut failures = Vec::new();
    let mut runs = 0;
    let mut diverged = std::collections::BTreeMap::<&str, usize>::new();
    for o in optim::REGISTRY {
        for l in landscape::REGISTRY {
            for scale in SCALES {
                // One spec per (optimizer, landscape, scale), one racer per lr: racers are
                // independent, and the runner must keep the others going when one diverges.
                let racers: Vec<_> = LRS
                    .iter()
                    .map(|lr| json!({"name": o.name, "lr": lr}))
                    .collect();
                let text = json!({"landscape": {"name": l.name, "scale": scale}, "steps": STEPS, "racers": racers}).to_string();
                let spec = RunSpec::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
                let first = match catch_unwind(AssertUnwindSafe(|| race::run(&spec))) {
                    Ok(r) => r,
                    Err(_) => {
                        failures.push(format!("{text}: panicked"));
                        continue;
                    }
                };
                for (i, r) in first.racers.iter().enumerate() {
                    runs += 1;
                    let what = format!(
                        "{} lr {:e} on {} at scale {scale:e}",
                        o.name, LRS[i], l.name
                    );
                    // Run again, alone: the same bits (runs are deterministic, and a racer does
                    // not depend on the others).
                    let mut single = spec.clone();
                    single.racers = vec![spec.racers[i].clone()];
                    let again = race::run(&single);
                    if !same_bits(r, &again.racers[0]) {
                        failures.push(format!("{what}: a second run, alone, differs"));
                    }
                    if let Err(e) = check(&single, r) {
                        failures.push(format!("{what}: {e}"));
                    }
                    if r.diverged_at.is_some() {
                        *diverged.entry(o.name).or_default() += 1;
                    }
                }
            }
        }
    }
    println!("{runs} runs; diverged per optimizer: {diverged:?}");
    assert_eq!(
        runs,
        optim::REGISTRY.len() * landscape::REGISTRY.len() * LRS.len() * SCALES.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {runs} runs fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The matrix does exercise divergence (SGD at lr 1e4 on Rosenbrock cannot survive) ...
    assert!(
        diverged.get("sgd").copied().unwrap_or(0) > 10,
        "{diverged:?}"
    );
    // ... and Lion, whose every step is exactly lr per coordinate, diverges only by walking out:
    // 2000 steps of at most 1e4 cannot pass 1e12.
    assert_eq!(diverged.get("lion"), None, "{diverged:?}");
}

/// From the farthest start a spec accepts, every optimizer at its defaults stays finite (or
/// reports divergence) on every landscape.
#[test]
fn extreme_starts_are_survived() {
    let mut failures = Vec::new();
    for o in optim::REGISTRY {
        for l in landscape::REGISTRY {
            for start in [[1e9, 1e9], [-1e9, 1e-300], [0.0, -1e9]] {
                let text = json!({"landscape": {"name": l.name}, "start": start, "steps": STEPS, "racers": [{"name": o.name}]}).to_string();
                let spec = RunSpec::parse(&text).unwrap();
                match catch_unwind(AssertUnwindSafe(|| race::run(&spec))) {
                    Ok(r) => {
                        if let Err(e) = check(&spec, &r.racers[0]) {
                            failures.push(format!("{text}: {e}"));
                        }
                    }
                    Err(_) => failures.push(format!("{text}: panicked")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
