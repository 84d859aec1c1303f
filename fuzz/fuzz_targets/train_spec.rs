//! Any UTF-8 text as a training spec: `TrainSpec::parse` must not panic; an error is one
//! non-empty line; an accepted spec round-trips through `to_json()` and trains (one epoch, so the
//! fuzzer stays fast) without panicking, every reported number finite or absent.

#![no_main]

mod parsed;

use libfuzzer_sys::fuzz_target;
use optiscape::classify::digits::Digits;
use optiscape::classify::train::{self, TrainSpec};

fuzz_target!(|data: &[u8]| {
    let Some(mut spec) = parsed::parsed(data, TrainSpec::parse, TrainSpec::to_json) else {
        return;
    };
    spec.epochs = spec.epochs.min(1);
    let result = train::train(&spec, &Digits::embedded(), &|| 0.0);
    assert_eq!(result.racers.len(), spec.racers.len());
    for r in &result.racers {
        assert!(r.epochs.iter().all(|e| e.train_loss.is_finite() && (0.0..=1.0).contains(&e.test_accuracy)));
        assert!(r.test_accuracy.is_none_or(|a| (0.0..=1.0).contains(&a)));
    }
});
