//! What must agree: identities between optimizers, reference formulas written out here, and the
//! invariances the scale slider is there to teach (Adam barely notices the scale; SGD does).
//!
//! "Bit for bit" is asserted where the two computations perform the same floating-point
//! operations; "to ~1e-12" where the identity holds in exact arithmetic but the operations differ
//! (a fused multiply-add against two roundings, sqrt(v / c) against sqrt(v) / sqrt(c), ...).

use optiscape::landscape::{Objective, Point};
use optiscape::math::{powf, powi};
use optiscape::optim::{Entry, EntryValue, Stepper, REGISTRY};
use optiscape::race::{self, Race, RacerResult, Status};
use optiscape::spec::{Clip, LandscapeSpec, RacerSpec, RunSpec};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Euclidean distance between two points (exact operations only).
fn distance(a: Point, b: Point) -> f64 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    (dx * dx + dy * dy).sqrt()
}

mod common;

// --- helpers -----------------------------------------------------------------------------------

fn fields(v: &Value) -> (String, Map<String, Value>) {
    let mut map = v.as_object().expect("an object").clone();
    let name = map
        .remove("name")
        .and_then(|n| n.as_str().map(String::from))
        .expect("a name");
    (name, map)
}

fn objective(landscape: &Value) -> Objective {
    let (name, f) = fields(landscape);
    let spec = LandscapeSpec::from_fields(&name, f).unwrap();
    spec.objective(spec.build().f)
}

fn default_start(landscape: &Value) -> Point {
    let (name, f) = fields(landscape);
    LandscapeSpec::from_fields(&name, f).unwrap().build().start
}

fn stepper(racer: &Value, start: Point) -> Box<dyn Stepper> {
    let (name, f) = fields(racer);
    RacerSpec::from_fields(&name, f)
        .unwrap_or_else(|e| panic!("{racer}: {e}"))
        .optimizer()
        .start(&start)
}

/// One step of `s` at `p` on `obj` (no noise), as a racer takes it.
fn step(s: &mut dyn Stepper, obj: &Objective, p: &mut Point) {
    race::step(s, obj, Clip::default(), 0, p);
}

/// The trajectory (start included) and the inspector after every step, taken one step at a time.
fn trace(
    racer: &Value,
    landscape: &Value,
    start: Point,
    n: usize,
) -> (Vec<Point>, Vec<Vec<Entry>>) {
    let obj = objective(landscape);
    let mut s = stepper(racer, start);
    let mut p = start;
    let mut points = vec![p];
    let mut inspected = Vec::new();
    for _ in 0..n {
        step(&mut *s, &obj, &mut p);
        points.push(p);
        inspected.push(s.inspect());
    }
    (points, inspected)
}

/// The full `race::run` result for one racer.
fn run(racer: &Value, landscape: &Value, start: Option<Point>, steps: u64) -> RacerResult {
    let mut spec = json!({"landscape": landscape, "steps": steps, "racers": [racer]});
    if let Some(s) = start {
        spec["start"] = json!(s);
    }
    let spec = RunSpec::parse(&spec.to_string()).unwrap_or_else(|e| panic!("{spec}: {e}"));
    race::run(&spec).racers.remove(0)
}

/// A run that must not diverge; its trajectory.
fn run_ok(racer: &Value, landscape: &Value, start: Option<Point>, steps: u64) -> Vec<Point> {
    let r = run(racer, landscape, start, steps);
    assert_eq!(
        r.status,
        Status::Ok,
        "{racer} on {landscape} diverged at {:?}",
        r.diverged_at
    );
    assert_eq!(r.trajectory.len() as u64, steps + 1);
    r.trajectory
}

/// The largest coordinate difference relative to max(1, |coordinate|).
fn rel_diff(a: &[Point], b: &[Point]) -> f64 {
    assert_eq!(a.len(), b.len(), "trajectories of different lengths");
    a.iter()
        .zip(b)
        .flat_map(|(p, q)| {
            (0..2).map(move |i| (p[i] - q[i]).abs() / p[i].abs().max(q[i].abs()).max(1.0))
        })
        .fold(0.0, f64::max)
}

fn assert_close(a: &[Point], b: &[Point], tol: f64, what: &str) {
    let d = rel_diff(a, b);
    println!("{what}: {d:e}");
    assert!(
        d <= tol,
        "{what}: trajectories differ by {d:e} (tolerance {tol:e})"
    );
}

fn assert_bitwise(a: &[Point], b: &[Point], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (k, (p, q)) in a.iter().zip(b).enumerate() {
        assert!(
            p[0].to_bits() == q[0].to_bits() && p[1].to_bits() == q[1].to_bits(),
            "{what}: step {k}: {p:?} != {q:?}"
        );
    }
}

fn entry<'a>(entries: &'a [Entry], name: &str) -> &'a EntryValue {
    &entries
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no inspector entry `{name}` in {entries:?}"))
        .value
}

fn vector(entries: &[Entry], name: &str) -> Vec<f64> {
    match entry(entries, name) {
        EntryValue::Vector(v) => v.clone(),
        other => panic!("`{name}` is {other:?}, not a vector"),
    }
}

fn scalar(entries: &[Entry], name: &str) -> f64 {
    match entry(entries, name) {
        EntryValue::Scalar(x) => *x,
        other => panic!("`{name}` is {other:?}, not a scalar"),
    }
}

fn flag(entries: &[Entry], name: &str) -> bool {
    match entry(entries, name) {
        EntryValue::Flag(b) => *b,
        other => panic!("`{name}` is {other:?}, not a flag"),
    }
}

fn int(entries: &[Entry], name: &str) -> u64 {
    match entry(entries, name) {
        EntryValue::Int(n) => *n,
        other => panic!("`{name}` is {other:?}, not an int"),
    }
}

/// Landscapes at default parameters with a learning rate each for adaptive (coordinate-wise
/// normalised) steps and for plain gradient steps, chosen so that nothing diverges.
fn landscapes() -> Vec<(Value, f64, f64)> {
    vec![
        (json!({"name": "rosenbrock"}), 0.01, 1e-3),
        (json!({"name": "quadratic", "condition": 30}), 0.05, 0.05),
        (json!({"name": "himmelblau"}), 0.05, 5e-3),
        (json!({"name": "beale"}), 0.01, 1e-3),
        (json!({"name": "styblinski_tang"}), 0.05, 5e-3),
        (json!({"name": "saddle"}), 0.05, 0.05),
        (json!({"name": "gaussian_mixture"}), 0.05, 5.0),
        (json!({"name": "rastrigin"}), 0.01, 2e-3),
    ]
}

/// The step-by-step helper above is the runner: same points, bit for bit.
#[test]
fn stepping_by_hand_is_what_the_runner_does() {
    for o in REGISTRY {
        for (l, _, _) in landscapes() {
            let racer = json!({"name": o.name});
            let r = run(&racer, &l, None, 50);
            let (points, _) = trace(&racer, &l, default_start(&l), 50);
            // A diverged run keeps its finite prefix.
            assert_bitwise(
                &r.trajectory,
                &points[..r.trajectory.len()],
                &format!("{} on {l}", o.name),
            );
        }
    }
}

// --- Adam, RMSprop, SGD ------------------------------------------------------------------------

/// Bias-corrected RMSprop, written from its formula: v_t = b2 v + (1 - b2) g^2,
/// x -= lr g / (sqrt(v_t) / sqrt(1 - b2^t) + eps).
fn rmsprop_bias_corrected(
    l: &Value,
    start: Point,
    lr: f64,
    b2: f64,
    eps: f64,
    n: usize,
) -> Vec<Point> {
    let obj = objective(l);
    let (mut x, mut v) = (start, [0.0; 2]);
    let mut out = vec![x];
    for t in 1..=n {
        let g = obj.gradient(x);
        for i in 0..2 {
            v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
            x[i] -= lr * g[i] / (v[i].sqrt() / (1.0 - powi(b2, t as i32)).sqrt() + eps);
        }
        out.push(x);
    }
    out
}

#[test]
fn adam_with_beta1_zero_is_bias_corrected_rmsprop() {
    for (l, lr, _) in landscapes() {
        for (b2, eps) in [(0.999, 1e-8), (0.9, 1e-3), (0.5, 0.0)] {
            let racer = json!({"name": "adam", "lr": lr, "betas": [0.0, b2], "eps": eps});
            let adam = run_ok(&racer, &l, None, 200);
            let reference = rmsprop_bias_corrected(&l, default_start(&l), lr, b2, eps, 200);
            assert_close(&adam, &reference, 1e-12, &format!("{racer} on {l}"));
            // NAdam with beta1 = 0 has mu_t = 0: no momentum, the same step.
            let nadam = run_ok(
                &json!({"name": "nadam", "lr": lr, "betas": [0.0, b2], "eps": eps}),
                &l,
                None,
                200,
            );
            assert_close(
                &nadam,
                &reference,
                1e-12,
                &format!("nadam betas [0, {b2}] on {l}"),
            );
        }
    }
}

#[test]
fn sgd_without_momentum_is_plain_gradient_descent() {
    for (l, _, lr) in landscapes() {
        let sgd = run_ok(&json!({"name": "sgd", "lr": lr}), &l, None, 300);
        let obj = objective(&l);
        let (mut fused, mut plain) = (default_start(&l), default_start(&l));
        let (mut fused_path, mut plain_path) = (vec![fused], vec![plain]);
        for _ in 0..300 {
            let (gf, gp) = (obj.gradient(fused), obj.gradient(plain));
            for i in 0..2 {
                // torch's p.add_(g, alpha=-lr) is one fused multiply-add on x86-64.
                fused[i] = (-lr).mul_add(gf[i], fused[i]);
                plain[i] -= lr * gp[i];
            }
            fused_path.push(fused);
            plain_path.push(plain);
        }
        assert_bitwise(&sgd, &fused_path, &format!("sgd lr {lr} on {l}, fused"));
        assert_close(
            &sgd,
            &plain_path,
            1e-12,
            &format!("sgd lr {lr} on {l}, unfused"),
        );
    }
}

#[test]
fn explicit_zero_momentum_is_default_sgd_bit_for_bit() {
    for (l, _, lr) in landscapes() {
        let default = run_ok(&json!({"name": "sgd", "lr": lr}), &l, None, 300);
        for racer in [
            json!({"name": "sgd", "lr": lr, "momentum": 0.0, "nesterov": false}),
            json!({"name": "sgd", "lr": lr, "momentum": 0.0, "nesterov": false, "dampening": 0.0, "weight_decay": 0.0}),
            // Dampening only acts on the momentum buffer: without momentum it changes nothing.
            json!({"name": "sgd", "lr": lr, "momentum": 0.0, "dampening": 0.7}),
        ] {
            assert_bitwise(
                &run_ok(&racer, &l, None, 300),
                &default,
                &format!("{racer} on {l}"),
            );
        }
    }
}

#[test]
fn adamw_without_decay_is_adam_and_decoupled_adam_is_adamw() {
    for (l, lr, _) in landscapes() {
        for amsgrad in [false, true] {
            let adam = run_ok(
                &json!({"name": "adam", "lr": lr, "amsgrad": amsgrad}),
                &l,
                None,
                300,
            );
            let adamw0 = run_ok(
                &json!({"name": "adamw", "lr": lr, "weight_decay": 0.0, "amsgrad": amsgrad}),
                &l,
                None,
                300,
            );
            assert_bitwise(&adamw0, &adam, &format!("adamw wd 0 vs adam on {l}"));
            for wd in [0.01, 0.3] {
                let adamw = run_ok(
                    &json!({"name": "adamw", "lr": lr, "weight_decay": wd, "amsgrad": amsgrad}),
                    &l,
                    None,
                    300,
                );
                let decoupled = run_ok(
                    &json!({"name": "adam", "lr": lr, "weight_decay": wd, "decoupled_weight_decay": true, "amsgrad": amsgrad}),
                    &l,
                    None,
                    300,
                );
                assert_bitwise(
                    &decoupled,
                    &adamw,
                    &format!("adam decoupled wd {wd} vs adamw on {l}"),
                );
                // And weight decay does change the path (the comparison above is not vacuous).
                assert!(
                    rel_diff(&adamw, &adam) > 1e-9,
                    "adamw wd {wd} on {l} equals adam"
                );
            }
        }
    }
}

// --- scale -------------------------------------------------------------------------------------

fn with_scale(l: &Value, c: f64) -> Value {
    let mut l = l.clone();
    l["scale"] = json!(c);
    l
}

/// With eps = 0, Adam's step m_hat / sqrt(v_hat) is homogeneous of degree 0 in the gradient:
/// scaling the objective by c changes nothing but rounding.
#[test]
fn adam_without_eps_ignores_the_scale() {
    for (l, lr, _) in landscapes() {
        let racer = json!({"name": "adam", "lr": lr, "eps": 0.0});
        let one = run_ok(&racer, &l, None, 300);
        for c in [1e-3, 1e3] {
            assert_close(
                &run_ok(&racer, &with_scale(&l, c), None, 300),
                &one,
                1e-12,
                &format!("adam eps 0 at scale {c} on {l}"),
            );
        }
        // At a power-of-two scale every multiplication by c is exact, and so is everything else.
        for c in [1024.0, 1.0 / 1024.0] {
            assert_bitwise(
                &run_ok(&racer, &with_scale(&l, c), None, 300),
                &one,
                &format!("adam eps 0 at scale {c} on {l}"),
            );
        }
    }
}

/// With eps > 0, Adam at scale c is Adam at scale 1 with eps / c: the denominator
/// c sqrt(v_hat) + eps = c (sqrt(v_hat) + eps / c). Bit for bit at powers of two.
#[test]
fn adam_at_scale_c_is_adam_with_eps_over_c() {
    for (l, lr, _) in landscapes() {
        for k in [-20, -10, 10, 20] {
            let c = powi(2.0, k);
            let eps = 1e-8;
            let scaled = run_ok(
                &json!({"name": "adam", "lr": lr, "eps": eps}),
                &with_scale(&l, c),
                None,
                300,
            );
            let unscaled = run_ok(
                &json!({"name": "adam", "lr": lr, "eps": eps / c}),
                &l,
                None,
                300,
            );
            assert_bitwise(&scaled, &unscaled, &format!("adam at scale 2^{k} on {l}"));
        }
    }
}

proptest! {
    #![proptest_config(common::seed::config(500))]

    /// Adam's first step is lr g / (|g| + eps) per coordinate: a full lr-sized step where
    /// |g| >> eps, whatever the scale, and a step shrunk by |g| / eps where |g| << eps. This is the
    /// whole of Adam's sensitivity to scale, so it is tested over 18 decades of gradient.
    #[test]
    fn adam_first_step_is_lr_g_over_abs_g_plus_eps(log_g in -12.0..6.0f64, log_c in -3.0..3.0f64, negative in any::<bool>(),
                                                    lr in 1e-4..1.0f64, eps_i in 0usize..3) {
        let eps = [1e-8, 1e-3, 0.0][eps_i];
        let c = powf(10.0, log_c);
        // On the quadratic, g = c (x, k y): put x where the scaled gradient has magnitude 10^log_g.
        let g0 = powf(10.0, log_g) * if negative { -1.0 } else { 1.0 };
        let start = [g0 / c, 0.5];
        let l = json!({"name": "quadratic", "condition": 1.0, "scale": c});
        let (points, _) = trace(&json!({"name": "adam", "lr": lr, "eps": eps}), &l, start, 1);
        let g = objective(&l).gradient(start)[0];
        let expected = -lr * g / (g.abs() + eps);
        let moved = points[1][0] - start[0];
        // `moved` is a difference of nearby numbers: it keeps the absolute precision of x.
        let tol = 1e-13 * expected.abs() + 4.0 * f64::EPSILON * start[0].abs();
        prop_assert!((moved - expected).abs() <= tol, "g {g:e}: moved {moved:e}, expected {expected:e}");
    }
}

/// With the default eps the scale is felt only where the scaled gradient is near eps: from the
/// classic Rosenbrock start (|g| ~ 200), scales 1e-3..1e3 give nearly the same first steps, but
/// near the minimum, where c |g| < eps, the small scale stalls.
#[test]
fn adam_default_eps_matters_only_where_the_gradient_is_tiny() {
    let l = json!({"name": "rosenbrock"});
    let racer = json!({"name": "adam", "lr": 0.01});
    let one = run_ok(&racer, &l, None, 100);
    for c in [1e-3, 1e3] {
        let scaled = run_ok(&racer, &with_scale(&l, c), None, 100);
        // eps / (c |g|) <= 1e-8 / (1e-3 * 1) per step: a relative perturbation of ~1e-5 at most.
        let d = rel_diff(&scaled, &one);
        assert!(d < 1e-5, "scale {c}: far from scale 1 ({d:e})");
        assert!(
            c < 1.0 || d < 1e-9,
            "scale {c}: eps should be negligible ({d:e})"
        );
    }
    // Near the minimum (1, 1): |g| ~ 1e-6 at scale 1, 1e-9 at scale 1e-3 (below eps = 1e-8).
    let start = [1.0 + 2e-9, 1.0];
    let first = |c: f64| {
        let t = run_ok(&racer, &with_scale(&l, c), Some(start), 1);
        (t[1][0] - t[0][0]).abs()
    };
    let g = objective(&l).gradient(start)[0].abs();
    assert!(g > 1e-7 && g < 1e-5, "{g}");
    assert!(
        (first(1.0) - 0.01 * g / (g + 1e-8)).abs() < 1e-10,
        "scale 1: a nearly full step"
    );
    assert!(
        first(1e-3) < 0.2 * first(1.0),
        "scale 1e-3: eps should dominate, {} vs {}",
        first(1e-3),
        first(1.0)
    );
    assert!(
        first(1e-6) < 1e-3 * first(1.0),
        "scale 1e-6: eps should stall it"
    );
}

/// SGD's step is lr * c * g: scale c with lr / c is scale 1 (to rounding) ...
#[test]
fn sgd_at_scale_c_with_lr_over_c_is_unscaled_sgd() {
    for (l, _, lr) in landscapes() {
        for momentum in [0.0, 0.9] {
            let one = run_ok(
                &json!({"name": "sgd", "lr": lr, "momentum": momentum}),
                &l,
                None,
                300,
            );
            for c in [1e-3, 1e3] {
                let scaled = run_ok(
                    &json!({"name": "sgd", "lr": lr / c, "momentum": momentum}),
                    &with_scale(&l, c),
                    None,
                    300,
                );
                assert_close(
                    &scaled,
                    &one,
                    1e-12,
                    &format!("sgd momentum {momentum} lr {lr}/{c} at scale {c} on {l}"),
                );
            }
            for c in [1024.0, 1.0 / 1024.0] {
                let scaled = run_ok(
                    &json!({"name": "sgd", "lr": lr / c, "momentum": momentum}),
                    &with_scale(&l, c),
                    None,
                    300,
                );
                assert_bitwise(
                    &scaled,
                    &one,
                    &format!("sgd momentum {momentum} at scale {c} on {l}"),
                );
            }
        }
    }
}

/// ... and with the same lr it is a different optimizer: the lesson of the scale slider.
#[test]
fn sgd_at_scale_c_with_the_same_lr_is_a_different_race() {
    let l = json!({"name": "rosenbrock"});
    let racer = json!({"name": "sgd", "lr": 1e-3});
    let one = run_ok(&racer, &l, None, 500);
    // Scale 1e3: steps a thousand times longer, and Rosenbrock's walls throw it out.
    let big = run(&racer, &with_scale(&l, 1e3), None, 500);
    assert_eq!(
        big.status,
        Status::Diverged,
        "sgd lr 1e-3 at scale 1e3 should diverge"
    );
    assert!(big.diverged_at.unwrap() < 50);
    // Scale 1e-3: steps a thousand times shorter; after 500 steps it is still near the start,
    // far from where scale 1 got, with f (unscaled) more than four times higher.
    let small = run_ok(&racer, &with_scale(&l, 1e-3), None, 500);
    let f = |p: Point| objective(&l).value(p);
    let (end_one, end_small) = (one[500], small[500]);
    assert!(
        distance(end_one, end_small) > 0.5,
        "{end_one:?} vs {end_small:?}"
    );
    assert!(
        f(end_small) > 4.0 * f(end_one),
        "f {} vs {}",
        f(end_small),
        f(end_one)
    );
    // While Adam at the same scales ends up where it does at scale 1 (eps / c = 1e-5 at most).
    let adam = json!({"name": "adam", "lr": 0.01});
    let adam_one = run_ok(&adam, &l, None, 500);
    for c in [1e-3, 1e3] {
        let d = rel_diff(&run_ok(&adam, &with_scale(&l, c), None, 500), &adam_one);
        assert!(d < 1e-5, "adam at scale {c}: {d:e}");
    }
}

// --- Newton ------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(common::seed::config(500))]

    /// On a quadratic the full Newton step lands on the minimum, whatever the conditioning, the
    /// start and the scale.
    #[test]
    fn newton_solves_the_quadratic_in_one_step(log_k in -6.0..=6.0f64, log_c in -3.0..=3.0f64,
                                                x in -1e3..1e3f64, y in -1e3..1e3f64) {
        let k = powf(10.0, log_k);
        let l = json!({"name": "quadratic", "condition": k, "scale": powf(10.0, log_c)});
        let r = run(&json!({"name": "newton"}), &l, Some([x, y]), 3);
        prop_assert_eq!(r.status, Status::Ok);
        for p in &r.trajectory[1..] {
            prop_assert!(p[0].abs() <= 1e-14 * x.abs() && p[1].abs() <= 1e-14 * y.abs(), "k {k}: from {:?} to {p:?}", [x, y]);
        }
        let (_, inspected) = trace(&json!({"name": "newton"}), &l, [x, y], 1);
        prop_assert!(!flag(&inspected[0], "fallback"));
        let d = vector(&inspected[0], "direction");
        prop_assert!((d[0] - x).abs() <= 1e-14 * x.abs() && (d[1] - y).abs() <= 1e-14 * y.abs());
    }
}

#[test]
fn newton_falls_back_to_a_gradient_step_where_the_hessian_is_indefinite() {
    // On the saddle f = x^2 + y^4/4 - y^2/2, H = diag(2, 3y^2 - 1): indefinite for |y| < 1/sqrt(3).
    let spec =
        RunSpec::parse(r#"{"landscape": {"name": "saddle"}, "start": [1.5, 0.05], "racers": [{"name": "newton", "lr": 0.1}]}"#).unwrap();
    let mut race = Race::new(&spec);
    let start = race.start;
    let g = race.objective.gradient(start);
    let racer = &mut race.racers[0];
    assert_eq!(racer.advance(&race.objective, 1, |_, _, _| {}), 1);
    let inspected = racer.inspect();
    assert!(flag(&inspected, "fallback"), "{inspected:?}");
    assert_eq!(vector(&inspected, "direction"), g.to_vec());
    assert_eq!(
        racer.position,
        [start[0] + -0.1 * g[0], start[1] + -0.1 * g[1]]
    );
    // Downhill, unlike the Newton step (which heads for the saddle point's y = 0).
    assert!(racer.loss < race.objective.value(start));

    // Where |y| > 1/sqrt(3) the Hessian is positive definite: a Newton step, no fallback.
    let (points, inspected) = trace(
        &json!({"name": "newton"}),
        &json!({"name": "saddle"}),
        [1.5, 1.5],
        1,
    );
    assert!(!flag(&inspected[0], "fallback"));
    let newton_y = 1.5 - (powi(1.5, 3) - 1.5) / (3.0 * 1.5 * 1.5 - 1.0);
    assert!(
        points[1][0].abs() < 1e-15 && (points[1][1] - newton_y).abs() < 1e-15,
        "{:?}",
        points[1]
    );

    // Damping makes H + damping I positive definite: no fallback at the first start either.
    let (_, inspected) = trace(
        &json!({"name": "newton", "damping": 2.0}),
        &json!({"name": "saddle"}),
        [1.5, 0.05],
        1,
    );
    assert!(!flag(&inspected[0], "fallback"));

    // Started exactly on the saddle point, the gradient is zero: nothing moves.
    let r = run(
        &json!({"name": "newton"}),
        &json!({"name": "saddle"}),
        Some([0.0, 0.0]),
        5,
    );
    assert!(r.trajectory.iter().all(|p| *p == [0.0, 0.0]));
}

// --- Lion, RAdam, AdaBelief, NAdam, Adamax -------------------------------------------------------

fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Lion moves every coordinate by exactly lr per step (the rounded x -+ lr), in the direction of
/// sign(b1 m + (1 - b1) g), then updates m <- b2 m + (1 - b2) g. With weight decay the weights are
/// first multiplied by 1 - lr wd.
#[test]
fn lion_moves_every_coordinate_by_lr() {
    for (l, _, _) in landscapes() {
        for (lr, betas, wd) in [
            (1e-4f64, [0.9f64, 0.99], 0.0f64),
            (0.01, [0.9, 0.99], 0.0),
            (0.3, [0.95, 0.98], 0.0),
            (0.01, [0.9, 0.99], 0.5),
        ] {
            let racer = json!({"name": "lion", "lr": lr, "betas": betas, "weight_decay": wd});
            let (points, inspected) = trace(&racer, &l, default_start(&l), 200);
            let obj = objective(&l);
            let mut m = [0.0f64; 2];
            let mut moves = 0;
            for t in 0..200 {
                let (x, next) = (points[t], points[t + 1]);
                let g = obj.gradient(x);
                let m_next = vector(&inspected[t], "m");
                for i in 0..2 {
                    // The interpolation as lion-pytorch computes it (torch fuses add(alpha=)).
                    let s = sign((1.0 - betas[0]).mul_add(g[i], m[i] * betas[0]));
                    let decayed = x[i] * (1.0 - lr * wd);
                    assert_eq!(
                        next[i],
                        (-lr).mul_add(s, decayed),
                        "{racer} on {l}, step {}, coordinate {i}",
                        t + 1
                    );
                    if wd == 0.0 && s != 0.0 {
                        // |next - x| is lr rounded at the magnitude of x.
                        let ulp = f64::EPSILON * x[i].abs().max(next[i].abs());
                        assert!(
                            ((next[i] - x[i]).abs() - lr).abs() <= ulp,
                            "{racer}: moved {}",
                            next[i] - x[i]
                        );
                        moves += 1;
                    }
                    assert!(
                        (m_next[i] - (betas[1] * m[i] + (1.0 - betas[1]) * g[i])).abs()
                            <= 1e-15 * (m_next[i].abs() + g[i].abs())
                    );
                }
                m = [m_next[0], m_next[1]];
                assert_eq!(int(&inspected[t], "step"), t as u64 + 1);
            }
            assert!(
                wd != 0.0 || moves == 400,
                "{racer} on {l}: only {moves} of 400 coordinate moves were +-lr"
            );
        }
    }
}

/// With beta1 = 0 Lion is signSGD; so is Adamax with betas (0, 0) and eps 0 (u = |g|).
#[test]
fn lion_and_adamax_reduce_to_sign_descent() {
    for (l, _, _) in landscapes() {
        let lr: f64 = 0.01;
        let lion = run_ok(
            &json!({"name": "lion", "lr": lr, "betas": [0.0, 0.99]}),
            &l,
            None,
            100,
        );
        let obj = objective(&l);
        let mut x = default_start(&l);
        let mut sign_sgd = vec![x];
        for _ in 0..100 {
            let g = obj.gradient(x);
            x = [
                (-lr).mul_add(sign(g[0]), x[0]),
                (-lr).mul_add(sign(g[1]), x[1]),
            ];
            sign_sgd.push(x);
        }
        assert_bitwise(&lion, &sign_sgd, &format!("lion betas [0, 0.99] on {l}"));
        // Adamax computes -lr * g / |g|, not exactly -lr: compare step by step from the same point.
        let racer = json!({"name": "adamax", "lr": lr, "betas": [0.0, 0.0], "eps": 0.0});
        let adamax = run_ok(&racer, &l, None, 100);
        for w in adamax.windows(2) {
            let g = obj.gradient(w[0]);
            for i in 0..2 {
                let expected = w[0][i] - lr * sign(g[i]);
                assert!(
                    (w[1][i] - expected).abs() <= 2.0 * f64::EPSILON * w[0][i].abs().max(lr),
                    "{racer} on {l}"
                );
            }
        }
    }
}

/// Bias-corrected momentum SGD: m = b1 m + (1 - b1) g, x -= lr m / (1 - b1^t). RAdam takes
/// these steps while rho_t <= 5 (the variance of the adaptive rate is intractable), and after
/// that the rectified Adam step lr r_t m_hat sqrt(1 - b2^t) / (sqrt(v) + eps).
#[test]
fn radam_is_momentum_sgd_until_rho_t_passes_5_then_rectified_adam() {
    for (l, lr, _) in landscapes() {
        for betas in [[0.9f64, 0.999], [0.8, 0.99], [0.5, 0.9]] {
            let racer = json!({"name": "radam", "lr": lr, "betas": betas});
            let (points, inspected) = trace(&racer, &l, default_start(&l), 100);
            let [b1, b2] = betas;
            let rho_inf = 2.0 / (1.0 - b2) - 1.0;
            let obj = objective(&l);
            let (mut m, mut v) = ([0.0f64; 2], [0.0f64; 2]);
            let mut unrectified = 0;
            for t in 1..=100 {
                let x = points[t - 1];
                let g = obj.gradient(x);
                let tf = t as f64;
                // 2 t b2^t / (1 - b2^t) nearly cancels rho_inf, and 1 - b2^t cancels too: rho_t
                // is ill-conditioned (an ulp in b2^t moves the step by ~1e-11 relative), so b2^t
                // is computed as torch does, with pow.
                #[allow(clippy::disallowed_methods)]
                let b2t = b2.powf(tf);
                let rho_t = rho_inf - 2.0 * tf * b2t / (1.0 - b2t);
                let ins = &inspected[t - 1];
                assert!(
                    (scalar(ins, "rho_t") - rho_t).abs() <= 1e-9 * rho_inf,
                    "{racer}: rho_{t}"
                );
                assert_eq!(flag(ins, "rectified"), scalar(ins, "rho_t") > 5.0);
                let mut expected = x;
                for i in 0..2 {
                    m[i] = b1 * m[i] + (1.0 - b1) * g[i];
                    v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
                    let m_hat = m[i] / (1.0 - powi(b1, t as i32));
                    expected[i] -= if rho_t > 5.0 {
                        let r = ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
                            / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                            .sqrt();
                        lr * m_hat * r * (1.0 - b2t).sqrt() / (v[i].sqrt() + 1e-8)
                    } else {
                        lr * m_hat
                    };
                }
                if rho_t <= 5.0 {
                    unrectified += 1;
                }
                let step = [points[t][0] - x[0], points[t][1] - x[1]];
                let want = [expected[0] - x[0], expected[1] - x[1]];
                for i in 0..2 {
                    assert!(
                        (step[i] - want[i]).abs()
                            <= 1e-12 * want[i].abs() + 4.0 * f64::EPSILON * x[i].abs(),
                        "{racer} on {l}, step {t}: moved {step:?}, expected {want:?}"
                    );
                }
            }
            // Betas (0.9, 0.999) give rho_t = 1, 2, ... : five momentum steps, then rectified.
            if betas == [0.9, 0.999] {
                assert_eq!(unrectified, 5, "{racer}");
            }
            assert!((1..100).contains(&unrectified), "{racer}: {unrectified}");
        }
    }
}

/// AdaBelief (rectify on, its default) also starts with momentum SGD steps while N_sma < 5, and
/// with degenerated_to_sgd off it does not move at all until then.
#[test]
fn adabelief_starts_like_radam_or_not_at_all() {
    for (l, lr, _) in landscapes() {
        let (radam, radam_ins) = trace(
            &json!({"name": "radam", "lr": lr}),
            &l,
            default_start(&l),
            10,
        );
        let (ab, ab_ins) = trace(
            &json!({"name": "adabelief", "lr": lr}),
            &l,
            default_start(&l),
            10,
        );
        let (still, still_ins) = trace(
            &json!({"name": "adabelief", "lr": lr, "degenerated_to_sgd": false}),
            &l,
            default_start(&l),
            10,
        );
        let mut before = 0;
        for t in 0..10 {
            if !flag(&ab_ins[t], "rectified") {
                assert!(scalar(&ab_ins[t], "n_sma") < 5.0);
                assert!(!flag(&radam_ins[t], "rectified"));
                before += 1;
                assert_close(
                    &ab[..t + 2],
                    &radam[..t + 2],
                    1e-12,
                    &format!("adabelief vs radam, step {} on {l}", t + 1),
                );
                assert!(!flag(&still_ins[t], "rectified"));
                assert_eq!(
                    still[t + 1],
                    still[0],
                    "degenerated_to_sgd false moved at step {} on {l}",
                    t + 1
                );
            }
        }
        assert_eq!(
            before, 5,
            "N_sma at betas (0.9, 0.999) is 1, 2.0, 3.0, 4.0, 4.996, then 5.994"
        );
        assert_ne!(still[10], still[0], "it moves once rectified");
    }
}

/// With beta1 = 0 AdaBelief's gradient and its mean coincide, so the "belief" residual g - m is 0
/// and s only accumulates eps: s_t = eps (1 + b2 + ... + b2^(t-1)).
#[test]
fn adabelief_without_momentum_has_zero_belief_residual() {
    // (Its denominator is then ~sqrt(eps): steps of ~g / 1e-3. A small lr keeps the run finite.)
    let racer = json!({"name": "adabelief", "lr": 1e-7, "betas": [0.0, 0.9], "eps": 1e-6, "rectify": false});
    let (_, inspected) = trace(&racer, &json!({"name": "himmelblau"}), [-1.0, 0.0], 30);
    for (t, ins) in inspected.iter().enumerate() {
        let expected = 1e-6 * (1.0 - powi(0.9, t as i32 + 1)) / (1.0 - 0.9);
        for s in vector(ins, "s") {
            assert!(
                (s - expected).abs() <= 1e-14 * expected,
                "step {}: s {s:e}, expected {expected:e}",
                t + 1
            );
        }
    }
}

/// NAdam's momentum schedule mu_t = b1 (1 - 0.5 * 0.96^(t psi)) and its running product.
#[test]
fn nadam_momentum_schedule() {
    for psi in [0.004, 0.1, 0.0] {
        let (_, inspected) = trace(
            &json!({"name": "nadam", "momentum_decay": psi}),
            &json!({"name": "rosenbrock"}),
            [-1.2, 1.0],
            50,
        );
        let mut product = 1.0;
        for (t, ins) in inspected.iter().enumerate() {
            let mu = 0.9 * (1.0 - 0.5 * powf(0.96, (t + 1) as f64 * psi));
            product *= mu;
            assert!(
                (scalar(ins, "mu") - mu).abs() <= 1e-15,
                "psi {psi}, step {}",
                t + 1
            );
            assert!(
                (scalar(ins, "mu_product") - product).abs() <= 1e-14 * product,
                "psi {psi}, step {}",
                t + 1
            );
        }
    }
}

/// Adamax's u_t = max(b2 u, |g| + eps), with eps inside the max.
#[test]
fn adamax_keeps_a_decaying_max_of_the_gradient() {
    let l = json!({"name": "beale"});
    let (points, inspected) = trace(
        &json!({"name": "adamax", "lr": 0.01, "eps": 1e-3}),
        &l,
        [1.0, 1.5],
        100,
    );
    let obj = objective(&l);
    let mut u = [0.0f64; 2];
    for t in 0..100 {
        let g = obj.gradient(points[t]);
        let got = vector(&inspected[t], "u");
        for i in 0..2 {
            u[i] = (0.999 * u[i]).max(g[i].abs() + 1e-3);
            assert_eq!(got[i], u[i], "step {}", t + 1);
        }
    }
}

// --- Rprop, ASGD, Adafactor, Muon, L-BFGS -------------------------------------------------------

/// Rprop moves each coordinate by its step size against the gradient's sign; the size grows by
/// etaplus while the sign holds and shrinks by etaminus where it flips, and there the coordinate
/// holds still for that step.
#[test]
fn rprop_holds_a_coordinate_whose_gradient_flips() {
    let l = json!({"name": "rosenbrock"});
    let racer =
        json!({"name": "rprop", "lr": 0.01, "etas": [0.5, 1.2], "step_sizes": [1e-6, 50.0]});
    let (points, inspected) = trace(&racer, &l, [-1.2, 1.0], 300);
    let obj = objective(&l);
    let (mut flips, mut holds) = (0, 0);
    for t in 1..300 {
        let g = obj.gradient(points[t]);
        let prev = vector(&inspected[t - 1], "prev");
        let (size_before, size) = (
            vector(&inspected[t - 1], "step_size"),
            vector(&inspected[t], "step_size"),
        );
        for i in 0..2 {
            let moved = points[t + 1][i] - points[t][i];
            if g[i] * prev[i] < 0.0 {
                flips += 1;
                assert_eq!(moved, 0.0, "step {}: a flipped coordinate holds", t + 1);
                assert_eq!(size[i], (size_before[i] * 0.5).max(1e-6));
            } else if g[i] * prev[i] > 0.0 {
                holds += 1;
                assert_eq!(size[i], (size_before[i] * 1.2).min(50.0));
                assert_eq!(
                    points[t + 1][i],
                    points[t][i] - sign(g[i]) * size[i],
                    "step {}",
                    t + 1
                );
            }
        }
    }
    assert!(flips > 10 && holds > 10, "{flips} flips, {holds} holds");
}

/// ASGD's step shrinks as lr / (1 + lambd lr t)^alpha, and from t0 on it averages its iterates
/// (the average is in the inspector; the race follows the iterates).
#[test]
fn asgd_shrinks_its_step_and_averages_its_iterates() {
    let l = json!({"name": "quadratic"});
    let (lr, lambd, alpha) = (0.05, 0.1, 0.75);
    let racer = json!({"name": "asgd", "lr": lr, "lambd": lambd, "alpha": alpha, "t0": 0.0});
    let (points, inspected) = trace(&racer, &l, [-3.5, 1.5], 60);
    for (t, ins) in inspected.iter().enumerate() {
        let t = (t + 1) as f64;
        assert_eq!(scalar(ins, "eta"), lr / powf(1.0 + lambd * lr * t, alpha));
    }
    // With t0 = 0 the average is of the iterates from the second step on.
    let ax = vector(&inspected[59], "ax");
    for i in 0..2 {
        let mean = points[2..=60].iter().map(|p| p[i]).sum::<f64>() / 59.0;
        assert!(
            (ax[i] - mean).abs() <= 1e-12 * mean.abs().max(1e-3),
            "{} vs {mean}",
            ax[i]
        );
    }
}

/// Adafactor's eps1 null is float64's eps (torch.finfo), used squared.
#[test]
fn adafactor_eps1_null_is_float64s_eps() {
    for (l, _, _) in landscapes() {
        let start = default_start(&l);
        let null = run_ok(
            &json!({"name": "adafactor", "lr": 0.05, "eps": [null, 1e-3]}),
            &l,
            Some(start),
            300,
        );
        let given = run_ok(
            &json!({"name": "adafactor", "lr": 0.05, "eps": [f64::EPSILON, 1e-3]}),
            &l,
            Some(start),
            300,
        );
        assert_bitwise(&null, &given, &format!("adafactor on {l}"));
    }
}

/// Muon's update is the Newton-Schulz orthogonalization of (Nesterov) momentum: on a (1, 2) row,
/// about its direction with a length near 1, so every step is about lr long whatever the
/// gradient's size; "match_rms_adamw" takes 0.2 √2 times that step, "spectral_unclamped" 1/√2.
#[test]
fn muon_steps_about_lr_along_its_momentum() {
    let l = json!({"name": "rosenbrock"});
    for scale in [1e-3, 1.0, 1e3] {
        let lscale = json!({"name": "rosenbrock", "scale": scale});
        let (points, _) = trace(
            &json!({"name": "muon", "lr": 0.01, "weight_decay": 0.0}),
            &lscale,
            [-1.2, 1.0],
            50,
        );
        for w in points.windows(2) {
            let step = distance(w[1], w[0]);
            assert!(
                (0.005..0.013).contains(&step),
                "scale {scale}: a step of {step}"
            );
        }
    }
    let first = |fields: Value| {
        let (points, _) = trace(&fields, &l, [-1.2, 1.0], 1);
        distance(points[1], [-1.2, 1.0])
    };
    let original = first(json!({"name": "muon", "lr": 0.01, "weight_decay": 0.0}));
    let adamw = first(
        json!({"name": "muon", "lr": 0.01, "weight_decay": 0.0, "adjust_lr_fn": "match_rms_adamw"}),
    );
    let spectral = first(
        json!({"name": "muon", "lr": 0.01, "weight_decay": 0.0, "adjust_lr_fn": "spectral_unclamped"}),
    );
    assert!(
        (adamw / original - 0.2 * 2f64.sqrt()).abs() < 1e-12,
        "{adamw} / {original}"
    );
    assert!(
        (spectral / original - 0.5f64.sqrt()).abs() < 1e-12,
        "{spectral} / {original}"
    );
}

/// L-BFGS's first step moves by min(1, 1/|g|₁) lr against the gradient (torch's first
/// iteration); one inner iteration without a line search evaluates once a step; with the strong
/// Wolfe search it reaches a quadratic's minimum in one step (of several evaluations).
#[test]
fn lbfgs_first_step_evaluations_and_a_quadratic() {
    let l = json!({"name": "rosenbrock"});
    let g = objective(&l).gradient([-1.2, 1.0]);
    let t = (1.0 / (g[0].abs() + g[1].abs())).min(1.0) * 0.5;
    let r = run(
        &json!({"name": "lbfgs", "lr": 0.5, "max_iter": 1}),
        &l,
        None,
        20,
    );
    assert_eq!(
        r.trajectory[1],
        [t.mul_add(-g[0], -1.2), t.mul_add(-g[1], 1.0)]
    );
    assert_eq!(
        r.evaluations,
        (0..=20).collect::<Vec<u64>>(),
        "max_iter 1, no line search: one evaluation a step"
    );
    // The strong Wolfe search evaluates at least once more a step.
    let wolfe = run(
        &json!({"name": "lbfgs", "max_iter": 1, "line_search_fn": "strong_wolfe"}),
        &l,
        None,
        20,
    );
    assert!(
        wolfe.evaluations.windows(2).all(|w| w[1] - w[0] == 2),
        "{:?}",
        wolfe.evaluations
    );
    let q = run(
        &json!({"name": "lbfgs", "line_search_fn": "strong_wolfe"}),
        &json!({"name": "quadratic", "condition": 50}),
        None,
        3,
    );
    let end = q.trajectory[q.trajectory.len() - 1];
    // Within torch's tolerance_change of the loss (1e-9) of the minimum, from (-3.5, 1.5).
    assert!(
        distance(end, [0.0, 0.0]) < 1e-5,
        "{end:?} after {:?} evaluations",
        q.evaluations
    );
    assert!(
        *q.evaluations.last().unwrap() <= 3 * 25,
        "at most max_eval a step"
    );
}

// --- the inspector -----------------------------------------------------------------------------

#[test]
fn every_inspector_counts_steps_and_names_its_state() {
    let l = json!({"name": "quadratic"});
    for o in REGISTRY {
        let racer = json!({"name": o.name});
        let (_, inspected) = trace(&racer, &l, [-3.5, 1.5], 7);
        let fresh = stepper(&racer, [-3.5, 1.5]).inspect();
        assert_eq!(int(&fresh, "step"), 0, "{}", o.name);
        // Before the first step too, every value is a number the page can show (no 0/0).
        for (t, ins) in std::iter::once(&fresh).chain(&inspected).enumerate() {
            assert_eq!(int(ins, "step"), t as u64, "{}", o.name);
            let mut names: Vec<_> = ins.iter().map(|e| e.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(
                names.len(),
                ins.len(),
                "{}: duplicate names in {ins:?}",
                o.name
            );
            for e in ins {
                match &e.value {
                    EntryValue::Vector(v) => assert!(
                        v.len() == 2 && v.iter().all(|x| x.is_finite()),
                        "{}: {e:?}",
                        o.name
                    ),
                    EntryValue::Scalar(x) => assert!(x.is_finite(), "{}: {e:?}", o.name),
                    _ => {}
                }
            }
        }
        // Reset starts over.
        let obj = objective(&l);
        let mut s = stepper(&racer, [-3.5, 1.5]);
        let mut p = [-3.5, 1.5];
        for _ in 0..3 {
            step(&mut *s, &obj, &mut p);
        }
        s.reset(&[-3.5, 1.5]);
        assert_eq!(s.inspect(), fresh, "{}: reset", o.name);
    }
    let names = |racer: Value| -> Vec<&'static str> {
        let (_, ins) = trace(&racer, &l, [-3.5, 1.5], 1);
        ins[0].iter().map(|e| e.name).collect()
    };
    assert_eq!(
        names(json!({"name": "adam"})),
        ["step", "m", "v", "m_hat", "v_hat"]
    );
    assert_eq!(
        names(json!({"name": "adam", "amsgrad": true})),
        ["step", "m", "v", "m_hat", "v_hat", "max_v"]
    );
    assert_eq!(
        names(json!({"name": "adamw"})),
        ["step", "m", "v", "m_hat", "v_hat"]
    );
    assert_eq!(
        names(json!({"name": "radam"})),
        ["step", "rho_t", "rectified", "m", "v"]
    );
    assert_eq!(
        names(json!({"name": "newton"})),
        ["step", "positive_definite", "fallback", "direction"]
    );
    assert_eq!(
        names(json!({"name": "newton", "fallback": null})),
        ["step", "positive_definite", "singular", "direction"]
    );
    assert_eq!(names(json!({"name": "lion"})), ["step", "m"]);
    assert_eq!(
        names(json!({"name": "nadam"})),
        ["step", "mu", "mu_product", "m", "v"]
    );
    assert_eq!(names(json!({"name": "adamax"})), ["step", "m", "u"]);
    assert_eq!(
        names(json!({"name": "sgd", "momentum": 0.9})),
        ["step", "momentum_buffer"]
    );
    assert_eq!(
        names(json!({"name": "rmsprop", "centered": true, "momentum": 0.5})),
        ["step", "square_avg", "grad_avg", "momentum_buffer"]
    );
    assert_eq!(
        names(json!({"name": "adabelief"})),
        ["step", "m", "s", "n_sma", "rectified"]
    );
    assert_eq!(
        names(json!({"name": "rprop"})),
        ["step", "step_size", "prev"]
    );
    assert_eq!(names(json!({"name": "asgd"})), ["step", "eta", "mu", "ax"]);
    assert_eq!(names(json!({"name": "adafactor"})), ["step", "v"]);
    assert_eq!(
        names(json!({"name": "muon"})),
        ["step", "momentum_buffer", "update"]
    );
    assert_eq!(
        names(json!({"name": "lbfgs"})),
        ["step", "func_evals", "n_iter", "history", "t", "d"]
    );
}

/// Adam's m_hat and v_hat are m and v bias-corrected by 1 - b^t.
#[test]
fn adam_inspector_bias_corrects() {
    let (_, inspected) = trace(
        &json!({"name": "adam", "lr": 0.01, "betas": [0.8, 0.99]}),
        &json!({"name": "rosenbrock"}),
        [-1.2, 1.0],
        20,
    );
    for (t, ins) in inspected.iter().enumerate() {
        let t = (t + 1) as i32;
        let (m, v, m_hat, v_hat) = (
            vector(ins, "m"),
            vector(ins, "v"),
            vector(ins, "m_hat"),
            vector(ins, "v_hat"),
        );
        for i in 0..2 {
            assert!((m_hat[i] - m[i] / (1.0 - powi(0.8, t))).abs() <= 1e-14 * m_hat[i].abs());
            assert!((v_hat[i] - v[i] / (1.0 - powi(0.99, t))).abs() <= 1e-14 * v_hat[i].abs());
        }
        assert!(v.iter().all(|&x| x > 0.0));
    }
}
