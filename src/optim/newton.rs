//! Newton's method: `x <- x - lr * (H + damping*I)^-1 g`, with the exact Hessian.
//!
//! Where `H + damping*I` is positive definite, the step heads for the minimum of the local
//! quadratic model. Elsewhere (a saddle, a maximum, a flat direction) the model has no minimum,
//! and `fallback` says what happens:
//! - `"gradient"` (the default, a safeguard): a plain gradient step `x <- x - lr * g`; the
//!   inspector reports `fallback: true`.
//! - `null` (textbook Newton): the system is solved whatever the signs of the curvatures, so the
//!   step heads for the nearest critical point of the model, a saddle or a maximum too. Where
//!   the matrix is singular there is no step: the racer stops there, with status `singular`.
//!
//! A matrix counts as singular when a pivot of its factorization is at most n·ε times its
//! largest entry: no significant bit of it is left, and the step would be rounding noise
//! divided by it. Positive definiteness is tested by Cholesky factorization (which also solves
//! the system); textbook Newton solves by Gaussian elimination with partial pivoting. torch has
//! no Newton optimizer; the reference is this formula, re-implemented operation by operation in
//! the golden generator (tests/golden/generate.py).

use super::{Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{sliders, Hyper, Param, Range, Spacing, Slider};
use super::explain::{common, downhill, flag, vector, PieceInfo, Space, Value};
use super::{Quantity, STEP};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "newton",
    title: "Newton",
    reference: "x - lr (H + damping I)^-1 g; where not positive definite, a gradient step or (fallback null) textbook Newton",
    params: &[
        Param::number("lr", 1.0, Range::NON_NEGATIVE, sliders::LR, "step size (1 is the full Newton step)")
        .tip("how much of the Newton step to take: 1 jumps to the lowest point of the local bowl"),
        Param::number("damping", 0.0, Range::NON_NEGATIVE, Slider { min: 0.0, max: 100.0, spacing: Spacing::Linear }, "added to the Hessian's diagonal")
        .tip("added to every curvature: larger damping, shorter steps that lean toward the gradient's direction"),
        Param::choice(
            "fallback",
            Some(GRADIENT),
            &[GRADIENT],
            true,
            "where H + damping·I is not positive definite: \"gradient\" takes a gradient step (a safeguard); none (null) is textbook Newton, drawn to saddles and maxima, and stops where the Hessian is singular",
        )
        .tip("what to do where the surface is not a bowl (a saddle, a hilltop): a plain gradient step, or (null) Newton's step anyway")
        .key(),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: true,
    build: |h| Ok(Box::new(Newton::new(h))),
};

/// The `fallback` that takes a gradient step.
const GRADIENT: &str = "gradient";

#[derive(Clone, Debug)]
pub struct Newton {
    pub lr: f64,
    pub damping: f64,
    /// Where the matrix is not positive definite: a gradient step (true) or textbook Newton.
    pub gradient_fallback: bool,
}

impl Newton {
    pub fn new(h: &Hyper) -> Newton {
        Newton { lr: h.num("lr"), damping: h.num("damping"), gradient_fallback: h.choice("fallback") == Some(GRADIENT) }
    }
}

#[derive(Clone, Debug)]
pub struct NewtonState {
    pub step: u64,
    /// Whether `H + damping*I` was positive definite at the last step.
    pub positive_definite: bool,
    /// Whether the last step was a gradient step (the safeguard).
    pub fallback: bool,
    /// Whether the last step had no direction: textbook Newton at a singular matrix.
    pub singular: bool,
    pub direction: Vec<f64>,
}

/// `H + damping*I` (row-major n x n) and the size below which its pivots count as zero: n·ε
/// times its largest entry.
fn damped(h: &[f64], damping: f64, n: usize) -> (Vec<f64>, f64) {
    let mut a = h.to_vec();
    for i in 0..n {
        a[i * n + i] += damping;
    }
    let largest = a.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    (a, n as f64 * f64::EPSILON * largest)
}

/// Solves `(H + damping*I) z = g` by Cholesky; None when the matrix is not positive definite
/// (or is singular, or holds NaN).
pub fn damped_solve(h: &[f64], damping: f64, g: &[f64]) -> Option<Vec<f64>> {
    let n = g.len();
    let (a, tiny) = damped(h, damping, n);
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut sum = a[i * n + j];
            for k in 0..j {
                sum -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                // Not positive definite, singular, or NaN.
                if sum.is_nan() || sum <= tiny {
                    return None;
                }
                l[i * n + i] = sum.sqrt();
            } else {
                l[i * n + j] = sum / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut sum = g[i];
        for k in 0..i {
            sum -= l[i * n + k] * y[k];
        }
        y[i] = sum / l[i * n + i];
    }
    let mut z = vec![0.0; n];
    for i in (0..n).rev() {
        let mut sum = y[i];
        for k in i + 1..n {
            sum -= l[k * n + i] * z[k];
        }
        z[i] = sum / l[i * n + i];
    }
    Some(z)
}

/// Solves `(H + damping*I) z = g` for any matrix that is not singular, by Gaussian elimination
/// with partial pivoting (the first largest pivot); None when it is singular (or holds NaN).
pub fn general_solve(h: &[f64], damping: f64, g: &[f64]) -> Option<Vec<f64>> {
    let n = g.len();
    let (mut a, tiny) = damped(h, damping, n);
    let mut b = g.to_vec();
    for k in 0..n {
        let mut p = k;
        for i in k + 1..n {
            if a[i * n + k].abs() > a[p * n + k].abs() {
                p = i;
            }
        }
        let pivot = a[p * n + k].abs();
        if pivot.is_nan() || pivot <= tiny {
            return None;
        }
        if p != k {
            for j in 0..n {
                a.swap(p * n + j, k * n + j);
            }
            b.swap(p, k);
        }
        for i in k + 1..n {
            let f = a[i * n + k] / a[k * n + k];
            for j in k + 1..n {
                a[i * n + j] -= f * a[k * n + j];
            }
            b[i] -= f * b[k];
        }
    }
    let mut z = vec![0.0; n];
    for i in (0..n).rev() {
        let mut sum = b[i];
        for j in i + 1..n {
            sum -= a[i * n + j] * z[j];
        }
        z[i] = sum / a[i * n + i];
    }
    Some(z)
}

const STATE: &[Quantity] = &[
    STEP,
    Quantity { name: "positive_definite", tip: "whether the surface curved up in every direction at the last step (H + damping·I positive definite): a bowl" },
    Quantity { name: "fallback", tip: "whether the last step was the safeguard's plain gradient step (the surface was no bowl there)" },
    Quantity { name: "singular", tip: "whether textbook Newton found no step (a flat direction): it stops there" },
    Quantity { name: "direction", tip: "the last direction: the gradient divided by the curvature, (H + damping·I)⁻¹g (the fallback: g)" },
];

const BOWL: PieceInfo = PieceInfo::scalar(
    "positive_definite",
    "a bowl",
    "whether the surface here curves up in every direction (H + λI positive definite): only then has its quadratic model a lowest point",
);
const NEWTON: PieceInfo = PieceInfo::arrow(
    "newton",
    "−(H + λI)⁻¹g",
    Space::Step,
    "Newton's direction: the gradient divided by the curvature, straight at the local model's lowest point (off a bowl: its saddle or top)",
);
const FALLBACK: PieceInfo = PieceInfo::arrow(
    "fallback",
    "−g",
    Space::Step,
    "the fallback: the surface is no bowl here, so a plain gradient step (the gradient taken as a displacement)",
);
const MODEL: PieceInfo = PieceInfo::point(
    "model",
    "x − (H + λI)⁻¹g",
    "where the local quadratic model is lowest (off a bowl: its saddle or top); lr = 1 lands here",
);

const PIECES: &[PieceInfo] =
    &[common::GRADIENT, BOWL, NEWTON, FALLBACK, MODEL, PieceInfo::step("the step: lr times Newton's direction (or the fallback's)")];

impl Optimizer for Newton {
    type State = NewtonState;
    const NEEDS_HESSIAN: bool = true;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> NewtonState {
        NewtonState { step: 0, positive_definite: false, fallback: false, singular: false, direction: vec![0.0; p.len()] }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut NewtonState) {
        s.step += 1;
        let hessian = d.hessian.expect("newton is only started where the Hessian is given");
        let cholesky = damped_solve(hessian, self.damping, d.grad);
        s.positive_definite = cholesky.is_some();
        let direction = match cholesky {
            Some(z) => Some(z),
            None if self.gradient_fallback => Some(d.grad.to_vec()),
            None => general_solve(hessian, self.damping, d.grad),
        };
        s.fallback = !s.positive_definite && self.gradient_fallback;
        s.singular = direction.is_none();
        let Some(z) = direction else { return };
        s.direction = z;
        for (x, z) in p.iter_mut().zip(&s.direction) {
            *x += -self.lr * z;
        }
    }

    fn inspect(&self, s: &NewtonState) -> Vec<Entry> {
        let mut entries = vec![Entry::int("step", s.step), Entry::flag("positive_definite", s.positive_definite)];
        if self.gradient_fallback {
            entries.push(Entry::flag("fallback", s.fallback));
        } else {
            entries.push(Entry::flag("singular", s.singular));
        }
        entries.push(Entry::vector("direction", &s.direction));
        entries
    }

    fn undefined(&self, s: &NewtonState) -> bool {
        s.singular
    }

    fn explain(&self, _before: &NewtonState, after: &NewtonState, p: &[f64], d: &Derivatives) -> Vec<Value> {
        let mut out = vec![downhill(common::GRADIENT.key, d.grad), flag(BOWL.key, after.positive_definite)];
        if after.singular {
            return out;
        }
        let z = &after.direction;
        if after.fallback {
            out.push(downhill(FALLBACK.key, z));
        } else {
            out.push(downhill(NEWTON.key, z));
            out.push(vector(MODEL.key, p.iter().zip(z).map(|(x, z)| x - z).collect()));
        }
        out
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_positive_definite_system() {
        let h = [4.0, 1.0, 1.0, 3.0];
        let z = damped_solve(&h, 0.0, &[1.0, 2.0]).unwrap();
        assert!((4.0 * z[0] + z[1] - 1.0).abs() < 1e-15 && (z[0] + 3.0 * z[1] - 2.0).abs() < 1e-15);
        assert_eq!(general_solve(&h, 0.0, &[1.0, 2.0]).unwrap().len(), 2);
    }

    #[test]
    fn rejects_indefinite_and_nan_and_damping_repairs() {
        let h = [1.0, 0.0, 0.0, -1.0];
        assert!(damped_solve(&h, 0.0, &[1.0, 1.0]).is_none());
        assert!(damped_solve(&h, 2.0, &[1.0, 1.0]).is_some());
        assert!(damped_solve(&[f64::NAN, 0.0, 0.0, 1.0], 0.0, &[1.0, 1.0]).is_none());
        // Textbook Newton solves the indefinite system: on f = (x² - y²)/2 it jumps to the saddle.
        assert_eq!(general_solve(&h, 0.0, &[0.5, -0.25]), Some(vec![0.5, 0.25]));
        assert!(general_solve(&[f64::NAN, 0.0, 0.0, 1.0], 0.0, &[1.0, 1.0]).is_none());
    }

    #[test]
    fn a_numerically_singular_matrix_is_singular() {
        // sin(x) cos(y) at (1.9, 1.9): every entry of the Hessian is sin(1.9) cos(1.9) up to
        // sign; its determinant is rounding noise, and Newton's step would be that noise's
        // reciprocal.
        let c = -(crate::math::sin(1.9) * crate::math::cos(1.9));
        let h = [c, c, c, c];
        assert!(damped_solve(&h, 0.0, &[0.3, -0.1]).is_none());
        assert!(general_solve(&h, 0.0, &[0.3, -0.1]).is_none());
        assert!(general_solve(&[0.0, 1.0, 1.0, 0.0], 0.0, &[1.0, 2.0]).is_some(), "a zero on the diagonal is pivoted away");
        assert!(general_solve(&[0.0; 4], 0.0, &[1.0, 2.0]).is_none());
    }
}
