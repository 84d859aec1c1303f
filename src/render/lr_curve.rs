//! A racer's learning rate against step, drawn small beside its scheduler picker: a line from
//! step 0 to the last step over a linear axis from 0 to the highest rate, that rate written at
//! the top left and the steps at the bottom right.

use super::layout::{Metrics, PlotRect};
use super::path::{straighten, thin, to_backend};
use super::scene::{stroke, text_style, DrawResult, INK};
use super::ticks::format_value;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::PathElement;
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, FontStyle, RGBColor, WHITE};

/// Label size in CSS px: smaller than a chart's, as the chart is.
const LABEL_CSS: f64 = 11.0;

/// The plot inside a `w x h` device-pixel area: a label's height above and below.
fn plot_rect(w: u32, h: u32, m: &Metrics) -> PlotRect {
    let pad = m.px(3.0).round() as i32;
    let label = m.px(LABEL_CSS * 1.3).round() as i32;
    PlotRect {
        x: pad,
        y: label,
        width: (w as i32 - 2 * pad).max(1) as u32,
        height: (h as i32 - 2 * label).max(1) as u32,
    }
}

/// `lrs[k]`, the rate step k used, in `color` on white; `steps_text` under it on the right
/// ("500 steps"). Nothing but the baseline when no rate is finite.
pub fn draw_lr_curve<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lrs: &[f64],
    color: RGBColor,
    steps_text: &str,
    dpr: f64,
) -> DrawResult<DB> {
    let m = Metrics::new(dpr);
    area.fill(&WHITE)?;
    let (w, h) = area.dim_in_pixel();
    let p = plot_rect(w, h, &m);
    let base = stroke(INK.mix(0.25), m.stroke(1.0));
    area.draw(&PathElement::new(
        vec![(p.x, p.bottom()), (p.right(), p.bottom())],
        base,
    ))?;
    let top = lrs
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let font = m.px(LABEL_CSS);
    area.draw_text(
        steps_text,
        &text_style(font, FontStyle::Normal, HPos::Right, VPos::Top),
        (p.right(), p.bottom() + m.px(2.0).round() as i32),
    )?;
    if top <= 0.0 {
        return Ok(());
    }
    area.draw_text(
        &format!("max {}", format_value(top)),
        &text_style(font, FontStyle::Normal, HPos::Left, VPos::Bottom),
        (p.x, p.y - m.px(2.0).round() as i32),
    )?;
    let last = (lrs.len().max(2) - 1) as f64;
    let px = |k: usize, v: f64| {
        [
            p.x as f64 + k as f64 / last * p.width as f64,
            p.bottom() as f64 - v / top * p.height as f64,
        ]
    };
    let points = thin(
        lrs.iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(k, &v)| px(k, v)),
        0.5,
    );
    // A single rate is a level line across.
    let points = if points.len() == 1 {
        vec![points[0], [p.right() as f64, points[0][1]]]
    } else {
        points
    };
    area.draw(&PathElement::new(
        straighten(&to_backend(&points), 0.5),
        stroke(color, m.stroke(1.5)),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::backend::SVGBackend;
    use plotters::prelude::IntoDrawingArea;

    fn svg(lrs: &[f64]) -> String {
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (160, 56)).into_drawing_area();
            draw_lr_curve(&area, lrs, RGBColor(0, 114, 178), "500 steps", 1.0).unwrap();
            area.present().unwrap();
        }
        out
    }

    #[test]
    fn a_schedule_is_a_line_from_its_top_rate_down() {
        let lrs: Vec<f64> = (0..500).map(|k| 0.1 * 0.5f64.powi(k / 100)).collect();
        let out = svg(&lrs);
        assert!(
            out.contains("max 0.1") && out.contains("500 steps"),
            "{out}"
        );
        assert!(
            out.contains("#0072B2") || out.to_lowercase().contains("0072b2"),
            "the line in the racer's colour"
        );
        for odd in [
            &[][..],
            &[f64::NAN, f64::INFINITY][..],
            &[0.0, 0.0][..],
            &[0.3][..],
        ] {
            let out = svg(odd);
            assert!(
                !out.contains("NaN") && !out.contains("inf"),
                "{odd:?}: {out}"
            );
        }
        assert!(svg(&[0.3]).contains("max 0.3"));
    }
}
