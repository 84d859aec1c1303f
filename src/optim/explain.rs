//! The next update of an optimizer, piece by piece: what the page's "explain step" view and
//! `optiscape plot --explain` draw at a racer's head.
//!
//! Every optimizer file has an explanation table, [`PieceInfo`]s in the order its update
//! computes them, `step` last: each piece's shape (an arrow from the head, an axis-aligned box
//! about it, a point, or a number), its label and a one-line caption in plain language. Its
//! [`super::Optimizer::explain`] gives the pieces' values for one update, computed from the
//! state before and after it with the update's own operations; the step is the update's own
//! (`update` run on a copy of the state), so it is the racer's next step to the last bit.
//! Drawing code reads only these tables: no optimizer has explanation code of its own.
//!
//! Arrows and boxes live in one of two spaces, which a drawing scales separately: the
//! gradient's (a gradient, an average of gradients, a typical gradient size: units of the loss
//! per unit of x) and the step's (a displacement of the point: units of x). Arrows in the
//! gradient's space point downhill (`−g`, `−m̂`): the way the update moves.

use serde::Serialize;

/// How a piece is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// A vector drawn from the racer's head.
    Arrow,
    /// Per-coordinate sizes, drawn as an axis-aligned box centred on the head: half as wide as
    /// the first coordinate, half as tall as the second.
    Box,
    /// A point of the plane (data coordinates).
    Point,
    /// A number or a flag, given in words beside the drawing.
    Scalar,
}

/// The units of an arrow or a box, each drawn at a scale of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Space {
    /// The gradient's units: a gradient, an average of gradients, a typical gradient size.
    Gradient,
    /// The point's units: a displacement of the point.
    Step,
}

/// One row of an optimizer's explanation table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PieceInfo {
    /// Its name in the table, stable for code (`m_hat`); `step` is the update's step.
    pub key: &'static str,
    /// How the page and the drawing write it (`−m̂`).
    pub label: &'static str,
    pub shape: Shape,
    /// The space of an arrow or a box; None for a point or a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<Space>,
    /// What it is, in one plain-language line.
    pub caption: &'static str,
}

impl PieceInfo {
    pub const fn arrow(
        key: &'static str,
        label: &'static str,
        space: Space,
        caption: &'static str,
    ) -> PieceInfo {
        PieceInfo {
            key,
            label,
            shape: Shape::Arrow,
            space: Some(space),
            caption,
        }
    }
    pub const fn boxed(
        key: &'static str,
        label: &'static str,
        space: Space,
        caption: &'static str,
    ) -> PieceInfo {
        PieceInfo {
            key,
            label,
            shape: Shape::Box,
            space: Some(space),
            caption,
        }
    }
    pub const fn point(key: &'static str, label: &'static str, caption: &'static str) -> PieceInfo {
        PieceInfo {
            key,
            label,
            shape: Shape::Point,
            space: None,
            caption,
        }
    }
    pub const fn scalar(
        key: &'static str,
        label: &'static str,
        caption: &'static str,
    ) -> PieceInfo {
        PieceInfo {
            key,
            label,
            shape: Shape::Scalar,
            space: None,
            caption,
        }
    }
    /// The update's step, the last row of every table.
    pub const fn step(caption: &'static str) -> PieceInfo {
        PieceInfo::arrow(STEP_KEY, "step", Space::Step, caption)
    }
}

/// The key of the last piece of every table: the step the update takes.
pub const STEP_KEY: &str = "step";

/// A piece's value: a vector (one number per coordinate), a number or a flag.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PieceValue {
    Vector(Vec<f64>),
    Number(f64),
    Flag(bool),
}

impl PieceValue {
    /// The vector, if it is one.
    pub fn vector(&self) -> Option<&[f64]> {
        match self {
            PieceValue::Vector(v) => Some(v),
            _ => None,
        }
    }
}

/// A piece's value by its key in the table, as an optimizer's `explain` gives it.
pub type Value = (&'static str, PieceValue);

/// `v` as a vector value of `key`.
pub fn vector(key: &'static str, v: Vec<f64>) -> Value {
    (key, PieceValue::Vector(v))
}

/// `−v`, downhill: how gradient-space arrows are shown (negation is exact).
pub fn downhill(key: &'static str, v: &[f64]) -> Value {
    vector(key, v.iter().map(|x| -x).collect())
}

pub fn number(key: &'static str, x: f64) -> Value {
    (key, PieceValue::Number(x))
}

pub fn flag(key: &'static str, b: bool) -> Value {
    (key, PieceValue::Flag(b))
}

/// One piece of an update with its value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Piece {
    pub key: &'static str,
    pub label: &'static str,
    pub shape: Shape,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<Space>,
    pub caption: &'static str,
    pub value: PieceValue,
}

impl Piece {
    pub fn new(info: &PieceInfo, value: PieceValue) -> Piece {
        Piece {
            key: info.key,
            label: info.label,
            shape: info.shape,
            space: info.space,
            caption: info.caption,
            value,
        }
    }
}

/// The table's pieces that `values` gives, in the table's order, with `step` (the update's
/// displacement, `next - params`) last.
pub fn in_table_order(
    table: &'static [PieceInfo],
    values: Vec<Value>,
    step: Vec<f64>,
) -> Vec<Piece> {
    debug_assert!(
        values
            .iter()
            .all(|(k, _)| *k != STEP_KEY && table.iter().any(|p| p.key == *k)),
        "every value's key is in the table, and the step is the update's: {:?}",
        values.iter().map(|v| v.0).collect::<Vec<_>>()
    );
    let mut step = Some(step);
    let mut values: Vec<Option<Value>> = values.into_iter().map(Some).collect();
    table
        .iter()
        .filter_map(|info| {
            let value = if info.key == STEP_KEY {
                step.take().map(PieceValue::Vector)
            } else {
                values
                    .iter_mut()
                    .find(|v| v.as_ref().is_some_and(|(k, _)| *k == info.key))
                    .and_then(Option::take)
                    .map(|(_, v)| v)
            };
            value.map(|v| Piece::new(info, v))
        })
        .collect()
}

/// Pieces several optimizers share.
pub mod common {
    use super::{PieceInfo, Space};

    /// The gradient the optimizer gets (scale, noise and clipping applied), downhill.
    pub const GRADIENT: PieceInfo = PieceInfo::arrow(
        "gradient",
        "−g",
        Space::Gradient,
        "downhill: the gradient here (scale, noise and clipping applied), reversed",
    );
    /// Weight decay added to the gradient.
    pub const L2: PieceInfo = PieceInfo::arrow(
        "l2",
        "−λx",
        Space::Gradient,
        "weight decay: λ times the weights, added to the gradient, pulls them toward zero",
    );
    /// The gradient with weight decay added, as the rest of the update uses it.
    pub const DECAYED: PieceInfo = PieceInfo::arrow(
        "decayed",
        "−(g + λx)",
        Space::Gradient,
        "the gradient with the weight decay added: what the rest of the update uses",
    );
    /// Decoupled weight decay: the weights shrink before the step.
    pub const DECOUPLED: PieceInfo = PieceInfo::arrow(
        "decoupled",
        "−lr·λ·x",
        Space::Step,
        "decoupled weight decay: the weights shrink by lr·λ of themselves, apart from the gradient",
    );
}

/// The weight decay pieces of an update whose gradient `g` gets `weight_decay * params` added:
/// that term and the sum (torch's `grad.add(param, alpha=weight_decay)`, fused), downhill; none
/// without weight decay.
pub fn l2(params: &[f64], g: &[f64], weight_decay: f64) -> Vec<Value> {
    if weight_decay == 0.0 {
        return Vec::new();
    }
    let term: Vec<f64> = params.iter().map(|&p| weight_decay * p).collect();
    let sum: Vec<f64> = g
        .iter()
        .zip(params)
        .map(|(&g, &p)| super::add(g, p, weight_decay))
        .collect();
    vec![
        downhill(common::L2.key, &term),
        downhill(common::DECAYED.key, &sum),
    ]
}

/// The weight decay pieces of an update that either shrinks the weights by `rate *
/// weight_decay` of themselves (`decoupled`, as AdamW; `rate` is the learning rate, or 1 for a
/// fixed decay) or adds `weight_decay * params` to the gradient; none without weight decay.
pub fn either_decay(
    params: &[f64],
    g: &[f64],
    rate: f64,
    weight_decay: f64,
    decoupled: bool,
) -> Vec<Value> {
    if weight_decay == 0.0 {
        Vec::new()
    } else if decoupled {
        self::decoupled(params, 1.0 - rate * weight_decay)
    } else {
        l2(params, g, weight_decay)
    }
}

/// `g` with `weight_decay * params` added as the update adds it (unchanged without decay).
pub fn decayed(params: &[f64], g: &[f64], weight_decay: f64) -> Vec<f64> {
    if weight_decay == 0.0 {
        g.to_vec()
    } else {
        g.iter()
            .zip(params)
            .map(|(&g, &p)| super::add(g, p, weight_decay))
            .collect()
    }
}

/// The displacement of decoupled weight decay, `params * factor - params` (the weights times
/// `factor = 1 - lr weight_decay`); none when the factor is 1.
pub fn decoupled(params: &[f64], factor: f64) -> Vec<Value> {
    if factor == 1.0 {
        return Vec::new();
    }
    vec![vector(
        common::DECOUPLED.key,
        params.iter().map(|&p| p * factor - p).collect(),
    )]
}
