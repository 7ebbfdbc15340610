//! One trace as a flame-graph tree: a [`TraceSet`] and a trace index in, a
//! [`FlameTree`] out with one node per span (no synthetic root), in the set's
//! pre-order. A node's `start` is the span's offset from the trace start, `value` its
//! duration, `self_value` its self time, `label` its interned name, `color` its
//! interned service name, and `id` its index in `set.spans`.

use super::tree::{FlameNode, FlameTree, NO_PARENT};
use crate::analysis::stats::self_times;
use crate::model::{NO_SPAN, TraceSet};

/// The tree of trace `trace` (an empty tree for a bad index).
pub fn trace_tree(set: &TraceSet, trace: usize) -> FlameTree {
    let Some(t) = set.traces.get(trace) else { return FlameTree::default() };
    let range = t.spans.range();
    let first = range.start;
    let selfs = self_times(set, range.clone());
    let nodes = set.spans[range]
        .iter()
        .zip(selfs)
        .enumerate()
        .map(|(k, (s, self_ns))| {
            let parent = if s.parent == NO_SPAN || (s.parent as usize) < first {
                NO_PARENT
            } else {
                s.parent - first as u32
            };
            FlameNode {
                parent,
                start: s.start_ns.saturating_sub(t.start_ns),
                value: s.duration_ns,
                self_value: self_ns,
                label: s.name.0,
                color: set.service_id(s).0,
                error: s.is_error(),
                id: (first + k) as u64,
                spans: 1,
            }
        })
        .collect();
    FlameTree::new(nodes)
}
