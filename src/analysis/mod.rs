//! Analyses over a loaded [`crate::model::TraceSet`]: facts out, no UI.

pub mod charts;
pub mod critical_path;
pub mod llm;
pub mod patterns;
pub mod pricing;
pub mod service_graph;
pub mod stats;
