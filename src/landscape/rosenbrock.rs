//! Rosenbrock's banana valley.
//!
//! f(x, y) = (a - x)^2 + b (y - x^2)^2, with a = 1, b = 100 by default.
//! Global minimum f = 0 at (a, a^2). View [-2, 2] x [-1, 3]; start (-1.2, 1), the classic one.
//! Value and gradient from `argmin_testfunctions`; the Hessian is written here, since argmin 0.3.0's
//! has `2a` where d^2/dx^2 (a - x)^2 = 2 (right only at the default a = 1).

use super::{minima, Built, Landscape, LandscapeInfo, Matrix, Point, View};
use crate::schema::{Param, Range, Scale, Slider};
use argmin_testfunctions::{rosenbrock_ab, rosenbrock_ab_derivative_const};

pub static INFO: LandscapeInfo = LandscapeInfo {
    name: "rosenbrock",
    title: "Rosenbrock",
    formula: "(a - x)^2 + b (y - x^2)^2",
    params: &[
        Param::number("a", 1.0, Range::closed(-10.0, 10.0), Slider { min: -2.0, max: 2.0, scale: Scale::Linear }, "position of the minimum (a, a^2)"),
        Param::number("b", 100.0, Range::closed(0.0, 1e6), Slider { min: 1.0, max: 1000.0, scale: Scale::Log }, "steepness of the valley walls"),
    ],
    build: |h| {
        let f = Rosenbrock { a: h.num("a"), b: h.num("b") };
        let marks = minima(&f, &[[f.a, f.a * f.a]]);
        Built { f: Box::new(f), view: View::new(-2.0, 2.0, -1.0, 3.0), start: [-1.2, 1.0], marks }
    },
};

pub struct Rosenbrock {
    pub a: f64,
    pub b: f64,
}

impl Landscape for Rosenbrock {
    fn value(&self, p: Point) -> f64 {
        rosenbrock_ab(&p, self.a, self.b)
    }
    fn gradient(&self, p: Point) -> Point {
        rosenbrock_ab_derivative_const(&p, self.a, self.b)
    }
    fn hessian(&self, [x, y]: Point) -> Matrix {
        // argmin's operations in argmin's order, with 2 for its 2a: bit for bit the same at a = 1.
        let b = self.b;
        let off = -4.0 * b * x;
        [[12.0 * b * x.powi(2) - 4.0 * b * y + 2.0, off], [off, 2.0 * b]]
    }
}
