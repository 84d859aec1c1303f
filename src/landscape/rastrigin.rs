//! Rastrigin's function: a bowl covered in regular local minima.
//!
//! f(x, y) = 2A + (x^2 - A cos(2 pi x)) + (y^2 - A cos(2 pi y)), A = 10.
//! Global minimum f = 0 at (0, 0); a local minimum near every integer point. View
//! [-5.12, 5.12]^2; start (2.8, 3.3). Value and derivatives are `argmin_testfunctions`'
//! (`rastrigin_a` and its derivative and Hessian) in the same operations and order, with the
//! correctly rounded sine and cosine of [`crate::math`] in place of std's.

use super::{Built, Landscape, LandscapeInfo, Mark, MarkKind, Matrix, Point, View};
use crate::math::{cos, sin};
use std::f64::consts::{PI, TAU};

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
        marks: vec![Mark {
            kind: MarkKind::Global,
            at: [0.0, 0.0],
        }],
    },
};

pub struct Rastrigin;

/// 4 pi^2, as argmin computes it (`4.0 * PI.powi(2)`).
const FOUR_PI_SQUARED: f64 = 4.0 * (PI * PI);

/// One coordinate's term of the value, `t^2 - A cos(2 pi t)`.
fn term(t: f64) -> f64 {
    t * t - A * cos(TAU * t)
}

impl Landscape for Rastrigin {
    fn value(&self, [x, y]: Point) -> f64 {
        2.0 * A + (term(x) + term(y))
    }
    fn gradient(&self, p: Point) -> Point {
        p.map(|t| 2.0 * t + TAU * A * sin(TAU * t))
    }
    fn hessian(&self, [x, y]: Point) -> Matrix {
        [
            [2.0 + FOUR_PI_SQUARED * A * cos(TAU * x), 0.0],
            [0.0, 2.0 + FOUR_PI_SQUARED * A * cos(TAU * y)],
        ]
    }
    /// The value along a row, with the y term computed once: half the cosines.
    fn values_along_x(&self, xs: &[f64], y: f64, out: &mut Vec<f64>) {
        let gy = term(y);
        out.extend(xs.iter().map(|&x| 2.0 * A + (term(x) + gy)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argmin_testfunctions::{
        rastrigin_a, rastrigin_a_derivative_const, rastrigin_a_hessian_const,
    };

    /// argmin's functions with std's sine and cosine: ours agree to rounding (and bit for bit
    /// wherever std's are correctly rounded, which they mostly are).
    #[test]
    fn agrees_with_argmin() {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(1.0);
        for &p in &[
            [2.8, 3.3],
            [0.0, 0.0],
            [-4.99, 0.51],
            [1e-9, -2.25],
            [5.12, -5.12],
        ] {
            assert!(close(Rastrigin.value(p), rastrigin_a(&p, A)), "{p:?}");
            let (g, h) = (Rastrigin.gradient(p), Rastrigin.hessian(p));
            let (ga, ha) = (
                rastrigin_a_derivative_const(&p, A),
                rastrigin_a_hessian_const::<2, f64>(&p, A),
            );
            for i in 0..2 {
                assert!(close(g[i], ga[i]), "{p:?}: {g:?} against {ga:?}");
                for j in 0..2 {
                    assert!(close(h[i][j], ha[i][j]), "{p:?}: {h:?} against {ha:?}");
                }
            }
        }
    }
}
