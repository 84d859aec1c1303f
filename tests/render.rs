//! The whole picture, drawn natively through plotters' SVG backend: Rosenbrock with three
//! racers (one diverged) and their loss chart.
//!
//! Writes, for people to look at, `target/render-test/`:
//! * `scene.svg`: what plotters draws on the landscape canvas and the overlay (no fill);
//! * `scene_filled.svg`: the same over the RGBA fill, embedded as a PNG `<image>`, as the
//!   browser composes it (render with `rsvg-convert scene_filled.svg -o scene.png`);
//! * `field.png`: the fill alone; `loss.svg`: the loss chart;
//!
//! and the same for every other landscape as `<name>.svg` (filled), to compare their levels.

use optiscape::figure::{png, round_lines, with_fill};
use optiscape::landscape::{find, MarkKind, Objective};
use optiscape::race::{run, Status};
use optiscape::render::field::known_minimum;
use optiscape::render::{
    colormap, draw_background, draw_loss, draw_racers, BackgroundInput, Field, Layout, LossSeries,
    Mapping, RacerTrace,
};
use optiscape::schema::Hyper;
use optiscape::spec::RunSpec;
use plotters::prelude::*;
use std::path::PathBuf;

mod common;
use common::svg::{polylines_in, texts};

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("render-test");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const SPEC: &str = r#"{"landscape": {"name": "rosenbrock"}, "steps": 3000, "racers": [
    {"name": "adam", "lr": 0.02},
    {"name": "sgd", "lr": 0.0015, "momentum": 0.9},
    {"name": "sgd", "lr": 0.01, "label": "sgd, too fast"}]}"#;

struct Scene {
    svg: String,
    filled: String,
    loss: String,
    field: Field,
    mapping: Mapping,
    colors: Vec<RGBColor>,
    statuses: Vec<Status>,
}

fn render(name: &str, spec_json: &str, (width, height): (u32, u32), dpr: f64) -> Scene {
    let spec = RunSpec::parse(spec_json).unwrap();
    let info = find(name).unwrap();
    let built = (info.build)(&Hyper::defaults(info.params));
    let marks = built.marks.clone();
    let start = spec.start_point(&built);
    let objective = spec.landscape.objective(built.f);
    let result = run(&spec);

    let layout = Layout::landscape(width, height, dpr);
    let mapping = Mapping::fit(layout.plot, built.view);
    let field = Field::for_mapping(&objective, &mapping, &marks);

    let colors: Vec<RGBColor> = (0..result.racers.len())
        .map(colormap::racer_color)
        .collect();
    let racers: Vec<RacerTrace> = result
        .racers
        .iter()
        .zip(&colors)
        .map(|(r, &color)| RacerTrace {
            color,
            points: &r.trajectory,
            diverged: r.status == Status::Diverged,
            dash: Default::default(),
        })
        .collect();
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        area.fill(&WHITE).unwrap();
        draw_background(
            &area,
            &BackgroundInput {
                mapping,
                field: &field,
                marks: &marks,
                dpr,
            },
        )
        .unwrap();
        draw_racers(&area, &mapping, Some(start), &racers, dpr).unwrap();
        area.present().unwrap();
    }

    let losses: Vec<Vec<(f64, f64)>> = result
        .racers
        .iter()
        .map(|r| {
            r.loss
                .iter()
                .enumerate()
                .map(|(k, &l)| (k as f64, l))
                .collect()
        })
        .collect();
    let series: Vec<LossSeries> = losses
        .iter()
        .zip(&colors)
        .map(|(points, &color)| LossSeries::new(color, points))
        .collect();
    let mut loss = String::new();
    {
        let area = SVGBackend::with_string(&mut loss, (width, (height as f64 * 0.45) as u32))
            .into_drawing_area();
        area.fill(&WHITE).unwrap();
        draw_loss(&area, &series, known_minimum(&objective, &marks), dpr).unwrap();
        area.present().unwrap();
    }

    let filled = round_lines(&with_fill(&svg, &mapping, &field).unwrap());
    let loss = round_lines(&loss);
    std::fs::write(
        out_dir().join(format!("{name}_field.png")),
        png(field.width as u32, field.height as u32, &field.rgba()),
    )
    .unwrap();
    Scene {
        svg,
        filled,
        loss,
        field,
        mapping,
        colors,
        statuses: result.racers.iter().map(|r| r.status).collect(),
    }
}

#[test]
fn rosenbrock_scene_with_three_racers() {
    let (width, height, dpr) = (900, 800, 1.0);
    let s = render("rosenbrock", SPEC, (width, height), dpr);
    let dir = out_dir();
    std::fs::write(dir.join("scene.svg"), &s.svg).unwrap();
    std::fs::write(dir.join("scene_filled.svg"), &s.filled).unwrap();
    std::fs::write(dir.join("loss.svg"), &s.loss).unwrap();
    std::fs::copy(dir.join("rosenbrock_field.png"), dir.join("field.png")).unwrap();

    // The race: two racers converge, the fast SGD diverges.
    assert_eq!(s.statuses, vec![Status::Ok, Status::Ok, Status::Diverged]);

    for svg in [&s.svg, &s.filled, &s.loss] {
        for bad in ["NaN", "nan", "inf"] {
            assert!(!svg.contains(bad), "{bad} in the SVG");
        }
    }
    // Log levels for Rosenbrock, and plenty of iso-lines.
    assert!(matches!(
        s.field.levels.spacing,
        optiscape::render::levels::Spacing::Log { .. }
    ));
    let iso = s
        .svg
        .lines()
        .filter(|l| l.starts_with("<polyline") && l.contains("stroke=\"#101020\""))
        .count();
    assert!(iso > 10, "{iso} iso-lines");
    // One path per racer in its colour. The diverged one leaves the view at step 2, then jumps
    // between points far outside it (x = -399, then 2.5e8): those segments, which would cross
    // the whole plot, are not drawn, so its path is one piece, ending at the plot's edge.
    for &c in &s.colors {
        assert_eq!(polylines_in(&s.svg, c), 1);
    }
    // Its last finite point is far out of view: no cross, but a red arrow saying "off view",
    // with its colour inside, where it leaves.
    assert_eq!(polylines_in(&s.svg, RGBColor(220, 0, 0)), 0);
    let c = s.colors[2];
    for fill in [RGBColor(220, 0, 0), c] {
        assert_eq!(
            s.svg
                .matches(&format!(
                    "<polygon opacity=\"1\" fill=\"#{:02X}{:02X}{:02X}\"",
                    fill.0, fill.1, fill.2
                ))
                .count(),
            1,
            "{fill:?}"
        );
    }
    assert_eq!(texts(&s.svg).iter().filter(|t| *t == "off view").count(), 1);
    // Two live heads: filled circles in the racers' colours.
    for &c in &s.colors[..2] {
        assert!(s
            .svg
            .contains(&format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2)));
    }
    // Tick labels on both axes every 0.5: x of [-2, 2] and y of [-1, 3] (the view is widened
    // to fit), with true minus signs.
    let t = texts(&s.svg);
    for label in [
        "\u{2212}2.0",
        "\u{2212}1.5",
        "\u{2212}1.0",
        "0",
        "0.5",
        "1.0",
        "2.0",
        "2.5",
        "3.0",
        "x",
        "y",
    ] {
        assert!(
            t.iter().any(|x| x == label),
            "no tick label {label:?} in {t:?}"
        );
    }
    // Colour-bar labels: Rosenbrock's log levels include 1, 10 and 100.
    for label in ["1", "10", "100", "1000"] {
        assert!(
            t.iter().any(|x| x == label),
            "no level label {label:?} in {t:?}"
        );
    }
    // Tick labels are 14 CSS px (plotters' SVG writes size / 1.24).
    assert!(s.svg.contains(&format!("font-size=\"{}\"", 14.0 / 1.24)));
    // The global minimum is marked: a white star, centred where the mapping puts (1, 1), to
    // rounding: what plotters draws and the fill share one mapping.
    let star = s
        .svg
        .lines()
        .find(|l| l.starts_with("<polygon") && l.contains("fill=\"#FFFFFF\""))
        .expect("a star");
    let points = &star[star.find("points=\"").unwrap() + 8..];
    let vertices: Vec<(f64, f64)> = points[..points.find('"').unwrap()]
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    assert_eq!(vertices.len(), 10);
    let centre = vertices
        .iter()
        .fold((0.0, 0.0), |c, v| (c.0 + v.0 / 10.0, c.1 + v.1 / 10.0));
    let expected = s.mapping.to_px([1.0, 1.0]);
    assert!(
        (centre.0 - expected[0]).abs() <= 0.5 && (centre.1 - expected[1]).abs() <= 0.5,
        "{centre:?} vs {expected:?}"
    );

    // Loss chart: one path per racer, decade labels, axis titles.
    for &c in &s.colors {
        assert_eq!(polylines_in(&s.loss, c), 1);
    }
    let t = texts(&s.loss);
    assert!(
        t.iter().any(|x| x == "step") && t.iter().any(|x| x == "loss"),
        "{t:?}"
    );
    assert!(
        t.iter().filter(|x| x.starts_with("10")).count() >= 3,
        "{t:?}"
    );
    assert!(t.iter().any(|x| x == "3000"), "{t:?}");

    // The fill agrees with the mapping: the pixel under the minimum has the lowest band colour.
    let rgba = s.field.rgba();
    let [px, py] = s.mapping.to_px([1.0, 1.0]);
    let k = ((py as usize - s.mapping.plot.y as usize) * s.field.width
        + (px as usize - s.mapping.plot.x as usize))
        * 4;
    assert_eq!(&rgba[k..k + 3], &s.field.band_colors()[0]);
}

#[test]
fn every_landscape_renders_at_high_dpr() {
    let dir = out_dir();
    for info in optiscape::landscape::REGISTRY {
        let spec = format!(
            r#"{{"landscape": {{"name": "{}"}}, "steps": 400, "racers": [{{"name": "adam", "lr": 0.05}}, {{"name": "rmsprop", "lr": 0.01}}]}}"#,
            info.name
        );
        let s = render(info.name, &spec, (900, 800), 1.0);
        for bad in ["NaN", "nan", "inf"] {
            assert!(
                !s.svg.contains(bad) && !s.loss.contains(bad),
                "{}: {bad}",
                info.name
            );
        }
        std::fs::write(dir.join(format!("{}.svg", info.name)), &s.filled).unwrap();
        std::fs::write(dir.join(format!("{}_loss.svg", info.name)), &s.loss).unwrap();
        let built = (info.build)(&Hyper::defaults(info.params));
        let globals = built
            .marks
            .iter()
            .filter(|m| m.kind == MarkKind::Global)
            .count();
        assert!(
            s.svg.matches("<polygon").count() >= globals.min(1),
            "{}",
            info.name
        );
    }
    // At 2x the same scene has twice the pixels and fonts of 28 px.
    let s = render("rosenbrock", SPEC, (1800, 1600), 2.0);
    assert!(s.svg.contains(&format!("font-size=\"{}\"", 28.0 / 1.24)));
    assert_eq!(s.field.width, s.mapping.plot.width as usize);
    std::fs::write(dir.join("scene_2x.svg"), &s.filled).unwrap();
}

/// Zoomed 10⁻⁷ wide onto Rosenbrock's minimum, the axes label their ticks relative to 1 (as
/// matplotlib's offset text does), so that no two read the same; the default view has no offset.
#[test]
fn deep_zoom_axes_read_relative_to_an_offset() {
    use optiscape::landscape::View;
    let info = find("rosenbrock").unwrap();
    let built = (info.build)(&Hyper::defaults(info.params));
    let objective = Objective::new(built.f, 1.0);
    let draw = |view: View| {
        let layout = Layout::landscape(800, 800, 1.0);
        let mapping = Mapping::fit(layout.plot, view);
        let field = Field::for_mapping(&objective, &mapping, &built.marks);
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (800, 800)).into_drawing_area();
            draw_background(
                &area,
                &BackgroundInput {
                    mapping,
                    field: &field,
                    marks: &built.marks,
                    dpr: 1.0,
                },
            )
            .unwrap();
            area.present().unwrap();
        }
        texts(&svg)
    };
    let deep = draw(View::new(1.0 - 5e-8, 1.0 + 5e-8, 1.0 - 5e-8, 1.0 + 5e-8));
    assert_eq!(
        deep.iter().filter(|t| *t == "×10⁻⁸ + 1").count(),
        2,
        "an offset text per axis in {deep:?}"
    );
    for label in ["\u{2212}4", "\u{2212}2", "0", "2", "4"] {
        assert_eq!(
            deep.iter().filter(|t| *t == label).count(),
            2,
            "{label:?} on both axes in {deep:?}"
        );
    }
    assert!(!deep.iter().any(|t| t == "1"), "{deep:?}");
    let default = draw(built.view);
    assert!(
        !default.iter().any(|t| t.contains('×') && t.contains('+')),
        "{default:?}"
    );
}
