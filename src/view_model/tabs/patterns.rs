//! The patterns tab's data: a trace's findings (ranked by `analysis::patterns` with the
//! thresholds asked for), a kind filter and a row window in; the count of findings and
//! the window's findings as display text with their spans out; or every finding of the
//! kind as CSV ([`csv`]).

use serde::{Deserialize, Serialize};

use crate::analysis::patterns::{Finding, PatternConfig};
use crate::format;
use crate::model::TraceSet;
use crate::view_model::csv::to_csv;
use crate::view_model::list_window::RowRange;

/// [`PatternConfig`] as it travels between the page and the worker.
#[derive(Serialize, Deserialize)]
#[serde(remote = "PatternConfig")]
struct PatternConfigDef {
    sequential_min_calls: usize,
    sequential_min_saving_ns: u64,
    gap_min_ns: u64,
    gap_min_percent: f64,
    n_plus_one_min: usize,
    late_start_min_percent: f64,
    late_start_min_ns: u64,
    late_start_min_occurrences: usize,
    retry_storm_min: usize,
    fan_out_min: usize,
    agent_loop_min: usize,
    context_growth_min_calls: usize,
    max_per_kind: usize,
}

/// What the patterns tab asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PatternsRequest {
    pub trace: usize,
    #[serde(with = "PatternConfigDef")]
    pub config: PatternConfig,
    /// Only findings of this kind (`PatternKind::as_str`); every kind when `None`.
    pub kind: Option<String>,
    pub rows: RowRange,
}

/// One finding as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    pub kind: String,
    pub impact: String,
    pub message: String,
    /// Its spans (at most `MAX_FINDING_SPANS`); the first is the one to jump to.
    pub spans: Vec<u32>,
}

/// What the patterns tab gets back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PatternsData {
    /// Findings of every kind.
    pub total: usize,
    /// Findings of the kind asked for (the list's length).
    pub shown: usize,
    pub from: usize,
    pub rows: Vec<FindingRow>,
}

/// The findings of the kind asked for, ranked.
fn shown<'a>(findings: &'a [Finding], req: &PatternsRequest) -> Vec<&'a Finding> {
    findings.iter().filter(|f| req.kind.as_deref().is_none_or(|k| f.kind.as_str() == k)).collect()
}

/// The tab's answer for `req` from the trace's findings.
pub fn answer(findings: &[Finding], req: &PatternsRequest) -> PatternsData {
    let shown = shown(findings, req);
    let r = req.rows.clamped(shown.len());
    let rows = shown[r.from..r.to]
        .iter()
        .map(|f| FindingRow {
            kind: f.kind.as_str().to_string(),
            impact: format::duration(f.impact_ns),
            message: f.message.clone(),
            spans: f.spans.clone(),
        })
        .collect();
    PatternsData { total: findings.len(), shown: shown.len(), from: r.from, rows }
}

/// Every finding of the kind asked for, ranked as listed, as CSV (formula-safe cells): the
/// kind, the time at stake in ms, the message, and the ids of its spans (space separated).
pub fn csv(set: &TraceSet, findings: &[Finding], req: &PatternsRequest) -> String {
    let header: Vec<String> = ["kind", "impact_ms", "message", "span_ids"].iter().map(|h| h.to_string()).collect();
    let id = |s: &u32| set.spans.get(*s as usize).map(|s| s.span_id.to_text(&set.strings)).unwrap_or_default();
    let body: Vec<Vec<String>> = shown(findings, req)
        .into_iter()
        .map(|f| {
            let spans: Vec<String> = f.spans.iter().map(id).collect();
            vec![f.kind.as_str().to_string(), format!("{:.3}", f.impact_ns as f64 / 1e6), f.message.clone(), spans.join(" ")]
        })
        .collect();
    to_csv(&header, &body)
}
