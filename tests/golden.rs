//! Every optimizer reproduces its reference's iterates over 500 steps, on every landscape, at
//! default and non-default hyperparameters, at scales 1e-3, 1 and 1e3, and with noisy gradients.
//! Two routes, one per optimizer:
//!
//! - **Golden files**, where a reference implementation exists (torch.optim, adabelief-pytorch,
//!   lion-pytorch; Newton's formula in Python): its trajectories are in
//!   tests/golden/<optimizer>.json, written by tests/golden/generate.py (the same draws of
//!   `src/landscape/noise.rs` fed to the reference). List the optimizer in `golden_tests!` at the
//!   end of this file.
//! - **A formula written out here**, for an optimizer with no reference package: its update,
//!   written by hand from its paper in [`FORMULAS`], runs beside it on the same gradients and
//!   must give the same bits.
//!
//! Three more files race torch optimizers with every learning-rate scheduler (lr_scheduler.json,
//! with torch's rate at every step), with gradient clipping (clipping.json) and on turned
//! landscapes (rotate.json). L-BFGS's cases also pin its evaluations per step.
//!
//! Each golden case has two references. torch as installed, whose elementary functions are
//! glibc's (mostly but not always correctly rounded): every case within 1e-10 of it, except those
//! in [`MOVED`], where a last bit glibc gets wrong grows along a chaotic path. And torch again with
//! correctly rounded exp, log, pow, sin and cos (CORE-MATH's, preloaded in place of glibc's by
//! tests/math/core_math.sh; tests/golden/correctly_rounded.py): every case to the last bit (and a
//! scheduled race's learning rate at every step), since optiscape's functions are correctly
//! rounded too (src/math.rs). That is the guarantee: torch's order of operations with correctly
//! rounded elementary functions.

use optiscape::landscape::Point;
use optiscape::schema::Hyper;
use optiscape::{landscape, optim, race, spec::RunSpec};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const TOLERANCE: f64 = 1e-10;

/// How a case parts from torch-with-glibc: its largest coordinate difference over the kept
/// points, or the start of the message of what else differs first (an evaluation count, a step's
/// learning rate).
enum Moved {
    By(f64),
    First(&'static str),
}

/// The cases that part from torch-with-glibc beyond [`TOLERANCE`]: file, racer, landscape, how,
/// and why (the one-ulp error of glibc that starts it, found by running the reference with every
/// call of its elementary functions checked against mpmath).
const MOVED: &[(&str, &str, &str, Moved, &str)] = &[
    (
        "adamax",
        r#"{"betas":[0.3,0.99],"eps":0.001,"lr":0.05,"name":"adamax"}"#,
        r#"{"name":"rastrigin","scale":1.0}"#,
        Moved::By(2.077e-10),
        "at step 444 glibc's sin(18.755121964218798) is -0.09429366313543616, one ulp off the correctly \
         rounded -0.09429366313543615; Adamax at beta1 = 0.3 and eps = 1e-3 on Rastrigin grows it",
    ),
    (
        "adafactor",
        r#"{"lr":0.05,"name":"adafactor","weight_decay":0.1}"#,
        r#"{"name":"digits2d","scale":1.0}"#,
        Moved::By(9.552e-2),
        "the runs part at point 270, where two of the 898 samples' exp are one ulp off in glibc \
         (exp(-0.8952570467214249) = 0.4085025808950804, correctly rounded 0.40850258089508035; \
         exp(-2.148352617809619) = 0.11667620984862498, correctly 0.11667620984862496); Adafactor's \
         relative steps on digits2d grow the last bit to 1e-1 by step 500",
    ),
    (
        "lbfgs",
        r#"{"name":"lbfgs"}"#,
        r#"{"name":"rastrigin","noise":0.5,"scale":1.0,"seed":2026}"#,
        Moved::First("evaluations before point 60: Some(567), reference 570"),
        "glibc's sin(18.76616606119499) is -0.08329324691694885, one ulp off the correctly rounded \
         -0.08329324691694884, in steps 26 and 27; the runs part at point 33 and L-BFGS's line \
         search then takes other trial points",
    ),
    (
        "lbfgs",
        r#"{"name":"lbfgs"}"#,
        r#"{"name":"rastrigin","noise":0.5,"scale":1000.0,"seed":2026}"#,
        Moved::First("evaluations before point 60: Some(531), reference 523"),
        "glibc's sin(18.75792429971118) is -0.09150344705856045, one ulp off the correctly rounded \
         -0.09150344705856046, in step 18, where the runs part; L-BFGS's line search then takes \
         other trial points",
    ),
    (
        "lr_scheduler",
        r#"{"lr":0.01,"lr_scheduler":{"max_lr":0.3,"name":"OneCycleLR","total_steps":500},"name":"adam"}"#,
        r#"{"name":"rosenbrock","scale":1.0}"#,
        Moved::First("lr of step 385:"),
        ONE_CYCLE_COS,
    ),
    (
        "lr_scheduler",
        r#"{"lr":0.01,"lr_scheduler":{"max_lr":0.3,"name":"OneCycleLR","total_steps":500},"name":"adam"}"#,
        r#"{"name":"himmelblau","scale":1.0}"#,
        Moved::First("lr of step 385:"),
        ONE_CYCLE_COS,
    ),
    (
        "lr_scheduler",
        r#"{"lr":0.05,"lr_scheduler":{"max_lr":0.05,"name":"OneCycleLR","total_steps":500},"name":"muon"}"#,
        r#"{"name":"himmelblau","scale":1.0}"#,
        Moved::First("lr of step 385:"),
        ONE_CYCLE_COS,
    ),
    (
        "lr_scheduler",
        r#"{"lr":0.005,"lr_scheduler":{"name":"PolynomialLR","power":2.0,"total_iters":400},"name":"sgd"}"#,
        r#"{"name":"himmelblau","scale":1.0}"#,
        Moved::First("lr of step 386:"),
        "PolynomialLR multiplies by ((1 - 385/400) / (1 - 384/400))^2: glibc's \
         pow(0.9374999999999987, 2.0) is 0.8789062499999974, not the correctly rounded \
         0.8789062499999976",
    ),
];

/// Why OneCycleLR's rate at step 385 of 500 parts from torch's with glibc.
const ONE_CYCLE_COS: &str = "OneCycleLR anneals with cos(pi * pct): at its 384th step glibc's \
    cos(2.1093550674102897) is -0.512899277405906, one ulp off the correctly rounded \
    -0.5128992774059061, and the rate is one ulp apart";

fn golden(name: &str) -> Value {
    let path = format!("{}/tests/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run tests/golden/generate.py)"));
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
        return Err(format!(
            "diverged at {:?}, reference at {theirs:?}",
            ours.diverged_at
        ));
    }
    let singular = case["singular_at"].as_u64();
    if ours.singular_at != singular {
        return Err(format!(
            "singular at {:?}, reference at {singular:?}",
            ours.singular_at
        ));
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
        let (i, theirs) = (
            point[0].as_u64().unwrap() as usize,
            point[1].as_u64().unwrap(),
        );
        if ours.evaluations.get(i) != Some(&theirs) {
            return Err(format!(
                "evaluations before point {i}: {:?}, reference {theirs}",
                ours.evaluations.get(i)
            ));
        }
    }
    // The learning rate of every step, to the bit: the scheduler's own recursion.
    if let Some(lrs) = case["lr"].as_array() {
        let theirs: Vec<f64> = lrs.iter().map(|x| x.as_f64().unwrap()).collect();
        if let Some(k) = (0..theirs.len().max(ours.lr.len()))
            .find(|&k| ours.lr.get(k).map(|x| x.to_bits()) != theirs.get(k).map(|x| x.to_bits()))
        {
            return Err(format!(
                "lr of step {}: {:?}, reference {:?}",
                k + 1,
                ours.lr.get(k),
                theirs.get(k)
            ));
        }
    }
    Ok(worst)
}

/// tests/golden/correctly_rounded.py's digest of a run: each point generate.py keeps (steps 0 to
/// 20, every 10th, the last) as (step, x bits, y bits), then the step it diverged at, then, for a
/// scheduled race (`with_lr`), the bits of every step's learning rate.
fn digest(ours: &race::RacerResult, with_lr: bool) -> String {
    let last = ours.trajectory.len() - 1;
    let mut words = Vec::new();
    for (i, p) in ours
        .trajectory
        .iter()
        .enumerate()
        .filter(|&(i, _)| i <= 20 || i % 10 == 0 || i == last)
    {
        words.extend([i as u64, p[0].to_bits(), p[1].to_bits()]);
    }
    words.push(ours.diverged_at.unwrap_or(u64::MAX));
    if with_lr {
        words.extend(ours.lr.iter().map(|x| x.to_bits()));
    }
    let h = words.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &w| {
        (h ^ w).wrapping_mul(0x100_0000_01b3)
    });
    format!("{h:016x}")
}

/// torch with correctly rounded elementary functions: each case's racer, landscape and digest.
fn correctly_rounded(name: &str) -> Vec<Value> {
    let file = golden("correctly_rounded");
    let cases = file["cases"][name].as_array();
    cases.unwrap_or_else(|| panic!("{name}: no correctly rounded digests (run tests/math/core_math.sh python3 tests/golden/correctly_rounded.py)")).clone()
}

/// Checks every case of `tests/golden/<file>.json` (races with schedulers, clipping or turned
/// landscapes) against both references; returns the races' racers and landscapes, for the
/// coverage checks.
fn check_feature(file: &str) -> Vec<(Value, Value)> {
    let golden = golden(file);
    let cases = golden["cases"].as_array().unwrap();
    check_cases(file, cases);
    cases
        .iter()
        .map(|c| (c["racer"].clone(), c["landscape"].clone()))
        .collect()
}

/// Every scheduler of the registry is raced (inside SequentialLR and ChainedScheduler too), with
/// torch's learning rate at every step to the bit.
#[test]
fn schedulers() {
    fn names(s: &Value, out: &mut BTreeSet<String>) {
        out.insert(s["name"].as_str().unwrap().to_string());
        s["schedulers"]
            .as_array()
            .into_iter()
            .flatten()
            .for_each(|c| names(c, out));
    }
    let mut seen = BTreeSet::new();
    for (racer, _) in check_feature("lr_scheduler") {
        names(&racer["lr_scheduler"], &mut seen);
    }
    let every: BTreeSet<String> = optiscape::schedule::REGISTRY
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(seen, every, "lr_scheduler.json must race every scheduler");
}

/// clip_grad_norm and clip_grad_value, alone and together, on every landscape, with noise too.
#[test]
fn clipping() {
    let races = check_feature("clipping");
    let both = |r: &Value| r.get("clip_grad_norm").is_some() && r.get("clip_grad_value").is_some();
    assert!(races.iter().any(|(r, _)| both(r)));
    assert!(races
        .iter()
        .any(|(r, _)| r.get("clip_grad_value").is_some() && !both(r)));
    let landscapes: BTreeSet<&str> = races
        .iter()
        .filter(|(r, _)| r.get("clip_grad_norm").is_some())
        .map(|(_, l)| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        landscapes.len(),
        landscape::REGISTRY.len(),
        "clip_grad_norm on every landscape"
    );
}

/// Every landscape turned, by quarter turns (exact) and other angles.
#[test]
fn rotation() {
    let races = check_feature("rotate");
    let landscapes: BTreeSet<&str> = races
        .iter()
        .map(|(_, l)| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        landscapes.len(),
        landscape::REGISTRY.len(),
        "every landscape turned"
    );
    let angles: BTreeSet<String> = races.iter().map(|(_, l)| l["rotate"].to_string()).collect();
    assert!(angles.contains("90.0") && angles.len() >= 3, "{angles:?}");
}

/// Checks `cases` (of `tests/golden/<name>.json`) against torch as installed and against torch
/// with correctly rounded functions; returns how many are identical to the first.
fn check_cases(name: &str, cases: &[Value]) {
    let rounded = correctly_rounded(name);
    assert_eq!(rounded.len(), cases.len(), "{name}: correctly_rounded.json is not of this generate.py (run tests/golden/correctly_rounded.py)");
    let mut failures = Vec::new();
    let (mut worst, mut identical) = (0.0f64, 0);
    for (case, cr) in cases.iter().zip(&rounded) {
        assert!(
            cr["racer"] == case["racer"] && cr["landscape"] == case["landscape"],
            "{name}: correctly_rounded.json lists other cases"
        );
        let what = format!("{} on {}", case["racer"], case["landscape"]);
        let ours = match race_case(case) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{what}: {e}"));
                continue;
            }
        };
        if digest(&ours, case.get("lr").is_some()) != cr["digest"] {
            failures.push(format!(
                "{what}: not the bits of torch with correctly rounded functions"
            ));
        }
        let moved = MOVED.iter().find(|m| {
            m.0 == name
                && serde_json::from_str::<Value>(m.1).unwrap() == case["racer"]
                && serde_json::from_str::<Value>(m.2).unwrap() == case["landscape"]
        });
        match (compare(&ours, case), moved) {
            (Ok(d), None) if d <= TOLERANCE => {
                worst = worst.max(d);
                identical += usize::from(d == 0.0);
            }
            (Ok(d), Some((.., Moved::By(by), why))) if (d - by).abs() <= 1e-3 * by => {
                println!("{what}: {d:e} from torch with glibc, as listed: {why}")
            }
            (Err(e), Some((.., Moved::First(first), why))) if e.starts_with(first) => {
                println!("{what}: {e} with torch with glibc, as listed: {why}")
            }
            (Ok(d), Some(_)) => failures.push(format!(
                "{what}: {d:e} from torch with glibc, not as listed in MOVED"
            )),
            (Ok(d), None) => failures.push(format!("{what}: max |diff| {d:e}")),
            (Err(e), _) => failures.push(format!("{what}: {e}")),
        }
    }
    println!("{name}: {} cases, each the bits of torch with correctly rounded functions; from torch with glibc, {identical} identical, worst |diff| {worst:e} (apart from those listed)", cases.len());
    assert!(
        failures.is_empty(),
        "{name}: {} of {} cases differ from the reference:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn check_optimizer(name: &str) {
    let file = golden(name);
    let cases = file["cases"].as_array().unwrap();
    assert!(
        cases.iter().all(|c| c["racer"]["name"] == name),
        "{name}.json races other optimizers"
    );
    check_cases(name, cases);
    let landscapes: BTreeSet<String> = cases
        .iter()
        .map(|c| c["landscape"]["name"].as_str().unwrap().to_string())
        .collect();
    let scales: BTreeSet<String> = cases
        .iter()
        .map(|c| c["landscape"]["scale"].as_f64().unwrap().to_string())
        .collect();
    let every: BTreeSet<String> = landscape::REGISTRY
        .iter()
        .map(|l| l.name.to_string())
        .collect();
    assert_eq!(
        landscapes, every,
        "{name}: goldens must cover every landscape"
    );
    assert!(
        scales.len() >= 3,
        "{name}: goldens must cover scales 1e-3, 1 and 1e3, got {scales:?}"
    );
    let noisy: BTreeSet<&str> = cases
        .iter()
        .filter(|c| c["landscape"]["noise"].as_f64().is_some_and(|s| s > 0.0))
        .map(|c| c["landscape"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        noisy.len(),
        every.len(),
        "{name}: goldens must cover noisy gradients on every landscape"
    );
    assert!(
        cases
            .iter()
            .any(|c| c["racer"].as_object().unwrap().len() > 2),
        "{name}: no non-default hyperparameters pinned"
    );
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
fn check_formula(
    name: &str,
    racers: &[&str],
    formula: fn(&Hyper) -> Formula,
) -> Result<usize, String> {
    let mut races = 0;
    for fields in racers {
        let mut racer: Value =
            serde_json::from_str(fields).map_err(|e| format!("{name}: racer {fields}: {e}"))?;
        racer["name"] = json!(name);
        for l in landscape::REGISTRY {
            let runs = [
                json!({"scale": 1e-3}),
                json!({"scale": 1.0}),
                json!({"scale": 1e3}),
                json!({"noise": 0.5, "seed": 2026}),
            ];
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
                        return Err(format!(
                            "{what}: step {k}: the optimizer is at {point:?}, the formula at {p:?}"
                        ));
                    }
                }
                if let Some(k) = ours.diverged_at {
                    // The runner's rule (src/race.rs): a coordinate or the loss not finite, or a
                    // coordinate beyond the divergence limit.
                    let g = race.objective.observed_gradient(p, k - 1);
                    step(&mut p, g);
                    let sane = p
                        .iter()
                        .all(|c| c.is_finite() && c.abs() <= race::DIVERGENCE_LIMIT)
                        && race.objective.value(p).is_finite();
                    if sane {
                        return Err(format!(
                            "{what}: the optimizer diverged at step {k}, the formula is at {p:?}"
                        ));
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
    assert_eq!(
        check_formula("sgd", &["{}", r#"{"lr": 0.01}"#], fused),
        Ok(2 * 4 * landscape::REGISTRY.len())
    );
    let e = check_formula("sgd", &["{}"], rounded_twice).unwrap_err();
    assert!(e.contains("the formula at"), "{e}");
}

/// Each optimizer is pinned by exactly one route: a golden file checked by `golden_tests!`, or a
/// formula in [`FORMULAS`].
#[test]
fn every_optimizer_has_a_reference() {
    for o in optim::REGISTRY {
        let path = format!(
            "{}/tests/golden/{}.json",
            env!("CARGO_MANIFEST_DIR"),
            o.name
        );
        let file = std::path::Path::new(&path).exists();
        let tested = GOLDEN.contains(&o.name);
        let formula = FORMULAS.iter().any(|f| f.0 == o.name);
        match (file, tested, formula) {
            (true, true, false) => assert!(
                golden("correctly_rounded")["cases"][o.name].is_array(),
                "{} has no correctly rounded digests: run tests/math/core_math.sh python3 tests/golden/correctly_rounded.py",
                o.name
            ),
            (false, false, true) => {}
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
        assert!(
            optim::find(name).is_some(),
            "`{name}` is not an optimizer of the registry"
        );
    }
}

macro_rules! golden_tests {
    ($($name:ident),* $(,)?) => {
        /// The optimizers whose golden files are checked.
        const GOLDEN: &[&str] = &[$(stringify!($name)),*];
        $( #[test] fn $name() { check_optimizer(stringify!($name)); } )*
    };
}

golden_tests!(
    sgd, adagrad, rmsprop, adadelta, adam, adamw, nadam, radam, adamax, adabelief, lion, rprop,
    asgd, adafactor, muon, lbfgs, newton
);
