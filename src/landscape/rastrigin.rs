//! Rastrigin's function: a bowl covered in regular local minima.
//!
//! f(x, y) = 2A + (x^2 - A cos(2 pi x)) + (y^2 - A cos(2 pi y)), A = 10.
//! Global minimum f = 0 at (0, 0); a local minimum near every integer point. View
//! [-5.12, 5.12]^2; start (2.8, 3.3). Derivatives from `argmin_testfunctions`.

use super::{Built, Landscape, LandscapeInfo, Mark, MarkKind, Matrix, Point, View};
use argmin_testfunctions::{rastrigin_a, rastrigin_a_derivative_const, rastrigin_a_hessian_const};
use std::f64::consts::PI;

const A: f64 = 10.0;

pub static INFO: LandscapeInfo = LandscapeInfo {
    name: "rastrigin",
    title: "Rastrigin",
    formula: "20 + x^2 - 10 cos(2 pi x) + y^2 - 10 cos(2 pi y)",
    params: &[],
    build: |_| Built {
        f: Box::new(Rastrigin),
        view: View::new(-5.12, 5.12, -5.12, 5.12),
        start: [2.8, 3.3],
        marks: vec![Mark { kind: MarkKind::Global, at: [0.0, 0.0] }],
    },
};

pub struct Rastrigin;

impl Landscape for Rastrigin {
    fn value(&self, p: Point) -> f64 {
        rastrigin_a(&p, A)
    }
    fn gradient(&self, p: Point) -> Point {
        rastrigin_a_derivative_const(&p, A)
    }
    fn hessian(&self, p: Point) -> Matrix {
        rastrigin_a_hessian_const(&p, A)
    }
    /// argmin's value, `2A + (g(x) + g(y))` with `g(t) = t^2 - A cos(2 pi t)`, in the same
    /// operations and order, with `g(y)` computed once per row: half the cosines (the libm
    /// cosine is most of a picture's time in wasm).
    fn values_along_x(&self, xs: &[f64], y: f64, out: &mut Vec<f64>) {
        let g = |t: f64| t.powi(2) - A * (2.0 * PI * t).cos();
        let gy = g(y);
        out.extend(xs.iter().map(|&x| 2.0 * A + (g(x) + gy)));
    }
}
