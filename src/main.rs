//! The `optiscape` command line: `optiscape run` races a run spec, `optiscape plot` draws it as
//! an SVG figure, `optiscape sweep` races each racer again across learning rates, `optiscape
//! tune` sets each racer's learning rate to its sweep's best,
//! `optiscape list` describes every optimizer and landscape.

use optiscape::{catalog, race, spec::spec_text, spec::RunSpec};
use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "\
optiscape: see how optimizers move

USAGE:
    optiscape run [--spec FILE] [--format json|csv] [--state]
                                  read a JSON run spec (stdin by default), print the trajectories as JSON;
                                  --state adds each racer's optimizer state at every point; --format csv
                                  prints one row per racer and step, with the state as columns
    optiscape plot [--spec FILE] [--out FILE] [--size WxH] [--x steps|evaluations] [--sweep]
                                  draw the race as an SVG figure (stdout by default; a PNG when --out
                                  ends in .png): the landscape with every path, the loss chart and a
                                  legend; size 1280x640 by default; --x evaluations puts the objective's
                                  evaluations (the work done) on the loss chart's x axis (by default the
                                  spec's loss_x, else steps); --sweep adds the learning-rate sweep chart
                                  under it
    optiscape plot --explain I [--at K] [--spec FILE] [--out FILE] [--size WxH]
                                  racer I's (from 0) update from step K (the spec's steps by default)
                                  drawn piece by piece at its head, with a panel of every piece's value
                                  and caption; 1280x720 by default
    optiscape plot --3d [--yaw DEG] [--pitch DEG] [--at K] [--spec FILE] [--out FILE] [--size WxH]
                                  the landscape as a shaded surface (log height where the contours are
                                  log-spaced) with every path riding on it up to step K; turned by --yaw
                                  (about the vertical) and tilted by --pitch; 1280x720 by default
    optiscape animate [--spec FILE] --out FILE.gif [--size WxH] [--fps N] [--steps-per-frame N] [--from K] [--to K]
                                  the plot figure as an animated GIF: paths growing, the legend with each
                                  racer's loss at the step shown; charts 960x540 by default, 25 frames a
                                  second, about 100 frames (steps per frame: the steps / 100, rounded up),
                                  steps 0 to the spec's steps; the last frame stays 2 s before it loops
    optiscape sweep [--spec FILE] each racer again at learning rates from 1e-5 to 10 (five per decade and its
                                  own): its loss after the spec's steps (at most 2000; with noisy gradients
                                  its mean over the latest tenth of them) at each, as JSON
    optiscape tune [--spec FILE]  the same spec with each racer's lr set to the best point of its sweep (lowest loss,
                                  or mean loss under noise, at the sweep's last step; the schedule kept), as JSON
    optiscape train [--spec FILE] [--format json|csv]
                                  read a JSON training spec (stdin by default), train classifiers on the digits;
                                  --format csv prints one row per racer and epoch
    optiscape torch [--spec FILE] a self-contained PyTorch script (torch only; matplotlib if installed) that reruns
                                  the race in float64: the same landscape, optimizers, schedulers, clipping,
                                  start and noise; `python3 race.py` prints each racer's last point and loss.
                                  Given a training spec (one with a \"model\"), the same training loop on the
                                  same digits from the same initial weights
    optiscape list [--json]       every optimizer and landscape with its parameters and defaults
    optiscape help                this text

A run spec:
    {\"landscape\": {\"name\": \"rosenbrock\", \"scale\": 1.0}, \"start\": [-1.2, 1.0], \"steps\": 500,
     \"racers\": [{\"name\": \"adam\", \"lr\": 0.05}, {\"name\": \"sgd\", \"lr\": 0.001, \"momentum\": 0.9}]}
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match dispatch(&args) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`optiscape list | head`) is not an error worth a message.
            let _ = stdout.write_all(out.as_bytes()).and_then(|_| stdout.flush());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("optiscape: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(args: &[&str]) -> Result<String, String> {
    match args {
        ["run", options @ ..] => run(options),
        ["plot", options @ ..] => plot(options),
        ["animate", options @ ..] => animate(options),
        ["torch", options @ ..] => torch(options),
        ["sweep"] => sweep(spec_text(&read_stdin()?)?),
        ["sweep", "--spec", file] => sweep(spec_text(&read_file(file)?)?),
        ["tune"] => tune(spec_text(&read_stdin()?)?),
        ["tune", "--spec", file] => tune(spec_text(&read_file(file)?)?),
        ["train", options @ ..] => train(options),
        ["list"] => Ok(catalog::text()),
        ["list", "--json"] => Ok(catalog::json() + "\n"),
        ["help"] | ["--help"] | ["-h"] => Ok(USAGE.to_string()),
        [] => Err(format!("no command given\n\n{USAGE}")),
        _ => Err(format!("unknown arguments `{}`; see `optiscape help`", args.join(" "))),
    }
}

/// At most one byte over the limit: enough for `spec_text` to say the spec is too long (even
/// when the cut falls inside a character) without reading an endless stream.
fn read_stdin() -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(optiscape::spec::MAX_SPEC_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the spec from stdin: {e}"))?;
    Ok(bytes)
}

fn read_file(file: &str) -> Result<Vec<u8>, String> {
    std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))
}

/// `optiscape run [--spec FILE] [--format json|csv] [--state]`.
fn run(args: &[&str]) -> Result<String, String> {
    let o = Options::parse("run", args, &["--spec", "--format"], &["--state"])?;
    let format = o.format()?;
    let spec = RunSpec::parse(spec_text(&o.spec_bytes()?)?)?;
    spec.check_points("run")?;
    Ok(match (format, o.flag("--state")) {
        (Format::Csv, _) => optiscape::export::csv::race_csv(&spec),
        (Format::Json, true) => optiscape::export::state::run_json(&spec),
        (Format::Json, false) => serde_json::to_string(&race::run(&spec)).map_err(|e| e.to_string())? + "\n",
    })
}

fn sweep(text: &str) -> Result<String, String> {
    let spec = RunSpec::parse(text)?;
    Ok(serde_json::to_string(&optiscape::sweep::sweep(&spec)).map_err(|e| e.to_string())? + "\n")
}

fn tune(text: &str) -> Result<String, String> {
    let spec = RunSpec::parse(text)?;
    let (tuned, _) = optiscape::sweep::tune(&spec);
    Ok(tuned.to_json() + "\n")
}

/// `optiscape plot`: its options in any order, each at most once.
fn plot(args: &[&str]) -> Result<String, String> {
    use optiscape::figure::Format;
    let valued = ["--spec", "--out", "--size", "--x", "--explain", "--at", "--yaw", "--pitch"];
    let o = Options::parse("plot", args, &valued, &["--sweep", "--3d"])?;
    let (explain, surface) = (o.value("--explain"), o.flag("--3d"));
    let only = |names: &[&str], with: &str| -> Result<(), String> {
        match names.iter().find(|n| o.value(n).is_some() || o.flag(n)) {
            Some(n) => Err(format!("plot: `{n}` goes with {with} only")),
            None => Ok(()),
        }
    };
    if explain.is_some() && surface {
        return Err("plot: --explain and --3d draw different figures; give one of them".into());
    }
    if explain.is_some() || surface {
        only(&["--x", "--sweep"], "the race's figure (without --explain or --3d)")?;
    }
    if !surface {
        only(&["--yaw", "--pitch"], "--3d")?;
    }
    if explain.is_none() && !surface {
        only(&["--at"], "--explain or --3d")?;
    }
    let default_size = if explain.is_some() || surface { (1280, 720) } else { (1280, 640) };
    let (width, height) = match o.value("--size") {
        None => default_size,
        Some(size) => parse_size(size).ok_or_else(|| format!("plot: --size must be WIDTHxHEIGHT in pixels, like 1280x640, got `{size}`"))?,
    };
    let whole = |name: &str| -> Result<Option<u64>, String> {
        o.value(name).map(|v| v.parse::<u64>().map_err(|_| format!("plot: {name} must be a whole number, got `{v}`"))).transpose()
    };
    let degrees = |name: &str| -> Result<Option<f64>, String> {
        o.value(name)
            .map(|v| v.parse::<f64>().ok().filter(|d| d.is_finite() && d.abs() <= 360.0).ok_or_else(|| format!("plot: {name} must be an angle in degrees, -360 to 360, got `{v}`")))
            .transpose()
    };
    let out = o.value("--out");
    let format = out.map_or(Format::Svg, Format::of_file);
    if format == Format::Png && out.is_none() {
        return Err("plot: a PNG goes to a file: give --out FILE.png".into());
    }
    let spec = RunSpec::parse(spec_text(&o.spec_bytes()?)?)?;
    spec.check_points("plot")?;
    let at = whole("--at")?;
    let bytes = if let Some(racer) = explain {
        let racer = racer.parse::<usize>().map_err(|_| format!("plot: --explain takes a racer's index (from 0), got `{racer}`"))?;
        optiscape::render::explain_figure::explain_figure(&spec, racer, at, width, height, format)?
    } else if surface {
        let mut view = optiscape::render::surface::Turn::default();
        view.yaw = degrees("--yaw")?.unwrap_or(view.yaw);
        view.pitch = degrees("--pitch")?.unwrap_or(view.pitch);
        optiscape::render::surface_figure::surface_figure(&spec, at, view, width, height, format)?
    } else {
        let x = match o.value("--x") {
            None => spec.loss_x,
            Some("steps") => optiscape::render::XAxis::Steps,
            Some("evaluations") => optiscape::render::XAxis::Evaluations,
            Some(other) => return Err(format!("plot: --x must be steps or evaluations, got `{other}`")),
        };
        optiscape::figure::figure_as(&spec, width, height, o.flag("--sweep"), x, format)?
    };
    match out {
        None => String::from_utf8(bytes).map_err(|_| "plot: the figure is not text".to_string()),
        Some(file) => {
            std::fs::write(file, bytes).map_err(|e| format!("cannot write {file}: {e}"))?;
            Ok(String::new())
        }
    }
}

/// `optiscape torch [--spec FILE]`: the PyTorch script of a run spec or a training spec.
fn torch(args: &[&str]) -> Result<String, String> {
    let o = Options::parse("torch", args, &["--spec"], &[])?;
    optiscape::export::torch::script(spec_text(&o.spec_bytes()?)?)
}

/// `optiscape animate`.
fn animate(args: &[&str]) -> Result<String, String> {
    use optiscape::export::animate;
    let o = Options::parse("animate", args, &["--spec", "--out", "--size", "--fps", "--steps-per-frame", "--from", "--to"], &[])?;
    let Some(out) = o.value("--out") else { return Err("animate: give the GIF's file with --out FILE.gif".into()) };
    let mut options = animate::Options::default();
    if let Some(size) = o.value("--size") {
        (options.width, options.height) =
            parse_size(size).ok_or_else(|| format!("animate: --size must be WIDTHxHEIGHT in pixels, like 960x540, got `{size}`"))?;
    }
    let whole = |name: &str| -> Result<Option<u64>, String> {
        o.value(name).map(|v| v.parse::<u64>().map_err(|_| format!("animate: {name} must be a whole number, got `{v}`"))).transpose()
    };
    if let Some(fps) = whole("--fps")? {
        options.fps = u32::try_from(fps).unwrap_or(u32::MAX);
    }
    (options.steps_per_frame, options.from, options.to) = (whole("--steps-per-frame")?, whole("--from")?, whole("--to")?);
    let spec = RunSpec::parse(spec_text(&o.spec_bytes()?)?)?;
    let gif = animate::animate(&spec, &options)?;
    std::fs::write(out, gif).map_err(|e| format!("cannot write {out}: {e}"))?;
    Ok(String::new())
}

fn parse_size(text: &str) -> Option<(u32, u32)> {
    let (w, h) = text.split_once('x')?;
    Some((w.parse().ok()?, h.parse().ok()?))
}

/// `optiscape train [--spec FILE] [--format json|csv]`.
fn train(args: &[&str]) -> Result<String, String> {
    use optiscape::classify::{digits::Digits, train};
    let o = Options::parse("train", args, &["--spec", "--format"], &[])?;
    let format = o.format()?;
    let spec = train::TrainSpec::parse(spec_text(&o.spec_bytes()?)?)?;
    let start = std::time::Instant::now();
    let result = train::train(&spec, &Digits::embedded(), &|| start.elapsed().as_secs_f64());
    Ok(match format {
        Format::Csv => optiscape::export::csv::train_csv(&spec, &result),
        Format::Json => serde_json::to_string(&result).map_err(|e| e.to_string())? + "\n",
    })
}

/// What `run` and `train` print.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json,
    Csv,
}

/// A command's options, in any order, each at most once: `--name VALUE` or a bare `--flag`.
struct Options<'a> {
    command: &'static str,
    values: Vec<(&'a str, &'a str)>,
    flags: Vec<&'a str>,
}

impl<'a> Options<'a> {
    fn parse(command: &'static str, args: &[&'a str], valued: &[&str], flags: &[&str]) -> Result<Options<'a>, String> {
        let mut o = Options { command, values: Vec::new(), flags: Vec::new() };
        let mut rest = args;
        while let [name, tail @ ..] = rest {
            if o.flags.contains(name) || o.values.iter().any(|(n, _)| n == name) {
                return Err(format!("{command}: `{name}` given twice"));
            }
            if flags.contains(name) {
                o.flags.push(name);
                rest = tail;
            } else if valued.contains(name) {
                let [value, tail @ ..] = tail else { return Err(format!("{command}: `{name}` needs a value")) };
                o.values.push((name, value));
                rest = tail;
            } else {
                let known: Vec<String> = valued.iter().map(|n| format!("{n} VALUE")).chain(flags.iter().map(|f| f.to_string())).collect();
                return Err(format!("{command}: unknown option `{name}`; expected {}", known.join(", ")));
            }
        }
        Ok(o)
    }

    fn value(&self, name: &str) -> Option<&'a str> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name)
    }

    /// The spec's bytes: `--spec FILE`, or stdin.
    fn spec_bytes(&self) -> Result<Vec<u8>, String> {
        match self.value("--spec") {
            Some(file) => read_file(file),
            None => read_stdin(),
        }
    }

    fn format(&self) -> Result<Format, String> {
        match self.value("--format") {
            None | Some("json") => Ok(Format::Json),
            Some("csv") => Ok(Format::Csv),
            Some(other) => Err(format!("{}: --format must be json or csv, got `{other}`", self.command)),
        }
    }
}
