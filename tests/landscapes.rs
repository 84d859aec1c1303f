//! Every landscape's derivatives are right: the gradient against central differences of the value,
//! the Hessian against central differences of the gradient (at random points of the default view,
//! and at random parameters), and all three against torch.autograd (tests/golden/derivatives.json).
//! Marks are what they claim to be, and `Objective` scales value, gradient and Hessian.

// `!(error <= tolerance)` on purpose: a NaN error fails the check.
#![allow(clippy::neg_cmp_op_on_partial_ord, clippy::needless_range_loop)]

use optiscape::landscape::{self, Built, Landscape, MarkKind, Matrix, Objective, Point, REGISTRY};
use optiscape::math::powf;
use optiscape::schema::Hyper;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

mod common;

fn build(name: &str, fields: Value) -> Built {
    let info = landscape::find(name).unwrap_or_else(|| panic!("no landscape {name}"));
    let fields: Map<String, Value> = fields.as_object().cloned().unwrap_or_default();
    let hyper = Hyper::from_fields(name, info.params, &fields).unwrap();
    (info.build)(&hyper)
}

fn build_default(i: usize) -> Built {
    let info = REGISTRY[i];
    (info.build)(&Hyper::defaults(info.params))
}

// --- central differences ---------------------------------------------------------------------
//
// Five-point stencil, f'(x) ~ (f(x-2h) - 8f(x-h) + 8f(x+h) - f(x+2h)) / 12h, with h = 1e-3.
// Its truncation error is h^4 f^(5) / 30: zero for the polynomial landscapes of degree <= 4
// (rosenbrock, himmelblau, styblinski_tang, quadratic, saddle), ~3e-9 at worst for rastrigin
// (10 (2 pi)^5 h^4 / 30) and far below the tolerance for beale (degree 6 in y) and the mixture.
// Its rounding error is about 1.5 eps |f| / h, so the tolerance has a part proportional to the
// magnitude of the differenced function (rastrigin and beale reach 80 and 1.7e5 over their views;
// a random rosenbrock b = 1e6 reaches 5e7) and a part relative to the entry itself. Measured on a
// 201 x 201 grid over each default view, the worst error is 0.26 of the tolerance (beale's
// gradient), 0.1 for rastrigin and below 0.01 elsewhere; a real mistake in a formula is many orders
// larger (see `a_slightly_wrong_derivative_is_caught`).

const H: f64 = 1e-3;

fn stencil(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    (f(x - 2.0 * H) - 8.0 * f(x - H) + 8.0 * f(x + H) - f(x + 2.0 * H)) / (12.0 * H)
}

fn shifted(p: Point, axis: usize, t: f64) -> Point {
    let mut q = p;
    q[axis] = t;
    q
}

/// The numerical gradient of `value` and the numerical Hessian (row i: d/dx_i of the gradient).
fn numerical(f: &dyn Landscape, p: Point) -> (Point, Matrix) {
    let g = [0, 1].map(|i| stencil(|t| f.value(shifted(p, i, t)), p[i]));
    let h = [0, 1].map(|i| [0, 1].map(|j| stencil(|t| f.gradient(shifted(p, i, t))[j], p[i])));
    (g, h)
}

/// The largest |f| over the stencil's points: what rounding in the differences scales with.
fn magnitude(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, |m, v| m.max(v.abs()))
}

fn stencil_points(p: Point) -> impl Iterator<Item = Point> {
    [-2.0, -1.0, 1.0, 2.0]
        .into_iter()
        .flat_map(move |k| [0, 1].map(|i| shifted(p, i, p[i] + k * H)))
}

/// Checks gradient and Hessian against central differences; an error names the worst entry.
fn check_derivatives(f: &dyn Landscape, p: Point) -> Result<(), String> {
    let (ng, nh) = numerical(f, p);
    let g = f.gradient(p);
    let h = f.hessian(p);
    let fmag = magnitude(stencil_points(p).map(|q| f.value(q)));
    let gmag = magnitude(stencil_points(p).flat_map(|q| f.gradient(q)));
    for i in 0..2 {
        let tol = 1e-9 * (1.0 + g[i].abs()) + 1e-13 * fmag / H;
        if !((ng[i] - g[i]).abs() <= tol) {
            return Err(format!(
                "gradient[{i}] at {p:?}: exact {:e}, numerical {:e}, tolerance {tol:e}",
                g[i], ng[i]
            ));
        }
        for j in 0..2 {
            let tol = 2e-9 * (1.0 + h[i][j].abs()) + 1e-13 * gmag / H;
            if !((nh[i][j] - h[i][j]).abs() <= tol) {
                return Err(format!(
                    "hessian[{i}][{j}] at {p:?}: exact {:e}, numerical {:e}, tolerance {tol:e}",
                    h[i][j], nh[i][j]
                ));
            }
        }
    }
    if h[0][1] != h[1][0] {
        return Err(format!("hessian at {p:?} is not symmetric: {h:?}"));
    }
    Ok(())
}

/// A point of the view from two fractions in [0, 1].
fn in_view(b: &Built, u: f64, v: f64) -> Point {
    [
        b.view.x[0] + u * (b.view.x[1] - b.view.x[0]),
        b.view.y[0] + v * (b.view.y[1] - b.view.y[0]),
    ]
}

proptest! {
    #![proptest_config(common::seed::config(4000))]

    #[test]
    fn derivatives_match_central_differences(i in 0..REGISTRY.len(), u in 0.0..=1.0f64, v in 0.0..=1.0f64) {
        let b = build_default(i);
        let p = in_view(&b, u, v);
        if let Err(e) = check_derivatives(&*b.f, p) {
            return Err(TestCaseError::fail(format!("{}: {e}", REGISTRY[i].name)));
        }
    }

    #[test]
    fn rosenbrock_derivatives_at_any_parameters(a in -10.0..=10.0f64, log_b in -3.0..=6.0f64, zero_b in any::<bool>(),
                                                 u in 0.0..=1.0f64, v in 0.0..=1.0f64) {
        let b_param = if zero_b { 0.0 } else { powf(10.0, log_b) };
        let b = build("rosenbrock", serde_json::json!({"a": a, "b": b_param}));
        let p = in_view(&b, u, v);
        prop_assert!(check_derivatives(&*b.f, p).is_ok(), "a {a} b {b_param}: {:?}", check_derivatives(&*b.f, p));
    }

    #[test]
    fn quadratic_derivatives_at_any_condition(log_k in -6.0..=6.0f64, u in 0.0..=1.0f64, v in 0.0..=1.0f64) {
        let k = powf(10.0, log_k);
        let b = build("quadratic", serde_json::json!({"condition": k}));
        let p = in_view(&b, u, v);
        prop_assert!(check_derivatives(&*b.f, p).is_ok(), "k {k}: {:?}", check_derivatives(&*b.f, p));
        // A quadratic: the Hessian is the constant diag(1, k), and value = g.p / 2.
        prop_assert_eq!(b.f.hessian(p), [[1.0, 0.0], [0.0, k]]);
        let g = b.f.gradient(p);
        let half = 0.5 * (g[0] * p[0] + g[1] * p[1]);
        prop_assert!((b.f.value(p) - half).abs() <= 1e-15 * (1.0 + half.abs()));
    }

    /// Central differences where the stencil's fixed step is small against the landscape's length
    /// scale 1 / input_scale (the truncation error grows as s^5); over the whole range,
    /// f_s(w) = f_1(s w), so gradient and Hessian scale as s and s^2.
    #[test]
    fn digits2d_derivatives_at_any_input_scale(log_s in -2.0..=2.0f64, u in 0.0..=1.0f64, v in 0.0..=1.0f64) {
        let s = powf(10.0, log_s);
        let b = build("digits2d", serde_json::json!({"input_scale": s}));
        let one = build("digits2d", Value::Null);
        let q = in_view(&one, u, v);
        let p = q.map(|c| c / s);
        if (0.25..=1.5).contains(&s) {
            prop_assert!(check_derivatives(&*b.f, p).is_ok(), "s {s}: {:?}", check_derivatives(&*b.f, p));
        }
        let close = |a: f64, b: f64, size: f64| (a - b).abs() <= 1e-12 * size;
        prop_assert!(close(b.f.value(p), one.f.value(q), 1.0 + one.f.value(q).abs()));
        let (g, g1) = (b.f.gradient(p), one.f.gradient(q));
        let (h, h1) = (b.f.hessian(p), one.f.hessian(q));
        let gsize = 1.0 + g1[0].abs().max(g1[1].abs());
        let hsize = 1.0 + h1.iter().flatten().fold(0.0f64, |m, x| m.max(x.abs()));
        for i in 0..2 {
            prop_assert!(close(g[i], s * g1[i], s * gsize), "s {s}: gradient {g:?} vs {g1:?}");
            for j in 0..2 {
                prop_assert!(close(h[i][j], s * s * h1[i][j], s * s * hsize), "s {s}: hessian {h:?} vs {h1:?}");
            }
        }
        check_marks("digits2d", &b);
    }

    /// `scale * f`, everywhere: the objective multiplies value, gradient and Hessian by scale.
    #[test]
    fn objective_scales_value_gradient_and_hessian(i in 0..REGISTRY.len(), log_c in -6.0..=6.0f64,
                                                    u in 0.0..=1.0f64, v in 0.0..=1.0f64) {
        let c = powf(10.0, log_c);
        let b = build_default(i);
        let p = in_view(&b, u, v);
        let (value, gradient, hessian) = (b.f.value(p), b.f.gradient(p), b.f.hessian(p));
        let objective = Objective::new(b.f, c);
        // One multiplication each: exactly the rounded product.
        prop_assert_eq!(objective.value(p), c * value);
        prop_assert_eq!(objective.gradient(p), [c * gradient[0], c * gradient[1]]);
        prop_assert_eq!(objective.hessian(p), [c * hessian[0][0], c * hessian[0][1], c * hessian[1][0], c * hessian[1][1]]);
    }
}

/// The checker above is not vacuous: a derivative wrong by one part in 1e6 fails it.
#[test]
fn a_slightly_wrong_derivative_is_caught() {
    struct Off<'a>(&'a dyn Landscape, usize);
    impl Landscape for Off<'_> {
        fn value(&self, p: Point) -> f64 {
            self.0.value(p)
        }
        fn gradient(&self, p: Point) -> Point {
            let mut g = self.0.gradient(p);
            if self.1 == 0 {
                g[1] *= 1.0 + 1e-6;
            }
            g
        }
        fn hessian(&self, p: Point) -> Matrix {
            let mut h = self.0.hessian(p);
            if self.1 == 1 {
                h[0][0] *= 1.0 + 1e-6;
            }
            h
        }
    }
    for i in 0..REGISTRY.len() {
        let b = build_default(i);
        // A point where the perturbed entries are not tiny.
        let p = [0.37 * b.view.x[1] + 0.11, 0.61 * b.view.y[1] - 0.07];
        check_derivatives(&*b.f, p).unwrap_or_else(|e| panic!("{}: {e}", REGISTRY[i].name));
        for which in 0..2 {
            let entry = if which == 0 {
                b.f.gradient(p)[1]
            } else {
                b.f.hessian(p)[0][0]
            };
            if entry.abs() < 1e-2 {
                continue;
            }
            assert!(
                check_derivatives(&Off(&*b.f, which), p).is_err(),
                "{}: error {which} not caught at {p:?}",
                REGISTRY[i].name
            );
        }
    }
}

// --- torch.autograd ----------------------------------------------------------------------------

/// Relative difference with an absolute floor: `floor` is the magnitude below which an entry
/// counts as near zero (the size of the terms that cancel in it).
fn rel(ours: f64, theirs: f64, floor: f64) -> f64 {
    (ours - theirs).abs() / theirs.abs().max(floor)
}

#[test]
fn derivatives_agree_with_torch_autograd() {
    let path = format!(
        "{}/tests/golden/derivatives.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let points = file["points"].as_array().unwrap();
    let num = |v: &Value| v.as_f64().unwrap();
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    let mut worst = (0.0f64, String::new());
    let mut failures = Vec::new();
    for point in points {
        let name = point["landscape"].as_str().unwrap();
        *seen.entry(name.to_string()).or_default() += 1;
        let b = build(name, Value::Null);
        let at = [num(&point["at"][0]), num(&point["at"][1])];
        let value = num(&point["value"]);
        let gradient = [0, 1].map(|i| num(&point["gradient"][i]));
        let hessian = [0, 1].map(|i| [0, 1].map(|j| num(&point["hessian"][i][j])));
        // Floors: entries are compared relative to the largest entry of the same quantity (and at
        // least 1e-3 of the value's magnitude for the gradient), since a near-zero entry is a
        // difference of terms of that size and keeps only their absolute precision.
        let gfloor = gradient.iter().fold(1e-300f64, |m, g| m.max(g.abs())) * 1e-3;
        let hfloor = hessian
            .iter()
            .flatten()
            .fold(1e-300f64, |m, h| m.max(h.abs()))
            * 1e-3;
        let mut checks = vec![("value".to_string(), rel(b.f.value(at), value, 1e-12))];
        for i in 0..2 {
            checks.push((
                format!("gradient[{i}]"),
                rel(b.f.gradient(at)[i], gradient[i], gfloor.max(1e-12)),
            ));
            for j in 0..2 {
                checks.push((
                    format!("hessian[{i}][{j}]"),
                    rel(b.f.hessian(at)[i][j], hessian[i][j], hfloor.max(1e-12)),
                ));
            }
        }
        for (what, r) in checks {
            if r > worst.0 {
                worst = (r, format!("{name} {what} at {at:?}"));
            }
            if !(r <= 1e-12) {
                failures.push(format!(
                    "{name} {what} at {at:?}: relative difference {r:e}"
                ));
            }
        }
    }
    println!(
        "worst relative difference to torch.autograd: {:e} ({})",
        worst.0, worst.1
    );
    assert!(
        failures.is_empty(),
        "{} entries differ from torch.autograd:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for info in REGISTRY {
        assert!(
            seen.get(info.name).copied().unwrap_or(0) >= 20,
            "derivatives.json has too few points for {}",
            info.name
        );
    }
}

// --- marks, starts, views ----------------------------------------------------------------------

fn check_marks(name: &str, b: &Built) {
    assert!(!b.marks.is_empty(), "{name}: no marks");
    assert!(
        b.marks.iter().any(|m| m.kind == MarkKind::Global),
        "{name}: no global minimum marked"
    );
    let values: Vec<f64> = b.marks.iter().map(|m| b.f.value(m.at)).collect();
    let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
    for (m, &value) in b.marks.iter().zip(&values) {
        let g = b.f.gradient(m.at);
        let [[a, off], [off2, d]] = b.f.hessian(m.at);
        let hnorm = a.abs().max(d.abs()).max(off.abs()).max(1.0);
        assert!(
            g[0].abs().max(g[1].abs()) <= 1e-10 * hnorm * (1.0 + m.at[0].abs().max(m.at[1].abs())),
            "{name}: {m:?} has gradient {g:?}"
        );
        assert_eq!(off, off2, "{name}: {m:?}");
        let det = a * d - off * off2;
        match m.kind {
            MarkKind::Global | MarkKind::Local => {
                assert!(
                    a > 0.0 && det > 0.0,
                    "{name}: minimum {m:?} has Hessian {:?}, not positive definite",
                    b.f.hessian(m.at)
                )
            }
            MarkKind::Saddle => assert!(
                det < 0.0,
                "{name}: saddle {m:?} has Hessian {:?}, not indefinite",
                b.f.hessian(m.at)
            ),
        }
        match m.kind {
            MarkKind::Global => {
                assert!(
                    value - lowest <= 1e-9 * (1.0 + lowest.abs()),
                    "{name}: global {m:?} at {value}, lowest mark {lowest}"
                )
            }
            MarkKind::Local => {
                assert!(
                    value - lowest > 1e-9 * (1.0 + lowest.abs()),
                    "{name}: local {m:?} at {value} is as low as the lowest {lowest}"
                )
            }
            MarkKind::Saddle => assert!(value > lowest, "{name}: saddle {m:?} is the lowest mark"),
        }
    }
}

#[test]
fn marks_are_critical_points_of_their_kind() {
    for (i, info) in REGISTRY.iter().enumerate() {
        check_marks(info.name, &build_default(i));
    }
}

#[test]
fn the_expected_marks_are_there() {
    let count = |name: &str, kind: MarkKind| {
        build(name, Value::Null)
            .marks
            .iter()
            .filter(|m| m.kind == kind)
            .count()
    };
    assert_eq!(count("himmelblau", MarkKind::Global), 4);
    assert_eq!(count("gaussian_mixture", MarkKind::Global), 2);
    assert_eq!(count("gaussian_mixture", MarkKind::Local), 2);
    assert_eq!(count("styblinski_tang", MarkKind::Global), 1);
    assert_eq!(count("styblinski_tang", MarkKind::Local), 3);
    assert_eq!(count("saddle", MarkKind::Saddle), 1);
    // Values stated in the headers.
    let st = build("styblinski_tang", Value::Null);
    let global = st
        .marks
        .iter()
        .find(|m| m.kind == MarkKind::Global)
        .unwrap();
    assert!((st.f.value(global.at) + 78.33233).abs() < 1e-4);
    let beale = build("beale", Value::Null);
    assert!(
        (beale.marks[0].at[0] - 3.0).abs() < 1e-12 && (beale.marks[0].at[1] - 0.5).abs() < 1e-12
    );
    assert!(beale.f.value(beale.marks[0].at) < 1e-25);
    // The typed formula's default, the three-hump camel: found by the search, not stated.
    let camel = build("custom", Value::Null);
    assert_eq!(count("custom", MarkKind::Global), 1);
    assert_eq!(count("custom", MarkKind::Local), 2);
    let global = camel
        .marks
        .iter()
        .find(|m| m.kind == MarkKind::Global)
        .unwrap();
    assert!(
        global.at[0].abs() < 1e-12 && global.at[1].abs() < 1e-12,
        "{global:?}"
    );
}

/// A typed formula is the landscape it spells: the same values, gradients and Hessians as the
/// written-out landscapes (to rounding: the operations differ), and marks where their minima are.
#[test]
fn typed_formulas_agree_with_the_written_out_landscapes() {
    for (name, params, formula) in [
        ("rosenbrock", json!({}), "(1 - x)^2 + 100 (y - x^2)^2"),
        (
            "himmelblau",
            json!({}),
            "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        ),
        (
            "quadratic",
            json!({"condition": 25.0}),
            "(x^2 + 25 y^2) / 2",
        ),
        (
            "rastrigin",
            json!({}),
            "20 + x^2 - 10 cos(2 pi x) + y^2 - 10 cos(2 pi y)",
        ),
        (
            "beale",
            json!({}),
            "(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2",
        ),
    ] {
        let written = build(name, params);
        let typed = build("custom", json!({ "f": formula }));
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()));
        for i in 0..50 {
            let p = [-2.9 + 0.117 * f64::from(i), 2.7 - 0.093 * f64::from(i)];
            let (v, g, h) = (typed.f.value(p), typed.f.gradient(p), typed.f.hessian(p));
            let (wv, wg, wh) = (
                written.f.value(p),
                written.f.gradient(p),
                written.f.hessian(p),
            );
            assert!(close(v, wv), "{name} at {p:?}: {v} vs {wv}");
            assert!(
                close(g[0], wg[0]) && close(g[1], wg[1]),
                "{name} at {p:?}: {g:?} vs {wg:?}"
            );
            assert!(
                (0..2).all(|r| (0..2).all(|c| close(h[r][c], wh[r][c]))),
                "{name} at {p:?}: {h:?} vs {wh:?}"
            );
        }
        // Every minimum of the written-out landscape inside the typed one's view is found.
        let in_view = |p: Point| p[0].abs() <= 2.0 && p[1].abs() <= 2.0;
        for m in written
            .marks
            .iter()
            .filter(|m| m.kind != MarkKind::Saddle && in_view(m.at))
        {
            let found = typed
                .marks
                .iter()
                .any(|t| (t.at[0] - m.at[0]).abs() < 1e-8 && (t.at[1] - m.at[1]).abs() < 1e-8);
            assert!(
                found || typed.marks.len() == 12,
                "{name}: minimum {m:?} not found among {:?}",
                typed.marks
            );
        }
    }
}

/// A formula without a minimum marks none: far left on exp(50 x) + y^2 the gradient is 1e-40,
/// yet Newton's steps stay 1/50 long (they once stopped there and marked two "global minima").
/// Flat-bottomed minima, where Newton converges only linearly, are still found.
#[test]
fn typed_formulas_mark_only_true_minima() {
    let none = build("custom", json!({ "f": "exp(50 x) + y^2" }));
    assert!(none.marks.is_empty(), "{:?}", none.marks);
    for (formula, at) in [
        ("x^4 + y^4", [0.0, 0.0]),
        ("x^6 + 3 y^2", [0.0, 0.0]),
        ("x^8 + y^8", [0.0, 0.0]),
        ("(x - 1)^4 + (y + 0.5)^2", [1.0, -0.5]),
        ("exp(x) - 2x + y^2", [optiscape::math::ln(2.0), 0.0]),
    ] {
        let b = build("custom", json!({ "f": formula }));
        let global: Vec<_> = b
            .marks
            .iter()
            .filter(|m| m.kind == MarkKind::Global)
            .collect();
        assert_eq!(global.len(), 1, "{formula}: {:?}", b.marks);
        assert!(
            (global[0].at[0] - at[0]).abs() < 1e-4 && (global[0].at[1] - at[1]).abs() < 1e-4,
            "{formula}: {:?}",
            global[0]
        );
    }
}

#[test]
fn default_starts_and_marks_are_inside_the_default_view() {
    for (i, info) in REGISTRY.iter().enumerate() {
        let b = build_default(i);
        b.view
            .check()
            .unwrap_or_else(|e| panic!("{}: {e}", info.name));
        let inside = |p: Point| {
            b.view.x[0] <= p[0] && p[0] <= b.view.x[1] && b.view.y[0] <= p[1] && p[1] <= b.view.y[1]
        };
        assert!(
            inside(b.start),
            "{}: start {:?} outside {:?}",
            info.name,
            b.start,
            b.view
        );
        for m in &b.marks {
            assert!(inside(m.at), "{}: {m:?} outside {:?}", info.name, b.view);
        }
        // The default start is not itself a critical point (every racer would sit still).
        let g = b.f.gradient(b.start);
        assert!(
            g[0].abs() + g[1].abs() > 1e-3,
            "{}: start {:?} has gradient {g:?}",
            info.name,
            b.start
        );
    }
}

proptest! {
    #![proptest_config(common::seed::config(300))]

    /// With b > 0 the minimum (a, a^2) is strict. (At b = 0 the function is (a - x)^2, whose
    /// minimum is the whole line x = a: the Hessian there is only positive semi-definite.)
    #[test]
    fn rosenbrock_marks_at_any_parameters(a in -10.0..=10.0f64, log_b in -3.0..=6.0f64) {
        let b = build("rosenbrock", serde_json::json!({"a": a, "b": powf(10.0, log_b)}));
        check_marks("rosenbrock", &b);
        prop_assert_eq!(b.marks[0].at, [a, a * a]);
    }

    #[test]
    fn quadratic_marks_at_any_condition(log_k in -6.0..=6.0f64) {
        check_marks("quadratic", &build("quadratic", serde_json::json!({"condition": powf(10.0, log_k)})));
    }
}

#[test]
// The textbook formula with std's cos on purpose: a reference independent of src/math.rs.
#[allow(clippy::disallowed_methods)]
fn rastrigin_value_is_the_textbook_formula() {
    // argmin's rastrigin_a(p, A) = A n + sum(x^2 - A cos(2 pi x)); torch's generator writes
    // 20 + sum(...). They are the same function (the golden comparison above pins it to 1e-12).
    let b = build("rastrigin", Value::Null);
    for p in [[0.0, 0.0], [1.0, -1.0], [2.8, 3.3], [-5.12, 4.0]] {
        let textbook = 20.0
            + p.iter()
                .map(|x: &f64| x * x - 10.0 * (2.0 * std::f64::consts::PI * x).cos())
                .sum::<f64>();
        assert!(
            (b.f.value(p) - textbook).abs() <= 1e-12 * (1.0 + textbook.abs()),
            "{p:?}"
        );
    }
    assert_eq!(b.f.value([0.0, 0.0]), 0.0);
}

/// A landscape may compute a row of values its own way (the page samples its pictures a row
/// at a time): the row must hold exactly what `value` gives, point by point, bit for bit.
#[test]
fn rows_of_values_are_value_bit_for_bit() {
    let special = [
        0.0,
        -0.0,
        1e-300,
        -2.5e7,
        1e160,
        f64::MAX,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    for i in 0..REGISTRY.len() {
        let b = build_default(i);
        let mut xs: Vec<f64> = (0..37)
            .map(|k| in_view(&b, k as f64 / 36.0, 0.0)[0])
            .collect();
        xs.extend(special);
        let mut ys: Vec<f64> = (0..7)
            .map(|k| in_view(&b, 0.0, k as f64 / 6.0)[1])
            .collect();
        ys.extend(special);
        for &y in &ys {
            let mut row = vec![-1.0];
            b.f.values_along_x(&xs, y, &mut row);
            assert_eq!(
                row.len(),
                xs.len() + 1,
                "{}: appends one value per x",
                REGISTRY[i].name
            );
            for (&x, &v) in xs.iter().zip(&row[1..]) {
                let one = b.f.value([x, y]);
                assert!(
                    v.to_bits() == one.to_bits() || (v.is_nan() && one.is_nan()),
                    "{} at ({x:e}, {y:e}): row {v:e}, value {one:e}",
                    REGISTRY[i].name
                );
            }
        }
    }
}
