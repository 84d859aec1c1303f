//! The classifier's projected view, live (linear model only): the loss surface on the plane of
//! [`crate::classify::projection`], sampled coarse to fine over frames and redrawn every few
//! while it fills, and each racer's projected weights, recorded every few steps in a bounded
//! [`Path`] and drawn on an overlay.
//!
//! Racers on another input factor are placed at their equivalent weights for the spec's input
//! (weights times `factor_racer / factor_spec`, biases kept: the same logits on every sample);
//! racers on another transform are not projected.

use super::{drawn, Clock, Layer};
use crate::classify::digits::{Digits, CLASSES, FEATURES};
use crate::classify::model::Architecture;
use crate::classify::projection::{Plane, Projection, Surface};
use crate::classify::train::{Input, TrainSpec, Trainer};
use crate::landscape::View;
use crate::render::classify::{
    draw_projected_background, draw_projected_racers, projected_rgba, surface_field, PlaneTrace,
};
use crate::render::layout::{Layout, Mapping};
use crate::trace::Path;
use plotters::style::RGBColor;
use serde::Serialize;

/// Points kept per projected path (then every other one is dropped, see [`Path`]).
const PATH_CAPACITY: usize = 1024;
/// Cells of the surface per CSS pixel of the plot, and the grid's bounds per side.
const CELL_CSS: f64 = 3.0;
const GRID_MIN: usize = 24;
const GRID_MAX: usize = 150;
/// While the surface fills, its picture is redrawn at most this often (ms).
const SURFACE_REDRAW_MS: f64 = 200.0;

/// What the plane and its surface were built for: a change of any of these makes a new plane.
#[derive(Clone, Copy, PartialEq)]
struct PlaneKey {
    model: Architecture,
    seed: u64,
    input: Input,
}

impl PlaneKey {
    fn of(spec: &TrainSpec) -> PlaneKey {
        PlaneKey {
            model: spec.model,
            seed: spec.seed,
            input: spec.input,
        }
    }
}

/// How a racer's weights are placed on the plane.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Placement {
    /// Trained on the spec's input: its own weights.
    Same,
    /// Trained on the spec's transform with another input factor: weights times their ratio.
    Rescaled(f64),
    /// Another transform: not projected.
    Other,
}

/// The projected view's progress, for the page.
#[derive(Serialize)]
pub struct ProjectionStatus<'a> {
    pub available: bool,
    /// Why there is no plane (the MLP, or an error).
    pub reason: Option<&'a str>,
    pub evaluated: usize,
    pub cells: usize,
    pub done: bool,
    pub grid: [usize; 2],
    /// Building the plane; the surface's wall-clock fill time once complete; the time spent
    /// evaluating cells (ms).
    pub plane_ms: f64,
    pub fill_ms: Option<f64>,
    pub compute_ms: f64,
    /// `|w_ref - w0|`, the plot's unit length in weight space.
    pub unit: Option<f64>,
    /// The sampled loss range.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Racers (indices) placed at equivalent weights, and racers not projected.
    pub rescaled: Vec<usize>,
    pub not_projected: Vec<usize>,
    /// The plotted view of the plane.
    pub view: Option<View>,
    /// The last redraw of the surface's picture and of the paths (ms).
    pub surface_draw_ms: f64,
    pub paths_draw_ms: f64,
}

impl ProjectionStatus<'_> {
    /// The view before it is attached to layers.
    pub fn detached() -> ProjectionStatus<'static> {
        ProjectionStatus {
            available: false,
            reason: Some("not attached"),
            evaluated: 0,
            cells: 0,
            done: false,
            grid: [0, 0],
            plane_ms: 0.0,
            fill_ms: None,
            compute_ms: 0.0,
            unit: None,
            min: None,
            max: None,
            rescaled: vec![],
            not_projected: vec![],
            view: None,
            surface_draw_ms: 0.0,
            paths_draw_ms: 0.0,
        }
    }
}

/// The projected view: its two layers (the surface, the paths on top), plane, surface, paths.
pub struct Projected<L> {
    pub surface_layer: L,
    pub paths_layer: L,
    key: Option<PlaneKey>,
    unavailable: Option<String>,
    plane: Option<Plane>,
    surface: Option<Surface>,
    /// Per learner: its placement, path and latest projection.
    placements: Vec<Placement>,
    paths: Vec<Path>,
    current: Vec<Option<Projection>>,
    scratch: Vec<f64>,
    rgba: Vec<u8>,
    /// Cells evaluated when the surface was last drawn, and when.
    drawn_cells: usize,
    drawn_at: f64,
    paths_stale: bool,
    plane_ms: f64,
    started: f64,
    fill_ms: Option<f64>,
    compute_ms: f64,
    surface_draw_ms: f64,
    paths_draw_ms: f64,
}

impl<L: Layer> Projected<L> {
    pub fn new(surface_layer: L, paths_layer: L) -> Projected<L> {
        Projected {
            surface_layer,
            paths_layer,
            key: None,
            unavailable: None,
            plane: None,
            surface: None,
            placements: Vec::new(),
            paths: Vec::new(),
            current: Vec::new(),
            scratch: Vec::new(),
            rgba: Vec::new(),
            drawn_cells: 0,
            drawn_at: f64::NEG_INFINITY,
            paths_stale: true,
            plane_ms: 0.0,
            started: 0.0,
            fill_ms: None,
            compute_ms: 0.0,
            surface_draw_ms: 0.0,
            paths_draw_ms: 0.0,
        }
    }

    /// Whether racers' weights are projected (there is a plane).
    pub fn recording(&self) -> bool {
        self.plane.is_some()
    }

    /// Racer `i`'s latest projection and how it is placed, when projected.
    pub fn of(&self, i: usize) -> Option<(Projection, Placement)> {
        Some((
            self.current.get(i).copied().flatten()?,
            *self.placements.get(i)?,
        ))
    }

    /// Both pictures are drawn again on the next [`Projected::fill`].
    pub fn redraw(&mut self) {
        self.drawn_at = f64::NEG_INFINITY;
        self.paths_stale = true;
    }

    /// Builds the plane (and forgets the surface) when the spec's model, seed or input changed,
    /// then starts the paths over.
    pub fn ensure_plane(&mut self, digits: &Digits, trainer: &Trainer, now: Clock) {
        let key = PlaneKey::of(&trainer.spec);
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        (self.surface, self.plane, self.fill_ms, self.compute_ms) = (None, None, None, 0.0);
        let t0 = now();
        match Plane::new(digits, &trainer.spec) {
            Ok(plane) => (self.plane, self.unavailable) = (Some(plane), None),
            Err(e) => self.unavailable = Some(e),
        }
        self.plane_ms = now() - t0;
        self.restart_paths(trainer);
    }

    /// Every racer's path back to its start (after a reset, a new race or a new plane).
    pub fn restart_paths(&mut self, trainer: &Trainer) {
        let spec = &trainer.spec;
        let n = trainer.learners.len();
        self.placements = (0..n)
            .map(|i| {
                let own = spec.input_of(i);
                if own == spec.input {
                    Placement::Same
                } else if own.transform == spec.input.transform {
                    Placement::Rescaled(own.factor / spec.input.factor)
                } else {
                    Placement::Other
                }
            })
            .collect();
        self.paths = (0..n).map(|_| Path::new(1e-4, PATH_CAPACITY)).collect();
        self.current = vec![None; n];
        self.paths_stale = true;
        (0..n).for_each(|i| self.record(i, trainer));
    }

    /// Projects learner `i`'s (equivalent) weights and appends them to its path.
    pub fn record(&mut self, i: usize, trainer: &Trainer) {
        let Some(plane) = &self.plane else { return };
        let weights = trainer.weights(i);
        if weights.len() != plane.w0.len() {
            return;
        }
        let projection = match self.placements.get(i) {
            Some(Placement::Same) => plane.project(weights),
            Some(&Placement::Rescaled(k)) => {
                // Logits W (k x) + b = (k W) x + b: scale the weights, keep the biases.
                self.scratch.clear();
                self.scratch.extend_from_slice(weights);
                self.scratch[..CLASSES * FEATURES]
                    .iter_mut()
                    .for_each(|w| *w *= k);
                plane.project(&self.scratch)
            }
            _ => return,
        };
        if projection.coords.iter().all(|c| c.is_finite()) && projection.distance.is_finite() {
            self.current[i] = Some(projection);
            self.paths[i].push(projection.coords);
            self.paths_stale = true;
        }
    }

    /// Samples the surface for up to `budget_ms`, redraws its picture when due, and the paths
    /// when they moved (`colors` and `diverged` per learner). Creates the surface for the
    /// layer's plot when there is none or the plot changed.
    pub fn fill(
        &mut self,
        budget_ms: f64,
        dpr: f64,
        colors: &[RGBColor],
        diverged: &[bool],
        now: Clock,
    ) -> Result<(), String> {
        let (w, h) = self.surface_layer.size();
        let layout = Layout::landscape(w, h, dpr);
        self.ensure_surface(layout, dpr, now);
        let Some(surface) = &mut self.surface else {
            // No plane (the MLP) or no room: both layers empty; the page says why.
            self.surface_layer.clear();
            self.paths_layer.clear();
            return Ok(());
        };
        let t0 = now();
        while !surface.done() && now() - t0 < budget_ms {
            surface.advance(4);
        }
        let t1 = now();
        self.compute_ms += t1 - t0;
        if surface.done() && self.fill_ms.is_none() {
            self.fill_ms = Some(t1 - self.started);
        }
        let mapping = Mapping::new(layout.plot, surface.view());
        let fresh = surface.evaluated() != self.drawn_cells;
        if self.drawn_at == f64::NEG_INFINITY
            || (fresh && (surface.done() || t1 - self.drawn_at >= SURFACE_REDRAW_MS))
        {
            self.draw_surface(&mapping, dpr)?;
            self.surface_draw_ms = now() - t1;
            self.drawn_at = t1;
        }
        if self.paths_stale {
            let t2 = now();
            self.draw_paths(&mapping, dpr, colors, diverged)?;
            self.paths_draw_ms = now() - t2;
        }
        Ok(())
    }

    /// A new surface for the plot of `layout` when there is a plane and room, and the surface
    /// there is none or is for a view more than 2 % away.
    fn ensure_surface(&mut self, layout: Layout, dpr: f64, now: Clock) {
        let fitted = Mapping::fit(layout.plot, Plane::default_view());
        let usable = layout.plot.width >= 8 && layout.plot.height >= 8;
        let (Some(plane), true) = (&self.plane, usable) else {
            return;
        };
        let far = |a: View, b: View| {
            let span = (b.x[1] - b.x[0]).max(b.y[1] - b.y[0]);
            (0..2).any(|k| {
                (a.x[k] - b.x[k]).abs() > 0.02 * span || (a.y[k] - b.y[k]).abs() > 0.02 * span
            })
        };
        if self
            .surface
            .as_ref()
            .is_none_or(|s| far(s.view(), fitted.view))
        {
            let cells =
                |px: u32| ((px as f64 / dpr / CELL_CSS).round() as usize).clamp(GRID_MIN, GRID_MAX);
            self.surface = Some(Surface::new(
                plane.clone(),
                fitted.view,
                cells(layout.plot.width),
                cells(layout.plot.height),
            ));
            (
                self.started,
                self.fill_ms,
                self.compute_ms,
                self.drawn_cells,
                self.drawn_at,
            ) = (now(), None, 0.0, 0, f64::NEG_INFINITY);
        }
    }

    fn draw_surface(&mut self, mapping: &Mapping, dpr: f64) -> Result<(), String> {
        let Some(surface) = &self.surface else {
            return Ok(());
        };
        self.drawn_cells = surface.evaluated();
        let (gw, gh) = surface.size();
        let field = surface_field(surface.view(), gw, gh, surface.values());
        let layer = &self.surface_layer;
        layer.fill_white();
        projected_rgba(&field, mapping, &mut self.rgba);
        layer.put_rgba(
            &self.rgba,
            mapping.plot.width,
            mapping.plot.height,
            mapping.plot.x as f64,
            mapping.plot.y as f64,
        )?;
        drawn(draw_projected_background(
            layer.area(),
            mapping,
            &field,
            dpr,
        ))?;
        layer.present()
    }

    fn draw_paths(
        &mut self,
        mapping: &Mapping,
        dpr: f64,
        colors: &[RGBColor],
        diverged: &[bool],
    ) -> Result<(), String> {
        self.paths_stale = false;
        self.paths_layer.clear();
        let points: Vec<Vec<[f64; 2]>> = self
            .paths
            .iter()
            .map(|path| path.points().collect())
            .collect();
        let racers: Vec<PlaneTrace> = (0..points.len().min(colors.len()))
            .filter(|&i| {
                self.placements
                    .get(i)
                    .is_some_and(|x| *x != Placement::Other)
            })
            .map(|i| PlaneTrace {
                color: colors[i],
                points: &points[i],
                diverged: diverged.get(i).copied().unwrap_or(false),
            })
            .collect();
        drawn(draw_projected_racers(
            self.paths_layer.area(),
            mapping,
            &racers,
            dpr,
        ))?;
        self.paths_layer.present()
    }

    /// The view's progress.
    pub fn status(&self) -> ProjectionStatus<'_> {
        let (evaluated, cells, done, grid) = match &self.surface {
            Some(s) => (
                s.evaluated(),
                s.size().0 * s.size().1,
                s.done(),
                [s.size().0, s.size().1],
            ),
            None => (0, 0, false, [0, 0]),
        };
        let finite = || {
            self.surface
                .iter()
                .flat_map(|s| s.values().iter().copied())
                .filter(|v| v.is_finite())
        };
        let pick = |want: fn(&Placement) -> bool| {
            self.placements
                .iter()
                .enumerate()
                .filter(|(_, x)| want(x))
                .map(|(i, _)| i)
                .collect()
        };
        ProjectionStatus {
            available: self.plane.is_some(),
            reason: self.unavailable.as_deref(),
            evaluated,
            cells,
            done,
            grid,
            plane_ms: self.plane_ms,
            fill_ms: self.fill_ms,
            compute_ms: self.compute_ms,
            unit: self.plane.as_ref().map(|pl| pl.unit),
            min: finite().reduce(f64::min),
            max: finite().reduce(f64::max),
            rescaled: pick(|x| matches!(x, Placement::Rescaled(_))),
            not_projected: pick(|x| *x == Placement::Other),
            view: self.surface.as_ref().map(|s| s.view()),
            surface_draw_ms: self.surface_draw_ms,
            paths_draw_ms: self.paths_draw_ms,
        }
    }
}
