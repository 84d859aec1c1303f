//! A race with its optimizers' state after every step: what the page's inspector shows, for
//! every point of every racer (`optiscape run --state`, and the CSV's state columns).

use crate::optim::{Entry, EntryValue};
use crate::race::{Race, RacerResult, Recording, RunResult};
use crate::spec::RunSpec;
use serde::ser::{Serialize, SerializeMap, Serializer};

/// One racer's state at one point: its inspector's entries in their order.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot(pub Vec<Entry>);

/// Serialized as one JSON object, the entries in the inspector's order: `{"step": 3, "m": [..]}`.
impl Serialize for Snapshot {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for e in &self.0 {
            match &e.value {
                EntryValue::Int(v) => map.serialize_entry(e.name, v)?,
                EntryValue::Scalar(v) => map.serialize_entry(e.name, v)?,
                EntryValue::Vector(v) => map.serialize_entry(e.name, v)?,
                EntryValue::Flag(v) => map.serialize_entry(e.name, v)?,
            }
        }
        map.end()
    }
}

/// A race's result with every racer's state at every point of its trajectory.
pub struct StatefulRun {
    pub result: RunResult,
    /// Per racer, one [`Snapshot`] per point of its trajectory (the fresh state at the start).
    pub states: Vec<Vec<Snapshot>>,
}

/// One racer of `run --state`'s output: `run`'s fields, then `state`.
#[derive(serde::Serialize)]
struct RacerWithState<'a> {
    #[serde(flatten)]
    result: &'a RacerResult,
    state: &'a [Snapshot],
}

impl Serialize for StatefulRun {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let racers: Vec<RacerWithState> = self
            .result
            .racers
            .iter()
            .zip(&self.states)
            .map(|(result, state)| RacerWithState { result, state })
            .collect();
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("racers", &racers)?;
        map.end()
    }
}

/// Races `spec` for `spec.steps` steps, as [`crate::race::run`] does (the same points, bit for
/// bit: a racer steps one step at a time through the same code), reading each racer's state
/// after every step.
pub fn run_with_state(spec: &RunSpec) -> StatefulRun {
    let mut race = Race::new(spec);
    race.clock = spec.steps;
    let objective = &race.objective;
    let mut racers = Vec::with_capacity(race.racers.len());
    let mut states = Vec::with_capacity(race.racers.len());
    for r in race.racers.iter_mut() {
        let (mut recording, mut state) = (Recording::from(r), Vec::new());
        if r.diverged_at.is_none() {
            state.push(Snapshot(r.inspect()));
        }
        for _ in 0..spec.steps {
            let taken = r.advance_visits(objective, 1, |v| recording.visit(v));
            if taken == 0 {
                break;
            }
            state.push(Snapshot(r.inspect()));
        }
        racers.push(recording.result(r));
        states.push(state);
    }
    StatefulRun {
        result: RunResult { racers },
        states,
    }
}

/// `optiscape run --state`'s output: `run`'s JSON with each racer's `state`, one object per
/// point of its trajectory.
pub fn run_json(spec: &RunSpec) -> String {
    serde_json::to_string(&run_with_state(spec)).expect("a race always serializes") + "\n"
}
