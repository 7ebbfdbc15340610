//! Span statistics: a [`TraceSet`] (one trace or all traces) in, per-service and
//! per-operation rows out — count, sum, mean, p50/p95/p99 and max of both the total
//! time (span duration) and the self time (duration minus the union of the
//! children's intervals, clipped to the span). Rows sort by any [`StatColumn`].
//!
//! ```text
//!   parent  |■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■|  total 100
//!   child A      |■■■■■■■■■■■■■■■■|                               overlap is
//!   child B                 |■■■■■■■■■■■■■|                       counted once
//!   child C                                           |■■■■■■■■■■■■■■|  (clipped)
//!   union        |■■■■■■■■■■■■■■■■■■■■■■■■|          |■■■■■|
//!   self    |■■■■|                         |■■■■■■■■■■|
//! ```
//!
//! All walks are iterative.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::intervals::union_len;
use super::percentile::nearest_rank;
use super::tree::children;
use crate::model::{DurNs, Span, TimeNs, TraceSet};

/// Self time of every span in `range` (indices into `set.spans`): its duration minus
/// the union of its direct children's intervals clipped to it. Returned in the same
/// order as the range.
pub fn self_times(set: &TraceSet, range: std::ops::Range<usize>) -> Vec<DurNs> {
    let mut buf: Vec<(TimeNs, TimeNs)> = Vec::new();
    range
        .map(|i| {
            let Some(s) = set.spans.get(i) else { return 0 };
            buf.clear();
            for c in children(set, i as u32) {
                let cs = &set.spans[c as usize];
                buf.push((cs.start_ns, cs.end_ns()));
            }
            s.duration_ns - union_len(&mut buf, s.start_ns, s.end_ns()).min(s.duration_ns)
        })
        .collect()
}

/// Self time of one span.
pub fn self_time(set: &TraceSet, span: u32) -> DurNs {
    let i = span as usize;
    self_times(set, i..i + 1).first().copied().unwrap_or(0)
}

/// Summary of a list of durations.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    pub count: u64,
    pub sum_ns: u64,
    pub mean_ns: f64,
    pub p50_ns: u64,
    pub p95_ns: u64,
    pub p99_ns: u64,
    pub max_ns: u64,
}

impl Summary {
    /// Summarizes `values` (sorted in place).
    pub fn of(values: &mut [u64]) -> Summary {
        values.sort_unstable();
        let count = values.len() as u64;
        let sum_ns: u64 = values.iter().fold(0u64, |a, &v| a.saturating_add(v));
        Summary {
            count,
            sum_ns,
            mean_ns: if count == 0 { 0.0 } else { sum_ns as f64 / count as f64 },
            p50_ns: nearest_rank(values, 50.0).unwrap_or(0),
            p95_ns: nearest_rank(values, 95.0).unwrap_or(0),
            p99_ns: nearest_rank(values, 99.0).unwrap_or(0),
            max_ns: values.last().copied().unwrap_or(0),
        }
    }
}

/// How rows are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupBy {
    Service,
    /// Service + span name.
    Operation,
}

/// One row: a service (operation empty) or a service + operation.
#[derive(Clone, Debug, PartialEq)]
pub struct StatRow {
    pub service: String,
    /// The span name; empty when grouped by service.
    pub operation: String,
    /// Spans in the group with error status.
    pub errors: u64,
    /// Durations (span duration).
    pub total: Summary,
    /// Self times.
    pub self_time: Summary,
    /// Up to [`MAX_ROW_SPANS`] span indices of the group (for jumping/filtering).
    pub spans: Vec<u32>,
}

/// How many span indices a row keeps.
pub const MAX_ROW_SPANS: usize = 10_000;

/// The columns rows can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatColumn {
    Service,
    Operation,
    Count,
    Errors,
    TotalSum,
    TotalMean,
    TotalP50,
    TotalP95,
    TotalP99,
    TotalMax,
    SelfSum,
    SelfMean,
    SelfP50,
    SelfP95,
    SelfP99,
    SelfMax,
}

impl StatColumn {
    pub const ALL: [StatColumn; 16] = [
        StatColumn::Service,
        StatColumn::Operation,
        StatColumn::Count,
        StatColumn::Errors,
        StatColumn::TotalSum,
        StatColumn::TotalMean,
        StatColumn::TotalP50,
        StatColumn::TotalP95,
        StatColumn::TotalP99,
        StatColumn::TotalMax,
        StatColumn::SelfSum,
        StatColumn::SelfMean,
        StatColumn::SelfP50,
        StatColumn::SelfP95,
        StatColumn::SelfP99,
        StatColumn::SelfMax,
    ];
    /// Column header text.
    pub fn label(self) -> &'static str {
        match self {
            StatColumn::Service => "service",
            StatColumn::Operation => "operation",
            StatColumn::Count => "count",
            StatColumn::Errors => "errors",
            StatColumn::TotalSum => "total sum",
            StatColumn::TotalMean => "total mean",
            StatColumn::TotalP50 => "total p50",
            StatColumn::TotalP95 => "total p95",
            StatColumn::TotalP99 => "total p99",
            StatColumn::TotalMax => "total max",
            StatColumn::SelfSum => "self sum",
            StatColumn::SelfMean => "self mean",
            StatColumn::SelfP50 => "self p50",
            StatColumn::SelfP95 => "self p95",
            StatColumn::SelfP99 => "self p99",
            StatColumn::SelfMax => "self max",
        }
    }
    /// The natural first direction when a header is clicked: names ascending, numbers descending.
    pub fn default_direction(self) -> SortDir {
        match self {
            StatColumn::Service | StatColumn::Operation => SortDir::Asc,
            _ => SortDir::Desc,
        }
    }
}

/// Sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortDir {
    Asc,
    Desc,
}

impl SortDir {
    pub fn flip(self) -> SortDir {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }
}

fn cmp_u64(a: u64, b: u64) -> Ordering {
    a.cmp(&b)
}

/// Compares two rows by a column (ascending).
pub fn compare_rows(a: &StatRow, b: &StatRow, col: StatColumn) -> Ordering {
    match col {
        StatColumn::Service => a.service.cmp(&b.service),
        StatColumn::Operation => a.operation.cmp(&b.operation),
        StatColumn::Count => cmp_u64(a.total.count, b.total.count),
        StatColumn::Errors => cmp_u64(a.errors, b.errors),
        StatColumn::TotalSum => cmp_u64(a.total.sum_ns, b.total.sum_ns),
        StatColumn::TotalMean => a.total.mean_ns.total_cmp(&b.total.mean_ns),
        StatColumn::TotalP50 => cmp_u64(a.total.p50_ns, b.total.p50_ns),
        StatColumn::TotalP95 => cmp_u64(a.total.p95_ns, b.total.p95_ns),
        StatColumn::TotalP99 => cmp_u64(a.total.p99_ns, b.total.p99_ns),
        StatColumn::TotalMax => cmp_u64(a.total.max_ns, b.total.max_ns),
        StatColumn::SelfSum => cmp_u64(a.self_time.sum_ns, b.self_time.sum_ns),
        StatColumn::SelfMean => a.self_time.mean_ns.total_cmp(&b.self_time.mean_ns),
        StatColumn::SelfP50 => cmp_u64(a.self_time.p50_ns, b.self_time.p50_ns),
        StatColumn::SelfP95 => cmp_u64(a.self_time.p95_ns, b.self_time.p95_ns),
        StatColumn::SelfP99 => cmp_u64(a.self_time.p99_ns, b.self_time.p99_ns),
        StatColumn::SelfMax => cmp_u64(a.self_time.max_ns, b.self_time.max_ns),
    }
}

/// Sorts rows by a column and direction; ties fall back to (service, operation)
/// ascending so the order is always deterministic.
pub fn sort_rows(rows: &mut [StatRow], col: StatColumn, dir: SortDir) {
    rows.sort_by(|a, b| {
        let o = compare_rows(a, b, col);
        let o = if dir == SortDir::Desc { o.reverse() } else { o };
        o.then_with(|| a.service.cmp(&b.service)).then_with(|| a.operation.cmp(&b.operation))
    });
}

/// Which spans statistics are computed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One trace (index into `set.traces`).
    Trace(usize),
    /// Every loaded trace.
    All,
}

/// The span index range a scope covers.
pub fn scope_range(set: &TraceSet, scope: Scope) -> std::ops::Range<usize> {
    match scope {
        Scope::All => 0..set.spans.len(),
        Scope::Trace(t) => set.traces.get(t).map(|t| t.spans.range()).unwrap_or(0..0),
    }
}

#[derive(Default)]
struct Acc {
    total: Vec<u64>,
    self_ns: Vec<u64>,
    errors: u64,
    spans: Vec<u32>,
}

/// Rows grouped by service or operation over a scope, sorted by total sum
/// descending (then names). Re-sort with [`sort_rows`].
pub fn stats(set: &TraceSet, scope: Scope, group: GroupBy) -> Vec<StatRow> {
    let range = scope_range(set, scope);
    let selfs = self_times(set, range.clone());
    // Group by interned ids first (cheap), names resolved at the end.
    let mut groups: BTreeMap<(String, String), Acc> = BTreeMap::new();
    let mut by_ids: std::collections::HashMap<(u32, u32), usize> = std::collections::HashMap::new();
    let mut accs: Vec<(String, String, Acc)> = Vec::new();
    for (k, i) in range.enumerate() {
        let s: &Span = &set.spans[i];
        let svc = set.service_id(s);
        let key = match group {
            GroupBy::Service => (svc.0, u32::MAX),
            GroupBy::Operation => (svc.0, s.name.0),
        };
        let slot = *by_ids.entry(key).or_insert_with(|| {
            let op = match group {
                GroupBy::Service => String::new(),
                GroupBy::Operation => set.name_of(s).to_string(),
            };
            accs.push((set.service_of(s).to_string(), op, Acc::default()));
            accs.len() - 1
        });
        let acc = &mut accs[slot].2;
        acc.total.push(s.duration_ns);
        acc.self_ns.push(selfs.get(k).copied().unwrap_or(0));
        if s.is_error() {
            acc.errors += 1;
        }
        if acc.spans.len() < MAX_ROW_SPANS {
            acc.spans.push(i as u32);
        }
    }
    // Two interned ids can hold the same text (unique long strings): merge by text.
    for (svc, op, acc) in accs {
        let e = groups.entry((svc, op)).or_default();
        e.total.extend(acc.total);
        e.self_ns.extend(acc.self_ns);
        e.errors += acc.errors;
        let room = MAX_ROW_SPANS.saturating_sub(e.spans.len());
        e.spans.extend(acc.spans.into_iter().take(room));
    }
    let mut rows: Vec<StatRow> = groups
        .into_iter()
        .map(|((service, operation), mut acc)| {
            acc.spans.sort_unstable();
            StatRow {
                service,
                operation,
                errors: acc.errors,
                total: Summary::of(&mut acc.total),
                self_time: Summary::of(&mut acc.self_ns),
                spans: acc.spans,
            }
        })
        .collect();
    sort_rows(&mut rows, StatColumn::TotalSum, SortDir::Desc);
    rows
}

/// Rows as JSON (for the CLI): [{"service","operation"?,"count","errors","total":{..},"self":{..}}].
pub fn stats_json(set: &TraceSet, scope: Scope, group: GroupBy) -> serde_json::Value {
    use serde_json::json;
    let sum = |s: &Summary| {
        json!({"count": s.count, "sum_ns": s.sum_ns, "mean_ns": s.mean_ns.round() as u64, "p50_ns": s.p50_ns,
               "p95_ns": s.p95_ns, "p99_ns": s.p99_ns, "max_ns": s.max_ns})
    };
    let rows: Vec<serde_json::Value> = stats(set, scope, group)
        .iter()
        .map(|r| {
            let mut o = serde_json::Map::new();
            o.insert("service".into(), json!(r.service));
            if group == GroupBy::Operation {
                o.insert("operation".into(), json!(r.operation));
            }
            o.insert("count".into(), json!(r.total.count));
            o.insert("errors".into(), json!(r.errors));
            o.insert("total".into(), sum(&r.total));
            o.insert("self".into(), sum(&r.self_time));
            serde_json::Value::Object(o)
        })
        .collect();
    serde_json::Value::Array(rows)
}
