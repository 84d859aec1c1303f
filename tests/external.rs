//! External racers: a trajectory computed elsewhere, raced beside the optimizers. Its points are
//! raced as given (capped at the race's steps), from its own first point; its loss is the
//! landscape's at each; it diverges where any racer would (a point past the divergence limit, or
//! no finite loss there) and stops at its last point; the spec checks it like every field.

use optiscape::classify::train::TrainSpec;
use optiscape::landscape::Point;
use optiscape::race::{self, Race, RacerResult, Status, DIVERGENCE_LIMIT};
use optiscape::spec::{RunSpec, MAX_TRAJECTORY};
use serde_json::{json, Value};

mod common;

fn parse(spec: Value) -> RunSpec {
    RunSpec::parse(&spec.to_string()).unwrap_or_else(|e| panic!("{e}: {spec}"))
}

fn run(spec: Value) -> Vec<RacerResult> {
    race::run(&parse(spec)).racers
}

fn bits(points: &[Point]) -> Vec<[u64; 2]> {
    points.iter().map(|p| p.map(f64::to_bits)).collect()
}

/// Adam's own path, given back as an external racer, is raced point for point: the same
/// trajectory, loss and arrival, to the bit, with the noise that moved Adam not moving it.
#[test]
fn an_optimizers_own_path_given_back_races_the_same() {
    for landscape in [
        json!({"name": "rosenbrock", "scale": 3, "rotate": 30}),
        json!({"name": "quadratic", "noise": 0.5, "seed": 4}),
    ] {
        let adam = json!({"name": "adam", "lr": 0.05});
        let first = run(json!({"landscape": landscape, "steps": 700, "racers": [adam]})).remove(0);
        let given = json!({"name": "external", "label": "mine", "trajectory": first.trajectory});
        let both = run(json!({"landscape": landscape, "steps": 700, "racers": [adam, given]}));
        let (a, e) = (&both[0], &both[1]);
        assert_eq!((e.name, e.label.as_deref()), ("external", Some("mine")));
        assert_eq!(bits(&e.trajectory), bits(&a.trajectory), "{landscape}");
        assert_eq!(
            e.loss.iter().map(|l| l.to_bits()).collect::<Vec<_>>(),
            a.loss.iter().map(|l| l.to_bits()).collect::<Vec<_>>()
        );
        assert_eq!(
            (e.status, e.diverged_at, e.arrival),
            (Status::Ok, None, a.arrival)
        );
        // One evaluation a step, as for a gradient method; no learning rate.
        assert_eq!(e.evaluations, (0..=700).collect::<Vec<u64>>());
        assert!(e.lr.is_empty() && a.lr.len() == 700);
    }
    let arrived = run(
        json!({"landscape": {"name": "quadratic"}, "racers": [{"name": "external", "trajectory": [[1, 1], [0.5, 0.5], [0, 0]]}]}),
    );
    assert_eq!(
        arrived[0].arrival.map(|a| (a.step, a.global)),
        Some((2, true))
    );
}

#[test]
fn it_starts_at_its_own_first_point_and_stops_at_its_last() {
    let points = [[0.5, -0.25], [0.25, 0.5], [0.0, 0.0]];
    let spec = parse(
        json!({"landscape": {"name": "himmelblau"}, "start": [3, 3], "steps": 10,
        "racers": [{"name": "sgd", "lr": 0.01}, {"name": "external", "trajectory": points}]}),
    );
    let out = race::run(&spec).racers;
    assert_eq!(out[0].trajectory[0], [3.0, 3.0]);
    assert_eq!(
        (out[1].trajectory.as_slice(), out[1].status),
        (&points[..], Status::Ok),
        "shorter than the race: as given"
    );
    let race = Race::new(&spec);
    let losses: Vec<f64> = points.iter().map(|&p| race.objective.value(p)).collect();
    assert_eq!(out[1].loss, losses);
    // Capped at the race's steps.
    let capped = run(
        json!({"landscape": {"name": "himmelblau"}, "steps": 1, "racers": [{"name": "external", "trajectory": points}]}),
    );
    assert_eq!(capped[0].trajectory, &points[..2]);
    // In a race with one clock it stands at its last point from there on, in step.
    let mut race = Race::new(&spec);
    race.advance(7, |_, _, _, _| {});
    let r = &race.racers[1];
    assert!(race.in_step() && r.stopped() && r.status() == Status::Ok);
    assert_eq!(
        (r.position, r.step, r.step_at(race.clock)),
        ([0.0, 0.0], 2, 7)
    );
    // Back to a step before its end and on again: the same points.
    race.seek(1);
    race.catch_up(u64::MAX, |_, _, _, _| {});
    assert_eq!(
        (race.racers[1].position, race.racers[1].step),
        (points[1], 1)
    );
    race.advance(5, |_, _, _, _| {});
    assert_eq!(
        (race.racers[1].position, race.racers[1].step),
        (points[2], 2)
    );
    // A seek that stays past its end leaves it where it is.
    assert_eq!(race.seek(4), vec![0], "only the optimizer goes back");
    assert!(race.behind().all(|(i, _)| i != 1) && race.racers[1].step == 2);
}

#[test]
fn it_diverges_where_any_racer_would() {
    let far = [[0.0, 1.0], [1.0, 2.0], [2e12, 0.0], [1.0, 1.0]];
    let out = run(
        json!({"landscape": {"name": "rosenbrock"}, "racers": [{"name": "external", "trajectory": far}]}),
    );
    assert_eq!(
        (out[0].status, out[0].diverged_at, out[0].trajectory.len()),
        (Status::Diverged, Some(2), 2)
    );
    assert!(far[2][0] > DIVERGENCE_LIMIT);
    // No finite loss there: log of a negative number.
    let undefined = run(
        json!({"landscape": {"name": "custom", "f": "log(x) + y^2"}, "racers": [{"name": "external", "trajectory": [[1, 1], [0.5, 0], [-1, 0]]}]}),
    );
    assert_eq!(
        (
            undefined[0].status,
            undefined[0].diverged_at,
            undefined[0].trajectory.len()
        ),
        (Status::Diverged, Some(2), 2)
    );
    let at_start = run(
        json!({"landscape": {"name": "custom", "f": "log(x)"}, "racers": [{"name": "external", "trajectory": [[-1, 0], [1, 0]]}]}),
    );
    assert_eq!(
        (at_start[0].diverged_at, at_start[0].trajectory.len()),
        (Some(0), 0)
    );
}

#[test]
fn edits_keep_it_unless_its_points_change() {
    let spec = |points: Value, label: &str| {
        parse(
            json!({"landscape": {"name": "rosenbrock"}, "steps": 50, "racers": [{"name": "adam", "lr": 0.05}, {"name": "external", "label": label, "trajectory": points}]}),
        )
    };
    let mut race = Race::new(&spec(json!([[0, 0], [0.5, 0.5], [1, 1]]), "a"));
    race.advance(20, |_, _, _, _| {});
    assert_eq!(
        race.apply(&spec(json!([[0, 0], [0.5, 0.5], [1, 1]]), "renamed"))
            .kept,
        vec![Some(0), Some(1)]
    );
    assert_eq!(
        race.apply(&spec(json!([[0, 0], [0.5, 0.5], [1, 2]]), "renamed"))
            .kept,
        vec![Some(0), None]
    );
    race.catch_up(u64::MAX, |_, _, _, _| {});
    assert_eq!(race.racers[1].position, [1.0, 2.0]);
}

#[test]
fn the_spec_checks_it_like_every_field() {
    let base = |racer: Value| {
        json!({"landscape": {"name": "rosenbrock"}, "racers": [{"name": "sgd"}, racer]}).to_string()
    };
    let spec = parse(serde_json::from_str(&base(json!({"name": "external", "label": "mine", "color": "#123456", "trajectory": [[1, 2.5], [-0.0, 1e-300]]}))).unwrap());
    assert_eq!(RunSpec::parse(&spec.to_json()).unwrap(), spec, "round trip");
    assert!(spec.to_json().contains(r##"{"name":"external","label":"mine","color":"#123456","trajectory":[[1.0,2.5],[-0.0,1e-300]]}"##), "{}", spec.to_json());
    let long = |n: usize| json!({"name": "external", "trajectory": vec![[0, 0]; n]});
    assert_eq!(
        RunSpec::parse(&base(long(MAX_TRAJECTORY))).unwrap().racers[1]
            .trajectory
            .as_ref()
            .unwrap()
            .len(),
        MAX_TRAJECTORY
    );
    for (racer, message) in [
        (
            json!({"name": "external"}),
            "racers[1]: `trajectory` is missing: external requires it".to_string(),
        ),
        (
            json!({"name": "external", "trajectory": []}),
            format!("racers[1]: `trajectory` must hold 1 to {MAX_TRAJECTORY} points, got 0"),
        ),
        (
            long(MAX_TRAJECTORY + 1),
            format!(
                "racers[1]: `trajectory` must hold 1 to {MAX_TRAJECTORY} points, got {}",
                MAX_TRAJECTORY + 1
            ),
        ),
        (
            json!({"name": "external", "trajectory": [0, 1]}),
            "racers[1]: `trajectory[0]` must be a list of two numbers, got 0".into(),
        ),
        (
            json!({"name": "external", "trajectory": [[0, 1], [1, 2, 3]]}),
            "racers[1]: `trajectory[1]` must be a list of two numbers, got [1,2,3]".into(),
        ),
        (
            json!({"name": "external", "trajectory": [[0, "1"]]}),
            "racers[1]: `trajectory[0]` must be a list of two numbers, got [0,\"1\"]".into(),
        ),
        (
            json!({"name": "external", "trajectory": {"x": [0]}}),
            "racers[1]: `trajectory` must be a list of points [x, y], got {\"x\":[0]}".into(),
        ),
        (
            json!({"name": "external", "trajectory": [[0, 0]], "lr": 0.1}),
            "racers[1]: unknown field `lr` for external; expected one of: trajectory, label, color"
                .into(),
        ),
        (
            json!({"name": "external", "trajectory": [[0, 0]], "color": "red"}),
            "racers[1]: `color` must be a colour as \"#rrggbb\", got \"red\"".into(),
        ),
        (
            json!({"name": "externl"}),
            "racers[1]: unknown optimizer `externl`; expected one of: sgd, adagrad,".into(),
        ),
    ] {
        let e = RunSpec::parse(&base(racer.clone())).unwrap_err();
        assert!(e.starts_with(&message), "{racer}: {e}");
        assert!(!e.contains('\n'));
    }
    assert!(RunSpec::parse(&base(json!({"name": "externl"})))
        .unwrap_err()
        .ends_with(", newton, external"));
    // The page refuses it, with a line of its own, until its racer cards know it.
    assert_eq!(spec.without_external("the page").unwrap_err(), "racers[1]: the page does not race external trajectories yet; optiscape run and plot and the Python package do");
    assert_eq!(
        RunSpec::parse(&base(json!({"name": "adam"})))
            .unwrap()
            .without_external("the page"),
        Ok(())
    );
    let e = TrainSpec::parse(
        r#"{"model": "linear", "racers": [{"name": "external", "trajectory": [[0, 0]]}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        e,
        "racers[0]: an external racer must race on a landscape: the classifiers train optimizers"
    );
}

#[test]
fn sweep_and_tune_leave_it_alone_and_plot_draws_it() {
    let text = json!({"landscape": {"name": "rosenbrock"}, "steps": 40, "racers": [{"name": "sgd", "lr": 0.001},
        {"name": "external", "label": "by hand", "trajectory": [[-1.2, 1.0], [-1.0, 1.0], [-0.5, 0.5], [0.0, 0.0]]}]})
    .to_string();
    let sweep = common::cli(&["sweep"], &text);
    let sweep: Value = serde_json::from_str(common::stdout(&sweep)).unwrap();
    assert_eq!(
        sweep["racers"][1],
        json!({"name": "external", "label": "by hand", "lr": null, "points": []})
    );
    assert_eq!(sweep["racers"][0]["points"].as_array().unwrap().len(), 31);
    let tuned = common::cli(&["tune"], &text);
    let tuned = RunSpec::parse(common::stdout(&tuned)).unwrap();
    assert_eq!(tuned.racers[1], RunSpec::parse(&text).unwrap().racers[1]);
    let svg = common::cli(&["plot", "--sweep"], &text);
    let svg = common::stdout(&svg);
    assert!(
        svg.contains("by hand (External): given trajectory of 4 points"),
        "the legend names it"
    );
    assert!(!svg.contains("NaN"));
}
