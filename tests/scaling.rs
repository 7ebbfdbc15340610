//! The linear analyses, checked without a clock: crafted shapes (the benchmark's, from
//! `benches/shapes.rs`) and the corpus in; properties out that a faster algorithm
//! must keep. The answers themselves are pinned in `tests/pins.rs`.
//!
//! * The CLI's streamed `--json` report is byte for byte the JSON value's text.
//! * `call::is_call` agrees with `call::span_call`.
//! * A trace gives the same critical path, LLM summary ("waiting on LLM", "critical
//!   path in LLM"), stats, dependency graph and findings whether it is loaded alone
//!   or next to copies of itself: no per-trace analysis reads another trace's spans
//!   (late starts, which count recurrence across the set, aside).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

#[path = "../benches/shapes.rs"]
mod shapes;

use std::path::PathBuf;

use clew::analysis::critical_path::critical_path;
use clew::analysis::llm::{call, summary};
use clew::analysis::patterns::{patterns_all, PatternConfig, PatternKind};
use clew::analysis::pricing::PriceTable;
use clew::analysis::service_graph::dependency_graph;
use clew::analysis::stats::{self, GroupBy, Scope};
use clew::model::TraceSet;
use clew::parse;
use clew::report::{self, ReportOptions};
use clew::synth::{self, GenFormat, GenSpan};

fn load(doc: &str) -> TraceSet {
    match parse::load(&[("shape.json", doc.as_bytes())], None) {
        Ok(set) => set,
        Err(e) => panic!("a generated shape loads: {e}"),
    }
}

fn shape(name: &str, n: usize) -> Vec<GenSpan> {
    shapes::shape(name, n).unwrap_or_else(|| panic!("unknown shape {name}"))
}

fn streamed(set: &TraceSet) -> String {
    let mut out: Vec<u8> = Vec::new();
    report::write_analyze_json(set, &ReportOptions::default(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn corpus_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json" || e == "jsonl") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn streamed_report_is_the_json_report() {
    let opts = ReportOptions::default();
    let mut checked = 0;
    for path in corpus_files() {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(set) = parse::load(&[("corpus", bytes.as_slice())], None) else { continue };
        let whole = serde_json::to_string(&report::analyze_json(&set, &opts)).unwrap();
        assert_eq!(streamed(&set), whole, "{}", path.display());
        checked += 1;
    }
    assert!(checked >= 30, "{checked} corpus files");
    for name in shapes::SHAPES {
        let set = load(&synth::encode(&shape(name, 3_000), GenFormat::Otlp));
        let whole = serde_json::to_string(&report::analyze_json(&set, &opts)).unwrap();
        assert_eq!(streamed(&set), whole, "{name}");
    }
}

/// The analyses of trace `t` with span indices made relative to the trace start, as text.
fn trace_facts(set: &TraceSet, t: usize, findings: &[clew::analysis::patterns::Finding]) -> String {
    let base = set.traces[t].spans.start;
    let rel = |i: u32| i - base;
    let prices = PriceTable::builtin();
    let cp = critical_path(set, t);
    let segments: Vec<(u32, u64, u64)> = cp.segments.iter().map(|s| (rel(s.span), s.start_ns, s.end_ns)).collect();
    let contributions: Vec<(u32, u64)> = cp.contributions.iter().map(|c| (rel(c.span), c.contribution_ns)).collect();
    let pairs: Vec<(u32, u64)> = cp.contributions.iter().map(|c| (c.span, c.contribution_ns)).collect();
    let calls = call::analyze_trace(set, t, &prices).calls;
    let s = summary::summarize_trace(set, t, &calls, Some(&pairs));
    let llm = (&s.totals, &s.by_model, s.llm_wall_ns, s.critical_path_llm_ns, s.most_expensive.map(rel), s.slowest.map(rel));
    let rows: Vec<_> = [GroupBy::Service, GroupBy::Operation]
        .into_iter()
        .flat_map(|g| stats::stats(set, Scope::Trace(t), g))
        .map(|r| (r.service, r.operation, r.errors, r.total, r.self_time, r.spans.into_iter().map(rel).collect::<Vec<_>>()))
        .collect();
    let g = dependency_graph(set, Some(t));
    let nodes: Vec<_> = g.nodes.iter().map(|n| (&n.id, n.errors, n.spans.iter().map(|&i| rel(i)).collect::<Vec<_>>())).collect();
    let edges: Vec<_> = g.edges.iter().map(|e| (e.from, e.to, e.calls, e.errors, e.p50_ns, e.p95_ns)).collect();
    let found: Vec<_> = findings
        .iter()
        .filter(|f| f.kind != PatternKind::LateStart)
        .map(|f| (f.kind, f.impact_ns, &f.message, f.spans.iter().map(|&i| rel(i)).collect::<Vec<_>>()))
        .collect();
    format!("{segments:?}\n{contributions:?}\n{llm:?}\n{rows:?}\n{nodes:?}\n{edges:?}\n{found:?}")
}

#[test]
fn a_trace_analyzes_the_same_next_to_copies_of_itself() {
    let cfg = PatternConfig::default();
    for name in ["llm-agent", "llm-chain", "llm-fan-out", "n-plus-one", "generated"] {
        let one = shape(name, 2_000);
        let alone = load(&synth::encode(&one, GenFormat::Otlp));
        assert_eq!(alone.traces.len(), 1, "{name}");
        let expected = trace_facts(&alone, 0, &patterns_all(&alone, &cfg)[0]);
        // Three copies under other trace ids, loaded as one set.
        let copies: Vec<GenSpan> = (1..=3u128)
            .flat_map(|k| one.iter().cloned().map(move |mut s| {
                s.trace ^= k << 100;
                s
            }))
            .collect();
        let set = load(&synth::encode(&copies, GenFormat::Otlp));
        assert_eq!(set.traces.len(), 3, "{name}");
        let all = patterns_all(&set, &cfg);
        for (t, findings) in all.iter().enumerate() {
            assert_eq!(trace_facts(&set, t, findings), expected, "{name}, copy {t}");
        }
    }
}

/// `call::is_call` is `span_call(..).is_some()` without building the call.
#[test]
fn is_call_agrees_with_span_call() {
    let prices = PriceTable::builtin();
    for name in ["llm-agent", "llm-chain", "many-traces", "generated"] {
        let set = load(&synth::encode(&shape(name, 800), GenFormat::Otlp));
        for i in 0..set.spans.len() as u32 {
            assert_eq!(call::is_call(&set, i), call::span_call(&set, i, &prices).is_some(), "{name} span {i}");
        }
    }
}
