//! The loss chart: `loss - reference` against step for every racer, log y.
//!
//! [`LossAxes`] decides the ranges; [`draw_loss_axes`] draws grid, frame, ticks and titles, and
//! [`draw_loss_lines`] the curves. A live chart fits its axes with room to grow
//! ([`LossAxes::live`]), draws them once, and then only appends each racer's new samples from
//! its last drawn one, until a sample falls outside ([`LossAxes::holds`]) and the chart is
//! redrawn on new axes: a few times per race rather than every frame. [`draw_loss`] draws a
//! whole chart in one go.

use super::colormap::{dashes, Dash};
use super::layout::{Layout, Mapping, Metrics, PlotRect};
use super::path::{clip, dash_by_x, straighten, thin, to_backend, Strokes};
use super::scene::{at, fill, frame_and_ticks, stroke, titles, x_ticks, DrawResult, INK};
use super::ticks;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement};
use plotters::prelude::DrawingBackend;
use plotters::style::{Color, RGBColor};

/// Smallest value the log loss axis shows; anything at or below the reference lands on it.
pub const LOSS_FLOOR: f64 = 1e-16;
/// A diverging racer's loss would squash every other series: the axis stops this factor above
/// the highest starting loss, and what goes higher leaves through the top.
const HEADROOM: f64 = 1e3;
/// A live chart's x axis spans at least this many steps (or the race's length, if shorter).
const LIVE_MIN_STEPS: f64 = 100.0;

/// One racer's loss history.
#[derive(Clone, Copy, Debug)]
pub struct LossSeries<'a> {
    pub color: RGBColor,
    /// `(step, loss)` pairs in increasing step. Non-finite pairs are dropped.
    pub points: &'a [(f64, f64)],
    /// Drawn thin and pale, under what is drawn in full (a noisy loss under its mean).
    pub faint: bool,
    /// The racer's dash pattern (racers of one colour): dashed by step, so a live chart drawn
    /// piece by piece is dashed as one drawn whole.
    pub dash: Dash,
}

impl<'a> LossSeries<'a> {
    pub fn new(color: RGBColor, points: &'a [(f64, f64)]) -> LossSeries<'a> {
        LossSeries {
            color,
            points,
            faint: false,
            dash: Dash::Solid,
        }
    }
}

/// The chart's series for racers given as `[loss]` or `[loss, trailing mean]` (noisy gradients):
/// every loss that has a mean drawn faint first, then the rest and the means over them.
/// Racers of one colour get the dash patterns of [`dashes`].
pub fn loss_series<'a>(
    racers: &'a [Vec<Vec<(f64, f64)>>],
    colors: &[RGBColor],
) -> Vec<LossSeries<'a>> {
    let styles: Vec<(RGBColor, Dash)> = colors.iter().copied().zip(dashes(colors)).collect();
    let nth = |k: usize| {
        racers
            .iter()
            .zip(&styles)
            .filter_map(move |(traces, &style)| Some((traces.get(k)?, style, traces.len() > 1)))
    };
    let losses = nth(0).map(|(points, (color, dash), has_mean)| LossSeries {
        color,
        points,
        faint: has_mean,
        dash,
    });
    let (faint, plain): (Vec<_>, Vec<_>) = losses.partition(|s| s.faint);
    faint
        .into_iter()
        .chain(plain)
        .chain(nth(1).map(|(points, (color, dash), _)| LossSeries {
            dash,
            ..LossSeries::new(color, points)
        }))
        .collect()
}

/// A series' colour drawn faint: 70 % of the way to white.
fn pale(c: RGBColor) -> RGBColor {
    let mix = |v: u8| (v as f64 + 0.7 * (255.0 - v as f64)).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

fn finite(&(s, v): &(f64, f64)) -> bool {
    s.is_finite() && v.is_finite()
}

/// The ranges of a loss chart on a canvas.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossAxes {
    pub plot: PlotRect,
    pub metrics: Metrics,
    /// Subtracted from every loss (the landscape's minimum value, when known).
    pub reference: f64,
    /// The x axis spans steps `0..=steps`.
    pub steps: f64,
    /// The y axis spans `10^lo..=10^hi`.
    pub lo: i32,
    pub hi: i32,
    /// Values above `10^hi` that stay under this would call for taller axes; above it they
    /// leave through the top.
    cap: f64,
    /// The reference was the lowest loss seen (no known minimum): a lower one moves it.
    derived_reference: bool,
}

/// Whether `v` is below a known minimum `r` by more than rounding: the loss of a racer sitting
/// on the minimum may come out an ulp lower.
fn below(v: f64, r: f64) -> bool {
    v < r - 1e-9 * (1.0 + r.abs())
}

/// The data ranges of some series: largest step, lowest and highest lifted loss, highest
/// starting loss.
struct Extent {
    steps: f64,
    lo: f64,
    hi: f64,
    first_hi: f64,
}

impl LossAxes {
    /// Axes that fit `series` tightly, on a `width x height` device-pixel canvas. `reference`
    /// is the landscape's minimum value (times its scale); when unknown (None, or not finite)
    /// the lowest loss shown is used if it is negative, else 0.
    pub fn fit(
        width: u32,
        height: u32,
        dpr: f64,
        series: &[LossSeries],
        reference: Option<f64>,
    ) -> LossAxes {
        Self::with_room(width, height, dpr, series, reference, None)
    }

    /// Axes for a live chart: as [`LossAxes::fit`], with room for the race to go on: the x
    /// axis reaches the next 1-2-5 step count past 1.25 times the latest step (at least
    /// 100, at most `horizon`, the step the race stops at), and the y axis one decade below
    /// the lowest loss.
    pub fn live(
        width: u32,
        height: u32,
        dpr: f64,
        series: &[LossSeries],
        reference: Option<f64>,
        horizon: f64,
    ) -> LossAxes {
        Self::with_room(width, height, dpr, series, reference, Some(horizon))
    }

    fn with_room(
        width: u32,
        height: u32,
        dpr: f64,
        series: &[LossSeries],
        reference: Option<f64>,
        horizon: Option<f64>,
    ) -> LossAxes {
        let layout = Layout::loss(width, height, dpr);
        let lowest = series
            .iter()
            .flat_map(|s| s.points.iter())
            .filter(|p| finite(p))
            .map(|p| p.1)
            .fold(f64::INFINITY, f64::min);
        let (reference, derived_reference) = match reference.filter(|r| r.is_finite()) {
            // A known minimum, unless a racer went below it: a typed formula's minima are those
            // found in its view, and the racers may find a lower one.
            Some(r) if !below(lowest, r) => (r, false),
            _ => (
                if lowest.is_finite() && lowest <= 0.0 {
                    lowest
                } else {
                    0.0
                },
                true,
            ),
        };
        let mut axes = LossAxes {
            plot: layout.plot,
            metrics: layout.metrics,
            reference,
            steps: 1.0,
            lo: -2,
            hi: 2,
            cap: f64::INFINITY,
            derived_reference,
        };
        let e = axes.extent(series);
        axes.cap = if e.first_hi > 0.0 {
            e.first_hi * HEADROOM
        } else {
            f64::INFINITY
        };
        let hi = e.hi.min(axes.cap);
        let (mut lo, mut hi) = if e.lo.is_finite() {
            (e.lo.log10().floor() as i32, hi.log10().ceil() as i32)
        } else {
            (-2, 2)
        };
        if hi <= lo {
            lo -= 1;
            hi += 1;
        }
        let floor = LOSS_FLOOR.log10() as i32;
        axes.steps = if e.steps > 0.0 { e.steps } else { 1.0 };
        if let Some(horizon) = horizon {
            lo -= 1;
            let room = ticks::nice_step((e.steps * 1.25).max(LIVE_MIN_STEPS));
            let horizon = if horizon.is_finite() && horizon >= 1.0 {
                horizon
            } else {
                f64::INFINITY
            };
            axes.steps = room.min(horizon).max(axes.steps);
        }
        axes.lo = lo.max(floor);
        axes.hi = hi.max(axes.lo + 1);
        axes
    }

    fn lift(&self, v: f64) -> f64 {
        (v - self.reference).max(LOSS_FLOOR)
    }

    fn extent(&self, series: &[LossSeries]) -> Extent {
        let mut e = Extent {
            steps: 0.0,
            lo: f64::INFINITY,
            hi: 0.0,
            first_hi: 0.0,
        };
        for s in series {
            for (k, &(step, v)) in s.points.iter().filter(|p| finite(p)).enumerate() {
                e.steps = e.steps.max(step);
                let y = self.lift(v);
                if y.is_finite() {
                    e.lo = e.lo.min(y);
                    e.hi = e.hi.max(y);
                    if k == 0 {
                        e.first_hi = e.first_hi.max(y);
                    }
                }
            }
        }
        e
    }

    /// Whether every finite sample of `points` sits inside these axes as they were chosen:
    /// within the step range, not below the bottom decade (unless that is the floor), not above
    /// the top while under the cap, and not below the reference (a known one by more than
    /// rounding).
    pub fn holds(&self, points: &[(f64, f64)]) -> bool {
        let (bottom, top) = (10f64.powi(self.lo), 10f64.powi(self.hi));
        let floor = self.lo <= LOSS_FLOOR.log10() as i32;
        points.iter().filter(|p| finite(p)).all(|&(step, v)| {
            let y = self.lift(v);
            step <= self.steps
                && (floor || y >= bottom)
                && (y <= top || top >= self.cap)
                && !(if self.derived_reference {
                    v < self.reference
                } else {
                    below(v, self.reference)
                })
        })
    }

    /// Device pixel x of a step.
    pub fn x_px(&self, step: f64) -> f64 {
        let p = self.plot;
        p.x as f64 + step.max(0.0) / self.steps * p.width as f64
    }

    /// Device pixel of a sample.
    pub fn to_px(&self, step: f64, v: f64) -> [f64; 2] {
        let p = self.plot;
        let y = self.lift(v);
        [
            self.x_px(step),
            p.y as f64
                + (self.hi as f64 - y.log10()) / (self.hi - self.lo) as f64 * p.height as f64,
        ]
    }

    fn decades(&self) -> Vec<i32> {
        ticks::decades(
            self.lo,
            self.hi,
            ((self.plot.height as f64 / self.metrics.px(32.0)) as usize).clamp(2, 10),
        )
    }

    fn decade_px(&self, e: i32) -> f64 {
        let p = self.plot;
        p.y as f64 + (self.hi - e) as f64 / (self.hi - self.lo) as f64 * p.height as f64
    }
}

pub use crate::spec::XAxis;

impl XAxis {
    /// The axis's title.
    pub fn title(self) -> &'static str {
        match self {
            XAxis::Steps => "step",
            XAxis::Evaluations => "evaluations",
        }
    }
}

/// Light grid at the labelled decades, frame, ticks, labels and titles.
pub fn draw_loss_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axes: &LossAxes,
) -> DrawResult<DB> {
    draw_loss_axes_of(area, axes, XAxis::Steps)
}

/// [`draw_loss_axes`] with the x axis counting `x`.
pub fn draw_loss_axes_of<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axes: &LossAxes,
    x: XAxis,
) -> DrawResult<DB> {
    let (p, m) = (axes.plot, &axes.metrics);
    let mapping = Mapping::new(p, crate::landscape::View::new(0.0, axes.steps, 0.0, 1.0));
    let (mut xs, xstep) = x_ticks([0.0, axes.steps], p.width as f64, m);
    // Steps are whole numbers.
    xs.retain(|t| t.fract() == 0.0);
    let xstep = xstep.max(1.0);
    let xt: Vec<(f64, String)> = xs
        .iter()
        .map(|&t| (mapping.to_px([t, 0.0])[0], ticks::format_tick(t, xstep)))
        .collect();
    draw_log_loss_axes(area, axes, &xt, x.title())
}

/// [`draw_loss_axes`] with any x axis: its ticks (device px, label) and title.
pub(super) fn draw_log_loss_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axes: &LossAxes,
    xt: &[(f64, String)],
    x_title: &str,
) -> DrawResult<DB> {
    let (p, m) = (axes.plot, &axes.metrics);
    let decades = axes.decades();
    let grid = stroke(INK.mix(0.12), m.stroke(1.0));
    for &e in &decades {
        let y = axes.decade_px(e).round() as i32;
        area.draw(&PathElement::new(vec![(p.x, y), (p.right(), y)], grid))?;
    }
    let yt: Vec<(f64, String)> = decades
        .iter()
        .map(|&e| (axes.decade_px(e), ticks::format_pow10(e)))
        .collect();
    frame_and_ticks(area, p, m, xt, &yt)?;
    let y_title = if axes.reference.abs() <= 1e-12 {
        "loss"
    } else {
        "loss \u{2212} min"
    };
    titles(area, p, m, x_title, y_title, 5)
}

/// Each series as a line (a dot when it has a single point, if `dots`), clipped to the plot.
/// To append to a live chart, pass each racer's last drawn sample followed by its new ones.
pub fn draw_loss_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axes: &LossAxes,
    series: &[LossSeries],
    dots: bool,
) -> DrawResult<DB> {
    for mark in loss_marks(axes, series, dots) {
        match mark {
            LossMark::Line(s) => s.draw(area)?,
            LossMark::Dot(c, r, color) => area.draw(&Circle::new(c, r, fill(color)))?,
        }
    }
    Ok(())
}

/// What [`draw_loss_lines`] draws of one series.
#[derive(Clone, Debug)]
pub enum LossMark {
    /// Its line (a dashed series' dashes).
    Line(Strokes),
    /// A series of one point: a dot at its centre, of this radius.
    Dot((i32, i32), i32, RGBColor),
}

/// What [`draw_loss_lines`] draws, in order: one mark per series that shows.
pub fn loss_marks(axes: &LossAxes, series: &[LossSeries], dots: bool) -> Vec<LossMark> {
    let (p, m) = (axes.plot, &axes.metrics);
    let b = [p.x as f64, p.y as f64, p.right() as f64, p.bottom() as f64];
    let mut out = Vec::with_capacity(series.len());
    for s in series {
        let (color, width) = if s.faint {
            (pale(s.color), m.stroke(1.0))
        } else {
            (s.color, m.stroke(1.75))
        };
        let px = thin(
            per_column(axes, s.points)
                .into_iter()
                .map(|(step, v)| axes.to_px(step, v)),
            0.5,
        );
        if px.len() == 1 {
            if let (true, Some(c)) = (dots, at(px[0])) {
                out.push(LossMark::Dot(c, m.px(3.0).round() as i32, color));
            }
            continue;
        }
        let pattern: Vec<f64> = if s.faint {
            Vec::new()
        } else {
            s.dash.pattern().iter().map(|&l| m.px(l)).collect()
        };
        let lines: Vec<Vec<(i32, i32)>> = clip(&px, b)
            .iter()
            .flat_map(|part| dash_by_x(part, &pattern))
            .map(|piece| straighten(&to_backend(&piece), 0.5))
            .filter(|piece| piece.len() >= 2)
            .collect();
        if !lines.is_empty() {
            out.push(LossMark::Line(Strokes {
                style: stroke(color, width),
                lines,
            }));
        }
    }
    out
}

/// The finite samples of `points` that a line at device-pixel resolution needs: of each run of
/// samples in one pixel column (x as the backend rounds it), the first, the lowest, the
/// highest and the last, in their order. Within a column the line only goes up and down, so
/// the line through these covers the pixels the line through all of them covers; a frame of
/// a thousand steps is a few columns of the chart.
pub fn per_column(axes: &LossAxes, points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let column = |step: f64| axes.x_px(step).round();
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(points.len().min(4096));
    let mut run: Vec<(f64, f64)> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64)>, out: &mut Vec<(f64, f64)>| {
        if run.len() <= 4 {
            out.append(run);
            return;
        }
        let (mut lo, mut hi) = (0, 0);
        for (k, p) in run.iter().enumerate() {
            if p.1 < run[lo].1 {
                lo = k;
            }
            if p.1 > run[hi].1 {
                hi = k;
            }
        }
        let last = run.len() - 1;
        let mut keep = [0, lo, hi, last];
        keep.sort_unstable();
        for (i, &k) in keep.iter().enumerate() {
            if i == 0 || k != keep[i - 1] {
                out.push(run[k]);
            }
        }
        run.clear();
    };
    let mut at = f64::NAN;
    for &p in points.iter().filter(|p| finite(p)) {
        let c = column(p.0);
        if c != at {
            flush(&mut run, &mut out);
            at = c;
        }
        run.push(p);
    }
    flush(&mut run, &mut out);
    out
}

/// A whole loss chart on tight axes ([`LossAxes::fit`]). Empty series, single points and
/// constant series are all drawn sensibly; non-finite values are dropped.
pub fn draw_loss<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[LossSeries],
    reference: Option<f64>,
    dpr: f64,
) -> DrawResult<DB> {
    draw_loss_against(area, series, reference, dpr, XAxis::Steps)
}

/// [`draw_loss`] with the series' x values counting `x`.
pub fn draw_loss_against<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[LossSeries],
    reference: Option<f64>,
    dpr: f64,
    x: XAxis,
) -> DrawResult<DB> {
    let (w, h) = area.dim_in_pixel();
    let axes = LossAxes::fit(w, h, dpr, series, reference);
    draw_loss_axes_of(area, &axes, x)?;
    draw_loss_lines(area, &axes, series, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::backend::SVGBackend;
    use plotters::prelude::IntoDrawingArea;

    #[test]
    fn loss_chart_survives_odd_series() {
        let empty: [(f64, f64); 0] = [];
        let cases: [&[(f64, f64)]; 6] = [
            &empty,
            &[(0.0, 3.0)],
            &[(0.0, 2.0), (1.0, 2.0), (2.0, 2.0)],
            &[
                (0.0, -1.0),
                (1.0, 0.0),
                (2.0, f64::NAN),
                (f64::INFINITY, 1.0),
                (3.0, f64::NEG_INFINITY),
            ],
            &[(0.0, 1e300), (1.0, 1e-300)],
            &[(0.0, 1.0), (5.0, 0.5), (100000.0, 1e-20)],
        ];
        for (k, points) in cases.iter().enumerate() {
            for reference in [None, Some(0.0), Some(-1.0), Some(f64::NAN)] {
                let mut svg = String::new();
                {
                    let area = SVGBackend::with_string(&mut svg, (500, 300)).into_drawing_area();
                    let s = [LossSeries::new(RGBColor(0, 114, 178), points)];
                    draw_loss(&area, &s, reference, 1.0).unwrap();
                    draw_loss(&area, &[], reference, 1.0).unwrap();
                    let axes = LossAxes::live(500, 300, 1.0, &s, reference, 500.0);
                    draw_loss_axes(&area, &axes).unwrap();
                    draw_loss_lines(&area, &axes, &s, false).unwrap();
                    area.present().unwrap();
                }
                assert!(
                    !svg.contains("NaN") && !svg.contains("inf"),
                    "case {k}: {svg}"
                );
                assert!(svg.contains("step"));
                // Whole steps only, and decades: no label has a decimal point.
                for t in svg.split("<text").skip(1) {
                    let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
                    assert!(!body.contains('.'), "case {k}: label {body:?}");
                }
            }
        }
    }

    #[test]
    fn live_axes_leave_room_and_say_when_they_no_longer_hold() {
        let points: Vec<(f64, f64)> = (0..=40)
            .map(|s| (s as f64, 10.0 * 0.8f64.powi(s)))
            .collect();
        let s = [LossSeries::new(RGBColor(0, 0, 0), &points)];
        let live = LossAxes::live(600, 300, 1.0, &s, Some(0.0), 500.0);
        let tight = LossAxes::fit(600, 300, 1.0, &s, Some(0.0));
        assert_eq!(tight.steps, 40.0);
        assert_eq!(live.steps, 100.0, "at least 100 steps");
        assert_eq!(live.lo, tight.lo - 1, "a decade of room below");
        assert!(live.holds(&points));
        assert!(live.holds(&[(100.0, 0.01)]));
        assert!(!live.holds(&[(101.0, 1.0)]), "past the x range");
        assert!(
            !live.holds(&[(50.0, 10f64.powi(live.lo - 1))]),
            "below the bottom decade"
        );
        assert!(
            !live.holds(&[(50.0, 10f64.powi(live.hi + 1))]),
            "above the top, under the cap"
        );
        assert!(!live.holds(&[(50.0, 1e9)]), "the axis grows up to the cap");
        let mut blown = points.clone();
        blown.push((41.0, 1e30));
        let b = [LossSeries::new(RGBColor(0, 0, 0), &blown)];
        let capped = LossAxes::live(600, 300, 1.0, &b, Some(0.0), 500.0);
        assert_eq!(capped.hi, 4, "three decades above the start");
        assert!(
            capped.holds(&[(50.0, 1e40)]),
            "past the cap a value leaves through the top"
        );
        assert!(live.holds(&[(50.0, f64::NAN)]));
        // The x axis never passes the race's end, and grows in 1-2-5 steps.
        assert_eq!(
            LossAxes::live(600, 300, 1.0, &s, Some(0.0), 60.0).steps,
            60.0
        );
        let long: Vec<(f64, f64)> = (0..=900).map(|s| (s as f64, 1.0)).collect();
        let l = [LossSeries::new(RGBColor(0, 0, 0), &long)];
        assert_eq!(
            LossAxes::live(600, 300, 1.0, &l, Some(0.0), 1e5).steps,
            2000.0
        );
        // A reference taken from the data moves when a lower loss comes.
        let neg = [(0.0, -1.0), (1.0, -2.0)];
        let n = LossAxes::live(
            600,
            300,
            1.0,
            &[LossSeries::new(RGBColor(0, 0, 0), &neg)],
            None,
            500.0,
        );
        assert!(n.holds(&[(2.0, -1.5)]));
        assert!(!n.holds(&[(2.0, -3.0)]));
        // A known minimum holds until a racer goes below it (more than by rounding); then the
        // lowest loss seen is the reference, as when none is known.
        let reached = [(0.0, 1.0), (1.0, 0.0)];
        let known = LossAxes::live(
            600,
            300,
            1.0,
            &[LossSeries::new(RGBColor(0, 0, 0), &reached)],
            Some(0.0),
            500.0,
        );
        assert!(
            known.holds(&[(2.0, -1e-17)]),
            "an ulp below a known minimum is rounding"
        );
        assert!(!known.holds(&[(2.0, -0.5)]));
        let lower = [(0.0, 1.0), (1.0, -2.0)];
        let l = LossAxes::live(
            600,
            300,
            1.0,
            &[LossSeries::new(RGBColor(0, 0, 0), &lower)],
            Some(-0.1),
            500.0,
        );
        assert_eq!(l.reference, -2.0);
        assert!(!l.holds(&[(2.0, -3.0)]));
        assert_eq!(
            LossAxes::live(600, 300, 1.0, &s, Some(-0.1), 500.0).reference,
            -0.1,
            "a known minimum nobody passed stays"
        );
    }

    /// A loss that falls and jitters over `n` steps, as Lion's or a noisy racer's does.
    fn jittery(n: usize) -> Vec<(f64, f64)> {
        (0..n)
            .map(|k| {
                let wobble = 1.0 + 0.6 * crate::math::sin(k as f64 * 2.7);
                (k as f64, 100.0 * 0.9995f64.powi(k as i32) * wobble + 1e-3)
            })
            .collect()
    }

    /// The pixels the centre lines of `lines` pass through (a canvas strokes them with round
    /// joins and caps: its ink is these, widened alike).
    fn centre_pixels(lines: &[Vec<(i32, i32)>]) -> std::collections::HashSet<(i32, i32)> {
        let mut out = std::collections::HashSet::new();
        for w in lines.iter().flat_map(|l| l.windows(2)) {
            let (a, b) = (w[0], w[1]);
            let n = (a.0 - b.0).abs().max((a.1 - b.1).abs()).max(1) * 4;
            for k in 0..=n {
                let t = k as f64 / n as f64;
                let x = a.0 as f64 + t * (b.0 - a.0) as f64;
                let y = a.1 as f64 + t * (b.1 - a.1) as f64;
                out.insert((x.round() as i32, y.round() as i32));
            }
        }
        out
    }

    /// The share of `a` with nothing of `b` within a pixel.
    fn strays(
        a: &std::collections::HashSet<(i32, i32)>,
        b: &std::collections::HashSet<(i32, i32)>,
    ) -> f64 {
        let near = |&(x, y): &(i32, i32)| {
            (-1..=1).any(|dy| (-1..=1).any(|dx| b.contains(&(x + dx, y + dy))))
        };
        a.iter().filter(|p| !near(p)).count() as f64 / a.len().max(1) as f64
    }

    fn lines_of(marks: Vec<LossMark>) -> Vec<Vec<(i32, i32)>> {
        marks
            .into_iter()
            .flat_map(|m| match m {
                LossMark::Line(s) => s.lines,
                LossMark::Dot(..) => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn per_column_keeps_each_columns_ends_and_extremes_in_order() {
        let points = jittery(20_000);
        let s = [LossSeries::new(RGBColor(0, 0, 0), &points)];
        let axes = LossAxes::live(600, 300, 1.0, &s, Some(0.0), 20_000.0);
        let kept = per_column(&axes, &points);
        let column = |p: &(f64, f64)| axes.x_px(p.0).round() as i64;
        let columns = |ps: &[(f64, f64)]| {
            let mut out: Vec<(i64, f64, f64, f64, f64)> = Vec::new();
            for p in ps {
                match out.last_mut() {
                    Some(c) if c.0 == column(p) => {
                        (c.2, c.3, c.4) = (c.2.min(p.1), c.3.max(p.1), p.1);
                    }
                    _ => out.push((column(p), p.1, p.1, p.1, p.1)),
                }
            }
            out
        };
        assert!(kept.len() <= 4 * columns(&points).len(), "{}", kept.len());
        assert!(kept.len() < points.len() / 10, "{}", kept.len());
        // Per column: the same first, lowest, highest and last value; and in the same order.
        assert_eq!(columns(&kept), columns(&points));
        assert!(kept.windows(2).all(|w| w[0].0 < w[1].0));
        // Non-finite samples are dropped, as the line drops them.
        let odd = [
            (0.0, 1.0),
            (1.0, f64::NAN),
            (f64::INFINITY, 1.0),
            (2.0, 0.5),
        ];
        assert_eq!(per_column(&axes, &odd), vec![(0.0, 1.0), (2.0, 0.5)]);
    }

    #[test]
    fn a_loss_line_drawn_per_column_or_in_pieces_is_the_line_through_every_sample() {
        let points = jittery(20_000);
        for dash in [Dash::Solid, Dash::Dashed] {
            let series = |points| LossSeries {
                dash,
                ..LossSeries::new(RGBColor(0, 114, 178), points)
            };
            let axes = LossAxes::live(600, 300, 1.0, &[series(&points)], Some(0.0), 20_000.0);
            // Every sample, as the chart drew it before it kept only what a column shows.
            let (p, m) = (axes.plot, &axes.metrics);
            let b = [p.x as f64, p.y as f64, p.right() as f64, p.bottom() as f64];
            let px = thin(points.iter().map(|&(x, v)| axes.to_px(x, v)), 0.5);
            let pattern: Vec<f64> = dash.pattern().iter().map(|&l| m.px(l)).collect();
            let every: Vec<Vec<(i32, i32)>> = clip(&px, b)
                .iter()
                .flat_map(|part| dash_by_x(part, &pattern))
                .map(|piece| straighten(&to_backend(&piece), 0.5))
                .filter(|piece| piece.len() >= 2)
                .collect();
            let whole = lines_of(loss_marks(&axes, &[series(&points)], true));
            // A live chart: a thousand steps a frame, each piece from the last sample drawn.
            let pieces: Vec<Vec<(i32, i32)>> = (0..points.len())
                .step_by(1000)
                .flat_map(|k| {
                    let piece = &points[k.saturating_sub(1)..(k + 1000).min(points.len())];
                    lines_of(loss_marks(&axes, &[series(piece)], k == 0))
                })
                .collect();
            let count = |ls: &[Vec<(i32, i32)>]| ls.iter().map(Vec::len).sum::<usize>();
            assert!(
                count(&whole) * 3 < count(&every),
                "{dash:?}: {} points drawn, {} before",
                count(&whole),
                count(&every)
            );
            let (every, whole, pieces) = (
                centre_pixels(&every),
                centre_pixels(&whole),
                centre_pixels(&pieces),
            );
            assert!(every.len() > 1000, "{dash:?}: {} pixels", every.len());
            for (a, b, what) in [
                (&whole, &every, "whole against every sample"),
                (&every, &whole, "every sample against whole"),
                (&pieces, &whole, "pieces against whole"),
                (&whole, &pieces, "whole against pieces"),
            ] {
                let off = strays(a, b);
                assert!(off < 0.005, "{dash:?}, {what}: {off} of the pixels stray");
            }
        }
    }

    #[test]
    fn noisy_losses_go_pale_first_then_every_bold_line() {
        let (a, b) = (RGBColor(0, 114, 178), RGBColor(230, 159, 0));
        let racers = vec![
            vec![vec![(0.0, 1.0)], vec![(0.0, 2.0)]],
            vec![vec![(0.0, 3.0)]],
            vec![vec![(0.0, 4.0)], vec![(0.0, 5.0)]],
        ];
        let s = loss_series(&racers, &[a, b, a]);
        let got: Vec<(f64, bool, RGBColor)> = s
            .iter()
            .map(|s| (s.points[0].1, s.faint, s.color))
            .collect();
        assert_eq!(
            got,
            vec![
                (1.0, true, a),
                (4.0, true, a),
                (3.0, false, b),
                (2.0, false, a),
                (5.0, false, a)
            ]
        );
        assert_eq!(pale(RGBColor(0, 100, 255)), RGBColor(179, 209, 255));
        // Drawn pale and thinner.
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (400, 300)).into_drawing_area();
            let line = [(0.0, 1.0), (10.0, 0.1)];
            draw_loss(
                &area,
                &[
                    LossSeries {
                        color: a,
                        points: &line,
                        faint: true,
                        dash: Dash::Solid,
                    },
                    LossSeries::new(b, &line),
                ],
                None,
                1.0,
            )
            .unwrap();
        }
        let faint = svg
            .lines()
            .find(|l| l.contains("stroke=\"#B3D5E8\""))
            .expect("the pale line");
        let bold = svg
            .lines()
            .find(|l| l.contains("stroke=\"#E69F00\""))
            .expect("the bold line");
        let width = |l: &str| {
            l[l.find("stroke-width=\"").unwrap() + 14..]
                .split('"')
                .next()
                .unwrap()
                .parse::<f64>()
                .unwrap()
        };
        assert!(width(faint) < width(bold), "{faint} {bold}");
    }
}
