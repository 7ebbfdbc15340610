//! Analyses over a loaded [`crate::model::TraceSet`]: facts out, no UI.

pub mod agents;
pub mod attr_lookup;
pub mod chart_theme;
pub mod charts;
pub mod critical_path;
pub mod intervals;
pub mod llm;
pub mod patterns;
pub mod many;
pub mod percentile;
pub mod pricing;
pub mod query;
pub mod service_graph;
pub mod stats;
pub mod tree;
