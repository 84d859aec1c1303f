//! The landscape as a shaded 3-D surface with every racer's path riding on it (the drawing of
//! `optiscape plot --3d`, [`crate::render::surface`]), on a canvas the size of the plot's,
//! redrawn as the page turns it and as the race goes on.
//!
//! A still picture's fine mesh is rasterized in wasm on a bitmap and handed to the canvas as
//! one image (one call, no seams between triangles), its text drawn on the canvas over it; a
//! coarse mesh, while the surface turns or the race runs, is drawn on the canvas directly,
//! which is faster for fewer triangles.

use super::canvas::Canvas;
use super::err;
use super::scene::Scene;
use crate::landscape::Point;
use crate::live::raster::Raster;
use crate::live::Layer;
use crate::render::colormap;
use crate::render::surface::{draw_surface_layers, Layers, Surface, SurfacePath, Turn, BOX_HEIGHT};
use plotters::style::WHITE;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// One racer's path as last drawn, with the loss at each point (kept: a path only grows
/// between two frames, and its losses need not be evaluated again).
#[derive(Default)]
struct PathCache {
    points: Vec<Point>,
    losses: Vec<f64>,
}

/// The 3-D view of a scene: its sampled surface (sampled again only when the landscape, the
/// view or the grid changed), its paths and the bitmap it is drawn on.
#[wasm_bindgen]
pub struct SurfaceView {
    surface: Option<(String, Surface)>,
    paths: Vec<PathCache>,
    raster: Option<Raster>,
}

impl Default for SurfaceView {
    fn default() -> SurfaceView {
        SurfaceView::new()
    }
}

#[wasm_bindgen]
impl SurfaceView {
    #[wasm_bindgen(constructor)]
    pub fn new() -> SurfaceView {
        SurfaceView {
            surface: None,
            paths: Vec::new(),
            raster: None,
        }
    }

    /// The note shown with this drawing in place of WebGL2's: why (the browser has none, or
    /// `lost` its context) and what it changes.
    pub fn note(lost: bool) -> String {
        crate::text::surface_fallback_note(lost)
    }

    /// The box's height in units of its floor's side (the page fits the drawing's room by it).
    pub fn box_height() -> f64 {
        BOX_HEIGHT
    }

    /// Draws `scene`'s landscape over its view as a surface on a `grid x grid` mesh (2 to 200),
    /// turned `yaw` degrees about the vertical and tilted `pitch` degrees (0: from the side, 90:
    /// from above), `zoom` times its fitted size, with every racer's path so far on it; fills
    /// `canvas` (sized by the page). `bitmap`: the triangles rasterized in wasm and put as one
    /// image (faster on a fine mesh: a still picture), else drawn on the canvas one by one
    /// (faster on a coarse one: while turning or racing).
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &mut self,
        scene: &Scene,
        canvas: HtmlCanvasElement,
        yaw: f64,
        pitch: f64,
        zoom: f64,
        grid: u32,
        bitmap: bool,
    ) -> Result<(), JsError> {
        let finite = |x: f64, d: f64| if x.is_finite() { x } else { d };
        let turn = Turn {
            yaw: finite(yaw, 20.0),
            pitch: finite(pitch, 45.0).clamp(0.0, 90.0),
            zoom: finite(zoom, 1.0).clamp(0.2, 5.0),
        };
        let grid = (grid as usize).clamp(2, 200);
        let live = &scene.live;
        let race = live.race();
        let view = live.view();
        let key = format!(
            "{}|{:?}|{grid}",
            serde_json::to_string(&live.spec().landscape).unwrap_or_default(),
            view
        );
        if self.surface.as_ref().is_none_or(|(k, _)| *k != key) {
            self.surface = Some((
                key,
                Surface::sample(&race.objective, view, &race.marks, grid),
            ));
        }
        let Some((_, surface)) = &self.surface else {
            return Ok(());
        };
        // Each path's points and their losses, only the new ones evaluated.
        let trails = live.trails();
        self.paths.resize_with(trails.len(), PathCache::default);
        for (cache, trail) in self.paths.iter_mut().zip(trails) {
            let points: Vec<Point> = trail.path.points().collect();
            let kept = cache
                .points
                .iter()
                .zip(&points)
                .take_while(|(a, b)| a == b)
                .count();
            cache.losses.truncate(kept);
            cache
                .losses
                .extend(points[kept..].iter().map(|&p| race.objective.value(p)));
            cache.points = points;
        }
        let colors: Vec<_> = (0..trails.len())
            .map(|i| colormap::parse_hex(live.color(i)).unwrap_or(crate::render::scene::INK))
            .collect();
        // Each racer's dash as on the plot and in the legend.
        let dashes = colormap::dashes(&colors);
        let paths: Vec<SurfacePath> = self
            .paths
            .iter()
            .zip(colors.iter().zip(dashes))
            .map(|(c, (&color, dash))| SurfacePath {
                color,
                points: &c.points,
                losses: &c.losses,
                dash,
            })
            .collect();
        let start = Some((race.start, race.objective.value(race.start)));

        let layer = Canvas::new(canvas)?;
        let (w, h) = layer.size();
        let dpr = live.ink();
        if !bitmap {
            // Straight onto the canvas: faster on a coarse mesh, each triangle outlined so
            // that the canvas's antialiasing leaves no seams.
            layer.fill_white_rect([0.0, 0.0, w as f64, h as f64]);
            draw_surface_layers(
                layer.area(),
                surface,
                &paths,
                start,
                turn,
                dpr,
                Layers::All,
                true,
            )
            .map_err(err)?;
            return layer.area().present().map_err(err);
        }
        if self.raster.as_ref().is_none_or(|r| r.size() != (w, h)) {
            self.raster = Some(Raster::new(w, h));
        }
        let raster = self.raster.as_ref().expect("made above");
        raster.area().fill(&WHITE).map_err(err)?;
        draw_surface_layers(
            raster.area(),
            surface,
            &paths,
            start,
            turn,
            dpr,
            Layers::Shapes,
            false,
        )
        .map_err(err)?;
        layer
            .put_rgba(&raster.pixels().rgba, w, h, 0.0, 0.0)
            .map_err(err)?;
        draw_surface_layers(
            layer.area(),
            surface,
            &paths,
            start,
            turn,
            dpr,
            Layers::Text,
            false,
        )
        .map_err(err)?;
        layer.area().present().map_err(err)
    }
}
