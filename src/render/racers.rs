//! The racers on the landscape: their paths (drawn incrementally, one [`Pen`] per racer) and
//! their heads (redrawn every frame on a layer of their own).
//!
//! A live page keeps canvases over the landscape: the trails, which only ever grow (each
//! frame strokes the few new segments, [`draw_trails`]), and the heads, cleared and redrawn
//! every frame ([`draw_heads`]). A frame therefore costs what its new steps cost, not what the
//! whole race has drawn so far. [`draw_racers`] draws both at once, for pictures made in one go
//! (SVG in tests).
//!
//! Each racer's line has a casing in a contrasting colour under it. A live page keeps the
//! casings on a canvas of their own under the lines, opaque, and shows that canvas translucent
//! ([`Casings::OwnLayer`]): so every casing stays under every line, as in a picture drawn in one
//! go, and overlapping pieces do not darken. Appending a piece strokes the casing from the last
//! point drawn and the line from the point before it, so the pieces join seamlessly.

use super::layout::{Mapping, Metrics};
use super::path::{clip, straighten, thin, to_backend, Bounds};
use super::scene::{at, bounds, casing, cross, fill, stroke, DrawResult, DIVERGED, INK, WHITE};
use crate::landscape::Point;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

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
}

/// Where a racer's path was last drawn, in device pixels: the last two points stroked. A new
/// pen (or a [`Pen::clear`]ed one) draws a path from its first point.
#[derive(Clone, Debug, Default)]
pub struct Pen {
    tail: Vec<[f64; 2]>,
}

impl Pen {
    pub fn clear(&mut self) {
        self.tail.clear();
    }

    /// The device-pixel polylines for the next piece of a path whose new points are `points`:
    /// the casing starts at the last point drawn, the line one point earlier. Moves the pen.
    fn advance(&mut self, mapping: &Mapping, points: &[Point]) -> Option<Piece> {
        let fresh = points.iter().filter(|p| p[0].is_finite() && p[1].is_finite()).map(|&p| mapping.to_px(p));
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

struct Piece {
    casing: Vec<[f64; 2]>,
    line: Vec<[f64; 2]>,
}

fn parts(px: &[[f64; 2]], b: Bounds) -> Vec<Vec<(i32, i32)>> {
    clip(px, b).iter().map(|part| straighten(&to_backend(part), RACER_JITTER_PX)).filter(|p| p.len() >= 2).collect()
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
    let m = Metrics::new(dpr);
    let b = bounds(mapping);
    let pieces: Vec<(RGBColor, Piece)> =
        racers.iter().zip(pens.iter_mut()).filter_map(|(r, pen)| Some((r.color, pen.advance(mapping, r.points)?))).collect();
    let (line_w, casing_w) = widths(&m);
    for (color, piece) in &pieces {
        let c = casing(*color);
        let style = match casings {
            Casings::Translucent => stroke(c, casing_w),
            Casings::OwnLayer => stroke(RGBColor(c.0, c.1, c.2), casing_w),
        };
        for part in parts(&piece.casing, b) {
            casing_area.draw(&PathElement::new(part, style))?;
        }
    }
    for (color, piece) in &pieces {
        let style = stroke(*color, line_w);
        for part in parts(&piece.line, b) {
            area.draw(&PathElement::new(part, style))?;
        }
    }
    Ok(())
}

/// A racer's head for [`draw_heads`].
#[derive(Clone, Copy, Debug)]
pub struct Head {
    pub color: RGBColor,
    /// The latest finite point (data coordinates), if any.
    pub at: Option<Point>,
    /// A diverged racer ends in a cross; when its last point is out of sight, the cross goes
    /// where its path last leaves the plot (see [`exit_point`]).
    pub diverged: bool,
    pub exit: Option<[f64; 2]>,
}

/// What [`draw_heads`] draws, where (device pixels).
enum HeadMark {
    Start([f64; 2]),
    Dot([f64; 2], RGBColor),
    Cross([f64; 2], RGBColor),
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
        let Some(p) = h.at.filter(|p| p[0].is_finite() && p[1].is_finite()) else { continue };
        let px = mapping.to_px(p);
        if h.diverged {
            if let Some(end) = if inside(px) { Some(px) } else { h.exit } {
                marks.push(HeadMark::Cross(end, h.color));
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
                let sq = |h: f64| [(x - h, y - h), (x + h, y + h)].map(|(a, b)| (a.round() as i32, b.round() as i32));
                area.draw(&Rectangle::new(sq(h + e), fill(INK)))?;
                area.draw(&Rectangle::new(sq(h), fill(WHITE)))?;
            }
            HeadMark::Cross(end, color) => {
                cross(area, end, m.px(6.0), stroke(DIVERGED, m.stroke(5.0)))?;
                cross(area, end, m.px(6.0), stroke(color, m.stroke(2.0)))?;
            }
            HeadMark::Dot(px, color) => {
                if let Some(c) = at(px) {
                    let radius = m.px(4.0);
                    area.draw(&Circle::new(c, (radius + m.px(1.5)).round() as i32, fill(casing(color))))?;
                    area.draw(&Circle::new(c, radius.round() as i32, fill(color)))?;
                }
            }
        }
    }
    Ok(())
}

/// Device-pixel boxes `[x, y, width, height]` that hold everything [`draw_heads`] draws for
/// the same arguments: clearing them erases the heads, without clearing the whole canvas.
pub fn head_boxes(mapping: &Mapping, start: Option<Point>, heads: &[Head], dpr: f64) -> Vec<[f64; 4]> {
    let half = Metrics::new(dpr).px(11.0).ceil();
    head_marks(mapping, start, heads)
        .into_iter()
        .map(|mark| match mark {
            HeadMark::Start(p) | HeadMark::Dot(p, _) | HeadMark::Cross(p, _) => [p[0].round() - half, p[1].round() - half, 2.0 * half, 2.0 * half],
        })
        .collect()
}

/// Where a path last leaves the plot, in device pixels: the end of its last visible part.
pub fn exit_point(mapping: &Mapping, points: &[Point]) -> Option<[f64; 2]> {
    let px = thin(points.iter().map(|&p| mapping.to_px(p)), THIN_PX);
    let last = parts(&px, bounds(mapping)).pop()?;
    last.last().map(|&(x, y)| [x as f64, y as f64])
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
    draw_trails(area, area, Casings::Translucent, mapping, racers, &mut pens, dpr)?;
    let heads: Vec<Head> = racers
        .iter()
        .map(|r| {
            let at = r.points.iter().rev().find(|p| p[0].is_finite() && p[1].is_finite()).copied();
            Head { color: r.color, at, diverged: r.diverged, exit: if r.diverged { exit_point(mapping, r.points) } else { None } }
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
                let nums: Vec<i64> = a[..a.find('"').unwrap()].split([' ', ',']).filter(|s| !s.is_empty()).map(|n| n.parse().unwrap()).collect();
                nums.chunks(2).map(|c| (c[0], c[1])).collect()
            })
            .collect()
    }

    #[test]
    fn racers_far_away_or_broken_draw_nothing_odd() {
        let mapping = Mapping::new(Layout::landscape(400, 400, 1.0).plot, View::new(-1.0, 1.0, -1.0, 1.0));
        let far = [[0.0, 0.0], [1e12, -1e12], [f64::NAN, 0.0], [f64::INFINITY, 1.0]];
        let lone = [[0.5, 0.5]];
        let racers = [
            RacerTrace { color: RGBColor(0, 114, 178), points: &far, diverged: true },
            RacerTrace { color: RGBColor(213, 94, 0), points: &lone, diverged: false },
            RacerTrace { color: RGBColor(0, 0, 0), points: &[], diverged: false },
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
        // Per call: the diverged racer's casing and line, and its cross (two red strokes, two in
        // its colour) where it leaves the plot.
        assert_eq!(svg.matches("<polyline").count(), 2 * 6, "{svg}");
    }

    #[test]
    fn drawing_in_pieces_covers_the_whole_path_and_joins_the_pieces() {
        let mapping = Mapping::new(Layout::landscape(400, 400, 1.0).plot, View::new(-1.0, 1.0, -1.0, 1.0));
        let path: Vec<Point> = (0..200).map(|i| {
            let t = i as f64 / 199.0 * 6.0;
            [0.8 * (t).cos() * (1.0 - t / 8.0), 0.8 * t.sin() * (1.0 - t / 8.0)]
        }).collect();
        let color = RGBColor(0, 114, 178);
        let whole = {
            let mut svg = String::new();
            {
                let area = SVGBackend::with_string(&mut svg, (400, 400)).into_drawing_area();
                let mut pens = vec![Pen::default()];
                draw_trails(&area, &area, Casings::Translucent, &mapping, &[RacerTrace { color, points: &path, diverged: false }], &mut pens, 1.0).unwrap();
            }
            polylines(&svg)
        };
        assert_eq!(whole.len(), 2, "a casing and a line");
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (400, 400)).into_drawing_area();
            let mut pens = vec![Pen::default()];
            for chunk in path.chunks(7) {
                draw_trails(&area, &area, Casings::OwnLayer, &mapping, &[RacerTrace { color, points: chunk, diverged: false }], &mut pens, 1.0).unwrap();
            }
            // Nothing new: nothing drawn.
            draw_trails(&area, &area, Casings::OwnLayer, &mapping, &[RacerTrace { color, points: &[], diverged: false }], &mut pens, 1.0).unwrap();
        }
        let pieces = polylines(&svg);
        assert_eq!(pieces.len(), 2 * path.chunks(7).count());
        // Casings (even) chain end to start; each line piece starts one point before its casing.
        for k in (2..pieces.len()).step_by(2) {
            let (prev_casing, casing, line) = (&pieces[k - 2], &pieces[k], &pieces[k + 1]);
            assert_eq!(casing[0], *prev_casing.last().unwrap(), "piece {k}");
            assert_eq!(line.last(), casing.last(), "piece {k}");
            assert_ne!(line[0], casing[0], "piece {k}: the line starts a point earlier");
        }
        // Together the pieces reach both ends of the whole path.
        let line_whole = &whole[1];
        assert_eq!(pieces[1][0], line_whole[0]);
        assert_eq!(pieces.last().unwrap().last(), line_whole.last());
    }

    #[test]
    fn heads_mark_live_and_diverged_racers() {
        let mapping = Mapping::new(Layout::landscape(400, 400, 1.0).plot, View::new(-1.0, 1.0, -1.0, 1.0));
        let color = RGBColor(0, 114, 178);
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (400, 400)).into_drawing_area();
            let heads = [
                Head { color, at: Some([0.0, 0.0]), diverged: false, exit: None },
                Head { color, at: Some([5.0, 0.0]), diverged: false, exit: None },
                Head { color, at: Some([5.0, 0.0]), diverged: true, exit: Some([200.0, 200.0]) },
                Head { color, at: None, diverged: true, exit: None },
            ];
            draw_heads(&area, &mapping, Some([0.5, 0.5]), &heads, 1.0).unwrap();
        }
        assert_eq!(svg.matches("<circle").count(), 2, "one live head in sight: dot and halo");
        assert_eq!(svg.matches("<polyline").count(), 4, "one cross: two red strokes, two in colour");
        assert_eq!(svg.matches("<rect").count(), 2, "the start square and its frame");
        // The boxes hold every coordinate drawn.
        let heads = [Head { color, at: Some([0.0, 0.0]), diverged: false, exit: None }, Head { color, at: Some([5.0, 0.0]), diverged: true, exit: Some([200.0, 200.0]) }];
        let boxes = head_boxes(&mapping, Some([0.5, 0.5]), &heads, 1.0);
        assert_eq!(boxes.len(), 3);
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (400, 400)).into_drawing_area();
            draw_heads(&area, &mapping, Some([0.5, 0.5]), &heads, 1.0).unwrap();
        }
        let nums = |attr: &str| -> Vec<f64> {
            svg.split(attr).skip(1).map(|a| a[..a.find('"').unwrap()].parse().unwrap()).collect()
        };
        let inside = |x: f64, y: f64| boxes.iter().any(|b| x >= b[0] && x <= b[0] + b[2] && y >= b[1] && y <= b[1] + b[3]);
        for (cx, cy) in nums("cx=\"").into_iter().zip(nums("cy=\"")) {
            assert!(inside(cx, cy));
        }
        for line in polylines(&svg) {
            for (x, y) in line {
                assert!(inside(x as f64, y as f64), "{x},{y}");
            }
        }
    }
}
