//! The critical-path tab's data: a trace's [`CriticalPath`] and the row windows asked
//! for in; the summary line and the rows of the contributions and segments tables out
//! (display text, and the span each row jumps to). Also the waterfall's highlight:
//! the path's segments by span, and either table whole as CSV ([`csv`]).

use serde::{Deserialize, Serialize};

use crate::analysis::critical_path::{CriticalPath, Segment};
use crate::analysis::intervals::percent_of;
use crate::format;
use crate::view_model::csv::to_csv;
use crate::model::TraceSet;
use crate::view_model::list_window::RowRange;
use crate::view_model::tabs::table::{window_of, TableCell, TableColumn, TableRow, TableWindow};

/// What the critical-path tab asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CpRequest {
    pub trace: usize,
    pub contributions: RowRange,
    pub segments: RowRange,
}

/// The critical-path tab's two tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CpTable {
    Contributions,
    Segments,
}

/// What it gets back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CpData {
    /// "N spans on the path, M segments, trace D"; `None` when the trace does not exist.
    pub summary: Option<String>,
    pub contributions: TableWindow,
    pub segments: TableWindow,
}

/// Columns of the contributions table.
pub fn contribution_columns() -> Vec<TableColumn> {
    vec![
        TableColumn::new("service", false, 160),
        TableColumn::new("operation", false, 280),
        TableColumn::new("on the path", true, 100),
        TableColumn::new("% of trace", false, 190),
    ]
}

/// Columns of the segments table.
pub fn segment_columns() -> Vec<TableColumn> {
    vec![
        TableColumn::new("start", true, 100),
        TableColumn::new("service", false, 160),
        TableColumn::new("operation", false, 280),
        TableColumn::new("duration", true, 100),
        TableColumn::new("% of trace", true, 90),
    ]
}

fn names(set: &TraceSet, span: u32) -> (TableCell, TableCell) {
    let (svc, name) = set.spans.get(span as usize).map(|s| (set.service_of(s), set.name_of(s))).unwrap_or_default();
    (TableCell::name(svc), TableCell::name(name))
}

/// The tab's answer for `req` from the path of its trace.
pub fn answer(set: &TraceSet, cp: &CriticalPath, req: &CpRequest) -> CpData {
    let Some(t) = set.traces.get(cp.trace) else { return CpData::default() };
    let t0 = t.start_ns;
    let summary = format!(
        "{} on the path, {}, trace {}",
        format::count(cp.contributions.len() as u64, "span"),
        format::count(cp.segments.len() as u64, "segment"),
        format::duration(cp.trace_duration_ns)
    );
    let contributions = window_of(&cp.contributions, req.contributions, |_, c| {
        let (svc, name) = names(set, c.span);
        let share = TableCell { bar_px: Some((c.percent * 1.2).clamp(0.0, 120.0)), ..TableCell::new(format!("{:.1}%", c.percent), "") };
        TableRow { cells: vec![svc, name, TableCell::num(format::duration(c.contribution_ns)), share], span: Some(c.span), key: Vec::new() }
    });
    let segments = window_of(&cp.segments, req.segments, |_, g| {
        let (svc, name) = names(set, g.span);
        let pct = percent_of(g.duration_ns(), cp.trace_duration_ns);
        TableRow {
            cells: vec![
                TableCell::num(format!("+{}", format::duration(g.start_ns.saturating_sub(t0)))),
                svc,
                name,
                TableCell::num(format::duration(g.duration_ns())),
                TableCell::num(format!("{pct:.1}%")),
            ],
            span: Some(g.span),
            key: Vec::new(),
        }
    });
    CpData { summary: Some(summary), contributions, segments }
}

/// Table `table` of the path whole, in the order shown, as CSV (formula-safe cells): span ids,
/// names, times as plain numbers in ms from the trace's start and shares in percent.
pub fn csv(set: &TraceSet, cp: &CriticalPath, table: CpTable) -> String {
    let t0 = set.traces.get(cp.trace).map(|t| t.start_ns).unwrap_or(0);
    let ms = |ns: u64| format!("{:.3}", ns as f64 / 1e6);
    let ids = |span: u32| {
        set.spans
            .get(span as usize)
            .map(|s| (s.span_id.to_text(&set.strings), set.service_of(s).to_string(), set.name_of(s).to_string()))
            .unwrap_or_default()
    };
    let (header, body): (&[&str], Vec<Vec<String>>) = match table {
        CpTable::Contributions => (
            &["span_id", "service", "operation", "on_path_ms", "percent_of_trace"],
            cp.contributions
                .iter()
                .map(|c| {
                    let (id, svc, name) = ids(c.span);
                    vec![id, svc, name, ms(c.contribution_ns), format!("{:.1}", c.percent)]
                })
                .collect(),
        ),
        CpTable::Segments => (
            &["start_ms", "span_id", "service", "operation", "duration_ms", "percent_of_trace"],
            cp.segments
                .iter()
                .map(|g| {
                    let (id, svc, name) = ids(g.span);
                    let pct = percent_of(g.duration_ns(), cp.trace_duration_ns);
                    vec![ms(g.start_ns.saturating_sub(t0)), id, svc, name, ms(g.duration_ns()), format!("{pct:.1}")]
                })
                .collect(),
        ),
    };
    to_csv(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>(), &body)
}

/// The path's segments as `(span, start_ns, end_ns)`, for the waterfall's highlight.
pub fn highlight(cp: &CriticalPath) -> Vec<(u32, u64, u64)> {
    cp.segments.iter().map(|&Segment { span, start_ns, end_ns }| (span, start_ns, end_ns)).collect()
}
