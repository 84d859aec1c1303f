//! The learning-rate sweep (`optiscape sweep`, the page's lr chart): every point is the race
//! `run` gives at that learning rate, and it shows the scale lesson.

use optiscape::optim::REGISTRY;
use optiscape::race::run;
use optiscape::race::Race;
use optiscape::spec::RunSpec;
use optiscape::sweep::{grid, horizon, sweep, with_lr, Sweep, MAX_HORIZON};
use serde_json::json;

fn spec(value: serde_json::Value) -> RunSpec {
    RunSpec::parse(&value.to_string()).unwrap()
}

/// Each point is `optiscape run` of that racer with that learning rate, to the bit: its loss at
/// the sweep's last step, or the step it diverged at.
#[test]
fn every_point_is_the_race_at_that_learning_rate() {
    let s = spec(json!({"landscape": {"name": "rosenbrock"}, "steps": 300,
        "racers": [{"name": "sgd", "lr": 0.001, "momentum": 0.9}, {"name": "adam", "lr": 0.05, "betas": [0.8, 0.99]}, {"name": "newton", "lr": 0.5}]}));
    let result = sweep(&s);
    assert_eq!(result.steps, 300);
    for (i, r) in result.racers.iter().enumerate() {
        assert_eq!(r.points.len(), if grid().contains(&r.lr) { 31 } else { 32 });
        assert!(
            r.points.iter().any(|p| p.lr == r.lr),
            "{}: its own lr",
            r.name
        );
        assert!(r.points.windows(2).all(|w| w[0].lr < w[1].lr));
        for p in r.points.iter().step_by(3) {
            let mut one = s.clone();
            one.racers = vec![with_lr(&s.racers[i], p.lr).unwrap()];
            let run = &run(&one).racers[0];
            assert_eq!(p.diverged_at, run.diverged_at, "{} at lr {}", r.name, p.lr);
            match p.loss {
                Some(loss) => assert_eq!(
                    loss.to_bits(),
                    run.loss[300].to_bits(),
                    "{} at lr {}",
                    r.name,
                    p.lr
                ),
                None => assert!(run.diverged_at.is_some()),
            }
        }
    }
}

/// Scaling the objective by c moves SGD's curve c times to the left (lr on c f takes the steps
/// lr c takes on f) and c times up, while Adam's window of learning rates that reach the
/// minimum stays where it is.
#[test]
fn the_scale_lesson() {
    let at = |c: f64| {
        sweep(&spec(
            json!({"landscape": {"name": "rosenbrock", "scale": c}, "steps": 2000,
        "racers": [{"name": "sgd", "lr": 1e-5}, {"name": "adam", "lr": 1e-5}]}),
        ))
    };
    let (small, one, large) = (at(0.01), at(1.0), at(100.0));
    // SGD: point k at scale 1 is point k + 10 (two decades on) at scale 0.01, a hundred times
    // lower. (The two learning rates differ in their last bits, which the race amplifies where
    // it oscillates, just below divergence: there the losses are compared loosely.)
    let sgd = |r: &optiscape::sweep::SweepsResult| r.racers[0].points.clone();
    let (s_small, s1, s_large) = (sgd(&small), sgd(&one), sgd(&large));
    let first_diverged =
        |p: &[optiscape::sweep::SweepPoint]| p.iter().position(|p| p.loss.is_none()).unwrap();
    let edge = first_diverged(&s1);
    let mut tight = 0;
    for k in 0..s1.len() - 10 {
        let (a, b) = (s1[k], s_small[k + 10]);
        assert!((a.lr * 100.0 / b.lr - 1.0).abs() < 1e-12);
        assert_eq!(
            a.diverged_at, b.diverged_at,
            "lr {} at scale 1 against {} at 0.01",
            a.lr, b.lr
        );
        if let (Some(x), Some(y)) = (a.loss, b.loss) {
            let tolerance = if k + 3 <= edge { 1e-9 } else { 0.2 };
            assert!(
                (x / 100.0 - y).abs() <= tolerance * y.abs(),
                "lr {}: {x} / 100 against {y}",
                a.lr
            );
            tight += usize::from(k + 3 <= edge);
        }
    }
    assert!(tight >= 10, "{tight} points compared to 1e-9");
    assert_eq!(
        first_diverged(&s_small) - edge,
        10,
        "SGD's divergence moves two decades"
    );
    assert_eq!(edge - first_diverged(&s_large), 10);
    // Adam: the learning rates that end within 1e-3 of the minimum (in units of the scale) are
    // the same at every scale, to a point or two at their edges, and it never diverges.
    let window = |r: &optiscape::sweep::SweepsResult, c: f64| -> Vec<bool> {
        r.racers[1]
            .points
            .iter()
            .map(|p| p.loss.expect("Adam never diverges here") / c < 1e-3)
            .collect()
    };
    let w1 = window(&one, 1.0);
    assert!(w1.iter().filter(|&&b| b).count() >= 5, "{w1:?}");
    for (w, c) in [(window(&small, 0.01), 0.01), (window(&large, 100.0), 100.0)] {
        let differ = w.iter().zip(&w1).filter(|(a, b)| a != b).count();
        assert!(
            differ <= 2,
            "Adam's window at scale {c}: {differ} points differ\n{w:?}\n{w1:?}"
        );
    }
}

#[test]
fn with_lr_changes_the_learning_rate_only() {
    // Every optimizer takes every grid learning rate, so that no sweep leaves one out.
    for info in REGISTRY {
        let s = spec(json!({"landscape": {"name": "quadratic"}, "racers": [{"name": info.name}]}));
        let r = &s.racers[0];
        for &lr in &grid() {
            let changed = with_lr(r, lr).unwrap_or_else(|| panic!("{} refuses lr {lr}", info.name));
            assert_eq!(changed.hyper.num("lr"), lr, "{}", info.name);
            let others = |h: &optiscape::schema::Hyper| {
                h.to_fields()
                    .into_iter()
                    .filter(|(n, _)| n != "lr")
                    .collect::<Vec<_>>()
            };
            assert_eq!(others(&changed.hyper), others(&r.hyper), "{}", info.name);
        }
    }
}

#[test]
fn the_horizon_is_the_race_up_to_2000_steps() {
    assert_eq!(horizon(500), 500);
    assert_eq!(horizon(1_000_000_000), MAX_HORIZON);
    assert_eq!(horizon(0), 1);
}

/// The page runs a sweep a few steps at a time: the points are the same as in one go.
#[test]
fn a_sweep_in_small_pieces_is_the_sweep() {
    let s = spec(json!({"landscape": {"name": "beale"}, "steps": 137,
        "racers": [{"name": "rmsprop", "lr": 0.003, "centered": true}, {"name": "sgd", "lr": 0.2}]}));
    let whole = sweep(&s);
    let race = Race::new(&s);
    for (i, r) in race.racers.iter().enumerate() {
        let mut pieces = Sweep::new(&r.spec, 137);
        let mut calls = 0;
        while pieces.work(&race.objective, race.start, &race.finish, 7) {
            calls += 1;
        }
        assert!(pieces.done() && calls > 100, "{calls} calls");
        assert_eq!(pieces.points, whole.racers[i].points, "racer {i}");
    }
}

/// A racer with a schedule is swept with its schedule: the rates a scheduler sets itself
/// (CyclicLR's base_lr and max_lr) move with the racer's lr, so the schedule keeps its shape.
#[test]
fn the_sweep_keeps_the_schedule() {
    let s = spec(json!({"landscape": {"name": "quadratic"}, "steps": 40,
        "racers": [{"name": "sgd", "lr": 0.01, "momentum": 0.5, "lr_scheduler": {"name": "CyclicLR", "base_lr": 0.001, "max_lr": 0.01, "step_size_up": 10}}]}));
    let tenfold = with_lr(&s.racers[0], 0.1).unwrap();
    let mut one = s.clone();
    one.racers = vec![tenfold];
    let (base, faster) = (run(&s).racers.remove(0), run(&one).racers.remove(0));
    for (a, b) in base.lr.iter().zip(&faster.lr) {
        assert!((b / a - 10.0).abs() < 1e-12, "{a} -> {b}");
    }
}

/// `optiscape tune`: each racer at the best point of its sweep, which a race of the tuned spec
/// reaches to the bit.
#[test]
fn tune_sets_each_racer_to_its_best_learning_rate() {
    let s = spec(json!({"landscape": {"name": "rosenbrock"}, "steps": 300,
        "racers": [{"name": "sgd", "lr": 1e-5}, {"name": "adam", "lr": 1e-4, "lr_scheduler": {"name": "ExponentialLR", "gamma": 0.999}},
                   {"name": "lbfgs", "line_search_fn": "strong_wolfe"}]}));
    let (tuned, best) = optiscape::sweep::tune(&s);
    let sweeps = sweep(&s);
    let result = run(&tuned);
    for ((r, b), (sw, ran)) in tuned
        .racers
        .iter()
        .zip(&best)
        .zip(sweeps.racers.iter().zip(&result.racers))
    {
        let lowest = sw
            .points
            .iter()
            .filter_map(|p| p.loss)
            .fold(f64::INFINITY, f64::min);
        let b = b.expect("a point that did not diverge");
        assert_eq!(b.loss, Some(lowest), "{}", r.info.name);
        assert_eq!(r.hyper.num("lr"), b.lr);
        assert_eq!(
            ran.loss[300].to_bits(),
            lowest.to_bits(),
            "{}: the tuned race is the sweep's best point",
            r.info.name
        );
    }
    assert!(tuned.racers[1].schedule.is_some(), "the schedule is kept");
    assert_eq!(RunSpec::parse(&tuned.to_json()).unwrap(), tuned);
}
