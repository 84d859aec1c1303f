//! `optiscape torch`: one self-contained PyTorch script that reruns a race (or a training race)
//! in float64: torch and the standard library only, matplotlib if it is installed.
//!
//! For a run spec ([`race_script`]) the script builds the landscape as a torch function (a typed
//! formula translated operation by operation, [`landscape`]), turned and scaled as the spec says,
//! with the noise's very draws (SplitMix64 and Irwin–Hall, ported); the racers as torch.optim
//! optimizers with the spec's hyperparameters, schedulers and clipping, and, where torch has no
//! such optimizer (Newton, AdaBelief, Lion), a class written by hand in its reference's order of
//! operations (`python/*.py`, included as they are). It races them from the same start and
//! prints each racer's last point and loss (`--json`: every point, as `optiscape run` does).
//! The gradients are torch.autograd's and the elementary functions the platform's, where
//! optiscape's are analytic and correctly rounded: the points agree to about 1e-12, not to the
//! bit (`tests/torch_script.rs` holds every preset to it).
//!
//! For a training spec ([`train_script`]) the script trains the same classifier on the same
//! digits (embedded) in the seed notebook's loop; see [`train`].

mod landscape;
mod literal;
mod train;

pub use landscape::formula_to_torch;
pub use train::{train_script, train_script_with};

use crate::optim::OptimizerInfo;
use crate::render::colormap;
use crate::schema::{Named, Param, Value};
use crate::spec::{RacerSpec, RunSpec};
use literal::{float, string, value};

const NOISE: &str = include_str!("python/noise.py");
const NEWTON: &str = include_str!("python/newton.py");
const LION: &str = include_str!("python/lion.py");
const ADABELIEF: &str = include_str!("python/adabelief.py");
const RACE: &str = include_str!("python/race.py");

/// The script of a spec's text: a training spec (it has a `model`) or a run spec.
pub fn script(text: &str) -> Result<String, String> {
    let json = serde_json::from_str::<serde_json::Value>(text).ok();
    if json.is_some_and(|j| j.get("model").is_some() && j.get("landscape").is_none()) {
        Ok(train_script(&crate::classify::train::TrainSpec::parse(
            text,
        )?))
    } else {
        Ok(race_script(&RunSpec::parse(text)?))
    }
}

/// The PyTorch script of the race of `spec`.
pub fn race_script(spec: &RunSpec) -> String {
    let built = spec.landscape.build();
    let start = spec.start_point(&built);
    let view = spec.view.unwrap_or(built.view);
    let l = &spec.landscape;
    let uses = |name: &str| spec.racers.iter().any(|r| r.info.name == name);
    let title = format!(
        "{}, {} racer{}, {} steps",
        l.info.title,
        spec.racers.len(),
        if spec.racers.len() == 1 { "" } else { "s" },
        spec.steps
    );

    let mut out = header(
        &title,
        "an optiscape race",
        &spec.to_json(),
        RUN_USAGE,
        &["json", "math", "sys"],
    );
    out.push_str("\n# --- The landscape -----------------------------------------------------------------------------\n");
    out.push_str(&landscape::function(l));
    out.push_str(&format!("\n\nSCALE = {}\n", float(l.scale)));
    let (point, turned) = if l.rotate != 0.0 {
        let centre = [
            0.5 * (built.view.x[0] + built.view.x[1]),
            0.5 * (built.view.y[0] + built.view.y[1]),
        ];
        let (_, cos, sin) = crate::landscape::Rotation::new(l.rotate, centre).parts();
        out.push_str(&format!(
            "\n# The landscape turned by {} degrees counter-clockwise about the centre of its default view:
# f is read at c + R(-θ)(p - c). The cosine and sine are optimizer's own (correctly rounded).
CENTRE, COS, SIN = ({}, {}), {}, {}


def under(x, y):
    \"\"\"The point of the unturned landscape under (x, y).\"\"\"
    dx, dy = x - CENTRE[0], y - CENTRE[1]
    return CENTRE[0] + (COS * dx + SIN * dy), CENTRE[1] + (COS * dy - SIN * dx)

",
            float(l.rotate),
            float(centre[0]),
            float(centre[1]),
            float(cos),
            float(sin)
        ));
        ("*under(p[0], p[1])", true)
    } else {
        ("p[0], p[1]", false)
    };
    out.push_str(&format!(
        "\n\ndef unscaled(p):
    \"\"\"f{} at p = (x, y) (or at two grids), before the scale.\"\"\"
    return f({point})


def objective(p):
    \"\"\"The optimized objective, SCALE * f: the loss every racer reports.\"\"\"
    return SCALE * unscaled(p)
",
        if turned { " turned" } else { "" }
    ));
    if l.noise.is_none() {
        out.push_str(
            "\n
def step_loss(p, k):
    \"\"\"What step k differentiates, before the scale: f itself (no noise). A step's gradient is
    SCALE times its gradient, as optiscape computes it.\"\"\"
    return unscaled(p)
",
        );
    } else {
        out.push_str(&format!(
            "\n\nNOISE, SEED = {}, {}\n\n",
            float(l.noise.std),
            l.noise.seed
        ));
        out.push_str(NOISE);
        out.push_str(
            "\n
def step_loss(p, k):
    \"\"\"What step k differentiates, before the scale: a mini-batch's loss f + NOISE xi_k . p, whose
    gradient is grad f + NOISE xi_k. A step's gradient is SCALE times it, as optiscape computes it;
    the loss each racer reports is the noise-free objective.\"\"\"
    xi = draw(k)
    return unscaled(p) + (xi[0] * p[0] + xi[1] * p[1])
",
        );
    }
    if uses("newton") {
        out.push_str(
            "\n
def hessian(p):
    \"\"\"The objective's Hessian at p, by torch.autograd (Newton's method asks for it).\"\"\"
    return SCALE * torch.autograd.functional.hessian(unscaled, p.reshape(-1))
",
        );
    }
    let hand: Vec<(&str, &str)> = [("newton", NEWTON), ("adabelief", ADABELIEF), ("lion", LION)]
        .into_iter()
        .filter(|(n, _)| uses(n))
        .collect();
    if !hand.is_empty() {
        out.push_str("\n\n# --- Optimizers torch.optim does not have, written by hand ---------------------------------------\n");
        for (_, code) in hand {
            out.push_str("\n\n");
            out.push_str(code);
        }
    }
    out.push_str("\n\n# --- The racers -------------------------------------------------------------------------------\n");
    out.push_str(&format!("TITLE = {}\n", string(&title)));
    out.push_str(&format!(
        "START = [{}, {}]\n",
        float(start[0]),
        float(start[1])
    ));
    out.push_str(&format!("STEPS = {}\n", spec.steps));
    out.push_str(&format!(
        "VIEW = [[{}, {}], [{}, {}]]\n",
        float(view.x[0]),
        float(view.x[1]),
        float(view.y[0]),
        float(view.y[1])
    ));
    out.push_str("RACERS = [\n");
    for (i, r) in spec.racers.iter().enumerate() {
        out.push_str(&racer(i, r));
    }
    out.push_str("]\n\n\n");
    out.push_str(RACE);
    out
}

const RUN_USAGE: &str = "It builds the landscape as a torch function, the racers as torch.optim optimizers with the same
hyperparameters, schedulers and clipping (and, where torch has none, a class written by hand in
its reference's order of operations), and races them in float64 from the same start, with the
same noise draws. Run it where torch is installed:

    python3 race.py            # each racer's last point and loss; with matplotlib, a plot
    python3 race.py --json     # every point, as `optiscape run` prints them
    python3 race.py --no-plot

The gradients here are torch.autograd's and exp, log, sin, cos... the platform's, where optiscape
differentiates analytically with correctly rounded functions: the points agree with optiscape's
to about 1e-12, and a chaotic race, which grows a last-bit difference, may part further.";

/// The script's opening: what it is, how to run it, the spec it came from, and the imports
/// (torch, and these modules of Python's standard library).
pub(crate) fn header(
    title: &str,
    what: &str,
    spec_json: &str,
    usage: &str,
    modules: &[&str],
) -> String {
    let imports: String = modules.iter().map(|m| format!("import {m}\n")).collect();
    format!(
        "#!/usr/bin/env python3
\"\"\"{title}: {what}, in PyTorch.

Made by `optiscape torch` (optiscape {}) from the spec at the end of this text.
{usage}

The spec:

    {}
\"\"\"

{imports}
import torch

torch.set_default_dtype(torch.float64)
",
        env!("CARGO_PKG_VERSION"),
        pretty(spec_json)
            .replace('\\', "\\\\")
            .replace("\n", "\n    ")
    )
}

/// A spec's JSON with a line for each top-level field and for each racer.
fn pretty(json: &str) -> String {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(json)
    else {
        return json.to_string();
    };
    let lines: Vec<String> = fields
        .iter()
        .map(|(k, v)| match v {
            serde_json::Value::Array(items) if k == "racers" => {
                format!(
                    "\"{k}\": [\n    {}]",
                    items
                        .iter()
                        .map(|r| r.to_string())
                        .collect::<Vec<_>>()
                        .join(",\n    ")
                )
            }
            _ => format!("\"{k}\": {v}"),
        })
        .collect();
    format!("{{{}}}", lines.join(",\n "))
}

/// One entry of `RACERS`.
fn racer(i: usize, r: &RacerSpec) -> String {
    let matrix = if r.info.name == "muon" {
        ", \"matrix\": True"
    } else {
        ""
    };
    format!(
        "    {{{}, \"optimizer\": lambda params: {},\n     {}{matrix}}},\n",
        identity(i, r),
        optimizer(r),
        schedule_and_clipping(r)
    )
}

/// A racer's `"label"` and `"color"` entries.
fn identity(i: usize, r: &RacerSpec) -> String {
    let color = r
        .color
        .clone()
        .unwrap_or_else(|| colormap::to_hex(colormap::racer_color(i)));
    format!(
        "\"label\": {}, \"color\": {}",
        string(r.display_name()),
        string(&color)
    )
}

/// A racer's `"scheduler"`, `"clip_grad_norm"` and `"clip_grad_value"` entries.
fn schedule_and_clipping(r: &RacerSpec) -> String {
    let scheduler = r.schedule.as_ref().map_or("None".to_string(), |s| {
        format!("lambda opt: {}", scheduler(s))
    });
    let clip = |x: Option<f64>| x.map_or("None".to_string(), float);
    format!(
        "\"scheduler\": {scheduler}, \"clip_grad_norm\": {}, \"clip_grad_value\": {}",
        clip(r.clip.norm),
        clip(r.clip.value)
    )
}

/// The optimizer's constructor on `params` with `lr` and every argument away from its default
/// (torch's defaults are optiscape's: the rest need not be written).
pub fn optimizer(r: &RacerSpec) -> String {
    optimizer_on(r, "params")
}

fn optimizer_on(r: &RacerSpec, params: &str) -> String {
    let args = arguments(r.info.params, r.hyper.iter(), |p| p.name == "lr");
    match r.info.name {
        "newton" => format!("Newton({params}, {args}, hessian=hessian)"),
        "lion" => format!("Lion({params}, {args})"),
        "adabelief" => format!("AdaBelief({params}, {args})"),
        _ => format!("{}({params}, {args})", torch_class(r.info)),
    }
}

/// `torch.optim.Adam`: the reference of an optimizer torch has.
fn torch_class(info: &OptimizerInfo) -> &'static str {
    info.reference
        .split_whitespace()
        .next()
        .filter(|c| c.starts_with("torch.optim."))
        .unwrap_or_else(|| unreachable!("{} is in torch.optim", info.name))
}

/// `name=value, ...` for the values away from their defaults, and those `always` names.
fn arguments<'a>(
    params: &[Param],
    values: impl Iterator<Item = (&'static str, &'a Value)>,
    always: impl Fn(&Param) -> bool,
) -> String {
    params
        .iter()
        .zip(values)
        .filter(|(p, (_, v))| always(p) || p.required || **v != p.default)
        .map(|(_, (name, v))| match v {
            Value::Schedulers(list) => format!(
                "{name}=[{}]",
                list.iter().map(scheduler).collect::<Vec<_>>().join(", ")
            ),
            _ => format!("{name}={}", value(v)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A scheduler's constructor against `opt` (SequentialLR's and ChainedScheduler's own
/// schedulers built first, in order, as torch wants them).
fn scheduler(n: &Named) -> String {
    let params = crate::schedule::find(n.name).map_or(&[][..], |i| i.params);
    let args = arguments(params, n.hyper.iter(), |_| false);
    let class = format!("torch.optim.lr_scheduler.{}", n.name);
    match (n.name, args.is_empty()) {
        ("ChainedScheduler", _) => format!(
            "{class}({}, optimizer=opt)",
            args.trim_start_matches("schedulers=")
        ),
        (_, true) => format!("{class}(opt)"),
        (_, false) => format!("{class}(opt, {args})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_name_what_differs_from_torchs_defaults() {
        let spec = RunSpec::parse(
            r#"{"landscape": {"name": "quadratic"}, "racers": [
            {"name": "sgd", "lr": 0.01, "momentum": 0.9, "nesterov": true},
            {"name": "adam", "betas": [0.9, 0.99], "lr_scheduler": {"name": "StepLR", "step_size": 10}},
            {"name": "adafactor", "eps": [1e-30, 0.01]},
            {"name": "newton", "fallback": null},
            {"name": "sgd", "lr_scheduler": {"name": "SequentialLR", "milestones": [5],
              "schedulers": [{"name": "LinearLR", "start_factor": 0.1, "total_iters": 5}, {"name": "ExponentialLR", "gamma": 0.9}]}},
            {"name": "sgd", "lr_scheduler": {"name": "ChainedScheduler", "schedulers": [{"name": "ConstantLR"}, {"name": "ExponentialLR", "gamma": 0.9}]}}]}"#,
        )
        .unwrap();
        let r = &spec.racers;
        assert_eq!(
            optimizer(&r[0]),
            "torch.optim.SGD(params, lr=0.01, momentum=0.9, nesterov=True)"
        );
        assert_eq!(
            optimizer(&r[1]),
            "torch.optim.Adam(params, lr=0.001, betas=(0.9, 0.99))"
        );
        assert_eq!(
            scheduler(r[1].schedule.as_ref().unwrap()),
            "torch.optim.lr_scheduler.StepLR(opt, step_size=10)"
        );
        assert_eq!(
            optimizer(&r[2]),
            "torch.optim.Adafactor(params, lr=0.01, eps=(1e-30, 0.01))"
        );
        assert_eq!(
            optimizer(&r[3]),
            "Newton(params, lr=1.0, fallback=None, hessian=hessian)"
        );
        assert_eq!(
            scheduler(r[4].schedule.as_ref().unwrap()),
            "torch.optim.lr_scheduler.SequentialLR(opt, schedulers=[torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1), torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)], milestones=[5])"
        );
        assert_eq!(
            scheduler(r[5].schedule.as_ref().unwrap()),
            "torch.optim.lr_scheduler.ChainedScheduler([torch.optim.lr_scheduler.ConstantLR(opt), torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)], optimizer=opt)"
        );
    }
}
