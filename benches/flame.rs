//! Flame-graph geometry benchmark: a generated trace of 100k and 1M spans in, the time
//! to build its [`FlameTree`] and to lay out one 1400 px viewport out.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark fails by panicking")]

use clew::synth::{self, GenFormat, GenOptions};
use clew::view_model::flame::{spans::trace_tree, FlameLayout, FlameViewport};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    for spans in [100_000usize, 1_000_000] {
        let text = synth::encode(&synth::generate(GenOptions { spans, traces: 1, seed: 1 }), GenFormat::Otlp);
        let set = clew::parse::load(&[("gen.json", text.as_bytes())], None).unwrap();
        let mut g = c.benchmark_group(format!("flame_{spans}"));
        g.sample_size(10);
        g.bench_function("tree", |b| b.iter(|| trace_tree(&set, 0)));
        let tree = trace_tree(&set, 0);
        let view = FlameViewport { width_px: 1400.0, rows: 0..40, ..FlameViewport::default() };
        g.bench_function("layout_1400px", |b| b.iter(|| FlameLayout::new(&tree, &view)));
        let deep = tree.children(0).max_by_key(|&k| tree.subtree_nodes(k));
        let zoomed = FlameViewport { zoom: deep, ..view.clone() };
        g.bench_function("layout_zoomed", |b| b.iter(|| FlameLayout::new(&tree, &zoomed)));
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
