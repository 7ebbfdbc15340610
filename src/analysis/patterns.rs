//! Latency patterns: one trace (plus, for recurrence, the rest of the set) and a
//! [`PatternConfig`] in; ranked [`Finding`]s out, each naming its spans, the time at
//! stake (`impact_ns`) and a human message.
//!
//! Kinds (printed names): `sequential`, `gap`, `n_plus_one`, `late_start`, `retry`,
//! `error_origin`, `fan_out`. How each is found, per parent span P and its children:
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

use std::collections::{BTreeMap, HashMap};

use serde_json::json;

use super::attr_lookup::AttrLookup;
use super::intervals::{percent_of, union_len};
use super::tree::children;
use crate::format::{duration, ellipsis};
use crate::model::{Span, SpanKind, TimeNs, TraceSet, NO_SPAN};

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
}

impl PatternKind {
    pub const ALL: [PatternKind; 7] = [
        PatternKind::Sequential,
        PatternKind::Gap,
        PatternKind::NPlusOne,
        PatternKind::LateStart,
        PatternKind::Retry,
        PatternKind::ErrorOrigin,
        PatternKind::FanOut,
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

fn op(set: &TraceSet, s: &Span) -> String {
    format!("{}/{}", set.service_of(s), set.name_of(s))
}

fn op_key(set: &TraceSet, s: &Span) -> (u32, u32) {
    (set.service_id(s).0, s.name.0)
}

fn text(set: &TraceSet, s: &Span, key: &str) -> Option<String> {
    set.attr_text(s, key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Replaces quoted strings and numbers with `?`, collapses whitespace and `?` lists:
/// `SELECT * FROM t WHERE id = 42 AND n IN (1, 2,3) AND s='x'` →
/// `SELECT * FROM t WHERE id = ? AND n IN (?) AND s=?`.
pub fn normalize_statement(stmt: &str) -> String {
    let mut out = String::with_capacity(stmt.len().min(512));
    let chars: Vec<char> = stmt.chars().take(4096).collect();
    let mut i = 0;
    let mut prev_ident = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // Quoted string; '' is an escaped quote.
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            out.push('?');
            prev_ident = false;
            continue;
        }
        if c.is_ascii_digit() && !prev_ident {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_') {
                i += 1;
            }
            out.push('?');
            prev_ident = false;
            continue;
        }
        if c.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            prev_ident = false;
            i += 1;
            continue;
        }
        prev_ident = c.is_alphanumeric() || c == '_' || c == '$';
        out.push(c);
        i += 1;
    }
    // Collapse "?, ?, ?" (and "?,?") into "?".
    let mut collapsed = String::with_capacity(out.len());
    let b: Vec<char> = out.trim().chars().collect();
    let mut k = 0;
    while k < b.len() {
        collapsed.push(b[k]);
        if b[k] == '?' {
            let mut j = k + 1;
            loop {
                let mut m = j;
                while m < b.len() && b[m] == ' ' {
                    m += 1;
                }
                if m < b.len() && b[m] == ',' {
                    m += 1;
                    while m < b.len() && b[m] == ' ' {
                        m += 1;
                    }
                    if m < b.len() && b[m] == '?' {
                        j = m + 1;
                        continue;
                    }
                }
                break;
            }
            k = j;
        } else {
            k += 1;
        }
    }
    collapsed
}

/// Path of a URL with numeric / id-like segments replaced by `?`.
fn normalize_url(url: &str) -> String {
    let no_query = url.split(['?', '#']).next().unwrap_or("");
    let path = match no_query.find("://") {
        Some(p) => {
            let rest = &no_query[p + 3..];
            match rest.find('/') {
                Some(q) => &rest[q..],
                None => "/",
            }
        }
        None => no_query,
    };
    path.split('/')
        .map(|seg| {
            let digits = seg.chars().filter(|c| c.is_ascii_digit()).count();
            if !seg.is_empty() && (digits * 2 >= seg.len() || (seg.len() >= 16 && seg.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))) {
                "?"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
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

/// The N+1 similarity key of a DB / HTTP / RPC call; `None` for other spans.
fn similarity_key(set: &TraceSet, look: &mut AttrLookup<'_>, s: &Span) -> Option<String> {
    let svc = set.service_of(s);
    if let Some(stmt) = look.text(s, 0).or_else(|| look.text(s, 1)) {
        return Some(format!("{svc}\u{1}db\u{1}{}", normalize_statement(&stmt)));
    }
    let is_db = look.has(s, 2) || look.has(s, 3);
    let method = look.text(s, 4).or_else(|| look.text(s, 5));
    let route = look.text(s, 6).or_else(|| look.text(s, 7));
    let url = look.text(s, 8).or_else(|| look.text(s, 9)).or_else(|| look.text(s, 10)).or_else(|| look.text(s, 11));
    let is_http = method.is_some() || route.is_some() || url.is_some();
    let is_rpc = look.has(s, 12);
    if !(is_db || is_http || is_rpc || s.kind == SpanKind::Client) {
        return None;
    }
    let m = method.unwrap_or_default();
    if let Some(r) = route {
        return Some(format!("{svc}\u{1}http\u{1}{m} {r}"));
    }
    if let Some(u) = url {
        return Some(format!("{svc}\u{1}http\u{1}{m} {}", normalize_url(&u)));
    }
    Some(format!("{svc}\u{1}name\u{1}{}", set.name_of(s)))
}

/// Whether a child is a call out of its parent: another service, an outgoing
/// (CLIENT/PRODUCER) span, or a DB / LLM call.
fn is_outgoing_call(set: &TraceSet, look: &mut AttrLookup<'_>, look_llm: &mut AttrLookup<'_>, parent: &Span, s: &Span) -> bool {
    set.service_id(parent) != set.service_id(s)
        || matches!(s.kind, SpanKind::Client | SpanKind::Producer)
        || look.has(s, 2)
        || look_llm.has(s, 0)
}

/// Keeps the `max` highest-ranked findings of each kind while they are found, so
/// messages are only formatted for candidates that can still make the cut. Gives
/// exactly what a full sort-and-truncate would.
struct Top {
    max: usize,
    per: [Vec<Finding>; 7],
    floor: [u64; 7],
}

fn rank(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    b.impact_ns
        .cmp(&a.impact_ns)
        .then(a.kind.cmp(&b.kind))
        .then(a.spans.first().cmp(&b.spans.first()))
        .then(a.parent.cmp(&b.parent))
}

impl Top {
    fn new(max: usize) -> Top {
        Top { max: max.max(1), per: Default::default(), floor: [0; 7] }
    }
    /// Whether a finding with this impact could still be kept.
    fn admits(&self, kind: PatternKind, impact_ns: u64) -> bool {
        impact_ns >= self.floor[kind as usize]
    }
    fn push(&mut self, f: Finding) {
        let k = f.kind as usize;
        if f.impact_ns < self.floor[k] {
            return;
        }
        self.per[k].push(f);
        if self.per[k].len() >= 2 * self.max + 16 {
            self.per[k].sort_by(rank);
            self.per[k].truncate(self.max);
            self.floor[k] = self.per[k].last().map(|f| f.impact_ns).unwrap_or(0);
        }
    }
    fn finish(self) -> Vec<Finding> {
        let max = self.max;
        let mut out: Vec<Finding> = Vec::new();
        for mut v in self.per {
            v.sort_by(rank);
            v.truncate(max);
            out.extend(v);
        }
        out.sort_by(rank);
        out
    }
}

/// (parent service, parent name, child service, child name) as interned ids.
type LateKey = (u32, u32, u32, u32);

struct Ctx<'a, 'c> {
    set: &'a TraceSet,
    cfg: &'a PatternConfig,
    look: &'c mut AttrLookup<'a>,
    look_llm: &'c mut AttrLookup<'a>,
    top: Top,
    /// Late-start occurrences in this trace: key → (child span, wait).
    late: BTreeMap<LateKey, Vec<(u32, u64)>>,
}

fn spans_capped(v: impl IntoIterator<Item = u32>) -> Vec<u32> {
    v.into_iter().take(MAX_FINDING_SPANS).collect()
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

    /// Retries: runs of the same operation where every attempt but the last failed and
    /// each attempt starts after the failed one before it ended.
    /// Returns the spans that are part of a retry run.
    fn retries(&mut self, p_idx: u32, p: &Span, kids: &[u32]) -> Vec<u32> {
        let set = self.set;
        let mut by_op: BTreeMap<(u32, u32), Vec<u32>> = BTreeMap::new();
        for &c in kids {
            by_op.entry(op_key(set, &set.spans[c as usize])).or_default().push(c);
        }
        let mut in_runs = Vec::new();
        for group in by_op.values() {
            if group.len() < 2 {
                continue;
            }
            let mut k = 0;
            while k < group.len() {
                // A run starts at an error and continues while the previous attempt failed.
                let mut end = k;
                while end + 1 < group.len()
                    && set.spans[group[end] as usize].is_error()
                    && set.spans[group[end + 1] as usize].start_ns >= set.spans[group[end] as usize].end_ns()
                {
                    end += 1;
                }
                let run = &group[k..=end];
                let failed = run.iter().filter(|&&c| set.spans[c as usize].is_error()).count();
                if run.len() >= 2 && failed >= 1 {
                    in_runs.extend_from_slice(run);
                    let first = &set.spans[run[0] as usize];
                    let last = &set.spans[run[run.len() - 1] as usize];
                    let impact = last.start_ns.saturating_sub(first.start_ns);
                    if !self.top.admits(PatternKind::Retry, impact) {
                        k = end + 1;
                        continue;
                    }
                    let storm = run.len() >= self.cfg.retry_storm_min;
                    let ok = !last.is_error();
                    self.top.push(Finding {
                        kind: PatternKind::Retry,
                        spans: spans_capped(run.iter().copied()),
                        impact_ns: impact,
                        message: format!(
                            "{}{} attempts of {} under {}, {} failed{}; {} passed before the last attempt began",
                            if storm { "retry storm: " } else { "" },
                            run.len(),
                            op(set, first),
                            op(set, p),
                            failed,
                            if ok { ", the last succeeded" } else { ", all failed" },
                            duration(impact)
                        ),
                        parent: p_idx,
                    });
                }
                k = end + 1;
            }
        }
        in_runs.sort_unstable();
        in_runs
    }

    fn n_plus_one(&mut self, p_idx: u32, p: &Span, kids: &[u32], retried: &[u32]) {
        let set = self.set;
        if kids.len() < self.cfg.n_plus_one_min.max(2) {
            return;
        }
        let mut groups: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for &c in kids {
            if retried.binary_search(&c).is_ok() {
                continue;
            }
            if let Some(k) = similarity_key(set, self.look, &set.spans[c as usize]) {
                groups.entry(k).or_default().push(c);
            }
        }
        for (key, g) in groups {
            if g.len() < self.cfg.n_plus_one_min.max(2) {
                continue;
            }
            let mut iv: Vec<(TimeNs, TimeNs)> =
                g.iter().map(|&c| (set.spans[c as usize].start_ns, set.spans[c as usize].end_ns())).collect();
            let wall = union_len(&mut iv, 0, u64::MAX);
            let longest = g.iter().map(|&c| set.spans[c as usize].duration_ns).max().unwrap_or(0);
            let sum: u64 = g.iter().map(|&c| set.spans[c as usize].duration_ns).sum();
            let impact = wall.saturating_sub(longest);
            if !self.top.admits(PatternKind::NPlusOne, impact) {
                continue;
            }
            let what = key.split('\u{1}').nth(2).unwrap_or("").to_string();
            let first = &set.spans[g[0] as usize];
            self.top.push(Finding {
                kind: PatternKind::NPlusOne,
                spans: spans_capped(g.iter().copied()),
                impact_ns: impact,
                message: format!(
                    "{} similar calls from {} under {}: {} (sum {}, wall time {}); one batched call could save ~{}",
                    g.len(),
                    set.service_of(first),
                    op(set, p),
                    ellipsis(&what, 161),
                    duration(sum),
                    duration(wall),
                    duration(impact)
                ),
                parent: p_idx,
            });
        }
    }

    fn sequential(&mut self, p_idx: u32, p: &Span, kids: &[u32]) {
        let set = self.set;
        let min_calls = self.cfg.sequential_min_calls.max(2);
        if kids.len() < min_calls {
            return;
        }
        // Operations that occur more than once under this parent belong to N+1 / retry.
        let mut count: HashMap<(u32, u32), usize> = HashMap::new();
        for &c in kids {
            *count.entry(op_key(set, &set.spans[c as usize])).or_default() += 1;
        }
        let mut calls: Vec<u32> = Vec::new();
        for &c in kids {
            let s = &set.spans[c as usize];
            if s.duration_ns > 0
                && count.get(&op_key(set, s)).copied().unwrap_or(0) == 1
                && is_outgoing_call(set, self.look, self.look_llm, p, s)
            {
                calls.push(c);
            }
        }
        // Steps: calls that overlap each other form one step (already parallel);
        // steps that follow one another are the sequence.
        let mut steps: Vec<(TimeNs, TimeNs, Vec<u32>)> = Vec::new();
        for c in calls {
            let s = &set.spans[c as usize];
            match steps.last_mut() {
                Some(last) if s.start_ns < last.1 => {
                    last.1 = last.1.max(s.end_ns());
                    last.2.push(c);
                }
                _ => steps.push((s.start_ns, s.end_ns(), vec![c])),
            }
        }
        if steps.len() < min_calls {
            return;
        }
        let walls: Vec<u64> = steps.iter().map(|st| st.1 - st.0).collect();
        let sum: u64 = walls.iter().sum();
        let longest = walls.iter().copied().max().unwrap_or(0);
        let saving = sum - longest;
        if saving == 0 || saving < self.cfg.sequential_min_saving_ns || !self.top.admits(PatternKind::Sequential, saving) {
            return;
        }
        let parallel_steps = steps.iter().filter(|st| st.2.len() > 1).count();
        let names: Vec<String> = steps
            .iter()
            .take(6)
            .map(|st| {
                let first = op(set, &set.spans[st.2[0] as usize]);
                if st.2.len() > 1 {
                    format!("{first} +{} in parallel", st.2.len() - 1)
                } else {
                    first
                }
            })
            .collect();
        let spans: Vec<u32> = steps.iter().flat_map(|st| st.2.iter().copied()).collect();
        self.top.push(Finding {
            kind: PatternKind::Sequential,
            spans: spans_capped(spans),
            impact_ns: saving,
            message: format!(
                "{} calls under {} run one after another ({}{}): {} in sequence, ~{} if run in parallel (saves ~{}){}. Candidate: a trace cannot show whether one call needs another's result",
                steps.len(),
                op(set, p),
                names.join(", "),
                if steps.len() > 6 { ", …" } else { "" },
                duration(sum),
                duration(longest),
                duration(saving),
                if parallel_steps > 0 { "; overlapping calls count as one step" } else { "" }
            ),
            parent: p_idx,
        });
    }

    fn gap(&mut self, p_idx: u32, p: &Span, kids: &[u32]) {
        let set = self.set;
        if p.duration_ns == 0 || kids.is_empty() {
            return;
        }
        let (lo, hi) = (p.start_ns, p.end_ns());
        let mut iv: Vec<(TimeNs, TimeNs)> = kids
            .iter()
            .map(|&c| (set.spans[c as usize].start_ns.max(lo), set.spans[c as usize].end_ns().min(hi)))
            .filter(|(s, e)| e > s)
            .collect();
        iv.sort_unstable();
        let (before, between, after) = match iv.first() {
            None => (p.duration_ns, 0, 0),
            Some(&(first_start, first_end)) => {
                let mut between = 0u64;
                let mut cur_end = first_end;
                for &(s, e) in &iv[1..] {
                    if s > cur_end {
                        between += s - cur_end;
                    }
                    cur_end = cur_end.max(e);
                }
                (first_start - lo, between, hi - cur_end.min(hi))
            }
        };
        let total = before + between + after;
        let pct = percent_of(total, p.duration_ns);
        if total < self.cfg.gap_min_ns || pct < self.cfg.gap_min_percent || !self.top.admits(PatternKind::Gap, total) {
            return;
        }
        let mut parts = Vec::new();
        if before > 0 {
            parts.push(format!("{} ({:.0}%) before the first child", duration(before), percent_of(before, p.duration_ns)));
        }
        if between > 0 {
            parts.push(format!("{} ({:.0}%) between children", duration(between), percent_of(between, p.duration_ns)));
        }
        if after > 0 {
            parts.push(format!("{} ({:.0}%) after the last child", duration(after), percent_of(after, p.duration_ns)));
        }
        self.top.push(Finding {
            kind: PatternKind::Gap,
            spans: spans_capped(std::iter::once(p_idx).chain(kids.iter().copied())),
            impact_ns: total,
            message: format!(
                "{} of {} in {} ({:.0}%) is not covered by any child: {}",
                duration(total),
                duration(p.duration_ns),
                op(set, p),
                pct,
                parts.join(", ")
            ),
            parent: p_idx,
        });
    }

    /// Records children that idle-wait long before starting (reported after all
    /// parents are seen, once recurrence is known).
    fn late_start(&mut self, _p_idx: u32, p: &Span, kids: &[u32]) {
        let set = self.set;
        if p.duration_ns == 0 {
            return;
        }
        let mut busy_until = p.start_ns;
        for &c in kids {
            let s = &set.spans[c as usize];
            let wait = s.start_ns.saturating_sub(busy_until);
            busy_until = busy_until.max(s.end_ns());
            if wait >= self.cfg.late_start_min_ns && percent_of(wait, p.duration_ns) >= self.cfg.late_start_min_percent {
                let (ps, pn) = op_key(set, p);
                let (cs, cn) = op_key(set, s);
                self.late.entry((ps, pn, cs, cn)).or_default().push((c, wait));
            }
        }
    }

    fn fan_out(&mut self, p_idx: u32, p: &Span, kids: &[u32]) {
        let set = self.set;
        if kids.len() < self.cfg.fan_out_min.max(2) {
            return;
        }
        // Sweep: +1 at start, -1 at end (ends before starts at the same instant).
        let mut ev: Vec<(TimeNs, i32)> = Vec::with_capacity(kids.len() * 2);
        for &c in kids {
            let s = &set.spans[c as usize];
            if s.duration_ns == 0 {
                continue;
            }
            ev.push((s.start_ns, 1));
            ev.push((s.end_ns(), -1));
        }
        ev.sort_unstable();
        let (mut cur, mut best, mut at) = (0i32, 0i32, 0u64);
        for (t, d) in ev {
            cur += d;
            if cur > best {
                best = cur;
                at = t;
            }
        }
        let width = best.max(0) as usize;
        if width < self.cfg.fan_out_min.max(2) {
            return;
        }
        let mut iv: Vec<(TimeNs, TimeNs)> =
            kids.iter().map(|&c| (set.spans[c as usize].start_ns, set.spans[c as usize].end_ns())).collect();
        let wall = union_len(&mut iv, 0, u64::MAX);
        if !self.top.admits(PatternKind::FanOut, wall) {
            return;
        }
        // The children running at the widest instant; the slowest first.
        let mut running: Vec<u32> = kids
            .iter()
            .copied()
            .filter(|&c| {
                let s = &set.spans[c as usize];
                s.start_ns <= at && s.end_ns() > at
            })
            .collect();
        running.sort_by(|&a, &b| {
            set.spans[b as usize].duration_ns.cmp(&set.spans[a as usize].duration_ns).then(a.cmp(&b))
        });
        let slowest = running.first().map(|&c| &set.spans[c as usize]);
        self.top.push(Finding {
            kind: PatternKind::FanOut,
            spans: spans_capped(running.iter().copied()),
            impact_ns: wall,
            message: format!(
                "{} runs {} children at once ({} children in all, {} wall time){}",
                op(set, p),
                width,
                kids.len(),
                duration(wall),
                slowest
                    .map(|s| format!("; the slowest, {} ({}), sets the pace", op(set, s), duration(s.duration_ns)))
                    .unwrap_or_default()
            ),
            parent: p_idx,
        });
    }

    fn error_origins(&mut self, range: std::ops::Range<usize>) {
        let set = self.set;
        let base = range.start;
        // best[i]: the deepest error span reachable from i through error parent→child links.
        let mut best: Vec<u32> = vec![NO_SPAN; range.len()];
        let better = |a: u32, b: u32| -> u32 {
            if a == NO_SPAN {
                return b;
            }
            if b == NO_SPAN {
                return a;
            }
            // Deeper wins; then the earlier start; then the smaller index.
            let key = |x: u32| {
                let s = &set.spans[x as usize];
                (std::cmp::Reverse(s.depth), s.start_ns, x)
            };
            if key(a) <= key(b) {
                a
            } else {
                b
            }
        };
        for i in range.clone().rev() {
            let s = &set.spans[i];
            if !s.is_error() {
                continue;
            }
            let k = i - base;
            if best[k] == NO_SPAN {
                best[k] = i as u32;
            }
            if s.parent != NO_SPAN && (s.parent as usize) >= base && (s.parent as usize) < i && set.spans[s.parent as usize].is_error() {
                let pk = s.parent as usize - base;
                best[pk] = better(best[pk], best[k]);
            }
        }
        for i in range {
            let s = &set.spans[i];
            if !s.is_error() {
                continue;
            }
            let parent_err = s.parent != NO_SPAN && set.spans.get(s.parent as usize).map(|p| p.is_error()).unwrap_or(false);
            if parent_err {
                continue;
            }
            let origin = best[i - base];
            if origin == NO_SPAN || !self.top.admits(PatternKind::ErrorOrigin, s.duration_ns) {
                continue;
            }
            // Chain from the origin up to this error root.
            let mut chain = vec![origin];
            let mut cur = origin;
            let mut hops = 0usize;
            while cur as usize != i && cur != NO_SPAN {
                cur = set.spans[cur as usize].parent;
                hops += 1;
                if cur != NO_SPAN && (chain.len() < MAX_FINDING_SPANS - 1 || cur as usize == i) {
                    chain.push(cur);
                }
                if hops > set.spans.len() {
                    break;
                }
            }
            let o = &set.spans[origin as usize];
            let why = error_text(set, o);
            let message = if origin as usize == i {
                format!("error originates in {}{}", op(set, o), why)
            } else {
                format!(
                    "error in {} is explained by {} ({} levels down){}",
                    op(set, s),
                    op(set, o),
                    o.depth.saturating_sub(s.depth),
                    why
                )
            };
            self.top.push(Finding {
                kind: PatternKind::ErrorOrigin,
                spans: chain,
                impact_ns: s.duration_ns,
                message,
                parent: if s.parent == NO_SPAN { NO_SPAN } else { s.parent },
            });
        }
    }
}

/// ": <status message or exception message>" or "".
fn error_text(set: &TraceSet, s: &Span) -> String {
    let mut msg = set.str(s.status_message).trim().to_string();
    if msg.is_empty() {
        for ev in set.events.get(s.events.range()).unwrap_or(&[]) {
            if let Some(a) = set.attrs.get(ev.attrs.range()).unwrap_or(&[]).iter().find(|a| {
                let k = set.str(a.key);
                k == "exception.message" || k == "message" || k == "error.message"
            }) {
                msg = set.value_text(a.value).trim().to_string();
                if !msg.is_empty() {
                    break;
                }
            }
        }
    }
    if msg.is_empty() {
        msg = text(set, s, "error.message").or_else(|| text(set, s, "exception.message")).or_else(|| text(set, s, "error.type")).unwrap_or_default();
    }
    if msg.is_empty() {
        String::new()
    } else {
        format!(": {}", ellipsis(&msg, 201))
    }
}

/// Counts late starts per (parent operation, child operation) over every trace but
/// `skip`; with `wanted`, only those keys are counted (and only their parents looked at).
fn late_counts(set: &TraceSet, cfg: &PatternConfig, skip: Option<usize>, wanted: Option<&[LateKey]>) -> HashMap<LateKey, usize> {
    let mut out: HashMap<LateKey, usize> = HashMap::new();
    if wanted.is_some_and(|w| w.is_empty()) {
        return out;
    }
    let parent_keys: Option<std::collections::HashSet<(u32, u32)>> = wanted.map(|w| w.iter().map(|k| (k.0, k.1)).collect());
    let wanted: Option<std::collections::HashSet<LateKey>> = wanted.map(|w| w.iter().copied().collect());
    for (t_idx, t) in set.traces.iter().enumerate() {
        if Some(t_idx) == skip {
            continue;
        }
        for i in t.spans.range() {
            let p = &set.spans[i];
            if p.child_count == 0 || p.duration_ns == 0 {
                continue;
            }
            let (ps, pn) = op_key(set, p);
            if parent_keys.as_ref().is_some_and(|pk| !pk.contains(&(ps, pn))) {
                continue;
            }
            let mut busy_until = p.start_ns;
            for c in children(set, i as u32) {
                let s = &set.spans[c as usize];
                let wait = s.start_ns.saturating_sub(busy_until);
                busy_until = busy_until.max(s.end_ns());
                if wait >= cfg.late_start_min_ns && percent_of(wait, p.duration_ns) >= cfg.late_start_min_percent {
                    let (cs, cn) = op_key(set, s);
                    let k = (ps, pn, cs, cn);
                    if wanted.as_ref().is_none_or(|w| w.contains(&k)) {
                        *out.entry(k).or_default() += 1;
                    }
                }
            }
        }
    }
    out
}

/// Finds all patterns in trace `trace` (index into `set.traces`), ranked by impact
/// (largest first; ties: kind, then the first span). Unknown traces give none.
/// For many traces of one set, [`patterns_all`] is much faster (late-start
/// recurrence is counted once for the whole set).
pub fn patterns(set: &TraceSet, trace: usize, cfg: &PatternConfig) -> Vec<Finding> {
    let mut look = AttrLookup::new(set, &KEYS);
    let mut look_llm = AttrLookup::new(set, &[K_GEN_AI_MODEL]);
    patterns_impl(set, trace, cfg, None, &mut look, &mut look_llm)
}

/// [`patterns`] for every trace of the set, in trace order.
pub fn patterns_all(set: &TraceSet, cfg: &PatternConfig) -> Vec<Vec<Finding>> {
    let totals = late_counts(set, cfg, None, None);
    let mut look = AttrLookup::new(set, &KEYS);
    let mut look_llm = AttrLookup::new(set, &[K_GEN_AI_MODEL]);
    (0..set.traces.len()).map(|t| patterns_impl(set, t, cfg, Some(&totals), &mut look, &mut look_llm)).collect()
}

/// `totals`: late-start counts over the whole set, when already known.
fn patterns_impl<'a>(
    set: &'a TraceSet,
    trace: usize,
    cfg: &'a PatternConfig,
    totals: Option<&HashMap<LateKey, usize>>,
    look: &mut AttrLookup<'a>,
    look_llm: &mut AttrLookup<'a>,
) -> Vec<Finding> {
    let Some(t) = set.traces.get(trace) else { return Vec::new() };
    let range = t.spans.range();
    let mut ctx = Ctx { set, cfg, look, look_llm, top: Top::new(cfg.max_per_kind), late: BTreeMap::new() };
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
    let late = std::mem::take(&mut ctx.late);
    let min_occ = cfg.late_start_min_occurrences.max(1);
    let elsewhere = match totals {
        Some(_) => HashMap::new(),
        None => {
            let need: Vec<LateKey> = late.iter().filter(|(_, v)| v.len() < min_occ).map(|(k, _)| *k).collect();
            late_counts(set, cfg, Some(trace), Some(&need))
        }
    };
    for (k, occ) in late {
        let other = match totals {
            Some(tot) => tot.get(&k).copied().unwrap_or(0).saturating_sub(occ.len()),
            None => elsewhere.get(&k).copied().unwrap_or(0),
        };
        if occ.len() + other < min_occ {
            continue;
        }
        let impact: u64 = occ.iter().map(|o| o.1).sum();
        if !ctx.top.admits(PatternKind::LateStart, impact) {
            continue;
        }
        let first = &set.spans[occ[0].0 as usize];
        let parent = first.parent;
        let parent_op = set.spans.get(parent as usize).map(|p| op(set, p)).unwrap_or_default();
        let mean = impact / occ.len().max(1) as u64;
        ctx.top.push(Finding {
            kind: PatternKind::LateStart,
            spans: spans_capped(occ.iter().map(|o| o.0)),
            impact_ns: impact,
            message: format!(
                "{} waits ~{} before starting under {} ({} time{} in this trace{}); a recurring late start suggests queueing, e.g. connection-pool exhaustion",
                op(set, first),
                duration(mean),
                parent_op,
                occ.len(),
                if occ.len() == 1 { "" } else { "s" },
                if other > 0 { format!(", {other} in other traces") } else { String::new() }
            ),
            parent,
        });
    }

    ctx.top.finish()
}

fn findings_json(set: &TraceSet, findings: &[Finding]) -> serde_json::Value {
    serde_json::Value::Array(
        findings
            .iter()
            .map(|f| {
                let ids: Vec<String> = f
                    .spans
                    .iter()
                    .filter_map(|&i| set.spans.get(i as usize))
                    .map(|s| s.span_id.to_text(&set.strings))
                    .collect();
                json!({"kind": f.kind.as_str(), "spans": ids, "impact_ns": f.impact_ns, "message": f.message})
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
