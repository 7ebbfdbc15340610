//! Clew: a trace viewer that runs in the browser.
//!
//! ```text
//! bytes ──parse──▶ model::TraceSet (+ warnings) ──analysis──▶ facts ──view_model──▶ layouts ──ui──▶ SVG/DOM
//! ```
//!
//! The pure part, shared by the browser app and the native `clew` CLI:
//!
//! * [`parse`]: format detection and one reader per wire format, bytes in, raw spans out;
//! * [`model`]: the normalized [`model::TraceSet`] and its [`model::builder`];
//! * [`analysis`]: critical path, graphs, patterns, stats and LLM cost, facts with units;
//! * [`export`]: the loaded traces as OTLP JSON; [`backend`]: Jaeger, Tempo and Zipkin APIs (URLs, answers, failures);
//! * [`format`]: one formatter per unit, for the CLI and the UI alike; [`url`]: percent-encoding and
//!   http(s) addresses checked and resolved;
//! * [`report`]: the CLI's `analyze` output; [`synth`]: synthetic traces for tests and benchmarks;
//! * [`view_model`]: UI-shaped geometry from the model.
//!
//! `ui` (wasm32 only) is the thin Leptos layer.

pub mod analysis;
pub mod backend;
pub mod export;
pub mod format;
pub mod model;
pub mod parse;
pub mod report;
pub mod synth;
pub mod url;
pub mod view_model;

#[cfg(target_arch = "wasm32")]
pub mod ui;
