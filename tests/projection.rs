//! The projected classifier view's core: the plane through the initial weights, projections
//! onto it, its loss, and the progressive surface.

use optiscape::classify::digits::{Digits, TRAIN};
use optiscape::classify::model::Model;
use optiscape::classify::projection::{Plane, Surface, REFERENCE_STEPS};
use optiscape::classify::train::{prepare, TrainSpec, Trainer};
use optiscape::landscape::View;
use std::sync::OnceLock;

fn spec(text: &str) -> TrainSpec {
    TrainSpec::parse(text).unwrap()
}

const SPEC: &str = r#"{"model": "linear", "epochs": 1, "seed": 3, "racers": [{"name": "adam", "lr": 0.001}, {"name": "sgd", "lr": 0.001}]}"#;

fn digits() -> &'static Digits {
    static D: OnceLock<Digits> = OnceLock::new();
    D.get_or_init(Digits::embedded)
}

fn plane() -> &'static Plane {
    static P: OnceLock<Plane> = OnceLock::new();
    P.get_or_init(|| Plane::new(digits(), &spec(SPEC)).unwrap())
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

/// The model's own mean training loss at `weights`.
fn model_loss(plane: &Plane, weights: &[f64]) -> f64 {
    let data = prepare(digits(), spec(SPEC).input);
    let mut grad = vec![0.0; weights.len()];
    plane
        .model()
        .loss_grad(weights, &data.train_x, &data.train_y, &mut grad)
}

#[test]
fn the_plane_starts_at_the_racers_init_and_is_orthonormal_ish() {
    let p = plane();
    let model = p.model();
    assert_eq!(p.w0, model.init(3), "w0 is the racers' shared init");
    let trainer = Trainer::new(spec(SPEC), digits());
    assert_eq!(trainer.weights(0), &p.w0[..]);
    assert_eq!(trainer.weights(1), &p.w0[..]);
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let (uu, vv, uv) = (dot(&p.u, &p.u), dot(&p.v, &p.v), dot(&p.u, &p.v));
    assert!(
        close(uu.sqrt(), p.unit, 1e-15) && close(vv.sqrt(), p.unit, 1e-14),
        "|u| {} |v| {} unit {}",
        uu.sqrt(),
        vv.sqrt(),
        p.unit
    );
    assert!(uv.abs() < 1e-13 * uu, "u.v = {uv:e}");
    // The reference solution is better than the start.
    assert!(
        p.loss_at([1.0, 0.0]) < 0.5 * p.loss_at([0.0, 0.0]),
        "{} vs {}",
        p.loss_at([1.0, 0.0]),
        p.loss_at([0.0, 0.0])
    );
    println!(
        "|w_ref - w0| = {}, loss at w0 {}, at w_ref {} ({REFERENCE_STEPS} full-batch Adam steps)",
        p.unit,
        p.loss_at([0.0, 0.0]),
        p.loss_at([1.0, 0.0])
    );
}

#[test]
fn projections_of_known_points() {
    let p = plane();
    let at0 = p.project(&p.w0);
    assert_eq!(at0.coords, [0.0, 0.0]);
    assert_eq!(at0.distance, 0.0);
    let at_ref = p.project(&p.w_ref);
    assert!(
        close(at_ref.coords[0], 1.0, 1e-14) && at_ref.coords[1].abs() < 1e-13,
        "{:?}",
        at_ref.coords
    );
    assert!(at_ref.distance < 1e-13 * p.unit, "{:e}", at_ref.distance);
    // A plane point, then the same pushed off the plane along a direction orthogonal to u and v.
    let on = p.weights_at([0.3, -0.7]);
    let pr = p.project(&on);
    assert!(
        close(pr.coords[0], 0.3, 1e-13)
            && close(pr.coords[1], -0.7, 1e-13)
            && pr.distance < 1e-12 * p.unit,
        "{pr:?}"
    );
    let mut n: Vec<f64> = (0..on.len())
        .map(|k| ((k * 7919) % 13) as f64 - 6.0)
        .collect();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    for d in [&p.u, &p.v] {
        let k = dot(&n, d) / dot(d, d);
        n.iter_mut().zip(d.iter()).for_each(|(x, d)| *x -= k * d);
    }
    let len = dot(&n, &n).sqrt();
    let off: Vec<f64> = on
        .iter()
        .zip(&n)
        .map(|(w, n)| w + 0.25 * p.unit * n / len)
        .collect();
    let pr = p.project(&off);
    assert!(
        close(pr.coords[0], 0.3, 1e-12) && close(pr.coords[1], -0.7, 1e-12),
        "{pr:?}"
    );
    assert!(
        close(pr.distance, 0.25 * p.unit, 1e-12) && close(pr.relative_distance, 0.25, 1e-12),
        "{pr:?}"
    );
}

#[test]
fn loss_at_is_the_models_loss_at_the_plane_point() {
    let p = plane();
    assert_eq!(p.loss_at([0.0, 0.0]), model_loss(p, &p.w0), "exact at w0");
    for ab in [[1.0, 0.0], [0.5, 0.5], [-0.4, 0.9], [1.4, -1.0], [3.0, 2.0]] {
        let (ours, model) = (p.loss_at(ab), model_loss(p, &p.weights_at(ab)));
        assert!(close(ours, model, 1e-12), "{ab:?}: {ours} vs {model}");
    }
}

#[test]
fn a_finished_surface_is_the_direct_evaluation_and_a_partial_one_is_coarse() {
    let p = plane().clone();
    let view = View::new(-0.5, 1.5, -1.0, 1.0);
    let (w, h) = (37, 21); // not multiples of 8: partial blocks at the edges
    let mut s = Surface::new(p, view, w, h);
    // After the first pass (every 8th cell), every cell holds its block's corner value.
    let first = w.div_ceil(8) * h.div_ceil(8);
    assert!(!s.advance(first));
    assert_eq!(s.evaluated(), first);
    for j in 0..h {
        for i in 0..w {
            assert_eq!(
                s.values()[j * w + i],
                s.plane().loss_at(s.point(i / 8 * 8, j / 8 * 8)),
                "cell ({i}, {j})"
            );
        }
    }
    let mut calls = 0;
    while !s.advance(50) {
        calls += 1;
    }
    assert_eq!(s.evaluated(), w * h, "each cell evaluated once");
    assert!(calls >= (w * h - first) / 50 - 1);
    for j in 0..h {
        for i in 0..w {
            assert_eq!(
                s.values()[j * w + i],
                s.plane().loss_at(s.point(i, j)),
                "cell ({i}, {j})"
            );
        }
    }
    // Cell centres, row 0 at the top (render::Field's convention).
    assert_eq!(s.point(0, 0), [-0.5 + 1.0 / w as f64, 1.0 - 1.0 / h as f64]);
    assert!(s.advance(10));
}

#[test]
fn other_models_are_refused_and_trained_weights_project() {
    let mlp = spec(r#"{"model": "mlp", "racers": [{"name": "adam"}]}"#);
    assert!(Plane::new(digits(), &mlp).is_err());
    let p = plane();
    let mut trainer = Trainer::new(spec(SPEC), digits());
    trainer.advance(0, TRAIN as u64);
    let pr = p.project(trainer.weights(0));
    assert!(
        pr.coords.iter().all(|c| c.is_finite()) && pr.distance > 0.0,
        "{pr:?}"
    );
    let _ = Model::new;
}
