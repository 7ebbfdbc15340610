//! Criterion benchmark of the analyses: each shape of `shapes.rs` at 10k and 100k
//! spans in, timings out — the whole `clew analyze --json` report, and for the
//! generated, agent, chain and fan-out shapes each analysis on its own (critical path,
//! patterns, stats, graphs, LLM, a chart).
//!
//! Run with `cargo bench --bench analyze` (`CLEW_BENCH_SIZES=10000` for one size,
//! `CLEW_BENCH_SHAPES=llm-agent,fan-out` for some shapes). With `CLEW_SHAPES_OUT=DIR`
//! it benchmarks nothing and writes each shape as OTLP JSON to `DIR/<shape>-<n>.json`
//! for the sizes in `CLEW_BENCH_SIZES` (default 10k, 100k and 1M): the inputs of
//! `scripts/bench-cli.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

mod shapes;

use std::time::Duration;

use criterion::{BenchmarkId, Criterion};

use clew::analysis::llm::{call, summary};
use clew::analysis::pricing::PriceTable;
use clew::analysis::stats::{self, GroupBy, Scope};
use clew::analysis::chart_theme::ChartTheme;
use clew::analysis::{charts, critical_path, patterns, service_graph};
use clew::model::TraceSet;
use clew::parse;
use clew::report::{self, ReportOptions};
use clew::synth::{self, GenFormat};

fn list(var: &str, default: &[&str]) -> Vec<String> {
    match std::env::var(var) {
        Ok(s) => s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect(),
        Err(_) => default.iter().map(|s| s.to_string()).collect(),
    }
}

fn sizes(default: &[&str]) -> Vec<usize> {
    list("CLEW_BENCH_SIZES", default).iter().filter_map(|s| s.parse().ok()).collect()
}

fn load(shape: &str, n: usize) -> Option<TraceSet> {
    let doc = synth::encode(&shapes::shape(shape, n)?, GenFormat::Otlp);
    parse::load(&[("bench.json", doc.as_bytes())], None).ok()
}

/// Every analysis of one trace set, as the CLI and the tabs run them.
fn each_analysis(c: &mut Criterion, shape: &str, n: usize, set: &TraceSet) {
    let mut group = c.benchmark_group(format!("analysis/{shape}"));
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(2));
    let prices = PriceTable::builtin();
    let cfg = patterns::PatternConfig::default();
    let theme = ChartTheme::default();
    group.bench_function(BenchmarkId::new("critical_path", n), |b| b.iter(|| critical_path::critical_path(set, 0)));
    group.bench_function(BenchmarkId::new("patterns_all", n), |b| b.iter(|| patterns::patterns_all(set, &cfg)));
    group.bench_function(BenchmarkId::new("patterns_trace0", n), |b| b.iter(|| patterns::patterns(set, 0, &cfg)));
    group.bench_function(BenchmarkId::new("stats_operation", n), |b| b.iter(|| stats::stats(set, Scope::All, GroupBy::Operation)));
    group.bench_function(BenchmarkId::new("self_time_chart", n), |b| {
        b.iter(|| charts::self_time_by_service_svg(set, Scope::All, &theme, 640, 15))
    });
    group.bench_function(BenchmarkId::new("service_graph", n), |b| b.iter(|| service_graph::service_graph(set)));
    group.bench_function(BenchmarkId::new("dependency_graph", n), |b| b.iter(|| service_graph::dependency_graph(set, None)));
    group.bench_function(BenchmarkId::new("llm_analyze_set", n), |b| b.iter(|| call::analyze_set(set, &prices)));
    let cp = critical_path::critical_path(set, 0);
    let pairs: Vec<(u32, u64)> = cp.contributions.iter().map(|c| (c.span, c.contribution_ns)).collect();
    let calls = call::analyze_trace(set, 0, &prices).calls;
    group.bench_function(BenchmarkId::new("llm_summary", n), |b| b.iter(|| summary::summarize_trace(set, 0, &calls, Some(&pairs))));
    group.finish();
}

fn bench_analyze(c: &mut Criterion) {
    let opts = ReportOptions::default();
    for shape in list("CLEW_BENCH_SHAPES", &shapes::SHAPES) {
        for n in sizes(&["10000", "100000"]) {
            let Some(set) = load(&shape, n) else { continue };
            let mut group = c.benchmark_group("analyze_json");
            group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(2));
            group.bench_function(BenchmarkId::new(&shape, n), |b| b.iter(|| report::analyze_json(&set, &opts)));
            group.finish();
            if matches!(shape.as_str(), "generated" | "llm-agent" | "llm-chain" | "deep-chain" | "fan-out") {
                each_analysis(c, &shape, n, &set);
            }
        }
    }
}

/// Writes the shapes as files for the CLI benchmark.
fn write_shapes(dir: &std::ffi::OsStr) -> std::io::Result<()> {
    let dir = std::path::Path::new(dir);
    std::fs::create_dir_all(dir)?;
    for shape in list("CLEW_BENCH_SHAPES", &shapes::SHAPES) {
        for n in sizes(&["10000", "100000", "1000000"]) {
            let Some(spans) = shapes::shape(&shape, n) else {
                eprintln!("unknown shape {shape}");
                continue;
            };
            let path = dir.join(format!("{shape}-{n}.json"));
            std::fs::write(&path, synth::encode(&spans, GenFormat::Otlp))?;
            eprintln!("wrote {} ({} spans)", path.display(), spans.len());
        }
    }
    Ok(())
}

fn main() {
    if let Some(dir) = std::env::var_os("CLEW_SHAPES_OUT") {
        if let Err(e) = write_shapes(&dir) {
            eprintln!("writing shapes: {e}");
            std::process::exit(1);
        }
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench_analyze(&mut c);
    c.final_summary();
}
