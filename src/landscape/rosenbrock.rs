//! Rosenbrock's banana valley.
//!
//! f(x, y) = (a - x)^2 + b (y - x^2)^2, with a = 1, b = 100 by default.
//! Global minimum f = 0 at (a, a^2). View [-2, 2] x [-1, 3]; start (-1.2, 1), the classic one.
//! Value (written out, equal to argmin's) and gradient from `argmin_testfunctions`; the Hessian
//! is written here, since argmin 0.3.0's has `2a` where d^2/dx^2 (a - x)^2 = 2 (right only at
//! the default a = 1).

use super::{minima, Built, Landscape, LandscapeInfo, Matrix, Point, View};
use crate::math::powi;
use crate::schema::{Param, Range, Spacing, Slider};
use argmin_testfunctions::rosenbrock_ab_derivative_const;

pub static INFO: LandscapeInfo = LandscapeInfo {
    name: "rosenbrock",
    title: "Rosenbrock",
    formula: "(a - x)^2 + b (y - x^2)^2",
    params: &[
        Param::number("a", 1.0, Range::closed(-10.0, 10.0), Slider { min: -2.0, max: 2.0, spacing: Spacing::Linear }, "position of the minimum (a, a^2)")
        .tip("where the minimum is: at (a, a²)"),
        Param::number("b", 100.0, Range::closed(0.0, 1e6), Slider { min: 1.0, max: 1000.0, spacing: Spacing::Log }, "steepness of the valley walls")
        .tip("how steep the walls of the curved valley are"),
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
    /// argmin's `rosenbrock_ab` for two coordinates, written out (its generic sum over pairs is
    /// not inlined into the landscape's row sampler: the 800x800 background took ~30 % longer
    /// in wasm): the same operations, so the same bits (tested below).
    #[inline]
    fn value(&self, [x, y]: Point) -> f64 {
        let (t, u) = (self.a - x, y - x * x);
        t * t + self.b * (u * u)
    }
    fn gradient(&self, p: Point) -> Point {
        rosenbrock_ab_derivative_const(&p, self.a, self.b)
    }
    fn hessian(&self, [x, y]: Point) -> Matrix {
        // argmin's operations in argmin's order, with 2 for its 2a: bit for bit the same at a = 1.
        let b = self.b;
        let off = -4.0 * b * x;
        [[12.0 * b * powi(x, 2) - 4.0 * b * y + 2.0, off], [off, 2.0 * b]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argmin_testfunctions::rosenbrock_ab;

    #[test]
    fn value_is_argmins_bit_for_bit() {
        let coords = [0.0, -0.0, 1.0, -1.2, 0.3, 1e-8, -3.7e5, 2.5e150, f64::MAX, f64::INFINITY, f64::NAN, 1.0 / 3.0];
        for (a, b) in [(1.0, 100.0), (-2.5, 0.0), (0.7, 1e6), (1e-3, 3.3)] {
            let f = Rosenbrock { a, b };
            for x in coords.iter().flat_map(|&c| [c, -c]) {
                for y in coords.iter().flat_map(|&c| [c, -c]) {
                    let (ours, theirs) = (f.value([x, y]), rosenbrock_ab(&[x, y], a, b));
                    assert!(ours.to_bits() == theirs.to_bits() || (ours.is_nan() && theirs.is_nan()), "a {a}, b {b} at ({x:e}, {y:e}): {ours:e} vs argmin's {theirs:e}");
                }
            }
        }
    }
}
