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
    /// The node's ancestor (or itself) at depth `min(depth, PATH_HEAD_STEPS - 1)`: where a
    /// shortened path's first part ends.
    head_end: u32,
}

/// Paths of more steps than this are shortened ([`PathTree::path`]): a chain of tens of
/// thousands of spans would otherwise give as many rows of as many steps each.
pub const MAX_PATH_STEPS: usize = 64;
/// The steps a shortened path keeps from the top, and from its end.
const PATH_HEAD_STEPS: usize = 32;
const PATH_TAIL_STEPS: usize = MAX_PATH_STEPS - PATH_HEAD_STEPS - 1;

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
                // A parent's node is older than its children's: its head end is known.
                let head_end = if (depth as usize) < PATH_HEAD_STEPS { next } else { self.nodes[parent as usize].head_end };
                self.nodes.push(PathNode { parent, service: key.1, operation: key.2, depth, head_end });
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
    ///
    /// A path of more than [`MAX_PATH_STEPS`] steps keeps its first 32 and last 31, with
    /// one `"… N more steps …"` between them, so that building every node's path costs at
    /// most that many steps per node however deep the traces are.
    pub fn path(&self, set: &TraceSet, node: u32) -> Vec<String> {
        let Some(last) = self.nodes.get(node as usize) else { return Vec::new() };
        let steps = last.depth as usize + 1;
        if steps <= MAX_PATH_STEPS {
            return self.walk_up(set, node, steps);
        }
        let mut out = self.walk_up(set, last.head_end, PATH_HEAD_STEPS);
        out.push(format!("… {} more steps …", crate::format::thousands((steps - PATH_HEAD_STEPS - PATH_TAIL_STEPS) as u64)));
        out.extend(self.walk_up(set, node, PATH_TAIL_STEPS));
        out
    }

    /// The last `count` steps of a node's path (fewer at the top), top first.
    fn walk_up(&self, set: &TraceSet, node: u32, count: usize) -> Vec<String> {
        let mut out = Vec::with_capacity(count);
        let mut n = node;
        while let Some(p) = self.nodes.get(n as usize).filter(|_| out.len() < count) {
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
