//! The LLM side of one trace: calls (from [`super::call`]) and optionally the trace's
//! critical path in; sums ([`LlmTotals`]), by-model sums, wall time and critical-path
//! share spent in calls, the most expensive and slowest call ([`TraceLlmSummary`]),
//! and the `"llm"` object of `clew analyze --json` out.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::call::{analyze_trace, LlmCall};
use crate::analysis::intervals::union_len;
use crate::analysis::pricing::PriceTable;
use crate::model::TraceSet;

/// Sums over a group of calls.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LlmTotals {
    pub calls: u64,
    pub priced_calls: u64,
    pub unpriced_calls: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_creation_tokens: u64,
    pub reasoning_tokens: u64,
    /// Priced calls only.
    pub cost_usd: f64,
    pub errors: u64,
    pub rate_limited: u64,
    pub truncated: u64,
    pub content_filtered: u64,
    pub latency_ns_sum: u64,
}

impl LlmTotals {
    pub fn add(&mut self, c: &LlmCall) {
        self.calls += 1;
        match c.cost_usd {
            Some(v) => {
                self.priced_calls += 1;
                self.cost_usd += v;
            }
            None => self.unpriced_calls += 1,
        }
        self.input_tokens = self.input_tokens.saturating_add(c.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(c.output_tokens);
        self.cache_read_tokens = self.cache_read_tokens.saturating_add(c.cache_read_tokens);
        self.cache_creation_tokens = self.cache_creation_tokens.saturating_add(c.cache_creation_tokens);
        self.reasoning_tokens = self.reasoning_tokens.saturating_add(c.reasoning_tokens);
        self.errors += c.error as u64;
        self.rate_limited += c.rate_limited as u64;
        self.truncated += c.truncated as u64;
        self.content_filtered += c.content_filtered as u64;
        self.latency_ns_sum = self.latency_ns_sum.saturating_add(c.latency_ns);
    }
    pub fn of(calls: &[LlmCall]) -> LlmTotals {
        let mut t = LlmTotals::default();
        for c in calls {
            t.add(c);
        }
        t
    }
    /// cache_read ÷ input, when there was input.
    pub fn cache_hit_rate(&self) -> Option<f64> {
        if self.input_tokens > 0 {
            Some(self.cache_read_tokens as f64 / self.input_tokens as f64)
        } else {
            None
        }
    }
}

/// The LLM side of one trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceLlmSummary {
    pub trace: usize,
    pub totals: LlmTotals,
    pub by_model: BTreeMap<String, LlmTotals>,
    pub trace_duration_ns: u64,
    /// Wall time during which at least one call was running (union of intervals).
    pub llm_wall_ns: u64,
    /// `llm_wall_ns ÷ trace duration` (0 when the trace has no duration).
    pub wall_share: f64,
    /// Critical-path time spent in calls (or inside their subtrees), when a critical path was given.
    pub critical_path_llm_ns: Option<u64>,
    /// `critical_path_llm_ns ÷` the sum of all critical-path contributions.
    pub critical_path_share: Option<f64>,
    /// Span index of the priced call with the highest cost.
    pub most_expensive: Option<u32>,
    /// Span index of the call with the longest latency.
    pub slowest: Option<u32>,
}

/// Summarizes the calls of one trace. `calls` may hold calls of other traces (they
/// are skipped). `critical_path` is `(span index, contribution_ns)` per span on the
/// trace's critical path, or `None` when not computed.
pub fn summarize_trace(set: &TraceSet, trace: usize, calls: &[LlmCall], critical_path: Option<&[(u32, u64)]>) -> TraceLlmSummary {
    let mut s = TraceLlmSummary { trace, ..Default::default() };
    let Some(t) = set.traces.get(trace) else { return s };
    s.trace_duration_ns = t.duration_ns;
    let mine: Vec<&LlmCall> = calls.iter().filter(|c| c.trace as usize == trace).collect();
    let mut intervals: Vec<(u64, u64)> = Vec::with_capacity(mine.len());
    for c in &mine {
        s.totals.add(c);
        match s.by_model.get_mut(c.model_key()) {
            Some(m) => m.add(c),
            None => s.by_model.entry(c.model_key().to_string()).or_default().add(c),
        }
        intervals.push((c.start_ns, c.start_ns.saturating_add(c.latency_ns)));
    }
    s.llm_wall_ns = union_len(&mut intervals, t.start_ns, t.start_ns.saturating_add(t.duration_ns));
    s.wall_share = if t.duration_ns > 0 { s.llm_wall_ns as f64 / t.duration_ns as f64 } else { 0.0 };

    if let Some(cp) = critical_path {
        let total: u64 = cp.iter().map(|(_, ns)| *ns).fold(0u64, |a, b| a.saturating_add(b));
        let inside = CallSubtrees::of(set, &mine);
        let mut llm_ns = 0u64;
        for (span, ns) in cp {
            // On a call, or inside one's subtree (pre-order: call <= span < subtree_end).
            if inside.contains(*span) {
                llm_ns = llm_ns.saturating_add(*ns);
            }
        }
        s.critical_path_llm_ns = Some(llm_ns);
        s.critical_path_share = Some(if total > 0 { llm_ns as f64 / total as f64 } else { 0.0 });
    }

    s.most_expensive = mine
        .iter()
        .filter_map(|c| c.cost_usd.map(|v| (v, c.span)))
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, span)| span);
    s.slowest = mine.iter().map(|c| (c.latency_ns, c.span)).max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1))).map(|(_, span)| span);
    s
}

/// The span ranges `[call, subtree_end)` of a set of calls, merged and sorted, so
/// that "is this span a call or inside one's subtree" is a binary search: built in
/// O(c log c), each question O(log c) (instead of a scan over every call).
struct CallSubtrees {
    /// Disjoint, ascending, non-adjacent `[start, end)` ranges of span indices.
    ranges: Vec<(u32, u32)>,
}

impl CallSubtrees {
    fn of(set: &TraceSet, calls: &[&LlmCall]) -> CallSubtrees {
        let mut iv: Vec<(u32, u32)> = calls
            .iter()
            .map(|c| (c.span, set.spans.get(c.span as usize).map(|x| x.subtree_end).unwrap_or(c.span.saturating_add(1))))
            .filter(|(start, end)| end > start)
            .collect();
        iv.sort_unstable();
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(iv.len());
        for (start, end) in iv {
            match ranges.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => ranges.push((start, end)),
            }
        }
        CallSubtrees { ranges }
    }
    fn contains(&self, span: u32) -> bool {
        // The last range starting at or before `span`.
        let i = self.ranges.partition_point(|r| r.0 <= span);
        i > 0 && span < self.ranges[i - 1].1
    }
}

/// Rounds a USD amount to 1e-10 so that sums print without float noise.
pub fn round_usd(v: f64) -> f64 {
    if v.is_finite() {
        (v * 1e10).round() / 1e10
    } else {
        0.0
    }
}

/// The `"llm"` object of one trace in `clew analyze --json`:
/// `{"calls", "input_tokens", "output_tokens", "cached_input_tokens", "cost_usd",
/// "unpriced_calls", "by_model": {"<model>": {"calls", "input_tokens", "output_tokens", "cost_usd"}}}`.
/// `cost_usd` sums priced calls only; `cached_input_tokens` is the cache-read tokens.
pub fn trace_llm_json(set: &TraceSet, trace: usize, prices: &PriceTable) -> Value {
    let a = analyze_trace(set, trace, prices);
    let s = summarize_trace(set, trace, &a.calls, None);
    summary_json(&s)
}

/// The JSON object of [`trace_llm_json`] from an existing summary.
pub fn summary_json(s: &TraceLlmSummary) -> Value {
    let by_model: serde_json::Map<String, Value> = s
        .by_model
        .iter()
        .map(|(m, t)| {
            (
                m.clone(),
                json!({"calls": t.calls, "input_tokens": t.input_tokens, "output_tokens": t.output_tokens, "cost_usd": round_usd(t.cost_usd)}),
            )
        })
        .collect();
    json!({
        "calls": s.totals.calls,
        "input_tokens": s.totals.input_tokens,
        "output_tokens": s.totals.output_tokens,
        "cached_input_tokens": s.totals.cache_read_tokens,
        "cost_usd": round_usd(s.totals.cost_usd),
        "unpriced_calls": s.totals.unpriced_calls,
        "by_model": Value::Object(by_model),
    })
}
