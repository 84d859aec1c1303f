//! The live view without a browser: a race drawn frame after frame on in-memory layers, as the
//! page draws it on canvases. What a frame draws, what a change restarts, what the page reads
//! back, and that the saved image's legend is `optiscape plot`'s.

use optiscape::classify::digits::Digits;
use optiscape::classify::train::TrainSpec;
use optiscape::live::raster::{Pixels, Raster};
use optiscape::live::report::{PACKED_FIELDS, PACKED_STATUS, PACKED_TAIL};
use optiscape::live::scene::Layers;
use optiscape::live::{Classify, Scene};
use optiscape::race::Status;
use optiscape::spec::RunSpec;
use std::cell::Cell;

mod common;
use common::svg::texts;

const W: u32 = 360;
const H: u32 = 320;

/// A clock that stands still: every budget is met at once, nothing is ever too slow.
fn frozen() -> f64 {
    0.0
}

thread_local!(static TICKS: Cell<f64> = const { Cell::new(0.0) });

/// A clock that moves a millisecond every time it is read: budgets run out.
fn ticking() -> f64 {
    TICKS.with(|t| {
        t.set(t.get() + 1.0);
        t.get()
    })
}

fn layers() -> Layers<Raster> {
    Layers {
        background: Raster::new(W, H),
        casings: Raster::new(W, H),
        trails: Raster::new(W, H),
        overlay: Raster::new(W, H),
        loss: Raster::new(W, H / 2),
    }
}

fn scene(spec: &str) -> Scene<Raster> {
    scene_with(spec, frozen)
}

fn scene_with(spec: &str, now: fn() -> f64) -> Scene<Raster> {
    let mut s = Scene::new(RunSpec::parse(spec).unwrap(), layers(), now);
    s.resize(1.0).unwrap();
    s
}

const THREE: &str = r##"{"landscape": {"name": "rosenbrock"}, "steps": 600, "racers": [
    {"name": "adam", "lr": 0.05}, {"name": "sgd", "lr": 0.001, "momentum": 0.9}, {"name": "rmsprop", "lr": 0.01}]}"##;

/// The share of `a`'s inked pixels with no inked pixel of `b` within a pixel (lines drawn in
/// pieces may land a pixel aside where pieces join).
fn strays(a: &Pixels, b: &Pixels) -> f64 {
    let inked = |p: &Pixels, x: i64, y: i64| {
        x >= 0
            && y >= 0
            && x < p.width as i64
            && y < p.height as i64
            && p.at(x as u32, y as u32)[3] > 0
    };
    let (mut n, mut stray) = (0, 0);
    for y in 0..a.height as i64 {
        for x in 0..a.width as i64 {
            if inked(a, x, y) {
                n += 1;
                if !(-1..=1).any(|dy| (-1..=1).any(|dx| inked(b, x + dx, y + dy))) {
                    stray += 1;
                }
            }
        }
    }
    stray as f64 / n.max(1) as f64
}

#[test]
fn trails_drawn_a_few_steps_a_frame_match_the_same_trails_drawn_at_once() {
    let mut pieces = scene(THREE);
    for _ in 0..30 {
        pieces.step_and_draw(20).unwrap();
    }
    let mut whole = scene(THREE);
    whole.step_and_draw(600).unwrap();
    assert_eq!(pieces.clock(), 600);
    for (a, b) in [
        (
            pieces.layers().trails.pixels(),
            whole.layers().trails.pixels(),
        ),
        (
            pieces.layers().casings.pixels(),
            whole.layers().casings.pixels(),
        ),
    ] {
        assert!(a.inked() > 500, "{} pixels of trails", a.inked());
        let (there, missing) = (strays(&a, &b), strays(&b, &a));
        assert!(
            there < 0.01 && missing < 0.01,
            "{there} of the pieces off the whole, {missing} of the whole not drawn in pieces"
        );
    }
}

#[test]
fn the_heads_move_without_leaving_marks_behind() {
    let mut moving = scene(THREE);
    for _ in 0..40 {
        moving.step_and_draw(7).unwrap();
    }
    // The same race drawn once at its step: the overlay holds the heads and the start alone.
    let mut still = scene(THREE);
    still.seek(280).unwrap();
    assert_eq!((moving.clock(), still.clock()), (280, 280));
    assert_eq!(
        *moving.layers().overlay.pixels(),
        *still.layers().overlay.pixels()
    );
}

#[test]
fn a_changed_racer_alone_is_replayed_to_the_races_step() {
    let mut s = scene(THREE);
    s.step_and_draw(200).unwrap();
    let standing = |s: &Scene<Raster>| -> Vec<String> {
        s.states()
            .iter()
            .map(|r| {
                format!(
                    "{} {:?} {:?} {:?} {:?}",
                    r.step,
                    r.position.map(f64::to_bits),
                    r.loss.to_bits(),
                    r.status,
                    r.arrival
                )
            })
            .collect()
    };
    let before = standing(&s);
    let kept: Vec<Vec<[f64; 2]>> = s
        .trails()
        .iter()
        .map(|t| t.path.points().collect())
        .collect();
    let spec = THREE.replace(
        r#""lr": 0.001, "momentum": 0.9"#,
        r#""lr": 0.002, "momentum": 0.9"#,
    );
    s.set_spec(RunSpec::parse(&spec).unwrap()).unwrap();
    assert_eq!((s.clock(), s.behind()), (200, 0));
    let now = standing(&s);
    for i in [0, 2] {
        assert_eq!(now[i], before[i], "racer {i} is untouched");
        assert_eq!(
            s.trails()[i].path.points().collect::<Vec<_>>(),
            kept[i],
            "racer {i} keeps its path"
        );
    }
    let after = s.states();
    // The edited racer stands where a race of the new spec puts it at step 200.
    let run = optiscape::race::run(
        &RunSpec::parse(&spec.replace(r#""steps": 600"#, r#""steps": 200"#)).unwrap(),
    );
    assert_eq!(after[1].position, *run.racers[1].trajectory.last().unwrap());
    assert_ne!(s.trails()[1].path.points().collect::<Vec<_>>(), kept[1]);
}

#[test]
fn a_long_replay_goes_on_over_frames_while_the_clock_waits() {
    let spec = THREE.replace(r#""steps": 600"#, r#""steps": 200000"#);
    let mut s = scene_with(&spec, ticking);
    s.seek(150_000).unwrap();
    assert!(
        s.behind() > 0,
        "not replayed in one go on a clock that runs out"
    );
    let mut frames = 1;
    s.step_and_draw(10).unwrap();
    while s.behind() > 0 {
        assert_eq!(s.clock(), 150_000, "the clock waits");
        s.step_and_draw(10).unwrap();
        frames += 1;
    }
    assert!(frames > 1);
    // The frame that finished the replay moved the clock on.
    assert_eq!(s.clock(), 150_010);
}

#[test]
fn the_packed_numbers_are_the_states() {
    let spec = r#"{"landscape": {"name": "quadratic"}, "steps": 300, "racers": [{"name": "sgd", "lr": 0.1}, {"name": "sgd", "lr": 3}, {"name": "newton", "lr": 1, "fallback": null}]}"#;
    let mut s = scene(spec);
    s.step_and_draw(300).unwrap();
    let packed = s.packed();
    let n = PACKED_FIELDS.len();
    assert_eq!(packed.len(), n * 3 + PACKED_TAIL.len());
    let at = |i: usize, name: &str| {
        packed[n * i + PACKED_FIELDS.iter().position(|&f| f == name).unwrap()]
    };
    for (i, r) in s.states().iter().enumerate() {
        assert_eq!(at(i, "step"), r.step as f64);
        assert_eq!([at(i, "x"), at(i, "y")], r.position);
        assert_eq!(at(i, "loss").to_bits(), r.loss.to_bits());
        assert_eq!(PACKED_STATUS[at(i, "status") as usize], r.status);
        let stopped = r.diverged_at.or(r.singular_at).map(|k| k as f64);
        assert_eq!(Some(at(i, "stopped_at")).filter(|x| !x.is_nan()), stopped);
        assert_eq!(
            Some(at(i, "arrival_step")).filter(|x| !x.is_nan()),
            r.arrival.map(|a| a.step as f64)
        );
    }
    assert_eq!(
        s.states()[1].status,
        Status::Diverged,
        "the spec has a diverging racer"
    );
    assert!(s.states()[0].arrival.is_some(), "and an arriving one");
    assert_eq!(packed[n * 3..], [300.0, 0.0]);
}

#[test]
fn the_loss_chart_is_appended_to_until_its_axes_must_grow() {
    let mut s = scene(THREE);
    let mut redraws = 0;
    let mut labels = s.layers().loss.pixels().texts.clone();
    for _ in 0..60 {
        s.step_and_draw(10).unwrap();
        let now = s.layers().loss.pixels().texts.clone();
        if now != labels {
            redraws += 1;
            labels = now;
        }
    }
    assert!(
        (1..=8).contains(&redraws),
        "the chart's axes were drawn {redraws} times in 60 frames"
    );
    assert!(labels.iter().any(|(t, _)| t == "step"), "{labels:?}");
}

#[test]
fn a_costly_landscape_shows_coarse_then_sharp() {
    let spec = r#"{"landscape": {"name": "digits2d"}, "racers": [{"name": "adam", "lr": 0.1}]}"#;
    let mut s = scene_with(spec, ticking);
    assert!(
        s.refining(),
        "sampling takes more than a frame on this clock"
    );
    while s.refine(8.0).unwrap() {}
    let sharp = scene(spec);
    assert!(!sharp.refining());
    assert_eq!(
        *s.layers().background.pixels(),
        *sharp.layers().background.pixels()
    );
}

/// The saved image's legend is `optiscape plot --sweep`'s, caption and lines, once the race
/// ran to its stop step: with noisy gradients, a racer that diverges and one that arrives.
#[test]
fn the_saved_images_legend_is_plots() {
    for spec in [
        r##"{"landscape": {"name": "rosenbrock"}, "steps": 800, "racers": [{"name": "adam", "lr": 0.05},
            {"name": "sgd", "lr": 0.002, "momentum": 0.9, "label": "heavy ball"}, {"name": "sgd", "lr": 0.01, "label": "too fast", "color": "#123456"},
            {"name": "adamw", "lr": 0.05, "betas": [0.8, 0.99]}, {"name": "newton", "lr": 0.5, "fallback": null}]}"##,
        r#"{"landscape": {"name": "quadratic", "noise": 2, "seed": 4}, "steps": 300, "racers": [{"name": "sgd", "lr": 0.1}, {"name": "adam", "lr": 0.1}]}"#,
        r#"{"landscape": {"name": "custom", "f": "sqrt(-x) + y^2"}, "start": [1, 1], "steps": 50, "racers": [{"name": "adam"}]}"#,
    ] {
        let parsed = RunSpec::parse(spec).unwrap();
        let mut s = scene(spec);
        s.seek(parsed.steps).unwrap();
        while s.sweep_work(f64::INFINITY, 1000) {}
        let legend = s.legend();
        let svg = optiscape::figure::figure(&parsed, 1280, 640, true).unwrap();
        let plot = texts(&svg);
        assert!(
            plot.contains(&legend.caption),
            "caption {:?} not in {plot:?}",
            legend.caption
        );
        for e in &legend.entries {
            assert!(plot.contains(&e.text), "{:?} not in {plot:?}", e.text);
        }
        assert_eq!(legend.entries.len(), parsed.racers.len());
    }
}

#[test]
fn cards_say_where_each_racer_stands() {
    let spec = r#"{"landscape": {"name": "quadratic"}, "steps": 300, "racers": [{"name": "sgd", "lr": 0.1, "label": "SGD lr 0.1"}, {"name": "sgd", "lr": 3}, {"name": "newton", "lr": 1, "fallback": null}]}"#;
    let mut s = scene(spec);
    s.step_and_draw(300).unwrap();
    let cards = s.cards();
    assert_eq!(
        (
            cards[0].name.as_str(),
            cards[0].what.as_str(),
            cards[0].step.as_str()
        ),
        ("SGD lr 0.1", "SGD \u{b7} lr 0.1", "step 300")
    );
    assert!(
        cards[0].status.starts_with("minimum at step "),
        "{:?}",
        cards[0]
    );
    assert!(
        cards[0]
            .news
            .starts_with("SGD lr 0.1 reached the minimum at step "),
        "{:?}",
        cards[0]
    );
    assert!(
        cards[1].status.starts_with("diverged at step ") && cards[1].loss.starts_with("last loss "),
        "{:?}",
        cards[1]
    );
    assert_eq!(cards[1].news, format!("SGD: {}", cards[1].status));
}

fn classify(spec: &str) -> Classify<Raster> {
    let mut c = Classify::new(
        TrainSpec::parse(spec).unwrap(),
        Digits::embedded(),
        Raster::new(W, H),
        Raster::new(W, H),
        frozen,
    )
    .unwrap();
    c.attach_projection(Raster::new(W, H), Raster::new(W, H))
        .unwrap();
    c.resize(1.0).unwrap();
    c
}

#[test]
fn the_classifiers_charts_grow_by_epoch_and_its_plane_fills() {
    let mut c = classify(
        r#"{"model": "linear", "epochs": 3, "batch_size": 16, "racers": [{"name": "adam", "lr": 0.01}, {"name": "sgd", "lr": 0.01, "input": {"scale": 0.5}}]}"#,
    );
    assert!(c.projection().available);
    let mut frames = 0;
    while !c.finished() {
        c.advance(f64::INFINITY, 20, 0.0).unwrap();
        frames += 1;
    }
    assert!(frames > 3, "the pace caps the steps per frame");
    while !c.projection().done {
        c.advance(0.0, 0, f64::INFINITY).unwrap();
    }
    let states = c.states();
    assert!(states
        .iter()
        .all(|s| s.epoch == 3 && s.test_accuracy.unwrap() > 0.5));
    assert_eq!(
        (states[0].projection, states[1].projection),
        (Some("same"), Some("rescaled"))
    );
    assert_eq!(c.cards()[1].what, "lr 0.01 \u{b7} input raw / 2");
    assert_eq!(c.cards()[0].step, "epoch 3/3");
    let legend = c.legend();
    assert_eq!(legend.caption, "Digits classifier \u{b7} Linear, 64 \u{2192} 10 \u{b7} input raw \u{b7} batch 16 \u{b7} 3 epochs \u{b7} seed 0");
    assert!(
        legend.entries[0]
            .text
            .starts_with("Adam: lr 0.01 \u{b7} epoch 3/3 \u{b7} loss "),
        "{:?}",
        legend.entries[0]
    );
    // The MLP has no plane: the view says why and draws nothing.
    let mut c = classify(r#"{"model": "mlp", "epochs": 1, "racers": [{"name": "adam"}]}"#);
    c.advance(1.0, 5, 1.0).unwrap();
    assert!(!c.projection().available && c.projection().reason.is_some());
}

/// The "work" preset's race: L-BFGS, L-BFGS with max_iter 1, Newton and Adam, its loss chart
/// counting evaluations.
fn work_spec() -> String {
    let preset = optiscape::presets::scenes()
        .iter()
        .find(|p| p.id == "work")
        .expect("the work preset");
    preset.spec.to_json()
}

/// With `loss_x` "evaluations" the live loss chart puts each step's loss at the evaluations made
/// by then, as `optiscape run` counts them, and its axis says so; switched to steps, the race
/// keeps its clock and its hint, and the curves are drawn again against step.
#[test]
fn the_live_loss_chart_counts_what_the_spec_says() {
    let text = work_spec();
    let spec = RunSpec::parse(&text).unwrap();
    let run = optiscape::race::run(&spec);
    let mut s = scene(&text);
    for _ in 0..40 {
        s.step_and_draw(50).unwrap();
    }
    assert_eq!(s.clock(), spec.steps);
    let titles = |s: &Scene<Raster>| {
        s.layers()
            .loss
            .pixels()
            .texts
            .iter()
            .map(|(t, _)| t.clone())
            .collect::<Vec<_>>()
    };
    assert!(
        titles(&s).contains(&"evaluations".to_string())
            && !titles(&s).contains(&"step".to_string()),
        "{:?}",
        titles(&s)
    );
    assert_eq!(s.chart_notes().loss, "against evaluations, log scale");
    for (i, r) in run.racers.iter().enumerate() {
        let curve: Vec<(f64, f64)> = s.trails()[i].loss.curve.samples().collect();
        assert!(curve.len() > 2, "racer {i}");
        for &(x, loss) in &curve {
            let k = r
                .evaluations
                .iter()
                .position(|&e| e as f64 == x)
                .unwrap_or_else(|| panic!("racer {i}: {x} is no count of evaluations"));
            assert_eq!(
                loss.to_bits(),
                r.loss[k].to_bits(),
                "racer {i} at {x} evaluations"
            );
        }
        assert_eq!(
            curve.last().unwrap().0,
            *r.evaluations.last().unwrap() as f64,
            "racer {i}'s curve ends at its last evaluation"
        );
    }
    // L-BFGS arrives at step 3, after 60 evaluations: its curve has that point.
    let arrival = run.racers[0].arrival.unwrap();
    assert_eq!(
        (
            arrival.step,
            run.racers[0].evaluations[arrival.step as usize]
        ),
        (3, 60)
    );
    assert!(s.trails()[0]
        .loss
        .curve
        .samples()
        .any(|(x, l)| x == 60.0 && l == run.racers[0].loss[3]));
    let hint = s.lesson().unwrap().hint;
    assert!(hint.is_some());

    let mut steps = spec.clone();
    steps.loss_x = optiscape::spec::XAxis::Steps;
    s.set_spec(steps).unwrap();
    s.settle().unwrap();
    assert_eq!(s.clock(), spec.steps);
    assert_eq!(
        s.lesson().unwrap().hint,
        hint,
        "the axis is no part of the lesson"
    );
    assert!(
        titles(&s).contains(&"step".to_string())
            && !titles(&s).contains(&"evaluations".to_string()),
        "{:?}",
        titles(&s)
    );
    assert_eq!(s.chart_notes().loss, "against step, log scale");
    for (i, r) in run.racers.iter().enumerate() {
        for (x, loss) in s.trails()[i].loss.curve.samples() {
            assert_eq!(
                loss.to_bits(),
                r.loss[x as usize].to_bits(),
                "racer {i} at step {x}"
            );
        }
    }
}

/// "Tune" sets every racer's learning rate as `optiscape tune` does, and the cards say so until
/// a racer's settings change.
#[test]
fn tune_sets_what_optiscape_tune_sets_and_the_cards_say_so() {
    let text = r#"{"landscape": {"name": "rosenbrock"}, "steps": 300, "racers": [{"name": "sgd", "lr": 0.0001, "momentum": 0.9},
        {"name": "adam", "lr_scheduler": {"name": "StepLR", "step_size": 100, "gamma": 0.5}}, {"name": "sgd", "lr": 0.001, "label": "plain"}]}"#;
    let spec = RunSpec::parse(text).unwrap();
    let (want, best) = optiscape::sweep::tune(&spec);
    let mut s = scene(text);
    s.step_and_draw(100).unwrap();
    s.tune().unwrap();
    assert_eq!(s.spec().racers, want.racers);
    assert_eq!(s.clock(), 100, "the race keeps its step");
    for (i, b) in best.iter().enumerate() {
        let card = &s.cards()[i];
        let lr = optiscape::text::number(b.unwrap().lr);
        assert!(
            card.what
                .contains(&format!("lr {lr}, tuned: best of the sweep at step 300")),
            "{card:?}"
        );
    }
    let mut changed = s.spec();
    changed.racers[0] = RunSpec::parse(r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "sgd", "lr": 0.01, "momentum": 0.9}]}"#).unwrap().racers.remove(0);
    s.set_spec(changed).unwrap();
    assert!(!s.cards()[0].what.contains("tuned"), "{:?}", s.cards()[0]);
    assert!(s.cards()[1].what.contains("tuned"), "{:?}", s.cards()[1]);
}

/// Thickest run of inked pixels down column `x` of `p`.
fn thickest_run(p: &Pixels, x: u32) -> u32 {
    let (mut best, mut run) = (0, 0);
    for y in 0..p.height {
        run = if p.at(x, y)[3] > 0 { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Presentation mode's room scale: the same race with trails at least 4 device pixels wide at a
/// device ratio of 1 (twice the desk's), wider margins for larger tick labels, and the same
/// data under a CSS pixel; nonsense scales are 1.
#[test]
fn a_room_scale_draws_lines_and_labels_for_a_projector() {
    use optiscape::live::scene::PRESENT_ROOM;
    let spec = r#"{"landscape": {"name": "quadratic"}, "start": [1.5, 0], "steps": 40, "racers": [{"name": "sgd", "lr": 0.02}]}"#;
    let wide = || {
        let (w, h) = (3 * W, 3 * H);
        let layers = Layers {
            background: Raster::new(w, h),
            casings: Raster::new(w, h),
            trails: Raster::new(w, h),
            overlay: Raster::new(w, h),
            loss: Raster::new(w, h / 2),
        };
        let mut s = Scene::new(RunSpec::parse(spec).unwrap(), layers, frozen);
        s.resize(1.0).unwrap();
        s
    };
    let (mut desk, mut room) = (wide(), wide());
    room.set_room(PRESENT_ROOM).unwrap();
    assert_eq!(room.room(), PRESENT_ROOM);
    for s in [&mut desk, &mut room] {
        s.step_and_draw(40).unwrap();
    }
    let column = |s: &Scene<Raster>| {
        let m = s.mapping();
        let [x, _] = m.to_px([1.0, 0.0]);
        thickest_run(&s.layers().trails.pixels(), x.round() as u32)
    };
    let (thin, thick) = (column(&desk), column(&room));
    assert!((2..=3).contains(&thin), "a desk's trail is {thin} px thick");
    assert!(
        thick >= 4 && thick >= 2 * thin - 1,
        "a room's trail is {thick} px thick (desk {thin})"
    );
    assert!(
        room.mapping().plot.x as f64 >= 1.8 * desk.mapping().plot.x as f64,
        "{:?} {:?}",
        room.mapping().plot,
        desk.mapping().plot
    );
    assert!(room.data_at(200.0, 150.0).is_some());
    for bad in [f64::NAN, 0.0, -2.0] {
        room.set_room(bad).unwrap();
        assert_eq!(room.room(), 1.0);
    }
    room.set_room(10.0).unwrap();
    assert_eq!(room.room(), optiscape::live::scene::MAX_ROOM);
}

/// Presentation mode's scale for a window: twice the desk's at 1080p and above (28 px tick
/// labels), lines of at least 4 device pixels at 720p, the desk's on a phone and at 150 % zoom's
/// 853 x 480 only as far as its device pixels widen the lines.
#[test]
fn presentation_modes_scale_follows_the_window() {
    use optiscape::live::scene::present_room;
    assert_eq!(present_room(1920.0, 1080.0, 1.0), 2.0);
    assert_eq!(present_room(1920.0, 1080.0, 2.0), 2.0);
    assert_eq!(present_room(1280.0, 720.0, 1.0), 2.0);
    assert_eq!(present_room(390.0, 844.0, 3.0), 1.0);
    let zoomed = present_room(853.0, 480.0, 1.5);
    assert!((zoomed - 2.0 / 1.5).abs() < 1e-12, "{zoomed}");
    for (w, h, dpr) in [
        (1280.0, 720.0, 1.0),
        (853.0, 480.0, 1.5),
        (390.0, 844.0, 3.0),
        (3840.0, 2160.0, 1.0),
    ] {
        let room = present_room(w, h, dpr);
        assert!(
            2.0 * room * dpr >= 4.0 - 1e-9 && (1.0..=2.0).contains(&room),
            "{w}x{h} at {dpr}: {room}"
        );
    }
    assert_eq!(present_room(f64::NAN, 5.0, f64::NAN), 2.0);
}

/// Presentation mode's loss inset: its labels at the room's size where it is 1080p's 28 % of
/// the height (28 px tick labels, over the 24 px a room needs), smaller in a smaller inset
/// (1280x720's 13rem) so that its curves keep their room, and never below the desk's.
#[test]
fn the_loss_insets_labels_fit_the_inset() {
    use optiscape::live::scene::{loss_room, PRESENT_ROOM};
    let at1080 = loss_room(PRESENT_ROOM, 0.28 * 1080.0);
    assert_eq!(at1080, PRESENT_ROOM);
    assert!(14.0 * at1080 >= 24.0);
    let at720 = loss_room(PRESENT_ROOM, 208.0);
    assert!(at720 < 1.5 && at720 > 1.0, "{at720}");
    assert_eq!(loss_room(1.0, 120.0), 1.0, "the desk's chart is the desk's");
    assert_eq!(loss_room(1.0, 900.0), 1.0);
    assert_eq!(loss_room(PRESENT_ROOM, f64::NAN), PRESENT_ROOM);
}

/// A pan or zoom shows the landscape coarse at once when sampling it sharp would take more than
/// a small part of a frame (here 16 ms on a clock that ticks a millisecond a read), then
/// sharpens it over the next frames to the very pixels of a landscape drawn sharp at once.
#[test]
fn a_pan_never_waits_for_a_sharp_landscape() {
    let mut s = scene_with(THREE, ticking);
    while s.refine(50.0).unwrap() {}
    let mut v = s.spec().view.unwrap_or(s.race().default_view);
    v.x = [v.x[0] + 0.1, v.x[1] + 0.1];
    s.set_view(v).unwrap();
    assert!(s.refining(), "a pan shows the coarse landscape first");
    while s.refine(8.0).unwrap() {}
    let mut sharp = scene(THREE);
    sharp.set_view(v).unwrap();
    // Sharp at once: what is left is drawing the moved trails at the view, no refining.
    assert!(!sharp.refining() || sharp.trails_moved() && !sharp.refine(0.0).unwrap());
    assert_eq!(
        *s.layers().background.pixels(),
        *sharp.layers().background.pixels()
    );
}
