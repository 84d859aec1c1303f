//! The classifier race's charts, drawn through plotters on any backend (the canvas in the
//! browser, SVG in tests): training loss per epoch on a log axis and test accuracy per epoch in
//! percent, one line per racer, against a fixed epoch axis (`0..=epochs`) so that lines grow
//! across the chart as training runs.
//!
//! Like [`super::scene`], nothing is cleared (the caller clears its canvas), non-finite values
//! never reach the backend, and sizes are CSS pixels times the device pixel ratio (labels at
//! [`Metrics::FONT_CSS`] = 14 CSS px). A racer whose loss blows up leaves through the top of the
//! loss chart (its axis stops three decades above the highest first-epoch loss).

use super::layout::{Layout, Metrics, PlotRect};
use super::path::{clip, thin, to_backend};
use super::scene::{DrawResult, INK};
use super::ticks;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, FontTransform, RGBColor, ShapeStyle, TextStyle};

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
    TextStyle { font: font(size, FontStyle::Normal), color: INK.to_backend_color(), pos: Pos::new(h, v) }
}

fn stroke(color: impl Color, width: u32) -> ShapeStyle {
    ShapeStyle { color: color.to_rgba(), filled: false, stroke_width: width }
}

fn fill(color: impl Color) -> ShapeStyle {
    ShapeStyle { color: color.to_rgba(), filled: true, stroke_width: 0 }
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
    let (mut e_lo, mut e_hi) = if lo.is_finite() { (lo.log10().floor() as i32, hi.log10().ceil() as i32) } else { (-1, 1) };
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
            ticks.push((e as f64, if (-3..=4).contains(&e) { ticks::format_value(10f64.powi(e)) } else { ticks::format_pow10(e) }));
        }
    }
    YAxis { lo: e_lo as f64, hi: e_hi as f64, log: true, ticks }
}

/// Accuracy in percent: up to 100, down to a round ten below the lowest value (at most 80).
fn accuracy_axis(series: &[EpochSeries], plot_h: f64, m: &Metrics) -> YAxis {
    let lowest = series.iter().flat_map(|s| s.values.iter()).filter(|v| v.is_finite()).fold(f64::INFINITY, |a, &v| a.min(v * 100.0));
    let lo = if lowest.is_finite() { ((lowest - 2.0) / 10.0).floor() * 10.0 } else { 0.0 };
    let lo = lo.clamp(0.0, 80.0);
    let (values, step) = ticks::linear(lo, 100.0, ((plot_h / m.px(40.0)).round() as usize).clamp(2, 10));
    let ticks = values.iter().map(|&v| (v, ticks::format_tick(v, step))).collect();
    YAxis { lo, hi: 100.0, log: false, ticks }
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
    let value = |v: f64| if metric == Metric::TestAccuracy { v * 100.0 } else { v };
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
            let inside = q[0] >= b[0] - 0.5 && q[0] <= b[2] + 0.5 && q[1] >= b[1] - 0.5 && q[1] <= b[3] + 0.5;
            if inside && (spaced || k + 1 == px.len()) {
                if let Some(c) = super::layout::backend_coord(*q) {
                    area.draw(&Circle::new(c, (dot + m.px(1.0)).round() as i32, fill(RGBColor(255, 255, 255))))?;
                    area.draw(&Circle::new(c, dot.round() as i32, fill(s.color)))?;
                }
            }
        }
    }

    // Frame, ticks, labels, titles.
    let ink = stroke(INK, m.stroke(1.0));
    area.draw(&Rectangle::new([(p.x, p.y), (p.right(), p.bottom())], ink))?;
    let tick = m.tick_len().round() as i32;
    let (xt, xstep) = ticks::linear(0.0, epochs, ((pw / m.px(60.0)).round() as usize).clamp(2, 12));
    let xstep = xstep.max(1.0);
    for e in xt.iter().filter(|t| t.fract() == 0.0) {
        let x = to_px(*e, 0.0)[0].round() as i32;
        area.draw(&PathElement::new(vec![(x, p.bottom()), (x, p.bottom() + tick)], ink))?;
        let label = ticks::format_tick(*e, xstep);
        area.draw_text(&label, &text_style(m.font(), HPos::Center, VPos::Top), (x, p.bottom() + tick + m.px(4.0).round() as i32))?;
    }
    let mut widest = 0;
    for (v, label) in &axis.ticks {
        let y = to_px(0.0, (v - axis.lo) / (axis.hi - axis.lo))[1].round() as i32;
        if y < p.y - 1 || y > p.bottom() + 1 {
            continue;
        }
        widest = widest.max(label.chars().count());
        area.draw(&PathElement::new(vec![(p.x - tick, y), (p.x, y)], ink))?;
        area.draw_text(label, &text_style(m.font(), HPos::Right, VPos::Center), (p.x - tick - m.px(6.0).round() as i32, y))?;
    }
    let y_title = match metric {
        Metric::TrainLoss => "training loss",
        Metric::TestAccuracy => "test accuracy, %",
    };
    titles(area, p, &m, "epoch", y_title)
}

fn titles<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: PlotRect, m: &Metrics, x_title: &str, y_title: &str) -> DrawResult<DB> {
    let below = m.tick_len() + m.px(4.0) + m.font() * 1.2 + m.px(6.0);
    area.draw_text(x_title, &text_style(m.title_font(), HPos::Center, VPos::Top), (p.x + p.width as i32 / 2, p.bottom() + below.round() as i32))?;
    let left = m.tick_len() + m.px(6.0) + m.label_width(5) + m.px(8.0);
    let style = text_style(m.title_font(), HPos::Center, VPos::Bottom);
    let style = TextStyle { font: style.font.transform(FontTransform::Rotate270), ..style };
    let x = (p.x as f64 - left).max(m.title_font()).round() as i32;
    area.draw_text(y_title, &style, (x, p.y + p.height as i32 / 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::backend::SVGBackend;
    use plotters::prelude::IntoDrawingArea;

    /// The texts of an SVG, in order.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text").skip(1).map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].trim().to_string()).collect()
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
        let cases: [&[f64]; 6] = [&[], &[0.5], &[2.0, 2.0, 2.0], &[1.0, f64::NAN, f64::INFINITY, -1.0, 0.0], &[1e300, 1e-300], &[0.9, 0.95, 0.97]];
        for metric in [Metric::TrainLoss, Metric::TestAccuracy] {
            for (k, values) in cases.iter().enumerate() {
                for epochs in [0, 1, 15, 200] {
                    let s = [EpochSeries { color: RGBColor(0, 114, 178), values, diverged: k == 3 }];
                    let out = svg(metric, &s, epochs);
                    assert!(!out.contains("NaN") && !out.contains("inf"), "{metric:?} case {k}: {out}");
                    assert!(out.contains("epoch"));
                    assert!(svg(metric, &[], epochs).contains("epoch"));
                }
            }
        }
    }

    #[test]
    fn accuracy_axis_is_in_percent_and_reaches_100() {
        let values = [0.62, 0.81, 0.9];
        let out = svg(Metric::TestAccuracy, &[EpochSeries { color: RGBColor(0, 114, 178), values: &values, diverged: false }], 15);
        let t = texts(&out);
        assert!(t.iter().any(|x| x == "100") && t.iter().any(|x| x == "60"), "{t:?}");
        assert!(t.iter().any(|x| x == "test accuracy, %"));
        let line = out.split("<polyline").find(|l| l.to_ascii_lowercase().contains("stroke=\"#0072b2\"")).expect("the racer's line");
        assert!(line.contains("stroke-width=\"2\""), "{line}");
        // One dot (and its white ring) per epoch.
        assert_eq!(out.matches("<circle").count(), 2 * values.len(), "{out}");
    }

    #[test]
    fn loss_axis_labels_one_two_five_in_a_narrow_range() {
        let values = [2.1, 0.9, 0.45, 0.3];
        let out = svg(Metric::TrainLoss, &[EpochSeries { color: RGBColor(0, 0, 0), values: &values, diverged: false }], 15);
        let t = texts(&out);
        for label in ["0.2", "0.5", "1", "2", "training loss", "epoch"] {
            assert!(t.iter().any(|x| x == label), "{label}: {t:?}");
        }
    }
}
