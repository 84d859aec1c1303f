//! What `optiscape list` prints and the page builds its controls from: every optimizer and
//! landscape with its parameters, defaults, ranges and slider hints, the spec's limits, the
//! racers' palette and the presets (scenes and experiments, with their hints).

use crate::classify::digits;
use crate::classify::train::{self, TrainSpec};
use crate::landscape::{self, Mark, Point, View, SHARED};
use crate::optim::{self, OptimizerInfo, Quantity};
use crate::presets::{self, Preset};
use crate::render::colormap::{self, Dash};
use crate::schedule::{self, SchedulerInfo};
use crate::schema::{Hyper, Kind, Param};
use crate::spec::{self, RunSpec};
use serde::Serialize;
use std::fmt::Write;

#[derive(Serialize)]
pub struct LandscapeEntry {
    #[serde(flatten)]
    pub info: &'static landscape::LandscapeInfo,
    /// `scale`, `noise` and `seed`, which every landscape takes, then its own parameters.
    pub all_params: Vec<Param>,
    pub view: View,
    pub start: Point,
    pub marks: Vec<Mark>,
}

/// The training spec's fields (`optiscape train`, the page's classifier).
#[derive(Serialize)]
pub struct ClassifyEntry {
    /// The spec's own fields: dataset, model, epochs, batch_size, seed.
    pub params: Vec<Param>,
    /// The fields of an `input`, the spec's or a racer's own.
    pub input: Vec<Param>,
    /// Digits trained on and held out.
    pub train_samples: usize,
    pub test_samples: usize,
}

#[derive(Serialize)]
pub struct Limits {
    pub max_steps: u64,
    /// The largest start coordinate, in magnitude.
    pub max_start: f64,
    pub max_racers: usize,
    pub max_speed: u32,
    pub divergence_limit: f64,
    /// Most points an external racer's `trajectory` gives.
    pub max_trajectory: usize,
}

#[derive(Serialize)]
pub struct Catalog {
    pub optimizers: Vec<&'static OptimizerInfo>,
    /// The fields every racer takes beyond its optimizer's: clipping and a scheduler.
    pub racer_params: Vec<Param>,
    /// The schedulers an `lr_scheduler` field names, with their arguments.
    pub schedulers: Vec<&'static SchedulerInfo>,
    pub landscapes: Vec<LandscapeEntry>,
    /// The classifier's training spec.
    pub classify: ClassifyEntry,
    pub limits: Limits,
    /// Racer colours, "#rrggbb", in the order racers get them.
    pub palette: &'static [&'static str],
    /// Each dash pattern's on and off lengths in CSS pixels (empty: solid), by name.
    pub dashes: std::collections::BTreeMap<Dash, &'static [f64]>,
    /// The landscape page's scenes, the first the default.
    pub presets: &'static [Preset<RunSpec>],
    /// The classifier's experiments, the first the default.
    pub experiments: &'static [Preset<TrainSpec>],
    /// The page's own read-outs (beyond each optimizer's `state`), by the name it shows, with a
    /// plain-language line each for a tooltip.
    pub quantities: &'static [Quantity],
}

/// What the page shows besides an optimizer's state: its names and what they mean.
pub static GLOSSARY: &[Quantity] = &[
    Quantity { name: "loss", tip: "how high the racer stands: the landscape's value where it is (scale × f, without the noise)" },
    Quantity { name: "mean loss", tip: "with noisy gradients, the loss averaged over the latest tenth of the steps: the level the racer hovers at" },
    Quantity { name: "f", tip: "the landscape's height: the function the racers go down" },
    Quantity { name: "f \u{2212} f*", tip: "the height above the lowest point known: the colour bar counts it in powers of ten where the walls are thousands of times higher than the valley" },
    Quantity { name: "lr", tip: "the learning rate of the last step, as its scheduler set it" },
    Quantity { name: "evaluations", tip: "how many times the objective and its gradient were computed: one a step, more for L-BFGS's line search" },
    Quantity { name: "arrival", tip: "the first step at which the racer was within a pixel (a thousandth of the view's diagonal) of a known minimum" },
    Quantity { name: "last step: curvature along it", tip: "how sharply the surface bends along the last step: above 0 a valley, below 0 a ridge" },
    Quantity {
        name: "last step: model optimum α*",
        tip: "where the local bowl along the last step is lowest, in steps: 1 the step landed there, 2 it went half as far, 0.5 twice as far",
    },
    Quantity { name: "last step: degrees from \u{2212}gradient", tip: "how far the last step turned away from straight downhill: 0 for plain gradient descent, above 90 uphill" },
    Quantity { name: "Off plane", tip: "how far the racer's weights lie from the plane drawn, in units of |w_ref − w₀|: the surface under its dot is not its loss" },
    Quantity { name: "Train loss", tip: "the epoch's mean loss on the training images" },
    Quantity { name: "Test accuracy", tip: "the share of the held-out images the model labels right" },
];

pub fn catalog() -> Catalog {
    Catalog {
        optimizers: optim::REGISTRY.to_vec(),
        racer_params: spec::RACER_PARAMS.to_vec(),
        schedulers: schedule::REGISTRY.to_vec(),
        landscapes: landscape::REGISTRY
            .iter()
            .map(|&info| {
                let built = (info.build)(&Hyper::defaults(info.params));
                let mut all_params = SHARED.to_vec();
                all_params.extend_from_slice(info.params);
                LandscapeEntry { info, all_params, view: built.view, start: built.start, marks: built.marks }
            })
            .collect(),
        classify: ClassifyEntry {
            params: train::TRAIN_PARAMS.to_vec(),
            input: train::INPUT_PARAMS.to_vec(),
            train_samples: digits::TRAIN,
            test_samples: digits::TEST,
        },
        limits: Limits {
            max_steps: spec::MAX_STEPS,
            max_start: spec::MAX_START,
            max_racers: spec::MAX_RACERS,
            max_speed: spec::MAX_SPEED,
            divergence_limit: crate::race::DIVERGENCE_LIMIT,
            max_trajectory: spec::MAX_TRAJECTORY,
        },
        palette: &colormap::PALETTE,
        dashes: [Dash::Solid, Dash::Dashed, Dash::Dotted, Dash::DashDot].into_iter().map(|d| (d, d.pattern())).collect(),
        presets: presets::scenes(),
        experiments: presets::experiments(),
        quantities: GLOSSARY,
    }
}

fn describe(out: &mut String, p: &Param) {
    describe_at(out, p, 4);
}

/// A parameter's line of `optiscape list`, `indent` spaces in.
fn describe_at(out: &mut String, p: &Param, indent: usize) {
    use crate::schema::Value;
    let default = match &p.default {
        _ if p.required => "(required)".into(),
        Value::Flag(b) => b.to_string(),
        Value::Number(x) => num(*x),
        Value::Pair([a, b]) => format!("[{}, {}]", num(*a), num(*b)),
        Value::Text(t) => format!("{t:?}"),
        Value::Choice(c) => c.map_or("null".into(), |c| format!("{c:?}")),
        Value::Int(i) => i.to_string(),
        Value::Null => "null".into(),
        Value::Tuple(items) => format!("[{}]", items.iter().map(|x| x.map_or("null".into(), num)).collect::<Vec<_>>().join(", ")),
        Value::Ints(items) => format!("{items:?}"),
        Value::Scheduler(n) => n.to_json().to_string(),
        Value::Schedulers(list) => format!("{} schedulers", list.len()),
    };
    let or_null = |nullable: bool| if nullable { " or null" } else { "" };
    let range = match p.kind {
        Kind::Number { range, .. } => format!("in {range}"),
        Kind::Pair { range, .. } => format!("each in {range}"),
        Kind::Flag => "true or false".into(),
        Kind::Text { max_chars } => format!("text, <= {max_chars} chars"),
        Kind::Choice { choices, nullable } => {
            let names: Vec<String> = choices.iter().map(|c| format!("{c:?}")).chain(nullable.then(|| "null".into())).collect();
            names.join(" | ")
        }
        Kind::Integer { range, nullable, .. } => format!("whole, in {range}{}", or_null(nullable)),
        Kind::OptionalNumber { range, .. } => format!("in {range} or null"),
        Kind::Tuple { items } => {
            let items: Vec<String> = items.iter().map(|i| format!("{}{}", i.range, or_null(i.nullable))).collect();
            format!("[{}]", items.join(", "))
        }
        Kind::Integers { range, increasing } => format!("whole numbers in {range}{}", if increasing { ", increasing" } else { "" }),
        Kind::Scheduler { nullable } => format!("a scheduler{}", or_null(nullable)),
        Kind::Schedulers => "a list of schedulers".into(),
    };
    let _ = writeln!(out, "{:indent$}{:<w$} {:<16} {:<22} {}", "", p.name, default, range, p.doc, w = 30 - indent);
}

fn num(x: f64) -> String {
    if x != 0.0 && (x.abs() < 1e-3 || x.abs() >= 1e6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The catalog for people.
pub fn text() -> String {
    let cat = catalog();
    let mut out = String::from("OPTIMIZERS (hyperparameter, default, valid values)\n");
    for o in &cat.optimizers {
        let _ = writeln!(out, "\n  {}  ({}; reference: {})", o.name, o.title, o.reference);
        o.params.iter().for_each(|p| describe(&mut out, p));
    }
    out.push_str("\nEVERY RACER (beyond its optimizer's hyperparameters)\n\n");
    cat.racer_params.iter().for_each(|p| describe(&mut out, p));
    out.push_str("\nSCHEDULERS (lr_scheduler: {\"name\": <class>, <arguments>}; argument, default, valid values)\n");
    for s in &cat.schedulers {
        let _ = writeln!(out, "\n  {}  ({}; reference: torch.optim.lr_scheduler.{})", s.name, s.doc, s.name);
        s.params.iter().for_each(|p| describe(&mut out, p));
    }
    out.push_str("\nLANDSCAPES (parameter, default, valid values)\n");
    for l in &cat.landscapes {
        let _ = writeln!(out, "\n  {}  ({}: f = {})", l.info.name, l.info.title, l.info.formula);
        let _ = writeln!(out, "    view x {:?} y {:?}, default start {:?}", l.view.x, l.view.y, l.start);
        l.all_params.iter().for_each(|p| describe(&mut out, p));
    }
    out.push_str("\nTRAINING SPEC (optiscape train; field, default, valid values)\n\n");
    cat.classify.params.iter().for_each(|p| describe(&mut out, p));
    let racers = format!("1 to {} racers", spec::MAX_RACERS);
    let _ = writeln!(out, "    {:<26} {:<16} {racers:<22} as a run spec's, each with an optional input of its own", "racers", "(required)");
    out.push_str("    input                      {}               an object              the inputs every racer trains on:\n");
    cat.classify.input.iter().for_each(|p| describe_at(&mut out, p, 6));
    out.push_str("\nPRESETS (scenes of the page, then the classifier's experiments)\n\n");
    for (id, title) in cat.presets.iter().map(|p| (&p.id, &p.title)).chain(cat.experiments.iter().map(|p| (&p.id, &p.title))) {
        let _ = writeln!(out, "  {id:<14} {title}");
    }
    let _ = writeln!(
        out,
        "\nLIMITS: steps <= {}, racers <= {}, divergence when |coordinate| > {:e} or a value is not finite",
        cat.limits.max_steps, cat.limits.max_racers, cat.limits.divergence_limit
    );
    out
}

pub fn json() -> String {
    serde_json::to_string_pretty(&catalog()).expect("the catalog always serializes")
}
