//! Learning-rate schedulers, gradient clipping and turned landscapes in a race: what each must do
//! beyond the bits tests/golden.rs pins against torch (the rates torch's own recursion gives,
//! which its closed forms miss in the last bits; the errors torch raises, as spec errors; the
//! order of the clipping fields; a quarter turn turning SGD's path exactly).

use optiscape::race::{self, RacerResult};
use optiscape::schedule::{self, Group};
use optiscape::spec::{Clip, RunSpec};
use serde_json::{json, Value};

fn run(spec: Value) -> Vec<RacerResult> {
    let spec = RunSpec::parse(&spec.to_string()).unwrap_or_else(|e| panic!("{spec}: {e}"));
    race::run(&spec).racers
}

fn err(spec: Value) -> String {
    let e = RunSpec::parse(&spec.to_string()).expect_err(&spec.to_string());
    assert!(!e.contains('\n'), "{e}");
    e
}

/// The rates a scheduler gives an optimizer of rate `lr` over `steps` steps, by torch's
/// recursion: the first is the one the constructor sets.
fn rates(scheduler: Value, lr: f64, steps: usize) -> Vec<f64> {
    let named = schedule::parse(&scheduler).unwrap();
    let mut group = Group::new(lr, Some(0.9));
    let mut s = schedule::build(&named, &mut group).unwrap();
    let mut out = vec![group.lr];
    for _ in 0..steps {
        s.step(&mut group, f64::NAN);
        out.push(group.lr);
    }
    out
}

#[test]
fn the_race_reports_each_steps_rate_and_evaluations() {
    let racers = run(
        json!({"landscape": {"name": "quadratic"}, "steps": 30, "racers": [
        {"name": "sgd", "lr": 0.1, "lr_scheduler": {"name": "StepLR", "step_size": 10, "gamma": 0.5}},
        {"name": "adam", "lr": 0.01},
        {"name": "lbfgs", "line_search_fn": "strong_wolfe"}]}),
    );
    let step_lr = &racers[0];
    assert_eq!(step_lr.lr.len(), 30);
    assert_eq!(
        step_lr.evaluations,
        (0..=30).collect::<Vec<u64>>(),
        "one evaluation a step"
    );
    for (k, &lr) in step_lr.lr.iter().enumerate() {
        assert_eq!(
            lr,
            0.1 * optiscape::math::powi(0.5, k as i32 / 10),
            "step {}",
            k + 1
        );
    }
    assert!(racers[1].lr.iter().all(|&lr| lr == 0.01));
    // L-BFGS evaluates the objective several times a step, at least once.
    let lbfgs = &racers[2];
    assert!(lbfgs.evaluations.windows(2).all(|w| w[1] > w[0]));
    assert!(lbfgs.evaluations[1] > 1, "{:?}", &lbfgs.evaluations[..3]);
}

#[test]
fn torchs_recursion_is_not_its_closed_form() {
    // LinearLR multiplies the previous rate by 1 + (end - start) / (n start + (t - 1)(end - start)):
    // exact in real numbers, not in doubles.
    let recursion = rates(
        json!({"name": "LinearLR", "start_factor": 0.1, "total_iters": 100}),
        0.3,
        120,
    );
    let closed: Vec<f64> = (0..=120)
        .map(|t: i32| 0.3 * (0.1 + 0.9 * t.min(100) as f64 / 100.0))
        .collect();
    let differ = recursion
        .iter()
        .zip(&closed)
        .filter(|(a, b)| a != b)
        .count();
    assert!(differ > 10, "{differ} of 121 differ");
    assert!(
        recursion
            .iter()
            .zip(&closed)
            .all(|(a, b)| (a - b).abs() <= 1e-14),
        "but only in the last bits"
    );
    // After total_iters it stays where the recursion arrived.
    assert_eq!(recursion[110], recursion[101]);
}

#[test]
fn cosine_annealing_climbs_back_after_t_max() {
    let r = rates(
        json!({"name": "CosineAnnealingLR", "T_max": 10, "eta_min": 0.001}),
        0.1,
        30,
    );
    assert!(
        (r[10] - 0.001).abs() < 1e-12,
        "at eta_min at T_max: {}",
        r[10]
    );
    assert!(
        r[15] > r[10] && (r[20] - 0.1).abs() < 1e-9,
        "and back up: {} {}",
        r[15],
        r[20]
    );
    // Warm restarts jump back to the base rate instead.
    let w = rates(
        json!({"name": "CosineAnnealingWarmRestarts", "T_0": 10}),
        0.1,
        12,
    );
    assert_eq!((w[0], w[10]), (0.1, 0.1));
    assert!(w[9] < 0.01);
}

#[test]
fn a_warm_up_then_cosine_jumps_to_the_base_rate_at_the_milestone() {
    let r = rates(
        json!({"name": "SequentialLR", "schedulers": [{"name": "LinearLR", "start_factor": 0.1, "total_iters": 20},
            {"name": "CosineAnnealingLR", "T_max": 100}], "milestones": [10]}),
        0.5,
        12,
    );
    assert!(
        (r[0] - 0.05).abs() < 1e-15 && r[9] < 0.5 * 0.6,
        "warming up: {:?}",
        &r[..10]
    );
    assert_eq!(r[10], 0.5, "the cosine starts from the base rate");
    assert!(r[11] < 0.5);
}

#[test]
fn cyclic_and_one_cycle_overwrite_the_rate_and_cycle_the_momentum() {
    let named =
        schedule::parse(&json!({"name": "OneCycleLR", "max_lr": 1.0, "total_steps": 100})).unwrap();
    let mut group = Group::new(123.0, Some(0.9));
    let mut s = schedule::build(&named, &mut group).unwrap();
    assert!(
        (group.lr - 1.0 / 25.0).abs() < 1e-15,
        "max_lr / div_factor: {}",
        group.lr
    );
    assert_eq!(
        group.momentum,
        Some(0.95),
        "max_momentum at the lowest rate"
    );
    for _ in 0..30 {
        s.step(&mut group, f64::NAN);
    }
    assert!(
        group.lr > 0.99 && group.momentum.unwrap() < 0.851,
        "at the peak: {group:?}"
    );
    // Without a momentum to cycle (Adagrad), torch refuses: a spec error.
    let e = err(
        json!({"landscape": {"name": "quadratic"}, "racers": [{"name": "adagrad", "lr_scheduler": {"name": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1}}]}),
    );
    assert!(
        e.contains("racers[0]")
            && e.contains("cycle_momentum needs an optimizer with momentum or betas"),
        "{e}"
    );
    run(
        json!({"landscape": {"name": "quadratic"}, "steps": 5, "racers": [{"name": "adagrad", "lr_scheduler": {"name": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "cycle_momentum": false}}]}),
    );
}

#[test]
fn one_cycle_refuses_more_steps_than_total_steps() {
    let spec = |steps: u64| json!({"landscape": {"name": "quadratic"}, "steps": steps, "racers": [{"name": "adam", "lr_scheduler": {"name": "OneCycleLR", "max_lr": 0.1, "total_steps": 100}}]});
    assert_eq!(run(spec(100))[0].lr.len(), 100);
    let e = err(spec(101));
    assert!(
        e.contains("racers[0].lr_scheduler: OneCycleLR follows at most 100 steps")
            && e.contains("101"),
        "{e}"
    );
    // Inside SequentialLR its limit counts from its milestone.
    let inside = |steps: u64| {
        json!({"landscape": {"name": "quadratic"}, "steps": steps, "racers": [{"name": "adam", "lr_scheduler": {"name": "SequentialLR",
            "schedulers": [{"name": "ConstantLR"}, {"name": "OneCycleLR", "max_lr": 0.1, "total_steps": 100}], "milestones": [50]}}]})
    };
    assert_eq!(run(inside(150))[0].lr.len(), 150);
    assert!(err(inside(151)).contains("at most 150 steps"));
}

#[test]
fn plateau_cuts_only_by_more_than_eps() {
    let named =
        schedule::parse(&json!({"name": "ReduceLROnPlateau", "patience": 2, "factor": 0.5}))
            .unwrap();
    let mut group = Group::new(1e-3, None);
    let mut s = schedule::build(&named, &mut group).unwrap();
    for loss in [1.0, 0.5, 0.5, 0.5] {
        s.step(&mut group, loss);
    }
    assert_eq!(group.lr, 1e-3, "two steps without improvement: patience");
    s.step(&mut group, 0.5);
    assert_eq!(group.lr, 5e-4, "three: more than patience, cut");
    // A cut of less than eps (1e-8) is not made.
    let mut tiny = Group::new(1e-8, None);
    let mut s = schedule::build(&named, &mut tiny).unwrap();
    for loss in [1.0, 1.0, 1.0, 1.0, 1.0] {
        s.step(&mut tiny, loss);
    }
    assert_eq!(tiny.lr, 1e-8);
}

#[test]
fn scheduler_errors_name_the_field() {
    for (scheduler, needle) in [
        (
            json!({"name": "StepLR"}),
            "`step_size` is missing: StepLR requires it",
        ),
        (
            json!({"name": "StepLR", "step_size": 2.5}),
            "`step_size` must be a whole number",
        ),
        (
            json!({"name": "Steplr", "step_size": 2}),
            "unknown scheduler `Steplr`; expected one of: StepLR",
        ),
        (
            json!({"name": "OneCycleLR", "max_lr": 0.1}),
            "give `total_steps`, or `epochs` and `steps_per_epoch`",
        ),
        (
            json!({"name": "SequentialLR", "schedulers": [{"name": "ConstantLR"}], "milestones": [5]}),
            "one fewer step",
        ),
        (
            json!({"name": "ChainedScheduler", "schedulers": [{"name": "ReduceLROnPlateau"}]}),
            "cannot be ReduceLROnPlateau",
        ),
        (
            json!({"name": "LinearLR", "start_factor": 0}),
            "`start_factor` must be in (0, 1]",
        ),
        (
            json!({"name": "ExponentialLR", "gamma": 0.9, "last_epoch": 3}),
            "unknown field `last_epoch`",
        ),
    ] {
        let e = err(
            json!({"landscape": {"name": "quadratic"}, "racers": [{"name": "sgd", "lr_scheduler": scheduler}]}),
        );
        assert!(
            e.starts_with("racers[0]: `lr_scheduler`: ") && e.contains(needle),
            "{scheduler}: {e}"
        );
    }
}

#[test]
fn specs_with_schedulers_and_clipping_round_trip() {
    let text = json!({"landscape": {"name": "beale", "rotate": 30}, "racers": [{"name": "adam", "clip_grad_norm": 1.0, "clip_grad_value": 0.5,
        "lr_scheduler": {"name": "SequentialLR", "schedulers": [{"name": "LinearLR", "total_iters": 10}, {"name": "StepLR", "step_size": 7}], "milestones": [10]}}]})
    .to_string();
    let spec = RunSpec::parse(&text).unwrap();
    assert_eq!(
        spec.racers[0].clip,
        Clip {
            norm: Some(1.0),
            value: Some(0.5)
        }
    );
    assert_eq!(RunSpec::parse(&spec.to_json()).unwrap(), spec);
    // Without them a spec reads as before: no new field written.
    let plain = RunSpec::parse(r#"{"landscape": {"name": "beale"}, "racers": [{"name": "adam"}]}"#)
        .unwrap()
        .to_json();
    assert!(
        !plain.contains("clip") && !plain.contains("lr_scheduler") && !plain.contains("rotate"),
        "{plain}"
    );
}

#[test]
fn clipping_norm_then_value() {
    // (3, 4) has norm 5: the norm clip to 1 gives about (0.6, 0.8), then the value clip at 0.7
    // gives (0.6, 0.7). The other order would give (0.7, 0.7).
    let mut g = [3.0, 4.0];
    Clip {
        norm: Some(1.0),
        value: Some(0.7),
    }
    .apply(&mut g);
    let coef = 1.0 / (5.0 + 1e-6) * 1.0;
    assert_eq!(g, [3.0 * coef, 0.7]);
    // Under max_norm the gradient is multiplied by 1, as torch's clamped coefficient.
    let mut small = [0.3, -0.4];
    Clip {
        norm: Some(1.0),
        value: None,
    }
    .apply(&mut small);
    assert_eq!(small, [0.3, -0.4]);
}

#[test]
fn a_quarter_turn_turns_sgds_path_exactly_and_changes_adams() {
    let race = |rotate: f64, name: &str| {
        let r = run(
            json!({"landscape": {"name": "quadratic", "condition": 10, "rotate": rotate}, "steps": 100,
            "racers": [{"name": name, "lr": 0.05}]}),
        );
        r[0].trajectory.clone()
    };
    for name in ["sgd", "adam"] {
        let (plain, turned) = (race(0.0, name), race(90.0, name));
        // The default start turns too: (x, y) -> (-y, x) about the view's centre (0, 0).
        assert_eq!(turned[0], [-plain[0][1], plain[0][0]]);
        let same = plain.iter().zip(&turned).all(|(p, q)| *q == [-p[1], p[0]]);
        // Adam is not rotation-invariant in general, but a quarter turn swaps its axes: it too is
        // the same path turned. At 45 degrees SGD's path still turns with the landscape, Adam's
        // does not.
        assert!(same, "{name}: the quarter-turned path is the path turned");
        let diagonal = race(45.0, name);
        let r = optiscape::landscape::Rotation::new(45.0, [0.0, 0.0]);
        let worst = plain.iter().zip(&diagonal).map(|(p, q)| {
            let t = r.turn(*p);
            ((t[0] - q[0]) * (t[0] - q[0]) + (t[1] - q[1]) * (t[1] - q[1])).sqrt()
        });
        let worst = worst.fold(0.0, f64::max);
        if name == "sgd" {
            assert!(worst < 1e-12, "sgd at 45 degrees: {worst}");
        } else {
            assert!(
                worst > 0.1,
                "adam at 45 degrees follows another path: {worst}"
            );
        }
    }
}

#[test]
fn marks_and_minima_turn_with_the_landscape() {
    let spec = |rotate: f64| {
        RunSpec::parse(&json!({"landscape": {"name": "himmelblau", "rotate": rotate}, "racers": [{"name": "sgd"}]}).to_string()).unwrap()
    };
    let (plain, turned) = (spec(0.0).landscape.build(), spec(90.0).landscape.build());
    assert_eq!(plain.view, turned.view, "the view stays");
    for (m, t) in plain.marks.iter().zip(&turned.marks) {
        assert_eq!(t.at, [-m.at[1], m.at[0]]);
        assert_eq!(t.kind, m.kind);
        // Still a minimum of the turned function: zero gradient there.
        let g = turned.f.gradient(t.at);
        assert!(g[0].abs() < 1e-9 && g[1].abs() < 1e-9, "{g:?}");
        assert_eq!(turned.f.value(t.at), plain.f.value(m.at));
    }
}
