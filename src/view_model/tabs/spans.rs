//! The span table tab's data: a trace, a find query (the waterfall's language), a sort,
//! the attribute columns the user added and a row window in ([`SpansRequest`]); the
//! rows of that window, the match count and the most common attribute keys out
//! ([`SpansData`]); or the whole filtered, sorted table as formula-safe CSV ([`csv`]).
//!
//! Fixed columns: service, operation, kind, start (offset from the trace start),
//! duration, self time, status; then one per added attribute key (span, then resource).

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::analysis::stats::self_times;
use crate::format;
use crate::model::{StrId, TraceSet};
use crate::view_model::csv::to_csv;
use crate::view_model::find;
use crate::view_model::list_window::RowRange;
use crate::view_model::tabs::table::{TableCell, TableColumn, TableRow, TableWindow};

/// The fixed columns, in order.
pub const FIXED: [&str; 7] = ["service", "operation", "kind", "start", "duration", "self time", "status"];
/// Attribute keys suggested in the picker.
pub const SUGGESTED_KEYS: usize = 30;

/// What the span table asks for.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpansRequest {
    pub trace: usize,
    /// A find query; empty shows every span.
    pub query: String,
    /// Column index (fixed columns, then `attrs`) and direction; `None`: trace order.
    pub sort: Option<(usize, bool)>,
    pub attrs: Vec<String>,
    pub rows: RowRange,
}

/// What it gets back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpansData {
    pub columns: Vec<TableColumn>,
    pub table: TableWindow,
    /// Spans in the trace (the table holds `table.total` of them).
    pub spans: usize,
    /// The most common attribute keys of the trace's spans, with how many spans have each.
    pub keys: Vec<(String, usize)>,
}

/// Per-trace data the table needs, computed once per trace.
pub struct SpanBase {
    /// Span indices in trace order.
    pub spans: Vec<u32>,
    pub self_ns: Vec<u64>,
    pub keys: Vec<(String, usize)>,
}

/// The base of trace `trace` (empty for a bad index).
pub fn base(set: &TraceSet, trace: usize) -> SpanBase {
    let Some(t) = set.traces.get(trace) else { return SpanBase { spans: Vec::new(), self_ns: Vec::new(), keys: Vec::new() } };
    let range = t.spans.range();
    let mut counts: HashMap<StrId, usize> = HashMap::new();
    for s in &set.spans[range.clone()] {
        for a in set.span_attrs(s) {
            *counts.entry(a.key).or_default() += 1;
        }
    }
    let mut keys: Vec<(String, usize)> = counts.into_iter().map(|(k, n)| (set.str(k).to_string(), n)).collect();
    keys.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    keys.truncate(SUGGESTED_KEYS);
    SpanBase { spans: range.clone().map(|i| i as u32).collect(), self_ns: self_times(set, range), keys }
}

/// The columns for the added attribute keys.
pub fn columns(attrs: &[String]) -> Vec<TableColumn> {
    let widths = [150, 240, 80, 90, 90, 90, 70];
    let numeric = [false, false, false, true, true, true, false];
    let mut out: Vec<TableColumn> = FIXED.iter().zip(widths).zip(numeric).map(|((n, w), num)| TableColumn::new(n, num, w)).collect();
    out.extend(attrs.iter().map(|k| TableColumn::new(k, false, 140)));
    out
}

/// The texts of one row (for cells and CSV).
fn texts(set: &TraceSet, b: &SpanBase, k: usize, trace_start: u64, attrs: &[String]) -> Vec<String> {
    let Some(s) = b.spans.get(k).and_then(|&i| set.spans.get(i as usize)) else { return Vec::new() };
    let mut out = vec![
        set.service_of(s).to_string(),
        set.name_of(s).to_string(),
        s.kind.as_str().to_string(),
        format!("+{}", format::duration(s.start_ns.saturating_sub(trace_start))),
        format::duration(s.duration_ns),
        format::duration(b.self_ns.get(k).copied().unwrap_or(0)),
        s.status.as_str().to_string(),
    ];
    out.extend(attrs.iter().map(|key| set.attr_text(s, key).unwrap_or_default()));
    out
}

/// Compares two texts: numbers by value before any other text, other texts
/// case-insensitively. A total order (mixing the two rules pairwise would not be one, and
/// a sort may panic on an inconsistent order).
pub fn text_cmp(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        _ => a.to_lowercase().cmp(&b.to_lowercase()).then_with(|| a.cmp(b)),
    }
}

/// Positions (into `b.spans`) of the rows, filtered by the query and sorted; ties keep
/// trace order.
pub fn order(set: &TraceSet, b: &SpanBase, trace: usize, req: &SpansRequest) -> Vec<u32> {
    let q = find::parse(&req.query);
    let mut rows: Vec<u32> = (0..b.spans.len() as u32)
        .filter(|&k| q.is_empty() || set.spans.get(b.spans[k as usize] as usize).is_some_and(|s| q.matches(set, s)))
        .collect();
    let Some((col, asc)) = req.sort else { return rows };
    let span = |k: u32| &set.spans[b.spans[k as usize] as usize];
    let start = set.traces.get(trace).map(|t| t.start_ns).unwrap_or(0);
    // Text columns: each row's text, once (indexed by position in `b.spans`).
    let mut text: Vec<String> = Vec::new();
    if !(3..=5).contains(&col) {
        text = vec![String::new(); b.spans.len()];
        for &k in &rows {
            text[k as usize] = texts(set, b, k as usize, start, &req.attrs).into_iter().nth(col).unwrap_or_default();
        }
    }
    let primary = |x: u32, y: u32| match col {
        3 => span(x).start_ns.cmp(&span(y).start_ns),
        4 => span(x).duration_ns.cmp(&span(y).duration_ns),
        5 => b.self_ns[x as usize].cmp(&b.self_ns[y as usize]),
        _ => text_cmp(&text[x as usize], &text[y as usize]),
    };
    rows.sort_by(|&x, &y| {
        let o = primary(x, y);
        if asc { o } else { o.reverse() }.then(x.cmp(&y))
    });
    rows
}

/// The answer for one request, from the trace's base and its ordered rows.
pub fn answer(set: &TraceSet, b: &SpanBase, rows: &[u32], req: &SpansRequest) -> SpansData {
    let start = set.traces.get(req.trace).map(|t| t.start_ns).unwrap_or(0);
    let table = crate::view_model::tabs::table::window_of(rows, req.rows, |_, &k| {
        let t = texts(set, b, k as usize, start, &req.attrs);
        let error = set.spans.get(b.spans[k as usize] as usize).is_some_and(|s| s.is_error());
        let cells = t
            .into_iter()
            .enumerate()
            .map(|(c, text)| match c {
                0 | 1 => TableCell::name(text),
                3..=5 => TableCell::num(text),
                6 if error => TableCell::new(text, "err"),
                _ if c >= FIXED.len() => TableCell::name(text),
                _ => TableCell::new(text, ""),
            })
            .collect();
        TableRow { cells, span: Some(b.spans[k as usize]), key: Vec::new() }
    });
    SpansData { columns: columns(&req.attrs), table, spans: b.spans.len(), keys: b.keys.clone() }
}

/// The whole filtered, sorted table as CSV (formula-safe cells). Times are plain
/// numbers in ms (`start_ms`, `duration_ms`, `self_ms`) so a spreadsheet can add them.
pub fn csv(set: &TraceSet, b: &SpanBase, rows: &[u32], req: &SpansRequest) -> String {
    let start = set.traces.get(req.trace).map(|t| t.start_ns).unwrap_or(0);
    let mut header: Vec<String> = vec!["span_id".to_string()];
    header.extend(columns(&req.attrs).into_iter().map(|c| c.name));
    for (i, name) in [(4, "start_ms"), (5, "duration_ms"), (6, "self_ms")] {
        header[i] = name.to_string();
    }
    let ms = |ns: u64| format!("{:.3}", ns as f64 / 1e6);
    let body: Vec<Vec<String>> = rows
        .iter()
        .filter_map(|&k| {
            let s = set.spans.get(b.spans[k as usize] as usize)?;
            let mut r = vec![s.span_id.to_text(&set.strings)];
            r.extend(texts(set, b, k as usize, start, &req.attrs));
            r[4] = ms(s.start_ns.saturating_sub(start));
            r[5] = ms(s.duration_ns);
            r[6] = ms(b.self_ns.get(k as usize).copied().unwrap_or(0));
            Some(r)
        })
        .collect();
    to_csv(&header, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_sort_as_numbers_and_text_ignores_case() {
        assert_eq!(text_cmp("9", "10"), Ordering::Less);
        assert_eq!(text_cmp("b", "A"), Ordering::Greater);
        assert_eq!(text_cmp("", "a"), Ordering::Less);
    }
}
