//! Property tests over `RunSpec::parse`: arbitrary strings, arbitrary JSON values, valid specs and
//! mutations of valid specs (dropped, renamed and duplicated fields, wrong types, extreme numbers,
//! huge arrays, unicode names, deep nesting, long strings). Whatever the input: no panic; an error
//! is one non-empty line that gives a reason; an accepted spec is valid and round-trips through
//! `to_json()` to an equal spec. 115,000 inputs in all in release builds (see `cases`). A key
//! given twice anywhere, and a list where an object belongs, are always errors. The training
//! spec (`TrainSpec::parse`) shares the parser's rules and error formatting, and is fuzzed too.

use optiscape::classify::model::Rng;
use optiscape::classify::train::TrainSpec;
use optiscape::landscape::{self, SCALE};
use optiscape::math::powf;
use optiscape::optim;
use optiscape::schedule;
use optiscape::schema::{Kind, Named, Param, Range, Value as HyperValue, MAX_LIST};
use optiscape::spec::{
    spec_text, RunSpec, MAX_LABEL, MAX_RACERS, MAX_SPEC_BYTES, MAX_SPEED, MAX_START, MAX_STEPS,
    MAX_TRAJECTORY, RACER_PARAMS,
};
use proptest::prelude::*;
use proptest::sample::{select, Index};
use serde_json::{json, Map, Value};

mod common;

// --- the property ------------------------------------------------------------------------------

/// The rules between fields that no single parameter's table states, each named in its message:
/// SGD's nesterov needs momentum; Rprop's etas straddle 1; a cycling scheduler needs momentum;
/// OneCycleLR needs total_steps (or epochs and steps_per_epoch) and a first phase; SequentialLR
/// one milestone fewer than schedulers, and single schedulers inside it and ChainedScheduler; a
/// scheduler's limit on the race's steps.
const CROSS_FIELD: &[&str] = &[
    "`nesterov` requires",
    "`etas` must be",
    "cycle_momentum needs",
    "give `total_steps`",
    "epochs x steps_per_epoch",
    "leaves the first phase empty",
    "`milestones` must hold one fewer",
    "cannot be",
    "follows at most",
];

/// Words one of which every error names: a reason, not just a position. The formula parser's own
/// phrases are here too ("ends where", "not closed", ...): `every_formula_error_gives_a_reason`
/// checks each of its messages, so that none waits for a random input to be found.
const REASONS: &[&str] = &[
    "expected",
    "must",
    "unknown",
    "at most",
    "at least",
    "missing",
    "invalid",
    "EOF",
    "trailing",
    "duplicate",
    "out of range",
    "recursion limit",
    "bytes",
    "requires",
    "longer than",
    "needs",
    "control character",
    "key must be a string",
    "surrogate",
    "escape",
    "give",
    "empty",
    "ends where",
    "not a number",
    "not closed",
    "not finite",
    "too deeply",
    "takes one argument",
];

/// Checks everything `parse` promises for one input.
fn check(text: &str) -> Result<(), TestCaseError> {
    match RunSpec::parse(text) {
        Err(e) => {
            prop_assert!(!e.trim().is_empty(), "empty error for {:?}", preview(text));
            prop_assert!(
                !e.contains('\n') && !e.contains('\r'),
                "error is not one line: {e:?}"
            );
            prop_assert!(
                REASONS.iter().any(|r| e.contains(r)),
                "error gives no reason: {e:?} for {:?}",
                preview(text)
            );
        }
        Ok(spec) => {
            check_valid(&spec)?;
            let json = spec.to_json();
            let again = RunSpec::parse(&json);
            prop_assert_eq!(again.as_ref(), Ok(&spec), "round trip of {}", json);
            prop_assert_eq!(again.unwrap().to_json(), json);
        }
    }
    Ok(())
}

fn preview(text: &str) -> String {
    text.chars().take(300).collect()
}

fn in_range(x: f64, r: Range) -> bool {
    r.contains(x)
}

/// An accepted spec is within every limit and every value in its parameter's range.
fn check_valid(spec: &RunSpec) -> Result<(), TestCaseError> {
    prop_assert!(spec.steps <= MAX_STEPS);
    prop_assert!(!spec.racers.is_empty() && spec.racers.len() <= MAX_RACERS);
    if let Some(s) = spec.start {
        prop_assert!(
            s.iter().all(|c| c.is_finite() && c.abs() <= MAX_START),
            "{s:?}"
        );
    }
    if let Some(speed) = spec.speed {
        prop_assert!((1..=MAX_SPEED).contains(&speed));
    }
    if let Some(v) = spec.view {
        prop_assert!(v.check().is_ok());
    }
    prop_assert!(spec.landscape.scale.is_finite() && spec.landscape.scale > 0.0);
    check_hyper(spec.landscape.info.params, spec.landscape.hyper.iter())?;
    for r in &spec.racers {
        check_hyper(r.info.params, r.hyper.iter())?;
        if let Some(label) = &r.label {
            prop_assert!(label.chars().count() <= MAX_LABEL);
        }
        if let Some(color) = &r.color {
            prop_assert!(
                color.len() == 7
                    && color.starts_with('#')
                    && color[1..].chars().all(|c| c.is_ascii_hexdigit())
            );
        }
        if let Some(points) = &r.trajectory {
            prop_assert!(r.info.name == "external" && r.clip.is_none() && r.schedule.is_none());
            prop_assert!(
                (1..=MAX_TRAJECTORY).contains(&points.len())
                    && points.iter().flatten().all(|c| c.is_finite())
            );
        }
    }
    Ok(())
}

fn check_hyper<'a>(
    params: &[Param],
    values: impl Iterator<Item = (&'static str, &'a HyperValue)>,
) -> Result<(), TestCaseError> {
    let values: Vec<_> = values.collect();
    prop_assert_eq!(values.len(), params.len());
    for (p, (name, v)) in params.iter().zip(values) {
        prop_assert_eq!(p.name, name);
        match (p.kind, v) {
            (Kind::Flag, HyperValue::Flag(_)) => {}
            (Kind::Number { range, .. }, &HyperValue::Number(x)) => {
                prop_assert!(in_range(x, range), "{name} = {x}")
            }
            (Kind::Pair { range, .. }, &HyperValue::Pair([a, b])) => {
                prop_assert!(in_range(a, range) && in_range(b, range), "{name}")
            }
            (Kind::Text { max_chars }, HyperValue::Text(t)) => {
                prop_assert!(
                    t.chars().count() <= max_chars && p.check.is_none_or(|check| check(t).is_ok()),
                    "{name} = {t:?}"
                )
            }
            (Kind::Choice { choices, nullable }, HyperValue::Choice(c)) => {
                prop_assert!(
                    c.map_or(nullable, |c| choices.contains(&c)),
                    "{name} = {c:?}"
                )
            }
            (Kind::Integer { range, .. }, &HyperValue::Int(i)) => {
                prop_assert!(in_range(i as f64, range), "{name} = {i}")
            }
            (
                Kind::Integer { nullable: true, .. }
                | Kind::OptionalNumber { .. }
                | Kind::Scheduler { nullable: true },
                HyperValue::Null,
            ) => {}
            (Kind::OptionalNumber { range, .. }, &HyperValue::Number(x)) => {
                prop_assert!(in_range(x, range), "{name} = {x}")
            }
            (Kind::Tuple { items }, HyperValue::Tuple(t)) => {
                prop_assert_eq!(t.len(), items.len());
                for (item, x) in items.iter().zip(t.iter()) {
                    prop_assert!(
                        x.map_or(item.nullable, |x| in_range(x, item.range)),
                        "{name} = {t:?}"
                    );
                }
            }
            (Kind::Integers { range, increasing }, HyperValue::Ints(list)) => {
                prop_assert!(
                    list.len() <= MAX_LIST && list.iter().all(|&i| in_range(i as f64, range)),
                    "{name} = {list:?}"
                );
                prop_assert!(
                    !increasing || list.windows(2).all(|w| w[0] < w[1]),
                    "{name} = {list:?}"
                );
            }
            (Kind::Scheduler { .. }, HyperValue::Scheduler(n)) => check_scheduler(n)?,
            (Kind::Schedulers, HyperValue::Schedulers(list)) => {
                prop_assert!(!list.is_empty() && list.len() <= MAX_LIST);
                for n in list {
                    check_scheduler(n)?;
                }
            }
            (kind, v) => prop_assert!(false, "{name}: {v:?} for {kind:?}"),
        }
    }
    Ok(())
}

fn check_scheduler(n: &Named) -> Result<(), TestCaseError> {
    let info = schedule::find(n.name);
    prop_assert!(info.is_some(), "unknown scheduler {}", n.name);
    check_hyper(info.unwrap().params, n.hyper.iter())
}

// --- generators --------------------------------------------------------------------------------

/// Every name the spec knows: fields, optimizers, landscapes, parameters.
fn names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(all_names)
}

fn all_names() -> Vec<String> {
    let mut out: Vec<String> = [
        "landscape",
        "start",
        "steps",
        "racers",
        "speed",
        "view",
        "name",
        "label",
        "color",
        "x",
        "y",
        "scale",
        "external",
        "trajectory",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for o in optim::REGISTRY {
        out.push(o.name.into());
        out.extend(o.params.iter().map(|p| p.name.to_string()));
    }
    for l in landscape::REGISTRY {
        out.push(l.name.into());
        out.extend(l.params.iter().map(|p| p.name.to_string()));
    }
    out.extend(
        landscape::SHARED
            .iter()
            .chain(&RACER_PARAMS)
            .map(|p| p.name.to_string()),
    );
    for sch in schedule::REGISTRY {
        out.push(sch.name.into());
        out.extend(sch.params.iter().map(|p| p.name.to_string()));
    }
    out.sort();
    out.dedup();
    out
}

const EXTREMES: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    1e308,
    -1e308,
    f64::MAX,
    f64::MIN,
    5e-324,
    -5e-324,
    f64::MIN_POSITIVE,
    1e-300,
    1e9,
    -1e9,
    1e9 + 1.0,
    1e12,
    0.9999999999999999,
    1.0000000000000002,
    4294967296.0,
    1e6,
    1e6 + 1.0,
    100000.0,
    100001.0,
];

fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn arb_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        select(EXTREMES).prop_map(number),
        any::<f64>().prop_map(number),
        (-8.0..8.0f64).prop_map(|e| number(powf(10.0, e))),
        (0.0..1.0f64).prop_map(number),
        (-3i64..2000).prop_map(|i| json!(i)),
        any::<u64>().prop_map(|i| json!(i)),
        any::<i64>().prop_map(|i| json!(i)),
    ]
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(names()),
        1 => ".{0,12}",
        1 => "#[0-9a-fA-F]{6}",
        1 => select(vec!["", "名前", "adam\n", "ad\u{0}am", "\u{202e}madа", "🦀🦀", "a\u{301}", "\u{1b}[31mred", "Adam", "ADAM", " adam"])
            .prop_map(String::from),
    ]
}

fn arb_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        arb_number(),
        arb_string().prop_map(Value::String),
    ]
}

/// Any JSON value, nested up to 5 deep, keys mostly names the spec knows.
fn arb_json() -> impl Strategy<Value = Value> {
    arb_leaf().prop_recursive(5, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((arb_string(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A value inside `range` (open ends respected), spread over many decades where the range is wide.
fn value_in(range: Range, u: f64, log: f64) -> f64 {
    let x = if range.hi.is_finite() && range.lo.is_finite() {
        range.lo + u * (range.hi - range.lo)
    } else if range.hi.is_finite() {
        range.hi - powf(10.0, log)
    } else {
        range.lo.max(0.0) + powf(10.0, log)
    };
    if range.contains(x) {
        x
    } else {
        // An open end hit exactly (u = 0 or 1): take the middle of a bounded range or lo + 1.
        if range.hi.is_finite() {
            0.5 * (range.lo + range.hi)
        } else {
            range.lo + 1.0
        }
    }
}

/// Valid text values (the only text parameter is a formula).
const FORMULAS: &[&str] = &[
    "x^2 + 3 y^2",
    "sin(x) cos(y)",
    "(1 - x)^2 + 100 (y - x^2)^2",
    "exp(-(x^2 + y^2)) - x y / 10",
];

/// Draws for one parameter: keep it?, two uniform numbers, a log10 magnitude, a flag.
type Draw = (bool, f64, f64, f64, bool);

/// The most parameters any optimizer or landscape has.
const MAX_PARAMS: usize = 12;

fn arb_draws() -> impl Strategy<Value = Vec<Draw>> {
    prop::collection::vec(
        (
            any::<bool>(),
            0.0..=1.0f64,
            0.0..=1.0f64,
            -8.0..4.0f64,
            any::<bool>(),
        ),
        MAX_PARAMS,
    )
}

/// Valid values for a random subset of a parameter table.
fn fields_from(params: &[Param], draws: &[Draw]) -> Map<String, Value> {
    assert!(params.len() <= MAX_PARAMS);
    let mut fields = Map::new();
    for (p, &(keep, u, u2, log, flag)) in params.iter().zip(draws) {
        if !keep {
            continue;
        }
        let v = match p.kind {
            Kind::Flag => json!(flag),
            Kind::Number { range, .. } => number(value_in(range, u, log)),
            Kind::Pair { range, .. } => json!([value_in(range, u, log), value_in(range, u2, log)]),
            Kind::Text { .. } => {
                json!(FORMULAS[((u * FORMULAS.len() as f64) as usize).min(FORMULAS.len() - 1)])
            }
            Kind::Choice { choices, nullable } => {
                let k = ((u * (choices.len() + usize::from(nullable)) as f64) as usize)
                    .min(choices.len() + usize::from(nullable) - 1);
                choices.get(k).map_or(Value::Null, |c| json!(c))
            }
            Kind::Integer { nullable: true, .. } if flag => Value::Null,
            Kind::Integer { range, .. } => json!(whole_in(range, u, log)),
            Kind::OptionalNumber { .. } if flag => Value::Null,
            Kind::OptionalNumber { range, .. } => number(value_in(range, u, log)),
            Kind::Tuple { items } => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        if item.nullable && flag {
                            Value::Null
                        } else {
                            number(value_in(item.range, [u, u2][i % 2], log))
                        }
                    })
                    .collect(),
            ),
            Kind::Integers { range, increasing } => {
                let n = (u2 * 4.0) as usize;
                let mut list: Vec<i64> = (0..n)
                    .map(|i| whole_in(range, (u + i as f64 * u2).fract(), log))
                    .collect();
                if increasing {
                    list.sort_unstable();
                    list.dedup();
                }
                json!(list)
            }
            Kind::Scheduler { nullable } => {
                if nullable && flag {
                    Value::Null
                } else {
                    scheduler(seed_of(u, u2), true)
                }
            }
            Kind::Schedulers => Value::Array(
                (0..1 + (u2 * 3.0) as usize)
                    .map(|i| scheduler(seed_of(u, u2) + i as u64, false))
                    .collect(),
            ),
        };
        fields.insert(p.name.to_string(), v);
    }
    fields
}

/// A whole number inside `range`, spread over decades where the range is wide.
fn whole_in(range: Range, u: f64, log: f64) -> i64 {
    let x = value_in(
        Range {
            hi: range.hi.min(1e6),
            ..range
        },
        u,
        log.min(4.0),
    )
    .round();
    if range.contains(x) {
        x as i64
    } else {
        range.lo.max(0.0).ceil() as i64
    }
}

fn seed_of(u: f64, u2: f64) -> u64 {
    u.to_bits() ^ u2.to_bits().rotate_left(17)
}

/// A scheduler object from the registry (a SequentialLR or ChainedScheduler only where
/// `composite`), its fields drawn from `seed`: every required field given.
fn scheduler(seed: u64, composite: bool) -> Value {
    let mut rng = Rng::new(seed);
    let choices: Vec<_> = schedule::REGISTRY
        .iter()
        .filter(|s| {
            composite
                || !matches!(
                    s.name,
                    "SequentialLR" | "ChainedScheduler" | "ReduceLROnPlateau"
                )
        })
        .collect();
    let info = choices[(rng.uniform() * choices.len() as f64) as usize];
    let draws: Vec<Draw> = info
        .params
        .iter()
        .map(|p| {
            (
                p.required || rng.uniform() < 0.5,
                rng.uniform(),
                rng.uniform(),
                -8.0 + 12.0 * rng.uniform(),
                rng.uniform() < 0.5,
            )
        })
        .collect();
    let mut fields = fields_from(info.params, &draws);
    if info.name == "SequentialLR" {
        // As many milestones as torch wants, mostly.
        let n = fields["schedulers"].as_array().map_or(1, Vec::len);
        if rng.uniform() < 0.9 {
            fields.insert(
                "milestones".into(),
                json!((1..n as i64).map(|k| 37 * k).collect::<Vec<_>>()),
            );
        }
    }
    fields.insert("name".into(), json!(info.name));
    Value::Object(fields)
}

/// An external racer: a few given points, any finite coordinates, and perhaps a label and colour.
fn arb_external() -> impl Strategy<Value = Value> {
    let coordinate = prop_oneof![
        select(EXTREMES).prop_map(number),
        (-1e3..1e3f64).prop_map(number),
        (-3i64..3).prop_map(|i| json!(i))
    ];
    (
        prop::collection::vec((coordinate.clone(), coordinate), 1..6),
        prop::option::of(".{0,40}"),
        prop::option::of("#[0-9a-fA-F]{6}"),
    )
        .prop_map(|(points, label, color)| {
            let mut fields = Map::new();
            fields.insert("name".into(), json!("external"));
            fields.insert(
                "trajectory".into(),
                Value::Array(points.into_iter().map(|(x, y)| json!([x, y])).collect()),
            );
            if let Some(l) = label {
                fields.insert("label".into(), json!(l));
            }
            if let Some(c) = color {
                fields.insert("color".into(), json!(c));
            }
            Value::Object(fields)
        })
}

/// A racer: mostly an optimizer, sometimes an external trajectory.
fn arb_racer() -> impl Strategy<Value = Value> {
    prop_oneof![9 => arb_optimizer_racer(), 1 => arb_external()]
}

// Strategies are built once per test, not per case (`prop_flat_map` would rebuild the regex
// strategies for every input, which is slow in debug builds).
fn arb_optimizer_racer() -> impl Strategy<Value = Value> {
    (
        0..optim::REGISTRY.len(),
        arb_draws(),
        prop::option::of(".{0,40}"),
        prop::option::of("#[0-9a-fA-F]{6}"),
        prop::option::of(arb_draws()),
    )
        .prop_map(|(i, draws, label, color, racer)| {
            let info = optim::REGISTRY[i];
            let mut fields = fields_from(info.params, &draws);
            fields.insert("name".into(), json!(info.name));
            if let Some(l) = label {
                fields.insert("label".into(), json!(l));
            }
            if let Some(c) = color {
                fields.insert("color".into(), json!(c));
            }
            if let Some(draws) = racer {
                fields.extend(fields_from(&RACER_PARAMS, &draws));
            }
            Value::Object(fields)
        })
}

fn arb_landscape() -> impl Strategy<Value = Value> {
    (
        0..landscape::REGISTRY.len(),
        arb_draws(),
        prop::option::of(-6.0..6.0f64),
        prop::option::of(-360.0..=360.0f64),
    )
        .prop_map(|(i, draws, log_scale, rotate)| {
            let info = landscape::REGISTRY[i];
            let mut fields = fields_from(info.params, &draws);
            fields.insert("name".into(), json!(info.name));
            if let Some(s) = log_scale {
                fields.insert(SCALE.name.into(), number(powf(10.0, s)));
            }
            if let Some(degrees) = rotate {
                fields.insert("rotate".into(), number(degrees));
            }
            Value::Object(fields)
        })
}

/// A valid spec (rarely not: SGD's nesterov needs momentum > 0 and dampening 0).
fn arb_spec() -> impl Strategy<Value = Value> {
    (
        arb_landscape(),
        prop::collection::vec(arb_racer(), 1..4),
        prop::option::of(0..=MAX_STEPS),
        prop::option::of((-MAX_START..=MAX_START, -MAX_START..=MAX_START)),
        prop::option::of(1..=MAX_SPEED),
        prop::option::of((-1e3..1e3f64, 1e-3..1e3f64, -1e3..1e3f64, 1e-3..1e3f64)),
    )
        .prop_map(|(landscape, racers, steps, start, speed, view)| {
            let mut spec = json!({"landscape": landscape, "racers": racers});
            if let Some(s) = steps {
                spec["steps"] = json!(s);
            }
            if let Some((x, y)) = start {
                spec["start"] = json!([x, y]);
            }
            if let Some(s) = speed {
                spec["speed"] = json!(s);
            }
            if let Some((x0, w, y0, h)) = view {
                spec["view"] = json!({"x": [x0, x0 + w], "y": [y0, y0 + h]});
            }
            spec
        })
}

// --- mutations ---------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Mutation {
    Drop,
    Rename(String),
    Replace(Value),
    AddField(String, Value),
    /// The value nested this deep in arrays (or objects).
    Deep(usize, bool),
    /// An array of this many copies of the value.
    Huge(usize),
    /// A string of about 60 KB (two-byte characters).
    LongString,
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => Just(Mutation::Drop),
        6 => arb_string().prop_map(Mutation::Rename),
        6 => arb_json().prop_map(Mutation::Replace),
        6 => arb_number().prop_map(Mutation::Replace),
        4 => (arb_string(), arb_json()).prop_map(|(k, v)| Mutation::AddField(k, v)),
        1 => (select(vec![127usize, 128, 129, 200]), any::<bool>()).prop_map(|(n, o)| Mutation::Deep(n, o)),
        1 => select(vec![2usize, 33, 1000, 20_000, 40_000]).prop_map(Mutation::Huge),
        1 => Just(Mutation::LongString),
    ]
}

/// Changes to the text itself, after the JSON mutation.
#[derive(Clone, Debug)]
enum TextMutation {
    None,
    /// A key repeated: `{"k": v, ...` becomes `{"k": v, "k": v, ...`, at the n-th object.
    Duplicate(Index),
    Truncate(Index),
    Insert(Index, char),
    /// A number literal JSON values cannot hold.
    Literal(Index, &'static str),
    Trailing(&'static str),
}

fn arb_text_mutation() -> impl Strategy<Value = TextMutation> {
    prop_oneof![
        8 => Just(TextMutation::None),
        2 => any::<Index>().prop_map(TextMutation::Duplicate),
        1 => any::<Index>().prop_map(TextMutation::Truncate),
        1 => (any::<Index>(), any::<char>()).prop_map(|(i, c)| TextMutation::Insert(i, c)),
        1 => (any::<Index>(), select(vec!["1e309", "-1e400", "NaN", "Infinity", "-0", "1e-400", "0x10", "01", "1.", ".5", "+1", "18446744073709551616"]))
            .prop_map(|(i, s)| TextMutation::Literal(i, s)),
        1 => select(vec![" x", "{}", " \n\t ", ",", "]"]).prop_map(TextMutation::Trailing),
    ]
}

/// JSON pointers to every value in `v`.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(
                    c,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn apply(spec: &mut Value, at: &str, m: Mutation) {
    let (parent, token) = match at.rfind('/') {
        Some(i) => (&at[..i], at[i + 1..].replace("~1", "/").replace("~0", "~")),
        None => ("", String::new()),
    };
    match m {
        Mutation::Drop | Mutation::Rename(_) if !at.is_empty() => {
            let parent = spec.pointer_mut(parent).unwrap();
            match parent {
                Value::Object(o) => {
                    let v = o.remove(&token).unwrap();
                    if let Mutation::Rename(k) = m {
                        o.insert(k, v);
                    }
                }
                Value::Array(a) => {
                    a.remove(token.parse::<usize>().unwrap());
                }
                _ => unreachable!(),
            }
        }
        Mutation::Drop | Mutation::Rename(_) => *spec = Value::Null,
        Mutation::Replace(v) => *spec.pointer_mut(at).unwrap() = v,
        Mutation::AddField(k, v) => match spec.pointer_mut(at).unwrap() {
            Value::Object(o) => {
                o.insert(k, v);
            }
            other => *other = json!({ k: v }),
        },
        Mutation::Deep(n, objects) => {
            let slot = spec.pointer_mut(at).unwrap();
            let mut v = slot.take();
            for _ in 0..n {
                v = if objects {
                    json!({"name": v})
                } else {
                    json!([v])
                };
            }
            *slot = v;
        }
        Mutation::Huge(n) => {
            let slot = spec.pointer_mut(at).unwrap();
            // At most ~70 KB of text: past that a huge array only costs time (the size limit
            // has tests of its own below).
            let n = n.min(70_000 / (slot.to_string().len() + 1)).max(2);
            *slot = Value::Array(vec![slot.take(); n]);
        }
        Mutation::LongString => *spec.pointer_mut(at).unwrap() = Value::String("é".repeat(30_000)),
    }
}

/// The characters of JSON `text` outside its strings, with their byte offsets: a string's
/// opening quote is yielded, its contents and closing quote are not.
fn outside_strings(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let (mut in_str, mut escaped) = (false, false);
    text.char_indices().filter(move |&(_, c)| {
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            false
        } else {
            in_str = c == '"';
            true
        }
    })
}

/// Where objects with a first key start: a `{` outside any string, followed by `"`.
fn object_starts(text: &str) -> Vec<usize> {
    outside_strings(text)
        .filter(|&(i, c)| c == '{' && text[i + 1..].starts_with('"'))
        .map(|(i, _)| i)
        .collect()
}

fn apply_text(mut text: String, m: TextMutation) -> String {
    let boundary = |text: &str, i: &Index| {
        let mut at = i.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    match m {
        TextMutation::None => {}
        TextMutation::Duplicate(i) => {
            let starts = object_starts(&text);
            if !starts.is_empty() {
                let s = starts[i.index(starts.len())] + 1;
                // The first member: up to the first top-level comma or the closing brace.
                let mut depth = 0i32;
                let mut end = None;
                for (j, c) in outside_strings(&text[s..]) {
                    match c {
                        '{' | '[' => depth += 1,
                        '}' | ']' if depth == 0 => {
                            end = Some(s + j);
                            break;
                        }
                        '}' | ']' => depth -= 1,
                        ',' if depth == 0 => {
                            end = Some(s + j);
                            break;
                        }
                        _ => {}
                    }
                }
                if let Some(e) = end {
                    let member = text[s..e].to_string();
                    text.insert_str(s, &format!("{member},"));
                }
            }
        }
        TextMutation::Truncate(i) => {
            let at = boundary(&text, &i);
            text.truncate(at);
        }
        TextMutation::Insert(i, c) => {
            let at = boundary(&text, &i);
            text.insert(at, c);
        }
        TextMutation::Literal(i, lit) => {
            // Replace the n-th number literal.
            let numbers: Vec<(usize, usize)> = {
                let bytes = text.as_bytes();
                let mut out = Vec::new();
                let mut j = 0;
                let mut in_str = false;
                while j < bytes.len() {
                    let b = bytes[j];
                    if in_str {
                        if b == b'\\' {
                            j += 1;
                        } else if b == b'"' {
                            in_str = false;
                        }
                    } else if b == b'"' {
                        in_str = true;
                    } else if b == b'-' || b.is_ascii_digit() {
                        let start = j;
                        while j < bytes.len()
                            && (bytes[j].is_ascii_digit() || b"+-.eE".contains(&bytes[j]))
                        {
                            j += 1;
                        }
                        out.push((start, j));
                        continue;
                    }
                    j += 1;
                }
                out
            };
            if !numbers.is_empty() {
                let (a, b) = numbers[i.index(numbers.len())];
                text.replace_range(a..b, lit);
            }
        }
        TextMutation::Trailing(t) => text.push_str(t),
    }
    text
}

// --- the properties ----------------------------------------------------------------------------

/// Cases per property: 115,000 inputs in all with `cargo test --release` (about 10 s of CPU).
/// Unoptimized builds generate and parse some 15 times slower, so plain `cargo test` runs a
/// quarter of them.
const fn cases(n: u32) -> u32 {
    if cfg!(debug_assertions) {
        n / 4
    } else {
        n
    }
}

proptest! {
    #![proptest_config(common::seed::config(cases(15_000)))]

    /// (a) Arbitrary strings.
    #[test]
    fn arbitrary_strings(text in any::<String>()) {
        check(&text)?;
    }

    /// (a) Strings over JSON's own alphabet, which get further into the parser.
    #[test]
    fn json_alphabet_strings(text in "[\\[\\]{}\":, 0-9a-z._eE+\\-\\\\n]{0,120}") {
        check(&text)?;
    }

    /// (b) Arbitrary JSON values, at the top and as the landscape or a racer.
    #[test]
    fn arbitrary_json(v in arb_json(), racer in arb_json(), l in arb_json()) {
        check(&v.to_string())?;
        check(&json!({"landscape": l, "racers": [racer]}).to_string())?;
    }

    /// Specs whose every field is valid are accepted, or refused by a rule between fields (which
    /// names it), and round-trip.
    #[test]
    fn valid_specs_round_trip(spec in arb_spec()) {
        let text = spec.to_string();
        let nesterov_without_momentum = spec["racers"].as_array().unwrap().iter().any(|r| {
            r["name"] == "sgd" && r["nesterov"] == true && !(r["momentum"].as_f64().unwrap_or(0.0) > 0.0 && r["dampening"].as_f64().unwrap_or(0.0) == 0.0)
        });
        match RunSpec::parse(&text) {
            Ok(_) => prop_assert!(!nesterov_without_momentum),
            Err(e) => prop_assert!(CROSS_FIELD.iter().any(|rule| e.contains(rule)), "{e}: {text}"),
        }
        check(&text)?;
    }
}

proptest! {
    #![proptest_config(common::seed::config(cases(40_000)))]

    /// (c) Mutations of valid specs.
    #[test]
    fn mutated_specs(spec in arb_spec(), at in any::<Index>(), m in arb_mutation(), t in arb_text_mutation()) {
        let mut spec = spec;
        let mut all = Vec::new();
        pointers(&spec, String::new(), &mut all);
        let at = &all[at.index(all.len())];
        apply(&mut spec, at, m);
        let text = apply_text(spec.to_string(), t);
        check(&text)?;
    }
}

/// The checks of `check` for a training spec: one non-empty line with a reason, or a spec that
/// round-trips through `to_json()`.
fn check_train(text: &str) -> Result<(), TestCaseError> {
    match TrainSpec::parse(text) {
        Err(e) => {
            prop_assert!(!e.trim().is_empty(), "empty error for {:?}", preview(text));
            prop_assert!(
                !e.contains('\n') && !e.contains('\r'),
                "error is not one line: {e:?}"
            );
            prop_assert!(
                !e.chars().any(char::is_control),
                "control character in {e:?}"
            );
            prop_assert!(
                REASONS.iter().any(|r| e.contains(r)),
                "error gives no reason: {e:?} for {:?}",
                preview(text)
            );
        }
        Ok(spec) => {
            let again = TrainSpec::parse(&spec.to_json());
            prop_assert_eq!(
                again.as_ref(),
                Ok(&spec),
                "round trip of {}",
                spec.to_json()
            );
        }
    }
    Ok(())
}

/// A valid training spec, built from valid run-spec racers (Newton aside: it needs a Hessian).
fn arb_train_spec() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(arb_optimizer_racer(), 1..4),
        prop::option::of(select(vec!["raw", "standardize"])),
        prop::option::of(-3.0..3.0f64),
        prop::option::of(1u32..=3),
        any::<bool>(),
    )
        .prop_map(|(racers, transform, log_scale, epochs, own_input)| {
            // Newton needs a Hessian; the racers refused by a rule between fields and the
            // schedulers that limit the steps are valid_specs_round_trip's.
            let valid = |r: &Value| {
                RunSpec::parse(
                    &json!({"landscape": {"name": "quadratic"}, "steps": 1, "racers": [r]})
                        .to_string(),
                )
                .is_ok()
            };
            let mut racers: Vec<Value> = racers
                .into_iter()
                .filter(|r| r["name"] != "newton" && valid(r))
                .map(|mut r| {
                    r.as_object_mut().unwrap().remove("lr_scheduler");
                    r
                })
                .collect();
            if racers.is_empty() {
                racers.push(json!({"name": "adam"}));
            }
            let mut input = Map::new();
            if let Some(t) = transform {
                input.insert("transform".into(), json!(t));
            }
            if let Some(l) = log_scale {
                input.insert("scale".into(), number(powf(10.0, l)));
            }
            if own_input {
                racers[0]["input"] = Value::Object(input.clone());
            }
            let mut spec = json!({"model": "linear", "racers": racers, "input": input});
            if let Some(e) = epochs {
                spec["epochs"] = json!(e);
            }
            spec
        })
}

proptest! {
    #![proptest_config(common::seed::config(cases(5_000)))]

    /// Any key repeated, at any depth, is an error naming it: never the last value silently.
    #[test]
    fn a_repeated_key_is_always_an_error(spec in arb_spec(), at in any::<Index>()) {
        let text = spec.to_string();
        // Valid before (an invalid spec may fail on another field first).
        prop_assume!(RunSpec::parse(&text).is_ok());
        let repeated = apply_text(text.clone(), TextMutation::Duplicate(at));
        // Still JSON, and changed.
        prop_assume!(repeated != text && serde_json::from_str::<Value>(&repeated).is_ok());
        let e = RunSpec::parse(&repeated);
        prop_assert!(matches!(&e, Err(e) if e.contains("duplicate field `")), "{repeated}: {e:?}");
        check(&repeated)?;
    }

    /// Training specs: arbitrary strings, valid specs, and mutations of them.
    #[test]
    fn training_specs(text in any::<String>(), spec in arb_train_spec(), at in any::<Index>(), m in arb_mutation(), t in arb_text_mutation()) {
        check_train(&text)?;
        let valid = spec.to_string();
        prop_assert!(TrainSpec::parse(&valid).is_ok(), "{valid}: {:?}", TrainSpec::parse(&valid));
        check_train(&valid)?;
        let mut spec = spec;
        let mut all = Vec::new();
        pointers(&spec, String::new(), &mut all);
        let at = &all[at.index(all.len())];
        apply(&mut spec, at, m);
        check_train(&apply_text(spec.to_string(), t))?;
    }
}

// --- deterministic limits --------------------------------------------------------------------

/// Every message the formula parser gives (one formula for each, as in src/landscape/expr.rs's
/// own tests) passes `check` as a custom landscape's `f`.
#[test]
fn every_formula_error_gives_a_reason() {
    let deep = format!("{}x{}", "(".repeat(60), ")".repeat(60));
    let long = "x+".repeat(200);
    let formulas = [
        "",
        "   ",
        "x +",
        "x^2 + 3 y^2^",
        "x + * y",
        "(x + y",
        "x + y)",
        "z^2",
        "sinn(x)",
        "sin x",
        "atan(x, y)",
        "x # y",
        "x\u{1b}",
        "1.2.3",
        "1/0",
        &deep,
        &long,
    ];
    for f in formulas {
        let text = json!({"landscape": {"name": "custom", "f": f}, "racers": [{"name": "sgd"}]})
            .to_string();
        assert!(RunSpec::parse(&text).is_err(), "{f:?} parses");
        if let Err(e) = check(&text) {
            panic!("{f:?}: {e}");
        }
    }
}

const BASE: &str = r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam"}]}"#;

fn with(field: &str, value: Value) -> String {
    let mut v: Value = serde_json::from_str(BASE).unwrap();
    v[field] = value;
    v.to_string()
}

fn err(text: &str) -> String {
    let e = RunSpec::parse(text).expect_err(text);
    assert!(!e.contains('\n'), "{e}");
    e
}

#[test]
fn specs_over_the_size_limit_are_rejected() {
    let pad = |n: usize| format!("{BASE}{}", " ".repeat(n - BASE.len()));
    assert!(
        RunSpec::parse(&pad(MAX_SPEC_BYTES)).is_ok(),
        "exactly the limit is accepted"
    );
    let e = err(&pad(MAX_SPEC_BYTES + 1));
    assert!(
        e.contains(&format!("{} bytes", MAX_SPEC_BYTES + 1))
            && e.contains(&MAX_SPEC_BYTES.to_string()),
        "{e}"
    );
    let e = err(&"x".repeat(10 * MAX_SPEC_BYTES));
    assert!(e.contains(&format!("at most {MAX_SPEC_BYTES}")), "{e}");
    // The size counts bytes, not characters.
    let label = "é".repeat(MAX_SPEC_BYTES / 2);
    let e = err(&format!(
        r#"{{"landscape": {{"name": "rosenbrock"}}, "racers": [{{"name": "adam", "label": "{label}"}}]}}"#
    ));
    assert!(e.contains("bytes"), "{e}");
}

#[test]
fn steps_over_the_limit_are_rejected() {
    assert_eq!(
        RunSpec::parse(&with("steps", json!(MAX_STEPS)))
            .unwrap()
            .steps,
        MAX_STEPS
    );
    assert_eq!(RunSpec::parse(&with("steps", json!(0))).unwrap().steps, 0);
    assert_eq!(RunSpec::parse(BASE).unwrap().steps, 500, "the default");
    assert!(err(&with("steps", json!(MAX_STEPS + 1))).contains(&format!(
        "steps: at most {MAX_STEPS}, got {}",
        MAX_STEPS + 1
    )));
    assert!(err(&with("steps", json!(u64::MAX))).contains("steps: at most"));
    let e = err(&BASE.replace(
        "{\"landscape\"",
        "{\"steps\": 18446744073709551616, \"landscape\"",
    ));
    assert!(e.starts_with("steps"), "{e}");
    for bad in [
        json!(-1),
        json!(1.5),
        json!("500"),
        json!(null),
        json!([500]),
    ] {
        assert!(
            err(&with("steps", bad.clone())).starts_with("steps"),
            "{bad}"
        );
    }
}

#[test]
fn other_limits() {
    let racers = |n: usize| with("racers", Value::Array(vec![json!({"name": "sgd"}); n]));
    assert!(RunSpec::parse(&racers(MAX_RACERS)).is_ok());
    assert!(err(&racers(MAX_RACERS + 1)).contains("racers: at most 32, got 33"));
    assert!(err(&racers(0)).contains("at least one racer"));
    let label = |s: &str| with("racers", json!([{"name": "sgd", "label": s}]));
    assert!(
        RunSpec::parse(&label(&"🦀".repeat(MAX_LABEL))).is_ok(),
        "the limit counts characters"
    );
    assert!(err(&label(&"🦀".repeat(MAX_LABEL + 1))).contains("`label` is longer than 40"));
    assert!(RunSpec::parse(&with("start", json!([MAX_START, -MAX_START]))).is_ok());
    for bad in [
        json!([MAX_START * (1.0 + f64::EPSILON), 0.0]),
        json!([0.0, 1e300]),
        json!([0.0]),
        json!([0.0, 0.0, 0.0]),
        json!("origin"),
    ] {
        assert!(
            err(&with("start", bad.clone())).starts_with("start"),
            "{bad}"
        );
    }
    assert!(err(&with("speed", json!(0))).starts_with("speed"));
    assert!(err(&with("speed", json!(MAX_SPEED + 1))).starts_with("speed"));
    assert!(err(&with("view", json!({"x": [1, 0], "y": [0, 1]}))).contains("view.x"));
    assert!(err(&with("view", json!({"x": [0, 1], "y": [0, 1e10]}))).contains("view.y"));
}

#[test]
fn extreme_numbers_are_kept_exactly_or_rejected() {
    for x in [1e308, f64::MAX, 5e-324, -0.0, 0.0, f64::MIN_POSITIVE] {
        let text = with("racers", json!([{"name": "adam", "weight_decay": x}]));
        let spec = RunSpec::parse(&text).unwrap();
        let got = spec.racers[0].hyper.num("weight_decay");
        assert_eq!(got.to_bits(), x.to_bits(), "{x:e}");
        assert_eq!(
            RunSpec::parse(&spec.to_json()).unwrap().racers[0]
                .hyper
                .num("weight_decay")
                .to_bits(),
            x.to_bits()
        );
    }
    for lit in ["1e309", "NaN", "Infinity", "-Infinity", "1e400"] {
        let text = format!(
            r#"{{"landscape": {{"name": "rosenbrock"}}, "racers": [{{"name": "adam", "lr": {lit}}}]}}"#
        );
        let e = err(&text);
        assert!(
            e.starts_with("racers[0]")
                || e.contains("expected value")
                || e.contains("out of range"),
            "{lit}: {e}"
        );
    }
    assert!(
        err(&with("racers", json!([{"name": "adam", "lr": -5e-324}])))
            .contains("`lr` must be in [0, inf)")
    );
    assert!(err(&with(
        "landscape",
        json!({"name": "rosenbrock", "scale": 0.0})
    ))
    .contains("`scale` must be in (0, inf)"));
    assert!(err(&with(
        "landscape",
        json!({"name": "rosenbrock", "scale": -0.0})
    ))
    .contains("`scale`"));
}

/// A name from the input is quoted in the error: control characters in it are escaped, so the
/// error stays one line and cannot drive a terminal.
#[test]
fn control_characters_in_names_are_escaped() {
    for (text, needle) in [
        (
            with("racers", json!([{"name": "ad\nam"}])),
            "unknown optimizer `ad\\nam`",
        ),
        (
            with("landscape", json!({"name": "rosen\r\nbrock"})),
            "unknown landscape `rosen\\r\\nbrock`",
        ),
        (
            with("racers", json!([{"name": "adam", "be\nta": 1}])),
            "unknown field `be\\nta` for adam",
        ),
        (
            with("landscape", json!({"name": "saddle", "x\ny": 1})),
            "unknown field `x\\ny`",
        ),
        (with("st\neps", json!(1)), "unknown field `st\\neps`"),
        (
            with("view", json!({"x\u{1b}[31m": [0, 1]})),
            "unknown field `x\\u{1b}[31m`",
        ),
    ] {
        let e = err(&text);
        assert!(e.contains(needle), "{e}");
        assert!(!e.chars().any(char::is_control), "{e:?}");
    }
}

#[test]
fn anything_after_the_spec_is_an_error() {
    assert!(
        RunSpec::parse(&format!(" \n{BASE}\n\t ")).is_ok(),
        "whitespace is fine"
    );
    for tail in ["x", "{}", BASE, ",", "]", "// comment"] {
        let e = err(&format!("{BASE}{tail}"));
        assert!(e.contains("trailing characters"), "{tail}: {e}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [200, 1000, 20_000] {
        let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        err(&deep);
        err(&with("start", json!(null)).replace("null", &deep));
        let e = err(&format!(
            r#"{{"landscape": {{"name": "rosenbrock", "a": {deep}}}, "racers": [{{"name": "adam"}}]}}"#
        ));
        assert!(e.contains("recursion limit"), "{e}");
        let e = err(&format!(
            r#"{{"landscape": {{"name": "rosenbrock"}}, "racers": [{{"name": "adam", "lr": {deep}}}]}}"#
        ));
        assert!(e.contains("recursion limit"), "{e}");
    }
}

#[test]
fn a_key_given_twice_is_an_error_naming_it() {
    for (text, needle) in [
        (
            r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam", "lr": 0.1, "lr": 0.2}]}"#,
            "racers[0]: duplicate field `lr`",
        ),
        (
            r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam"}], "racers": [{"name": "sgd"}]}"#,
            "duplicate field `racers`",
        ),
        (
            r#"{"landscape": {"name": "rosenbrock", "name": "beale"}, "racers": [{"name": "adam"}]}"#,
            "landscape: duplicate field `name`",
        ),
        (
            r#"{"landscape": {"name": "rosenbrock", "scale": 2, "scale": 3}, "racers": [{"name": "adam"}]}"#,
            "landscape: duplicate field `scale`",
        ),
        (
            r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "sgd", "label": "a", "label": "b"}]}"#,
            "duplicate field `label`",
        ),
        (
            r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam"}], "view": {"x": [0, 1], "x": [0, 2], "y": [0, 1]}}"#,
            "view: duplicate field `x`",
        ),
        (
            r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam", "betas": {"a": 1, "a": 2}}]}"#,
            "duplicate field `a`",
        ),
        (
            r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam", "b\nx": 1, "b\nx": 2}]}"#,
            "duplicate field `b\\nx`",
        ),
    ] {
        let e = err(text);
        assert!(e.contains(needle), "{text}\n  gave: {e}");
        assert!(!e.chars().any(char::is_control), "{e:?}");
    }
}

#[test]
fn a_list_where_an_object_belongs_is_an_error() {
    for (text, needle) in [
        // The fields in order, which serde's derived structs would take.
        (
            r#"[{"name": "rosenbrock"}, null, 500, [{"name": "adam"}], null, null]"#,
            "expected an object",
        ),
        (
            r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam"}], "view": [[0, 1], [0, 1]]}"#,
            "view: invalid type: sequence, expected an object",
        ),
        (
            r#"{"landscape": ["rosenbrock"], "racers": [{"name": "adam"}]}"#,
            "landscape",
        ),
        (
            r#"{"landscape": {"name": "rosenbrock"}, "racers": [["adam"]]}"#,
            "racers[0]",
        ),
    ] {
        let e = err(text);
        assert!(e.contains(needle), "{text}\n  gave: {e}");
    }
    assert!(
        RunSpec::parse(&with("view", json!(null)))
            .unwrap()
            .view
            .is_none(),
        "null still means the default view"
    );
}

fn train_err(text: &str) -> String {
    let e = TrainSpec::parse(text).expect_err(text);
    assert!(!e.contains('\n'), "{e}");
    e
}

/// The training spec goes through the very same document rules as the run spec.
#[test]
fn training_specs_follow_the_same_rules() {
    const TRAIN: &str = r#"{"model": "linear", "racers": [{"name": "adam"}]}"#;
    assert!(TrainSpec::parse(TRAIN).is_ok());
    for (text, needle) in [
        (
            r#"{"model": "linear", "racers": [{"name": "adam", "lr": 0.1, "lr": 0.2}]}"#,
            "racers[0]: duplicate field `lr`",
        ),
        (
            r#"{"model": "linear", "model": "mlp", "racers": [{"name": "adam"}]}"#,
            "duplicate field `model`",
        ),
        (
            r#"{"model": "linear", "input": {"scale": 2, "scale": 3}, "racers": [{"name": "adam"}]}"#,
            "input: duplicate field `scale`",
        ),
        (
            r#"{"model": "linear", "racers": [{"name": "adam", "input": {}, "input": {}}]}"#,
            "duplicate field `input`",
        ),
        (
            r#"["digits", "linear", 15, 1, 0, {}, [{"name": "adam"}]]"#,
            "expected an object",
        ),
        (
            r#"{"model": "linear", "input": ["standardize", 2.0], "racers": [{"name": "adam"}]}"#,
            "input: invalid type: sequence, expected an object",
        ),
        (
            r#"{"model": "linear", "racers": [{"name": "adam", "input": ["raw", 2.0]}]}"#,
            "expected an object",
        ),
        (
            r#"{"model": "linear", "racers": [{"name": "adam"}]} x"#,
            "trailing characters",
        ),
        (
            r#"{"model": "linear", "racers": [{"name": "ad\u001bam"}]}"#,
            "unknown optimizer `ad\\u{1b}am`",
        ),
        (
            r#"{"model": "linear", "racers": [{"name": "adam", "be\nta": 1}]}"#,
            "racers[0]: unknown field `be\\nta`",
        ),
        (
            r#"{"model": "linear", "epochs": "many", "racers": [{"name": "adam"}]}"#,
            "epochs: invalid type",
        ),
    ] {
        let e = train_err(text);
        assert!(e.contains(needle), "{text}\n  gave: {e}");
        assert!(!e.chars().any(char::is_control), "{e:?}");
    }
    let pad = |n: usize| format!("{TRAIN}{}", " ".repeat(n - TRAIN.len()));
    assert!(
        TrainSpec::parse(&pad(MAX_SPEC_BYTES)).is_ok(),
        "exactly the limit is accepted"
    );
    let e = train_err(&pad(MAX_SPEC_BYTES + 1));
    assert!(
        e.contains(&format!("{} bytes", MAX_SPEC_BYTES + 1))
            && e.contains(&format!("at most {MAX_SPEC_BYTES}")),
        "{e}"
    );
    // Identical messages for identical mistakes, placed by their path alone.
    let run =
        err(r#"{"landscape": {"name": "rosenbrock"}, "racers": [{"name": "adam", "lr": -1}]}"#);
    let train = train_err(r#"{"model": "linear", "racers": [{"name": "adam", "lr": -1}]}"#);
    assert_eq!(run, train);
    assert_eq!(run, "racers[0]: `lr` must be in [0, inf), got -1");
}

/// Bytes read up to one past the limit, cut inside a character, are "too long", not "not UTF-8".
#[test]
fn spec_bytes_over_the_limit_cut_inside_a_character() {
    let text = format!(r#"{{"a":"{}"}}"#, "é".repeat(MAX_SPEC_BYTES));
    let cut = &text.as_bytes()[..MAX_SPEC_BYTES + 1];
    assert!(
        std::str::from_utf8(cut).is_err(),
        "the cut is inside a character"
    );
    let e = spec_text(cut).unwrap_err();
    assert!(
        e.contains(&format!("more than {MAX_SPEC_BYTES} bytes"))
            && e.contains(&format!("at most {MAX_SPEC_BYTES}")),
        "{e}"
    );
    assert_eq!(spec_text(BASE.as_bytes()), Ok(BASE));
    let e = spec_text(b"{\"a\": \"\xff\"}").unwrap_err();
    assert!(e.contains("not UTF-8") && e.contains("offset 7"), "{e}");
}

#[test]
fn braces_inside_labels_are_not_object_starts() {
    // The shrunk failure that once passed as a "repeated key": a label `{` looked like an object.
    let text = r#"{"landscape":{"name":"rosenbrock"},"racers":[{"label":"{","name":"sgd"},{"label":"}\"{","name":"sgd"}],"view":{"x":[0.0,0.001],"y":[0.0,0.001]}}"#;
    let starts = object_starts(text);
    let expected: Vec<usize> = [
        r#"{"landscape""#,
        r#"{"name":"rosenbrock"}"#,
        r#"{"label":"{""#,
        r#"{"label":"}"#,
        r#"{"x""#,
    ]
    .iter()
    .map(|needle| text.find(needle).unwrap())
    .collect();
    assert_eq!(starts, expected);
}
