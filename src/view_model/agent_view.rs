//! The agent view's display data: a trace's [`AgentRun`]s and [`AgentGraph`] in; a
//! heading per run, the step timeline of one run as an [`LlmTable`] (one row per step in
//! start order; arguments truncated, full text in the CSV and the cell's title) and the
//! agent graph as SVG text (agents on the left, tools then models on the right, so no
//! edge passes under a box; every label is XML-escaped text on a halo) out.

use crate::analysis::agents::graph::{AgentGraph, Load, NodeKind};
use crate::analysis::agents::runs::{AgentRun, StepKind};
use crate::format;
use crate::view_model::llm_table::{Cell, Column, LlmTable};

/// Characters of tool arguments shown in a cell.
pub const ARGS_SHOWN_CHARS: usize = 20;

fn col(name: &str, numeric: bool, unit: &str) -> Column {
    Column { name: name.to_string(), numeric, csv_unit: unit.to_string() }
}

fn opt_int(v: Option<u64>) -> Cell {
    v.map(Cell::int).unwrap_or_else(|| Cell::text(""))
}

/// The table id of run `run`'s step timeline.
pub fn steps_table_id(run: usize) -> String {
    format!("agents:{run}")
}

/// The run of a step timeline's table id (`agents:<run>`).
pub fn run_of_table_id(id: &str) -> Option<usize> {
    id.strip_prefix("agents:")?.parse().ok()
}

/// A run's heading: "name · N steps · T tokens · $cost · latency" (unknown parts left out).
pub fn run_heading(run: &AgentRun) -> String {
    let n = run.steps.len();
    let mut t = format!("{} · {n} step{}", run.name, if n == 1 { "" } else { "s" });
    let known: Vec<u64> = run.steps.iter().flat_map(|s| [s.input_tokens, s.output_tokens]).flatten().collect();
    if !known.is_empty() {
        let k: u64 = known.iter().sum();
        t.push_str(&format!(" · {k} tokens"));
    }
    if let Some(c) = run.cost_usd {
        t.push_str(" · ");
        t.push_str(&format::usd(c));
    }
    t.push_str(" · ");
    t.push_str(&format::duration(run.duration_ns));
    t
}

/// The step timeline of one run, titled by its heading (an empty table for `None`).
pub fn steps_table(run: Option<&AgentRun>) -> LlmTable {
    let columns = vec![
        col("Step", true, ""),
        col("Start", true, "ms"),
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
    let run_start_ns = run.and_then(|r| r.steps.iter().map(|s| s.start_ns).min()).unwrap_or(0);
    for (i, s) in run.map(|r| r.steps.as_slice()).unwrap_or_default().iter().enumerate() {
        let args = s.arguments.clone().unwrap_or_default();
        let kind = if s.kind == StepKind::Agent { "agent (handoff)" } else { s.kind.as_str() };
        rows.push(vec![
            Cell::int(i as u64 + 1),
            Cell::dur(Some(s.start_ns.saturating_sub(run_start_ns))),
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
    let title = run.map(run_heading).unwrap_or_else(|| "Agent steps".into());
    LlmTable { id: "agents".into(), title, columns, rows, row_spans }
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
/// x of the agents column and of the targets column (tools, then models).
const COL_X: [f64; 2] = [40.0, 420.0];
const TOP: f64 = 30.0;
/// Room for a group heading ("Models") between tools and models.
const GROUP_GAP: f64 = 30.0;

/// Height of an edge label's box.
const LABEL_H: f64 = 15.0;
/// Where along its curve an edge label may sit, in order of preference.
const LABEL_TS: [f64; 9] = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85];

/// A point of the cubic Bézier curve p0 → p3 at `t`.
fn bezier(p: [(f64, f64); 4], t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let w = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
    (p.iter().zip(w).map(|(p, w)| p.0 * w).sum(), p.iter().zip(w).map(|(p, w)| p.1 * w).sum())
}

/// The agent graph as SVG text (`data-testid="agent-graph-svg"`), `None` for an empty graph.
/// Every edge starts at an agent, so agents stand on the left and tools and models on
/// the right: edges cross only the empty gap between the two columns. Edge labels sit on
/// their curve at the first point from the middle outwards free of earlier labels, drawn
/// over a halo of the background.
pub fn graph_svg(g: &AgentGraph) -> Option<String> {
    if g.nodes.is_empty() {
        return None;
    }
    let n_agents = g.nodes.iter().filter(|n| n.kind == NodeKind::Agent).count();
    let n_tools = g.nodes.iter().filter(|n| n.kind == NodeKind::Tool).count();
    let n_models = g.nodes.iter().filter(|n| n.kind == NodeKind::Model).count();
    let models_top = TOP + n_tools as f64 * ROW_H + if n_tools > 0 { GROUP_GAP } else { 0.0 };
    let mut seen = [0usize; 3];
    let mut pos: Vec<(f64, f64)> = Vec::with_capacity(g.nodes.len());
    for n in &g.nodes {
        let (c, top) = match n.kind {
            NodeKind::Agent => (0, TOP),
            NodeKind::Tool => (1, TOP),
            NodeKind::Model => (2, models_top),
        };
        pos.push((COL_X[c.min(1)], top + seen[c] as f64 * ROW_H));
        seen[c] += 1;
    }
    let bottom = (TOP + n_agents as f64 * ROW_H).max(models_top + n_models as f64 * ROW_H).max(TOP + n_tools as f64 * ROW_H);
    let (w, h) = (COL_X[1] + NODE_W + 20.0, bottom + 10.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"agent-graph-svg\" data-testid=\"agent-graph-svg\" role=\"img\" \
         aria-label=\"Agent graph: agents, tools and models\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\">"
    );
    s.push_str("<defs><marker id=\"ag-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"ag-arrow\"/></marker></defs>");
    let mut heads = vec![("Agents", COL_X[0], 18.0)];
    if n_tools > 0 {
        heads.push(("Tools", COL_X[1], 18.0));
    }
    if n_models > 0 {
        heads.push(("Models", COL_X[1], models_top - 12.0));
    }
    for (head, x, y) in heads {
        s.push_str(&format!("<text class=\"ag-head\" x=\"{x}\" y=\"{y}\">{head}</text>"));
    }
    let mut labels = String::new();
    // Placed label boxes (centre x, centre y, half width): a label takes the first point
    // along its curve, from the middle outwards, that overlaps none placed before.
    let mut placed: Vec<(f64, f64, f64)> = Vec::new();
    for e in &g.edges {
        let (Some(&(fx, fy)), Some(&(tx, ty))) = (pos.get(e.from), pos.get(e.to)) else { continue };
        let title = esc(&load_text(&e.load));
        let text = format!("{}×", e.load.count);
        let half_w = 4.0 + 3.6 * text.chars().count() as f64;
        let (path, p) = if (fx - tx).abs() < 1.0 {
            // Agent → agent handoff: a curve on the left of the agents column.
            let (y1, y2) = (fy + NODE_H / 2.0, ty + NODE_H / 2.0);
            (format!("M{fx},{y1} C{},{y1} {},{y2} {fx},{y2}", fx - 36.0, fx - 36.0), [(fx, y1), (fx - 36.0, y1), (fx - 36.0, y2), (fx, y2)])
        } else {
            let (x1, y1, x2, y2) = (fx + NODE_W, fy + NODE_H / 2.0, tx, ty + NODE_H / 2.0);
            (format!("M{x1},{y1} C{},{y1} {},{y2} {x2},{y2}", x1 + 70.0, x2 - 70.0), [(x1, y1), (x1 + 70.0, y1), (x2 - 70.0, y2), (x2, y2)])
        };
        let free = |&(x, y): &(f64, f64)| placed.iter().all(|&(px, py, pw)| (px - x).abs() >= pw + half_w || (py - y).abs() >= LABEL_H);
        let at = LABEL_TS.iter().map(|&t| bezier(p, t)).find(free).unwrap_or_else(|| bezier(p, 0.5));
        placed.push((at.0, at.1, half_w));
        s.push_str(&format!(
            "<g class=\"ag-edge\" data-testid=\"agent-graph-edge\"><title>{title}</title><path d=\"{path}\" marker-end=\"url(#ag-arrow)\"/></g>"
        ));
        // Labels are drawn after every edge, so no later curve runs over one.
        labels.push_str(&format!(
            "<text class=\"ag-edge-label\" data-testid=\"agent-graph-edge-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\"><title>{title}</title>{text}</text>",
            at.0,
            at.1 + 4.0
        ));
    }
    s.push_str(&labels);
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
