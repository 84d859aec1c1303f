//! Racing optimizers on a classifier: the training spec, the trainer and its results.
//!
//! ```json
//! {"dataset": "digits", "model": "linear", "epochs": 15, "batch_size": 1, "seed": 0,
//!  "input": {"transform": "raw", "scale": 1.0},
//!  "racers": [{"name": "adam", "lr": 0.001}, {"name": "sgd", "lr": 0.001},
//!             {"name": "adam", "lr": 0.001, "label": "Adam on X/50", "input": {"scale": 0.02}}]}
//! ```
//!
//! A racer is a run-spec racer (see [`crate::spec`]) plus an optional `input` of its own, which
//! replaces the spec's `input` for that racer alone: Adam on X/50, X*50 and raw X in one race.
//!
//! Every racer starts from the same seeded weights and sees the training samples in the same
//! order (the seed's: no shuffle). An epoch's training loss is the mean of the losses seen while
//! stepping through it (as seed 000 reports it); test accuracy is measured after each epoch.
//! Training advances in slices ([`Trainer::advance`]) so a page can stay responsive.

use super::digits::{Digits, CLASSES, FEATURES, TRAIN};
use super::model::{Architecture, Model};
use crate::landscape::MAX_SEED;
use crate::optim::{Closure, Derivatives, Stepper, Tensor};
use crate::schedule::Scheduled;
use crate::schema::{Param, Range, Slider, Spacing, Value};
use crate::spec::{object, parse_document, RacerSpec, StrictJson, MAX_RACERS};
use serde::{Deserialize, Serialize};

/// Most epochs a training spec may ask for.
pub const MAX_EPOCHS: u32 = 200;

/// The training spec's own fields, described as optimizers' and landscapes' parameters are:
/// the one source of their defaults, ranges and choices for the parser, `optiscape list` and
/// the page's controls. Its `racers` are run-spec racers; its `input` is [`INPUT_PARAMS`].
pub const TRAIN_PARAMS: [Param; 5] = [
    Param::choice("dataset", Some("digits"), &["digits"], false, "the 8x8 digits (UCI), 898 to train and 899 to test").titled(&["8×8 digits"]),
    Param::choice("model", None, &["linear", "mlp"], false, "linear: logistic regression on the 64 pixels (seed 000); mlp: one hidden layer of 32 ReLU units")
        .titled(&["Linear, 64 \u{2192} 10", "MLP, 64 \u{2192} 32 \u{2192} 10 (ReLU)"])
        .required(),
    Param::integer("epochs", Some(15), Range::closed(1.0, MAX_EPOCHS as f64), Slider { min: 1.0, max: MAX_EPOCHS as f64, spacing: Spacing::Log }, false, "passes over the training digits"),
    Param::integer("batch_size", Some(1), Range::closed(1.0, TRAIN as f64), Slider { min: 1.0, max: TRAIN as f64, spacing: Spacing::Log }, false, "training digits per step (the last batch of an epoch may be smaller)"),
    Param::integer("seed", Some(0), Range::closed(0.0, MAX_SEED), Slider { min: 0.0, max: 100.0, spacing: Spacing::Linear }, false, "seed of the initial weights (every racer starts from the same ones)"),
];

/// The fields of an `input` (the spec's, or a racer's own).
pub const INPUT_PARAMS: [Param; 2] = [
    Param::choice("transform", Some("raw"), &["raw", "standardize"], false, "raw: pixel values 0 to 16; standardize: per pixel, minus the training mean, over the training standard deviation")
        .titled(&["Raw pixels (0 to 16)", "Standardized per pixel"]),
    Param::number("scale", 1.0, Range::closed(1e-6, 1e6), Slider { min: 0.01, max: 100.0, spacing: Spacing::Log }, "Multiplies every input after the transform: 0.02 is X/50, 50 is X\u{d7}50."),
];

/// The default of the whole number `name` in [`TRAIN_PARAMS`].
fn default_int(name: &str) -> i64 {
    match TRAIN_PARAMS
        .iter()
        .find(|p| p.name == name)
        .map(|p| &p.default)
    {
        Some(Value::Int(i)) => *i,
        _ => unreachable!("TRAIN_PARAMS has a whole number `{name}`"),
    }
}

/// The parameter `name` of `table`.
fn param<'a>(table: &'a [Param], name: &str) -> &'a Param {
    table
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| unreachable!("no field `{name}` in the training spec's tables"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dataset {
    Digits,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// Pixel values 0..16 as they are.
    Raw,
    /// Per pixel (x - mean) / (std + 1e-8), with the training set's mean and std (seed 000).
    Standardize,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    #[serde(default = "raw")]
    pub transform: Transform,
    /// Multiplies the inputs after the transform (seed 000's X/50, X*50): the spec's `scale`.
    #[serde(default = "one", rename = "scale")]
    pub factor: f64,
}

fn raw() -> Transform {
    match &param(&INPUT_PARAMS, "transform").default {
        Value::Choice(Some(name)) => Transform::deserialize(serde_json::Value::from(*name))
            .unwrap_or_else(|e| unreachable!("{e}")),
        _ => unreachable!("INPUT_PARAMS has a `transform` choice"),
    }
}
fn one() -> f64 {
    match param(&INPUT_PARAMS, "scale").default {
        Value::Number(x) => x,
        _ => unreachable!("INPUT_PARAMS has a `scale` number"),
    }
}

impl Input {
    /// The scale's range check, with `field` (the path to this input) in the message.
    fn check(&self, field: &str) -> Result<(), String> {
        param(&INPUT_PARAMS, "scale")
            .check_number(self.factor)
            .map_err(|e| format!("{field}: {e}"))
    }
}

impl Default for Input {
    fn default() -> Input {
        Input {
            transform: Transform::Raw,
            factor: 1.0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "RawTrainSpec", into = "RawTrainSpec")]
pub struct TrainSpec {
    pub dataset: Dataset,
    pub model: Architecture,
    pub epochs: u32,
    pub batch_size: usize,
    pub seed: u64,
    pub input: Input,
    pub racers: Vec<RacerSpec>,
    /// Per racer (as long as `racers`): its own `input`, replacing the spec's; see [`TrainSpec::input_of`].
    pub racer_inputs: Vec<Option<Input>>,
    /// The experiment it was made from (see [`crate::presets`]), so a link keeps its lesson.
    pub preset: Option<String>,
}

/// A training-spec racer: a run-spec racer and, optionally, an `input` of its own.
#[derive(Clone, Debug, PartialEq)]
struct TrainRacer {
    racer: RacerSpec,
    input: Option<Input>,
}

impl<'de> Deserialize<'de> for TrainRacer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        // Strict: a repeated key is an error, and `input` must be an object (see crate::spec).
        let StrictJson(mut json) = StrictJson::deserialize(d)?;
        let input = match json.as_object_mut().and_then(|o| o.remove("input")) {
            None => None,
            Some(v) => {
                Some(object::<_, Input>(v).map_err(|e| D::Error::custom(format!("input: {e}")))?)
            }
        };
        let racer = RacerSpec::deserialize(json).map_err(|e| D::Error::custom(e.to_string()))?;
        Ok(TrainRacer { racer, input })
    }
}

impl Serialize for TrainRacer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap};
        let json = serde_json::to_value(&self.racer).map_err(S::Error::custom)?;
        let serde_json::Value::Object(fields) = json else {
            return Err(S::Error::custom("a racer serializes to an object"));
        };
        let mut map = s.serialize_map(None)?;
        for (k, v) in &fields {
            map.serialize_entry(k, v)?;
        }
        if let Some(input) = &self.input {
            map.serialize_entry("input", input)?;
        }
        map.end()
    }
}

/// The JSON shape of [`TrainSpec`].
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrainSpec {
    #[serde(default = "digits")]
    pub dataset: Dataset,
    pub model: Architecture,
    #[serde(default = "default_epochs")]
    pub epochs: u32,
    #[serde(default = "default_batch_size")]
    pub batch_size: usize,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default, deserialize_with = "object")]
    pub input: Input,
    racers: Vec<TrainRacer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    preset: Option<String>,
}

impl From<RawTrainSpec> for TrainSpec {
    fn from(raw: RawTrainSpec) -> TrainSpec {
        let (racers, racer_inputs) = raw.racers.into_iter().map(|r| (r.racer, r.input)).unzip();
        TrainSpec {
            dataset: raw.dataset,
            model: raw.model,
            epochs: raw.epochs,
            batch_size: raw.batch_size,
            seed: raw.seed,
            input: raw.input,
            racers,
            racer_inputs,
            preset: raw.preset,
        }
    }
}

impl From<TrainSpec> for RawTrainSpec {
    fn from(spec: TrainSpec) -> RawTrainSpec {
        let inputs = spec.racer_inputs.into_iter().chain(std::iter::repeat(None));
        RawTrainSpec {
            dataset: spec.dataset,
            model: spec.model,
            epochs: spec.epochs,
            batch_size: spec.batch_size,
            seed: spec.seed,
            input: spec.input,
            racers: spec
                .racers
                .into_iter()
                .zip(inputs)
                .map(|(racer, input)| TrainRacer { racer, input })
                .collect(),
            preset: spec.preset,
        }
    }
}

fn digits() -> Dataset {
    Dataset::Digits
}
fn default_epochs() -> u32 {
    default_int("epochs") as u32
}
fn default_batch_size() -> usize {
    default_int("batch_size") as usize
}
fn default_seed() -> u64 {
    default_int("seed") as u64
}

impl TrainSpec {
    /// Parses and validates a training spec, by the same rules and with the same one-line errors
    /// as a run spec ([`crate::spec::parse_document`]).
    pub fn parse(text: &str) -> Result<TrainSpec, String> {
        parse_document(text, TrainSpec::validate)
    }

    fn validate(spec: &TrainSpec) -> Result<(), String> {
        for (name, x) in [
            ("epochs", spec.epochs as f64),
            ("batch_size", spec.batch_size as f64),
            ("seed", spec.seed as f64),
        ] {
            param(&TRAIN_PARAMS, name).check_number(x)?;
        }
        spec.input.check("input")?;
        for (i, input) in spec.racer_inputs.iter().enumerate() {
            if let Some(input) = input {
                input.check(&format!("racers[{i}].input"))?;
            }
        }
        if spec.racers.is_empty() || spec.racers.len() > MAX_RACERS {
            return Err(format!(
                "racers: give 1 to {MAX_RACERS} racers, got {}",
                spec.racers.len()
            ));
        }
        for (i, r) in spec.racers.iter().enumerate() {
            if r.trajectory.is_some() {
                return Err(format!("racers[{i}]: an external racer must race on a landscape: the classifiers train optimizers"));
            }
            if r.info.needs_hessian {
                return Err(format!(
                    "racers[{i}]: {} needs a Hessian; the classifiers provide gradients only",
                    r.info.name
                ));
            }
            let limit = r
                .schedule
                .as_ref()
                .and_then(|s| crate::schedule::max_steps(s).map(|m| (s.name, m)));
            if let Some((name, max)) = limit.filter(|&(_, max)| u64::from(spec.epochs) > max) {
                return Err(format!("racers[{i}].lr_scheduler: {name} follows at most {max} steps (one per epoch; torch raises after them), but training has {} epochs", spec.epochs));
            }
        }
        if let Some(id) = &spec.preset {
            crate::presets::check_id(id, true).map_err(|e| format!("preset: {e}"))?;
        }
        Ok(())
    }

    /// The input racer `i` trains on: its own, or the spec's.
    pub fn input_of(&self, i: usize) -> Input {
        self.racer_inputs
            .get(i)
            .copied()
            .flatten()
            .unwrap_or(self.input)
    }

    /// Canonical JSON text (every default written out), which [`TrainSpec::parse`] reads back.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a training spec always serializes")
    }
}

/// Inputs after the transform and scale, split as the seed does.
pub struct Prepared {
    pub train_x: Vec<f64>,
    pub train_y: Vec<u8>,
    pub test_x: Vec<f64>,
    pub test_y: Vec<u8>,
}

pub fn prepare(data: &Digits, input: Input) -> Prepared {
    let n = data.len();
    let mut xs = data.pixels.clone();
    if input.transform == Transform::Standardize {
        for f in 0..FEATURES {
            let column = (0..TRAIN).map(|i| data.pixels[i * FEATURES + f]);
            let mean = column.clone().sum::<f64>() / TRAIN as f64;
            let var = column.map(|v| (v - mean) * (v - mean)).sum::<f64>() / TRAIN as f64;
            let std = var.sqrt();
            for i in 0..n {
                xs[i * FEATURES + f] = (data.pixels[i * FEATURES + f] - mean) / (std + 1e-8);
            }
        }
    }
    if input.factor != 1.0 {
        xs.iter_mut().for_each(|x| *x *= input.factor);
    }
    let test_x = xs.split_off(TRAIN * FEATURES);
    Prepared {
        train_x: xs,
        train_y: data.labels[..TRAIN].to_vec(),
        test_x,
        test_y: data.labels[TRAIN..].to_vec(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Epoch {
    pub train_loss: f64,
    pub test_accuracy: f64,
    /// The learning rate the epoch was trained at (a scheduler steps once per epoch).
    pub lr: f64,
}

/// One optimizer training its own copy of the model.
pub struct Learner {
    pub spec: RacerSpec,
    stepper: Box<dyn Stepper>,
    /// Its learning-rate scheduler, stepped after every epoch with the epoch's training loss.
    schedule: Option<Scheduled>,
    pub params: Vec<f64>,
    grad: Vec<f64>,
    /// Samples seen in the current epoch and their summed loss.
    cursor: usize,
    loss_sum: f64,
    pub epochs: Vec<Epoch>,
    pub steps: u64,
    /// The epoch (1-based) in which the loss or a weight became non-finite.
    pub diverged_at_epoch: Option<u32>,
    pub seconds: f64,
}

impl Learner {
    /// The mean loss over the samples seen so far in the current epoch; None at an epoch's start.
    pub fn running_loss(&self) -> Option<f64> {
        (self.cursor > 0).then(|| self.loss_sum / self.cursor as f64)
    }
}

pub struct Trainer {
    pub spec: TrainSpec,
    pub model: Model,
    /// The model's parameters tensor by tensor.
    tensors: Vec<Tensor>,
    /// The data under the spec's `input`.
    pub data: Prepared,
    /// Data under the racers' own inputs, when they differ from the spec's.
    others: Vec<(Input, Prepared)>,
    /// Per learner: 0 for `data`, k for `others[k - 1]`.
    data_index: Vec<usize>,
    pub learners: Vec<Learner>,
}

impl Trainer {
    pub fn new(spec: TrainSpec, digits: &Digits) -> Trainer {
        let model = Model::new(spec.model, FEATURES, CLASSES);
        let init = model.init(spec.seed);
        let data = prepare(digits, spec.input);
        let mut others: Vec<(Input, Prepared)> = Vec::new();
        let data_index = (0..spec.racers.len())
            .map(|i| {
                let input = spec.input_of(i);
                if input == spec.input {
                    return 0;
                }
                let k = others
                    .iter()
                    .position(|(seen, _)| *seen == input)
                    .unwrap_or_else(|| {
                        others.push((input, prepare(digits, input)));
                        others.len() - 1
                    });
                k + 1
            })
            .collect();
        let tensors = model.tensors();
        let learners = spec
            .racers
            .iter()
            .map(|r| {
                let mut stepper = r.optimizer().start_model(&init, &tensors);
                let schedule =
                    r.schedule
                        .as_ref()
                        .map(|s| match Scheduled::start(s, &mut *stepper) {
                            Ok(s) => s,
                            Err(e) => unreachable!("racer spec was validated: {e}"),
                        });
                (r, stepper, schedule)
            })
            .map(|(r, stepper, schedule)| Learner {
                spec: r.clone(),
                stepper,
                schedule,
                params: init.clone(),
                grad: vec![0.0; init.len()],
                cursor: 0,
                loss_sum: 0.0,
                epochs: Vec::new(),
                steps: 0,
                diverged_at_epoch: None,
                seconds: 0.0,
            })
            .collect();
        Trainer {
            spec,
            model,
            tensors,
            data,
            others,
            data_index,
            learners,
        }
    }

    /// The data learner `i` trains and is tested on (under its input).
    pub fn data_of(&self, i: usize) -> &Prepared {
        match self.data_index.get(i) {
            Some(&k) if k > 0 => &self.others[k - 1].1,
            _ => &self.data,
        }
    }

    /// Learner `i`'s current weights (the model's flat parameter vector), e.g. to place it on
    /// the projected loss surface (`classify::projection::Plane::project`).
    pub fn weights(&self, i: usize) -> &[f64] {
        &self.learners[i].params
    }

    pub fn finished(&self, i: usize) -> bool {
        let l = &self.learners[i];
        l.diverged_at_epoch.is_some() || l.epochs.len() as u32 >= self.spec.epochs
    }

    pub fn all_finished(&self) -> bool {
        (0..self.learners.len()).all(|i| self.finished(i))
    }

    /// Takes up to `max_steps` optimizer steps for learner `i`; returns the steps taken.
    pub fn advance(&mut self, i: usize, max_steps: u64) -> u64 {
        let batch = self.spec.batch_size;
        let epochs = self.spec.epochs as usize;
        let model = &self.model;
        let data = match self.data_index.get(i) {
            Some(&k) if k > 0 => &self.others[k - 1].1,
            _ => &self.data,
        };
        let l = &mut self.learners[i];
        let mut taken = 0;
        while taken < max_steps && l.diverged_at_epoch.is_none() && l.epochs.len() < epochs {
            let end = (l.cursor + batch).min(TRAIN);
            let xs = &data.train_x[l.cursor * FEATURES..end * FEATURES];
            let ys = &data.train_y[l.cursor..end];
            let clip = l.spec.clip;
            let tensors = &self.tensors;
            let loss = model.loss_grad(&l.params, xs, ys, &mut l.grad);
            clip.apply_model(&mut l.grad, tensors);
            // L-BFGS evaluates the same mini-batch again.
            let eval = |q: &[f64], g: &mut [f64]| {
                let loss = model.loss_grad(q, xs, ys, g);
                clip.apply_model(g, tensors);
                loss
            };
            let closure = l
                .stepper
                .needs_closure()
                .then_some(Closure { loss, eval: &eval });
            l.stepper.step(
                &mut l.params,
                &Derivatives {
                    grad: &l.grad,
                    hessian: None,
                    closure,
                },
            );
            l.steps += 1;
            taken += 1;
            l.loss_sum += loss * (end - l.cursor) as f64;
            l.cursor = end;
            let epoch = l.epochs.len() as u32 + 1;
            if !loss.is_finite() || !super::model::all_finite(&l.params) {
                l.diverged_at_epoch = Some(epoch);
                break;
            }
            if l.cursor == TRAIN {
                let train_loss = l.loss_sum / TRAIN as f64;
                let test_accuracy = model.accuracy(&l.params, &data.test_x, &data.test_y);
                l.epochs.push(Epoch {
                    train_loss,
                    test_accuracy,
                    lr: *l.stepper.lr_mut(),
                });
                if let Some(s) = &mut l.schedule {
                    s.step(&mut *l.stepper, train_loss);
                }
                l.cursor = 0;
                l.loss_sum = 0.0;
            }
        }
        taken
    }
}

#[derive(Serialize)]
pub struct LearnerResult {
    pub name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub epochs: Vec<Epoch>,
    pub test_accuracy: Option<f64>,
    pub seconds: f64,
    pub status: crate::race::Status,
    pub diverged_at_epoch: Option<u32>,
}

#[derive(Serialize)]
pub struct TrainResult {
    pub racers: Vec<LearnerResult>,
}

/// Trains every racer to the end. `clock` returns seconds (the CLI passes a wall clock).
pub fn train(spec: &TrainSpec, digits: &Digits, clock: &dyn Fn() -> f64) -> TrainResult {
    let mut trainer = Trainer::new(spec.clone(), digits);
    for i in 0..trainer.learners.len() {
        let t0 = clock();
        trainer.advance(i, u64::MAX);
        trainer.learners[i].seconds = clock() - t0;
    }
    TrainResult {
        racers: trainer
            .learners
            .into_iter()
            .map(|l| LearnerResult {
                name: l.spec.info.name,
                label: l.spec.label.clone(),
                test_accuracy: if l.diverged_at_epoch.is_none() {
                    l.epochs.last().map(|e| e.test_accuracy)
                } else {
                    None
                },
                epochs: l.epochs,
                seconds: l.seconds,
                status: if l.diverged_at_epoch.is_some() {
                    crate::race::Status::Diverged
                } else {
                    crate::race::Status::Ok
                },
                diverged_at_epoch: l.diverged_at_epoch,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables are what the parser takes: their defaults fill a bare spec, every choice
    /// parses, and every range end is accepted and one past it refused.
    #[test]
    fn the_tables_describe_the_parser() {
        let spec = TrainSpec::parse(r#"{"model": "linear", "racers": [{"name": "sgd"}]}"#).unwrap();
        assert_eq!(
            (spec.epochs as i64, spec.batch_size as i64, spec.seed as i64),
            (
                default_int("epochs"),
                default_int("batch_size"),
                default_int("seed")
            )
        );
        assert_eq!(spec.input, Input::default());
        let choices = |table: &[Param], name: &str| match param(table, name).kind {
            crate::schema::Kind::Choice { choices, .. } => choices,
            _ => unreachable!(),
        };
        for m in choices(&TRAIN_PARAMS, "model") {
            assert!(
                TrainSpec::parse(&format!(
                    r#"{{"model": "{m}", "racers": [{{"name": "sgd"}}]}}"#
                ))
                .is_ok(),
                "{m}"
            );
        }
        for d in choices(&TRAIN_PARAMS, "dataset") {
            assert!(
                TrainSpec::parse(&format!(
                    r#"{{"dataset": "{d}", "model": "linear", "racers": [{{"name": "sgd"}}]}}"#
                ))
                .is_ok(),
                "{d}"
            );
        }
        for t in choices(&INPUT_PARAMS, "transform") {
            assert!(TrainSpec::parse(&format!(r#"{{"model": "linear", "input": {{"transform": "{t}"}}, "racers": [{{"name": "sgd"}}]}}"#)).is_ok(), "{t}");
        }
        for name in ["epochs", "batch_size", "seed"] {
            let crate::schema::Kind::Integer { range, .. } = param(&TRAIN_PARAMS, name).kind else {
                unreachable!()
            };
            let spec = |x: f64| {
                TrainSpec::parse(&format!(
                    r#"{{"model": "linear", "{name}": {x}, "racers": [{{"name": "sgd"}}]}}"#
                ))
            };
            assert!(spec(range.lo).is_ok() && spec(range.hi).is_ok(), "{name}");
            assert!(
                spec(range.hi + 1.0)
                    .unwrap_err()
                    .contains(&format!("`{name}` must be in")),
                "{name}"
            );
        }
    }

    #[test]
    fn racers_may_carry_their_own_input() {
        let text = r#"{"model": "linear", "input": {"transform": "standardize"},
            "racers": [{"name": "adam", "lr": 0.001},
                       {"name": "adam", "lr": 0.001, "label": "X/50", "input": {"scale": 0.02}}]}"#;
        let spec = TrainSpec::parse(text).unwrap();
        assert_eq!(
            spec.racer_inputs,
            [
                None,
                Some(Input {
                    transform: Transform::Raw,
                    factor: 0.02
                })
            ]
        );
        assert_eq!(spec.input_of(0).transform, Transform::Standardize);
        assert_eq!(spec.input_of(1).factor, 0.02);
        let again = TrainSpec::parse(&spec.to_json()).unwrap();
        assert_eq!(again, spec);
        let json = spec.to_json();
        assert!(
            json.contains(r#""input":{"transform":"raw","scale":0.02}}]"#),
            "{json}"
        );
        assert_eq!(json.matches("\"input\"").count(), 2, "{json}");
    }

    #[test]
    fn a_racers_input_is_checked_like_the_specs() {
        let bad = |racer: &str| {
            TrainSpec::parse(&format!(
                r#"{{"model": "linear", "racers": [{{"name": "sgd"}}, {racer}]}}"#
            ))
            .unwrap_err()
        };
        let e = bad(r#"{"name": "adam", "input": {"scale": 0}}"#);
        assert_eq!(
            e,
            "racers[1].input: `scale` must be in [0.000001, 1000000], got 0"
        );
        let e = bad(r#"{"name": "adam", "input": {"scael": 2}}"#);
        assert!(
            e.starts_with("racers[1]: input: unknown field `scael`"),
            "{e}"
        );
        let e = bad(r#"{"name": "adam", "betas": 3}"#);
        assert!(e.starts_with("racers[1]: "), "{e}");
        let e = TrainSpec::parse(r#"{"model": "linear", "racers": [], "extra": 1}"#).unwrap_err();
        assert!(e.contains("unknown field `extra`"), "{e}");
    }

    #[test]
    fn a_racer_on_scaled_inputs_trains_on_scaled_data() {
        let digits = Digits::embedded();
        let text = r#"{"model": "linear", "epochs": 1, "racers": [{"name": "sgd", "lr": 0.001},
            {"name": "sgd", "lr": 0.001, "input": {"scale": 2}}, {"name": "sgd", "lr": 0.001, "input": {"scale": 1}}]}"#;
        let mut t = Trainer::new(TrainSpec::parse(text).unwrap(), &digits);
        assert_eq!(t.data_of(1).train_x[5], 2.0 * t.data_of(0).train_x[5]);
        assert_eq!(t.data_of(2).train_x, t.data_of(0).train_x);
        for i in 0..3 {
            t.advance(i, u64::MAX);
        }
        assert_eq!(t.learners[0].epochs, t.learners[2].epochs);
        assert_ne!(t.learners[0].epochs, t.learners[1].epochs);
    }
}
