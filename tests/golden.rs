//! Every optimizer reproduces its reference's iterates to the last bit over 500 steps, on every
//! landscape, at default and non-default hyperparameters, at scales 1e-3, 1 and 1e3, and with noisy
//! gradients. Two routes, one per optimizer:
//!
//! - **Golden files**, where a reference implementation exists (torch.optim, adabelief-pytorch,
//!   lion-pytorch; Newton's formula in Python): its trajectories are in
//!   tests/golden/<optimizer>.json, written by tests/golden/generate.py (the same draws of
//!   `src/landscape/noise.rs` fed to the reference), compared here to the bit (a few files
//!   within 1e-10: [`NOT_TO_THE_BIT`]). List the optimizer in `golden_tests!` at the end of
//!   this file.
//! - **A formula written out here**, for an optimizer with no reference package: its update,
//!   written by hand from its paper in [`FORMULAS`], runs beside it on the same gradients and
//!   must give the same bits.
//!
//! Three more files race torch optimizers with every learning-rate scheduler (lr_scheduler.json,
//! with torch's rate at every step), with gradient clipping (clipping.json) and on turned
//! landscapes (rotate.json). L-BFGS's cases also pin its evaluations per step.

use optiscape::landscape::Point;
use optiscape::schema::Hyper;
use optiscape::{landscape, optim, race, spec::RunSpec};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const TOLERANCE: f64 = 1e-10;

/// The files whose references still differ from optiscape in the last bits of a few points (at
/// most 4.4e-16, within [`TOLERANCE`]; Adam with betas (0.3, 0.9), RAdam's rectified steps):
/// every other file must agree to the bit.
const NOT_TO_THE_BIT: &[&str] = &["adam", "radam"];

/// Fails unless `worst` is 0 for a file held to the bit.
fn assert_to_the_bit(file: &str, worst: f64) {
    assert!(worst == 0.0 || NOT_TO_THE_BIT.contains(&file), "{file}: agrees with its reference to {worst:e}, not to the bit");
}

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
    let mut worst = 0.0f64;
    for point in case["points"].as_array().unwrap() {
        let i = point[0].as_u64().unwrap() as usize;
        let reference = [point[1][0].as_f64().unwrap(), point[1][1].as_f64().unwrap()];
        let mine = ours.trajectory.get(i).ok_or(format!("no point {i}"))?;
        for k in 0..2 {
            worst = worst.max((mine[k] - reference[k]).abs());
        }
    }
    // The evaluations before each kept point (L-BFGS's closure calls), exactly.
    for point in case["evaluations"].as_array().into_iter().flatten() {
        let (i, theirs) = (point[0].as_u64().unwrap() as usize, point[1].as_u64().unwrap());
        if ours.evaluations.get(i) != Some(&theirs) {
            return Err(format!("evaluations before point {i}: {:?}, reference {theirs}", ours.evaluations.get(i)));
        }
    }
    // The learning rate of every step, to the bit: the scheduler's own recursion.
    if let Some(lrs) = case["lr"].as_array() {
        let theirs: Vec<f64> = lrs.iter().map(|x| x.as_f64().unwrap()).collect();
        if let Some(k) = (0..theirs.len().max(ours.lr.len())).find(|&k| ours.lr.get(k).map(|x| x.to_bits()) != theirs.get(k).map(|x| x.to_bits())) {
            return Err(format!("lr of step {}: {:?}, reference {:?}", k + 1, ours.lr.get(k), theirs.get(k)));
        }
    }
    Ok(worst)
}

/// Checks every case of `tests/golden/<file>.json` (races with schedulers, clipping or turned
/// landscapes); returns the races' racers and landscapes, for the coverage checks.
fn check_feature(file: &str) -> Vec<(Value, Value)> {
    let golden = golden(file);
    let cases = golden["cases"].as_array().unwrap();
    let (mut failures, mut worst) = (Vec::new(), 0.0f64);
    for case in cases {
        match check_case(case) {
            Ok(d) if d <= TOLERANCE => worst = worst.max(d),
            Ok(d) => failures.push(format!("{} on {}: max |diff| {d:e}", case["racer"], case["landscape"])),
            Err(e) => failures.push(format!("{} on {}: {e}", case["racer"], case["landscape"])),
        }
    }
    println!("{file}: {} cases, worst |diff| {worst:e}", cases.len());
    assert!(failures.is_empty(), "{file}: {} of {} cases differ from torch:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert_to_the_bit(file, worst);
    cases.iter().map(|c| (c["racer"].clone(), c["landscape"].clone())).collect()
}

/// Every scheduler of the registry is raced (inside SequentialLR and ChainedScheduler too), with
/// torch's learning rate at every step to the bit.
#[test]
fn schedulers() {
    fn names(s: &Value, out: &mut BTreeSet<String>) {
        out.insert(s["name"].as_str().unwrap().to_string());
        s["schedulers"].as_array().into_iter().flatten().for_each(|c| names(c, out));
    }
    let mut seen = BTreeSet::new();
    for (racer, _) in check_feature("lr_scheduler") {
        names(&racer["lr_scheduler"], &mut seen);
    }
    let every: BTreeSet<String> = optiscape::schedule::REGISTRY.iter().map(|s| s.name.to_string()).collect();
    assert_eq!(seen, every, "lr_scheduler.json must race every scheduler");
}

/// clip_grad_norm and clip_grad_value, alone and together, on every landscape, with noise too.
#[test]
fn clipping() {
    let races = check_feature("clipping");
    let both = |r: &Value| r.get("clip_grad_norm").is_some() && r.get("clip_grad_value").is_some();
    assert!(races.iter().any(|(r, _)| both(r)));
    assert!(races.iter().any(|(r, _)| r.get("clip_grad_value").is_some() && !both(r)));
    let landscapes: BTreeSet<&str> = races.iter().filter(|(r, _)| r.get("clip_grad_norm").is_some()).map(|(_, l)| l["name"].as_str().unwrap()).collect();
    assert_eq!(landscapes.len(), landscape::REGISTRY.len(), "clip_grad_norm on every landscape");
}

/// Every landscape turned, by quarter turns (exact) and other angles.
#[test]
fn rotation() {
    let races = check_feature("rotate");
    let landscapes: BTreeSet<&str> = races.iter().map(|(_, l)| l["name"].as_str().unwrap()).collect();
    assert_eq!(landscapes.len(), landscape::REGISTRY.len(), "every landscape turned");
    let angles: BTreeSet<String> = races.iter().map(|(_, l)| l["rotate"].to_string()).collect();
    assert!(angles.contains("90.0") && angles.len() >= 3, "{angles:?}");
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
    assert_to_the_bit(name, worst);
    let every: BTreeSet<String> = landscape::REGISTRY.iter().map(|l| l.name.to_string()).collect();
    assert_eq!(landscapes, every, "{name}: goldens must cover every landscape");
    assert!(scales.len() >= 3, "{name}: goldens must cover scales 1e-3, 1 and 1e3, got {scales:?}");
    let noisy: BTreeSet<&str> = cases.iter().filter(|c| c["landscape"]["noise"].as_f64().is_some_and(|s| s > 0.0)).map(|c| c["landscape"]["name"].as_str().unwrap()).collect();
    assert_eq!(noisy.len(), every.len(), "{name}: goldens must cover noisy gradients on every landscape");
    assert!(cases.iter().any(|c| c["racer"].as_object().unwrap().len() > 2), "{name}: no non-default hyperparameters pinned");
}

// --- optimizers without a reference package -------------------------------------------------

/// One step of an optimizer's update written out by hand: moves the point, given the gradient the
/// racer saw there, keeping whatever state it needs in the closure.
type Formula = Box<dyn FnMut(&mut Point, Point)>;

/// An optimizer without a reference package: its name, racers to try (as JSON fields beyond
/// `name`; include non-default hyperparameters) and its formula for a racer's hyperparameters.
type FormulaRoute = (&'static str, &'static [&'static str], fn(&Hyper) -> Formula);

/// Every optimizer pinned by a formula instead of a golden file. An entry looks like this (a
/// sign-momentum optimizer `signum` with parameters `lr` and `momentum`):
///
/// ```ignore
/// ("signum", &[r#"{}"#, r#"{"lr": 0.01, "momentum": 0.5}"#], |h| {
///     let (lr, beta) = (h.num("lr"), h.num("momentum"));
///     let sign = |x: f64| if x == 0.0 { 0.0 } else { x.signum() };
///     let mut m = [0.0; 2];
///     Box::new(move |p, g| {
///         for i in 0..2 {
///             m[i] = beta * m[i] + (1.0 - beta) * g[i];
///             p[i] -= lr * sign(m[i]);
///         }
///     })
/// }),
/// ```
///
/// Write the formula from the paper, not from the optimizer's file; where the optimizer fuses a
/// multiply-add (the torch-named helpers `add`, `addcmul`, `lerp`), the formula uses `mul_add`.
const FORMULAS: &[FormulaRoute] = &[];

/// Runs `name`'s racers `racers` on every landscape (at scales 1e-3, 1 and 1e3, and with noisy
/// gradients) beside `formula`, from each landscape's default start for 500 steps; returns the
/// number of races, or the first difference.
fn check_formula(name: &str, racers: &[&str], formula: fn(&Hyper) -> Formula) -> Result<usize, String> {
    let mut races = 0;
    for fields in racers {
        let mut racer: Value = serde_json::from_str(fields).map_err(|e| format!("{name}: racer {fields}: {e}"))?;
        racer["name"] = json!(name);
        for l in landscape::REGISTRY {
            let runs = [json!({"scale": 1e-3}), json!({"scale": 1.0}), json!({"scale": 1e3}), json!({"noise": 0.5, "seed": 2026})];
            for shared in runs {
                let mut landscape = shared;
                landscape["name"] = json!(l.name);
                let spec = json!({"landscape": landscape, "steps": 500, "racers": [racer]});
                let spec = RunSpec::parse(&spec.to_string()).map_err(|e| format!("{spec}: {e}"))?;
                let ours = race::run(&spec).racers.remove(0);
                let race = race::Race::new(&spec);
                let mut step = formula(&spec.racers[0].hyper);
                let mut p = race.start;
                let what = format!("{racer} on {landscape}");
                for (k, &point) in ours.trajectory.iter().enumerate() {
                    if k > 0 {
                        let g = race.objective.observed_gradient(p, k as u64 - 1);
                        step(&mut p, g);
                    }
                    if p.map(f64::to_bits) != point.map(f64::to_bits) {
                        return Err(format!("{what}: step {k}: the optimizer is at {point:?}, the formula at {p:?}"));
                    }
                }
                if let Some(k) = ours.diverged_at {
                    // The runner's rule (src/race.rs): a coordinate or the loss not finite, or a
                    // coordinate beyond the divergence limit.
                    let g = race.objective.observed_gradient(p, k - 1);
                    step(&mut p, g);
                    let sane = p.iter().all(|c| c.is_finite() && c.abs() <= race::DIVERGENCE_LIMIT) && race.objective.value(p).is_finite();
                    if sane {
                        return Err(format!("{what}: the optimizer diverged at step {k}, the formula is at {p:?}"));
                    }
                }
                races += 1;
            }
        }
    }
    Ok(races)
}

#[test]
fn optimizers_without_a_reference_follow_their_formulas() {
    for &(name, racers, formula) in FORMULAS {
        let races = check_formula(name, racers, formula).unwrap_or_else(|e| panic!("{e}"));
        println!("{name}: {races} races, the same bits as its formula");
    }
}

/// The formula route on an optimizer that also has goldens: SGD's formula `p - lr g` (torch fuses
/// it) passes, and the same formula rounded twice is caught.
#[test]
fn the_formula_route_passes_a_true_formula_and_catches_a_false_one() {
    let fused: fn(&Hyper) -> Formula = |h| {
        let lr = h.num("lr");
        Box::new(move |p, g| *p = [(-lr).mul_add(g[0], p[0]), (-lr).mul_add(g[1], p[1])])
    };
    let rounded_twice: fn(&Hyper) -> Formula = |h| {
        let lr = h.num("lr");
        Box::new(move |p, g| *p = [p[0] - lr * g[0], p[1] - lr * g[1]])
    };
    assert_eq!(check_formula("sgd", &["{}", r#"{"lr": 0.01}"#], fused), Ok(2 * 4 * landscape::REGISTRY.len()));
    let e = check_formula("sgd", &["{}"], rounded_twice).unwrap_err();
    assert!(e.contains("the formula at"), "{e}");
}

/// Each optimizer is pinned by exactly one route: a golden file checked by `golden_tests!`, or a
/// formula in [`FORMULAS`].
#[test]
fn every_optimizer_has_a_reference() {
    for o in optim::REGISTRY {
        let path = format!("{}/tests/golden/{}.json", env!("CARGO_MANIFEST_DIR"), o.name);
        let golden = std::path::Path::new(&path).exists();
        let tested = GOLDEN.contains(&o.name);
        let formula = FORMULAS.iter().any(|f| f.0 == o.name);
        match (golden, tested, formula) {
            (true, true, false) | (false, false, true) => {}
            (false, _, false) => panic!(
                "{} has no reference: add it to tests/golden/generate.py (with a reference package) or to FORMULAS in tests/golden.rs",
                o.name
            ),
            (true, false, _) => panic!("{} has tests/golden/{}.json: add it to `golden_tests!` in tests/golden.rs", o.name, o.name),
            (false, true, _) => panic!("{} is in `golden_tests!` but has no tests/golden/{}.json: run tests/golden/generate.py {}", o.name, o.name, o.name),
            (true, _, true) => panic!("{} has both a golden file and a formula: keep one", o.name),
        }
    }
    for name in GOLDEN.iter().chain(FORMULAS.iter().map(|f| &f.0)) {
        assert!(optim::find(name).is_some(), "`{name}` is not an optimizer of the registry");
    }
}

macro_rules! golden_tests {
    ($($name:ident),* $(,)?) => {
        /// The optimizers whose golden files are checked.
        const GOLDEN: &[&str] = &[$(stringify!($name)),*];
        $( #[test] fn $name() { check_optimizer(stringify!($name)); } )*
    };
}

golden_tests!(sgd, adagrad, rmsprop, adadelta, adam, adamw, nadam, radam, adamax, adabelief, lion, rprop, asgd, adafactor, muon, lbfgs, newton);
