//! Muon, as `torch.optim.Muon`: momentum (Nesterov's by default), then the update
//! orthogonalized by five Newton–Schulz iterations in bfloat16, with decoupled weight decay.
//! torch's Muon takes matrices only: on a landscape the point is one parameter of shape (1, 2),
//! a row, whose orthogonalization is its direction, about unit length; in a classifier the
//! weight matrices are Muon's and the biases are stepped by AdamW, as torch's documentation
//! has it ("use a standard optimizer such as AdamW for biases"): torch.optim.AdamW at the
//! racer's learning rate, its own defaults otherwise.
//!
//! Traps this file keeps (torch 2.15 on x86-64): the update goes float64 → float32 → bfloat16
//! (two roundings); norms, sums and quotients are float32 with one bfloat16 rounding each;
//! inside `addmm` the product `s·s` is not rounded before `b·s + c·s·s`. A float64 version is
//! off by up to 2e-2 on a row (2000 random rows), and rounding `s·s` to bfloat16 too changes 12 %
//! of a hundred thousand rows (this version matches torch on all of them). The adjusted rate of a (1, 2)
//! row is lr ("original"), 0.2·√2·lr ("match_rms_adamw") or lr/√2 ("spectral_unclamped").

use super::adam::{Adam, AdamState};
use super::{add, lerp, params, Derivatives, Entry, Optimizer, OptimizerInfo, Tensor};
use crate::schema::{sliders, Hyper, Item, ItemTip, Param, Range, Spacing, Slider};
use super::explain::{self, common, downhill, vector, PieceInfo, Space, Value};
use super::{Quantity, STEP};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "muon",
    title: "Muon",
    reference: "torch.optim.Muon",
    params: &[
        params::lr(1e-3),
        params::weight_decay(0.1).tip(params::DECOUPLED_TIP),
        Param::number("momentum", 0.95, Range::NON_NEGATIVE, sliders::MOMENTUM, "momentum factor")
        .tip("how much of the past gradients the update keeps (0.95: about the last 20 steps)"),
        Param::flag("nesterov", true, "use Nesterov momentum")
        .tip("look ahead: orthogonalize the gradient blended toward the momentum, not the momentum alone"),
        Param::tuple(
            "ns_coefficients",
            &[Some(3.4445), Some(-4.775), Some(2.0315)],
            &[NS_COEFFICIENT, NS_COEFFICIENT, NS_COEFFICIENT],
            "(a, b, c) of the Newton-Schulz polynomial a X + b (X Xᵀ) X + c (X Xᵀ)² X",
        )
        .tip("the polynomial that turns the update into an orthogonal one (for a point: its direction at about unit length)")
        .item_tips(&[ItemTip { symbol: "a", tip: "the polynomial's linear term" }, ItemTip { symbol: "b", tip: "its cubic term" }, ItemTip { symbol: "c", tip: "its fifth-power term" }]),
        Param::number("eps", 1e-7, Range::NON_NEGATIVE, sliders::EPS, "floor of the update's norm")
        .tip("a tiny floor under the update's length, so a zero update is not divided by zero"),
        Param::integer("ns_steps", Some(5), Range::closed(0.0, 99.0), Slider { min: 0.0, max: 20.0, spacing: Spacing::Linear }, false, "Newton-Schulz iterations")
        .tip("how many rounds of the polynomial orthogonalize the update: more rounds, closer to orthogonal"),
        Param::choice(
            "adjust_lr_fn",
            None,
            &["original", "match_rms_adamw", "spectral_unclamped"],
            true,
            "rate for a rows x cols matrix: original (null) lr sqrt(max(1, rows/cols)), match_rms_adamw 0.2 lr sqrt(max(rows, cols)), spectral_unclamped lr sqrt(rows/cols)",
        )
        .tip("how the learning rate scales with a weight matrix's shape (a point is one row: lr, 0.28 lr or 0.71 lr)"),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(Muon::new(h))),
};

const NS_COEFFICIENT: Item = Item { range: Range::ANY, slider: Slider { min: -10.0, max: 10.0, spacing: Spacing::Linear }, nullable: false };

#[derive(Clone, Debug)]
pub struct Muon {
    pub lr: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub nesterov: bool,
    pub ns_coefficients: [f64; 3],
    pub eps: f64,
    pub ns_steps: usize,
    pub adjust_lr_fn: Option<&'static str>,
}

impl Muon {
    pub fn new(h: &Hyper) -> Muon {
        let c = h.tuple("ns_coefficients");
        Muon {
            lr: h.num("lr"),
            weight_decay: h.num("weight_decay"),
            momentum: h.num("momentum"),
            nesterov: h.flag("nesterov"),
            ns_coefficients: [0, 1, 2].map(|i| c[i].unwrap_or(f64::NAN)),
            eps: h.num("eps"),
            ns_steps: h.int("ns_steps") as usize,
            adjust_lr_fn: h.choice("adjust_lr_fn"),
        }
    }

    /// torch's `_adjust_lr` for a `rows x cols` matrix.
    fn adjusted_lr(&self, rows: usize, cols: usize) -> f64 {
        let (a, b) = (rows as f64, cols as f64);
        let ratio = match self.adjust_lr_fn {
            Some("match_rms_adamw") => 0.2 * a.max(b).sqrt(),
            Some("spectral_unclamped") => (a / b).sqrt(),
            // Python's max(1, A / B): 1 unless A / B > 1.
            _ => (if a / b > 1.0 { a / b } else { 1.0 }).sqrt(),
        };
        self.lr * ratio
    }

    /// AdamW for a classifier's biases: torch.optim.AdamW's defaults at Muon's rate.
    fn adamw(&self) -> Adam {
        Adam { lr: self.lr, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-2, amsgrad: false, decoupled_weight_decay: true }
    }
}

#[derive(Clone, Debug)]
pub struct MuonState {
    pub step: u64,
    pub momentum_buffer: Vec<f64>,
    /// The last orthogonalized update.
    pub update: Vec<f64>,
    /// The matrices Muon steps, with their offsets in the parameters.
    matrices: Vec<(usize, usize, usize)>,
    /// The biases' offsets and lengths, and AdamW's state for them (gathered in that order).
    biases: Vec<(usize, usize)>,
    adamw: Option<AdamState>,
}

const STATE: &[Quantity] = &[
    STEP,
    Quantity { name: "momentum_buffer", tip: "memory of the gradient's direction: the running average of gradients (momentum)" },
    Quantity { name: "update", tip: "the last update after orthogonalization: for a point, its direction at about unit length" },
];

const BUFFER: PieceInfo = PieceInfo::arrow(
    "momentum_buffer",
    "−b",
    Space::Gradient,
    "memory of the gradient's direction: the running average of gradients (momentum)",
);
const NESTEROV: PieceInfo =
    PieceInfo::arrow("nesterov", "−u", Space::Gradient, "Nesterov's look ahead: the gradient blended toward the running average");
const ORTHOGONAL: PieceInfo = PieceInfo::arrow(
    "orthogonal",
    "−lr·O",
    Space::Step,
    "the update orthogonalized by the Newton–Schulz polynomial (for a point: its direction at about unit length), times lr",
);

const PIECES: &[PieceInfo] = &[
    common::GRADIENT,
    BUFFER,
    NESTEROV,
    ORTHOGONAL,
    common::DECOUPLED,
    PieceInfo::step("the step: the weights shrink, then −lr·O: about lr long whatever the gradient's size"),
];

impl Optimizer for Muon {
    type State = MuonState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> MuonState {
        // A landscape's point: one row, shape (1, n).
        self.init_model(p, &[Tensor::Matrix { rows: 1, cols: p.len() }])
    }

    fn init_model(&self, p: &[f64], tensors: &[Tensor]) -> MuonState {
        let (mut matrices, mut biases, mut offset) = (Vec::new(), Vec::new(), 0);
        for t in tensors {
            match *t {
                Tensor::Matrix { rows, cols } => matrices.push((offset, rows, cols)),
                Tensor::Vector(n) => biases.push((offset, n)),
            }
            offset += t.len();
        }
        let gathered: usize = biases.iter().map(|b| b.1).sum();
        let adamw = (!biases.is_empty()).then(|| self.adamw().init(&vec![0.0; gathered]));
        MuonState { step: 0, momentum_buffer: vec![0.0; p.len()], update: vec![0.0; p.len()], matrices, biases, adamw }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut MuonState) {
        s.step += 1;
        for &(offset, rows, cols) in &s.matrices {
            let range = offset..offset + rows * cols;
            let (param, grad, buf) = (&mut p[range.clone()], &d.grad[range.clone()], &mut s.momentum_buffer[range.clone()]);
            let update: Vec<f64> = grad
                .iter()
                .zip(buf.iter_mut())
                .map(|(&g, b)| {
                    *b = lerp(*b, g, 1.0 - self.momentum);
                    if self.nesterov {
                        lerp(g, *b, self.momentum)
                    } else {
                        *b
                    }
                })
                .collect();
            let orthogonal = newton_schulz(&update, rows, cols, self.ns_coefficients, self.ns_steps, self.eps);
            let adjusted_lr = self.adjusted_lr(rows, cols);
            for (x, &o) in param.iter_mut().zip(&orthogonal) {
                *x *= 1.0 - self.lr * self.weight_decay;
                *x = add(*x, o, -adjusted_lr);
            }
            s.update[range].copy_from_slice(&orthogonal);
        }
        if let Some(state) = &mut s.adamw {
            let gather = |v: &[f64]| s.biases.iter().flat_map(|&(o, n)| v[o..o + n].to_vec()).collect::<Vec<f64>>();
            let (mut b, g) = (gather(p), gather(d.grad));
            self.adamw().update(&mut b, &Derivatives::of(&g), state);
            let mut k = 0;
            for &(o, n) in &s.biases {
                p[o..o + n].copy_from_slice(&b[k..k + n]);
                k += n;
            }
        }
    }

    fn inspect(&self, s: &MuonState) -> Vec<Entry> {
        vec![Entry::int("step", s.step), Entry::vector("momentum_buffer", &s.momentum_buffer), Entry::vector("update", &s.update)]
    }

    fn explain(&self, _before: &MuonState, after: &MuonState, p: &[f64], d: &Derivatives) -> Vec<Value> {
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        // A landscape's point is one row; a model's matrices are not drawn.
        let [(0, rows, cols)] = after.matrices[..] else { return out };
        out.push(downhill(BUFFER.key, &after.momentum_buffer));
        if self.nesterov {
            out.push(downhill(NESTEROV.key, &d.grad.iter().zip(&after.momentum_buffer).map(|(&g, &b)| lerp(g, b, self.momentum)).collect::<Vec<f64>>()));
        }
        let adjusted_lr = self.adjusted_lr(rows, cols);
        out.push(vector(ORTHOGONAL.key, after.update.iter().map(|&o| -adjusted_lr * o).collect()));
        out.extend(explain::decoupled(p, 1.0 - self.lr * self.weight_decay));
        out
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }

    fn momentum_mut(&mut self) -> Option<&mut f64> {
        Some(&mut self.momentum)
    }
}

/// `x` rounded to bfloat16 (to nearest, ties to even, as c10::BFloat16), held in an f32.
fn bf16(x: f32) -> f32 {
    if x.is_nan() {
        return x;
    }
    let bits = x.to_bits();
    f32::from_bits(bits.wrapping_add(0x7fff + ((bits >> 16) & 1)) & 0xffff_0000)
}

/// A float32 sum of products in order (ATen's bfloat16 matmul accumulates in float32).
fn dot32(terms: impl Iterator<Item = (f32, f32)>) -> f32 {
    terms.fold(0.0, |acc, (a, b)| acc + a * b)
}

/// torch.optim.Muon's `_zeropower_via_newtonschulz` of the `rows x cols` matrix `g`
/// (row-major), in bfloat16 as torch computes it on the CPU: `steps` iterations of
/// `X <- a X + (b A + c A²) X` with `A = X Xᵀ`, from `X = g / max(|g|, eps)`, on the wide
/// orientation.
pub fn newton_schulz(g: &[f64], rows: usize, cols: usize, [a, b, c]: [f64; 3], steps: usize, eps: f64) -> Vec<f64> {
    let transpose = rows > cols;
    let (m, n) = if transpose { (cols, rows) } else { (rows, cols) };
    let at = |i: usize, j: usize| if transpose { g[j * cols + i] } else { g[i * cols + j] };
    let mut x: Vec<f32> = (0..m * n).map(|k| bf16(at(k / n, k % n) as f32)).collect();
    let norm = bf16(x.iter().fold(0.0f32, |acc, v| v.mul_add(*v, acc)).sqrt());
    let floor = eps as f32;
    let norm = if norm < floor { bf16(floor) } else { norm };
    x.iter_mut().for_each(|v| *v = bf16(*v / norm));
    let (a, b, c) = (a as f32, b as f32, c as f32);
    for _ in 0..steps {
        let gram: Vec<f32> = (0..m * m).map(|k| bf16(dot32((0..n).map(|l| (x[k / m * n + l], x[k % m * n + l]))))).collect();
        let update: Vec<f32> = (0..m * m)
            .map(|k| {
                let squared = dot32((0..m).map(|l| (gram[k / m * m + l], gram[l * m + k % m])));
                bf16(b * gram[k] + c * squared)
            })
            .collect();
        x = (0..m * n)
            .map(|k| {
                let (i, j) = (k / n, k % n);
                bf16(a * x[k] + dot32((0..m).map(|l| (update[i * m + l], x[l * n + j]))))
            })
            .collect();
    }
    (0..rows * cols).map(|k| if transpose { x[(k % cols) * n + k / cols] } else { x[k] } as f64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfloat16_rounds_to_nearest_even() {
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: to the even one, 1.
        assert_eq!(bf16(1.0 + 2f32.powi(-8)), 1.0);
        assert_eq!(bf16(1.0 + 3.0 * 2f32.powi(-8)), 1.0 + 2.0 * 2f32.powi(-7));
        assert_eq!(bf16(1.0 + 2f32.powi(-8) + 2f32.powi(-20)), 1.0 + 2f32.powi(-7));
        assert!(bf16(f32::NAN).is_nan());
        assert_eq!(bf16(f32::MAX), f32::INFINITY);
    }

    #[test]
    fn a_row_is_orthogonalized_to_about_its_direction() {
        let o = newton_schulz(&[3.0, -4.0], 1, 2, [3.4445, -4.775, 2.0315], 5, 1e-7);
        let norm = (o[0] * o[0] + o[1] * o[1]).sqrt();
        assert!((0.6..1.3).contains(&norm), "{o:?}");
        assert!((o[0] / o[1] + 0.75).abs() < 0.02, "the direction of (3, -4): {o:?}");
    }

    #[test]
    fn a_tall_matrix_is_its_transpose_orthogonalized() {
        let g = [1.0, 2.0, -0.5, 0.25, 3.0, 1.5];
        let tall = newton_schulz(&g, 3, 2, [3.4445, -4.775, 2.0315], 5, 1e-7);
        let transposed = [1.0, -0.5, 3.0, 2.0, 0.25, 1.5];
        let wide = newton_schulz(&transposed, 2, 3, [3.4445, -4.775, 2.0315], 5, 1e-7);
        for i in 0..3 {
            for j in 0..2 {
                assert_eq!(tall[i * 2 + j], wide[j * 3 + i]);
            }
        }
    }
}
