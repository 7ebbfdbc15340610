//! Two traces compared (A/B): a [`TraceSet`] and two trace indices in; their spans merged
//! into one tree keyed by the `service/operation` path from the root, each node with
//! the count and total duration in A and in B and the first span of each, out. Nodes
//! come in pre-order of the merged tree (siblings sorted by text), so the UI draws it
//! as an indented list.

use serde::{Deserialize, Serialize};

use super::paths::PathTree;
use super::summary::service_text;
use crate::model::TraceSet;

/// One side of a node: its spans in one trace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DiffSide {
    pub count: u32,
    pub total_ns: u64,
    /// The first of those spans (index into `set.spans`), to open it.
    pub first_span: Option<u32>,
}

impl DiffSide {
    /// Mean span duration; `None` without spans.
    pub fn mean_ns(&self) -> Option<f64> {
        (self.count > 0).then(|| self.total_ns as f64 / self.count as f64)
    }
}

/// One node of the merged tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffRow {
    /// `service/operation` steps from the root.
    pub path: Vec<String>,
    pub service: String,
    pub operation: String,
    /// 0 at the top.
    pub depth: u32,
    pub a: DiffSide,
    pub b: DiffSide,
}

/// Where a node occurs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    OnlyA,
    OnlyB,
    Both,
}

impl DiffRow {
    pub fn presence(&self) -> Presence {
        match (self.a.count, self.b.count) {
            (_, 0) => Presence::OnlyA,
            (0, _) => Presence::OnlyB,
            _ => Presence::Both,
        }
    }
    /// B's total time on this path minus A's.
    pub fn delta_total_ns(&self) -> i64 {
        self.b.total_ns as i64 - self.a.total_ns as i64
    }
    /// B's count minus A's.
    pub fn delta_count(&self) -> i64 {
        self.b.count as i64 - self.a.count as i64
    }
    /// How much slower B is, relative to A's total on the path: +1.0 is twice as slow,
    /// −0.5 half the time; `None` when the path is in one trace only.
    pub fn change_ratio(&self) -> Option<f64> {
        (self.a.total_ns > 0 && self.b.count > 0).then(|| self.delta_total_ns() as f64 / self.a.total_ns as f64)
    }
}

/// Traces `a` and `b` (indices into `set.traces`) as one merged tree, in pre-order.
pub fn diff_traces(set: &TraceSet, a: usize, b: usize) -> Vec<DiffRow> {
    let mut tree = PathTree::new();
    let mut sides: Vec<[DiffSide; 2]> = Vec::new();
    for (side, trace) in [a, b].into_iter().enumerate() {
        let Some(t) = set.traces.get(trace) else { continue };
        let nodes = tree.assign(set, trace);
        sides.resize(tree.nodes.len(), [DiffSide::default(); 2]);
        for (k, &node) in nodes.iter().enumerate() {
            let span = t.spans.start + k as u32;
            let Some(s) = set.spans.get(span as usize) else { continue };
            let d = &mut sides[node as usize][side];
            d.count += 1;
            d.total_ns = d.total_ns.saturating_add(s.duration_ns);
            d.first_span.get_or_insert(span);
        }
    }
    tree.pre_order(set)
        .into_iter()
        .map(|n| {
            let node = tree.nodes[n as usize];
            let [sa, sb] = sides[n as usize];
            DiffRow {
                path: tree.path(set, n),
                service: service_text(set, node.service).to_string(),
                operation: set.str(node.operation).to_string(),
                depth: node.depth,
                a: sa,
                b: sb,
            }
        })
        .collect()
}
