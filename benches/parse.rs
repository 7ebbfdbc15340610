//! Criterion benchmark: parse + build of generated OTLP and Jaeger files (100k and 1M spans).
//!
//! In: generated traces (`clew gen` data, 10 000 spans per trace, seed 1). Out:
//! criterion timings with throughput in bytes of input. Each iteration is the whole
//! load as the app and the CLI do it: UTF-8 check, format detection, reading, and
//! `SetBuilder::finish`, plus dropping the built set.
//!
//! Run with `cargo bench --bench parse` (or `CLEW_BENCH_SIZES=100000 cargo bench
//! --bench parse` for one size); results are recorded in docs/benchmarks.md.
//! Criterion prints MiB/s (2^20 bytes); the goal of ≥ 300 MB/s is 286 MiB/s.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use clew::synth::{self, GenFormat, GenOptions};
use clew::parse;

fn bench_parse(c: &mut Criterion) {
    let sizes: Vec<usize> = match std::env::var("CLEW_BENCH_SIZES") {
        Ok(s) => s.split(',').filter_map(|x| x.trim().parse().ok()).collect(),
        Err(_) => vec![100_000, 1_000_000],
    };
    let mut group = c.benchmark_group("parse_build");
    group.sample_size(10);
    for &n in &sizes {
        let spans = synth::generate(GenOptions { spans: n, traces: (n / 10_000).max(1), seed: 1 });
        for (label, f) in [("otlp", GenFormat::Otlp), ("jaeger", GenFormat::Jaeger)] {
            let text = synth::encode(&spans, f);
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::new(label, n), &text, |b, text| {
                b.iter(|| {
                    let set = parse::load(&[("bench", text.as_bytes())], None).expect("generated file loads");
                    assert_eq!(set.spans.len(), n);
                    set
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
