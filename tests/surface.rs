//! The landscape as a 3-D surface (`optiscape plot --3d`): heights on the contour plot's scale,
//! the paths riding on the drawn surface and hidden behind what stands in front of them, the
//! axes and the figure.

use optiscape::export::raster::Raster;
use optiscape::landscape::{find, Objective, View};
use optiscape::render::levels::Spacing;
use optiscape::render::surface::{draw_surface, Height, Surface, SurfacePath, Turn};
use optiscape::render::{Field, Layout, Mapping};
use optiscape::schema::Hyper;
use plotters::prelude::IntoDrawingArea;
use plotters::style::RGBColor;

mod common;
use common::svg::texts;
use common::{assert_fails, cli};

fn landscape(name: &str) -> (Objective, optiscape::landscape::Built) {
    let info = find(name).unwrap();
    let built = (info.build)(&Hyper::defaults(info.params));
    let again = (info.build)(&Hyper::defaults(info.params));
    (Objective::new(again.f, 1.0), built)
}

#[test]
fn heights_are_logarithmic_where_the_contours_are() {
    for name in ["rosenbrock", "himmelblau", "beale", "quadratic"] {
        let (objective, built) = landscape(name);
        let field = Field::for_mapping(&objective, &Mapping::fit(Layout::landscape(400, 400, 1.0).plot, built.view), &built.marks);
        let log = matches!(field.levels.spacing, Spacing::Log { .. });
        let surface = Surface::with_levels(&objective, built.view, field.levels.clone(), 50);
        match surface.height {
            // Flat below the innermost level: the lowest height is that level's.
            Height::Log { base, floor } => {
                assert!(log, "{name}");
                assert_eq!(floor, field.levels.values[0] - base);
                assert!((surface.z[0] - floor.log10()).abs() < 1e-12, "{name}: {:?}", surface.z);
            }
            Height::Linear => assert!(!log, "{name}"),
        }
        // The figures agree: the 3-D one's height is `f − f*` where the contour plot's colour bar
        // is (above a minimum other than 0), its ticks powers of ten where the levels are.
        let spec = format!(r#"{{"landscape": {{"name": "{name}"}}, "steps": 10, "racers": [{{"name": "adam"}}]}}"#);
        let flat = texts(&String::from_utf8(cli(&["plot", "--size", "1000x600"], &spec).stdout).unwrap()).contains(&"f \u{2212} f*".to_string());
        let solid = texts(&String::from_utf8(cli(&["plot", "--3d", "--size", "1000x600"], &spec).stdout).unwrap()).contains(&"f \u{2212} f*".to_string());
        assert_eq!(flat, solid, "{name}");
        let decades = texts(&String::from_utf8(cli(&["plot", "--3d", "--size", "1000x600"], &spec).stdout).unwrap()).iter().any(|t| t.starts_with("10") && t.chars().count() == 3);
        assert_eq!(decades, log, "{name}");
    }
}

#[test]
fn paths_ride_on_the_drawn_surface() {
    let (objective, built) = landscape("rosenbrock");
    let s = Surface::sample(&objective, built.view, &built.marks, 40);
    let n = s.n;
    // At the grid's vertices the drawn surface is the sampled one.
    for (i, j) in [(0, 0), (7, 3), (n - 1, n - 1), (20, 33)] {
        let p = [built.view.x[0] + (built.view.x[1] - built.view.x[0]) * i as f64 / (n - 1) as f64, built.view.y[0] + (built.view.y[1] - built.view.y[0]) * j as f64 / (n - 1) as f64];
        assert!((s.drawn_height(p) - s.height.of(objective.value(p))).abs() < 1e-9, "({i}, {j})");
    }
    // In the valley the grid's cells cut the corner: a point there rides on them, never under.
    for k in 0..200 {
        let x = -1.5 + 3.0 * k as f64 / 199.0;
        let p = [x, x * x];
        let lifted = s.lift(p, objective.value(p)).unwrap();
        assert!(lifted.1 >= s.drawn_height(p).min(s.z[1]) - 1e-12 && lifted.1 >= s.z[0]);
        assert_eq!((lifted.0, lifted.2), (p[0], p[1]));
    }
    assert_eq!(s.lift([5.0, 0.0], 1.0), None, "off the view");
    assert_eq!(s.lift([0.0, 0.0], f64::NAN), None);
}

/// Pixels of exactly `color` in a 900 x 700 picture of a ridge along y = 0 with one path along
/// y = `y`, turned as the default turn (seen from the side of negative y).
fn path_pixels(y: f64, color: RGBColor) -> usize {
    let spec = optiscape::spec::LandscapeSpec::from_fields("custom", serde_json::json!({"f": "exp(-4 y^2)"}).as_object().unwrap().clone()).unwrap();
    let objective = spec.objective(spec.build().f);
    let view = View::new(-2.0, 2.0, -2.0, 2.0);
    let s = Surface::sample(&objective, view, &[], 60);
    let points: Vec<[f64; 2]> = (0..61).map(|k| [-1.5 + 3.0 * k as f64 / 60.0, y]).collect();
    let losses: Vec<f64> = points.iter().map(|&p| objective.value(p)).collect();
    let mut raster = Raster::new(900, 700);
    {
        let area = raster.backend().into_drawing_area();
        draw_surface(&area, &s, &[SurfacePath { color, points: &points, losses: &losses }], None, Turn::default(), 1.0).unwrap();
    }
    raster.rgba.chunks(4).filter(|p| p[..3] == [color.0, color.1, color.2]).count()
}

#[test]
fn a_ridge_hides_the_path_behind_it() {
    let red = RGBColor(255, 0, 0);
    let (front, behind) = (path_pixels(-1.0, red), path_pixels(1.0, red));
    // In front of the ridge the path is drawn whole; behind it, only its end dot shows (the
    // ghost over everything is a blend, never the colour itself).
    assert!(front > 400, "{front}");
    assert!(behind < front / 8, "behind {behind}, in front {front}");
}

#[test]
fn the_cli_draws_the_surface_with_its_axes_and_legend() {
    let spec = r#"{"landscape": {"name": "rosenbrock"}, "steps": 300, "racers": [{"name": "adam", "lr": 0.05}, {"name": "sgd", "lr": 0.001, "momentum": 0.9, "label": "heavy ball"}]}"#;
    let out = cli(&["plot", "--3d"], spec);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let svg = String::from_utf8(out.stdout).unwrap();
    // The surface and paths one picture, under the text.
    assert_eq!(svg.matches("<image ").count(), 1);
    assert!(svg.find("<image ").unwrap() < svg.find("<text").unwrap());
    assert!(svg.len() < 1_500_000, "{} bytes", svg.len());
    let texts = texts(&svg);
    for t in ["x", "y", "f", "10\u{b3}", "10\u{b9}", "\u{2212}2", "3"] {
        assert!(texts.contains(&t.to_string()), "{t} in {texts:?}");
    }
    assert!(texts.iter().any(|t| t.starts_with("Rosenbrock") && t.ends_with("300 steps")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("heavy ball (SGD): lr 0.001, momentum 0.9")), "{texts:?}");
    // Turned otherwise, another picture; the step shown in the caption; a PNG.
    let turned = cli(&["plot", "--3d", "--yaw", "200", "--pitch", "60", "--at", "100"], spec);
    let turned = String::from_utf8(turned.stdout).unwrap();
    assert_ne!(turned, svg);
    assert!(texts_of(&turned).iter().any(|t| t.ends_with("step 100 of 300")));
    let dir = std::env::temp_dir().join(format!("optiscape-surface-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("s.PNG");
    assert!(cli(&["plot", "--3d", "--size", "800x500", "--out", png.to_str().unwrap()], spec).status.success());
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (w, h) = (u32::from_be_bytes(bytes[16..20].try_into().unwrap()), u32::from_be_bytes(bytes[20..24].try_into().unwrap()));
    assert!(w == 800 && h > 500, "{w} x {h}: the charts and the legend under them");
    std::fs::remove_dir_all(&dir).unwrap();
    for (args, needle) in [
        (&["plot", "--3d", "--pitch", "400"][..], "--pitch must be an angle in degrees, -360 to 360"),
        (&["plot", "--3d", "--yaw", "east"], "--yaw must be an angle"),
        (&["plot", "--3d", "--x", "evaluations"], "`--x` goes with the race's figure"),
        (&["plot", "--pitch", "10"], "`--pitch` goes with --3d only"),
        (&["plot", "--3d", "--at", "301"], "--at must be at most the spec's steps (300)"),
        (&["plot", "--3d", "--out", "a.png", "--out", "b.png"], "`--out` given twice"),
    ] {
        assert_fails(&cli(args, spec), needle, &args.join(" "));
    }
    assert_fails(&cli(&["plot", "--3d", "--out", "x.png"], "{"), "", "broken spec");
}

fn texts_of(svg: &str) -> Vec<String> {
    texts(svg)
}
