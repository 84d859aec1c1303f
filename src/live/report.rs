//! What the page reads back from a [`Scene`]: every racer's state, the per-frame numbers (one
//! flat array, its layout described once here), the cards' texts, the saved image's legend,
//! the sweeps and a racer's optimizer state.

use super::scene::Scene;
use super::Layer;
use crate::landscape::Point;
use crate::optim::{Entry, EntryValue};
use crate::presets::{self, Lesson};
use crate::race::{Arrival, Status};
use crate::render::colormap::Dash;
use crate::sweep::SweepPoint;
use crate::text::{self, Card, Standing};
use serde::Serialize;

/// One racer as the page shows it.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct RacerState<'a> {
    pub index: usize,
    pub name: &'static str,
    pub label: Option<&'a str>,
    pub color: &'a str,
    /// Racers of one colour are told apart by it.
    pub dash: Dash,
    /// The race's step it stands at (the clock, once it stopped; less while it is replayed).
    pub step: u64,
    pub position: Point,
    pub loss: f64,
    /// With noisy gradients, the loss's mean over the latest tenth of the steps.
    pub mean_loss: Option<f64>,
    pub status: Status,
    pub diverged_at: Option<u64>,
    pub singular_at: Option<u64>,
    pub arrival: Option<Arrival>,
}

/// The numbers per racer in a packed frame ([`Scene::packed`]), in order: the one description
/// of its layout. `status` is an index into [`PACKED_STATUS`]; `stopped_at` the step it
/// diverged or stopped at; `arrival_global` 1 or 0; absent values NaN.
pub const PACKED_FIELDS: [&str; 11] = [
    "step",
    "x",
    "y",
    "loss",
    "status",
    "stopped_at",
    "arrival_step",
    "arrival_x",
    "arrival_y",
    "arrival_global",
    "mean_loss",
];
/// The numbers after every racer's: the race's clock and how many racers are behind it.
pub const PACKED_TAIL: [&str; 2] = ["clock", "behind"];
/// The statuses, by their number in a packed frame.
pub const PACKED_STATUS: [Status; 3] = [Status::Ok, Status::Diverged, Status::Singular];

/// [`PACKED_FIELDS`], [`PACKED_TAIL`] and [`PACKED_STATUS`], for the page.
#[derive(Serialize)]
pub struct PackedLayout {
    pub fields: [&'static str; 11],
    pub tail: [&'static str; 2],
    pub statuses: [Status; 3],
}

pub const PACKED_LAYOUT: PackedLayout = PackedLayout {
    fields: PACKED_FIELDS,
    tail: PACKED_TAIL,
    statuses: PACKED_STATUS,
};

/// The saved image's caption and a line per racer.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Legend {
    pub caption: String,
    pub entries: Vec<LegendEntry>,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct LegendEntry {
    pub color: String,
    /// The line's dash pattern, on and off lengths in CSS pixels (empty: solid).
    pub dash: &'static [f64],
    pub text: String,
}

/// One racer's learning-rate sweep as far as it has run.
#[derive(Serialize)]
pub struct SweepView<'a> {
    pub lr: f64,
    pub steps: u64,
    pub done: bool,
    pub points: &'a [SweepPoint],
}

impl<L: Layer> Scene<L> {
    fn standing(&self, i: usize) -> Standing {
        Standing::of_racer(
            &self.race.racers[i],
            self.race.clock,
            self.trails[i].mean_loss(),
        )
    }

    /// Every racer's state.
    pub fn states(&self) -> Vec<RacerState<'_>> {
        let dashes = self.dashes();
        (self.race.racers.iter().enumerate())
            .map(|(index, r)| RacerState {
                index,
                name: r.spec.info.name,
                label: r.spec.label.as_deref(),
                color: self.color(index),
                dash: dashes[index],
                step: r.step_at(self.race.clock),
                position: r.position,
                loss: r.loss,
                mean_loss: self.trails[index].mean_loss(),
                status: r.status(),
                diverged_at: r.diverged_at,
                singular_at: r.singular_at,
                arrival: r.arrival,
            })
            .collect()
    }

    /// Every racer's state as plain numbers, [`PACKED_FIELDS`] per racer, then [`PACKED_TAIL`]:
    /// what the page reads every frame (no string crosses to it).
    pub fn packed(&self) -> Vec<f64> {
        let clock = self.race.clock;
        let yes = |b: bool| if b { 1.0 } else { 0.0 };
        let mut packed =
            Vec::with_capacity(PACKED_FIELDS.len() * self.race.racers.len() + PACKED_TAIL.len());
        for (r, trail) in self.race.racers.iter().zip(&self.trails) {
            let status = PACKED_STATUS
                .iter()
                .position(|&s| s == r.status())
                .unwrap_or(0) as f64;
            let [arrived_at, x, y, global] = r.arrival.map_or([f64::NAN; 4], |a| {
                [a.step as f64, a.at[0], a.at[1], yes(a.global)]
            });
            let stopped_at = r
                .diverged_at
                .or(r.singular_at)
                .map_or(f64::NAN, |k| k as f64);
            let mean = trail.mean_loss().unwrap_or(f64::NAN);
            packed.extend([
                r.step_at(clock) as f64,
                r.position[0],
                r.position[1],
                r.loss,
                status,
                stopped_at,
                arrived_at,
                x,
                y,
                global,
                mean,
            ]);
        }
        packed.extend([clock as f64, self.behind() as f64]);
        packed
    }

    /// Every racer's card.
    pub fn cards(&self) -> Vec<Card> {
        (0..self.race.racers.len())
            .map(|i| {
                text::tuned_card(
                    &self.race.racers[i].spec,
                    &self.standing(i),
                    self.tuned_at(i),
                )
            })
            .collect()
    }

    /// The saved image's legend: the race's caption (its landscape, start, step and sweeps) and
    /// each racer's line, as `optiscape plot --sweep` writes them once the race is over.
    pub fn legend(&self) -> Legend {
        let caption = text::caption(
            &self.spec,
            self.race.start,
            self.race.clock,
            Some(self.sweep_steps()),
        );
        let dashes = self.dashes();
        let entries = (self.race.racers.iter().enumerate())
            .map(|(i, r)| LegendEntry {
                color: self.color(i).to_string(),
                dash: dashes[i].pattern(),
                text: text::legend_line(&r.spec, &self.standing(i)),
            })
            .collect();
        Legend { caption, entries }
    }

    /// Each racer's sweep as far as it has run.
    pub fn sweeps(&self) -> Vec<SweepView<'_>> {
        self.trails
            .iter()
            .map(|t| SweepView {
                lr: t.sweep.lr,
                steps: t.sweep.horizon,
                done: t.sweep.done(),
                points: &t.sweep.points,
            })
            .collect()
    }

    /// Where the scene's preset stands (its hint only while the race is the preset's own).
    pub fn lesson(&self) -> Option<Lesson> {
        presets::lesson(&self.spec)
    }

    /// The optimizer state of racer `i` as named values, then its last step against the local
    /// quadratic model (see [`crate::race::StepModel`]).
    pub fn inspect(&self, i: usize) -> Result<Vec<Entry>, String> {
        let racer = self
            .race
            .racers
            .get(i)
            .ok_or_else(|| format!("no racer {i}"))?;
        let mut entries = racer.inspect();
        if let Some(model) = racer.step_model(&self.race.objective) {
            entries.push(Entry {
                name: "last step: curvature along it",
                value: EntryValue::Scalar(model.curvature),
            });
            if let Some(alpha) = model.alpha_star {
                entries.push(Entry {
                    name: "last step: model optimum α*",
                    value: EntryValue::Scalar(alpha),
                });
            }
            if let Some(angle) = model.angle_to_descent {
                entries.push(Entry {
                    name: "last step: degrees from −gradient",
                    value: EntryValue::Scalar(angle),
                });
            }
        }
        Ok(entries)
    }

    /// The objective (the landscape times its scale) at `p`: what a racer standing there would
    /// show as its loss. NaN where it is undefined.
    pub fn loss_at(&self, p: Point) -> f64 {
        self.race.objective.value(p)
    }

    /// The decimals that tell a CSS pixel of the plot from the next, along x and y.
    fn pixel_decimals(&self) -> [usize; 2] {
        self.mapping().data_per_px().map(|per_px| {
            let a = (per_px * self.dpr).abs();
            if a.is_finite() && a > 0.0 {
                (-crate::math::log10(a)).ceil().clamp(0.0, 17.0) as usize
            } else {
                3
            }
        })
    }

    /// The pointer's read-out at a CSS-pixel position on the plot: "x 1.25   y −0.50   loss
    /// 3.21", to a pixel's digits; None outside the plot.
    pub fn readout(&self, css_x: f64, css_y: f64) -> Option<String> {
        let p = self.data_at(css_x, css_y)?;
        let [dx, dy] = self.pixel_decimals();
        Some(text::readout(p, [dx, dy], self.loss_at(p)))
    }

    /// The data point under a CSS-pixel position, rounded to the pixel's digits (a click sets
    /// the start there: sub-pixel digits are noise, and would make the link long).
    pub fn start_at(&self, css_x: f64, css_y: f64) -> Option<Point> {
        let p = self.data_at(css_x, css_y)?;
        let d = self.pixel_decimals();
        Some([0, 1].map(|k| text::fixed(p[k], d[k]).parse().unwrap_or(p[k])))
    }

    /// The loss chart's and the sweep chart's subtitles.
    pub fn chart_notes(&self) -> ChartNotes {
        let x = self.spec.loss_x;
        ChartNotes {
            loss: text::loss_chart_note_of(self.noisy(), x),
            loss_label: text::loss_chart_label(x),
            sweep: text::sweep_chart_note(self.noisy(), self.sweep_steps()),
        }
    }

    /// What the hint says of the scene's preset: its lesson while the race is the preset's own,
    /// else what it was based on; empty for a scene from no preset.
    pub fn lesson_text(&self) -> String {
        self.lesson()
            .map_or_else(String::new, |l| text::lesson(&l, "preset"))
    }
}

/// The subtitles of the loss chart and the sweep chart.
#[derive(Serialize)]
pub struct ChartNotes {
    pub loss: String,
    /// The loss chart's accessible name.
    pub loss_label: String,
    pub sweep: String,
}
