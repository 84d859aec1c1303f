//! Every optimizer reproduces its reference's iterates (torch.optim, adabelief-pytorch,
//! lion-pytorch; Newton's formula) over 500 steps, on every landscape, at default and
//! non-default hyperparameters, at scales 1e-3 and 1e3, and with noisy gradients (the same draws
//! fed to the reference, `src/landscape/noise.rs` mirrored in Python). The references' trajectories are in
//! tests/golden/<optimizer>.json, written by tests/golden/generate.py.
//!
//! Two references per case. torch as installed, whose elementary functions are glibc's (mostly
//! but not always correctly rounded): every case within 1e-10 of it, except those in [`MOVED`],
//! where a last bit glibc gets wrong grows along a chaotic path. And torch again with correctly
//! rounded exp, log, pow, sin and cos (CORE-MATH's, preloaded in place of glibc's by
//! tests/math/core_math.sh; tests/golden/correctly_rounded.py): every case to the last bit, since
//! optiscape's are correctly rounded too (src/math.rs). That is the guarantee: torch's order of
//! operations with correctly rounded elementary functions.

use optiscape::{landscape, optim, race, spec::RunSpec};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const TOLERANCE: f64 = 1e-10;

/// The cases that part from torch-with-glibc by more than [`TOLERANCE`]: optimizer, racer,
/// landscape, the largest coordinate difference over the kept points, and why.
const MOVED: &[(&str, &str, &str, f64, &str)] = &[(
    "adamax",
    r#"{"betas":[0.3,0.99],"eps":0.001,"lr":0.05,"name":"adamax"}"#,
    r#"{"name":"rastrigin","scale":1.0}"#,
    2.077e-10,
    "at step 444 glibc's sin(18.755121964218798) is -0.09429366313543616, one ulp off the correctly \
     rounded -0.09429366313543615; Adamax at beta1 = 0.3 and eps = 1e-3 on Rastrigin grows it",
)];

fn golden(name: &str) -> Value {
    let path = format!("{}/tests/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e} (run tests/golden/generate.py)"));
    serde_json::from_str(&text).unwrap()
}

/// One case raced through the same spec parser and runner as the CLI.
fn race_case(case: &Value) -> Result<race::RacerResult, String> {
    let spec = json!({
        "landscape": case["landscape"], "start": case["start"], "steps": case["steps"], "racers": [case["racer"]],
    });
    let spec = RunSpec::parse(&spec.to_string())?;
    Ok(race::run(&spec).racers.remove(0))
}

/// The largest coordinate difference from the reference's kept points, or a message when the
/// runs disagree on divergence.
fn compare(ours: &race::RacerResult, case: &Value) -> Result<f64, String> {
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

/// tests/golden/correctly_rounded.py's digest of a run: each point generate.py keeps (steps 0 to
/// 20, every 10th, the last) as (step, x bits, y bits), then the step it diverged at.
fn digest(ours: &race::RacerResult) -> String {
    let last = ours.trajectory.len() - 1;
    let mut words = Vec::new();
    for (i, p) in ours.trajectory.iter().enumerate().filter(|&(i, _)| i <= 20 || i % 10 == 0 || i == last) {
        words.extend([i as u64, p[0].to_bits(), p[1].to_bits()]);
    }
    words.push(ours.diverged_at.unwrap_or(u64::MAX));
    let h = words.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &w| (h ^ w).wrapping_mul(0x100_0000_01b3));
    format!("{h:016x}")
}

/// torch with correctly rounded elementary functions: each case's racer, landscape and digest.
fn correctly_rounded(name: &str) -> Vec<Value> {
    let file = golden("correctly_rounded");
    let cases = file["cases"][name].as_array();
    cases.unwrap_or_else(|| panic!("{name}: no correctly rounded digests (run tests/math/core_math.sh python3 tests/golden/correctly_rounded.py)")).clone()
}

fn check_optimizer(name: &str) {
    let file = golden(name);
    let cases = file["cases"].as_array().unwrap();
    let rounded = correctly_rounded(name);
    assert_eq!(rounded.len(), cases.len(), "{name}: correctly_rounded.json is not of this generate.py (run tests/golden/correctly_rounded.py)");
    let mut failures = Vec::new();
    let (mut worst, mut identical) = (0.0f64, 0);
    let mut landscapes = BTreeSet::new();
    let mut scales = BTreeSet::new();
    for (case, cr) in cases.iter().zip(&rounded) {
        assert_eq!(case["racer"]["name"], name);
        assert!(cr["racer"] == case["racer"] && cr["landscape"] == case["landscape"], "{name}: correctly_rounded.json lists other cases");
        landscapes.insert(case["landscape"]["name"].as_str().unwrap().to_string());
        scales.insert(case["landscape"]["scale"].as_f64().unwrap().to_string());
        let what = format!("{} on {}", case["racer"], case["landscape"]);
        let ours = match race_case(case) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{what}: {e}"));
                continue;
            }
        };
        if digest(&ours) != cr["digest"] {
            failures.push(format!("{what}: not the bits of torch with correctly rounded functions"));
        }
        let moved = MOVED.iter().find(|m| m.0 == name && serde_json::from_str::<Value>(m.1).unwrap() == case["racer"] && serde_json::from_str::<Value>(m.2).unwrap() == case["landscape"]);
        match (compare(&ours, case), moved) {
            (Ok(d), None) if d <= TOLERANCE => {
                worst = worst.max(d);
                identical += usize::from(d == 0.0);
            }
            (Ok(d), Some(m)) if (d - m.3).abs() <= 1e-3 * m.3 => println!("{what}: {d:e} from torch with glibc, as listed: {}", m.4),
            (Ok(d), Some(m)) => failures.push(format!("{what}: {d:e} from torch with glibc, listed as {:e}", m.3)),
            (Ok(d), None) => failures.push(format!("{what}: max |diff| {d:e}")),
            (Err(e), _) => failures.push(format!("{what}: {e}")),
        }
    }
    println!("{name}: {} cases, each the bits of torch with correctly rounded functions; from torch with glibc, {identical} identical, worst |diff| {worst:e} (apart from those listed)", cases.len());
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
        assert!(golden("correctly_rounded")["cases"][o.name].is_array(), "{} has no correctly rounded digests: run tests/golden/correctly_rounded.py", o.name);
    }
}

macro_rules! golden_tests {
    ($($name:ident),* $(,)?) => { $( #[test] fn $name() { check_optimizer(stringify!($name)); } )* };
}

golden_tests!(sgd, adagrad, rmsprop, adadelta, adam, adamw, nadam, radam, adamax, adabelief, lion, newton);
