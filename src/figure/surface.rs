//! `optiscape plot --3d [--yaw D] [--pitch D] [--at K]`: the landscape as a shaded surface with
//! every racer's path riding on it up to step K, and under it the legend of `plot`'s figure.
//! SVG or PNG.

use super::{
    check_size, draw_legend, landscape_width, png, step_at, with_image, Format, DPR, LINE, WIDE,
};
use crate::export::raster::Raster;
use crate::race::{run_race, Race, RunResult};
use crate::render::scene::DrawResult;
use crate::render::surface::{draw_surface_layers, Layers, Surface, SurfacePath, Turn, GRID};
use crate::render::{colormap, Field, Layout, Mapping};
use crate::spec::RunSpec;
use crate::text::{self, Standing};
use crate::trace::TrailingMean;
use plotters::backend::SVGBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::{DrawingBackend, IntoDrawingArea};
use plotters::style::{RGBColor, WHITE};

/// The surface of `spec`'s landscape over its view, its racers raced to step `at` (the spec's
/// `steps` when None), turned as `turn` says, in a `width x height` chart with the legend under
/// it.
pub fn surface_figure(
    spec: &RunSpec,
    at: Option<u64>,
    turn: Turn,
    width: u32,
    height: u32,
    format: Format,
) -> Result<Vec<u8>, String> {
    check_size(width, height)?;
    let at = step_at(spec, at)?;
    let mut race = Race::new(spec);
    let result = run_race(&mut race, at);
    let view = spec.view.unwrap_or(race.default_view);
    // The levels `plot` would choose for this view at this size: the surface's heights and
    // colours then follow the same scale as the contour plot of the race.
    let left = if width >= WIDE {
        landscape_width(width, height, view)
    } else {
        width
    };
    let contours = Field::for_mapping(
        &race.objective,
        &Mapping::fit(Layout::landscape(left, height, DPR).plot, view),
        &race.marks,
    );
    let surface = Surface::with_levels(&race.objective, view, contours.levels, GRID);
    let colors = super::racer_colors(spec);
    let entries = legend_entries(spec, &race, &result);
    // Two columns where the widest line fits one (as draw_legend lays them out: margins
    // of 24 px, the swatch and its gap 38 px).
    let widest = entries
        .iter()
        .map(|e| crate::export::raster::text_width(e, super::Metrics::new(DPR).font()))
        .fold(0.0, f64::max);
    let columns = if width >= WIDE && 38.0 + widest <= (width as f64 - 48.0) / 2.0 {
        2
    } else {
        1
    };
    let legend = (LINE * ((1 + result.racers.len().div_ceil(columns)) as f64 + 1.5)).round() as u32;
    let scene = Scene {
        spec,
        race: &race,
        surface: &surface,
        colors: &colors,
        turn,
        columns,
        at,
        entries,
        result: &result,
    };
    let size = (width, height + legend);
    let failed = |e: String| format!("cannot draw the figure: {e}");
    match format {
        Format::Svg => {
            // The surface, its paths and the axes' lines as one picture; the text as text.
            let mut raster = Raster::new(width, height);
            {
                let root = raster.backend().into_drawing_area();
                draw_chart(&root, &scene, Layers::Shapes).map_err(|e| failed(e.to_string()))?;
            }
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
                root.fill(&WHITE).map_err(|e| failed(e.to_string()))?;
                let (chart, legend) = root.split_vertically(height);
                draw_chart(&chart, &scene, Layers::Text).map_err(|e| failed(e.to_string()))?;
                draw_key(&legend, &scene).map_err(|e| failed(e.to_string()))?;
                root.present().map_err(|e| failed(e.to_string()))?;
            }
            Ok(with_image(&svg, [0, 0], raster.width, raster.height, &raster.rgba)?.into_bytes())
        }
        Format::Png => {
            let mut raster = Raster::new(size.0, size.1);
            {
                let root = raster.backend().into_drawing_area();
                let (chart, legend) = root.split_vertically(height);
                draw_chart(&chart, &scene, Layers::All).map_err(|e| failed(e.to_string()))?;
                draw_key(&legend, &scene).map_err(|e| failed(e.to_string()))?;
            }
            Ok(png(raster.width, raster.height, &raster.rgba))
        }
    }
}

struct Scene<'a> {
    spec: &'a RunSpec,
    race: &'a Race,
    result: &'a RunResult,
    surface: &'a Surface,
    colors: &'a [RGBColor],
    turn: Turn,
    columns: usize,
    at: u64,
    entries: Vec<String>,
}

/// The surface with every path.
fn draw_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Scene,
    layers: Layers,
) -> DrawResult<DB> {
    let paths: Vec<SurfacePath> = s
        .result
        .racers
        .iter()
        .zip(s.colors)
        .zip(colormap::dashes(s.colors))
        .map(|((r, &color), dash)| SurfacePath {
            color,
            points: &r.trajectory,
            losses: &r.loss,
            dash,
        })
        .collect();
    let start = s.race.start;
    draw_surface_layers(
        area,
        s.surface,
        &paths,
        Some((start, s.race.objective.value(start))),
        s.turn,
        DPR,
        layers,
        false,
    )
}

/// The legend under it: the caption (the step shown when it is not the last), each racer's line.
fn draw_key<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &Scene) -> DrawResult<DB> {
    let caption = text::caption(s.spec, s.race.start, s.at, None);
    draw_legend(area, &caption, &s.entries, s.colors, s.columns)
}

/// Each racer's legend line as `plot`'s figure gives it (with noisy gradients, its mean loss
/// over the latest tenth of the steps).
fn legend_entries(spec: &RunSpec, race: &Race, result: &RunResult) -> Vec<String> {
    let noisy = !race.objective.noise.is_none();
    spec.racers
        .iter()
        .zip(&result.racers)
        .map(|(s, r)| {
            let mut mean = TrailingMean::default();
            let m = noisy
                .then(|| r.loss.iter().map(|&l| mean.push(l)).last())
                .flatten();
            text::legend_line(s, &Standing::of_result(r, m))
        })
        .collect()
}
