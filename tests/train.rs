//! `optiscape train` reproduces seed 000's experiment (issue 4): a linear 64 -> 10 classifier on
//! the 8x8 digits, softmax cross-entropy, one sample per step, 15 epochs over the first 898
//! samples, lr 1e-3, tested on the last 899. The reference figures are torch's (float32, torch's
//! own initialization); optiscape trains in f64 from its own seeded initialization, so the
//! accuracies agree to within a few points, not to the digit. Adagrad at lr 1e-3 stalls in both.
//!
//! It runs the real binary on one spec of nine racers, each with its own input; a release build
//! takes about a second (`cargo test --release --test train`). All nine agree with torch to within
//! 2.5 points at the time of writing; the four issue 4 names are asserted, and Adagrad stalling.

use serde_json::Value;

mod common;
use common::cli;

/// (label, optimizer, the racer's own input or null, torch's test accuracy in %, asserted band).
const TABLE: &[(&str, &str, &str, f64, Option<f64>)] = &[
    ("Adam", "adam", "null", 90.77, Some(2.5)),
    ("SGD", "sgd", "null", 93.10, Some(2.5)),
    ("RMSprop", "rmsprop", "null", 91.43, Some(2.5)),
    ("Adagrad", "adagrad", "null", 53.62, None),
    ("Adam X/50", "adam", r#"{"scale": 0.02}"#, 90.55, None),
    ("Adam X*50", "adam", r#"{"scale": 50}"#, 91.32, None),
    ("SGD X/5", "sgd", r#"{"scale": 0.2}"#, 92.10, None),
    ("SGD X*5", "sgd", r#"{"scale": 5}"#, 88.77, None),
    (
        "Adam standardized",
        "adam",
        r#"{"transform": "standardize"}"#,
        92.66,
        Some(2.5),
    ),
];

fn train(spec: &str) -> Value {
    let out = cli(&["train"], spec);
    assert!(
        out.status.success(),
        "optiscape train failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn train_reproduces_the_issue_4_accuracy_table() {
    let racers: Vec<String> = TABLE
        .iter()
        .map(|(label, name, input, _, _)| {
            let input = if *input == "null" {
                String::new()
            } else {
                format!(r#", "input": {input}"#)
            };
            format!(r#"{{"name": "{name}", "lr": 0.001, "label": "{label}"{input}}}"#)
        })
        .collect();
    let spec = format!(
        r#"{{"model": "linear", "epochs": 15, "batch_size": 1, "seed": 0, "racers": [{}]}}"#,
        racers.join(", ")
    );
    let result = train(&spec);
    let rows = result["racers"].as_array().unwrap();
    assert_eq!(rows.len(), TABLE.len());
    let mut failures = Vec::new();
    println!("{:<20} {:>8} {:>10}", "configuration", "torch", "optiscape");
    for ((label, _, _, torch, band), row) in TABLE.iter().zip(rows) {
        assert_eq!(row["label"], *label);
        assert_eq!(row["status"], "ok", "{label} diverged");
        assert_eq!(row["epochs"].as_array().unwrap().len(), 15, "{label}");
        let ours = 100.0 * row["test_accuracy"].as_f64().unwrap();
        println!("{label:<20} {torch:>7.2}% {ours:>9.2}%");
        if let Some(band) = band {
            if (ours - torch).abs() > *band {
                failures.push(format!(
                    "{label}: {ours:.2}%, torch {torch:.2}% (band {band} points)"
                ));
            }
        }
        if *label == "Adagrad" && ours >= 75.0 {
            failures.push(format!(
                "Adagrad should stall at lr 1e-3 (torch {torch:.2}%), got {ours:.2}%"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
