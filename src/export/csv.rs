//! Races and training races as CSV, for spreadsheets and pandas (`optiscape run --format csv`,
//! `optiscape train --format csv`, and the page's download menu, which calls these same
//! functions: its files equal the CLI's byte for byte).
//!
//! RFC 4180 text with `\n` line ends: a header, then one row per racer and step (or epoch),
//! racer by racer. A field holding a comma, a quote or a line break is quoted, its quotes
//! doubled. Numbers are written as the shortest text that reads back as the same double
//! (`0.05`, `1e-8`, `-3.5`), whole numbers without a point, flags as `true` and `false`; an
//! empty field is a value that does not exist at that row.

use super::state::{run_with_state, Snapshot, StatefulRun};
use crate::classify::train::{Epoch, TrainResult, Trainer};
use crate::optim::EntryValue;
use crate::spec::RunSpec;

/// The columns of a race's CSV before its state columns.
pub const RACE_COLUMNS: [&str; 9] = [
    "step",
    "racer",
    "label",
    "optimizer",
    "x",
    "y",
    "loss",
    "lr",
    "evaluations",
];

/// The columns of a training race's CSV.
pub const TRAIN_COLUMNS: [&str; 7] = [
    "epoch",
    "racer",
    "label",
    "optimizer",
    "train_loss",
    "test_accuracy",
    "lr",
];

/// The race of `spec` as CSV, with each racer's optimizer state after every step.
///
/// Columns: `step` (0 is the start), `racer` (its index in the spec, from 0), `label` (its label,
/// or its optimizer's title), `optimizer` (the spec's name), `x`, `y`, `loss` (`scale * f`
/// there, noise-free), `lr` (the learning rate of the step that reached this point, as its
/// scheduler set it; empty at step 0), `evaluations` (of the objective and its gradient so far),
/// then each quantity of the racers' optimizer states, in the order the racers first show them:
/// a number or flag under its inspector's name (`mu`, `rectified`), a vector as one column per
/// coordinate (`m_x`, `m_y`). The state's own step count, which would share `step`'s name, is
/// `state_step`. A racer's row leaves other optimizers' state columns empty. A racer that
/// diverged has its finite points only, as in `run`.
pub fn race_csv(spec: &RunSpec) -> String {
    csv_of_run(spec, &run_with_state(spec))
}

/// [`race_csv`] of a race already run with its state.
pub fn csv_of_run(spec: &RunSpec, run: &StatefulRun) -> String {
    let columns = state_columns(&run.states);
    let mut out = String::new();
    let header: Vec<String> = RACE_COLUMNS
        .iter()
        .map(|c| c.to_string())
        .chain(columns.iter().map(|c| c.header()))
        .collect();
    row(&mut out, header);
    for (i, ((racer, states), rs)) in run
        .result
        .racers
        .iter()
        .zip(&run.states)
        .zip(&spec.racers)
        .enumerate()
    {
        for (k, (point, snapshot)) in racer.trajectory.iter().zip(states).enumerate() {
            let mut fields = vec![
                k.to_string(),
                i.to_string(),
                rs.display_name().to_string(),
                racer.name.to_string(),
                number(point[0]),
                number(point[1]),
                number(racer.loss[k]),
                k.checked_sub(1)
                    .and_then(|j| racer.lr.get(j))
                    .map_or(String::new(), |&lr| number(lr)),
                racer.evaluations[k].to_string(),
            ];
            fields.extend(columns.iter().map(|c| c.field(snapshot)));
            row(&mut out, fields);
        }
    }
    out
}

/// A training race's epochs as CSV: `epoch` (from 1), `racer`, `label`, `optimizer` as in
/// [`race_csv`], `train_loss` (the mean loss over the epoch's samples as they were stepped
/// through), `test_accuracy` (a fraction, after the epoch) and `lr` (the rate the epoch was
/// trained at). A racer that diverged has the epochs it finished.
pub fn train_csv(spec: &crate::classify::train::TrainSpec, result: &TrainResult) -> String {
    epochs_csv(spec, result.racers.iter().map(|r| (r.name, &r.epochs[..])))
}

/// The epochs a training race in progress has finished so far, as [`train_csv`] writes them
/// (the page's classifier tab): once every racer has finished, the same bytes as `train`'s.
pub fn trainer_csv(trainer: &Trainer) -> String {
    epochs_csv(
        &trainer.spec,
        trainer
            .learners
            .iter()
            .map(|l| (l.spec.info.name, &l.epochs[..])),
    )
}

/// The rows of [`train_csv`]: each racer's optimizer name and epochs, in the spec's order.
fn epochs_csv<'a>(
    spec: &crate::classify::train::TrainSpec,
    racers: impl Iterator<Item = (&'a str, &'a [Epoch])>,
) -> String {
    let mut out = String::new();
    row(
        &mut out,
        TRAIN_COLUMNS.iter().map(|c| c.to_string()).collect(),
    );
    for (i, ((name, epochs), rs)) in racers.zip(&spec.racers).enumerate() {
        for (e, epoch) in epochs.iter().enumerate() {
            row(
                &mut out,
                vec![
                    (e + 1).to_string(),
                    i.to_string(),
                    rs.display_name().to_string(),
                    name.to_string(),
                    number(epoch.train_loss),
                    number(epoch.test_accuracy),
                    number(epoch.lr),
                ],
            );
        }
    }
    out
}

/// One state column: an entry's name, and for a vector the coordinate.
#[derive(Clone, Debug, PartialEq)]
struct StateColumn {
    name: &'static str,
    /// The coordinate of a vector entry and how many it has; None for a number or flag.
    coordinate: Option<(usize, usize)>,
}

impl StateColumn {
    fn header(&self) -> String {
        let name = if RACE_COLUMNS.contains(&self.name) {
            format!("state_{}", self.name)
        } else {
            self.name.to_string()
        };
        match self.coordinate {
            None => name,
            Some((0, 2)) => format!("{name}_x"),
            Some((1, 2)) => format!("{name}_y"),
            Some((c, _)) => format!("{name}_{c}"),
        }
    }

    fn field(&self, snapshot: &Snapshot) -> String {
        let Some(entry) = snapshot.0.iter().find(|e| e.name == self.name) else {
            return String::new();
        };
        match (&entry.value, self.coordinate) {
            (EntryValue::Int(v), None) => v.to_string(),
            (EntryValue::Scalar(v), None) => number(*v),
            (EntryValue::Flag(v), None) => v.to_string(),
            (EntryValue::Vector(v), Some((c, _))) => v.get(c).map_or(String::new(), |&x| number(x)),
            _ => String::new(),
        }
    }
}

/// Every state column of every racer, in the order they first appear.
fn state_columns(states: &[Vec<Snapshot>]) -> Vec<StateColumn> {
    let mut columns: Vec<StateColumn> = Vec::new();
    for entry in states.iter().flatten().flat_map(|s| &s.0) {
        let new: Vec<StateColumn> = match &entry.value {
            EntryValue::Vector(v) => (0..v.len())
                .map(|c| StateColumn {
                    name: entry.name,
                    coordinate: Some((c, v.len())),
                })
                .collect(),
            _ => vec![StateColumn {
                name: entry.name,
                coordinate: None,
            }],
        };
        for column in new {
            if !columns.contains(&column) {
                columns.push(column);
            }
        }
    }
    columns
}

/// The shortest text that reads back as `x` (serde_json's, as `run` prints numbers), with
/// `nan`, `inf` and `-inf` for what JSON cannot say.
pub fn number(x: f64) -> String {
    if x.is_finite() {
        serde_json::to_string(&x).expect("a finite number serializes")
    } else if x.is_nan() {
        "nan".into()
    } else if x > 0.0 {
        "inf".into()
    } else {
        "-inf".into()
    }
}

/// Appends one CSV record.
fn row(out: &mut String, fields: Vec<String>) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let mut out = String::new();
        row(
            &mut out,
            vec![
                "a".into(),
                "SGD, lr 0.1".into(),
                "say \"hi\"".into(),
                "two\nlines".into(),
                String::new(),
            ],
        );
        assert_eq!(
            out,
            "a,\"SGD, lr 0.1\",\"say \"\"hi\"\"\",\"two\nlines\",\n"
        );
    }

    #[test]
    fn a_finished_trainer_gives_train_s_bytes_and_one_in_progress_its_finished_epochs() {
        use crate::classify::{digits::Digits, train};
        let spec = train::TrainSpec::parse(r#"{"model": "linear", "epochs": 2, "racers": [{"name": "sgd", "label": "plain, \"SGD\""}, {"name": "adam"}]}"#).unwrap();
        let digits = Digits::embedded();
        let mut trainer = train::Trainer::new(spec.clone(), &digits);
        assert_eq!(
            trainer_csv(&trainer),
            "epoch,racer,label,optimizer,train_loss,test_accuracy,lr\n"
        );
        trainer.advance(0, u64::MAX);
        let partial = trainer_csv(&trainer);
        assert_eq!(partial.lines().count(), 3, "{partial}");
        assert!(
            partial
                .lines()
                .nth(1)
                .unwrap()
                .starts_with("1,0,\"plain, \"\"SGD\"\"\",sgd,"),
            "{partial}"
        );
        trainer.advance(1, u64::MAX);
        assert_eq!(
            trainer_csv(&trainer),
            train_csv(&spec, &train::train(&spec, &digits, &|| 0.0))
        );
    }

    #[test]
    fn numbers_read_back() {
        for x in [0.05, 1e-8, -3.5, 0.0, -0.0, 1e300, 5e-324, 1.0 / 3.0, 2.0] {
            assert_eq!(
                number(x).parse::<f64>().unwrap().to_bits(),
                x.to_bits(),
                "{x}"
            );
        }
        assert_eq!(number(0.05), "0.05");
        assert_eq!(number(f64::NAN), "nan");
        assert_eq!(number(f64::NEG_INFINITY), "-inf");
    }
}
