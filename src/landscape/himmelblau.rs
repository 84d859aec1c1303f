//! Himmelblau's function: four minima of equal depth.
//!
//! f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2.
//! Global minima f = 0 at (3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186) and
//! (3.584428, -1.848126) (polished to full precision at build). View [-5, 5]^2; start (-1, 0),
//! from where different optimizers reach different minima. Derivatives from `argmin_testfunctions`.

use super::{minima, Built, Landscape, LandscapeInfo, Matrix, Point, View};
use argmin_testfunctions::{himmelblau, himmelblau_derivative, himmelblau_hessian};

pub static INFO: LandscapeInfo = LandscapeInfo {
    name: "himmelblau",
    title: "Himmelblau",
    formula: "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    params: &[],
    build: |_| Built {
        f: Box::new(Himmelblau),
        view: View::new(-5.0, 5.0, -5.0, 5.0),
        start: [-1.0, 0.0],
        marks: minima(
            &Himmelblau,
            &[
                [3.0, 2.0],
                [-2.805118, 3.131312],
                [-3.779310, -3.283186],
                [3.584428, -1.848126],
            ],
        ),
    },
};

pub struct Himmelblau;

impl Landscape for Himmelblau {
    fn value(&self, p: Point) -> f64 {
        himmelblau(&p)
    }
    fn gradient(&self, p: Point) -> Point {
        himmelblau_derivative(&p)
    }
    fn hessian(&self, p: Point) -> Matrix {
        himmelblau_hessian(&p)
    }
}
