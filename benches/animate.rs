//! `optiscape animate` against `optiscape plot`: `cargo bench --bench animate`.
//!
//! The Rosenbrock scene (six racers) for 500 steps at 960x540, as an animated GIF at the
//! defaults (100 frames, 25 a second) and as `plot`'s SVG of the same spec, each timed in this
//! run (median of 5 after a warm-up). Prints `name value unit` lines: the GIF's bytes and
//! seconds (budget: 3 MB and 5 s), the SVG's, and the ratios.

use optiscape::export::animate::{animate, Options};
use optiscape::figure::figure;
use optiscape::spec::RunSpec;
use std::hint::black_box;
#[path = "timing.rs"]
mod timing;
use timing::time_ms;

fn main() {
    let scene = optiscape::presets::scenes()
        .iter()
        .find(|p| p.id == "rosenbrock")
        .expect("the Rosenbrock scene");
    let spec = RunSpec {
        steps: 500,
        ..scene.spec.clone()
    };
    let options = Options {
        width: 960,
        height: 540,
        ..Options::default()
    };
    let gif = animate(&spec, &options).expect("the race animates");
    let svg = figure(&spec, 960, 540, false).expect("the race draws");
    let (gif_ms, _) = time_ms(5, || {
        black_box(animate(&spec, &options).unwrap());
    });
    let (svg_ms, _) = time_ms(5, || {
        black_box(figure(&spec, 960, 540, false).unwrap());
    });
    println!(
        "# optiscape animate vs plot: the Rosenbrock scene, {} racers, 500 steps, 960x540",
        spec.racers.len()
    );
    println!("animate_gif_bytes {} bytes", gif.len());
    println!("animate_gif_s {:.3} s", gif_ms / 1e3);
    println!("plot_svg_bytes {} bytes", svg.len());
    println!("plot_svg_s {:.3} s", svg_ms / 1e3);
    println!(
        "animate_vs_plot_bytes {:.2} ratio",
        gif.len() as f64 / svg.len() as f64
    );
    println!("animate_vs_plot_time {:.2} ratio", gif_ms / svg_ms);
    println!("# budget: animate_gif_bytes <= 3000000, animate_gif_s <= 5");
}
