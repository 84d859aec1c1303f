//! A correctly rounded fused multiply-add that is fast without a hardware FMA.
//!
//! wasm32 has no FMA instruction, so `f64::mul_add` there calls compiler-builtins' software
//! `fma`, which works on integers and costs ~10 ns. [`fma`] returns the very same bits,
//! `RN(a b + c)` (one rounding to nearest-even), from about 30 ordinary f64 operations and no
//! branch that real data mispredicts; the optimizers' helpers use it on wasm32
//! (`src/optim/lanes.rs`), and `fma_f64x2` runs it on two lanes of a SIMD vector at once.
//!
//! # The algorithm
//!
//! It follows Boldo and Melquiond's emulated FMA ("Emulation of a FMA and correctly rounded sums:
//! proved algorithms using rounding to odd", IEEE Trans. Computers 57(4), 2008), with its
//! rounding to odd replaced by a cheaper test for the one case where it matters:
//!
//! 1. `p + ul = a b` exactly: Dekker's product with Veltkamp's splitting (no FMA needed);
//! 2. `th + tl = c + p` exactly: Knuth's TwoSum;
//! 3. `v = RN(tl + ul)` (Boldo and Melquiond round this sum to odd) and `z = RN(th + v)`.
//!
//! The exact result is `X = th + tl + ul = Y + e`, with `Y = th + v` and `e` the rounding error
//! of `v`. If `e = 0`, `z = RN(X)`. If `e != 0`, then `tl != 0`, so `c + p` was inexact, so it did
//! not cancel (Sterbenz) and `ulp(p) <= 2 ulp(th)`; hence `|v| <= |tl| + |ul| <= 1.5 ulp(th)`,
//! `ulp(v) <= 2^-51 ulp(th)`, and `z` is within a few ulp(v) of `th`. `Y`, the doubles near it
//! and the midpoints between them are all multiples of `ulp(v)`, while `0 < |e| <= ulp(v)/2`: no
//! midpoint lies strictly between `Y` and `X` or at `X`. So `RN(X) = RN(Y) = z` unless `Y`
//! itself is a midpoint, where the tie-break of `Y` need not be `X`'s direction. That case is
//! caught: there `err = v - (z - th)` is exact (Fast2Sum, `|th| >> |v|`) and equal to `Y - z`,
//! half a gap between doubles, a power of two. Any nonzero power-of-two `err` (or a subnormal
//! one) sends the call to the exact fallback; with full significands that is almost never.
//!
//! # Where it is exact, and the fallback
//!
//! The reasoning above holds in a binary64 format with unbounded exponents. The fast result is
//! used only where the real format computes the very same values:
//!
//! - *Underflow*: every value formed (Veltkamp's halves, Dekker's partial products and error,
//!   the sums and their errors) is a multiple of `min(ulp(a) ulp(b), ulp(c))`. When
//!   `|RN(a b)| >= 2^-968`, `ulp(a) ulp(b) > |a b| 2^-106` makes that grid at least `2^-1074`, the
//!   smallest subnormal, and rounding a multiple of `2^-1074` gives the same result with or
//!   without gradual underflow (below `2^-1022` it is exact either way). When `a` or `b` is zero
//!   every product is an exact zero and the grid is `ulp(c)`. Smaller nonzero products fall back.
//! - *Overflow and non-finite inputs*: the fast path only adds, subtracts and multiplies, so an
//!   infinity or NaN anywhere (an overflowing split `(2^27 + 1) a`, product or sum, or an
//!   infinite or NaN operand) reaches `z`; a non-finite `z` falls back.
//! - *Signed zeros*: a zero result is recomputed as `RN(a b) + c`, which is exact then (either a
//!   factor is zero and `a b` is an exact signed zero, or `c = -a b` exactly) and has IEEE's sign.
//!
//! The fallback is `f64::mul_add`, exact everywhere (software in wasm, rare in practice).
//! tests/fma.rs checks bit-identity with `f64::mul_add` natively on millions of random and
//! adversarial inputs: exact ties and near-ties, cancellations, exponents around every bound
//! above, subnormals, signed zeros, infinities and NaNs.

/// Veltkamp's splitting constant `2^27 + 1`: splits 53 bits into two halves of at most 26 bits
/// and a sign.
const SPLITTER: f64 = 134_217_729.0;

/// Products at least this large (`2^-968`) in magnitude keep every intermediate on a grid of
/// `2^-1074` (see the module header).
const MIN_PRODUCT: f64 = f64::from_bits((1023 - 968) << 52);

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const EXPONENT: u64 = 0x7ff0_0000_0000_0000;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const SIGNIFICAND: u64 = 0x000f_ffff_ffff_ffff;

/// `RN(a b + c)` with a single rounding, bit-identical to `f64::mul_add(a, b, c)` (NaNs aside: a
/// NaN result is a NaN, its payload unspecified).
#[inline(always)]
pub fn fma(a: f64, b: f64, c: f64) -> f64 {
    let (p, ul) = two_product(a, b);
    let (th, tl) = two_sum(c, p);
    let v = tl + ul;
    let z = th + v;
    let err = v - (z - th);
    let err_bits = err.to_bits();
    // A nonzero power of two (zero significand field), or a subnormal: defensive, since a
    // midpoint that matters is at least 2^-1022 from z as far as we can tell.
    let midpoint = (err != 0.0) & ((err_bits << 12 == 0) | (err_bits << 1 < 1 << 53));
    let on_grid = (p.abs() >= MIN_PRODUCT) | (a == 0.0) | (b == 0.0);
    // One branch for every exception, almost never taken.
    if on_grid & !midpoint & z.is_finite() {
        // A zero result takes IEEE's sign from `RN(a b) + c`; selected, not branched on (zero
        // gradients and states make it frequent and irregular).
        let zero = ((z == 0.0) as u64).wrapping_neg();
        f64::from_bits(((p + c).to_bits() & zero) | (z.to_bits() & !zero))
    } else {
        outside(a, b, c)
    }
}

/// [`fma`] on both lanes of two wasm SIMD vectors at once: the same operations lane by lane,
/// so the same bits. When either lane leaves the fast path, both are computed by [`fma`].
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub fn fma_f64x2(
    a: core::arch::wasm32::v128,
    b: core::arch::wasm32::v128,
    c: core::arch::wasm32::v128,
) -> core::arch::wasm32::v128 {
    use core::arch::wasm32::*;
    let split = |x: v128| {
        let g = f64x2_mul(f64x2_splat(SPLITTER), x);
        let hi = f64x2_sub(g, f64x2_sub(g, x));
        (hi, f64x2_sub(x, hi))
    };
    // two_product(a, b)
    let p = f64x2_mul(a, b);
    let ((ah, al), (bh, bl)) = (split(a), split(b));
    let ul = f64x2_add(
        f64x2_add(
            f64x2_add(f64x2_sub(f64x2_mul(ah, bh), p), f64x2_mul(ah, bl)),
            f64x2_mul(al, bh),
        ),
        f64x2_mul(al, bl),
    );
    // two_sum(c, p)
    let th = f64x2_add(c, p);
    let bb = f64x2_sub(th, c);
    let tl = f64x2_add(f64x2_sub(c, f64x2_sub(th, bb)), f64x2_sub(p, bb));
    let v = f64x2_add(tl, ul);
    let z = f64x2_add(th, v);
    let err = f64x2_sub(v, f64x2_sub(z, th));
    // The scalar tests, as one mask of the lanes that must fall back: `err` a nonzero power of
    // two (zero significand field) or subnormal (zero exponent field); a nonzero product below
    // MIN_PRODUCT; `z` not finite (`z - z` is NaN).
    let zero = f64x2_splat(0.0);
    let field_is_zero = |x: v128, field: u64| i64x2_eq(v128_and(x, u64x2_splat(field)), zero);
    let midpoint = v128_and(
        f64x2_ne(err, zero),
        v128_or(
            field_is_zero(err, SIGNIFICAND),
            field_is_zero(err, EXPONENT),
        ),
    );
    let off_grid = v128_and(
        f64x2_lt(f64x2_abs(p), f64x2_splat(MIN_PRODUCT)),
        v128_and(f64x2_ne(a, zero), f64x2_ne(b, zero)),
    );
    let zz = f64x2_sub(z, z);
    let not_finite = f64x2_ne(zz, zz);
    if !v128_any_true(v128_or(midpoint, v128_or(off_grid, not_finite))) {
        // A zero result takes IEEE's sign from `RN(a b) + c`.
        v128_bitselect(f64x2_add(p, c), z, f64x2_eq(z, zero))
    } else {
        outside_f64x2(a, b, c)
    }
}

/// [`fma_f64x2`]'s fallback: [`fma`] on each lane. Out of line, so the hot loop keeps its
/// registers.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[cold]
#[inline(never)]
fn outside_f64x2(
    a: core::arch::wasm32::v128,
    b: core::arch::wasm32::v128,
    c: core::arch::wasm32::v128,
) -> core::arch::wasm32::v128 {
    use core::arch::wasm32::*;
    let lane0 = fma(
        f64x2_extract_lane::<0>(a),
        f64x2_extract_lane::<0>(b),
        f64x2_extract_lane::<0>(c),
    );
    let lane1 = fma(
        f64x2_extract_lane::<1>(a),
        f64x2_extract_lane::<1>(b),
        f64x2_extract_lane::<1>(c),
    );
    f64x2(lane0, lane1)
}

/// The fallback: the library's fma (software in wasm), exact everywhere.
#[cold]
#[inline(never)]
fn outside(a: f64, b: f64, c: f64) -> f64 {
    a.mul_add(b, c)
}

/// Knuth's TwoSum: `s = RN(a + b)` and the exact error `e`, `a + b = s + e`, whatever the
/// magnitudes.
#[inline(always)]
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// Veltkamp's splitting: `a = hi + lo` exactly, each with at most 26 significant bits.
#[inline(always)]
fn split(a: f64) -> (f64, f64) {
    let g = SPLITTER * a;
    let hi = g - (g - a);
    (hi, a - hi)
}

/// Dekker's TwoProduct: `p = RN(a b)` and the exact error `e`, `a b = p + e`.
#[inline(always)]
fn two_product(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    (p, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(x: f64, y: f64) -> bool {
        x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
    }

    #[test]
    fn known_values() {
        // 0.1 * 10 - 1 is 2^-54 fused (0.1 is slightly above 1/10), 0 unfused.
        assert_eq!(fma(0.1, 10.0, -1.0), crate::math::powi(2.0, -54));
        assert_eq!(fma(-0.0, 1.0, 0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(fma(-0.0, 1.0, -0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(fma(3.0, -2.0, 6.0).to_bits(), 0.0f64.to_bits());
        assert!(fma(0.0, f64::INFINITY, 1.0).is_nan());
        assert_eq!(fma(1e300, 1e10, -f64::INFINITY), f64::NEG_INFINITY);
        // The product overflows, the fused result does not.
        assert_eq!(fma(f64::MAX, 2.0, -f64::MAX), f64::MAX);
    }

    #[test]
    fn midpoints_fall_back_and_stay_exact() {
        // (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60: ul = 2^-60. With c = 2^-53, Y = 1 + 2^-29 + 2^-53 is
        // a midpoint only after rounding tl + ul; the exact sum is just above it.
        let a = 1.0 + crate::math::powi(2.0, -30);
        for c in [
            crate::math::powi(2.0, -53),
            -(crate::math::powi(2.0, -53)),
            3.0 * crate::math::powi(2.0, -53),
            crate::math::powi(2.0, -54),
        ] {
            assert!(same(fma(a, a, c), a.mul_add(a, c)), "c = {c:e}");
        }
    }
}
