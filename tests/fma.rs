//! `optim::fma::fma`, the FMA the optimizers use in wasm, is bit-identical to a correctly rounded
//! fused multiply-add: compared with `f64::mul_add` (natively a hardware FMA or compiler-builtins'
//! exact software one) on millions of random inputs drawn to hit every hard case, exact ties
//! checked against integer arithmetic too. Release build: well under 10 s.

use optiscape::classify::model;
use optiscape::optim::fma::fma;
#[cfg(not(target_os = "wasi"))]
use proptest::prelude::*;
#[cfg(not(target_os = "wasi"))]
mod common;

/// The crate's splitmix64, with the draws this test needs.
struct Rng(model::Rng);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(model::Rng::new(seed))
    }
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn sign(&mut self) -> f64 {
        if self.next() & 1 == 0 {
            1.0
        } else {
            -1.0
        }
    }
    /// A random significand in [1, 2) with all 52 fraction bits random.
    fn significand(&mut self) -> f64 {
        f64::from_bits((1023 << 52) | (self.next() >> 12))
    }
    /// ±significand × 2^e, e uniform in [lo, hi].
    fn value(&mut self, lo: i64, hi: i64) -> f64 {
        let e = self.range(lo, hi);
        self.with_exponent(e)
    }
    /// ±significand × 2^e, with a full random significand.
    fn with_exponent(&mut self, e: i64) -> f64 {
        self.sign() * self.significand() * pow2(e)
    }
}

/// 2^e exactly, including subnormal and overflowing powers.
fn pow2(e: i64) -> f64 {
    if e > 1023 {
        f64::INFINITY
    } else if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else if e >= -1074 {
        f64::from_bits(1 << (e + 1074))
    } else {
        0.0
    }
}

fn same(x: f64, y: f64) -> bool {
    x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
}

/// The FMA under test on two cases at once: in wasm with SIMD, the optimizers' pair type
/// (`Lanes::fused` on `F64x2`, both lanes in one vector); elsewhere `fma` on each.
fn fused_pair(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> [f64; 2] {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use optiscape::optim::lanes::{F64x2, Lanes};
        let mut out = [0.0; 2];
        F64x2::fused(F64x2::load(&a, 0), F64x2::load(&b, 0), F64x2::load(&c, 0)).store(&mut out, 0);
        out
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        [fma(a[0], b[0], c[0]), fma(a[1], b[1], c[1])]
    }
}

/// Runs `n` cases from `draw` through `fma` and, two by two, through [`fused_pair`]; panics
/// with the first few mismatches.
fn check(name: &str, seed: u64, n: usize, mut draw: impl FnMut(&mut Rng) -> [f64; 3]) {
    let mut rng = Rng::new(seed);
    let mut bad = Vec::new();
    let mut mismatches = 0usize;
    for _ in 0..n / 2 {
        let (x, y) = (draw(&mut rng), draw(&mut rng));
        let pair = fused_pair([x[0], y[0]], [x[1], y[1]], [x[2], y[2]]);
        for ([a, b, c], paired) in [(x, pair[0]), (y, pair[1])] {
            let reference = a.mul_add(b, c);
            for (how, ours) in [("fma", fma(a, b, c)), ("pair", paired)] {
                if !same(ours, reference) {
                    mismatches += 1;
                    if bad.len() < 8 {
                        bad.push(format!("{how}({a:e}, {b:e}, {c:e}) = {ours:e} ({:#018x}), mul_add {reference:e} ({:#018x})", ours.to_bits(), reference.to_bits()));
                    }
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{name}: {mismatches} of {n} differ:\n{}",
        bad.join("\n")
    );
}

const N: usize = 2_000_000;

#[test]
fn any_bit_patterns() {
    // Every class at once: NaNs, infinities, subnormals, zeros are rare but present.
    check("any bits", 1, N, |r| {
        [
            f64::from_bits(r.next()),
            f64::from_bits(r.next()),
            f64::from_bits(r.next()),
        ]
    });
    // Exponents concentrated on the extremes: each operand tiny, huge or ordinary.
    check("extreme exponents", 2, N, |r| {
        let one = |r: &mut Rng| match r.below(4) {
            0 => r.value(-1080, -900),
            1 => r.value(900, 1023),
            2 => f64::from_bits(r.next() >> 12) * r.sign(), // subnormal (or zero)
            _ => r.value(-60, 60),
        };
        [one(r), one(r), one(r)]
    });
}

#[test]
fn everyday_values() {
    check("everyday", 3, N, |r| {
        let (ea, eb) = (r.range(-30, 30), r.range(-30, 30));
        [
            r.with_exponent(ea),
            r.with_exponent(eb),
            r.value(ea + eb - 60, ea + eb + 60),
        ]
    });
    // The optimizers' calls: lerp(m, g, 0.1) = fma(0.1, g - m, m) and
    // addcmul(0.999 v, g, g, 0.001) = fma(0.001 g, g, 0.999 v), with zero gradients and states.
    let w = 1.0 - 0.9;
    check("lerp", 4, N, |r| {
        let m = if r.below(5) == 0 {
            0.0
        } else {
            r.value(-40, 2)
        };
        let g = if r.below(3) == 0 {
            0.0
        } else {
            r.value(-40, 2)
        };
        [w, g - m, m]
    });
    check("addcmul", 5, N, |r| {
        let v = if r.below(5) == 0 {
            0.0
        } else {
            r.significand() * pow2(r.range(-80, 4))
        };
        let g = if r.below(3) == 0 {
            0.0
        } else {
            r.value(-40, 2)
        };
        [(1.0 - 0.999) * g, g, v * 0.999]
    });
}

#[test]
fn cancellation() {
    // c close to -a b: the result is the product's rounding error, or a few ulps more.
    check("cancellation", 6, N, |r| {
        let (a, b) = (r.value(-200, 200), r.value(-200, 200));
        let p = a * b;
        let c = match r.below(3) {
            0 => -p,
            1 => f64::from_bits((-p).to_bits().wrapping_add(r.range(-3, 3) as u64)),
            _ => -p * (1.0 + r.sign() * pow2(-r.range(1, 60))),
        };
        [a, b, c]
    });
}

#[test]
fn bounds_of_the_fast_path() {
    // Products around 2^-968 (the grid bound) and the subnormal range, results that underflow;
    // factors around 2^996 (the splitting overflow), products and sums around 2^1024.
    check("tiny products", 7, N, |r| {
        let ea = r.range(-1074, 60);
        // Around the 2^-968 bound, and down to results in the subnormal range.
        let eb = if r.below(2) == 0 {
            r.range(-975, -960)
        } else {
            r.range(-1100, -960)
        } - ea;
        let c = match r.below(4) {
            0 => 0.0 * r.sign(),
            1 => f64::from_bits(r.next() >> 12) * r.sign(),
            2 => r.value(ea + eb - 60, ea + eb + 60),
            _ => r.value(-1074, -900),
        };
        [r.with_exponent(ea), r.with_exponent(eb), c]
    });
    // Cancellation down there: the result is the product's error, rounded to the subnormal grid.
    check("tiny cancellation", 12, N, |r| {
        let ea = r.range(-1000, 60);
        let eb = r.range(-1100, -900) - ea;
        let (a, b) = (r.with_exponent(ea), r.with_exponent(eb));
        let p = a * b;
        [
            a,
            b,
            f64::from_bits((-p).to_bits().wrapping_add(r.range(-2, 2) as u64)),
        ]
    });
    check("huge", 8, N, |r| {
        let ea = r.range(960, 1023);
        let eb = r.range(1015, 1025) - ea;
        let c = match r.below(3) {
            0 => r.value(1015, 1023),
            1 => -(r.with_exponent(ea) * r.with_exponent(eb)),
            _ => r.value(-10, 1023),
        };
        [r.with_exponent(ea), r.with_exponent(eb), c]
    });
    check("huge factor, small product", 9, N, |r| {
        let ea = r.range(990, 1023);
        let eb = r.range(-1100, -950);
        [
            r.with_exponent(ea),
            r.with_exponent(eb).max(pow2(-1074)),
            r.value(ea + eb - 60, ea + eb + 5),
        ]
    });
}

/// Exact ties and near-ties: a = A 2^s, b = B, c = C 2^s with integers A, B < 2^27 (A B of
/// 53 or 54 bits) and
/// |C| < 2^53, so that a b + c = (A B + C) 2^s exactly; C is moved so that A B + C is a midpoint
/// between doubles, or 1 or 2 units from one. The expected result is also computed with
/// integers (i128 to f64 rounds to nearest-even).
#[test]
fn ties() {
    let mut rng = Rng::new(10);
    let mut checked = 0;
    for _ in 0..N {
        let r = &mut rng;
        let (bits_a, bits_b) = (27, 27);
        let big_a = (r.next() >> (64 - bits_a)) | 1 << (bits_a - 1);
        let big_b = (r.next() >> (64 - bits_b)) | 1 << (bits_b - 1);
        let product = (big_a * big_b) as i128 * if r.next() & 1 == 0 { 1 } else { -1 };
        // Mostly of the product's sign, so that X has 54 or 55 bits and rounds.
        let mut big_c = (r.next() >> r.range(11, 50)) as i128
            * product.signum()
            * if r.below(4) == 0 { -1 } else { 1 };
        // Move C so that X = AB + C sits on (or next to) a midpoint of X's binade.
        let x = product + big_c;
        let magnitude = 128 - x.unsigned_abs().leading_zeros() as i32; // bits of |X|
        if magnitude <= 53 {
            continue; // exact in a double: no rounding to test
        }
        let ulp = 1i128 << (magnitude - 53);
        let offset = x.rem_euclid(ulp);
        big_c += ulp / 2 - offset + r.range(-2, 2) as i128;
        if big_c.unsigned_abs() >= 1 << 53 {
            continue;
        }
        let x = product + big_c;
        let s = r.range(-1000, 900);
        let (a, b, c) = (
            big_a as f64 * pow2(s) * if product < 0 { -1.0 } else { 1.0 },
            big_b as f64,
            big_c as f64 * pow2(s),
        );
        let expected = x as f64 * pow2(s);
        if !expected.is_finite()
            || expected.abs() < f64::MIN_POSITIVE
            || a.abs() < f64::MIN_POSITIVE
            || c != 0.0 && c.abs() < f64::MIN_POSITIVE
        {
            continue; // scaling was not exact: the integer reference does not apply
        }
        assert!(
            same(fma(a, b, c), expected),
            "fma({a:e}, {b:e}, {c:e}) = {:e}, exact {expected:e}",
            fma(a, b, c)
        );
        assert!(
            same(a.mul_add(b, c), expected),
            "mul_add itself is wrong on ({a:e}, {b:e}, {c:e})"
        );
        checked += 1;
    }
    assert!(checked > N / 2, "only {checked} tie cases were usable");
}

/// Sparse operands (1 + 2^-i + ...): exact product errors that are powers of two, so that
/// `tl + ul` rounds and `th + v` lands on midpoints, the case the fast path must detect.
#[test]
fn sparse_operands() {
    check("sparse", 11, N, |r| {
        let sparse = |r: &mut Rng| {
            let mut x = 1.0;
            for _ in 0..r.below(4) {
                x += r.sign() * pow2(-r.range(1, 60));
            }
            x * r.sign() * pow2(r.range(-20, 20))
        };
        let (a, b) = (sparse(r), sparse(r));
        let c = match r.below(3) {
            0 => sparse(r),
            1 => -(a * b) + sparse(r) * pow2(-r.range(20, 60)),
            _ => r.sign() * pow2(r.range(-80, 20)),
        };
        [a, b, c]
    });
    // The same scaled so that results sit just above 2^-970, where half a gap between doubles
    // (2^-1023) is subnormal.
    check("sparse near 2^-970", 13, N, |r| {
        let sparse = |r: &mut Rng| {
            let mut x = 1.0;
            for _ in 0..r.below(4) {
                x += r.sign() * pow2(-r.range(1, 60));
            }
            x * r.sign()
        };
        let (a, b) = (sparse(r), sparse(r));
        let c = match r.below(2) {
            0 => sparse(r),
            _ => -(a * b) + sparse(r) * pow2(-r.range(0, 3)),
        };
        let s = pow2(r.range(-972, -966));
        [a * s, b, c * s]
    });
}

#[test]
fn special_values() {
    let specials = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        3.0,
        -7.0,
        1.0 + f64::EPSILON,
        1.0 - f64::EPSILON / 2.0,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        pow2(-1074),
        -pow2(-1074),
        f64::from_bits(0x000f_ffff_ffff_ffff),
        pow2(-968),
        pow2(-969),
        pow2(-537),
        pow2(-484),
        pow2(511),
        pow2(512),
        pow2(995),
        pow2(996),
        pow2(1023),
        f64::MAX,
        -f64::MAX,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        0.1,
        -0.1,
        1e308,
        1e-308,
    ];
    for &a in &specials {
        for &b in &specials {
            for &c in &specials {
                let reference = a.mul_add(b, c);
                let ours = fma(a, b, c);
                assert!(
                    same(ours, reference),
                    "fma({a:e}, {b:e}, {c:e}) = {ours:e}, mul_add {reference:e}"
                );
                // Beside an ordinary lane, and beside itself.
                let [paired, _] = fused_pair([a, 0.1], [b, 3.0], [c, -7.0]);
                assert!(
                    same(paired, reference),
                    "pair({a:e}, {b:e}, {c:e}) = {paired:e}, mul_add {reference:e}"
                );
                let both = fused_pair([a, a], [b, b], [c, c]);
                assert!(
                    both.iter().all(|&x| same(x, reference)),
                    "pair of ({a:e}, {b:e}, {c:e}) = {both:?}"
                );
            }
        }
    }
}

#[cfg(not(target_os = "wasi"))]
proptest! {
    #![proptest_config(common::seed::config(20_000))]

    /// The same property with proptest's shrinking, on operands near each other in exponent.
    #[test]
    fn matches_mul_add(a in -1e6f64..1e6, b in -1e6f64..1e6, scale in -60i32..60, c in -1e6f64..1e6) {
        let c = c * optiscape::math::powi(2.0, scale);
        prop_assert!(same(fma(a, b, c), a.mul_add(b, c)), "fma({a:e}, {b:e}, {c:e})");
        prop_assert!(same(fma(a, b, -a * b), a.mul_add(b, -a * b)));
    }
}
