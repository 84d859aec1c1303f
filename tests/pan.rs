//! Panning and zooming the live view on in-memory layers: the trails already drawn are shown
//! moved (no path stroked again) exactly where the new view puts their points, and once the view
//! rests they are drawn again to the very pixels of trails drawn at that view from the start.

use optiscape::landscape::View;
use optiscape::live::raster::Raster;
use optiscape::live::scene::Layers;
use optiscape::live::Scene;
use optiscape::spec::RunSpec;

const W: u32 = 360;
const H: u32 = 320;

/// A clock that stands still: every budget is met at once.
fn frozen() -> f64 {
    0.0
}

fn scene(spec: &str) -> Scene<Raster> {
    let layers = Layers {
        background: Raster::new(W, H),
        casings: Raster::new(W, H),
        trails: Raster::new(W, H),
        overlay: Raster::new(W, H),
        loss: Raster::new(W, H / 2),
    };
    let mut s = Scene::new(RunSpec::parse(spec).unwrap(), layers, frozen);
    s.resize(1.0).unwrap();
    s
}

const THREE: &str = r##"{"landscape": {"name": "rosenbrock"}, "steps": 600, "racers": [
    {"name": "adam", "lr": 0.05}, {"name": "sgd", "lr": 0.001, "momentum": 0.9}, {"name": "rmsprop", "lr": 0.01}]}"##;

fn raced(spec: &str, frames: usize) -> Scene<Raster> {
    let mut s = scene(spec);
    for _ in 0..frames {
        s.step_and_draw(10).unwrap();
    }
    s
}

fn view_of(s: &Scene<Raster>) -> View {
    s.spec().view.unwrap_or(s.race().default_view)
}

/// `view` moved by a share of its size and zoomed by `zoom` about its centre.
fn moved(view: View, [dx, dy]: [f64; 2], zoom: f64) -> View {
    let (w, h) = (view.x[1] - view.x[0], view.y[1] - view.y[0]);
    let (cx, cy) = (
        (view.x[0] + view.x[1]) / 2.0 + dx * w,
        (view.y[0] + view.y[1]) / 2.0 + dy * h,
    );
    View::new(
        cx - w / 2.0 * zoom,
        cx + w / 2.0 * zoom,
        cy - h / 2.0 * zoom,
        cy + h / 2.0 * zoom,
    )
}

/// The same race drawn at `view` from the start (its trails drawn whole at that view).
fn drawn_at(view: View, frames: usize) -> Scene<Raster> {
    let spec = THREE.replacen(
        "\"steps\": 600,",
        &format!(
            "\"steps\": 600, \"view\": {{\"x\": [{:?}, {:?}], \"y\": [{:?}, {:?}]}},",
            view.x[0], view.x[1], view.y[0], view.y[1]
        ),
        1,
    );
    let mut s = raced(&spec, frames);
    s.resize(1.0).unwrap();
    s
}

#[test]
fn a_pan_or_zoom_shows_the_drawn_trails_moved_where_the_view_puts_them() {
    for (shift, zoom) in [([0.1, -0.05], 1.0), ([0.0, 0.0], 0.5), ([-0.03, 0.02], 1.3)] {
        let mut s = raced(THREE, 20);
        let before = s.layers().trails.pixels().clone();
        let casings = s.layers().casings.pixels().clone();
        let old = s.mapping();
        let view = moved(view_of(&s), shift, zoom);
        s.set_view(view).unwrap();
        assert_eq!(
            *s.layers().trails.pixels(),
            before,
            "a pan strokes nothing again"
        );
        assert_eq!(*s.layers().casings.pixels(), casings);
        let m = s
            .layers()
            .trails
            .moved()
            .expect("the trails are shown moved");
        assert_eq!(s.layers().casings.moved(), Some(m));
        assert!(s.refining() && s.trails_moved());
        let new = s.mapping();
        for t in s.trails() {
            for p in t.path.points() {
                let (a, b) = (m.apply(old.to_px(p)), new.to_px(p));
                assert!(
                    (a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6,
                    "{p:?}: shown at {a:?}, the view puts it at {b:?}"
                );
            }
        }
        assert_eq!(m.clip, new.plot);
    }
}

#[test]
fn new_pieces_drawn_during_a_pan_move_with_the_trails() {
    let mut s = raced(THREE, 10);
    let old = s.mapping();
    let inked_before = s.layers().trails.pixels().inked();
    s.set_view(moved(view_of(&s), [0.05, 0.05], 1.0)).unwrap();
    for _ in 0..5 {
        s.step_and_draw(10).unwrap();
    }
    assert!(s.trails_moved(), "stepping does not end the pan");
    let p = s.layers().trails.pixels().clone();
    assert!(p.inked() > inked_before, "the new pieces are drawn");
    // Each racer's head is inked where the layer was drawn for, not where the view has it now.
    for t in s.trails() {
        let [x, y] = old.to_px(t.path.points().last().unwrap());
        let (x, y) = (x.round() as i64, y.round() as i64);
        let near = (-2..=2).any(|dy| {
            (-2..=2).any(|dx| {
                let (px, py) = (x + dx, y + dy);
                px >= 0
                    && py >= 0
                    && px < W as i64
                    && py < H as i64
                    && p.at(px as u32, py as u32)[3] > 0
            })
        });
        assert!(near, "no ink at the head's pixel ({x}, {y}) of the layer");
    }
}

#[test]
fn once_the_view_rests_the_trails_are_drawn_exactly_at_it() {
    for (shift, zoom) in [([0.1, -0.05], 1.0_f64), ([0.02, 0.0], 0.7)] {
        let mut s = raced(THREE, 20);
        let mut view = view_of(&s);
        // A drag: several pans, the race going on between them.
        for k in 0..4 {
            view = moved(view, [shift[0] / 4.0, shift[1] / 4.0], zoom.sqrt().sqrt());
            s.set_view(view).unwrap();
            if k % 2 == 1 {
                s.step_and_draw(10).unwrap();
            }
        }
        while s.refine(8.0).unwrap() {}
        assert!(!s.refining() && !s.trails_moved());
        assert_eq!(s.layers().trails.moved(), None);
        assert_eq!(s.layers().casings.moved(), None);
        let sharp = drawn_at(view, 22);
        assert_eq!(s.race().clock, sharp.race().clock);
        assert_eq!(*s.layers().trails.pixels(), *sharp.layers().trails.pixels());
        assert_eq!(
            *s.layers().casings.pixels(),
            *sharp.layers().casings.pixels()
        );
        assert_eq!(
            *s.layers().background.pixels(),
            *sharp.layers().background.pixels()
        );
    }
}

#[test]
fn a_change_of_spec_or_size_during_a_pan_draws_the_trails_at_the_view() {
    let mut s = raced(THREE, 10);
    s.set_view(moved(view_of(&s), [0.1, 0.0], 1.0)).unwrap();
    assert!(s.trails_moved());
    s.resize(1.0).unwrap();
    assert!(!s.trails_moved());
    assert_eq!(s.layers().trails.moved(), None);
    s.set_view(moved(view_of(&s), [0.1, 0.0], 1.0)).unwrap();
    let spec = s.spec();
    s.set_spec(spec).unwrap();
    assert!(!s.trails_moved());
    assert_eq!(s.layers().trails.moved(), None);
}

/// A clock that moves on a millisecond at every look: a sharp landscape never fits a pan's
/// budget, so every pan draws it coarse and the frames after refine it.
fn ticking() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NOW: AtomicU64 = AtomicU64::new(0);
    NOW.fetch_add(1, Ordering::Relaxed) as f64
}

#[test]
fn a_pan_shows_a_rough_landscape_that_is_exact_once_the_view_rests() {
    let layers = Layers {
        background: Raster::new(W, H),
        casings: Raster::new(W, H),
        trails: Raster::new(W, H),
        overlay: Raster::new(W, H),
        loss: Raster::new(W, H / 2),
    };
    let mut s = Scene::new(RunSpec::parse(THREE).unwrap(), layers, ticking);
    s.resize(1.0).unwrap();
    while s.refine(8.0).unwrap() {}
    let mut view = view_of(&s);
    for k in 0..3 {
        view = moved(view, [0.04, -0.02], if k == 1 { 0.8 } else { 1.0 });
        s.set_view(view).unwrap();
        s.step_and_draw(10).unwrap();
    }
    assert!(s.refining(), "the pan's landscape is coarse, to be refined");
    let sharp = drawn_at(view, 3);
    let rough = s.layers().background.pixels().clone();
    assert_ne!(rough, *sharp.layers().background.pixels());
    // Rough, but of the same landscape: the plot is covered, no pixel left transparent.
    let plot = s.mapping().plot;
    for y in (plot.y..plot.bottom()).step_by(7) {
        for x in (plot.x..plot.right()).step_by(7) {
            assert_eq!(
                rough.at(x as u32, y as u32)[3],
                255,
                "({x}, {y}) is not painted"
            );
        }
    }
    while s.refine(8.0).unwrap() {}
    assert_eq!(
        *s.layers().background.pixels(),
        *sharp.layers().background.pixels(),
        "once the view rests the landscape is the very one drawn at that view"
    );
    assert_eq!(*s.layers().trails.pixels(), *sharp.layers().trails.pixels());
}
