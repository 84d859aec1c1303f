//! The run spec: one JSON document that says what to race, shared by the CLI (`optiscape run`),
//! the wasm API and the page's URL.
//!
//! ```json
//! {"landscape": {"name": "rosenbrock", "scale": 1.0},
//!  "start": [-1.2, 1.0], "steps": 500,
//!  "racers": [{"name": "adam", "lr": 0.05, "betas": [0.9, 0.999]},
//!             {"name": "sgd", "lr": 0.001, "momentum": 0.9, "nesterov": true}]}
//! ```
//!
//! Hyperparameters are named and defaulted exactly as torch.optim does. Every field is checked:
//! an unknown name or field, a repeated key, a list where an object belongs, a wrong type or an
//! out-of-range value is an error naming the field, never a silent default.
//!
//! [`parse_document`] holds the rules every JSON spec shares (this one and the training spec of
//! [`crate::classify::train`]): the size limit, one line naming the path of the field, control
//! characters escaped, nothing after the document.

use crate::landscape::{self, Built, Landscape, LandscapeInfo, Noise, Objective, Point, View};
use crate::optim::{self, OptimizerFactory, OptimizerInfo};
use crate::schema::{short, Hyper, Named, Param, Range, Spacing, Slider};
use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// Most steps one spec may ask for: the page pauses there (a billion steps is hours of a
/// lecture at full speed; the page keeps bounded trails).
pub const MAX_STEPS: u64 = 1_000_000_000;
/// Most points `optiscape run` prints: `(steps + 1) x racers` (about 50 MB of JSON).
pub const MAX_RUN_POINTS: u64 = 2_000_000;
/// Most racers in one spec.
pub const MAX_RACERS: usize = 32;
/// Longest spec text accepted, in bytes: room for an external racer's [`MAX_TRAJECTORY`]
/// points at full precision (about 43 bytes each).
pub const MAX_SPEC_BYTES: usize = 1024 * 1024;
/// Largest start coordinate accepted.
pub const MAX_START: f64 = 1e9;
/// Longest racer label, in characters.
pub const MAX_LABEL: usize = 40;
/// Fastest page speed, in steps per frame.
pub const MAX_SPEED: u32 = 1000;
/// Most points an external racer's trajectory may give: 20,000 steps and its start.
pub const MAX_TRAJECTORY: usize = 20_001;

// Deserialize through `Object` (see `parse_document`), never directly: derived structs would also
// take a JSON list of their fields' values in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    pub landscape: LandscapeSpec,
    /// Where every racer starts; the landscape's default start when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Point>,
    /// Steps per racer (the trajectory has steps + 1 points).
    #[serde(default = "default_steps")]
    pub steps: u64,
    pub racers: Vec<RacerSpec>,
    /// Page only: steps per animation frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<u32>,
    /// The visible rectangle (the page's, `optiscape plot`'s); the landscape's default view when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "optional_object")]
    pub view: Option<View>,
    /// What the loss chart's x axis counts (the page's, `optiscape plot`'s): steps when omitted.
    #[serde(default, skip_serializing_if = "XAxis::is_steps")]
    pub loss_x: XAxis,
    /// The preset the scene was made from (see [`crate::presets`]), so a link keeps its lesson.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
}

/// What the loss chart's x axis counts: steps, or evaluations of the objective and its gradient
/// (one a step, more for L-BFGS: the work done), both whole numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum XAxis {
    #[default]
    Steps,
    Evaluations,
}

impl XAxis {
    fn is_steps(&self) -> bool {
        *self == XAxis::Steps
    }
}

fn default_steps() -> u64 {
    500
}

impl RunSpec {
    /// Parses and validates a spec. The error is one line naming the field and the reason.
    pub fn parse(text: &str) -> Result<RunSpec, String> {
        parse_document(text, RunSpec::validate)
    }

    /// Whether `optiscape run` may print this race, or `optiscape plot` draw it: they keep every
    /// point of every racer, at most [`MAX_RUN_POINTS`]. `command` names the one asking.
    pub fn check_points(&self, command: &str) -> Result<(), String> {
        let points = (self.steps + 1).saturating_mul(self.racers.len() as u64);
        if points > MAX_RUN_POINTS {
            return Err(format!(
                "steps: `optiscape {command}` keeps every point, so (steps + 1) x racers must stay within {MAX_RUN_POINTS}, got ({} + 1) x {}",
                self.steps,
                self.racers.len()
            ));
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), String> {
        if let Some(start) = self.start {
            if !start.iter().all(|c| c.is_finite() && c.abs() <= MAX_START) {
                return Err(format!("start: must be two finite numbers within {MAX_START:e}, got {start:?}"));
            }
        }
        if self.steps > MAX_STEPS {
            return Err(format!("steps: at most {MAX_STEPS}, got {}", self.steps));
        }
        if self.racers.is_empty() {
            return Err("racers: give at least one racer".into());
        }
        if self.racers.len() > MAX_RACERS {
            return Err(format!("racers: at most {MAX_RACERS}, got {}", self.racers.len()));
        }
        if let Some(speed) = self.speed {
            if !(1..=MAX_SPEED).contains(&speed) {
                return Err(format!("speed: must be 1 to {MAX_SPEED} steps per frame, got {speed}"));
            }
        }
        if let Some(view) = &self.view {
            view.check().map_err(|e| format!("view: {e}"))?;
        }
        if let Some(id) = &self.preset {
            crate::presets::check_id(id, false).map_err(|e| format!("preset: {e}"))?;
        }
        for (i, r) in self.racers.iter().enumerate() {
            let limit = r.schedule.as_ref().and_then(|s| crate::schedule::max_steps(s).map(|m| (s.name, m)));
            if let Some((name, max)) = limit.filter(|&(_, max)| self.steps > max) {
                return Err(format!(
                    "racers[{i}].lr_scheduler: {name} follows at most {max} steps (torch raises after them), but the race has {} steps",
                    self.steps
                ));
            }
        }
        Ok(())
    }

    /// Refuses external racers where `place` cannot race them yet (the page, whose racer cards
    /// and controls do not know them).
    pub fn without_external(&self, place: &str) -> Result<(), String> {
        match self.racers.iter().position(|r| r.trajectory.is_some()) {
            Some(i) => Err(format!("racers[{i}]: {place} does not race external trajectories yet; optiscape run and plot and the Python package do")),
            None => Ok(()),
        }
    }

    /// The start point: the spec's, or the landscape's default.
    pub fn start_point(&self, built: &Built) -> Point {
        self.start.unwrap_or(built.start)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a spec always serializes")
    }
}

/// Parses one JSON spec document into `T`, then checks it with `validate`. The rules every spec
/// shares: at most [`MAX_SPEC_BYTES`]; the document and every nested struct are JSON objects
/// (a list of the fields' values in order, which serde's derive would take, is an error); a key
/// given twice anywhere is an error naming it, never last-wins; nothing but whitespace after
/// the document; the error is one line, `path.to.field: reason`, with control characters from
/// the input escaped (messages quote names from the input, which may hold newlines or terminal
/// escapes).
pub fn parse_document<T: DeserializeOwned>(text: &str, validate: impl FnOnce(&T) -> Result<(), String>) -> Result<T, String> {
    parse_unescaped(text, validate).map_err(|e| {
        if e.chars().any(char::is_control) {
            e.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
        } else {
            e
        }
    })
}

fn parse_unescaped<T: DeserializeOwned>(text: &str, validate: impl FnOnce(&T) -> Result<(), String>) -> Result<T, String> {
    if text.len() > MAX_SPEC_BYTES {
        return Err(format!("spec is {} bytes; at most {MAX_SPEC_BYTES} are accepted", text.len()));
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    let Object(spec) = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // A wrong value is placed by its path (and a formula's message places it in the
        // formula): serde_json's line and column in the JSON text would be a second place.
        // Broken JSON keeps them, as they are its only place.
        let inner = match inner.classify() {
            serde_json::error::Category::Data => {
                let text = inner.to_string();
                let place = format!(" at line {} column {}", inner.line(), inner.column());
                text.strip_suffix(&place).map(str::to_string).unwrap_or(text)
            }
            _ => inner.to_string(),
        };
        // `?`: no field yet (the text broke before one).
        if path == "." || path == "?" || path.is_empty() {
            inner
        } else {
            format!("{path}: {inner}")
        }
    })?;
    // Anything after the spec is an error (serde_json::from_str checks this; a bare
    // Deserializer does not).
    de.end().map_err(|e| e.to_string())?;
    validate(&spec)?;
    Ok(spec)
}

/// The text of a spec read as bytes (standard input, a file). The size limit is checked first,
/// so that input cut at `MAX_SPEC_BYTES + 1` bytes by a bounded reader, perhaps inside a
/// character, is reported as too long rather than as broken UTF-8.
pub fn spec_text(bytes: &[u8]) -> Result<&str, String> {
    if bytes.len() > MAX_SPEC_BYTES {
        return Err(format!("spec is more than {MAX_SPEC_BYTES} bytes; at most {MAX_SPEC_BYTES} are accepted"));
    }
    std::str::from_utf8(bytes).map_err(|e| format!("spec is not UTF-8 text: invalid bytes at offset {}", e.valid_up_to()))
}

/// A `T` that must come from a JSON object: serde's derived structs also accept a list of their
/// fields' values in order, which a spec must not (`"view": [[0, 1], [0, 1]]`).
pub struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(ObjectVisitor(std::marker::PhantomData)).map(Object)
    }
}

/// For `#[serde(deserialize_with)]`: a struct field that must be an object.
pub fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Object::deserialize(d).map(|Object(t)| t)
}

/// For `#[serde(deserialize_with)]`: an optional struct field that must be an object or null.
pub fn optional_object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<Object<T>>::deserialize(d).map(|o| o.map(|Object(t)| t))
}

/// Any JSON value, with every object's keys distinct: serde_json's own `Value` keeps the last of
/// a repeated key, which would silently drop a racer's first `lr`.
pub struct StrictJson(pub Json);

impl<'de> Deserialize<'de> for StrictJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictJson)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Json, E> {
        Ok(Json::from(i))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Json, E> {
        Ok(Json::from(u))
    }
    fn visit_f64<E>(self, x: f64) -> Result<Json, E> {
        Ok(serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number))
    }
    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::String(s))
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        StrictJson::deserialize(d).map(|s| s.0)
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(StrictJson(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut fields = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if fields.contains_key(&key) {
                return Err(A::Error::custom(format!("duplicate field `{}`", key.chars().take(40).collect::<String>())));
            }
            let StrictJson(value) = map.next_value()?;
            fields.insert(key, value);
        }
        Ok(Json::Object(fields))
    }
}

/// Splits a JSON object into its `name` and the remaining fields.
fn named_object<'de, D: Deserializer<'de>>(d: D, what: &str) -> Result<(String, Map<String, Json>), D::Error> {
    let StrictJson(json) = StrictJson::deserialize(d)?;
    let Json::Object(mut fields) = json else {
        return Err(D::Error::custom(format!("{what} must be an object with a \"name\", got {}", short(&json))));
    };
    match fields.remove("name") {
        Some(Json::String(name)) => Ok((name, fields)),
        Some(other) => Err(D::Error::custom(format!("`name` must be a string, got {}", short(&other)))),
        None => Err(D::Error::custom(format!("{what} needs a \"name\""))),
    }
}

fn unknown(kind: &str, name: &str, known: impl Iterator<Item = &'static str>) -> String {
    format!("unknown {kind} `{}`; expected one of: {}", name.chars().take(40).collect::<String>(), known.collect::<Vec<_>>().join(", "))
}

/// A landscape, its scale, its gradient noise, its turn and its own parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct LandscapeSpec {
    pub info: &'static LandscapeInfo,
    pub scale: f64,
    /// Degrees, counter-clockwise ([`crate::landscape::Rotation`]).
    pub rotate: f64,
    /// No noise unless a `noise` above 0 is given.
    pub noise: Noise,
    pub hyper: Hyper,
}

impl LandscapeSpec {
    pub fn from_fields(name: &str, mut fields: Map<String, Json>) -> Result<LandscapeSpec, String> {
        let info = landscape::find(name).ok_or_else(|| unknown("landscape", name, landscape::REGISTRY.iter().map(|l| l.name)))?;
        // The parameters every landscape takes, checked by their own table; the rest by the
        // landscape's.
        let shared: Map<String, Json> = landscape::SHARED.iter().filter_map(|p| Some((p.name.to_string(), fields.remove(p.name)?))).collect();
        let shared = Hyper::from_fields(info.name, &landscape::SHARED, &shared)?;
        let (scale, std, seed, rotate) = (shared.num("scale"), shared.num("noise"), shared.num("seed"), shared.num("rotate"));
        if seed.fract() != 0.0 {
            return Err(format!("`seed` must be a whole number, got {seed}"));
        }
        let hyper = Hyper::from_fields(info.name, info.params, &fields).map_err(|e| {
            if e.starts_with("unknown field") {
                let shared = landscape::SHARED.map(|p| p.name).join(", ");
                format!("{e}{}{shared}", if info.params.is_empty() { "; it takes only " } else { ", " })
            } else {
                e
            }
        })?;
        Ok(LandscapeSpec { info, scale, rotate, noise: Noise { std, seed: seed as u64 }, hyper })
    }

    /// The landscape, turned by `rotate`.
    pub fn build(&self) -> Built {
        (self.info.build)(&self.hyper).turned(self.rotate)
    }

    /// `f` (built from this spec) as the racers see it: times the scale, with this noise.
    pub fn objective(&self, f: Box<dyn Landscape>) -> Objective {
        Objective { f, scale: self.scale, noise: self.noise }
    }
}

impl<'de> Deserialize<'de> for LandscapeSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (name, fields) = named_object(d, "landscape")?;
        LandscapeSpec::from_fields(&name, fields).map_err(D::Error::custom)
    }
}

impl Serialize for LandscapeSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let fields = self.hyper.to_fields();
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("name", self.info.name)?;
        map.serialize_entry("scale", &self.scale)?;
        // Only when set, so specs without noise read as before.
        if !self.noise.is_none() {
            map.serialize_entry("noise", &self.noise.std)?;
        }
        if self.noise.seed != 0 {
            map.serialize_entry("seed", &self.noise.seed)?;
        }
        if self.rotate != 0.0 {
            map.serialize_entry("rotate", &self.rotate)?;
        }
        for (k, v) in &fields {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One racer: an optimizer with its hyperparameters, its gradient clipping and learning-rate
/// scheduler, and how the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct RacerSpec {
    pub info: &'static OptimizerInfo,
    pub hyper: Hyper,
    /// Shown in the legend instead of the optimizer's title.
    pub label: Option<String>,
    /// `#rrggbb`; the page picks from its palette when omitted.
    pub color: Option<String>,
    pub clip: Clip,
    /// `lr_scheduler`: a torch scheduler stepped after every optimizer step.
    pub schedule: Option<Named>,
    /// An external racer's given points (its `info` is [`optim::external::INFO`]); None for an
    /// optimizer.
    pub trajectory: Option<Arc<[Point]>>,
}

/// The racer fields beyond its optimizer's table: every racer takes them.
pub const RACER_PARAMS: [Param; 3] = [
    Param::optional_number("clip_grad_norm", Range::NON_NEGATIVE, Slider { min: 1e-3, max: 1e3, spacing: Spacing::Log }, "torch.nn.utils.clip_grad_norm_ (norm 2): the gradient times min(1, max_norm / (|g| + 1e-6)); null: none")
        .tip("caps the gradient's length: a longer gradient is scaled down to it (null: no cap)"),
    Param::optional_number("clip_grad_value", Range::NON_NEGATIVE, Slider { min: 1e-3, max: 1e3, spacing: Spacing::Log }, "torch.nn.utils.clip_grad_value_: every coordinate clamped to [-v, v], after clip_grad_norm; null: none")
        .tip("caps every coordinate of the gradient to ± this value (null: no cap)"),
    Param::scheduler("lr_scheduler", "a torch.optim.lr_scheduler class and its arguments, stepped after every step (every epoch in training); null: a constant rate")
        .tip("changes the learning rate as the race goes on (null: it stays constant)"),
];

/// Gradient clipping, applied to every gradient a racer gets (after scale and noise, before the
/// step): first `clip_grad_norm_`, then `clip_grad_value_`, as torch.nn.utils computes them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Clip {
    /// `max_norm` of `clip_grad_norm_`.
    pub norm: Option<f64>,
    /// `clip_value` of `clip_grad_value_`.
    pub value: Option<f64>,
}

impl Clip {
    /// Clips one tensor's gradient (a landscape's point): torch's total norm of one tensor is
    /// its norm, and `max_norm / (norm + 1e-6)` is computed as `(norm + 1e-6).reciprocal() *
    /// max_norm` (a float divided by a tensor), clamped at 1.
    pub fn apply(&self, grad: &mut [f64]) {
        if let Some(max_norm) = self.norm {
            let coef = clip_coef(max_norm, crate::optim::norm2(grad));
            grad.iter_mut().for_each(|g| *g *= coef);
        }
        self.clamp(grad);
    }

    /// Clips a model's gradient, `tensors` giving the shapes: the total norm is the norm of the
    /// tensors' norms.
    pub fn apply_model(&self, grad: &mut [f64], tensors: &[crate::optim::Tensor]) {
        if let Some(max_norm) = self.norm {
            let mut offset = 0;
            let norms: Vec<f64> = tensors
                .iter()
                .map(|t| {
                    let n = crate::optim::norm2(&grad[offset..offset + t.len()]);
                    offset += t.len();
                    n
                })
                .collect();
            let coef = clip_coef(max_norm, crate::optim::norm2(&norms));
            grad.iter_mut().for_each(|g| *g *= coef);
        }
        self.clamp(grad);
    }

    fn clamp(&self, grad: &mut [f64]) {
        if let Some(v) = self.value {
            grad.iter_mut().for_each(|g| *g = crate::optim::clamp(*g, -v, v));
        }
    }

    pub fn is_none(&self) -> bool {
        self.norm.is_none() && self.value.is_none()
    }
}

/// torch's `torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)`.
fn clip_coef(max_norm: f64, total_norm: f64) -> f64 {
    let coef = 1.0 / (total_norm + 1e-6) * max_norm;
    if coef.is_nan() {
        coef
    } else {
        coef.min(1.0)
    }
}

impl PartialEq for OptimizerInfo {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl std::fmt::Debug for OptimizerInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OptimizerInfo({})", self.name)
    }
}

impl PartialEq for LandscapeInfo {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl std::fmt::Debug for LandscapeInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LandscapeInfo({})", self.name)
    }
}

impl RacerSpec {
    pub fn from_fields(name: &str, mut fields: Map<String, Json>) -> Result<RacerSpec, String> {
        if name == optim::external::INFO.name {
            return RacerSpec::external(fields);
        }
        let names = optim::REGISTRY.iter().map(|o| o.name).chain([optim::external::INFO.name]);
        let info = optim::find(name).ok_or_else(|| unknown("optimizer", name, names))?;
        let (label, color) = looks(&mut fields)?;
        let racer_fields: Map<String, Json> = RACER_PARAMS.iter().filter_map(|p| Some((p.name.to_string(), fields.remove(p.name)?))).collect();
        let racer = Hyper::from_fields(info.name, &RACER_PARAMS, &racer_fields)?;
        let hyper = Hyper::from_fields(info.name, info.params, &fields).map_err(|e| {
            if e.starts_with("unknown field") {
                let racer = RACER_PARAMS.map(|p| p.name).join(", ");
                format!("{e}, label, color, {racer}")
            } else {
                e
            }
        })?;
        let optimizer = (info.build)(&hyper)?;
        let clip = Clip { norm: racer.opt_num("clip_grad_norm"), value: racer.opt_num("clip_grad_value") };
        let schedule = racer.scheduler("lr_scheduler").cloned();
        if let Some(s) = &schedule {
            // Built once against this optimizer: a cycling scheduler needs its momentum.
            crate::schedule::Scheduled::start(s, &mut *optimizer.start(&[0.0, 0.0])).map_err(|e| format!("`lr_scheduler`: {e}"))?;
        }
        Ok(RacerSpec { info, hyper, label, color, clip, schedule, trajectory: None })
    }

    /// `{"name": "external", "trajectory": [[x, y], ...], "label": ..., "color": ...}`: a path
    /// computed elsewhere, raced as given (see [`optim::external`]).
    fn external(mut fields: Map<String, Json>) -> Result<RacerSpec, String> {
        let (label, color) = looks(&mut fields)?;
        let points = fields.remove("trajectory");
        if let Some(unknown) = fields.keys().next() {
            return Err(format!("unknown field `{unknown}` for external; expected one of: trajectory, label, color"));
        }
        let points = points.ok_or("`trajectory` is missing: external requires it")?;
        let list = points.as_array().ok_or_else(|| format!("`trajectory` must be a list of points [x, y], got {}", short(&points)))?;
        if list.is_empty() || list.len() > MAX_TRAJECTORY {
            return Err(format!("`trajectory` must hold 1 to {MAX_TRAJECTORY} points, got {}", list.len()));
        }
        let trajectory = list
            .iter()
            .enumerate()
            .map(|(k, p)| {
                p.as_array()
                    .filter(|xy| xy.len() == 2)
                    .and_then(|xy| Some([xy[0].as_f64()?, xy[1].as_f64()?]))
                    .ok_or_else(|| format!("`trajectory[{k}]` must be a list of two numbers, got {}", short(p)))
            })
            .collect::<Result<Arc<[Point]>, String>>()?;
        let info = &optim::external::INFO;
        Ok(RacerSpec { info, hyper: Hyper::defaults(info.params), label, color, clip: Clip::default(), schedule: None, trajectory: Some(trajectory) })
    }

    /// Where it starts when the race starts at `start`: an external racer at its own first point.
    pub fn start_from(&self, start: Point) -> Point {
        self.trajectory.as_ref().map_or(start, |t| t[0])
    }

    /// Its learning rate; None for an external racer, which has none.
    pub fn lr(&self) -> Option<f64> {
        self.trajectory.is_none().then(|| self.hyper.num("lr"))
    }

    /// The optimizer with these hyperparameters (validated when the spec was parsed), or the
    /// replay of an external racer's points.
    pub fn optimizer(&self) -> Box<dyn OptimizerFactory> {
        if let Some(points) = &self.trajectory {
            return Box::new(optim::external::Given(points.clone()));
        }
        match (self.info.build)(&self.hyper) {
            Ok(f) => f,
            Err(e) => unreachable!("racer spec was validated: {e}"),
        }
    }

    pub fn display_name(&self) -> &str {
        self.label.as_deref().unwrap_or(self.info.title)
    }
}

/// A racer's `label` and `color`, taken out of its fields.
fn looks(fields: &mut Map<String, Json>) -> Result<(Option<String>, Option<String>), String> {
    let label = match fields.remove("label") {
        None => None,
        Some(Json::String(s)) if s.chars().count() <= MAX_LABEL => Some(s),
        Some(Json::String(_)) => return Err(format!("`label` is longer than {MAX_LABEL} characters")),
        Some(other) => return Err(format!("`label` must be a string, got {}", short(&other))),
    };
    let color = match fields.remove("color") {
        None => None,
        Some(Json::String(s)) if is_hex_color(&s) => Some(s),
        Some(other) => return Err(format!("`color` must be a colour as \"#rrggbb\", got {}", short(&other))),
    };
    Ok((label, color))
}

fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

impl<'de> Deserialize<'de> for RacerSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (name, fields) = named_object(d, "racer")?;
        RacerSpec::from_fields(&name, fields).map_err(D::Error::custom)
    }
}

impl Serialize for RacerSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let fields = self.hyper.to_fields();
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("name", self.info.name)?;
        if let Some(label) = &self.label {
            map.serialize_entry("label", label)?;
        }
        if let Some(color) = &self.color {
            map.serialize_entry("color", color)?;
        }
        for (k, v) in &fields {
            map.serialize_entry(k, v)?;
        }
        // Only when set, so specs without them read as before.
        if let Some(norm) = self.clip.norm {
            map.serialize_entry("clip_grad_norm", &norm)?;
        }
        if let Some(value) = self.clip.value {
            map.serialize_entry("clip_grad_value", &value)?;
        }
        if let Some(s) = &self.schedule {
            map.serialize_entry("lr_scheduler", s)?;
        }
        if let Some(points) = &self.trajectory {
            map.serialize_entry("trajectory", &**points)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example_parses_and_round_trips() {
        let text = r#"{"landscape": {"name": "rosenbrock", "scale": 1.0},
            "start": [-1.2, 1.0], "steps": 500,
            "racers": [{"name": "adam", "lr": 0.05, "betas": [0.9, 0.999]},
                       {"name": "sgd", "lr": 0.001, "momentum": 0.9, "nesterov": true}]}"#;
        let spec = RunSpec::parse(text).unwrap();
        assert_eq!(spec.racers[1].hyper.num("momentum"), 0.9);
        assert_eq!(spec.racers[0].hyper.num("eps"), 1e-8);
        assert_eq!(RunSpec::parse(&spec.to_json()).unwrap(), spec);
    }

    #[test]
    fn errors_name_the_field() {
        for (text, needle) in [
            (r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam", "beta": [0.9, 0.99]}]}"#, "racers[0]: unknown field `beta`"),
            (r#"{"landscape": {"name": "rosenbrok"}, "racers": [{"name": "adam"}]}"#, "unknown landscape `rosenbrok`"),
            (r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adma"}]}"#, "unknown optimizer `adma`"),
            (r#"{"landscape": {"name": "rosenbrock", "scale": 0}, "racers": [{"name": "adam"}]}"#, "`scale` must be in (0, inf)"),
            (r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "sgd", "lr": -1}]}"#, "`lr` must be in [0, inf)"),
            (r#"{"landscape": {"name": "rosenbrock"}, "steps": 10000000000, "racers": [{"name": "sgd"}]}"#, "steps: at most"),
            (r#"{"landscape": {"name": "rosenbrock"}, "racers": []}"#, "at least one racer"),
            (r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "sgd"}], "stpes": 3}"#, "unknown field `stpes`"),
            (r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "sgd", "nesterov": true}]}"#, "nesterov"),
            (r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "sgd", "color": "red"}]}"#, "#rrggbb"),
            (r#"{"landscape": {"name": "saddle", "condition": 3}, "racers": [{"name": "sgd"}]}"#, "takes only scale"),
        ] {
            let e = RunSpec::parse(text).unwrap_err();
            assert!(e.contains(needle), "{text}\n  gave: {e}");
            assert!(!e.contains('\n'), "one line: {e}");
        }
    }

    #[test]
    fn an_error_names_one_place() {
        // A wrong value: its path, and a formula's own character, never the JSON text's line
        // and column as well.
        let e = RunSpec::parse(r#"{"landscape": {"name": "custom", "f": "x^2 + * y"}, "racers": [{"name": "sgd"}]}"#).unwrap_err();
        assert_eq!(e, "landscape: `f`: unexpected `*` at character 7");
        let e = RunSpec::parse(r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "sgd", "lr": "fast"}]}"#).unwrap_err();
        assert_eq!(e, "racers[0]: `lr` must be a number, got \"fast\"");
        let e = RunSpec::parse(r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "sgd"}], "preset": "sadle"}"#).unwrap_err();
        assert!(e.starts_with("preset: unknown preset `sadle`; expected one of: rosenbrock,"), "{e}");
        // Broken JSON has only its place in the text.
        let e = RunSpec::parse(r#"{"landscape": {"name": "rosenbrock"},, "racers": []}"#).unwrap_err();
        assert_eq!(e, "key must be a string at line 1 column 38");
    }
}
