//! Native timings of the landscape's background: `cargo bench --bench render`.
//!
//! Prints one figure per line, `name value unit` (the format of benches/README.md):
//! `background_native_ms` is sampling an 800 x 800 Rosenbrock field, choosing its levels and
//! writing its RGBA fill (what one `putImageData` shows), into buffers kept from the previous
//! frame as the page does (`_cpu_ms`: the same in this thread's CPU time, which a machine busy
//! with other work inflates less); `background_cold_native_ms` the same into fresh buffers; the other
//! figures time the pieces, the iso-lines, and the racers' overlay (8 x 20 000 points, drawn
//! into an SVG string); `sample_custom_native_ms` samples the typed formula's default (the
//! three-hump camel, 21 instructions per point) over the same 800 x 800 grid. Each figure is the
//! median of several runs after a warm-up.

use optiscape::landscape::{find, Objective, View};
use optiscape::render::layout::PlotRect;
use optiscape::render::{colormap, draw_racers, Field, Mapping, RacerTrace};
use optiscape::schema::Hyper;
use plotters::prelude::{IntoDrawingArea, SVGBackend};
use std::hint::black_box;
#[path = "timing.rs"]
mod timing;
use timing::time_ms;

/// The median wall time of one call, in ms (see [`time_ms`]).
fn median_ms(runs: usize, f: impl FnMut()) -> f64 {
    time_ms(runs, f).0
}

fn main() {
    let info = find("rosenbrock").expect("rosenbrock is registered");
    let built = (info.build)(&Hyper::defaults(info.params));
    let marks = built.marks.clone();
    let objective = Objective::new(built.f, 1.0);
    let mapping = Mapping::new(
        PlotRect {
            x: 0,
            y: 0,
            width: 800,
            height: 800,
        },
        View::new(-2.0, 2.0, -1.0, 3.0),
    );
    let runs = 15;

    // As the page redraws on a pan or zoom: the field and the RGBA buffer are reused.
    let mut rgba = vec![0u8; 800 * 800 * 4];
    let mut field = Field::for_mapping(&objective, &mapping, &marks);
    let (background, background_cpu) = time_ms(runs, || {
        field.update(&objective, &mapping, &marks);
        field.write_rgba(&mut rgba);
        black_box(&rgba);
    });
    // From nothing: fresh buffers (their first touch costs page faults).
    let cold = median_ms(runs, || {
        let field = Field::for_mapping(&objective, &mapping, &marks);
        black_box(field.rgba());
    });
    let sample = median_ms(runs, || {
        field.update(&objective, &mapping, &marks);
        black_box(&field);
    });
    let fill = median_ms(runs, || {
        field.write_rgba(&mut rgba);
        black_box(&rgba);
    });
    let isolines = median_ms(runs, || {
        black_box(field.isolines());
    });
    let lines: usize = field.isolines().iter().map(|(_, l)| l.len()).sum();

    let custom = find("custom").expect("custom is registered");
    let typed = (custom.build)(&Hyper::defaults(custom.params));
    let typed = Objective::new(typed.f, 1.0);
    let mut typed_field = Field::for_mapping(&typed, &mapping, &[]);
    let sample_custom = median_ms(runs, || {
        typed_field.update(&typed, &mapping, &[]);
        black_box(&typed_field);
    });

    // The overlay: 8 racers of 20 000 steps each, spiralling in (an SVG string as the backend).
    let trajectories: Vec<Vec<[f64; 2]>> = (0..8)
        .map(|k| {
            (0..20_000)
                .map(|i| {
                    let t = i as f64 * 0.01 + k as f64;
                    let r = 1.5 * optiscape::math::exp(-(i as f64) / 8000.0);
                    [
                        r * optiscape::math::cos(t),
                        1.0 + r * optiscape::math::sin(t),
                    ]
                })
                .collect()
        })
        .collect();
    let racers: Vec<RacerTrace> = trajectories
        .iter()
        .enumerate()
        .map(|(k, points)| RacerTrace {
            color: colormap::racer_color(k),
            points,
            diverged: false,
            dash: Default::default(),
        })
        .collect();
    let mut svg = String::with_capacity(1 << 20);
    let overlay = median_ms(runs, || {
        svg.clear();
        let area = SVGBackend::with_string(&mut svg, (800, 800)).into_drawing_area();
        draw_racers(&area, &mapping, Some([-1.2, 1.0]), &racers, 1.0).unwrap();
        drop(area);
        black_box(&svg);
    });

    println!("# optiscape render bench: 800 x 800 rosenbrock, {} levels, {lines} iso-lines, median of {runs}", field.levels.len());
    println!("background_native_ms {background:.2} ms");
    if let Some(cpu) = background_cpu {
        println!("background_native_cpu_ms {cpu:.2} ms");
    }
    println!("background_cold_native_ms {cold:.2} ms");
    println!("background_sample_native_ms {sample:.2} ms");
    println!("background_fill_native_ms {fill:.2} ms");
    println!("isolines_native_ms {isolines:.2} ms");
    println!("sample_custom_native_ms {sample_custom:.2} ms");
    println!("racers_native_ms {overlay:.2} ms");
}
