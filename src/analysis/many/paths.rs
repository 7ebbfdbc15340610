//! Span paths merged across traces: a [`TraceSet`] and traces in; a [`PathTree`] whose
//! nodes are `service/operation` paths from a root (the same path in two traces is one
//! node) and, per trace, each span's node out. A root or an orphan starts a path at
//! the top. Iterative: spans are in pre-order, so a parent's node is known before its
//! children's.

use rustc_hash::FxHashMap;

use super::summary::service_text;
use crate::model::{StrId, TraceSet, NO_SPAN};

/// The parent of a top-level node.
pub const NO_NODE: u32 = u32::MAX;

/// One `service/operation` step at the end of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathNode {
    /// The node of the path one step shorter, or [`NO_NODE`].
    pub parent: u32,
    pub service: StrId,
    pub operation: StrId,
    /// 0 at the top.
    pub depth: u32,
}

/// Paths of one set, merged.
#[derive(Clone, Debug, Default)]
pub struct PathTree {
    pub nodes: Vec<PathNode>,
    index: FxHashMap<(u32, StrId, StrId), u32>,
}

impl PathTree {
    pub fn new() -> PathTree {
        PathTree::default()
    }

    /// The node of every span of trace `trace`, in the trace's span order (so the node of
    /// span `i` is at `i - trace.spans.start`), adding nodes for new paths.
    pub fn assign(&mut self, set: &TraceSet, trace: usize) -> Vec<u32> {
        let Some(t) = set.traces.get(trace) else { return Vec::new() };
        let range = t.spans.range();
        let base = range.start;
        let mut out: Vec<u32> = Vec::with_capacity(range.len());
        for s in set.spans.get(range).unwrap_or(&[]) {
            let parent = if s.parent != NO_SPAN && (s.parent as usize) >= base {
                out.get(s.parent as usize - base).copied().unwrap_or(NO_NODE)
            } else {
                NO_NODE
            };
            let key = (parent, set.service_id(s), s.name);
            let depth = if parent == NO_NODE { 0 } else { self.nodes[parent as usize].depth + 1 };
            let next = self.nodes.len() as u32;
            let node = *self.index.entry(key).or_insert(next);
            if node == next {
                self.nodes.push(PathNode { parent, service: key.1, operation: key.2, depth });
            }
            out.push(node);
        }
        out
    }

    /// The `service/operation` text of one node's last step.
    pub fn step(&self, set: &TraceSet, node: u32) -> String {
        self.nodes.get(node as usize).map(|n| format!("{}/{}", service_text(set, n.service), set.str(n.operation))).unwrap_or_default()
    }

    /// The whole path of a node, top first, as `service/operation` steps.
    pub fn path(&self, set: &TraceSet, node: u32) -> Vec<String> {
        let mut out = Vec::new();
        let mut n = node;
        while let Some(p) = self.nodes.get(n as usize) {
            out.push(self.step(set, n));
            n = p.parent;
        }
        out.reverse();
        out
    }

    /// The nodes in pre-order of the merged tree, siblings sorted by their step text.
    pub fn pre_order(&self, set: &TraceSet) -> Vec<u32> {
        let mut kids: Vec<Vec<u32>> = vec![Vec::new(); self.nodes.len()];
        let mut tops: Vec<u32> = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            match kids.get_mut(n.parent as usize) {
                Some(k) => k.push(i as u32),
                None => tops.push(i as u32),
            }
        }
        let by_text = |v: &mut Vec<u32>| {
            // Reversed, so that popping from the stack gives them in order.
            v.sort_by_cached_key(|&n| std::cmp::Reverse(self.step(set, n)));
        };
        by_text(&mut tops);
        let mut stack = tops;
        let mut out = Vec::with_capacity(self.nodes.len());
        while let Some(n) = stack.pop() {
            out.push(n);
            if let Some(k) = kids.get_mut(n as usize) {
                let mut k = std::mem::take(k);
                by_text(&mut k);
                stack.extend(k);
            }
        }
        out
    }
}
