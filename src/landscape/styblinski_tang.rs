//! The Styblinski-Tang function: four minima, one global.
//!
//! f(x, y) = ((x^4 - 16x^2 + 5x) + (y^4 - 16y^2 + 5y)) / 2.
//! Global minimum f = -78.33233 at (-2.903534, -2.903534); local minima at (2.746803, 2.746803),
//! (-2.903534, 2.746803) and (2.746803, -2.903534) (polished at build). View [-5, 5]^2; start
//! (4, -0.5). Derivatives from `argmin_testfunctions`.

use super::{minima, Built, Landscape, LandscapeInfo, Matrix, Point, View};
use argmin_testfunctions::{
    styblinski_tang, styblinski_tang_derivative_const, styblinski_tang_hessian_const,
};

const LO: f64 = -2.903534;
const HI: f64 = 2.746803;

pub static INFO: LandscapeInfo = LandscapeInfo {
    name: "styblinski_tang",
    title: "Styblinski-Tang",
    formula: "(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y) / 2",
    params: &[],
    build: |_| Built {
        f: Box::new(StyblinskiTang),
        view: View::new(-5.0, 5.0, -5.0, 5.0),
        start: [4.0, -0.5],
        marks: minima(&StyblinskiTang, &[[LO, LO], [HI, HI], [LO, HI], [HI, LO]]),
    },
};

pub struct StyblinskiTang;

impl Landscape for StyblinskiTang {
    fn value(&self, p: Point) -> f64 {
        styblinski_tang(&p)
    }
    fn gradient(&self, p: Point) -> Point {
        styblinski_tang_derivative_const(&p)
    }
    fn hessian(&self, p: Point) -> Matrix {
        styblinski_tang_hessian_const(&p)
    }
}
