//! Rosenbrock's banana valley.
//!
//! f(x, y) = (a - x)^2 + b (y - x^2)^2, with a = 1, b = 100 by default.
//! Global minimum f = 0 at (a, a^2). View [-2, 2] x [-1, 3]; start (-1.2, 1), the classic one.
//! Derivatives from `argmin_testfunctions`.

use super::{minima, Built, Landscape, LandscapeInfo, Matrix, Point, View};
use crate::schema::{Param, Range, Scale, Slider};
use argmin_testfunctions::{rosenbrock_ab, rosenbrock_ab_derivative_const, rosenbrock_ab_hessian_const};

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
    fn hessian(&self, p: Point) -> Matrix {
        rosenbrock_ab_hessian_const(&p, self.a, self.b)
    }
}
