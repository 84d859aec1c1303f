//! The seed of every property test: fixed unless asked otherwise, so that `cargo xtask test` tests
//! the same inputs on every run and a red run is red again when rerun.
//!
//! `OPTISCAPE_TEST_SEED` chooses it: unset, [`FIXED`]; a whole number, that seed; `fresh`, a new
//! one for every property (to look for new failures locally: `OPTISCAPE_TEST_SEED=fresh cargo
//! test --release`). `PROPTEST_CASES` raises or lowers the cases of every property. A failing
//! property prints its seed with the command that replays it (libtest shows a failed test's
//! output) and proptest prints the smallest input that still fails.

use proptest::test_runner::{Config, RngSeed};

/// The seed every property uses unless `OPTISCAPE_TEST_SEED` gives another.
pub const FIXED: u64 = 2026;

/// The seed `OPTISCAPE_TEST_SEED` asks for (see the module's doc).
pub fn seed() -> u64 {
    match std::env::var("OPTISCAPE_TEST_SEED").as_deref() {
        Err(_) | Ok("") => FIXED,
        Ok("fresh") => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            // Threads start the properties within the same microsecond: mix in which one asks.
            let thread = std::thread::current().id();
            let mixed = format!("{nanos}{thread:?}")
                .bytes()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
                });
            mixed % 1_000_000_000_000
        }
        Ok(text) => text.parse().unwrap_or_else(|_| {
            panic!("OPTISCAPE_TEST_SEED must be a whole number or `fresh`, got {text:?}")
        }),
    }
}

/// proptest's configuration for a property of `cases` cases (or `PROPTEST_CASES`), from
/// [`seed`], with no regression files (the fixed seed is the regression record).
pub fn config(cases: u32) -> Config {
    let seed = seed();
    println!("property seed {seed}; to replay: OPTISCAPE_TEST_SEED={seed} cargo test --release");
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        Config::default().cases
    } else {
        cases
    };
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    }
}
