//! Every optimizer reproduces its reference's iterates (torch.optim, adabelief-pytorch,
//! lion-pytorch; Newton's formula) to 1e-10 over 500 steps, on every landscape, at default and
//! non-default hyperparameters, at scales 1e-3 and 1e3, and with noisy gradients (the same draws
//! fed to the reference, `src/landscape/noise.rs` mirrored in Python). The references' trajectories are in
//! tests/golden/<optimizer>.json, written by tests/golden/generate.py.

use optiscape::{landscape, optim, race, spec::RunSpec};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const TOLERANCE: f64 = 1e-10;

fn golden(name: &str) -> Value {
    let path = format!("{}/tests/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e} (run tests/golden/generate.py)"));
    serde_json::from_str(&text).unwrap()
}

/// Runs one golden case through the same spec parser and runner as the CLI; returns the largest
/// coordinate difference, or a message when the runs disagree on divergence.
fn check_case(case: &Value) -> Result<f64, String> {
    let spec = json!({
        "landscape": case["landscape"], "start": case["start"], "steps": case["steps"], "racers": [case["racer"]],
    });
    let spec = RunSpec::parse(&spec.to_string())?;
    let result = race::run(&spec);
    let ours = &result.racers[0];
    let theirs = case["diverged_at"].as_u64();
    if ours.diverged_at != theirs {
        return Err(format!("diverged at {:?}, reference at {theirs:?}", ours.diverged_at));
    }
    let singular = case["singular_at"].as_u64();
    if ours.singular_at != singular {
        return Err(format!("singular at {:?}, reference at {singular:?}", ours.singular_at));
    }
    let mut worst = 0.0f64;
    for point in case["points"].as_array().unwrap() {
        let i = point[0].as_u64().unwrap() as usize;
        let reference = [point[1][0].as_f64().unwrap(), point[1][1].as_f64().unwrap()];
        let mine = ours.trajectory.get(i).ok_or(format!("no point {i}"))?;
        for k in 0..2 {
            worst = worst.max((mine[k] - reference[k]).abs());
        }
    }
    Ok(worst)
}

fn check_optimizer(name: &str) {
    let file = golden(name);
    let cases = file["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    let mut worst = 0.0f64;
    let mut landscapes = BTreeSet::new();
    let mut scales = BTreeSet::new();
    for case in cases {
        assert_eq!(case["racer"]["name"], name);
        landscapes.insert(case["landscape"]["name"].as_str().unwrap().to_string());
        scales.insert(case["landscape"]["scale"].as_f64().unwrap().to_string());
        match check_case(case) {
            Ok(d) if d <= TOLERANCE => worst = worst.max(d),
            Ok(d) => failures.push(format!("{} on {}: max |diff| {d:e}", case["racer"], case["landscape"])),
            Err(e) => failures.push(format!("{} on {}: {e}", case["racer"], case["landscape"])),
        }
    }
    println!("{name}: {} cases, worst |diff| {worst:e}", cases.len());
    assert!(failures.is_empty(), "{name}: {} of {} cases differ from the reference:\n{}", failures.len(), cases.len(), failures.join("\n"));
    let every: BTreeSet<String> = landscape::REGISTRY.iter().map(|l| l.name.to_string()).collect();
    assert_eq!(landscapes, every, "{name}: goldens must cover every landscape");
    assert!(scales.len() >= 3, "{name}: goldens must cover scales 1e-3, 1 and 1e3, got {scales:?}");
    let noisy: BTreeSet<&str> = cases.iter().filter(|c| c["landscape"]["noise"].as_f64().is_some_and(|s| s > 0.0)).map(|c| c["landscape"]["name"].as_str().unwrap()).collect();
    assert_eq!(noisy.len(), every.len(), "{name}: goldens must cover noisy gradients on every landscape");
    assert!(cases.iter().any(|c| c["racer"].as_object().unwrap().len() > 2), "{name}: no non-default hyperparameters pinned");
}

#[test]
fn every_optimizer_has_goldens() {
    for o in optim::REGISTRY {
        let path = format!("{}/tests/golden/{}.json", env!("CARGO_MANIFEST_DIR"), o.name);
        assert!(std::path::Path::new(&path).exists(), "{} has no golden file: add it to tests/golden/generate.py", o.name);
    }
}

macro_rules! golden_tests {
    ($($name:ident),* $(,)?) => { $( #[test] fn $name() { check_optimizer(stringify!($name)); } )* };
}

golden_tests!(sgd, adagrad, rmsprop, adadelta, adam, adamw, nadam, radam, adamax, adabelief, lion, newton);
