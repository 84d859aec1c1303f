//! `optiscape torch`: the PyTorch script of every preset, run where torch is installed, puts every
//! racer where `optiscape run` does, to 1e-12 (|a − b| <= 1e-12 · max(1, |b|)), point by point,
//! with the same losses, learning rates, evaluations and stops (but the few chaotic or sensitive
//! racers listed below, which part as far from themselves when their gradients are nudged in the
//! last bits); so do scripts covering every optimizer, landscape, scheduler, clipping, turn and
//! noise. A training script starts from
//! optiscape's weights and data to the bit and trains to its losses within 1e-10 and its
//! accuracies exactly. Without torch these tests say they skipped (CI has no torch); the
//! scripts are still checked to be valid Python where python3 is.
//!
//! Run them with torch: `cargo test --release --test torch_script -- --nocapture`.

use optiscape::export::torch::{race_script, script};
use optiscape::race::{self, RacerResult, RunResult};
use optiscape::spec::RunSpec;
use serde_json::Value;
use std::process::Command;
use std::sync::OnceLock;

mod common;
use common::{cli, stderr, stdout};

const TOLERANCE: f64 = 1e-12;

/// Racers of the presets whose race is chaotic: RMSprop at these rates zigzags across the
/// valley floor in steps of about lr whatever the gradient's size, so a last-bit difference in a
/// gradient grows until the paths part. torch.autograd differentiates in another order than
/// optiscape's analytic derivatives (a last bit apart every few steps), and optiscape's own race
/// parts just as far when every gradient is nudged in its last bits (noise 1e-15, tested below).
/// They agree to 1e-12 for the first `agree` steps, then part by up to a few hundredths.
const CHAOTIC: &[Chaotic] = &[
    Chaotic {
        preset: "rosenbrock",
        label: "RMSprop",
        agree: 400,
    },
    Chaotic {
        preset: "formula",
        label: "RMSprop",
        agree: 400,
    },
];

struct Chaotic {
    preset: &'static str,
    label: &'static str,
    agree: usize,
}

/// Racers of the presets that magnify last-bit differences without being chaotic, so a gradient
/// a last bit apart (torch.autograd's against optiscape's analytic one) moves their path, or
/// their loss relative to its size, by up to `within` mid-race; both runs then end at the same
/// point (within 1e-10), with the same evaluations all along. L-BFGS without a line search takes
/// unit quasi-Newton steps across Rosenbrock's steep valley walls; Adam at lr 0.5, warmed up,
/// bursts out of its ravine's floor again and again, each burst a climb up a wall a thousand
/// times steeper than the floor. optiscape's own race parts as far when every gradient is nudged
/// in its last bits (noise 1e-15, tested below).
const SENSITIVE: &[Sensitive] = &[
    Sensitive {
        preset: "work",
        label: "L-BFGS",
        within: 1e-8,
    },
    Sensitive {
        preset: "work",
        label: "L-BFGS, max_iter 1",
        within: 1e-6,
    },
    Sensitive {
        preset: "warmup",
        label: "Adam lr 0.5, warm-up",
        within: 1e-9,
    },
];

struct Sensitive {
    preset: &'static str,
    label: &'static str,
    within: f64,
}

/// How far the script's racer `s` strays from optiscape's `r`: the largest difference of a
/// coordinate along the way, relative to the loss too, and of the last point. Both must have
/// the same points and evaluations.
fn strays(r: &RacerResult, s: &Value) -> (f64, f64) {
    let f = |v: &Value| v.as_f64().unwrap();
    let points = s["trajectory"].as_array().unwrap();
    assert_eq!(points.len(), r.trajectory.len());
    assert!(
        r.evaluations
            .iter()
            .enumerate()
            .all(|(k, &e)| s["evaluations"][k] == e),
        "the same evaluations"
    );
    let apart = |k: usize| {
        (f(&points[k][0]) - r.trajectory[k][0])
            .abs()
            .max((f(&points[k][1]) - r.trajectory[k][1]).abs())
    };
    let most = (0..points.len())
        .map(|k| apart(k).max((f(&s["loss"][k]) - r.loss[k]).abs() / r.loss[k].abs().max(1.0)))
        .fold(0.0, f64::max);
    (most, apart(points.len() - 1))
}

fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn torch() -> bool {
    static HAS: OnceLock<bool> = OnceLock::new();
    let has = *HAS.get_or_init(|| python_has("torch"));
    if !has {
        eprintln!("skipped: torch is not installed (python3 -c 'import torch' failed), so the PyTorch scripts were not run");
    }
    has
}

/// Runs a script with `--json`; its output parsed.
fn run_script(name: &str, text: &str) -> Value {
    let file =
        std::env::temp_dir().join(format!("optiscape-torch-{}-{name}.py", std::process::id()));
    std::fs::write(&file, text).unwrap();
    let out = Command::new("python3")
        .arg(&file)
        .arg("--json")
        .output()
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    assert!(
        out.status.success(),
        "{name}: the script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{name}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOLERANCE * b.abs().max(1.0)
}

/// Per racer: the first step where the script's racer is not optiscape's (a point, loss or
/// learning rate beyond the tolerance, another evaluation count), or how their ends differ.
fn partings(result: &RunResult, script: &Value) -> Vec<Option<String>> {
    let racers = script["racers"].as_array().expect("racers");
    assert_eq!(racers.len(), result.racers.len());
    result
        .racers
        .iter()
        .zip(racers)
        .map(|(r, s)| {
            let f = |v: &Value| v.as_f64().unwrap();
            let points = s["trajectory"].as_array().unwrap();
            for (k, (p, q)) in r.trajectory.iter().zip(points).enumerate() {
                let (loss, lr) = (f(&s["loss"][k]), k.checked_sub(1).map(|j| f(&s["lr"][j])));
                if !close(f(&q[0]), p[0]) || !close(f(&q[1]), p[1]) || !close(loss, r.loss[k]) {
                    return Some(format!(
                        "step {k}: ({}, {}) loss {loss} against ({}, {}) loss {}",
                        q[0], q[1], p[0], p[1], r.loss[k]
                    ));
                }
                if lr.is_some_and(|lr| !close(lr, r.lr[k - 1]))
                    || s["evaluations"][k] != r.evaluations[k]
                {
                    return Some(format!(
                        "step {k}: lr {lr:?} evaluations {} against {} and {}",
                        s["evaluations"][k],
                        r.lr[k - 1],
                        r.evaluations[k]
                    ));
                }
            }
            let end = (
                points.len(),
                s["status"].as_str().unwrap(),
                s["diverged_at"].as_u64(),
                s["singular_at"].as_u64(),
            );
            let want = (
                r.trajectory.len(),
                serde_json::to_value(r.status).unwrap(),
                r.diverged_at,
                r.singular_at,
            );
            (end.0 != want.0 || end.1 != want.1 || end.2 != want.2 || end.3 != want.3)
                .then(|| format!("ends {end:?} against {want:?}"))
        })
        .collect()
}

#[test]
fn every_presets_script_reruns_its_race() {
    if !torch() {
        return;
    }
    for preset in optiscape::presets::scenes() {
        let spec = &preset.spec;
        let result = race::run(spec);
        let got = run_script(&format!("preset-{}", preset.id), &race_script(spec));
        for (i, parting) in partings(&result, &got).into_iter().enumerate() {
            let label = spec.racers[i].display_name();
            if let Some(c) = SENSITIVE
                .iter()
                .find(|c| c.preset == preset.id && c.label == label)
            {
                assert!(parting.is_some(), "{} {label}: listed as sensitive, but agrees to {TOLERANCE}: take it off the list", preset.id);
                let (most, end) = strays(&result.racers[i], &got["racers"][i]);
                assert!(
                    most <= c.within && end <= 1e-10,
                    "{} {label}: strays by {most}, ends {end} apart",
                    preset.id
                );
                eprintln!("{} {label}: strays by {most:.1e} along the way, ends {end:.1e} apart (a sensitive race)", preset.id);
                continue;
            }
            let chaotic = CHAOTIC
                .iter()
                .find(|c| c.preset == preset.id && c.label == label);
            match (parting, chaotic) {
                (None, None) => {}
                (None, Some(_)) => panic!("{} {label}: listed as chaotic, but agrees to {TOLERANCE}: take it off the list", preset.id),
                (Some(p), None) => panic!("{} {label}: the script parts from optiscape at {p}", preset.id),
                (Some(_), Some(c)) => {
                    // Up to where the chaos takes over, point by point.
                    let points = got["racers"][i]["trajectory"].as_array().unwrap();
                    for (k, (p, q)) in result.racers[i].trajectory.iter().zip(points).take(c.agree + 1).enumerate() {
                        let q = [q[0].as_f64().unwrap(), q[1].as_f64().unwrap()];
                        assert!(close(q[0], p[0]) && close(q[1], p[1]), "{} {label} parts at step {k}, before step {}", preset.id, c.agree);
                    }
                    eprintln!("{} {label}: agrees to {TOLERANCE} for {} steps, then parts (a chaotic race)", preset.id, c.agree);
                }
            }
        }
    }
}

/// The chaotic and sensitive racers part in optiscape alone when every gradient is nudged in its
/// last bits (noise 1e-15): the reason they may part from torch. The others of their presets do not.
#[test]
fn the_chaotic_racers_part_by_themselves() {
    let listed = |preset: &str, label: &str| {
        CHAOTIC
            .iter()
            .any(|c| c.preset == preset && c.label == label)
            || SENSITIVE
                .iter()
                .any(|c| c.preset == preset && c.label == label)
    };
    let presets: std::collections::BTreeSet<&str> = CHAOTIC
        .iter()
        .map(|c| c.preset)
        .chain(SENSITIVE.iter().map(|c| c.preset))
        .collect();
    for id in presets {
        let preset = optiscape::presets::scenes()
            .iter()
            .find(|p| p.id == id)
            .unwrap();
        let mut nudged = preset.spec.clone();
        nudged.landscape.noise = optiscape::landscape::Noise {
            std: 1e-15,
            seed: 1,
        };
        let (a, b) = (race::run(&preset.spec), race::run(&nudged));
        for (i, (p, q)) in a.racers.iter().zip(&b.racers).enumerate() {
            let apart = p
                .trajectory
                .iter()
                .zip(&q.trajectory)
                .map(|(p, q)| (p[0] - q[0]).abs().max((p[1] - q[1]).abs()))
                .fold(0.0, f64::max);
            let label = preset.spec.racers[i].display_name();
            if CHAOTIC.iter().any(|c| c.preset == id && c.label == label) {
                assert!(
                    apart > 1e-3,
                    "{id} {label}: nudged gradients part it by {apart} only"
                );
            } else if let Some(c) = SENSITIVE
                .iter()
                .find(|c| c.preset == id && c.label == label)
            {
                assert!(
                    apart > TOLERANCE && apart <= c.within,
                    "{id} {label}: nudged gradients part it by {apart}"
                );
            } else {
                assert!(
                    !listed(id, label) && apart < TOLERANCE,
                    "{id} {label}: nudged gradients part it by {apart}"
                );
            }
        }
    }
}

/// Races that exercise every piece of the translation, each within the tolerance.
const COVERAGE: &[(&str, &str)] = &[
    (
        "optimizers",
        r#"{"landscape": {"name": "quadratic", "condition": 10}, "steps": 200, "racers": [
        {"name": "sgd", "lr": 0.02, "momentum": 0.8, "dampening": 0.1, "weight_decay": 0.01},
        {"name": "adagrad", "lr": 0.3, "lr_decay": 0.01, "initial_accumulator_value": 0.1},
        {"name": "rmsprop", "lr": 0.01, "centered": true, "momentum": 0.5},
        {"name": "adadelta", "lr": 5.0, "rho": 0.95},
        {"name": "adam", "lr": 0.05, "amsgrad": true, "weight_decay": 0.01, "decoupled_weight_decay": true},
        {"name": "adamw", "lr": 0.05},
        {"name": "nadam", "lr": 0.05, "momentum_decay": 0.01},
        {"name": "radam", "lr": 0.05, "weight_decay": 0.01},
        {"name": "adamax", "lr": 0.05, "betas": [0.8, 0.99]},
        {"name": "adabelief", "lr": 0.05},
        {"name": "adabelief", "lr": 0.05, "amsgrad": true, "weight_decouple": false, "weight_decay": 0.01, "rectify": false},
        {"name": "adabelief", "lr": 0.05, "fixed_decay": true, "weight_decay": 0.001, "degenerated_to_sgd": false},
        {"name": "lion", "lr": 0.01, "weight_decay": 0.1},
        {"name": "rprop", "lr": 0.01, "etas": [0.4, 1.3]},
        {"name": "asgd", "lr": 0.02, "t0": 50.0},
        {"name": "adafactor", "lr": 0.05},
        {"name": "muon", "lr": 0.05},
        {"name": "lbfgs", "lr": 0.5, "line_search_fn": "strong_wolfe", "history_size": 5},
        {"name": "lbfgs", "max_iter": 4},
        {"name": "newton", "lr": 0.5, "damping": 0.5},
        {"name": "newton", "fallback": null}]}"#,
    ),
    (
        "rosenbrock",
        r#"{"landscape": {"name": "rosenbrock", "a": 2.0, "b": 50.0}, "start": [-1, 2], "steps": 150,
        "racers": [{"name": "sgd", "lr": 0.0005, "momentum": 0.9}, {"name": "adam", "lr": 0.05}, {"name": "newton", "lr": 0.5}]}"#,
    ),
    (
        "gaussian_mixture",
        r#"{"landscape": {"name": "gaussian_mixture"}, "steps": 150, "racers": [{"name": "sgd", "lr": 5.0}, {"name": "adam", "lr": 0.05}, {"name": "newton"}]}"#,
    ),
    (
        "beale",
        r#"{"landscape": {"name": "beale"}, "steps": 150, "racers": [{"name": "sgd", "lr": 0.001}, {"name": "adam", "lr": 0.05}]}"#,
    ),
    (
        "rastrigin",
        r#"{"landscape": {"name": "rastrigin"}, "steps": 150, "racers": [{"name": "sgd", "lr": 0.002}, {"name": "adam", "lr": 0.05}, {"name": "newton", "lr": 0.5}]}"#,
    ),
    (
        "styblinski_tang",
        r#"{"landscape": {"name": "styblinski_tang"}, "steps": 150, "racers": [{"name": "sgd", "lr": 0.005}, {"name": "adam", "lr": 0.05}]}"#,
    ),
    (
        "saddle",
        r#"{"landscape": {"name": "saddle"}, "steps": 150, "racers": [{"name": "sgd", "lr": 0.05}, {"name": "adam", "lr": 0.05}, {"name": "newton", "fallback": null}]}"#,
    ),
    (
        "digits2d",
        r#"{"landscape": {"name": "digits2d", "input_scale": 0.5}, "steps": 150,
        "racers": [{"name": "sgd", "lr": 0.05}, {"name": "adam", "lr": 0.05}, {"name": "newton", "lr": 0.5}, {"name": "lbfgs"}]}"#,
    ),
    (
        "formula",
        r#"{"landscape": {"name": "custom", "f": "sin(x) cos(y) + tan(x/4) + exp(-x^2) + log(2 + y^2) + log10(3 + x^2) + sqrt(1 + y^2) + sinh(x/3) + cosh(y/3) + tanh(x y) + atan(y) + abs(x - 0.3) + 2^(x/2) + x^y^2/9 - (x+1)^-2/50"},
        "start": [0.7, 0.4], "steps": 150, "racers": [{"name": "sgd", "lr": 0.01}, {"name": "adam", "lr": 0.02}, {"name": "newton", "lr": 0.3, "damping": 1}]}"#,
    ),
    (
        "rotate",
        r#"{"landscape": {"name": "rosenbrock", "rotate": 30}, "steps": 300, "racers": [{"name": "sgd", "lr": 0.001}, {"name": "adam", "lr": 0.05}, {"name": "newton", "lr": 0.5}]}"#,
    ),
    (
        "rotate90",
        r#"{"landscape": {"name": "quadratic", "rotate": -90, "scale": 3}, "steps": 200, "racers": [{"name": "sgd", "lr": 0.01}, {"name": "adam", "lr": 0.05}]}"#,
    ),
    (
        "noise",
        r#"{"landscape": {"name": "quadratic", "noise": 1.5, "seed": 2026, "scale": 10}, "steps": 200, "racers": [{"name": "sgd", "lr": 0.005}, {"name": "adam", "lr": 0.05},
        {"name": "lbfgs", "line_search_fn": "strong_wolfe"}, {"name": "lbfgs", "max_iter": 3}, {"name": "newton", "lr": 0.3}]}"#,
    ),
    (
        "schedulers",
        r#"{"landscape": {"name": "quadratic"}, "steps": 300, "racers": [
        {"name": "sgd", "lr": 0.02, "momentum": 0.9, "lr_scheduler": {"name": "StepLR", "step_size": 50, "gamma": 0.5}},
        {"name": "adam", "lr": 0.1, "lr_scheduler": {"name": "MultiStepLR", "milestones": [200, 30, 80, 80], "gamma": 0.3}},
        {"name": "sgd", "lr": 0.01, "lr_scheduler": {"name": "ConstantLR", "factor": 0.25, "total_iters": 40}},
        {"name": "adam", "lr": 0.2, "lr_scheduler": {"name": "LinearLR", "start_factor": 0.1, "total_iters": 100}},
        {"name": "adam", "lr": 0.1, "lr_scheduler": {"name": "ExponentialLR", "gamma": 0.99}},
        {"name": "sgd", "lr": 0.05, "lr_scheduler": {"name": "PolynomialLR", "total_iters": 200, "power": 2.0}},
        {"name": "adam", "lr": 0.1, "lr_scheduler": {"name": "CosineAnnealingLR", "T_max": 150, "eta_min": 1e-4}},
        {"name": "sgd", "lr": 0.02, "lr_scheduler": {"name": "CosineAnnealingWarmRestarts", "T_0": 50, "T_mult": 2, "eta_min": 1e-5}},
        {"name": "sgd", "lr": 0.01, "momentum": 0.5, "lr_scheduler": {"name": "CyclicLR", "base_lr": 1e-3, "max_lr": 0.05, "step_size_up": 40, "mode": "triangular2"}},
        {"name": "adam", "lr": 0.01, "lr_scheduler": {"name": "OneCycleLR", "max_lr": 0.3, "total_steps": 300}},
        {"name": "sgd", "lr": 0.1, "lr_scheduler": {"name": "ReduceLROnPlateau", "factor": 0.5, "patience": 5, "threshold": 1e-3}},
        {"name": "adam", "lr": 0.2, "lr_scheduler": {"name": "SequentialLR", "schedulers": [{"name": "LinearLR", "start_factor": 0.1, "total_iters": 20}, {"name": "CosineAnnealingLR", "T_max": 280}], "milestones": [20]}},
        {"name": "sgd", "lr": 0.02, "lr_scheduler": {"name": "ChainedScheduler", "schedulers": [{"name": "ConstantLR", "factor": 0.5, "total_iters": 30}, {"name": "ExponentialLR", "gamma": 0.995}]}},
        {"name": "nadam", "lr": 0.05, "lr_scheduler": {"name": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 50}},
        {"name": "newton", "lr": 0.5, "lr_scheduler": {"name": "StepLR", "step_size": 5, "gamma": 0.5}}]}"#,
    ),
    (
        "clipping",
        r#"{"landscape": {"name": "himmelblau"}, "start": [-1, 0], "steps": 300, "racers": [
        {"name": "sgd", "lr": 0.003, "clip_grad_norm": 0.7},
        {"name": "adam", "lr": 0.05, "clip_grad_norm": 0.5, "clip_grad_value": 0.1},
        {"name": "sgd", "lr": 0.01, "momentum": 0.9, "clip_grad_value": 1.0},
        {"name": "lbfgs", "line_search_fn": "strong_wolfe", "clip_grad_norm": 2.0},
        {"name": "lbfgs", "clip_grad_value": 0.5, "max_iter": 5}]}"#,
    ),
    (
        "diverge",
        r#"{"landscape": {"name": "rosenbrock"}, "steps": 100, "racers": [{"name": "sgd", "lr": 0.01}, {"name": "adam", "lr": 0.5}, {"name": "newton", "lr": 1.5}]}"#,
    ),
];

#[test]
fn scripts_cover_every_optimizer_landscape_and_feature() {
    if !torch() {
        return;
    }
    let mut optimizers = std::collections::BTreeSet::new();
    for (name, text) in COVERAGE {
        let spec = RunSpec::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        optimizers.extend(spec.racers.iter().map(|r| r.info.name));
        let got = run_script(&format!("cover-{name}"), &race_script(&spec));
        for (i, parting) in partings(&race::run(&spec), &got).into_iter().enumerate() {
            assert!(
                parting.is_none(),
                "{name} racer {i} ({}): {}",
                spec.racers[i].display_name(),
                parting.unwrap()
            );
        }
    }
    assert_eq!(
        optimizers.len(),
        optiscape::optim::REGISTRY.len(),
        "every optimizer is raced"
    );
}

#[test]
fn scripts_are_python_and_the_cli_writes_them() {
    let preset = &optiscape::presets::scenes()[0].spec;
    let out = cli(&["torch"], &preset.to_json());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), race_script(preset));
    let train = optiscape::presets::experiments()[0].spec.to_json();
    assert_eq!(
        stdout(&cli(&["torch"], &train)),
        script(&train).unwrap(),
        "a training spec gets the training script"
    );
    assert!(script(&train)
        .unwrap()
        .contains("def initial_weights(model, seed):"));
    assert!(script(r#"{"landscape": {"name": "nope"}, "racers": []}"#)
        .unwrap_err()
        .contains("unknown landscape `nope`"));
    assert!(script("{").is_err());
    if !python_has("ast") {
        eprintln!("skipped: no python3, so the scripts were not parsed");
        return;
    }
    let mut texts: Vec<(String, String)> = optiscape::presets::scenes()
        .iter()
        .map(|p| (p.id.clone(), race_script(&p.spec)))
        .collect();
    texts.extend(COVERAGE.iter().map(|(name, text)| {
        (
            name.to_string(),
            race_script(&RunSpec::parse(text).unwrap()),
        )
    }));
    texts.extend(
        optiscape::presets::experiments()
            .iter()
            .map(|p| (p.id.clone(), script(&p.spec.to_json()).unwrap())),
    );
    texts.push(("train-coverage".into(), script(TRAIN_COVERAGE).unwrap()));
    for (name, text) in texts {
        let file =
            std::env::temp_dir().join(format!("optiscape-ast-{}-{name}.py", std::process::id()));
        std::fs::write(&file, &text).unwrap();
        let out = Command::new("python3")
            .args([
                "-c",
                "import ast, sys; ast.parse(open(sys.argv[1], encoding='utf-8').read())",
            ])
            .arg(&file)
            .output()
            .unwrap();
        std::fs::remove_file(&file).unwrap();
        assert!(
            out.status.success(),
            "{name}: not valid Python: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A training race with every kind of optimizer step the classifier has, two epochs.
const TRAIN_COVERAGE: &str = r#"{"model": "mlp", "epochs": 2, "batch_size": 16, "seed": 7, "input": {"transform": "standardize", "scale": 0.5},
 "racers": [{"name": "sgd", "lr": 0.05, "momentum": 0.9, "lr_scheduler": {"name": "StepLR", "step_size": 1, "gamma": 0.5}},
            {"name": "adam", "lr": 0.002, "clip_grad_norm": 1.0, "input": {"transform": "raw", "scale": 0.1}},
            {"name": "adabelief", "lr": 0.002},
            {"name": "lion", "lr": 0.0005, "clip_grad_value": 0.5},
            {"name": "adafactor", "lr": 0.01, "lr_scheduler": {"name": "ReduceLROnPlateau", "patience": 0, "factor": 0.5}},
            {"name": "muon", "lr": 0.02},
            {"name": "lbfgs", "lr": 0.5, "max_iter": 3}]}"#;

/// Optimizers whose classifier steps reduce over all the weights, which torch sums in another
/// order than optiscape: Muon's bfloat16 Newton–Schulz products (a last-bit difference flips a
/// bfloat16 rounding: on the linear model 6 weights part by 3e-7 at the second step) and
/// L-BFGS's dot products over every weight (a line-search branch goes the other way). They
/// train, not to the same bits: the first epoch's loss within 1 %.
const REDUCING: &[&str] = &["muon", "lbfgs"];

/// The per-epoch table of a training script against `optiscape train`'s.
fn check_epochs(name: &str, spec: &optiscape::classify::train::TrainSpec, got: &Value) {
    use optiscape::classify::{digits::Digits, train};
    let want = train::train(spec, &Digits::embedded(), &|| 0.0);
    for (i, (r, s)) in want
        .racers
        .iter()
        .zip(got["racers"].as_array().unwrap())
        .enumerate()
    {
        let epochs = s["epochs"].as_array().unwrap();
        assert_eq!(epochs.len(), r.epochs.len(), "{name} racer {i}");
        assert_eq!(
            s["diverged_at_epoch"].as_u64(),
            r.diverged_at_epoch.map(u64::from),
            "{name} racer {i}"
        );
        for (e, (w, g)) in r.epochs.iter().zip(epochs).enumerate() {
            let (loss, accuracy, lr) = (
                g["train_loss"].as_f64().unwrap(),
                g["test_accuracy"].as_f64().unwrap(),
                g["lr"].as_f64().unwrap(),
            );
            let apart = (loss - w.train_loss).abs() / w.train_loss;
            if REDUCING.contains(&r.name) {
                assert!(
                    e > 0 || apart < 1e-2,
                    "{name} racer {i} ({}) epoch 1: loss {loss} against {}",
                    r.name,
                    w.train_loss
                );
                continue;
            }
            assert!(
                apart < 1e-10,
                "{name} racer {i} ({}) epoch {}: loss {loss} against {}",
                r.name,
                e + 1,
                w.train_loss
            );
            assert_eq!(
                accuracy,
                w.test_accuracy,
                "{name} racer {i} ({}) epoch {}",
                r.name,
                e + 1
            );
            assert!(
                close(lr, w.lr),
                "{name} racer {i} epoch {}: lr {lr} against {}",
                e + 1,
                w.lr
            );
        }
    }
}

#[test]
fn training_scripts_start_from_optiscapes_weights_and_data() {
    use optiscape::classify::{digits::Digits, model::Model, train};
    if !torch() {
        return;
    }
    let spec = train::TrainSpec::parse(TRAIN_COVERAGE).unwrap();
    let file =
        std::env::temp_dir().join(format!("optiscape-torch-{}-start.py", std::process::id()));
    std::fs::write(&file, script(TRAIN_COVERAGE).unwrap()).unwrap();
    // The script as a module: its initial weights for both models, and each racer's inputs.
    let probe = r#"
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("race", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
weights = {}
for hidden in (None, 32):
    model = m.Classifier(hidden)
    m.initial_weights(model, m.SEED)
    weights[str(hidden)] = [v for p in model.parameters() for v in p.detach().reshape(-1).tolist()]
pixels, labels = m.load_digits()
inputs = []
for racer in m.RACERS:
    train_x, train_y, test_x, test_y = m.prepare(pixels, labels, *racer["input"])
    inputs.append([train_x.reshape(-1).tolist(), train_y.tolist(), test_x.reshape(-1).tolist(), test_y.tolist()])
print(json.dumps({"weights": weights, "inputs": inputs}))
"#;
    let out = Command::new("python3")
        .args(["-c", probe])
        .arg(&file)
        .output()
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    let bits = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap().to_bits())
            .collect::<Vec<u64>>()
    };
    let arch = [
        ("None", optiscape::classify::model::Architecture::Linear),
        ("32", optiscape::classify::model::Architecture::Mlp),
    ];
    for (key, architecture) in arch {
        let want: Vec<u64> = Model::new(architecture, 64, 10)
            .init(spec.seed)
            .iter()
            .map(|x| x.to_bits())
            .collect();
        assert_eq!(
            bits(&got["weights"][key]),
            want,
            "initial weights, hidden {key}"
        );
    }
    let digits = Digits::embedded();
    for i in 0..spec.racers.len() {
        let p = train::prepare(&digits, spec.input_of(i));
        let g = &got["inputs"][i];
        assert_eq!(
            bits(&g[0]),
            p.train_x.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            "racer {i}'s training inputs"
        );
        assert_eq!(
            bits(&g[2]),
            p.test_x.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            "racer {i}'s test inputs"
        );
        let labels = |v: &Value| {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as u8)
                .collect::<Vec<u8>>()
        };
        assert_eq!(
            (labels(&g[1]), labels(&g[3])),
            (p.train_y.clone(), p.test_y.clone()),
            "racer {i}'s labels"
        );
    }
}

#[test]
fn training_scripts_rerun_the_epochs() {
    use optiscape::classify::train::TrainSpec;
    if !torch() {
        return;
    }
    let spec = TrainSpec::parse(TRAIN_COVERAGE).unwrap();
    check_epochs(
        "coverage",
        &spec,
        &run_script("train-coverage", &script(TRAIN_COVERAGE).unwrap()),
    );
    // The seed's experiment: Adam, SGD, RMSprop and Adagrad, 15 epochs of one sample per step.
    let four = optiscape::presets::experiments()
        .iter()
        .find(|p| p.id == "four")
        .unwrap();
    check_epochs(
        "four",
        &four.spec,
        &run_script("train-four", &script(&four.spec.to_json()).unwrap()),
    );
}
