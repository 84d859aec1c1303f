//! Timings of the classifier core, natively and in WebAssembly.
//!
//! Natively: `cargo bench --bench classify`.
//!
//! In wasm: the same code built for wasm32-wasip1 (a clock and stdout, nothing else) as the
//! example `classify-wasi` (benches/wasi/classify.rs; a bench target would drag in the native
//! binary), and run by Node's WASI (tests/wasi.mjs, the target's runner in .cargo/config.toml,
//! which also turns on wasm SIMD), i.e. compiled by V8 as in Chromium. opt-level "s" as the
//! page's build:
//!
//! ```sh
//! rustup target add wasm32-wasip1
//! CARGO_PROFILE_RELEASE_OPT_LEVEL=s cargo run --release --example classify-wasi --target wasm32-wasip1
//! ```
//!
//! Prints one figure per line, `name value unit` (benches/README.md's format), suffixed
//! `_native` or `_wasm`: `_ms` figures are the median wall time of several runs after a
//! warm-up, `_cpu_ms` the mean CPU time of this thread (Linux schedstat, or WASI's thread CPU
//! clock), steadier on a machine shared with other work. `train_adam_linear` is the whole
//! 15-epoch Adam race on the linear digits classifier (13,470 steps of batch 1 on 650 weights,
//! test accuracy after every epoch) as `optiscape train` runs it; `loss_grad_linear` and
//! `adam_step` time its two parts alone (13,470 calls each); `fma_*_ns` time one fused
//! multiply-add over independent random operands: `fma_emulated` (src/optim/fma.rs, what the
//! optimizers use in wasm), `fma_mul_add` (`f64::mul_add`: a hardware FMA natively, a software
//! routine in wasm) and `unfused_mul_add` (`a * b + c`, two roundings: the floor).
//! `plane_new` builds the projected view's plane (classify::projection, its reference run
//! included) and `surface_200x200` samples a whole 200 x 200 surface on it.
//!
//! `classify --train SPEC_JSON` instead trains that spec once (after one run to warm up) and
//! prints `train_native_s`, the training alone: `cargo xtask bench` runs it beside the page's
//! own training of the same spec (benches/page.mjs, `train_wasm_vs_native`).

use optiscape::classify::digits::{Digits, FEATURES, TRAIN};
use optiscape::classify::model::{Architecture, Model, Rng};
use optiscape::classify::projection::{Plane, Surface};
use optiscape::classify::train::{self, prepare, Input, TrainSpec};
use optiscape::optim::{fma, Adam, Derivatives, Optimizer};
use std::hint::black_box;
#[path = "timing.rs"]
mod timing;
use timing::time_ms;

const SUFFIX: &str = if cfg!(target_arch = "wasm32") {
    "wasm"
} else {
    "native"
};

/// Trains `spec` to the end once to warm up, then once timed: prints `train_native_s` and the
/// first racer's test accuracy.
fn train_once(spec: &TrainSpec, digits: &Digits) {
    train::train(spec, digits, &|| 0.0);
    let start = std::time::Instant::now();
    let result = train::train(spec, digits, &|| 0.0);
    let seconds = start.elapsed().as_secs_f64();
    println!("train_{SUFFIX}_s {seconds:.4} s");
    if let Some(accuracy) = result.racers[0].test_accuracy {
        println!("# test accuracy {:.2} %", 100.0 * accuracy);
    }
}

/// Prints `name_SUFFIX_ms` (median wall) and `name_SUFFIX_cpu_ms` (mean CPU time).
fn report(name: &str, (wall, cpu): (f64, Option<f64>), digits: usize) {
    println!("{name}_{SUFFIX}_ms {wall:.digits$} ms");
    if let Some(cpu) = cpu {
        println!("{name}_{SUFFIX}_cpu_ms {cpu:.digits$} ms");
    }
}

pub fn main() {
    let digits = Digits::parse(include_bytes!("../www/data/digits.bin"))
        .expect("the committed digits file is valid");
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--train") {
        let spec = TrainSpec::parse(args.get(i + 1).map_or("", String::as_str))
            .unwrap_or_else(|e| panic!("--train SPEC_JSON: {e}"));
        return train_once(&spec, &digits);
    }
    let spec =
        TrainSpec::parse(r#"{"model": "linear", "racers": [{"name": "adam", "lr": 0.001}]}"#)
            .unwrap();
    let runs = 9;
    println!("# optiscape classify bench ({SUFFIX}): linear digits classifier, Adam lr 1e-3, 15 epochs; wall: median of {runs}, cpu: mean");

    let mut last = None;
    let train = time_ms(runs, || {
        last = Some(train::train(&spec, &digits, &|| 0.0));
    });
    let result = last.unwrap();
    let loss = result.racers[0].epochs.last().unwrap().train_loss;
    report("train_adam_linear", train, 2);
    println!(
        "# final training loss {loss:e} (bits {:016x})",
        loss.to_bits()
    );

    // The two halves of a step, alone: 15 x 898 gradients at the initial weights, and as many
    // Adam steps, fed the initial weights' per-sample gradients in the training order.
    let model = Model::new(Architecture::Linear, FEATURES, 10);
    let data = prepare(&digits, Input::default());
    let params = model.init(0);
    let n = params.len();
    let mut grads = vec![0.0; TRAIN * n];
    let steps = 15 * TRAIN;
    let loss_grad = time_ms(runs, || {
        let mut total = 0.0;
        for k in 0..steps {
            let i = k % TRAIN;
            let x = &data.train_x[i * FEATURES..(i + 1) * FEATURES];
            total += model.loss_grad(
                &params,
                x,
                &data.train_y[i..i + 1],
                &mut grads[i * n..(i + 1) * n],
            );
        }
        black_box(total);
    });
    report("loss_grad_linear", loss_grad, 2);

    let adam = black_box(Adam {
        lr: 1e-3,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weight_decay: 0.0,
        amsgrad: false,
        decoupled_weight_decay: false,
    });
    let adam_step = time_ms(runs, || {
        let mut p = params.clone();
        let mut state = adam.init(&p);
        for k in 0..steps {
            let i = k % TRAIN;
            adam.update(
                &mut p,
                &Derivatives::of(&grads[i * n..(i + 1) * n]),
                &mut state,
            );
        }
        black_box(&p);
    });
    report("adam_step", adam_step, 2);

    // One fused multiply-add, over independent random operands of everyday exponents.
    let mut rng = Rng::new(7);
    let mut draw = || {
        (2.0 * rng.uniform() - 1.0) * optiscape::math::powi(2.0, (rng.uniform() * 40.0) as i32 - 20)
    };
    let operands: Vec<[f64; 3]> = (0..4096).map(|_| [draw(), draw(), draw()]).collect();
    let reps = 500;
    let per_op_ns = |t: (f64, Option<f64>)| {
        (
            t.0 * 1e6 / (reps * operands.len()) as f64,
            t.1.map(|c| c * 1e6 / (reps * operands.len()) as f64),
        )
    };
    let time_fma = |name: &str, f: &dyn Fn(&[[f64; 3]]) -> f64| {
        let t = time_ms(runs, || {
            let mut sum = 0.0;
            for _ in 0..reps {
                sum += f(black_box(&operands));
            }
            black_box(sum);
        });
        let (wall, cpu) = per_op_ns(t);
        println!("{name}_{SUFFIX}_ns {wall:.2} ns");
        if let Some(cpu) = cpu {
            println!("{name}_{SUFFIX}_cpu_ns {cpu:.2} ns");
        }
    };
    // The projected view (classify::projection): building the plane (its 50 full-batch Adam
    // steps included), then a whole 200 x 200 surface; and where the racer ends on it.
    let mut plane = None;
    let plane_new = time_ms(3, || plane = Some(Plane::new(&digits, &spec).unwrap()));
    report("plane_new", plane_new, 2);
    let plane = plane.unwrap();
    let surface = time_ms(3, || {
        let mut s = Surface::new(plane.clone(), Plane::default_view(), 200, 200);
        while !s.advance(5_000) {}
        black_box(s.values());
    });
    report("surface_200x200", surface, 1);
    let mut trainer = train::Trainer::new(spec.clone(), &digits);
    trainer.advance(0, u64::MAX);
    let end = plane.project(trainer.weights(0));
    println!(
        "# the Adam racer ends at (a, b) = ({:.3}, {:.3}), {:.3} |u| off the plane",
        end.coords[0], end.coords[1], end.relative_distance
    );

    time_fma("fma_emulated", &|ops| {
        ops.iter().map(|&[a, b, c]| fma::fma(a, b, c)).sum()
    });
    time_fma("fma_mul_add", &|ops| {
        ops.iter().map(|&[a, b, c]| a.mul_add(b, c)).sum()
    });
    time_fma("unfused_mul_add", &|ops| {
        ops.iter().map(|&[a, b, c]| a * b + c).sum()
    });
}
