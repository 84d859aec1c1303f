//! The 3-D surface's frame against the 2-D plot's, natively on a bitmap backend (the `Raster`
//! that `optiscape animate` and `plot --out x.png` draw on): `cargo bench --bench surface`.
//!
//! Eight racers of 2000 steps on Rosenbrock (its default view), at 1920 x 1080. A 3-D frame is
//! what turning the view redraws: the surface already sampled (it only changes with the
//! landscape or the view), the box, every cell and every path, the axes; 40 frames turning by
//! 3 degrees each, at the figure's grid (120 vertices a side) and at coarser ones. A 2-D frame
//! is the page's full redraw: the landscape's fill put as one image (sampled once, as the page
//! keeps its field), iso-lines, marks, axes, colour bar and every path. Prints `name value unit`
//! lines (median and 95th percentile of the frames' wall time, mean CPU time) and the ratios,
//! 3-D over 2-D.

use optiscape::export::raster::Raster;
use optiscape::race::{run_race, Race};
use optiscape::render::surface::{draw_surface, Surface, SurfacePath, Turn, GRID};
use optiscape::render::{colormap, draw_background, draw_racers, BackgroundInput, Field, Layout, Mapping, RacerTrace};
use optiscape::spec::RunSpec;
use plotters::prelude::IntoDrawingArea;
use std::time::Instant;
#[path = "timing.rs"]
mod timing;
use timing::time_ms;

const SIZE: (u32, u32) = (1920, 1080);
const FRAMES: usize = 40;

/// Median and 95th percentile of the wall time of `frames` calls of `f(k)`, and the mean CPU
/// time of one (which a machine busy with other work inflates less), in ms, after a warm-up.
fn frames_ms(frames: usize, mut f: impl FnMut(usize)) -> (f64, f64, f64) {
    f(0);
    let cpu0 = timing::thread_cpu_ns();
    let mut t: Vec<f64> = (0..frames)
        .map(|k| {
            let start = Instant::now();
            f(k);
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let cpu = cpu0.zip(timing::thread_cpu_ns()).map_or(f64::NAN, |(a, b)| (b - a) as f64 / frames as f64 / 1e6);
    t.sort_by(f64::total_cmp);
    (t[t.len() / 2], t[((t.len() as f64 * 0.95).ceil() as usize).min(t.len()) - 1], cpu)
}

fn main() {
    let spec = RunSpec::parse(
        r#"{"landscape": {"name": "rosenbrock"}, "steps": 2000, "racers": [
        {"name": "adam", "lr": 0.05}, {"name": "sgd", "lr": 0.001, "momentum": 0.9}, {"name": "newton", "lr": 0.5},
        {"name": "sgd", "lr": 0.001}, {"name": "rmsprop", "lr": 0.01}, {"name": "adagrad", "lr": 0.5},
        {"name": "nadam", "lr": 0.01}, {"name": "adamw", "lr": 0.02}]}"#,
    )
    .expect("the bench's spec");
    let mut race = Race::new(&spec);
    let result = run_race(&mut race, spec.steps);
    let points: usize = result.racers.iter().map(|r| r.trajectory.len()).sum();
    let colors: Vec<_> = (0..result.racers.len()).map(colormap::racer_color).collect();
    let view = race.default_view;
    let mut raster = Raster::new(SIZE.0, SIZE.1);
    let white = |r: &mut Raster| r.rgba.fill(255);

    // 2-D: the page's full redraw of its plot.
    let mapping = Mapping::fit(Layout::landscape(SIZE.0, SIZE.1, 1.0).plot, view);
    let field = Field::for_mapping(&race.objective, &mapping, &race.marks);
    let rgba = field.rgba();
    let dashes = colormap::dashes(&colors);
    let traces: Vec<RacerTrace> =
        result.racers.iter().zip(&colors).zip(&dashes).map(|((r, &color), &dash)| RacerTrace { color, points: &r.trajectory, diverged: false, dash }).collect();
    let (plot_median, plot_p95, plot_cpu) = frames_ms(FRAMES, |_| {
        white(&mut raster);
        raster.put(mapping.plot.x, mapping.plot.y, field.width, field.height, &rgba);
        let area = raster.backend().into_drawing_area();
        draw_background(&area, &BackgroundInput { mapping, field: &field, marks: &race.marks, dpr: 1.0 }).unwrap();
        draw_racers(&area, &mapping, Some(race.start), &traces, 1.0).unwrap();
    });

    // 3-D: turning, at the figure's grid and coarser ones.
    let paths: Vec<SurfacePath> = result.racers.iter().zip(&colors).map(|(r, &color)| SurfacePath { color, points: &r.trajectory, losses: &r.loss }).collect();
    let start = Some((race.start, race.objective.value(race.start)));
    println!("# optiscape 3-D surface vs 2-D plot: Rosenbrock, {} racers, {points} points, {}x{} on a bitmap, {FRAMES} frames", paths.len(), SIZE.0, SIZE.1);
    println!("plot_frame_1080p_ms {plot_median:.1} ms");
    println!("plot_frame_1080p_p95_ms {plot_p95:.1} ms");
    println!("plot_frame_1080p_cpu_ms {plot_cpu:.1} ms");
    for grid in [GRID, 90, 60] {
        let (sample, _) = time_ms(3, || {
            std::hint::black_box(Surface::with_levels(&race.objective, view, field.levels.clone(), grid));
        });
        let surface = Surface::with_levels(&race.objective, view, field.levels.clone(), grid);
        let (median, p95, cpu) = frames_ms(FRAMES, |k| {
            white(&mut raster);
            let area = raster.backend().into_drawing_area();
            let turn = Turn { yaw: Turn::default().yaw + 3.0 * k as f64, ..Turn::default() };
            draw_surface(&area, &surface, &paths, start, turn, 1.0).unwrap();
        });
        let suffix = if grid == GRID { String::new() } else { format!("_grid{grid}") };
        println!("surface_sample{suffix}_ms {sample:.1} ms");
        println!("surface_turn_frame{suffix}_ms {median:.1} ms");
        println!("surface_turn_frame{suffix}_p95_ms {p95:.1} ms");
        println!("surface_turn_frame{suffix}_cpu_ms {cpu:.1} ms");
        println!("surface_vs_plot_frame{suffix} {:.2} ratio", median / plot_median);
        println!("surface_vs_plot_frame{suffix}_cpu {:.2} ratio", cpu / plot_cpu);
    }
    println!("# 30 frames a second is 33.3 ms a frame; grid {GRID} is plot --3d's");
}
