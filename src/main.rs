//! The `optiscape` command line: `optiscape run` races a run spec, `optiscape list` describes
//! every optimizer and landscape.

use optiscape::{catalog, race, spec::spec_text, spec::RunSpec};
use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "\
optiscape: see how optimizers move

USAGE:
    optiscape run [--spec FILE]   read a JSON run spec (stdin by default), print the trajectories as JSON
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
    spec.check_printable()?;
    let result = race::run(&spec);
    Ok(serde_json::to_string(&result).map_err(|e| e.to_string())? + "\n")
}

fn train(text: &str) -> Result<String, String> {
    use optiscape::classify::{digits::Digits, train};
    let spec = train::TrainSpec::parse(text)?;
    let start = std::time::Instant::now();
    let result = train::train(&spec, &Digits::embedded(), &|| start.elapsed().as_secs_f64());
    Ok(serde_json::to_string(&result).map_err(|e| e.to_string())? + "\n")
}
