//! Any UTF-8 text as a run spec: `RunSpec::parse` must not panic; an error is one non-empty line;
//! an accepted spec round-trips through `to_json()` and runs (a few steps) without panicking, with
//! every reported number finite and divergence reported consistently.

#![no_main]

mod parsed;

use libfuzzer_sys::fuzz_target;
use optiscape::race::{self, Status, DIVERGENCE_LIMIT};
use optiscape::spec::RunSpec;

/// Steps per racer, at most: enough to diverge, few enough to keep the fuzzer fast.
const MAX_FUZZ_STEPS: u64 = 200;

fuzz_target!(|data: &[u8]| {
    let Some(mut spec) = parsed::parsed(data, RunSpec::parse, RunSpec::to_json) else {
        return;
    };
    spec.steps = spec.steps.min(MAX_FUZZ_STEPS);
    let result = race::run(&spec);
    assert_eq!(result.racers.len(), spec.racers.len());
    for (r, s) in result.racers.iter().zip(&spec.racers) {
        assert_eq!(r.trajectory.len(), r.loss.len());
        assert!(r.trajectory.iter().flatten().all(|c| c.is_finite() && c.abs() <= DIVERGENCE_LIMIT));
        assert!(r.loss.iter().all(|l| l.is_finite()));
        // An external racer stops at its last given point.
        let points = s.trajectory.as_ref().map_or(u64::MAX, |t| t.len() as u64).min(spec.steps + 1);
        match (r.status, r.diverged_at, r.singular_at) {
            (Status::Ok, None, None) => assert_eq!(r.trajectory.len() as u64, points),
            (Status::Diverged, Some(k), None) => assert_eq!(r.trajectory.len() as u64, k),
            (Status::Singular, None, Some(k)) => assert_eq!(r.trajectory.len() as u64, k),
            (status, at, singular) => panic!("status {status:?} with diverged_at {at:?}, singular_at {singular:?}"),
        }
    }
});
