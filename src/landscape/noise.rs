//! Noisy gradients: what an optimizer sees when its gradient is estimated, as in stochastic
//! training, instead of known exactly.
//!
//! With `noise` σ > 0 every gradient the racers get is `scale * (∇f(x_k) + σ ξ_k)`, where ξ_k is
//! step k's draw: two independent, nearly standard normal numbers (one per coordinate). Every
//! racer sees the same draws at the same step, so racers differ only by their optimizer, and a
//! race replayed or sought to a step passes through the same points. The loss the page and the
//! CLI report is the noise-free `scale * f`.
//!
//! Each normal number is the Irwin–Hall sum of twelve uniforms minus 6 (mean 0, variance 1,
//! within ±6), the uniforms being 49-bit outputs of SplitMix64: only integer arithmetic and exact
//! float sums, so the draws are the same bits natively, in the browser and in Python
//! (`tests/golden/generate.py` mirrors this file to drive torch's optimizers).

/// The noise of a race: its standard deviation and seed; σ = 0 is no noise at all.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Noise {
    pub std: f64,
    pub seed: u64,
}

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;
/// Uniforms per normal number.
const TERMS: u64 = 12;
/// 2^-49, the step of the 49-bit uniforms.
const UNIT: f64 = 1.0 / (1u64 << 49) as f64;

impl Noise {
    pub const NONE: Noise = Noise { std: 0.0, seed: 0 };

    pub fn is_none(&self) -> bool {
        self.std == 0.0
    }

    /// `σ ξ_k`, the noise added to the unscaled gradient at step k (the gradient at iterate k, the
    /// start being iterate 0).
    pub fn at(&self, step: u64) -> [f64; 2] {
        let base = step.wrapping_mul(2 * TERMS);
        [
            self.std * self.normal(base),
            self.std * self.normal(base.wrapping_add(TERMS)),
        ]
    }

    /// Twelve uniforms from output `first` of the seed's SplitMix64 stream on, summed, minus 6.
    fn normal(&self, first: u64) -> f64 {
        // Each uniform is a multiple of 2^-49 below 1, so the sum is exact in a double.
        let sum: f64 = (0..TERMS)
            .map(|j| (splitmix64(self.seed, first.wrapping_add(j)) >> 15) as f64 * UNIT)
            .sum();
        sum - 6.0
    }
}

/// Output `k` (from 0) of SplitMix64 seeded with `seed`: a counter-based generator, so any draw
/// is computed directly.
pub fn splitmix64(seed: u64, k: u64) -> u64 {
    let mut z = seed.wrapping_add(k.wrapping_add(1).wrapping_mul(GOLDEN));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_is_the_reference_stream() {
        // The first outputs of Vigna's splitmix64.c seeded with 0 and with 1234567.
        assert_eq!(splitmix64(0, 0), 0xe220_a839_7b1d_cdaf);
        assert_eq!(splitmix64(0, 1), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(splitmix64(1234567, 0), 6457827717110365317);
        assert_eq!(splitmix64(1234567, 1), 3203168211198807973);
    }

    #[test]
    fn draws_are_nearly_standard_normal_and_independent() {
        let noise = Noise { std: 1.0, seed: 42 };
        let n = 200_000u64;
        let (mut s, mut ss, mut sxy, mut tails) = ([0.0; 2], [0.0; 2], 0.0, 0);
        for k in 0..n {
            let d = noise.at(k);
            for c in 0..2 {
                assert!(d[c].abs() <= 6.0);
                s[c] += d[c];
                ss[c] += d[c] * d[c];
                tails += usize::from(d[c].abs() > 1.96);
            }
            sxy += d[0] * d[1];
        }
        let nf = n as f64;
        for c in 0..2 {
            assert!((s[c] / nf).abs() < 0.01, "mean {}", s[c] / nf);
            assert!((ss[c] / nf - 1.0).abs() < 0.01, "variance {}", ss[c] / nf);
        }
        assert!((sxy / nf).abs() < 0.01, "covariance {}", sxy / nf);
        // A normal has 5 % beyond ±1.96; the Irwin-Hall sum of 12 has 5.1 %.
        let frac = tails as f64 / (2.0 * nf);
        assert!((frac - 0.05).abs() < 0.003, "{frac}");
    }

    #[test]
    fn draws_depend_on_seed_and_step_only() {
        let a = Noise { std: 2.0, seed: 7 };
        assert_eq!(a.at(5), a.at(5));
        assert_ne!(a.at(5), a.at(6));
        assert_ne!(a.at(5), Noise { std: 2.0, seed: 8 }.at(5));
        let unit = Noise { std: 1.0, seed: 7 }.at(5);
        assert_eq!(a.at(5), [2.0 * unit[0], 2.0 * unit[1]]);
        assert_eq!(Noise::NONE.at(3), [0.0, 0.0]);
    }
}
