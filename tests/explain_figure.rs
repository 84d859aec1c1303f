//! `optiscape plot --explain I [--at K]`: the explained step drawn at the racer's head, its
//! pieces where their values put them, and the panel listing each with its value and caption.

use optiscape::landscape::View;
use optiscape::optim::explain::{Shape, Space, STEP_KEY};
use optiscape::race::Race;
use optiscape::render::explain::{geometry, scales, value_text, REACH_CSS};
use optiscape::render::layout::PlotRect;
use optiscape::render::{colormap, Mapping};
use optiscape::spec::RunSpec;

mod common;
use common::svg::texts;
use common::{assert_fails, cli};

const SPEC: &str = r#"{"landscape": {"name": "quadratic", "condition": 10}, "start": [-3.5, 1.5], "steps": 100, "racers": [
    {"name": "adam", "lr": 0.1}, {"name": "sgd", "lr": 0.02, "momentum": 0.9, "nesterov": true}, {"name": "newton", "lr": 0.5}]}"#;

fn explained(racer: usize, at: u64) -> (Race, optiscape::explanation::Explanation) {
    let mut race = Race::new(&RunSpec::parse(SPEC).unwrap());
    race.advance(at, |_, _, _, _| {});
    let e = race.explain(racer).unwrap();
    (race, e)
}

#[test]
fn the_pieces_are_drawn_where_their_values_put_them() {
    let mapping = Mapping::fit(PlotRect { x: 40, y: 20, width: 700, height: 700 }, View::new(-4.0, 4.0, -4.0, 4.0));
    for (racer, dpr) in [(0, 1.0), (1, 2.0), (2, 1.0)] {
        let (_, e) = explained(racer, 6);
        let g = geometry(&mapping, &e, colormap::racer_color(racer), dpr).unwrap();
        let s = scales(&mapping, &e, dpr);
        assert_eq!(g.head, mapping.to_px(e.at));
        let reach = REACH_CSS * dpr;
        // The steps' space: true size times a round factor, the step a good share of the reach.
        assert!([1.0, 2.0, 5.0].iter().any(|m| { let k = s.magnify / m; (k.log10() - k.log10().round()).abs() < 1e-12 }), "{s:?}");
        let [ux, uy] = mapping.data_per_px();
        let step = e.pieces.last().unwrap().value.vector().unwrap();
        let tip = g.pieces.iter().find(|p| e.pieces[p.index].key == STEP_KEY).unwrap().to;
        let want = [g.head[0] + s.magnify * step[0] / ux, g.head[1] - s.magnify * step[1] / uy];
        assert!((tip[0] - want[0]).abs() < 1e-9 && (tip[1] - want[1]).abs() < 1e-9, "{tip:?} vs {want:?}");
        let length = (tip[0] - g.head[0]).hypot(tip[1] - g.head[1]);
        assert!(length <= reach + 1e-9 && (s.magnify == 1.0 || length > 0.2 * reach), "racer {racer}: {length} px, {s:?}");
        // The gradient's space: the longest arrow as long as the reach, each at the same scale.
        let mut longest = 0.0f64;
        for p in &g.pieces {
            let piece = &e.pieces[p.index];
            let v = piece.value.vector().unwrap();
            if piece.space == Some(Space::Gradient) && piece.shape == Shape::Arrow {
                let px = (p.to[0] - g.head[0]).hypot(p.to[1] - g.head[1]);
                assert!((px - s.gradient * v[0].hypot(v[1])).abs() < 1e-9);
                longest = longest.max(px);
            }
            if piece.shape == Shape::Box {
                let scale = if piece.space == Some(Space::Gradient) { [s.gradient; 2] } else { [s.magnify / ux, s.magnify / uy] };
                assert!((p.half[0] - scale[0] * v[0].abs()).abs() < 1e-9 && (p.half[1] - scale[1] * v[1].abs()).abs() < 1e-9);
            }
        }
        assert!((longest - reach).abs() < 1e-9, "racer {racer}: {longest} px");
    }
}

#[test]
fn newtons_model_minimum_is_where_its_full_step_ends() {
    let (_, e) = explained(2, 3);
    let mapping = Mapping::fit(PlotRect { x: 0, y: 0, width: 600, height: 600 }, View::new(-4.0, 4.0, -4.0, 4.0));
    let g = geometry(&mapping, &e, colormap::racer_color(2), 1.0).unwrap();
    let end = |key: &str| g.pieces.iter().find(|p| e.pieces[p.index].key == key).unwrap().to;
    let (newton, model) = (end("newton"), end("model"));
    assert!((newton[0] - model[0]).abs() < 1e-6 && (newton[1] - model[1]).abs() < 1e-6, "{newton:?} {model:?}");
}

#[test]
fn the_cli_draws_the_explained_step_and_its_panel() {
    let dir = std::env::temp_dir().join(format!("optiscape-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("spec.json");
    std::fs::write(&spec, SPEC).unwrap();
    let out = cli(&["plot", "--explain", "0", "--at", "6", "--spec", spec.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(svg.starts_with("<svg width=\"1280\" height=\"720\""), "{}", &svg[..60]);
    let texts = texts(&svg);
    let (_, e) = explained(0, 6);
    assert!(texts.contains(&"Adam: the update from step 6 to 7".to_string()), "{texts:?}");
    // Each piece in the panel with its value, its caption's first words, and its label at the head.
    for (i, p) in e.pieces.iter().enumerate() {
        let line = format!("{}  {} = {}", i + 1, p.label, value_text(&p.value));
        assert!(texts.contains(&line), "{line} in {texts:?}");
        let first: String = p.caption.split(' ').take(3).collect::<Vec<_>>().join(" ");
        assert!(texts.iter().any(|t| t.starts_with(&first)), "{first}");
        assert!(texts.iter().any(|t| t.starts_with(&format!("{} {}", i + 1, p.label))), "the label of {}", p.key);
    }
    assert!(texts.iter().any(|t| t.starts_with("Steps are drawn")), "{texts:?}");
    // A PNG of the size asked, and the errors, each one line.
    let png = dir.join("step.png");
    let out = cli(&["plot", "--explain", "1", "--at", "10", "--size", "1000x600", "--spec", spec.to_str().unwrap(), "--out", png.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!((u32::from_be_bytes(bytes[16..20].try_into().unwrap()), u32::from_be_bytes(bytes[20..24].try_into().unwrap())), (1000, 600));
    for (args, needle) in [
        (&["plot", "--explain", "3"][..], "the spec has 3 racers, numbered from 0"),
        (&["plot", "--explain", "x"], "--explain takes a racer's index"),
        (&["plot", "--explain", "0", "--at", "101"], "--at must be at most the spec's steps (100)"),
        (&["plot", "--explain", "0", "--3d"], "--explain and --3d draw different figures"),
        (&["plot", "--explain", "0", "--sweep"], "`--sweep` goes with the race's figure"),
        (&["plot", "--at", "3"], "`--at` goes with --explain or --3d only"),
        (&["plot", "--explain", "0", "--out", "x.png", "--size", "10x10"], "size: the width must be 320 to 4000"),
    ] {
        assert_fails(&cli(args, SPEC), needle, &args.join(" "));
    }
    assert_fails(&cli(&["plot", "--explain", "0", "--yaw", "3"], SPEC), "`--yaw` goes with --3d only", "yaw");
    let diverging = r#"{"landscape": {"name": "rosenbrock"}, "steps": 50, "racers": [{"name": "sgd", "lr": 0.5}]}"#;
    assert_fails(&cli(&["plot", "--explain", "0"], diverging), "racer 0 (SGD) diverged at step", "diverged");
    std::fs::remove_dir_all(&dir).unwrap();
}
