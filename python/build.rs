//! The widget's assets, compiled into the extension: the page's ES modules and stylesheet and
//! markup from www/, and the wasm module and its glue from the wasm build (www/pkg/, written by
//! `cargo xtask build`). One copy in the repository (www/), copied into the package at build
//! time and served from it to the notebook, never fetched from anywhere. Without www/pkg/ the
//! package builds all the same, and `optiscape.Race` says what to run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The page's modules the widget does not load: the tab's entry points and the benchmarks.
const NOT_IN_WIDGET: [&str; 3] = ["main.js", "early.js", "bench.js"];

fn main() {
    let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www");
    let www = www.canonicalize().unwrap_or(www);
    for watched in ["js", "pkg", "style.css", "index.html"] {
        println!("cargo:rerun-if-changed={}", www.join(watched).display());
    }
    let mut modules: Vec<(String, PathBuf)> = js_files(&www.join("js"))
        .into_iter()
        .filter(|p| !NOT_IN_WIDGET.iter().any(|n| p.ends_with(n)))
        .map(|p| {
            (
                format!("js/{}", p.file_name().unwrap().to_string_lossy()),
                p,
            )
        })
        .collect();
    let glue = www.join("pkg/optiscape.js");
    let wasm = www.join("pkg/optiscape_bg.wasm");
    let built = glue.exists() && wasm.exists();
    if built {
        modules.push(("pkg/optiscape.js".into(), glue));
        println!("cargo:rerun-if-changed={}", wasm.display());
    } else {
        println!("cargo:warning=www/pkg/ has no wasm build: optiscape.Race will ask for `cargo xtask build` before `pip install ./python`");
    }
    let mut out = String::new();
    out.push_str("pub static MODULES: &[(&str, &str)] = &[\n");
    for (name, path) in &modules {
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    writeln!(
        out,
        "pub static STYLE: &str = include_str!({:?});",
        www.join("style.css").display().to_string()
    )
    .unwrap();
    writeln!(
        out,
        "pub static MARKUP: &str = include_str!({:?});",
        www.join("index.html").display().to_string()
    )
    .unwrap();
    if built {
        writeln!(
            out,
            "pub static WASM: Option<&[u8]> = Some(include_bytes!({:?}));",
            wasm.display().to_string()
        )
        .unwrap();
    } else {
        out.push_str("pub static WASM: Option<&[u8]> = None;\n");
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("widget_assets.rs");
    std::fs::write(dest, out).unwrap();
}

/// The .js files of `dir`, sorted.
fn js_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "js"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
