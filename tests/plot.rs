//! The real `optiscape plot`: the figure holds the race `optiscape run` computes (each racer's
//! path in its colour, its final loss or the step it diverged at in the legend), over the filled
//! landscape; `--out` and `--size` work; every bad option is one line on stderr.

use optiscape::render::{colormap, ticks::format_value};
use serde_json::Value;
use std::process::Output;

mod common;
use common::svg::{polylines_in, texts};
use common::{assert_fails, cli};

const SPEC: &str = r##"{"landscape": {"name": "rosenbrock"}, "steps": 800, "racers": [
    {"name": "adam", "lr": 0.05},
    {"name": "sgd", "lr": 0.002, "momentum": 0.9, "label": "heavy ball"},
    {"name": "sgd", "lr": 0.01, "label": "too fast", "color": "#123456"}]}"##;

fn svg_of(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// `width="..."` and the like of the first element `tag`.
fn attribute(svg: &str, tag: &str, name: &str) -> f64 {
    let element = &svg[svg.find(&format!("<{tag} ")).unwrap()..];
    let at = element.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    element[at..at + element[at..].find('"').unwrap()]
        .parse()
        .unwrap()
}

#[test]
fn the_figure_shows_the_race_that_run_computes() {
    let svg = svg_of(&cli(&["plot"], SPEC));
    let run: Value = serde_json::from_slice(&cli(&["run"], SPEC).stdout).unwrap();
    let racers = run["racers"].as_array().unwrap();
    assert!(svg.starts_with("<svg width=\"1280\" "), "{}", &svg[..80]);
    assert!(svg.trim_end().ends_with("</svg>"));

    // The filled landscape: one PNG under the vector layers, as large as the plot.
    assert_eq!(svg.matches("<image ").count(), 1);
    assert!(
        svg.contains("href=\"data:image/png;base64,iVBORw0KGgo"),
        "a PNG signature"
    );
    let (w, h) = (
        attribute(&svg, "image", "width"),
        attribute(&svg, "image", "height"),
    );
    assert!(w > 400.0 && h > 400.0 && w <= 1280.0 * 0.65, "{w} x {h}");
    assert!(
        svg.find("<image ").unwrap() < svg.find("<polyline").unwrap(),
        "the fill is under the lines"
    );

    let texts = texts(&svg);
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Rosenbrock") && t.contains("800 steps")),
        "{texts:?}"
    );
    let colors = [
        colormap::racer_color(0),
        colormap::racer_color(1),
        colormap::parse_hex("#123456").unwrap(),
    ];
    let names = [
        "Adam: lr 0.05",
        "heavy ball (SGD): lr 0.002, momentum 0.9",
        "too fast (SGD): lr 0.01",
    ];
    for ((racer, color), name) in racers.iter().zip(&colors).zip(names) {
        // A path on the landscape and a curve on the loss chart, at least.
        assert!(polylines_in(&svg, *color) >= 2, "{name}: {color:?}");
        let outcome = match (racer["diverged_at"].as_u64(), racer["arrival"].as_object()) {
            (Some(step), _) => {
                let last = racer["trajectory"].as_array().unwrap().last().unwrap();
                let (x, y) = (
                    format_value(last[0].as_f64().unwrap()),
                    format_value(last[1].as_f64().unwrap()),
                );
                format!(
                    "diverged at step {step} (last finite point ({x}, {y}) at step {})",
                    step - 1
                )
            }
            (None, arrival) => {
                let loss = format!(
                    "loss {}",
                    format_value(
                        racer["loss"]
                            .as_array()
                            .unwrap()
                            .last()
                            .unwrap()
                            .as_f64()
                            .unwrap()
                    )
                );
                match arrival {
                    Some(a) if a["global"] == true => {
                        format!("{loss} \u{b7} reached the minimum at step {}", a["step"])
                    }
                    Some(a) => format!(
                        "{loss} \u{b7} reached a local minimum at step {}",
                        a["step"]
                    ),
                    None => loss,
                }
            }
        };
        let line = format!("{name} \u{b7} {outcome}");
        assert!(
            texts.contains(&line),
            "no legend line {line:?} in {texts:?}"
        );
    }
    assert_eq!(
        racers[2]["status"], "diverged",
        "the spec has a diverging racer"
    );
    assert!(
        racers[1]["arrival"]["step"].as_u64().is_some(),
        "and one that reaches the minimum"
    );
    let vector: String = svg.lines().filter(|l| !l.starts_with("<image ")).collect();
    assert!(
        !vector.contains("NaN") && !vector.contains("inf"),
        "nothing non-finite is drawn"
    );
}

#[test]
fn out_and_size_options() {
    let dir = std::env::temp_dir().join(format!("optiscape-plot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("spec.json");
    std::fs::write(&spec, SPEC).unwrap();
    let file = dir.join("race.svg");
    let out = cli(
        &[
            "plot",
            "--size",
            "700x500",
            "--out",
            file.to_str().unwrap(),
            "--spec",
            spec.to_str().unwrap(),
        ],
        "",
    );
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "{out:?}"
    );
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        written,
        svg_of(&cli(&["plot", "--size", "700x500"], SPEC)),
        "the same figure from a file and stdin"
    );
    assert_eq!(attribute(&written, "svg", "width"), 700.0);
    // That narrow, the landscape takes the whole width (its plot most of it), the loss chart
    // goes under it, half as tall, and under both a one-column legend: a caption, three racers.
    assert!(
        attribute(&written, "image", "width") > 0.6 * 700.0,
        "{}",
        attribute(&written, "image", "width")
    );
    assert!(attribute(&written, "svg", "height") >= 500.0 + 250.0 + 4.0 * 24.0);
    let texts = texts(&written);
    assert!(
        texts.iter().any(|t| t == "step"),
        "the loss chart is there: {texts:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sweep_adds_the_learning_rate_chart_that_optiscape_sweep_computes() {
    let spec = r#"{"landscape": {"name": "rosenbrock"}, "steps": 300, "racers": [{"name": "sgd", "lr": 0.001}, {"name": "adam", "lr": 0.05}]}"#;
    let plain = svg_of(&cli(&["plot", "--size", "1280x640"], spec));
    let swept = svg_of(&cli(&["plot", "--size", "1280x640", "--sweep"], spec));
    let sweeps: Value = serde_json::from_slice(&cli(&["sweep"], spec).stdout).unwrap();
    assert!(!texts(&plain).iter().any(|t| t == "learning rate"));
    assert!(
        texts(&swept).iter().any(|t| t == "learning rate"),
        "no sweep chart"
    );
    assert!(
        texts(&swept)
            .iter()
            .any(|t| t.ends_with("learning rates swept: loss at step 300")),
        "{:?}",
        texts(&swept)
    );
    let mut crossed = Vec::new();
    for (i, racer) in sweeps["racers"].as_array().unwrap().iter().enumerate() {
        let color = colormap::racer_color(i);
        // The unbroken runs of learning rates where it did not diverge.
        let points = racer["points"].as_array().unwrap();
        let runs = points
            .windows(2)
            .filter(|w| w[0]["diverged_at"].is_null() && !w[1]["diverged_at"].is_null())
            .count()
            + usize::from(points.last().unwrap()["diverged_at"].is_null());
        let crosses = points
            .iter()
            .filter(|p| !p["diverged_at"].is_null())
            .count();
        // Its curve's runs, and two strokes for each diverged learning rate's cross.
        assert_eq!(
            polylines_in(&swept, color) - polylines_in(&plain, color),
            runs + 2 * crosses,
            "racer {i}"
        );
        crossed.push(crosses);
    }
    // SGD diverges at the largest learning rates on Rosenbrock, Adam does not.
    assert!(crossed[0] > 0 && crossed[1] == 0, "{crossed:?}");
}

#[test]
fn bad_options_fail_with_one_line() {
    let cases: [(&[&str], &str); 10] = [
        (
            &["plot", "--size", "100x500"],
            "the width must be 320 to 4000 pixels, got 100",
        ),
        (
            &["plot", "--size", "800x9000"],
            "the height must be 320 to 4000 pixels, got 9000",
        ),
        (
            &["plot", "--size", "big"],
            "--size must be WIDTHxHEIGHT in pixels, like 1280x640, got `big`",
        ),
        (&["plot", "--size"], "`--size` needs a value"),
        (
            &["plot", "--out", "a.svg", "--out", "b.svg"],
            "`--out` given twice",
        ),
        (&["plot", "--png"], "unknown option `--png`"),
        (
            &["plot", "--x", "time"],
            "--x must be steps or evaluations, got `time`",
        ),
        (
            &["plot", "--sweep", "--size", "800x500", "--sweep"],
            "`--sweep` given twice",
        ),
        (
            &["plot", "--spec", "/nonexistent/spec.json"],
            "cannot read /nonexistent/spec.json",
        ),
        (
            &["plot", "--out", "/nonexistent/dir/race.svg"],
            "cannot write /nonexistent/dir/race.svg",
        ),
    ];
    for (args, needle) in cases {
        assert_fails(&cli(args, SPEC), needle, &format!("{args:?}"));
    }
    let long = r#"{"landscape": {"name": "rosenbrock"}, "steps": 1000000, "racers": [{"name": "adam"}, {"name": "sgd"}]}"#;
    let err = String::from_utf8(cli(&["plot"], long).stderr).unwrap();
    assert!(err.contains("`optiscape plot` keeps every point"), "{err}");
    let err = String::from_utf8(cli(&["plot"], "{\"landscape\": 3}").stderr).unwrap();
    assert!(
        err.starts_with("optiscape: error: landscape"),
        "a spec error, as `run` gives it: {err}"
    );
}

#[test]
fn a_start_where_the_loss_is_undefined_is_said_so() {
    let spec = r#"{"landscape": {"name": "custom", "f": "sqrt(-x) + y^2"}, "start": [1, 1], "racers": [{"name": "adam"}]}"#;
    let svg = svg_of(&cli(&["plot"], spec));
    assert!(
        texts(&svg).contains(&"Adam: lr 0.001 \u{b7} no finite loss at the start".to_string()),
        "{:?}",
        texts(&svg)
    );
}

#[test]
fn every_landscape_plots_without_a_non_finite_number() {
    // At the scales the spec accepts, down to the smallest subnormal (whose flat field once hung
    // the level layout) and up to the largest double (whose values overflow).
    for scale in [1.0, 5e-324, 1e-310, 1e300, f64::MAX] {
        for info in optiscape::landscape::REGISTRY {
            let spec = format!(
                r#"{{"landscape": {{"name": "{}", "scale": {scale:e}}}, "steps": 200, "racers": [{{"name": "adam", "lr": 0.05}}, {{"name": "sgd", "lr": 0.01}}, {{"name": "newton"}}]}}"#,
                info.name
            );
            let svg = svg_of(&cli(&["plot", "--size", "800x500"], &spec));
            let vector: String = svg.lines().filter(|l| !l.starts_with("<image ")).collect();
            assert!(
                !vector.contains("NaN") && !vector.contains("inf"),
                "{} at scale {scale:e}",
                info.name
            );
            assert!(
                texts(&svg).iter().any(|t| t.starts_with(info.title)),
                "{} at scale {scale:e}: no caption",
                info.name
            );
            assert_eq!(
                svg.matches("<image ").count(),
                1,
                "{} at scale {scale:e}",
                info.name
            );
        }
    }
}

#[test]
fn a_label_is_text_not_markup() {
    let spec = r#"{"landscape": {"name": "rosenbrock"}, "steps": 10, "racers": [{"name": "adam", "label": "a<b & </text><script>x</script>"}]}"#;
    let svg = svg_of(&cli(&["plot"], spec));
    assert!(!svg.contains("<script"), "a label became markup");
    assert!(
        svg.contains("a&lt;b &amp; &lt;/text&gt;&lt;script&gt;"),
        "the label, escaped"
    );
}

/// With noisy gradients each racer's loss is drawn pale, under its trailing mean in its own
/// colour, and the caption says so; without, no pale line.
#[test]
fn noisy_gradients_draw_each_loss_pale_under_its_mean() {
    let pale = |c: plotters::style::RGBColor| {
        let mix = |v: u8| (v as f64 + 0.7 * (255.0 - v as f64)).round() as u8;
        plotters::style::RGBColor(mix(c.0), mix(c.1), mix(c.2))
    };
    let noisy = r#"{"landscape": {"name": "quadratic", "noise": 2, "seed": 4}, "steps": 300, "racers": [{"name": "sgd", "lr": 0.1}, {"name": "adam", "lr": 0.1}]}"#;
    let quiet = r#"{"landscape": {"name": "quadratic"}, "steps": 300, "racers": [{"name": "sgd", "lr": 0.1}, {"name": "adam", "lr": 0.1}]}"#;
    let (noisy_svg, quiet_svg) = (
        svg_of(&cli(&["plot", "--sweep"], noisy)),
        svg_of(&cli(&["plot", "--sweep"], quiet)),
    );
    let caption = texts(&noisy_svg)
        .into_iter()
        .find(|t| t.starts_with("Quadratic"))
        .unwrap();
    assert!(
        caption.contains("noise 2, seed 4 (bold: mean loss over the latest tenth of the steps)"),
        "{caption}"
    );
    assert!(
        caption.ends_with("learning rates swept: mean loss at step 300"),
        "{caption}"
    );
    // The legend gives each racer's mean loss over the latest tenth of the steps (31 of 301).
    let run: Value = serde_json::from_slice(&cli(&["run"], noisy).stdout).unwrap();
    for racer in run["racers"].as_array().unwrap() {
        let loss: Vec<f64> = racer["loss"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_f64().unwrap())
            .collect();
        let mean = loss[loss.len() - 31..].iter().sum::<f64>() / 31.0;
        let text = format!("mean loss {}", format_value(mean));
        assert!(
            texts(&noisy_svg).iter().any(|t| t.contains(&text)),
            "{text} not in {:?}",
            texts(&noisy_svg)
        );
    }
    assert!(!texts(&quiet_svg).iter().any(|t| t.contains("mean loss")));
    for i in 0..2 {
        let color = colormap::racer_color(i);
        assert!(
            polylines_in(&noisy_svg, pale(color)) >= 1,
            "racer {i}: no pale loss"
        );
        assert_eq!(
            polylines_in(&quiet_svg, pale(color)),
            0,
            "racer {i}: a pale line without noise"
        );
    }
}

/// `--x evaluations`: the loss chart counts evaluations of the objective, where L-BFGS's many a
/// step stretch its curve and Adam's and Newton's keep their steps.
#[test]
fn the_loss_chart_can_count_evaluations() {
    let spec = r#"{"landscape": {"name": "rosenbrock"}, "steps": 40, "racers": [
        {"name": "lbfgs", "line_search_fn": "strong_wolfe"}, {"name": "newton"}, {"name": "adam", "lr": 0.05}]}"#;
    let by_steps = texts(&svg_of(&cli(&["plot"], spec)));
    let by_work = texts(&svg_of(&cli(&["plot", "--x", "evaluations"], spec)));
    assert!(by_steps.iter().any(|t| t == "step") && !by_steps.iter().any(|t| t == "evaluations"));
    assert!(by_work.iter().any(|t| t == "evaluations") && !by_work.iter().any(|t| t == "step"));
    // The x axis reaches L-BFGS's evaluations, past the 40 steps.
    let run: Value = serde_json::from_slice(&cli(&["run"], spec).stdout).unwrap();
    let most = run["racers"][0]["evaluations"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(most > 40.0, "{most}");
    // The loss chart's x tick labels: the numbers just before its first decade label.
    let ticks = |t: &[String]| {
        let decade = t
            .iter()
            .position(|s| s.starts_with("10") && !s.chars().all(|c| c.is_ascii_digit()))
            .unwrap();
        t[..decade]
            .iter()
            .rev()
            .map_while(|s| s.parse::<f64>().ok())
            .fold(0.0, f64::max)
    };
    assert!(
        ticks(&by_work) > 40.0 && ticks(&by_steps) <= 40.0,
        "{} {}",
        ticks(&by_work),
        ticks(&by_steps)
    );

    // The spec's `loss_x` says the same, and `--x` overrides it.
    let counted = spec.replacen('{', r#"{"loss_x": "evaluations", "#, 1);
    assert_eq!(texts(&svg_of(&cli(&["plot"], &counted))), by_work);
    assert_eq!(
        texts(&svg_of(&cli(&["plot", "--x", "steps"], &counted))),
        by_steps
    );
    let wrong = cli(&["plot"], &spec.replacen('{', r#"{"loss_x": "time", "#, 1));
    let message = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        message.contains("loss_x: unknown variant `time`, expected `steps` or `evaluations`"),
        "{message}"
    );
}
