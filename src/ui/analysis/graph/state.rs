//! The graph tab's state: the app state and the scope and filter signals in; the
//! graph of that scope (thinned and laid out by the worker), what is hovered,
//! the view box and the remote node whose client spans are listed out.

use std::sync::Arc;

use leptos::prelude::*;

use crate::ui::offload::channel::{channel, Channel};
use crate::ui::state::AppState;
use crate::view_model::graph_view::{Hover, ViewBox, DEFAULT_MAX_EDGES};
use crate::view_model::tabs::graph::{GraphData, GraphRequest};
use crate::view_model::tabs::{Request, Response};

/// A clicked remote node (database, broker, LLM, external service) and the client spans
/// that call it (indices into the loaded set, ascending).
#[derive(Clone, Debug, PartialEq)]
pub struct PickedNode {
    pub id: String,
    pub kind: String,
    pub label: String,
    pub spans: Arc<Vec<u32>>,
}

/// The graph tab's state, shared by its parts.
#[derive(Clone, Copy)]
pub struct GraphState {
    pub app: AppState,
    /// Build the graph from every loaded trace instead of the selected one.
    pub all_traces: RwSignal<bool>,
    /// Edges with fewer calls are hidden.
    pub min_calls: RwSignal<u64>,
    /// At most this many edges are drawn (see `graph_view::cap_edges`).
    pub max_edges: RwSignal<usize>,
    /// The graph of the scope, from the worker.
    pub graph: Channel<GraphData>,
    pub hover: RwSignal<Option<Hover>>,
    /// The view box; `None` shows the whole graph.
    pub view: RwSignal<Option<ViewBox>>,
    /// The remote node whose client spans are listed under the graph.
    pub picked: RwSignal<Option<PickedNode>>,
}

impl GraphState {
    pub fn new(app: AppState) -> GraphState {
        let all_traces = RwSignal::new(false);
        let min_calls = RwSignal::new(1u64);
        let max_edges = RwSignal::new(DEFAULT_MAX_EDGES);
        let graph = channel(
            app,
            move || Some(Request::Graph(GraphRequest { scope: st_scope(app, all_traces), min_calls: min_calls.get(), max_edges: max_edges.get() })),
            |r| if let Response::Graph(g) = r { Some(g) } else { None },
        );
        let (hover, view, picked) = (RwSignal::new(None), RwSignal::new(None), RwSignal::new(None));
        GraphState { app, all_traces, min_calls, max_edges, graph, hover, view, picked }
    }

    /// The scope asked for: the selected trace, or every trace (tracked).
    pub fn scope(&self) -> Option<usize> {
        st_scope(self.app, self.all_traces)
    }

    /// [`GraphState::scope`], untracked.
    pub fn scope_untracked(&self) -> Option<usize> {
        untrack(|| self.scope())
    }

    /// The view box shown (tracked).
    pub fn view_box(&self) -> ViewBox {
        self.view
            .get()
            .or_else(|| self.graph.data.with(|d| d.as_ref().map(|gd| ViewBox::fit(&gd.layout))))
            .unwrap_or(ViewBox::EMPTY)
    }

    /// Zooms by `factor` around `anchor` (layout px; the center when `None`).
    pub fn zoom(&self, factor: f64, anchor: Option<(f64, f64)>) {
        let v = self.view_box();
        let full = self.graph.data.with_untracked(|d| d.as_ref().map(|gd| ViewBox::fit(&gd.layout)));
        if let Some(full) = full {
            self.view.set(Some(v.zoomed(factor, anchor, full)));
        }
    }
}

fn st_scope(app: AppState, all_traces: RwSignal<bool>) -> Option<usize> {
    if all_traces.get() { None } else { Some(app.trace.get()) }
}
