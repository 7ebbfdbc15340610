//! The graph's controls: the bar above it (scope, min calls, max edges, counts,
//! legend) and the zoom buttons over it; they write [`GraphState`]'s signals.

use leptos::prelude::*;

use crate::ui::analysis::graph::state::GraphState;
use crate::ui::controls::{checkbox, count_input};
use crate::view_model::graph_view::MAX_DRAWN_EDGES;

/// The bar above the graph.
#[component]
pub fn GraphToolbar(st: GraphState) -> impl IntoView {
    let count = crate::format::count;
    let counts = move || {
        st.graph.data.with(|d| {
            d.as_ref()
                .map(|gd| {
                    let hidden = gd.total_edges.saturating_sub(gd.edges.len());
                    format!(
                        "{}, {}{}{}, {}",
                        count(gd.nodes.len() as u64, "node"),
                        count(gd.edges.len() as u64, "edge"),
                        if hidden > 0 { format!(" ({} hidden)", count(hidden as u64, "quieter edge")) } else { String::new() },
                        if gd.hidden_nodes > 0 { format!(" ({} hidden)", count(gd.hidden_nodes as u64, "quieter node")) } else { String::new() },
                        count(gd.layout.crossings as u64, "crossing")
                    )
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="an-bar">
            <h2>"Dependency graph"</h2>
            <label title="Build the graph from the selected trace or from every loaded trace">
                {checkbox(st.all_traces, "graph-all-traces")}
                " All loaded traces"
            </label>
            <label title="Hide edges with fewer calls (helps with dense graphs)">
                "Min calls "
                {count_input(st.min_calls, "graph-min-calls")}
            </label>
            <label title=format!("Draw at most this many edges, the busiest first (dense graphs stay readable; never more than {MAX_DRAWN_EDGES})")>
                "Max edges "
                {count_input(st.max_edges, "graph-max-edges")}
            </label>
            <span class="an-note" data-testid="graph-counts">{counts}</span>
            <span class="spacer"></span>
            <div class="an-legend">
                <span><span class="sw" style="border-color:var(--accent,#2563eb)"></span>"service"</span>
                <span><span class="sw" style="border-color:#2b8a3e"></span>"database"</span>
                <span><span class="sw" style="border-color:#8250df"></span>"LLM"</span>
                <span><span class="sw" style="border-color:#d9480f"></span>"messaging"</span>
                <span><span class="sw" style="border-color:#b08800"></span>"external"</span>
                <span class="an-note">"red: errors · dashed: closes a cycle"</span>
            </div>
        </div>
        {move || st.all_traces.get().then(|| crate::ui::traces::scope_note(crate::ui::context::use_ui()))}
    }
}

/// The zoom buttons over the graph.
#[component]
pub fn ZoomTools(st: GraphState) -> impl IntoView {
    view! {
        <div class="an-graph-tools">
            <button title="Zoom in" aria-label="Zoom in" on:click=move |_| st.zoom(0.8, None)>"+"</button>
            <button title="Zoom out" aria-label="Zoom out" on:click=move |_| st.zoom(1.25, None)>"−"</button>
            <button title="Fit the graph" data-testid="graph-fit" on:click=move |_| st.view.set(None)>"Fit"</button>
        </div>
    }
}
