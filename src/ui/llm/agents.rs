//! The Agents section of the LLM tab: the trace's agent view from the worker in (a
//! summary line, the agent graph as SVG text built with escaped labels, and a window of
//! the step timeline); the section, the graph and a virtual step table out. Clicking a
//! step shows its span in the waterfall; tool arguments are text cells, never HTML.

use leptos::prelude::*;

use super::table::LlmTableBlock;
use crate::view_model::list_window::RowRange;
use crate::view_model::tabs::llm::LlmTableWindow;
use crate::view_model::tabs::Request;

/// The Agents section; shown by the caller when the trace has runs.
#[component]
pub fn AgentsSection(
    /// (summary line, agent graph SVG).
    #[prop(into)]
    head: Signal<Option<(String, Option<String>)>>,
    #[prop(into)] steps: Signal<Option<LlmTableWindow>>,
    want: RwSignal<RowRange>,
    sort: RwSignal<Option<(usize, bool)>>,
    csv: Callback<(), Request>,
) -> impl IntoView {
    let summary = move || head.with(|h| h.as_ref().map(|h| h.0.clone()).unwrap_or_default());
    let svg = move || head.with(|h| h.as_ref().and_then(|h| h.1.clone()).unwrap_or_default());
    view! {
        <section class="llm-agents" data-testid="llm-agents">
            <h2>"Agents"</h2>
            <p class="llm-note" data-testid="agent-summary">{summary}</p>
            <div class="agent-graph" data-testid="agent-graph" inner_html=svg></div>
            <LlmTableBlock testid="agent-steps" table=steps want=want sort=sort csv=csv shown_rows=12 row_testid="agent-step"/>
        </section>
    }
}
