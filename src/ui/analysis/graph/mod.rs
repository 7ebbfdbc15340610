//! The dependency graph tab: the loaded set and the selected trace in; services,
//! databases, LLM models and messaging destinations laid out in layers out. Hover
//! highlights neighbours, click filters the waterfall, wheel zooms and drag pans.
//!
//! ```text
//! state::GraphState (scope, filters, the worker's graph, hover, view box)
//!   ├─ toolbar::GraphToolbar   scope and edge filters, counts, legend
//!   ├─ canvas::GraphCanvas     the SVG: edges, nodes, wheel and drag
//!   ├─ tooltip::GraphTooltip   what is hovered, as text
//!   └─ toolbar::ZoomTools      + / − / Fit
//! ```
//!
//! The worker thins and lays out the graph (`view_model::tabs::graph`); the arithmetic
//! of the view box, zoom, pan and emphasis is in `view_model::graph_view`.

pub mod canvas;
pub mod state;
pub mod toolbar;
pub mod tooltip;

use leptos::prelude::*;

use crate::ui::analysis::graph::canvas::GraphCanvas;
use crate::ui::analysis::graph::state::GraphState;
use crate::ui::analysis::graph::toolbar::{GraphToolbar, ZoomTools};
use crate::ui::analysis::graph::tooltip::GraphTooltip;
use crate::ui::analysis::{progress_line, view_pane};
use crate::ui::state::{AppState, Tab};
use crate::view_model::graph_layout::LayoutConfig;

/// The dependency graph: services, databases, LLM models and messaging destinations,
/// laid out in layers. Hover highlights neighbours, click filters the waterfall,
/// wheel zooms and drag pans.
#[component]
pub fn GraphView() -> impl IntoView {
    let app = expect_context::<AppState>();
    let max_label_chars = LayoutConfig::default().max_label_chars;
    let st = GraphState::new(app);
    let g = st.graph;
    let content = view! {
        <GraphToolbar st=st/>
        {progress_line("Laying out the dependency graph…", move || g.computing(), move || g.error())}
        <div class="an-graph-wrap" class:stale=move || g.computing()>
            <GraphCanvas st=st max_label_chars=max_label_chars/>
            <GraphTooltip st=st/>
            <ZoomTools st=st/>
        </div>
        <p class="an-note">"Hover to highlight neighbours; click a node or edge to show its spans in the waterfall. Wheel zooms, drag pans, Fit shows the whole graph. \
            Keyboard: arrows move between nodes, Tab enters a node's edges (arrows walk them, Esc goes back), Enter shows the spans."</p>
    };
    view_pane(Tab::Graph, "an-view view-pane", move || g.painted(), content)
}
