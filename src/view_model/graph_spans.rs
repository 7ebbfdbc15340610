//! The spans behind a clicked graph node, as the list under the graph shows them: the
//! set, the node's span indices (ascending) and its label and kind in; the list's
//! heading and at most [`MAX_LISTED_SPANS`] rows (service, span name, what the call
//! did — its statement, URL or destination —, duration, error) out, in the order
//! given: trace, then tree order. Or every one of them as CSV ([`node_spans_csv`]).

use std::collections::HashSet;

use crate::format;
use crate::view_model::csv::to_csv;
use crate::model::TraceSet;

/// Most rows listed; the rest are one click away in the waterfall.
pub const MAX_LISTED_SPANS: usize = 200;

/// Attributes that say what a client call did, the first present wins.
const DETAIL_KEYS: [&str; 9] = [
    "db.query.text",
    "db.statement",
    "sql.query",
    "url.full",
    "http.url",
    "http.path",
    "url.path",
    "messaging.destination.name",
    "rpc.method",
];

/// Longest detail text kept (characters); longer ones end with "…".
const MAX_DETAIL_CHARS: usize = 160;

/// One listed span.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeSpanRow {
    /// Index into `set.spans`.
    pub span: u32,
    pub service: String,
    /// The span's name, "(no name)" when blank.
    pub name: String,
    /// What the call did: a statement, URL, path or destination (empty when none).
    pub detail: String,
    /// Formatted duration ("12.4 ms").
    pub duration: String,
    pub error: bool,
}

/// The list of a node's spans.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeSpanList {
    /// "3 client spans call payments (external), in 2 traces".
    pub heading: String,
    pub rows: Vec<NodeSpanRow>,
    /// Spans of the node; more than `rows.len()` when the list was cut.
    pub total: usize,
}

/// The whole text of what the call did (its first detail attribute, blanks folded).
fn detail_of(set: &TraceSet, s: &crate::model::Span) -> String {
    DETAIL_KEYS.iter().find_map(|k| set.attr_text(s, k)).unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every one of `spans` (indices out of range are skipped) as CSV (formula-safe cells):
/// trace and span ids, service, span name, the whole detail, duration in ms and status.
pub fn node_spans_csv(set: &TraceSet, spans: &[u32]) -> String {
    let header: Vec<String> =
        ["trace_id", "span_id", "service", "span", "statement_or_url", "duration_ms", "status"].iter().map(|h| h.to_string()).collect();
    let body: Vec<Vec<String>> = spans
        .iter()
        .filter_map(|&i| set.spans.get(i as usize))
        .map(|s| {
            let trace = set.traces.get(s.trace as usize).map(|t| t.trace_id.to_text(&set.strings)).unwrap_or_default();
            vec![
                trace,
                s.span_id.to_text(&set.strings),
                set.service_of(s).to_string(),
                set.name_of(s).to_string(),
                detail_of(set, s),
                format!("{:.3}", s.duration_ns as f64 / 1e6),
                if s.is_error() { "error" } else { "ok" }.to_string(),
            ]
        })
        .collect();
    to_csv(&header, &body)
}

/// The list of `spans` (indices out of range are skipped) for the node `label` of `kind`.
pub fn node_span_list(set: &TraceSet, spans: &[u32], label: &str, kind: &str, max_rows: usize) -> NodeSpanList {
    let valid: Vec<u32> = spans.iter().copied().filter(|&i| (i as usize) < set.spans.len()).collect();
    let traces: HashSet<u32> = valid.iter().map(|&i| set.spans[i as usize].trace).collect();
    let rows = valid
        .iter()
        .take(max_rows)
        .map(|&i| {
            let s = &set.spans[i as usize];
            let name = set.name_of(s).trim();
            let detail = detail_of(set, s);
            NodeSpanRow {
                span: i,
                service: set.service_of(s).to_string(),
                name: if name.is_empty() { "(no name)".to_string() } else { name.to_string() },
                detail: format::ellipsis(&detail, MAX_DETAIL_CHARS),
                duration: format::duration(s.duration_ns),
                error: s.is_error(),
            }
        })
        .collect();
    let total = valid.len();
    let noun = if total == 1 { "client span calls" } else { "client spans call" };
    let mut heading = format!("{total} {noun} {label} ({kind})");
    if traces.len() > 1 {
        heading.push_str(&format!(", in {} traces", traces.len()));
    }
    NodeSpanList { heading, rows, total }
}
