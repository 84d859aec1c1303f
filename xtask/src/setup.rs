//! Installs what a fresh machine lacks: the wasm32 rust targets, the npm dev packages, Chromium
//! and Firefox ESR.

use crate::util::{self, output, run, Paths};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
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

/// clippy, for `cargo clippy -- -D warnings` (clippy.toml's disallowed methods among them).
pub fn ensure_clippy() -> Result<()> {
    ensure_component("clippy", "clippy")
}

/// rustfmt, for `cargo fmt --check`.
pub fn ensure_rustfmt() -> Result<()> {
    ensure_component("rustfmt", "fmt")
}

/// The rust `component` when `cargo <subcommand> --version` fails and rustup is there to add it.
fn ensure_component(component: &str, subcommand: &str) -> Result<()> {
    if util::which("rustup").is_none()
        || Command::new("cargo")
            .args([subcommand, "--version"])
            .output()
            .is_ok_and(|o| o.status.success())
    {
        return Ok(());
    }
    println!("xtask: installing the {component} rust component");
    run(Command::new("rustup").args(["component", "add", component]))
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
    let wanted_bins = [
        wasm_opt(paths),
        paths.root.join("node_modules/playwright-core/package.json"),
        paths.root.join("node_modules/puppeteer-core/package.json"),
        paths.root.join("node_modules/axe-core/axe.min.js"),
        paths.root.join("node_modules/acorn/package.json"),
    ];
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
        .args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--loglevel=warn",
        ])
        .current_dir(&paths.root)
        .env("CI", "true"))?;
    std::fs::write(&stamp, format!("{fingerprint}\n"))?;
    Ok(())
}

fn check_node_version() -> Result<()> {
    let v = output(Command::new("node").arg("--version"))?;
    let major: u32 = v
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        bail!(
            "node {} is too old: the browser tests need Node.js >= 20 (node --test features)",
            v.trim()
        );
    }
    Ok(())
}

pub fn wasm_opt(paths: &Paths) -> PathBuf {
    paths.root.join("node_modules/.bin/wasm-opt")
}

/// A browser the tests drive: Debian's build, installed with apt (the drivers' own browser
/// downloads fetch from CDNs that a machine with only package registries cannot reach).
pub struct Browser {
    /// For people: "Chromium".
    pub name: &'static str,
    /// The variable that points at another binary.
    env: &'static str,
    default: &'static str,
    packages: &'static [&'static str],
}

/// Debian's Chromium, driven by playwright-core: every browser test, and the bench.
pub const CHROMIUM: Browser = Browser {
    name: "Chromium",
    env: "OPTISCAPE_CHROMIUM",
    default: "/usr/bin/chromium",
    packages: &["chromium", "chromium-driver"],
};

/// Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi: the shared browser tests.
pub const FIREFOX: Browser = Browser {
    name: "Firefox ESR",
    env: "OPTISCAPE_FIREFOX",
    default: "/usr/bin/firefox-esr",
    packages: &["firefox-esr"],
};

impl Browser {
    pub fn path(&self) -> PathBuf {
        std::env::var_os(self.env)
            .map(PathBuf::from)
            .unwrap_or_else(|| self.default.into())
    }
}

/// Installs the missing `browsers` with apt (one update, one install) when we are root;
/// otherwise stops and says how.
pub fn ensure_browsers(browsers: &[&Browser]) -> Result<()> {
    let missing: Vec<&Browser> = browsers
        .iter()
        .copied()
        .filter(|b| !b.path().exists())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    for b in &missing {
        if std::env::var_os(b.env).is_some() {
            bail!("{}={} does not exist", b.env, b.path().display());
        }
    }
    let packages: Vec<&str> = missing
        .iter()
        .flat_map(|b| b.packages.iter().copied())
        .collect();
    let install = format!(
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y {}",
        packages.join(" ")
    );
    if !util::is_root() || util::which("apt-get").is_none() {
        bail!("{}", how_to_install(&missing, &install));
    }
    println!(
        "xtask: installing {}: {install}",
        missing
            .iter()
            .map(|b| b.name)
            .collect::<Vec<_>>()
            .join(" and ")
    );
    let apt = |args: &[&str]| {
        run(Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .env("NEEDRESTART_MODE", "a"))
    };
    apt(&["update"])?;
    apt(&[&["install", "-y"][..], &packages].concat())?;
    for b in &missing {
        if !b.path().exists() {
            bail!(
                "apt-get installed {} but {} is still missing",
                b.packages.join(" "),
                b.path().display()
            );
        }
    }
    Ok(())
}

/// What to do when `missing` cannot be installed here: the apt command `install`, or a variable.
fn how_to_install(missing: &[&Browser], install: &str) -> String {
    let paths: Vec<String> = missing
        .iter()
        .map(|b| b.path().display().to_string())
        .collect();
    let others: Vec<String> = missing
        .iter()
        .map(|b| format!("{} at a {} binary", b.env, b.name))
        .collect();
    format!(
        "{} not found. Install Debian's packages first:\n\n    sudo sh -c '{install}'\n\n(or point {})",
        paths.join(" and "),
        others.join(" and ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_browser_is_named_with_the_command_that_installs_it() {
        let firefox = Browser {
            env: "OPTISCAPE_TEST_NO_SUCH_VARIABLE",
            ..FIREFOX
        };
        let text = how_to_install(
            &[&CHROMIUM, &firefox],
            "apt-get install -y chromium chromium-driver firefox-esr",
        );
        assert!(text.contains("/usr/bin/firefox-esr not found"), "{text}");
        assert!(
            text.contains("sudo sh -c 'apt-get install -y chromium chromium-driver firefox-esr'"),
            "{text}"
        );
        assert!(
            text.contains("OPTISCAPE_TEST_NO_SUCH_VARIABLE at a Firefox ESR binary"),
            "{text}"
        );
    }

    #[test]
    fn present_browsers_need_nothing() {
        let sh = Browser {
            name: "a shell",
            env: "OPTISCAPE_TEST_NO_SUCH_VARIABLE",
            default: "/bin/sh",
            packages: &["dash"],
        };
        assert!(ensure_browsers(&[&sh]).is_ok());
    }
}
