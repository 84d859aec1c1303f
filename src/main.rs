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
    optiscape run [--spec FILE]   read a JSON run spec (stdin by default), print the trajectories as JSON
    optiscape plot [--spec FILE] [--out FILE] [--size WxH] [--x steps|evaluations] [--sweep]
                                  draw the race as an SVG figure (stdout by default): the landscape
                                  with every path, the loss chart and a legend; size 1280x640 by default;
                                  --x evaluations puts the objective's evaluations (the work done) on the
                                  loss chart's x axis; --sweep adds the learning-rate sweep chart under it
    optiscape sweep [--spec FILE] each racer again at learning rates from 1e-5 to 10 (five per decade and its
                                  own): its loss after the spec's steps (at most 2000; with noisy gradients
                                  its mean over the latest tenth of them) at each, as JSON
    optiscape tune [--spec FILE]  the same spec with each racer's lr set to the best point of its sweep (lowest loss,
                                  or mean loss under noise, at the sweep's last step; the schedule kept), as JSON
    optiscape train [--spec FILE] read a JSON training spec (stdin by default), train classifiers on the digits
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
        ["run"] => run(spec_text(&read_stdin()?)?),
        ["run", "--spec", file] => run(spec_text(&read_file(file)?)?),
        ["plot", options @ ..] => plot(options),
        ["sweep"] => sweep(spec_text(&read_stdin()?)?),
        ["sweep", "--spec", file] => sweep(spec_text(&read_file(file)?)?),
        ["tune"] => tune(spec_text(&read_stdin()?)?),
        ["tune", "--spec", file] => tune(spec_text(&read_file(file)?)?),
        ["train"] => train(spec_text(&read_stdin()?)?),
        ["train", "--spec", file] => train(spec_text(&read_file(file)?)?),
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

fn run(text: &str) -> Result<String, String> {
    let spec = RunSpec::parse(text)?;
    spec.check_points("run")?;
    let result = race::run(&spec);
    Ok(serde_json::to_string(&result).map_err(|e| e.to_string())? + "\n")
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
fn plot(options: &[&str]) -> Result<String, String> {
    let (mut spec, mut out, mut size, mut sweep, mut x) = (None, None, None, false, None);
    let mut rest = options;
    while let [flag, tail @ ..] = rest {
        if *flag == "--sweep" {
            if sweep {
                return Err("plot: `--sweep` given twice".into());
            }
            sweep = true;
            rest = tail;
            continue;
        }
        let slot = match *flag {
            "--spec" => &mut spec,
            "--out" => &mut out,
            "--size" => &mut size,
            "--x" => &mut x,
            _ => return Err(format!("plot: unknown option `{flag}`; expected --spec FILE, --out FILE, --size WxH, --x steps|evaluations, --sweep")),
        };
        let [value, tail @ ..] = tail else { return Err(format!("plot: `{flag}` needs a value")) };
        if slot.replace(*value).is_some() {
            return Err(format!("plot: `{flag}` given twice"));
        }
        rest = tail;
    }
    let (width, height) = match size {
        None => (1280, 640),
        Some(size) => parse_size(size).ok_or_else(|| format!("plot: --size must be WIDTHxHEIGHT in pixels, like 1280x640, got `{size}`"))?,
    };
    let bytes = match spec {
        Some(file) => read_file(file)?,
        None => read_stdin()?,
    };
    let spec = RunSpec::parse(spec_text(&bytes)?)?;
    spec.check_points("plot")?;
    let x = match x {
        None | Some("steps") => optiscape::render::XAxis::Steps,
        Some("evaluations") => optiscape::render::XAxis::Evaluations,
        Some(other) => return Err(format!("plot: --x must be steps or evaluations, got `{other}`")),
    };
    let svg = optiscape::figure::figure_against(&spec, width, height, sweep, x)?;
    match out {
        None => Ok(svg),
        Some(file) => {
            std::fs::write(file, svg).map_err(|e| format!("cannot write {file}: {e}"))?;
            Ok(String::new())
        }
    }
}

fn parse_size(text: &str) -> Option<(u32, u32)> {
    let (w, h) = text.split_once('x')?;
    Some((w.parse().ok()?, h.parse().ok()?))
}

fn train(text: &str) -> Result<String, String> {
    use optiscape::classify::{digits::Digits, train};
    let spec = train::TrainSpec::parse(text)?;
    let start = std::time::Instant::now();
    let result = train::train(&spec, &Digits::embedded(), &|| start.elapsed().as_secs_f64());
    Ok(serde_json::to_string(&result).map_err(|e| e.to_string())? + "\n")
}
