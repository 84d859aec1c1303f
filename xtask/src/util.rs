//! Small process and path helpers.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where things are. The workspace root is the parent of this crate's manifest directory; the
/// target directory comes from `cargo metadata`, so `CARGO_TARGET_DIR` and `.cargo/config.toml`
/// are honoured.
pub struct Paths {
    pub root: PathBuf,
    pub www: PathBuf,
    pub pkg: PathBuf,
    pub target: PathBuf,
}

impl Paths {
    pub fn discover() -> Result<Paths> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask has no parent directory")?
            .to_path_buf();
        let out = Command::new(cargo_bin())
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(&root)
            .stderr(Stdio::inherit())
            .output()
            .context("running `cargo metadata`")?;
        if !out.status.success() {
            bail!("`cargo metadata` failed");
        }
        let meta: serde_json::Value =
            serde_json::from_slice(&out.stdout).context("parsing `cargo metadata` output")?;
        let target = meta["target_directory"]
            .as_str()
            .map(PathBuf::from)
            .context("`cargo metadata` gave no target_directory")?;
        Ok(Paths {
            www: root.join("www"),
            pkg: root.join("www/pkg"),
            target,
            root,
        })
    }
}

/// The cargo that runs us (`cargo xtask` sets `CARGO`), so nested builds use the same toolchain.
pub fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

pub fn cargo(paths: &Paths) -> Command {
    let mut c = Command::new(cargo_bin());
    c.current_dir(&paths.root);
    c
}

pub fn step(msg: &str) {
    println!("\n==> {msg}");
    let _ = std::io::stdout().flush();
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs a command with inherited stdio; an error if it cannot start or exits non-zero.
pub fn run(cmd: &mut Command) -> Result<()> {
    let _ = std::io::stdout().flush();
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .with_context(|| format!("could not start `{}`", describe(cmd)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(cmd));
    }
    Ok(())
}

/// Runs a command and returns its stdout (stderr inherited).
pub fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("could not start `{}`", describe(cmd)))?;
    if !out.status.success() {
        bail!("`{}` failed ({})", describe(cmd), out.status);
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs `node --test ...`, copying its stdout to ours line by line, and collects the runner's
/// closing summary lines (`# pass 3`, `# fail 0`, ...). Kills it after `timeout`. Returns whether
/// it succeeded, and the summary as `pass 3`-style strings.
pub fn run_tee_summary(cmd: &mut Command, timeout: Duration) -> Result<(bool, Vec<String>)> {
    let _ = std::io::stdout().flush();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("could not start `{}`", describe(cmd)))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut summary = Vec::new();
        let out = std::io::stdout();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let mut o = out.lock();
            let _ = writeln!(o, "{line}");
            let _ = o.flush();
            const KEYS: [&str; 7] = [
                "tests",
                "suites",
                "pass",
                "fail",
                "cancelled",
                "skipped",
                "todo",
            ];
            if let Some(rest) = line.strip_prefix("# ") {
                let mut parts = rest.split_whitespace();
                if let (Some(k), Some(v), None) = (parts.next(), parts.next(), parts.next()) {
                    if KEYS.contains(&k) && v.parse::<u64>().is_ok() {
                        summary.push(format!("{k} {v}"));
                    }
                }
            }
        }
        summary
    });
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break Some(s);
        }
        if started.elapsed() > timeout {
            eprintln!(
                "xtask: `{}` still running after {} s; stopping it and what it started",
                describe(cmd),
                timeout.as_secs()
            );
            stop_tree(&mut child, Duration::from_secs(5));
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let summary = reader.join().unwrap_or_default();
    Ok((status.is_some_and(|s| s.success()), summary))
}

/// Stops `child` and every process it started (`node --test`'s test files, their browsers and
/// the browsers' own processes): SIGTERM to each first, on which playwright-core and
/// puppeteer-core close their browsers and remove their profiles, then SIGKILL to whatever is
/// left after `grace`. Where there is no /proc, only `child` is killed.
fn stop_tree(child: &mut std::process::Child, grace: Duration) {
    let tree = descendants(child.id());
    let signal = |sig: &str, pids: &[u32]| {
        if !pids.is_empty() {
            let _ = Command::new("kill")
                .arg(sig)
                .args(pids.iter().map(|p| p.to_string()))
                .stderr(Stdio::null())
                .status();
        }
    };
    let mut all: Vec<u32> = vec![child.id()];
    all.extend(tree.iter().map(|&(pid, _)| pid));
    signal("-TERM", &all);
    let started = Instant::now();
    while started.elapsed() < grace && !matches!(child.try_wait(), Ok(Some(_))) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    // Only processes that still have the start time they had: a pid freed meanwhile may be reused.
    let left: Vec<u32> = tree
        .iter()
        .filter(|&&(pid, start)| proc_stat(pid).is_some_and(|s| s.1 == start))
        .map(|&(pid, _)| pid)
        .collect();
    signal("-KILL", &left);
}

/// The processes under `pid` (children, their children, ...) with their start times, from /proc.
fn descendants(pid: u32) -> Vec<(u32, u64)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let stats: Vec<(u32, u32, u64)> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|p| proc_stat(p).map(|(ppid, start)| (p, ppid, start)))
        .collect();
    let mut found: Vec<(u32, u64)> = Vec::new();
    let mut parents = vec![pid];
    while let Some(parent) = parents.pop() {
        for &(p, ppid, start) in &stats {
            if ppid == parent && !found.iter().any(|&(q, _)| q == p) {
                found.push((p, start));
                parents.push(p);
            }
        }
    }
    found
}

/// /proc/`pid`/stat's parent and start time (clock ticks after boot).
fn proc_stat(pid: u32) -> Option<(u32, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; it ends at the last ')'.
    let fields: Vec<&str> = text.get(text.rfind(')')? + 2..)?.split(' ').collect();
    Some((fields.get(1)?.parse().ok()?, fields.get(19)?.parse().ok()?))
}

/// FNV-1a, 64 bit: a stable fingerprint for stamp files (not security relevant).
pub fn fnv1a(chunks: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chunks {
        for &b in *c {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // separator so that ["ab","c"] and ["a","bc"] differ
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

pub fn is_root() -> bool {
    // /proc/self/status: "Uid:\t<real>\t<effective>\t..."
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|rest| rest.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_tree_ends_the_child_and_what_it_started() {
        if !Path::new("/proc/self/stat").exists() {
            return; // stop_tree then kills the child alone
        }
        // A shell that starts two grandchildren which ignore SIGTERM (as a stuck browser may).
        let mut child = Command::new("sh")
            .args(["-c", "trap '' TERM; sleep 300 & sleep 300 & wait"])
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let mut tree = descendants(child.id());
        while tree.len() < 2 && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
            tree = descendants(child.id());
        }
        assert_eq!(tree.len(), 2, "the shell's two sleeps: {tree:?}");
        stop_tree(&mut child, Duration::from_millis(300));
        std::thread::sleep(Duration::from_millis(200));
        for (pid, start) in tree {
            let alive = proc_stat(pid).is_some_and(|(_, s)| s == start)
                && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .unwrap_or_default()
                    .contains(") Z ");
            assert!(!alive, "process {pid} outlived stop_tree");
        }
    }
}
