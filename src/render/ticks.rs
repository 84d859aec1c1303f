//! Axis ticks and how numbers are written on a figure.
//!
//! Linear ticks are multiples of 1, 2 or 5 x 10^k; log ticks are powers of ten (every n-th
//! decade when there are many). Labels use a true minus sign (U+2212), never print "-0", and
//! switch to `m×10ⁿ` outside [1e-4, 1e5) so that they stay short.

/// Ticks within [lo, hi] (both included, to a relative 1e-9), about `target` of them, with
/// the step between them. Empty for a degenerate range.
pub fn linear(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) || target == 0 {
        return (Vec::new(), 0.0);
    }
    let step = nice_step((hi - lo) / target as f64);
    if !(step.is_finite() && step > 0.0) {
        return (Vec::new(), 0.0);
    }
    let eps = 1e-9 * (hi - lo);
    let first = ((lo - eps) / step).ceil();
    let last = ((hi + eps) / step).floor();
    if last - first >= 1000.0 || (last - first).is_nan() {
        return (Vec::new(), 0.0);
    }
    let ticks = (first as i64..=last as i64)
        .map(|k| multiple(k as f64, step))
        .map(|t| if t == 0.0 { 0.0 } else { t })
        .collect();
    (ticks, step)
}

/// `n` times the nice number `unit`. Below 1 a nice unit is 1/m for a whole m, and n / m is the
/// double nearest the decimal n × unit (n × unit itself may be an ulp off).
fn multiple(n: f64, unit: f64) -> f64 {
    let inv = (1.0 / unit).round();
    if unit < 1.0 && inv.is_finite() {
        n / inv
    } else {
        n * unit
    }
}

/// The nice number (1, 2 or 5 x 10^k) nearest above `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return f64::NAN;
    }
    let k = raw.log10().floor() as i32;
    for m in [1u32, 2, 5, 10] {
        let s: f64 = format!("{m}e{k}").parse().expect("a float literal");
        if s >= raw * (1.0 - 1e-9) {
            return s;
        }
    }
    format!("1e{}", k + 1).parse().expect("a float literal")
}

/// Decade exponents from `lo_exp` to `hi_exp` (inclusive), every n-th so that there are at
/// most `max` ticks.
pub fn decades(lo_exp: i32, hi_exp: i32, max: usize) -> Vec<i32> {
    if hi_exp < lo_exp || max == 0 {
        return Vec::new();
    }
    let n = (hi_exp - lo_exp) as usize + 1;
    let every = n.div_ceil(max).max(1) as i32;
    // Align on multiples of `every` so that labels stay put while the range grows.
    let start = lo_exp + (every - lo_exp.rem_euclid(every)) % every;
    (start..=hi_exp).step_by(every as usize).collect()
}

/// A tick label for `v` on an axis whose ticks are `step` apart.
pub fn format_tick(v: f64, step: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let mag = v.abs().max(step.abs());
    if v == 0.0 || (v.abs() < 0.5 * step.abs()) {
        return "0".into();
    }
    if !(1e-4..1e5).contains(&mag) {
        return format_sci(v, significant_digits(v, step));
    }
    let decimals = decimals_for(step);
    minus(format!("{v:.decimals$}"))
}

/// The fewest decimals that write `step` as a whole number of units (a step of 2.5 needs one
/// more than its magnitude says).
fn decimals_for(step: f64) -> usize {
    let decimals = if step > 0.0 {
        (-(step.log10() + 1e-9).floor()).max(0.0) as usize
    } else {
        0
    };
    let whole = |d: usize| {
        let units = step * 10f64.powi(d as i32);
        units.round() >= 1.0 && (units.round() - units).abs() < 1e-6 * units
    };
    (0..=decimals + 1).find(|&d| whole(d)).unwrap_or(decimals)
}

/// The longest plain tick label an axis has room for (the landscape's margins are sized for it).
pub const MAX_LABEL_CHARS: usize = 6;

/// The labels of linear ticks `step` apart on an axis over `[lo, hi]`.
#[derive(Clone, Debug, PartialEq)]
pub struct AxisLabels {
    pub labels: Vec<String>,
    /// Deep in a zoom, ticks 10⁻⁸ apart near 1 would all read "1": the labels are then the
    /// ticks' distances from the roundest number in view, in units of a power of ten, and
    /// this says how to read them, as matplotlib's offset text does: "×10⁻⁸ + 1" means
    /// label × 10⁻⁸ + 1.
    pub offset: Option<String>,
}

/// Labels for `ticks` (from [`linear`], `step` apart, within `[lo, hi]`): their values when
/// these are distinct and at most [`MAX_LABEL_CHARS`] long, else relative to an offset.
pub fn axis_labels(ticks: &[f64], step: f64, lo: f64, hi: f64) -> AxisLabels {
    let plain: Vec<String> = ticks.iter().map(|&t| format_tick(t, step)).collect();
    let distinct = plain.windows(2).all(|w| w[0] != w[1]);
    if distinct && plain.iter().all(|l| l.chars().count() <= MAX_LABEL_CHARS) {
        return AxisLabels {
            labels: plain,
            offset: None,
        };
    }
    let Some((origin, origin_step)) = roundest_in(lo, hi, step) else {
        return AxisLabels {
            labels: plain,
            offset: None,
        };
    };
    let reach = ticks
        .iter()
        .map(|&t| (t - origin).abs())
        .fold(0.0, f64::max);
    // Distances of 0.01 to 10⁴ read well as they are; others get a power of ten.
    let exp = if reach > 0.0 && !(1e-2..1e4).contains(&reach) {
        reach.log10().floor() as i32
    } else {
        0
    };
    let unit = pow10(exp);
    let labels = ticks
        .iter()
        .map(|&t| format_tick((t - origin) / unit, step / unit))
        .collect();
    let mut text = if exp == 0 {
        String::new()
    } else {
        format!("×{}", format_pow10(exp))
    };
    if origin != 0.0 {
        let written = if (1e-4..1e5).contains(&origin.abs()) {
            format!("{:.*}", decimals_for(origin_step), origin.abs())
        } else {
            let digits = origin.abs().log10().floor() - origin_step.log10().floor() + 1.0;
            format_sci(origin.abs(), digits.clamp(1.0, 17.0) as usize)
        };
        let sign = if origin < 0.0 { '\u{2212}' } else { '+' };
        text = if text.is_empty() {
            format!("{sign}{written}")
        } else {
            format!("{text} {sign} {written}")
        };
    }
    AxisLabels {
        labels,
        offset: (!text.is_empty()).then_some(text),
    }
}

/// The number in `[lo, hi]` with the fewest significant digits that is a multiple of the
/// ticks' `step` (so that every tick is a whole number of steps from it), with the power of
/// ten it is a multiple of (or the step, when no power of ten above it fits): the multiple
/// nearest the middle. Zero when in range.
fn roundest_in(lo: f64, hi: f64, step: f64) -> Option<(f64, f64)> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo && step > 0.0) {
        return None;
    }
    if lo <= 0.0 && hi >= 0.0 {
        return Some((0.0, step));
    }
    let nearest_middle = |u: f64| {
        let middle = 0.5 * (lo + hi);
        [(middle / u).round(), (lo / u).ceil(), (hi / u).floor()]
            .into_iter()
            .map(|n| multiple(n, u))
            .find(|v| (lo..=hi).contains(v))
    };
    let top = lo.abs().max(hi.abs()).log10().floor() as i32;
    // Powers of ten that are multiples of the step: above it, or equal to it.
    let s = (step.log10() + 1e-9).floor() as i32;
    let least = if (step / pow10(s) - 1.0).abs() < 1e-9 {
        s
    } else {
        s + 1
    };
    for k in (least..=top).rev() {
        if let Some(v) = nearest_middle(pow10(k)) {
            return Some((v, pow10(k)));
        }
    }
    nearest_middle(step).map(|v| (v, step))
}

/// 10^e as the double nearest the decimal (`powi` is not, below 1).
fn pow10(e: i32) -> f64 {
    super::levels::decimal(1, e)
}

/// A compact label with about three significant digits: "0.05", "2500", "3×10⁻⁶".
pub fn format_value(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if (1e-3..1e5).contains(&a) {
        let decimals = (2 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.decimals$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        minus(s)
    } else {
        format_sci(v, 2)
    }
}

/// `10ⁿ` with superscript digits.
pub fn format_pow10(e: i32) -> String {
    format!("10{}", superscript(e))
}

fn significant_digits(v: f64, step: f64) -> usize {
    if step > 0.0 && v != 0.0 {
        ((v.abs().log10().floor() - step.log10().floor()) as i64 + 1).clamp(1, 6) as usize
    } else {
        2
    }
}

/// `m×10ⁿ` with `digits` significant digits in m (trailing zeros dropped); `10ⁿ` for m = 1.
fn format_sci(v: f64, digits: usize) -> String {
    // `{:e}` rounds the decimal mantissa exactly, subnormals too (dividing by 10^n, 0 below
    // 1e-308, wrote "inf" mantissas).
    let s = format!("{:.*e}", digits.saturating_sub(1), v);
    let (ms, e) = s.split_once('e').expect("`{:e}` writes an exponent");
    let e: i32 = e.parse().expect("`{:e}` writes an integer exponent");
    let ms = if ms.contains('.') {
        ms.trim_end_matches('0').trim_end_matches('.')
    } else {
        ms
    };
    match ms {
        "1" => format_pow10(e),
        "-1" => format!("\u{2212}{}", format_pow10(e)),
        _ => format!("{}×{}", minus(ms.to_string()), format_pow10(e)),
    }
}

fn minus(s: String) -> String {
    match s.strip_prefix('-') {
        // "-0.00" after rounding is zero.
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        Some(rest) => format!("\u{2212}{rest}"),
        None => s,
    }
}

fn superscript(e: i32) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::new();
    if e < 0 {
        s.push('⁻');
    }
    for c in e.unsigned_abs().to_string().chars() {
        s.push(DIGITS[c.to_digit(10).unwrap() as usize]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks_are_nice_and_inside() {
        let (t, s) = linear(-2.0, 2.0, 8);
        assert_eq!(s, 0.5);
        assert_eq!(t.first(), Some(&-2.0));
        assert_eq!(t.last(), Some(&2.0));
        let (t, s) = linear(-1.0, 3.0, 5);
        assert_eq!((t.clone(), s), (vec![-1.0, 0.0, 1.0, 2.0, 3.0], 1.0));
        let (t, _) = linear(0.1, 0.35, 5);
        assert_eq!(t, vec![0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
        assert!(linear(1.0, 1.0, 5).0.is_empty());
        assert!(linear(f64::NAN, 1.0, 5).0.is_empty());
        assert!(linear(0.0, f64::INFINITY, 5).0.is_empty());
        let (t, _) = linear(-1e300, 1e300, 6);
        assert!(!t.is_empty() && t.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn labels_are_short_and_typographic() {
        assert_eq!(format_tick(-1.5, 0.5), "\u{2212}1.5");
        assert_eq!(format_tick(2.0, 0.5), "2.0");
        assert_eq!(format_tick(2.0, 1.0), "2");
        assert_eq!(format_tick(1e-17, 0.5), "0");
        assert_eq!(format_tick(-0.0, 0.5), "0");
        assert_eq!(format_tick(0.25, 0.25), "0.25");
        assert_eq!(format_tick(20000.0, 5000.0), "20000");
        assert_eq!(format_tick(200000.0, 50000.0), "2×10⁵");
        assert_eq!(format_tick(1.00002, 0.00001), "1.00002");
        assert_eq!(format_value(0.05), "0.05");
        assert_eq!(format_value(2500.0), "2500");
        assert_eq!(format_value(12.5), "12.5");
        assert_eq!(format_value(-0.125), "\u{2212}0.125");
        assert_eq!(format_value(3e-6), "3×10⁻⁶");
        assert_eq!(format_value(1e-6), "10⁻⁶");
        assert_eq!(format_value(2e5), "2×10⁵");
        assert_eq!(format_pow10(-16), "10⁻¹⁶");
        assert_eq!(format_pow10(0), "10⁰");
        assert_eq!(format_value(f64::NAN), "");
        // Mantissas rounded as decimals, to the ends of the doubles.
        assert_eq!(format_value(999_600.0), "10⁶");
        assert_eq!(format_value(-9.96e-7), "\u{2212}10⁻⁶");
        assert_eq!(format_value(4.3e-322), "4.3×10⁻³²²");
        assert_eq!(format_value(5e-324), "4.9×10⁻³²⁴");
        assert_eq!(format_value(-2.5e-310), "\u{2212}2.5×10⁻³¹⁰");
        assert_eq!(format_value(f64::MAX), "1.8×10³⁰⁸");
    }

    /// Reads a label back: "−1.5", "2×10⁻⁸", "10⁵".
    fn read(label: &str) -> f64 {
        let sup = |c: char| {
            "⁰¹²³⁴⁵⁶⁷⁸⁹"
                .chars()
                .position(|d| d == c)
                .map(|d| char::from(b'0' + d as u8))
                .or((c == '⁻').then_some('-'))
        };
        let plain: String = label.replace('\u{2212}', "-");
        let power = |e: &str| {
            (!e.is_empty() && e.chars().all(|c| sup(c).is_some()))
                .then(|| e.chars().filter_map(sup).collect::<String>())
        };
        let (mantissa, exp) = match plain.split_once("×10") {
            Some((m, e)) => (m, power(e).expect("an exponent")),
            None => match plain
                .strip_prefix("-")
                .unwrap_or(&plain)
                .strip_prefix("10")
                .and_then(power)
            {
                Some(e) => (if plain.starts_with('-') { "-" } else { "" }, e),
                None => (plain.as_str(), "0".to_string()),
            },
        };
        let m: f64 = match mantissa {
            "" => 1.0,
            "-" => -1.0,
            m => m
                .parse()
                .unwrap_or_else(|_| panic!("not a number: {label:?}")),
        };
        m * 10f64.powi(exp.parse::<i32>().unwrap())
    }

    /// Reads an offset text back: "×10⁻⁷ + 1" -> (1e-7, 1), "+100.0015" -> (1, 100.0015).
    fn read_offset(text: Option<&str>) -> (f64, f64) {
        let Some(text) = text else { return (1.0, 0.0) };
        let (unit, rest) = match text.strip_prefix('×') {
            Some(t) => match t.split_once(' ') {
                Some((u, rest)) => (read(u), rest.replace(' ', "")),
                None => (read(t), String::new()),
            },
            None => (1.0, text.to_string()),
        };
        let origin = match rest.strip_prefix('+') {
            Some(o) => read(o),
            None if rest.is_empty() => 0.0,
            None => -read(rest.strip_prefix('\u{2212}').expect("a sign")),
        };
        (unit, origin)
    }

    #[test]
    fn tiny_steps_get_their_decimals() {
        // The step 5e-8 is a whole number of units only at 8 decimals, not at 0 (it once passed
        // an absolute tolerance there, and every label read "1").
        assert_eq!(format_tick(0.99999995, 5e-8), "0.99999995");
        assert_eq!(format_tick(1.00002, 0.00002), "1.00002");
    }

    #[test]
    fn deep_zoom_labels_are_relative_to_an_offset() {
        let (t, step) = linear(0.9999999, 1.0000001, 5);
        let l = axis_labels(&t, step, 0.9999999, 1.0000001);
        assert_eq!(l.labels, ["\u{2212}1.0", "\u{2212}0.5", "0", "0.5", "1.0"]);
        assert_eq!(l.offset.as_deref(), Some("×10⁻⁷ + 1"));
        let (t, step) = linear(-2.0000002, -1.9999998, 4);
        let l = axis_labels(&t, step, -2.0000002, -1.9999998);
        assert_eq!(l.offset.as_deref(), Some("×10⁻⁷ \u{2212} 2"));
        let (t, step) = linear(100.0011, 100.0031, 4);
        let l = axis_labels(&t, step, 100.0011, 100.0031);
        assert_eq!(l.labels, ["\u{2212}0.5", "0", "0.5", "1.0"]);
        assert_eq!(l.offset.as_deref(), Some("×10⁻³ + 100.002"));
        // No power of ten above the step fits between 100.0011 and 100.0018: the tick nearest
        // the middle is the origin.
        let (t, step) = linear(100.0011, 100.0018, 4);
        assert_eq!(
            axis_labels(&t, step, 100.0011, 100.0018).offset.as_deref(),
            Some("×10⁻⁴ + 100.0014")
        );
        // Around zero only the unit; short labels stay as they are.
        let (t, step) = linear(-0.001, 0.001, 4);
        assert_eq!(
            axis_labels(&t, step, -0.001, 0.001).offset.as_deref(),
            Some("×10⁻³")
        );
        let (t, step) = linear(-2.0, 2.0, 8);
        assert_eq!(
            axis_labels(&t, step, -2.0, 2.0),
            AxisLabels {
                labels: t.iter().map(|&v| format_tick(v, step)).collect(),
                offset: None
            }
        );
    }

    #[test]
    fn every_view_is_labelled_distinctly_short_and_truly() {
        // Views from 1e-9 to 1e9 wide anywhere within ±1e9 that the spec accepts: the labels are
        // distinct and short, and label × unit + origin gives back each tick.
        let mut seed = 0x2545F4914F6CDD1Du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..20000 {
            let width = 10f64.powf(-9.0 + 18.0 * next());
            let centre = (2.0 * next() - 1.0) * 10f64.powf(9.0 * next());
            let (lo, hi) = (centre - width / 2.0, centre + width / 2.0);
            if crate::landscape::View::new(lo, hi, 0.0, 1.0)
                .check()
                .is_err()
            {
                continue;
            }
            let (t, step) = linear(lo, hi, 5);
            if t.len() < 2 {
                continue;
            }
            let l = axis_labels(&t, step, lo, hi);
            let (unit, origin) = read_offset(l.offset.as_deref());
            assert!(
                l.labels.windows(2).all(|w| w[0] != w[1]),
                "[{lo}, {hi}]: {l:?}"
            );
            assert!(
                l.labels
                    .iter()
                    .all(|s| s.chars().count() <= MAX_LABEL_CHARS),
                "[{lo}, {hi}]: {l:?}"
            );
            for (&tick, label) in t.iter().zip(&l.labels) {
                let back = read(label) * unit + origin;
                assert!(
                    (back - tick).abs() <= 0.01 * step + 4.0 * f64::EPSILON * tick.abs(),
                    "[{lo}, {hi}]: {tick} read as {back} from {label:?} {:?}",
                    l.offset
                );
            }
        }
    }

    #[test]
    fn decades_are_thinned_and_aligned() {
        assert_eq!(decades(-3, 2, 10), vec![-3, -2, -1, 0, 1, 2]);
        assert_eq!(decades(-16, 4, 6), vec![-16, -12, -8, -4, 0, 4]);
        assert_eq!(decades(-3, 2, 3), vec![-2, 0, 2]);
        assert!(decades(3, 2, 5).is_empty());
    }
}
