//! The dependency graph tab: the loaded set and the selected trace in; services,
//! databases, LLM models, messaging destinations and other remote services laid out in
//! layers out. Hover highlights neighbours; a click on a service or an edge filters the
//! waterfall, on a remote node lists the client spans that call it; wheel zooms and
//! drag pans.
//!
//! ```text
//! state::GraphState (scope, filters, the worker's graph, hover, view box, picked node)
//!   ├─ toolbar::GraphToolbar     scope and edge filters, counts, legend
//!   ├─ canvas::GraphCanvas       the SVG: edges, nodes, wheel and drag
//!   ├─ tooltip::GraphTooltip     what is hovered, as text
//!   ├─ toolbar::ZoomTools        + / − / Fit
//!   └─ node_spans::NodeSpans     the client spans of a clicked remote node
//! ```
//!
//! The worker thins and lays out the graph (`view_model::tabs::graph`); the arithmetic
//! of the view box, zoom, pan and emphasis is in `view_model::graph_view`.

pub mod canvas;
pub mod node_spans;
pub mod state;
pub mod toolbar;
pub mod tooltip;

use leptos::prelude::*;

use crate::ui::analysis::graph::canvas::GraphCanvas;
use crate::ui::analysis::graph::node_spans::NodeSpans;
use crate::ui::analysis::graph::state::GraphState;
use crate::ui::analysis::graph::toolbar::{GraphToolbar, ZoomTools};
use crate::ui::analysis::graph::tooltip::GraphTooltip;
use crate::ui::analysis::{progress_line, view_pane};
use crate::ui::state::{AppState, Tab};
use crate::view_model::graph_layout::LayoutConfig;

/// The dependency graph: services, databases, LLM models, messaging destinations and
/// other remote services, laid out in layers. Hover highlights neighbours, a click
/// filters the waterfall or lists a remote node's client spans, wheel zooms and drag pans.
#[component]
pub fn GraphView() -> impl IntoView {
    let app = expect_context::<AppState>();
    let max_label_chars = LayoutConfig::default().max_label_chars;
    let st = GraphState::new(app);
    let g = st.graph;
    let content = view! {
        <GraphToolbar st=st/>
        {progress_line("Laying out the dependency graph…", move || g.computing(), move || g.error())}
        <div class="an-graph-wrap" class:stale=move || g.computing() class:with-list=move || st.picked.with(|p| p.is_some())>
            <GraphCanvas st=st max_label_chars=max_label_chars/>
            <GraphTooltip st=st/>
            <ZoomTools st=st/>
        </div>
        <p class="an-note">"Hover to highlight neighbours; click a service or an edge to show its spans in the waterfall, a database, broker, LLM or external node to list the client spans that call it. Wheel zooms, drag pans, Fit shows the whole graph. \
            Keyboard: arrows move between nodes, Tab enters a node's edges (arrows walk them, Esc goes back), Enter does what a click does."</p>
        <NodeSpans st=st/>
    };
    view_pane(Tab::Graph, "an-view view-pane", move || g.painted(), content)
}
