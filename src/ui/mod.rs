//! The Leptos layer (wasm32 only): signals in, DOM out. Domain logic lives in
//! `core` and geometry in `view_model`; this module wires them to the page.
//!
//! ```text
//! loader (files, paste, ?url=, demo, host postMessage) ─▶ worker ─▶ LoadCtx.delivered
//!   ─▶ app::install ─▶ AppState.loaded ─▶ memos ─▶ views
//! ```
//!
//! `embed` reads the embedding options of the query string (`?embed=1`, `?theme=`, ...)
//! and answers a host page's postMessage calls (docs/embedding.md).

pub mod analysis;
pub mod app;
pub mod context;
pub mod controls;
pub mod detail;
pub mod embed;
pub mod header;
pub mod llm;
pub mod loader;
pub mod state;
pub mod util;
pub mod waterfall;
pub mod worker;

use leptos::prelude::*;

/// Page entry: mounts the app on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

/// The tabs shown in the top bar, in order.
pub fn tabs() -> Vec<(state::Tab, &'static str)> {
    use state::Tab;
    vec![
        (Tab::Waterfall, "Waterfall"),
        (Tab::CriticalPath, "Critical path"),
        (Tab::Graph, "Graph"),
        (Tab::Patterns, "Patterns"),
        (Tab::Stats, "Stats"),
        (Tab::Llm, "LLM"),
    ]
}

/// The view of a tab other than the waterfall.
pub fn other_view(tab: state::Tab) -> AnyView {
    use state::Tab;
    match tab {
        Tab::Waterfall => ().into_any(),
        Tab::CriticalPath => view! { <analysis::critical_path::CriticalPathView/> }.into_any(),
        Tab::Graph => view! { <analysis::graph::GraphView/> }.into_any(),
        Tab::Patterns => view! { <analysis::patterns::PatternsView/> }.into_any(),
        Tab::Stats => view! { <analysis::stats::StatsView/> }.into_any(),
        Tab::Llm => view! { <llm::view::LlmView/> }.into_any(),
    }
}
