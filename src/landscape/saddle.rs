//! A saddle between two minima: where plain gradient descent stalls and noise-free methods
//! started on the ridge never leave it.
//!
//! f(x, y) = x^2 + y^4/4 - y^2/2.
//! Saddle at (0, 0); global minima f = -1/4 at (0, 1) and (0, -1). View [-2, 2]^2; start
//! (1.5, 0.05), just off the saddle's stable line. Written by hand.

use super::{Built, Landscape, LandscapeInfo, Mark, MarkKind, Matrix, Point, View};
use crate::math::powi;

pub static INFO: LandscapeInfo = LandscapeInfo {
    name: "saddle",
    title: "Saddle",
    formula: "x^2 + y^4/4 - y^2/2",
    params: &[],
    build: |_| Built {
        f: Box::new(Saddle),
        view: View::new(-2.0, 2.0, -2.0, 2.0),
        start: [1.5, 0.05],
        marks: vec![
            Mark {
                kind: MarkKind::Global,
                at: [0.0, 1.0],
            },
            Mark {
                kind: MarkKind::Global,
                at: [0.0, -1.0],
            },
            Mark {
                kind: MarkKind::Saddle,
                at: [0.0, 0.0],
            },
        ],
    },
};

pub struct Saddle;

impl Landscape for Saddle {
    fn value(&self, [x, y]: Point) -> f64 {
        x * x + 0.25 * powi(y, 4) - 0.5 * y * y
    }
    fn gradient(&self, [x, y]: Point) -> Point {
        [2.0 * x, powi(y, 3) - y]
    }
    fn hessian(&self, [_, y]: Point) -> Matrix {
        [[2.0, 0.0], [0.0, 3.0 * y * y - 1.0]]
    }
}
