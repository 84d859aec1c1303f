//! wasm32 release build -> wasm-bindgen (web target) -> wasm-opt, into www/pkg/.

use crate::setup::{self, WASM_TARGET};
use crate::util::{self, cargo, run, step, Paths};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// The root package, whose `cdylib` is the browser module.
const PACKAGE: &str = "optiscape";
/// Output name of the module inside www/pkg/: `optiscape.js` + `optiscape_bg.wasm`.
const STEM: &str = "optiscape";
/// Bump when the post-processing below changes, so stale www/pkg/ outputs are regenerated.
const PIPELINE_VERSION: &str = "xtask-build-1";

/// The digits as the training script embeds them (see `train_script_with`).
const DIGITS_B64: &str = "src/export/torch/python/digits.b64";

/// The Cargo profile of the browser build (Cargo.toml: release, optimized for size).
const WASM_PROFILE: &str = "wasm";

pub fn build(paths: &Paths) -> Result<()> {
    let started = Instant::now();
    check_bindgen_versions(&paths.root.join("Cargo.lock"))?;
    setup::ensure_target(WASM_TARGET)?;
    // wasm-opt comes from npm's `binaryen` (Debian's binaryen 108 emits modules that do not load).
    setup::ensure_npm(paths)?;
    // Two builds in one checkout (say `serve` in one shell, `test` in another) would both rewrite
    // www/pkg/: take turns. The lock is released when `_lock` is dropped.
    let _lock = lock_file(&paths.target.join("xtask").join("build.lock"))?;
    let input = compile(paths, &paths.target, &[])?;
    emit(
        paths,
        &input,
        &paths.pkg,
        &paths.target.join("xtask").join("pkg.stamp"),
        started,
    )
}

/// The browser module without the classifier's bindings (`--no-default-features`), into
/// `target/split/pkg/`: what the landscape tab would download first if the classifier's shell
/// came as a second module when its tab opens. Built in a target directory of its own, so the
/// page's build stays as it is. Returns the folder.
pub fn build_landscape_only(paths: &Paths) -> Result<std::path::PathBuf> {
    let started = Instant::now();
    let target = paths.target.join("split");
    let input = compile(paths, &target, &["--no-default-features"])?;
    let out = target.join("pkg");
    emit(paths, &input, &out, &target.join("pkg.stamp"), started)?;
    Ok(out)
}

/// `cargo build` of the library for the browser, into `target_dir` with `more` arguments;
/// returns the wasm rustc emitted.
fn compile(paths: &Paths, target_dir: &Path, more: &[&str]) -> Result<std::path::PathBuf> {
    step(&format!(
        "cargo build --lib --profile {WASM_PROFILE} --target {WASM_TARGET} --package {PACKAGE} {}",
        more.join(" ")
    ));
    let dir = target_dir
        .to_str()
        .context("a target directory that is not UTF-8")?;
    run(cargo(paths)
        .args([
            "build",
            "--lib",
            "--profile",
            WASM_PROFILE,
            "--target",
            WASM_TARGET,
            "--package",
            PACKAGE,
            "--target-dir",
            dir,
        ])
        .args(more))?;
    Ok(target_dir
        .join(WASM_TARGET)
        .join(WASM_PROFILE)
        .join(format!("{}.wasm", PACKAGE.replace('-', "_"))))
}

/// wasm-bindgen (web target) and wasm-opt of `input` into `pkg`, unless `stamp_path` says it is
/// up to date; prints the module's size.
fn emit(
    paths: &Paths,
    input: &Path,
    pkg: &Path,
    stamp_path: &Path,
    started: Instant,
) -> Result<()> {
    let input_bytes =
        std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;

    let opt_level = std::env::var("OPTISCAPE_WASM_OPT").unwrap_or_else(|_| "-Oz".into());
    if !opt_level.starts_with("-O") {
        bail!(
            "OPTISCAPE_WASM_OPT must be a wasm-opt -O flag like -Oz, -Os, -O3 (got `{opt_level}`)"
        );
    }
    let features = wasm_opt_features(&input_bytes)?;
    // OPTISCAPE_WASM_NAMES=1 keeps the function names, so a browser profile names Rust functions.
    let keep_names = std::env::var_os("OPTISCAPE_WASM_NAMES").is_some_and(|v| v != "0");
    let strip: &[&str] = if keep_names {
        &["--debuginfo", "--strip-dwarf", "--strip-producers"]
    } else {
        &["--strip-debug", "--strip-producers"]
    };
    let out_wasm = pkg.join(format!("{STEM}_bg.wasm"));
    let out_js = pkg.join(format!("{STEM}.js"));
    let stamp = format!(
        "{:016x}\n",
        util::fnv1a(&[
            &input_bytes,
            PIPELINE_VERSION.as_bytes(),
            opt_level.as_bytes(),
            strip.join(" ").as_bytes(),
            features.join(" ").as_bytes(),
            std::fs::read(setup::wasm_opt(paths))
                .unwrap_or_default()
                .len()
                .to_le_bytes()
                .as_slice(),
        ])
    );
    let up_to_date = out_wasm.exists()
        && out_js.exists()
        && std::fs::read_to_string(stamp_path).is_ok_and(|s| s == stamp);

    if up_to_date {
        println!("{} is up to date with {}", pkg.display(), input.display());
    } else {
        // A failed run leaves no stamp behind, so the next run starts over.
        let _ = std::fs::remove_file(stamp_path);
        step(&format!("wasm-bindgen (web target) -> {}", pkg.display()));
        if pkg.exists() {
            std::fs::remove_dir_all(pkg).with_context(|| format!("clearing {}", pkg.display()))?;
        }
        wasm_bindgen_cli_support::Bindgen::new()
            .input_path(input)
            .out_name(STEM)
            .web(true)?
            .omit_default_module_path(false)
            .typescript(false)
            .generate(pkg)
            .context("wasm-bindgen failed")?;

        step(&format!("wasm-opt {opt_level} {}", features.join(" ")));
        let tmp = out_wasm.with_extension("wasm.opt");
        run(Command::new(setup::wasm_opt(paths))
            .arg(&out_wasm)
            .arg("-o")
            .arg(&tmp)
            .arg(&opt_level)
            .args(&features)
            .args(strip))?;
        std::fs::rename(&tmp, &out_wasm)?;
        std::fs::write(stamp_path, &stamp)?;
    }

    // The digits' text the classifier's PyTorch script embeds, beside the module: the page
    // fetches it only when it writes that script, so it stays out of the module.
    std::fs::copy(paths.root.join(DIGITS_B64), pkg.join("digits.b64"))
        .with_context(|| format!("copying {DIGITS_B64}"))?;

    let wasm = std::fs::read(&out_wasm)?;
    let gz = gzip_len(&out_wasm)?;
    let js_len = std::fs::metadata(&out_js)?.len();
    println!(
        "\n{}: {} bytes raw, {} bytes gzip -9  (rustc emitted {}; JS glue {} bytes)  [{:.1} s]",
        out_wasm
            .strip_prefix(&paths.root)
            .unwrap_or(&out_wasm)
            .display(),
        wasm.len(),
        gz,
        input_bytes.len(),
        js_len,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn lock_file(path: &Path) -> Result<std::fs::File> {
    std::fs::create_dir_all(path.parent().unwrap())?;
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            println!(
                "xtask: waiting for another `cargo xtask` build in this checkout ({})",
                path.display()
            );
            file.lock()?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e).context("locking the build"),
    }
    Ok(file)
}

/// Size after `gzip -9 -n` (the CLI, so the figure matches what anyone measures by hand and what
/// benches/page.mjs prints).
pub fn gzip_len(file: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .arg(file)
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("running `gzip -9 -n -c` (is gzip installed?)")?;
    if !out.status.success() {
        bail!("`gzip -9 -n -c {}` failed", file.display());
    }
    Ok(out.stdout.len() as u64)
}

/// The wasm features the module uses, as rustc's linker recorded them in its `target_features`
/// section (`+name` for each; `.cargo/config.toml` adds `simd128`), mapped to wasm-opt
/// `--enable-*` flags: wasm-opt must accept every instruction rustc emitted.
fn wasm_opt_features(wasm: &[u8]) -> Result<Vec<String>> {
    let mut flags = Vec::new();
    for feature in target_features(wasm)? {
        let mapped: &[&str] = match feature.as_str() {
            "bulk-memory" => &["--enable-bulk-memory", "--enable-bulk-memory-opt"],
            "bulk-memory-opt" => &["--enable-bulk-memory-opt"],
            "call-indirect-overlong" => &["--enable-call-indirect-overlong"],
            "multivalue" => &["--enable-multivalue"],
            "mutable-globals" => &["--enable-mutable-globals"],
            "nontrapping-fptoint" => &["--enable-nontrapping-float-to-int"],
            "reference-types" => &["--enable-reference-types"],
            "sign-ext" => &["--enable-sign-ext"],
            "simd128" => &["--enable-simd"],
            "relaxed-simd" => &["--enable-relaxed-simd"],
            "tail-call" => &["--enable-tail-call"],
            "extended-const" => &["--enable-extended-const"],
            "exception-handling" => &["--enable-exception-handling"],
            "atomics" => &["--enable-threads"],
            "multimemory" => &["--enable-multimemory"],
            "fp16" => &["--enable-fp16"],
            other => {
                eprintln!("xtask: warning: rustc enables wasm feature `{other}`, which xtask does not map to a wasm-opt flag");
                &[]
            }
        };
        for flag in mapped {
            if !flags.iter().any(|f| f == flag) {
                flags.push(flag.to_string());
            }
        }
    }
    Ok(flags)
}

/// The `+` entries of a wasm module's `target_features` custom section (tool conventions:
/// a count, then per feature a prefix byte and a name).
fn target_features(wasm: &[u8]) -> Result<Vec<String>> {
    fn leb(bytes: &[u8], pos: &mut usize) -> Result<usize> {
        let (mut value, mut shift) = (0usize, 0);
        loop {
            let byte = *bytes.get(*pos).context("truncated wasm module")?;
            *pos += 1;
            value |= usize::from(byte & 0x7f) << shift;
            shift += 7;
            if byte < 0x80 || shift > 35 {
                return Ok(value);
            }
        }
    }
    fn name<'a>(bytes: &'a [u8], pos: &mut usize) -> Result<&'a str> {
        let len = leb(bytes, pos)?;
        let s = bytes
            .get(*pos..*pos + len)
            .context("truncated wasm module")?;
        *pos += len;
        std::str::from_utf8(s).context("a wasm name is not UTF-8")
    }
    if wasm.get(..4) != Some(b"\0asm") {
        bail!("not a wasm module");
    }
    let mut pos = 8;
    while pos < wasm.len() {
        let id = wasm[pos];
        pos += 1;
        let size = leb(wasm, &mut pos)?;
        let end = pos + size;
        if id == 0 && name(wasm, &mut pos)? == "target_features" {
            let mut out = Vec::new();
            for _ in 0..leb(wasm, &mut pos)? {
                let prefix = *wasm.get(pos).context("truncated wasm module")?;
                pos += 1;
                let feature = name(wasm, &mut pos)?;
                if prefix == b'+' {
                    out.push(feature.to_string());
                }
            }
            return Ok(out);
        }
        pos = end;
    }
    bail!("the wasm module has no target_features section, so its features are unknown")
}

/// wasm-bindgen (in the wasm, via the root package) and wasm-bindgen-cli-support (here) must be the
/// same release: the JS glue is generated from a schema embedded in the wasm.
fn check_bindgen_versions(lockfile: &Path) -> Result<()> {
    let text = std::fs::read_to_string(lockfile)
        .with_context(|| format!("reading {}", lockfile.display()))?;
    let lib = locked_versions(&text, "wasm-bindgen");
    let cli = locked_versions(&text, "wasm-bindgen-cli-support");
    if lib.is_empty() || cli.is_empty() {
        bail!(
            "Cargo.lock lists no {} package; run `cargo update -w` or check the root Cargo.toml",
            if lib.is_empty() {
                "wasm-bindgen"
            } else {
                "wasm-bindgen-cli-support"
            }
        );
    }
    if lib.len() > 1 || cli.len() > 1 || lib[0] != cli[0] {
        bail!(
            "wasm-bindgen version mismatch: Cargo.lock has wasm-bindgen {} but wasm-bindgen-cli-support {}.\nThe two must be identical: set `wasm-bindgen-cli-support = \"={}\"` \
             in xtask/Cargo.toml to match the root Cargo.toml's `wasm-bindgen = \"=...\"` (or the other way round).",
            lib.join(", "),
            cli.join(", "),
            lib[0]
        );
    }
    Ok(())
}

fn locked_versions(lock: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        if field("name").as_deref() == Some(name) {
            if let Some(v) = field("version") {
                out.push(v);
            }
        }
    }
    out
}

/// Copies www/ (including pkg/) into `dir`. A non-empty `dir` is only replaced if an earlier
/// `cargo xtask dist` made it (it holds our marker file); anything else is left alone.
pub fn dist(paths: &Paths, dir: &Path) -> Result<()> {
    const MARKER: &str = ".optiscape-dist";
    step(&format!("dist: www/ -> {}", dir.display()));
    let www = paths.www.canonicalize()?;
    let target = resolved(dir)?;
    if www.starts_with(&target) || target.starts_with(&www) {
        bail!(
            "refusing to write dist into {} (it overlaps www/)",
            dir.display()
        );
    }
    if dir.exists() {
        let empty = std::fs::read_dir(dir)?.next().is_none();
        if !empty && !dir.join(MARKER).exists() {
            bail!(
                "{} exists and was not made by `cargo xtask dist`; remove it or choose another directory",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir)?;
    }
    let mut files = 0u64;
    let mut bytes = 0u64;
    copy_dir(&www, dir, &mut files, &mut bytes)?;
    std::fs::write(
        dir.join(MARKER),
        "written by `cargo xtask dist`; the directory is replaced on the next run\n",
    )?;
    println!("dist: {files} files, {bytes} bytes in {}", dir.display());
    println!(
        "serve it from any static host; it needs `application/wasm` for .wasm and must be served over http(s), not file://"
    );
    Ok(())
}

/// `path` made absolute with symlinks resolved, for the part of it that exists so far.
fn resolved(path: &Path) -> Result<std::path::PathBuf> {
    let mut existing = path;
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name().context("dist directory has no name")?);
        existing = existing
            .parent()
            .context("dist directory has no existing parent")?;
    }
    let mut out = existing.canonicalize()?;
    for c in rest.iter().rev() {
        if *c == ".." {
            bail!(
                "dist directory {} has `..` after a path that does not exist",
                path.display()
            );
        }
        out.push(c);
    }
    Ok(out)
}

fn copy_dir(from: &Path, to: &Path, files: &mut u64, bytes: &mut u64) -> Result<()> {
    std::fs::create_dir_all(to)?;
    let mut entries: Vec<_> = std::fs::read_dir(from)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let src = e.path();
        let dst = to.join(e.file_name());
        let meta = std::fs::metadata(&src)?; // follows symlinks
        if meta.is_dir() {
            copy_dir(&src, &dst, files, bytes)?;
        } else {
            *bytes +=
                std::fs::copy(&src, &dst).with_context(|| format!("copying {}", src.display()))?;
            *files += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockfile_versions() {
        let lock = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-cli-support"
version = "0.2.131"
"#;
        assert_eq!(locked_versions(lock, "wasm-bindgen"), ["0.2.130"]);
        assert_eq!(
            locked_versions(lock, "wasm-bindgen-cli-support"),
            ["0.2.131"]
        );
        assert!(locked_versions(lock, "wasm-bindgen-macro").is_empty());
    }

    #[test]
    fn mismatch_is_an_error() {
        let lock = std::env::temp_dir().join(format!("xtask-lock-test-{}", std::process::id()));
        std::fs::write(
            &lock,
            "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.131\"\n\n\
             [[package]]\nname = \"wasm-bindgen-cli-support\"\nversion = \"0.2.130\"\n",
        )
        .unwrap();
        let err = check_bindgen_versions(&lock).unwrap_err().to_string();
        std::fs::remove_file(&lock).unwrap();
        assert!(
            err.contains("wasm-bindgen 0.2.131 but wasm-bindgen-cli-support 0.2.130"),
            "{err}"
        );
        assert!(err.contains("\"=0.2.131\""), "{err}");
    }

    #[test]
    fn this_workspace_is_consistent() {
        let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
        check_bindgen_versions(&lock).unwrap();
    }
}
