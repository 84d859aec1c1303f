//! Rastrigin's function: a bowl covered in regular local minima.
//!
//! f(x, y) = 2A + (x^2 - A cos(2 pi x)) + (y^2 - A cos(2 pi y)), A = 10.
//! Global minimum f = 0 at (0, 0); a local minimum near every integer point. View
//! [-5.12, 5.12]^2; start (2.8, 3.3). Derivatives from `argmin_testfunctions`.

use super::{Built, Landscape, LandscapeInfo, Mark, MarkKind, Matrix, Point, View};
use argmin_testfunctions::{rastrigin_a, rastrigin_a_derivative_const, rastrigin_a_hessian_const};

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
}
