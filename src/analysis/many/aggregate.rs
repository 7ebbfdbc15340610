//! Where time goes across many traces: a [`TraceSet`] and trace indices in; their spans
//! merged by `service/operation` path from the root, each path with its total time
//! (the sum of its spans' durations), self time, span and trace counts, and the spans
//! behind it, in pre-order of the merged tree (siblings by text) out. The aggregate
//! flame graph draws these.

use serde::{Deserialize, Serialize};

use super::paths::{PathTree, NO_NODE};
use super::summary::service_text;
use crate::analysis::stats::self_times;
use crate::model::TraceSet;

/// One path.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PathTotal {
    /// Index of the parent path in the list, or `u32::MAX` at the top.
    pub parent: u32,
    pub depth: u32,
    pub service: String,
    pub operation: String,
    pub total_ns: u64,
    pub self_ns: u64,
    pub spans: u32,
    /// Traces with at least one span on the path.
    pub traces: u32,
}

/// Every path, in pre-order, with the spans behind each (indices into `set.spans`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PathTotals {
    pub paths: Vec<PathTotal>,
    pub spans: Vec<Vec<u32>>,
}

/// The merged paths of traces `traces` (unknown ones are skipped).
pub fn path_totals(set: &TraceSet, traces: &[usize]) -> PathTotals {
    let mut tree = PathTree::new();
    let mut acc: Vec<(PathTotal, Vec<u32>, usize)> = Vec::new();
    for &trace in traces {
        let Some(t) = set.traces.get(trace) else { continue };
        let nodes = tree.assign(set, trace);
        acc.resize(tree.nodes.len(), (PathTotal::default(), Vec::new(), usize::MAX));
        let selfs = self_times(set, t.spans.range());
        for (k, (&node, self_ns)) in nodes.iter().zip(selfs).enumerate() {
            let span = t.spans.start + k as u32;
            let Some(s) = set.spans.get(span as usize) else { continue };
            let (p, list, last) = &mut acc[node as usize];
            p.total_ns = p.total_ns.saturating_add(s.duration_ns);
            p.self_ns = p.self_ns.saturating_add(self_ns);
            p.spans += 1;
            if *last != trace {
                p.traces += 1;
                *last = trace;
            }
            list.push(span);
        }
    }
    let order = tree.pre_order(set);
    let mut place = vec![u32::MAX; tree.nodes.len()];
    for (i, &n) in order.iter().enumerate() {
        place[n as usize] = i as u32;
    }
    let mut out = PathTotals::default();
    for &n in &order {
        let node = tree.nodes[n as usize];
        let (mut p, list, _) = std::mem::take(&mut acc[n as usize]);
        p.parent = if node.parent == NO_NODE { u32::MAX } else { place[node.parent as usize] };
        p.depth = node.depth;
        p.service = service_text(set, node.service).to_string();
        p.operation = set.str(node.operation).to_string();
        out.paths.push(p);
        out.spans.push(list);
    }
    out
}
