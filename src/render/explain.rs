//! A racer's next update drawn at its head ([`crate::explanation::Explanation`]): each piece
//! of its optimizer's table as its shape says (an arrow from the head, a box about it, a point),
//! numbered in the update's order and labelled, and beside the plot a panel that lists every
//! piece with its value and caption. Generic over the backend: the page draws it on a canvas,
//! `optiscape plot --explain` into SVG or PNG.
//!
//! Arrows and boxes of the gradient's space share one scale, the longest of them [`REACH_CSS`]
//! long; those of the step's space share another: their true length on the plot, magnified by
//! a round factor (shown beside the step) when the step is shorter than a fifth of that, so a
//! step of a pixel can be seen. Points are in the step's space too (a Newton step's model
//! minimum is where its arrow ends). `shown` draws only the first pieces, for an animation
//! that adds them one by one.

use super::layout::{Mapping, Metrics};
use super::path::to_backend;
use super::scene::{at, casing, fill, ring, stroke, text_style, DrawResult, INK};
use super::ticks::format_value;
use crate::explanation::Explanation;
use crate::optim::explain::{Shape, Space};
use crate::text;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, FontStyle, RGBColor, TextStyle};

/// The longest arrow or box of a space, in CSS px.
pub const REACH_CSS: f64 = 150.0;
/// Below this share of the reach, the step's space is magnified.
const MAGNIFY_BELOW: f64 = 0.2;
/// A box's half sides take at most this share of the plot's width and height.
const BOX_ROOM: f64 = 0.45;
const HEAD_LENGTH_CSS: f64 = 11.0;
const HEAD_HALF_WIDTH_CSS: f64 = 5.5;

/// The colours of the pieces but the step's (which is the racer's): dark and saturated, so
/// that they read over every band of the landscape, and told apart by their numbers as well.
const PIECE_COLORS: [RGBColor; 6] = [
    INK,
    RGBColor(0xcc, 0x33, 0x11),
    RGBColor(0x77, 0x33, 0xaa),
    RGBColor(0x00, 0x66, 0xaa),
    RGBColor(0x00, 0x88, 0x77),
    RGBColor(0xbb, 0x66, 0x00),
];

/// How each space is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scales {
    /// Device pixels per unit of the gradient.
    pub gradient: f64,
    /// The step's space: its true size on the plot times this (1, or a round number above).
    pub magnify: f64,
}

/// One piece in device pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnPiece {
    /// Its index in the explanation (its number is one more).
    pub index: usize,
    pub shape: Shape,
    pub color: RGBColor,
    /// An arrow's tip, a point's place, a box's corner (head plus its half sides).
    pub to: [f64; 2],
    /// A box's half width and half height.
    pub half: [f64; 2],
    /// What its label says: its number and label ("3 −m̂"), and the magnification at the step.
    pub label: String,
}

/// An explanation in device pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Glyph {
    pub head: [f64; 2],
    pub scales: Scales,
    /// The pieces with a shape on the plot (numbers and zero-length or non-finite pieces
    /// aside), in order.
    pub pieces: Vec<DrawnPiece>,
}

/// Each piece's colour: the step in the racer's `color`, the others from [`PIECE_COLORS`] in
/// order, skipping one too close to the racer's.
pub fn piece_colors(e: &Explanation, color: RGBColor) -> Vec<RGBColor> {
    let far = |c: &RGBColor| {
        (c.0 as f64 - color.0 as f64).abs()
            + (c.1 as f64 - color.1 as f64).abs()
            + (c.2 as f64 - color.2 as f64).abs()
            > 120.0
    };
    let mut palette = PIECE_COLORS.iter().copied().filter(far).cycle();
    e.pieces
        .iter()
        .map(|p| {
            if p.key == crate::optim::explain::STEP_KEY {
                color
            } else {
                palette.next().unwrap_or(INK)
            }
        })
        .collect()
}

/// `v` (data units) in device pixels, y down.
fn to_px(mapping: &Mapping, v: [f64; 2]) -> [f64; 2] {
    let [ux, uy] = mapping.data_per_px();
    [v[0] / ux, -v[1] / uy]
}

fn finite2(v: &[f64]) -> Option<[f64; 2]> {
    (v.len() == 2 && v.iter().all(|x| x.is_finite())).then(|| [v[0], v[1]])
}

/// A round factor, 1, 2 or 5 times a power of ten, at most `x` (and at least 1).
fn round_down(x: f64) -> f64 {
    if x.is_nan() || x <= 1.0 || x.is_infinite() {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&f| f <= x)
        .unwrap_or(1.0)
}

/// The scales of `e`'s spaces on `mapping`, at `dpr`: the gradient's longest arrow [`REACH_CSS`]
/// long, unless that makes a box overflow the plot (a long memory of large gradients beside a
/// small gradient now): then its largest box fits the plot, and the arrows are shorter.
pub fn scales(mapping: &Mapping, e: &Explanation, dpr: f64) -> Scales {
    let reach = Metrics::new(dpr).px(REACH_CSS);
    let (mut arrow, mut half, mut step) = (0.0f64, [0.0f64; 2], 0.0f64);
    for p in &e.pieces {
        let Some(v) = p.value.vector().and_then(finite2) else {
            continue;
        };
        match (p.shape, p.space) {
            (Shape::Arrow, Some(Space::Gradient)) => arrow = arrow.max(v[0].hypot(v[1])),
            (Shape::Box, Some(Space::Gradient)) => {
                half = [half[0].max(v[0].abs()), half[1].max(v[1].abs())]
            }
            (Shape::Arrow | Shape::Box, Some(Space::Step)) => {
                step = step.max(px_len(to_px(mapping, v)))
            }
            (Shape::Point, _) => {
                step = step.max(px_len(to_px(mapping, [v[0] - e.at[0], v[1] - e.at[1]])))
            }
            _ => {}
        }
    }
    let room = [
        BOX_ROOM * mapping.plot.width as f64,
        BOX_ROOM * mapping.plot.height as f64,
    ];
    let fits = (0..2)
        .filter(|&i| half[i] > 0.0)
        .map(|i| room[i] / half[i])
        .fold(f64::INFINITY, f64::min);
    let gradient = if arrow > 0.0 {
        (reach / arrow).min(fits)
    } else if fits.is_finite() {
        fits.min(reach / half[0].hypot(half[1]))
    } else {
        0.0
    };
    let magnify = if step > 0.0 && step < MAGNIFY_BELOW * reach {
        round_down(reach / step)
    } else {
        1.0
    };
    Scales { gradient, magnify }
}

fn px_len(v: [f64; 2]) -> f64 {
    v[0].hypot(v[1])
}

/// The glyph of `e` on `mapping`; None when its head is off the plot.
pub fn geometry(mapping: &Mapping, e: &Explanation, color: RGBColor, dpr: f64) -> Option<Glyph> {
    let head = mapping.to_px(e.at);
    if !mapping.plot.contains(head) {
        return None;
    }
    let scales = scales(mapping, e, dpr);
    let colors = piece_colors(e, color);
    let mut pieces = Vec::new();
    for (index, p) in e.pieces.iter().enumerate() {
        let Some(v) = p.value.vector().and_then(finite2) else {
            continue;
        };
        // The offset from the head in device pixels.
        let offset = match (p.shape, p.space) {
            (Shape::Point, _) => {
                to_px(mapping, [v[0] - e.at[0], v[1] - e.at[1]]).map(|c| c * scales.magnify)
            }
            (_, Some(Space::Gradient)) => [v[0] * scales.gradient, -v[1] * scales.gradient],
            (_, Some(Space::Step)) => to_px(mapping, v).map(|c| c * scales.magnify),
            _ => continue,
        };
        if p.shape == Shape::Arrow && px_len(offset) < 0.5 {
            continue;
        }
        let half = if p.shape == Shape::Box {
            [offset[0].abs(), offset[1].abs()]
        } else {
            [0.0; 2]
        };
        let mut label = format!("{} {}", index + 1, p.label);
        if p.key == crate::optim::explain::STEP_KEY && scales.magnify > 1.0 {
            label.push_str(&format!(" \u{d7}{}", format_value(scales.magnify)));
        }
        pieces.push(DrawnPiece {
            index,
            shape: p.shape,
            color: colors[index],
            to: [head[0] + offset[0], head[1] + offset[1]],
            half,
            label,
        });
    }
    Some(Glyph {
        head,
        scales,
        pieces,
    })
}

/// An arrow from `from` to `tip`, `width` CSS px wide, over a casing: its head grows with the
/// width and takes at most 0.6 of a short arrow.
fn arrow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: [f64; 2],
    tip: [f64; 2],
    color: RGBColor,
    width: f64,
    m: &Metrics,
) -> DrawResult<DB> {
    let scale = (width / 2.0).max(1.0);
    let head = |n: f64| {
        let len = m.px(HEAD_LENGTH_CSS * scale).min(0.6 * n);
        let half = m.px(HEAD_HALF_WIDTH_CSS * scale) * len / m.px(HEAD_LENGTH_CSS * scale);
        [len, half]
    };
    super::scene::arrow(area, [from, tip], color, width, head, m)
}

/// Where each label goes: beside its piece's end, away from the head, nudged up or down until
/// it overlaps no label before it. Returns the anchor and whether it is left-aligned.
fn place_labels(glyph: &Glyph, m: &Metrics) -> Vec<([f64; 2], bool)> {
    let line = m.font() * 1.25;
    let mut placed: Vec<[f64; 4]> = Vec::new();
    glyph
        .pieces
        .iter()
        .map(|p| {
            let (spot, right) = match p.shape {
                Shape::Box => (
                    [p.to[0] + m.px(4.0), glyph.head[1] - p.half[1] - line * 0.6],
                    true,
                ),
                _ => {
                    let right = p.to[0] >= glyph.head[0];
                    (
                        [
                            p.to[0] + if right { m.px(8.0) } else { -m.px(8.0) },
                            p.to[1],
                        ],
                        right,
                    )
                }
            };
            let width = m.label_width(p.label.chars().count());
            let rect = |y: f64| {
                if right {
                    [spot[0], y - line / 2.0, spot[0] + width, y + line / 2.0]
                } else {
                    [spot[0] - width, y - line / 2.0, spot[0], y + line / 2.0]
                }
            };
            let clear = |r: [f64; 4]| {
                placed
                    .iter()
                    .all(|q| r[2] <= q[0] || r[0] >= q[2] || r[3] <= q[1] || r[1] >= q[3])
            };
            let y = (0..12)
                .map(|k| {
                    spot[1]
                        + line
                            * if k % 2 == 0 {
                                (k / 2) as f64
                            } else {
                                -((k / 2 + 1) as f64)
                            }
                })
                .find(|&y| clear(rect(y)))
                .unwrap_or(spot[1]);
            placed.push(rect(y));
            ([spot[0], y], right)
        })
        .collect()
}

/// The first `shown` pieces of `e` at its head (all of them: `usize::MAX`): boxes under
/// arrows, the step on top, then the labels on a white backing.
pub fn draw_explanation<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mapping: &Mapping,
    e: &Explanation,
    color: RGBColor,
    dpr: f64,
    shown: usize,
) -> DrawResult<DB> {
    let m = Metrics::new(dpr);
    let Some(glyph) = geometry(mapping, e, color, dpr) else {
        return Ok(());
    };
    let visible: Vec<&DrawnPiece> = glyph.pieces.iter().filter(|p| p.index < shown).collect();
    let h = glyph.head;
    let plot = super::scene::bounds(mapping);
    for p in visible.iter().filter(|p| p.shape == Shape::Box) {
        // Cut to the plot: a box wider than the plot shows its edges that are on it.
        let (x0, x1, y0, y1) = (
            h[0] - p.half[0],
            h[0] + p.half[0],
            h[1] - p.half[1],
            h[1] + p.half[1],
        );
        let (cx0, cx1, cy0, cy1) = (
            x0.max(plot[0]),
            x1.min(plot[2]),
            y0.max(plot[1]),
            y1.min(plot[3]),
        );
        if let (Some(a), Some(b)) = (at([cx0, cy0]), at([cx1, cy1])) {
            area.draw(&Rectangle::new([a, b], fill(p.color.mix(0.10))))?;
        }
        let edges = [
            (x0 >= plot[0], [[x0, cy0], [x0, cy1]]),
            (x1 <= plot[2], [[x1, cy0], [x1, cy1]]),
            (y0 >= plot[1], [[cx0, y0], [cx1, y0]]),
            (y1 <= plot[3], [[cx0, y1], [cx1, y1]]),
        ];
        for width in [(casing(p.color), 3.5), (p.color.to_rgba(), 1.75)] {
            for (inside, edge) in edges {
                let line = to_backend(&edge);
                if inside && line.len() == 2 {
                    area.draw(&PathElement::new(line, stroke(width.0, m.stroke(width.1))))?;
                }
            }
        }
    }
    let step = crate::optim::explain::STEP_KEY;
    let is_step = |p: &DrawnPiece| e.pieces[p.index].key == step;
    for p in visible
        .iter()
        .filter(|p| p.shape == Shape::Arrow && !is_step(p))
    {
        arrow(area, h, p.to, p.color, 2.5, &m)?;
    }
    for p in visible.iter().filter(|p| p.shape == Shape::Point) {
        ring(area, p.to, 6.0, p.color, 2.25, &m)?;
    }
    for p in visible
        .iter()
        .filter(|p| p.shape == Shape::Arrow && is_step(p))
    {
        arrow(area, h, p.to, p.color, 4.0, &m)?;
    }
    // The head itself, over the arrows' tails.
    if let Some(c) = at(h) {
        area.draw(&Circle::new(c, m.px(4.0).round() as i32, fill(color)))?;
        area.draw(&Circle::new(
            c,
            m.px(4.0).round() as i32,
            stroke(casing(color), m.stroke(1.5)),
        ))?;
    }
    let anchors = place_labels(&glyph, &m);
    for (p, (spot, right)) in glyph.pieces.iter().zip(anchors) {
        if p.index >= shown {
            continue;
        }
        let width = m.label_width(p.label.chars().count()) * 0.95;
        let half = m.font() * 0.62;
        let (x0, x1) = if right {
            (spot[0] - m.px(3.0), spot[0] + width)
        } else {
            (spot[0] - width, spot[0] + m.px(3.0))
        };
        if let (Some(a), Some(b)) = (at([x0, spot[1] - half]), at([x1, spot[1] + half])) {
            area.draw(&Rectangle::new(
                [a, b],
                fill(RGBColor(255, 255, 255).mix(0.82)),
            ))?;
        }
        let style = colored(
            text_style(
                m.font(),
                FontStyle::Normal,
                if right { HPos::Left } else { HPos::Right },
                VPos::Center,
            ),
            legible(p.color),
        );
        if let Some(c) = at(spot) {
            area.draw_text(&p.label, &style, c)?;
        }
    }
    Ok(())
}

/// A colour for text on white: a light one (a racer's pink or yellow) darkened until it reads.
fn legible(c: RGBColor) -> RGBColor {
    let l = super::colormap::luminance([c.0, c.1, c.2]);
    if l <= 0.25 {
        return c;
    }
    let k = (0.25 / l).sqrt();
    RGBColor(
        (c.0 as f64 * k) as u8,
        (c.1 as f64 * k) as u8,
        (c.2 as f64 * k) as u8,
    )
}

fn colored(style: TextStyle<'static>, color: RGBColor) -> TextStyle<'static> {
    TextStyle {
        color: color.to_backend_color(),
        ..style
    }
}

/// `text` cut into lines of at most `chars` characters, at spaces.
pub fn wrap(text: &str, chars: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > chars {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The panel's lines: its heading, then for each piece its number, label and value, and its
/// caption; each line with its colour, whether it is a heading and its indent. `chars` is the
/// panel's width in characters of the caption's font.
pub fn panel_lines(
    e: &Explanation,
    scales: Scales,
    chars: usize,
) -> Vec<(String, Option<usize>, bool)> {
    let mut out: Vec<(String, Option<usize>, bool)> = vec![
        (text::explain_title(e), None, true),
        (text::explain_where(e), None, false),
    ];
    for (i, p) in e.pieces.iter().enumerate() {
        out.push((text::explain_piece(i, p), Some(i), true));
        for line in wrap(p.caption, chars) {
            out.push((line, Some(i), false));
        }
    }
    let gradients = e.pieces.iter().any(|p| p.space == Some(Space::Gradient));
    for note in text::explain_scales(gradients, scales.magnify) {
        for line in wrap(&note, chars) {
            out.push((line, None, false));
        }
    }
    out
}

/// The panel listing `e`'s pieces in `area`: a swatch of each piece's shape in its colour, its
/// number, label and value in bold, its caption under it.
pub fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mapping: &Mapping,
    e: &Explanation,
    color: RGBColor,
    dpr: f64,
) -> DrawResult<DB> {
    let m = Metrics::new(dpr);
    let (width, _) = area.dim_in_pixel();
    let scales = scales(mapping, e, dpr);
    let colors = piece_colors(e, color);
    let margin = m.px(12.0);
    let indent = m.px(30.0);
    let small = m.font() * 0.93;
    let chars =
        (((width as f64 - margin - indent - m.px(8.0)) / (0.55 * small)).floor() as usize).max(16);
    let mut y = m.px(14.0);
    let mut last_piece = None;
    for (text, piece, bold) in panel_lines(e, scales, chars) {
        let heading = piece.is_none() && bold;
        let size = if heading {
            m.title_font() * 1.05
        } else if bold {
            m.font()
        } else {
            small
        };
        if piece.is_some() && piece != last_piece {
            y += m.px(6.0);
        }
        if piece.is_none() && last_piece.is_some() {
            y += m.px(10.0);
        }
        let x = if piece.is_some() {
            margin + indent
        } else {
            margin
        };
        let ink = piece.map_or(INK, |i| {
            if bold {
                legible(colors[i])
            } else {
                RGBColor(60, 60, 60)
            }
        });
        let style = colored(
            text_style(
                size,
                if bold {
                    FontStyle::Bold
                } else {
                    FontStyle::Normal
                },
                HPos::Left,
                VPos::Top,
            ),
            ink,
        );
        area.draw_text(&text, &style, (x.round() as i32, y.round() as i32))?;
        if let (Some(i), true) = (piece, bold) {
            swatch(
                area,
                [margin, y + size * 0.55],
                e.pieces[i].shape,
                colors[i],
                &m,
            )?;
        }
        y += size * 1.3;
        last_piece = piece;
    }
    Ok(())
}

/// A small picture of a piece's shape at `at` (its left middle), in `color`.
fn swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: [f64; 2],
    shape: Shape,
    color: RGBColor,
    m: &Metrics,
) -> DrawResult<DB> {
    let w = m.px(22.0);
    match shape {
        Shape::Arrow => arrow(area, at, [at[0] + w, at[1]], color, 2.0, m),
        Shape::Box => {
            let (a, b) = (
                super::scene::at([at[0] + m.px(3.0), at[1] - m.px(7.0)]),
                super::scene::at([at[0] + w - m.px(3.0), at[1] + m.px(7.0)]),
            );
            if let (Some(a), Some(b)) = (a, b) {
                area.draw(&Rectangle::new([a, b], fill(color.mix(0.12))))?;
                area.draw(&Rectangle::new([a, b], stroke(color, m.stroke(1.75))))?;
            }
            Ok(())
        }
        Shape::Point => match super::scene::at([at[0] + w / 2.0, at[1]]) {
            Some(c) => area.draw(&Circle::new(
                c,
                m.px(5.0).round() as i32,
                stroke(color, m.stroke(2.0)),
            )),
            None => Ok(()),
        },
        Shape::Scalar => match super::scene::at([at[0] + w / 2.0, at[1]]) {
            Some(c) => area.draw(&Circle::new(c, m.px(3.0).round() as i32, fill(color))),
            None => Ok(()),
        },
    }
}
