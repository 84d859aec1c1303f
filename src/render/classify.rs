//! The classifier race's charts, drawn through plotters on any backend (the canvas in the
//! browser, SVG in tests): training loss per epoch on a log axis and test accuracy per epoch in
//! percent, one line per racer, against a fixed epoch axis (`0..=epochs`) so that lines grow
//! across the chart as training runs.
//!
//! Like [`super::scene`], nothing is cleared (the caller clears its canvas), non-finite values
//! never reach the backend, and sizes are CSS pixels times the device pixel ratio (labels at
//! [`Metrics::FONT_CSS`] = 14 CSS px). A racer whose loss blows up leaves through the top of the
//! loss chart (its axis stops three decades above the highest first-epoch loss).
//!
//! The projected view (issue 4, item 4b) is here too: the linear model's loss on a plane
//! through the racers' shared initial weights (`classify::projection`) as a banded fill
//! ([`surface_field`], [`projected_rgba`]) with iso-lines, axes and a colour bar
//! ([`draw_projected_background`]), and the racers' projected paths, heads and the points
//! `w0` and `w_ref` on top ([`draw_projected_racers`]).

use super::colormap::NON_FINITE;
use super::contour::bands_into;
use super::field::Field;
use super::layout::{Layout, Mapping, Metrics, PlotRect};
use super::levels::{BandFinder, Levels};
use super::path::{clip, simplify, straighten, thin, to_backend};
use super::scene::{self, DrawResult, DIVERGED, INK, ISO_LINE, WHITE};
use super::ticks;
use crate::landscape::View;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement, Polygon, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{
    Color, FontDesc, FontFamily, FontStyle, FontTransform, RGBColor, ShapeStyle, TextStyle,
};

/// What an epoch chart shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Mean training loss over the epoch, log scale.
    TrainLoss,
    /// Test accuracy after the epoch, in percent, linear scale.
    TestAccuracy,
}

/// One racer's values per epoch: `values[k]` belongs to epoch `k + 1`.
#[derive(Clone, Copy, Debug)]
pub struct EpochSeries<'a> {
    pub color: RGBColor,
    pub values: &'a [f64],
    /// Drawn dashed-looking (thinner) and ended with a cross: the racer diverged.
    pub diverged: bool,
}

/// Lowest loss the log axis shows.
pub const LOSS_FLOOR: f64 = 1e-8;

fn font(size: f64, style: FontStyle) -> FontDesc<'static> {
    FontDesc::new(FontFamily::SansSerif, size, style)
}

fn text_style(size: f64, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle {
        font: font(size, FontStyle::Normal),
        color: INK.to_backend_color(),
        pos: Pos::new(h, v),
    }
}

fn stroke(color: impl Color, width: u32) -> ShapeStyle {
    ShapeStyle {
        color: color.to_rgba(),
        filled: false,
        stroke_width: width,
    }
}

fn fill(color: impl Color) -> ShapeStyle {
    ShapeStyle {
        color: color.to_rgba(),
        filled: true,
        stroke_width: 0,
    }
}

/// A y axis: value to device-pixel row, and its labelled ticks.
struct YAxis {
    lo: f64,
    hi: f64,
    log: bool,
    ticks: Vec<(f64, String)>,
}

impl YAxis {
    fn pos(&self, v: f64) -> f64 {
        if self.log {
            (v.max(LOSS_FLOOR).log10() - self.lo) / (self.hi - self.lo)
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }
}

/// The log axis for losses: whole decades around the finite values, with 2 and 5 labelled too
/// when it spans two decades or fewer.
fn loss_axis(series: &[EpochSeries], plot_h: f64, m: &Metrics) -> YAxis {
    let (mut lo, mut hi, mut first_hi) = (f64::INFINITY, 0.0f64, 0.0f64);
    for s in series {
        for (k, &v) in s.values.iter().enumerate() {
            if v.is_finite() && v > 0.0 {
                let v = v.max(LOSS_FLOOR);
                lo = lo.min(v);
                hi = hi.max(v);
                if k == 0 {
                    first_hi = first_hi.max(v);
                }
            }
        }
    }
    if first_hi > 0.0 {
        hi = hi.min(first_hi * 1e3);
    }
    let (mut e_lo, mut e_hi) = if lo.is_finite() {
        (lo.log10().floor() as i32, hi.log10().ceil() as i32)
    } else {
        (-1, 1)
    };
    if e_hi <= e_lo {
        e_lo -= 1;
        e_hi += 1;
    }
    let e_lo = e_lo.max(LOSS_FLOOR.log10() as i32);
    let e_hi = e_hi.max(e_lo + 1);
    let mut ticks: Vec<(f64, String)> = Vec::new();
    let room = plot_h / m.px(24.0);
    if ((e_hi - e_lo) * 3) as f64 <= room {
        for e in e_lo..=e_hi {
            for mant in [1.0, 2.0, 5.0] {
                let v = mant * 10f64.powi(e);
                if v <= 10f64.powi(e_hi) * (1.0 + 1e-9) {
                    ticks.push((v.log10(), ticks::format_value(v)));
                }
            }
        }
    } else {
        for e in ticks::decades(e_lo, e_hi, ((plot_h / m.px(32.0)) as usize).clamp(2, 10)) {
            ticks.push((
                e as f64,
                if (-3..=4).contains(&e) {
                    ticks::format_value(10f64.powi(e))
                } else {
                    ticks::format_pow10(e)
                },
            ));
        }
    }
    YAxis {
        lo: e_lo as f64,
        hi: e_hi as f64,
        log: true,
        ticks,
    }
}

/// Accuracy in percent: up to 100, down to a round ten below the lowest value (at most 80).
fn accuracy_axis(series: &[EpochSeries], plot_h: f64, m: &Metrics) -> YAxis {
    let lowest = series
        .iter()
        .flat_map(|s| s.values.iter())
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, |a, &v| a.min(v * 100.0));
    let lo = if lowest.is_finite() {
        ((lowest - 2.0) / 10.0).floor() * 10.0
    } else {
        0.0
    };
    let lo = lo.clamp(0.0, 80.0);
    let (values, step) = ticks::linear(
        lo,
        100.0,
        ((plot_h / m.px(40.0)).round() as usize).clamp(2, 10),
    );
    let ticks = values
        .iter()
        .map(|&v| (v, ticks::format_tick(v, step)))
        .collect();
    YAxis {
        lo,
        hi: 100.0,
        log: false,
        ticks,
    }
}

/// Training loss or test accuracy per epoch for every racer, with `epochs` the length of the
/// x axis (the spec's epoch count). Empty series and single epochs draw sensibly.
pub fn draw_epochs<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    metric: Metric,
    series: &[EpochSeries],
    epochs: u32,
    dpr: f64,
) -> DrawResult<DB> {
    let (w, h) = area.dim_in_pixel();
    let layout = Layout::loss(w, h, dpr);
    let m = layout.metrics;
    let p = layout.plot;
    let (x0, y0, pw, ph) = (p.x as f64, p.y as f64, p.width as f64, p.height as f64);
    let epochs = epochs.max(1) as f64;
    let axis = match metric {
        Metric::TrainLoss => loss_axis(series, ph, &m),
        Metric::TestAccuracy => accuracy_axis(series, ph, &m),
    };
    let to_px = |epoch: f64, pos: f64| [x0 + epoch / epochs * pw, y0 + (1.0 - pos) * ph];

    // Light grid at the labelled values, under everything.
    let grid = stroke(INK.mix(0.12), m.stroke(1.0));
    for (v, _) in &axis.ticks {
        let y = to_px(0.0, (v - axis.lo) / (axis.hi - axis.lo))[1].round() as i32;
        area.draw(&PathElement::new(vec![(p.x, y), (p.right(), y)], grid))?;
    }

    let b = [x0, y0, x0 + pw, y0 + ph];
    let value = |v: f64| {
        if metric == Metric::TestAccuracy {
            v * 100.0
        } else {
            v
        }
    };
    for s in series {
        let px: Vec<[f64; 2]> = s
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(k, &v)| to_px((k + 1) as f64, axis.pos(value(v))))
            .collect();
        let width = m.stroke(if s.diverged { 1.25 } else { 2.25 });
        let pts = thin(px.iter().copied(), 0.5);
        for part in clip(&pts, b) {
            let part = to_backend(&part);
            if part.len() >= 2 {
                area.draw(&PathElement::new(part, stroke(s.color, width)))?;
            }
        }
        // A dot on every epoch while they are far enough apart, and always on the last one.
        let dot = m.px(3.0);
        let spaced = pw / epochs >= m.px(14.0);
        for (k, q) in px.iter().enumerate() {
            let inside = q[0] >= b[0] - 0.5
                && q[0] <= b[2] + 0.5
                && q[1] >= b[1] - 0.5
                && q[1] <= b[3] + 0.5;
            if inside && (spaced || k + 1 == px.len()) {
                if let Some(c) = super::layout::backend_coord(*q) {
                    area.draw(&Circle::new(
                        c,
                        (dot + m.px(1.0)).round() as i32,
                        fill(RGBColor(255, 255, 255)),
                    ))?;
                    area.draw(&Circle::new(c, dot.round() as i32, fill(s.color)))?;
                }
            }
        }
    }

    // Frame, ticks, labels, titles.
    let ink = stroke(INK, m.stroke(1.0));
    area.draw(&Rectangle::new([(p.x, p.y), (p.right(), p.bottom())], ink))?;
    let tick = m.tick_len().round() as i32;
    let (xt, xstep) = ticks::linear(
        0.0,
        epochs,
        ((pw / m.px(60.0)).round() as usize).clamp(2, 12),
    );
    let xstep = xstep.max(1.0);
    for e in xt.iter().filter(|t| t.fract() == 0.0) {
        let x = to_px(*e, 0.0)[0].round() as i32;
        area.draw(&PathElement::new(
            vec![(x, p.bottom()), (x, p.bottom() + tick)],
            ink,
        ))?;
        let label = ticks::format_tick(*e, xstep);
        area.draw_text(
            &label,
            &text_style(m.font(), HPos::Center, VPos::Top),
            (x, p.bottom() + tick + m.px(4.0).round() as i32),
        )?;
    }
    let mut widest = 0;
    for (v, label) in &axis.ticks {
        let y = to_px(0.0, (v - axis.lo) / (axis.hi - axis.lo))[1].round() as i32;
        if y < p.y - 1 || y > p.bottom() + 1 {
            continue;
        }
        widest = widest.max(label.chars().count());
        area.draw(&PathElement::new(vec![(p.x - tick, y), (p.x, y)], ink))?;
        area.draw_text(
            label,
            &text_style(m.font(), HPos::Right, VPos::Center),
            (p.x - tick - m.px(6.0).round() as i32, y),
        )?;
    }
    let y_title = match metric {
        Metric::TrainLoss => "training loss",
        Metric::TestAccuracy => "test accuracy, %",
    };
    titles(area, p, &m, "epoch", y_title)
}

fn titles<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: PlotRect,
    m: &Metrics,
    x_title: &str,
    y_title: &str,
) -> DrawResult<DB> {
    let below = m.tick_len() + m.px(4.0) + m.font() * 1.2 + m.px(6.0);
    area.draw_text(
        x_title,
        &text_style(m.title_font(), HPos::Center, VPos::Top),
        (p.x + p.width as i32 / 2, p.bottom() + below.round() as i32),
    )?;
    let left = m.tick_len() + m.px(6.0) + m.label_width(5) + m.px(8.0);
    let style = text_style(m.title_font(), HPos::Center, VPos::Bottom);
    let style = TextStyle {
        font: style.font.transform(FontTransform::Rotate270),
        ..style
    };
    let x = (p.x as f64 - left).max(m.title_font()).round() as i32;
    area.draw_text(y_title, &style, (x, p.y + p.height as i32 / 2))
}

// ---------------------------------------------------------------------------------------------
// The projected view: the linear model's loss on a plane through the shared initial weights
// (`classify::projection`), racers drawn at their projections.

/// A [`Field`] of already sampled values (a `classify::projection::Surface`'s: row-major, row 0
/// at the top, cell centres over `view`), with levels and bands chosen as for a landscape.
pub fn surface_field(view: View, width: usize, height: usize, values: &[f64]) -> Field {
    assert_eq!(
        values.len(),
        width * height,
        "surface_field: {} values for {width} x {height}",
        values.len()
    );
    let levels = Levels::choose(values, None);
    let mut bands = Vec::new();
    bands_into(values, &levels.values, &mut bands);
    Field {
        view,
        width,
        height,
        values: values.to_vec(),
        levels,
        bands,
    }
}

/// The banded fill of `field` at every pixel of `mapping`'s plot, values interpolated
/// bilinearly between the field's cell centres (as the iso-lines are), so that a coarse grid
/// still shows smooth band edges. Writes `plot.width * plot.height * 4` bytes of straight RGBA
/// into `out`, ready for `ImageData` at `(plot.x, plot.y)`; non-finite values are grey.
pub fn projected_rgba(field: &Field, mapping: &Mapping, out: &mut Vec<u8>) {
    let (pw, ph) = (mapping.plot.width as usize, mapping.plot.height as usize);
    out.clear();
    out.resize(pw * ph * 4, 255);
    if field.width == 0 || field.height == 0 {
        return;
    }
    let table: Vec<[u8; 3]> = field.band_colors();
    let mut finder = BandFinder::new(&field.levels.values);
    let (fw, fh) = (field.width, field.height);
    let v = field.view;
    // Grid coordinate (cell centres at whole numbers) of each pixel column and row.
    let gx: Vec<(usize, usize, f64)> = (0..pw)
        .map(|i| {
            let x = mapping.pixel_center(i, 0)[0];
            split((x - v.x[0]) / (v.x[1] - v.x[0]) * fw as f64 - 0.5, fw)
        })
        .collect();
    for j in 0..ph {
        let y = mapping.pixel_center(0, j)[1];
        let (j0, j1, ty) = split((v.y[1] - y) / (v.y[1] - v.y[0]) * fh as f64 - 0.5, fh);
        let (r0, r1) = (
            &field.values[j0 * fw..(j0 + 1) * fw],
            &field.values[j1 * fw..(j1 + 1) * fw],
        );
        for (i, &(i0, i1, tx)) in gx.iter().enumerate() {
            let top = r0[i0] + tx * (r0[i1] - r0[i0]);
            let bottom = r1[i0] + tx * (r1[i1] - r1[i0]);
            let value = top + ty * (bottom - top);
            let rgb = if value.is_finite() {
                table[finder.band(value)]
            } else {
                NON_FINITE
            };
            out[(j * pw + i) * 4..(j * pw + i) * 4 + 3].copy_from_slice(&rgb);
        }
    }
}

/// A grid coordinate `g` on `n` cells: the two neighbouring cells and the weight of the second,
/// clamped at the edges.
fn split(g: f64, n: usize) -> (usize, usize, f64) {
    let last = n.saturating_sub(1) as f64;
    let g = if g.is_finite() {
        g.clamp(0.0, last)
    } else {
        0.0
    };
    let i0 = g.floor() as usize;
    let i1 = (i0 + 1).min(n - 1);
    (i0, i1, g - i0 as f64)
}

/// Axis titles of the projected view.
pub const PLANE_X_TITLE: &str = "a  (along w_ref \u{2212} w\u{2080})";
pub const PLANE_Y_TITLE: &str = "b  (random direction)";

/// Iso-lines, axes and colour bar of the projected view; put [`projected_rgba`] at
/// `(mapping.plot.x, mapping.plot.y)` first. `field` is the surface (see [`surface_field`]).
pub fn draw_projected_background<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mapping: &Mapping,
    field: &Field,
    dpr: f64,
) -> DrawResult<DB> {
    let m = Metrics::new(dpr);
    let iso = stroke(ISO_LINE, m.stroke(1.0));
    let b = scene::bounds(mapping);
    for (_, lines) in field.isolines() {
        for line in lines {
            let px: Vec<[f64; 2]> = line
                .points
                .iter()
                .map(|&g| mapping.to_px(field.grid_to_data(g)))
                .collect();
            let px = simplify(&thin(px, 0.5), 0.3);
            for part in clip(&px, b) {
                let part = straighten(&to_backend(&part), 0.5);
                if part.len() >= 2 {
                    area.draw(&PathElement::new(part, iso))?;
                }
            }
        }
    }
    scene::draw_axes(area, mapping, &m, PLANE_X_TITLE, PLANE_Y_TITLE)?;
    scene::colorbar(area, mapping, field, &m, &LOSS_COLORBAR)
}

/// The projected surface's colour bar: "loss", or "loss − min" above the surface's minimum.
const LOSS_COLORBAR: scene::ColorbarTitle = scene::ColorbarTitle {
    linear: "loss",
    above_min: "loss \u{2212} min",
    italic: false,
};

/// One racer in the projected view: its projected path (plane coordinates, oldest first, the
/// latest point last) in its colour.
#[derive(Clone, Copy, Debug)]
pub struct PlaneTrace<'a> {
    pub color: RGBColor,
    pub points: &'a [[f64; 2]],
    pub diverged: bool,
}

/// The racers' projected paths with casings and head dots, then `w0` at (0, 0) and `w_ref` at
/// (1, 0) marked and labelled, on a cleared overlay over [`draw_projected_background`].
/// Non-finite points are skipped; a head outside the view is not drawn.
pub fn draw_projected_racers<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mapping: &Mapping,
    racers: &[PlaneTrace],
    dpr: f64,
) -> DrawResult<DB> {
    let m = Metrics::new(dpr);
    let b = scene::bounds(mapping);
    let inside = |[x, y]: [f64; 2]| x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
    let finite = |p: &&[f64; 2]| p[0].is_finite() && p[1].is_finite();
    let paths: Vec<Vec<[f64; 2]>> = racers
        .iter()
        .map(|r| {
            thin(
                r.points.iter().filter(finite).map(|&p| mapping.to_px(p)),
                0.75,
            )
        })
        .collect();
    let (line_w, casing_w) = (m.stroke(2.0), m.stroke(4.0));
    for (r, px) in racers.iter().zip(&paths) {
        for part in clip(px, b) {
            let part = to_backend(&part);
            if part.len() >= 2 {
                area.draw(&PathElement::new(
                    part,
                    stroke(scene::casing(r.color), casing_w),
                ))?;
            }
        }
    }
    for (r, px) in racers.iter().zip(&paths) {
        for part in clip(px, b) {
            let part = to_backend(&part);
            if part.len() >= 2 {
                area.draw(&PathElement::new(part, stroke(r.color, line_w)))?;
            }
        }
    }
    // The two marks, under the heads: every racer starts on w0.
    let label = |h| text_style(m.font(), h, VPos::Bottom);
    let w0 = mapping.to_px([0.0, 0.0]);
    if let (true, Some(c)) = (inside(w0), scene::at(w0)) {
        let (h, e) = (m.px(4.5), m.px(1.5));
        let sq = |h: f64| {
            [(w0[0] - h, w0[1] - h), (w0[0] + h, w0[1] + h)]
                .map(|(a, b)| (a.round() as i32, b.round() as i32))
        };
        area.draw(&Rectangle::new(sq(h + e), fill(INK)))?;
        area.draw(&Rectangle::new(sq(h), fill(WHITE)))?;
        area.draw_text(
            "w\u{2080}",
            &label(HPos::Right),
            (
                c.0 - m.px(7.0).round() as i32,
                c.1 - m.px(5.0).round() as i32,
            ),
        )?;
    }
    let wr = mapping.to_px([1.0, 0.0]);
    if let (true, Some(c)) = (inside(wr), scene::at(wr)) {
        let r = m.px(7.0);
        let diamond = |r: f64| {
            to_backend(&[
                [wr[0], wr[1] - r],
                [wr[0] + r, wr[1]],
                [wr[0], wr[1] + r],
                [wr[0] - r, wr[1]],
            ])
        };
        area.draw(&Polygon::new(diamond(r + m.px(1.5)), fill(INK)))?;
        area.draw(&Polygon::new(diamond(r), fill(WHITE)))?;
        area.draw_text(
            "w_ref",
            &label(HPos::Left),
            (
                c.0 + m.px(8.0).round() as i32,
                c.1 - m.px(5.0).round() as i32,
            ),
        )?;
    }
    for (r, px) in racers.iter().zip(&paths) {
        let Some(&head) = px.last() else { continue };
        if !inside(head) {
            continue;
        }
        if r.diverged {
            scene::cross(area, head, m.px(6.0), stroke(DIVERGED, m.stroke(5.0)))?;
            scene::cross(area, head, m.px(6.0), stroke(r.color, m.stroke(2.0)))?;
        } else if let Some(c) = scene::at(head) {
            let radius = m.px(4.5);
            area.draw(&Circle::new(
                c,
                (radius + m.px(1.5)).round() as i32,
                fill(scene::casing(r.color)),
            ))?;
            area.draw(&Circle::new(c, radius.round() as i32, fill(r.color)))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::backend::SVGBackend;
    use plotters::prelude::IntoDrawingArea;

    /// The texts of an SVG, in order.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .map(|t| {
                t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]
                    .trim()
                    .to_string()
            })
            .collect()
    }

    fn svg(metric: Metric, series: &[EpochSeries], epochs: u32) -> String {
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (480, 280)).into_drawing_area();
            draw_epochs(&area, metric, series, epochs, 1.0).unwrap();
            area.present().unwrap();
        }
        out
    }

    #[test]
    fn odd_series_draw_nothing_odd() {
        let cases: [&[f64]; 6] = [
            &[],
            &[0.5],
            &[2.0, 2.0, 2.0],
            &[1.0, f64::NAN, f64::INFINITY, -1.0, 0.0],
            &[1e300, 1e-300],
            &[0.9, 0.95, 0.97],
        ];
        for metric in [Metric::TrainLoss, Metric::TestAccuracy] {
            for (k, values) in cases.iter().enumerate() {
                for epochs in [0, 1, 15, 200] {
                    let s = [EpochSeries {
                        color: RGBColor(0, 114, 178),
                        values,
                        diverged: k == 3,
                    }];
                    let out = svg(metric, &s, epochs);
                    assert!(
                        !out.contains("NaN") && !out.contains("inf"),
                        "{metric:?} case {k}: {out}"
                    );
                    assert!(out.contains("epoch"));
                    assert!(svg(metric, &[], epochs).contains("epoch"));
                }
            }
        }
    }

    #[test]
    fn accuracy_axis_is_in_percent_and_reaches_100() {
        let values = [0.62, 0.81, 0.9];
        let out = svg(
            Metric::TestAccuracy,
            &[EpochSeries {
                color: RGBColor(0, 114, 178),
                values: &values,
                diverged: false,
            }],
            15,
        );
        let t = texts(&out);
        assert!(
            t.iter().any(|x| x == "100") && t.iter().any(|x| x == "60"),
            "{t:?}"
        );
        assert!(t.iter().any(|x| x == "test accuracy, %"));
        let line = out
            .split("<polyline")
            .find(|l| l.to_ascii_lowercase().contains("stroke=\"#0072b2\""))
            .expect("the racer's line");
        assert!(line.contains("stroke-width=\"2\""), "{line}");
        // One dot (and its white ring) per epoch.
        assert_eq!(out.matches("<circle").count(), 2 * values.len(), "{out}");
    }

    #[test]
    fn loss_axis_labels_one_two_five_in_a_narrow_range() {
        let values = [2.1, 0.9, 0.45, 0.3];
        let out = svg(
            Metric::TrainLoss,
            &[EpochSeries {
                color: RGBColor(0, 0, 0),
                values: &values,
                diverged: false,
            }],
            15,
        );
        let t = texts(&out);
        for label in ["0.2", "0.5", "1", "2", "training loss", "epoch"] {
            assert!(t.iter().any(|x| x == label), "{label}: {t:?}");
        }
    }

    /// A small real surface: the linear model's plane for the default spec, 24 x 20 cells.
    fn real_surface(done: bool) -> Field {
        use crate::classify::digits::Digits;
        use crate::classify::projection::{Plane, Surface};
        use crate::classify::train::TrainSpec;
        let spec =
            TrainSpec::parse(r#"{"model": "linear", "racers": [{"name": "adam"}]}"#).unwrap();
        let plane = Plane::new(&Digits::embedded(), &spec).unwrap();
        let mut surface = Surface::new(plane, Plane::default_view(), 24, 20);
        surface.advance(if done { usize::MAX } else { 12 });
        let (w, h) = surface.size();
        surface_field(surface.view(), w, h, surface.values())
    }

    fn projected_svg(field: &Field, racers: &[PlaneTrace], size: (u32, u32)) -> String {
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, size).into_drawing_area();
            let layout = Layout::landscape(size.0, size.1, 1.0);
            let mapping = Mapping::fit(layout.plot, field.view);
            draw_projected_background(&area, &mapping, field, 1.0).unwrap();
            draw_projected_racers(&area, &mapping, racers, 1.0).unwrap();
            area.present().unwrap();
        }
        out
    }

    #[test]
    fn projected_view_has_axes_colour_bar_marks_and_paths() {
        let field = real_surface(true);
        assert!(field.values.iter().all(|v| v.is_finite() && *v > 0.0));
        assert!(field.levels.len() >= 5, "{:?}", field.levels);
        let path = [[0.0, 0.0], [0.3, 0.1], [0.7, -0.05], [0.9, 0.02]];
        let far = [[0.0, 0.0], [5.0, 5.0]]; // leaves the view: clipped, no head
        let odd = [
            [0.0, 0.0],
            [f64::NAN, 1.0],
            [0.2, f64::INFINITY],
            [0.1, 0.1],
        ];
        let racers = [
            PlaneTrace {
                color: RGBColor(0, 114, 178),
                points: &path,
                diverged: false,
            },
            PlaneTrace {
                color: RGBColor(213, 94, 0),
                points: &far,
                diverged: false,
            },
            PlaneTrace {
                color: RGBColor(0, 158, 115),
                points: &odd,
                diverged: true,
            },
            PlaneTrace {
                color: RGBColor(204, 121, 167),
                points: &[],
                diverged: false,
            },
        ];
        let out = projected_svg(&field, &racers, (520, 440));
        assert!(!out.contains("NaN") && !out.contains("inf"), "{out}");
        let t = texts(&out);
        for label in ["w\u{2080}", "w_ref", PLANE_X_TITLE, PLANE_Y_TITLE] {
            assert!(t.iter().any(|x| x == label), "{label}: {t:?}");
        }
        assert!(t.iter().any(|x| x.starts_with("loss")), "{t:?}");
        assert!(
            t.iter().any(|x| x == "0") && t.iter().any(|x| x == "1"),
            "{t:?}"
        );
        let lower = out.to_ascii_lowercase();
        assert!(
            lower.contains("stroke=\"#0072b2\""),
            "the first racer's path"
        );
        assert!(
            lower.contains("stroke=\"#d55e00\""),
            "the clipped path's visible part"
        );
        // Heads: the first racer's dot (and ring); the far one is outside; the empty one has none.
        assert!(lower.contains("fill=\"#0072b2\""));
        assert!(!lower.contains("fill=\"#d55e00\""));
        // Iso-lines are drawn.
        assert!(out.matches("<polyline").count() > 10);
    }

    #[test]
    fn projected_fill_is_banded_finite_and_covers_the_plot() {
        for done in [false, true] {
            let field = real_surface(done);
            let layout = Layout::landscape(300, 260, 1.0);
            let mapping = Mapping::fit(layout.plot, field.view);
            let mut rgba = Vec::new();
            projected_rgba(&field, &mapping, &mut rgba);
            assert_eq!(
                rgba.len(),
                (mapping.plot.width * mapping.plot.height * 4) as usize
            );
            let colors = field.band_colors();
            assert!(
                rgba.chunks(4)
                    .all(|p| p[3] == 255 && colors.iter().any(|c| c[..] == p[..3])),
                "done {done}"
            );
            // At a cell centre, the pixel's band is the cell's.
            let (i, j) = (10usize, 7usize);
            let [px, py] = mapping.to_px(field.grid_to_data([i as f64, j as f64]));
            let (x, y) = (
                (px - mapping.plot.x as f64) as usize,
                (py - mapping.plot.y as f64) as usize,
            );
            let k = (y * mapping.plot.width as usize + x) * 4;
            let band = field
                .levels
                .band(field.values[j * field.width + i])
                .unwrap();
            let near = [
                band.saturating_sub(1),
                band,
                (band + 1).min(colors.len() - 1),
            ];
            assert!(
                near.iter().any(|&b| colors[b][..] == rgba[k..k + 3]),
                "done {done}"
            );
        }
        // Nothing sampled yet: all grey, and the drawing has no NaN.
        let view = View::new(-0.5, 1.5, -1.0, 1.0);
        let empty = surface_field(view, 4, 4, &[f64::NAN; 16]);
        let mapping = Mapping::fit(Layout::landscape(200, 200, 1.0).plot, view);
        let mut rgba = Vec::new();
        projected_rgba(&empty, &mapping, &mut rgba);
        assert!(rgba.chunks(4).all(|p| p[..3] == NON_FINITE));
        let out = projected_svg(&empty, &[], (200, 200));
        assert!(!out.contains("NaN") && !out.contains("inf"));
    }
}
