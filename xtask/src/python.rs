//! The Python package (python/), built and tested as a user installs it: a venv under
//! target/python (the system Python untouched), maturin, numpy, pytest, jupyterlab and anywidget
//! in it from PyPI as python/requirements-test.txt pins them, `pip install ./python`, then
//! pytest (the notebook widget's browser test uses the same venv). The venv sees the
//! system's site-packages, so that where torch is installed the torch example is checked too.

use crate::util::{self, run, step, Paths};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// The venv's python (with the package, jupyterlab and anywidget once `test` has run).
pub fn venv_python(paths: &Paths) -> std::path::PathBuf {
    paths.target.join("python/bin/python")
}

pub fn test(paths: &Paths) -> Result<()> {
    let venv = paths.target.join("python");
    ensure_venv(paths, &venv)?;
    let python = venv.join("bin/python");
    step("[4/8] python: pip install ./python (maturin builds the extension with cargo)");
    // As in an activated venv: maturin's build hook runs the `maturin` on PATH.
    let mut path = vec![venv.join("bin")];
    path.extend(
        std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths),
    );
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-build-isolation",
            "--no-deps",
            "--force-reinstall",
            "./python",
        ])
        .current_dir(&paths.root)
        .env("VIRTUAL_ENV", venv)
        .env("PATH", std::env::join_paths(path)?))?;
    step("[4/8] python: pytest python/tests");
    run(Command::new(&python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "python/tests",
        ])
        .current_dir(&paths.root)
        .env("OPTISCAPE_CLI", paths.target.join("release/optiscape")))
}

/// The venv with python/requirements-test.txt installed, made again when that file changes (its
/// fingerprint is kept in the venv's .xtask-requirements).
fn ensure_venv(paths: &Paths, venv: &Path) -> Result<()> {
    let requirements = paths.root.join("python/requirements-test.txt");
    let text = std::fs::read(&requirements)
        .with_context(|| format!("reading {}", requirements.display()))?;
    let fingerprint = format!("{:016x}", util::fnv1a(&[&text]));
    let stamp = venv.join(".xtask-requirements");
    if venv.join("bin/python").exists()
        && std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == fingerprint)
    {
        return Ok(());
    }
    let Some(python3) = util::which("python3") else {
        bail!("`python3` not found: the Python package's tests need CPython 3.9 or later with venv and pip");
    };
    step(&format!(
        "[4/8] python: a venv in {} with {}",
        venv.display(),
        requirements.display()
    ));
    run(Command::new(python3)
        .args(["-m", "venv", "--clear", "--system-site-packages"])
        .arg(venv))?;
    run(Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements))?;
    std::fs::write(&stamp, format!("{fingerprint}\n"))?;
    Ok(())
}
