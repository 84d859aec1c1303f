//! What a [`Scene`] draws: the landscape (sharp at once when that fits a frame, else coarse,
//! then refined a few rows per frame), and every frame the new pieces of each trail, the heads
//! and the loss chart, appended to until its axes must grow.

use super::scene::Scene;
use super::trail::Trail;
use super::{drawn, Layer};
use crate::landscape::Point;
use crate::race::Status;
use crate::render::colormap::{self, Dash};
use crate::render::field::{known_minimum, Sampler};
use crate::render::loss::{
    draw_loss_axes_of, loss_marks, loss_series, LossAxes, LossMark, LossSeries, XAxis,
};
use crate::render::racers::{
    draw_heads, exit_point, head_boxes, trail_strokes, Casings, Head, Pen, RacerTrace,
};
use crate::render::step_glyph::{draw_step_glyphs, StepGlyph};
use crate::render::sweep::{draw_sweep, SweepSeries};
use crate::render::{scene, Field, Layout, Mapping};
use plotters::element::Circle;
use plotters::style::{Color, RGBColor};

/// A landscape whose sampling would take longer than this is drawn coarse first (one sample per
/// `COARSE_STEP` x `COARSE_STEP` pixels), then refined `REFINE_ROWS` rows at a time.
const BACKGROUND_BUDGET_MS: f64 = 40.0;
/// The very first landscape has a tighter budget: the page shows up at once (the wasm still
/// runs its baseline code then) and the landscape sharpens in the next frames.
const FIRST_BACKGROUND_BUDGET_MS: f64 = 5.0;
/// A pan or zoom never waits for a sharp landscape: sharper than coarse at once only when that
/// fits in this part of a frame.
pub(super) const VIEW_BACKGROUND_BUDGET_MS: f64 = 6.0;
const COARSE_STEP: u32 = 4;
/// At most about this many samples in a coarse landscape: a projector's 3840 x 2160 plot is
/// sampled a dozen pixels apart at first, as fast as an 800 x 800 one four apart.
const COARSE_SAMPLES: f64 = 65_536.0;
/// At most about this many samples in the coarse landscape of a pan or zoom on a large plot,
/// drawn again every frame while the view moves (and refined once it rests): a 3840 x 2160 plot
/// sampled about twenty pixels apart instead of eleven, a quarter of the sampling, iso-lines and
/// colouring of [`COARSE_SAMPLES`].
pub(super) const VIEW_COARSE_SAMPLES: f64 = 16_384.0;
const REFINE_ROWS: usize = 4;

impl<L: Layer> Scene<L> {
    /// Data to device pixels on the landscape layers (they share one size).
    pub fn mapping(&self) -> Mapping {
        let (w, h) = self.layers.background.size();
        Mapping::fit(Layout::landscape(w, h, self.ink()).plot, self.view)
    }

    /// Data coordinates of a CSS-pixel position on the plot, or None outside it.
    pub fn data_at(&self, css_x: f64, css_y: f64) -> Option<Point> {
        let mapping = self.mapping();
        let px = [css_x * self.dpr, css_y * self.dpr];
        (px[0].is_finite() && px[1].is_finite() && mapping.plot.contains(px))
            .then(|| mapping.to_data(px))
    }

    /// Racer `i`'s colour: its own, or the palette's.
    pub fn color(&self, i: usize) -> &str {
        let palette = colormap::PALETTE;
        self.race.racers[i]
            .spec
            .color
            .as_deref()
            .unwrap_or(palette[i % palette.len()])
    }

    /// Every racer's colour, for drawing.
    pub(super) fn colors(&self) -> Vec<RGBColor> {
        (0..self.race.racers.len())
            .map(|i| colormap::parse_hex(self.color(i)).unwrap_or(scene::INK))
            .collect()
    }

    /// Every racer's dash pattern: racers of one colour are told apart by it.
    pub fn dashes(&self) -> Vec<Dash> {
        colormap::dashes(&self.colors())
    }

    /// The landscape: sampled at every plot pixel when that fits in a frame; else sampled
    /// coarse and drawn at once, then refined a few rows per frame ([`Scene::refine`]).
    pub(super) fn draw_background(&mut self) -> Result<(), String> {
        let budget = if self.drew_background {
            BACKGROUND_BUDGET_MS
        } else {
            FIRST_BACKGROUND_BUDGET_MS
        };
        self.draw_background_within(budget, COARSE_SAMPLES)
    }

    /// [`Scene::draw_background`], sharp at once only when that is estimated to take at most
    /// `budget` milliseconds, else coarse with about `samples` samples at most.
    pub(super) fn draw_background_within(
        &mut self,
        budget: f64,
        samples: f64,
    ) -> Result<(), String> {
        let t0 = (self.now)();
        self.refining = None;
        let mapping = self.mapping();
        if mapping.plot.width < 2 || mapping.plot.height < 2 {
            return self.paint_background(&mapping, None, 1);
        }
        let (objective, marks) = (&self.race.objective, &self.race.marks);
        let step = coarse_step(&mapping, samples);
        let coarse = Field::for_mapping_at(objective, &mapping, marks, step);
        let estimate = ((self.now)() - t0) * (step * step) as f64;
        self.drew_background = true;
        if estimate <= budget {
            let field = Field::for_mapping(objective, &mapping, marks);
            self.paint_background(&mapping, Some(&field), 1)?;
        } else {
            self.refining = Some(Sampler::new(objective, &mapping, marks));
            self.paint_background(&mapping, Some(&coarse), step)?;
        }
        self.timings.background_ms = (self.now)() - t0;
        Ok(())
    }

    /// Whether the landscape is still being refined, or the trails are shown moved after a
    /// pan (call [`Scene::refine`] on every frame without one).
    pub fn refining(&self) -> bool {
        self.refining.is_some() || self.trails_moved
    }

    /// Draws trails shown moved exactly at the view, then refines a coarse landscape for about
    /// `budget_ms`; draws it sharp once every row is sampled. Returns whether refining goes on.
    pub fn refine(&mut self, budget_ms: f64) -> Result<bool, String> {
        let t0 = (self.now)();
        self.settle_trails()?;
        let Some(sampler) = self.refining.as_mut() else {
            return Ok(false);
        };
        let field = loop {
            if let Some(field) = sampler.advance(&self.race.objective, REFINE_ROWS) {
                break Some(field);
            }
            if (self.now)() - t0 >= budget_ms {
                break None;
            }
        };
        if let Some(field) = field {
            self.refining = None;
            let mapping = self.mapping();
            self.paint_background(&mapping, Some(&field), 1)?;
        }
        Ok(self.refining.is_some())
    }

    /// White around the plot, the banded fill over it (one image covering the plot, scaled up
    /// by `step` when sampled coarse), then axes, iso-lines and marks through plotters.
    fn paint_background(
        &self,
        mapping: &Mapping,
        field: Option<&Field>,
        step: u32,
    ) -> Result<(), String> {
        let layer = &self.layers.background;
        // The fill covers the whole plot: sampled at every pixel, or scaled up from a grid
        // that reaches past its right and bottom edges.
        let Some(field) = field else {
            layer.fill_white();
            return Ok(());
        };
        layer.fill_white_around(mapping.plot);
        let p = mapping.plot;
        let (x, y) = (p.x as f64, p.y as f64);
        let (w, h) = (field.width as u32, field.height as u32);
        if step > 1 {
            layer.put_rgba_scaled(&field.rgba(), w, h, (x, y), step as f64, p)?;
        } else {
            layer.put_rgba(&field.rgba(), w, h, x, y)?;
        }
        let input = scene::BackgroundInput {
            mapping: *mapping,
            field,
            marks: &self.race.marks,
            dpr: self.ink(),
        };
        drawn(scene::draw_background(layer.area(), &input))?;
        layer.present()
    }

    /// The racers: new trail pieces (every path again when stale), the heads, the loss chart.
    pub(super) fn draw_frame(&mut self) -> Result<(), String> {
        let t0 = (self.now)();
        self.draw_trails()?;
        self.draw_heads()?;
        let t1 = (self.now)();
        self.timings.overlay_ms = t1 - t0;
        self.draw_loss()?;
        self.timings.loss_ms = (self.now)() - t1;
        Ok(())
    }

    /// New trail pieces, or every path again when stale (in the pixels the layers were drawn
    /// for while they are shown moved: see [`super::pan`]).
    pub(super) fn draw_trails(&mut self) -> Result<(), String> {
        let stale = std::mem::take(&mut self.trails_stale);
        let (mapping, colors) = (self.trails_mapping(stale), self.colors());
        let (area, casing_area) = (&self.layers.trails, &self.layers.casings);
        if stale {
            area.clear();
            casing_area.clear();
        }
        let whole: Vec<Vec<Point>> = if stale {
            self.trails
                .iter()
                .map(|t| t.path.points().collect())
                .collect()
        } else {
            Vec::new()
        };
        let mut pens: Vec<Pen> = self
            .trails
            .iter_mut()
            .map(|t| {
                if stale {
                    Pen::default()
                } else {
                    std::mem::take(&mut t.pen)
                }
            })
            .collect();
        let dashes = colormap::dashes(&colors);
        let traces: Vec<RacerTrace> = (self.trails.iter().enumerate())
            .map(|(i, t)| RacerTrace {
                color: colors[i],
                points: if stale { &whole[i] } else { &t.fresh },
                diverged: false,
                dash: dashes[i],
            })
            .collect();
        let (under, over) =
            trail_strokes(Casings::OwnLayer, &mapping, &traces, &mut pens, self.ink());
        drop(traces);
        for (t, pen) in self.trails.iter_mut().zip(pens) {
            t.pen = pen;
            t.fresh.clear();
        }
        under.iter().try_for_each(|s| casing_area.stroke(s))?;
        over.iter().try_for_each(|s| area.stroke(s))?;
        casing_area.present()?;
        area.present()
    }

    /// The heads, the start and the inspected racers' last steps, on the overlay: only last
    /// frame's head boxes are erased, unless step glyphs (which reach across the plot) were or
    /// will be drawn.
    pub(super) fn draw_heads(&mut self) -> Result<(), String> {
        let (mapping, colors) = (self.mapping(), self.colors());
        let heads: Vec<Head> = (self.race.racers.iter().zip(&self.trails).enumerate())
            .map(|(i, (r, t))| head(r.status(), t, colors[i], &mapping))
            .collect();
        let glyphs: Vec<StepGlyph> = (self.inspected.iter())
            .filter_map(|&i| {
                let r = self
                    .race
                    .racers
                    .get(i)
                    .filter(|r| r.status() == Status::Ok)?;
                let model = r.step_model(&self.race.objective)?;
                Some(StepGlyph {
                    color: colors[i],
                    head: r.position,
                    model,
                })
            })
            .collect();
        let overlay = &self.layers.overlay;
        let boxes = head_boxes(&mapping, Some(self.race.start), &heads, self.ink());
        if self.glyphs_drawn || !glyphs.is_empty() {
            overlay.clear();
        } else {
            self.head_boxes.iter().for_each(|&b| overlay.clear_rect(b));
        }
        self.head_boxes = boxes;
        self.glyphs_drawn = !glyphs.is_empty();
        drawn(draw_step_glyphs(
            overlay.area(),
            &mapping,
            &glyphs,
            self.ink(),
        ))?;
        drawn(draw_heads(
            overlay.area(),
            &mapping,
            Some(self.race.start),
            &heads,
            self.ink(),
        ))?;
        overlay.present()
    }

    /// A loss chart started over on `layer`: white, then axes with room to grow for `series`
    /// (the live chart's, at `layer`'s size).
    fn new_loss_axes(&self, layer: &L, series: &[LossSeries]) -> Result<LossAxes, String> {
        let reference = known_minimum(&self.race.objective, &self.race.marks);
        let (w, h) = layer.size();
        // Evaluations have no horizon known before the race: the axis grows as they come.
        let horizon = match self.spec.loss_x {
            XAxis::Steps => self.spec.steps as f64,
            XAxis::Evaluations => f64::INFINITY,
        };
        let ink = self.dpr * super::scene::loss_room(self.room, f64::from(h) / self.dpr);
        let axes = LossAxes::live(w, h, ink, series, reference, horizon);
        layer.fill_white();
        drawn(draw_loss_axes_of(layer.area(), &axes, self.spec.loss_x))?;
        Ok(axes)
    }

    /// Appends the new loss samples while the axes hold them; else draws the chart again on
    /// axes with room to grow.
    fn draw_loss(&mut self) -> Result<(), String> {
        let holds = self.loss_axes.is_some_and(|a| {
            self.trails
                .iter()
                .flat_map(Trail::loss_traces)
                .all(|t| a.holds(&t.fresh))
        });
        let pieces: Vec<Vec<Vec<(f64, f64)>>> = self
            .trails
            .iter()
            .map(|t| t.loss_traces().map(|trace| trace.piece(holds)).collect())
            .collect();
        let colors = self.colors();
        let series = loss_series(&pieces, &colors);
        let axes = match self.loss_axes.filter(|_| holds) {
            Some(axes) => axes,
            None => self.new_loss_axes(&self.layers.loss, &series)?,
        };
        draw_loss_marks(&self.layers.loss, &loss_marks(&axes, &series, !holds))?;
        self.loss_axes = Some(axes);
        for (t, traces) in self.trails.iter_mut().zip(&pieces) {
            t.loss_traces_mut()
                .zip(traces)
                .for_each(|(trace, piece)| trace.drawn(piece));
        }
        self.layers.loss.present()
    }

    /// The whole loss chart on `layer`, on the axes the live chart would take at its size (the
    /// saved image puts it beside the landscape).
    pub fn draw_loss_on(&self, layer: &L) -> Result<(), String> {
        let curves: Vec<Vec<Vec<(f64, f64)>>> = self
            .trails
            .iter()
            .map(|t| {
                t.loss_traces()
                    .map(|trace| trace.curve.samples().collect())
                    .collect()
            })
            .collect();
        let series = loss_series(&curves, &self.colors());
        let axes = self.new_loss_axes(layer, &series)?;
        draw_loss_marks(layer, &loss_marks(&axes, &series, true))?;
        layer.present()
    }

    /// The sweep chart, as far as the sweeps have run, on `layer`.
    pub fn draw_sweep_on(&self, layer: &L) -> Result<(), String> {
        layer.fill_white();
        let series: Vec<SweepSeries> = (self.trails.iter().zip(self.colors()))
            .map(|(t, color)| SweepSeries {
                color,
                points: &t.sweep.points,
                lr: t.sweep.lr,
            })
            .collect();
        let reference = known_minimum(&self.race.objective, &self.race.marks);
        drawn(draw_sweep(layer.area(), &series, reference, self.ink()))?;
        layer.present()
    }
}

/// The loss chart's lines on `layer`, each series' in one stroke, and its dots.
fn draw_loss_marks<L: Layer>(layer: &L, marks: &[LossMark]) -> Result<(), String> {
    marks.iter().try_for_each(|mark| match mark {
        LossMark::Line(s) => layer.stroke(s),
        &LossMark::Dot(c, r, color) => drawn(layer.area().draw(&Circle::new(c, r, color.filled()))),
    })
}

/// A racer's head: its latest point, and where its path leaves the plot when it diverged out of
/// sight.
fn head(status: Status, t: &Trail, color: RGBColor, mapping: &Mapping) -> Head {
    let diverged = status == Status::Diverged;
    let at = t.path.points().last();
    let out_of_sight = at.is_some_and(|p| !mapping.plot.contains(mapping.to_px(p)));
    let exit = if diverged && out_of_sight {
        exit_point(mapping, &t.path.points().collect::<Vec<Point>>())
    } else {
        None
    };
    Head {
        color,
        at,
        diverged,
        exit,
    }
}

/// Pixels between two samples of a coarse landscape: [`COARSE_STEP`] on a plot small enough for
/// it within [`COARSE_SAMPLES`] (a desk's plot keeps its coarse grain in a pan), else as many as
/// keep it within `samples`.
pub(super) fn coarse_step(mapping: &Mapping, samples: f64) -> u32 {
    let pixels = mapping.plot.width as f64 * mapping.plot.height as f64;
    let grid = |samples: f64| ((pixels / samples).sqrt().ceil() as u32).max(COARSE_STEP);
    match grid(COARSE_SAMPLES) {
        COARSE_STEP => COARSE_STEP,
        _ => grid(samples),
    }
}
