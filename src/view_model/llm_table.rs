//! LLM tables for the UI: calls, groups, cache, finish and latency rows in; sortable
//! [`LlmTable`]s out, each cell with display text, a raw CSV value and a sort number.

use super::csv::to_csv;
use super::llm_text::{error_text, finish_text};
use crate::analysis::llm::aggregate::{cache_by_model, finish_reason_mix, group_calls, latency_by_model, CacheRow, FinishRow, GroupBy, GroupRow, LatencyRow};
use crate::analysis::llm::call::{LlmCall, LlmContextSpan};
use crate::analysis::llm::summary::round_usd;
use crate::format;
use crate::model::TraceSet;

/// A table cell: display text, the raw value for CSV, and a number for sorting.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub raw: String,
    pub num: Option<f64>,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        Cell { raw: s.clone(), text: s, num: None }
    }
    pub fn int(n: u64) -> Cell {
        Cell { text: format::thousands(n), raw: n.to_string(), num: Some(n as f64) }
    }
    pub fn usd(v: Option<f64>) -> Cell {
        match v {
            Some(v) => Cell { text: format::usd(v), raw: format!("{}", round_usd(v)), num: Some(v) },
            None => Cell { text: "unknown".to_string(), raw: String::new(), num: None },
        }
    }
    pub fn dur(ns: Option<u64>) -> Cell {
        match ns {
            Some(ns) => Cell { text: format::duration(ns), raw: format!("{}", ns as f64 / 1e6), num: Some(ns as f64) },
            None => Cell { text: "—".to_string(), raw: String::new(), num: None },
        }
    }
    pub fn pct(v: Option<f64>) -> Cell {
        match v {
            Some(v) => Cell { text: format!("{:.1}%", v * 100.0), raw: format!("{:.4}", v), num: Some(v) },
            None => Cell { text: "—".to_string(), raw: String::new(), num: None },
        }
    }
    pub fn float(v: Option<f64>, decimals: usize) -> Cell {
        match v {
            Some(v) => Cell { text: format!("{v:.decimals$}"), raw: format!("{v:.decimals$}"), num: Some(v) },
            None => Cell { text: "—".to_string(), raw: String::new(), num: None },
        }
    }
}

/// A column header.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    /// Right-aligned and sorted numerically.
    pub numeric: bool,
    /// Unit of the raw (CSV) values, added to the CSV header: `Latency (ms)`.
    pub csv_unit: String,
}

impl Column {
    /// The CSV header: the name, with the raw unit in parentheses when there is one.
    pub fn csv_name(&self) -> String {
        if self.csv_unit.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.csv_unit)
        }
    }
}

/// A sortable table with CSV export. `row_spans[i]` is the span a row stands for
/// (calls tables), for jumping to the waterfall.
#[derive(Clone, Debug, PartialEq)]
pub struct LlmTable {
    /// Stable id (test ids, CSV file names).
    pub id: String,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub row_spans: Vec<Option<u32>>,
}

/// Columns from `(name, numeric)`; a name ending in ` [unit]` gives the CSV unit.
fn cols(spec: &[(&str, bool)]) -> Vec<Column> {
    spec.iter()
        .map(|(n, num)| {
            let (name, unit) = match n.strip_suffix(']').and_then(|x| x.rsplit_once(" [")) {
                Some((name, unit)) => (name.to_string(), unit.to_string()),
                None => (n.to_string(), String::new()),
            };
            Column { name, numeric: *num, csv_unit: unit }
        })
        .collect()
}

impl LlmTable {
    /// Sorts rows by a column: numbers numerically (rows without a number last),
    /// text case-insensitively; ties keep their order. Out-of-range columns do nothing.
    pub fn sort_by_column(&mut self, col: usize, ascending: bool) {
        if col >= self.columns.len() {
            return;
        }
        let mut idx: Vec<usize> = (0..self.rows.len()).collect();
        let rows = &self.rows;
        idx.sort_by(|&a, &b| {
            let (ca, cb) = (rows[a].get(col), rows[b].get(col));
            let ord = match (ca.and_then(|c| c.num), cb.and_then(|c| c.num)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => return std::cmp::Ordering::Less,
                (None, Some(_)) => return std::cmp::Ordering::Greater,
                (None, None) => {
                    let ta = ca.map(|c| c.text.to_lowercase()).unwrap_or_default();
                    let tb = cb.map(|c| c.text.to_lowercase()).unwrap_or_default();
                    ta.cmp(&tb)
                }
            };
            if ascending {
                ord
            } else {
                ord.reverse()
            }
        });
        let rows: Vec<Vec<Cell>> = idx.iter().map(|&i| self.rows[i].clone()).collect();
        let spans: Vec<Option<u32>> = idx.iter().map(|&i| self.row_spans.get(i).copied().flatten()).collect();
        self.rows = rows;
        self.row_spans = spans;
    }
    /// CSV (RFC 4180): header row, raw values, CRLF line ends, fields quoted when needed.
    pub fn to_csv(&self) -> String {
        let header: Vec<String> = self.columns.iter().map(|c| c.csv_name()).collect();
        let rows: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(|c| c.raw.clone()).collect()).collect();
        to_csv(&header, &rows)
    }
    /// A file name for the CSV download.
    pub fn csv_file_name(&self) -> String {
        format!("clew-llm-{}.csv", self.id)
    }
}

fn opt_text(o: &Option<String>) -> Cell {
    match o {
        Some(s) => Cell::text(s.clone()),
        None => Cell { text: "—".to_string(), raw: String::new(), num: None },
    }
}

/// One row per call. Model, tokens, cost and latency come first, so that they are on
/// screen without scrolling the table sideways at 1400 px.
pub fn calls_table(set: &TraceSet, calls: &[LlmCall]) -> LlmTable {
    let columns = cols(&[
        ("Span", false),
        ("Model", false),
        ("Input tokens", true),
        ("Output tokens", true),
        ("Cost [USD]", true),
        ("Latency [ms]", true),
        ("TTFT [ms]", true),
        ("Tokens/s", true),
        ("Service", false),
        ("Finish", false),
        ("Error", false),
        ("Trace", false),
        ("Provider", false),
        ("Operation", false),
        ("Purpose", false),
        ("Cache read", true),
        ("Cache write", true),
        ("Reasoning", true),
        ("Cost source", false),
        ("user.id", false),
        ("tenant.id", false),
        ("Conversation", false),
    ]);
    let mut rows = Vec::with_capacity(calls.len());
    let mut spans = Vec::with_capacity(calls.len());
    for c in calls {
        let trace_id = set.traces.get(c.trace as usize).map(|t| t.trace_id.to_text(&set.strings)).unwrap_or_default();
        let short = Cell { text: trace_id.chars().take(8).collect(), raw: trace_id, num: None };
        rows.push(vec![
            Cell::text(c.name.clone()),
            Cell::text(c.model_key()),
            Cell::int(c.input_tokens),
            Cell::int(c.output_tokens),
            Cell::usd(c.cost_usd),
            Cell::dur(Some(c.latency_ns)),
            Cell::dur(c.ttft_ns),
            Cell::float(c.tokens_per_second, 1),
            Cell::text(c.service.clone()),
            Cell::text(finish_text(c)),
            Cell::text(error_text(c)),
            short,
            opt_text(&c.provider),
            opt_text(&c.operation),
            opt_text(&c.purpose),
            Cell::int(c.cache_read_tokens),
            Cell::int(c.cache_creation_tokens),
            Cell::int(c.reasoning_tokens),
            Cell::text(if c.usage_reported || c.cost_usd.is_some() { c.cost_source.as_str() } else { "no usage reported" }),
            opt_text(&c.user_id),
            opt_text(&c.tenant_id),
            opt_text(&c.conversation_id),
        ]);
        spans.push(Some(c.span));
    }
    LlmTable { id: "calls".to_string(), title: "LLM calls".to_string(), columns, rows, row_spans: spans }
}

/// Cost and tokens by a grouping.
pub fn group_table(rows: &[GroupRow], by: GroupBy) -> LlmTable {
    let columns = cols(&[
        (by.label(), false),
        ("Calls", true),
        ("Cost [USD]", true),
        ("Unpriced calls", true),
        ("Input tokens", true),
        ("Output tokens", true),
        ("Cache read", true),
        ("Reasoning", true),
        ("Errors", true),
    ]);
    let body = rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.key.clone()),
                Cell::int(r.totals.calls),
                // A group with no priced call has an unknown cost, never $0.
                Cell::usd((r.totals.priced_calls > 0).then_some(r.totals.cost_usd)),
                Cell::int(r.totals.unpriced_calls),
                Cell::int(r.totals.input_tokens),
                Cell::int(r.totals.output_tokens),
                Cell::int(r.totals.cache_read_tokens),
                Cell::int(r.totals.reasoning_tokens),
                Cell::int(r.totals.errors),
            ]
        })
        .collect::<Vec<_>>();
    let n = body.len();
    LlmTable { id: group_id(by), title: group_title(by), columns, rows: body, row_spans: vec![None; n] }
}

/// Cache hit rate by model.
pub fn cache_table(rows: &[CacheRow]) -> LlmTable {
    let columns = cols(&[("Model", false), ("Calls", true), ("Input tokens", true), ("Cache read", true), ("Cache write", true), ("Hit rate [ratio]", true)]);
    let body = rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.model.clone()),
                Cell::int(r.calls),
                Cell::int(r.input_tokens),
                Cell::int(r.cache_read_tokens),
                Cell::int(r.cache_creation_tokens),
                Cell::pct(r.hit_rate),
            ]
        })
        .collect::<Vec<_>>();
    let n = body.len();
    LlmTable { id: CACHE.0.to_string(), title: CACHE.1.to_string(), columns, rows: body, row_spans: vec![None; n] }
}

/// The finish-reason mix.
pub fn finish_table(rows: &[FinishRow]) -> LlmTable {
    let columns = cols(&[("Finish reason", false), ("Calls", true), ("Share [ratio]", true), ("Flag", false)]);
    let body = rows
        .iter()
        .map(|r| {
            let flag = if r.truncation {
                "truncation"
            } else if r.content_filter {
                "content filter"
            } else {
                ""
            };
            vec![Cell::text(r.reason.clone()), Cell::int(r.calls), Cell::pct(Some(r.share)), Cell::text(flag)]
        })
        .collect::<Vec<_>>();
    let n = body.len();
    LlmTable { id: FINISH.0.to_string(), title: FINISH.1.to_string(), columns, rows: body, row_spans: vec![None; n] }
}

/// Latency percentiles by model.
pub fn latency_table(rows: &[LatencyRow]) -> LlmTable {
    let columns = cols(&[
        ("Model", false),
        ("Calls", true),
        ("p50 [ms]", true),
        ("p95 [ms]", true),
        ("p99 [ms]", true),
        ("Max [ms]", true),
        ("TTFT p50 [ms]", true),
        ("Tokens/s p50", true),
    ]);
    let body = rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.model.clone()),
                Cell::int(r.calls),
                Cell::dur(Some(r.p50_ns)),
                Cell::dur(Some(r.p95_ns)),
                Cell::dur(Some(r.p99_ns)),
                Cell::dur(Some(r.max_ns)),
                Cell::dur(r.ttft_p50_ns),
                Cell::float(r.tokens_per_second_p50, 1),
            ]
        })
        .collect::<Vec<_>>();
    let n = body.len();
    LlmTable { id: LATENCY.0.to_string(), title: LATENCY.1.to_string(), columns, rows: body, row_spans: vec![None; n] }
}

/// Context spans (agents, tools, wrappers).
pub fn context_table(ctx: &[LlmContextSpan]) -> LlmTable {
    let columns = cols(&[("Kind", false), ("Service", false), ("Span", false), ("Operation", false), ("Name", false), ("Latency [ms]", true), ("Error", false)]);
    let body = ctx
        .iter()
        .map(|c| {
            vec![
                Cell::text(c.kind.as_str()),
                Cell::text(c.service.clone()),
                Cell::text(c.name.clone()),
                opt_text(&c.operation),
                opt_text(&c.label),
                Cell::dur(Some(c.latency_ns)),
                Cell::text(if c.error { "error" } else { "" }),
            ]
        })
        .collect::<Vec<_>>();
    LlmTable {
        id: "context".to_string(),
        title: "Agents, tools and wrappers".to_string(),
        columns,
        rows: body,
        row_spans: ctx.iter().map(|c| Some(c.span)).collect(),
    }
}

/// (id, title) of the cross-trace tables that are not groupings.
const CACHE: (&str, &str) = ("cache", "Cache hit rate by model");
const FINISH: (&str, &str) = ("finish", "Finish reasons");
const LATENCY: (&str, &str) = ("latency", "Latency by model");
const ALL_CALLS: (&str, &str) = ("all-calls", "All calls (every loaded trace)");

fn group_id(by: GroupBy) -> String {
    format!("by-{}", by.as_str())
}

fn group_title(by: GroupBy) -> String {
    format!("By {}", by.label())
}

/// The cross-trace tables one can show, as (id, title) in display order: every call
/// (when more than one trace is loaded), then those of [`aggregate_tables`].
pub fn aggregate_choices(traces: usize) -> Vec<(String, String)> {
    let fixed = |t: (&str, &str)| (t.0.to_string(), t.1.to_string());
    let mut out: Vec<(String, String)> = Vec::new();
    if traces > 1 {
        out.push(fixed(ALL_CALLS));
    }
    out.extend(GroupBy::ALL.iter().map(|&by| (group_id(by), group_title(by))));
    out.extend([CACHE, FINISH, LATENCY].map(fixed));
    out
}

/// One cross-trace table by its id (see [`aggregate_choices`]); `None` for an unknown id.
pub fn aggregate_table(set: &TraceSet, calls: &[LlmCall], id: &str) -> Option<LlmTable> {
    if let Some(&by) = GroupBy::ALL.iter().find(|&&by| group_id(by) == id) {
        return Some(group_table(&group_calls(set, calls, by), by));
    }
    match id {
        _ if id == CACHE.0 => Some(cache_table(&cache_by_model(calls))),
        _ if id == FINISH.0 => Some(finish_table(&finish_reason_mix(calls))),
        _ if id == LATENCY.0 => Some(latency_table(&latency_by_model(calls))),
        _ if id == ALL_CALLS.0 => {
            let mut all = calls_table(set, calls);
            all.id = ALL_CALLS.0.to_string();
            all.title = ALL_CALLS.1.to_string();
            Some(all)
        }
        _ => None,
    }
}

/// Every cross-trace table, in display order: by model, provider, service, operation,
/// purpose, user, tenant, conversation, trace; cache; finish reasons; latency.
pub fn aggregate_tables(set: &TraceSet, calls: &[LlmCall]) -> Vec<LlmTable> {
    let mut out: Vec<LlmTable> = GroupBy::ALL.iter().map(|by| group_table(&group_calls(set, calls, *by), *by)).collect();
    out.push(cache_table(&cache_by_model(calls)));
    out.push(finish_table(&finish_reason_mix(calls)));
    out.push(latency_table(&latency_by_model(calls)));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_choice_names_a_table_with_its_title() {
        use super::{aggregate_choices, aggregate_table};
        use crate::model::builder::SetBuilder;
        let set = SetBuilder::new().finish();
        let choices = aggregate_choices(2);
        assert_eq!(choices.len(), 13, "all calls, 9 groupings, cache, finish, latency");
        for (id, title) in &choices {
            let t = aggregate_table(&set, &[], id);
            assert_eq!(t.map(|t| (t.id, t.title)), Some((id.clone(), title.clone())));
        }
        assert_eq!(aggregate_choices(1).len(), 12, "no all-calls table for one trace");
        assert!(aggregate_table(&set, &[], "nope").is_none());
    }

    #[test]
    fn a_group_with_only_unpriced_calls_has_unknown_cost() {
        use super::group_table;
        use crate::analysis::llm::aggregate::{GroupBy, GroupRow};
        use crate::analysis::llm::summary::LlmTotals;
        let unpriced = GroupRow { key: "acme-mystery-7b".into(), totals: LlmTotals { calls: 2, unpriced_calls: 2, ..Default::default() } };
        let mixed = GroupRow { key: "gpt-4o-mini".into(), totals: LlmTotals { calls: 2, priced_calls: 1, unpriced_calls: 1, cost_usd: 0.00075, ..Default::default() } };
        let t = group_table(&[mixed, unpriced], GroupBy::Model);
        let cost = t.columns.iter().position(|c| c.name == "Cost").unwrap_or(usize::MAX);
        assert_eq!(t.rows[0][cost].text, "$0.00075");
        assert_eq!(t.rows[1][cost].text, "unknown");
        assert_eq!(t.rows[1][cost].raw, "");
        assert!(t.to_csv().contains("acme-mystery-7b,2,,2,"));
    }
}
