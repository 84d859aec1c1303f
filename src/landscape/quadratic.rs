//! An ill-conditioned quadratic bowl: the clearest picture of why momentum and adaptive steps help.
//!
//! f(x, y) = (x^2 + k y^2) / 2, with condition number k > 0 (default 10).
//! Global minimum f = 0 at (0, 0). View [-4, 4]^2; start (-3.5, 1.5). Written by hand.

use super::{Built, Landscape, LandscapeInfo, Mark, MarkKind, Matrix, Point, View};
use crate::schema::{Param, Range, Spacing, Slider};

pub static INFO: LandscapeInfo = LandscapeInfo {
    name: "quadratic",
    title: "Quadratic",
    formula: "(x^2 + k y^2) / 2",
    params: &[Param::number(
        "condition",
        10.0,
        Range { lo: 0.0, lo_open: true, hi: 1e6, hi_open: false },
        Slider { min: 0.1, max: 1000.0, spacing: Spacing::Log },
        "condition number k: the curvature along y relative to x",
    )
        .tip("how much steeper the bowl is along y than along x: a long narrow ravine when large")],
    build: |h| Built {
        f: Box::new(Quadratic { k: h.num("condition") }),
        view: View::new(-4.0, 4.0, -4.0, 4.0),
        start: [-3.5, 1.5],
        marks: vec![Mark { kind: MarkKind::Global, at: [0.0, 0.0] }],
    },
};

pub struct Quadratic {
    pub k: f64,
}

impl Landscape for Quadratic {
    fn value(&self, [x, y]: Point) -> f64 {
        0.5 * (x * x + self.k * y * y)
    }
    fn gradient(&self, [x, y]: Point) -> Point {
        [x, self.k * y]
    }
    fn hessian(&self, _: Point) -> Matrix {
        [[1.0, 0.0], [0.0, self.k]]
    }
}
