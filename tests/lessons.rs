//! The lessons' hints tell the truth: every claim the hints of the lesson presets make (decay,
//! warm-up, the turn, work by evaluations, Muon on the digits) is checked against the races
//! themselves. Numbers are read from the hint, so hint and race cannot drift apart. Where a hint
//! invites the student to change a setting (the preset's `vary`: the noise's seed, the turn), its
//! claims are checked across that setting's range; where a lesson could hang on one draw or one
//! choice of settings, nearby ones are raced too, so the lesson is the settings', not luck.
//! (The browser tests check that the page races every preset as the CLI does and shows its hint.)

use optiscape::classify::digits::Digits;
use optiscape::classify::train::{train, TrainSpec};
use optiscape::export::state::run_with_state;
use optiscape::landscape::{Point, Rotation};
use optiscape::optim::EntryValue;
use optiscape::presets::{experiments, scenes, Preset};
use optiscape::race::{run, RacerResult, RunResult};
use optiscape::spec::{RunSpec, XAxis};

fn scene(id: &str) -> &'static Preset<RunSpec> {
    scenes()
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no scene `{id}`"))
}

/// The number right after the first `before` in `hint` (its text, as the page shows it).
fn said(hint: &str, before: &str) -> f64 {
    let at = hint
        .find(before)
        .unwrap_or_else(|| panic!("the hint does not say `{before}`: {hint}"))
        + before.len();
    let rest = hint[at..].trim_start_matches(|c: char| !c.is_ascii_digit());
    let number: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    number
        .trim_end_matches('.')
        .parse()
        .unwrap_or_else(|_| panic!("no number after `{before}` in the hint"))
}

/// A whole number the hint gives after `before`.
fn said_step(hint: &str, before: &str) -> u64 {
    let x = said(hint, before);
    assert_eq!(x.fract(), 0.0, "`{before}` is followed by {x}, not a step");
    x as u64
}

/// The racer labelled `label`, of `spec`'s race `result`.
fn racer<'a>(spec: &RunSpec, result: &'a RunResult, label: &str) -> &'a RacerResult {
    let i = spec
        .racers
        .iter()
        .position(|r| r.display_name() == label)
        .unwrap_or_else(|| panic!("no racer `{label}`"));
    &result.racers[i]
}

fn arrival(r: &RacerResult) -> u64 {
    r.arrival
        .as_ref()
        .unwrap_or_else(|| panic!("{} does not arrive", r.label.as_deref().unwrap_or(r.name)))
        .step
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn dist(p: Point, q: Point) -> f64 {
    let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
    (dx * dx + dy * dy).sqrt()
}

/// The mean loss over the latest tenth of the steps, as the cards give it under noise.
fn card_mean(r: &RacerResult) -> f64 {
    mean(&r.loss[r.loss.len() - (r.loss.len() - 1) / 10 - 1..])
}

/// The first step whose loss is under `level`.
fn below(r: &RacerResult, level: f64) -> usize {
    r.loss.iter().position(|&l| l < level).expect("gets there")
}

/// The mean length of the steps from `from` to `to`.
fn step_length(r: &RacerResult, from: usize, to: usize) -> f64 {
    mean(
        &(from..to)
            .map(|k| dist(r.trajectory[k], r.trajectory[k + 1]))
            .collect::<Vec<_>>(),
    )
}

#[test]
fn decay_settles_the_noise_for_every_seed() {
    let p = scene("decay");
    let hint = &p.hint;
    assert_eq!(p.vary, ["seed"], "the hint asks for other seeds");
    assert_eq!(p.spec.landscape.noise.std, said(hint, "σ ="));
    let labels = [
        "SGD lr 0.1",
        "SGD lr 0.01",
        "StepLR from 0.1",
        "Cosine from 0.1",
    ];
    let lrs: Vec<f64> = labels
        .iter()
        .map(|l| {
            p.spec
                .racers
                .iter()
                .find(|r| r.display_name() == *l)
                .unwrap()
                .lr()
                .unwrap()
        })
        .collect();
    assert_eq!(
        lrs,
        [said(hint, "settles: at"), said(hint, "; at"), 0.1, 0.1]
    );
    assert_eq!(p.spec.steps, said_step(hint, "to 0 at step"));
    let (step_size, t_max) = (said_step(hint, "by 10 every"), said_step(hint, "T_max"));
    assert_eq!((step_size, t_max), (500, p.spec.steps));
    // What the hint says in words, checked below.
    for words in [
        "around a loss of 0.3",
        "about 100 steps",
        "at least five times below",
        "for nearly every seed",
    ] {
        assert!(hint.contains(words), "the hint no longer says `{words}`");
    }
    let seeds = 0..50u64;
    let (mut below_small, mut both_below_small) = (0, 0);
    for seed in seeds.clone() {
        let mut spec = p.spec.clone();
        spec.landscape.noise.seed = seed;
        let result = run(&spec);
        let [fast, slow, step, cosine] = labels.map(|l| racer(&spec, &result, l));
        let why = format!("seed {seed}");
        // The constant rates: 0.1 hovers around 0.3; 0.01 lower, after about 100 steps.
        assert!(
            (0.2..0.4).contains(&card_mean(fast)),
            "{why}: lr 0.1 hovers at {}",
            card_mean(fast)
        );
        assert!(
            card_mean(slow) < card_mean(fast) / 5.0,
            "{why}: lr 0.01 at {}",
            card_mean(slow)
        );
        assert!(
            (50..=150).contains(&below(slow, 1.0)),
            "{why}: lr 0.01 under 1 at step {}",
            below(slow, 1.0)
        );
        // The decayed ones start as fast as the constant 0.1.
        for r in [step, cosine] {
            assert!(
                below(r, 1.0).abs_diff(below(fast, 1.0)) <= 2 && below(r, 1.0) <= 20,
                "{why}: {} under 1 at step {}",
                r.label.as_deref().unwrap(),
                below(r, 1.0)
            );
        }
        // StepLR: the cut at step 500 drops its loss to the level of the racer at 0.01, which it
        // then follows (the same draws at the same rate) until its next cut.
        let window = |r: &RacerResult, end: usize| mean(&r.loss[end - 100..end]);
        assert!(
            window(step, 500) > 5.0 * window(step, 1000),
            "{why}: no drop at the cut"
        );
        let level = window(step, 1000) / window(slow, 1000);
        assert!(
            (0.9..1.1).contains(&level),
            "{why}: StepLR at {level} times lr 0.01's level"
        );
        let apart = (900..=1000)
            .map(|k| dist(step.trajectory[k], slow.trajectory[k]))
            .fold(0.0, f64::max);
        assert!(
            apart < 0.05,
            "{why}: StepLR {apart} away from the racer at 0.01"
        );
        // Cosine: its loss sinks quarter after quarter.
        let quarters: Vec<f64> = (0..4)
            .map(|q| mean(&cosine.loss[1 + 500 * q..=500 * (q + 1)]))
            .collect();
        assert!(
            quarters.windows(2).all(|w| w[1] < w[0]),
            "{why}: cosine's quarters {quarters:?}"
        );
        // The paths come to rest; the constant ones still jitter.
        for r in [step, cosine] {
            let still = step_length(r, 1800, 2000);
            assert!(
                still < step_length(slow, 1800, 2000) / 10.0
                    && still < step_length(fast, 1800, 2000) / 100.0,
                "{why}: steps of {still} at the end"
            );
        }
        // At step 2000: at least five times below the constant 0.1, and below the constant 0.01
        // for nearly every seed (the preset's own among them).
        for r in [step, cosine] {
            assert!(
                card_mean(r) * 5.0 <= card_mean(fast),
                "{why}: {} at {}",
                r.label.as_deref().unwrap(),
                card_mean(r)
            );
        }
        below_small += [step, cosine]
            .iter()
            .filter(|r| card_mean(r) < card_mean(slow))
            .count();
        both_below_small +=
            usize::from(card_mean(step) < card_mean(slow) && card_mean(cosine) < card_mean(slow));
        if seed == p.spec.landscape.noise.seed {
            assert!(
                card_mean(step) < card_mean(slow) && card_mean(cosine) < card_mean(slow),
                "the preset's own seed"
            );
        }
        assert!(
            result.racers.iter().all(|r| r.arrival.is_none()),
            "{why}: no arrivals are counted under noise"
        );
    }
    assert!(
        both_below_small >= 45 && below_small >= 92,
        "below lr 0.01 for {both_below_small} of 50 seeds ({below_small} of 100 racers)"
    );
}

#[test]
fn warm_up_keeps_adam_off_the_far_wall() {
    let p = scene("warmup");
    let hint = &p.hint;
    let spec = &p.spec;
    let (plain, warm) = ("Adam lr 0.5", "Adam lr 0.5, warm-up");
    let lr = said(hint, "a large rate,");
    assert!(spec.racers.iter().all(|r| r.lr() == Some(lr)));
    for words in ["nearly thirty times", "again and again it bursts out"] {
        assert!(hint.contains(words), "the hint no longer says `{words}`");
    }
    let stateful = run_with_state(spec);
    let result = &stateful.result;
    let (a, b) = (racer(spec, result, plain), racer(spec, result, warm));
    // The first step without warm-up: lr in each coordinate, onto the far wall.
    let first = [
        a.trajectory[1][0] - a.trajectory[0][0],
        a.trajectory[1][1] - a.trajectory[0][1],
    ];
    assert!(
        first
            .iter()
            .all(|d| (d.abs() - said(hint, "a full")).abs() < 1e-8),
        "first step {first:?}"
    );
    let across = |q: Point| q[0] - q[1];
    assert!(
        across(a.trajectory[0]) * across(a.trajectory[1]) < 0.0,
        "the first step crosses the floor"
    );
    assert_eq!(
        format!("{:.1} {:.2}", a.loss[1], a.loss[0]),
        format!("{} {}", said(hint, "its loss is"), said(hint, "against"))
    );
    // Its v_hat, nearly thirty times the warm-up's until that one arrives.
    let (late, early) = (arrival(a), arrival(b));
    assert_eq!(
        (late, early),
        (
            said_step(hint, "only at step"),
            said_step(hint, "reaches the minimum at step")
        )
    );
    let v_hat = |i: usize, k: usize| match &stateful.states[i][k]
        .0
        .iter()
        .find(|e| e.name == "v_hat")
        .unwrap()
        .value
    {
        EntryValue::Vector(v) => v.clone(),
        other => panic!("v_hat is {other:?}"),
    };
    let (ia, ib) = (
        spec.racers
            .iter()
            .position(|r| r.display_name() == plain)
            .unwrap(),
        spec.racers
            .iter()
            .position(|r| r.display_name() == warm)
            .unwrap(),
    );
    for k in 50..=early as usize {
        for c in 0..2 {
            let ratio = v_hat(ia, k)[c] / v_hat(ib, k)[c];
            assert!(
                (25.0..30.0).contains(&ratio),
                "step {k}: v_hat {ratio} times the warm-up's"
            );
        }
    }
    // The warm-up: 1 % of the rate at the first step, the full rate from step 50; never on the far wall.
    let warmup = spec
        .racers
        .iter()
        .find(|r| r.display_name() == warm)
        .unwrap()
        .schedule
        .as_ref()
        .unwrap();
    assert_eq!(warmup.name, "LinearLR");
    let total = said_step(hint, "over the first") as usize;
    assert_eq!(b.lr[0], lr * said(hint, "warms the rate up from") / 100.0);
    assert_eq!(b.lr[0], said(hint, "% of it ("));
    assert!(
        b.lr[..total].iter().all(|&r| r < lr) && b.lr[total..].iter().all(|&r| r == lr),
        "{:?}",
        &b.lr[..total + 2]
    );
    let highest = b.loss[..=early as usize]
        .iter()
        .cloned()
        .fold(0.0, f64::max);
    assert!(
        highest <= b.loss[0] * (1.0 + said(hint, "never rises more than") / 100.0),
        "the warm-up's loss rises to {highest}"
    );
    // After arriving, at the full rate, it bursts out of the floor again and again; the other stays.
    let mut bursts = 0;
    let mut down = false;
    for &l in &b.loss[early as usize..] {
        if l < 1e-6 {
            down = true;
        } else if down && l > 0.1 {
            bursts += 1;
            down = false;
        }
    }
    assert!(bursts >= 3, "{bursts} bursts");
    assert!(
        a.loss[late as usize..].iter().all(|&l| l < 1e-5),
        "the unwarmed Adam stays down"
    );
    // Not luck: at rates around 0.5 and warm-ups of 20 to 100 steps, the warm-up arrives at least
    // twice as soon.
    for rate in [0.3, 0.5, 1.0] {
        for steps in [20, 50, 100] {
            let text = spec
                .to_json()
                .replace("\"lr\":0.5", &format!("\"lr\":{rate}"))
                .replace("\"total_iters\":50", &format!("\"total_iters\":{steps}"));
            let nearby = RunSpec::parse(&text).unwrap();
            assert!(
                nearby.racers.iter().all(|r| r.lr() == Some(rate))
                    && text.contains(&format!("\"total_iters\":{steps}")),
                "{text}"
            );
            let result = run(&nearby);
            let (a, b) = (
                arrival(racer(&nearby, &result, plain)),
                arrival(racer(&nearby, &result, warm)),
            );
            assert!(2 * b <= a, "lr {rate}, warm-up {steps}: {b} against {a}");
        }
    }
}

#[test]
fn sgd_turns_with_the_landscape_adam_changes() {
    let p = scene("turn");
    let hint = &p.hint;
    assert_eq!(
        p.vary,
        ["rotate"],
        "the hint asks to move the rotate slider"
    );
    assert!(p.spec.start.is_none(), "the start turns with the landscape");
    let at = |degrees: f64| {
        let mut spec = p.spec.clone();
        spec.landscape.rotate = degrees;
        run(&spec)
    };
    let straight = at(0.0);
    let (sgd, adam) = (
        said_step(hint, "reaches the minimum at step"),
        said_step(hint, "it arrives first, at step"),
    );
    assert_eq!(arrival(racer(&p.spec, &straight, "SGD")), sgd);
    assert_eq!(arrival(racer(&p.spec, &straight, "Adam")), adam);
    assert!(adam < sgd);
    let view = p.spec.landscape.build().view;
    let centre = [0.5 * (view.x[0] + view.x[1]), 0.5 * (view.y[0] + view.y[1])];
    let mut slowest = (0, 0.0);
    // Every whole degree the spec accepts.
    for degrees in -360..=360 {
        let turn = Rotation::new(degrees as f64, centre);
        let turned = at(degrees as f64);
        let off = |label: &str| {
            let (a, b) = (
                racer(&p.spec, &straight, label),
                racer(&p.spec, &turned, label),
            );
            assert_eq!(a.trajectory.len(), b.trajectory.len());
            a.trajectory
                .iter()
                .zip(&b.trajectory)
                .map(|(&q, &r)| dist(turn.turn(q), r))
                .fold(0.0, f64::max)
        };
        // SGD: the same path turned, to rounding; its arrival the same.
        assert!(
            off("SGD") < 1e-12,
            "{degrees}°: SGD {} off its turned path",
            off("SGD")
        );
        assert_eq!(arrival(racer(&p.spec, &turned, "SGD")), sgd, "{degrees}°");
        // Adam: the same every quarter turn, another path at every other angle.
        if degrees % 90 == 0 {
            assert!(
                off("Adam") < 1e-12,
                "{degrees}°: Adam {} off its turned path",
                off("Adam")
            );
        } else {
            assert!(
                off("Adam") > 0.1,
                "{degrees}°: Adam only {} off its turned path",
                off("Adam")
            );
        }
        let a = arrival(racer(&p.spec, &turned, "Adam"));
        if a as f64 > slowest.1 {
            slowest = (degrees, a as f64);
        }
    }
    // At 45° it is at its slowest, long after SGD.
    let slow = said_step(hint, "it arrives at step");
    assert_eq!(said(hint, "Turned by"), 45.0);
    assert_eq!(arrival(racer(&p.spec, &at(45.0), "Adam")), slow);
    assert_eq!(
        slowest.1 as u64, slow,
        "Adam's slowest is at {}°",
        slowest.0
    );
    assert!(slow > 2 * sgd);
}

#[test]
fn work_counts_evaluations() {
    let p = scene("work");
    let hint = &p.hint;
    let spec = &p.spec;
    assert_eq!(
        spec.loss_x,
        XAxis::Evaluations,
        "the loss chart counts evaluations"
    );
    let result = run(spec);
    let [lbfgs, single, newton, adam] =
        ["L-BFGS", "L-BFGS, max_iter 1", "Newton", "Adam"].map(|l| racer(spec, &result, l));
    let evaluations = |r: &RacerResult| r.evaluations[arrival(r) as usize];
    // Torch's L-BFGS: 20 iterations a step, one evaluation each; first by steps.
    assert_eq!(said(hint, "(torch’s, max_iter"), 20.0);
    assert_eq!(spec.racers[0].hyper.int("max_iter"), 20);
    assert_eq!(
        arrival(lbfgs),
        said_step(hint, "reaches the minimum first, at step")
    );
    assert_eq!(evaluations(lbfgs), said_step(hint, "3, after"));
    assert!(result
        .racers
        .iter()
        .all(|r| std::ptr::eq(r, lbfgs) || arrival(r) > arrival(lbfgs)));
    assert_eq!(lbfgs.evaluations[..4], [0, 20, 40, 60]);
    // One iteration a step: the very same points, every twentieth of its.
    for k in 1..=3 {
        assert_eq!(
            single.trajectory[20 * k],
            lbfgs.trajectory[k],
            "step {}",
            20 * k
        );
        assert_eq!(single.evaluations[20 * k], lbfgs.evaluations[k]);
        assert_eq!(single.loss[20 * k], lbfgs.loss[k]);
    }
    assert_eq!(
        (arrival(single), evaluations(single)),
        (
            said_step(hint, "it arrives at step"),
            said_step(hint, "59, after")
        )
    );
    // Newton: the fewest evaluations. Adam: one a step.
    let newton_at = said_step(hint, "Newton’s method at lr 1 arrives at step");
    assert_eq!(
        (arrival(newton), evaluations(newton)),
        (
            newton_at,
            said_step(hint, &format!("arrives at step {newton_at} after"))
        )
    );
    assert!(result
        .racers
        .iter()
        .all(|r| std::ptr::eq(r, newton) || evaluations(r) > evaluations(newton)));
    assert_eq!(
        spec.racers[2].lr(),
        Some(said(hint, "Newton’s method at lr"))
    );
    assert_eq!(
        arrival(adam),
        said_step(hint, "Adam, one evaluation a step, arrives at step")
    );
    assert_eq!(evaluations(adam), arrival(adam));
    // As in the Rosenbrock race.
    let rosenbrock = scene("rosenbrock");
    let there = run(&rosenbrock.spec);
    assert_eq!(
        arrival(racer(&rosenbrock.spec, &there, "Adam")),
        arrival(adam)
    );
    assert_eq!(
        (rosenbrock.spec.start, &rosenbrock.spec.landscape),
        (spec.start, &spec.landscape)
    );
}

#[test]
fn muon_dives_past_adamw_on_the_mlp() {
    let p: &Preset<TrainSpec> = experiments().iter().find(|p| p.id == "muon").unwrap();
    let hint = &p.hint;
    let spec = &p.spec;
    assert_eq!(
        (spec.batch_size as f64, spec.epochs),
        (said(hint, "digits,"), 20)
    );
    let labels = spec
        .racers
        .iter()
        .map(|r| r.display_name())
        .collect::<Vec<_>>();
    assert_eq!(labels, ["AdamW", "Muon"]);
    for r in &spec.racers {
        assert_eq!(
            (r.lr(), r.hyper.num("weight_decay")),
            (
                Some(said(hint, "learning rate (")),
                said(hint, "weight decay (")
            )
        );
    }
    for words in [
        "thousands of times lower (under 10⁻⁶)",
        "within a point of each other",
    ] {
        assert!(hint.contains(words), "the hint no longer says `{words}`");
    }
    let digits = Digits::embedded();
    let crossing = said_step(hint, "from epoch") as usize;
    assert_eq!(crossing, said_step(hint, "for the first") as usize + 1);
    for seed in 0..5 {
        let mut spec = spec.clone();
        spec.seed = seed;
        let result = train(&spec, &digits, &|| 0.0);
        let [adamw, muon] = [0, 1].map(|i| {
            result.racers[i]
                .epochs
                .iter()
                .map(|e| e.train_loss)
                .collect::<Vec<_>>()
        });
        let why = format!("seed {seed}");
        // Higher for the first epochs, lower from the crossing on, thousands of times lower at the end.
        for e in 0..20 {
            assert_eq!(
                muon[e] < adamw[e],
                e + 1 >= crossing,
                "{why}, epoch {}: AdamW {} Muon {}",
                e + 1,
                adamw[e],
                muon[e]
            );
        }
        assert!(
            adamw[19] / muon[19] >= 1000.0,
            "{why}: {} times lower",
            adamw[19] / muon[19]
        );
        // Test accuracy within a point and a half (within a point at the preset's own seed, as said).
        let [a, m] = [0, 1].map(|i| result.racers[i].test_accuracy.unwrap() * 100.0);
        assert!((a - m).abs() < 1.5, "{why}: {a} against {m}");
        if seed == p.spec.seed {
            assert!(muon[19] < 1e-6, "{why}: {}", muon[19]);
            assert!((a - m).abs() < 1.0);
            assert_eq!(
                format!("{a:.1} {m:.1}"),
                format!("{} {}", said(hint, "each other,"), said(hint, "AdamW and"))
            );
        }
    }
}
