//! A loaded [`TraceSet`] in, the `clew analyze` report out: one JSON object
//! (`--json`) or a readable text summary. Field names are a stable contract.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::analysis;
use crate::format;
use crate::model::*;

/// What goes into a report besides the set itself.
#[derive(Default)]
pub struct ReportOptions {
    pub prices: analysis::pricing::PriceTable,
    pub patterns: analysis::patterns::PatternConfig,
}

/// Sorted service names of one trace.
pub fn trace_services(set: &TraceSet, trace: &Trace) -> Vec<String> {
    let ids: BTreeSet<&str> = set.trace_spans(trace).iter().map(|s| set.service_of(s)).collect();
    ids.into_iter().map(|s| s.to_string()).collect()
}

fn warning_json(set: &TraceSet, w: &Warning) -> Value {
    let span_id = set.spans.get(w.span as usize).map(|s| s.span_id.to_text(&set.strings));
    json!({"kind": w.kind.as_str(), "span_id": span_id, "message": w.message})
}

/// The per-trace `llm` object, with the critical-path share filled in.
fn llm_json(set: &TraceSet, trace: usize, opts: &ReportOptions, critical_path: &[(u32, u64)]) -> Value {
    let a = analysis::llm::call::analyze_trace(set, trace, &opts.prices);
    let s = analysis::llm::summary::summarize_trace(set, trace, &a.calls, Some(critical_path));
    analysis::llm::summary::summary_json(&s)
}

/// The JSON object of `clew analyze --json`.
pub fn analyze_json(set: &TraceSet, opts: &ReportOptions) -> Value {
    let mut traces = Vec::with_capacity(set.traces.len());
    // One pass over all traces: patterns that recur across traces (late starts) are found together.
    let mut patterns = analysis::patterns::patterns_all_json(set, &opts.patterns).into_iter();
    let mut graphs = analysis::service_graph::dependency_graphs(set).into_iter();
    for (ti, t) in set.traces.iter().enumerate() {
        let root = set.spans.get(t.root as usize);
        let cp = analysis::critical_path::critical_path(set, ti);
        let cp_pairs: Vec<(u32, u64)> = cp.contributions.iter().map(|c| (c.span, c.contribution_ns)).collect();
        traces.push(json!({
            "trace_id": t.trace_id.to_text(&set.strings),
            "spans": t.spans.len,
            "services": trace_services(set, t),
            "root_service": root.map(|s| set.service_of(s)).unwrap_or(""),
            "root_name": root.map(|s| set.name_of(s)).unwrap_or(""),
            "start_ns": t.start_ns,
            "duration_ns": t.duration_ns,
            "errors": t.errors,
            "max_depth": t.max_depth,
            "warnings": set.trace_warnings(t).iter().map(|w| warning_json(set, w)).collect::<Vec<_>>(),
            "critical_path": analysis::critical_path::path_json(set, &cp),
            "patterns": patterns.next().unwrap_or(Value::Array(Vec::new())),
            "dependency_graph": analysis::service_graph::dependency_graph_to_json(&graphs.next().unwrap_or_default()),
            "llm": llm_json(set, ti, opts, &cp_pairs),
        }));
    }
    let set_warnings: Vec<Value> = set.warnings[set.set_warnings.range()].iter().map(|w| warning_json(set, w)).collect();
    json!({
        "totals": {
            "traces": set.traces.len(),
            "spans": set.spans.len(),
            "warnings": set.warnings.len(),
        },
        "sources": set.sources.iter().map(|s| json!({"name": s.name, "format": s.format, "spans": s.spans})).collect::<Vec<_>>(),
        "set_warnings": set_warnings,
        "traces": traces,
        "service_graph": analysis::service_graph::service_graph_json(set),
        "dependency_graph": analysis::service_graph::dependency_graph_to_json(&analysis::service_graph::dependency_graph(set, None)),
    })
}

/// A readable summary for the terminal.
pub fn analyze_text(set: &TraceSet, opts: &ReportOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} trace(s), {} span(s), {} warning(s)",
        set.traces.len(),
        format::thousands(set.spans.len() as u64),
        set.warnings.len()
    );
    for s in &set.sources {
        let _ = writeln!(out, "  read {} as {} ({} spans)", s.name, s.format, s.spans);
    }
    for w in &set.warnings[set.set_warnings.range()] {
        let _ = writeln!(out, "  warning [{}] {}", w.kind.as_str(), w.message);
    }
    let mut patterns = analysis::patterns::patterns_all_json(set, &opts.patterns).into_iter();
    for (ti, t) in set.traces.iter().enumerate() {
        let root = set.spans.get(t.root as usize);
        let _ = writeln!(out);
        let _ = writeln!(out, "trace {}", t.trace_id.to_text(&set.strings));
        let _ = writeln!(
            out,
            "  root      {} / {}",
            root.map(|s| set.service_of(s)).unwrap_or(""),
            root.map(|s| set.name_of(s)).unwrap_or("")
        );
        let _ = writeln!(out, "  duration  {}", format::duration(t.duration_ns));
        let _ = writeln!(
            out,
            "  spans     {}   depth {}   errors {}   warnings {}",
            t.spans.len,
            t.max_depth,
            t.errors,
            t.warnings.len
        );
        let _ = writeln!(out, "  services  {}", trace_services(set, t).join(", "));
        let cp = analysis::critical_path::critical_path(set, ti);
        let mut top: Vec<_> = cp.contributions.iter().collect();
        top.sort_by(|a, b| b.contribution_ns.cmp(&a.contribution_ns).then(a.span.cmp(&b.span)));
        if !top.is_empty() {
            let _ = writeln!(out, "  critical path, largest contributors:");
            for c in top.iter().take(5) {
                let s = &set.spans[c.span as usize];
                let _ = writeln!(
                    out,
                    "    {:>9}  {:>5.1}%  {} / {}",
                    format::duration(c.contribution_ns),
                    c.percent,
                    set.service_of(s),
                    set.name_of(s)
                );
            }
        }
        let cp_pairs: Vec<(u32, u64)> = cp.contributions.iter().map(|c| (c.span, c.contribution_ns)).collect();
        let llm = llm_json(set, ti, opts, &cp_pairs);
        let calls = llm["calls"].as_u64().unwrap_or(0);
        if calls > 0 {
            let unpriced = llm["unpriced_calls"].as_u64().unwrap_or(0);
            // Unpriced calls add nothing to the cost: with none priced it is unknown, not $0.
            let cost = if unpriced >= calls { "cost unknown".to_string() } else { format::usd(llm["cost_usd"].as_f64().unwrap_or(0.0)) };
            let _ = writeln!(
                out,
                "  LLM       {} call(s), {} in / {} out tokens, {}{}",
                calls,
                llm["input_tokens"],
                llm["output_tokens"],
                cost,
                match unpriced {
                    0 => String::new(),
                    n if n >= calls => String::new(),
                    n => format!(" (+{n} call(s) with unknown price)"),
                }
            );
        }
        let pats = patterns.next().unwrap_or(Value::Array(Vec::new()));
        if let Some(list) = pats.as_array() {
            for p in list.iter().take(5) {
                let _ = writeln!(out, "  pattern   [{}] {}", p["kind"].as_str().unwrap_or(""), p["message"].as_str().unwrap_or(""));
            }
        }
        let ws = set.trace_warnings(t);
        for w in ws.iter().take(10) {
            let _ = writeln!(out, "  warning   [{}] {}", w.kind.as_str(), w.message);
        }
        if ws.len() > 10 {
            let _ = writeln!(out, "  … and {} more warning(s); use --json for all", ws.len() - 10);
        }
    }
    out
}
