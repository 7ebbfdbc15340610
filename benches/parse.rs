//! Criterion benchmark: parse + build of generated OTLP and Jaeger files (100k and 1M spans).
//! Run with `cargo bench --bench parse`; results are recorded in docs/benchmarks.md.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use clew::core::gen::{self, GenFormat, GenOptions};
use clew::core::parse;

fn bench_parse(c: &mut Criterion) {
    let sizes: Vec<usize> = match std::env::var("CLEW_BENCH_SIZES") {
        Ok(s) => s.split(',').filter_map(|x| x.trim().parse().ok()).collect(),
        Err(_) => vec![100_000, 1_000_000],
    };
    let mut group = c.benchmark_group("parse_build");
    group.sample_size(10);
    for &n in &sizes {
        let spans = gen::generate(GenOptions { spans: n, traces: (n / 10_000).max(1), seed: 1 });
        for (label, f) in [("otlp", GenFormat::Otlp), ("jaeger", GenFormat::Jaeger)] {
            let text = gen::encode(&spans, f);
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
