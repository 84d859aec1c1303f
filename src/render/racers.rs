//! The racers on the landscape: their paths (drawn incrementally, one [`Pen`] per racer) and
//! their heads (redrawn every frame on a layer of their own).
//!
//! A live page keeps canvases over the landscape: the trails, which only ever grow (each
//! frame strokes the few new segments, [`draw_trails`]), and the heads, cleared and redrawn
//! every frame ([`draw_heads`]). A frame therefore costs what its new steps cost, not what the
//! whole race has drawn so far. [`draw_racers`] draws both at once, for pictures made in one go
//! (SVG in tests).
//!
//! Racers of one colour are told apart by their dash patterns ([`super::colormap::dashes`]); a
//! dashed line goes on from where its last piece ended in the pattern. A path flung far outside
//! the view draws nothing there: no segment between two far points crosses the plot (see
//! [`super::path::drop_far`]). A diverged racer ends in a cross at its last finite point, or,
//! when that is out of view, in an "off view" arrow where its path last leaves the plot.
//!
//! Each racer's line has a casing in a contrasting colour under it. A live page keeps the
//! casings on a canvas of their own under the lines, opaque, and shows that canvas translucent
//! ([`Casings::OwnLayer`]): so every casing stays under every line, as in a picture drawn in one
//! go, and overlapping pieces do not darken. Appending a piece strokes the casing from the last
//! point drawn and the line from the point before it, so the pieces join seamlessly; segments
//! a racer stroked already are not stroked again (one jittering about its minimum would
//! retrace the same few pixels every frame). Each racer's pieces of a frame are one
//! [`Strokes`]: a canvas strokes them as one path.

use super::colormap::Dash;
use super::layout::{Mapping, Metrics};
use super::path::{clip, dash, drop_far, straighten, thin, to_backend, Bounds, Strokes};
use super::scene::{
    at, bounds, casing, cross, fill, stroke, text_style, DrawResult, DIVERGED, INK, WHITE,
};
use crate::landscape::Point;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, Polygon, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{FontStyle, RGBColor};
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// A racer's path drops wiggles smaller than this many device pixels across (see
/// [`super::path::straighten`]): below the width of its line, they read as noise.
pub const RACER_JITTER_PX: f64 = 1.0;
/// Consecutive path points closer than this many device pixels collapse.
const THIN_PX: f64 = 0.5;

/// One racer on the overlay.
#[derive(Clone, Copy, Debug)]
pub struct RacerTrace<'a> {
    pub color: RGBColor,
    /// The trajectory in data coordinates, start first. Non-finite points are skipped.
    pub points: &'a [Point],
    /// Ends with a red-outlined cross instead of a dot.
    pub diverged: bool,
    pub dash: Dash,
}

/// Where a racer's path was last drawn, in device pixels: the last two points stroked. A new
/// pen (or a [`Pen::clear`]ed one) draws a path from its first point.
#[derive(Clone, Debug, Default)]
pub struct Pen {
    tail: Vec<[f64; 2]>,
    /// How far into its dash pattern the line drawn so far ends, in device pixels.
    phase: f64,
    /// The segments (whole device pixels) stroked so far, casings' and lines': a racer that
    /// jitters about its minimum retraces a handful of pixels every frame, and stroking them
    /// again changes nothing.
    cased: Segments,
    lined: Segments,
}

impl Pen {
    pub fn clear(&mut self) {
        self.tail.clear();
        self.phase = 0.0;
        self.cased.clear();
        self.lined.clear();
    }

    /// The device-pixel polylines for the next piece of a path whose new points are `points`:
    /// the casing starts at the last point drawn, the line one point earlier. Moves the pen.
    fn advance(&mut self, mapping: &Mapping, points: &[Point]) -> Option<Piece> {
        let fresh = points
            .iter()
            .filter(|p| p[0].is_finite() && p[1].is_finite())
            .map(|&p| mapping.to_px(p));
        let anchor = self.tail.last().copied();
        // Thinned against the last point drawn, which comes back first.
        let casing = thin(anchor.into_iter().chain(fresh), THIN_PX);
        if casing.is_empty() || (anchor.is_some() && casing.len() == 1) {
            return None; // nothing new
        }
        let mut line = Vec::with_capacity(casing.len() + 1);
        if self.tail.len() == 2 {
            line.push(self.tail[0]);
        }
        line.extend_from_slice(&casing);
        self.tail = line[line.len().saturating_sub(2)..].to_vec();
        Some(Piece { casing, line })
    }
}

/// Segments already stroked, each as its two ends in whole device pixels (either way round).
#[derive(Clone, Debug, Default)]
struct Segments(HashSet<[i32; 4], BuildHasherDefault<SegmentHasher>>);

/// At most this many segments are remembered per racer and layer, about 140 KB (then it starts
/// over: a racer that keeps travelling has few to skip, one jittering in place a few dozen).
const SEGMENTS_CAPACITY: usize = 1 << 12;

/// A multiply-and-rotate hash of a segment's coordinates (as rustc's own `FxHasher`): the
/// keys are no one's choosing, so the default's protection against chosen keys buys nothing.
#[derive(Default)]
struct SegmentHasher(u64);

impl Hasher for SegmentHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(4) {
            let mut word = [0u8; 4];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u32(u32::from_le_bytes(word));
        }
    }

    fn write_u32(&mut self, i: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, i: usize) {
        self.write_u32(i as u32);
    }
}

impl Segments {
    fn clear(&mut self) {
        self.0.clear();
    }

    /// The polylines of `lines` without the segments stroked before (remembering the others):
    /// the runs of new segments. Skipping a segment drawn already changes no pixel's coverage,
    /// as round caps and joins make a line the union of its segments.
    fn fresh(&mut self, lines: Vec<Vec<(i32, i32)>>) -> Vec<Vec<(i32, i32)>> {
        let mut out = Vec::with_capacity(lines.len());
        for line in lines {
            let mut run: Vec<(i32, i32)> = Vec::new();
            for w in line.windows(2) {
                let (a, b) = (w[0], w[1]);
                let key = if a <= b {
                    [a.0, a.1, b.0, b.1]
                } else {
                    [b.0, b.1, a.0, a.1]
                };
                if self.0.len() >= SEGMENTS_CAPACITY {
                    self.0.clear();
                }
                if self.0.insert(key) {
                    if run.last() != Some(&a) {
                        if run.len() >= 2 {
                            out.push(std::mem::take(&mut run));
                        }
                        run.clear();
                        run.push(a);
                    }
                    run.push(b);
                }
            }
            if run.len() >= 2 {
                out.push(run);
            }
        }
        out
    }
}

struct Piece {
    casing: Vec<[f64; 2]>,
    line: Vec<[f64; 2]>,
}

fn parts(px: &[[f64; 2]], b: Bounds) -> Vec<Vec<(i32, i32)>> {
    drop_far(px, b)
        .iter()
        .flat_map(|run| clip(run, b))
        .map(|part| straighten(&to_backend(&part), RACER_JITTER_PX))
        .filter(|p| p.len() >= 2)
        .collect()
}

/// The dashes of `parts` (device pixels) for `pattern` in CSS pixels, from the pen's phase on.
fn dashed(
    parts: &[Vec<(i32, i32)>],
    pattern: &[f64],
    m: &Metrics,
    phase: &mut f64,
) -> Vec<Vec<(i32, i32)>> {
    let pattern: Vec<f64> = pattern.iter().map(|&l| m.px(l)).collect();
    let mut out = Vec::new();
    for part in parts {
        let points: Vec<[f64; 2]> = part.iter().map(|&(x, y)| [x as f64, y as f64]).collect();
        let (pieces, end) = dash(&points, &pattern, *phase);
        *phase = end;
        out.extend(
            pieces
                .iter()
                .map(|p| to_backend(p))
                .filter(|p| p.len() >= 2),
        );
    }
    out
}

/// Line and casing widths in device pixels.
fn widths(m: &Metrics) -> (u32, u32) {
    (m.stroke(2.0), m.stroke(2.0) + 2 * m.stroke(1.25))
}

/// How casings are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Casings {
    /// Translucent, on the same area as the lines, every casing before every line: a picture
    /// drawn in one go.
    Translucent,
    /// Opaque, on an area of their own under the lines' area, shown with the layer's opacity
    /// ([`CASING_LAYER_OPACITY`]): pieces appended frame after frame neither darken where they
    /// overlap nor cover another racer's line.
    OwnLayer,
}

/// The opacity at which a page shows the [`Casings::OwnLayer`] canvas.
pub const CASING_LAYER_OPACITY: f64 = 0.8;

/// Strokes what each racer moved since its pen last drew (the whole path for a clear pen):
/// every casing on `casing_area` first, then every line on `area`, racers in slice order.
/// `pens` pairs with `racers`.
pub fn draw_trails<DB: DrawingBackend>(
    casing_area: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    casings: Casings,
    mapping: &Mapping,
    racers: &[RacerTrace],
    pens: &mut [Pen],
    dpr: f64,
) -> DrawResult<DB> {
    let (under, over) = trail_strokes(casings, mapping, racers, pens, dpr);
    for s in &under {
        s.draw(casing_area)?;
    }
    for s in &over {
        s.draw(area)?;
    }
    Ok(())
}

/// What [`draw_trails`] strokes, one [`Strokes`] per racer that moved: the casings, then the
/// lines (a dashed racer's dashes in one [`Strokes`]). Moves the pens.
pub fn trail_strokes(
    casings: Casings,
    mapping: &Mapping,
    racers: &[RacerTrace],
    pens: &mut [Pen],
    dpr: f64,
) -> (Vec<Strokes>, Vec<Strokes>) {
    let m = Metrics::new(dpr);
    let b = bounds(mapping);
    let (line_w, casing_w) = widths(&m);
    let (mut under, mut over) = (Vec::new(), Vec::new());
    for (r, pen) in racers.iter().zip(pens.iter_mut()) {
        let Some(piece) = pen.advance(mapping, r.points) else {
            continue;
        };
        let c = casing(r.color);
        let style = match casings {
            Casings::Translucent => stroke(c, casing_w),
            Casings::OwnLayer => stroke(RGBColor(c.0, c.1, c.2), casing_w),
        };
        let casing_parts = parts(&piece.casing, b);
        // A dashed line is cut from the new part alone (the casing's), going on in its pattern.
        let lines = if r.dash == Dash::Solid {
            parts(&piece.line, b)
        } else {
            dashed(&casing_parts, r.dash.pattern(), &m, &mut pen.phase)
        };
        let (casing_lines, lines) = (pen.cased.fresh(casing_parts), pen.lined.fresh(lines));
        if !casing_lines.is_empty() {
            under.push(Strokes {
                style,
                lines: casing_lines,
            });
        }
        if !lines.is_empty() {
            over.push(Strokes {
                style: stroke(r.color, line_w),
                lines,
            });
        }
    }
    (under, over)
}

/// A racer's head for [`draw_heads`].
#[derive(Clone, Copy, Debug)]
pub struct Head {
    pub color: RGBColor,
    /// The latest finite point (data coordinates), if any.
    pub at: Option<Point>,
    /// A diverged racer ends in a cross at its last point; when that is out of sight, in an
    /// "off view" arrow where its path last leaves the plot (see [`exit_point`]).
    pub diverged: bool,
    pub exit: Option<Exit>,
}

/// Where a path last leaves the plot (device pixels) and its direction there (a unit vector).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exit {
    pub at: [f64; 2],
    pub toward: [f64; 2],
}

/// What a diverged racer's arrow at the edge of the plot says.
pub const OFF_VIEW: &str = "off view";

/// What [`draw_heads`] draws, where (device pixels).
enum HeadMark {
    Start([f64; 2]),
    Dot([f64; 2], RGBColor),
    Cross([f64; 2], RGBColor),
    OffView(Exit, RGBColor),
}

fn head_marks(mapping: &Mapping, start: Option<Point>, heads: &[Head]) -> Vec<HeadMark> {
    let b = bounds(mapping);
    let inside = |[x, y]: [f64; 2]| x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
    let mut marks = Vec::with_capacity(heads.len() + 1);
    if let Some(s) = start.filter(|s| s[0].is_finite() && s[1].is_finite()) {
        let px = mapping.to_px(s);
        if inside(px) {
            marks.push(HeadMark::Start(px));
        }
    }
    for h in heads {
        let Some(p) = h.at.filter(|p| p[0].is_finite() && p[1].is_finite()) else {
            continue;
        };
        let px = mapping.to_px(p);
        if h.diverged {
            if inside(px) {
                marks.push(HeadMark::Cross(px, h.color));
            } else if let Some(exit) = h.exit {
                marks.push(HeadMark::OffView(exit, h.color));
            }
        } else if inside(px) {
            marks.push(HeadMark::Dot(px, h.color));
        }
    }
    marks
}

/// The shared start (a white square), each live racer's head (a dot in its colour) and each
/// diverged racer's end (a cross in its colour outlined in red).
pub fn draw_heads<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mapping: &Mapping,
    start: Option<Point>,
    heads: &[Head],
    dpr: f64,
) -> DrawResult<DB> {
    let m = Metrics::new(dpr);
    for mark in head_marks(mapping, start, heads) {
        match mark {
            HeadMark::Start([x, y]) => {
                let (h, e) = (m.px(4.5), m.px(1.5));
                let sq = |h: f64| {
                    [(x - h, y - h), (x + h, y + h)]
                        .map(|(a, b)| (a.round() as i32, b.round() as i32))
                };
                area.draw(&Rectangle::new(sq(h + e), fill(INK)))?;
                area.draw(&Rectangle::new(sq(h), fill(WHITE)))?;
            }
            HeadMark::Cross(end, color) => {
                cross(area, end, m.px(6.0), stroke(DIVERGED, m.stroke(5.0)))?;
                cross(area, end, m.px(6.0), stroke(color, m.stroke(2.0)))?;
            }
            HeadMark::OffView(exit, color) => {
                // A red arrowhead, the racer's colour inside it.
                area.draw(&Polygon::new(
                    arrow(exit.at, exit.toward, m.px(14.0), m.px(7.0)),
                    fill(DIVERGED),
                ))?;
                let tip = [
                    exit.at[0] - exit.toward[0] * m.px(2.5),
                    exit.at[1] - exit.toward[1] * m.px(2.5),
                ];
                area.draw(&Polygon::new(
                    arrow(tip, exit.toward, m.px(9.0), m.px(4.0)),
                    fill(color),
                ))?;
                let (pos, h, v) = off_view_label(exit, &m);
                let style = text_style(m.px(12.0), FontStyle::Bold, h, v);
                area.draw_text(OFF_VIEW, &style.color(&DIVERGED), pos)?;
            }
            HeadMark::Dot(px, color) => {
                if let Some(c) = at(px) {
                    let radius = m.px(4.0);
                    area.draw(&Circle::new(
                        c,
                        (radius + m.px(1.5)).round() as i32,
                        fill(casing(color)),
                    ))?;
                    area.draw(&Circle::new(c, radius.round() as i32, fill(color)))?;
                }
            }
        }
    }
    Ok(())
}

/// An arrowhead (three corners) with its tip at `[x, y]`, pointing along the unit vector
/// `[dx, dy]`, `len` long and `2 half` wide.
fn arrow([x, y]: [f64; 2], [dx, dy]: [f64; 2], len: f64, half: f64) -> Vec<(i32, i32)> {
    let (bx, by) = (x - dx * len, y - dy * len);
    [
        [x, y],
        [bx - dy * half, by + dx * half],
        [bx + dy * half, by - dx * half],
    ]
    .iter()
    .map(|&[px, py]| (px.round() as i32, py.round() as i32))
    .collect()
}

/// Where the "off view" label goes: inside the plot, beyond the arrow's base, aligned away
/// from the edge the path left by.
fn off_view_label(exit: Exit, m: &Metrics) -> ((i32, i32), HPos, VPos) {
    let ([x, y], [dx, dy]) = (exit.at, exit.toward);
    let back = m.px(18.0);
    let (lx, ly) = (x - dx * back, y - dy * back);
    let h = if dx > 0.5 {
        HPos::Right
    } else if dx < -0.5 {
        HPos::Left
    } else {
        HPos::Center
    };
    let v = if dy > 0.5 {
        VPos::Bottom
    } else if dy < -0.5 {
        VPos::Top
    } else {
        VPos::Center
    };
    ((lx.round() as i32, ly.round() as i32), h, v)
}

/// Device-pixel boxes `[x, y, width, height]` that hold everything [`draw_heads`] draws for
/// the same arguments: clearing them erases the heads, without clearing the whole canvas.
pub fn head_boxes(
    mapping: &Mapping,
    start: Option<Point>,
    heads: &[Head],
    dpr: f64,
) -> Vec<[f64; 4]> {
    let m = Metrics::new(dpr);
    let half = m.px(11.0).ceil();
    // The arrow, and its label: eight characters of a 12 px bold font, from the arrow's base.
    let reach = (m.px(18.0) + 8.0 * 0.75 * m.px(12.0) + m.px(4.0)).ceil();
    head_marks(mapping, start, heads)
        .into_iter()
        .map(|mark| match mark {
            HeadMark::Start(p) | HeadMark::Dot(p, _) | HeadMark::Cross(p, _) => [
                p[0].round() - half,
                p[1].round() - half,
                2.0 * half,
                2.0 * half,
            ],
            HeadMark::OffView(e, _) => [
                e.at[0].round() - reach,
                e.at[1].round() - reach,
                2.0 * reach,
                2.0 * reach,
            ],
        })
        .collect()
}

/// Where a path last leaves the plot, in device pixels: the end of its last visible part, and
/// the direction of that part's last segment.
pub fn exit_point(mapping: &Mapping, points: &[Point]) -> Option<Exit> {
    let px = thin(points.iter().map(|&p| mapping.to_px(p)), THIN_PX);
    let last = parts(&px, bounds(mapping)).pop()?;
    let (&(x1, y1), &(x0, y0)) = (last.last()?, last.get(last.len().checked_sub(2)?)?);
    let (dx, dy) = ((x1 - x0) as f64, (y1 - y0) as f64);
    let len = dx.hypot(dy);
    (len > 0.0).then(|| Exit {
        at: [x1 as f64, y1 as f64],
        toward: [dx / len, dy / len],
    })
}

/// Every racer's whole path, head and end, and the shared start, in one go: what
/// [`draw_trails`] with clear pens and then [`draw_heads`] draw.
pub fn draw_racers<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mapping: &Mapping,
    start: Option<Point>,
    racers: &[RacerTrace],
    dpr: f64,
) -> DrawResult<DB> {
    let mut pens = vec![Pen::default(); racers.len()];
    draw_trails(
        area,
        area,
        Casings::Translucent,
        mapping,
        racers,
        &mut pens,
        dpr,
    )?;
    let heads: Vec<Head> = racers
        .iter()
        .map(|r| {
            let at = r
                .points
                .iter()
                .rev()
                .find(|p| p[0].is_finite() && p[1].is_finite())
                .copied();
            Head {
                color: r.color,
                at,
                diverged: r.diverged,
                exit: if r.diverged {
                    exit_point(mapping, r.points)
                } else {
                    None
                },
            }
        })
        .collect();
    draw_heads(area, mapping, start, &heads, dpr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::View;
    use crate::render::Layout;
    use plotters::backend::SVGBackend;
    use plotters::prelude::IntoDrawingArea;

    fn polylines(svg: &str) -> Vec<Vec<(i64, i64)>> {
        svg.split("points=\"")
            .skip(1)
            .map(|a| {
                let nums: Vec<i64> = a[..a.find('"').unwrap()]
                    .split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .map(|n| n.parse().unwrap())
                    .collect();
                nums.chunks(2).map(|c| (c[0], c[1])).collect()
            })
            .collect()
    }

    /// A 400 x 400 canvas of [-1, 1] x [-1, 1].
    fn square() -> Mapping {
        Mapping::new(
            Layout::landscape(400, 400, 1.0).plot,
            View::new(-1.0, 1.0, -1.0, 1.0),
        )
    }

    /// A live racer's solid path in `color`.
    fn solid(color: RGBColor, points: &[Point]) -> RacerTrace<'_> {
        RacerTrace {
            color,
            points,
            diverged: false,
            dash: Dash::Solid,
        }
    }

    #[test]
    fn racers_far_away_or_broken_draw_nothing_odd() {
        let mapping = square();
        let far = [
            [0.0, 0.0],
            [1e12, -1e12],
            [f64::NAN, 0.0],
            [f64::INFINITY, 1.0],
        ];
        let lone = [[0.5, 0.5]];
        let racers = [
            RacerTrace {
                color: RGBColor(0, 114, 178),
                points: &far,
                diverged: true,
                dash: Dash::Solid,
            },
            RacerTrace {
                color: RGBColor(213, 94, 0),
                points: &lone,
                diverged: false,
                dash: Dash::Solid,
            },
            RacerTrace {
                color: RGBColor(0, 0, 0),
                points: &[],
                diverged: false,
                dash: Dash::Solid,
            },
        ];
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (400, 400)).into_drawing_area();
            draw_racers(&area, &mapping, Some([f64::NAN, 0.0]), &racers, 1.0).unwrap();
            draw_racers(&area, &mapping, Some([0.0, 0.0]), &racers, f64::NAN).unwrap();
        }
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        // Every coordinate stays on the canvas: the far point was clipped at the frame.
        for line in polylines(&svg) {
            for (x, y) in line {
                assert!((0..=400).contains(&x) && (0..=400).contains(&y), "{x},{y}");
            }
        }
        // Per call: the diverged racer's casing and line, and where it leaves the plot an arrow
        // (red, its colour inside) saying "off view", not a cross: its last point is far away.
        assert_eq!(svg.matches("<polyline").count(), 2 * 2, "{svg}");
        assert_eq!(svg.matches("<polygon").count(), 2 * 2, "{svg}");
        assert_eq!(svg.matches(OFF_VIEW).count(), 2, "{svg}");
    }

    #[test]
    fn drawing_in_pieces_covers_the_whole_path_and_joins_the_pieces() {
        let mapping = square();
        let path: Vec<Point> = (0..200)
            .map(|i| {
                let t = i as f64 / 199.0 * 6.0;
                [
                    0.8 * (t).cos() * (1.0 - t / 8.0),
                    0.8 * t.sin() * (1.0 - t / 8.0),
                ]
            })
            .collect();
        let color = RGBColor(0, 114, 178);
        let whole = {
            let mut svg = String::new();
            {
                let area = SVGBackend::with_string(&mut svg, (400, 400)).into_drawing_area();
                let mut pens = vec![Pen::default()];
                draw_trails(
                    &area,
                    &area,
                    Casings::Translucent,
                    &mapping,
                    &[solid(color, &path)],
                    &mut pens,
                    1.0,
                )
                .unwrap();
            }
            polylines(&svg)
        };
        assert_eq!(whole.len(), 2, "a casing and a line");
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (400, 400)).into_drawing_area();
            let mut pens = vec![Pen::default()];
            for chunk in path.chunks(7) {
                draw_trails(
                    &area,
                    &area,
                    Casings::OwnLayer,
                    &mapping,
                    &[solid(color, chunk)],
                    &mut pens,
                    1.0,
                )
                .unwrap();
            }
            // Nothing new: nothing drawn.
            draw_trails(
                &area,
                &area,
                Casings::OwnLayer,
                &mapping,
                &[solid(color, &[])],
                &mut pens,
                1.0,
            )
            .unwrap();
        }
        let pieces = polylines(&svg);
        assert_eq!(pieces.len(), 2 * path.chunks(7).count());
        // Casings (even) chain end to start; each line piece starts on the line drawn before
        // (it goes on from the point before, less the segments stroked already).
        for k in (2..pieces.len()).step_by(2) {
            let (prev_casing, casing, line) = (&pieces[k - 2], &pieces[k], &pieces[k + 1]);
            assert_eq!(casing[0], *prev_casing.last().unwrap(), "piece {k}");
            assert_eq!(line.last(), casing.last(), "piece {k}");
            let gap = |a: (i64, i64), b: (i64, i64)| {
                (((a.0 - b.0).pow(2) + (a.1 - b.1).pow(2)) as f64).sqrt()
            };
            assert!(gap(line[0], casing[0]) <= 8.0, "piece {k}: the line joins");
        }
        // Together the pieces reach both ends of the whole path.
        let line_whole = &whole[1];
        assert_eq!(pieces[1][0], line_whole[0]);
        assert_eq!(pieces.last().unwrap().last(), line_whole.last());
    }

    #[test]
    fn heads_mark_live_and_diverged_racers() {
        let mapping = square();
        let head = |at, diverged, exit| Head {
            color: RGBColor(0, 114, 178),
            at,
            diverged,
            exit,
        };
        const EXIT: Exit = Exit {
            at: [200.0, 200.0],
            toward: [1.0, 0.0],
        };
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (400, 400)).into_drawing_area();
            let heads = [
                head(Some([0.0, 0.0]), false, None),
                head(Some([5.0, 0.0]), false, None),
                head(Some([5.0, 0.0]), true, Some(EXIT)),
                head(None, true, None),
            ];
            draw_heads(&area, &mapping, Some([0.5, 0.5]), &heads, 1.0).unwrap();
        }
        assert_eq!(
            svg.matches("<circle").count(),
            2,
            "one live head in sight: dot and halo"
        );
        assert_eq!(
            svg.matches("<polyline").count(),
            0,
            "no cross: the diverged racer's last point is out of sight"
        );
        assert_eq!(
            svg.matches("<polygon").count(),
            2,
            "its off-view arrow: red, its colour inside"
        );
        assert_eq!(svg.matches(OFF_VIEW).count(), 1);
        assert_eq!(
            svg.matches("<rect").count(),
            2,
            "the start square and its frame"
        );
        // The boxes hold every coordinate drawn.
        let heads = [
            head(Some([0.0, 0.0]), false, None),
            head(Some([5.0, 0.0]), true, Some(EXIT)),
        ];
        let boxes = head_boxes(&mapping, Some([0.5, 0.5]), &heads, 1.0);
        assert_eq!(boxes.len(), 3);
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (400, 400)).into_drawing_area();
            draw_heads(&area, &mapping, Some([0.5, 0.5]), &heads, 1.0).unwrap();
        }
        let nums = |attr: &str| -> Vec<f64> {
            svg.split(attr)
                .skip(1)
                .map(|a| a[..a.find('"').unwrap()].parse().unwrap())
                .collect()
        };
        let inside = |x: f64, y: f64| {
            boxes
                .iter()
                .any(|b| x >= b[0] && x <= b[0] + b[2] && y >= b[1] && y <= b[1] + b[3])
        };
        for (cx, cy) in nums("cx=\"").into_iter().zip(nums("cy=\"")) {
            assert!(inside(cx, cy));
        }
        for line in polylines(&svg) {
            for (x, y) in line {
                assert!(inside(x as f64, y as f64), "{x},{y}");
            }
        }
    }

    #[test]
    fn a_diverged_racer_ends_at_its_last_point_in_view_and_no_line_crosses_from_far_away() {
        let mapping = square();
        let color = RGBColor(0, 114, 178);
        // Oscillating ever wider, as SGD does at too large a step: in view, then far on either
        // side. Its last finite point is far out: the arrow where it left, at the plot's edge.
        let bouncing = [
            [0.1, 0.0],
            [-0.5, 0.2],
            [3.0, 0.3],
            [-40.0, 0.4],
            [900.0, 0.5],
            [-2e4, 0.6],
        ];
        let svg = |points: &[Point]| {
            let mut svg = String::new();
            {
                let area = SVGBackend::with_string(&mut svg, (400, 400)).into_drawing_area();
                draw_racers(
                    &area,
                    &mapping,
                    None,
                    &[RacerTrace {
                        color,
                        points,
                        diverged: true,
                        dash: Dash::Solid,
                    }],
                    1.0,
                )
                .unwrap();
            }
            svg
        };
        let drawn = svg(&bouncing);
        let b = bounds(&mapping);
        let lines = polylines(&drawn);
        // The casing and the line, in and out to x = 3 (clipped at the edge) and nothing after
        // (every later segment joins two far points); then the arrow's two polygons.
        assert_eq!(lines.len(), 2 + 2, "{drawn}");
        let right = b[2].round() as i64;
        for line in &lines[..2] {
            assert_eq!(
                line.last().unwrap().0,
                right,
                "the path ends where it leaves, at the right edge: {line:?}"
            );
        }
        assert!(drawn.contains(OFF_VIEW));
        // Where its last point is in view, a cross marks it there, and no "off view".
        let inside = [[0.1, 0.0], [-0.5, 0.2], [0.3, -0.4]];
        let drawn = svg(&inside);
        assert!(
            !drawn.contains(OFF_VIEW) && drawn.matches("<polyline").count() == 2 + 4,
            "{drawn}"
        );
        let last = mapping.to_px([0.3, -0.4]);
        let crosses = &polylines(&drawn)[2..];
        for c in crosses {
            let mid = (
                (c[0].0 + c[1].0) as f64 / 2.0,
                (c[0].1 + c[1].1) as f64 / 2.0,
            );
            assert!(
                (mid.0 - last[0]).abs() <= 1.0 && (mid.1 - last[1]).abs() <= 1.0,
                "the cross is at the last point: {c:?} vs {last:?}"
            );
        }
    }

    #[test]
    fn a_racer_retracing_its_path_strokes_only_segments_not_stroked_yet() {
        let mapping = square();
        // Down a slope, then back and forth between three points a few pixels apart, as Lion
        // does about its minimum.
        let mut path: Vec<Point> = (0..40).map(|i| [-0.8 + 0.02 * i as f64, 0.1]).collect();
        let blob = [[0.0, 0.1], [0.012, 0.108], [0.006, 0.095]];
        path.extend((0..600).map(|i| blob[i % 3]));
        let segments = |lines: &[Vec<(i32, i32)>]| {
            let mut out: Vec<[i32; 4]> = lines
                .iter()
                .flat_map(|l| l.windows(2))
                .map(|w| {
                    let (a, b) = (w[0].min(w[1]), w[0].max(w[1]));
                    [a.0, a.1, b.0, b.1]
                })
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        };
        for dash in [Dash::Solid, Dash::Dashed] {
            let trace = |points| RacerTrace {
                color: RGBColor(0, 0, 0),
                points,
                diverged: false,
                dash,
            };
            // Frames of 20 steps, remembering what was stroked or (`forget`) not.
            let frames = |forget: bool| {
                let mut pens = vec![Pen::default()];
                let (mut all, mut late) = (Vec::new(), 0);
                for (k, chunk) in path.chunks(20).enumerate() {
                    if forget {
                        pens[0].cased.clear();
                        pens[0].lined.clear();
                    }
                    let (u, o) =
                        trail_strokes(Casings::OwnLayer, &mapping, &[trace(chunk)], &mut pens, 1.0);
                    let lines: Vec<_> = u.into_iter().chain(o).flat_map(|s| s.lines).collect();
                    assert!(lines.iter().all(|l| l.len() >= 2));
                    if k >= 6 {
                        late += lines.iter().map(|l| l.len()).sum::<usize>();
                    }
                    all.extend(lines);
                }
                (segments(&all), late)
            };
            let ((kept, late), (every, again)) = (frames(false), frames(true));
            // The blob is stroked once, then never again (dashes cut it where their phase
            // falls: a few more pieces at first).
            if dash == Dash::Solid {
                assert_eq!(late, 0);
            } else {
                assert!(late * 10 < again, "{dash:?}: {late} points stroked again");
            }
            let late_frames = path.chunks(20).count() - 6;
            assert!(
                again >= 2 * late_frames,
                "{dash:?}: {again} points stroked again"
            );
            // Nothing that would have been stroked is missing.
            assert_eq!(kept, every, "{dash:?}");
        }
    }

    #[test]
    fn a_dashed_trail_is_dashed_piece_by_piece_as_whole() {
        let mapping = square();
        let path: Vec<Point> = (0..120)
            .map(|i| [-0.9 + 1.6 * i as f64 / 119.0, 0.3 * (i as f64 / 15.0).sin()])
            .collect();
        fn trace(points: &[Point]) -> RacerTrace<'_> {
            RacerTrace {
                color: RGBColor(0, 0, 0),
                points,
                diverged: false,
                dash: Dash::Dashed,
            }
        }
        let lines = |chunk: usize| {
            let mut svg = String::new();
            {
                let area = SVGBackend::with_string(&mut svg, (400, 400)).into_drawing_area();
                let casing = SVGBackend::new("/dev/null", (400, 400)).into_drawing_area();
                let mut pens = vec![Pen::default()];
                for piece in path.chunks(chunk) {
                    draw_trails(
                        &casing,
                        &area,
                        Casings::OwnLayer,
                        &mapping,
                        &[trace(piece)],
                        &mut pens,
                        1.0,
                    )
                    .unwrap();
                }
            }
            polylines(&svg)
        };
        let (whole, pieces) = (lines(path.len()), lines(9));
        assert!(whole.len() > 10, "dashes: {}", whole.len());
        // About as many dashes whichever way it was drawn (a dash may be cut where a piece ends).
        assert!(
            pieces.len() >= whole.len() && pieces.len() <= whole.len() + path.len() / 9 + 1,
            "{} vs {}",
            pieces.len(),
            whole.len()
        );
        let ink = |ls: &[Vec<(i64, i64)>]| {
            ls.iter()
                .map(|l| {
                    l.windows(2)
                        .map(|w| {
                            (((w[1].0 - w[0].0).pow(2) + (w[1].1 - w[0].1).pow(2)) as f64).sqrt()
                        })
                        .sum::<f64>()
                })
                .sum::<f64>()
        };
        assert!(
            (ink(&pieces) / ink(&whole) - 1.0).abs() < 0.1,
            "{} vs {}",
            ink(&pieces),
            ink(&whole)
        );
    }
}
