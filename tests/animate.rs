//! `optiscape animate`: the GIF decodes to one frame per `--steps-per-frame` steps from `--from`
//! to `--to` at the figure's size, its first and last frames are the figure at those steps
//! (each racer's head where the race puts it), and after the first frame only what changed is
//! stored.

use optiscape::export::animate::{animate, Film, Options, HOLD};
use optiscape::race;
use optiscape::render::colormap;
use optiscape::spec::RunSpec;

mod common;
use common::{assert_fails, cli, stderr};

const SPEC: &str = r#"{"landscape": {"name": "quadratic", "condition": 10}, "start": [-3.5, 1.5], "steps": 60,
  "racers": [{"name": "sgd", "lr": 0.05}, {"name": "adam", "lr": 0.1, "label": "Adam, lr 0.1"}, {"name": "sgd", "lr": 0.3, "label": "diverges"}]}"#;

/// The frames of a GIF as full RGBA pictures (each drawn over the one before, as viewers show
/// them), with their delays.
fn decode(bytes: &[u8]) -> (u32, u32, Vec<(Vec<u8>, u16)>) {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut d = options.read_info(bytes).expect("a GIF");
    let (w, h) = (d.width() as usize, d.height() as usize);
    let mut canvas = vec![0u8; w * h * 4];
    let mut frames = Vec::new();
    while let Some(f) = d.read_next_frame().unwrap() {
        assert_eq!(f.dispose, gif::DisposalMethod::Keep);
        for y in 0..f.height as usize {
            for x in 0..f.width as usize {
                let s = (y * f.width as usize + x) * 4;
                if f.buffer[s + 3] != 0 {
                    let t = ((y + f.top as usize) * w + x + f.left as usize) * 4;
                    canvas[t..t + 4].copy_from_slice(&f.buffer[s..s + 4]);
                }
            }
        }
        frames.push((canvas.clone(), f.delay));
    }
    (w as u32, h as u32, frames)
}

/// Whether a pixel of `color` lies within `r` pixels of `at`.
fn color_near(rgba: &[u8], width: u32, at: [f64; 2], r: i32, color: [u8; 3]) -> bool {
    let height = rgba.len() as i32 / 4 / width as i32;
    (-r..=r)
        .flat_map(|dy| {
            (-r..=r).map(move |dx| (at[0].round() as i32 + dx, at[1].round() as i32 + dy))
        })
        .any(|(x, y)| {
            x >= 0 && y >= 0 && x < width as i32 && y < height && {
                let i = ((y * width as i32 + x) * 4) as usize;
                rgba[i..i + 3] == color
            }
        })
}

/// The share of pixels more than `tolerance` apart in some channel.
fn differing(a: &[u8], b: &[u8], tolerance: u8) -> f64 {
    let n = a
        .chunks(4)
        .zip(b.chunks(4))
        .filter(|(p, q)| (0..3).any(|k| p[k].abs_diff(q[k]) > tolerance))
        .count();
    n as f64 / (a.len() / 4) as f64
}

#[test]
fn frames_follow_the_race() {
    let spec = RunSpec::parse(SPEC).unwrap();
    let options = Options {
        width: 640,
        height: 400,
        fps: 20,
        steps_per_frame: Some(5),
        from: None,
        to: None,
    };
    let bytes = animate(&spec, &options).unwrap();
    let (w, h, frames) = decode(&bytes);
    let film = Film::new(&spec, 640, 400, 60).unwrap();
    assert_eq!((w, h), film.size());
    assert!(
        h > 400 + 200,
        "the loss chart under the landscape and the legend under both: {h}"
    );
    // Steps 0, 5, ..., 60: 13 frames, 1/20 s each, the last held.
    assert_eq!(frames.len(), 13);
    assert!(frames[..12].iter().all(|f| f.1 == 5));
    assert_eq!(frames[12].1, HOLD);

    // The first and last frames are the figure at steps 0 and 60 (up to the palette's rounding).
    let (first, last) = (film.frame(0).unwrap(), film.frame(60).unwrap());
    assert!(
        differing(&frames[0].0, &first.rgba, 40) < 0.002,
        "{}",
        differing(&frames[0].0, &first.rgba, 40)
    );
    assert!(
        differing(&frames[12].0, &last.rgba, 40) < 0.002,
        "{}",
        differing(&frames[12].0, &last.rgba, 40)
    );
    assert!(
        differing(&frames[0].0, &frames[12].0, 0) > 0.005,
        "the race moved"
    );

    // Each racer's head where the race puts it: at the start in the first frame, at its last
    // point in the last; the diverged racer's path has left the view by then.
    let result = race::run(&spec);
    for (i, r) in result.racers.iter().enumerate().take(2) {
        let c = colormap::racer_color(i);
        let color = [c.0, c.1, c.2];
        let end = film.to_px(*r.trajectory.last().unwrap());
        assert!(
            color_near(&frames[12].0, w, end, 3, color),
            "racer {i}'s head at {end:?} in the last frame"
        );
        assert!(
            !color_near(&frames[0].0, w, end, 3, color),
            "racer {i} is not there yet in the first frame"
        );
    }
    assert_eq!(result.racers[2].status, race::Status::Diverged);
}

#[test]
fn only_what_changed_is_stored() {
    let spec = RunSpec::parse(SPEC).unwrap();
    let options = Options {
        width: 640,
        height: 400,
        fps: 25,
        steps_per_frame: Some(1),
        from: Some(20),
        to: Some(50),
    };
    let bytes = animate(&spec, &options).unwrap();
    let mut d = gif::DecodeOptions::new().read_info(&bytes[..]).unwrap();
    let (w, h) = (d.width() as usize, d.height() as usize);
    let mut areas = Vec::new();
    while let Some(f) = d.read_next_frame().unwrap() {
        areas.push((f.width as usize * f.height as usize, f.transparent));
    }
    // Steps 20 to 50, one frame each.
    assert_eq!(areas.len(), 31);
    assert_eq!(areas[0], (w * h, None), "the first frame whole");
    for &(area, transparent) in &areas[1..] {
        assert!(
            area < w * h * 3 / 4,
            "a later frame is the rectangle that changed: {area} of {}",
            w * h
        );
        assert_eq!(transparent, Some(255), "its unchanged pixels transparent");
    }
    assert!(bytes.len() < 31 * w * h / 20, "{} bytes", bytes.len());
}

#[test]
fn the_cli_writes_the_gif() {
    let file = std::env::temp_dir().join(format!("optiscape-animate-{}.gif", std::process::id()));
    let path = file.to_str().unwrap();
    let out = cli(
        &[
            "animate",
            "--out",
            path,
            "--size",
            "480x320",
            "--fps",
            "10",
            "--steps-per-frame",
            "20",
            "--to",
            "40",
        ],
        SPEC,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    let spec = RunSpec::parse(SPEC).unwrap();
    let options = Options {
        width: 480,
        height: 320,
        fps: 10,
        steps_per_frame: Some(20),
        from: None,
        to: Some(40),
    };
    assert_eq!(
        bytes,
        animate(&spec, &options).unwrap(),
        "what the library makes"
    );
    assert_eq!(decode(&bytes).2.len(), 3);
    assert_fails(
        &cli(&["animate"], SPEC),
        "give the GIF's file with --out",
        "no --out",
    );
    assert_fails(
        &cli(&["animate", "--out", path, "--fps", "60"], SPEC),
        "--fps must be 1 to 50",
        "fps",
    );
    assert_fails(
        &cli(&["animate", "--out", path, "--fps", "x"], SPEC),
        "--fps must be a whole number",
        "fps text",
    );
    assert_fails(
        &cli(&["animate", "--out", path, "--size", "100x100"], SPEC),
        "width must be 320 to 4000",
        "size",
    );
    assert_fails(
        &cli(&["animate", "--out", path, "--to", "61"], SPEC),
        "at most the spec's steps (60)",
        "to",
    );
    assert!(!file.exists(), "nothing written on an error");
}
