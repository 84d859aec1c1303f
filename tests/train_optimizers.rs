//! The classifier with the optimizers a landscape cannot show whole: Muon steps the weight
//! matrices and leaves the biases to AdamW (torch's Muon takes matrices only), L-BFGS evaluates
//! the same mini-batch again inside a step, Adafactor factors a matrix's second moment, and a
//! scheduler steps once per epoch (its rate in each epoch's output).

use optiscape::classify::digits::Digits;
use optiscape::classify::train::{train, TrainSpec, Trainer};

fn trainer(text: &str) -> Trainer {
    Trainer::new(
        TrainSpec::parse(text).unwrap_or_else(|e| panic!("{text}: {e}")),
        &Digits::embedded(),
    )
}

/// The linear model's parameters: the 10 x 64 weight matrix, then the 10 biases.
const WEIGHTS: usize = 640;

#[test]
fn muon_steps_the_weights_and_adamw_the_biases() {
    let mut t = trainer(
        r#"{"model": "linear", "epochs": 1, "batch_size": 32, "racers": [{"name": "muon", "lr": 0.02}, {"name": "adamw", "lr": 0.02}, {"name": "muon", "lr": 0.02}]}"#,
    );
    let init = t.weights(0).to_vec();
    // One step: both racers' gradients are taken at the same weights.
    for i in 0..3 {
        t.advance(i, 1);
    }
    let (muon, adamw) = (t.weights(0), t.weights(1));
    // The biases took torch.optim.AdamW's step at Muon's rate, to the bit.
    assert_eq!(&muon[WEIGHTS..], &adamw[WEIGHTS..]);
    assert_ne!(&muon[WEIGHTS..], &init[WEIGHTS..]);
    // The weights did not: an orthogonalized update, with Muon's weight decay.
    let differ = muon[..WEIGHTS]
        .iter()
        .zip(&adamw[..WEIGHTS])
        .filter(|(a, b)| a != b)
        .count();
    assert!(differ > WEIGHTS / 2, "{differ} weights differ");
    assert_eq!(t.weights(0), t.weights(2), "deterministic");
    // The MLP too: both weight matrices are Muon's, both bias vectors AdamW's.
    let mut mlp = trainer(
        r#"{"model": "mlp", "epochs": 1, "batch_size": 64, "racers": [{"name": "muon", "lr": 0.02}, {"name": "adamw", "lr": 0.02}]}"#,
    );
    mlp.advance(0, 1);
    mlp.advance(1, 1);
    let (m, a) = (mlp.weights(0), mlp.weights(1));
    let biases = [64 * 32..64 * 32 + 32, 64 * 32 + 32 + 32 * 10..m.len()];
    for b in biases {
        assert_eq!(&m[b.clone()], &a[b]);
    }
}

#[test]
fn lbfgs_trains_on_its_mini_batches() {
    let spec = TrainSpec::parse(r#"{"model": "linear", "epochs": 4, "batch_size": 898, "racers": [{"name": "lbfgs", "max_iter": 5, "line_search_fn": "strong_wolfe"}]}"#).unwrap();
    let result = train(&spec, &Digits::embedded(), &|| 0.0);
    let epochs = &result.racers[0].epochs;
    assert!(
        epochs.windows(2).all(|w| w[1].train_loss < w[0].train_loss),
        "{epochs:?}"
    );
    assert!(
        result.racers[0].test_accuracy.unwrap() > 0.85,
        "{:?}",
        result.racers[0].test_accuracy
    );
}

#[test]
fn adafactor_and_schedulers_in_training() {
    let spec = TrainSpec::parse(
        r#"{"model": "mlp", "epochs": 4, "batch_size": 16, "racers": [
            {"name": "adafactor", "lr": 0.01},
            {"name": "sgd", "lr": 0.1, "lr_scheduler": {"name": "StepLR", "step_size": 1, "gamma": 0.5}}]}"#,
    )
    .unwrap();
    let result = train(&spec, &Digits::embedded(), &|| 0.0);
    let adafactor = &result.racers[0];
    assert!(
        adafactor.test_accuracy.unwrap() > 0.8,
        "{:?}",
        adafactor.epochs
    );
    let rates: Vec<f64> = result.racers[1].epochs.iter().map(|e| e.lr).collect();
    assert_eq!(
        rates,
        [0.1, 0.05, 0.025, 0.0125],
        "one scheduler step per epoch"
    );
    // A scheduler that would follow fewer steps than the epochs is refused.
    let e = TrainSpec::parse(r#"{"model": "linear", "epochs": 3, "racers": [{"name": "adam", "lr_scheduler": {"name": "OneCycleLR", "max_lr": 0.01, "total_steps": 2}}]}"#).unwrap_err();
    assert!(e.contains("follows at most 2 steps (one per epoch"), "{e}");
}
