//! The trace list's data, computed in the worker: a filter and a sort in, the matching
//! traces in order out; the summaries of every loaded trace (a page at a time); and the
//! two comparisons (A/B of two traces, cohorts of two groups) as requests and answers.
//! The page keeps the summaries and draws the rows and the scatter from them. The
//! aggregate flame graph's merged paths become a `view_model::flame` tree here. The list
//! as shown can be had as CSV ([`list_csv`]).

use serde::{Deserialize, Serialize};

use crate::analysis::many::aggregate::PathTotal;
use crate::analysis::many::cohort::{cohort_diff, slowest_split, CohortDiff};
use crate::analysis::many::filter;
use crate::analysis::many::summary::{TraceFacts, TraceSummary};
use crate::analysis::pricing::PriceTable;
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
    /// The prices the cost column (and its sort) is computed with.
    pub prices: PriceTable,
}

/// Rows of the list asked for a page at a time, so that no answer the page decodes
/// grows with the number of traces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummariesRequest {
    pub prices: PriceTable,
    /// The first trace (index into `set.traces`) and how many after it.
    pub from: u32,
    pub count: u32,
}

/// Traces `from..from + rows.len()` of `total`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SummariesPage {
    pub total: u32,
    pub from: u32,
    pub rows: Vec<TraceSummary>,
}

/// How many summaries one page carries: about 200 bytes of JSON each, so a page stays a
/// few hundred kilobytes, decoded by the page in well under the 100 ms budget.
pub const SUMMARIES_PAGE: u32 = 2000;

/// Page `req` of `summaries`.
pub fn summaries_page(summaries: &[TraceSummary], req: &SummariesRequest) -> SummariesPage {
    let from = (req.from as usize).min(summaries.len());
    let to = from.saturating_add(req.count as usize).min(summaries.len());
    SummariesPage { total: summaries.len() as u32, from: from as u32, rows: summaries[from..to].to_vec() }
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

/// Two rows in the list's order for column `col` (ties are left to the caller).
pub fn compare(col: ListColumn, ascending: bool, a: &TraceSummary, b: &TraceSummary) -> std::cmp::Ordering {
    let o = match col {
        ListColumn::Start => a.start_ns.cmp(&b.start_ns),
        ListColumn::Root => (&a.root_service, &a.root_operation).cmp(&(&b.root_service, &b.root_operation)),
        ListColumn::Duration => a.duration_ns.cmp(&b.duration_ns),
        ListColumn::Spans => a.spans.cmp(&b.spans),
        ListColumn::Services => a.services.len().cmp(&b.services.len()),
        ListColumn::Errors => a.errors.cmp(&b.errors),
        ListColumn::Llm => a.llm_calls.cmp(&b.llm_calls),
        ListColumn::Cost => a.cost_usd.unwrap_or(-1.0).total_cmp(&b.cost_usd.unwrap_or(-1.0)),
    };
    if ascending { o } else { o.reverse() }
}

/// The traces `q` keeps, sorted as asked (ties by trace index).
pub fn list(set: &TraceSet, summaries: &[TraceSummary], facts: &[TraceFacts], req: &TraceListRequest) -> TraceListData {
    let mut order: Vec<u32> = filter::parse(&req.filter).select(set, summaries, facts).into_iter().map(|t| t as u32).collect();
    let key = |t: u32| summaries.get(t as usize);
    let cmp = |x: &u32, y: &u32| {
        let (Some(a), Some(b)) = (key(*x), key(*y)) else { return std::cmp::Ordering::Equal };
        compare(req.sort, req.ascending, a, b)
    };
    order.sort_by(|x, y| cmp(x, y).then(x.cmp(y)));
    TraceListData { order }
}

/// Marks an entry of the list's order as a row of [`merge_found`]'s `found` (not loaded).
pub const FOUND_ROW: u32 = 1 << 31;

/// The list's order with rows whose trace is not loaded (a backend search's results):
/// `loaded` (the worker's order of the loaded traces, whose summaries `summary_of` gives)
/// and the `found` rows that `filter` keeps and whose id is not among `loaded_ids`, merged
/// in the order of `col`. A found row's entry is `FOUND_ROW | index into found`.
pub fn merge_found<'a>(
    loaded: &[u32],
    summary_of: impl Fn(u32) -> Option<&'a TraceSummary>,
    loaded_ids: &std::collections::HashSet<&str>,
    found: &[TraceSummary],
    filter: &str,
    col: ListColumn,
    ascending: bool,
) -> Vec<u32> {
    let f = filter::parse(filter);
    let mut extra: Vec<u32> = (0..found.len().min(FOUND_ROW as usize))
        .filter(|&k| !loaded_ids.contains(found[k].trace_id.as_str()) && f.matches_summary(&found[k]))
        .map(|k| k as u32)
        .collect();
    extra.sort_by(|&x, &y| compare(col, ascending, &found[x as usize], &found[y as usize]).then(x.cmp(&y)));
    let mut out = Vec::with_capacity(loaded.len() + extra.len());
    let (mut i, mut j) = (0, 0);
    while i < loaded.len() || j < extra.len() {
        let take_found = match (loaded.get(i), extra.get(j)) {
            (Some(&t), Some(&k)) => {
                summary_of(t).is_some_and(|a| compare(col, ascending, &found[k as usize], a) == std::cmp::Ordering::Less)
            }
            (None, Some(_)) => true,
            _ => false,
        };
        if take_found {
            out.push(FOUND_ROW | extra[j]);
            j += 1;
        } else {
            out.push(loaded[i]);
            i += 1;
        }
    }
    out
}

/// The rows of the list's `order` (indices into `summaries`, or [`FOUND_ROW`] | index into
/// `found`) as CSV (formula-safe cells): ids, start (UTC), root, times in ms, counts, cost in
/// USD and whether the trace is loaded. Entries that name no row are skipped.
pub fn list_csv(summaries: &[TraceSummary], order: &[u32], found: &[TraceSummary]) -> String {
    let header: Vec<String> = [
        "trace_id", "start_utc", "root_service", "root_operation", "duration_ms", "spans", "services", "errors", "llm_calls", "cost_usd", "loaded",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    let body: Vec<Vec<String>> = order
        .iter()
        .filter_map(|&t| {
            let (s, loaded) = if t & FOUND_ROW != 0 { (found.get((t & !FOUND_ROW) as usize)?, false) } else { (summaries.get(t as usize)?, true) };
            Some(vec![
                s.trace_id.clone(),
                crate::format::utc_datetime(s.start_ns),
                s.root_service.clone(),
                s.root_operation.clone(),
                format!("{:.3}", s.duration_ns as f64 / 1e6),
                s.spans.to_string(),
                s.services.join(" "),
                s.errors.to_string(),
                s.llm_calls.to_string(),
                s.cost_usd.map(|c| format!("{c:.6}")).unwrap_or_default(),
                if loaded { "yes" } else { "no" }.to_string(),
            ])
        })
        .collect();
    crate::view_model::csv::to_csv(&header, &body)
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
pub struct AggregateFlameData {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, start_ns: u64, service: &str) -> TraceSummary {
        TraceSummary { trace_id: id.into(), start_ns, root_service: service.into(), services: vec![service.into()], ..Default::default() }
    }

    #[test]
    fn found_rows_merge_into_the_loaded_order() {
        let loaded = [row("a", 10, "web"), row("b", 30, "web")];
        let found = [row("c", 20, "cart"), row("b", 30, "web"), row("d", 40, "web"), row("e", 5, "web")];
        let ids: std::collections::HashSet<&str> = loaded.iter().map(|s| s.trace_id.as_str()).collect();
        let by_start = merge_found(&[0, 1], |t| loaded.get(t as usize), &ids, &found, "", ListColumn::Start, true);
        // "b" is loaded: its found row is left out.
        assert_eq!(by_start, vec![FOUND_ROW | 3, 0, FOUND_ROW, 1, FOUND_ROW | 2]);
        let latest = merge_found(&[1, 0], |t| loaded.get(t as usize), &ids, &found, "", ListColumn::Start, false);
        assert_eq!(latest, vec![FOUND_ROW | 2, 1, FOUND_ROW, 0, FOUND_ROW | 3]);
        // The filter applies to found rows too.
        let web = merge_found(&[], |t| loaded.get(t as usize), &ids, &found, "service=web", ListColumn::Start, true);
        assert_eq!(web, vec![FOUND_ROW | 3, FOUND_ROW | 2]);
    }
}
