//! `optiscape::math` is correctly rounded: every result is the double nearest to the exact value,
//! as mpmath computes it (tests/math/reference.py, which wrote the two files read here). So its
//! results do not depend on the platform: `cargo xtask test` runs this file natively and, built
//! for wasm32-wasip1 with the browser build's flags, in V8 under Node's WASI, against the same
//! expected bits.
//!
//! - tests/math/cases.txt: special values, hard-to-round cases (CORE-MATH's known ones, tiny
//!   arguments, thresholds, exact and midpoint powers) and the optimizers' own `beta^t`, each
//!   with its expected bits;
//! - tests/math/digests.txt: blocks of 4096 inputs drawn over each function's domains (drawn here
//!   as the script draws them) and a digest of their correctly rounded results: 2.7 million
//!   results pinned by a small file.

use optiscape::math;

const CASES: &str = include_str!("math/cases.txt");
const DIGESTS: &str = include_str!("math/digests.txt");
const BLOCK: usize = 4096;
const FUNCTIONS: [&str; 11] = [
    "exp", "ln", "log10", "powf", "sin", "cos", "tan", "sinh", "cosh", "tanh", "atan",
];

/// The function under test by name, and std's (this platform's C library natively, Rust's libm
/// in wasm) for comparison.
#[allow(clippy::disallowed_methods, reason = "compares with std's functions")]
fn call(name: &str, args: &[f64]) -> (f64, f64) {
    let (x, y) = (args[0], args.get(1).copied().unwrap_or(f64::NAN));
    match name {
        "exp" => (math::exp(x), x.exp()),
        "ln" => (math::ln(x), x.ln()),
        "log10" => (math::log10(x), x.log10()),
        "powf" => (math::powf(x, y), x.powf(y)),
        "sin" => (math::sin(x), x.sin()),
        "cos" => (math::cos(x), x.cos()),
        "tan" => (math::tan(x), x.tan()),
        "sinh" => (math::sinh(x), x.sinh()),
        "cosh" => (math::cosh(x), x.cosh()),
        "tanh" => (math::tanh(x), x.tanh()),
        "atan" => (math::atan(x), x.atan()),
        _ => panic!("unknown function `{name}`"),
    }
}

fn arity(name: &str) -> usize {
    if name == "powf" {
        2
    } else {
        1
    }
}

/// The same result: the same bits, or both NaN (whose bits IEEE-754 leaves open).
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// How many doubles apart two finite results are (ordered as integers).
fn ulps(a: f64, b: f64) -> u64 {
    let key = |x: f64| {
        let b = x.to_bits() as i64;
        if b < 0 {
            i64::MIN - b
        } else {
            b
        }
    };
    key(a).abs_diff(key(b))
}

fn parse(hex: &str) -> f64 {
    if hex == "nan" {
        f64::NAN
    } else {
        f64::from_bits(u64::from_str_radix(hex, 16).unwrap_or_else(|e| panic!("`{hex}`: {e}")))
    }
}

#[test]
fn every_case_is_correctly_rounded() {
    let mut failures = Vec::new();
    let mut counts = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    for line in CASES.lines().filter(|l| !l.starts_with('#')) {
        let words: Vec<&str> = line.split(' ').collect();
        let name = words[0];
        assert_eq!(words.len(), arity(name) + 2, "malformed line `{line}`");
        let args: Vec<f64> = words[1..words.len() - 1].iter().map(|w| parse(w)).collect();
        let expected = parse(words[words.len() - 1]);
        let (ours, std) = call(name, &args);
        let entry = counts.entry(name).or_default();
        entry.0 += 1;
        if !same(ours, expected) {
            let off = if ours.is_finite() && expected.is_finite() {
                format!("{} ulp", ulps(ours, expected))
            } else {
                "not finite".into()
            };
            failures.push(format!(
                "{name}{args:?} = {ours:e}, correctly rounded {expected:e} ({off})"
            ));
        }
        if !same(std, expected) {
            entry.1 += 1;
        }
    }
    for (name, (n, std_misses)) in &counts {
        println!("{name}: {n} cases; std here differs on {std_misses}");
    }
    let names: Vec<&str> = counts.keys().copied().collect();
    let mut all = FUNCTIONS.to_vec();
    all.sort_unstable();
    assert_eq!(names, all, "every function of optiscape::math has cases");
    assert!(
        failures.is_empty(),
        "{} of {} cases not correctly rounded:\n{}",
        failures.len(),
        counts.values().map(|c| c.0).sum::<usize>(),
        failures.join("\n")
    );
}

/// Output `k` (from 0) of SplitMix64 seeded with `seed`, as reference.py computes it.
fn splitmix64(seed: u64, k: u64) -> u64 {
    let mut z = seed.wrapping_add(k.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A block's inputs: output k of SplitMix64 seeded with the block's seed, k = 0, 1, ...
struct Draw {
    seed: u64,
    k: u64,
}

impl Draw {
    fn u64(&mut self) -> u64 {
        let v = splitmix64(self.seed, self.k);
        self.k += 1;
        v
    }
    fn below(&mut self, n: u64) -> u64 {
        self.u64() % n
    }
    fn unit(&mut self) -> f64 {
        (self.u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// A uniform significand with an exponent uniform in [lo, hi] (normal numbers).
    fn binade(&mut self, lo: i64, hi: i64, signed: bool) -> f64 {
        let e = lo + self.below((hi - lo + 1) as u64) as i64;
        let sign = if signed { (self.u64() & 1) << 63 } else { 0 };
        f64::from_bits(sign | (((e + 1023) as u64) << 52) | (self.u64() >> 12))
    }
    fn bits(&mut self) -> f64 {
        f64::from_bits(self.u64())
    }
}

const BETAS: [f64; 8] = [0.9, 0.99, 0.999, 0.3, 0.95, 0.98, 0.5, 0.96];

/// One input of `family` for function `name`, as reference.py's `family_inputs` draws it.
fn draw(name: &str, family: &str, d: &mut Draw) -> [f64; 2] {
    let one = |x: f64| [x, f64::NAN];
    match (name, family) {
        (_, "bits") if arity(name) == 2 => [d.bits(), d.bits()],
        (_, "bits") => one(d.bits()),
        ("exp", "wide") => one(d.uniform(-746.0, 710.0)),
        ("exp", "small") => one(d.binade(-60, 3, true)),
        ("ln" | "log10", "positive") => one(d.binade(-1022, 1023, false)),
        ("ln" | "log10", "near1") => one(1.0 + d.binade(-53, -2, true)),
        ("ln" | "log10", "subnormal") => one(f64::from_bits(d.u64() >> 12)),
        ("powf", "steps") => {
            let beta = if d.below(2) == 0 {
                BETAS[d.below(BETAS.len() as u64) as usize]
            } else {
                d.unit()
            };
            let n = if d.below(4) == 0 { 1_000_000 } else { 2000 };
            let t = (1 + d.below(n)) as f64;
            [beta, if d.below(8) != 0 { t } else { t * 0.004 }]
        }
        ("powf", "wide") => {
            let x = d.binade(-1022, 1023, false);
            // frexp's exponent: x = m 2^e with m in [0.5, 1).
            let e = (((x.to_bits() >> 52) & 0x7ff) as i64 - 1022).abs().max(1);
            [x, d.uniform(-1100.0, 1100.0) / e as f64]
        }
        ("powf", "near1") => [1.0 + d.binade(-53, -2, true), d.binade(-10, 62, true)],
        ("powf", "negative") => [-d.binade(-8, 8, false), (d.below(129) as f64) - 64.0],
        ("powf", "decades") => [10.0, d.uniform(-320.0, 308.0)],
        ("powf", "tiny") => {
            let x = d.binade(-8, -1, false);
            let e = (x.to_bits() >> 52) as i64 - 1023;
            [x, d.uniform(1015.0, 1080.0) / -(e as f64 + 0.5)]
        }
        ("powf", "whole") => [d.binade(-50, 9, true), (1 + d.below(102)) as f64],
        ("powf", "exact") => {
            let k = d.below(4);
            let r = 1 + 2 * d.below(1 << (26 >> k));
            let e = d.below(201) as i64 - 100;
            let n = 1 + d.below(40);
            let x = r.pow(1 << k) as f64 * f64::from_bits((((e << k) + 1023) as u64) << 52);
            [x, n as f64 / (1u64 << k) as f64]
        }
        ("sin" | "cos" | "tan", "unit") => one(d.uniform(-10.0, 10.0)),
        ("sin" | "cos" | "tan", "wide") => one(d.binade(-60, 1023, true)),
        ("sin" | "cos" | "tan", "near_pio2") => {
            let k = 1 + d.below(1 << 20);
            let b = (k as f64 * std::f64::consts::FRAC_PI_2).to_bits() as i64
                + d.below(4001) as i64
                - 2000;
            one(f64::from_bits(b as u64))
        }
        ("sinh" | "cosh", "wide") => one(d.uniform(-712.0, 712.0)),
        ("sinh" | "cosh", "small") => one(d.binade(-60, 3, true)),
        ("tanh", "wide") => one(d.uniform(-25.0, 25.0)),
        ("tanh", "small") => one(d.binade(-60, 5, true)),
        ("atan", "wide") => one(d.binade(-60, 1023, true)),
        ("atan", "unit") => one(d.uniform(-4.0, 4.0)),
        _ => panic!("digests.txt names an unknown family `{family}` of `{name}`"),
    }
}

/// FNV-1a of `name/family`, plus the block's number.
fn block_seed(name: &str, family: &str, block: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in format!("{name}/{family}").bytes() {
        h = (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3);
    }
    h.wrapping_add(block)
}

/// One step of the digest: a bijection of `h` for each result, any NaN counting as one value.
fn digest_step(h: u64, x: f64) -> u64 {
    let b = if x.is_nan() {
        0x7ff8_0000_0000_0000
    } else {
        x.to_bits()
    };
    (h ^ b).wrapping_mul(0x100_0000_01b3)
}

#[test]
fn drawn_inputs_are_correctly_rounded() {
    let mut failures = Vec::new();
    let mut counts = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    for line in DIGESTS.lines().filter(|l| !l.starts_with('#')) {
        let words: Vec<&str> = line.split(' ').collect();
        let [name, family, block, digest] = words[..] else {
            panic!("malformed line `{line}`")
        };
        let block: u64 = block.parse().unwrap();
        let mut d = Draw {
            seed: block_seed(name, family, block),
            k: 0,
        };
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut h_std = h;
        for _ in 0..BLOCK {
            let args = draw(name, family, &mut d);
            let (ours, std) = call(name, &args[..arity(name)]);
            h = digest_step(h, ours);
            h_std = digest_step(h_std, std);
        }
        let entry = counts.entry(name).or_default();
        entry.0 += BLOCK;
        if format!("{h:016x}") != digest {
            failures.push(format!("{name} {family} block {block}: see `python3 tests/math/reference.py --show {name} {family} {block}`"));
        }
        if format!("{h_std:016x}") != digest {
            entry.1 += 1;
        }
    }
    for (name, (n, std_blocks)) in &counts {
        println!(
            "{name}: {n} drawn inputs; std here differs in {std_blocks} of {} blocks",
            n / BLOCK
        );
    }
    assert_eq!(
        counts.len(),
        FUNCTIONS.len(),
        "every function of optiscape::math has drawn inputs"
    );
    assert!(
        failures.is_empty(),
        "blocks whose results are not all correctly rounded:\n{}",
        failures.join("\n")
    );
}

/// `math::powi` spells out the products LLVM (and compiler-rt, and libgcc) compute for
/// `f64::powi`, which the landscapes taken from argmin_testfunctions use: the same bits here and,
/// under WASI, in wasm.
#[test]
#[allow(clippy::disallowed_methods, reason = "compares with std's powi")]
fn powi_is_stds_powi() {
    let mut d = Draw { seed: 2026, k: 0 };
    for _ in 0..20_000 {
        let x = d.binade(-80, 80, true);
        for n in -12..=12 {
            let (ours, std) = (math::powi(x, n), x.powi(std::hint::black_box(n)));
            assert!(same(ours, std), "powi({x:e}, {n}): {ours:e}, std {std:e}");
        }
        // And with the exponent a constant, as the landscapes write it (LLVM expands those).
        for (n, std) in [
            (2, x.powi(2)),
            (3, x.powi(3)),
            (4, x.powi(4)),
            (5, x.powi(5)),
            (6, x.powi(6)),
        ] {
            assert!(
                same(math::powi(x, n), std),
                "powi({x:e}, {n}): {:e}, std {std:e}",
                math::powi(x, n)
            );
        }
    }
}
