//! Hyperparameter descriptions and their validation.
//!
//! Every optimizer and landscape declares its parameters once, as a table of [`Param`]s: name
//! (spelled as torch.optim spells it), default, the range of valid values, and a hint for the
//! page's slider. The same table validates a run spec, prints `optiscape list`, and builds the
//! page's controls, so a new optimizer needs no parser or UI code.

use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::borrow::Cow;
use std::fmt;

/// A validated hyperparameter value.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Flag(bool),
    Number(f64),
    Pair([f64; 2]),
    /// A formula typed by the user (a `static` text for a table's default).
    Text(Cow<'static, str>),
    /// One of a parameter's named choices; `None` is JSON `null` (torch's `None`).
    Choice(Option<&'static str>),
    /// A whole number (torch's `int` arguments).
    Int(i64),
    /// JSON `null`: torch's `None`, or a field that is off (no clipping, no scheduler).
    Null,
    /// A fixed number of numbers, some items possibly `null` (Adafactor's `eps`).
    Tuple(Cow<'static, [Option<f64>]>),
    /// A list of whole numbers (MultiStepLR's `milestones`).
    Ints(Cow<'static, [i64]>),
    /// A learning-rate scheduler: its class name and arguments.
    Scheduler(Box<Named>),
    /// A list of schedulers (SequentialLR's `schedulers`).
    Schedulers(Vec<Named>),
}

/// One table chosen by name with its values: a scheduler `{"name": "StepLR", "step_size": 30}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Named {
    pub name: &'static str,
    pub hyper: Hyper,
}

impl Named {
    pub fn to_json(&self) -> Json {
        let mut fields = Map::new();
        fields.insert("name".into(), Json::String(self.name.into()));
        fields.extend(self.hyper.to_fields());
        Json::Object(fields)
    }
}

impl Serialize for Named {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl Value {
    fn to_json(&self) -> Json {
        match self {
            Value::Flag(b) => Json::Bool(*b),
            Value::Number(x) => number(*x),
            Value::Pair([a, b]) => Json::Array(vec![number(*a), number(*b)]),
            Value::Text(t) => Json::String(t.to_string()),
            Value::Choice(c) => c.map_or(Json::Null, |c| Json::String(c.to_string())),
            Value::Int(i) => Json::from(*i),
            Value::Null => Json::Null,
            Value::Tuple(items) => {
                Json::Array(items.iter().map(|x| x.map_or(Json::Null, number)).collect())
            }
            Value::Ints(items) => Json::Array(items.iter().map(|&i| Json::from(i)).collect()),
            Value::Scheduler(n) => n.to_json(),
            Value::Schedulers(list) => Json::Array(list.iter().map(Named::to_json).collect()),
        }
    }
}

fn number(x: f64) -> Json {
    serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
}

/// How one kind of text writes a [`Value`]'s leaves (Python literals, words for people);
/// [`Value::written`] puts pairs, tuples and lists together from them the same way for each.
pub trait Dialect {
    /// A null, or a missing item of a tuple.
    const NONE: &'static str;
    fn flag(b: bool) -> String;
    fn number(x: f64) -> String;
    /// A formula or a named choice.
    fn text(t: &str) -> String;
    fn scheduler(n: &Named) -> String;
    fn schedulers(list: &[Named]) -> String;
}

impl Value {
    /// The value in dialect `D`: "(0.9, 0.999)", "(None, 0.001)", "[30, 80]".
    pub fn written<D: Dialect>(&self) -> String {
        let joined = |items: Vec<String>| items.join(", ");
        match self {
            Value::Flag(b) => D::flag(*b),
            Value::Number(x) => D::number(*x),
            Value::Pair([a, b]) => format!("({}, {})", D::number(*a), D::number(*b)),
            Value::Text(t) => D::text(t),
            Value::Choice(c) => c.map_or(D::NONE.into(), D::text),
            Value::Int(i) => i.to_string(),
            Value::Null => D::NONE.into(),
            Value::Tuple(items) => {
                let item = |x: &Option<f64>| x.map_or(D::NONE.into(), D::number);
                format!("({})", joined(items.iter().map(item).collect()))
            }
            Value::Ints(items) => {
                format!("[{}]", joined(items.iter().map(i64::to_string).collect()))
            }
            Value::Scheduler(n) => D::scheduler(n),
            Value::Schedulers(list) => D::schedulers(list),
        }
    }
}

/// An interval of valid numbers, each end open or closed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Range {
    pub lo: f64,
    pub lo_open: bool,
    pub hi: f64,
    pub hi_open: bool,
}

impl Range {
    /// `[0, inf)`
    pub const NON_NEGATIVE: Range = Range {
        lo: 0.0,
        lo_open: false,
        hi: f64::INFINITY,
        hi_open: true,
    };
    /// `(0, inf)`
    pub const POSITIVE: Range = Range {
        lo: 0.0,
        lo_open: true,
        hi: f64::INFINITY,
        hi_open: true,
    };
    /// `[0, 1)`, the range of torch's betas.
    pub const UNIT_OPEN: Range = Range {
        lo: 0.0,
        lo_open: false,
        hi: 1.0,
        hi_open: true,
    };
    /// `[0, 1]`
    pub const UNIT: Range = Range {
        lo: 0.0,
        lo_open: false,
        hi: 1.0,
        hi_open: false,
    };
    /// Every finite number.
    pub const ANY: Range = Range {
        lo: f64::NEG_INFINITY,
        lo_open: true,
        hi: f64::INFINITY,
        hi_open: true,
    };

    pub const fn closed(lo: f64, hi: f64) -> Range {
        Range {
            lo,
            lo_open: false,
            hi,
            hi_open: false,
        }
    }

    pub fn contains(&self, x: f64) -> bool {
        x.is_finite()
            && (if self.lo_open {
                x > self.lo
            } else {
                x >= self.lo
            })
            && (if self.hi_open {
                x < self.hi
            } else {
                x <= self.hi
            })
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lo = if self.lo.is_infinite() {
            "-inf".to_string()
        } else {
            fmt_num(self.lo)
        };
        let hi = if self.hi.is_infinite() {
            "inf".to_string()
        } else {
            fmt_num(self.hi)
        };
        write!(
            f,
            "{}{}, {}{}",
            if self.lo_open { '(' } else { '[' },
            lo,
            hi,
            if self.hi_open { ')' } else { ']' }
        )
    }
}

fn fmt_num(x: f64) -> String {
    let s = format!("{x}");
    if s.len() > 8 {
        format!("{x:e}")
    } else {
        s
    }
}

/// How the page's slider spaces its positions over its values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Spacing {
    Linear,
    /// Evenly spaced in log10(value).
    Log,
    /// Evenly spaced in log10(1 - value): reaches 0.9999 with resolution (betas, alpha, rho).
    OneMinusLog,
}

/// The page's slider for a number: its ends and how its positions are spaced. Typed values may
/// leave it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Slider {
    pub min: f64,
    pub max: f64,
    pub spacing: Spacing,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kind {
    Number {
        range: Range,
        slider: Slider,
    },
    /// Two numbers in one field, as torch's `betas`.
    Pair {
        range: Range,
        slider: Slider,
    },
    Flag,
    /// Text of at most `max_chars` characters, checked by the parameter's `check`.
    Text {
        max_chars: usize,
    },
    /// One name from a fixed list (as torch's string options), or `null` where `nullable`.
    Choice {
        choices: &'static [&'static str],
        nullable: bool,
    },
    /// A whole number in `range` (torch's `int` arguments), or `null` where `nullable` (torch's
    /// `None`, whose meaning the parameter's doc gives).
    Integer {
        range: Range,
        slider: Slider,
        nullable: bool,
    },
    /// A number in `range`, or `null` (off).
    OptionalNumber {
        range: Range,
        slider: Slider,
    },
    /// A fixed number of numbers, one per item (an item's `nullable` allows `null` there).
    Tuple {
        items: &'static [Item],
    },
    /// A list of at most [`MAX_LIST`] whole numbers in `range`, strictly increasing where
    /// `increasing` (torch's milestones).
    Integers {
        range: Range,
        increasing: bool,
    },
    /// A learning-rate scheduler, `{"name": <torch.optim.lr_scheduler class>, <its arguments>}`
    /// (the catalog's `schedulers` lists them), or `null` where `nullable`.
    Scheduler {
        nullable: bool,
    },
    /// A list of at least one and at most [`MAX_LIST`] schedulers.
    Schedulers,
}

/// One number of a [`Kind::Tuple`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Item {
    pub range: Range,
    pub slider: Slider,
    /// Whether `null` is allowed here (torch's `None`).
    pub nullable: bool,
}

/// The longest list a [`Kind::Integers`] or [`Kind::Schedulers`] value may hold.
pub const MAX_LIST: usize = 32;

/// The check of a text parameter: `Err(reason)` when the text is not valid.
pub type TextCheck = fn(&str) -> Result<(), String>;

/// One hyperparameter: its name, default, valid values and meaning.
#[derive(Clone, Debug, Serialize)]
pub struct Param {
    pub name: &'static str,
    /// `Null` where the parameter is required (torch's arguments without a default).
    pub default: Value,
    /// A required parameter has no default: a spec must give it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    #[serde(flatten)]
    pub kind: Kind,
    pub doc: &'static str,
    /// For text: what makes it valid beyond its length.
    #[serde(skip)]
    pub check: Option<TextCheck>,
    /// A key setting: a racer's card and legend give it even at its default, because it sets
    /// the optimizer apart (AdamW's weight decay, Newton's fallback). Others are given when
    /// they differ from their default (and `lr` always).
    pub key: bool,
    /// A choice's names for people, one per choice, for the page's drop-down ("Linear, 64 →
    /// 10" for `linear`); none: the names themselves.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub titles: &'static [&'static str],
    /// What it does, in one plain-language line for a tooltip (`doc` is the reference's own
    /// wording); empty until [`Param::tip`] sets it.
    pub tip: &'static str,
    /// For a pair or tuple: each item's symbol and plain-language line (betas: β1, β2).
    #[serde(skip_serializing_if = "<[ItemTip]>::is_empty")]
    pub item_tips: &'static [ItemTip],
}

/// One item of a pair or tuple, explained: its symbol and a plain-language line.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ItemTip {
    /// How the item is written: `β1`.
    pub symbol: &'static str,
    pub tip: &'static str,
}

impl Param {
    const fn base(
        name: &'static str,
        default: Value,
        kind: Kind,
        doc: &'static str,
        check: Option<TextCheck>,
    ) -> Param {
        Param {
            name,
            default,
            required: false,
            kind,
            doc,
            check,
            key: false,
            titles: &[],
            tip: "",
            item_tips: &[],
        }
    }

    pub const fn number(
        name: &'static str,
        default: f64,
        range: Range,
        slider: Slider,
        doc: &'static str,
    ) -> Param {
        Param::base(
            name,
            Value::Number(default),
            Kind::Number { range, slider },
            doc,
            None,
        )
    }
    pub const fn pair(
        name: &'static str,
        default: [f64; 2],
        range: Range,
        slider: Slider,
        doc: &'static str,
    ) -> Param {
        Param::base(
            name,
            Value::Pair(default),
            Kind::Pair { range, slider },
            doc,
            None,
        )
    }
    pub const fn flag(name: &'static str, default: bool, doc: &'static str) -> Param {
        Param::base(name, Value::Flag(default), Kind::Flag, doc, None)
    }
    pub const fn text(
        name: &'static str,
        default: &'static str,
        max_chars: usize,
        check: TextCheck,
        doc: &'static str,
    ) -> Param {
        Param::base(
            name,
            Value::Text(Cow::Borrowed(default)),
            Kind::Text { max_chars },
            doc,
            Some(check),
        )
    }

    /// One of `choices` (`default` among them, or None: JSON `null`, allowed when `nullable`).
    pub const fn choice(
        name: &'static str,
        default: Option<&'static str>,
        choices: &'static [&'static str],
        nullable: bool,
        doc: &'static str,
    ) -> Param {
        Param::base(
            name,
            Value::Choice(default),
            Kind::Choice { choices, nullable },
            doc,
            None,
        )
    }

    /// The same parameter with its plain-language line (see [`Param::tip`]).
    pub const fn tip(mut self, tip: &'static str) -> Param {
        self.tip = tip;
        self
    }

    /// The same parameter with a symbol and a plain-language line for each item of its pair or
    /// tuple.
    pub const fn item_tips(mut self, items: &'static [ItemTip]) -> Param {
        self.item_tips = items;
        self
    }

    /// The same choice parameter with its choices' `titles` for people, in order.
    pub const fn titled(mut self, titles: &'static [&'static str]) -> Param {
        self.titles = titles;
        self
    }

    /// The title of `choice` (its name where there are none).
    pub fn title_of<'a>(&self, choice: &'a str) -> &'a str {
        match self.kind {
            Kind::Choice { choices, .. } => choices
                .iter()
                .position(|&c| c == choice)
                .and_then(|i| self.titles.get(i).copied())
                .unwrap_or(choice),
            _ => choice,
        }
    }

    /// Checks a number against this parameter's range: "`epochs` must be in [1, 200], got 0".
    pub fn check_number(&self, x: f64) -> Result<(), String> {
        match self.kind {
            Kind::Number { range, .. }
            | Kind::Integer { range, .. }
            | Kind::OptionalNumber { range, .. } => check(self.name, x, range),
            _ => Ok(()),
        }
    }

    /// The same parameter as a key setting (see [`Param::key`]).
    pub const fn key(mut self) -> Param {
        self.key = true;
        self
    }

    /// A whole number in `range`; `default` None is `null` (allowed only where `nullable`).
    pub const fn integer(
        name: &'static str,
        default: Option<i64>,
        range: Range,
        slider: Slider,
        nullable: bool,
        doc: &'static str,
    ) -> Param {
        let default = match default {
            Some(i) => Value::Int(i),
            None => Value::Null,
        };
        Param::base(
            name,
            default,
            Kind::Integer {
                range,
                slider,
                nullable,
            },
            doc,
            None,
        )
    }

    /// A number in `range` or `null` (off), `null` by default.
    pub const fn optional_number(
        name: &'static str,
        range: Range,
        slider: Slider,
        doc: &'static str,
    ) -> Param {
        Param::base(
            name,
            Value::Null,
            Kind::OptionalNumber { range, slider },
            doc,
            None,
        )
    }

    /// A tuple of `items.len()` numbers.
    pub const fn tuple(
        name: &'static str,
        default: &'static [Option<f64>],
        items: &'static [Item],
        doc: &'static str,
    ) -> Param {
        Param::base(
            name,
            Value::Tuple(Cow::Borrowed(default)),
            Kind::Tuple { items },
            doc,
            None,
        )
    }

    /// A list of whole numbers.
    pub const fn integers(
        name: &'static str,
        default: &'static [i64],
        range: Range,
        increasing: bool,
        doc: &'static str,
    ) -> Param {
        Param::base(
            name,
            Value::Ints(Cow::Borrowed(default)),
            Kind::Integers { range, increasing },
            doc,
            None,
        )
    }

    /// A scheduler or `null` (none), `null` by default.
    pub const fn scheduler(name: &'static str, doc: &'static str) -> Param {
        Param::base(
            name,
            Value::Null,
            Kind::Scheduler { nullable: true },
            doc,
            None,
        )
    }

    /// A list of schedulers.
    pub const fn schedulers(name: &'static str, doc: &'static str) -> Param {
        Param::base(
            name,
            Value::Schedulers(Vec::new()),
            Kind::Schedulers,
            doc,
            None,
        )
    }

    /// This parameter without a default: a spec must give it.
    pub const fn required(self) -> Param {
        let required = Param {
            name: self.name,
            default: Value::Null,
            required: true,
            kind: self.kind,
            doc: self.doc,
            check: self.check,
            key: self.key,
            titles: self.titles,
            tip: self.tip,
            item_tips: self.item_tips,
        };
        // The default it had is dropped unread (a const fn cannot run its destructor).
        std::mem::forget(self);
        required
    }

    /// Checks one JSON value against this parameter.
    pub fn parse(&self, json: &Json) -> Result<Value, String> {
        let name = self.name;
        match self.kind {
            Kind::Flag => json
                .as_bool()
                .map(Value::Flag)
                .ok_or_else(|| format!("`{name}` must be true or false, got {}", short(json))),
            Kind::Number { range, .. } => {
                let x = json
                    .as_f64()
                    .ok_or_else(|| format!("`{name}` must be a number, got {}", short(json)))?;
                check(name, x, range)?;
                Ok(Value::Number(x))
            }
            Kind::Pair { range, .. } => {
                let pair = json
                    .as_array()
                    .filter(|a| a.len() == 2)
                    .and_then(|a| Some([a[0].as_f64()?, a[1].as_f64()?]))
                    .ok_or_else(|| {
                        format!(
                            "`{name}` must be a list of two numbers, got {}",
                            short(json)
                        )
                    })?;
                for (i, x) in pair.into_iter().enumerate() {
                    check(&format!("{name}[{i}]"), x, range)?;
                }
                Ok(Value::Pair(pair))
            }
            Kind::Text { max_chars } => {
                let text = json.as_str().ok_or_else(|| {
                    format!("`{name}` must be text (a JSON string), got {}", short(json))
                })?;
                let chars = text.chars().count();
                if chars > max_chars {
                    return Err(format!(
                        "`{name}` has at most {max_chars} characters, got {chars}"
                    ));
                }
                if let Some(check) = self.check {
                    check(text).map_err(|e| format!("`{name}`: {e}"))?;
                }
                Ok(Value::Text(Cow::Owned(text.to_owned())))
            }
            Kind::Choice { choices, nullable } => {
                if json.is_null() && nullable {
                    return Ok(Value::Choice(None));
                }
                if let Some(&c) = json
                    .as_str()
                    .and_then(|t| choices.iter().find(|&&c| c == t))
                {
                    return Ok(Value::Choice(Some(c)));
                }
                let listed: Vec<String> = choices
                    .iter()
                    .map(|c| format!("\"{c}\""))
                    .chain(nullable.then(|| "null".to_string()))
                    .collect();
                Err(format!(
                    "`{name}` must be one of {}, got {}",
                    listed.join(", "),
                    short(json)
                ))
            }
            Kind::Integer {
                range, nullable, ..
            } => {
                if json.is_null() && nullable {
                    return Ok(Value::Null);
                }
                let i = whole(json).ok_or_else(|| {
                    format!(
                        "`{name}` must be a whole number{}, got {}",
                        or_null(nullable),
                        short(json)
                    )
                })?;
                check(name, i as f64, range)?;
                Ok(Value::Int(i))
            }
            Kind::OptionalNumber { range, .. } => {
                if json.is_null() {
                    return Ok(Value::Null);
                }
                let x = json.as_f64().ok_or_else(|| {
                    format!("`{name}` must be a number or null, got {}", short(json))
                })?;
                check(name, x, range)?;
                Ok(Value::Number(x))
            }
            Kind::Tuple { items } => {
                let n = items.len();
                let list = json.as_array().filter(|a| a.len() == n).ok_or_else(|| {
                    format!(
                        "`{name}` must be a list of {n} numbers, got {}",
                        short(json)
                    )
                })?;
                let mut out = Vec::with_capacity(n);
                for (i, (item, v)) in items.iter().zip(list).enumerate() {
                    if v.is_null() && item.nullable {
                        out.push(None);
                        continue;
                    }
                    let x = v.as_f64().ok_or_else(|| {
                        format!(
                            "`{name}[{i}]` must be a number{}, got {}",
                            or_null(item.nullable),
                            short(v)
                        )
                    })?;
                    check(&format!("{name}[{i}]"), x, item.range)?;
                    out.push(Some(x));
                }
                Ok(Value::Tuple(Cow::Owned(out)))
            }
            Kind::Integers { range, increasing } => {
                let list = json.as_array().ok_or_else(|| {
                    format!(
                        "`{name}` must be a list of whole numbers, got {}",
                        short(json)
                    )
                })?;
                if list.len() > MAX_LIST {
                    return Err(format!(
                        "`{name}` has at most {MAX_LIST} numbers, got {}",
                        list.len()
                    ));
                }
                let mut out: Vec<i64> = Vec::with_capacity(list.len());
                for (i, v) in list.iter().enumerate() {
                    let k = whole(v).ok_or_else(|| {
                        format!("`{name}[{i}]` must be a whole number, got {}", short(v))
                    })?;
                    check(&format!("{name}[{i}]"), k as f64, range)?;
                    if increasing && out.last().is_some_and(|&last| k <= last) {
                        return Err(format!(
                            "`{name}` must be increasing, got {k} after {}",
                            out[i - 1]
                        ));
                    }
                    out.push(k);
                }
                Ok(Value::Ints(Cow::Owned(out)))
            }
            Kind::Scheduler { nullable } => {
                if json.is_null() && nullable {
                    return Ok(Value::Null);
                }
                crate::schedule::parse(json)
                    .map(|n| Value::Scheduler(Box::new(n)))
                    .map_err(|e| format!("`{name}`: {e}"))
            }
            Kind::Schedulers => {
                let list = json.as_array().ok_or_else(|| {
                    format!("`{name}` must be a list of schedulers, got {}", short(json))
                })?;
                if list.is_empty() || list.len() > MAX_LIST {
                    return Err(format!(
                        "`{name}` must hold 1 to {MAX_LIST} schedulers, got {}",
                        list.len()
                    ));
                }
                let parsed: Result<Vec<Named>, String> = list
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        crate::schedule::parse(v).map_err(|e| format!("`{name}[{i}]`: {e}"))
                    })
                    .collect();
                Ok(Value::Schedulers(parsed?))
            }
        }
    }
}

/// A JSON number that is a whole number exactly (`3` or `3.0`), within ±2^53.
fn whole(json: &Json) -> Option<i64> {
    if let Some(i) = json.as_i64() {
        return (i.unsigned_abs() <= 1 << 53).then_some(i);
    }
    let x = json.as_f64()?;
    (x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0).then_some(x as i64)
}

fn or_null(nullable: bool) -> &'static str {
    if nullable {
        " or null"
    } else {
        ""
    }
}

/// Checks `x` against `range`: "`lr` must be in [0, inf), got -1".
pub fn check(name: &str, x: f64, range: Range) -> Result<(), String> {
    if range.contains(x) {
        Ok(())
    } else {
        Err(format!("`{name}` must be in {range}, got {}", fmt_num(x)))
    }
}

/// A JSON value cut short for an error message.
pub fn short(json: &Json) -> String {
    let s = json.to_string();
    if s.chars().count() > 40 {
        format!("{}...", s.chars().take(37).collect::<String>())
    } else {
        s
    }
}

/// Validated hyperparameters: one value for every [`Param`] of a table, defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Hyper {
    values: Vec<(&'static str, Value)>,
}

impl Hyper {
    /// Every parameter at its default.
    pub fn defaults(params: &[Param]) -> Hyper {
        Hyper {
            values: params.iter().map(|p| (p.name, p.default.clone())).collect(),
        }
    }

    /// Validates `fields` against `params`. `owner` names the optimizer or landscape in messages.
    /// A field that is not a parameter is an error: a typo such as `beta` must not silently run
    /// with the default.
    pub fn from_fields(
        owner: &str,
        params: &[Param],
        fields: &Map<String, Json>,
    ) -> Result<Hyper, String> {
        if let Some(unknown) = fields
            .keys()
            .find(|k| !params.iter().any(|p| p.name == k.as_str()))
        {
            let known: Vec<_> = params.iter().map(|p| p.name).collect();
            return Err(if known.is_empty() {
                format!("unknown field `{unknown}`: {owner} takes no parameters")
            } else {
                format!(
                    "unknown field `{unknown}` for {owner}; expected one of: {}",
                    known.join(", ")
                )
            });
        }
        let mut hyper = Hyper::defaults(params);
        for (p, (_, value)) in params.iter().zip(hyper.values.iter_mut()) {
            match fields.get(p.name) {
                Some(json) => *value = p.parse(json)?,
                None if p.required => {
                    return Err(format!("`{}` is missing: {owner} requires it", p.name))
                }
                None => {}
            }
        }
        Ok(hyper)
    }

    fn get(&self, name: &str) -> &Value {
        match self.values.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => v,
            None => unreachable!("no hyperparameter `{name}`: a table and its builder disagree"),
        }
    }

    /// The number `name`. Names are checked by each table's own tests.
    pub fn num(&self, name: &str) -> f64 {
        match self.get(name) {
            Value::Number(x) => *x,
            other => unreachable!("`{name}` is {other:?}, not a number"),
        }
    }

    pub fn pair(&self, name: &str) -> [f64; 2] {
        match self.get(name) {
            Value::Pair(p) => *p,
            other => unreachable!("`{name}` is {other:?}, not a pair"),
        }
    }

    pub fn flag(&self, name: &str) -> bool {
        match self.get(name) {
            Value::Flag(b) => *b,
            other => unreachable!("`{name}` is {other:?}, not a flag"),
        }
    }

    pub fn text(&self, name: &str) -> &str {
        match self.get(name) {
            Value::Text(t) => t,
            other => unreachable!("`{name}` is {other:?}, not text"),
        }
    }

    /// The choice `name`: one of its table's names, or None for `null`.
    pub fn choice(&self, name: &str) -> Option<&'static str> {
        match self.get(name) {
            Value::Choice(c) => *c,
            other => unreachable!("`{name}` is {other:?}, not a choice"),
        }
    }

    /// The whole number `name`.
    pub fn int(&self, name: &str) -> i64 {
        match self.get(name) {
            Value::Int(i) => *i,
            other => unreachable!("`{name}` is {other:?}, not a whole number"),
        }
    }

    /// The whole number `name`, or None for `null`.
    pub fn opt_int(&self, name: &str) -> Option<i64> {
        match self.get(name) {
            Value::Int(i) => Some(*i),
            Value::Null => None,
            other => unreachable!("`{name}` is {other:?}, not a whole number or null"),
        }
    }

    /// The number `name`, or None for `null`.
    pub fn opt_num(&self, name: &str) -> Option<f64> {
        match self.get(name) {
            Value::Number(x) => Some(*x),
            Value::Null => None,
            other => unreachable!("`{name}` is {other:?}, not a number or null"),
        }
    }

    /// The tuple `name`, None where an item is `null`.
    pub fn tuple(&self, name: &str) -> &[Option<f64>] {
        match self.get(name) {
            Value::Tuple(t) => t,
            other => unreachable!("`{name}` is {other:?}, not a tuple"),
        }
    }

    /// The list of whole numbers `name`.
    pub fn ints(&self, name: &str) -> &[i64] {
        match self.get(name) {
            Value::Ints(t) => t,
            other => unreachable!("`{name}` is {other:?}, not a list of whole numbers"),
        }
    }

    /// The scheduler `name`, or None for `null`.
    pub fn scheduler(&self, name: &str) -> Option<&Named> {
        match self.get(name) {
            Value::Scheduler(n) => Some(n),
            Value::Null => None,
            other => unreachable!("`{name}` is {other:?}, not a scheduler"),
        }
    }

    /// The list of schedulers `name`.
    pub fn schedulers(&self, name: &str) -> &[Named] {
        match self.get(name) {
            Value::Schedulers(list) => list,
            other => unreachable!("`{name}` is {other:?}, not a list of schedulers"),
        }
    }

    /// Replaces the value of `name` (already checked by the caller).
    pub fn set(&mut self, name: &str, value: Value) {
        match self.values.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => *v = value,
            None => unreachable!("no hyperparameter `{name}`: a table and its caller disagree"),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> + '_ {
        self.values.iter().map(|(n, v)| (*n, v))
    }

    /// Every value as JSON fields, defaults included.
    pub fn to_fields(&self) -> Map<String, Json> {
        self.values
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_json()))
            .collect()
    }
}

/// Slider presets shared by many tables.
pub mod sliders {
    use super::{Slider, Spacing};
    pub const LR: Slider = Slider {
        min: 1e-5,
        max: 10.0,
        spacing: Spacing::Log,
    };
    pub const BETA: Slider = Slider {
        min: 0.0,
        max: 0.9999,
        spacing: Spacing::OneMinusLog,
    };
    pub const EPS: Slider = Slider {
        min: 1e-16,
        max: 1.0,
        spacing: Spacing::Log,
    };
    pub const MOMENTUM: Slider = Slider {
        min: 0.0,
        max: 0.999,
        spacing: Spacing::OneMinusLog,
    };
    pub const WEIGHT_DECAY: Slider = Slider {
        min: 0.0,
        max: 1.0,
        spacing: Spacing::Linear,
    };
    pub const UNIT: Slider = Slider {
        min: 0.0,
        max: 1.0,
        spacing: Spacing::Linear,
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TABLE: &[Param] = &[
        Param::number("lr", 1e-3, Range::NON_NEGATIVE, sliders::LR, "step size"),
        Param::pair("betas", [0.9, 0.999], Range::UNIT_OPEN, sliders::BETA, ""),
        Param::flag("amsgrad", false, ""),
        Param::choice("line_search_fn", None, &["strong_wolfe"], true, ""),
    ];

    fn fields(v: Json) -> Map<String, Json> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn defaults_fill_missing_fields() {
        let h = Hyper::from_fields("adam", TABLE, &fields(json!({"lr": 0.5}))).unwrap();
        assert_eq!(h.num("lr"), 0.5);
        assert_eq!(h.pair("betas"), [0.9, 0.999]);
        assert!(!h.flag("amsgrad"));
    }

    #[test]
    fn a_typo_is_an_error_naming_the_field() {
        let e =
            Hyper::from_fields("adam", TABLE, &fields(json!({"beta": [0.9, 0.99]}))).unwrap_err();
        assert!(e.contains("`beta`") && e.contains("betas"), "{e}");
    }

    #[test]
    fn out_of_range_and_wrong_types_are_errors() {
        for (bad, needle) in [
            (json!({"lr": -1.0}), "`lr` must be in [0, inf)"),
            (json!({"betas": [0.9, 1.0]}), "`betas[1]` must be in [0, 1)"),
            (json!({"betas": [0.9]}), "list of two numbers"),
            (json!({"amsgrad": 1}), "true or false"),
            (json!({"lr": "fast"}), "must be a number"),
            (
                json!({"line_search_fn": "wolfe"}),
                "`line_search_fn` must be one of \"strong_wolfe\", null, got \"wolfe\"",
            ),
            (json!({"line_search_fn": 1}), "must be one of"),
        ] {
            let e = Hyper::from_fields("adam", TABLE, &fields(bad.clone())).unwrap_err();
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }

    const KINDS: &[Param] = &[
        Param::integer(
            "max_iter",
            Some(20),
            Range::closed(1.0, 1000.0),
            sliders::LR,
            false,
            "",
        ),
        Param::integer(
            "max_eval",
            None,
            Range::closed(1.0, 1000.0),
            sliders::LR,
            true,
            "",
        ),
        Param::optional_number("clip_grad_norm", Range::NON_NEGATIVE, sliders::LR, ""),
        Param::tuple(
            "eps",
            &[None, Some(1e-3)],
            &[
                Item {
                    range: Range::NON_NEGATIVE,
                    slider: sliders::EPS,
                    nullable: true,
                },
                Item {
                    range: Range::NON_NEGATIVE,
                    slider: sliders::EPS,
                    nullable: false,
                },
            ],
            "",
        ),
        Param::integers("milestones", &[], Range::closed(1.0, 1e9), true, "").required(),
    ];

    #[test]
    fn whole_numbers_nulls_tuples_lists_and_required_fields() {
        let h = Hyper::from_fields(
            "t",
            KINDS,
            &fields(json!({"max_iter": 3.0, "milestones": [2, 5]})),
        )
        .unwrap();
        assert_eq!(
            (
                h.int("max_iter"),
                h.opt_int("max_eval"),
                h.opt_num("clip_grad_norm")
            ),
            (3, None, None)
        );
        assert_eq!(h.tuple("eps"), [None, Some(1e-3)]);
        assert_eq!(h.ints("milestones"), [2, 5]);
        assert_eq!(Hyper::from_fields("t", KINDS, &h.to_fields()).unwrap(), h);
        let h = Hyper::from_fields("t", KINDS, &fields(json!({"max_eval": 7, "clip_grad_norm": 0.5, "eps": [1e-30, 0.01], "milestones": []}))).unwrap();
        assert_eq!(
            (
                h.opt_int("max_eval"),
                h.opt_num("clip_grad_norm"),
                h.tuple("eps")
            ),
            (Some(7), Some(0.5), &[Some(1e-30), Some(0.01)][..])
        );
        for (bad, needle) in [
            (
                json!({"milestones": [1], "max_iter": 2.5}),
                "`max_iter` must be a whole number, got 2.5",
            ),
            (
                json!({"milestones": [1], "max_iter": null}),
                "`max_iter` must be a whole number, got null",
            ),
            (
                json!({"milestones": [1], "max_iter": 0}),
                "`max_iter` must be in [1, 1000], got 0",
            ),
            (
                json!({"milestones": [1], "max_eval": "x"}),
                "`max_eval` must be a whole number or null",
            ),
            (
                json!({"milestones": [1], "eps": [null, null]}),
                "`eps[1]` must be a number, got null",
            ),
            (
                json!({"milestones": [1], "eps": [0.1]}),
                "`eps` must be a list of 2 numbers",
            ),
            (
                json!({"milestones": [3, 3]}),
                "`milestones` must be increasing, got 3 after 3",
            ),
            (
                json!({"milestones": [0]}),
                "`milestones[0]` must be in [1, 1e9], got 0",
            ),
            (json!({}), "`milestones` is missing: t requires it"),
        ] {
            let e = Hyper::from_fields("t", KINDS, &fields(bad.clone())).unwrap_err();
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }

    #[test]
    fn fields_round_trip() {
        let h = Hyper::from_fields("adam", TABLE, &fields(json!({"lr": 0.25, "amsgrad": true})))
            .unwrap();
        assert_eq!(
            Hyper::from_fields("adam", TABLE, &h.to_fields()).unwrap(),
            h
        );
        let h = Hyper::from_fields(
            "lbfgs",
            TABLE,
            &fields(json!({"line_search_fn": "strong_wolfe"})),
        )
        .unwrap();
        assert_eq!(h.choice("line_search_fn"), Some("strong_wolfe"));
        assert_eq!(
            Hyper::from_fields("lbfgs", TABLE, &h.to_fields()).unwrap(),
            h
        );
        assert_eq!(Hyper::defaults(TABLE).choice("line_search_fn"), None);
        assert_eq!(
            Hyper::defaults(TABLE).to_fields()["line_search_fn"],
            Json::Null
        );
    }
}
