//! Beale's function.
//!
//! f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2.
//! Global minimum f = 0 at (3, 0.5). View [-4.5, 4.5]^2; start (1, 1.5). Values span ten decades
//! over the view, so the plot uses log-spaced levels. Derivatives from `argmin_testfunctions`.

use super::{minima, Built, Landscape, LandscapeInfo, Matrix, Point, View};
use argmin_testfunctions::{beale, beale_derivative, beale_hessian};

pub static INFO: LandscapeInfo = LandscapeInfo {
    name: "beale",
    title: "Beale",
    formula: "(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
    params: &[],
    build: |_| Built {
        f: Box::new(Beale),
        view: View::new(-4.5, 4.5, -4.5, 4.5),
        start: [1.0, 1.5],
        marks: minima(&Beale, &[[3.0, 0.5]]),
    },
};

pub struct Beale;

impl Landscape for Beale {
    fn value(&self, p: Point) -> f64 {
        beale(&p)
    }
    fn gradient(&self, p: Point) -> Point {
        beale_derivative(&p)
    }
    fn hessian(&self, p: Point) -> Matrix {
        beale_hessian(&p)
    }
}
