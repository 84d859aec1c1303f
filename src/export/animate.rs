//! `optiscape animate`: `optiscape plot`'s figure as an animated GIF, the paths growing step by
//! step and the legend giving each racer's loss at the step shown, for slides.
//!
//! The race is run once; the landscape (its fill, iso-lines, marks and axes) and the loss chart's
//! axes, fitted to the whole race so they never move, are drawn once into a base picture. Each
//! frame copies the base and draws only what changes: the paths and the loss lines up to the
//! frame's step, and the legend. The encoder ([`super::gif`]) then stores only the rectangle that
//! changed since the frame before.

use super::gif::GifEncoder;
use super::raster::Raster;
use crate::figure::{self, DPR, LINE, WIDE};
use crate::race::{run, RacerResult, RunResult, Status};
use crate::render::field::known_minimum;
use crate::render::loss::{draw_loss_axes_of, draw_loss_lines, loss_series, LossAxes};
use crate::render::{draw_background, draw_racers, BackgroundInput, Field, Layout, Mapping, XAxis};
use crate::spec::RunSpec;
use crate::text::{self, Standing};
use crate::trace::TrailingMean;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::IntoDrawingArea;
use plotters::style::RGBColor;

/// The most frames a GIF may have: at 50 frames a second, over three minutes.
pub const MAX_FRAMES: u64 = 10_000;
/// Fastest frame rate: browsers show GIF delays under 2/100 s as 1/10 s.
pub const MAX_FPS: u32 = 50;
/// How long the last frame stays before the GIF starts over, in 1/100 s.
pub const HOLD: u16 = 200;
/// Frames a race is cut into when `--steps-per-frame` is not given: about four seconds at 25
/// frames a second.
pub const DEFAULT_FRAMES: u64 = 100;

/// What `optiscape animate` is asked for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// The charts' size in pixels, as `plot`'s `--size` (the legend adds its height).
    pub width: u32,
    pub height: u32,
    /// Frames per second, 1 to [`MAX_FPS`].
    pub fps: u32,
    /// Steps between frames; None: the race's steps over [`DEFAULT_FRAMES`], rounded up.
    pub steps_per_frame: Option<u64>,
    /// The steps of the first and last frames; None: the race's start and its `steps`.
    pub from: Option<u64>,
    pub to: Option<u64>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            width: 960,
            height: 540,
            fps: 25,
            steps_per_frame: None,
            from: None,
            to: None,
        }
    }
}

impl Options {
    /// The checked frame steps for `spec`: `(from, to, steps per frame)`.
    fn frames(&self, spec: &RunSpec) -> Result<(u64, u64, u64), String> {
        if !(1..=MAX_FPS).contains(&self.fps) {
            return Err(format!(
                "animate: --fps must be 1 to {MAX_FPS}, got {}",
                self.fps
            ));
        }
        let to = self.to.unwrap_or(spec.steps);
        if to > spec.steps {
            return Err(format!(
                "animate: --to must be at most the spec's steps ({}), got {to}",
                spec.steps
            ));
        }
        let from = self.from.unwrap_or(0);
        if from >= to {
            return Err(format!(
                "animate: --from ({from}) must be below --to ({to})"
            ));
        }
        let per = match self.steps_per_frame {
            Some(0) => return Err("animate: --steps-per-frame must be at least 1".into()),
            Some(n) => n,
            None => (to - from).div_ceil(DEFAULT_FRAMES),
        };
        let frames = (to - from).div_ceil(per) + 1;
        if frames > MAX_FRAMES {
            return Err(format!("animate: {frames} frames, at most {MAX_FRAMES}: raise --steps-per-frame to {} or more", (to - from).div_ceil(MAX_FRAMES - 1)));
        }
        Ok((from, to, per))
    }

    /// Each frame's delay in 1/100 s (GIF's unit), the nearest to 1 / fps.
    fn delay(&self) -> u16 {
        ((100.0 / self.fps as f64).round() as u16).max(2)
    }
}

/// The race of `spec` as an animated GIF's bytes.
pub fn animate(spec: &RunSpec, options: &Options) -> Result<Vec<u8>, String> {
    let (from, to, per) = options.frames(spec)?;
    let film = Film::new(spec, options.width, options.height, to)?;
    let steps: Vec<u64> = (0..)
        .map(|i| from + i * per)
        .take_while(|&k| k < to)
        .chain([to])
        .collect();
    let delay = options.delay();
    let mut gif: Option<GifEncoder> = None;
    for (i, &k) in steps.iter().enumerate() {
        let frame = film.frame(k)?;
        let wait = if i + 1 == steps.len() {
            delay.max(HOLD)
        } else {
            delay
        };
        match &mut gif {
            None => {
                gif = Some(GifEncoder::new(
                    frame.width,
                    frame.height,
                    &frame.rgba,
                    &film.inks(),
                    wait,
                )?)
            }
            Some(g) => g.push(&frame.rgba, wait)?,
        }
    }
    gif.expect("at least two frames").finish()
}

/// A race ready to be drawn at any of its steps: its result, the figure's layout and the base
/// picture (everything that does not change from step to step).
pub struct Film {
    spec: RunSpec,
    result: RunResult,
    colors: Vec<RGBColor>,
    /// Per racer: its losses and, with noisy gradients, their trailing mean, as `(step, loss)`.
    losses: Vec<Vec<Vec<(f64, f64)>>>,
    start: [f64; 2],
    mapping: Mapping,
    axes: LossAxes,
    /// The landscape's width, the charts' height and the loss chart's height under the
    /// landscape (0: beside it), as in `plot`'s figure.
    left: u32,
    height: u32,
    below: u32,
    columns: usize,
    base: Raster,
}

impl Film {
    /// The figure of `spec` raced to step `to`, with charts of `width x height` pixels laid
    /// out as `optiscape plot` lays them out.
    pub fn new(spec: &RunSpec, width: u32, height: u32, to: u64) -> Result<Film, String> {
        figure::check_size(width, height)?;
        let spec = RunSpec {
            steps: to,
            ..spec.clone()
        };
        spec.check_points("animate")?;
        let result = run(&spec);
        let built = spec.landscape.build();
        let start = spec.start_point(&built);
        let objective = spec.landscape.objective(built.f);
        let colors = figure::racer_colors(&spec);
        let noisy = !objective.noise.is_none();
        let losses: Vec<Vec<Vec<(f64, f64)>>> = result
            .racers
            .iter()
            .map(|r| {
                let loss: Vec<(f64, f64)> = r
                    .loss
                    .iter()
                    .enumerate()
                    .map(|(k, &l)| (k as f64, l))
                    .collect();
                let mut mean = TrailingMean::default();
                let means = noisy.then(|| loss.iter().map(|&(k, l)| (k, mean.push(l))).collect());
                std::iter::once(loss).chain(means).collect()
            })
            .collect();

        // The layout of `plot`'s figure (src/figure.rs), without the sweep chart, and
        // with one legend column where two would not hold the racers' lines.
        let wide = width >= WIDE;
        let columns = if wide && legend_fits(&spec, &result, width, 2) {
            2
        } else {
            1
        };
        let legend_lines = 1 + result.racers.len().div_ceil(columns);
        let legend_height = (LINE * (legend_lines as f64 + 1.5)).round() as u32;
        let view = spec.view.unwrap_or(built.view);
        let left = if wide {
            figure::landscape_width(width, height, view)
        } else {
            width
        };
        let below = if wide { 0 } else { height / 2 };
        let mapping = Mapping::fit(Layout::landscape(left, height, DPR).plot, view);
        let field = Field::for_mapping(&objective, &mapping, &built.marks);
        let (loss_w, loss_h) = if wide {
            (width - left, height)
        } else {
            (width, below)
        };
        let series = loss_series(&losses, &colors);
        let reference = known_minimum(&objective, &built.marks);
        let axes = LossAxes::fit(loss_w, loss_h, DPR, &series, reference);

        let mut base = Raster::new(width, height + below + legend_height);
        base.put(
            mapping.plot.x,
            mapping.plot.y,
            field.width,
            field.height,
            &field.rgba(),
        );
        let mut film = Film {
            spec,
            result,
            colors,
            losses,
            start,
            mapping,
            axes,
            left,
            height,
            below,
            columns,
            base: Raster::new(1, 1),
        };
        {
            let root = base.backend().into_drawing_area();
            let (landscape, loss, _) = film.areas(&root);
            let drawn = draw_background(
                &landscape,
                &BackgroundInput {
                    mapping,
                    field: &field,
                    marks: &built.marks,
                    dpr: DPR,
                },
            )
            .and_then(|_| draw_loss_axes_of(&loss, &film.axes, XAxis::Steps));
            drawn.map_err(|e| format!("cannot draw the figure: {e}"))?;
        }
        film.base = base;
        Ok(film)
    }

    /// The landscape, loss chart and legend areas of `root`, as `plot` splits its figure.
    fn areas<DB: plotters::prelude::DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> (
        DrawingArea<DB, Shift>,
        DrawingArea<DB, Shift>,
        DrawingArea<DB, Shift>,
    ) {
        let (top, legend) = root.split_vertically(self.height + self.below);
        let (landscape, loss) = if self.below == 0 {
            top.split_horizontally(self.left)
        } else {
            top.split_vertically(self.height)
        };
        (landscape, loss, legend)
    }

    /// Where a point of the landscape is drawn in a frame, in pixels.
    pub fn to_px(&self, p: [f64; 2]) -> [f64; 2] {
        self.mapping.to_px(p)
    }

    /// The frames' size in pixels: the charts' and the legend's.
    pub fn size(&self) -> (u32, u32) {
        (self.base.width, self.base.height)
    }

    /// The colours that must be exact in every frame: each racer's (its path and head), the
    /// page's ink, white, and the red of a diverged racer's mark.
    pub fn inks(&self) -> Vec<[u8; 3]> {
        let fixed = [
            RGBColor(255, 255, 255),
            crate::render::scene::INK,
            crate::render::scene::DIVERGED,
        ];
        self.colors
            .iter()
            .chain(&fixed)
            .map(|c| [c.0, c.1, c.2])
            .collect()
    }

    /// The figure at step `k` (at most the race's `to`): every racer's path, head and loss up to
    /// step `k`, and the legend with its loss there.
    pub fn frame(&self, k: u64) -> Result<Raster, String> {
        let mut picture = Raster {
            width: self.base.width,
            height: self.base.height,
            rgba: self.base.rgba.clone(),
        };
        let racers: Vec<RacerResult> = self.result.racers.iter().map(|r| at_step(r, k)).collect();
        let shown = k as usize + 1;
        let traces = figure::traces(&racers, &self.colors);
        let losses: Vec<Vec<Vec<(f64, f64)>>> = self
            .losses
            .iter()
            .map(|traces| {
                traces
                    .iter()
                    .map(|t| t[..shown.min(t.len())].to_vec())
                    .collect()
            })
            .collect();
        let series = loss_series(&losses, &self.colors);
        let means = losses
            .iter()
            .map(|traces| traces.get(1).and_then(|mean| mean.last()).map(|&(_, m)| m));
        let entries: Vec<String> = self
            .spec
            .racers
            .iter()
            .zip(&racers)
            .zip(means)
            .map(|((s, r), mean)| text::legend_line(s, &Standing::of_result(r, mean)))
            .collect();
        {
            let root = picture.backend().into_drawing_area();
            let (landscape, loss, legend) = self.areas(&root);
            let drawn = draw_racers(&landscape, &self.mapping, Some(self.start), &traces, DPR)
                .and_then(|_| draw_loss_lines(&loss, &self.axes, &series, true))
                .and_then(|_| {
                    figure::draw_legend(
                        &legend,
                        &live_caption(
                            &text::caption(&self.spec, self.start, self.spec.steps, None),
                            k,
                            self.spec.steps,
                        ),
                        &entries,
                        &self.colors,
                        self.columns,
                    )
                });
            drawn.map_err(|e| format!("cannot draw frame {k}: {e}"))?;
        }
        Ok(picture)
    }
}

/// Whether the legend's lines, as they read at the race's first and last steps (with room for
/// a longer loss between), fit in `columns` columns of a figure `width` pixels wide.
fn legend_fits(spec: &RunSpec, result: &RunResult, width: u32, columns: usize) -> bool {
    let m = crate::render::Metrics::new(DPR);
    // As figure::draw_legend places them: margins of 24 px, the swatch and its gap 38 px.
    let column = (width as f64 - 2.0 * m.px(24.0)) / columns as f64;
    let slack = super::raster::text_width("0.000000", m.font());
    let widest = [0, spec.steps]
        .into_iter()
        .flat_map(|k| {
            spec.racers
                .iter()
                .zip(&result.racers)
                .map(move |(s, r)| text::legend_line(s, &Standing::of_result(&at_step(r, k), None)))
        })
        .map(|text| super::raster::text_width(&text, m.font()))
        .fold(0.0, f64::max);
    38.0 + widest + slack <= column
}

/// `plot`'s caption with its last part, the race's length ("500 steps"), made the step shown:
/// "… · step 120 of 500".
pub fn live_caption(caption: &str, k: u64, steps: u64) -> String {
    let head = caption
        .strip_suffix(&format!("{steps} steps"))
        .unwrap_or(caption);
    format!("{head}step {k} of {steps}")
}

/// A racer's result as it stood at step `k`: its points up to there, and a divergence, a
/// singular stop or an arrival only once it had happened.
fn at_step(r: &RacerResult, k: u64) -> RacerResult {
    let n = (k as usize + 1).min(r.trajectory.len());
    let happened = |at: Option<u64>| at.filter(|&s| s <= k);
    let diverged_at = happened(r.diverged_at);
    let singular_at = happened(r.singular_at);
    let status = match (diverged_at, singular_at) {
        (Some(_), _) => Status::Diverged,
        (_, Some(_)) => Status::Singular,
        _ => Status::Ok,
    };
    RacerResult {
        name: r.name,
        label: r.label.clone(),
        trajectory: r.trajectory[..n].to_vec(),
        loss: r.loss[..n].to_vec(),
        evaluations: r.evaluations[..n].to_vec(),
        lr: r.lr[..n.saturating_sub(1).min(r.lr.len())].to_vec(),
        status,
        diverged_at,
        singular_at,
        arrival: r.arrival.filter(|a| a.step <= k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caption_shows_the_step() {
        let spec = RunSpec::parse(
            r#"{"landscape": {"name": "rosenbrock"}, "steps": 300, "racers": [{"name": "adam"}]}"#,
        )
        .unwrap();
        let caption = text::caption(&spec, [-1.2, 1.0], spec.steps, None);
        assert!(
            caption.ends_with(" \u{b7} 300 steps"),
            "plot's caption ends with the race's length: {caption}"
        );
        let live = live_caption(&caption, 120, 300);
        assert!(
            live.ends_with(" \u{b7} step 120 of 300") && !live.contains("300 steps"),
            "{live}"
        );
    }

    #[test]
    fn frame_steps_are_checked() {
        let spec = RunSpec::parse(
            r#"{"landscape": {"name": "quadratic"}, "steps": 500, "racers": [{"name": "sgd"}]}"#,
        )
        .unwrap();
        let o = Options::default();
        assert_eq!(o.frames(&spec), Ok((0, 500, 5)));
        assert_eq!(
            Options {
                from: Some(100),
                to: Some(301),
                ..o
            }
            .frames(&spec),
            Ok((100, 301, 3))
        );
        let err = |o: Options| o.frames(&spec).unwrap_err();
        assert!(err(Options { to: Some(501), ..o }).contains("at most the spec's steps (500)"));
        assert!(err(Options {
            from: Some(500),
            ..o
        })
        .contains("must be below --to"));
        assert!(err(Options { fps: 0, ..o }).contains("--fps must be 1 to 50"));
        assert!(err(Options {
            steps_per_frame: Some(0),
            ..o
        })
        .contains("at least 1"));
        let long = RunSpec {
            steps: 100_000,
            ..spec.clone()
        };
        assert!(Options {
            steps_per_frame: Some(1),
            ..o
        }
        .frames(&long)
        .unwrap_err()
        .contains("raise --steps-per-frame to 11 or more"));
        assert_eq!(Options { fps: 30, ..o }.delay(), 3);
        assert_eq!(Options { fps: 50, ..o }.delay(), 2);
    }
}
