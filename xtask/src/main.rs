//! `cargo xtask <command>`: the browser build of optiscape, end to end, with nothing to install by
//! hand. See `cargo xtask help`.

mod build;
mod python;
mod serve;
mod setup;
mod util;

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use util::{cargo, run, step, Paths};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  build              wasm32 release build of the library -> wasm-bindgen (web target) -> wasm-opt,
                     into www/pkg/; prints the wasm size (raw and gzip -9)
  serve [--port N]   build, then serve www/ on http://127.0.0.1:N/ (default 8000)
  dist [DIR]         build, then copy www/ (with pkg/) into DIR (default dist/) as a static site
  test               clippy (-D warnings) and rustfmt --check, native tests, wasm32 check and
                     tests under Node's WASI, build, the Python package's pytest (in a venv under
                     target/python), the page's modules' shape (tests/js_shape.test.mjs), then
                     the browser tests (tests/e2e/) in headless Chromium, the shared ones
                     (tests/e2e/engines.test.mjs) in headless Firefox ESR, and the notebook
                     widget in a headless JupyterLab (tests/notebook/); installs what is missing
                     (rust target, PyPI packages in that venv, npm packages, Chromium and
                     Firefox ESR via apt when root)
  bench              build (and, into target/split/, the module without the classifier's
                     shell) and the native classify bench, then run benches/page.mjs against
                     the served page; prints `name value unit` lines, each ratio beside its
                     figure and anchor

environment:
  OPTISCAPE_WASM_OPT   wasm-opt optimisation flag for `build` (default -Oz; e.g. -O3)
  OPTISCAPE_WASM_NAMES=1  keep function names in the wasm (for browser profiles)
  OPTISCAPE_CHROMIUM   Chromium binary for the browser tests/bench (default /usr/bin/chromium)
  OPTISCAPE_FIREFOX    Firefox binary for the shared browser tests (default /usr/bin/firefox-esr)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(args: &[String]) -> Result<()> {
    let Some(cmd) = args.first() else {
        eprint!("{USAGE}");
        bail!("no command given");
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "build" => {
            no_args(cmd, rest)?;
            let paths = Paths::discover()?;
            build::build(&paths)?;
            Ok(())
        }
        "serve" => serve_cmd(rest),
        "dist" => dist_cmd(rest),
        "test" => {
            no_args(cmd, rest)?;
            test_cmd()
        }
        "bench" => {
            no_args(cmd, rest)?;
            bench_cmd()
        }
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => {
            eprint!("{USAGE}");
            bail!("unknown command `{other}`")
        }
    }
}

fn no_args(cmd: &str, rest: &[String]) -> Result<()> {
    if let Some(a) = rest.first() {
        bail!("`{cmd}` takes no arguments (got `{a}`); see `cargo xtask help`");
    }
    Ok(())
}

fn serve_cmd(rest: &[String]) -> Result<()> {
    let mut port: u16 = 8000;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        let value = if a == "--port" {
            it.next().context("`--port` needs a value")?.as_str()
        } else if let Some(v) = a.strip_prefix("--port=") {
            v
        } else {
            bail!("unknown argument `{a}` to `serve` (usage: cargo xtask serve [--port N])");
        };
        port = value
            .parse()
            .with_context(|| format!("invalid port `{value}`"))?;
    }
    let paths = Paths::discover()?;
    build::build(&paths)?;
    let server = serve::Server::start(&paths.www, port, true)?;
    println!(
        "\nServing {} at {}  (Ctrl-C to stop)",
        paths.www.display(),
        server.url()
    );
    server.join();
    Ok(())
}

fn dist_cmd(rest: &[String]) -> Result<()> {
    if rest.len() > 1 {
        bail!("usage: cargo xtask dist [DIR]");
    }
    let paths = Paths::discover()?;
    let dir = match rest.first() {
        Some(d) => std::env::current_dir()?.join(d),
        None => paths.root.join("dist"),
    };
    build::build(&paths)?;
    build::dist(&paths, &dir)?;
    Ok(())
}

fn test_cmd() -> Result<()> {
    let started = Instant::now();
    let paths = Paths::discover()?;
    let mut timings: Vec<(&str, f64)> = Vec::new();
    let mut e2e_summary = Vec::new();
    let result = test_steps(&paths, &mut timings, &mut e2e_summary);

    let verdict = if result.is_ok() {
        "all steps passed"
    } else {
        "FAILED"
    };
    println!(
        "\nxtask test: {verdict} in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    for (name, secs) in &timings {
        println!("  {name:<16} {secs:>7.1} s");
    }
    for (engine, s) in e2e_summary {
        println!("  browser tests in {engine}: {s}");
    }
    result
}

fn test_steps(
    paths: &Paths,
    timings: &mut Vec<(&'static str, f64)>,
    e2e_summary: &mut Vec<(&'static str, String)>,
) -> Result<()> {
    let mut timed = |name: &'static str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        let t = Instant::now();
        let r = f().with_context(|| format!("`cargo xtask test` stopped at: {name}"));
        timings.push((name, t.elapsed().as_secs_f64()));
        r
    };

    timed("native tests", &mut || {
        // Every lint as an error, on every target (tests and benches too). Among them clippy.toml's
        // disallowed methods: the core's numbers go through src/math.rs (correctly rounded, the
        // same bits natively and in wasm); step 2 denies them for wasm32 too.
        step("[1/8] clippy: cargo clippy --workspace --all-targets -- -D warnings (clippy.toml's disallowed methods included)");
        setup::ensure_clippy()?;
        run(cargo(paths).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
        step("[1/8] format: cargo fmt --all --check");
        setup::ensure_rustfmt()?;
        run(cargo(paths).args(["fmt", "--all", "--check"]))?;
        // The workspace's tests: the core in release (as it ships); xtask's own few tests in the
        // dev profile, whose dependencies `cargo xtask` has just compiled (a release + LTO build of
        // wasm-bindgen-cli-support alone would add minutes on 2 cores and test nothing more).
        // The Python extension is tested by pytest in step 3 (`cargo test` has nothing to link it into).
        step("[1/8] native tests: cargo test --workspace --release --exclude xtask --exclude optiscape-python; cargo test -p xtask");
        run(cargo(paths).args([
            "test",
            "--workspace",
            "--release",
            "--exclude",
            "xtask",
            "--exclude",
            "optiscape-python",
        ]))?;
        run(cargo(paths).args(["test", "--package", "xtask"]))
    })?;
    timed("wasm32 + SIMD", &mut || {
        // The browser shell (src/web/) compiles for wasm32 alone: every lint there too.
        step(
            "[2/8] wasm32 check: cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings",
        );
        setup::ensure_target(setup::WASM_TARGET)?;
        run(cargo(paths).args([
            "clippy",
            "--target",
            setup::WASM_TARGET,
            "--lib",
            "--package",
            "optiscape",
            "--",
            "-D",
            "warnings",
        ]))?;
        // The optimizers' wasm SIMD path (two weights per instruction) against the scalar one and
        // against an exact FMA, and src/math.rs against the correctly rounded results, run by V8
        // under Node's WASI (runner and +simd128 in .cargo/config.toml).
        step("[2/8] wasm tests: cargo test --release --target wasm32-wasip1 --test lanes --test fma --test math");
        setup::ensure_target(setup::WASI_TARGET)?;
        run(cargo(paths).args([
            "test",
            "--release",
            "--target",
            setup::WASI_TARGET,
            "--package",
            "optiscape",
            "--test",
            "lanes",
            "--test",
            "fma",
            "--test",
            "math",
            "--",
            "--nocapture",
        ]))
    })?;
    // The wasm build before the Python package, which carries it (and the page's modules) for
    // its notebook widget.
    timed("build", &mut || {
        step("[3/8] build");
        build::build(paths)
    })?;
    // After the native tests, which built the CLI the package is held to (target/release/optiscape).
    timed("python", &mut || python::test(paths))?;
    timed("browser setup", &mut || {
        step("[5/8] browser tests: ensure Chromium, Firefox ESR and npm packages");
        setup::ensure_browsers(&[&setup::CHROMIUM, &setup::FIREFOX])?;
        setup::ensure_npm(paths)?;
        // The page's modules stay small parts: parsed with acorn, no browser needed.
        step(&format!(
            "[5/8] the page's modules' shape: node --test {JS_SHAPE_TEST}"
        ));
        run(std::process::Command::new("node")
            .args(["--test", JS_SHAPE_TEST])
            .current_dir(&paths.root))
    })?;
    let server = serve::Server::start(&paths.www, 0, false)?;
    let url = server.url();
    let chromium = timed("chromium tests", &mut || {
        step("[6/8] browser tests in Chromium: node --test tests/e2e/");
        let summary = run_e2e(paths, &url, "chromium", &e2e_files(paths)?, 15 * 60, &[])?;
        e2e_summary.push((setup::CHROMIUM.name, summary));
        Ok(())
    });
    // The tests written once for every engine (engine.mjs's driver), in the second engine; run
    // even when Chromium's failed, so that one run reports both.
    let firefox = timed("firefox tests", &mut || {
        step(&format!(
            "[7/8] browser tests in Firefox ESR: node --test {SHARED_E2E}"
        ));
        let summary = run_e2e(
            paths,
            &url,
            "firefox",
            &[paths.root.join(SHARED_E2E)],
            5 * 60,
            &[],
        )?;
        e2e_summary.push((setup::FIREFOX.name, summary));
        Ok(())
    });
    server.stop();
    // The notebook widget in JupyterLab, which the test starts (with the Python package's venv)
    // and stops.
    let notebook = timed("notebook test", &mut || {
        step(&format!(
            "[8/8] notebook widget in JupyterLab and Chromium: node --test {NOTEBOOK_TEST}"
        ));
        let python = python::venv_python(paths);
        let summary = run_e2e(
            paths,
            &url,
            "chromium",
            &[paths.root.join(NOTEBOOK_TEST)],
            4 * 60,
            &[("OPTISCAPE_PYTHON", python.as_os_str())],
        )?;
        e2e_summary.push(("JupyterLab", summary));
        Ok(())
    });
    chromium.and(firefox).and(notebook)
}

/// optiscape.Race in JupyterLab (not under tests/e2e/: it needs the Python package, not the page's server).
const NOTEBOOK_TEST: &str = "tests/notebook/widget.test.mjs";

/// The browser tests that every engine runs (the others are Chromium's alone).
const SHARED_E2E: &str = "tests/e2e/engines.test.mjs";

/// No function in www/js/ over 150 lines, no module over 300, no helper written twice.
const JS_SHAPE_TEST: &str = "tests/js_shape.test.mjs";

/// tests/e2e/*.test.mjs, sorted.
fn e2e_files(paths: &Paths) -> Result<Vec<PathBuf>> {
    let dir = paths.root.join("tests/e2e");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".test.mjs") || name.ends_with(".test.js")
        })
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no browser tests found ({}/*.test.mjs)", dir.display());
    }
    Ok(files)
}

/// Runs `node --test` over `files` in `engine` (OPTISCAPE_ENGINES, read by engines.test.mjs),
/// echoing its output to stdout, and returns the runner's closing counts (`pass N, fail N, ...`).
/// Stops it, browsers and all, after `timeout_secs`.
fn run_e2e(
    paths: &Paths,
    url: &str,
    engine: &str,
    files: &[PathBuf],
    timeout_secs: u64,
    env: &[(&str, &std::ffi::OsStr)],
) -> Result<String> {
    // Files are named explicitly (not the directory): node 20 and node 22+ disagree on how a
    // directory argument to `--test` is expanded. The TAP reporter to stdout keeps the closing
    // `# pass N` / `# fail N` lines in the log whether or not stdout is a terminal.
    let mut cmd = std::process::Command::new("node");
    cmd.args([
        "--test",
        "--test-concurrency=1",
        "--test-reporter=tap",
        "--test-reporter-destination=stdout",
    ])
    .args(files)
    .current_dir(&paths.root)
    .env("OPTISCAPE_URL", url)
    .env("OPTISCAPE_ENGINES", engine)
    .env("OPTISCAPE_ARTIFACTS", paths.target.join("e2e"))
    .envs(env.iter().copied());
    let (status, summary) =
        util::run_tee_summary(&mut cmd, std::time::Duration::from_secs(timeout_secs))?;
    let summary = summary.join(", ");
    if !status {
        bail!(
            "browser tests in {engine} failed ({})",
            if summary.is_empty() {
                "no summary from node --test"
            } else {
                &summary
            }
        );
    }
    Ok(summary)
}

fn bench_cmd() -> Result<()> {
    let paths = Paths::discover()?;
    build::build(&paths)?;
    // The module without the classifier's shell: what the landscape tab would download first if
    // that shell came as a second module.
    let landscape_only = build::build_landscape_only(&paths)?;
    let native_train = native_classify_bench(&paths)?;
    setup::ensure_browsers(&[&setup::CHROMIUM])?;
    setup::ensure_npm(&paths)?;
    let server = serve::Server::start(&paths.www, 0, false)?;
    step(&format!(
        "bench: node benches/page.mjs against {}",
        server.url()
    ));
    let mut cmd = std::process::Command::new("node");
    cmd.arg("benches/page.mjs")
        .current_dir(&paths.root)
        .env("OPTISCAPE_URL", server.url())
        .env("OPTISCAPE_WWW", &paths.www)
        .env("OPTISCAPE_LANDSCAPE_ONLY_PKG", &landscape_only)
        .env("OPTISCAPE_NATIVE_TRAIN", &native_train);
    let result = run(&mut cmd);
    server.stop();
    result
}

/// benches/classify.rs built natively (the bench profile: release, as `optiscape train`): the
/// anchor page.mjs runs with `--train SPEC` beside the page's training of the same spec.
fn native_classify_bench(paths: &Paths) -> Result<PathBuf> {
    step("cargo bench --bench classify --no-run (the native anchor of train_wasm_vs_native)");
    let out = util::output(cargo(paths).args([
        "bench",
        "--package",
        "optiscape",
        "--bench",
        "classify",
        "--no-run",
        "--message-format=json-render-diagnostics",
    ]))?;
    for line in out.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["reason"] == "compiler-artifact" && v["target"]["name"] == "classify" {
            if let Some(exe) = v["executable"].as_str() {
                return Ok(PathBuf::from(exe));
            }
        }
    }
    bail!("`cargo bench --bench classify --no-run` named no executable")
}
