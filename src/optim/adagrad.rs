//! Adagrad, as `torch.optim.Adagrad`: per-coordinate steps shrink with the running sum of
//! squared gradients, which starts at `initial_accumulator_value`.

use super::lanes::Lanes;
use super::{add, addcdiv, addcmul, params, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{sliders, Hyper, Param, Range, Spacing, Slider};
use super::explain::{self, common, downhill, number, vector, PieceInfo, Space, Value};
use super::{Quantity, STEP};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "adagrad",
    title: "Adagrad",
    reference: "torch.optim.Adagrad",
    params: &[
        params::lr(1e-2),
        Param::number("lr_decay", 0.0, Range::NON_NEGATIVE, Slider { min: 0.0, max: 0.1, spacing: Spacing::Linear }, "learning rate decay")
        .tip("shrinks the learning rate every step: lr / (1 + (t − 1) · lr_decay)"),
        params::weight_decay(0.0),
        Param::number("initial_accumulator_value", 0.0, Range::NON_NEGATIVE, sliders::UNIT, "initial value of the sum of squares")
        .tip("where the sum of squared gradients starts: above 0, the first steps are smaller"),
        params::eps(1e-10),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(Adagrad::new(h))),
};

#[derive(Clone, Debug)]
pub struct Adagrad {
    pub lr: f64,
    pub lr_decay: f64,
    pub weight_decay: f64,
    pub initial_accumulator_value: f64,
    pub eps: f64,
}

impl Adagrad {
    pub fn new(h: &Hyper) -> Adagrad {
        Adagrad {
            lr: h.num("lr"),
            lr_decay: h.num("lr_decay"),
            weight_decay: h.num("weight_decay"),
            initial_accumulator_value: h.num("initial_accumulator_value"),
            eps: h.num("eps"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct AdagradState {
    pub step: u64,
    pub sum: Vec<f64>,
    pub clr: f64,
}

const STATE: &[Quantity] = &[
    STEP,
    Quantity { name: "sum", tip: "memory of the gradient's size: the sum of every squared gradient so far (from its initial value), per coordinate" },
    Quantity { name: "clr", tip: "the learning rate after its decay, lr / (1 + (step − 1) · lr_decay)" },
];

const SUM: PieceInfo = PieceInfo::boxed(
    "sum",
    "√Σg² + ε",
    Space::Gradient,
    "memory of the gradient's size: the root of the sum of all squared gradients so far, plus ε; it only grows, so the steps only shrink",
);
const CLR: PieceInfo = PieceInfo::scalar("clr", "lr_t", "the learning rate after its decay, lr / (1 + (t − 1) · lr_decay)");

const PIECES: &[PieceInfo] =
    &[common::GRADIENT, common::L2, common::DECAYED, SUM, CLR, PieceInfo::step("the step: −lr_t times the gradient divided by the box, coordinate by coordinate")];

impl Optimizer for Adagrad {
    type State = AdagradState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> AdagradState {
        AdagradState { step: 0, sum: vec![self.initial_accumulator_value; p.len()], clr: self.lr }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut AdagradState) {
        s.step += 1;
        let step = s.step as f64;
        s.clr = self.lr / (1.0 + (step - 1.0) * self.lr_decay);
        let clr = s.clr;
        crate::each_lane!(p.len(), |i, L| {
            let param = L::load(p, i);
            let mut g = L::load(d.grad, i);
            if self.weight_decay != 0.0 {
                g = add(g, param, self.weight_decay);
            }
            let sum = addcmul(L::load(&s.sum, i), g, g, 1.0);
            sum.store(&mut s.sum, i);
            let std = sum.sqrt() + L::splat(self.eps);
            addcdiv(param, g, std, -clr).store(p, i);
        });
    }

    fn inspect(&self, s: &AdagradState) -> Vec<Entry> {
        vec![Entry::int("step", s.step), Entry::vector("sum", &s.sum), Entry::scalar("clr", s.clr)]
    }

    fn explain(&self, _before: &AdagradState, after: &AdagradState, p: &[f64], d: &Derivatives) -> Vec<Value> {
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        out.extend(explain::l2(p, d.grad, self.weight_decay));
        out.push(vector(SUM.key, after.sum.iter().map(|&s| s.sqrt() + self.eps).collect()));
        out.push(number(CLR.key, after.clr));
        out
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }
}
