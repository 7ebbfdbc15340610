//! What the graph says about what is hovered: the info box over the graph (from
//! [`GraphState::hover`]) and the SVG `<title>` text of each node and edge.

use leptos::prelude::*;

use crate::analysis::service_graph::{DepEdge, DepNode, DependencyGraph};
use crate::format;
use crate::ui::analysis::graph::state::GraphState;
use crate::view_model::graph_view::Hover;

/// `n` and a noun, plural unless `n` is 1: "1 call", "3 calls".
fn count_text(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// What is said of an edge: its ends, calls, errors and latency.
fn edge_parts(g: &DependencyGraph, e: &DepEdge) -> [String; 4] {
    [
        format!("{} → {}", g.nodes[e.from].label, g.nodes[e.to].label),
        count_text(e.calls, "call"),
        count_text(e.errors, "error"),
        format!("p50 {} · p95 {}", format::duration(e.p50_ns), format::duration(e.p95_ns)),
    ]
}

/// The `<title>` of an edge.
pub fn edge_title(g: &DependencyGraph, e: &DepEdge) -> String {
    let [ends, calls, errors, latency] = edge_parts(g, e);
    format!("{ends}\n{calls}, {errors}\n{latency}")
}

/// The `<title>` of a node.
pub fn node_title(n: &DepNode) -> String {
    let errors = if n.errors > 0 { format!(", {} with errors", n.errors) } else { String::new() };
    let spans = count_text(n.spans.len() as u64, "span");
    format!("{} ({})\n{spans}{errors}\nclick: show in the waterfall", n.label, n.kind.as_str())
}

/// The info line of what is hovered; `None` for an index out of range.
fn hover_text(g: &DependencyGraph, h: Hover) -> Option<String> {
    Some(match h {
        Hover::Node(i) => {
            let n = g.nodes.get(i)?;
            let out: u64 = g.edges.iter().filter(|e| e.from == i).map(|e| e.calls).sum();
            let inc: u64 = g.edges.iter().filter(|e| e.to == i).map(|e| e.calls).sum();
            let (spans, errors) = (count_text(n.spans.len() as u64, "span"), count_text(n.errors, "error"));
            format!("{} · {} · {spans} · {errors} · calls in {inc} / out {out}", n.label, n.kind.as_str())
        }
        Hover::Edge(k) => edge_parts(g, g.edges.get(k)?).join(" · "),
    })
}

/// Details of what is hovered, as text over the graph.
#[component]
pub fn GraphTooltip(st: GraphState) -> impl IntoView {
    move || {
        let h = st.hover.get()?;
        let (_, gd) = st.data.get()?;
        let text = hover_text(&gd.g, h)?;
        Some(view! { <div class="an-graph-info" data-testid="graph-info">{text}</div> })
    }
}
