//! The graph tab's state: the app state and the scope and filter signals in; the
//! graph of that scope (thinned, laid out), what is hovered and the view box out.

use std::sync::Arc;

use leptos::prelude::*;

use crate::analysis::service_graph::{dependency_graph, DependencyGraph};
use crate::ui::state::{AppState, Loaded};
use crate::ui::util::Shared;
use crate::view_model::graph_layout::{layout_dependency_graph, GraphLayout, LayoutConfig};
use crate::view_model::graph_view::{cap_edges, neighbourhoods, Hover, ViewBox, DEFAULT_MAX_EDGES};

/// The graph of the chosen scope, thinned, laid out.
pub struct GraphData {
    pub g: DependencyGraph,
    pub layout: GraphLayout,
    /// Per node: itself and its neighbours, ascending.
    pub near: Vec<Vec<usize>>,
    /// (from, to) of every edge drawn.
    pub ends: Arc<Vec<(usize, usize)>>,
    /// Edges before the min-calls / max-edges filters.
    pub total_edges: usize,
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
    pub data: Memo<Option<(Shared<Loaded>, Shared<GraphData>)>>,
    pub hover: RwSignal<Option<Hover>>,
    /// The view box; `None` shows the whole graph.
    pub view: RwSignal<Option<ViewBox>>,
}

impl GraphState {
    pub fn new(app: AppState, cfg: LayoutConfig) -> GraphState {
        let all_traces = RwSignal::new(false);
        let min_calls = RwSignal::new(1u64);
        let max_edges = RwSignal::new(DEFAULT_MAX_EDGES);
        let data = Memo::new(move |_| {
            let loaded = app.loaded.get()?;
            let scope = if all_traces.get() { None } else { Some(app.trace.get()) };
            let mut g = dependency_graph(&loaded.set, scope);
            let min = min_calls.get();
            let total_edges = g.edges.len();
            if min > 1 {
                g.edges.retain(|e| e.calls >= min);
            }
            cap_edges(&mut g, max_edges.get());
            let layout = layout_dependency_graph(&g, &cfg);
            let near = neighbourhoods(&g);
            let ends = Arc::new(g.edges.iter().map(|e| (e.from, e.to)).collect());
            Some((Shared(loaded), Shared::new(GraphData { g, layout, near, ends, total_edges })))
        });
        let (hover, view) = (RwSignal::new(None), RwSignal::new(None));
        GraphState { app, all_traces, min_calls, max_edges, data, hover, view }
    }

    /// The view box shown (tracked).
    pub fn view_box(&self) -> ViewBox {
        self.view
            .get()
            .or_else(|| self.data.with(|d| d.as_ref().map(|(_, gd)| ViewBox::fit(&gd.layout))))
            .unwrap_or(ViewBox::EMPTY)
    }

    /// Zooms by `factor` around `anchor` (layout px; the center when `None`).
    pub fn zoom(&self, factor: f64, anchor: Option<(f64, f64)>) {
        let v = self.view_box();
        let full = self.data.with_untracked(|d| d.as_ref().map(|(_, gd)| ViewBox::fit(&gd.layout)));
        if let Some(full) = full {
            self.view.set(Some(v.zoomed(factor, anchor, full)));
        }
    }
}
