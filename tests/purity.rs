//! Guards the one-way pipeline: the pure modules (everything under `src/` but `ui/`
//! and the entry points) never use browser crates, so they build and test natively
//! and run unchanged in the CLI. Also guards
//! the rule that core code never reads the system clock (it panics in wasm).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every source file but the browser layer (`src/ui/`) and the entry points
/// (`src/main.rs`, `src/bin/`): parse, model, analysis, format, report, synth, view_model.
fn pure_files() -> Vec<PathBuf> {
    rust_files(Path::new("src"))
        .into_iter()
        .filter(|f| !f.starts_with("src/ui") && !f.starts_with("src/bin") && f != Path::new("src/main.rs"))
        .collect()
}

#[test]
fn core_and_view_model_use_no_browser_crates_and_no_clock() {
    let banned = ["leptos", "web_sys", "js_sys", "gloo", "wasm_bindgen", "std::time::SystemTime", "Instant::now"];
    let mut found = Vec::new();
    let pure = pure_files();
    // parse, model, analysis, view_model and the single-file modules: well over 20 files.
    assert!(pure.len() > 20, "the pure tree was not found: {pure:?}");
    {
        for f in pure {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for b in banned {
                    if code.contains(b) {
                        found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "browser crates or clock use in pure code:\n{}", found.join("\n"));
}

#[test]
fn every_module_opens_with_a_doc_line() {
    let mut missing = Vec::new();
    let files = rust_files(Path::new("src"));
    // Every module of the crate, the browser layer included: well over 20 files.
    assert!(files.len() > 20, "src/ was not found: {files:?}");
    {
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            if !text.trim_start().starts_with("//!") {
                missing.push(f.display().to_string());
            }
        }
    }
    assert!(missing.is_empty(), "modules without a //! line: {missing:?}");
}
