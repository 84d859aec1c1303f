//! An optimizer stepping many weights at once moves each exactly as it would move that weight
//! alone. In wasm with SIMD (`cargo xtask test` runs this file under Node's WASI, built with
//! `+simd128`) the many-weight update goes two weights at a time through `optim::lanes::F64x2`
//! and a lone weight through `f64`, so this pins the pair path to the scalar one bit for bit;
//! natively it pins that no weight's update leaks into another's.

use optiscape::classify::model::Rng;
use optiscape::optim::{self, Derivatives, REGISTRY};
use optiscape::schema::{self, Hyper};
use serde_json::{json, Map, Value};

/// Mostly ordinary values over many decades, sometimes zero, tiny, huge or not finite, drawn
/// from the crate's splitmix64.
fn value(rng: &mut Rng) -> f64 {
    let sign = if rng.next_u64() & 1 == 0 { 1.0 } else { -1.0 };
    let mantissa = 1.0 + (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    match rng.next_u64() % 100 {
        0 => 0.0,
        1 => sign * f64::from_bits(rng.next_u64() >> 12), // subnormal
        2 => sign * 1e300,
        3 => f64::NAN,
        4 => sign * f64::INFINITY,
        _ => sign * mantissa * optiscape::math::powi(2.0, (rng.next_u64() % 60) as i32 - 40),
    }
}

fn same(x: f64, y: f64) -> bool {
    x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
}

/// Hyperparameter sets that reach every branch: defaults, each flag on, weight decay, and
/// momentum (with the flags too, as nesterov needs it).
fn settings(info: &optim::OptimizerInfo) -> Vec<Map<String, Value>> {
    let has_momentum = info.params.iter().any(|p| p.name == "momentum");
    let base = || {
        if has_momentum {
            Map::from_iter([("momentum".to_string(), json!(0.9))])
        } else {
            Map::new()
        }
    };
    let mut out = vec![Map::new(), base()];
    for p in info.params {
        let changed = match p.default {
            schema::Value::Flag(b) => json!(!b),
            _ if p.name == "weight_decay" => json!(0.1),
            _ => continue,
        };
        let mut fields = base();
        fields.insert(p.name.to_string(), changed);
        out.push(fields);
    }
    out
}

/// Optimizers whose step looks at the whole parameter vector, not weight by weight: Adafactor
/// (its norm), Muon (its orthogonalization) and L-BFGS (the objective along a direction).
const WHOLE_VECTOR: &[&str] = &["adafactor", "muon", "lbfgs"];

#[test]
fn many_weights_step_as_each_alone() {
    const WEIGHTS: usize = 37; // odd: pairs and a last lone weight
    const STEPS: usize = 40;
    let mut rng = Rng::new(7);
    let mut checked = 0;
    for info in REGISTRY
        .iter()
        .filter(|o| !o.needs_hessian && !WHOLE_VECTOR.contains(&o.name))
    {
        for fields in settings(info) {
            let hyper = Hyper::from_fields(info.name, info.params, &fields).unwrap();
            let factory = (info.build)(&hyper).unwrap();
            let start: Vec<f64> = (0..WEIGHTS).map(|_| value(&mut rng)).collect();
            let mut together = start.clone();
            let mut all = factory.start(&together);
            let mut alone: Vec<(Vec<f64>, _)> = start
                .iter()
                .map(|&w| (vec![w], factory.start(&[w])))
                .collect();
            for step in 0..STEPS {
                let grad: Vec<f64> = (0..WEIGHTS).map(|_| value(&mut rng)).collect();
                all.step(&mut together, &Derivatives::of(&grad));
                for (j, (w, stepper)) in alone.iter_mut().enumerate() {
                    stepper.step(w, &Derivatives::of(&grad[j..j + 1]));
                    assert!(
                        same(together[j], w[0]),
                        "{} {fields:?}, step {}, weight {j}: {:e} stepped with the others, {:e} alone",
                        info.name,
                        step + 1,
                        together[j],
                        w[0]
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} optimizer settings checked");
}

/// The classifier's dot product sums its terms as documented, four running sums of the terms
/// `i mod 4` added as `(s0 + s1) + (s2 + s3)` and then the tail in order, in wasm's pairs too.
#[test]
fn dot_sums_in_its_documented_order() {
    let mut rng = Rng::new(11);
    for len in 0..70 {
        let a: Vec<f64> = (0..len).map(|_| value(&mut rng)).collect();
        let b: Vec<f64> = (0..len).map(|_| value(&mut rng)).collect();
        let body = len - len % 4;
        let mut sums = [0.0; 4];
        for i in 0..body {
            sums[i % 4] += a[i] * b[i];
        }
        let mut expected = (sums[0] + sums[1]) + (sums[2] + sums[3]);
        let mut tail = 0.0;
        for i in body..len {
            tail += a[i] * b[i];
        }
        expected += tail;
        let got = optiscape::classify::model::dot(&a, &b);
        assert!(
            same(got, expected),
            "length {len}: {got:e}, expected {expected:e}"
        );
    }
}
