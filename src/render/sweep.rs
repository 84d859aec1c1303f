//! The learning-rate sweep chart ([`crate::sweep`]): each racer's loss after the sweep's steps
//! against the learning rate, both log, on the loss chart's y axis. A curve breaks where its
//! racer diverged, and a cross in its colour marks each such learning rate along the top (a row
//! per racer); a ring marks the racer's own learning rate.

use super::loss::{draw_log_loss_axes, draw_loss_lines, LossAxes, LossSeries};
use super::scene::{at, cross, fill, stroke, DrawResult, WHITE};
use super::ticks;
use crate::schema::sliders::LR;
use crate::sweep::SweepPoint;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Circle;
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// One racer's sweep, as far as it has run.
#[derive(Clone, Copy, Debug)]
pub struct SweepSeries<'a> {
    pub color: RGBColor,
    pub points: &'a [SweepPoint],
    /// The racer's own learning rate.
    pub lr: f64,
}

/// Position along the x axis: decades above the lr slider's minimum.
fn u(lr: f64) -> f64 {
    lr.log10() - LR.min.log10()
}

/// The whole chart on `area`; `reference` as for the loss chart (the landscape's minimum).
pub fn draw_sweep<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[SweepSeries],
    reference: Option<f64>,
    dpr: f64,
) -> DrawResult<DB> {
    let (w, h) = area.dim_in_pixel();
    // Runs of finite points: a curve does not bridge a learning rate that diverged.
    let runs: Vec<(RGBColor, Vec<(f64, f64)>)> = series
        .iter()
        .flat_map(|s| {
            s.points
                .split(|p| p.loss.is_none())
                .filter(|run| !run.is_empty())
                .map(move |run| {
                    (
                        s.color,
                        run.iter()
                            .filter_map(|p| p.loss.map(|l| (u(p.lr), l)))
                            .collect(),
                    )
                })
        })
        .collect();
    let lines: Vec<LossSeries> = runs
        .iter()
        .map(|(color, points)| LossSeries::new(*color, points))
        .collect();
    let mut axes = LossAxes::fit(w, h, dpr, &lines, reference);
    axes.steps = u(LR.max);
    let (p, m) = (axes.plot, axes.metrics);
    let (lo, hi) = (LR.min.log10().round() as i32, LR.max.log10().round() as i32);
    let px = |e: i32| axes.to_px(u(10f64.powi(e)), 1.0)[0];
    let every = if px(lo + 1) - px(lo) >= m.label_width(5) + m.px(10.0) {
        1
    } else {
        2
    };
    let xt: Vec<(f64, String)> = (lo..=hi)
        .filter(|e| (e - lo) % every == 0)
        .map(|e| {
            (
                px(e),
                if (-3..=1).contains(&e) {
                    ticks::format_value(10f64.powi(e))
                } else {
                    ticks::format_pow10(e)
                },
            )
        })
        .collect();
    draw_log_loss_axes(area, &axes, &xt, "learning rate")?;
    draw_loss_lines(area, &axes, &lines, true)?;
    // Crosses along the top, a row for each racer that diverged anywhere, so that none hides
    // another's.
    let mut rows = 0;
    // Small enough that neighbouring crosses stay apart on a phone's narrow chart.
    let per_point = p.width as f64 / (u(LR.max) * crate::sweep::PER_DECADE as f64);
    let half = m.px(3.5).min(0.4 * per_point);
    for s in series {
        let top = p.y as f64 + m.px(5.0 + 8.0 * rows as f64);
        rows += usize::from(s.points.iter().any(|p| p.loss.is_none()));
        for point in s.points.iter().filter(|p| p.loss.is_none()) {
            cross(
                area,
                [axes.to_px(u(point.lr), 1.0)[0], top],
                half,
                stroke(s.color, m.stroke(1.5)),
            )?;
        }
        // The racer's own learning rate: a ring on its curve, or over its cross.
        if let Some(own) = s.points.iter().find(|p| p.lr == s.lr) {
            let c = match own.loss {
                Some(l) => axes.to_px(u(own.lr), l),
                None => [axes.to_px(u(own.lr), 1.0)[0], top],
            };
            if let Some(c) = at(c) {
                let r = m.px(5.0).round() as i32;
                area.draw(&Circle::new(c, r, fill(WHITE)))?;
                area.draw(&Circle::new(c, r, stroke(s.color, m.stroke(2.5))))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::colormap::racer_color;
    use plotters::backend::SVGBackend;
    use plotters::prelude::IntoDrawingArea;

    fn svg(series: &[SweepSeries], reference: Option<f64>) -> String {
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (480, 300)).into_drawing_area();
            draw_sweep(&area, series, reference, 1.0).unwrap();
            area.present().unwrap();
        }
        out
    }

    #[test]
    fn curves_break_where_a_racer_diverged_and_rings_mark_its_own_lr() {
        let p = |lr: f64, loss: Option<f64>| SweepPoint {
            lr,
            loss,
            diverged_at: loss.is_none().then_some(3),
        };
        let sgd = [
            p(1e-5, Some(4.0)),
            p(1e-4, Some(3.0)),
            p(1e-3, Some(0.1)),
            p(1e-2, None),
            p(1e-1, None),
        ];
        let adam = [
            p(1e-5, Some(20.0)),
            p(1e-3, Some(1.0)),
            p(1e-2, None),
            p(0.05, Some(1e-8)),
            p(1.0, Some(0.2)),
        ];
        let (c0, c1) = (racer_color(0), racer_color(1));
        let out = svg(
            &[
                SweepSeries {
                    color: c0,
                    points: &sgd,
                    lr: 1e-3,
                },
                SweepSeries {
                    color: c1,
                    points: &adam,
                    lr: 0.05,
                },
            ],
            Some(0.0),
        );
        let polylines = |c: RGBColor| polylines_in(&out, c);
        // SGD: one line and two crosses (two strokes each); Adam: two lines around its divergence
        // and one cross.
        assert_eq!(polylines(c0), 1 + 2 * 2, "{out}");
        assert_eq!(polylines(c1), 2 + 2, "{out}");
        // A ring per racer, each over a white disc.
        assert_eq!(out.matches("<circle").count(), 4, "{out}");
        let texts: Vec<&str> = out
            .split("<text")
            .skip(1)
            .map(|t| {
                t.split_once('>')
                    .unwrap()
                    .1
                    .split("</text>")
                    .next()
                    .unwrap()
                    .trim()
            })
            .collect();
        for label in [
            "10⁻⁵",
            "10⁻⁴",
            "0.001",
            "0.01",
            "0.1",
            "1",
            "10",
            "learning rate",
            "loss",
        ] {
            assert!(texts.contains(&label), "no {label:?} in {texts:?}");
        }
        // Nothing at all drawn yet is still a chart, with no curve.
        let empty = svg(
            &[SweepSeries {
                color: c0,
                points: &[],
                lr: 1e-3,
            }],
            None,
        );
        assert_eq!(polylines_in(&empty, c0), 0);
    }

    fn polylines_in(svg: &str, c: RGBColor) -> usize {
        svg.split("<polyline")
            .skip(1)
            .filter(|rest| {
                rest.split('>')
                    .next()
                    .unwrap()
                    .contains(&format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2))
            })
            .count()
    }
}
