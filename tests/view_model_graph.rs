//! Native tests of the dependency graph's screen arithmetic (`view_model::graph_view`):
//! fitting and opening view boxes, zoom and drag, the screen mapping, edge capping,
//! neighbourhoods, labels and hover emphasis, over small hand-built graphs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use clew::analysis::service_graph::{DepEdge, DepNode, DependencyGraph, NodeKind};
use clew::view_model::graph_layout::GraphLayout;
use clew::view_model::graph_view::{
    cap_edges, cap_nodes, edge_emphasis, edge_width_px, is_drag, neighbourhoods, node_emphasis, wheel_factor, Canvas,
    Emphasis, Hover, ViewBox, MIN_READABLE_SCALE,
};

fn layout(width_px: f64, height_px: f64) -> GraphLayout {
    GraphLayout { nodes: Vec::new(), edges: Vec::new(), width_px, height_px, crossings: 0, layers: 0 }
}

fn node(id: &str) -> DepNode {
    DepNode { id: format!("service:{id}"), kind: NodeKind::Service, label: id.to_string(), spans: vec![0], errors: 0 }
}

fn edge(from: usize, to: usize, calls: u64) -> DepEdge {
    DepEdge { from, to, calls, errors: 0, p50_ns: 0, p95_ns: 0, spans: vec![0] }
}

/// Nodes `a`, `b`, ... with the given edges (from, to, calls); node 0 is the root.
fn graph(n: usize, edges: &[(usize, usize, u64)]) -> DependencyGraph {
    let names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    DependencyGraph {
        nodes: names[..n].iter().map(|s| node(s)).collect(),
        edges: edges.iter().map(|&(f, t, c)| edge(f, t, c)).collect(),
        roots: vec![0],
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn fit_covers_the_layout_with_a_minimum_size() {
    let at_origin = |width_px: f64, height_px: f64| ViewBox { x_px: 0.0, y_px: 0.0, width_px, height_px };
    assert_eq!(ViewBox::fit(&layout(900.0, 300.0)), at_origin(900.0, 300.0));
    assert_eq!(ViewBox::fit(&layout(50.0, 40.0)), at_origin(200.0, 120.0));
    assert_eq!(ViewBox::fit(&layout(900.0, 300.0)).attr(), "0.0 0.0 900.0 300.0");
}

#[test]
fn opening_fits_unless_labels_get_too_small() {
    // 900 × 300 on an 800 × 400 canvas: scale 0.89, fitted.
    assert_eq!(ViewBox::opening(&layout(900.0, 300.0), 800.0, 400.0), None);
    // An unmeasured canvas counts as scale 1.
    assert_eq!(ViewBox::opening(&layout(5000.0, 300.0), 0.0, 0.0), None);
    // 4000 × 1000 on 800 × 400: scale 0.2, so open at the readable scale on the left.
    let v = ViewBox::opening(&layout(4000.0, 1000.0), 800.0, 400.0).expect("not fitted");
    assert!(close(v.x_px, 0.0));
    assert!(close(v.width_px, 800.0 / MIN_READABLE_SCALE) && close(v.height_px, 400.0 / MIN_READABLE_SCALE));
    assert!(close(v.y_px + v.height_px / 2.0, 500.0), "vertically centered: {v:?}");
}

#[test]
fn zoom_keeps_the_anchor_and_stays_in_range() {
    let full = ViewBox { x_px: 0.0, y_px: 0.0, width_px: 1000.0, height_px: 500.0 };
    let z = full.zoomed(0.5, Some((250.0, 100.0)), full);
    assert!(close(z.width_px, 500.0) && close(z.height_px, 250.0));
    // The anchor sits at the same fraction of the box before and after.
    assert!(close((250.0 - z.x_px) / z.width_px, 0.25) && close((100.0 - z.y_px) / z.height_px, 0.2), "{z:?}");
    // Without an anchor the center stays.
    let c = full.zoomed(2.0, None, full);
    assert!(close(c.x_px + c.width_px / 2.0, 500.0) && close(c.y_px + c.height_px / 2.0, 250.0));
    // At most 4× out and 20× in.
    assert!(close(full.zoomed(100.0, None, full).width_px, 4000.0));
    assert!(close(full.zoomed(0.0001, None, full).width_px, 50.0));
}

#[test]
fn drag_moves_the_content_with_the_pointer() {
    let v = ViewBox { x_px: 100.0, y_px: 50.0, width_px: 400.0, height_px: 200.0 };
    let d = v.dragged(20.0, -10.0, 2.0);
    assert_eq!(d, ViewBox { x_px: 90.0, y_px: 55.0, width_px: 400.0, height_px: 200.0 });
    assert!(!is_drag(2.0, 1.0));
    assert!(is_drag(2.0, 2.0));
}

#[test]
fn canvas_maps_client_points_with_meet_letterboxing() {
    // A 1000 × 500 box on an 800 × 800 canvas at (10, 20): scale 0.8, 200 px bands above and below.
    let canvas = Canvas { left_px: 10.0, top_px: 20.0, width_px: 800.0, height_px: 800.0 };
    let v = ViewBox { x_px: 0.0, y_px: 0.0, width_px: 1000.0, height_px: 500.0 };
    assert_eq!(canvas.scale(v), Some(0.8));
    let (x, y) = canvas.to_layout(v, 10.0 + 400.0, 20.0 + 200.0 + 100.0).expect("measured");
    assert!(close(x, 500.0) && close(y, 125.0), "({x}, {y})");
    let empty = Canvas { width_px: 0.0, ..canvas };
    assert_eq!(empty.scale(v), None);
    assert_eq!(empty.to_layout(v, 0.0, 0.0), None);
}

#[test]
fn wheel_factor_follows_the_delta_mode() {
    assert!(close(wheel_factor(0.0, 0), 1.0));
    assert!(wheel_factor(-100.0, 0) < 1.0 && wheel_factor(100.0, 0) > 1.0);
    assert!(close(wheel_factor(3.0, 1), wheel_factor(48.0, 0)), "lines are 16 px");
    assert!(close(wheel_factor(1.0, 2), wheel_factor(400.0, 0)), "pages are 400 px");
    assert_eq!(wheel_factor(10_000.0, 0), 2.0);
    assert_eq!(wheel_factor(-10_000.0, 0), 0.5);
}

#[test]
fn cap_keeps_roots_and_every_node_linked() {
    // a → b (1), a → c (1), b → d (50), c → d (40), d → e (30), b → c (20)
    let mut g = graph(5, &[(0, 1, 1), (0, 2, 1), (1, 3, 50), (2, 3, 40), (3, 4, 30), (1, 2, 20)]);
    let before = g.clone();
    cap_edges(&mut g, 10);
    assert_eq!(g, before, "under the cap nothing changes");
    cap_edges(&mut g, 1);
    let kept: Vec<(usize, usize)> = g.edges.iter().map(|e| (e.from, e.to)).collect();
    // The root's edges, then d's and e's busiest incoming edges; nothing else fits.
    assert_eq!(kept, [(0, 1), (0, 2), (1, 3), (3, 4)]);
    // With room for one more, the busiest of the rest (c → d, 40) joins.
    let mut g = before.clone();
    cap_edges(&mut g, 5);
    let kept: Vec<(usize, usize)> = g.edges.iter().map(|e| (e.from, e.to)).collect();
    assert_eq!(kept, [(0, 1), (0, 2), (1, 3), (2, 3), (3, 4)]);
}

#[test]
fn cap_links_a_node_with_only_outgoing_edges() {
    // No roots: e only calls (e → d), so its busiest outgoing edge stays.
    let mut g = graph(5, &[(0, 1, 9), (1, 2, 8), (2, 3, 7), (4, 3, 1)]);
    g.roots.clear();
    cap_edges(&mut g, 1);
    let kept: Vec<(usize, usize)> = g.edges.iter().map(|e| (e.from, e.to)).collect();
    assert_eq!(kept, [(0, 1), (1, 2), (2, 3), (4, 3)]);
}

#[test]
fn cap_nodes_keeps_the_roots_and_the_busiest_nodes() {
    // a → b, a → c, b → d, c → d, d → e; spans per node: a 1, b 5, c 2, d 9, e 3.
    let mut g = graph(5, &[(0, 1, 1), (0, 2, 1), (1, 3, 1), (2, 3, 1), (3, 4, 1)]);
    for (i, n) in [1usize, 5, 2, 9, 3].into_iter().enumerate() {
        g.nodes[i].spans = (0..n as u32).collect();
    }
    let before = g.clone();
    assert_eq!(cap_nodes(&mut g, 5), 0);
    assert_eq!(g, before, "under the cap nothing changes");
    // Room for 3: the root a, then d (9 spans) and b (5); c and e go with their edges.
    assert_eq!(cap_nodes(&mut g, 3), 2);
    let ids: Vec<&str> = g.nodes.iter().map(|n| n.label.as_str()).collect();
    assert_eq!(ids, ["a", "b", "d"]);
    let kept: Vec<(usize, usize)> = g.edges.iter().map(|e| (e.from, e.to)).collect();
    assert_eq!(kept, [(0, 1), (1, 2)], "a → b and b → d, renumbered");
    assert_eq!(g.roots, [0]);
}

#[test]
fn neighbourhoods_hold_the_node_and_its_neighbours() {
    let g = graph(4, &[(0, 1, 1), (2, 1, 1), (1, 1, 1)]);
    assert_eq!(neighbourhoods(&g), vec![vec![0, 1], vec![0, 1, 2], vec![1, 2], vec![3]]);
}

#[test]
fn labels_and_edge_widths() {
    assert_eq!(clew::format::ellipsis("checkout", 8), "checkout");
    assert_eq!(clew::format::ellipsis("checkout-service", 8), "checkou…");
    assert_eq!(clew::format::ellipsis("日本語のサービス", 4), "日本語…");
    assert!(close(edge_width_px(0, 0), 1.0));
    assert!(close(edge_width_px(99, 99), 4.0));
    assert!(edge_width_px(9, 99) > 1.0 && edge_width_px(9, 99) < 4.0);
}

#[test]
fn hover_highlights_what_it_touches_and_dims_the_rest() {
    let g = graph(3, &[(0, 1, 1), (1, 2, 1)]);
    let near = neighbourhoods(&g);
    let ends: Vec<(usize, usize)> = g.edges.iter().map(|e| (e.from, e.to)).collect();
    assert_eq!(edge_emphasis(None, 0, 0, 1), Emphasis::Normal);
    assert_eq!(node_emphasis(None, 0, &near[0], &ends), Emphasis::Normal);
    // Hovering node a: edge a → b and nodes a, b light up; b → c and c dim.
    let h = Some(Hover::Node(0));
    assert_eq!(edge_emphasis(h, 0, 0, 1), Emphasis::Highlight);
    assert_eq!(edge_emphasis(h, 1, 1, 2), Emphasis::Dim);
    assert_eq!(node_emphasis(h, 1, &near[1], &ends), Emphasis::Highlight);
    assert_eq!(node_emphasis(h, 2, &near[2], &ends), Emphasis::Dim);
    // Hovering edge b → c: that edge and its two ends.
    let h = Some(Hover::Edge(1));
    assert_eq!(edge_emphasis(h, 1, 1, 2), Emphasis::Highlight);
    assert_eq!(edge_emphasis(h, 0, 0, 1), Emphasis::Dim);
    assert_eq!(node_emphasis(h, 2, &near[2], &ends), Emphasis::Highlight);
    assert_eq!(node_emphasis(h, 0, &near[0], &ends), Emphasis::Dim);
    assert_eq!(node_emphasis(Some(Hover::Edge(9)), 0, &near[0], &ends), Emphasis::Dim);
}
