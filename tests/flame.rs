//! Native tests of the flame-graph geometry: the demo trace at 1400 px (every span its
//! own frame), sub-pixel merging that loses no span on generated traces, zoom, the row
//! window and the frame budget; the 1M-span case is `#[ignore]`d (run it with
//! `cargo test --release --test flame -- --ignored`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use clew::model::TraceSet;
use clew::synth::{self, GenFormat, GenOptions};
use clew::view_model::flame::{spans::trace_tree, FlameLayout, FlameMove, FlameTree, FlameViewport};

fn demo() -> TraceSet {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/public/demo.json")).unwrap();
    clew::parse::load(&[("demo.json", &bytes)], None).unwrap()
}

fn generated(spans: usize) -> TraceSet {
    let text = synth::encode(&synth::generate(GenOptions { spans, traces: 1, seed: 1 }), GenFormat::Otlp);
    clew::parse::load(&[("gen.json", text.as_bytes())], None).unwrap()
}

/// Every node under the walked range is a frame, inside a sliver, or under a frame
/// that is in the layout: drawn frames' spans + slivers' spans = all spans.
fn assert_conserved(tree: &FlameTree, l: &FlameLayout) {
    let (lo, hi) = l.range;
    let total: u64 = (lo..hi).map(|i| tree.nodes[i as usize].spans as u64).sum();
    let drawn: u64 = l.frames.iter().map(|f| tree.nodes[f.node as usize].spans as u64).sum();
    let merged: u64 = l.others.iter().map(|o| o.spans).sum();
    assert_eq!(drawn + merged, total, "frames {} + slivers {} != {}", drawn, merged, total);
    for f in &l.frames {
        assert!(f.width_px >= l.threshold_px, "frame {} is {} px", f.node, f.width_px);
    }
}

#[test]
fn every_demo_span_is_its_own_frame_at_1400_px() {
    let set = demo();
    let tree = trace_tree(&set, 0);
    assert_eq!(tree.len(), 19); // the demo's 19 spans, no synthetic root
    let l = FlameLayout::new(&tree, &FlameViewport { width_px: 1400.0, ..FlameViewport::default() });
    assert_eq!(l.frames.len(), 19);
    assert!(l.others.is_empty());
    assert_eq!(l.rows_total, 3); // the demo's depth 3 (`clew analyze`), counted from 1 at the root
    // The root spans the whole width; frames never leave their parent.
    assert_eq!((l.frames[0].x_px, l.frames[0].width_px), (0.0, 1400.0));
    for f in &l.frames {
        let p = tree.nodes[f.node as usize].parent;
        if let Some(pf) = l.frame(p) {
            assert!(f.x_px >= pf.x_px - 1e-6 && f.x_px + f.width_px <= pf.x_px + pf.width_px + 1e-6);
        }
    }
    // validateJWT (38 ms) is the first child, at the root's start; its child follows.
    let first = l.neighbour(&tree, 0, FlameMove::Down).unwrap();
    assert_eq!(set.str(clew::model::StrId(tree.nodes[first as usize].label)), "validateJWT");
    assert_eq!(l.neighbour(&tree, first, FlameMove::Up), Some(0));
    let next = l.neighbour(&tree, first, FlameMove::Right).unwrap();
    assert_eq!(set.str(clew::model::StrId(tree.nodes[next as usize].label)), "getSession");
    assert_eq!(l.neighbour(&tree, next, FlameMove::Left), Some(first));
}

#[test]
fn zooming_into_a_subtree_fills_the_width() {
    let set = demo();
    let tree = trace_tree(&set, 0);
    let complete = (0..tree.len() as u32).find(|&i| set.str(clew::model::StrId(tree.nodes[i as usize].label)) == "complete").unwrap();
    let l = FlameLayout::new(&tree, &FlameViewport { zoom: Some(complete), width_px: 1000.0, ..FlameViewport::default() });
    // complete and its three children (classify, generate, postprocess).
    assert_eq!(l.frames.len(), 4);
    assert_eq!(l.rows_total, 2);
    assert_eq!((l.frames[0].x_px, l.frames[0].width_px), (0.0, 1000.0));
    // generate is 2,208 of complete's 2,900 ms.
    let generate = l.frames.iter().find(|f| set.str(clew::model::StrId(tree.nodes[f.node as usize].label)) == "generate").unwrap();
    assert!((generate.width_px - 1000.0 * 2208.0 / 2900.0).abs() < 1e-6);
    assert_eq!(l.neighbour(&tree, complete, FlameMove::Up), None); // not above the zoom root
    assert_conserved(&tree, &l);
}

#[test]
fn sub_pixel_frames_merge_and_no_span_is_lost() {
    let set = generated(20_000);
    let tree = trace_tree(&set, 0);
    for width in [50.0, 300.0, 1400.0, 5000.0] {
        let l = FlameLayout::new(&tree, &FlameViewport { width_px: width, max_items: 1200, ..FlameViewport::default() });
        assert_conserved(&tree, &l);
        assert!(l.frames.len() + l.others.len() <= 1200);
        assert!(!l.others.is_empty(), "20,000 spans at {width} px must merge some");
        for o in &l.others {
            assert!(o.spans >= 1 && o.width_px >= 1.0);
        }
    }
}

#[test]
fn the_row_window_keeps_only_its_rows() {
    let set = generated(5_000);
    let tree = trace_tree(&set, 0);
    let all = FlameLayout::new(&tree, &FlameViewport { width_px: 1400.0, max_items: usize::MAX, ..FlameViewport::default() });
    let some = FlameLayout::new(&tree, &FlameViewport { width_px: 1400.0, rows: 2..4, max_items: usize::MAX, ..FlameViewport::default() });
    let expect: Vec<_> = all.frames.iter().filter(|f| (2..4).contains(&f.row)).copied().collect();
    assert_eq!(some.frames, expect);
    assert!(some.others.iter().all(|o| (2..4).contains(&o.row)));
}

/// One million spans: a layout at 1400 px stays within budget, loses no span, and
/// costs far less than the tree. Release only (`--release -- --ignored`).
#[test]
#[ignore = "1M spans: run in release with --ignored"]
fn one_million_spans() {
    let set = generated(1_000_000);
    let t0 = std::time::Instant::now();
    let tree = trace_tree(&set, 0);
    let built = t0.elapsed();
    assert_eq!(tree.len(), 1_000_000);
    let t1 = std::time::Instant::now();
    let l = FlameLayout::new(&tree, &FlameViewport { width_px: 1400.0, rows: 0..40, ..FlameViewport::default() });
    let laid = t1.elapsed();
    assert!(l.frames.len() + l.others.len() <= 1000);
    let full = FlameLayout::new(&tree, &FlameViewport { width_px: 1400.0, ..FlameViewport::default() });
    assert_conserved(&tree, &full);
    eprintln!("1M spans: tree {built:?}, layout {laid:?}, {} frames, {} slivers", l.frames.len(), l.others.len());
}
