//! Critical path: a trace in, the chain of work that determines when it ends out —
//! segments in time order (`{span, start_ns, end_ns}`) and each span's contribution
//! in ns and % of the trace duration.
//!
//! The walk starts at the trace root with a cursor at the root's end and moves the
//! cursor backwards. At each span it picks, among the children that end at or before
//! the cursor, the one that finishes last; the span's own time between that child's
//! end and the cursor is the span's contribution; the walk descends into the child
//! (cursor = the child's end). Back from a child, the cursor is the child's start and
//! the parent continues with the remaining children that end before it. Time not
//! covered by any chosen child is the parent's own.
//!
//! ```text
//!   time ──────────────────────────────────────────────────────────────▶
//!   root  [==r3==|······ A ·······|=r2=|····· B ·····|===== r1 =====]  ◀── cursor starts at root end
//!   A            [=a2=|··· A1 ···|=a1=]                                   2. descend A (cursor = A.end),
//!   A1                [=========]                                            A1 ends last inside A, ...
//!   B                                  [=============]                    1. B ends last: r1 = root's own,
//!   C (overlaps B, ends after B starts)      [=====]                         descend B
//!                                                                        C ends after B's start: skipped
//!   path: r3 A a2 A1 a1 r2 B r1      (pieces marked = are own time, · is time spent in a child)
//! ```
//!
//! Rules:
//! * Children are clipped to their parent's (already clipped) window: a child that
//!   outlives its parent counts only up to the parent's end, and one that starts
//!   before it (clock skew) only from the parent's start.
//! * Overlapping children: only the one that finishes last (before the cursor) is on
//!   the path; a sibling that still runs when the chosen child starts is skipped.
//! * FOLLOWS_FROM children (flag `span_flags::FOLLOWS_FROM`) are asynchronous: the
//!   parent does not wait for them, so neither they nor their subtrees join the path
//!   (the parent's time next to them is its own). Links never make a span part of
//!   another's path; other roots of the trace (orphans, cut cycles) are off the path.
//! * Zero-length (after clipping) children are ignored.
//!
//! Iterative: an explicit stack of frames, one per span on the current descent, each
//! holding its children sorted by clipped end (so each child is looked at once).

use std::collections::BTreeMap;

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;

use super::intervals::percent_of;
use super::tree::children;
use crate::model::{span_flags, DurNs, TimeNs, TraceSet};

/// One piece of the path: `span` (index into `set.spans`) was the blocking work in `[start_ns, end_ns)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub span: u32,
    pub start_ns: TimeNs,
    pub end_ns: TimeNs,
}

impl Segment {
    pub fn duration_ns(&self) -> DurNs {
        self.end_ns.saturating_sub(self.start_ns)
    }
}

/// A span's total share of the path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Contribution {
    pub span: u32,
    pub contribution_ns: DurNs,
    /// Of the trace duration, 0..=100.
    pub percent: f64,
}

/// The critical path of one trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CriticalPath {
    /// Index into `set.traces`.
    pub trace: usize,
    pub trace_duration_ns: DurNs,
    /// In time order; adjacent segments never overlap.
    pub segments: Vec<Segment>,
    /// One per span on the path, largest contribution first (ties: span index).
    pub contributions: Vec<Contribution>,
}

impl CriticalPath {
    /// Span indices on the path, ascending (for highlighting).
    pub fn spans(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self.contributions.iter().map(|c| c.span).collect();
        v.sort_unstable();
        v
    }
    /// Whether a span is on the path. O(path) per question: to ask for many spans,
    /// binary-search [`CriticalPath::spans`] instead.
    pub fn contains(&self, span: u32) -> bool {
        self.contributions.iter().any(|c| c.span == span)
    }
    /// A span's contribution (0 when off the path). O(path) per question, like
    /// [`CriticalPath::contains`].
    pub fn contribution_of(&self, span: u32) -> DurNs {
        self.contributions.iter().find(|c| c.span == span).map(|c| c.contribution_ns).unwrap_or(0)
    }
}

struct Frame {
    span: u32,
    lo: TimeNs,
    /// Children clipped to `[lo, hi]`: (clipped start, clipped end, index), by end descending.
    kids: Vec<(TimeNs, TimeNs, u32)>,
    next: usize,
}

fn frame(set: &TraceSet, span: u32, lo: TimeNs, hi: TimeNs) -> Frame {
    let mut kids: Vec<(TimeNs, TimeNs, u32)> = children(set, span)
        .filter_map(|c| {
            let s = &set.spans[c as usize];
            if s.has(span_flags::FOLLOWS_FROM) {
                return None;
            }
            let cs = s.start_ns.max(lo);
            let ce = s.end_ns().min(hi);
            (ce > cs).then_some((cs, ce, c))
        })
        .collect();
    // Latest end first; ties: later start (the shorter one), then the smaller index.
    kids.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)).then(a.2.cmp(&b.2)));
    Frame { span, lo, kids, next: 0 }
}

/// Computes the critical path of trace `trace` (index into `set.traces`). An
/// unknown trace or an empty one gives an empty path.
pub fn critical_path(set: &TraceSet, trace: usize) -> CriticalPath {
    let mut out = CriticalPath { trace, ..CriticalPath::default() };
    let Some(t) = set.traces.get(trace) else { return out };
    out.trace_duration_ns = t.duration_ns;
    let Some(root) = set.spans.get(t.root as usize) else { return out };

    let mut rev: Vec<Segment> = Vec::new();
    let mut cursor = root.end_ns();
    let mut stack = vec![frame(set, t.root, root.start_ns, root.end_ns())];
    while let Some(top) = stack.last_mut() {
        // Skip children that end after the cursor (they overlap work already on the path).
        while top.next < top.kids.len() && top.kids[top.next].1 > cursor {
            top.next += 1;
        }
        if let Some(&(cs, ce, c)) = top.kids.get(top.next) {
            top.next += 1;
            if cursor > ce {
                rev.push(Segment { span: top.span, start_ns: ce, end_ns: cursor });
            }
            cursor = ce;
            let f = frame(set, c, cs, ce);
            stack.push(f);
        } else {
            if cursor > top.lo {
                rev.push(Segment { span: top.span, start_ns: top.lo, end_ns: cursor });
            }
            cursor = top.lo;
            stack.pop();
        }
    }
    rev.reverse();
    out.segments = rev;

    let mut by_span: BTreeMap<u32, DurNs> = BTreeMap::new();
    for s in &out.segments {
        *by_span.entry(s.span).or_default() += s.duration_ns();
    }
    let dur = t.duration_ns;
    let mut contributions: Vec<Contribution> = by_span
        .into_iter()
        .map(|(span, ns)| Contribution { span, contribution_ns: ns, percent: percent_of(ns, dur) })
        .collect();
    contributions.sort_by(|a, b| b.contribution_ns.cmp(&a.contribution_ns).then(a.span.cmp(&b.span)));
    out.contributions = contributions;
    out
}

/// Rounds to 2 decimals for JSON output.
pub(crate) fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The `critical_path` field of `clew analyze --json` for one trace: segments in time
/// order, `[{"span_id","service","name","start_ns","end_ns","contribution_ns","percent"}]`,
/// where `contribution_ns` is the segment's length and `percent` is of the trace duration.
pub fn critical_path_json(set: &TraceSet, trace: usize) -> serde_json::Value {
    path_json(set, &critical_path(set, trace))
}

/// [`critical_path_json`] of a path already computed.
pub fn path_json(set: &TraceSet, cp: &CriticalPath) -> serde_json::Value {
    serde_json::to_value(PathJson { set, cp }).unwrap_or_else(|_| serde_json::Value::Array(Vec::new()))
}

/// The JSON array of [`critical_path_json`], serialized straight from the path: a
/// writer gets the same text as from the JSON value, without a value per segment.
pub struct PathJson<'a> {
    pub set: &'a TraceSet,
    pub cp: &'a CriticalPath,
}

/// One segment; fields in the key order of the JSON object (sorted).
#[derive(Serialize)]
struct SegmentJson<'a> {
    contribution_ns: DurNs,
    end_ns: TimeNs,
    name: &'a str,
    percent: f64,
    service: &'a str,
    span_id: String,
    start_ns: TimeNs,
}

impl Serialize for PathJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let set = self.set;
        let mut seq = serializer.serialize_seq(None)?;
        for seg in &self.cp.segments {
            let Some(s) = set.spans.get(seg.span as usize) else { continue };
            let ns = seg.duration_ns();
            seq.serialize_element(&SegmentJson {
                contribution_ns: ns,
                end_ns: seg.end_ns,
                name: set.name_of(s),
                percent: round2(percent_of(ns, self.cp.trace_duration_ns)),
                service: set.service_of(s),
                span_id: s.span_id.to_text(&set.strings),
                start_ns: seg.start_ns,
            })?;
        }
        seq.end()
    }
}
