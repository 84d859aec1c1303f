//! The real `optiscape` binary: `run` from stdin and from `--spec FILE`, divergence reported per
//! racer, every bad input an exit code and one line on stderr, `list` and `list --json` with
//! torch's defaults.

use optiscape::landscape::{self, Objective};
use optiscape::optim;
use optiscape::race;
use optiscape::spec::{RunSpec, MAX_SPEC_BYTES};
use serde_json::{json, Value};
use std::process::Output;

mod common;
use common::{assert_fails, cli, stderr, stdout};

/// The issue's example spec.
const EXAMPLE: &str = r#"{"landscape": {"name": "rosenbrock", "scale": 1.0},
 "start": [-1.2, 1.0], "steps": 500,
 "racers": [{"name": "adam", "lr": 0.05, "betas": [0.9, 0.999]},
            {"name": "sgd", "lr": 0.001, "momentum": 0.9, "nesterov": true}]}"#;

/// A successful run's output, parsed.
fn ok_json(out: &Output) -> Value {
    assert!(out.status.success(), "exit {:?}, stderr: {}", out.status, stderr(out));
    assert_eq!(stderr(out), "", "a successful run writes nothing to stderr");
    serde_json::from_str(stdout(out)).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(out)))
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

/// Checks one racer of a successful `run`: lengths, status, and loss = scale * f(point).
fn check_racer(r: &Value, steps: usize, objective: &Objective) {
    let trajectory = r["trajectory"].as_array().unwrap();
    let loss = r["loss"].as_array().unwrap();
    assert_eq!(trajectory.len(), steps + 1, "{}", r["name"]);
    assert_eq!(loss.len(), trajectory.len());
    assert_eq!(r["status"], "ok");
    assert_eq!(r["diverged_at"], Value::Null);
    for (p, l) in trajectory.iter().zip(loss) {
        let p = [num(&p[0]), num(&p[1])];
        // Printed with full precision: the parsed numbers are the computed ones, bit for bit.
        assert_eq!(num(l), objective.value(p), "{} at {p:?}", r["name"]);
    }
}

fn objective(spec: &RunSpec) -> Objective {
    spec.landscape.objective(spec.landscape.build().f)
}

#[test]
fn the_issue_example_runs() {
    let out = cli(&["run"], EXAMPLE);
    let result = ok_json(&out);
    let spec = RunSpec::parse(EXAMPLE).unwrap();
    let racers = result["racers"].as_array().unwrap();
    assert_eq!(racers.len(), 2);
    assert_eq!(racers[0]["name"], "adam");
    assert_eq!(racers[1]["name"], "sgd");
    for r in racers {
        check_racer(r, 500, &objective(&spec));
        assert_eq!(r["trajectory"][0], json!([-1.2, 1.0]));
        assert!(r.get("label").is_none());
    }
    // Exactly what the library computes, printed as JSON on one line.
    assert_eq!(stdout(&out), serde_json::to_string(&race::run(&spec)).unwrap() + "\n");
}

#[test]
fn labels_scale_and_defaults_are_honoured() {
    let text = r##"{"landscape": {"name": "quadratic", "condition": 50, "scale": 1e3}, "steps": 40,
        "racers": [{"name": "sgd", "lr": 1e-5, "momentum": 0.9, "nesterov": true, "label": "Nesterov", "color": "#0072b2"},
                   {"name": "newton", "label": "Newton ✓"}]}"##;
    let result = ok_json(&cli(&["run"], text));
    let spec = RunSpec::parse(text).unwrap();
    let racers = result["racers"].as_array().unwrap();
    assert_eq!(racers[0]["label"], "Nesterov");
    assert_eq!(racers[1]["label"], "Newton ✓");
    for r in racers {
        check_racer(r, 40, &objective(&spec));
        // The quadratic's default start.
        assert_eq!(r["trajectory"][0], json!([-3.5, 1.5]));
    }
    // Newton reaches the minimum in one step.
    assert!(num(&racers[1]["loss"][1]).abs() < 1e-20);
}

#[test]
fn a_spec_file_works_like_stdin() {
    let path = std::env::temp_dir().join(format!("optiscape-cli-test-{}.json", std::process::id()));
    std::fs::write(&path, EXAMPLE).unwrap();
    let from_file = cli(&["run", "--spec", path.to_str().unwrap()], "");
    std::fs::remove_file(&path).unwrap();
    ok_json(&from_file);
    assert_eq!(stdout(&from_file), stdout(&cli(&["run"], EXAMPLE)));
    let missing = path.with_extension("missing.json");
    assert_fails(&cli(&["run", "--spec", missing.to_str().unwrap()], ""), "cannot read", "missing spec file");
    let latin1 = path.with_extension("latin1.json");
    std::fs::write(&latin1, b"{\"landscape\": {\"name\": \"caf\xe9\"}}").unwrap();
    let out = cli(&["run", "--spec", latin1.to_str().unwrap()], "");
    std::fs::remove_file(&latin1).unwrap();
    assert_fails(&out, "spec is not UTF-8 text: invalid bytes at offset 27", "a file that is not UTF-8");
}

/// `optiscape train` reads its spec by the same rules, with the same one-line errors.
#[test]
fn train_rejects_bad_specs_like_run() {
    for (text, needle, what) in [
        (r#"{"model": "linear", "racers": [{"name": "adam", "lr": 0.1, "lr": 0.2}]}"#.to_string(), "racers[0]: duplicate field `lr`", "a key given twice"),
        (r#"{"model": "linear", "input": ["raw", 2], "racers": [{"name": "adam"}]}"#.into(), "input: invalid type: sequence, expected an object", "a list for input"),
        (r#"{"model": "linear", "racers": [{"name": "ad\nam"}]}"#.into(), "unknown optimizer `ad\\nam`", "a newline in a name"),
        (r#"{"model": "linear", "racers": [{"name": "adam"}]} {}"#.into(), "trailing characters", "two documents"),
        (r#"{"model": "linear", "racers": [{"name": "newton"}]}"#.into(), "needs a Hessian", "newton"),
        (format!(r#"{{"a":"{}"}}"#, "é".repeat(MAX_SPEC_BYTES)), &format!("more than {MAX_SPEC_BYTES} bytes"), "over the limit cut inside a character"),
    ] {
        assert_fails(&cli(&["train"], &text), needle, what);
    }
}

#[test]
fn a_diverging_racer_stops_and_the_others_carry_on() {
    let text = r#"{"landscape": {"name": "rosenbrock"}, "steps": 300,
        "racers": [{"name": "sgd", "lr": 10}, {"name": "adam", "lr": 0.01}, {"name": "sgd", "lr": 1e-3}]}"#;
    let spec = RunSpec::parse(text).unwrap();
    let result = ok_json(&cli(&["run"], text));
    let racers = result["racers"].as_array().unwrap();
    let bad = &racers[0];
    assert_eq!(bad["status"], "diverged");
    let k = bad["diverged_at"].as_u64().expect("diverged_at is the step");
    assert!((1..300).contains(&k), "{k}");
    assert_eq!(bad["trajectory"].as_array().unwrap().len() as u64, k, "points 0..k-1 are kept");
    assert_eq!(bad["loss"].as_array().unwrap().len() as u64, k);
    for c in bad["trajectory"].as_array().unwrap().iter().flat_map(|p| p.as_array().unwrap()) {
        assert!(num(c).abs() <= race::DIVERGENCE_LIMIT, "{c}");
    }
    assert!(bad["loss"].as_array().unwrap().iter().all(|l| num(l).is_finite()));
    for r in &racers[1..] {
        check_racer(r, 300, &objective(&spec));
    }
}

#[test]
fn bad_inputs_fail_with_one_line_naming_the_problem() {
    let racer = |r: &str| format!(r#"{{"landscape": {{"name": "rosenbrock"}}, "racers": [{r}]}}"#);
    let (at_most, more_than) = (format!("at most {MAX_SPEC_BYTES}"), format!("more than {MAX_SPEC_BYTES} bytes"));
    let cases: Vec<(String, &str, &str)> = vec![
        (racer(r#"{"name": "adma"}"#), "unknown optimizer `adma`", "unknown optimizer"),
        (racer(r#"{"name": "adam", "beta": [0.9, 0.99]}"#), "unknown field `beta`", "unknown field beta"),
        (racer(r#"{"name": "sgd", "lr": -1}"#), "`lr` must be in [0, inf)", "lr -1"),
        (racer(r#"{"name": "adam", "betas": [0.9, 1.0]}"#), "`betas[1]` must be in [0, 1)", "betas [0.9, 1.0]"),
        (racer(r#"{"name": "adam", "eps": -1}"#), "`eps` must be in [0, inf)", "eps -1"),
        (racer(r#"{"name": "sgd", "nesterov": true}"#), "`nesterov` requires", "nesterov without momentum"),
        (racer(r#"{"name": "lion", "lr": 0}"#), "`lr` must be in (0, inf)", "lion lr 0"),
        (racer(r#"{"name": "ad\nam"}"#), "unknown optimizer `ad\\nam`", "a newline in a name"),
        (
            r#"{"landscape": {"name": "rosenbrock", "scale": 0}, "racers": [{"name": "adam"}]}"#.into(),
            "`scale` must be in (0, inf)",
            "scale 0",
        ),
        (r#"{"landscape": {"name": "moon"}, "racers": [{"name": "adam"}]}"#.into(), "unknown landscape `moon`", "unknown landscape"),
        (
            r#"{"landscape": {"name": "custom", "f": "x^2 + * y"}, "racers": [{"name": "adam"}]}"#.into(),
            "landscape: `f`: unexpected `*` at character 7",
            "a formula that does not parse",
        ),
        (
            r#"{"landscape": {"name": "custom", "f": "z^2"}, "racers": [{"name": "adam"}]}"#.into(),
            "landscape: `f`: unknown name `z` at character 1",
            "a formula with an unknown name",
        ),
        (r#"{"landscape": {"name": "custom", "f": 3}, "racers": [{"name": "adam"}]}"#.into(), "`f` must be text", "a formula that is a number"),
        (r#"{"landscape": {"name": "rosenbrock"}, "start": [1e300, 0], "racers": [{"name": "adam"}]}"#.into(), "start", "start 1e300"),
        (r#"{"landscape": {"name": "rosenbrock"}, "start": [1e999, 0], "racers": [{"name": "adam"}]}"#.into(), "start", "start 1e999"),
        (
            r#"{"landscape": {"name": "rosenbrock"}, "steps": 2000000, "racers": [{"name": "adam"}]}"#.into(),
            "steps: `optiscape run` keeps every point, so (steps + 1) x racers must stay within 2000000, got (2000000 + 1) x 1",
            "steps",
        ),
        (r#"{"landscape": {"name": "rosenbrock"}, "steps": 10000000000, "racers": [{"name": "adam"}]}"#.into(), "steps: at most 1000000000", "steps 1e10"),
        (r#"{"landscape": {"name": "rosenbrock"}, "racers": []}"#.into(), "at least one racer", "no racers"),
        (
            r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam"}], "stpes": 3}"#.into(),
            "unknown field `stpes`",
            "top-level typo",
        ),
        (r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam"}]"#.into(), "EOF while parsing", "unclosed"),
        (r#"{landscape: 1}"#.into(), "key must be a string", "unquoted key"),
        (r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam"}]} {}"#.into(), "trailing characters", "two documents"),
        ("".into(), "EOF while parsing a value", "empty stdin"),
        ("\n\n  \n".into(), "EOF while parsing a value", "blank stdin"),
        (" ".repeat(MAX_SPEC_BYTES + 10), at_most.as_str(), "stdin over the size limit"),
        // Read up to one byte past the limit: here that byte is the first half of an "é".
        (format!(r#"{{"a":"{}"}}"#, "é".repeat(MAX_SPEC_BYTES)), more_than.as_str(), "stdin over the limit cut inside a character"),
        (racer(r#"{"name": "adam", "lr": 0.1, "lr": 0.2}"#), "racers[0]: duplicate field `lr`", "a key given twice"),
        (r#"[{"name": "rosenbrock"}, null, 500, [{"name": "adam"}], null, null]"#.into(), "expected an object", "a list for the spec"),
    ];
    for (text, needle, what) in &cases {
        assert_fails(&cli(&["run"], text), needle, what);
    }
}

#[test]
fn unknown_commands_fail() {
    assert_fails(&cli(&["frobnicate"], ""), "unknown arguments `frobnicate`", "unknown command");
    assert_fails(&cli(&["run", "--spec"], ""), "run: `--spec` needs a value", "--spec without a file");
    assert_fails(&cli(&["list", "--yaml"], ""), "unknown arguments", "list --yaml");
    // No command prints the usage after the error (several lines), and fails.
    let out = cli(&[], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("optiscape: error: no command given"));
    let help = cli(&["help"], "");
    assert!(help.status.success() && stdout(&help).contains("optiscape run"));
}

#[test]
fn list_names_every_optimizer_and_landscape() {
    let out = cli(&["list"], "");
    assert!(out.status.success());
    assert_eq!(stderr(&out), "");
    let text = stdout(&out);
    let words: std::collections::HashSet<&str> = text.split(|c: char| !(c.is_alphanumeric() || c == '_')).collect();
    for o in optim::REGISTRY {
        assert!(words.contains(o.name), "`list` does not name {}", o.name);
        for p in o.params {
            assert!(words.contains(p.name), "`list` does not show {}'s {}", o.name, p.name);
        }
    }
    for l in landscape::REGISTRY {
        assert!(words.contains(l.name), "`list` does not name {}", l.name);
    }
}

#[test]
fn list_json_has_every_parameter_with_torch_defaults() {
    let cat = ok_json(&cli(&["list", "--json"], ""));
    let optimizers = cat["optimizers"].as_array().unwrap();
    let names: Vec<&str> = optimizers.iter().map(|o| o["name"].as_str().unwrap()).collect();
    let expected: Vec<&str> = optim::REGISTRY.iter().map(|o| o.name).collect();
    assert_eq!(names, expected);
    let default = |opt: &str, param: &str| -> Value {
        let o = optimizers.iter().find(|o| o["name"] == opt).unwrap_or_else(|| panic!("no {opt}"));
        o["params"].as_array().unwrap().iter().find(|p| p["name"] == param).unwrap_or_else(|| panic!("{opt} has no {param}"))["default"]
            .clone()
    };
    // Every parameter of the registry, with its default.
    for o in optim::REGISTRY {
        let listed = optimizers.iter().find(|x| x["name"] == o.name).unwrap()["params"].as_array().unwrap();
        assert_eq!(listed.len(), o.params.len(), "{}", o.name);
        for p in o.params {
            assert_eq!(default(o.name, p.name), serde_json::to_value(&p.default).unwrap(), "{} {}", o.name, p.name);
        }
    }
    // torch.optim's (and the reference packages') defaults.
    for (opt, param, value) in [
        ("sgd", "lr", json!(1e-3)),
        ("sgd", "momentum", json!(0.0)),
        ("sgd", "dampening", json!(0.0)),
        ("sgd", "nesterov", json!(false)),
        ("adam", "lr", json!(1e-3)),
        ("adam", "betas", json!([0.9, 0.999])),
        ("adam", "eps", json!(1e-8)),
        ("adam", "weight_decay", json!(0.0)),
        ("adam", "amsgrad", json!(false)),
        ("adamw", "weight_decay", json!(0.01)),
        ("adamw", "eps", json!(1e-8)),
        ("adagrad", "lr", json!(0.01)),
        ("adagrad", "eps", json!(1e-10)),
        ("adagrad", "lr_decay", json!(0.0)),
        ("adagrad", "initial_accumulator_value", json!(0.0)),
        ("adadelta", "lr", json!(1.0)),
        ("adadelta", "rho", json!(0.9)),
        ("adadelta", "eps", json!(1e-6)),
        ("nadam", "lr", json!(0.002)),
        ("nadam", "momentum_decay", json!(0.004)),
        ("nadam", "eps", json!(1e-8)),
        ("radam", "lr", json!(1e-3)),
        ("radam", "betas", json!([0.9, 0.999])),
        ("adamax", "lr", json!(0.002)),
        ("adamax", "eps", json!(1e-8)),
        ("rmsprop", "lr", json!(0.01)),
        ("rmsprop", "alpha", json!(0.99)),
        ("rmsprop", "eps", json!(1e-8)),
        ("rmsprop", "centered", json!(false)),
        ("adabelief", "eps", json!(1e-16)),
        ("adabelief", "betas", json!([0.9, 0.999])),
        ("adabelief", "weight_decouple", json!(true)),
        ("adabelief", "rectify", json!(true)),
        ("lion", "lr", json!(1e-4)),
        ("lion", "betas", json!([0.9, 0.99])),
        ("lion", "weight_decay", json!(0.0)),
        ("newton", "lr", json!(1.0)),
        ("newton", "damping", json!(0.0)),
        ("rprop", "lr", json!(0.01)),
        ("rprop", "etas", json!([0.5, 1.2])),
        ("rprop", "step_sizes", json!([1e-6, 50.0])),
        ("asgd", "lr", json!(0.01)),
        ("asgd", "lambd", json!(1e-4)),
        ("asgd", "alpha", json!(0.75)),
        ("asgd", "t0", json!(1e6)),
        ("asgd", "weight_decay", json!(0.0)),
        ("adafactor", "lr", json!(0.01)),
        ("adafactor", "beta2_decay", json!(-0.8)),
        ("adafactor", "eps", json!([null, 1e-3])),
        ("adafactor", "d", json!(1.0)),
        ("adafactor", "weight_decay", json!(0.0)),
        ("muon", "lr", json!(1e-3)),
        ("muon", "weight_decay", json!(0.1)),
        ("muon", "momentum", json!(0.95)),
        ("muon", "nesterov", json!(true)),
        ("muon", "ns_coefficients", json!([3.4445, -4.775, 2.0315])),
        ("muon", "eps", json!(1e-7)),
        ("muon", "ns_steps", json!(5)),
        ("muon", "adjust_lr_fn", json!(null)),
        ("lbfgs", "lr", json!(1.0)),
        ("lbfgs", "max_iter", json!(20)),
        ("lbfgs", "max_eval", json!(null)),
        ("lbfgs", "tolerance_grad", json!(1e-7)),
        ("lbfgs", "tolerance_change", json!(1e-9)),
        ("lbfgs", "history_size", json!(100)),
        ("lbfgs", "line_search_fn", json!(null)),
    ] {
        assert_eq!(default(opt, param), value, "{opt} {param}");
    }
    // Landscapes: every one, `scale`, `noise`, `seed` and `rotate` first among its parameters (the page puts
    // the first under the plot), default start inside the view.
    let landscapes = cat["landscapes"].as_array().unwrap();
    assert_eq!(landscapes.len(), landscape::REGISTRY.len());
    for (l, info) in landscapes.iter().zip(landscape::REGISTRY) {
        assert_eq!(l["name"], info.name);
        assert_eq!(l["all_params"][0]["name"], "scale");
        assert_eq!(l["all_params"][0]["default"], json!(1.0));
        assert_eq!((&l["all_params"][1]["name"], &l["all_params"][1]["default"]), (&json!("noise"), &json!(0.0)));
        assert_eq!((&l["all_params"][2]["name"], &l["all_params"][2]["default"]), (&json!("seed"), &json!(0.0)));
        assert_eq!((&l["all_params"][3]["name"], &l["all_params"][3]["default"]), (&json!("rotate"), &json!(0.0)));
        assert_eq!(l["all_params"].as_array().unwrap().len(), info.params.len() + 4);
        let (x, y) = (num(&l["start"][0]), num(&l["start"][1]));
        assert!(
            num(&l["view"]["x"][0]) <= x && x <= num(&l["view"]["x"][1]) && num(&l["view"]["y"][0]) <= y && y <= num(&l["view"]["y"][1])
        );
    }
    assert_eq!(cat["limits"]["max_steps"], json!(optiscape::spec::MAX_STEPS));
}

/// `run` gives each racer's evaluations (one a step; L-BFGS's closure calls) and the learning
/// rate of each step; `tune` prints the spec with each racer's best rate; `list` shows the
/// schedulers and the fields every racer takes.
#[test]
fn run_tune_and_list_know_the_schedulers() {
    let spec = r#"{"landscape": {"name": "quadratic"}, "steps": 20, "racers": [
        {"name": "sgd", "lr": 0.01, "lr_scheduler": {"name": "StepLR", "step_size": 5, "gamma": 0.5}}, {"name": "lbfgs"}]}"#;
    let result = ok_json(&cli(&["run"], spec));
    let sgd = &result["racers"][0];
    assert_eq!(sgd["evaluations"].as_array().unwrap().len(), 21);
    assert_eq!(sgd["lr"][0], json!(0.01));
    assert_eq!(sgd["lr"][19], json!(0.01 * 0.5 * 0.5 * 0.5));
    assert!(result["racers"][1]["evaluations"][20].as_u64().unwrap() >= 20);
    let tuned = ok_json(&cli(&["tune"], spec));
    let again = RunSpec::parse(&tuned.to_string()).unwrap();
    assert_eq!(again.racers[0].schedule.as_ref().unwrap().name, "StepLR");
    assert!(optiscape::sweep::grid().contains(&again.racers[0].hyper.num("lr")));
    assert_fails(&cli(&["tune"], "{"), "EOF", "tune, bad spec");
    let text = stdout(&cli(&["list"], "")).to_string();
    for word in ["SCHEDULERS", "OneCycleLR", "total_steps", "lr_scheduler", "clip_grad_norm", "rotate", "(required)"] {
        assert!(text.contains(word), "list does not say {word}");
    }
    let cat = ok_json(&cli(&["list", "--json"], ""));
    assert_eq!(cat["schedulers"].as_array().unwrap().len(), optiscape::schedule::REGISTRY.len());
    assert_eq!(cat["racer_params"][2]["type"], "scheduler");
}

#[test]
fn list_json_gives_every_tooltip_and_explanation_table() {
    let cat = ok_json(&cli(&["list", "--json"], ""));
    let adam = cat["optimizers"].as_array().unwrap().iter().find(|o| o["name"] == "adam").unwrap();
    let betas = adam["params"].as_array().unwrap().iter().find(|p| p["name"] == "betas").unwrap();
    assert!(betas["tip"].as_str().unwrap().contains("β1"));
    assert_eq!(betas["item_tips"][0]["symbol"], "β1");
    assert!(betas["item_tips"][1]["tip"].as_str().unwrap().starts_with("memory of its size"));
    let lr = adam["params"].as_array().unwrap().iter().find(|p| p["name"] == "lr").unwrap();
    assert!(lr.get("item_tips").is_none() && !lr["tip"].as_str().unwrap().is_empty());
    let state: Vec<&str> = adam["state"].as_array().unwrap().iter().map(|q| q["name"].as_str().unwrap()).collect();
    assert_eq!(state, ["step", "m", "v", "m_hat", "v_hat", "max_v"]);
    let pieces: Vec<(&str, &str)> = adam["pieces"].as_array().unwrap().iter().map(|p| (p["key"].as_str().unwrap(), p["shape"].as_str().unwrap())).collect();
    assert_eq!(pieces.last(), Some(&("step", "arrow")));
    assert!(pieces.contains(&("m_hat", "arrow")) && pieces.contains(&("v_hat", "box")));
    // Every landscape's and scheduler's parameter, and the page's own read-outs.
    for l in cat["landscapes"].as_array().unwrap() {
        for p in l["all_params"].as_array().unwrap() {
            assert!(!p["tip"].as_str().unwrap().is_empty(), "{}", p["name"]);
        }
    }
    for s in cat["schedulers"].as_array().unwrap() {
        for p in s["params"].as_array().unwrap() {
            assert!(!p["tip"].as_str().unwrap().is_empty(), "{} {}", s["name"], p["name"]);
        }
    }
    let quantities: Vec<&str> = cat["quantities"].as_array().unwrap().iter().map(|q| q["name"].as_str().unwrap()).collect();
    for name in ["f \u{2212} f*", "Off plane", "last step: model optimum α*", "loss"] {
        assert!(quantities.contains(&name), "{name}: {quantities:?}");
    }
}
