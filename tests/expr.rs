//! Property tests of typed formulas (`src/landscape/expr.rs`): any text is parsed or refused with
//! a message, never a panic; and for random formulas, the automatic derivatives agree with
//! central differences of the values.

use optiscape::landscape::expr::Formula;
use proptest::prelude::*;

mod common;

/// Random smooth formulas in x and y, well defined everywhere (divisions by 1 + u^2, roots of
/// u^2 + 1, exponentials of bounded arguments).
fn arb_formula() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![Just("x".to_string()), Just("y".to_string()), (-20i32..=20).prop_map(|k| format!("{}", f64::from(k) / 8.0)),];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| format!("sin({a})")),
            inner.clone().prop_map(|a| format!("cos({a})")),
            inner.clone().prop_map(|a| format!("tanh({a})")),
            inner.clone().prop_map(|a| format!("atan({a})")),
            inner.clone().prop_map(|a| format!("exp(sin({a}))")),
            inner.clone().prop_map(|a| format!("sqrt(({a})^2 + 1)")),
            inner.clone().prop_map(|a| format!("log(({a})^2 + 1)")),
            inner.clone().prop_map(|a| format!("({a})^2")),
            inner.clone().prop_map(|a| format!("({a})^3")),
            inner.clone().prop_map(|a| format!("-({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) + ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) - ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) / (1 + ({b})^2)")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("(2 + sin({a}))^(cos({b}))")),
        ]
    })
}

/// Five-point stencil of `f` along `axis` at `p`, step `h`.
fn stencil(f: &dyn Fn([f64; 2]) -> f64, p: [f64; 2], axis: usize, h: f64) -> f64 {
    let at = |k: f64| {
        let mut q = p;
        q[axis] += k * h;
        f(q)
    };
    (at(-2.0) - 8.0 * at(-1.0) + 8.0 * at(1.0) - at(2.0)) / (12.0 * h)
}

proptest! {
    #![proptest_config(common::seed::config(300))]

    /// A fast oscillation (sin(y^6) near y = 1.94, met by a CI run: too fast for a stencil step
    /// of 1e-3), against its second derivative worked out by hand.
    #[test]
    fn a_fast_oscillation_has_its_exact_second_derivative(v in 1.94..1.945f64) {
        let f = Formula::parse("sin(((y)^3)^2)").unwrap();
        let (_, _, h) = f.derivatives([0.0, v]);
        let y6 = v.powi(6);
        let exact = 30.0 * v.powi(4) * y6.cos() - 36.0 * v.powi(10) * y6.sin();
        prop_assert!((h[1][1] - exact).abs() <= 1e-9 * exact.abs().max(1.0), "{} vs {exact}", h[1][1]);
    }

    #[test]
    fn any_text_is_parsed_or_refused_with_a_reason(text in ".{0,80}") {
        if let Err(e) = Formula::parse(&text) {
            prop_assert!(!e.is_empty() && !e.contains('\n'), "{text:?}: {e:?}");
        }
    }

    /// What parses also runs: points, derivatives and rows, with the same values each way.
    #[test]
    fn formula_like_text_is_parsed_or_refused_with_a_reason(text in "[xye0-9.+*/^() sinctaexplogqrh-]{0,60}") {
        match Formula::parse(&text) {
            Err(e) => prop_assert!(!e.is_empty() && !e.contains('\n'), "{text:?}: {e:?}"),
            Ok(f) => {
                let xs = [-1.5, 0.0, 0.25, 2.0];
                let mut row = Vec::new();
                f.values_along_x(&xs, -0.5, &mut row);
                for (&x, &v) in xs.iter().zip(&row) {
                    prop_assert_eq!(v.to_bits(), f.value([x, -0.5]).to_bits(), "{:?} at x = {}", text, x);
                    prop_assert_eq!(v.to_bits(), f.derivatives([x, -0.5]).0.to_bits(), "{:?} at x = {}", text, x);
                }
            }
        }
    }

    #[test]
    fn derivatives_agree_with_central_differences(text in arb_formula(), u in -2.0..2.0f64, v in -2.0..2.0f64) {
        let f = Formula::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        let p = [u, v];
        let (value, g, h) = f.derivatives(p);
        prop_assert_eq!(value.to_bits(), f.value(p).to_bits(), "{}", text);
        let scale = 1.0 + value.abs() + g[0].abs() + g[1].abs() + h[0][0].abs() + h[0][1].abs() + h[1][1].abs();
        // Where second derivatives pass 1e4 (cos((x - y)^9)), the formula oscillates too fast
        // for steps of 1e-3 to judge: such cases are checked by hand above, not here.
        prop_assume!(scale <= 1e4);
        // The stencil at steps h and h/2: their difference bounds the truncation error of the
        // second (about 1/15 of it).
        let agrees = |exact: f64, along: &dyn Fn([f64; 2]) -> f64, axis: usize| {
            let (coarse, fine) = (stencil(along, p, axis, 1e-3), stencil(along, p, axis, 5e-4));
            ((exact - fine).abs() <= 1e-6 * scale + 2.0 * (coarse - fine).abs(), fine)
        };
        for axis in 0..2 {
            let (ok, numeric) = agrees(g[axis], &|q| f.value(q), axis);
            prop_assert!(ok, "{text} at {p:?}: d/d{axis} {} vs {numeric}", g[axis]);
            for (other, &exact) in h[axis].iter().enumerate() {
                let (ok, numeric) = agrees(exact, &|q| f.derivatives(q).1[other], axis);
                prop_assert!(ok, "{text} at {p:?}: H[{axis}][{other}] {exact} vs {numeric}");
            }
        }
        prop_assert_eq!(h[0][1], h[1][0]);
    }
}
