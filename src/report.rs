//! A loaded [`TraceSet`] in, the `clew analyze` report out: one JSON object
//! (`--json`) or a readable text summary. Field names are a stable contract.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::ser::Serializer;
use serde::Serialize;
use serde_json::{json, Map, Value};

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

/// A warning as `{"kind","message","span_id"}` (fields in key order).
#[derive(Serialize)]
struct WarningJson<'a> {
    kind: &'a str,
    message: &'a str,
    span_id: Option<String>,
}

/// Warnings as a JSON array, serialized straight from the set.
struct WarningsJson<'a> {
    set: &'a TraceSet,
    warnings: &'a [Warning],
}

impl Serialize for WarningsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let set = self.set;
        serializer.collect_seq(self.warnings.iter().map(|w| WarningJson {
            kind: w.kind.as_str(),
            message: &w.message,
            span_id: set.spans.get(w.span as usize).map(|s| s.span_id.to_text(&set.strings)),
        }))
    }
}

/// The per-trace `llm` object, with the critical-path share filled in.
fn llm_json(set: &TraceSet, trace: usize, opts: &ReportOptions, critical_path: &[(u32, u64)]) -> Value {
    let a = analysis::llm::call::analyze_trace(set, trace, &opts.prices);
    let s = analysis::llm::summary::summarize_trace(set, trace, &a.calls, Some(critical_path));
    analysis::llm::summary::summary_json(&s)
}

/// One element of the `traces` array of `clew analyze --json`; fields in key order
/// (sorted, as in the JSON object). The critical path and the warnings, the parts
/// that grow with the trace, are written straight from the analysis.
#[derive(Serialize)]
struct TraceJson<'a> {
    agents: Value,
    critical_path: analysis::critical_path::PathJson<'a>,
    dependency_graph: Value,
    duration_ns: u64,
    errors: u32,
    llm: Value,
    max_depth: u32,
    patterns: Value,
    root_name: &'a str,
    root_service: &'a str,
    services: Vec<String>,
    spans: u32,
    start_ns: u64,
    trace_id: String,
    warnings: WarningsJson<'a>,
}

/// Calls `each` with every trace's object of `clew analyze --json`, in trace order.
/// Set-wide work (late-start counts, attribute lookups) is done once; each trace's
/// findings, graph and path are made when its turn comes.
fn each_trace_json(
    set: &TraceSet,
    opts: &ReportOptions,
    mut each: impl FnMut(&TraceJson<'_>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut patterns = analysis::patterns::patterns_each(set, &opts.patterns);
    let mut graphs = analysis::service_graph::dependency_graphs(set);
    for (ti, t) in set.traces.iter().enumerate() {
        let findings = patterns.next().unwrap_or_default();
        let graph = graphs.next().unwrap_or_default();
        let root = set.spans.get(t.root as usize);
        let cp = analysis::critical_path::critical_path(set, ti);
        let cp_pairs: Vec<(u32, u64)> = cp.contributions.iter().map(|c| (c.span, c.contribution_ns)).collect();
        each(&TraceJson {
            agents: analysis::agents::agents_json(set, ti, &opts.prices),
            critical_path: analysis::critical_path::PathJson { set, cp: &cp },
            dependency_graph: analysis::service_graph::dependency_graph_to_json(&graph),
            duration_ns: t.duration_ns,
            errors: t.errors,
            llm: llm_json(set, ti, opts, &cp_pairs),
            max_depth: t.max_depth,
            patterns: analysis::patterns::findings_json(set, &findings),
            root_name: root.map(|s| set.name_of(s)).unwrap_or(""),
            root_service: root.map(|s| set.service_of(s)).unwrap_or(""),
            services: trace_services(set, t),
            spans: t.spans.len,
            start_ns: t.start_ns,
            trace_id: t.trace_id.to_text(&set.strings),
            warnings: WarningsJson { set, warnings: set.trace_warnings(t) },
        })?;
    }
    Ok(())
}

/// Everything of `clew analyze --json` but the traces, with `"traces": null` in place.
fn head_json(set: &TraceSet) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("totals".into(), json!({"traces": set.traces.len(), "spans": set.spans.len(), "warnings": set.warnings.len()}));
    let sources = set.sources.iter().map(|s| json!({"name": s.name, "format": s.format, "spans": s.spans})).collect();
    o.insert("sources".into(), Value::Array(sources));
    o.insert("skew".into(), skew_json(set, None));
    let set_warnings = WarningsJson { set, warnings: &set.warnings[set.set_warnings.range()] };
    o.insert("set_warnings".into(), serde_json::to_value(set_warnings).unwrap_or_default());
    o.insert("traces".into(), Value::Null);
    o.insert("service_graph".into(), analysis::service_graph::service_graph_json(set));
    let graph = analysis::service_graph::dependency_graph(set, None);
    o.insert("dependency_graph".into(), analysis::service_graph::dependency_graph_to_json(&graph));
    o
}

/// Whether the times are adjusted for clock skew and how many spans of `traces` (all
/// of them for `None`) moved: `{"adjusted": bool, "spans_moved": n}`.
pub fn skew_json(set: &TraceSet, traces: Option<&[usize]>) -> Value {
    json!({"adjusted": set.skew.adjusted, "spans_moved": skew_moved(set, traces)})
}

/// The number of spans the clock-skew adjustment moved in `traces` (each counted once),
/// or over the whole set.
fn skew_moved(set: &TraceSet, traces: Option<&[usize]>) -> usize {
    match traces {
        None => (0..set.traces.len()).map(|t| analysis::skew::moved_in_trace(set, t)).sum(),
        Some(ts) => {
            let mut ts = ts.to_vec();
            ts.sort_unstable();
            ts.dedup();
            ts.into_iter().map(|t| analysis::skew::moved_in_trace(set, t)).sum()
        }
    }
}

/// The line saying whether the times were adjusted for clock skew, counting the moved
/// spans of `traces` (all of them for `None`).
pub fn skew_line(set: &TraceSet, traces: Option<&[usize]>) -> String {
    match (set.skew.adjusted, skew_moved(set, traces)) {
        (false, _) => "times as recorded (no clock-skew adjustment)".to_string(),
        (true, 1) => "times adjusted for clock skew (1 span moved)".to_string(),
        (true, n) => format!("times adjusted for clock skew ({n} spans moved)"),
    }
}

/// The JSON object of `clew analyze --json`.
pub fn analyze_json(set: &TraceSet, opts: &ReportOptions) -> Value {
    let mut traces = Vec::with_capacity(set.traces.len());
    let _ = each_trace_json(set, opts, |v| {
        traces.push(serde_json::to_value(v)?);
        Ok(())
    });
    let mut o = head_json(set);
    o.insert("traces".into(), Value::Array(traces));
    Value::Object(o)
}

/// Writes [`analyze_json`] as compact JSON (the same bytes as `serde_json::to_writer`
/// of it) one trace at a time, so the whole report is never held in memory.
pub fn write_analyze_json<W: std::io::Write>(set: &TraceSet, opts: &ReportOptions, w: &mut W) -> std::io::Result<()> {
    w.write_all(b"{")?;
    for (k, (key, value)) in head_json(set).iter().enumerate() {
        if k > 0 {
            w.write_all(b",")?;
        }
        serde_json::to_writer(&mut *w, key)?;
        w.write_all(b":")?;
        if key != "traces" {
            serde_json::to_writer(&mut *w, value)?;
            continue;
        }
        w.write_all(b"[")?;
        let mut first = true;
        each_trace_json(set, opts, |v| {
            if !first {
                w.write_all(b",")?;
            }
            first = false;
            Ok(serde_json::to_writer(&mut *w, v)?)
        })?;
        w.write_all(b"]")?;
    }
    w.write_all(b"}")
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
    let _ = writeln!(out, "  {}", skew_line(set, None));
    for w in &set.warnings[set.set_warnings.range()] {
        let _ = writeln!(out, "  warning [{}] {}", w.kind.as_str(), w.message);
    }
    let mut patterns = analysis::patterns::patterns_each(set, &opts.patterns);
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
        for f in patterns.next().unwrap_or_default().iter().take(5) {
            let _ = writeln!(out, "  pattern   [{}] {}", f.kind.as_str(), f.message);
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
