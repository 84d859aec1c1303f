//! The live race's frame natively: the bench page's 32 racers at 1000 steps a frame (and 8 at
//! 10), Rosenbrock, 800x800 px, drawn on layers that only count what a canvas would be asked to
//! do (strokes, their points, fills, texts). Prints the parts' p95 in ms (stepping, paths and
//! heads, loss chart, as `Scene::timings` splits a frame) and the canvas calls per frame; a
//! profiler run on it (`perf record target/release/deps/frame-*`) shows where the wasm's time
//! goes, without the browser.
//!
//! `cargo bench --bench frame`

use optiscape::live::scene::Layers;
use optiscape::live::{Layer, Scene};
use optiscape::render::layout::PlotRect;
use optiscape::spec::RunSpec;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::IntoDrawingArea;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use std::cell::Cell;
use std::sync::OnceLock;
use std::time::Instant;

thread_local!(static COUNTS: Cell<[u64; 4]> = const { Cell::new([0; 4]) });

fn count(k: usize, n: u64) {
    COUNTS.with(|c| {
        let mut v = c.get();
        v[k] += n;
        c.set(v);
    });
}

/// A backend that draws nothing and counts: strokes, their points, fills, texts.
struct Counter(u32, u32);

impl DrawingBackend for Counter {
    type ErrorType = std::fmt::Error;
    fn get_size(&self) -> (u32, u32) {
        (self.0, self.1)
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        Ok(())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        Ok(())
    }
    fn draw_pixel(
        &mut self,
        _: BackendCoord,
        _: BackendColor,
    ) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        Ok(())
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
    ) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        count(0, 1);
        count(1, 2);
        Ok(())
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        _: &S,
    ) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        count(0, 1);
        count(1, path.into_iter().count() as u64);
        Ok(())
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        _: I,
        _: &S,
    ) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        count(2, 1);
        Ok(())
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        count(2, 1);
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: u32,
        _: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        count(2, 1);
        Ok(())
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        _: &str,
        _: &S,
        _: BackendCoord,
    ) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        count(3, 1);
        Ok(())
    }
}

struct Counting {
    size: (u32, u32),
    area: DrawingArea<Counter, Shift>,
}

impl Counting {
    fn new(w: u32, h: u32) -> Counting {
        Counting {
            size: (w, h),
            area: Counter(w, h).into_drawing_area(),
        }
    }
}

impl Layer for Counting {
    type Backend = Counter;
    fn area(&self) -> &DrawingArea<Counter, Shift> {
        &self.area
    }
    fn size(&self) -> (u32, u32) {
        self.size
    }
    fn refresh(&mut self) -> Result<(), String> {
        Ok(())
    }
    fn clear_rect(&self, _: [f64; 4]) {}
    fn fill_white_rect(&self, _: [f64; 4]) {}
    fn put_rgba(&self, _: &[u8], _: u32, _: u32, _: f64, _: f64) -> Result<(), String> {
        Ok(())
    }
    fn scale_up(&self, _: [f64; 4], _: f64, _: PlotRect) -> Result<(), String> {
        Ok(())
    }
    fn show_moved(&self, _: Option<optiscape::live::pan::Moved>) {}
}

fn now() -> f64 {
    static T0: OnceLock<Instant> = OnceLock::new();
    T0.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

/// The bench page's racers (www/js/bench.js), `n` of them in turn.
fn racers(n: usize) -> String {
    let eight = [
        r#"{"name": "sgd", "lr": 0.001}"#,
        r#"{"name": "sgd", "lr": 0.001, "momentum": 0.9}"#,
        r#"{"name": "sgd", "lr": 0.001, "momentum": 0.9, "nesterov": true}"#,
        r#"{"name": "adam", "lr": 0.05}"#,
        r#"{"name": "rmsprop", "lr": 0.01}"#,
        r#"{"name": "adagrad", "lr": 0.5}"#,
        r#"{"name": "lion", "lr": 0.01}"#,
        r#"{"name": "newton", "lr": 0.5}"#,
    ];
    (0..n).map(|i| eight[i % 8]).collect::<Vec<_>>().join(", ")
}

fn p95(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[((0.95 * xs.len() as f64).ceil() as usize).max(1) - 1]
}

fn run(name: &str, n: usize, speed: u32, frames: usize) {
    let spec = format!(
        r#"{{"landscape": {{"name": "rosenbrock"}}, "steps": 1000000000, "speed": {speed}, "racers": [{}]}}"#,
        racers(n)
    );
    let layers = Layers {
        background: Counting::new(800, 800),
        casings: Counting::new(800, 800),
        trails: Counting::new(800, 800),
        overlay: Counting::new(800, 800),
        loss: Counting::new(800, 300),
    };
    let mut scene = Scene::new(RunSpec::parse(&spec).unwrap(), layers, now);
    scene.resize(1.0).unwrap();
    let mut parts = [vec![], vec![], vec![], vec![]];
    COUNTS.with(|c| c.set([0; 4]));
    for _ in 0..frames {
        scene.step_and_draw(speed).unwrap();
        let t = scene.timings();
        for (k, v) in [t.frame_ms, t.step_ms, t.overlay_ms, t.loss_ms]
            .into_iter()
            .enumerate()
        {
            parts[k].push(v);
        }
    }
    let c = COUNTS.with(Cell::get).map(|v| v as f64 / frames as f64);
    let [frame, step, overlay, loss] = parts.map(p95);
    println!("{name}_p95_ms {frame:.2} ms (step {step:.2}, paths and heads {overlay:.2}, loss chart {loss:.2})");
    println!(
        "# {name}: a frame {:.0} strokes of {:.0} points, {:.0} fills, {:.1} texts",
        c[0], c[1], c[2], c[3]
    );
}

fn main() {
    let frames: usize = std::env::var("FRAMES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    run("native_frame", 8, 10, 300);
    run("native_frame_32x1000", 32, 1000, frames);
}
