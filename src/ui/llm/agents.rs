//! The Agents section of the LLM tab: the trace's agent view from the worker in (a
//! summary line, the agent graph as SVG text built with escaped labels, a heading per
//! run and a window of the chosen run's step timeline); the section, the graph, a run
//! picker, the run's virtual step table and the full-arguments panel out. Clicking a
//! step shows its span in the waterfall; tool arguments are text, never HTML: a
//! truncated cell is a button that opens the full text, pre-wrapped, under the table.

use leptos::prelude::*;

use super::table::LlmTableBlock;
use crate::ui::lists::table::CellExpand;
use crate::view_model::list_window::RowRange;
use crate::view_model::tabs::llm::LlmTableWindow;
use crate::view_model::tabs::Request;

/// Column of the arguments in a step table (`view_model::agent_view::steps_table`).
const ARGS_COL: usize = 10;

/// What the section shows above the steps.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentsHead {
    pub summary: String,
    pub graph_svg: Option<String>,
    pub run_headings: Vec<String>,
}

/// The Agents section; shown by the caller when the trace has runs. `run` is the chosen
/// run (its steps are asked of the worker by the caller).
#[component]
pub fn AgentsSection(
    #[prop(into)] head: Signal<Option<AgentsHead>>,
    run: RwSignal<usize>,
    #[prop(into)] steps: Signal<Option<LlmTableWindow>>,
    want: RwSignal<RowRange>,
    sort: RwSignal<Option<(usize, bool)>>,
    csv: Callback<(), Request>,
) -> impl IntoView {
    let summary = move || head.with(|h| h.as_ref().map(|h| h.summary.clone()).unwrap_or_default());
    let svg = move || head.with(|h| h.as_ref().and_then(|h| h.graph_svg.clone()).unwrap_or_default());
    // (row, full text) of the open arguments; closed when the run or the sort changes.
    let open: RwSignal<Option<(usize, String)>> = RwSignal::new(None);
    Effect::watch(move || (run.get(), sort.get()), move |_, _, _| open.set(None), false);
    let options = move || {
        let chosen = run.get();
        head.with(|h| h.as_ref().map(|h| h.run_headings.clone()).unwrap_or_default())
            .into_iter()
            .enumerate()
            .map(|(i, label)| view! { <option value=i.to_string() selected=i == chosen>{label}</option> })
            .collect_view()
    };
    let pick = move |ev: leptos::ev::Event| {
        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
            want.set(RowRange::first(want.get_untracked().len()));
            run.set(i);
        }
    };
    let expand = CellExpand {
        col: ARGS_COL,
        open: Signal::derive(move || open.with(|o| o.as_ref().map(|o| o.0))),
        on_toggle: Callback::new(move |(row, text): (usize, String)| {
            open.update(|o| *o = if o.as_ref().is_some_and(|o| o.0 == row) { None } else { Some((row, text)) })
        }),
        testid: "agent-args-expand",
        controls: "agent-args-full",
    };
    let panel = move || {
        open.get().map(|(_, text)| {
            view! {
                <div class="agent-args-full" id="agent-args-full" data-testid="agent-args-full" role="region" aria-label="Arguments of the step">
                    <strong>"Full arguments"</strong>
                    <pre>{text}</pre>
                    <button data-testid="agent-args-close" on:click=move |_| open.set(None)>"Close"</button>
                </div>
            }
        })
    };
    view! {
        <section class="llm-agents" data-testid="llm-agents">
            <h2>"Agents"</h2>
            <p class="llm-note" data-testid="agent-summary">{summary}</p>
            <div class="agent-graph" data-testid="agent-graph" inner_html=svg></div>
            <div class="agent-run-pick">
                <label for="agent-run-select">"Run"</label>
                <select id="agent-run-select" data-testid="agent-run-select" on:change=pick>{options}</select>
            </div>
            <LlmTableBlock testid="agent-steps" table=steps want=want sort=sort csv=csv shown_rows=12 row_testid="agent-step" expand=Some(expand)/>
            {panel}
        </section>
    }
}
