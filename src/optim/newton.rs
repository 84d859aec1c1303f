//! Damped Newton's method: `x <- x - lr * (H + damping*I)^-1 g`, with the exact Hessian.
//!
//! The system is solved by Cholesky factorization, which is also the test of positive
//! definiteness. **Fallback:** when `H + damping*I` is not positive definite (a saddle, a
//! maximum, a flat direction), Newton's step would point uphill or be undefined, so the step is
//! a plain gradient step `x <- x - lr * g` instead, and the inspector reports `fallback: true`.
//! torch has no Newton optimizer; the reference is this formula, re-implemented operation by
//! operation in the golden generator (tests/golden/generate.py).

use super::{Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{sliders, Hyper, Param, Range, Scale, Slider};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "newton",
    title: "Newton",
    reference: "x - lr (H + damping I)^-1 g, gradient step where not positive definite",
    params: &[
        Param::number("lr", 1.0, Range::NON_NEGATIVE, sliders::LR, "step size (1 is the full Newton step)"),
        Param::number("damping", 0.0, Range::NON_NEGATIVE, Slider { min: 0.0, max: 100.0, scale: Scale::Linear }, "added to the Hessian's diagonal"),
    ],
    needs_hessian: true,
    build: |h| Ok(Box::new(Newton::new(h))),
};

#[derive(Clone, Debug)]
pub struct Newton {
    pub lr: f64,
    pub damping: f64,
}

impl Newton {
    pub fn new(h: &Hyper) -> Newton {
        Newton { lr: h.num("lr"), damping: h.num("damping") }
    }
}

#[derive(Clone, Debug)]
pub struct NewtonState {
    pub step: u64,
    pub fallback: bool,
    pub direction: Vec<f64>,
}

/// Solves `(H + damping*I) z = g` by Cholesky; None when the matrix is not positive definite.
pub fn damped_solve(h: &[f64], damping: f64, g: &[f64]) -> Option<Vec<f64>> {
    let n = g.len();
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut sum = h[i * n + j] + if i == j { damping } else { 0.0 };
            for k in 0..j {
                sum -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                // Not positive definite, or NaN.
                if sum.is_nan() || sum <= 0.0 {
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

impl Optimizer for Newton {
    type State = NewtonState;
    const NEEDS_HESSIAN: bool = true;

    fn init(&self, p: &[f64]) -> NewtonState {
        NewtonState { step: 0, fallback: false, direction: vec![0.0; p.len()] }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut NewtonState) {
        s.step += 1;
        let hessian = d.hessian.expect("newton is only started where the Hessian is given");
        match damped_solve(hessian, self.damping, d.grad) {
            Some(z) => {
                s.fallback = false;
                s.direction = z;
            }
            None => {
                s.fallback = true;
                s.direction = d.grad.to_vec();
            }
        }
        for (x, z) in p.iter_mut().zip(&s.direction) {
            *x += -self.lr * z;
        }
    }

    fn inspect(&self, s: &NewtonState) -> Vec<Entry> {
        vec![Entry::int("step", s.step), Entry::flag("fallback", s.fallback), Entry::vector("direction", &s.direction)]
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
    }

    #[test]
    fn rejects_indefinite_and_nan_and_damping_repairs() {
        let h = [1.0, 0.0, 0.0, -1.0];
        assert!(damped_solve(&h, 0.0, &[1.0, 1.0]).is_none());
        assert!(damped_solve(&h, 2.0, &[1.0, 1.0]).is_some());
        assert!(damped_solve(&[f64::NAN, 0.0, 0.0, 1.0], 0.0, &[1.0, 1.0]).is_none());
    }
}
