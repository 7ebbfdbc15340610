//! The dependency graph tab: the loaded set and the selected trace in; services,
//! databases, LLM models and messaging destinations laid out in layers out. Hover
//! highlights neighbours, click filters the waterfall, wheel zooms and drag pans.
//!
//! ```text
//! state::GraphState (scope, filters, data memo, hover, view box)
//!   ├─ toolbar::GraphToolbar   scope and edge filters, counts, legend
//!   ├─ canvas::GraphCanvas     the SVG: edges, nodes, wheel and drag
//!   ├─ tooltip::GraphTooltip   what is hovered, as text
//!   └─ toolbar::ZoomTools      + / − / Fit
//! ```
//!
//! The arithmetic (view box, zoom, pan, edge capping, emphasis) is in
//! `view_model::graph_view`.

pub mod canvas;
pub mod state;
pub mod toolbar;
pub mod tooltip;

use leptos::prelude::*;

use crate::ui::analysis::graph::canvas::GraphCanvas;
use crate::ui::analysis::graph::state::GraphState;
use crate::ui::analysis::graph::toolbar::{GraphToolbar, ZoomTools};
use crate::ui::analysis::graph::tooltip::GraphTooltip;
use crate::ui::analysis::no_data;
use crate::ui::state::AppState;
use crate::view_model::graph_layout::LayoutConfig;

/// The dependency graph: services, databases, LLM models and messaging destinations,
/// laid out in layers. Hover highlights neighbours, click filters the waterfall,
/// wheel zooms and drag pans.
#[component]
pub fn GraphView() -> impl IntoView {
    let Some(app) = use_context::<AppState>() else { return no_data("graph-view") };
    let cfg = LayoutConfig::default();
    let max_label_chars = cfg.max_label_chars;
    let st = GraphState::new(app, cfg);
    view! {
        <div class="an-view view-pane" data-testid="graph-view">
            <GraphToolbar st=st/>
            <div class="an-graph-wrap">
                <GraphCanvas st=st max_label_chars=max_label_chars/>
                <GraphTooltip st=st/>
                <ZoomTools st=st/>
            </div>
            <p class="an-note">"Hover to highlight neighbours; click a node or edge to show its spans in the waterfall. Wheel zooms, drag pans, Fit shows the whole graph."</p>
        </div>
    }
    .into_any()
}
