//! What the graph says about what is hovered: the info box over the graph (from
//! [`GraphState::hover`]) and the SVG `<title>` text of each node and edge.

use leptos::prelude::*;

use crate::analysis::service_graph::NodeKind;
use crate::format;
use crate::ui::analysis::graph::state::GraphState;
use crate::view_model::graph_view::Hover;
use crate::view_model::tabs::graph::{GraphData, GraphEdge, GraphNode};

/// `n` and a noun, plural unless `n` is 1: "1 call", "3 calls".
fn count_text(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

fn label(nodes: &[GraphNode], i: usize) -> &str {
    nodes.get(i).map(|n| n.label.as_str()).unwrap_or("?")
}

/// What is said of an edge: its ends, calls, errors and latency.
fn edge_parts(nodes: &[GraphNode], e: &GraphEdge) -> [String; 4] {
    [
        format!("{} → {}", label(nodes, e.from), label(nodes, e.to)),
        count_text(e.calls, "call"),
        count_text(e.errors, "error"),
        format!("p50 {} · p95 {}", format::duration(e.p50_ns), format::duration(e.p95_ns)),
    ]
}

/// The `<title>` of an edge.
pub fn edge_title(nodes: &[GraphNode], e: &GraphEdge) -> String {
    let [ends, calls, errors, latency] = edge_parts(nodes, e);
    format!("{ends}\n{calls}, {errors}\n{latency}")
}

/// The `<title>` of a node.
pub fn node_title(n: &GraphNode) -> String {
    let errors = if n.errors > 0 { format!(", {} with errors", n.errors) } else { String::new() };
    let spans = count_text(n.spans as u64, "span");
    let click = if n.kind == NodeKind::Service.as_str() { "show in the waterfall" } else { "list the client spans that call it" };
    format!("{} ({})\n{spans}{errors}\nclick: {click}", n.label, n.kind)
}

/// A node's accessible name: label, kind, spans and errors.
pub fn node_name(n: &GraphNode) -> String {
    format!("{}, {}, {}, {}", n.label, n.kind, count_text(n.spans as u64, "span"), count_text(n.errors, "error"))
}

/// An edge's accessible name: its ends, calls, errors and p95 latency,
/// e.g. "api → db, 12 calls, 1 error, p95 4.1 ms".
pub fn edge_name(nodes: &[GraphNode], e: &GraphEdge) -> String {
    let [ends, calls, errors, _] = edge_parts(nodes, e);
    format!("{ends}, {calls}, {errors}, p95 {}", format::duration(e.p95_ns))
}

/// The graph as text, for screen readers: its nodes and every edge drawn.
pub fn graph_summary(g: &GraphData) -> String {
    let edges: Vec<String> = g.edges.iter().map(|e| edge_parts(&g.nodes, e)[..3].join(", ")).collect();
    format!("{}, {}. {}", count_text(g.nodes.len() as u64, "node"), count_text(g.edges.len() as u64, "edge"), edges.join("; "))
}

/// The info line of what is hovered; `None` for an index out of range.
fn hover_text(g: &GraphData, h: Hover) -> Option<String> {
    Some(match h {
        Hover::Node(i) => {
            let n = g.nodes.get(i)?;
            let out: u64 = g.edges.iter().filter(|e| e.from == i).map(|e| e.calls).sum();
            let inc: u64 = g.edges.iter().filter(|e| e.to == i).map(|e| e.calls).sum();
            let (spans, errors) = (count_text(n.spans as u64, "span"), count_text(n.errors, "error"));
            format!("{} · {} · {spans} · {errors} · calls in {inc} / out {out}", n.label, n.kind)
        }
        Hover::Edge(k) => edge_parts(&g.nodes, g.edges.get(k)?).join(" · "),
    })
}

/// Details of what is hovered, as text over the graph.
#[component]
pub fn GraphTooltip(st: GraphState) -> impl IntoView {
    move || {
        let h = st.hover.get()?;
        let text = st.graph.data.with(|d| d.as_ref().and_then(|g| hover_text(g, h)))?;
        Some(view! { <div class="an-graph-info" data-testid="graph-info">{text}</div> })
    }
}
