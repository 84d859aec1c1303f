//! Adafactor, as `torch.optim.Adafactor`: Adam's second moment without its first, with a decay
//! `1 - t^beta2_decay` that grows towards 1, a relative step `max(eps2, RMS(p)) min(lr, 1/√t)`
//! and the update's RMS clipped at `d`. A matrix (in a model) keeps only the row and column
//! means of the squared gradient (factored); a vector, such as a landscape's point, keeps them
//! all.
//!
//! Traps this file keeps: `eps[0]` null means the dtype's eps (2^-52 in float64), used squared;
//! the step size uses the RMS of the weights before the decay; the decay multiplies by
//! `1 - lr weight_decay`; norms are ATen's (`sqrt(fma(y, y, x²))` for two coordinates).

use crate::math::{powf, powi};
use super::{add, lerp, norm2, Derivatives, Entry, Optimizer, OptimizerInfo, Tensor};
use crate::schema::{sliders, Hyper, Item, ItemTip, Param, Range, Spacing, Slider};
use super::explain::{self, common, downhill, number, vector, PieceInfo, Space, Value};
use super::{Quantity, STEP};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "adafactor",
    title: "Adafactor",
    reference: "torch.optim.Adafactor",
    params: &[
        Param::number("lr", 1e-2, Range::NON_NEGATIVE, sliders::LR, "learning rate (capped by 1/sqrt(step))")
        .tip("the relative step size, capped by 1/√t: each step is about lr times the weights' own size"),
        Param::number("beta2_decay", -0.8, Range { lo: f64::NEG_INFINITY, lo_open: true, hi: 0.0, hi_open: false }, Slider { min: -1.0, max: 0.0, spacing: Spacing::Linear }, "the second moment's weight at step t is t^beta2_decay")
        .tip("how fast the memory of the gradient's size lengthens: its newest squared gradient weighs t^beta2_decay"),
        Param::tuple(
            "eps",
            &[None, Some(1e-3)],
            &[
                Item { range: Range::NON_NEGATIVE, slider: sliders::EPS, nullable: true },
                Item { range: Range::NON_NEGATIVE, slider: sliders::EPS, nullable: false },
            ],
            "[eps1, eps2]: eps1 (null: the dtype's eps) floors the second moment, squared; eps2 the relative step",
        )
        .tip("two floors: under the memory of the gradient's size, and under the weights' size that sets the step")
        .item_tips(&[ItemTip { symbol: "ε1", tip: "floor under the memory of the gradient's size (null: the smallest relative step of a double, 2⁻⁵²)" }, ItemTip { symbol: "ε2", tip: "floor under the weights' size that sets the step" }]),
        Param::number("d", 1.0, Range { lo: 1.0, lo_open: false, hi: f64::INFINITY, hi_open: true }, Slider { min: 1.0, max: 10.0, spacing: Spacing::Linear }, "clipping threshold of the update's RMS")
        .tip("the largest typical size an update may have before it is scaled down"),
        params_weight_decay(),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(Adafactor::new(h))),
};

const fn params_weight_decay() -> Param {
    super::params::weight_decay(0.0).tip(super::params::DECOUPLED_TIP)
}

#[derive(Clone, Debug)]
pub struct Adafactor {
    pub lr: f64,
    pub beta2_decay: f64,
    pub eps1: f64,
    pub eps2: f64,
    pub d: f64,
    pub weight_decay: f64,
}

impl Adafactor {
    pub fn new(h: &Hyper) -> Adafactor {
        let eps = h.tuple("eps");
        Adafactor {
            lr: h.num("lr"),
            beta2_decay: h.num("beta2_decay"),
            // torch.finfo(torch.float64).eps
            eps1: eps[0].unwrap_or(f64::EPSILON),
            eps2: eps[1].unwrap_or(1e-3),
            d: h.num("d"),
            weight_decay: h.num("weight_decay"),
        }
    }
}

/// One tensor's second moment.
#[derive(Clone, Debug)]
pub enum Moment {
    /// A vector's, whole.
    Full(Vec<f64>),
    /// A `rows x cols` matrix's, factored: the mean over each row and over each column.
    Factored { rows: usize, cols: usize, row_var: Vec<f64>, col_var: Vec<f64> },
}

#[derive(Clone, Debug)]
pub struct AdafactorState {
    pub step: u64,
    /// One per tensor, in order.
    pub moments: Vec<Moment>,
}

const STATE: &[Quantity] = &[STEP, Quantity { name: "v", tip: "memory of the gradient's size: the running average of squared gradients, whose memory lengthens with the steps" }];

const V: PieceInfo = PieceInfo::boxed(
    "v",
    "√v",
    Space::Gradient,
    "memory of the gradient's size: the root of the running average of squared gradients (at least ε1)",
);
const ALPHA: PieceInfo = PieceInfo::scalar("alpha", "α", "the step's size: the weights' typical size (at least ε2) times min(lr, 1/√t)");
const CLIP: PieceInfo = PieceInfo::scalar("clip", "RMS/d", "the update's typical size over d: above 1, the update is divided by it");

const PIECES: &[PieceInfo] = &[
    common::GRADIENT,
    ALPHA,
    common::DECOUPLED,
    V,
    CLIP,
    PieceInfo::step("the step: −α times the gradient divided by the box, coordinate by coordinate (divided by RMS/d when above 1)"),
];

impl Optimizer for Adafactor {
    type State = AdafactorState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> AdafactorState {
        AdafactorState { step: 0, moments: vec![Moment::Full(vec![0.0; p.len()])] }
    }

    fn init_model(&self, _p: &[f64], tensors: &[Tensor]) -> AdafactorState {
        let moments = tensors
            .iter()
            .map(|t| match *t {
                Tensor::Matrix { rows, cols } => Moment::Factored { rows, cols, row_var: vec![0.0; rows], col_var: vec![0.0; cols] },
                Tensor::Vector(n) => Moment::Full(vec![0.0; n]),
            })
            .collect();
        AdafactorState { step: 0, moments }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut AdafactorState) {
        s.step += 1;
        let step = s.step as f64;
        let one_minus_beta2_t = powf(step, self.beta2_decay);
        // Python's min(lr, x): lr unless x < lr.
        let inverse_root = 1.0 / powf(step, 0.5);
        let rho_t = if inverse_root < self.lr { inverse_root } else { self.lr };
        let mut offset = 0;
        for moment in &mut s.moments {
            let n = match moment {
                Moment::Full(v) => v.len(),
                Moment::Factored { rows, cols, .. } => *rows * *cols,
            };
            let (param, grad) = (&mut p[offset..offset + n], &d.grad[offset..offset + n]);
            offset += n;
            let root_n = powf(n as f64, 0.5);
            let rms = norm2(param) / root_n;
            let alpha = if rms > self.eps2 { rms } else { self.eps2 } * rho_t;
            if self.weight_decay != 0.0 {
                param.iter_mut().for_each(|x| *x *= 1.0 - self.lr * self.weight_decay);
            }
            let var_estimate: Vec<f64> = match moment {
                Moment::Full(variance) => {
                    for (v, g) in variance.iter_mut().zip(grad) {
                        *v = lerp(*v, g * g, one_minus_beta2_t);
                    }
                    variance.clone()
                }
                Moment::Factored { rows, cols, row_var, col_var } => factored(*rows, *cols, row_var, col_var, grad, one_minus_beta2_t, self.eps1),
            };
            let floor = self.eps1 * self.eps1;
            let update: Vec<f64> = var_estimate.iter().zip(grad).map(|(&v, &g)| 1.0 / v.max(floor).sqrt() * g).collect();
            let clipped = norm2(&update) / (root_n * self.d);
            let denom = if clipped > 1.0 { clipped } else { 1.0 };
            let scale = -alpha / denom;
            for (x, u) in param.iter_mut().zip(&update) {
                *x = add(*x, *u, scale);
            }
        }
    }

    fn inspect(&self, s: &AdafactorState) -> Vec<Entry> {
        let mut out = vec![Entry::int("step", s.step)];
        if let [Moment::Full(v)] = &s.moments[..] {
            out.push(Entry::vector("v", v));
        }
        out
    }

    fn explain(&self, _before: &AdafactorState, after: &AdafactorState, p: &[f64], d: &Derivatives) -> Vec<Value> {
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        // A landscape's point is one vector; a model's factored matrices are not drawn.
        let [Moment::Full(v)] = &after.moments[..] else { return out };
        let step = after.step as f64;
        let inverse_root = 1.0 / powf(step, 0.5);
        let rho_t = if inverse_root < self.lr { inverse_root } else { self.lr };
        let root_n = powf(p.len() as f64, 0.5);
        let rms = norm2(p) / root_n;
        out.push(number(ALPHA.key, if rms > self.eps2 { rms } else { self.eps2 } * rho_t));
        if self.weight_decay != 0.0 {
            out.extend(explain::decoupled(p, 1.0 - self.lr * self.weight_decay));
        }
        let floor = self.eps1 * self.eps1;
        let update: Vec<f64> = v.iter().zip(d.grad).map(|(&v, &g)| 1.0 / v.max(floor).sqrt() * g).collect();
        out.push(vector(V.key, v.iter().map(|&v| v.max(floor).sqrt()).collect()));
        out.push(number(CLIP.key, norm2(&update) / (root_n * self.d)));
        out
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }
}

/// A matrix's factored second moment, updated with `grad`, and the estimate it gives.
fn factored(rows: usize, cols: usize, row_var: &mut [f64], col_var: &mut [f64], grad: &[f64], weight: f64, eps1: f64) -> Vec<f64> {
    for r in 0..rows {
        let mean = powi(norm2(&grad[r * cols..(r + 1) * cols]), 2) / cols as f64;
        row_var[r] = lerp(row_var[r], mean, weight);
    }
    for c in 0..cols {
        let column: Vec<f64> = (0..rows).map(|r| grad[r * cols + c]).collect();
        let mean = powi(norm2(&column), 2) / rows as f64;
        col_var[c] = lerp(col_var[c], mean, weight);
    }
    let row_mean = row_var.iter().sum::<f64>() / rows as f64;
    let divisor = row_mean.max(eps1);
    (0..rows * cols).map(|k| row_var[k / cols] * col_var[k % cols] / divisor).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2 x 3 matrix's first step, by the factored formula written out: the second moment is the
    /// outer product of the row and column means of g², over the mean of the row means.
    #[test]
    fn a_matrix_is_factored() {
        let h = Hyper::from_fields("adafactor", INFO.params, &serde_json::Map::new()).unwrap();
        let opt = Adafactor::new(&h);
        let mut p = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let g = [0.1, -0.2, 0.3, 0.4, 0.5, -0.6];
        let mut s = opt.init_model(&p, &[Tensor::Matrix { rows: 2, cols: 3 }]);
        assert!(matches!(&s.moments[..], [Moment::Factored { rows: 2, cols: 3, .. }]));
        opt.update(&mut p, &Derivatives::of(&g), &mut s);
        let rows: Vec<f64> = (0..2).map(|r| (0..3).map(|c| g[r * 3 + c] * g[r * 3 + c]).sum::<f64>() / 3.0).collect();
        let cols: Vec<f64> = (0..3).map(|c| (0..2).map(|r| g[r * 3 + c] * g[r * 3 + c]).sum::<f64>() / 2.0).collect();
        let mean = (rows[0] + rows[1]) / 2.0;
        let update: Vec<f64> = (0..6).map(|k| g[k] / (rows[k / 3] * cols[k % 3] / mean).sqrt()).collect();
        let rms = |v: &[f64]| (v.iter().map(|x| x * x).sum::<f64>() / 6.0).sqrt();
        let start = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        // rho = min(lr, 1/sqrt(1)) = lr; alpha = max(eps2, RMS(p)) rho; the update's RMS over d = 1.
        let alpha = rms(&start) * 0.01 / rms(&update).max(1.0);
        for k in 0..6 {
            let want = start[k] - alpha * update[k];
            assert!((p[k] - want).abs() < 1e-14, "{k}: {} vs {want}", p[k]);
        }
    }
}
