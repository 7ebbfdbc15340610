//! Clock-skew adjustment: a trace in; for each of its spans the shift (ns, signed) that
//! moves it onto its parent's clock out, and which spans started an adjustment.
//!
//! The rule is Jaeger's: a span on another process than its parent (another resource
//! and service name: an RPC's server side, including the server half of a Zipkin shared client/server
//! span, which the reader makes the client half's child) that does not lie inside its
//! parent is moved — when it is shorter than the parent, centred in it (the parent's
//! extra time split evenly between the request and the response); else to start with
//! the parent. The shift carries down to the span's subtree, and every span is compared
//! with its parent as already shifted. Pre-order walk, no recursion. Spans of the same
//! process or service are never moved: their clocks are taken to agree.

use crate::model::{TraceSet, NO_SPAN};

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

/// The adjustment of trace `trace` (empty for a bad index).
pub fn adjust(set: &TraceSet, trace: usize) -> SkewAdjustment {
    let Some(t) = set.traces.get(trace) else { return SkewAdjustment::default() };
    let range = t.spans.range();
    let first = range.start;
    let mut shift_ns = vec![0i64; range.len()];
    let mut moved = Vec::new();
    for i in range {
        let s = &set.spans[i];
        if s.parent == NO_SPAN || (s.parent as usize) < first {
            continue;
        }
        let p = &set.spans[s.parent as usize];
        let inherited = shift_ns[s.parent as usize - first];
        let start = shifted(s.start_ns, inherited);
        let own = if p.resource == s.resource || set.service_id(p) == set.service_id(s) {
            0
        } else {
            let p_start = shifted(p.start_ns, inherited);
            let p_end = p_start.saturating_add(p.duration_ns);
            let end = start.saturating_add(s.duration_ns);
            if start >= p_start && end <= p_end {
                0
            } else if s.duration_ns <= p.duration_ns {
                let target = p_start + (p.duration_ns - s.duration_ns) / 2;
                diff(target, start)
            } else {
                diff(p_start, start)
            }
        };
        shift_ns[i - first] = inherited + own;
        if own != 0 {
            moved.push((i as u32, own));
        }
    }
    SkewAdjustment { shift_ns, moved }
}
