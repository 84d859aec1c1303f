//! L-BFGS, as `torch.optim.LBFGS`: one race step is one `step(closure)` call, which may
//! evaluate the objective many times (up to `max_iter` iterations and `max_eval` evaluations,
//! with or without the strong Wolfe line search). It keeps the last `history_size` pairs of
//! steps and gradient changes and turns them into an approximate inverse Hessian.
//!
//! Traps this file keeps, from torch's code: every step starts with a closure call (the race's
//! own gradient evaluation, [`Closure::loss`]); the very first iteration steps by
//! `min(1, 1/|g|_1) lr`; without a line search the last inner iteration does not evaluate again;
//! an iteration stops without moving when `g·d > -tolerance_change`; the line search uses its
//! own `tolerance_change` of 1e-9 and at most `max_eval` minus the evaluations made; with
//! `max_iter` 1 and strong_wolfe, `max_eval` is 1, and a worse trial point gives `t = 0`. torch
//! mixes Python floats and 0-d tensors, and divides a float by a tensor as `tensor.reciprocal()
//! * float` (two roundings): [`Num`] keeps track of which is which where it matters.

use super::{add, Closure, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{sliders, Hyper, Param, Range, Spacing, Slider};
use std::collections::VecDeque;
use super::explain::{common, downhill, number, PieceInfo, Value};
use super::{Quantity, STEP};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "lbfgs",
    title: "L-BFGS",
    reference: "torch.optim.LBFGS",
    params: &[
        Param::number("lr", 1.0, Range::NON_NEGATIVE, sliders::LR, "learning rate (the step length tried first)")
        .tip("the step length tried first along each direction"),
        Param::integer("max_iter", Some(20), Range::closed(1.0, 1000.0), Slider { min: 1.0, max: 100.0, spacing: Spacing::Log }, false, "iterations per step")
        .tip("how many inner iterations one step may take"),
        Param::integer("max_eval", None, Range::closed(1.0, 10_000.0), Slider { min: 1.0, max: 100.0, spacing: Spacing::Log }, true, "evaluations per step (null: max_iter * 5 / 4)")
        .tip("how many evaluations of the objective one step may make"),
        Param::number("tolerance_grad", 1e-7, Range::NON_NEGATIVE, sliders::EPS, "stop when every |gradient| is at most this")
        .tip("stop a step once the gradient is this flat in every coordinate"),
        Param::number("tolerance_change", 1e-9, Range::NON_NEGATIVE, sliders::EPS, "stop when the loss or the step changes less than this")
        .tip("stop a step once the loss or the move changes less than this"),
        Param::integer("history_size", Some(100), Range::closed(1.0, 1000.0), Slider { min: 1.0, max: 100.0, spacing: Spacing::Log }, false, "pairs of steps and gradient changes kept")
        .tip("how many recent steps it remembers to estimate the curvature"),
        Param::choice("line_search_fn", None, &["strong_wolfe"], true, "the line search (null: a fixed step of lr)")
        .tip("search along each direction for a step that lowers the loss enough (null: always step lr)"),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(Lbfgs::new(h))),
};

#[derive(Clone, Debug)]
pub struct Lbfgs {
    pub lr: f64,
    pub max_iter: i64,
    pub max_eval: i64,
    pub tolerance_grad: f64,
    pub tolerance_change: f64,
    pub history_size: usize,
    pub strong_wolfe: bool,
}

impl Lbfgs {
    pub fn new(h: &Hyper) -> Lbfgs {
        let max_iter = h.int("max_iter");
        Lbfgs {
            lr: h.num("lr"),
            max_iter,
            max_eval: h.opt_int("max_eval").unwrap_or(max_iter * 5 / 4),
            tolerance_grad: h.num("tolerance_grad"),
            tolerance_change: h.num("tolerance_change"),
            history_size: h.int("history_size") as usize,
            strong_wolfe: h.choice("line_search_fn").is_some(),
        }
    }
}

/// A number as torch's LBFGS holds it: a Python float, or a 0-d tensor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Num {
    pub v: f64,
    pub tensor: bool,
}

impl Num {
    const fn float(v: f64) -> Num {
        Num { v, tensor: false }
    }
    fn minus(self, other: Num) -> Num {
        Num { v: self.v - other.v, tensor: self.tensor || other.tensor }
    }
    fn plus(self, other: Num) -> Num {
        Num { v: self.v + other.v, tensor: self.tensor || other.tensor }
    }
    fn times(self, k: f64) -> Num {
        Num { v: self.v * k, tensor: self.tensor }
    }
}

/// Python's `max(a, b)`: `a` unless `b > a`.
fn py_max(a: Num, b: Num) -> Num {
    if b.v > a.v {
        b
    } else {
        a
    }
}

/// Python's `min(a, b)`: `a` unless `b < a`.
fn py_min(a: Num, b: Num) -> Num {
    if b.v < a.v {
        b
    } else {
        a
    }
}

/// torch's `dot` of float64 vectors (unfused products, summed in order).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).fold(0.0, |acc, (x, y)| acc + x * y)
}

/// `t.abs().max()`.
fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, x| if x.abs() > m || x.is_nan() { x.abs() } else { m })
}

#[derive(Clone, Debug)]
pub struct LbfgsState {
    /// `step(closure)` calls.
    pub step: u64,
    pub func_evals: u64,
    pub n_iter: u64,
    /// The last direction and step length.
    pub d: Vec<f64>,
    pub t: Num,
    pub old_dirs: VecDeque<Vec<f64>>,
    pub old_stps: VecDeque<Vec<f64>>,
    pub ro: VecDeque<f64>,
    pub h_diag: f64,
    pub prev_flat_grad: Vec<f64>,
    pub al: Vec<f64>,
}

/// The point `x + t d`, where the line search evaluates (torch's `_add_grad`, fused).
fn along(x: &[f64], t: f64, d: &[f64]) -> Vec<f64> {
    x.iter().zip(d).map(|(&xi, &di)| add(xi, di, t)).collect()
}

/// Evaluates the closure at `x + t d`: the loss and gradient there.
fn evaluate(c: &Closure, x: &[f64], t: Num, d: &[f64]) -> (f64, Vec<f64>) {
    let mut g = vec![0.0; x.len()];
    let loss = (c.eval)(&along(x, t.v, d), &mut g);
    (loss, g)
}

/// torch's `_cubic_interpolate`: the minimum of the cubic through two points with their
/// values and slopes, within `bounds`.
fn cubic_interpolate(x1: Num, f1: f64, g1: f64, x2: Num, f2: f64, g2: f64, bounds: Option<(Num, Num)>) -> Num {
    let (xmin, xmax) = bounds.unwrap_or(if x1.v <= x2.v { (x1, x2) } else { (x2, x1) });
    let numerator = 3.0 * (f1 - f2);
    let gap = x1.minus(x2);
    let quotient = if gap.tensor { 1.0 / gap.v * numerator } else { numerator / gap.v };
    let d1 = g1 + g2 - quotient;
    let d2_square = d1 * d1 - g1 * g2;
    if d2_square >= 0.0 {
        let d2 = d2_square.sqrt();
        let min_pos = if x1.v <= x2.v {
            x2.v - (x2.v - x1.v) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2))
        } else {
            x1.v - (x1.v - x2.v) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2))
        };
        py_min(py_max(Num { v: min_pos, tensor: true }, xmin), xmax)
    } else {
        let sum = xmin.plus(xmax);
        Num { v: sum.v / 2.0, tensor: sum.tensor }
    }
}

/// What the line search returns: the loss and gradient at the step it chose, the step, and
/// the evaluations it made.
struct Found {
    loss: f64,
    grad: Vec<f64>,
    t: Num,
    evals: u64,
}

/// Where a line search starts: the point `x`, the direction `d`, and at `x` the loss `f`, the
/// gradient `g` and the slope `gtd` along `d`.
struct Line<'a> {
    x: &'a [f64],
    d: &'a [f64],
    f: f64,
    g: &'a [f64],
    gtd: f64,
}

/// torch's `_strong_wolfe` along `line`, trying the step `t` first, with at most `max_ls`
/// evaluations after the first.
fn strong_wolfe(c: &Closure, line: &Line, mut t: Num, max_ls: i64) -> Found {
    let Line { x, d, f, g, gtd } = *line;
    const C1: f64 = 1e-4;
    const C2: f64 = 0.9;
    const TOLERANCE_CHANGE: f64 = 1e-9;
    let d_norm = max_abs(d);
    let (mut f_new, mut g_new) = evaluate(c, x, t, d);
    let mut evals = 1;
    let mut gtd_new = dot(&g_new, d);
    let (mut t_prev, mut f_prev, mut g_prev, mut gtd_prev) = (Num::float(0.0), f, g.to_vec(), gtd);
    let mut done = false;
    let mut ls_iter = 0;
    // The bracket: its steps, values, gradients and slopes (one entry when done at once).
    let mut bracket: Vec<Num> = Vec::new();
    let mut bracket_f: Vec<f64> = Vec::new();
    let mut bracket_g: Vec<Vec<f64>> = Vec::new();
    let mut bracket_gtd: Vec<f64> = Vec::new();
    while ls_iter < max_ls {
        if f_new > f + C1 * t.v * gtd || (ls_iter > 1 && f_new >= f_prev) {
            (bracket, bracket_f, bracket_g, bracket_gtd) = (vec![t_prev, t], vec![f_prev, f_new], vec![g_prev, g_new.clone()], vec![gtd_prev, gtd_new]);
            break;
        }
        if gtd_new.abs() <= -C2 * gtd {
            (bracket, bracket_f, bracket_g) = (vec![t], vec![f_new], vec![g_new.clone()]);
            done = true;
            break;
        }
        if gtd_new >= 0.0 {
            (bracket, bracket_f, bracket_g, bracket_gtd) = (vec![t_prev, t], vec![f_prev, f_new], vec![g_prev, g_new.clone()], vec![gtd_prev, gtd_new]);
            break;
        }
        let min_step = t.plus(t.minus(t_prev).times(0.01));
        let max_step = t.times(10.0);
        let tmp = t;
        t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, Some((min_step, max_step)));
        t_prev = tmp;
        f_prev = f_new;
        g_prev = g_new.clone();
        gtd_prev = gtd_new;
        (f_new, g_new) = evaluate(c, x, t, d);
        evals += 1;
        gtd_new = dot(&g_new, d);
        ls_iter += 1;
    }
    if ls_iter == max_ls {
        (bracket, bracket_f, bracket_g) = (vec![Num::float(0.0), t], vec![f, f_new], vec![g.to_vec(), g_new]);
    }
    let order = |bf: &[f64]| if bf[0] <= bf[bf.len() - 1] { (0, 1) } else { (1, 0) };
    let (mut low, mut high) = order(&bracket_f);
    let mut insufficient_progress = false;
    // Python's max() and min() of the two-step bracket: the first extreme.
    let top = |b: &[Num]| if b[1].v > b[0].v { b[1] } else { b[0] };
    let bottom = |b: &[Num]| if b[1].v < b[0].v { b[1] } else { b[0] };
    while !done && ls_iter < max_ls {
        if (bracket[1].v - bracket[0].v).abs() * d_norm < TOLERANCE_CHANGE {
            break;
        }
        t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1], None);
        let (hi, lo) = (top(&bracket), bottom(&bracket));
        let eps = hi.minus(lo).times(0.1);
        if py_min(hi.minus(t), t.minus(lo)).v < eps.v {
            if insufficient_progress || t.v >= hi.v || t.v <= lo.v {
                t = if (t.v - hi.v).abs() < (t.v - lo.v).abs() { hi.minus(eps) } else { lo.plus(eps) };
                insufficient_progress = false;
            } else {
                insufficient_progress = true;
            }
        } else {
            insufficient_progress = false;
        }
        (f_new, g_new) = evaluate(c, x, t, d);
        evals += 1;
        gtd_new = dot(&g_new, d);
        ls_iter += 1;
        if f_new > f + C1 * t.v * gtd || f_new >= bracket_f[low] {
            bracket[high] = t;
            bracket_f[high] = f_new;
            bracket_g[high] = g_new.clone();
            bracket_gtd[high] = gtd_new;
            (low, high) = order(&bracket_f);
        } else {
            if gtd_new.abs() <= -C2 * gtd {
                done = true;
            } else if gtd_new * (bracket[high].v - bracket[low].v) >= 0.0 {
                bracket[high] = bracket[low];
                bracket_f[high] = bracket_f[low];
                bracket_g[high] = bracket_g[low].clone();
                bracket_gtd[high] = bracket_gtd[low];
            }
            bracket[low] = t;
            bracket_f[low] = f_new;
            bracket_g[low] = g_new.clone();
            bracket_gtd[low] = gtd_new;
        }
    }
    Found { loss: bracket_f[low], grad: bracket_g.swap_remove(low), t: bracket[low], evals }
}

const STATE: &[Quantity] = &[
    STEP,
    Quantity { name: "func_evals", tip: "evaluations of the objective so far" },
    Quantity { name: "n_iter", tip: "inner iterations so far (each a direction and a move along it)" },
    Quantity { name: "history", tip: "pairs of past moves and gradient changes remembered: they shape the directions, as curvature would" },
    Quantity { name: "t", tip: "the length of the last inner iteration's move, in units of its direction" },
    Quantity { name: "d", tip: "the last inner iteration's direction: the gradient bent by the remembered curvature" },
];

const ITERATIONS: PieceInfo = PieceInfo::scalar("iterations", "iterations", "inner iterations this step makes: each a direction and a move along it");
const EVALUATIONS: PieceInfo = PieceInfo::scalar("evaluations", "evaluations", "evaluations of the objective this step makes, the line search's included");
const HISTORY: PieceInfo = PieceInfo::scalar("history", "memory", "pairs of past moves and gradient changes remembered after this step");
const PIECES: &[PieceInfo] =
    &[common::GRADIENT, ITERATIONS, EVALUATIONS, HISTORY, PieceInfo::step("the step: its inner iterations' moves, one after the other, each along the gradient bent by the remembered curvature")];

impl Optimizer for Lbfgs {
    type State = LbfgsState;
    const NEEDS_CLOSURE: bool = true;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> LbfgsState {
        LbfgsState {
            step: 0,
            func_evals: 0,
            n_iter: 0,
            d: vec![0.0; p.len()],
            t: Num::float(0.0),
            old_dirs: VecDeque::new(),
            old_stps: VecDeque::new(),
            ro: VecDeque::new(),
            h_diag: 1.0,
            prev_flat_grad: vec![0.0; p.len()],
            al: vec![0.0; self.history_size],
        }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut LbfgsState) {
        let closure = d.closure.expect("lbfgs is only started where the objective is given");
        s.step += 1;
        // The closure's first call, made by the caller with the gradient.
        let mut loss = closure.loss;
        let mut flat_grad = d.grad.to_vec();
        let mut current_evals = 1;
        s.func_evals += 1;
        let mut opt_cond = max_abs(&flat_grad) <= self.tolerance_grad;
        if opt_cond {
            return;
        }
        let mut n_iter = 0;
        while n_iter < self.max_iter {
            n_iter += 1;
            s.n_iter += 1;
            if s.n_iter == 1 {
                s.d = flat_grad.iter().map(|g| -g).collect();
                s.old_dirs.clear();
                s.old_stps.clear();
                s.ro.clear();
                s.h_diag = 1.0;
            } else {
                let y: Vec<f64> = flat_grad.iter().zip(&s.prev_flat_grad).map(|(g, p)| g - p).collect();
                let step: Vec<f64> = s.d.iter().map(|di| di * s.t.v).collect();
                let ys = dot(&y, &step);
                if ys > 1e-10 {
                    if s.old_dirs.len() == self.history_size {
                        s.old_dirs.pop_front();
                        s.old_stps.pop_front();
                        s.ro.pop_front();
                    }
                    s.h_diag = ys / dot(&y, &y);
                    s.old_dirs.push_back(y);
                    s.old_stps.push_back(step);
                    s.ro.push_back(1.0 / ys);
                }
                let num_old = s.old_dirs.len();
                let mut q: Vec<f64> = flat_grad.iter().map(|g| -g).collect();
                for i in (0..num_old).rev() {
                    s.al[i] = dot(&s.old_stps[i], &q) * s.ro[i];
                    q.iter_mut().zip(&s.old_dirs[i]).for_each(|(qj, yj)| *qj = add(*qj, *yj, -s.al[i]));
                }
                let mut r: Vec<f64> = q.iter().map(|qj| qj * s.h_diag).collect();
                for i in 0..num_old {
                    let be_i = dot(&s.old_dirs[i], &r) * s.ro[i];
                    r.iter_mut().zip(&s.old_stps[i]).for_each(|(rj, sj)| *rj = add(*rj, *sj, s.al[i] - be_i));
                }
                s.d = r;
            }
            s.prev_flat_grad.clone_from(&flat_grad);
            let prev_loss = loss;
            s.t = if s.n_iter == 1 {
                // `min(1.0, 1.0 / flat_grad.abs().sum()) * lr`: the tensor when it is below 1.
                let inverse = 1.0 / flat_grad.iter().map(|g| g.abs()).sum::<f64>();
                if inverse < 1.0 {
                    Num { v: inverse * self.lr, tensor: true }
                } else {
                    Num::float(self.lr)
                }
            } else {
                Num::float(self.lr)
            };
            let gtd = dot(&flat_grad, &s.d);
            if gtd > -self.tolerance_change {
                break;
            }
            let mut ls_func_evals = 0;
            if self.strong_wolfe {
                let line = Line { x: p, d: &s.d, f: loss, g: &flat_grad, gtd };
                let found = strong_wolfe(&closure, &line, s.t, self.max_eval - current_evals);
                (loss, flat_grad, s.t, ls_func_evals) = (found.loss, found.grad, found.t, found.evals);
                let moved = along(p, s.t.v, &s.d);
                p.copy_from_slice(&moved);
                opt_cond = max_abs(&flat_grad) <= self.tolerance_grad;
            } else {
                let moved = along(p, s.t.v, &s.d);
                p.copy_from_slice(&moved);
                if n_iter != self.max_iter {
                    loss = (closure.eval)(p, &mut flat_grad);
                    opt_cond = max_abs(&flat_grad) <= self.tolerance_grad;
                    ls_func_evals = 1;
                }
            }
            current_evals += ls_func_evals as i64;
            s.func_evals += ls_func_evals;
            if n_iter == self.max_iter || current_evals >= self.max_eval || opt_cond {
                break;
            }
            if max_abs(&s.d.iter().map(|di| di * s.t.v).collect::<Vec<_>>()) <= self.tolerance_change {
                break;
            }
            if (loss - prev_loss).abs() < self.tolerance_change {
                break;
            }
        }
    }

    fn inspect(&self, s: &LbfgsState) -> Vec<Entry> {
        vec![
            Entry::int("step", s.step),
            Entry::int("func_evals", s.func_evals),
            Entry::int("n_iter", s.n_iter),
            Entry::int("history", s.old_dirs.len() as u64),
            Entry::scalar("t", s.t.v),
            Entry::vector("d", &s.d),
        ]
    }

    fn explain(&self, before: &LbfgsState, after: &LbfgsState, _p: &[f64], d: &Derivatives) -> Vec<Value> {
        vec![
            downhill(common::GRADIENT.key, d.grad),
            number(ITERATIONS.key, (after.n_iter - before.n_iter) as f64),
            number(EVALUATIONS.key, (after.func_evals - before.func_evals) as f64),
            number(HISTORY.key, after.old_dirs.len() as f64),
        ]
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }
}
