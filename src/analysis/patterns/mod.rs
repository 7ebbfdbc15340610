//! Latency patterns: one trace (plus, for recurrence, the rest of the set) and a
//! [`PatternConfig`] in; ranked [`Finding`]s out, each naming its spans, the time at
//! stake (`impact_ns`) and a human message.
//!
//! Kinds (printed names): `sequential`, `gap`, `n_plus_one`, `late_start`, `retry`,
//! `error_origin`, `fan_out`, and for LLM and agent traces `agent_loop`, `llm_retry`,
//! `context_growth` (see their files). How each latency kind is found, per parent span P and its children:
//!
//! ```text
//! sequential   P [=================================================]     calls to other services /
//!                 [ a 200 ][ b 180 ][  c 220  ]                           DB / LLM, one step after another
//!                 impact = sum - max = 600 - 220 = 380 ms                 (distinct operations only;
//!                                                                          overlapping calls = one step)
//! gap          P [=================================================]     parent time no child covers
//!                 <-144->[ child 440 ms ...........]<------216------>    impact = 144 + 216 = 360 ms
//! n_plus_one   P [=================================================]     >= 5 siblings with the same
//!                 [q][q][q][q][q][q]                                      normalized statement / route
//!                 impact = wall time of the group - one call
//! late_start   P [=================================================]     a child idle-waits >= X% of P
//!                 <------ wait ------>[ child ]                           before it starts, and the same
//!                                                                         (parent op, child op) does it
//!                                                                         >= 2 times in the set
//! retry        P [==================================]                    same operation again after an
//!                 [x err][x err][x ok]                                    error; a storm at >= 3 attempts
//!                 impact = last attempt start - first attempt start
//! error_origin   error root E ─▶ error child ─▶ ... ─▶ deepest error span (the origin)
//!                 impact = duration of E
//! fan_out      P [=====================]                                 most children running at once
//!                 [c1][c2][c3][c4][c5]... (stacked)                       impact = wall time of the fan-out
//! ```
//!
//! A trace cannot prove a data dependency, so `sequential` findings are candidates.
//! The same operation repeated under one parent is `n_plus_one` or `retry`, never
//! `sequential`. Findings are ranked by impact (ties: kind, then first span).
//!
//! This module holds the config, the finding, the walk over parents and the JSON;
//! one submodule per kind finds it, and [`rank`] keeps the top findings per kind.

mod agent_loop;
mod context_growth;
mod error_origin;
mod fan_out;
mod gap;
mod late_start;
mod llm_retry;
pub mod n_plus_one;
mod rank;
mod retry;
mod sequential;

use std::collections::{BTreeMap, HashMap};

use serde_json::json;

use super::agents::runs::agent_runs_from;
use super::attr_lookup::AttrLookup;
use super::llm::call::analyze_trace;
use super::pricing::PriceTable;
use super::tree::children;
use crate::model::{Span, TraceSet};
use late_start::{late_counts, LateKey};
use rank::Top;

/// The kind of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PatternKind {
    Sequential,
    Gap,
    NPlusOne,
    LateStart,
    Retry,
    ErrorOrigin,
    FanOut,
    AgentLoop,
    LlmRetry,
    ContextGrowth,
}

impl PatternKind {
    pub const ALL: [PatternKind; 10] = [
        PatternKind::Sequential,
        PatternKind::Gap,
        PatternKind::NPlusOne,
        PatternKind::LateStart,
        PatternKind::Retry,
        PatternKind::ErrorOrigin,
        PatternKind::FanOut,
        PatternKind::AgentLoop,
        PatternKind::LlmRetry,
        PatternKind::ContextGrowth,
    ];
    /// The printed name.
    pub fn as_str(self) -> &'static str {
        match self {
            PatternKind::Sequential => "sequential",
            PatternKind::Gap => "gap",
            PatternKind::NPlusOne => "n_plus_one",
            PatternKind::LateStart => "late_start",
            PatternKind::Retry => "retry",
            PatternKind::ErrorOrigin => "error_origin",
            PatternKind::FanOut => "fan_out",
            PatternKind::AgentLoop => "agent_loop",
            PatternKind::LlmRetry => "llm_retry",
            PatternKind::ContextGrowth => "context_growth",
        }
    }
}

/// Thresholds. `Default` gives the documented defaults; the UI lets the user change them.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternConfig {
    /// `sequential`: at least this many steps in sequence (calls that overlap each
    /// other count as one step).
    pub sequential_min_calls: usize,
    /// `sequential`: report only when the estimated saving (sum − max) is at least this.
    pub sequential_min_saving_ns: u64,
    /// `gap`: uncovered parent time must be at least this…
    pub gap_min_ns: u64,
    /// …and at least this percentage of the parent's duration.
    pub gap_min_percent: f64,
    /// `n_plus_one`: at least this many similar siblings.
    pub n_plus_one_min: usize,
    /// `late_start`: the idle wait before a child is at least this percentage of the parent…
    pub late_start_min_percent: f64,
    /// …and at least this long…
    pub late_start_min_ns: u64,
    /// …and the same (parent operation, child operation) waits late at least this many
    /// times across the loaded traces.
    pub late_start_min_occurrences: usize,
    /// `retry`: called a storm at this many attempts or more.
    pub retry_storm_min: usize,
    /// `fan_out`: at least this many children running at the same time.
    pub fan_out_min: usize,
    /// `agent_loop`: the same tool with the same arguments at least this many times in one run.
    pub agent_loop_min: usize,
    /// `context_growth`: at least this many LLM calls in a row with growing input.
    pub context_growth_min_calls: usize,
    /// At most this many findings of one kind per trace (the largest impacts are kept).
    pub max_per_kind: usize,
}

impl Default for PatternConfig {
    fn default() -> Self {
        PatternConfig {
            sequential_min_calls: 2,
            sequential_min_saving_ns: 1_000_000,
            gap_min_ns: 5_000_000,
            gap_min_percent: 20.0,
            n_plus_one_min: 5,
            late_start_min_percent: 25.0,
            late_start_min_ns: 1_000_000,
            late_start_min_occurrences: 2,
            retry_storm_min: 3,
            fan_out_min: 5,
            agent_loop_min: 3,
            context_growth_min_calls: 3,
            max_per_kind: 20,
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: PatternKind,
    /// Indices into `set.spans`; the first is the one to jump to.
    pub spans: Vec<u32>,
    /// Time at stake.
    pub impact_ns: u64,
    pub message: String,
    /// The parent span the finding is about, or `NO_SPAN`.
    pub parent: u32,
}

/// How many span indices a finding lists at most.
pub const MAX_FINDING_SPANS: usize = 50;

/// `service/name` of a span, for messages.
fn op(set: &TraceSet, s: &Span) -> String {
    format!("{}/{}", set.service_of(s), set.name_of(s))
}

/// (service, name) of a span as interned ids, for grouping.
fn op_key(set: &TraceSet, s: &Span) -> (u32, u32) {
    (set.service_id(s).0, s.name.0)
}

/// The first [`MAX_FINDING_SPANS`] span indices.
fn spans_capped(v: impl IntoIterator<Item = u32>) -> Vec<u32> {
    v.into_iter().take(MAX_FINDING_SPANS).collect()
}

/// Attribute keys the pattern detectors read (indices used below).
const KEYS: [&str; 13] = [
    "db.statement",         // 0
    "db.query.text",        // 1
    "db.system",            // 2
    "db.system.name",       // 3
    "http.request.method",  // 4
    "http.method",          // 5
    "http.route",           // 6
    "url.template",         // 7
    "url.full",             // 8
    "http.url",             // 9
    "http.target",          // 10
    "url.path",             // 11
    "rpc.system",           // 12
];
const K_GEN_AI_MODEL: &str = "gen_ai.request.model";

/// The walk's state for one trace: the lookups, the findings kept so far and the
/// late starts seen (reported once the whole trace is walked).
struct Ctx<'a, 'c> {
    set: &'a TraceSet,
    cfg: &'a PatternConfig,
    look: &'c mut AttrLookup<'a>,
    look_llm: &'c mut AttrLookup<'a>,
    prices: &'c PriceTable,
    top: Top,
    /// Late-start occurrences in this trace: key → (child span, wait).
    late: BTreeMap<LateKey, Vec<(u32, u64)>>,
}

impl Ctx<'_, '_> {
    fn per_parent(&mut self, p_idx: u32, kids: &[u32]) {
        let set = self.set;
        let Some(p) = set.spans.get(p_idx as usize) else { return };
        let retried = self.retries(p_idx, p, kids);
        self.n_plus_one(p_idx, p, kids, &retried);
        self.sequential(p_idx, p, kids);
        self.gap(p_idx, p, kids);
        self.late_start(p_idx, p, kids);
        self.fan_out(p_idx, p, kids);
    }
}

impl Ctx<'_, '_> {
    /// `llm_retry` over the trace's calls, `agent_loop` and `context_growth` over its runs.
    fn agent_patterns(&mut self, trace: usize) {
        let calls = analyze_trace(self.set, trace, self.prices).calls;
        let mut by_start: Vec<_> = calls.iter().collect();
        by_start.sort_by_key(|c| (c.start_ns, c.span));
        self.llm_retries(&by_start);
        let runs = agent_runs_from(self.set, trace, &calls, self.prices);
        self.agent_loops(&runs);
        self.context_growth(&runs);
    }
}

/// Finds all patterns in trace `trace` (index into `set.traces`), ranked by impact
/// (largest first; ties: kind, then the first span). Unknown traces give none.
/// LLM costs in messages come from the built-in price table.
/// For many traces of one set, [`patterns_all`] is much faster (late-start
/// recurrence is counted once for the whole set).
pub fn patterns(set: &TraceSet, trace: usize, cfg: &PatternConfig) -> Vec<Finding> {
    let mut look = AttrLookup::new(set, &KEYS);
    let mut look_llm = AttrLookup::new(set, &[K_GEN_AI_MODEL]);
    let prices = PriceTable::default();
    patterns_impl(set, trace, cfg, None, &mut look, &mut look_llm, &prices)
}

/// [`patterns`] for every trace of the set, in trace order.
pub fn patterns_all(set: &TraceSet, cfg: &PatternConfig) -> Vec<Vec<Finding>> {
    patterns_each(set, cfg).collect()
}

/// [`patterns_all`] one trace at a time: the late-start counts of the whole set and
/// the attribute lookups are made once (O(spans + strings)), then each trace is walked
/// when the iterator reaches it, so a caller need not hold every trace's findings.
pub fn patterns_each<'a>(set: &'a TraceSet, cfg: &'a PatternConfig) -> impl Iterator<Item = Vec<Finding>> + 'a {
    let totals = late_counts(set, cfg, None, None);
    let mut look = AttrLookup::new(set, &KEYS);
    let mut look_llm = AttrLookup::new(set, &[K_GEN_AI_MODEL]);
    let prices = PriceTable::default();
    (0..set.traces.len()).map(move |t| patterns_impl(set, t, cfg, Some(&totals), &mut look, &mut look_llm, &prices))
}

/// `totals`: late-start counts over the whole set, when already known.
fn patterns_impl<'a>(
    set: &'a TraceSet,
    trace: usize,
    cfg: &'a PatternConfig,
    totals: Option<&HashMap<LateKey, usize>>,
    look: &mut AttrLookup<'a>,
    look_llm: &mut AttrLookup<'a>,
    prices: &PriceTable,
) -> Vec<Finding> {
    let Some(t) = set.traces.get(trace) else { return Vec::new() };
    let range = t.spans.range();
    let mut ctx = Ctx { set, cfg, look, look_llm, prices, top: Top::new(cfg.max_per_kind), late: BTreeMap::new() };
    let mut kids: Vec<u32> = Vec::new();
    for i in range.clone() {
        let s = &set.spans[i];
        if s.child_count == 0 {
            continue;
        }
        kids.clear();
        kids.extend(children(set, i as u32));
        ctx.per_parent(i as u32, &kids);
    }
    ctx.error_origins(range);
    // Late starts: keep the keys that recur (in this trace or across the set).
    ctx.report_late_starts(trace, totals);
    ctx.agent_patterns(trace);
    ctx.top.finish()
}

/// Findings as the `patterns` field of `clew analyze --json` (see [`patterns_json`]).
pub fn findings_json(set: &TraceSet, findings: &[Finding]) -> serde_json::Value {
    serde_json::Value::Array(
        findings
            .iter()
            .map(|f| {
                let ids: Vec<serde_json::Value> = f
                    .spans
                    .iter()
                    .filter_map(|&i| set.spans.get(i as usize))
                    .map(|s| serde_json::Value::String(s.span_id.to_text(&set.strings)))
                    .collect();
                let mut o = serde_json::Map::new();
                o.insert("kind".into(), json!(f.kind.as_str()));
                o.insert("spans".into(), serde_json::Value::Array(ids));
                o.insert("impact_ns".into(), json!(f.impact_ns));
                o.insert("message".into(), json!(f.message));
                serde_json::Value::Object(o)
            })
            .collect(),
    )
}

/// [`patterns_json`] for every trace, in trace order (fast for many traces).
pub fn patterns_all_json(set: &TraceSet, cfg: &PatternConfig) -> Vec<serde_json::Value> {
    patterns_all(set, cfg).iter().map(|f| findings_json(set, f)).collect()
}

/// The per-trace `patterns` field of `clew analyze --json`:
/// `[{"kind","spans":["<span id>",…],"impact_ns","message"}]`, ranked by impact.
pub fn patterns_json(set: &TraceSet, trace: usize, cfg: &PatternConfig) -> serde_json::Value {
    findings_json(set, &patterns(set, trace, cfg))
}
