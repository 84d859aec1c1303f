//! SGD with optional momentum, dampening, Nesterov momentum and weight decay, as
//! `torch.optim.SGD` (single-tensor path). The momentum buffer starts as the first gradient,
//! without dampening.

use super::lanes::Lanes;
use super::{add, params, zeros, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{sliders, Hyper, Param, Range};
use super::explain::{self, common, downhill, PieceInfo, Space, Value};
use super::{Quantity, STEP};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "sgd",
    title: "SGD",
    reference: "torch.optim.SGD",
    params: &[
        params::lr(1e-3),
        Param::number("momentum", 0.0, Range::NON_NEGATIVE, sliders::MOMENTUM, "momentum factor")
        .tip("how much of the last step's velocity carries into this one: 0.9 keeps rolling for about ten steps"),
        Param::number("dampening", 0.0, Range::UNIT, sliders::UNIT, "dampening for momentum")
        .tip("how little of the new gradient joins the velocity: 0 adds all of it, 1 none"),
        params::weight_decay(0.0),
        Param::flag("nesterov", false, "use Nesterov momentum")
        .tip("look ahead: step with the gradient plus the velocity it is about to get, not the velocity alone"),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(Sgd::new(h)?)),
};

#[derive(Clone, Debug)]
pub struct Sgd {
    pub lr: f64,
    pub momentum: f64,
    pub dampening: f64,
    pub weight_decay: f64,
    pub nesterov: bool,
}

impl Sgd {
    pub fn new(h: &Hyper) -> Result<Sgd, String> {
        let opt = Sgd {
            lr: h.num("lr"),
            momentum: h.num("momentum"),
            dampening: h.num("dampening"),
            weight_decay: h.num("weight_decay"),
            nesterov: h.flag("nesterov"),
        };
        if opt.nesterov && (opt.momentum <= 0.0 || opt.dampening != 0.0) {
            return Err("`nesterov` requires `momentum` > 0 and `dampening` = 0 (as in torch)".into());
        }
        Ok(opt)
    }
}

#[derive(Clone, Debug)]
pub struct SgdState {
    pub step: u64,
    /// None until the first step, as torch's lazily created buffer.
    pub momentum_buffer: Option<Vec<f64>>,
}

const STATE: &[Quantity] = &[STEP, Quantity { name: "momentum_buffer", tip: "velocity: the running sum of gradients that momentum carries from step to step" }];

const VELOCITY: PieceInfo = PieceInfo::arrow(
    "velocity",
    "−b",
    Space::Gradient,
    "velocity: momentum times the last velocity plus (1 − dampening) times the gradient; momentum carries the past along",
);
const NESTEROV: PieceInfo =
    PieceInfo::arrow("nesterov", "−(g + μb)", Space::Gradient, "Nesterov's look ahead: the gradient plus momentum times the new velocity");

const PIECES: &[PieceInfo] = &[
    common::GRADIENT,
    common::L2,
    common::DECAYED,
    VELOCITY,
    NESTEROV,
    PieceInfo::step("the step: lr times the last arrow before it (the gradient, the velocity or the look ahead)"),
];

impl Optimizer for Sgd {
    type State = SgdState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, _params: &[f64]) -> SgdState {
        SgdState { step: 0, momentum_buffer: None }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut SgdState) {
        s.step += 1;
        // torch creates the buffer at the first step with momentum (a scheduler may turn it on
        // later), as a copy of that step's gradient.
        let first = s.momentum_buffer.is_none();
        let mut none = Vec::new();
        let buf = if self.momentum != 0.0 { s.momentum_buffer.get_or_insert_with(|| zeros(p)) } else { &mut none };
        crate::each_lane!(p.len(), |i, L| {
            let param = L::load(p, i);
            let mut g = L::load(d.grad, i);
            if self.weight_decay != 0.0 {
                g = add(g, param, self.weight_decay);
            }
            if self.momentum != 0.0 {
                let b = if first { g } else { add(L::load(buf, i) * L::splat(self.momentum), g, 1.0 - self.dampening) };
                b.store(buf, i);
                g = if self.nesterov { add(g, b, self.momentum) } else { b };
            }
            add(param, g, -self.lr).store(p, i);
        });
    }

    fn inspect(&self, s: &SgdState) -> Vec<Entry> {
        let mut out = vec![Entry::int("step", s.step)];
        if self.momentum != 0.0 {
            if let Some(b) = &s.momentum_buffer {
                out.push(Entry::vector("momentum_buffer", b));
            }
        }
        out
    }

    fn explain(&self, _before: &SgdState, after: &SgdState, p: &[f64], d: &Derivatives) -> Vec<Value> {
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        out.extend(explain::l2(p, d.grad, self.weight_decay));
        if let (true, Some(b)) = (self.momentum != 0.0, &after.momentum_buffer) {
            out.push(downhill(VELOCITY.key, b));
            if self.nesterov {
                let g = explain::decayed(p, d.grad, self.weight_decay);
                out.push(downhill(NESTEROV.key, &g.iter().zip(b).map(|(&g, &b)| add(g, b, self.momentum)).collect::<Vec<f64>>()));
            }
        }
        out
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }

    fn momentum_mut(&mut self) -> Option<&mut f64> {
        Some(&mut self.momentum)
    }
}
