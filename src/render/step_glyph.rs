//! An inspected racer's last step, drawn at its head: the step's direction (an arrow in the
//! racer's colour) and steepest descent −∇f where the step started (an ink arrow), both of one
//! length, so the angle between them is the inspector's "degrees from −gradient"; and where the
//! local quadratic model along the step is lowest (a ring at the end of a dashed line along the
//! step): the inspector's α*, seen. The plot has equal scales in x and y, so angles on it are
//! the true ones.

use super::layout::{Mapping, Metrics};
use super::path::to_backend;
use super::scene::{arrow, ring, stroke, DrawResult, INK};
use crate::landscape::Point;
use crate::race::StepModel;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::PathElement;
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// Both arrows' length, in CSS px.
pub const ARROW_CSS: f64 = 44.0;
const HEAD_LENGTH_CSS: f64 = 10.0;
const HEAD_HALF_WIDTH_CSS: f64 = 5.0;
const RING_CSS: f64 = 5.5;
const DASH_CSS: f64 = 5.0;

/// One inspected racer: where its head is and its last step against the model there.
#[derive(Clone, Copy, Debug)]
pub struct StepGlyph {
    pub color: RGBColor,
    pub head: Point,
    pub model: StepModel,
}

/// A glyph in device pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GlyphGeometry {
    pub head: [f64; 2],
    /// The tip of the arrow along the step.
    pub step_tip: [f64; 2],
    /// The tip of the arrow along −∇f (None where the gradient is zero).
    pub descent_tip: Option<[f64; 2]>,
    /// Where the model along the step is lowest, when that is on the plot.
    pub model_min: Option<[f64; 2]>,
}

/// `v` (a direction in data units) as a unit vector in device pixels (y grows downwards).
fn px_direction(mapping: &Mapping, v: [f64; 2]) -> Option<[f64; 2]> {
    let [ux, uy] = mapping.data_per_px();
    let (x, y) = (v[0] / ux, -v[1] / uy);
    let n = x.hypot(y);
    (n > 0.0 && n.is_finite()).then(|| [x / n, y / n])
}

/// The glyph's device-pixel geometry; None when its head is off the plot or the step has no
/// direction.
pub fn geometry(mapping: &Mapping, glyph: &StepGlyph, dpr: f64) -> Option<GlyphGeometry> {
    let head = mapping.to_px(glyph.head);
    if !mapping.plot.contains(head) {
        return None;
    }
    let length = Metrics::new(dpr).px(ARROW_CSS);
    let tip = |u: [f64; 2]| [head[0] + length * u[0], head[1] + length * u[1]];
    let m = &glyph.model;
    let step_tip = tip(px_direction(mapping, m.step)?);
    let descent_tip = px_direction(mapping, [-m.gradient[0], -m.gradient[1]]).map(tip);
    let model_min = m
        .alpha_star
        .map(|a| mapping.to_px([m.from[0] + a * m.step[0], m.from[1] + a * m.step[1]]))
        .filter(|&p| mapping.plot.contains(p));
    Some(GlyphGeometry {
        head,
        step_tip,
        descent_tip,
        model_min,
    })
}

/// Every glyph that has a geometry: the dashed line to the model's minimum and its ring, then
/// steepest descent, then the step on top.
pub fn draw_step_glyphs<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mapping: &Mapping,
    glyphs: &[StepGlyph],
    dpr: f64,
) -> DrawResult<DB> {
    let m = Metrics::new(dpr);
    for glyph in glyphs {
        let Some(g) = geometry(mapping, glyph, dpr) else {
            continue;
        };
        if let Some(model_min) = g.model_min {
            let (dx, dy) = (model_min[0] - g.head[0], model_min[1] - g.head[1]);
            let n = dx.hypot(dy);
            let dash = m.px(DASH_CSS);
            let mut s = 0.0;
            while s < n {
                let e = (s + dash).min(n);
                let piece = to_backend(&[
                    [g.head[0] + dx * s / n, g.head[1] + dy * s / n],
                    [g.head[0] + dx * e / n, g.head[1] + dy * e / n],
                ]);
                if piece.len() == 2 {
                    area.draw(&PathElement::new(piece, stroke(glyph.color, m.stroke(1.5))))?;
                }
                s += 2.0 * dash;
            }
            ring(area, model_min, RING_CSS, glyph.color, 2.0, &m)?;
        }
        let head = |_| [m.px(HEAD_LENGTH_CSS), m.px(HEAD_HALF_WIDTH_CSS)];
        if let Some(tip) = g.descent_tip {
            arrow(area, [g.head, tip], INK, 2.0, head, &m)?;
        }
        arrow(area, [g.head, g.step_tip], glyph.color, 2.0, head, &m)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::View;
    use crate::race::Race;
    use crate::render::PlotRect;
    use crate::spec::RunSpec;

    fn angle(a: [f64; 2], b: [f64; 2]) -> f64 {
        ((a[0] * b[0] + a[1] * b[1]) / (a[0].hypot(a[1]) * b[0].hypot(b[1])))
            .clamp(-1.0, 1.0)
            .acos()
            .to_degrees()
    }

    #[test]
    fn the_arrows_show_the_inspectors_angle_and_the_ring_its_alpha_star() {
        // Adam in Rosenbrock's valley after 300 steps: its step turns away from −∇f, and the
        // model along the step is lowest far ahead.
        let spec = RunSpec::parse(r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam", "lr": 0.05}, {"name": "sgd", "lr": 0.001}]}"#).unwrap();
        let mut race = Race::new(&spec);
        for r in &mut race.racers {
            r.advance(&race.objective, 300, |_, _, _| {});
        }
        let mapping = Mapping::fit(
            PlotRect {
                x: 40,
                y: 20,
                width: 800,
                height: 800,
            },
            View::new(-2.0, 2.0, -1.0, 3.0),
        );
        for (i, dpr) in [(0, 1.0), (1, 2.0)] {
            let r = &race.racers[i];
            let model = r.step_model(&race.objective).unwrap();
            let glyph = StepGlyph {
                color: RGBColor(1, 2, 3),
                head: r.position,
                model,
            };
            let g = geometry(&mapping, &glyph, dpr).unwrap();
            let (step, descent) = (
                [g.step_tip[0] - g.head[0], g.step_tip[1] - g.head[1]],
                g.descent_tip
                    .map(|t| [t[0] - g.head[0], t[1] - g.head[1]])
                    .unwrap(),
            );
            for v in [step, descent] {
                assert!((v[0].hypot(v[1]) - ARROW_CSS * dpr).abs() < 1e-9, "{v:?}");
            }
            assert!(
                (angle(step, descent) - model.angle_to_descent.unwrap()).abs() < 1e-6,
                "{} vs {model:?}",
                angle(step, descent)
            );
            // The ring: the head plus alpha* - 1 steps further along the step, in pixels.
            if let (Some(ring), Some(a)) = (g.model_min, model.alpha_star) {
                let p = mapping.to_px([
                    r.position[0] + (a - 1.0) * model.step[0],
                    r.position[1] + (a - 1.0) * model.step[1],
                ]);
                assert!(
                    (ring[0] - p[0]).abs() < 1e-6 && (ring[1] - p[1]).abs() < 1e-6,
                    "{ring:?} vs {p:?}"
                );
                assert!(
                    angle([ring[0] - g.head[0], ring[1] - g.head[1]], step) < 1e-3,
                    "the ring lies along the step"
                );
            }
        }
        let adam = race.racers[0].step_model(&race.objective).unwrap();
        assert!(
            adam.angle_to_descent.unwrap() > 1.0 && adam.alpha_star.unwrap() > 10.0,
            "{adam:?}"
        );
        // Off the plot, nothing.
        let far = StepGlyph {
            color: RGBColor(1, 2, 3),
            head: [50.0, 50.0],
            model: adam,
        };
        assert_eq!(geometry(&mapping, &far, 1.0), None);

        // Drawn: two arrow heads (the step's in the racer's colour, −∇f's in ink), the ring,
        // dashes toward it; the glyph off the plot draws nothing.
        let mut svg = String::new();
        {
            use plotters::prelude::*;
            let area = SVGBackend::with_string(&mut svg, (900, 860)).into_drawing_area();
            let glyph = StepGlyph {
                color: RGBColor(0xcc, 0x33, 0x11),
                head: race.racers[0].position,
                model: adam,
            };
            draw_step_glyphs(&area, &mapping, &[glyph, far], 1.0).unwrap();
            area.present().unwrap();
        }
        assert_eq!(svg.matches("<polygon").count(), 2, "{svg}");
        assert_eq!(
            svg.matches("<polygon opacity=\"1\" fill=\"#CC3311\"")
                .count(),
            1,
            "{svg}"
        );
        assert_eq!(
            svg.matches("<polygon opacity=\"1\" fill=\"#222222\"")
                .count(),
            1,
            "{svg}"
        );
        assert_eq!(
            svg.matches("<circle").count(),
            2,
            "the ring over its casing: {svg}"
        );
        assert!(
            svg.matches("<polyline").count() >= 6,
            "shafts, casings and dashes: {svg}"
        );
    }
}
