//! The agent view's display data: a trace's [`AgentRun`]s and [`AgentGraph`] in; the
//! step timeline as an [`LlmTable`] (one row per step, runs in span order, steps in
//! start order; arguments truncated, full text in the CSV and the cell's title) and the
//! agent graph as SVG text (agents, tools and models in three columns; every label is
//! XML-escaped text) out.

use crate::analysis::agents::graph::{AgentGraph, Load, NodeKind};
use crate::analysis::agents::runs::{AgentRun, StepKind};
use crate::format;
use crate::view_model::llm_table::{Cell, Column, LlmTable};

/// Characters of tool arguments shown in a cell.
pub const ARGS_SHOWN_CHARS: usize = 60;

fn col(name: &str, numeric: bool, unit: &str) -> Column {
    Column { name: name.to_string(), numeric, csv_unit: unit.to_string() }
}

fn opt_int(v: Option<u64>) -> Cell {
    v.map(Cell::int).unwrap_or_else(|| Cell::text(""))
}

/// The step timeline of a trace's runs.
pub fn steps_table(runs: &[AgentRun]) -> LlmTable {
    let columns = vec![
        col("Run", false, ""),
        col("Step", true, ""),
        col("Kind", false, ""),
        col("Name", false, ""),
        col("Input", true, "tokens"),
        col("Output", true, "tokens"),
        col("Cost", true, "USD"),
        col("Latency", true, "ms"),
        col("Follow-up", true, "tokens"),
        col("Follow-up cost", true, "USD"),
        col("Arguments", false, ""),
        col("Error", false, ""),
    ];
    let mut rows = Vec::new();
    let mut row_spans = Vec::new();
    for run in runs {
        for (i, s) in run.steps.iter().enumerate() {
            let args = s.arguments.clone().unwrap_or_default();
            let kind = if s.kind == StepKind::Agent { "agent (handoff)" } else { s.kind.as_str() };
            rows.push(vec![
                Cell::text(run.name.clone()),
                Cell::int(i as u64 + 1),
                Cell::text(kind),
                Cell::text(s.name.clone().unwrap_or_else(|| "(unknown)".into())),
                opt_int(s.input_tokens),
                opt_int(s.output_tokens),
                s.cost_usd.map(|c| Cell::usd(Some(c))).unwrap_or_else(|| Cell::text("")),
                Cell::dur(Some(s.duration_ns)),
                opt_int(s.follow_up_tokens),
                s.follow_up_cost_usd.map(|c| Cell::usd(Some(c))).unwrap_or_else(|| Cell::text("")),
                Cell { text: format::ellipsis(&args, ARGS_SHOWN_CHARS), raw: args, num: None },
                Cell::text(if s.rate_limited { "rate limited" } else if s.error { "error" } else { "" }),
            ]);
            row_spans.push(Some(s.span));
        }
    }
    LlmTable { id: "agents".into(), title: "Agent steps".into(), columns, rows, row_spans }
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn load_text(l: &Load) -> String {
    let cost = l.cost_usd.map(format::usd).unwrap_or_default();
    let mut t = format!("{}× · {}", l.count, format::duration(l.duration_ns));
    if !cost.is_empty() {
        t.push_str(" · ");
        t.push_str(&cost);
    }
    t
}

const NODE_W: f64 = 200.0;
const NODE_H: f64 = 40.0;
const ROW_H: f64 = 56.0;
const COL_X: [f64; 3] = [20.0, 330.0, 640.0];
const TOP: f64 = 30.0;

/// The agent graph as SVG text (`data-testid="agent-graph-svg"`), `None` for an empty graph.
pub fn graph_svg(g: &AgentGraph) -> Option<String> {
    if g.nodes.is_empty() {
        return None;
    }
    let column = |k: NodeKind| match k {
        NodeKind::Agent => 0,
        NodeKind::Tool => 1,
        NodeKind::Model => 2,
    };
    let mut row_in_col = [0usize; 3];
    let mut pos: Vec<(f64, f64)> = Vec::with_capacity(g.nodes.len());
    for n in &g.nodes {
        let c = column(n.kind);
        pos.push((COL_X[c], TOP + row_in_col[c] as f64 * ROW_H));
        row_in_col[c] += 1;
    }
    let rows = row_in_col.iter().copied().max().unwrap_or(1) as f64;
    let (w, h) = (COL_X[2] + NODE_W + 20.0, TOP + rows * ROW_H + 10.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"agent-graph-svg\" data-testid=\"agent-graph-svg\" role=\"img\" \
         aria-label=\"Agent graph: agents, tools and models\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\">"
    );
    s.push_str("<defs><marker id=\"ag-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"ag-arrow\"/></marker></defs>");
    for (i, head) in ["Agents", "Tools", "Models"].iter().enumerate() {
        s.push_str(&format!("<text class=\"ag-head\" x=\"{}\" y=\"18\">{head}</text>", COL_X[i]));
    }
    for e in &g.edges {
        let (Some(&(fx, fy)), Some(&(tx, ty))) = (pos.get(e.from), pos.get(e.to)) else { continue };
        let label = esc(&load_text(&e.load));
        let (path, lx, ly) = if (fx - tx).abs() < 1.0 {
            // Agent → agent handoff: a curve on the left of the agents column.
            let (y1, y2) = (fy + NODE_H / 2.0, ty + NODE_H / 2.0);
            (format!("M{fx},{y1} C{},{y1} {},{y2} {fx},{y2}", fx - 18.0, fx - 18.0), fx + 4.0, (y1 + y2) / 2.0)
        } else {
            let (x1, y1, x2, y2) = (fx + NODE_W, fy + NODE_H / 2.0, tx, ty + NODE_H / 2.0);
            (format!("M{x1},{y1} C{},{y1} {},{y2} {x2},{y2}", x1 + 50.0, x2 - 50.0), (x1 + x2) / 2.0 - 40.0, (y1 + y2) / 2.0 - 4.0)
        };
        s.push_str(&format!(
            "<g class=\"ag-edge\" data-testid=\"agent-graph-edge\"><title>{label}</title><path d=\"{path}\" marker-end=\"url(#ag-arrow)\"/>\
             <text x=\"{lx}\" y=\"{ly}\">{}×</text></g>",
            e.load.count
        ));
    }
    for (n, &(x, y)) in g.nodes.iter().zip(&pos) {
        let name = esc(&format::ellipsis(&n.name, 26));
        s.push_str(&format!(
            "<g class=\"ag-node ag-{kind}\" data-testid=\"agent-graph-node\" data-kind=\"{kind}\"><title>{}</title>\
             <rect x=\"{x}\" y=\"{y}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"6\"/>\
             <text x=\"{}\" y=\"{}\" class=\"ag-name\">{name}</text><text x=\"{}\" y=\"{}\" class=\"ag-load\">{}</text></g>",
            esc(&n.name),
            x + 8.0,
            y + 16.0,
            x + 8.0,
            y + 32.0,
            esc(&load_text(&n.load)),
            kind = n.kind.as_str(),
        ));
    }
    s.push_str("</svg>");
    Some(s)
}
