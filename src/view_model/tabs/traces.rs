//! The trace list's data, computed in the worker: a filter and a sort in, the matching
//! traces in order out; the summaries of every loaded trace (once per load); and the
//! two comparisons (A/B of two traces, cohorts of two groups) as requests and answers.
//! The page keeps the summaries and draws the rows and the scatter from them. The
//! aggregate flame graph's merged paths become a `view_model::flame` tree here.

use serde::{Deserialize, Serialize};

use crate::analysis::many::aggregate::PathTotal;
use crate::analysis::many::cohort::{cohort_diff, slowest_split, CohortDiff};
use crate::analysis::many::filter;
use crate::analysis::many::summary::{TraceFacts, TraceSummary};
use crate::model::TraceSet;
use crate::view_model::flame::{FlameNode, FlameTree, NO_PARENT};

/// A column of the trace list, by which it sorts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ListColumn {
    Start,
    Root,
    Duration,
    Spans,
    Services,
    Errors,
    Llm,
    Cost,
}

impl ListColumn {
    /// In the order of the list's columns.
    pub const ALL: [ListColumn; 8] = [
        ListColumn::Start,
        ListColumn::Root,
        ListColumn::Duration,
        ListColumn::Spans,
        ListColumn::Services,
        ListColumn::Errors,
        ListColumn::Llm,
        ListColumn::Cost,
    ];
    /// The header text.
    pub fn label(self) -> &'static str {
        match self {
            ListColumn::Start => "Start",
            ListColumn::Root => "Root service · operation",
            ListColumn::Duration => "Duration",
            ListColumn::Spans => "Spans",
            ListColumn::Services => "Services",
            ListColumn::Errors => "Errors",
            ListColumn::Llm => "LLM calls",
            ListColumn::Cost => "Cost",
        }
    }
    /// The name in test ids (`trace-sort-<name>`).
    pub fn name(self) -> &'static str {
        match self {
            ListColumn::Start => "start",
            ListColumn::Root => "root",
            ListColumn::Duration => "duration",
            ListColumn::Spans => "spans",
            ListColumn::Services => "services",
            ListColumn::Errors => "errors",
            ListColumn::Llm => "llm",
            ListColumn::Cost => "cost",
        }
    }
    /// Numbers sort largest first on a first click; text and time smallest first.
    pub fn first_ascending(self) -> bool {
        matches!(self, ListColumn::Start | ListColumn::Root)
    }
}

/// What the list asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceListRequest {
    pub filter: String,
    pub sort: ListColumn,
    pub ascending: bool,
}

/// The matching traces (indices into `set.traces`) in the asked order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceListData {
    pub order: Vec<u32>,
}

/// How the two groups of a cohort comparison are chosen (as `clew compare` does).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CohortRequest {
    /// Among the traces `filter` keeps: B the slowest `percent`%, A the rest.
    Slowest { filter: String, percent: f64 },
    /// A and B by two filters.
    Filters { a: String, b: String },
    /// Two explicit lists (a scatter brush against the rest of the list).
    Traces { a: Vec<u32>, b: Vec<u32> },
}

/// The comparison, with the number of traces in each group.
pub type CohortData = CohortDiff;

/// The traces `q` keeps, sorted as asked (ties by trace index).
pub fn list(set: &TraceSet, summaries: &[TraceSummary], facts: &[TraceFacts], req: &TraceListRequest) -> TraceListData {
    let mut order: Vec<u32> = filter::parse(&req.filter).select(set, summaries, facts).into_iter().map(|t| t as u32).collect();
    let key = |t: u32| summaries.get(t as usize);
    let cmp = |x: &u32, y: &u32| {
        let (Some(a), Some(b)) = (key(*x), key(*y)) else { return std::cmp::Ordering::Equal };
        let o = match req.sort {
            ListColumn::Start => a.start_ns.cmp(&b.start_ns),
            ListColumn::Root => (&a.root_service, &a.root_operation).cmp(&(&b.root_service, &b.root_operation)),
            ListColumn::Duration => a.duration_ns.cmp(&b.duration_ns),
            ListColumn::Spans => a.spans.cmp(&b.spans),
            ListColumn::Services => a.services.len().cmp(&b.services.len()),
            ListColumn::Errors => a.errors.cmp(&b.errors),
            ListColumn::Llm => a.llm_calls.cmp(&b.llm_calls),
            ListColumn::Cost => a.cost_usd.unwrap_or(-1.0).total_cmp(&b.cost_usd.unwrap_or(-1.0)),
        };
        if req.ascending { o } else { o.reverse() }
    };
    order.sort_by(|x, y| cmp(x, y).then(x.cmp(y)));
    TraceListData { order }
}

/// The cohort comparison asked for.
pub fn cohort(set: &TraceSet, summaries: &[TraceSummary], facts: &[TraceFacts], req: &CohortRequest) -> CohortData {
    let keep = |q: &str| filter::parse(q).select(set, summaries, facts);
    let (a, b) = match req {
        CohortRequest::Slowest { filter, percent } => slowest_split(set, &keep(filter), *percent),
        CohortRequest::Filters { a, b } => (keep(a), keep(b)),
        CohortRequest::Traces { a, b } => {
            (a.iter().map(|&t| t as usize).collect(), b.iter().map(|&t| t as usize).collect())
        }
    };
    cohort_diff(set, &a, &b)
}

/// The aggregate flame graph's data: the merged paths of the listed traces.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlameData {
    pub traces: usize,
    pub paths: Vec<PathTotal>,
}

/// The merged paths as a flame tree: one node per path, `value` its total time,
/// `self_value` its self time, `id` its index in `paths`, `label` and `color` the
/// index of its first path with the same service (for a stable colour per service).
/// Siblings are packed side by side (every `start` is 0).
pub fn aggregate_tree(paths: &[PathTotal]) -> FlameTree {
    let mut services: Vec<&str> = Vec::new();
    let nodes = paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let color = match services.iter().position(|s| *s == p.service) {
                Some(k) => k,
                None => {
                    services.push(&p.service);
                    services.len() - 1
                }
            };
            FlameNode {
                parent: if p.parent == u32::MAX { NO_PARENT } else { p.parent },
                start: 0,
                value: p.total_ns,
                self_value: p.self_ns,
                label: i as u32,
                color: color as u32,
                error: false,
                id: i as u64,
                spans: p.spans,
            }
        })
        .collect();
    FlameTree::new(nodes)
}
