//! `optiscape plot --explain I [--at K]`: racer I's update from step K, drawn piece by piece at
//! its head over the landscape (every racer's path up to step K under it), and beside the plot
//! a panel listing each piece with its value and caption. SVG or PNG, for slides.

use super::{check_size, png, round_lines, step_at, with_fill, Format, DPR};
use crate::explanation::Explanation;
use crate::export::raster::Raster;
use crate::race::{run_race, Race, RunResult};
use crate::render::explain::{draw_explanation, draw_panel};
use crate::render::scene::DrawResult;
use crate::render::{draw_background, draw_racers, BackgroundInput, Field, Layout, Mapping};
use crate::spec::RunSpec;
use plotters::backend::SVGBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::{DrawingBackend, IntoDrawingArea};
use plotters::style::{RGBColor, WHITE};

/// The panel's share of the figure's width, and its narrowest and widest, in pixels.
const PANEL_SHARE: f64 = 0.36;
const PANEL_WIDTH: [f64; 2] = [300.0, 620.0];

/// Everything the figure draws, computed once for either format.
struct Scene {
    race: Race,
    result: RunResult,
    explanation: Explanation,
    colors: Vec<RGBColor>,
    mapping: Mapping,
    field: Field,
    left: u32,
}

/// Racer `racer` of `spec` explained at step `at` (the spec's `steps` when None), in a figure
/// `width x height` pixels.
pub fn explain_figure(
    spec: &RunSpec,
    racer: usize,
    at: Option<u64>,
    width: u32,
    height: u32,
    format: Format,
) -> Result<Vec<u8>, String> {
    check_size(width, height)?;
    if racer >= spec.racers.len() {
        return Err(format!(
            "plot: --explain {racer}: the spec has {} racers, numbered from 0",
            spec.racers.len()
        ));
    }
    let at = step_at(spec, at)?;
    let mut race = Race::new(spec);
    let result = run_race(&mut race, at);
    let explanation = race
        .explain(racer)
        .map_err(|e| format!("plot: --explain: {e}; explain a step before it with --at"))?;
    let colors = super::racer_colors(spec);
    let panel = (width as f64 * PANEL_SHARE)
        .clamp(PANEL_WIDTH[0], PANEL_WIDTH[1])
        .min(width as f64 / 2.0)
        .round() as u32;
    let left = width - panel;
    let view = spec.view.unwrap_or(race.default_view);
    let mapping = Mapping::fit(Layout::landscape(left, height, DPR).plot, view);
    let field = Field::for_mapping(&race.objective, &mapping, &race.marks);
    let scene = Scene {
        race,
        result,
        explanation,
        colors,
        mapping,
        field,
        left,
    };
    let failed = |e: String| format!("cannot draw the figure: {e}");
    match format {
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
                root.fill(&WHITE).map_err(|e| failed(e.to_string()))?;
                draw(&root, &scene).map_err(|e| failed(e.to_string()))?;
                root.present().map_err(|e| failed(e.to_string()))?;
            }
            Ok(round_lines(&with_fill(&svg, &scene.mapping, &scene.field)?).into_bytes())
        }
        Format::Png => {
            let mut raster = Raster::new(width, height);
            raster.put(
                scene.mapping.plot.x,
                scene.mapping.plot.y,
                scene.field.width,
                scene.field.height,
                &scene.field.rgba(),
            );
            {
                let root = raster.backend().into_drawing_area();
                draw(&root, &scene).map_err(|e| failed(e.to_string()))?;
            }
            Ok(png(raster.width, raster.height, &raster.rgba))
        }
    }
}

/// The landscape with every path and the explanation at its head, and the panel; the fill is
/// the caller's, under everything.
fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, s: &Scene) -> DrawResult<DB> {
    let (landscape, panel) = root.split_horizontally(s.left);
    draw_background(
        &landscape,
        &BackgroundInput {
            mapping: s.mapping,
            field: &s.field,
            marks: &s.race.marks,
            dpr: DPR,
        },
    )?;
    // The other racers faded, under the one explained.
    let explained = s.explanation.racer;
    let mut traces = super::traces(&s.result.racers, &s.colors);
    for (i, t) in traces.iter_mut().enumerate() {
        if i != explained {
            t.color = faded(t.color);
        }
    }
    let own = traces.remove(explained);
    traces.push(own);
    draw_racers(&landscape, &s.mapping, Some(s.race.start), &traces, DPR)?;
    let color = s.colors[explained];
    draw_explanation(
        &landscape,
        &s.mapping,
        &s.explanation,
        color,
        DPR,
        usize::MAX,
    )?;
    draw_panel(&panel, &s.mapping, &s.explanation, color, DPR)
}

/// A racer's colour halfway to white: the racers not explained stay in view but step back.
fn faded(c: RGBColor) -> RGBColor {
    let half = |x: u8| ((x as u16 + 255) / 2) as u8;
    RGBColor(half(c.0), half(c.1), half(c.2))
}
