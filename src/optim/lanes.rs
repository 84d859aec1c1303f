//! Elementwise updates written once, run one weight or two at a time.
//!
//! An optimizer's per-weight formula is written over a [`Lanes`] type: `f64` (one weight) or,
//! in wasm built with SIMD (`-C target-feature=+simd128`, which `.cargo/config.toml` sets for
//! wasm32), `F64x2` (two weights in one 128-bit vector). Every lane operation is the IEEE
//! operation of its scalar twin (`f64x2.add` rounds each lane as `f64.add` does; the fused
//! multiply-add is [`super::fma`]'s, lane by lane), so both widths give the very same bits;
//! `tests/lanes.rs` checks it under wasm. [`each_lane!`](crate::each_lane) drives a loop: pairs while two
//! weights are left, then single ones.
//!
//! Natively there is no pair type: the compiler's own code for `f64` with a hardware FMA is
//! already fast, and wasm is where the classifier trains in a lecture.

use std::ops::{Add, Div, Mul, MulAssign, Sub};

/// One weight (`f64`) or several, with the operations the optimizers' helpers need.
pub trait Lanes:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self> + MulAssign
{
    /// Weights per value.
    const WIDTH: usize;
    /// `x` in every lane.
    fn splat(x: f64) -> Self;
    /// `s[i..i + WIDTH]`.
    fn load(s: &[f64], i: usize) -> Self;
    /// Writes `s[i..i + WIDTH]`.
    fn store(self, s: &mut [f64], i: usize);
    /// `RN(a b + c)` per lane, one rounding.
    fn fused(a: Self, b: Self, c: Self) -> Self;
    fn sqrt(self) -> Self;
    /// torch's `maximum` per lane: NaN on either side gives NaN.
    fn maximum(self, other: Self) -> Self;
}

impl Lanes for f64 {
    const WIDTH: usize = 1;
    #[inline(always)]
    fn splat(x: f64) -> f64 {
        x
    }
    #[inline(always)]
    fn load(s: &[f64], i: usize) -> f64 {
        s[i]
    }
    #[inline(always)]
    fn store(self, s: &mut [f64], i: usize) {
        s[i] = self
    }
    /// wasm32 has no FMA instruction and `f64::mul_add` is a slow software routine there, so it
    /// uses [`super::fma::fma`] (same bits, ~2.5x faster); natively `mul_add` is a hardware FMA
    /// (inline, or behind a runtime CPU check) and faster still.
    #[inline(always)]
    fn fused(a: f64, b: f64, c: f64) -> f64 {
        #[cfg(target_arch = "wasm32")]
        {
            super::fma::fma(a, b, c)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            a.mul_add(b, c)
        }
    }
    #[inline(always)]
    fn sqrt(self) -> f64 {
        f64::sqrt(self)
    }
    #[inline(always)]
    fn maximum(self, other: f64) -> f64 {
        // Rust's `f64::max` would drop a NaN.
        if self.is_nan() || other.is_nan() {
            f64::NAN
        } else {
            self.max(other)
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use simd::F64x2;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::Lanes;
    use core::arch::wasm32::*;
    use std::ops::{Add, Div, Mul, MulAssign, Sub};

    /// Two weights in one wasm SIMD vector.
    #[derive(Clone, Copy)]
    pub struct F64x2(pub v128);

    macro_rules! binary {
        ($trait:ident, $method:ident, $op:ident) => {
            impl $trait for F64x2 {
                type Output = F64x2;
                #[inline(always)]
                fn $method(self, o: F64x2) -> F64x2 {
                    F64x2($op(self.0, o.0))
                }
            }
        };
    }
    binary!(Add, add, f64x2_add);
    binary!(Sub, sub, f64x2_sub);
    binary!(Mul, mul, f64x2_mul);
    binary!(Div, div, f64x2_div);

    impl MulAssign for F64x2 {
        #[inline(always)]
        fn mul_assign(&mut self, o: F64x2) {
            *self = *self * o;
        }
    }

    impl Lanes for F64x2 {
        const WIDTH: usize = 2;
        #[inline(always)]
        fn splat(x: f64) -> F64x2 {
            F64x2(f64x2_splat(x))
        }
        #[inline(always)]
        fn load(s: &[f64], i: usize) -> F64x2 {
            let s = &s[i..i + 2];
            // SAFETY: `s` holds two f64 (16 bytes); wasm loads need no alignment.
            F64x2(unsafe { v128_load(s.as_ptr().cast()) })
        }
        #[inline(always)]
        fn store(self, s: &mut [f64], i: usize) {
            let s = &mut s[i..i + 2];
            // SAFETY: as in `load`.
            unsafe { v128_store(s.as_mut_ptr().cast(), self.0) }
        }
        #[inline(always)]
        fn fused(a: F64x2, b: F64x2, c: F64x2) -> F64x2 {
            F64x2(crate::optim::fma::fma_f64x2(a.0, b.0, c.0))
        }
        #[inline(always)]
        fn sqrt(self) -> F64x2 {
            F64x2(f64x2_sqrt(self.0))
        }
        #[inline(always)]
        fn maximum(self, o: F64x2) -> F64x2 {
            // wasm's `f64x2.max` returns NaN when either lane is NaN, as torch does.
            F64x2(f64x2_max(self.0, o.0))
        }
    }
}

/// The four running sums of `a · b` over the terms `i mod 4` (`a` and `b` as long, a multiple
/// of 4): four short chains of additions instead of one long one, each summed in index order, so
/// the same bits natively (four scalars) and in wasm with SIMD (two pairs).
pub fn dot4(a: &[f64], b: &[f64]) -> [f64; 4] {
    assert!(
        a.len() == b.len() && a.len().is_multiple_of(4),
        "dot4 takes two slices of one length, a multiple of 4"
    );
    let mut sums = [0.0; 4];
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        let (mut low, mut high) = (F64x2::splat(0.0), F64x2::splat(0.0));
        let mut i = 0;
        while i < a.len() {
            low = low + F64x2::load(a, i) * F64x2::load(b, i);
            high = high + F64x2::load(a, i + 2) * F64x2::load(b, i + 2);
            i += 4;
        }
        low.store(&mut sums, 0);
        high.store(&mut sums, 2);
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    for (x, y) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        sums[0] += x[0] * y[0];
        sums[1] += x[1] * y[1];
        sums[2] += x[2] * y[2];
        sums[3] += x[3] * y[3];
    }
    sums
}

/// `each_lane!(n, |i, L| body)` runs `body` for `i` covering `0..n`, with `L` the lane type of
/// that pass: [`F64x2`] for pairs (wasm with SIMD), then `f64` for what is left.
#[macro_export]
#[doc(hidden)]
macro_rules! each_lane {
    ($n:expr, |$i:ident, $L:ident| $body:expr) => {{
        let n: usize = $n;
        let mut $i = 0usize;
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            type $L = $crate::optim::lanes::F64x2;
            while $i + 2 <= n {
                $body;
                $i += 2;
            }
        }
        {
            type $L = f64;
            while $i < n {
                $body;
                $i += 1;
            }
        }
    }};
}
