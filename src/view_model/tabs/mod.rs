//! The data behind the analysis tabs, computed off the page: a [`Request`] (the view,
//! its parameters and, for long lists, the row window on screen) in; a [`Response`]
//! with display-ready rows out. Both travel between the page and the worker
//! as JSON text ([`encode`] / [`decode`]); [`answer::Answerer`] computes them from a
//! `TraceSet`, keeping the last full result of each view so that scrolling a window
//! costs only the rows sent.
//!
//! ```text
//! page ──Request (JSON)──▶ worker: Answerer::answer(set, request) ──Response (JSON)──▶ page
//! ```
//!
//! * [`critical_path`], [`graph`], [`patterns`], [`stats`], [`llm`]: one file per tab;
//! * [`table`]: a window of table rows; [`llm_charts`]: the LLM charts, bounded.

pub mod answer;
pub mod critical_path;
pub mod graph;
pub mod llm;
pub mod llm_charts;
pub mod patterns;
pub mod stats;
pub mod table;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::view_model::list_window::RowRange;
use crate::view_model::tabs::critical_path::{CpData, CpRequest};
use crate::view_model::tabs::graph::{GraphData, GraphRequest, GraphTarget};
use crate::view_model::tabs::llm::{AllPart, LlmAllData, LlmAllRequest, LlmCsvRequest, LlmTraceData, LlmTraceRequest};
use crate::view_model::tabs::patterns::{PatternsData, PatternsRequest};
use crate::view_model::tabs::stats::{StatsCharts, StatsChartsRequest, StatsRequest};
use crate::view_model::tabs::table::TableWindow;

/// What a view asks the worker for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    CriticalPath(CpRequest),
    /// The segments of a trace's critical path, for the waterfall's highlight.
    CriticalHighlight { trace: usize },
    Graph(GraphRequest),
    /// The spans of a node or an edge of the graph of a scope (`None`: every trace).
    GraphSpans { scope: Option<usize>, target: GraphTarget },
    Patterns(PatternsRequest),
    Stats(StatsRequest),
    StatsCharts(StatsChartsRequest),
    LlmTrace(LlmTraceRequest),
    LlmAll(LlmAllRequest),
    LlmCsv(LlmCsvRequest),
    /// The loaded traces (or these, by index) as OTLP JSON.
    ExportOtlp { traces: Option<Vec<usize>> },
}

/// What the worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    CriticalPath(CpData),
    /// `(span, start_ns, end_ns)` per segment.
    CriticalHighlight(Vec<(u32, u64, u64)>),
    Graph(GraphData),
    Spans(Vec<u32>),
    Patterns(PatternsData),
    Stats(TableWindow),
    StatsCharts(StatsCharts),
    LlmTrace(LlmTraceData),
    LlmAll(LlmAllData),
    /// A file's text (CSV).
    Text(String),
    /// An OTLP JSON export and the ids it re-encoded, one line each.
    Export { json: String, id_changes: Vec<String> },
    /// The request could not be answered (no set loaded); the text says why.
    Error(String),
}

impl Request {
    /// The request without its row windows: two requests with the same params differ
    /// only in the rows they show (a scroll), not in what they compute.
    pub fn params(&self) -> Request {
        let mut r = self.clone();
        let none = RowRange::default();
        match &mut r {
            Request::CriticalPath(c) => (c.contributions, c.segments) = (none, none),
            Request::Patterns(p) => p.rows = none,
            Request::Stats(s) => s.rows = none,
            Request::LlmTrace(t) => (t.calls.rows, t.context.rows, t.agents.rows) = (none, none, none),
            Request::LlmAll(a) => {
                if let AllPart::Table(q) = &mut a.part {
                    q.rows = none;
                }
            }
            Request::CriticalHighlight { .. } | Request::Graph(_) | Request::GraphSpans { .. } | Request::StatsCharts(_) | Request::LlmCsv(_)
            | Request::ExportOtlp { .. } => {}
        }
        r
    }
}

/// JSON text of a request or a response.
pub fn encode<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| {
        // Only a non-string map key or a failing `Serialize` impl can fail; neither is used here.
        format!("{{\"Error\":{}}}", serde_json::Value::String(format!("could not encode: {e}")))
    })
}

/// A request or a response from its JSON text.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}
