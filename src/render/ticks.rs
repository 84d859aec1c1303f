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
    // Below 1 the step is 1/n for a whole n: k / n is the double nearest the decimal tick.
    let inv = (1.0 / step).round();
    let tick = |k: i64| if step < 1.0 && inv.is_finite() { k as f64 / inv } else { k as f64 * step };
    let ticks = (first as i64..=last as i64).map(tick).map(|t| if t == 0.0 { 0.0 } else { t }).collect();
    (ticks, step)
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
    let decimals = if step > 0.0 { (-(step.log10() + 1e-9).floor()).max(0.0) as usize } else { 0 };
    // A step of 2.5 needs one more decimal than its magnitude says.
    let decimals = (0..=decimals + 1).find(|&d| ((step * 10f64.powi(d as i32)).round() - step * 10f64.powi(d as i32)).abs() < 1e-6).unwrap_or(decimals);
    minus(format!("{v:.decimals$}"))
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
        let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
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
    let e = v.abs().log10().floor() as i32;
    let mut m = v / 10f64.powi(e);
    let mut e = e;
    let decimals = digits.saturating_sub(1);
    let scale = 10f64.powi(decimals as i32);
    m = (m * scale).round() / scale;
    if m.abs() >= 10.0 {
        m /= 10.0;
        e += 1;
    }
    let ms = format!("{m:.decimals$}");
    let ms = if ms.contains('.') { ms.trim_end_matches('0').trim_end_matches('.').to_string() } else { ms };
    match ms.as_str() {
        "1" => format_pow10(e),
        "-1" => format!("\u{2212}{}", format_pow10(e)),
        _ => format!("{}×{}", minus(ms), format_pow10(e)),
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
    }

    #[test]
    fn decades_are_thinned_and_aligned() {
        assert_eq!(decades(-3, 2, 10), vec![-3, -2, -1, 0, 1, 2]);
        assert_eq!(decades(-16, 4, 6), vec![-16, -12, -8, -4, 0, 4]);
        assert_eq!(decades(-3, 2, 3), vec![-2, 0, 2]);
        assert!(decades(3, 2, 5).is_empty());
    }
}
