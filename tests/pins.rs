//! Pinned outputs: every corpus file and a set of crafted traces in, their
//! `clew analyze --json` report (plus the set-wide stats and LLM aggregates that the
//! report does not carry) compared with the checked-in expectation under `tests/pins/`.
//!
//! The pins were written by the code as it stood before a change; a refactor or a
//! faster algorithm must reproduce them byte for byte. A change that means to alter
//! an output regenerates them with `PIN_UPDATE=1 cargo test --test pins` in a commit
//! that says what moved and why.
//!
//! Small inputs are pinned in full (readable diffs); the large crafted traces (a
//! 30,000-deep chain, a 50,000-wide fan-out) are pinned by a 64-bit FNV-1a digest of
//! the same text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use std::path::{Path, PathBuf};

use clew::analysis::llm::call;
use clew::analysis::pricing::PriceTable;
use clew::analysis::stats::{self, GroupBy, Scope};
use clew::model::TraceSet;
use clew::parse;
use clew::report::{self, ReportOptions};
use clew::synth::{self, GenFormat, GenOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Everything pinned for one loaded set, as one text.
fn pinned_text(set: &TraceSet) -> String {
    let opts = ReportOptions::default();
    let mut out = serde_json::to_string_pretty(&report::analyze_json(set, &opts)).unwrap_or_default();
    out.push('\n');
    let extra = serde_json::json!({
        "stats_by_service": stats::stats_json(set, Scope::All, GroupBy::Service),
        "stats_by_operation": stats::stats_json(set, Scope::All, GroupBy::Operation),
    });
    out.push_str(&serde_json::to_string_pretty(&extra).unwrap_or_default());
    out.push('\n');
    // The LLM aggregates over the whole set, as the LLM tab computes them.
    let a = call::analyze_set(set, &PriceTable::builtin());
    out.push_str(&format!("{a:#?}\n"));
    out
}

fn load_text(name: &str, bytes: &[u8]) -> String {
    match parse::load(&[(name, bytes)], None) {
        Ok(set) => pinned_text(&set),
        Err(e) => format!("error: {e}\n"),
    }
}

fn fnv1a64(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x} bytes:{}\n", text.len())
}

/// Compares `actual` with the pin at `rel` (or writes it with `PIN_UPDATE=1`).
/// Returns a failure line instead of panicking, so one run lists every mismatch.
fn check(rel: &str, actual: &str) -> Option<String> {
    let path = root().join("pins").join(rel);
    if std::env::var_os("PIN_UPDATE").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&path, actual).unwrap();
        return None;
    }
    match std::fs::read_to_string(&path) {
        Ok(expected) if expected == actual => None,
        Ok(expected) => {
            let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
            Some(format!("{rel}: differs from its pin (first at line {line})"))
        }
        Err(e) => Some(format!("{rel}: no pin ({e}); run with PIN_UPDATE=1 to write it")),
    }
}

fn corpus_files() -> Vec<(String, PathBuf)> {
    let base = root().join("corpus");
    let mut out = Vec::new();
    let mut stack = vec![base.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "LICENSES") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|e| e == "json" || e == "jsonl") {
                let rel = p.strip_prefix(&base).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, p));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn corpus_outputs_match_their_pins() {
    let files = corpus_files();
    // 38 trace files (the MANIFEST's 40 entries less its two left-out AGPL files).
    assert_eq!(files.len(), 38, "corpus files: {files:?}");
    let failures: Vec<String> = files
        .iter()
        .filter_map(|(rel, path)| {
            let bytes = std::fs::read(path).unwrap();
            check(&format!("corpus/{rel}.txt"), &load_text(rel, &bytes))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn demo_output_matches_its_pin() {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("public/demo.json")).unwrap();
    assert_eq!(check("crafted/demo.txt", &load_text("demo.json", &bytes)), None);
}

/// Generated sets in every writer format: services, DB, messaging and LLM calls.
#[test]
fn generated_outputs_match_their_pins() {
    let cases = [
        ("gen-otlp-2000x4-s1", 2000, 4, 1, GenFormat::Otlp),
        ("gen-jaeger-5000x1-s2", 5000, 1, 2, GenFormat::Jaeger),
        ("gen-zipkin-3000x10-s3", 3000, 10, 3, GenFormat::Zipkin),
        ("gen-otlp-b64-1500x3-s4", 1500, 3, 4, GenFormat::OtlpBase64),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|&(name, spans, traces, seed, format)| {
            let doc = synth::encode(&synth::generate(GenOptions { spans, traces, seed }), format);
            check(&format!("crafted/{name}.txt"), &fnv1a64(&load_text(&format!("{name}.json"), doc.as_bytes())))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn otlp_doc(spans: &str) -> String {
    format!(
        "{{\"resourceSpans\":[{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\"value\":{{\"stringValue\":\"svc\"}}}}]}},\"scopeSpans\":[{{\"spans\":[{spans}]}}]}}]}}"
    )
}

/// A 30,000-deep chain: each span starts 1 µs after its parent and ends 1 µs before it.
#[test]
fn deep_chain_output_matches_its_pin() {
    let n = 30_000u64;
    let spans: Vec<String> = (1..=n)
        .map(|i| {
            let parent = if i == 1 { String::new() } else { format!(",\"parentSpanId\":\"{:016x}\"", i - 1) };
            format!(
                "{{\"traceId\":\"000000000000000000000000000000aa\",\"spanId\":\"{i:016x}\"{parent},\"name\":\"op{}\",\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\"}}",
                i % 7,
                1_000_000 + i * 1000,
                100_000_000 - i * 1000
            )
        })
        .collect();
    let doc = otlp_doc(&spans.join(","));
    assert_eq!(check("crafted/deep-chain-30000.txt", &fnv1a64(&load_text("deep.json", doc.as_bytes()))), None);
}

/// A 50,000-wide fan-out: one root, children of 10 operations in overlapping waves.
#[test]
fn wide_fan_out_output_matches_its_pin() {
    let n = 50_000u64;
    let mut spans = vec![
        "{\"traceId\":\"000000000000000000000000000000bb\",\"spanId\":\"0000000000000001\",\"name\":\"root\",\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"900000000\"}".to_string(),
    ];
    for i in 2..=n {
        let start = 2000 + (i % 500) * 1_000_000 + i;
        spans.push(format!(
            "{{\"traceId\":\"000000000000000000000000000000bb\",\"spanId\":\"{i:016x}\",\"parentSpanId\":\"0000000000000001\",\"name\":\"SELECT op{}\",\"kind\":3,\"attributes\":[{{\"key\":\"db.system\",\"value\":{{\"stringValue\":\"postgresql\"}}}},{{\"key\":\"db.statement\",\"value\":{{\"stringValue\":\"SELECT * FROM t{} WHERE id = {i}\"}}}}],\"startTimeUnixNano\":\"{start}\",\"endTimeUnixNano\":\"{}\"}}",
            i % 10,
            i % 10,
            start + 500_000 + (i % 13) * 10_000
        ));
    }
    let doc = otlp_doc(&spans.join(","));
    assert_eq!(check("crafted/fan-out-50000.txt", &fnv1a64(&load_text("fan.json", doc.as_bytes()))), None);
}
