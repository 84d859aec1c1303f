//! A landscape race as the page shows it: the race and its clock, each racer's trail, the view,
//! and the five layers it draws on (the drawing is in `draw.rs`, what the page reads back in
//! [`super::report`]).
//!
//! Layers of one size stacked in this order make the plot: the landscape, the trails' casings
//! (shown at `render::racers::CASING_LAYER_OPACITY`), the trails, the heads (on top); the loss
//! chart is apart. Nothing is drawn before [`Scene::resize`] gives the layers' size: the first
//! drawing is the full-size one.

use super::trail::{Trail, PATH_RESOLUTION};
use super::{dpr_of, Clock, Layer};
use crate::landscape::View;
use crate::race::{Applied, Race};
use crate::render::field::Sampler;
use crate::render::loss::LossAxes;
use crate::spec::{RunSpec, MAX_SPEED};
use crate::sweep;
use serde::Serialize;

/// Most milliseconds a change spends replaying the racers it restarted before it returns (a
/// race thousands of steps long replays at once); longer replays go on a frame at a time.
pub const APPLY_CATCH_UP_MS: f64 = 60.0;
/// Milliseconds of replay per frame while racers are behind the race's clock.
pub const FRAME_CATCH_UP_MS: f64 = 12.0;
/// The largest room scale: lines, markers and text at most this many times their desk size.
pub const MAX_ROOM: f64 = 3.0;
/// The room scale of presentation mode on a screen 1080 CSS px high: 2 CSS px trails become 4,
/// 14 px tick labels 28.
pub const PRESENT_ROOM: f64 = 2.0;

/// The room scale presentation mode draws at on a window of `css_width x css_height` at `dpr`:
/// text in proportion to the window's shorter side ([`PRESENT_ROOM`] from 1080 CSS px on, never
/// below the desk's), and trails at least 4 device pixels wide; a phone or a zoomed-in browser
/// keeps its desk sizes, which its device pixels already make wide enough.
pub fn present_room(css_width: f64, css_height: f64, dpr: f64) -> f64 {
    let side = css_width.min(css_height);
    let text = if side.is_finite() {
        side / 1080.0 * PRESENT_ROOM
    } else {
        1.0
    };
    let lines = 2.0 / dpr_of(dpr);
    text.max(lines).clamp(1.0, PRESENT_ROOM)
}

/// CSS pixels of a loss chart's height per unit of its room scale: presentation mode's inset,
/// about 300 px high at 1080p, keeps [`PRESENT_ROOM`] there (28 px tick labels).
pub const LOSS_CSS_PER_ROOM: f64 = 150.0;

/// The room scale a loss chart `css_height` high draws at in a scene drawn at `room`: `room`,
/// but no more than its height holds, so that a small inset's labels leave its curves room
/// (never below the desk's).
pub fn loss_room(room: f64, css_height: f64) -> f64 {
    let fits = if css_height.is_finite() {
        css_height / LOSS_CSS_PER_ROOM
    } else {
        room
    };
    room.min(fits).max(1.0)
}
/// Racer steps of replay between two looks at the clock.
const CATCH_UP_CHUNK: u64 = 2000;

/// The layers a scene draws on.
pub struct Layers<L> {
    /// The landscape: its fill, iso-lines, axes and marks.
    pub background: L,
    /// The trails' casings, shown translucent under the trails.
    pub casings: L,
    pub trails: L,
    /// The heads, the start and the inspected racers' last steps.
    pub overlay: L,
    /// The loss chart.
    pub loss: L,
}

impl<L: Layer> Layers<L> {
    fn refresh(&mut self) -> Result<(), String> {
        for layer in [
            &mut self.background,
            &mut self.casings,
            &mut self.trails,
            &mut self.overlay,
            &mut self.loss,
        ] {
            layer.refresh()?;
        }
        Ok(())
    }
}

/// Durations measured while drawing, in milliseconds, for the benchmarks.
#[derive(Serialize, Default, Clone, Copy, Debug)]
pub struct Timings {
    pub background_ms: f64,
    pub frame_ms: f64,
    /// Parts of the last frame: stepping, the overlay, the loss chart.
    pub step_ms: f64,
    pub overlay_ms: f64,
    pub loss_ms: f64,
}

/// A race in progress and the layers it draws on.
pub struct Scene<L: Layer> {
    pub(super) spec: RunSpec,
    pub(super) race: Race,
    pub(super) trails: Vec<Trail>,
    pub(super) view: View,
    pub(super) layers: Layers<L>,
    /// Where the heads were drawn on the overlay: the next frame clears only these boxes.
    pub(super) head_boxes: Vec<[f64; 4]>,
    /// Racers whose last step is drawn at their head ([`Scene::set_inspected`]).
    pub(super) inspected: Vec<usize>,
    /// Step glyphs are on the overlay: the next frame clears all of it.
    pub(super) glyphs_drawn: bool,
    pub(super) dpr: f64,
    /// How much larger than on a desk lines, markers and text are drawn ([`Scene::set_room`]).
    pub(super) room: f64,
    pub(super) timings: Timings,
    /// The trails layer must be cleared and every path drawn again.
    pub(super) trails_stale: bool,
    /// The loss chart's axes as drawn; None: draw it again.
    pub(super) loss_axes: Option<LossAxes>,
    /// The mapping the trail layers were drawn for ([`super::pan`]).
    pub(super) trails_at: Option<crate::render::Mapping>,
    /// The trail layers are shown moved to the view, to be drawn exactly once it rests.
    pub(super) trails_moved: bool,
    /// The full-resolution landscape being sampled while a coarse one is shown.
    pub(super) refining: Option<Sampler>,
    pub(super) drew_background: bool,
    pub(super) now: Clock,
    /// The racers "Tune" set, while the landscape and the sweeps' steps are as they were.
    pub(super) tuned: Vec<super::tune::Tuned>,
}

impl<L: Layer> Scene<L> {
    /// A race of `spec` at its start, to be drawn on `layers`; `now` tells the time budgets.
    pub fn new(spec: RunSpec, layers: Layers<L>, now: Clock) -> Scene<L> {
        let race = Race::new(&spec);
        let view = spec.view.unwrap_or(race.default_view);
        let mut scene = Scene {
            spec,
            race,
            trails: Vec::new(),
            view,
            layers,
            head_boxes: Vec::new(),
            inspected: Vec::new(),
            glyphs_drawn: false,
            dpr: 1.0,
            room: 1.0,
            timings: Timings::default(),
            trails_stale: true,
            trails_at: None,
            trails_moved: false,
            loss_axes: None,
            refining: None,
            drew_background: false,
            now,
            tuned: Vec::new(),
        };
        let (resolution, noisy, steps) = (
            scene.resolution(),
            scene.noisy(),
            sweep::horizon(scene.spec.steps),
        );
        scene.trails = scene
            .race
            .racers
            .iter()
            .map(|r| Trail::new(r, resolution, steps, noisy))
            .collect();
        scene
    }

    /// The race (its racers, clock, landscape).
    pub fn race(&self) -> &Race {
        &self.race
    }

    /// Each racer's trail, in the race's order.
    pub fn trails(&self) -> &[Trail] {
        &self.trails
    }

    /// The layers drawn on.
    pub fn layers(&self) -> &Layers<L> {
        &self.layers
    }

    pub fn timings(&self) -> Timings {
        self.timings
    }

    /// The visible rectangle.
    pub fn view(&self) -> View {
        self.view
    }

    /// The run spec, with the view as it is now.
    pub fn spec(&self) -> RunSpec {
        let mut spec = self.spec.clone();
        spec.view = Some(self.view);
        spec
    }

    /// Data units between kept path points.
    fn resolution(&self) -> f64 {
        let v = self.race.default_view;
        let (w, h) = (v.x[1] - v.x[0], v.y[1] - v.y[0]);
        (w * w + h * h).sqrt() * PATH_RESOLUTION
    }

    /// Whether the racers' gradients are noisy: the loss chart then draws trailing means too.
    pub(super) fn noisy(&self) -> bool {
        !self.race.objective.noise.is_none()
    }

    /// The next frame draws every path and the loss chart from scratch.
    pub(super) fn redraw_all_racers(&mut self) {
        self.trails_stale = true;
        self.loss_axes = None;
    }

    /// Applies a new spec. The race keeps its clock ([`Race::apply`]): racers whose settings
    /// changed, new ones, and all of them on a new landscape or start, are replayed up to it
    /// (for at most [`APPLY_CATCH_UP_MS`] here, then a frame at a time: see
    /// [`Scene::behind`]); the others keep their step and path. A stop step below the clock
    /// takes the race back to it. Labels and colours only redraw.
    pub fn set_spec(&mut self, spec: RunSpec) -> Result<(), String> {
        let sweep_steps = sweep::horizon(spec.steps);
        let horizon_changed = sweep_steps != sweep::horizon(self.spec.steps);
        let applied = self.race.apply(&spec);
        self.take_trails(
            &applied,
            horizon_changed.then_some(sweep_steps),
            sweep_steps,
        );
        if spec.loss_x != self.spec.loss_x {
            self.replay_all();
        }
        if applied.landscape || horizon_changed {
            self.tuned.clear();
        }
        let view = spec.view.unwrap_or(self.race.default_view);
        let view_changed = view != self.view;
        self.view = view;
        self.spec = spec;
        self.redraw_all_racers();
        if applied.landscape || view_changed {
            self.draw_background()?;
        }
        self.catch_up(APPLY_CATCH_UP_MS);
        self.draw_frame()
    }

    /// Takes `spec` as a fresh race: every racer at the start, the clock at 0.
    pub fn load(&mut self, spec: RunSpec) -> Result<(), String> {
        self.race.reset();
        for (r, trail) in self.race.racers.iter().zip(&mut self.trails) {
            trail.restart(r);
        }
        self.set_spec(spec)
    }

    /// Every racer back to the start with the clock kept, to be replayed up to it: their loss
    /// curves are recorded again (against another x axis).
    fn replay_all(&mut self) {
        let clock = self.race.clock;
        self.race.seek(0);
        self.race.clock = clock;
        for (r, trail) in self.race.racers.iter().zip(&mut self.trails) {
            trail.restart(r);
        }
    }

    /// The trails for the racers after `applied`: a kept racer's own (started over when the
    /// clock went back; with a new sweep when `new_sweeps` gives its steps), a new one for the
    /// others.
    fn take_trails(&mut self, applied: &Applied, new_sweeps: Option<u64>, sweep_steps: u64) {
        let (resolution, noisy) = (self.resolution(), self.noisy());
        let mut old: Vec<Option<Trail>> = std::mem::take(&mut self.trails)
            .into_iter()
            .map(Some)
            .collect();
        self.trails = self
            .race
            .racers
            .iter()
            .enumerate()
            .map(|(i, racer)| {
                match applied.kept[i].and_then(|j| old.get_mut(j).and_then(Option::take)) {
                    Some(mut t) => {
                        if applied.restarted(i) {
                            t.restart(racer);
                        }
                        if let Some(steps) = new_sweeps {
                            t.sweep = crate::sweep::Sweep::new(&racer.spec, steps);
                        }
                        t
                    }
                    None => Trail::new(racer, resolution, sweep_steps, noisy),
                }
            })
            .collect();
    }

    /// Replays the racers behind the clock for about `budget_ms`, recording their paths (drawn
    /// whole next frame); true once every racer is in step.
    pub(super) fn catch_up(&mut self, budget_ms: f64) -> bool {
        if self.race.in_step() {
            return true;
        }
        let t0 = (self.now)();
        self.redraw_all_racers();
        loop {
            let (trails, x) = (&mut self.trails, self.spec.loss_x);
            if self.race.catch_up_visits(CATCH_UP_CHUNK, |i, v| {
                trails[i].record(v.step, x_of(x, v), v.point, v.loss, false)
            }) {
                return true;
            }
            if (self.now)() - t0 >= budget_ms {
                return false;
            }
        }
    }

    /// The race's clock: the step every racer is at (or stopped before, or is replayed to).
    pub fn clock(&self) -> u64 {
        self.race.clock
    }

    /// How many racers are behind the clock, being replayed a frame at a time.
    pub fn behind(&self) -> usize {
        self.race.behind().count()
    }

    /// Replays every racer behind the clock now, however long it takes, and draws.
    pub fn settle(&mut self) -> Result<(), String> {
        self.catch_up(f64::INFINITY);
        self.draw_frame()
    }

    /// Sets the race's clock to `step` (at most the stop step): going back replays every racer
    /// from the start. Replays for at most [`APPLY_CATCH_UP_MS`]; the rest follows a frame at
    /// a time. Returns whether every racer is there.
    pub fn seek(&mut self, step: u64) -> Result<bool, String> {
        for i in self.race.seek(step.min(self.spec.steps)) {
            self.trails[i].restart(&self.race.racers[i]);
        }
        let done = self.catch_up(APPLY_CATCH_UP_MS);
        self.draw_frame()?;
        Ok(done)
    }

    /// Every racer back to the start, the clock at 0.
    pub fn reset(&mut self) -> Result<(), String> {
        self.race.reset();
        for (r, trail) in self.race.racers.iter().zip(&mut self.trails) {
            trail.restart(r);
        }
        self.redraw_all_racers();
        self.draw_frame()
    }

    /// Moves the clock `n` steps on (at most [`MAX_SPEED`], never past the stop step) and steps
    /// every racer there, then draws what changed; while racers are behind the clock, replays
    /// them for a frame's budget instead.
    pub fn step_and_draw(&mut self, n: u32) -> Result<(), String> {
        let t0 = (self.now)();
        if !self.catch_up(FRAME_CATCH_UP_MS) {
            self.timings.step_ms = (self.now)() - t0;
            return self.draw_frame();
        }
        let n = (n.min(MAX_SPEED) as u64).min(self.spec.steps.saturating_sub(self.race.clock));
        let (trails, x) = (&mut self.trails, self.spec.loss_x);
        self.race.advance_visits(n, |i, v| {
            trails[i].record(v.step, x_of(x, v), v.point, v.loss, true)
        });
        self.timings.step_ms = (self.now)() - t0;
        self.draw_frame()?;
        self.timings.frame_ms = (self.now)() - t0;
        Ok(())
    }

    /// After the layers changed size (device pixels = CSS px x `dpr`): redraws every layer.
    pub fn resize(&mut self, dpr: f64) -> Result<(), String> {
        self.dpr = dpr_of(dpr);
        self.layers.refresh()?;
        self.head_boxes.clear();
        self.redraw_all_racers();
        self.draw_background()?;
        self.draw_frame()
    }

    /// Draws lines, markers and text `room` times their desk size (1 to [`MAX_ROOM`]; anything
    /// else is 1), for a room watching a projector, and redraws every layer.
    pub fn set_room(&mut self, room: f64) -> Result<(), String> {
        self.room = if room.is_finite() {
            room.clamp(1.0, MAX_ROOM)
        } else {
            1.0
        };
        self.resize(self.dpr)
    }

    /// How much larger than on a desk the scene draws (1 unless [`Scene::set_room`] said so).
    pub fn room(&self) -> f64 {
        self.room
    }

    /// Device pixels per CSS pixel of drawing: the device's ratio times the room's scale.
    pub fn ink(&self) -> f64 {
        self.dpr * self.room
    }

    /// Zooms or pans to `view` (checked: an invalid one is an error and changes nothing).
    pub fn set_view(&mut self, view: View) -> Result<(), String> {
        view.check()?;
        self.view = view;
        self.spec.view = Some(view);
        self.move_trails();
        self.draw_background_within(
            super::draw::VIEW_BACKGROUND_BUDGET_MS,
            super::draw::VIEW_COARSE_SAMPLES,
        )?;
        self.draw_frame()
    }

    /// Draws the last step of these racers at their heads, every frame from now on (none: an
    /// empty list). Indices past the last racer are ignored.
    pub fn set_inspected(&mut self, racers: Vec<usize>) -> Result<(), String> {
        self.inspected = racers;
        self.draw_heads()
    }

    /// Runs the racers' learning-rate sweeps ([`crate::sweep`]) for about `budget_ms`, `chunk`
    /// steps at a time; true while some are still to run.
    pub fn sweep_work(&mut self, budget_ms: f64, chunk: u64) -> bool {
        let t0 = (self.now)();
        let (objective, start, finish) = (&self.race.objective, self.race.start, &self.race.finish);
        for t in &mut self.trails {
            while !t.sweep.done() {
                if (self.now)() - t0 >= budget_ms {
                    return true;
                }
                t.sweep.work(objective, start, finish, chunk);
            }
        }
        false
    }

    /// The steps each learning rate of a sweep runs (the race's, at most 2000).
    pub fn sweep_steps(&self) -> u64 {
        sweep::horizon(self.spec.steps)
    }
}

/// Where a step's loss goes on the loss chart's x axis: at its step, or at the evaluations made
/// by then (the spec's `loss_x`).
fn x_of(x: crate::spec::XAxis, v: &crate::race::Visit) -> f64 {
    match x {
        crate::spec::XAxis::Steps => v.step as f64,
        crate::spec::XAxis::Evaluations => v.evaluations as f64,
    }
}
