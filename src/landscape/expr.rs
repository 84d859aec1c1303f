//! Formulas in x and y typed by the user: parsed once into a small stack program, then evaluated
//! for values (plain `f64`) or for value, gradient and Hessian at once (second-order forward-mode
//! automatic differentiation: every operation carries its first and second derivatives, exact up
//! to rounding, never finite differences).
//!
//! Grammar, loosest first: `+ -`, then `* /` (and juxtaposition: `2x`, `3 sin(y)`, `(x+1)(y-2)`),
//! then unary `-`, then `^` (or `**`, right-associative: `-x^2` is `-(x^2)`, `2^-x` is
//! `2^(-x)`). Names: `x`, `y`, `pi`, `e` and the functions of `FUNCTIONS`; `xy` is `x y`.
//! Numbers as in JSON, with an optional leading dot (`.5`). Typeset `−`, `×`, `·`, `π`, `²` and
//! `³` read as `-`, `*`, `*`, `pi`, `^2` and `^3`. Parts without x or y are computed once, when
//! parsed.

use super::{Matrix, Point};
use crate::math::{self, powf, powi};

/// Longest formula accepted, in characters.
pub const MAX_CHARS: usize = 300;
/// Deepest nesting of parentheses and operators accepted.
const MAX_DEPTH: usize = 40;

/// A function a formula may call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Func {
    Sin,
    Cos,
    Tan,
    Exp,
    Ln,
    Log10,
    Sqrt,
    Sinh,
    Cosh,
    Tanh,
    Atan,
    Abs,
}

/// The functions a formula may call, by name (`log` and `ln` are both the natural logarithm).
const FUNCTIONS: &[(&str, Func)] = &[
    ("sin", Func::Sin),
    ("cos", Func::Cos),
    ("tan", Func::Tan),
    ("exp", Func::Exp),
    ("log", Func::Ln),
    ("ln", Func::Ln),
    ("log10", Func::Log10),
    ("sqrt", Func::Sqrt),
    ("sinh", Func::Sinh),
    ("cosh", Func::Cosh),
    ("tanh", Func::Tanh),
    ("atan", Func::Atan),
    ("abs", Func::Abs),
];

fn func(name: &str) -> Option<Func> {
    FUNCTIONS.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
}

/// What `f` computes: one place for points, rows and constants alike. Correctly rounded
/// ([`crate::math`]; sqrt and abs are exact anyway), so a formula has the same bits everywhere.
fn function(f: Func) -> fn(f64) -> f64 {
    match f {
        Func::Sin => math::sin,
        Func::Cos => math::cos,
        Func::Tan => math::tan,
        Func::Exp => math::exp,
        Func::Ln => math::ln,
        Func::Log10 => math::log10,
        Func::Sqrt => f64::sqrt,
        Func::Sinh => math::sinh,
        Func::Cosh => math::cosh,
        Func::Tanh => math::tanh,
        Func::Atan => math::atan,
        Func::Abs => f64::abs,
    }
}

/// One instruction of the stack program.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    X,
    Y,
    Const(f64),
    Neg,
    Add,
    Sub,
    Mul,
    Div,
    /// `u^n` for a whole constant n (repeated squaring, exact derivatives at u = 0).
    PowInt(i32),
    /// `u^c` for any other constant c.
    PowConst(f64),
    /// `u^v`, both varying.
    Pow,
    Call(Func),
}

/// A parsed formula.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    ops: Vec<Op>,
    /// Most values on the stack at once.
    depth: usize,
}

/// The syntax tree, folded into constants where it can be, then flattened into [`Op`]s.
enum Node {
    Num(f64),
    X,
    Y,
    Neg(Box<Node>),
    Bin(Op, Box<Node>, Box<Node>),
    Call(Func, Box<Node>),
}

impl Formula {
    /// Parses `text`. The error says what is wrong and where (a character position from 1).
    pub fn parse(text: &str) -> Result<Formula, String> {
        let chars = text.chars().count();
        if chars > MAX_CHARS {
            return Err(format!(
                "a formula has at most {MAX_CHARS} characters, got {chars}"
            ));
        }
        let mut p = Parser {
            tokens: tokenize(text)?,
            at: 0,
            depth: 0,
        };
        if p.tokens.len() == 1 {
            return Err(
                "the formula is empty: type a function of x and y, such as x^2 + 3 y^2".into(),
            );
        }
        let tree = p.sum()?;
        let (tok, pos) = &p.tokens[p.at];
        if *tok != Tok::End {
            return Err(format!("unexpected {} at character {pos}", tok.describe()));
        }
        let tree = fold(tree);
        if let Node::Num(c) = tree {
            if !c.is_finite() {
                return Err(format!("the formula is constant and not finite ({c})"));
            }
        }
        let mut ops = Vec::new();
        flatten(&tree, &mut ops);
        let depth = stack_depth(&ops);
        Ok(Formula { ops, depth })
    }

    /// The stack program, in postfix order, constants folded: what a translation of the formula
    /// to another language reads (`optiscape torch`).
    pub fn program(&self) -> &[Op] {
        &self.ops
    }

    /// f(x, y).
    pub fn value(&self, [x, y]: Point) -> f64 {
        let mut stack = Vec::with_capacity(self.depth);
        for op in &self.ops {
            step(op, &mut stack, x, y);
        }
        stack[0]
    }

    /// f(x, y), its gradient and its Hessian, from one pass in second-order dual numbers. The
    /// value is bit for bit [`Formula::value`]'s.
    pub fn derivatives(&self, [x, y]: Point) -> (f64, Point, Matrix) {
        let mut stack = Vec::with_capacity(self.depth);
        let (dx, dy) = (Dual2::var(x, 0), Dual2::var(y, 1));
        for op in &self.ops {
            step(op, &mut stack, dx, dy);
        }
        let d = stack[0];
        (d.v, d.g, [[d.h[0], d.h[1]], [d.h[2], d.h[3]]])
    }

    /// f along a row, appended to `out`: the program runs over the whole row one instruction at
    /// a time, with the same operations per point as [`Formula::value`].
    pub fn values_along_x(&self, xs: &[f64], y: f64, out: &mut Vec<f64>) {
        let n = xs.len();
        let mut stack: Vec<Vec<f64>> = Vec::with_capacity(self.depth);
        let mut spare: Vec<Vec<f64>> = Vec::new();
        let fresh = |spare: &mut Vec<Vec<f64>>| {
            let mut v = spare.pop().unwrap_or_default();
            v.clear();
            v
        };
        for op in &self.ops {
            match *op {
                Op::X => {
                    let mut v = fresh(&mut spare);
                    v.extend_from_slice(xs);
                    stack.push(v);
                }
                Op::Y | Op::Const(_) => {
                    let c = if let Op::Const(c) = *op { c } else { y };
                    let mut v = fresh(&mut spare);
                    v.resize(n, c);
                    stack.push(v);
                }
                Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow => {
                    let b = stack.pop().expect("a parsed program is balanced");
                    let a = stack.last_mut().expect("a parsed program is balanced");
                    // One loop per operation (the match outside it), each as `binary` computes.
                    match op {
                        Op::Add => each2(a, &b, |a, b| a + b),
                        Op::Sub => each2(a, &b, |a, b| a - b),
                        Op::Mul => each2(a, &b, |a, b| a * b),
                        Op::Div => each2(a, &b, |a, b| a / b),
                        _ => each2(a, &b, powf),
                    }
                    spare.push(b);
                }
                Op::Neg => each(
                    stack.last_mut().expect("a parsed program is balanced"),
                    |u| -u,
                ),
                // powi(u, 2) is exactly u * u.
                Op::PowInt(2) => each(
                    stack.last_mut().expect("a parsed program is balanced"),
                    |u| u * u,
                ),
                Op::PowInt(n) => each(
                    stack.last_mut().expect("a parsed program is balanced"),
                    |u| powi(u, n),
                ),
                Op::PowConst(c) => each(
                    stack.last_mut().expect("a parsed program is balanced"),
                    |u| powf(u, c),
                ),
                Op::Call(f) => each(
                    stack.last_mut().expect("a parsed program is balanced"),
                    function(f),
                ),
            }
        }
        out.extend_from_slice(&stack[0]);
    }
}

fn each(a: &mut [f64], f: impl Fn(f64) -> f64) {
    for v in a {
        *v = f(*v);
    }
}

fn each2(a: &mut [f64], b: &[f64], f: impl Fn(f64, f64) -> f64) {
    for (v, &w) in a.iter_mut().zip(b) {
        *v = f(*v, w);
    }
}

/// What the program computes on: plain numbers, or numbers with their derivatives.
trait Num: Copy {
    fn constant(c: f64) -> Self;
    fn binary(op: &Op, a: Self, b: Self) -> Self;
    fn unary(op: &Op, a: Self) -> Self;
}

fn step<T: Num>(op: &Op, stack: &mut Vec<T>, x: T, y: T) {
    match op {
        Op::X => stack.push(x),
        Op::Y => stack.push(y),
        Op::Const(c) => stack.push(T::constant(*c)),
        Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow => {
            let b = stack.pop().expect("a parsed program is balanced");
            let a = stack.last_mut().expect("a parsed program is balanced");
            *a = T::binary(op, *a, b);
        }
        _ => {
            let a = stack.last_mut().expect("a parsed program is balanced");
            *a = T::unary(op, *a);
        }
    }
}

fn binary(op: &Op, a: f64, b: f64) -> f64 {
    match op {
        Op::Add => a + b,
        Op::Sub => a - b,
        Op::Mul => a * b,
        Op::Div => a / b,
        _ => powf(a, b),
    }
}

impl Num for f64 {
    fn constant(c: f64) -> f64 {
        c
    }
    fn binary(op: &Op, a: f64, b: f64) -> f64 {
        binary(op, a, b)
    }
    fn unary(op: &Op, a: f64) -> f64 {
        match *op {
            Op::Neg => -a,
            Op::PowInt(n) => powi(a, n),
            Op::PowConst(c) => powf(a, c),
            Op::Call(f) => function(f)(a),
            _ => unreachable!("not a unary operation: {op:?}"),
        }
    }
}

/// The first and second derivatives of `f` at `u`, given `v = f(u)`.
fn call_derivatives(f: Func, u: f64, v: f64) -> (f64, f64) {
    match f {
        Func::Sin => (math::cos(u), -v),
        Func::Cos => (-math::sin(u), -v),
        Func::Tan => (1.0 + v * v, 2.0 * v * (1.0 + v * v)),
        Func::Exp => (v, v),
        Func::Ln => (1.0 / u, -1.0 / (u * u)),
        Func::Log10 => {
            let k = std::f64::consts::LN_10;
            (1.0 / (u * k), -1.0 / (u * u * k))
        }
        Func::Sqrt => (0.5 / v, -0.25 / (u * v)),
        Func::Sinh => (math::cosh(u), v),
        Func::Cosh => (math::sinh(u), v),
        Func::Tanh => (1.0 - v * v, -2.0 * v * (1.0 - v * v)),
        Func::Atan => {
            let q = 1.0 / (1.0 + u * u);
            (q, -2.0 * u * q * q)
        }
        // The subgradient 0 at the kink.
        Func::Abs => (
            if u > 0.0 {
                1.0
            } else if u < 0.0 {
                -1.0
            } else {
                0.0
            },
            0.0,
        ),
    }
}

/// A value with its gradient and Hessian, `h = [xx, xy, yx, yy]`, where `xy` is the derivative of
/// the gradient's x component along y (torch.autograd's `hessian` entry [0][1]). The two mixed
/// entries are equal wherever the formula is twice differentiable; where it is not (`x^y` at
/// x = 0), each follows torch's rules for its own component (see [`pow`]).
///
/// `dep[i]`: whether the value depends on variable i at all. Where it does not, its derivatives
/// along i are absent rather than zeros that an infinite factor could turn into NaN: as in
/// torch's reverse mode, where no such path exists. So the derivative of `x^0.5 + y^2` along y
/// at x = 0 is 2y, not ∞ · 0.
#[derive(Clone, Copy, Debug)]
struct Dual2 {
    v: f64,
    g: [f64; 2],
    h: [f64; 4],
    dep: [bool; 2],
}

/// `c * t` where the tangent `t` exists (`on`), else 0.
fn part(on: bool, c: f64, t: f64) -> f64 {
    if on {
        c * t
    } else {
        0.0
    }
}

/// The index in `h` of the derivative of gradient component i along j.
const fn at(i: usize, j: usize) -> usize {
    2 * i + j
}

impl Dual2 {
    fn var(v: f64, axis: usize) -> Dual2 {
        let (mut g, mut dep) = ([0.0; 2], [false; 2]);
        g[axis] = 1.0;
        dep[axis] = true;
        Dual2 {
            v,
            g,
            h: [0.0; 4],
            dep,
        }
    }

    /// `f(self)` given `f`, `f'` and `f''` there (the chain rule, to second order).
    fn chain(self, v: f64, d1: f64, d2: f64) -> Dual2 {
        let (g, h, dep) = (self.g, self.h, self.dep);
        Dual2 {
            v,
            g: [0, 1].map(|i| part(dep[i], d1, g[i])),
            // The product of the two tangents in one order for both mixed entries: one rounding.
            h: [0, 1, 2, 3].map(|k| {
                let (i, j) = (k / 2, k % 2);
                if dep[i] && dep[j] {
                    d1 * h[k] + d2 * g[i.min(j)] * g[i.max(j)]
                } else {
                    0.0
                }
            }),
            dep,
        }
    }
}

fn either(a: [bool; 2], b: [bool; 2]) -> [bool; 2] {
    [a[0] || b[0], a[1] || b[1]]
}

/// `a^b` with both varying, differentiated as torch.autograd differentiates `pow`: the
/// derivative along the base is 0 where the exponent is 0, and along the exponent 0 where the
/// base is 0 and the exponent is not negative (where `u^v ln u` would be `0 · -inf`); the second
/// derivatives apply the same rules to those formulas, as torch's double backward does. So
/// `x^y + y^2` at (0, 1) has the gradient (1, 2), as in torch, and not NaN.
fn pow(a: Dual2, b: Dual2) -> Dual2 {
    let (u, w) = (a.v, b.v);
    let v = powf(u, w);
    let ln = math::ln(u);
    // torch's pow_backward_self and pow_backward_exponent.
    let p = |w: f64| if w == 0.0 { 0.0 } else { w * powf(u, w - 1.0) };
    let q = |w: f64, v: f64| if u == 0.0 && w >= 0.0 { 0.0 } else { v * ln };
    let (du, dw) = (p(w), q(w, v));
    // d(du)/du, d(du)/dw, d(dw)/du, d(dw)/dw.
    let duu = if w == 0.0 { 0.0 } else { w * p(w - 1.0) };
    let duw = if w == 0.0 {
        0.0
    } else {
        powf(u, w - 1.0) + w * q(w - 1.0, powf(u, w - 1.0))
    };
    let (dwu, dww) = if u == 0.0 && w >= 0.0 {
        (0.0, 0.0)
    } else {
        (du * ln + v / u, dw * ln)
    };
    // Where neither rule applies the two mixed derivatives are one number: one rounding of it.
    let dwu = if u != 0.0 && w != 0.0 { duw } else { dwu };
    let (ag, bg, ah, bh, ad, bd) = (a.g, b.g, a.h, b.h, a.dep, b.dep);
    let dep = either(ad, bd);
    // Products of the operands' tangents along i and along j (base a or exponent b), each where
    // both tangents exist.
    let pair = |(x, xd): ([f64; 2], [bool; 2]),
                (y, yd): ([f64; 2], [bool; 2]),
                i: usize,
                j: usize| (xd[i] && yd[j]).then(|| x[i] * y[j]);
    let term = |c: f64, t: Option<f64>| t.map_or(0.0, |t| c * t);
    let (ta, tb) = ((ag, ad), (bg, bd));
    let h = |i: usize, j: usize| {
        if !(dep[i] && dep[j]) {
            return 0.0;
        }
        // For the mixed entries the tangents are multiplied x first and the coefficients paired
        // with them in turn, so that where duw = dwu both entries are one rounding.
        let (lo, hi) = (i.min(j), i.max(j));
        let (ab, ba) = (pair(ta, tb, lo, hi), pair(tb, ta, lo, hi));
        let (c_ab, c_ba) = if i <= j { (duw, dwu) } else { (dwu, duw) };
        let k = at(i, j);
        term(duu, pair(ta, ta, lo, hi))
            + term(c_ab, ab)
            + term(c_ba, ba)
            + term(dww, pair(tb, tb, lo, hi))
            + part(ad[i] && ad[j], du, ah[k])
            + part(bd[i] && bd[j], dw, bh[k])
    };
    Dual2 {
        v,
        g: [0, 1].map(|i| part(ad[i], du, ag[i]) + part(bd[i], dw, bg[i])),
        h: [h(0, 0), h(0, 1), h(1, 0), h(1, 1)],
        dep,
    }
}

fn product(a: Dual2, b: Dual2) -> Dual2 {
    let (ag, bg, ah, bh, ad, bd) = (a.g, b.g, a.h, b.h, a.dep, b.dep);
    let dep = either(ad, bd);
    let h = |i: usize, j: usize| {
        if !(dep[i] && dep[j]) {
            return 0.0;
        }
        let k = at(i, j);
        let own = part(ad[i] && ad[j], ah[k], b.v);
        // The tangents' products, in one order for both mixed entries: one rounding.
        let cross = if i == j {
            part(ad[i] && bd[i], 2.0 * ag[i], bg[i])
        } else {
            part(ad[0] && bd[1], ag[0], bg[1])
        };
        let with_cross = own + cross;
        let with_cross = if i == j {
            with_cross
        } else {
            with_cross + part(ad[1] && bd[0], ag[1], bg[0])
        };
        with_cross + part(bd[i] && bd[j], a.v, bh[k])
    };
    Dual2 {
        v: a.v * b.v,
        g: [0, 1].map(|i| part(ad[i], ag[i], b.v) + part(bd[i], a.v, bg[i])),
        h: [h(0, 0), h(0, 1), h(1, 0), h(1, 1)],
        dep,
    }
}

fn quotient(a: Dual2, b: Dual2) -> Dual2 {
    // q = a / b, so a = q b: solve the derivatives of that product for q's.
    let (ag, bg, ah, bh, ad, bd) = (a.g, b.g, a.h, b.h, a.dep, b.dep);
    let dep = either(ad, bd);
    let q = a.v / b.v;
    let qg = [0, 1].map(|i| {
        if dep[i] {
            (part(ad[i], ag[i], 1.0) - part(bd[i], q, bg[i])) / b.v
        } else {
            0.0
        }
    });
    let h = |i: usize, j: usize| {
        if !(dep[i] && dep[j]) {
            return 0.0;
        }
        let k = at(i, j);
        let own = part(ad[i] && ad[j], ah[k], 1.0);
        let cross = if i == j {
            own - part(bd[i], 2.0 * qg[i], bg[i])
        } else {
            own - part(bd[1], qg[0], bg[1]) - part(bd[0], qg[1], bg[0])
        };
        (cross - part(bd[i] && bd[j], q, bh[k])) / b.v
    };
    Dual2 {
        v: q,
        g: qg,
        h: [h(0, 0), h(0, 1), h(1, 0), h(1, 1)],
        dep,
    }
}

impl Num for Dual2 {
    fn constant(c: f64) -> Dual2 {
        Dual2 {
            v: c,
            g: [0.0; 2],
            h: [0.0; 4],
            dep: [false; 2],
        }
    }

    fn binary(op: &Op, a: Dual2, b: Dual2) -> Dual2 {
        let dep = either(a.dep, b.dep);
        match op {
            Op::Add => Dual2 {
                v: a.v + b.v,
                g: [0, 1].map(|i| a.g[i] + b.g[i]),
                h: [0, 1, 2, 3].map(|k| a.h[k] + b.h[k]),
                dep,
            },
            Op::Sub => Dual2 {
                v: a.v - b.v,
                g: [0, 1].map(|i| a.g[i] - b.g[i]),
                h: [0, 1, 2, 3].map(|k| a.h[k] - b.h[k]),
                dep,
            },
            Op::Mul => product(a, b),
            Op::Div => quotient(a, b),
            _ => pow(a, b),
        }
    }

    fn unary(op: &Op, a: Dual2) -> Dual2 {
        let u = a.v;
        match *op {
            Op::Neg => Dual2 {
                v: -u,
                g: a.g.map(|g| -g),
                h: a.h.map(|h| -h),
                dep: a.dep,
            },
            Op::PowInt(n) => {
                let nf = f64::from(n);
                let d1 = if n == 0 { 0.0 } else { nf * powi(u, n - 1) };
                let d2 = if n == 0 || n == 1 {
                    0.0
                } else {
                    nf * (nf - 1.0) * powi(u, n - 2)
                };
                a.chain(powi(u, n), d1, d2)
            }
            Op::PowConst(c) => a.chain(
                powf(u, c),
                c * powf(u, c - 1.0),
                c * (c - 1.0) * powf(u, c - 2.0),
            ),
            Op::Call(f) => {
                let v = function(f)(u);
                let (d1, d2) = call_derivatives(f, u, v);
                a.chain(v, d1, d2)
            }
            _ => unreachable!("not a unary operation: {op:?}"),
        }
    }
}

// --- parsing ---------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Name(String),
    Sym(char),
    End,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Num(x) => format!("number {x}"),
            Tok::Name(n) => format!("`{n}`"),
            Tok::Sym(c) => format!("`{c}`"),
            Tok::End => "end of formula".into(),
        }
    }
}

/// Tokens with their character positions (from 1), ending with `Tok::End`.
fn tokenize(text: &str) -> Result<Vec<(Tok, usize)>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            // An exponent only when digits follow: `2e` is 2 times e, `2e-3` is 0.002.
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let s: String = chars[start..i].iter().collect();
            let x: f64 = s
                .parse()
                .map_err(|_| format!("`{s}` at character {pos} is not a number"))?;
            out.push((Tok::Num(x), pos));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Tok::Name(chars[start..i].iter().collect()), pos));
        } else if c == '*' && chars.get(i + 1) == Some(&'*') {
            out.push((Tok::Sym('^'), pos));
            i += 2;
        } else if "+-*/^(),".contains(c) {
            out.push((Tok::Sym(c), pos));
            i += 1;
        } else if let Some(toks) = typeset(c) {
            // As pasted from a document (or from this page's own labels).
            out.extend(toks.into_iter().map(|t| (t, pos)));
            i += 1;
        } else {
            let shown = if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            };
            return Err(format!("unexpected `{shown}` at character {pos}; a formula uses x, y, numbers, + - * / ^, parentheses and functions"));
        }
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

/// Typeset symbols read as their ASCII spelling: the minus sign, times, pi, squares and cubes.
fn typeset(c: char) -> Option<Vec<Tok>> {
    Some(match c {
        '−' | '–' => vec![Tok::Sym('-')],
        '×' | '·' | '⋅' => vec![Tok::Sym('*')],
        'π' => vec![Tok::Name("pi".into())],
        '²' => vec![Tok::Sym('^'), Tok::Num(2.0)],
        '³' => vec![Tok::Sym('^'), Tok::Num(3.0)],
        _ => return None,
    })
}

struct Parser {
    tokens: Vec<(Tok, usize)>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.at].0
    }

    fn pos(&self) -> usize {
        self.tokens[self.at].1
    }

    fn deeper(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "the formula nests too deeply (more than {MAX_DEPTH} levels) at character {}",
                self.pos()
            ));
        }
        Ok(())
    }

    fn sum(&mut self) -> Result<Node, String> {
        self.deeper()?;
        let mut left = self.product()?;
        while let Tok::Sym(c @ ('+' | '-')) = *self.peek() {
            self.at += 1;
            let right = self.product()?;
            left = Node::Bin(
                if c == '+' { Op::Add } else { Op::Sub },
                Box::new(left),
                Box::new(right),
            );
        }
        self.depth -= 1;
        Ok(left)
    }

    fn product(&mut self) -> Result<Node, String> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Sym('*') => Op::Mul,
                Tok::Sym('/') => Op::Div,
                // Juxtaposition: `2x`, `3 sin(y)`, `(x+1)(y-1)`, `x y`.
                Tok::Num(_) | Tok::Name(_) | Tok::Sym('(') => {
                    let right = self.unary()?;
                    left = Node::Bin(Op::Mul, Box::new(left), Box::new(right));
                    continue;
                }
                _ => break,
            };
            self.at += 1;
            let right = self.unary()?;
            left = Node::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, String> {
        match self.peek() {
            Tok::Sym('-') => {
                self.at += 1;
                self.deeper()?;
                let inner = self.unary()?;
                self.depth -= 1;
                Ok(Node::Neg(Box::new(inner)))
            }
            Tok::Sym('+') => {
                self.at += 1;
                self.unary()
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Result<Node, String> {
        let base = self.primary()?;
        if *self.peek() == Tok::Sym('^') {
            self.at += 1;
            self.deeper()?;
            let exponent = self.unary()?;
            self.depth -= 1;
            return Ok(Node::Bin(Op::Pow, Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Node, String> {
        let pos = self.pos();
        let tok = self.peek().clone();
        self.at += 1;
        match tok {
            Tok::Num(x) => Ok(Node::Num(x)),
            Tok::Sym('(') => {
                let inner = self.sum()?;
                self.expect(')', pos)?;
                Ok(inner)
            }
            Tok::Name(name) => match name.as_str() {
                "x" => Ok(Node::X),
                "y" => Ok(Node::Y),
                // `xy`, `xxy`: a product of the variables, as written in a textbook.
                _ if name.len() <= 8 && name.chars().all(|c| c == 'x' || c == 'y') => Ok(name
                    .chars()
                    .map(|c| if c == 'x' { Node::X } else { Node::Y })
                    .reduce(|a, b| Node::Bin(Op::Mul, Box::new(a), Box::new(b)))
                    .expect("a name has a character")),
                "pi" => Ok(Node::Num(std::f64::consts::PI)),
                "e" => Ok(Node::Num(std::f64::consts::E)),
                _ => {
                    let Some(f) = func(&name) else {
                        return Err(format!(
                            "unknown name `{}` at character {pos}; a formula uses x, y, pi, e and the functions {}",
                            name.chars().take(20).collect::<String>(),
                            FUNCTIONS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                        ));
                    };
                    if *self.peek() != Tok::Sym('(') {
                        return Err(format!("`{name}` at character {pos} needs its argument in parentheses: {name}(x)"));
                    }
                    let open = self.pos();
                    self.at += 1;
                    let arg = self.sum()?;
                    if *self.peek() == Tok::Sym(',') {
                        return Err(format!("`{name}` at character {pos} takes one argument"));
                    }
                    self.expect(')', open)?;
                    Ok(Node::Call(f, Box::new(arg)))
                }
            },
            Tok::End => Err(format!(
                "the formula ends where a number, x, y or `(` belongs (character {pos})"
            )),
            other => Err(format!(
                "unexpected {} at character {pos}",
                other.describe()
            )),
        }
    }

    fn expect(&mut self, close: char, open: usize) -> Result<(), String> {
        if *self.peek() == Tok::Sym(close) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("the `(` at character {open} is not closed: expected `{close}` at character {}, found {}", self.pos(), self.peek().describe()))
        }
    }
}

/// Computes every part without x or y, and picks the power instruction for constant exponents.
fn fold(node: Node) -> Node {
    match node {
        Node::Neg(a) => match fold(*a) {
            Node::Num(c) => Node::Num(-c),
            a => Node::Neg(Box::new(a)),
        },
        Node::Call(f, a) => match fold(*a) {
            Node::Num(c) => Node::Num(function(f)(c)),
            a => Node::Call(f, Box::new(a)),
        },
        Node::Bin(op, a, b) => match (fold(*a), fold(*b)) {
            (Node::Num(a), Node::Num(b)) => Node::Num(binary(&op, a, b)),
            (a, b) => Node::Bin(op, Box::new(a), Box::new(b)),
        },
        leaf => leaf,
    }
}

fn flatten(node: &Node, ops: &mut Vec<Op>) {
    match node {
        Node::Num(c) => ops.push(Op::Const(*c)),
        Node::X => ops.push(Op::X),
        Node::Y => ops.push(Op::Y),
        Node::Neg(a) => {
            flatten(a, ops);
            ops.push(Op::Neg);
        }
        Node::Call(f, a) => {
            flatten(a, ops);
            ops.push(Op::Call(*f));
        }
        Node::Bin(Op::Pow, a, b) => {
            flatten(a, ops);
            match **b {
                Node::Num(c) if c == c.trunc() && c.abs() <= 64.0 => ops.push(Op::PowInt(c as i32)),
                Node::Num(c) => ops.push(Op::PowConst(c)),
                _ => {
                    flatten(b, ops);
                    ops.push(Op::Pow);
                }
            }
        }
        Node::Bin(op, a, b) => {
            flatten(a, ops);
            flatten(b, ops);
            ops.push(*op);
        }
    }
}

fn stack_depth(ops: &[Op]) -> usize {
    let (mut now, mut most) = (0usize, 0usize);
    for op in ops {
        match op {
            Op::X | Op::Y | Op::Const(_) => now += 1,
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow => now -= 1,
            _ => {}
        }
        most = most.max(now);
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(text: &str) -> Formula {
        Formula::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn precedence_and_juxtaposition() {
        let at = [1.5, -2.0];
        let (x, y) = (at[0], at[1]);
        for (text, want) in [
            ("x + y * 2", x + y * 2.0),
            ("-x^2", -(x * x)),
            ("2^-x", powf(2.0, -x)),
            ("2^3^2", 512.0),
            ("x**2 y", x * x * y),
            ("2x + 3 sin(y)", 2.0 * x + 3.0 * math::sin(y)),
            ("(x + 1)(y - 1)", (x + 1.0) * (y - 1.0)),
            ("x / 2 / y", x / 2.0 / y),
            ("x - y - 1", x - y - 1.0),
            ("2e-3 x + e", 2e-3 * x + std::f64::consts::E),
            ("2e x", 2.0 * std::f64::consts::E * x),
            (".5 x", 0.5 * x),
            ("pi", std::f64::consts::PI),
            ("+x", x),
            ("xy + 2xxy", x * y + 2.0 * x * x * y),
            (
                "3x² − y³ + π·x × y",
                3.0 * (x * x) - y * y * y + std::f64::consts::PI * x * y,
            ),
            (
                "ln(abs(y)) + log10(100) + sqrt(4)",
                math::ln(2.0) + 2.0 + 2.0,
            ),
        ] {
            assert_eq!(f(text).value(at), want, "{text}");
        }
    }

    #[test]
    fn errors_say_what_and_where() {
        for (text, needle) in [
            ("", "empty"),
            ("   ", "empty"),
            ("x +", "ends where"),
            ("x + * y", "unexpected `*` at character 5"),
            ("(x + y", "`(` at character 1 is not closed"),
            ("x + y)", "unexpected `)` at character 6"),
            ("z^2", "unknown name `z` at character 1"),
            ("sinn(x)", "unknown name `sinn`"),
            ("sin x", "needs its argument in parentheses"),
            ("atan(x, y)", "takes one argument"),
            ("x # y", "unexpected `#` at character 3"),
            ("x\u{1b}", "unexpected `\\u{1b}`"),
            ("1.2.3", "`1.2.3` at character 1 is not a number"),
            ("1/0", "constant and not finite"),
        ] {
            let e = Formula::parse(text).unwrap_err();
            assert!(e.contains(needle), "{text:?}: {e}");
        }
        let deep = format!("{}x{}", "(".repeat(60), ")".repeat(60));
        assert!(Formula::parse(&deep)
            .unwrap_err()
            .contains("nests too deeply"));
        let minus = format!("{}x", "-".repeat(60));
        assert!(Formula::parse(&minus)
            .unwrap_err()
            .contains("nests too deeply"));
        assert!(Formula::parse(&"x+".repeat(200))
            .unwrap_err()
            .contains("at most 300 characters"));
    }

    #[test]
    fn constants_are_folded_and_whole_powers_found() {
        assert_eq!(f("2^3 x").ops, vec![Op::Const(8.0), Op::X, Op::Mul]);
        assert_eq!(f("x^2").ops, vec![Op::X, Op::PowInt(2)]);
        assert_eq!(f("x^-1").ops, vec![Op::X, Op::PowInt(-1)]);
        assert_eq!(f("x^0.5").ops, vec![Op::X, Op::PowConst(0.5)]);
        assert_eq!(f("x^y").ops, vec![Op::X, Op::Y, Op::Pow]);
        assert_eq!(f("sin(pi/2) y").ops, vec![Op::Const(1.0), Op::Y, Op::Mul]);
    }

    /// The derivatives against the ones worked out by hand, at points where nothing is special.
    #[test]
    // References worked out by hand and evaluated with std's functions on purpose: independent
    // of src/math.rs, which the formulas use.
    #[allow(clippy::disallowed_methods)]
    fn derivatives_match_hand_derived_ones() {
        type Case = (&'static str, fn(f64, f64) -> (f64, [f64; 2], [f64; 3]));
        let cases: &[Case] = &[
            ("x^3 y^2", |x, y| {
                (
                    x.powi(3) * y * y,
                    [3.0 * x * x * y * y, 2.0 * x.powi(3) * y],
                    [6.0 * x * y * y, 6.0 * x * x * y, 2.0 * x.powi(3)],
                )
            }),
            ("sin(x y)", |x, y| {
                let (s, c) = (x * y).sin_cos();
                (s, [y * c, x * c], [-y * y * s, c - x * y * s, -x * x * s])
            }),
            ("x / y", |x, y| {
                (
                    x / y,
                    [1.0 / y, -x / (y * y)],
                    [0.0, -1.0 / (y * y), 2.0 * x / (y * y * y)],
                )
            }),
            ("exp(x - y^2)", |x, y| {
                let e = (x - y * y).exp();
                (
                    e,
                    [e, -2.0 * y * e],
                    [e, -2.0 * y * e, (4.0 * y * y - 2.0) * e],
                )
            }),
            ("x^y", |x, y| {
                let v = x.powf(y);
                let l = x.ln();
                (
                    v,
                    [y * v / x, v * l],
                    [
                        y * (y - 1.0) * v / (x * x),
                        v / x * (1.0 + y * l),
                        v * l * l,
                    ],
                )
            }),
            ("sqrt(x^2 + y^2)", |x, y| {
                let r = (x * x + y * y).sqrt();
                (
                    r,
                    [x / r, y / r],
                    [y * y / r.powi(3), -x * y / r.powi(3), x * x / r.powi(3)],
                )
            }),
            ("log(x) atan(y)", |x, y| {
                let (l, a) = (x.ln(), y.atan());
                let q = 1.0 / (1.0 + y * y);
                (
                    l * a,
                    [a / x, l * q],
                    [-a / (x * x), q / x, -2.0 * y * q * q * l],
                )
            }),
            ("tanh(x) + cosh(y) - x^0.5", |x, y| {
                let t = x.tanh();
                (
                    t + y.cosh() - x.sqrt(),
                    [1.0 - t * t - 0.5 / x.sqrt(), y.sinh()],
                    [
                        -2.0 * t * (1.0 - t * t) + 0.25 * x.powf(-1.5),
                        0.0,
                        y.cosh(),
                    ],
                )
            }),
        ];
        for &(text, want) in cases {
            let formula = f(text);
            for p in [[1.3, 0.7], [0.4, -1.9], [2.5, 1.1]] {
                let (v, g, h) = formula.derivatives(p);
                let (wv, wg, wh) = want(p[0], p[1]);
                let close = |a: f64, b: f64| (a - b).abs() <= 1e-13 * (1.0 + b.abs());
                assert!(
                    close(v, wv) && close(g[0], wg[0]) && close(g[1], wg[1]),
                    "{text} at {p:?}: {v} {g:?} vs {wv} {wg:?}"
                );
                for (got, want) in [h[0][0], h[0][1], h[1][1]].into_iter().zip(wh) {
                    assert!(close(got, want), "{text} at {p:?}: hessian {h:?} vs {wh:?}");
                }
                assert_eq!(h[0][1], h[1][0]);
                assert_eq!(
                    v.to_bits(),
                    formula.value(p).to_bits(),
                    "{text}: value differs between the two evaluations"
                );
            }
        }
    }

    #[test]
    fn powers_at_zero_have_exact_derivatives() {
        let (v, g, h) = f("x^2 + y^3").derivatives([0.0, 0.0]);
        assert_eq!((v, g, h), (0.0, [0.0, 0.0], [[2.0, 0.0], [0.0, 0.0]]));
        let (_, g, _) = f("abs(x)").derivatives([0.0, 1.0]);
        assert_eq!(g, [0.0, 0.0]);
    }

    #[test]
    fn rows_equal_points_bit_for_bit() {
        let xs: Vec<f64> = (0..37).map(|i| -3.0 + 0.17 * f64::from(i)).collect();
        let every_function = "tan(x) + exp(y) + log10(abs(x) + 1) + ln(y^2 + 1) + sinh(x) - cosh(y) + tanh(x y) + atan(y) + x^0.5 + x^-3 + abs(y)^2.5";
        for text in [
            "x^2 + 3 y^2",
            "sin(x) cos(y) + (x^2 + y^2) / 10",
            "x^y",
            "2",
            "y",
            "log(x) - sqrt(y)",
            "-x / (1 + y^2)",
            every_function,
        ] {
            let formula = f(text);
            for y in [-1.5, 0.0, 0.8] {
                let mut row = Vec::new();
                formula.values_along_x(&xs, y, &mut row);
                assert_eq!(row.len(), xs.len());
                for (&x, &v) in xs.iter().zip(&row) {
                    assert_eq!(
                        v.to_bits(),
                        formula.value([x, y]).to_bits(),
                        "{text} at ({x}, {y})"
                    );
                }
            }
        }
    }
}
