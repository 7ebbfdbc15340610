//! Clock-skew adjustment: a trace in; for each of its spans the shift (ns, signed) that
//! moves it onto its parent's clock out, and which spans started an adjustment.
//!
//! The rule is Jaeger's: a span on another process than its parent (another resource
//! and service name: an RPC's server side, including the server half of a Zipkin shared client/server
//! span, which the reader makes the client half's child) that does not lie inside its
//! parent is moved — when it is shorter than the parent, centred in it (the parent's
//! extra time split evenly between the request and the response); when it is longer and
//! starts before the parent, to start with the parent (a longer span that starts inside
//! cannot be placed better and stays). The shift carries down to the span's subtree, and
//! every span is compared with its parent as already shifted. Pre-order walk, no
//! recursion. Spans of the same process or service are never moved: their clocks are
//! taken to agree. Asynchronous children (a FOLLOWS_FROM parent link, a CONSUMER span)
//! are meant to outlive their parent and are not moved either.
//!
//! [`adjust`] computes the shifts of one trace; [`apply`] (in `apply.rs`) writes them
//! into a whole set and [`restore`] takes them out again.

mod apply;

pub use apply::{apply, moved_in_trace, restore, set_adjusted, shift_text, Relayout, MAX_SKEW_WARNINGS_PER_TRACE};

use crate::model::{arena, span_flags, Span, SpanKind, TraceSet, NO_SPAN};

/// The adjustment of one trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SkewAdjustment {
    /// Per span of the trace (index `i - trace.spans.start`): the shift to add to its start.
    pub shift_ns: Vec<i64>,
    /// The spans (indices into `set.spans`) whose own shift is not their parent's, with
    /// that own part: where an adjustment starts.
    pub moved: Vec<(u32, i64)>,
}

impl SkewAdjustment {
    /// The shift of span `span` (index into `set.spans`) of a trace starting at `first`.
    pub fn shift_of(&self, first: usize, span: u32) -> i64 {
        (span as usize).checked_sub(first).and_then(|k| self.shift_ns.get(k)).copied().unwrap_or(0)
    }
}

/// Adds a signed shift to a time, saturating.
pub fn shifted(t: u64, shift_ns: i64) -> u64 {
    if shift_ns >= 0 { t.saturating_add(shift_ns as u64) } else { t.saturating_sub(shift_ns.unsigned_abs()) }
}

/// `a - b` as a signed shift, saturating.
fn diff(a: u64, b: u64) -> i64 {
    (a as i128 - b as i128).clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// The adjustment of trace `trace` (empty for a bad index), computed from the times the
/// set holds now (on a set already adjusted, every shift is 0).
///
/// The set's layout puts a parent before its children (`Span::parent` is smaller than
/// the child's index), so a parent's shift is known when its child is reached; a parent
/// outside the trace or at a later index (a malformed set) is taken as not shifted and
/// leaves the child alone. A span or parent without a recorded timestamp, or a parent
/// without a duration, gives no window to compare with and is not moved.
pub fn adjust(set: &TraceSet, trace: usize) -> SkewAdjustment {
    let Some(t) = set.traces.get(trace) else { return SkewAdjustment::default() };
    let range = t.spans.range();
    let first = range.start;
    let mut shift_ns = vec![0i64; range.len()];
    let mut moved = Vec::new();
    for i in range {
        let Some(s) = set.spans.get(i) else { break };
        let parent = s.parent as usize;
        if s.parent == NO_SPAN || parent < first || parent >= i {
            continue;
        }
        let (Some(p), Some(&inherited)) = (set.spans.get(parent), shift_ns.get(parent - first)) else { continue };
        let own = own_shift(set, p, s, inherited);
        shift_ns[i - first] = inherited.saturating_add(own);
        if own != 0 {
            moved.push((arena::index_u32(i), own));
        }
    }
    SkewAdjustment { shift_ns, moved }
}

/// The shift span `s` needs on top of `inherited` (its parent's shift, which its own
/// subtree carries too) to lie in parent `p`'s window, per the module rule.
fn own_shift(set: &TraceSet, p: &Span, s: &Span, inherited: i64) -> i64 {
    let untimed = span_flags::MISSING_TIMESTAMP;
    if p.resource == s.resource
        || set.service_id(p) == set.service_id(s)
        || s.has(untimed)
        || p.has(untimed)
        || p.has(span_flags::MISSING_DURATION)
        || s.has(span_flags::FOLLOWS_FROM)
        || s.kind == SpanKind::Consumer
    {
        return 0;
    }
    let start = shifted(s.start_ns, inherited);
    let p_start = shifted(p.start_ns, inherited);
    let p_end = p_start.saturating_add(p.duration_ns);
    if start >= p_start && start.saturating_add(s.duration_ns) <= p_end {
        0
    } else if s.duration_ns <= p.duration_ns {
        diff(p_start.saturating_add((p.duration_ns - s.duration_ns) / 2), start)
    } else if start < p_start {
        diff(p_start, start)
    } else {
        0
    }
}
