//! The graph tab's data: the dependency graph of a scope and the filters in; the graph
//! as drawn out — nodes and edges without their span lists, capped to
//! [`MAX_DRAWN_NODES`] nodes and [`MAX_DRAWN_EDGES`] edges, laid out, with each node's
//! neighbourhood. The spans of one node or edge are asked for separately on a click.

use serde::{Deserialize, Serialize};

use crate::analysis::service_graph::{DepEdge, DependencyGraph};
use crate::view_model::graph_layout::{layout_dependency_graph, GraphLayout, LayoutConfig};
use crate::view_model::graph_view::{cap_edges, cap_nodes, neighbourhoods, MAX_DRAWN_EDGES, MAX_DRAWN_NODES};

/// What the graph tab asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GraphRequest {
    /// One trace, or every loaded trace (`None`).
    pub scope: Option<usize>,
    /// Edges with fewer calls are hidden.
    pub min_calls: u64,
    /// At most this many edges (never more than [`MAX_DRAWN_EDGES`]).
    pub max_edges: usize,
}

/// A node as drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GraphNode {
    pub id: String,
    /// `NodeKind::as_str`: service, database, llm, messaging, external.
    pub kind: String,
    pub label: String,
    pub spans: usize,
    pub errors: u64,
}

/// An edge as drawn (node indices into [`GraphData::nodes`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GraphEdge {
    pub from: usize,
    pub to: usize,
    pub calls: u64,
    pub errors: u64,
    pub p50_ns: u64,
    pub p95_ns: u64,
}

/// The graph of a scope, thinned and laid out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphData {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    pub layout: GraphLayout,
    /// Per node: itself and its neighbours, ascending.
    pub near: Vec<Vec<usize>>,
    /// Edges before the min-calls and max-edges filters (among the nodes drawn).
    pub total_edges: usize,
    /// Nodes left out because the graph has more than [`MAX_DRAWN_NODES`].
    pub hidden_nodes: usize,
}

impl GraphData {
    /// `(from, to)` of every edge drawn.
    pub fn ends(&self) -> Vec<(usize, usize)> {
        self.edges.iter().map(|e| (e.from, e.to)).collect()
    }
}

/// A node or an edge (by node ids) whose spans are wanted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum GraphTarget {
    Node(String),
    Edge(String, String),
}

fn edge_view(e: &DepEdge) -> GraphEdge {
    GraphEdge { from: e.from, to: e.to, calls: e.calls, errors: e.errors, p50_ns: e.p50_ns, p95_ns: e.p95_ns }
}

/// The graph as drawn for `req`, from the whole graph of its scope.
pub fn answer(full: &DependencyGraph, req: &GraphRequest, cfg: &LayoutConfig) -> GraphData {
    let mut g = full.clone();
    let hidden_nodes = cap_nodes(&mut g, MAX_DRAWN_NODES);
    let total_edges = g.edges.len();
    if req.min_calls > 1 {
        g.edges.retain(|e| e.calls >= req.min_calls);
    }
    cap_edges(&mut g, req.max_edges.min(MAX_DRAWN_EDGES));
    // `cap_edges` keeps every node linked, so a dense graph can keep more edges than asked.
    if g.edges.len() > MAX_DRAWN_EDGES {
        g.edges.sort_by(|x, y| y.calls.cmp(&x.calls).then(y.errors.cmp(&x.errors)));
        g.edges.truncate(MAX_DRAWN_EDGES);
        // Back to the graph's order: nodes are sorted by id, edges by their ends.
        g.edges.sort_by_key(|e| (e.from, e.to));
    }
    let layout = layout_dependency_graph(&g, cfg);
    let near = neighbourhoods(&g);
    let nodes = g
        .nodes
        .iter()
        .map(|n| GraphNode { id: n.id.clone(), kind: n.kind.as_str().to_string(), label: n.label.clone(), spans: n.spans.len(), errors: n.errors })
        .collect();
    GraphData { nodes, edges: g.edges.iter().map(edge_view).collect(), layout, near, total_edges, hidden_nodes }
}

/// The spans of a node or an edge of the whole graph (ascending; empty when unknown).
pub fn spans_of(full: &DependencyGraph, target: &GraphTarget) -> Vec<u32> {
    match target {
        GraphTarget::Node(id) => full.node_index(id).and_then(|i| full.nodes.get(i)).map(|n| n.spans.clone()).unwrap_or_default(),
        GraphTarget::Edge(from, to) => {
            let (Some(a), Some(b)) = (full.node_index(from), full.node_index(to)) else { return Vec::new() };
            full.edges.iter().find(|e| e.from == a && e.to == b).map(|e| e.spans.clone()).unwrap_or_default()
        }
    }
}
