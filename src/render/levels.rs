//! Contour levels for a sampled field, and the band each value falls into.
//!
//! Levels are "nice" numbers, 12 to 20 of them when the field allows. Two spacings:
//!
//! * **Linear**: multiples of 1, 2, 2.5 or 5 x 10^k strictly between the field's minimum and
//!   maximum.
//! * **Logarithmic** in `f - base`, where `base` is the landscape's known global minimum value
//!   (or the sampled minimum when it is unknown or lies above it): levels `base + m 10^k` with
//!   `m` in {1, 2, 5}, {1, 3} or {1}. Chosen when the values above the minimum span more than
//!   [`LOG_DECADES`] decades, measured from the 5th percentile of `f - base` up to its maximum:
//!   Rosenbrock's and Beale's walls are thousands of times higher than their valley floors, and
//!   linear levels would leave the whole valley, where the racers run, inside one band.
//!
//! A value's band is the number of levels at or below it (so `0..=len`), and band `b` is shown
//! at the colour position `b / len`: the banded fill and the iso-lines agree exactly, whatever
//! the spacing.

/// Log spacing above this many decades between the 5th percentile of `f - base` and its maximum.
pub const LOG_DECADES: f64 = 2.5;
/// Preferred number of levels.
pub const MIN_LEVELS: usize = 12;
pub const MAX_LEVELS: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Spacing {
    Linear,
    /// Levels are `base + m 10^k`.
    Log {
        base: f64,
    },
}

/// Increasing, finite contour levels.
#[derive(Clone, Debug, PartialEq)]
pub struct Levels {
    pub values: Vec<f64>,
    pub spacing: Spacing,
}

impl Levels {
    /// Levels for the samples of a field (non-finite samples are ignored). `known_min` is the
    /// landscape's global minimum value (times its scale), when known.
    pub fn choose(samples: &[f64], known_min: Option<f64>) -> Levels {
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for &v in samples {
            if v.is_finite() {
                min = min.min(v);
                max = max.max(v);
            }
        }
        Levels::choose_in(samples, min, max, known_min)
    }

    /// [`Levels::choose`] when the smallest and largest finite samples are already known.
    pub fn choose_in(samples: &[f64], min: f64, max: f64, known_min: Option<f64>) -> Levels {
        if min >= max || min.is_nan() || max.is_nan() {
            return Levels {
                values: Vec::new(),
                spacing: Spacing::Linear,
            };
        }
        let base = match known_min {
            Some(m) if m.is_finite() && m <= min => m,
            _ => min,
        };
        let hi = max - base;
        if !hi.is_finite() {
            return Levels::linear(min, max);
        }
        // Percentiles of f - base from at most ~4096 samples taken at a fixed stride.
        let stride = (samples.len() / 4096).max(1);
        let mut above: Vec<f64> = samples
            .iter()
            .step_by(stride)
            .filter(|v| v.is_finite())
            .map(|v| v - base)
            .filter(|&g| g > 0.0)
            .collect();
        if above.is_empty() {
            return Levels::linear(min, max);
        }
        let q05 = percentile(&mut above, 0.05);
        let smallest = percentile(&mut above, 0.0);
        if q05 > 0.0 && (hi / q05).log10() > LOG_DECADES {
            // Rings around the minimum go down at most 12 decades below the top, unless the
            // field's own lower values (its 5th percentile) lie deeper: exp(50x) spans 87
            // decades, and a floor above its 5th percentile left it without a single level.
            Levels::log(base, smallest.max((hi * 1e-12).min(q05)), q05, hi)
        } else {
            Levels::linear(min, max)
        }
    }

    /// Nice, evenly spaced levels strictly inside (min, max): 12 to 20 of them where a step of
    /// 1, 2, 2.5 or 5 x 10^k allows, the count nearest 15 otherwise.
    pub fn linear(min: f64, max: f64) -> Levels {
        let mut values = Vec::new();
        if min.is_finite() && max.is_finite() && min < max {
            let span = max - min;
            let mut best: Option<(f64, usize)> = None;
            // A span past f64's range (max - min overflows to infinity) would make k0 i32::MAX.
            let k0 = ((span / 15.0).log10().floor() as i32).clamp(-400, 400);
            for k in k0 - 1..=k0 + 1 {
                for m in [1.0, 2.0, 2.5, 5.0] {
                    let step = m * 10f64.powi(k);
                    // 10^k underflows to 0 below 1e-308, and a subnormal step has too few
                    // digits to space levels: a field that flat gets none (it hung here).
                    if !step.is_normal() {
                        continue;
                    }
                    let n = count_inside(min, max, step);
                    let score = |n: usize| (n as f64 - 15.0).abs();
                    if best.is_none_or(|(_, bn)| score(n) < score(bn)) {
                        best = Some((step, n));
                    }
                }
            }
            if let Some((step, _)) = best {
                let first = (min / step).floor() as i64 + 1;
                let mut i = first;
                loop {
                    let v = i as f64 * step;
                    if v >= max {
                        break;
                    }
                    if v > min {
                        values.push(v);
                    }
                    i += 1;
                    if values.len() > 4 * MAX_LEVELS {
                        break;
                    }
                }
            }
        }
        Levels {
            values,
            spacing: Spacing::Linear,
        }
    }

    /// Levels `base + m 10^k` covering the offsets [`q_low`, `hi`), with the richest mantissa
    /// set ({1, 2, 5}, {1, 3}, {1}, then every n-th decade) that gives at most 20 levels;
    /// extended below `q_low` (never below `floor`) to reach 12: rings around the minimum.
    pub fn log(base: f64, floor: f64, q_low: f64, hi: f64) -> Levels {
        let mut offsets = Vec::new();
        if floor > 0.0 && q_low >= floor && hi > q_low && hi.is_finite() {
            let decades = (hi.log10() - q_low.log10()).ceil().clamp(1.0, 1000.0) as i32;
            let schemes: [(&[u32], i32); 3] = [(&[1, 2, 5], 1), (&[1, 3], 1), (&[1], 1)];
            let (mantissas, every) = schemes
                .into_iter()
                .find(|&(m, e)| decade_offsets(m, e, q_low, hi).len() <= MAX_LEVELS)
                .unwrap_or((&[1], (decades as usize).div_ceil(MAX_LEVELS) as i32));
            offsets = decade_offsets(mantissas, every, q_low, hi);
            if offsets.len() < MIN_LEVELS && floor < q_low {
                let below = decade_offsets(mantissas, every, floor, q_low);
                let take = (MIN_LEVELS - offsets.len()).min(below.len());
                let mut extended = below[below.len() - take..].to_vec();
                extended.extend_from_slice(&offsets);
                offsets = extended;
            }
        }
        let mut values: Vec<f64> = offsets.iter().map(|o| base + o).collect();
        values.dedup();
        Levels {
            values,
            spacing: Spacing::Log { base },
        }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The band of `v`: how many levels are at or below it, `0..=len()`. None if not finite.
    pub fn band(&self, v: f64) -> Option<usize> {
        if v.is_finite() {
            Some(self.values.partition_point(|&l| l <= v))
        } else {
            None
        }
    }

    /// Colour position of a band, in [0, 1]: `band / len()` (0 when there are no levels).
    pub fn band_position(&self, band: usize) -> f64 {
        if self.values.is_empty() {
            0.0
        } else {
            band.min(self.values.len()) as f64 / self.values.len() as f64
        }
    }

    /// Colour position of a value, banded: `band_position(band(v))`; NaN for non-finite.
    pub fn position(&self, v: f64) -> f64 {
        self.band(v).map_or(f64::NAN, |b| self.band_position(b))
    }

    /// The value a level shows in a label: the level itself, or its offset above `base` for
    /// log spacing.
    pub fn label_value(&self, level: f64) -> f64 {
        match self.spacing {
            Spacing::Linear => level,
            Spacing::Log { base } => level - base,
        }
    }
}

/// Finds bands of many values in a row, fast when neighbours share a band (as pixels of a
/// smooth field do): one test against the previous value's band, a binary search otherwise.
#[derive(Clone, Debug)]
pub struct BandFinder<'a> {
    levels: &'a [f64],
    last: usize,
    /// The bounds of band `last`: `lo <= v < hi`.
    lo: f64,
    hi: f64,
}

impl<'a> BandFinder<'a> {
    /// `levels` must be increasing.
    pub fn new(levels: &'a [f64]) -> BandFinder<'a> {
        BandFinder {
            levels,
            last: 0,
            lo: f64::NEG_INFINITY,
            hi: levels.first().copied().unwrap_or(f64::INFINITY),
        }
    }

    /// The number of levels at or below `v`, for a finite `v` (NaN gives an arbitrary band).
    #[inline]
    pub fn band(&mut self, v: f64) -> usize {
        if !(self.lo <= v && v < self.hi) {
            let b = self.levels.partition_point(|&l| l <= v);
            self.last = b;
            self.lo = if b == 0 {
                f64::NEG_INFINITY
            } else {
                self.levels[b - 1]
            };
            self.hi = self.levels.get(b).copied().unwrap_or(f64::INFINITY);
        }
        self.last
    }
}

fn count_inside(min: f64, max: f64, step: f64) -> usize {
    let lo = (min / step).floor() + 1.0;
    let hi = (max / step).ceil() - 1.0;
    if hi >= lo {
        (hi - lo + 1.0) as usize
    } else {
        0
    }
}

/// Every `m 10^k` in [lo, hi) with `m` in `mantissas` and `k` a multiple of `every`, increasing.
/// Each is the double nearest the decimal `m e k` (so `1e-3` is the double nearest 0.001).
fn decade_offsets(mantissas: &[u32], every: i32, lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return out;
    }
    let (k0, k1) = (lo.log10().floor() as i32 - 1, hi.log10().ceil() as i32);
    for k in (k0..=k1).filter(|k| k.rem_euclid(every) == 0) {
        for &m in mantissas {
            let o = decimal(m, k);
            if o >= lo && o < hi {
                out.push(o);
            }
        }
    }
    out
}

/// The double nearest `m 10^k`. Up to 10^22 the powers of ten are exact doubles, so one
/// correctly rounded product or quotient of two exact numbers gives it; beyond, the decimal
/// text is parsed.
pub(super) fn decimal(m: u32, k: i32) -> f64 {
    if k.unsigned_abs() <= 22 {
        let p = 10f64.powi(k.abs());
        if k >= 0 {
            m as f64 * p
        } else {
            m as f64 / p
        }
    } else {
        format!("{m}e{k}").parse().expect("a float literal")
    }
}

/// The q-quantile (0..=1) of finite values, by selection (reorders the slice).
fn percentile(v: &mut [f64], q: f64) -> f64 {
    let i = ((v.len() - 1) as f64 * q).round() as usize;
    *v.select_nth_unstable_by(i, f64::total_cmp).1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::{find, View};
    use crate::schema::Hyper;

    #[test]
    fn decimals_are_the_nearest_doubles() {
        for k in -330..=310 {
            for m in [1, 2, 3, 5, 25, 999_999, u32::MAX] {
                let parsed: f64 = format!("{m}e{k}").parse().unwrap();
                assert_eq!(decimal(m, k).to_bits(), parsed.to_bits(), "{m}e{k}");
            }
        }
    }

    #[test]
    fn a_field_of_subnormal_values_gets_no_levels_and_no_hang() {
        // Rosenbrock at scale 5e-324 spans [0, 4e-322]: 10^k underflowed to a step of 0 there,
        // and the loop that lays out the levels never ended (the page froze).
        for (lo, hi) in [
            (0.0, 4.3e-322),
            (0.0, 5e-324),
            (-1e-310, 1e-310),
            (1e-320, 2e-320),
        ] {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || tx.send(Levels::linear(lo, hi).values.len()));
            let n = rx
                .recv_timeout(std::time::Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("Levels::linear({lo:e}, {hi:e}) hangs"));
            assert_eq!(n, 0, "[{lo:e}, {hi:e}]");
        }
        let samples: Vec<f64> = (0..1000).map(|i| i as f64 * 5e-324).collect();
        let levels = Levels::choose_in(&samples, 0.0, 999.0 * 5e-324, None);
        assert!(levels.values.iter().all(|v| v.is_finite()));
        // The smallest normal spans still get their levels.
        let normal = Levels::linear(0.0, 1e-300);
        assert!(
            (12..=20).contains(&normal.values.len()),
            "{:?}",
            normal.values
        );
    }

    fn grid(name: &str) -> (Vec<f64>, Option<f64>) {
        let info = find(name).unwrap();
        let built = (info.build)(&Hyper::defaults(info.params));
        let v: View = built.view;
        let n = 200;
        let mut samples = Vec::with_capacity(n * n);
        for j in 0..n {
            for i in 0..n {
                let x = v.x[0] + (i as f64 + 0.5) / n as f64 * (v.x[1] - v.x[0]);
                let y = v.y[1] - (j as f64 + 0.5) / n as f64 * (v.y[1] - v.y[0]);
                samples.push(built.f.value([x, y]));
            }
        }
        let fmin = built
            .marks
            .iter()
            .filter(|m| m.kind == crate::landscape::MarkKind::Global)
            .map(|m| built.f.value(m.at))
            .fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.min(v))));
        (samples, fmin)
    }

    fn check_sane(l: &Levels) {
        assert!(l.values.iter().all(|v| v.is_finite()));
        for w in l.values.windows(2) {
            assert!(w[0] < w[1], "not increasing: {:?}", l.values);
        }
        assert!(
            (MIN_LEVELS..=MAX_LEVELS).contains(&l.len()),
            "{} levels: {:?}",
            l.len(),
            l.values
        );
    }

    #[test]
    fn rosenbrock_and_beale_get_log_levels() {
        for name in ["rosenbrock", "beale"] {
            let (s, fmin) = grid(name);
            let l = Levels::choose(&s, fmin);
            assert!(
                matches!(l.spacing, Spacing::Log { base } if base.abs() < 1e-20),
                "{name}: {:?}",
                l.spacing
            );
            check_sane(&l);
            // Nice values: every offset is 1, 2, 3 or 5 times a power of ten.
            for &v in &l.values {
                let m = v / 10f64.powf(v.log10().floor());
                assert!(
                    [1.0, 2.0, 3.0, 5.0].iter().any(|n| (m - n).abs() < 1e-9),
                    "{name}: {v}"
                );
            }
        }
    }

    #[test]
    fn a_field_over_dozens_of_decades_still_gets_levels() {
        // exp(50 x) + y^2 over [-2, 2]^2: 1e-44 to 1e43, most of the view below 10. Its levels
        // once started 12 decades below the top, above the 5th percentile, and there were none.
        let n = 101;
        let samples: Vec<f64> = (0..n * n)
            .map(|k| {
                let (x, y) = (
                    -2.0 + 4.0 * (k % n) as f64 / (n - 1) as f64,
                    -2.0 + 4.0 * (k / n) as f64 / (n - 1) as f64,
                );
                (50.0 * x).exp() + y * y
            })
            .collect();
        let l = Levels::choose(&samples, None);
        assert!(matches!(l.spacing, Spacing::Log { .. }), "{:?}", l.spacing);
        check_sane(&l);
        // The lower half of the view (x < 0, values below 6) is not one band (with 20 levels over
        // 45 decades, a level every third decade, it cannot be many).
        let low: std::collections::BTreeSet<usize> = samples
            .iter()
            .filter(|&&v| v < 6.0)
            .filter_map(|&v| l.band(v))
            .collect();
        assert!(
            low.len() >= 2,
            "{} bands below 6: {:?}",
            low.len(),
            l.values
        );
    }

    #[test]
    fn bowls_get_linear_levels() {
        for name in [
            "quadratic",
            "himmelblau",
            "rastrigin",
            "styblinski_tang",
            "saddle",
            "gaussian_mixture",
        ] {
            let (s, fmin) = grid(name);
            let l = Levels::choose(&s, fmin);
            assert_eq!(l.spacing, Spacing::Linear, "{name}");
            check_sane(&l);
            let step = l.values[1] - l.values[0];
            for w in l.values.windows(2) {
                assert!(
                    ((w[1] - w[0]) - step).abs() <= 1e-9 * step,
                    "{name}: {:?}",
                    l.values
                );
            }
        }
    }

    #[test]
    fn bands_count_levels_at_or_below() {
        let l = Levels {
            values: vec![1.0, 2.0, 3.0],
            spacing: Spacing::Linear,
        };
        assert_eq!(l.band(0.5), Some(0));
        assert_eq!(l.band(1.0), Some(1));
        assert_eq!(l.band(2.5), Some(2));
        assert_eq!(l.band(9.0), Some(3));
        assert_eq!(l.band(f64::NAN), None);
        assert_eq!(l.band(f64::INFINITY), None);
        assert_eq!(l.band_position(0), 0.0);
        assert_eq!(l.band_position(3), 1.0);
        assert!(l.position(f64::NEG_INFINITY).is_nan());
        let mut last = 0.0;
        for i in 0..100 {
            let p = l.position(i as f64 * 0.05);
            assert!(p >= last);
            last = p;
        }
    }

    #[test]
    fn band_finder_agrees_with_band() {
        let l = Levels {
            values: vec![-1.0, 0.0, 0.5, 2.0],
            spacing: Spacing::Linear,
        };
        let mut finder = BandFinder::new(&l.values);
        for k in 0..2000 {
            let v = ((k * 7919) % 1000) as f64 / 200.0 - 2.5;
            let v = if k % 3 == 0 { l.values[k % 4] } else { v };
            assert_eq!(Some(finder.band(v)), l.band(v), "{v}");
        }
        let none: [f64; 0] = [];
        assert_eq!(BandFinder::new(&none).band(3.0), 0);
    }

    #[test]
    fn degenerate_fields() {
        assert!(Levels::choose(&[], None).is_empty());
        assert!(Levels::choose(&[f64::NAN, f64::INFINITY], None).is_empty());
        assert!(Levels::choose(&[3.0; 10], Some(3.0)).is_empty());
        let l = Levels::choose(&[0.0, f64::NAN, 1.0, f64::NEG_INFINITY], None);
        check_sane(&l);
        assert!(l.values[0] > 0.0 && *l.values.last().unwrap() < 1.0);
        // Huge and tiny ranges stay finite and nice.
        check_sane(&Levels::linear(-1e300, 1e300));
        check_sane(&Levels::linear(1.0, 1.0 + 1e-9));
        let l = Levels::log(0.0, 1e-300, 1e-300, 1e300);
        assert!(l.len() <= MAX_LEVELS && l.len() >= 10, "{:?}", l.values);
        assert!(l.values.iter().all(|v| v.is_finite() && *v > 0.0));
    }

    #[test]
    fn known_minimum_below_the_view_is_the_base() {
        // A view of a wall only, far from the minimum (f = 0): values 1000 to 2000 span a
        // third of a decade above the minimum, linear.
        let s: Vec<f64> = (0..1000).map(|i| 1000.0 + i as f64).collect();
        let l = Levels::choose(&s, Some(0.0));
        assert_eq!(l.spacing, Spacing::Linear);
        let s: Vec<f64> = (0..1000).map(|i| 10f64.powf(i as f64 / 100.0)).collect();
        let l = Levels::choose(&s, Some(0.0));
        assert_eq!(l.spacing, Spacing::Log { base: 0.0 });
        check_sane(&l);
        assert!(
            l.values[0] >= 1.0 && *l.values.last().unwrap() <= 1e10,
            "{:?}",
            l.values
        );
    }
}
