//! The Leptos layer (wasm32 only): signals in, DOM out. Domain logic lives in the
//! pure modules (`analysis`, `model`) and geometry in `view_model`; this module wires
//! them to the page.
//!
//! ```text
//! loader (files, paste, ?url=, demo, host postMessage) ─▶ worker ─▶ LoadCtx.delivered
//!   ─▶ app::session::install ─▶ AppState.loaded ─▶ memos ─▶ views
//! ```
//!
//! * [`context`]: the shared [`context::Ui`] context; [`state`]: the app's signals;
//! * [`app`]: the shell (top bar, dialogs, session); [`header`], [`detail`] (with [`raw_json`]); [`controls`];
//! * [`traces`]: the trace list of a multi-trace load (filter, scatter, comparisons);
//! * [`waterfall`], [`analysis`] (critical path, graph, patterns, stats), [`llm`]: the views;
//!   [`lists`]: the virtual tables and lists they share;
//! * [`backend`]: Jaeger, Tempo and Zipkin as sources (Connect dialog, search panel, fetch);
//! * [`loader`] and [`worker`]: loading (the worker also keeps the set for the analyses);
//!   [`offload`]: the analysis tabs' requests to the worker; [`embed`]: the embedding options of the query
//!   string (`?embed=1`, `?theme=`, ...) and a host page's postMessage calls
//!   (docs/embedding.md); [`focus`]: keyboard focus (dialogs trap it and give it back);
//!   [`util`]: small browser helpers; [`links`]: link templates (`?links=`, the settings dialog);
//!   [`share`]: the Share menu (link, SVG/PNG, CSV, OTLP JSON).

pub mod analysis;
pub mod app;
pub mod backend;
pub mod context;
pub mod controls;
pub mod detail;
pub mod embed;
pub mod focus;
pub mod header;
pub mod icons;
pub mod links;
pub mod lists;
pub mod llm;
pub mod loader;
pub mod memory;
pub mod offload;
pub mod raw_json;
pub mod share;
pub mod skew;
pub mod state;
pub mod traces;
pub mod util;
pub mod waterfall;
pub mod worker;

/// Page entry: mounts the app on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
