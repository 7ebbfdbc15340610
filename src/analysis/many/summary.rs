//! Per-trace summaries: a [`TraceSet`] and a price table in; one [`TraceSummary`] per
//! trace (what the trace list shows, plain data that a backend search can also fill)
//! and one [`TraceFacts`] per trace (the interned names the filter reads) out.

use serde::{Deserialize, Serialize};

use crate::analysis::llm::call::analyze_trace;
use crate::analysis::pricing::PriceTable;
use crate::model::{StrId, TraceSet};

/// One row of the trace list. Every field is plain data, so a row can come from a
/// loaded trace or from a backend's search result whose spans are not loaded yet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceSummary {
    /// The trace id as text (hex for most formats).
    pub trace_id: String,
    pub start_ns: u64,
    pub duration_ns: u64,
    pub root_service: String,
    pub root_operation: String,
    pub spans: u32,
    /// Distinct service names, sorted.
    pub services: Vec<String>,
    /// Error spans.
    pub errors: u32,
    pub llm_calls: u32,
    /// Priced calls only; `None` when no call was priced.
    pub cost_usd: Option<f64>,
    /// LLM calls that could not be priced (unknown model or no usage).
    pub unpriced_calls: u32,
}

/// The interned names of one loaded trace, for filtering without a walk over its spans.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceFacts {
    /// Distinct services (`StrId` of the resource's service), sorted by id.
    pub services: Vec<StrId>,
    /// Distinct operation names, sorted by id.
    pub operations: Vec<StrId>,
}

/// The summary and facts of trace `trace` (index into `set.traces`); `None` when out of range.
pub fn summarize(set: &TraceSet, trace: usize, prices: &PriceTable) -> Option<(TraceSummary, TraceFacts)> {
    let t = set.traces.get(trace)?;
    let spans = set.spans.get(t.spans.range())?;
    let mut services: Vec<StrId> = spans.iter().map(|s| set.service_id(s)).collect();
    services.sort_unstable();
    services.dedup();
    let mut operations: Vec<StrId> = spans.iter().map(|s| s.name).collect();
    operations.sort_unstable();
    operations.dedup();
    let mut service_names: Vec<String> = services.iter().map(|&id| service_text(set, id).to_string()).collect();
    service_names.sort();
    service_names.dedup();
    let root = set.spans.get(t.root as usize);
    let calls = analyze_trace(set, trace, prices).calls;
    let priced: Vec<f64> = calls.iter().filter_map(|c| c.cost_usd).collect();
    let summary = TraceSummary {
        trace_id: t.trace_id.to_text(&set.strings),
        start_ns: t.start_ns,
        duration_ns: t.duration_ns,
        root_service: root.map(|r| set.service_of(r).to_string()).unwrap_or_default(),
        root_operation: root.map(|r| set.name_of(r).to_string()).unwrap_or_default(),
        spans: t.spans.len,
        services: service_names,
        errors: t.errors,
        llm_calls: calls.len() as u32,
        cost_usd: (!priced.is_empty()).then(|| priced.iter().sum()),
        unpriced_calls: (calls.len() - priced.len()) as u32,
    };
    Some((summary, TraceFacts { services, operations }))
}

/// A service id as text: `unknown_service` for the empty id, as [`TraceSet::service_of`] does.
pub fn service_text(set: &TraceSet, id: StrId) -> &str {
    if id == StrId::EMPTY { "unknown_service" } else { set.str(id) }
}

/// Summaries and facts of every trace, in trace order.
pub fn summarize_all(set: &TraceSet, prices: &PriceTable) -> (Vec<TraceSummary>, Vec<TraceFacts>) {
    (0..set.traces.len()).filter_map(|t| summarize(set, t, prices)).unzip()
}
