//! The LLM tab's data: the set's calls (priced with the table asked for) in; the
//! selected trace's summary cards, most expensive and slowest call, and windows of its
//! calls and context tables, the cross-trace totals, and windows of any cross-trace
//! table out. Tables are [`LlmTable`]s (sortable, CSV export) cut to [`TableWindow`]s.

use serde::{Deserialize, Serialize};

use crate::analysis::llm::call::LlmCall;
use crate::analysis::llm::summary::{LlmTotals, TraceLlmSummary};
use crate::analysis::pricing::PriceTable;
use crate::format;
use crate::view_model::list_window::RowRange;
use crate::view_model::llm_table::LlmTable;
use crate::view_model::tabs::table::{TableCell, TableColumn, TableRow, TableWindow};

/// A table asked for: its id (`LlmTable::id`), the sort shown (column, ascending) and
/// the rows wanted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableQuery {
    pub id: String,
    pub sort: Option<(usize, bool)>,
    pub rows: RowRange,
}

/// What the "this trace" part of the LLM tab asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LlmTraceRequest {
    pub trace: usize,
    pub prices: PriceTable,
    pub calls: TableQuery,
    pub context: TableQuery,
    /// The step timeline of one agent run (table id `agents:<run>`, see `agent_view::steps_table_id`).
    pub agents: TableQuery,
}

/// A summary card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub key: String,
    pub value: String,
    pub sub: Option<String>,
    pub testid: String,
}

/// A button that jumps to a call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallLink {
    pub span: u32,
    pub text: String,
}

/// A window of one LLM table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LlmTableWindow {
    pub id: String,
    pub title: String,
    pub columns: Vec<TableColumn>,
    pub window: TableWindow,
}

/// The "this trace" part.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LlmTraceData {
    /// `None` when the trace does not exist.
    pub trace_id: Option<String>,
    /// Cards, extremes and the calls table; `None` when the trace has no calls.
    pub summary: Option<LlmTraceSummary>,
    /// The context table (agents, tools, wrappers), when the trace has context spans.
    pub context: Option<LlmTableWindow>,
    /// The agent view, when the trace has agent, tool, retrieval or chain spans.
    pub agents: Option<Box<AgentsPart>>,
}

/// The agent view of a trace: its runs, the step timeline of the asked run and the agent graph.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentsPart {
    /// A heading per run, in run order ("name · N steps · tokens · cost · latency").
    pub run_headings: Vec<String>,
    /// "N runs · M steps · …".
    pub summary: String,
    pub steps: LlmTableWindow,
    /// The agent graph as SVG text (labels escaped).
    pub graph_svg: Option<String>,
}

/// The summary of a trace with calls.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LlmTraceSummary {
    pub cards: Vec<Card>,
    pub most_expensive: Option<CallLink>,
    pub slowest: Option<CallLink>,
    pub calls: LlmTableWindow,
}

/// Which cross-trace part is asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AllPart {
    /// The four charts, themed.
    Charts { dark: bool },
    /// One table.
    Table(TableQuery),
}

/// What the "all loaded traces" part of the LLM tab asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LlmAllRequest {
    pub prices: PriceTable,
    pub part: AllPart,
}

/// The "all loaded traces" part.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LlmAllData {
    pub traces: usize,
    /// Calls in the loaded traces (0: the part says there are none).
    pub calls: usize,
    /// "N calls · $x priced · k unpriced · … tokens · cache hit rate …".
    pub totals: String,
    /// The tables one can show: (id, title), in display order.
    pub tables: Vec<(String, String)>,
    /// (test id, SVG text) per chart, for [`AllPart::Charts`].
    pub charts: Vec<(String, String)>,
    /// The table asked for, for [`AllPart::Table`].
    pub table: Option<LlmTableWindow>,
}

/// What a CSV export asks for: a table (of the trace, for `calls` and `context`) sorted
/// as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LlmCsvRequest {
    pub trace: usize,
    pub prices: PriceTable,
    pub id: String,
    pub sort: Option<(usize, bool)>,
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// "name · model · cost · latency" of a call.
pub fn call_label(c: &LlmCall) -> String {
    let cost = c.cost_usd.map(format::usd).unwrap_or_else(|| "cost unknown".into());
    format!("{} · {} · {} · {}", c.name, c.model_key(), cost, format::duration(c.latency_ns))
}

/// The six summary cards of a trace.
pub fn cards(s: &TraceLlmSummary) -> Vec<Card> {
    let t = &s.totals;
    let card = |key: &str, value: String, sub: Option<String>, testid: &str| Card { key: key.into(), value, sub, testid: testid.into() };
    let cost_sub = if t.unpriced_calls > 0 {
        format!("+ {} (unknown model or no usage)", format::count(t.unpriced_calls, "unpriced call"))
    } else {
        "all calls priced".to_string()
    };
    let (cp_value, cp_sub) = match (s.critical_path_share, s.critical_path_llm_ns) {
        (Some(share), Some(ns)) => (pct(share), Some(format!("{} of the critical path", format::duration(ns)))),
        _ => ("—".to_string(), None),
    };
    vec![
        card("LLM calls", format::thousands(t.calls), Some(format!("{}, {} rate-limited", format::count(t.errors, "error"), t.rate_limited)), "llm-calls-count"),
        card("Cost", if t.priced_calls == 0 { "unknown".to_string() } else { format::usd(t.cost_usd) }, Some(cost_sub), "llm-total-cost"),
        card(
            "Input tokens",
            format::thousands(t.input_tokens),
            Some(format!("{} cached read, {} cache write", format::thousands(t.cache_read_tokens), format::thousands(t.cache_creation_tokens))),
            "llm-input-tokens",
        ),
        card("Output tokens", format::thousands(t.output_tokens), Some(format!("{} reasoning", format::thousands(t.reasoning_tokens))), "llm-output-tokens"),
        card(
            "Waiting on LLM",
            pct(s.wall_share),
            Some(format!("{} of {} wall time", format::duration(s.llm_wall_ns), format::duration(s.trace_duration_ns))),
            "llm-wall-share",
        ),
        card("Critical path in LLM", cp_value, cp_sub, "llm-critical-share"),
    ]
}

/// The link to the call of `span` among `calls`.
pub fn call_link(calls: &[LlmCall], span: Option<u32>) -> Option<CallLink> {
    let c = calls.iter().find(|c| Some(c.span) == span)?;
    Some(CallLink { span: c.span, text: call_label(c) })
}

/// The cross-trace totals line.
pub fn totals_text(calls: &[LlmCall]) -> String {
    let t = LlmTotals::of(calls);
    format!(
        "{} · {} priced · {} unpriced · {} in / {} out tokens · cache hit rate {}",
        format::count(t.calls, "call"),
        format::usd(t.cost_usd),
        t.unpriced_calls,
        format::thousands(t.input_tokens),
        format::thousands(t.output_tokens),
        t.cache_hit_rate().map(pct).unwrap_or_else(|| "—".into())
    )
}

/// The width of a column of an LLM table.
fn column_width_px(name: &str, numeric: bool, first: bool) -> u32 {
    match name {
        "Cost" => 112,
        _ if numeric => 96,
        "Service" => 150,
        "Trace" | "Kind" => 84,
        "Span" | "Name" => 170,
        "Model" => 200,
        "Provider" | "Operation" | "Purpose" | "Cost source" | "Flag" => 100,
        "Error" | "Finish" | "Conversation" => 130,
        _ if first => 200,
        _ => 120,
    }
}

/// The columns of a table as the page draws them.
pub fn columns(t: &LlmTable) -> Vec<TableColumn> {
    t.columns.iter().enumerate().map(|(i, c)| TableColumn::new(&c.name, c.numeric, column_width_px(&c.name, c.numeric, i == 0))).collect()
}

/// The rows `range` of a (sorted) table.
pub fn table_window(t: &LlmTable, range: RowRange) -> LlmTableWindow {
    let r = range.clamped(t.rows.len());
    let error_col = t.columns.iter().position(|c| c.name == "Error");
    let rows = t.rows[r.from..r.to]
        .iter()
        .zip(r.from..r.to)
        .map(|(row, k)| TableRow {
            cells: row
                .iter()
                .enumerate()
                .map(|(i, cell)| {
                    let mut class: Vec<&str> = Vec::new();
                    if t.columns.get(i).is_some_and(|c| c.numeric) {
                        class.push("num");
                    }
                    if cell.text.contains('⚠') {
                        class.push("warn");
                    }
                    if error_col == Some(i) && !cell.text.is_empty() {
                        class.push("err");
                    }
                    if cell.text == "unknown" {
                        class.push("unknown");
                    }
                    let title = (cell.raw != cell.text && !cell.raw.is_empty()).then(|| cell.raw.clone());
                    TableCell { text: cell.text.clone(), title, class: class.join(" "), bar_px: None }
                })
                .collect(),
            span: t.row_spans.get(k).copied().flatten(),
            key: Vec::new(),
        })
        .collect();
    LlmTableWindow {
        id: t.id.clone(),
        title: t.title.clone(),
        columns: columns(t),
        window: TableWindow { total: t.rows.len(), from: r.from, rows },
    }
}

/// A copy of `t` sorted as shown (see `LlmTable::sort_by_column`).
pub fn sorted(t: &LlmTable, sort: Option<(usize, bool)>) -> LlmTable {
    let mut t = t.clone();
    if let Some((col, asc)) = sort {
        t.sort_by_column(col, asc);
    }
    t
}
