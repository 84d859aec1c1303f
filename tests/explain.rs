//! The explained step: every optimizer's next update, piece by piece (`Race::explain`).
//!
//! The step it explains is the step the racer then takes, to the last bit, for every optimizer
//! and its variants on several landscapes, with noise, clipping and a scheduler; its pieces
//! put back together make that step (to rounding: the update fuses and orders operations its
//! own way); every row of every table is shown somewhere; and the tables and the tooltips of
//! every parameter and inspector quantity are complete.

use optiscape::explanation::Explanation;
use optiscape::optim::explain::{PieceValue, Shape, STEP_KEY};
use optiscape::optim::{EntryValue, REGISTRY};
use optiscape::race::Race;
use optiscape::schema::Kind;
use optiscape::spec::RunSpec;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Settings of every optimizer that between them reach every branch of its update.
fn variants(name: &str) -> Vec<Value> {
    let v = |extra: &[Value]| -> Vec<Value> {
        let mut all = vec![json!({})];
        all.extend(extra.iter().cloned());
        all
    };
    match name {
        "sgd" => v(&[
            json!({"lr": 0.01, "momentum": 0.9}),
            json!({"momentum": 0.9, "nesterov": true, "weight_decay": 0.1}),
            json!({"momentum": 0.5, "dampening": 0.3, "lr": 0.003}),
        ]),
        "adagrad" => v(&[json!({"weight_decay": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1, "lr": 0.1})]),
        "rmsprop" => v(&[json!({"centered": true}), json!({"momentum": 0.5, "weight_decay": 0.1}), json!({"centered": true, "momentum": 0.9, "lr": 0.001})]),
        "adadelta" => v(&[json!({"weight_decay": 0.1, "rho": 0.5})]),
        "adam" => v(&[
            json!({"amsgrad": true, "lr": 0.05}),
            json!({"weight_decay": 0.1}),
            json!({"weight_decay": 0.1, "decoupled_weight_decay": true, "lr": 0.02}),
        ]),
        "adamw" => v(&[json!({"amsgrad": true, "lr": 0.05})]),
        "nadam" => v(&[json!({"weight_decay": 0.1}), json!({"weight_decay": 0.1, "decoupled_weight_decay": true, "lr": 0.05})]),
        "radam" => v(&[json!({"weight_decay": 0.1, "decoupled_weight_decay": true, "lr": 0.05}), json!({"weight_decay": 0.1, "betas": [0.9, 0.6]})]),
        "adamax" => v(&[json!({"weight_decay": 0.1, "lr": 0.05})]),
        "adabelief" => v(&[
            json!({"rectify": false, "lr": 0.02}),
            json!({"rectify": false, "amsgrad": true}),
            json!({"degenerated_to_sgd": false, "betas": [0.9, 0.6]}),
            json!({"weight_decouple": false, "weight_decay": 0.1}),
            json!({"weight_decay": 0.1, "fixed_decay": true, "betas": [0.8, 0.7]}),
        ]),
        "lion" => v(&[json!({"weight_decay": 0.5, "lr": 0.01})]),
        "rprop" => v(&[json!({"etas": [0.3, 1.5]})]),
        "asgd" => v(&[json!({"t0": 3, "weight_decay": 0.1, "lambd": 0.1})]),
        "adafactor" => v(&[json!({"weight_decay": 0.1, "lr": 0.05})]),
        "muon" => v(&[json!({"nesterov": false, "weight_decay": 0, "lr": 0.01})]),
        "lbfgs" => v(&[json!({"line_search_fn": "strong_wolfe"}), json!({"max_iter": 1, "lr": 0.1})]),
        "newton" => v(&[json!({"fallback": null, "lr": 0.5}), json!({"damping": 1.0})]),
        other => panic!("no variants for {other}"),
    }
}

/// The landscapes (with the scale, noise, turn and start) the racers are explained on.
fn landscapes() -> Vec<(Value, Option<[f64; 2]>)> {
    vec![
        (json!({"name": "rosenbrock"}), None),
        (json!({"name": "quadratic", "scale": 3, "rotate": 30}), Some([1.5, -0.7])),
        (json!({"name": "himmelblau", "noise": 2, "seed": 5}), None),
        (json!({"name": "saddle"}), Some([0.4, 0.05])),
        (json!({"name": "custom", "f": "x^2 + 3 y^2 + sin(x y)"}), None),
        (json!({"name": "rastrigin", "scale": 0.01}), Some([2.2, -1.3])),
    ]
}

fn spec(landscape: &Value, start: Option<[f64; 2]>, racer: Value) -> RunSpec {
    let mut s = json!({"landscape": landscape, "steps": 100, "racers": [racer]});
    if let Some(p) = start {
        s["start"] = json!(p);
    }
    RunSpec::parse(&s.to_string()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn racer(name: &str, settings: &Value) -> Value {
    let mut r = settings.clone();
    r["name"] = json!(name);
    r
}

fn vector<'a>(e: &'a Explanation, key: &str) -> Option<&'a [f64]> {
    e.pieces.iter().find(|p| p.key == key).and_then(|p| p.value.vector())
}

fn number(e: &Explanation, key: &str) -> Option<f64> {
    e.pieces.iter().find(|p| p.key == key).and_then(|p| match p.value {
        PieceValue::Number(x) => Some(x),
        _ => None,
    })
}

fn flag(e: &Explanation, key: &str) -> Option<bool> {
    e.pieces.iter().find(|p| p.key == key).and_then(|p| match p.value {
        PieceValue::Flag(b) => Some(b),
        _ => None,
    })
}

/// Every race of every optimizer's variants, explained step by step for `steps` steps:
/// `visit(optimizer, settings, landscape, explanation)` for each step explained, after checking
/// that the racer then took that very step.
fn each_explained(steps: u64, mut visit: impl FnMut(&str, &Value, &Value, &Explanation)) {
    for o in REGISTRY {
        for settings in variants(o.name) {
            for (landscape, start) in landscapes() {
                let spec = spec(&landscape, start, racer(o.name, &settings));
                let mut race = Race::new(&spec);
                for k in 0..steps {
                    let Ok(e) = race.explain(0) else { break };
                    assert_eq!((e.step, e.at), (k, race.racers[0].position));
                    race.advance(1, |_, _, _, _| {});
                    let r = &race.racers[0];
                    if r.stopped() {
                        break;
                    }
                    let what = format!("{} {settings} on {landscape}, step {k}", o.name);
                    assert_eq!(e.next.map(f64::to_bits), r.position.map(f64::to_bits), "{what}: the explained step is the step taken");
                    let step = e.pieces.last().unwrap();
                    assert_eq!(step.key, STEP_KEY, "{what}: the step comes last");
                    let want: Vec<u64> = (0..2).map(|i| (e.next[i] - e.at[i]).to_bits()).collect();
                    assert_eq!(step.value.vector().unwrap().iter().map(|x| x.to_bits()).collect::<Vec<_>>(), want, "{what}");
                    visit(o.name, &settings, &landscape, &e);
                }
            }
        }
    }
}

/// `a + s * b` over coordinates, `b` absent meaning zero.
fn axpy(a: &[f64], s: f64, b: Option<&[f64]>) -> Vec<f64> {
    (0..a.len()).map(|i| a[i] + s * b.map_or(0.0, |b| b[i])).collect()
}

/// What the pieces of `e` say the step is, for the optimizers whose pieces make it; None where
/// they do not (L-BFGS, whose step is its inner iterations' moves, and a given trajectory).
fn composed(name: &str, settings: &Value, e: &Explanation) -> Option<Vec<f64>> {
    let lr = e.lr?;
    let v = |k: &str| vector(e, k);
    let zero = vec![0.0; 2];
    let decoupled = v("decoupled").unwrap_or(&zero);
    let divided = |top: &[f64], bottom: &[f64], s: f64| -> Vec<f64> { (0..2).map(|i| s * top[i] / bottom[i]).collect() };
    let gradient = v("decayed").or(v("gradient")).unwrap();
    Some(match name {
        "sgd" => {
            let last = v("nesterov").or(v("velocity")).unwrap_or(gradient);
            last.iter().map(|x| lr * x).collect()
        }
        "adagrad" => divided(gradient, v("sum")?, number(e, "clr")?),
        "rmsprop" => match v("velocity") {
            Some(velocity) => velocity.to_vec(),
            None => divided(gradient, v("rms").or(v("spread"))?, lr),
        },
        "adadelta" => v("delta")?.iter().map(|x| lr * x).collect(),
        "adam" | "adamw" => axpy(decoupled, 1.0, Some(&divided(v("m_hat")?, v("v_hat").or(v("max_v"))?, lr))),
        "nadam" => axpy(decoupled, 1.0, Some(&divided(v("mix")?, v("v_hat")?, lr))),
        "radam" => match (flag(e, "rectified")?, v("v_hat")) {
            (true, Some(b)) => axpy(decoupled, 1.0, Some(&divided(v("m_hat")?, b, lr * number(e, "rect")?))),
            _ => axpy(decoupled, lr, v("m_hat")),
        },
        "adamax" => divided(v("m_hat")?, v("u")?, lr),
        "adabelief" => match (settings["rectify"].as_bool() != Some(false), flag(e, "rectified")) {
            (false, _) => axpy(decoupled, 1.0, Some(&divided(v("m_hat")?, v("s_hat").or(v("max_s"))?, lr))),
            (true, Some(true)) => axpy(decoupled, 1.0, Some(&divided(v("m_hat")?, v("s")?, lr * number(e, "rect")?))),
            (true, _) if settings["degenerated_to_sgd"].as_bool() != Some(false) => axpy(decoupled, lr, v("m_hat")),
            (true, _) => decoupled.to_vec(),
        },
        "lion" => {
            let blend = v("blend")?;
            axpy(decoupled, lr, Some(&blend.iter().map(|&c| if c > 0.0 { 1.0 } else if c < 0.0 { -1.0 } else { 0.0 }).collect::<Vec<_>>()))
        }
        "rprop" => {
            let (g, prev, sizes) = (v("gradient")?, v("prev")?, v("step_size")?);
            (0..2).map(|i| if g[i] * prev[i] < 0.0 || g[i] == 0.0 { 0.0 } else { sizes[i] * g[i].signum() }).collect()
        }
        "asgd" => axpy(v("shrink").unwrap_or(&zero), number(e, "eta")?, Some(gradient)),
        "adafactor" => {
            let scale = number(e, "alpha")? / number(e, "clip")?.max(1.0);
            axpy(decoupled, 1.0, Some(&divided(v("gradient")?, v("v")?, scale)))
        }
        "muon" => axpy(decoupled, 1.0, v("orthogonal")),
        "newton" => v("newton").or(v("fallback"))?.iter().map(|x| lr * x).collect(),
        _ => return None,
    })
}

#[test]
fn the_explained_step_is_the_step_taken_and_its_pieces_make_it() {
    let mut composed_checks = BTreeSet::new();
    let mut shown: BTreeSet<(String, &'static str)> = BTreeSet::new();
    each_explained(25, |name, settings, landscape, e| {
        let what = format!("{name} {settings} on {landscape}, step {}", e.step);
        let info = REGISTRY.iter().find(|o| o.name == name).unwrap();
        // In the table's order, each piece its table's row.
        let rows: Vec<usize> = e.pieces.iter().map(|p| info.pieces.iter().position(|r| r.key == p.key).expect("a row of the table")).collect();
        assert!(rows.windows(2).all(|w| w[0] < w[1]), "{what}: {rows:?}");
        for p in &e.pieces {
            shown.insert((name.to_string(), p.key));
            let finite = match &p.value {
                PieceValue::Vector(v) => v.len() == 2 && v.iter().all(|x| x.is_finite()),
                PieceValue::Number(x) => x.is_finite(),
                PieceValue::Flag(_) => true,
            };
            assert!(finite, "{what}: {p:?}");
            assert_eq!(matches!(p.value, PieceValue::Vector(_)), p.shape != Shape::Scalar, "{what}: {p:?}");
        }
        if let Some(want) = composed(name, settings, e) {
            let step = e.pieces.last().unwrap().value.vector().unwrap();
            let size = step.iter().chain(&want).fold(0.0f64, |m, x| m.max(x.abs()));
            for i in 0..2 {
                // The step is `next - at`: it carries the rounding of the point it lands on.
                let landing = 4.0 * f64::EPSILON * e.at[i].abs().max(e.next[i].abs());
                assert!((step[i] - want[i]).abs() <= 1e-11 * size + landing, "{what}: the pieces make {want:?}, the step is {step:?}");
            }
            composed_checks.insert(name.to_string());
        }
        if let (Some(z), Some(model)) = (vector(e, "newton"), vector(e, "model")) {
            for i in 0..2 {
                assert!((e.at[i] + z[i] - model[i]).abs() <= 1e-12 * (model[i].abs() + z[i].abs()), "{what}: the model's minimum is a full Newton step away");
            }
        }
    });
    // Every optimizer's step was put back together from its pieces (but L-BFGS's).
    let names: BTreeSet<String> = REGISTRY.iter().map(|o| o.name.to_string()).filter(|n| n != "lbfgs").collect();
    assert_eq!(composed_checks, names);
    // Every row of every table was shown by some variant on some landscape.
    for o in REGISTRY {
        for row in o.pieces {
            assert!(shown.contains(&(o.name.to_string(), row.key)), "{}: `{}` is never shown", o.name, row.key);
        }
    }
}

#[test]
fn scheduled_clipped_and_given_racers_are_explained_too() {
    // A scheduler sets the rate between steps, clipping shortens the gradient: the explained
    // step is still the step taken, with the rate of that step.
    let spec = RunSpec::parse(
        r#"{"landscape": {"name": "rosenbrock", "noise": 1, "seed": 2}, "steps": 60, "racers": [
            {"name": "sgd", "lr": 0.002, "momentum": 0.9, "clip_grad_norm": 5, "lr_scheduler": {"name": "StepLR", "step_size": 10, "gamma": 0.5}},
            {"name": "adam", "lr": 0.05, "clip_grad_value": 1, "lr_scheduler": {"name": "OneCycleLR", "max_lr": 0.1, "total_steps": 60}},
            {"name": "external", "trajectory": [[0, 0], [0.5, 0.25], [1, 1]]}]}"#,
    )
    .unwrap();
    let mut race = Race::new(&spec);
    let mut rates = Vec::new();
    for k in 0..40 {
        for i in 0..3 {
            let explained = race.explain(i);
            if i == 2 && k >= 2 {
                let e = explained.unwrap_err();
                assert!(e.contains("racer 2 (External) reached the end of its given trajectory at step 2"), "{e}");
                continue;
            }
            let e = explained.unwrap();
            if i == 0 {
                rates.push(e.lr.unwrap());
            }
            let before = race.racers[i].position;
            assert_eq!(e.at, before);
            if i == 2 {
                assert_eq!((e.lr, e.pieces.len(), e.next), (None, 1, [[0.5, 0.25], [1.0, 1.0]][k as usize]));
            }
        }
        let explained: Vec<_> = (0..2).map(|i| race.explain(i).unwrap()).collect();
        race.advance(1, |_, _, _, _| {});
        for (i, e) in explained.iter().enumerate() {
            assert_eq!(e.next.map(f64::to_bits), race.racers[i].position.map(f64::to_bits), "racer {i} at step {k}");
        }
    }
    assert_eq!((rates[0], rates[10], rates[20]), (0.002, 0.001, 0.0005), "the scheduled rate of each step");
    assert!(race.explain(7).unwrap_err().contains("no racer 7"));
}

#[test]
fn a_stopped_racer_has_no_next_step() {
    let spec = RunSpec::parse(r#"{"landscape": {"name": "rosenbrock"}, "steps": 50, "racers": [{"name": "sgd", "lr": 0.5}, {"name": "newton", "fallback": null}]}"#).unwrap();
    let mut race = Race::new(&spec);
    race.advance(50, |_, _, _, _| {});
    let e = race.explain(0).unwrap_err();
    assert!(e.starts_with("racer 0 (SGD) diverged at step ") && e.ends_with("it has no next step to explain"), "{e}");
    let spec = RunSpec::parse(r#"{"landscape": {"name": "custom", "f": "sin(x) cos(y)"}, "start": [1.9, 1.9], "racers": [{"name": "newton", "fallback": null}]}"#).unwrap();
    let mut race = Race::new(&spec);
    let e = race.explain(0).unwrap();
    assert_eq!((flag(&e, "positive_definite"), vector(&e, "newton"), e.pieces.last().unwrap().value.vector()), (Some(false), None, Some(&[0.0, 0.0][..])));
    race.advance(1, |_, _, _, _| {});
    assert!(race.explain(0).unwrap_err().contains("its Hessian is singular"));
}

#[test]
fn adams_first_step_is_lr_per_coordinate_and_its_box_is_the_gradients_size() {
    // At the first step m̂ = g and √v̂ = |g|: the box's corner is where −m̂ points, and the step
    // is lr in every coordinate, against the gradient's sign.
    let spec = RunSpec::parse(r#"{"landscape": {"name": "quadratic", "condition": 10}, "start": [1, 1], "racers": [{"name": "adam", "lr": 0.1, "eps": 0}]}"#).unwrap();
    let e = Race::new(&spec).explain(0).unwrap();
    let keys: Vec<&str> = e.pieces.iter().map(|p| p.key).collect();
    assert_eq!(keys, ["gradient", "m_hat", "v_hat", "step"]);
    let g = vector(&e, "gradient").unwrap();
    assert_eq!(vector(&e, "m_hat").unwrap(), g);
    assert_eq!(vector(&e, "v_hat").unwrap(), [g[0].abs(), g[1].abs()]);
    // The step is `next - at`, which carries the rounding of 1 - 0.1.
    assert_eq!(vector(&e, "step").unwrap(), [(1.0 - 0.1) - 1.0; 2]);
    assert_eq!(e.next, [0.9, 0.9]);
    // The JSON the page reads.
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["pieces"][2], json!({"key": "v_hat", "label": "√v̂ + ε", "shape": "box", "space": "gradient", "caption": e.pieces[2].caption, "value": [g[0].abs(), g[1].abs()]}));
    assert_eq!((json["racer"].clone(), json["name"].clone(), json["optimizer"].clone(), json["step"].clone(), json["lr"].clone()), (json!(0), json!("Adam"), json!("adam"), json!(0), json!(0.1)));
    assert_eq!(json["at"], json!([1.0, 1.0]));
}

#[test]
fn every_table_is_whole_and_every_parameter_and_quantity_has_a_tooltip() {
    let one_line = |s: &str| !s.trim().is_empty() && !s.contains('\n') && s.chars().count() <= 200;
    for o in REGISTRY {
        assert_eq!(o.pieces.last().map(|p| p.key), Some(STEP_KEY), "{}: the step comes last", o.name);
        let keys: BTreeSet<&str> = o.pieces.iter().map(|p| p.key).collect();
        assert_eq!(keys.len(), o.pieces.len(), "{}: keys are unique", o.name);
        for p in o.pieces {
            assert!(one_line(p.caption) && !p.label.is_empty(), "{}: {p:?}", o.name);
            assert_eq!(p.space.is_some(), matches!(p.shape, Shape::Arrow | Shape::Box), "{}: {p:?}", o.name);
        }
        let names: BTreeSet<&str> = o.state.iter().map(|q| q.name).collect();
        assert_eq!(names.len(), o.state.len(), "{}", o.name);
        for q in o.state {
            assert!(one_line(q.tip), "{}: {q:?}", o.name);
        }
    }
    let racer_params = optiscape::spec::RACER_PARAMS.to_vec();
    let landscape_params: Vec<_> = optiscape::landscape::REGISTRY.iter().flat_map(|l| l.params.iter().cloned()).chain(optiscape::landscape::SHARED).collect();
    let scheduler_params: Vec<_> = optiscape::schedule::REGISTRY.iter().flat_map(|s| s.params.iter().cloned()).collect();
    let optimizer_params: Vec<_> = REGISTRY.iter().flat_map(|o| o.params.iter().cloned()).collect();
    for p in optimizer_params.iter().chain(&racer_params).chain(&landscape_params).chain(&scheduler_params) {
        assert!(one_line(p.tip), "`{}` has no tooltip", p.name);
        let items = match p.kind {
            Kind::Pair { .. } => 2,
            Kind::Tuple { items } => items.len(),
            _ => 0,
        };
        if p.kind != Kind::Schedulers {
            assert!(p.item_tips.len() == items || (items == 0 && p.item_tips.is_empty()), "`{}`: {} item tips for {items} items", p.name, p.item_tips.len());
        }
        for t in p.item_tips {
            assert!(one_line(t.tip) && !t.symbol.is_empty(), "`{}`: {t:?}", p.name);
        }
    }
    let adam = REGISTRY.iter().find(|o| o.name == "adam").unwrap();
    let betas = adam.params.iter().find(|p| p.name == "betas").unwrap();
    assert_eq!(betas.item_tips.iter().map(|t| t.symbol).collect::<Vec<_>>(), ["β1", "β2"]);
    assert!(betas.item_tips[0].tip.starts_with("memory of the gradient's direction") && betas.item_tips[1].tip.starts_with("memory of its size"));
}

#[test]
fn every_inspected_name_has_a_tooltip() {
    // Every variant on every landscape, before the first step and after some.
    let mut seen = BTreeSet::new();
    for o in REGISTRY {
        for settings in variants(o.name) {
            let spec = spec(&json!({"name": "quadratic"}), Some([-3.5, 1.5]), racer(o.name, &settings));
            let mut race = Race::new(&spec);
            for _ in 0..3 {
                for entry in race.racers[0].inspect() {
                    assert!(o.state.iter().any(|q| q.name == entry.name), "{}: `{}` has no tooltip", o.name, entry.name);
                    assert!(!matches!(entry.value, EntryValue::Vector(ref v) if v.len() != 2));
                    seen.insert((o.name, entry.name));
                }
                race.advance(7, |_, _, _, _| {});
            }
        }
        for q in o.state {
            assert!(seen.contains(&(o.name, q.name)), "{}: `{}` is never inspected", o.name, q.name);
        }
    }
}
