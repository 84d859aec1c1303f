//! Running the real `optiscape` binary, for the tests of its commands (`mod common;`), reading
//! the SVG it and the drawing code write (`common::svg`), and the property tests' seed
//! (`common::seed`).
#![allow(dead_code)] // each test file uses some of these

#[cfg(not(target_os = "wasi"))]
pub mod seed;
pub mod svg;

use std::io::Write;
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_optiscape");

/// Runs `optiscape args...` with `stdin` as its input.
pub fn cli(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.as_bytes().to_vec();
    // Written from a thread: a large output must not block on a full pipe while we write. A
    // command that does not read stdin may close it first; that is not an error here.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

pub fn stdout(out: &Output) -> &str {
    std::str::from_utf8(&out.stdout).unwrap()
}

pub fn stderr(out: &Output) -> &str {
    std::str::from_utf8(&out.stderr).unwrap()
}

/// A failed run: non-zero exit, nothing on stdout, one line on stderr that contains `needle`.
pub fn assert_fails(out: &Output, needle: &str, what: &str) {
    assert!(
        !out.status.success(),
        "{what}: should fail, stdout {}",
        stdout(out)
    );
    assert_eq!(out.status.code(), Some(2), "{what}");
    assert_eq!(stdout(out), "", "{what}: nothing on stdout");
    let err = stderr(out);
    assert!(
        err.ends_with('\n') && err.matches('\n').count() == 1,
        "{what}: stderr is not one line: {err:?}"
    );
    assert!(err.starts_with("optiscape: error: "), "{what}: {err:?}");
    assert!(
        err.contains(needle),
        "{what}: stderr {err:?} does not name {needle:?}"
    );
}
