//! Installs what a fresh machine lacks: the wasm32 rust targets, the npm dev packages, Chromium.

use crate::util::{self, output, run, Paths};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The WASI target: tests of the wasm SIMD code run under Node's WASI (tests/wasi.mjs).
pub const WASI_TARGET: &str = "wasm32-wasip1";

/// `rustup target add <target>` unless it is installed already.
pub fn ensure_target(target: &str) -> Result<()> {
    if util::which("rustup").is_none() {
        // A toolchain not managed by rustup: it either has the target or the build says so.
        return Ok(());
    }
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if installed.lines().any(|l| l.trim() == target) {
        return Ok(());
    }
    println!("xtask: installing the {target} rust target");
    run(Command::new("rustup").args(["target", "add", target]))
}

/// clippy, for the check that the core calls no std elementary function (clippy.toml).
pub fn ensure_clippy() -> Result<()> {
    if util::which("rustup").is_none() || Command::new("cargo").args(["clippy", "--version"]).output().is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    println!("xtask: installing the clippy rust component");
    run(Command::new("rustup").args(["component", "add", "clippy"]))
}

/// `npm ci` when node_modules/ is missing or was installed from another package-lock.json.
/// The lockfile's fingerprint is kept in node_modules/.xtask-lock after a successful install.
pub fn ensure_npm(paths: &Paths) -> Result<()> {
    let lock = paths.root.join("package-lock.json");
    let manifest = paths.root.join("package.json");
    let stamp = paths.root.join("node_modules/.xtask-lock");
    let fingerprint = format!(
        "{:016x}",
        util::fnv1a(&[
            &std::fs::read(&lock).with_context(|| format!("reading {}", lock.display()))?,
            &std::fs::read(&manifest).with_context(|| format!("reading {}", manifest.display()))?,
        ])
    );
    let wanted_bins = [wasm_opt(paths), paths.root.join("node_modules/playwright-core/package.json")];
    let fresh = std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == fingerprint)
        && wanted_bins.iter().all(|p| p.exists());
    if fresh {
        return Ok(());
    }
    for tool in ["node", "npm"] {
        if util::which(tool).is_none() {
            bail!(
                "`{tool}` not found: the browser tooling needs Node.js >= 20 with npm \
                 (e.g. from https://nodejs.org or NodeSource's Debian packages)"
            );
        }
    }
    check_node_version()?;
    println!("xtask: installing npm dev packages (npm ci)");
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=warn"])
        .current_dir(&paths.root)
        .env("CI", "true"))?;
    std::fs::write(&stamp, format!("{fingerprint}\n"))?;
    Ok(())
}

fn check_node_version() -> Result<()> {
    let v = output(Command::new("node").arg("--version"))?;
    let major: u32 = v.trim().trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if major < 20 {
        bail!("node {} is too old: the browser tests need Node.js >= 20 (node --test features)", v.trim());
    }
    Ok(())
}

pub fn wasm_opt(paths: &Paths) -> PathBuf {
    paths.root.join("node_modules/.bin/wasm-opt")
}

pub fn chromium_path() -> PathBuf {
    std::env::var_os("OPTISCAPE_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| "/usr/bin/chromium".into())
}

const APT_INSTALL: &str = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver";

/// Debian's Chromium (playwright's own browser download is not used: `npx playwright install`
/// fetches from a CDN). Installed with apt when we are root; otherwise we stop and say how.
pub fn ensure_chromium() -> Result<()> {
    let chromium = chromium_path();
    if chromium.exists() {
        return Ok(());
    }
    if std::env::var_os("OPTISCAPE_CHROMIUM").is_some() {
        bail!("OPTISCAPE_CHROMIUM={} does not exist", chromium.display());
    }
    if !util::is_root() || util::which("apt-get").is_none() {
        bail!(
            "{} not found. Install Debian's Chromium first:\n\n    sudo sh -c '{APT_INSTALL}'\n\n\
             (or point OPTISCAPE_CHROMIUM at a Chromium binary)",
            chromium.display()
        );
    }
    println!("xtask: installing Chromium: {APT_INSTALL}");
    let apt = |args: &[&str]| {
        run(Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .env("NEEDRESTART_MODE", "a"))
    };
    apt(&["update"])?;
    apt(&["install", "-y", "chromium", "chromium-driver"])?;
    if !Path::new(&chromium).exists() {
        bail!("apt-get installed chromium but {} is still missing", chromium.display());
    }
    Ok(())
}
