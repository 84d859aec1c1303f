//! Every sentence shown about a race, in one place: the caption and legend of `optiscape plot`
//! and of the page's saved image, and the lines of the page's racer cards. The CLI's figure,
//! the page and its saved image so say the same thing in the same words.
//!
//! A legend line reads "Adam: lr 0.05, betas (0.9, 0.99) · loss 1.9×10⁻⁵ · reached the minimum
//! at step 412"; a card gives the same settings on a line of their own, parted by " · ", and
//! its step and loss in the page's compact numbers ("loss 1.95e-5").

use crate::classify::train::{Epoch, TrainSpec, TRAIN_PARAMS};
use crate::explanation::Explanation;
use crate::landscape::Point;
use crate::optim::{Piece, PieceValue};
use crate::presets::Lesson;
use crate::race::{Arrival, Racer, RacerResult, Status};
use crate::render::loss::XAxis;
use crate::render::ticks::format_value;
use crate::schema::{Dialect, Named, Value};
use crate::spec::{RacerSpec, RunSpec};
use serde::Serialize;

/// Parts a legend line or caption: "Rosenbrock · scale 1 · start (−1.2, 1)".
pub const SEP: &str = " \u{b7} ";

/// Where a racer stands, from a finished run or a live race.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standing {
    pub status: Status,
    /// The race's step the racer stands at.
    pub step: u64,
    /// Its point: the last finite one once it diverged.
    pub position: Option<Point>,
    pub loss: f64,
    /// With noisy gradients, the loss's mean over the latest tenth of the steps.
    pub mean_loss: Option<f64>,
    pub diverged_at: Option<u64>,
    pub singular_at: Option<u64>,
    pub arrival: Option<Arrival>,
}

impl Standing {
    /// A racer of a finished run (`optiscape run`, `plot`), with its trailing `mean_loss`.
    pub fn of_result(r: &RacerResult, mean_loss: Option<f64>) -> Standing {
        Standing {
            status: r.status,
            step: r.trajectory.len().saturating_sub(1) as u64,
            position: r.trajectory.last().copied(),
            loss: r.loss.last().copied().unwrap_or(f64::NAN),
            mean_loss,
            diverged_at: r.diverged_at,
            singular_at: r.singular_at,
            arrival: r.arrival,
        }
    }

    /// A racer of a live race whose clock is `clock`.
    pub fn of_racer(r: &Racer, clock: u64, mean_loss: Option<f64>) -> Standing {
        Standing {
            status: r.status(),
            step: r.step_at(clock),
            position: Some(r.position),
            loss: r.loss,
            mean_loss,
            diverged_at: r.diverged_at,
            singular_at: r.singular_at,
            arrival: r.arrival,
        }
    }
}

/// The shortest text that reads back as `x`, with a typeset minus: "0.05", "1e−8".
pub fn number(x: f64) -> String {
    let a = x.abs();
    let s = if a == 0.0 || (1e-3..1e5).contains(&a) {
        format!("{x}")
    } else {
        format!("{x:e}")
    };
    s.replace('-', "\u{2212}")
}

/// Words for people, the words of [`setting`].
struct Words;

impl Dialect for Words {
    const NONE: &'static str = "none";
    fn flag(b: bool) -> String {
        b.to_string()
    }
    fn number(x: f64) -> String {
        self::number(x)
    }
    fn text(t: &str) -> String {
        t.to_string()
    }
    fn scheduler(n: &Named) -> String {
        schedule_text(n)
    }
    fn schedulers(list: &[Named]) -> String {
        list.iter()
            .map(schedule_text)
            .collect::<Vec<_>>()
            .join(" then ")
    }
}

/// One setting's value: "0.9", "(0.9, 0.999)", "none", "StepLR(step_size 100)".
pub fn setting(value: &Value) -> String {
    value.written::<Words>()
}

/// One named setting: "lr 0.001", "nesterov", "no amsgrad", "f = x^2 + y^2".
pub fn named_setting(name: &str, value: &Value) -> String {
    match value {
        Value::Flag(true) => name.to_string(),
        Value::Flag(false) => format!("no {name}"),
        Value::Text(text) => format!("{name} = {text}"),
        other => format!("{name} {}", setting(other)),
    }
}

/// "StepLR(step_size 100, gamma 0.5)": a scheduler's class and its arguments away from their
/// defaults.
pub fn schedule_text(n: &Named) -> String {
    let info = crate::schedule::find(n.name);
    let args: Vec<String> = n
        .hyper
        .iter()
        .filter(|(name, v)| {
            info.and_then(|i| i.params.iter().find(|p| p.name == *name))
                .is_none_or(|p| p.required || **v != p.default)
        })
        .map(|(name, v)| format!("{name} {}", setting(v)))
        .collect();
    format!("{}({})", n.name, args.join(", "))
}

/// A racer's settings worth naming: an external racer's trajectory, the learning rate, the key
/// settings (see [`crate::schema::Param::key`]), every setting away from its default, its
/// clipping and its scheduler.
pub fn settings(spec: &RacerSpec) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(points) = &spec.trajectory {
        parts.push(format!("given trajectory of {} points", points.len()));
    }
    for (param, (name, value)) in spec.info.params.iter().zip(spec.hyper.iter()) {
        if name == "lr" || param.key || *value != param.default {
            parts.push(named_setting(name, value));
        }
    }
    if let Some(norm) = spec.clip.norm {
        parts.push(format!("clip_grad_norm {}", number(norm)));
    }
    if let Some(value) = spec.clip.value {
        parts.push(format!("clip_grad_value {}", number(value)));
    }
    if let Some(s) = &spec.schedule {
        parts.push(schedule_text(s));
    }
    parts
}

/// [`settings`] as a legend gives them: "lr 0.001, momentum 0.9, nesterov".
pub fn key_settings(spec: &RacerSpec) -> String {
    settings(spec).join(", ")
}

/// A racer's name in a legend: "heavy ball (SGD)", or the optimizer's title alone.
pub fn legend_name(spec: &RacerSpec) -> String {
    match &spec.label {
        Some(label) if label != spec.info.title => format!("{label} ({})", spec.info.title),
        _ => spec.info.title.to_string(),
    }
}

/// "diverged at step 12 (last finite point (0.5, 3) at step 11)".
pub fn diverged_text(step: u64, last: Option<Point>) -> String {
    match last {
        Some([x, y]) if step > 0 => format!(
            "diverged at step {step} (last finite point ({}, {}) at step {})",
            format_value(x),
            format_value(y),
            step - 1
        ),
        _ => format!("diverged at step {step}"),
    }
}

/// "stopped before step 12: singular Hessian, no Newton step".
pub fn singular_text(step: u64) -> String {
    format!("stopped before step {step}: singular Hessian, no Newton step")
}

/// "reached the minimum at step 12" (a global one) or "reached a local minimum at step 12".
pub fn arrival_text(a: &Arrival) -> String {
    format!(
        "{} at step {}",
        if a.global {
            "reached the minimum"
        } else {
            "reached a local minimum"
        },
        a.step
    )
}

/// A stopped racer's outcome: diverged, stopped at a singular Hessian, or no finite loss at the
/// start; None while it runs.
pub fn stopped_text(s: &Standing) -> Option<String> {
    match (s.status, s.diverged_at) {
        (Status::Ok, _) => None,
        (Status::Diverged, Some(0)) => Some("no finite loss at the start".into()),
        (Status::Diverged, step) => Some(diverged_text(step.unwrap_or(s.step), s.position)),
        (Status::Singular, _) => Some(singular_text(s.singular_at.unwrap_or(s.step))),
    }
}

/// A legend's outcome: "loss 1.9×10⁻⁵ · reached the minimum at step 412", "mean loss 0.28",
/// or what stopped it.
pub fn outcome(s: &Standing) -> String {
    if let Some(stopped) = stopped_text(s) {
        return stopped;
    }
    let loss = match s.mean_loss {
        Some(m) => format!("mean loss {}", format_value(m)),
        None if s.loss.is_finite() => format!("loss {}", format_value(s.loss)),
        None => "loss \u{2013}".into(),
    };
    match &s.arrival {
        Some(a) => format!("{loss}{SEP}{}", arrival_text(a)),
        None => loss,
    }
}

/// A racer's legend line: "Adam: lr 0.05 · loss 1.9×10⁻⁵".
pub fn legend_line(spec: &RacerSpec, s: &Standing) -> String {
    format!(
        "{}: {}{SEP}{}",
        legend_name(spec),
        key_settings(spec),
        outcome(s)
    )
}

/// The caption of a race's figure: "Rosenbrock · scale 1 · start (−1.2, 1) · 500 steps", at
/// the race's `clock` ("step 120 of 500" before the stop step); with `sweep_steps`, what the
/// learning-rate sweep chart shows.
pub fn caption(spec: &RunSpec, start: Point, clock: u64, sweep_steps: Option<u64>) -> String {
    let landscape = &spec.landscape;
    let mut parts = vec![landscape.info.title.to_string()];
    parts.extend(
        landscape
            .hyper
            .iter()
            .map(|(name, value)| named_setting(name, value)),
    );
    parts.push(format!("scale {}", number(landscape.scale)));
    let noisy = !landscape.noise.is_none();
    if noisy {
        let noise = landscape.noise;
        parts.push(format!(
            "noise {}, seed {} (bold: mean loss over the latest tenth of the steps)",
            number(noise.std),
            noise.seed
        ));
    }
    parts.push(format!(
        "start ({}, {})",
        number(start[0]),
        number(start[1])
    ));
    parts.push(if clock >= spec.steps {
        format!("{} steps", spec.steps)
    } else {
        format!("step {clock} of {}", spec.steps)
    });
    if let Some(steps) = sweep_steps {
        parts.push(format!(
            "learning rates swept: {} at step {steps}",
            if noisy { "mean loss" } else { "loss" }
        ));
    }
    parts.join(SEP)
}

/// The explained step's heading: "Adam: the update from step 120 to 121".
pub fn explain_title(e: &Explanation) -> String {
    format!(
        "{}: the update from step {} to {}",
        e.name,
        e.step,
        e.step + 1
    )
}

/// Where the explained step starts: "at (−0.861, 0.747) · loss 3.47 · lr 0.05".
pub fn explain_where(e: &Explanation) -> String {
    let lr =
        e.lr.map_or(String::new(), |lr| format!("{SEP}lr {}", format_value(lr)));
    format!(
        "at ({}, {}){SEP}loss {}{lr}",
        format_value(e.at[0]),
        format_value(e.at[1]),
        format_value(e.loss)
    )
}

/// Piece `i` of an explained step, numbered from 1: "2  −m̂ = (1.63, −1.21)".
pub fn explain_piece(i: usize, p: &Piece) -> String {
    format!("{}  {} = {}", i + 1, p.label, piece_value(&p.value))
}

/// A piece's value: "(0.12, −3.4)", "0.05", "yes".
pub fn piece_value(v: &PieceValue) -> String {
    let num = |x: f64| {
        if x.is_finite() {
            format_value(x)
        } else {
            "not finite".into()
        }
    };
    match v {
        PieceValue::Vector(v) => format!(
            "({})",
            v.iter().map(|&x| num(x)).collect::<Vec<_>>().join(", ")
        ),
        PieceValue::Number(x) => num(*x),
        PieceValue::Flag(b) => if *b { "yes" } else { "no" }.into(),
    }
}

/// How the explained step's pieces are drawn to scale: the gradient's space (where there are
/// pieces in it), then the steps' magnification.
pub fn explain_scales(gradients: bool, magnify: f64) -> Vec<String> {
    let mut notes = Vec::new();
    if gradients {
        notes.push("Arrows and boxes of the gradient's units share one scale; downhill arrows are the gradients reversed.".to_string());
    }
    notes.push(if magnify > 1.0 {
        format!(
            "Steps are drawn {} times their length on the plot.",
            format_value(magnify)
        )
    } else {
        "Steps are drawn at their length on the plot.".to_string()
    });
    notes
}

/// The classifier's caption: "Digits classifier · Linear, 64 → 10 · input raw · batch 1 · 15
/// epochs · seed 0", `input` the spec's input in words.
pub fn classify_caption(spec: &TrainSpec, input: &str) -> String {
    let model = TRAIN_PARAMS
        .iter()
        .find(|p| p.name == "model")
        .map_or(spec.model.name(), |p| p.title_of(spec.model.name()));
    format!(
        "Digits classifier{SEP}{model}{SEP}input {input}{SEP}batch {}{SEP}{} epochs{SEP}seed {}",
        spec.batch_size, spec.epochs, spec.seed
    )
}

/// A classifier racer's legend line: "Adam on X/50 (Adam): lr 0.001 · input raw / 50 · epoch
/// 15/15 · loss 0.12 · test accuracy 91.3 %", or "... · diverged in epoch 3". `input`: its own
/// input in words, when it has one.
pub fn classify_line(
    spec: &RacerSpec,
    input: Option<&str>,
    epoch: usize,
    epochs: u32,
    last: Option<&Epoch>,
    diverged_in: Option<u32>,
) -> String {
    let input = input.map(|i| format!("{SEP}input {i}")).unwrap_or_default();
    let outcome = match diverged_in {
        Some(k) => format!("diverged in epoch {k}"),
        None => {
            let loss = last.map_or("\u{2013}".into(), |e| format_value(e.train_loss));
            let accuracy = last.map_or("\u{2013}".into(), |e| {
                format!("{:.1} %", 100.0 * e.test_accuracy)
            });
            format!("epoch {epoch}/{epochs}{SEP}loss {loss}{SEP}test accuracy {accuracy}")
        }
    };
    format!(
        "{}: {}{input}{SEP}{outcome}",
        legend_name(spec),
        key_settings(spec)
    )
}

/// The pointer's read-out: "x 1.25   y -0.50   loss 3.21", each coordinate to `decimals`.
pub fn readout([x, y]: Point, [dx, dy]: [usize; 2], loss: f64) -> String {
    let coord = |v: f64, d: usize| {
        fixed(
            if v.abs() < 0.5 * crate::math::powi(10.0, -(d as i32)) {
                0.0
            } else {
                v
            },
            d,
        )
    };
    let loss = if loss.is_finite() {
        short_loss(loss)
    } else {
        "undefined".into()
    };
    format!("x {}   y {}   loss {loss}", coord(x, dx), coord(y, dy))
}

/// `x` with `decimals` digits after the point, as ECMAScript's `toFixed` writes it (a tie away
/// from zero; no minus for −0).
pub fn fixed(x: f64, decimals: usize) -> String {
    if x == 0.0 || !x.is_finite() {
        return if x.is_finite() {
            format!("{:.decimals$}", 0.0)
        } else {
            js_special(x)
        };
    }
    let shortest = format!("{:e}", x.abs());
    let e: i32 = shortest
        .split_once('e')
        .map_or(0, |(_, e)| e.parse().unwrap_or(0));
    let digits = e + 1 + decimals as i32;
    if digits < 1 {
        return format!("{x:.decimals$}");
    }
    let (d, e2) = round_digits(x, digits as usize);
    // d's last digit is worth 10^(e2 - digits + 1): as many decimals as that, at most `decimals`.
    let mut n = d;
    n.extend(std::iter::repeat_n(
        '0',
        (decimals as i32 - (digits - 1 - e2)).max(0) as usize,
    ));
    if n.len() <= decimals {
        n = format!("{}{n}", "0".repeat(decimals + 1 - n.len()));
    }
    let (int, frac) = n.split_at(n.len() - decimals);
    let sign = if x < 0.0 { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// The loss chart's subtitle.
pub fn loss_chart_note(noisy: bool) -> String {
    loss_chart_note_of(noisy, XAxis::Steps)
}

/// The loss chart's subtitle, its x axis counting `x`: "against evaluations, log scale".
pub fn loss_chart_note_of(noisy: bool, x: XAxis) -> String {
    let against = format!("against {}, log scale", x.title());
    if noisy {
        format!("{against}; pale: each step, bold: the mean over the latest tenth of the steps")
    } else {
        against
    }
}

/// The loss chart's accessible name: "Loss of every racer against step, logarithmic scale".
pub fn loss_chart_label(x: XAxis) -> String {
    format!(
        "Loss of every racer against {}, logarithmic scale",
        x.title()
    )
}

/// Under a learning-rate curve: "500 steps", or "12 of 500 steps" when the racer stopped first.
pub fn steps_text(steps: u64, drawn: u64) -> String {
    if drawn < steps {
        format!("{drawn} of {steps} steps")
    } else {
        format!("{steps} steps")
    }
}

/// A learning-rate curve in words: "Learning rate against step: 0.1 at step 1, 0.0001 at
/// step 500, highest 0.1; 500 steps".
pub fn lr_curve_label(lrs: &[f64], steps: u64) -> String {
    let (Some(first), Some(last)) = (lrs.first(), lrs.last()) else {
        return "Learning rate against step: none (the racer stops at the start)".into();
    };
    let top = lrs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!(
        "Learning rate against step: {} at step 1, {} at step {}, highest {}; {}",
        short_number(*first),
        short_number(*last),
        lrs.len(),
        short_number(top),
        steps_text(steps, lrs.len() as u64)
    )
}

/// The Tune button while the sweeps it waits for run: "Tuning… 40 %" (`run` of `total` learning
/// rates raced).
pub fn tuning(run: usize, total: usize) -> String {
    format!(
        "Tuning\u{2026} {} %",
        (100 * run).checked_div(total).unwrap_or(100)
    )
}

/// The sweep chart's subtitle: "loss at step 500, log scales".
pub fn sweep_chart_note(noisy: bool, steps: u64) -> String {
    format!(
        "{} at step {steps}, log scales",
        if noisy { "mean loss" } else { "loss" }
    )
}

/// The 3-D view's note when the core draws it on a 2-D canvas instead of WebGL2: why (the
/// browser has no WebGL2, or `lost` its context), and what that changes.
pub fn surface_fallback_note(lost: bool) -> String {
    let why = if lost {
        "the browser stopped it in this tab"
    } else {
        "not available in this browser"
    };
    format!("3-D drawn without WebGL2 ({why}): coarser while it turns or the race runs.")
}

/// The hint under a preset's race: its lesson while the race is the preset's own, else what
/// it was based on. `kind`: "preset" or "experiment".
pub fn lesson(l: &Lesson, kind: &str) -> String {
    match &l.hint {
        Some(hint) => hint.clone(),
        None => format!("Based on the {kind} \u{201c}{}\u{201d}, changed since: its lesson may no longer hold here.", l.title),
    }
}

/// The projected view's status: how far its sampling is, or its grid, fill time and lowest
/// loss once done.
pub fn projection_status(
    available: bool,
    evaluated: usize,
    cells: usize,
    grid: [usize; 2],
    fill_ms: Option<f64>,
    min: Option<f64>,
) -> String {
    match (available, fill_ms) {
        (false, _) => "linear model only".into(),
        _ if cells == 0 || evaluated == 0 => "sampling the plane\u{2026}".into(),
        (true, Some(ms)) if evaluated >= cells => {
            let lowest = min.map_or("\u{2013}".into(), short_loss);
            format!(
                "{} \u{d7} {} points, filled in {} s; lowest loss {lowest}",
                grid[0],
                grid[1],
                fixed(ms / 1000.0, 1)
            )
        }
        _ => format!("sampling the plane\u{2026} {} %", 100 * evaluated / cells),
    }
}

/// What the projected view says of racers trained on a rescaled input (drawn at equivalent
/// weights), racers on another transform (not drawn), and racers outside the view: `rescaled`,
/// `elsewhere` are their names; `outside` names with their plane coordinates.
pub fn projection_notes(
    base_input: &str,
    rescaled: &[String],
    elsewhere: &[String],
    outside: &[(String, [f64; 2])],
) -> String {
    let mut notes = Vec::new();
    if !rescaled.is_empty() {
        notes.push(format!("{}: trained on a rescaled input, so drawn at the equivalent weights for the model\u{2019}s input ({base_input}): weights times the scale ratio, biases kept, the same logits on every digit. They start away from w\u{2080} because their initial function differs.", rescaled.join(", ")));
    }
    if !elsewhere.is_empty() {
        notes.push(format!("{}: not drawn. Trained on another transform (standardized vs raw pixels), their weights do not live in the plane\u{2019}s space.", elsewhere.join(", ")));
    }
    if !outside.is_empty() {
        let at: Vec<String> = outside
            .iter()
            .map(|(name, [a, b])| {
                format!("{name} (a = {}, b = {})", compact(*a, 1), compact(*b, 1))
            })
            .collect();
        notes.push(format!("Outside the view now: {}.", at.join(", ")));
    }
    notes.join(" ")
}

/// One racer's card in the page: what the racer list shows of it, and what a screen reader
/// hears when it diverges or arrives.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Card {
    /// Its label, or its optimizer's title.
    pub name: String,
    /// The optimizer (when labelled) and its settings: "SGD · lr 0.02 · momentum 0.9".
    pub what: String,
    /// "step 400", "epoch 3/15".
    pub step: String,
    /// "loss 2.28e-17", "mean loss 0.283", "last loss 4.1e+3".
    pub loss: String,
    /// The loss line's tooltip.
    pub loss_note: String,
    /// What stopped it, or its arrival ("minimum at step 83"); empty while it runs.
    pub status: String,
    /// The status line's tooltip.
    pub status_note: String,
    /// What to announce once it stopped or arrived; empty before.
    pub news: String,
}

/// The card's name and settings line: "Momentum 0.9" and "SGD · lr 0.02 · momentum 0.9" (the
/// optimizer's title first when the racer has a label).
pub fn card_name(spec: &RacerSpec) -> (String, String) {
    let name = spec.display_name().to_string();
    let settings = settings(spec).join(SEP);
    let what = if spec.label.is_some() {
        format!("{}{SEP}{settings}", spec.info.title)
    } else {
        settings
    };
    (name, what)
}

/// What a card says of a learning rate set by "Tune": ", tuned: best of the sweep at step 500".
pub fn tuned_note(steps: u64) -> String {
    format!(", tuned: best of the sweep at step {steps}")
}

/// [`card_name`] of a racer whose learning rate "Tune" set to the best point of its sweep of
/// `steps` steps: "lr 0.0123, tuned: best of the sweep at step 500 · momentum 0.9".
pub fn tuned_card_name(spec: &RacerSpec, steps: u64) -> (String, String) {
    let (name, what) = card_name(spec);
    let lr = spec
        .hyper
        .iter()
        .find(|(n, _)| *n == "lr")
        .map(|(n, v)| named_setting(n, v));
    let what = match lr {
        Some(lr) => what.replacen(&lr, &format!("{lr}{}", tuned_note(steps)), 1),
        None => what,
    };
    (name, what)
}

/// A landscape racer's card; `tuned`: the sweep's steps when "Tune" set its learning rate.
pub fn tuned_card(spec: &RacerSpec, s: &Standing, tuned: Option<u64>) -> Card {
    let mut c = card(spec, s);
    if let Some(steps) = tuned {
        c.what = tuned_card_name(spec, steps).1;
    }
    c
}

/// A landscape racer's card.
pub fn card(spec: &RacerSpec, s: &Standing) -> Card {
    let (name, what) = card_name(spec);
    let stopped = stopped_text(s);
    let loss = match s.mean_loss {
        Some(m) => format!("mean loss {}", short_loss(m)),
        None => format!("loss {}", short_loss(s.loss)),
    };
    let loss_note = match s.mean_loss {
        Some(_) => format!(
            "the mean over the latest tenth of the steps; this step: {}",
            short_loss(s.loss)
        ),
        None => String::new(),
    };
    let arrived = s.arrival.filter(|_| stopped.is_none());
    let status = match (&stopped, &arrived) {
        (Some(text), _) => text.clone(),
        (None, Some(a)) => format!(
            "{} at step {}",
            if a.global { "minimum" } else { "local minimum" },
            a.step
        ),
        (None, None) => String::new(),
    };
    let status_note = match &arrived {
        Some(a) => format!(
            "{name} {} ({}, {})",
            arrival_text(a),
            short_number(a.at[0]),
            short_number(a.at[1])
        ),
        None => String::new(),
    };
    let news = match (&stopped, &arrived) {
        (Some(text), _) => format!("{name}: {text}"),
        (None, Some(a)) if a.step > 0 => format!("{name} {}", arrival_text(a)),
        _ => String::new(),
    };
    let loss = if stopped.is_some() {
        format!("last {loss}")
    } else {
        loss
    };
    Card {
        step: format!("step {}", s.step),
        loss,
        loss_note,
        status,
        status_note,
        news,
        name,
        what,
    }
}

/// A loss on a card: three significant digits, in exponent form when small or large ("0.283",
/// "2.12e-13"), as ECMAScript's `toPrecision(3)` and `toExponential(2)` write them.
pub fn short_loss(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return js_special(x);
    }
    let a = x.abs();
    if (0.01..1e4).contains(&a) {
        to_precision(x, 3)
    } else {
        to_exponential(x, 2).replace("e+", "e")
    }
}

/// A number in a tooltip: at most six significant digits ("0.001", "2.5e-5"), as the page's
/// sliders show values.
pub fn short_number(x: f64) -> String {
    compact(x, 4)
}

/// `x` to `digits + 2` significant digits in [0.001, 100000), else in exponent form with
/// `digits` of them, trailing zeros dropped: the page's `fmt(x, digits)`.
pub fn compact(x: f64, digits: usize) -> String {
    if !x.is_finite() || x == 0.0 {
        return js_special(x);
    }
    let a = x.abs();
    if (1e-3..1e5).contains(&a) {
        // ECMAScript's String(Number(x.toPrecision(digits + 2))): the shortest text of the
        // rounded value.
        let rounded: f64 = to_precision(x, digits + 2).parse().unwrap_or(x);
        return format!("{rounded}");
    }
    let e = to_exponential(x, digits.saturating_sub(1));
    let (mantissa, exponent) = e.split_once('e').unwrap_or((&e, "0"));
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    format!("{mantissa}e{}", exponent.trim_start_matches('+'))
}

/// ECMAScript's text of 0 and of the non-finite numbers.
fn js_special(x: f64) -> String {
    match x {
        _ if x.is_nan() => "NaN".into(),
        f64::INFINITY => "Infinity".into(),
        f64::NEG_INFINITY => "-Infinity".into(),
        _ => "0".into(),
    }
}

/// `x` (finite, not 0) rounded to `digits` significant digits as ECMAScript rounds: to the
/// nearest, a tie away from zero. Returns the digits and the decimal exponent of the first.
fn round_digits(x: f64, digits: usize) -> (String, i32) {
    // Rust rounds the exact binary value half to even; the two differ only at an exact tie.
    let text = format!("{:.*e}", digits - 1, x.abs());
    let (mantissa, exponent) = text.split_once('e').expect("`{:e}` writes an exponent");
    let mut out: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut exponent: i32 = exponent.parse().expect("an exponent");
    if is_tie(x.abs(), digits) && round_half_even_went_down(x.abs(), digits, &out, exponent) {
        let mut n: u64 = out.parse().expect("digits");
        n += 1;
        out = n.to_string();
        if out.len() > digits {
            out.truncate(digits);
            exponent += 1;
        }
    }
    (out, exponent)
}

/// Whether `x` lies exactly halfway between two numbers of `digits` significant digits: then its
/// shortest text has `digits + 1` of them, the last a 5, and that decimal is exactly a double.
fn is_tie(x: f64, digits: usize) -> bool {
    let shortest = format!("{x:e}");
    let (mantissa, exponent) = shortest.split_once('e').expect("`{:e}` writes an exponent");
    let d: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if d.len() != digits + 1 || !d.ends_with('5') {
        return false;
    }
    let (Ok(d), Ok(e)) = (d.parse::<u64>(), exponent.parse::<i32>()) else {
        return false;
    };
    // The decimal d x 10^(e - digits) is a double exactly when 5^(digits - e) divides d.
    let fives = digits as i32 - e;
    fives <= 0 || (fives < 28 && d % 5u64.pow(fives as u32) == 0)
}

/// At a tie, whether Rust's half-to-even rounding picked the lower neighbour.
fn round_half_even_went_down(x: f64, digits: usize, rounded: &str, exponent: i32) -> bool {
    let value: f64 = format!("{rounded}e{}", exponent - digits as i32 + 1)
        .parse()
        .unwrap_or(x);
    value < x
}

/// ECMAScript's `x.toPrecision(digits)`.
fn to_precision(x: f64, digits: usize) -> String {
    let (d, e) = round_digits(x, digits);
    let sign = if x < 0.0 { "-" } else { "" };
    if e < -6 || e >= digits as i32 {
        let rest = if digits > 1 {
            format!(".{}", &d[1..])
        } else {
            String::new()
        };
        let exp = if e >= 0 {
            format!("+{e}")
        } else {
            e.to_string()
        };
        return format!("{sign}{}{rest}e{exp}", &d[..1]);
    }
    if e >= 0 {
        let int = (e + 1) as usize;
        let frac = &d[int..];
        if frac.is_empty() {
            format!("{sign}{}", &d[..int])
        } else {
            format!("{sign}{}.{frac}", &d[..int])
        }
    } else {
        format!("{sign}0.{}{d}", "0".repeat((-e - 1) as usize))
    }
}

/// ECMAScript's `x.toExponential(fraction)`.
fn to_exponential(x: f64, fraction: usize) -> String {
    let (d, e) = round_digits(x, fraction + 1);
    let sign = if x < 0.0 { "-" } else { "" };
    let rest = if fraction > 0 {
        format!(".{}", &d[1..])
    } else {
        String::new()
    };
    let exp = if e >= 0 {
        format!("+{e}")
    } else {
        e.to_string()
    };
    format!("{sign}{}{rest}e{exp}", &d[..1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surface_fallback_note_says_why() {
        let missing = surface_fallback_note(false);
        let lost = surface_fallback_note(true);
        assert!(
            missing.contains("not available in this browser"),
            "{missing}"
        );
        assert!(lost.contains("stopped it"), "{lost}");
        for note in [missing, lost] {
            assert!(note.starts_with("3-D drawn without WebGL2 ("), "{note}");
        }
    }

    #[test]
    fn numbers_read_back() {
        for x in [0.05, 0.001, 1e-8, 0.999, 1.5e-10, 12345.0, 1e6, -2.5, 0.0] {
            assert_eq!(
                number(x).replace('\u{2212}', "-").parse::<f64>().unwrap(),
                x,
                "{x}"
            );
        }
        assert_eq!(number(1e-8), "1e\u{2212}8");
        assert_eq!(number(0.05), "0.05");
    }

    #[test]
    fn key_settings_show_lr_and_what_differs() {
        let spec = RunSpec::parse(
            r#"{"landscape": {"name": "rosenbrock"}, "racers": [
            {"name": "sgd", "lr": 0.001, "momentum": 0.9, "nesterov": true},
            {"name": "adam"},
            {"name": "adam", "betas": [0.8, 0.99], "amsgrad": true}]}"#,
        )
        .unwrap();
        let got: Vec<String> = spec.racers.iter().map(key_settings).collect();
        assert_eq!(
            got,
            [
                "lr 0.001, momentum 0.9, nesterov",
                "lr 0.001",
                "lr 0.001, betas (0.8, 0.99), amsgrad"
            ]
        );
        let (name, what) = card_name(&spec.racers[0]);
        assert_eq!(
            (name.as_str(), what.as_str()),
            ("SGD", "lr 0.001 \u{b7} momentum 0.9 \u{b7} nesterov")
        );
    }

    /// A card names the racer's scheduler and clipping, and a tuned learning rate says so.
    #[test]
    fn a_card_names_the_schedule_clipping_and_tuning() {
        let spec = RunSpec::parse(
            r#"{"landscape": {"name": "rosenbrock"}, "racers": [
            {"name": "sgd", "lr": 0.1, "lr_scheduler": {"name": "StepLR", "step_size": 500}, "clip_grad_norm": 1},
            {"name": "adam", "label": "warm", "lr_scheduler": {"name": "SequentialLR", "milestones": [50],
              "schedulers": [{"name": "LinearLR", "start_factor": 0.1, "total_iters": 50}, {"name": "ExponentialLR", "gamma": 0.99}]}}]}"#,
        )
        .unwrap();
        assert_eq!(
            card_name(&spec.racers[0]).1,
            "lr 0.1 \u{b7} clip_grad_norm 1 \u{b7} StepLR(step_size 500)"
        );
        assert_eq!(card_name(&spec.racers[1]).1, "Adam \u{b7} lr 0.001 \u{b7} SequentialLR(schedulers LinearLR(start_factor 0.1, total_iters 50) then ExponentialLR(gamma 0.99), milestones [50])");
        let tuned = tuned_card_name(&spec.racers[0], 500).1;
        assert_eq!(tuned, "lr 0.1, tuned: best of the sweep at step 500 \u{b7} clip_grad_norm 1 \u{b7} StepLR(step_size 500)");
        let standing = Standing {
            status: Status::Ok,
            step: 3,
            position: Some([0.0, 0.0]),
            loss: 1.0,
            mean_loss: None,
            diverged_at: None,
            singular_at: None,
            arrival: None,
        };
        assert_eq!(
            tuned_card(&spec.racers[0], &standing, Some(500)).what,
            tuned
        );
        assert_eq!(
            tuned_card(&spec.racers[0], &standing, None),
            card(&spec.racers[0], &standing)
        );
        assert_eq!(
            (tuning(40, 100).as_str(), tuning(0, 0).as_str()),
            ("Tuning\u{2026} 40 %", "Tuning\u{2026} 100 %")
        );
    }

    /// The card's numbers as ECMAScript writes them (`toPrecision`, `toExponential`), ties away
    /// from zero included, where Rust's formatting rounds half to even.
    #[test]
    fn card_numbers_are_ecmascripts() {
        for (x, text) in [
            (0.28312, "0.283"),
            (2.1234e-13, "2.12e-13"),
            (1234.5, "1.23e+3"),
            (12345.0, "1.23e4"),
            (0.01, "0.0100"),
            (9.996, "10.0"),
            (0.0099999, "1.00e-2"),
            (1.125, "1.13"),
            (0.03125, "0.0313"),
            (0.003125, "3.13e-3"),
            (5e-324, "4.94e-324"),
            (f64::MAX, "1.80e308"),
            (-1.125, "-1.13"),
            (1.005, "1.00"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (0.0, "0"),
        ] {
            assert_eq!(short_loss(x), text, "{x}");
        }
        for (x, d, text) in [
            (0.125, 2, "0.13"),
            (1.005, 2, "1.00"),
            (-0.0001, 2, "-0.00"),
            (-0.0, 2, "0.00"),
            (2.5, 0, "3"),
            (99.996, 2, "100.00"),
            (1234.5678, 3, "1234.568"),
            (0.00012, 6, "0.000120"),
            (-3.0, 1, "-3.0"),
            (0.0004, 3, "0.000"),
        ] {
            assert_eq!(fixed(x, d), text, "{x} to {d}");
        }
        for (x, text) in [
            (0.001, "0.001"),
            (0.038, "0.038"),
            (0.123456789, "0.123457"),
            (2.5e-5, "2.5e-5"),
            (123456.0, "1.235e5"),
            (-1.0, "-1"),
        ] {
            assert_eq!(short_number(x), text, "{x}");
        }
    }
}
