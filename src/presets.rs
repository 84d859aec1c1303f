//! The ready-made scenes of the page's Scene picker and the classifier's experiments, each with
//! the hint that states its lesson: data in `presets/scenes.json` and `presets/experiments.json`,
//! read here (the page gets them through the catalog; the browser tests and `tests/lessons.rs`
//! check the hints).
//!
//! A spec made from a preset names it (`"preset": "saddle"`), so a link keeps its lesson. The
//! hint is shown only while the race is the preset's own ([`lesson`]): the same landscape,
//! start, stop step and racers (optimizer, hyperparameters, scheduler, clipping, label; colours,
//! view, speed and the loss chart's axis do not change a race). Once the scene departs from it,
//! the page says only what it was based on. A scene may name landscape settings its hint asks
//! the student to change (`"vary": ["rotate"]`): the hint then holds, and stays, at any value of
//! them (the lessons' test, `tests/lessons.rs`, checks it across their range).

use crate::classify::train::TrainSpec;
use crate::render::colormap::PALETTE;
use crate::spec::{RacerSpec, RunSpec};
use serde::Serialize;
use serde_json::Value as Json;
use std::sync::OnceLock;

const SCENES: &str = include_str!("../presets/scenes.json");
const EXPERIMENTS: &str = include_str!("../presets/experiments.json");

/// One preset: its id, its title in the picker, its hint, and its spec (colours filled in from
/// the palette in order, `preset` set to its id).
#[derive(Clone, Debug, Serialize)]
pub struct Preset<S> {
    pub id: String,
    pub title: String,
    pub hint: String,
    pub spec: S,
    /// The landscape settings (of [`crate::landscape::SHARED`]) the hint invites the student to
    /// change: a race that differs from the preset's only in them is still the preset's own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vary: Vec<String>,
}

/// The landscape page's scenes, the first the default one.
pub fn scenes() -> &'static [Preset<RunSpec>] {
    static LIST: OnceLock<Vec<Preset<RunSpec>>> = OnceLock::new();
    LIST.get_or_init(|| read(SCENES, RunSpec::parse))
}

/// The classifier's experiments, the first the default one.
pub fn experiments() -> &'static [Preset<TrainSpec>] {
    static LIST: OnceLock<Vec<Preset<TrainSpec>>> = OnceLock::new();
    LIST.get_or_init(|| read(EXPERIMENTS, TrainSpec::parse))
}

/// The ids of `text`'s presets, read without parsing their specs (the specs' own `preset`
/// field is checked against these).
fn ids(text: &str) -> Vec<String> {
    let list: Vec<Json> = serde_json::from_str(text).expect("the preset files are JSON lists");
    list.iter()
        .map(|p| {
            p["id"]
                .as_str()
                .expect("every preset has an id")
                .to_string()
        })
        .collect()
}

/// Checks a spec's `preset` field: the id of one of the scenes (`experiments` false) or
/// experiments.
pub fn check_id(id: &str, experiments: bool) -> Result<(), String> {
    static SCENE_IDS: OnceLock<Vec<String>> = OnceLock::new();
    static EXPERIMENT_IDS: OnceLock<Vec<String>> = OnceLock::new();
    let known = if experiments {
        EXPERIMENT_IDS.get_or_init(|| ids(EXPERIMENTS))
    } else {
        SCENE_IDS.get_or_init(|| ids(SCENES))
    };
    if known.iter().any(|k| k == id) {
        Ok(())
    } else {
        Err(format!(
            "unknown preset `{}`; expected one of: {}",
            id.chars().take(40).collect::<String>(),
            known.join(", ")
        ))
    }
}

/// A spec that can carry colours and the preset it was made from.
pub trait PresetSpec {
    fn racers_mut(&mut self) -> &mut Vec<RacerSpec>;
    fn set_preset(&mut self, id: &str);
}

impl PresetSpec for RunSpec {
    fn racers_mut(&mut self) -> &mut Vec<RacerSpec> {
        &mut self.racers
    }
    fn set_preset(&mut self, id: &str) {
        self.preset = Some(id.to_string());
    }
}

impl PresetSpec for TrainSpec {
    fn racers_mut(&mut self) -> &mut Vec<RacerSpec> {
        &mut self.racers
    }
    fn set_preset(&mut self, id: &str) {
        self.preset = Some(id.to_string());
    }
}

fn read<S: PresetSpec>(text: &str, parse: fn(&str) -> Result<S, String>) -> Vec<Preset<S>> {
    let list: Vec<Json> = serde_json::from_str(text).expect("the preset files are JSON lists");
    list.into_iter()
        .map(|p| {
            let field = |k: &str| {
                p[k].as_str()
                    .unwrap_or_else(|| panic!("a preset's `{k}` is text"))
                    .to_string()
            };
            let id = field("id");
            let mut spec =
                parse(&p["spec"].to_string()).unwrap_or_else(|e| panic!("preset {id}: {e}"));
            for (i, r) in spec.racers_mut().iter_mut().enumerate() {
                r.color
                    .get_or_insert_with(|| PALETTE[i % PALETTE.len()].to_string());
            }
            spec.set_preset(&id);
            let vary: Vec<String> = match &p["vary"] {
                Json::Null => Vec::new(),
                list => serde_json::from_value(list.clone())
                    .unwrap_or_else(|e| panic!("preset {id}: `vary` is a list of names: {e}")),
            };
            for name in &vary {
                assert!(
                    crate::landscape::SHARED.iter().any(|q| q.name == name),
                    "preset {id}: `vary` names `{name}`, not a setting every landscape takes"
                );
            }
            Preset {
                title: field("title"),
                hint: field("hint"),
                spec,
                id,
                vary,
            }
        })
        .collect()
}

/// What the page says about a scene's preset: its id and title, and its hint while the race is
/// still the preset's (else None: the scene is only based on it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub hint: Option<String>,
}

/// Two racers race alike: the same optimizer, hyperparameters, scheduler, clipping and label
/// (the hints name racers by label).
fn same_racers(a: &[RacerSpec], b: &[RacerSpec]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.info == b.info
                && a.hyper == b.hyper
                && a.schedule == b.schedule
                && a.clip == b.clip
                && a.label == b.label
                && a.trajectory == b.trajectory
        })
}

/// `spec` is `preset`'s race, but perhaps for the settings the preset lets vary.
fn same_scene(spec: &RunSpec, preset: &Preset<RunSpec>) -> bool {
    let p = &preset.spec;
    let mut landscape = spec.landscape.clone();
    for name in &preset.vary {
        match name.as_str() {
            "scale" => landscape.scale = p.landscape.scale,
            "noise" => landscape.noise.std = p.landscape.noise.std,
            "seed" => landscape.noise.seed = p.landscape.noise.seed,
            "rotate" => landscape.rotate = p.landscape.rotate,
            other => unreachable!("`vary` was checked when the presets were read, got {other}"),
        }
    }
    landscape == p.landscape
        && spec.start == p.start
        && spec.steps == p.steps
        && same_racers(&spec.racers, &p.racers)
}

fn same_experiment(a: &TrainSpec, preset: &Preset<TrainSpec>) -> bool {
    let (mut a, mut b) = (a.clone(), preset.spec.clone());
    a.preset = None;
    b.preset = None;
    same_racers(&a.racers, &b.racers) && {
        for r in a.racers.iter_mut().chain(b.racers.iter_mut()) {
            r.color = None;
        }
        a == b
    }
}

fn lesson_of<S>(
    spec: &S,
    named: Option<&str>,
    list: &'static [Preset<S>],
    same: fn(&S, &Preset<S>) -> bool,
) -> Option<Lesson> {
    // The preset it names, else any preset whose race it is (a link made before presets were named).
    let preset = match named {
        Some(id) => list.iter().find(|p| p.id == id)?,
        None => list.iter().find(|p| same(spec, p))?,
    };
    let hint = same(spec, preset).then(|| preset.hint.clone());
    Some(Lesson {
        id: preset.id.clone(),
        title: preset.title.clone(),
        hint,
    })
}

/// The scene's preset, with its hint while the race is the preset's own.
pub fn lesson(spec: &RunSpec) -> Option<Lesson> {
    lesson_of(spec, spec.preset.as_deref(), scenes(), same_scene)
}

/// The experiment's preset, with its hint while the training race is the preset's own.
pub fn train_lesson(spec: &TrainSpec) -> Option<Lesson> {
    lesson_of(spec, spec.preset.as_deref(), experiments(), same_experiment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_with_distinct_colours_and_names_itself() {
        assert!(scenes().len() >= 10 && experiments().len() >= 4);
        for p in scenes() {
            let colours: std::collections::BTreeSet<_> = p
                .spec
                .racers
                .iter()
                .map(|r| r.color.clone().unwrap())
                .collect();
            assert_eq!(
                colours.len(),
                p.spec.racers.len(),
                "{}: every racer its own colour",
                p.id
            );
            assert_eq!(p.spec.preset.as_deref(), Some(p.id.as_str()));
            assert_eq!(
                RunSpec::parse(&p.spec.to_json()).unwrap(),
                p.spec,
                "{} round-trips",
                p.id
            );
            assert_eq!(lesson(&p.spec).and_then(|l| l.hint), Some(p.hint.clone()));
        }
        for p in experiments() {
            let text = serde_json::to_string(&p.spec).unwrap();
            assert_eq!(
                TrainSpec::parse(&text).unwrap(),
                p.spec,
                "{} round-trips",
                p.id
            );
            assert_eq!(
                train_lesson(&p.spec).and_then(|l| l.hint),
                Some(p.hint.clone())
            );
        }
    }

    #[test]
    fn a_scene_that_departs_keeps_only_its_origin() {
        let p = scenes().iter().find(|p| p.id == "saddle").unwrap();
        let mut spec = p.spec.clone();
        // Colours, view and speed do not change the race.
        spec.racers[0].color = Some("#000000".into());
        spec.speed = Some(1);
        assert_eq!(lesson(&spec).unwrap().hint, Some(p.hint.clone()));
        // A learning rate does.
        let mut changed = spec.clone();
        changed.racers[0] = RacerSpec::from_fields(
            "sgd",
            serde_json::json!({"lr": 0.123})
                .as_object()
                .unwrap()
                .clone(),
        )
        .unwrap();
        assert_eq!(
            lesson(&changed),
            Some(Lesson {
                id: p.id.clone(),
                title: p.title.clone(),
                hint: None
            })
        );
        // So do the stop step and the landscape's parameters.
        let mut longer = spec.clone();
        longer.steps += 1;
        assert_eq!(lesson(&longer).unwrap().hint, None);
        // A link without the preset's name still finds it when the race is the preset's.
        let mut unnamed = spec.clone();
        unnamed.preset = None;
        assert_eq!(lesson(&unnamed).unwrap().hint, Some(p.hint.clone()));
        changed.preset = None;
        assert_eq!(lesson(&changed), None);
        assert!(check_id("nope", false)
            .unwrap_err()
            .contains("unknown preset `nope`"));
        assert!(check_id(&p.id, false).is_ok() && check_id(&p.id, true).is_err());
    }

    #[test]
    fn a_scheduler_or_clipping_changes_the_race() {
        let p = scenes().iter().find(|p| p.id == "noise").unwrap();
        let with = |f: fn(&mut RacerSpec)| {
            let mut spec = p.spec.clone();
            f(&mut spec.racers[0]);
            lesson(&spec).unwrap().hint
        };
        assert_eq!(with(|_| ()), Some(p.hint.clone()));
        assert_eq!(with(|r| r.clip.norm = Some(1.0)), None);
        assert_eq!(with(|r| r.clip.value = Some(1.0)), None);
        let scheduled = |r: &mut RacerSpec| {
            let fields = serde_json::json!({"label": "SGD lr 0.1", "lr": 0.1, "lr_scheduler": {"name": "StepLR", "step_size": 500}});
            *r = RacerSpec::from_fields("sgd", fields.as_object().unwrap().clone()).unwrap();
        };
        assert_eq!(with(scheduled), None);
    }

    #[test]
    fn a_scene_keeps_its_hint_across_the_settings_it_lets_vary() {
        let turn = scenes().iter().find(|p| p.id == "turn").unwrap();
        assert_eq!(turn.vary, ["rotate"]);
        let mut spec = turn.spec.clone();
        spec.landscape.rotate = 37.0;
        assert_eq!(lesson(&spec).unwrap().hint, Some(turn.hint.clone()));
        // Unnamed, the turned race is still found.
        spec.preset = None;
        assert_eq!(lesson(&spec).unwrap().id, "turn");
        // Other settings still make it another race.
        spec.landscape.scale = 2.0;
        assert_eq!(lesson(&spec), None);
        let mut noisy = turn.spec.clone();
        noisy.landscape.noise.std = 1.0;
        assert_eq!(
            lesson(&noisy).unwrap().hint,
            None,
            "the turn lesson does not let the noise vary"
        );
        // The decay lesson lets the seed vary, not the angle.
        let decay = scenes().iter().find(|p| p.id == "decay").unwrap();
        let mut seeded = decay.spec.clone();
        seeded.landscape.noise.seed = 12345;
        assert_eq!(lesson(&seeded).unwrap().hint, Some(decay.hint.clone()));
        seeded.landscape.rotate = 10.0;
        assert_eq!(lesson(&seeded).unwrap().hint, None);
        // A preset without `vary` serializes without it (the page's catalog stays as it was).
        let text = serde_json::to_string(&scenes()[0]).unwrap();
        assert!(
            !text.contains("vary")
                && serde_json::to_string(turn)
                    .unwrap()
                    .contains(r#""vary":["rotate"]"#)
        );
    }

    #[test]
    fn an_experiment_that_departs_keeps_only_its_origin() {
        let p = &experiments()[3];
        let mut spec = p.spec.clone();
        spec.racers[1].color = Some("#000000".into());
        assert_eq!(train_lesson(&spec).unwrap().hint, Some(p.hint.clone()));
        spec.model = if spec.model == crate::classify::model::Architecture::Linear {
            crate::classify::model::Architecture::Mlp
        } else {
            crate::classify::model::Architecture::Linear
        };
        assert_eq!(
            train_lesson(&spec),
            Some(Lesson {
                id: p.id.clone(),
                title: p.title.clone(),
                hint: None
            })
        );
    }
}
