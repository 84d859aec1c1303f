//! The core's elementary functions, correctly rounded: each returns the double nearest to the
//! exact result (ties to even), so there is one right answer and every platform gives it, the
//! browser's wasm and the native CLI alike, bit for bit.
//!
//! `f64::exp`, `ln`, `powf`, `sin` and the rest are not that: natively they call the C library
//! (glibc's differ from macOS's, and glibc picks an FMA or a non-FMA `exp` by CPU), in wasm
//! Rust's port of musl's libm, and they all miss the last bit now and then. A chaotic race (a
//! learning rate at the edge of divergence, Rastrigin at scale 1000, the classifier on inputs
//! times 50) grows that bit into a different path. So the core calls these instead; clippy.toml
//! forbids the std ones outside `src/render/`, where only pixels depend on them.
//!
//! The implementations are the `pxfm` crate's, pure Rust ports of CORE-MATH's and LLVM libc's
//! correctly rounded binary64 functions (a fast path with a rounding test, then a slower, more
//! precise one), with the few places where its version 0.1.30 is not correctly rounded handled
//! here ([`powf`], [`tan`], [`sinh`]). Natively on x86-64 some take an FMA path when the CPU has
//! one, in wasm a path without: both are correctly rounded, so the bits agree. `tests/math.rs`
//! holds every function here to mpmath's correctly rounded results over 2.7 million drawn
//! inputs, special values and hard cases, natively and under Node's WASI. Same names and
//! semantics as std (C99 Annex F for special values). No hypot: `(x * x + y * y).sqrt()` is
//! exact operations, the same bits everywhere, where the core needs a length.

/// e^x.
pub fn exp(x: f64) -> f64 {
    pxfm::f_exp(x)
}

/// The natural logarithm.
pub fn ln(x: f64) -> f64 {
    pxfm::f_log(x)
}

/// The base-10 logarithm (exact at powers of ten).
pub fn log10(x: f64) -> f64 {
    pxfm::f_log10(x)
}

/// x^y, the C library's `pow` (what Python's `x ** y` computes for floats), correctly rounded.
///
/// pxfm 0.1.30's `f_pow` is correctly rounded on what tests/math.rs draws except in five places,
/// handled here: C99's special values (`pow(1, NaN)` and `pow(NaN, 0)` are 1), results that are
/// exactly representable or exactly halfway between two doubles (it rounds some ties the wrong
/// way; [`exact_pow`]), `x^-0.5` for huge x (an overflow inside gives NaN; scaled by a power of
/// four instead), its shortcuts for x = 2 and 10, which misround subnormal results (so 2^y and
/// 10^y are computed as 4^(y/2) and 100^(y/2), the same numbers), and subnormal results of
/// whole powers up to 102 ([`whole_power`]).
///
/// x^0.5 for x > 0 is the square root, which IEEE 754 rounds correctly: the same number, found
/// in one instruction. Other results are remembered ([`Memo`]): racers of one optimizer share
/// `beta^t` at every step.
pub fn powf(x: f64, y: f64) -> f64 {
    if y == 0.0 || x == 1.0 {
        return 1.0;
    }
    if !(x.is_finite() && y.is_finite()) || x == 0.0 {
        return pxfm::f_pow(x, y);
    }
    if y == 0.5 && x > 0.0 {
        return x.sqrt();
    }
    MEMO.with(|m| m.get_or(x, y, || pow_finite(x, y)))
}

/// Slots of the [`Memo`] (a power of two).
const MEMO_SLOTS: usize = 4096;

/// The latest [`powf`] results, one per slot chosen by hashing the arguments' bits (a later
/// result takes the slot): a race steps each racer a few hundred steps in turn, so a racer
/// finds the `beta^t` of the racers before it. A slot holds its arguments' bits, so a result
/// is only ever returned for the very arguments it was computed for.
struct Memo(std::cell::RefCell<Vec<[u64; 3]>>);

thread_local!(static MEMO: Memo = const { Memo(std::cell::RefCell::new(Vec::new())) });

impl Memo {
    /// The remembered result for `(x, y)` (x nonzero: a slot of zeros never matches), else
    /// `compute()`'s, remembered.
    fn get_or(&self, x: f64, y: f64, compute: impl FnOnce() -> f64) -> f64 {
        let (xb, yb) = (x.to_bits(), y.to_bits());
        let h = (xb ^ yb.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = (h >> 52) as usize & (MEMO_SLOTS - 1);
        if let Some(&[a, b, r]) = self.0.borrow().get(slot) {
            if a == xb && b == yb {
                return f64::from_bits(r);
            }
        }
        let r = compute();
        let mut slots = self.0.borrow_mut();
        if slots.is_empty() {
            slots.resize(MEMO_SLOTS, [0; 3]);
        }
        slots[slot] = [xb, yb, r.to_bits()];
        r
    }
}

/// [`powf`] for x nonzero and finite, y finite and nonzero.
fn pow_finite(x: f64, y: f64) -> f64 {
    let odd = y.fract() == 0.0 && y.abs() < 9007199254740992.0 && (y as i64) & 1 == 1;
    if x < 0.0 && y.fract() != 0.0 {
        return f64::NAN;
    }
    let sign = if x < 0.0 && odd { -1.0 } else { 1.0 };
    let ax = x.abs();
    if let Some(r) = exact_pow(ax, y) {
        return sign * r;
    }
    let r = if y == -0.5 && !(1e-300..=1e300).contains(&ax) {
        // (x 4^-k)^-0.5 = x^-0.5 2^k exactly; the result is normal either way.
        let k = (ax.log2_floor() / 2) as i32;
        pxfm::f_pow(ax * pow2(-k) * pow2(-k), -0.5) * pow2(-k)
    } else if ax == 2.0 || ax == 10.0 {
        pxfm::f_pow(ax * ax, y * 0.5)
    } else {
        pxfm::f_pow(ax, y)
    };
    // pxfm computes whole powers up to 102 in triple-double, whose low parts underflow below
    // about 2^-916 (then it misrounds now and then), and rounds subnormal results twice.
    if r < TINY && y.fract() == 0.0 && (1.0..=102.0).contains(&y) {
        return sign * whole_power(ax, y as u32);
    }
    sign * r
}

/// 2^-900: below it, [`whole_power`] replaces pxfm's whole powers.
const TINY: f64 = f64::from_bits((1023 - 900) << 52);

/// x^n for x > 0 finite and a whole n <= 102: m^n 2^(e n) for x = m 2^e, exactly (at most 5406
/// bits), rounded once.
fn whole_power(x: f64, n: u32) -> f64 {
    let (m, e) = odd_significand(x);
    let mut limbs: Vec<u64> = vec![1];
    for _ in 0..n {
        let mut carry = 0u128;
        for l in limbs.iter_mut() {
            let v = u128::from(*l) * u128::from(m) + carry;
            *l = v as u64;
            carry = v >> 64;
        }
        if carry > 0 {
            limbs.push(carry as u64);
        }
    }
    round_big(&limbs, e * i64::from(n))
}

/// `limbs` (an integer, least significant limb first) times 2^t, rounded to the nearest double,
/// ties to even.
fn round_big(limbs: &[u64], t: i64) -> f64 {
    let bits = limbs.len() as i64 * 64 - i64::from(limbs[limbs.len() - 1].leading_zeros());
    let bit = |i: i64| i >= 0 && i < bits && (limbs[(i / 64) as usize] >> (i % 64)) & 1 == 1;
    let top = bits - 1 + t;
    if top > 1023 {
        return f64::INFINITY;
    }
    let lsb = (top - 52).max(-1074);
    let shift = lsb - t;
    if shift <= 0 {
        return round_scaled(
            u128::from(limbs[0]) | u128::from(*limbs.get(1).unwrap_or(&0)) << 64,
            t,
        );
    }
    let mut q = 0u64;
    for i in (shift..bits).rev() {
        q = q << 1 | u64::from(bit(i));
    }
    let sticky = (0..shift - 1).any(bit);
    if bit(shift - 1) && (sticky || q & 1 == 1) {
        q += 1;
    }
    q as f64 * pow2(lsb as i32)
}

/// x^y when it is a dyadic number of at most 54 significant bits (so exactly a double, or a
/// midpoint between two, whose rounding needs the exact value), correctly rounded; None
/// otherwise. x > 0 finite, y finite and nonzero. x = m 2^e with m odd: x^y is dyadic only for
/// m = 1 and e y whole, or y = n / 2^k (n odd, k >= 0) with m a perfect 2^k-th power r^(2^k),
/// 2^k dividing e, and n > 0; then x^y = r^n 2^(e n / 2^k).
fn exact_pow(x: f64, y: f64) -> Option<f64> {
    let (m, e) = odd_significand(x);
    let (n, k) = dyadic(y);
    if m == 1 {
        // 2^(e y): e y whole, and small enough to compute (beyond, pxfm's 0 and inf are exact).
        if k > 0 && (e % (1i64 << k.min(62))) != 0 || k > 62 || n.unsigned_abs() > 1 << 20 {
            return None;
        }
        let t = e.checked_mul(n)? >> k;
        return Some(round_scaled(1, t));
    }
    if n < 0 || k > 5 || e % (1 << k) != 0 {
        return None;
    }
    let mut r = m as u128;
    for _ in 0..k {
        let s = (r as f64).sqrt() as u128;
        if s * s != r {
            return None;
        }
        r = s;
    }
    // r >= 3, so r^n < 2^54 needs n <= 34.
    let mut p: u128 = 1;
    for _ in 0..n.min(35) {
        p *= r;
        if p >= 1 << 54 {
            return None;
        }
    }
    Some(round_scaled(p, (e >> k) * n))
}

/// x = m 2^e with m odd (x > 0 finite).
fn odd_significand(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let biased = (bits >> 52) as i64;
    let (mut m, mut e) = if biased == 0 {
        (bits, -1074)
    } else {
        (bits & ((1 << 52) - 1) | 1 << 52, biased - 1075)
    };
    let z = m.trailing_zeros();
    m >>= z;
    e += i64::from(z);
    (m, e)
}

/// y = n / 2^k with n odd (or y whole: k = 0, n = y when |y| < 2^62; else n = 0 as "too large").
fn dyadic(y: f64) -> (i64, u32) {
    let (m, e) = odd_significand(y.abs());
    let sign = if y < 0.0 { -1 } else { 1 };
    if e >= 0 {
        return if e < 10 {
            (sign * ((m << e) as i64), 0)
        } else {
            (sign * (1 << 40), 0)
        };
    }
    (sign * m as i64, (-e) as u32)
}

/// p 2^t rounded to the nearest double, ties to even (p < 2^55).
fn round_scaled(p: u128, t: i64) -> f64 {
    let top = 127 - i64::from(p.leading_zeros()) + t;
    if top > 1023 {
        return f64::INFINITY;
    }
    // The exponent of the last place kept: 53 bits, fewer among subnormals.
    let lsb = (top - 52).max(-1074);
    if lsb <= t {
        return (p << (t - lsb)) as f64 * pow2(lsb as i32);
    }
    let shift = lsb - t;
    if shift > 60 {
        return 0.0;
    }
    let (mut q, rest, half) = (p >> shift, p & ((1 << shift) - 1), 1u128 << (shift - 1));
    if rest > half || (rest == half && q & 1 == 1) {
        q += 1;
    }
    q as f64 * pow2(lsb as i32)
}

/// 2^k exactly, k in [-1074, 1023].
fn pow2(k: i32) -> f64 {
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1 << (k + 1074))
    }
}

trait Log2Floor {
    fn log2_floor(self) -> i64;
}

impl Log2Floor for f64 {
    /// floor(log2 x) for x > 0 finite, from the bits.
    fn log2_floor(self) -> i64 {
        let (m, e) = odd_significand(self);
        e + 63 - i64::from(m.leading_zeros())
    }
}

/// x^n by repeated squaring, `1 / x^|n|` for n < 0: the very products LLVM expands `f64::powi`
/// into and compiler-rt's and libgcc's `__powidf2` compute (so `powi(x, 2)` is `x * x`, as in
/// torch), spelled out here because std documents `powi`'s precision as unspecified. It is
/// not x^n correctly rounded (use [`powf`] for that): several roundings, in a fixed order.
pub fn powi(x: f64, n: i32) -> f64 {
    let mut base = x;
    let mut k = n.unsigned_abs();
    let mut acc = 1.0;
    while k > 0 {
        if k & 1 == 1 {
            acc *= base;
        }
        k >>= 1;
        if k > 0 {
            base *= base;
        }
    }
    if n < 0 {
        1.0 / acc
    } else {
        acc
    }
}

pub fn sin(x: f64) -> f64 {
    pxfm::f_sin(x)
}

pub fn cos(x: f64) -> f64 {
    pxfm::f_cos(x)
}

pub fn tan(x: f64) -> f64 {
    // pxfm 0.1.30 rounds one of CORE-MATH's two hardest known cases of tan the wrong way (its
    // exact value has 78 equal bits after the rounding bit): CORE-MATH's value, as CORE-MATH does.
    const HARD: f64 = f64::from_bits(0x3e9d_ffff_ffff_ff1f);
    const HARD_TAN: f64 = f64::from_bits(0x3e9e_0000_0000_0151);
    if x.abs() == HARD {
        return HARD_TAN.copysign(x);
    }
    pxfm::f_tan(x)
}

pub fn sinh(x: f64) -> f64 {
    // pxfm 0.1.30 returns +0 for -0.
    if x == 0.0 {
        return x;
    }
    pxfm::f_sinh(x)
}

pub fn cosh(x: f64) -> f64 {
    pxfm::f_cosh(x)
}

pub fn tanh(x: f64) -> f64 {
    pxfm::f_tanh(x)
}

pub fn atan(x: f64) -> f64 {
    pxfm::f_atan(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_powers_and_square_roots_are_the_powers_computed() {
        // beta^t of racers taking turns, and square roots of bias corrections, over and again:
        // slots are taken over, and every answer is still the one computed afresh.
        let mut args: Vec<(f64, f64)> = Vec::new();
        for turn in 0..3 {
            for beta in [0.9, 0.999, 0.99, 0.96] {
                args.extend((1..3000).map(|t| (beta, (t + turn * 1000) as f64)));
            }
        }
        args.extend((1..5000).map(|k| (1.0 - 0.999f64 * k as f64 / 5000.0, 0.5)));
        args.extend([
            (2.0, 0.5),
            (0.25, 0.5),
            (1e-300, 0.5),
            (1e300, 0.5),
            (-4.0, 0.5),
        ]);
        for &(x, y) in args.iter().chain(args.iter().rev()) {
            let fresh = pow_finite(x, y);
            assert_eq!(powf(x, y).to_bits(), fresh.to_bits(), "{x}^{y}");
        }
        assert_eq!(powf(-0.0, 0.5).to_bits(), 0.0f64.to_bits());
        assert_eq!(powf(f64::INFINITY, 0.5), f64::INFINITY);
    }

    #[test]
    fn powi_is_repeated_squaring() {
        let x = 1.1f64;
        assert_eq!(powi(x, 0), 1.0);
        assert_eq!(powi(f64::NAN, 0), 1.0);
        assert_eq!(powi(x, 1), x);
        assert_eq!(powi(x, 2), x * x);
        assert_eq!(powi(x, 3), x * (x * x));
        assert_eq!(powi(x, 6), (x * x) * ((x * x) * (x * x)));
        assert_eq!(powi(x, -2), 1.0 / (x * x));
        assert_eq!(powi(-0.0, 3), -0.0);
        assert!(powi(-0.0, 3).is_sign_negative());
        assert_eq!(powi(0.0, -1), f64::INFINITY);
    }
}
