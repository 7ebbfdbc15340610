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
//! * [`flame`]: the flame graph's frames for one viewport;
//! * [`spans`]: the span table (filter, sort, attribute columns, CSV);
//! * [`table`]: a window of table rows; [`llm_charts`]: the LLM charts, bounded;
//! * [`traces`]: the trace list, its summaries and the two comparisons;
//! * [`raw`]: one span's exact input text and its normalized JSON, for the detail panel.

pub mod answer;
pub mod critical_path;
pub mod flame;
pub mod graph;
pub mod llm;
pub mod llm_charts;
pub mod patterns;
pub mod raw;
pub mod spans;
pub mod stats;
pub mod table;
pub mod traces;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::view_model::list_window::RowRange;
use crate::view_model::tabs::critical_path::{CpData, CpRequest, CpTable};
use crate::view_model::tabs::flame::{FlameData, FlameRequest};
use crate::view_model::tabs::graph::{GraphData, GraphRequest, GraphTarget};
use crate::view_model::tabs::llm::{AllPart, LlmAllData, LlmAllRequest, LlmCsvRequest, LlmTraceData, LlmTraceRequest};
use crate::view_model::tabs::patterns::{PatternsData, PatternsRequest};
use crate::view_model::tabs::raw::RawSpanData;
use crate::view_model::tabs::spans::{SpansData, SpansRequest};
use crate::view_model::tabs::stats::{StatsCharts, StatsChartsRequest, StatsRequest};
use crate::analysis::many::diff::DiffRow;
use crate::analysis::many::summary::{TraceFacts, TraceSummary};
use crate::analysis::pricing::PriceTable;
use crate::model::TraceSet;
use crate::view_model::tabs::table::TableWindow;
use crate::view_model::tabs::traces::{
    AggregateFlameData, CohortData, CohortRequest, SummariesPage, SummariesRequest, TraceListData, TraceListRequest,
};

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
    /// A page of the summaries of the loaded traces, for the trace list and the scatter.
    TraceSummaries(SummariesRequest),
    /// The traces a filter keeps, sorted.
    TraceList(TraceListRequest),
    /// Two traces compared path by path.
    Diff { a: usize, b: usize },
    /// Two groups of traces compared path by path.
    Cohort(CohortRequest),
    /// The aggregate flame graph of these traces (indices into `set.traces`).
    AggregateFlame { traces: Vec<u32> },
    /// The spans behind path `path` of the flame graph of these traces (at most 500).
    AggregateFlameSpans { traces: Vec<u32>, path: usize },
    /// A set-wide request ([`Request::is_set_wide`]) answered over the traces the trace
    /// list keeps (its filter and brush); span indices in the answer are the whole set's.
    Filtered { scope: ListScope, request: Box<Request> },
    Flame(FlameRequest),
    Spans(SpansRequest),
    /// The span table as CSV (its `rows` are ignored).
    SpansCsv(SpansRequest),
    /// The stats table whole, sorted and grouped as asked, as CSV (its `rows` are ignored).
    StatsCsv(StatsRequest),
    /// One of a trace's critical-path tables whole, as CSV.
    CriticalPathCsv { trace: usize, table: CpTable },
    /// The trace list as shown (`order`: its entries, see `traces::list_csv`; `found`: the
    /// search results not loaded) as CSV, with costs at `prices`.
    TraceListCsv { order: Vec<u32>, found: Vec<TraceSummary>, prices: PriceTable },
    /// These spans (a graph node's, indices into `set.spans`) as CSV.
    GraphSpansCsv { spans: Vec<u32> },
    /// The findings of a trace (of the kind asked for) as CSV (its `rows` are ignored).
    PatternsCsv(PatternsRequest),
    /// One span's exact input text and normalized JSON (index into `set.spans`).
    RawSpan { span: u32 },
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
    TraceSummaries(SummariesPage),
    TraceList(TraceListData),
    Diff(Vec<DiffRow>),
    Cohort(CohortData),
    AggregateFlame(AggregateFlameData),
    Flame(FlameData),
    SpanTable(SpansData),
    RawSpan(RawSpanData),
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
            Request::Filtered { request, .. } => **request = request.params(),
            Request::Stats(s) => s.rows = none,
            Request::LlmTrace(t) => (t.calls.rows, t.context.rows, t.agents.rows) = (none, none, none),
            Request::LlmAll(a) => {
                if let AllPart::Table(q) = &mut a.part {
                    q.rows = none;
                }
            }
            Request::Flame(f) => f.rows = none,
            Request::Spans(t) => t.rows = none,
            Request::CriticalHighlight { .. } | Request::Graph(_) | Request::GraphSpans { .. } | Request::StatsCharts(_) | Request::LlmCsv(_) | Request::SpansCsv(_)
            | Request::StatsCsv(_) | Request::CriticalPathCsv { .. } | Request::PatternsCsv(_) | Request::GraphSpansCsv { .. } | Request::TraceListCsv { .. }
            | Request::ExportOtlp { .. }
            | Request::TraceSummaries(_) | Request::TraceList(_) | Request::Diff { .. } | Request::Cohort(_)
            | Request::AggregateFlame { .. } | Request::AggregateFlameSpans { .. } | Request::RawSpan { .. } => {}
        }
        r
    }
}

impl Request {
    /// Whether the request can be answered with no set loaded (the trace list of a backend
    /// search's results alone); it is then answered over an empty set.
    pub fn needs_set(&self) -> bool {
        !matches!(self, Request::TraceListCsv { .. })
    }

    /// Whether the request is about every loaded trace (the graph, stats and LLM tables
    /// of all traces), so that the trace list's filter narrows it.
    pub fn is_set_wide(&self) -> bool {
        match self {
            Request::Graph(r) => r.scope.is_none(),
            Request::GraphSpans { scope, .. } => scope.is_none(),
            Request::Stats(r) | Request::StatsCsv(r) => r.scope.is_none(),
            Request::StatsCharts(r) => r.scope.is_none(),
            Request::LlmAll(_) => true,
            Request::LlmCsv(r) => !(r.id == "calls" || r.id == "context" || crate::view_model::agent_view::run_of_table_id(&r.id).is_some()),
            _ => false,
        }
    }

    /// The request over the traces `scope` keeps, when it is set-wide and the scope
    /// narrows the set.
    pub fn filtered(self, scope: &ListScope) -> Request {
        if scope.is_everything() || !self.is_set_wide() {
            return self;
        }
        Request::Filtered { scope: scope.clone(), request: Box::new(self) }
    }
}

/// The traces the trace list keeps: those its filter matches and, while the scatter has
/// a brushed rectangle, inside it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ListScope {
    pub filter: String,
    /// The brushed traces (indices into `set.traces`, sorted), when there is a brush.
    pub brush: Option<Vec<u32>>,
}

impl ListScope {
    /// Whether the scope keeps every trace (no filter, no brush).
    pub fn is_everything(&self) -> bool {
        self.filter.trim().is_empty() && self.brush.is_none()
    }
    /// The traces of `set` it keeps, in trace order.
    pub fn select(&self, set: &TraceSet, summaries: &[TraceSummary], facts: &[TraceFacts]) -> Vec<usize> {
        let mut keep = crate::analysis::many::filter::parse(&self.filter).select(set, summaries, facts);
        if let Some(b) = &self.brush {
            keep.retain(|&t| b.binary_search(&(t as u32)).is_ok());
        }
        keep
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
