//! A loaded [`TraceSet`] in, the `clew analyze` report out: one JSON object
//! (`--json`) or a readable text summary. Field names are a stable contract.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::core::format;
use crate::core::model::*;

/// What goes into a report besides the set itself.
#[derive(Default)]
pub struct ReportOptions {}

/// Sorted service names of one trace.
pub fn trace_services(set: &TraceSet, trace: &Trace) -> Vec<String> {
    let ids: BTreeSet<&str> = set.trace_spans(trace).iter().map(|s| set.service_of(s)).collect();
    ids.into_iter().map(|s| s.to_string()).collect()
}

fn warning_json(set: &TraceSet, w: &Warning) -> Value {
    let span_id = set.spans.get(w.span as usize).map(|s| s.span_id.to_text(&set.strings));
    json!({"kind": w.kind.as_str(), "span_id": span_id, "message": w.message})
}

/// The JSON object of `clew analyze --json`.
pub fn analyze_json(set: &TraceSet, opts: &ReportOptions) -> Value {
    let mut traces = Vec::with_capacity(set.traces.len());
    for (ti, t) in set.traces.iter().enumerate() {
        let root = set.spans.get(t.root as usize);
        let _ = ti;
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
        let _ = (ti, opts);
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
