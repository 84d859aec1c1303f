//! A race's data out of optiscape: `run --state` and `run --format csv` give `run`'s points to
//! the bit with each optimizer's state after every step, and `train --format csv` the epochs of
//! `train`; the CSV reads back to the same numbers.

use optiscape::classify::{digits::Digits, train};
use optiscape::export::{csv, state};
use optiscape::optim::EntryValue;
use optiscape::race::{self, Race};
use optiscape::spec::RunSpec;
use serde_json::Value;

mod common;
use common::{assert_fails, cli, stderr, stdout};

/// Racers with every kind of state entry (vectors, numbers, flags, whole numbers), a label
/// with a comma, a scheduler, and one that diverges.
const SPEC: &str = r#"{"landscape": {"name": "rosenbrock"}, "steps": 60,
  "racers": [{"name": "adam", "lr": 0.05, "amsgrad": true},
             {"name": "sgd", "lr": 0.001, "momentum": 0.9, "label": "SGD, \"momentum\"",
              "lr_scheduler": {"name": "StepLR", "step_size": 10, "gamma": 0.5}},
             {"name": "newton", "lr": 0.5},
             {"name": "lbfgs", "line_search_fn": "strong_wolfe"},
             {"name": "radam", "lr": 0.01},
             {"name": "sgd", "lr": 0.01, "label": "diverges"}]}"#;

/// RFC 4180 records (quoted fields with doubled quotes and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field, mut quoted, mut chars) = (
        Vec::new(),
        Vec::new(),
        String::new(),
        false,
        text.chars().peekable(),
    );
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty() && !quoted,
        "the text ends with a line end"
    );
    rows
}

fn num(field: &str) -> f64 {
    field
        .parse()
        .unwrap_or_else(|e| panic!("`{field}` is not a number: {e}"))
}

#[test]
fn the_state_run_is_the_run_to_the_bit() {
    let mut specs: Vec<RunSpec> = optiscape::presets::scenes()
        .iter()
        .map(|p| p.spec.clone())
        .collect();
    specs.push(RunSpec::parse(SPEC).unwrap());
    // An external racer has no learning rate in either.
    specs.push(
        RunSpec::parse(
            r#"{"landscape": {"name": "rosenbrock"}, "steps": 4, "racers": [{"name": "adam"},
                {"name": "external", "trajectory": [[-1, 1], [-0.5, 0.5], [0, 0]]}]}"#,
        )
        .unwrap(),
    );
    for spec in &specs {
        let with_state = state::run_with_state(spec);
        let plain = race::run(spec);
        assert_eq!(
            serde_json::to_string(&with_state.result).unwrap(),
            serde_json::to_string(&plain).unwrap()
        );
        for (r, states) in with_state.result.racers.iter().zip(&with_state.states) {
            assert_eq!(states.len(), r.trajectory.len(), "a state per point");
        }
    }
}

#[test]
fn each_state_is_the_inspectors_after_that_many_steps() {
    let spec = RunSpec::parse(SPEC).unwrap();
    let run = state::run_with_state(&spec);
    for k in [0u64, 1, 2, 17, 60] {
        let mut race = Race::new(&spec);
        let objective = &race.objective;
        for (i, r) in race.racers.iter_mut().enumerate() {
            r.advance(objective, k, |_, _, _| {});
            if let Some(s) = run.states[i].get(k as usize) {
                assert_eq!(s.0, r.inspect(), "racer {i} at step {k}");
            }
        }
    }
    // The fresh state first: Adam's moments are zero, its step count 0.
    let adam = &run.states[0][0].0;
    assert_eq!(adam[0].name, "step");
    assert_eq!(adam[0].value, EntryValue::Int(0));
    assert_eq!(adam[1].value, EntryValue::Vector(vec![0.0, 0.0]));
}

#[test]
fn run_state_json_carries_every_racers_state_per_point() {
    let out = cli(&["run", "--state"], SPEC);
    assert!(out.status.success(), "{}", stderr(&out));
    let spec = RunSpec::parse(SPEC).unwrap();
    assert_eq!(stdout(&out), state::run_json(&spec));
    let json: Value = serde_json::from_str(stdout(&out)).unwrap();
    let plain: Value = serde_json::to_value(race::run(&spec)).unwrap();
    for (r, p) in json["racers"]
        .as_array()
        .unwrap()
        .iter()
        .zip(plain["racers"].as_array().unwrap())
    {
        let mut without = r.clone();
        let states = without.as_object_mut().unwrap().remove("state").unwrap();
        assert_eq!(&without, p, "run's fields unchanged");
        let states = states.as_array().unwrap();
        assert_eq!(states.len(), r["trajectory"].as_array().unwrap().len());
        for (k, s) in states.iter().enumerate() {
            assert_eq!(s["step"], k, "the optimizer has taken k steps at point k");
        }
    }
    // Adam with amsgrad keeps max_v; Newton says whether H was positive definite.
    assert!(
        json["racers"][0]["state"][5]["max_v"]
            .as_array()
            .unwrap()
            .len()
            == 2
    );
    assert_eq!(json["racers"][2]["state"][1]["positive_definite"], true);
    assert_eq!(json["racers"][5]["status"], "diverged");
}

#[test]
fn race_csv_reads_back_to_runs_numbers_and_the_state() {
    let spec = RunSpec::parse(SPEC).unwrap();
    let text = csv::race_csv(&spec);
    let rows = parse_csv(&text);
    let header = &rows[0];
    assert_eq!(header[..9], csv::RACE_COLUMNS);
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    };
    for name in [
        "state_step",
        "m_x",
        "m_y",
        "max_v_y",
        "momentum_buffer_x",
        "positive_definite",
        "func_evals",
        "t",
        "d_y",
        "rho_t",
    ] {
        col(name);
    }
    assert_eq!(header.iter().filter(|h| *h == "step").count(), 1);
    let run = state::run_with_state(&spec);
    let total: usize = run.result.racers.iter().map(|r| r.trajectory.len()).sum();
    assert_eq!(rows.len(), 1 + total, "one row per racer and point");
    let mut at = 1;
    for (i, (r, states)) in run.result.racers.iter().zip(&run.states).enumerate() {
        for (k, p) in r.trajectory.iter().enumerate() {
            let row = &rows[at];
            at += 1;
            assert_eq!(row.len(), header.len());
            assert_eq!(row[col("step")], k.to_string());
            assert_eq!(row[col("racer")], i.to_string());
            assert_eq!(row[col("label")], spec.racers[i].display_name());
            assert_eq!(row[col("optimizer")], r.name);
            assert_eq!(num(&row[col("x")]).to_bits(), p[0].to_bits());
            assert_eq!(num(&row[col("y")]).to_bits(), p[1].to_bits());
            assert_eq!(num(&row[col("loss")]).to_bits(), r.loss[k].to_bits());
            assert_eq!(num(&row[col("evaluations")]), r.evaluations[k] as f64);
            match k {
                0 => assert_eq!(row[col("lr")], ""),
                _ => assert_eq!(num(&row[col("lr")]), r.lr[k - 1]),
            }
            // Every state entry in its columns; the other optimizers' columns empty.
            let mut filled = vec![false; header.len()];
            for e in &states[k].0 {
                let name = if e.name == "step" {
                    "state_step"
                } else {
                    e.name
                };
                match &e.value {
                    EntryValue::Vector(v) => {
                        for (c, axis) in ["x", "y"].iter().enumerate() {
                            let j = col(&format!("{name}_{axis}"));
                            assert_eq!(num(&row[j]).to_bits(), v[c].to_bits());
                            filled[j] = true;
                        }
                    }
                    EntryValue::Scalar(v) => {
                        assert_eq!(num(&row[col(name)]).to_bits(), v.to_bits());
                        filled[col(name)] = true;
                    }
                    EntryValue::Int(v) => {
                        assert_eq!(row[col(name)], v.to_string());
                        filled[col(name)] = true;
                    }
                    EntryValue::Flag(v) => {
                        assert_eq!(row[col(name)], v.to_string());
                        filled[col(name)] = true;
                    }
                }
            }
            for (j, f) in filled.iter().enumerate().skip(9) {
                assert!(
                    *f || row[j].is_empty(),
                    "racer {i} step {k}: column {} should be empty",
                    header[j]
                );
            }
        }
    }
    // The scheduled racer's rate halves every 10 steps; the diverged racer keeps its finite points.
    let sgd: Vec<&Vec<String>> = rows.iter().filter(|r| r[col("racer")] == "1").collect();
    assert_eq!(sgd[10][col("lr")], "0.001");
    assert_eq!(sgd[11][col("lr")], "0.0005");
    let diverged = &run.result.racers[5];
    assert!(diverged.trajectory.len() < 61 && diverged.diverged_at.is_some());
    // The label with a comma and quotes is one field.
    assert!(
        text.contains("\"SGD, \"\"momentum\"\"\""),
        "{}",
        &text[..400]
    );
}

#[test]
fn run_format_csv_is_the_core_function() {
    let out = cli(&["run", "--format", "csv"], SPEC);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), csv::race_csv(&RunSpec::parse(SPEC).unwrap()));
    // --state changes nothing there: the state is always in the CSV.
    let file = std::env::temp_dir().join(format!("optiscape-csv-{}.json", std::process::id()));
    std::fs::write(&file, SPEC).unwrap();
    let again = cli(
        &[
            "run",
            "--state",
            "--format",
            "csv",
            "--spec",
            file.to_str().unwrap(),
        ],
        "",
    );
    std::fs::remove_file(&file).unwrap();
    assert_eq!(stdout(&again), stdout(&out));
    assert_fails(
        &cli(&["run", "--format", "xml"], SPEC),
        "--format must be json or csv, got `xml`",
        "xml",
    );
    assert_fails(
        &cli(&["run", "--state", "--state"], SPEC),
        "`--state` given twice",
        "twice",
    );
    assert_fails(
        &cli(&["run", "--format"], SPEC),
        "`--format` needs a value",
        "no value",
    );
    assert_fails(
        &cli(&["run", "--sate"], SPEC),
        "unknown option `--sate`",
        "typo",
    );
}

#[test]
fn train_csv_has_a_row_per_racer_and_epoch() {
    let text = r#"{"model": "linear", "epochs": 2, "racers": [{"name": "adam", "lr": 0.001},
        {"name": "sgd", "lr": 0.01, "label": "SGD, lr 0.01", "lr_scheduler": {"name": "StepLR", "step_size": 1, "gamma": 0.1}}]}"#;
    let out = cli(&["train", "--format", "csv"], text);
    assert!(out.status.success(), "{}", stderr(&out));
    let spec = train::TrainSpec::parse(text).unwrap();
    let result = train::train(&spec, &Digits::embedded(), &|| 0.0);
    assert_eq!(stdout(&out), csv::train_csv(&spec, &result));
    let rows = parse_csv(stdout(&out));
    assert_eq!(rows[0], csv::TRAIN_COLUMNS);
    assert_eq!(rows.len(), 1 + 4);
    for (row, (i, e)) in rows[1..].iter().zip([(0, 0), (0, 1), (1, 0), (1, 1)]) {
        let epoch = &result.racers[i].epochs[e];
        assert_eq!(row[0], (e + 1).to_string());
        assert_eq!(row[1], i.to_string());
        assert_eq!(num(&row[4]).to_bits(), epoch.train_loss.to_bits());
        assert_eq!(num(&row[5]).to_bits(), epoch.test_accuracy.to_bits());
        assert_eq!(num(&row[6]).to_bits(), epoch.lr.to_bits());
    }
    assert_eq!(rows[3][2], "SGD, lr 0.01");
    assert_eq!(
        (num(&rows[3][6]), num(&rows[4][6])),
        (0.01, 0.001),
        "the scheduler steps once per epoch"
    );
}
