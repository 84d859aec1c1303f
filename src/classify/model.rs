//! Classifiers on flat parameter vectors, with softmax cross-entropy and exact gradients.
//!
//! `Linear`: z = W x + b (W is classes x features). `Mlp`: z = W2 relu(W1 x + b1) + b2. Parameters
//! are one flat `Vec<f64>` (weights row-major, then biases, layer by layer) so that any optimizer
//! of [`crate::optim`] can step them. The loss is the mean over the batch of
//! `logsumexp(z) - z_label` (torch's `CrossEntropyLoss`); gradients are derived by hand and
//! property-tested against central differences.

use crate::math::{exp, ln};
use crate::optim::lanes::{self, Lanes};
use crate::optim::Tensor;
use serde::{Deserialize, Serialize};

/// splitmix64: a tiny, well-mixed generator, identical natively and in wasm.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    /// Linear 64 -> 10, seed 000's model.
    Linear,
    /// 64 -> 32 -> 10 with ReLU, seed 003's shape sized for digits.
    Mlp,
}

impl Architecture {
    /// Its name in a training spec: "linear", "mlp".
    pub fn name(self) -> &'static str {
        match self {
            Architecture::Linear => "linear",
            Architecture::Mlp => "mlp",
        }
    }
}

/// A model's shape: input features, hidden units (none for linear), classes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Model {
    pub inputs: usize,
    pub hidden: Option<usize>,
    pub classes: usize,
}

/// The widest layer the stack buffers hold (hidden units, classes).
const MAX_UNITS: usize = 64;

/// One dense layer's (fan_in, fan_out).
type Layer = (usize, usize);

impl Model {
    pub fn new(arch: Architecture, inputs: usize, classes: usize) -> Model {
        let hidden = match arch {
            Architecture::Linear => None,
            Architecture::Mlp => Some(32),
        };
        assert!(classes <= MAX_UNITS, "at most {MAX_UNITS} classes");
        Model {
            inputs,
            hidden,
            classes,
        }
    }

    fn layers(&self) -> Vec<Layer> {
        match self.hidden {
            None => vec![(self.inputs, self.classes)],
            Some(h) => vec![(self.inputs, h), (h, self.classes)],
        }
    }

    /// The parameters tensor by tensor, as torch's `model.parameters()` gives them: each
    /// layer's weight (`out x in`), then its bias.
    pub fn tensors(&self) -> Vec<Tensor> {
        self.layers()
            .into_iter()
            .flat_map(|(fan_in, fan_out)| {
                [
                    Tensor::Matrix {
                        rows: fan_out,
                        cols: fan_in,
                    },
                    Tensor::Vector(fan_out),
                ]
            })
            .collect()
    }

    pub fn n_params(&self) -> usize {
        self.layers().iter().map(|(i, o)| i * o + o).sum()
    }

    /// torch.nn.Linear's default initialization, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights
    /// and biases, from a seeded generator: every racer starts from the same weights.
    pub fn init(&self, seed: u64) -> Vec<f64> {
        let mut rng = Rng::new(seed);
        let mut params = Vec::with_capacity(self.n_params());
        for (fan_in, fan_out) in self.layers() {
            let bound = 1.0 / (fan_in as f64).sqrt();
            for _ in 0..fan_in * fan_out + fan_out {
                params.push((2.0 * rng.uniform() - 1.0) * bound);
            }
        }
        params
    }

    /// Logits for one input into `logits`; `pre` receives the hidden pre-activations.
    fn forward(&self, params: &[f64], x: &[f64], pre: &mut [f64], logits: &mut [f64]) {
        match self.hidden {
            None => dense(params, 0, x, logits),
            Some(h) => {
                dense(params, 0, x, pre);
                let second = self.inputs * h + h;
                let mut act = [0.0; MAX_UNITS];
                for (a, &p) in act.iter_mut().zip(pre.iter()) {
                    *a = p.max(0.0);
                }
                dense(params, second, &act[..h], logits);
            }
        }
    }

    /// Mean cross-entropy over the batch; writes its gradient into `grad`. No allocation: the
    /// per-sample buffers live on the stack (a training step calls this once).
    pub fn loss_grad(&self, params: &[f64], xs: &[f64], ys: &[u8], grad: &mut [f64]) -> f64 {
        grad.iter_mut().for_each(|g| *g = 0.0);
        let n = ys.len();
        let inv = 1.0 / n as f64;
        let h = self.hidden.unwrap_or(0);
        let (mut pre, mut logits) = ([0.0; MAX_UNITS], [0.0; MAX_UNITS]);
        let (pre, dz) = (&mut pre[..h], &mut logits[..self.classes]);
        let mut total = 0.0;
        for (x, &y) in xs.chunks_exact(self.inputs).zip(ys) {
            self.forward(params, x, pre, dz);
            let loss = softmax_cross_entropy(dz, y as usize);
            total += loss;
            dz.iter_mut().for_each(|d| *d *= inv);
            if h == 0 {
                accumulate_layer(grad, 0, x, dz);
            } else {
                let mut act = [0.0; MAX_UNITS];
                for (a, &v) in act.iter_mut().zip(pre.iter()) {
                    *a = v.max(0.0);
                }
                let second = self.inputs * h + h;
                accumulate_layer(grad, second, &act[..h], dz);
                let w2 = &params[second..second + h * self.classes];
                let mut dpre = [0.0; MAX_UNITS];
                for (j, d) in dpre[..h].iter_mut().enumerate() {
                    if pre[j] > 0.0 {
                        *d = (0..self.classes).map(|o| w2[o * h + j] * dz[o]).sum();
                    }
                }
                accumulate_layer(grad, 0, x, &dpre[..h]);
            }
        }
        total * inv
    }

    pub fn predict(&self, params: &[f64], x: &[f64]) -> usize {
        let (mut pre, mut logits) = ([0.0; MAX_UNITS], [0.0; MAX_UNITS]);
        let logits = &mut logits[..self.classes];
        self.forward(params, x, &mut pre[..self.hidden.unwrap_or(0)], logits);
        argmax(logits)
    }

    /// Fraction of `ys` predicted right.
    pub fn accuracy(&self, params: &[f64], xs: &[f64], ys: &[u8]) -> f64 {
        let right = xs
            .chunks_exact(self.inputs)
            .zip(ys)
            .filter(|(x, &y)| self.predict(params, x) == y as usize)
            .count();
        right as f64 / ys.len().max(1) as f64
    }
}

/// `a · b` as four running sums (of the terms `i mod 4`, [`lanes::dot4`]) added at the end:
/// four short chains of additions instead of one long one, 3x faster, and the same order
/// natively and in wasm.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let body = n - n % 4;
    let [s0, s1, s2, s3] = lanes::dot4(&a[..body], &b[..body]);
    let tail: f64 = a[body..n].iter().zip(&b[body..n]).map(|(x, y)| x * y).sum();
    (s0 + s1) + (s2 + s3) + tail
}

fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// One dense layer `out = W x + b` with W, b at `offset` in `params`.
fn dense(params: &[f64], offset: usize, x: &[f64], out: &mut [f64]) {
    let fan_in = x.len();
    let (w, b) = params[offset..offset + out.len() * (fan_in + 1)].split_at(out.len() * fan_in);
    for ((z, row), &bias) in out.iter_mut().zip(w.chunks_exact(fan_in)).zip(b) {
        *z = dot(row, x) + bias;
    }
}

/// Returns `logsumexp(z) - z[y]` and overwrites `z` with its gradient `softmax(z) - onehot(y)`;
/// stable for large logits.
pub fn softmax_cross_entropy(z: &mut [f64], y: usize) -> f64 {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let zy = z[y];
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = exp(*v - max);
        sum += *v;
    }
    z.iter_mut().for_each(|v| *v /= sum);
    z[y] -= 1.0;
    ln(sum) + max - zy
}

/// `logsumexp(z) - z[y]`, the cross-entropy of logits `z` for label `y`, without the gradient:
/// the same operations as [`softmax_cross_entropy`]'s result, so the same bits.
pub fn cross_entropy(z: &[f64], y: usize) -> f64 {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for &v in z {
        sum += exp(v - max);
    }
    ln(sum) + max - z[y]
}

/// Adds the gradient of one dense layer, `dW += dz x'`, `db += dz`, at `offset` in `grad`.
fn accumulate_layer(grad: &mut [f64], offset: usize, x: &[f64], dz: &[f64]) {
    let fan_in = x.len();
    let (w, b) =
        grad[offset..offset + dz.len() * fan_in + dz.len()].split_at_mut(dz.len() * fan_in);
    for ((row, &d), bias) in w.chunks_exact_mut(fan_in).zip(dz).zip(b) {
        if d != 0.0 {
            crate::each_lane!(fan_in, |i, L| (L::load(row, i)
                + L::splat(d) * L::load(x, i))
            .store(row, i));
        }
        *bias += d;
    }
}

/// Whether every value is finite (no NaN, no infinity): one pass with no early exit or branch,
/// cheaper than `iter().all(is_finite)` on the 650 weights checked after every step.
pub fn all_finite(values: &[f64]) -> bool {
    const EXPONENT: u64 = 0x7ff0_0000_0000_0000;
    values.iter().fold(0u64, |bad, v| {
        bad | u64::from(v.to_bits() & EXPONENT == EXPONENT)
    }) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_gradient(model: Model, seed: u64) {
        let params = model.init(seed);
        let mut rng = Rng::new(seed + 100);
        let xs: Vec<f64> = (0..3 * model.inputs).map(|_| rng.uniform() * 4.0).collect();
        let ys = [1u8, 0, 2];
        let mut grad = vec![0.0; params.len()];
        model.loss_grad(&params, &xs, &ys, &mut grad);
        let mut scratch = vec![0.0; params.len()];
        for i in (0..params.len()).step_by(7) {
            let h = 1e-6;
            let (mut up, mut down) = (params.clone(), params.clone());
            up[i] += h;
            down[i] -= h;
            let fd = (model.loss_grad(&up, &xs, &ys, &mut scratch)
                - model.loss_grad(&down, &xs, &ys, &mut scratch))
                / (2.0 * h);
            assert!(
                (fd - grad[i]).abs() < 1e-7 * (1.0 + fd.abs()),
                "param {i}: analytic {} vs central {fd}",
                grad[i]
            );
        }
    }

    #[test]
    fn gradients_match_central_differences() {
        for seed in 0..5 {
            check_gradient(Model::new(Architecture::Linear, 6, 3), seed);
            check_gradient(Model::new(Architecture::Mlp, 6, 3), seed);
        }
    }

    #[test]
    fn init_is_seeded_and_bounded_like_torch() {
        let m = Model::new(Architecture::Linear, 64, 10);
        let (a, b) = (m.init(0), m.init(0));
        assert_eq!(a, b);
        assert_ne!(a, m.init(1));
        assert_eq!(a.len(), 650);
        assert!(a.iter().all(|w| w.abs() <= 0.125));
    }

    #[test]
    fn cross_entropy_is_stable_for_huge_logits() {
        let mut z = [1e300, 0.0, -1e300];
        let loss = softmax_cross_entropy(&mut z, 1);
        assert_eq!(loss, 1e300);
        assert!(z.iter().all(|g| g.is_finite()));
    }
}
