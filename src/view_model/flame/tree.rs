//! The flame-graph tree: pre-ordered [`FlameNode`]s in, a [`FlameTree`] out with each
//! node's depth, subtree end, span and node counts, deepest row below it, and its
//! place in value units.
//!
//! Placement: the roots, and the children of each node, are packed in input order
//! from their own start (`max(start, end of the previous sibling)`), so concurrent
//! siblings sit side by side and each keeps a width equal to its value. When the
//! packed children of a node reach past its end, they are all scaled down together
//! to fit in it (a 50-way concurrent fan-out becomes 50 thin frames, never frames
//! drawn outside their parent). A child that starts before its parent (clock skew)
//! is placed at the parent's start.

/// Marker for "no parent" (a root).
pub const NO_PARENT: u32 = u32::MAX;

/// One frame of the input tree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlameNode {
    /// Index of the parent node (smaller than this node's), or [`NO_PARENT`].
    pub parent: u32,
    /// Where the node starts, in value units (e.g. ns from the trace start). Only a
    /// placement hint: see the module notes.
    pub start: u64,
    /// The node's width in value units (a span's duration, a path's total time).
    pub value: u64,
    /// The part of `value` not spent in children (self time).
    pub self_value: u64,
    /// The caller's label key (e.g. an interned span name).
    pub label: u32,
    /// The caller's colour key (e.g. the interned service name).
    pub color: u32,
    pub error: bool,
    /// The caller's id for the node (e.g. a span index).
    pub id: u64,
    /// How many spans the node stands for: 1 for a span, more for a merged path.
    pub spans: u32,
}

/// A tree ready for layouts. Node `i`'s subtree is `i..end[i]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlameTree {
    pub nodes: Vec<FlameNode>,
    /// 0 for a root.
    pub depth: Vec<u32>,
    /// One past the last node of the subtree.
    pub end: Vec<u32>,
    /// Spans in the subtree (sum of `FlameNode::spans`).
    pub subtree_spans: Vec<u64>,
    /// Rows below the node in its deepest branch (0 for a leaf).
    pub height: Vec<u32>,
    /// Left edge in value units, from the leftmost root.
    pub x: Vec<f64>,
    /// Drawn width in value units (`value`, scaled down where children overflowed).
    pub w: Vec<f64>,
    /// Right edge of the last root: the width of the whole graph.
    pub total_w: f64,
    /// Nodes whose `parent` was not an earlier ancestor in pre-order and became roots.
    pub reparented: u32,
}

impl FlameTree {
    /// Builds the tree. Linear and iterative. A node whose parent is not on the
    /// current ancestor path (not pre-ordered, or a forward reference) becomes a root
    /// and is counted in `reparented`.
    pub fn new(mut nodes: Vec<FlameNode>) -> FlameTree {
        let n = nodes.len();
        let mut depth = vec![0u32; n];
        let mut end = vec![0u32; n];
        let mut reparented = 0u32;
        // Ancestor path of the current node; popped nodes have their subtree closed.
        let mut path: Vec<u32> = Vec::new();
        for i in 0..n {
            let parent = nodes[i].parent;
            while let Some(&top) = path.last() {
                if top == parent {
                    break;
                }
                end[top as usize] = i as u32;
                path.pop();
            }
            if path.is_empty() && parent != NO_PARENT {
                nodes[i].parent = NO_PARENT;
                reparented += 1;
            }
            depth[i] = path.len() as u32;
            path.push(i as u32);
        }
        for top in path {
            end[top as usize] = n as u32;
        }
        // Bottom-up sums: children come after their parent, so a reverse pass sees
        // every child before its parent.
        let mut subtree_spans: Vec<u64> = nodes.iter().map(|f| f.spans as u64).collect();
        let mut height = vec![0u32; n];
        for i in (0..n).rev() {
            let p = nodes[i].parent;
            if p != NO_PARENT {
                let (s, h) = (subtree_spans[i], height[i] + 1);
                subtree_spans[p as usize] += s;
                height[p as usize] = height[p as usize].max(h);
            }
        }
        let (x, w, total_w) = place(&nodes);
        FlameTree { nodes, depth, end, subtree_spans, height, x, w, total_w, reparented }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Nodes in the subtree of `i` (itself included).
    pub fn subtree_nodes(&self, i: u32) -> u32 {
        self.end.get(i as usize).map(|&e| e.saturating_sub(i)).unwrap_or(0)
    }

    /// The direct children of `i`, in order. Walks by subtree jumps.
    pub fn children(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let end = self.end.get(i as usize).copied().unwrap_or(0);
        let mut c = i.saturating_add(1);
        std::iter::from_fn(move || {
            if c >= end {
                return None;
            }
            let out = c;
            c = self.end[c as usize];
            Some(out)
        })
    }

    /// The roots, in order.
    pub fn roots(&self) -> impl Iterator<Item = u32> + '_ {
        let n = self.nodes.len() as u32;
        let mut c = 0u32;
        std::iter::from_fn(move || {
            if c >= n {
                return None;
            }
            let out = c;
            c = self.end[c as usize];
            Some(out)
        })
    }

    /// The path from the top root down to `i` (both included); empty for a bad index.
    pub fn ancestors(&self, i: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut c = i;
        while let Some(node) = self.nodes.get(c as usize) {
            out.push(c);
            c = node.parent;
        }
        out.reverse();
        out
    }

    /// The node whose `id` is `id`, if any (linear).
    pub fn find_id(&self, id: u64) -> Option<u32> {
        self.nodes.iter().position(|f| f.id == id).map(|i| i as u32)
    }
}

/// Places every node (see the module notes): `(x, w, total width)` in value units.
fn place(nodes: &[FlameNode]) -> (Vec<f64>, Vec<f64>, f64) {
    let n = nodes.len();
    // Pass 1: each node's offset inside its parent, in the parent's own (unscaled)
    // units, and how far each node's packed children reach.
    let mut rel = vec![0f64; n];
    let mut reach = vec![0f64; n];
    let mut roots_reach = 0f64;
    let mut first_root_start: Option<u64> = None;
    for i in 0..n {
        let f = &nodes[i];
        let value = f.value as f64;
        if f.parent == NO_PARENT {
            let base = *first_root_start.get_or_insert(f.start);
            let hint = f.start.saturating_sub(base) as f64;
            rel[i] = hint.max(roots_reach);
            roots_reach = rel[i] + value;
        } else {
            let p = f.parent as usize;
            let hint = f.start.saturating_sub(nodes[p].start) as f64;
            rel[i] = hint.max(reach[p]);
            reach[p] = rel[i] + value;
        }
    }
    // Pass 2: absolute places. `inner[p]` is the scale of p's children: p's own
    // scale, times the shrink that fits their reach in p.
    let mut x = vec![0f64; n];
    let mut w = vec![0f64; n];
    let mut inner = vec![1f64; n];
    for i in 0..n {
        let f = &nodes[i];
        let value = f.value as f64;
        let (scale, origin) = if f.parent == NO_PARENT {
            (1.0, 0.0)
        } else {
            let p = f.parent as usize;
            (inner[p], x[p])
        };
        x[i] = origin + rel[i] * scale;
        w[i] = value * scale;
        let shrink = if reach[i] > value && reach[i] > 0.0 { value / reach[i] } else { 1.0 };
        inner[i] = scale * shrink;
    }
    (x, w, roots_reach)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(parent: u32, start: u64, value: u64) -> FlameNode {
        FlameNode { parent, start, value, self_value: value, spans: 1, ..FlameNode::default() }
    }

    #[test]
    fn depth_end_counts_and_height() {
        // 0 ─┬─ 1 ── 2
        //    └─ 3
        let t = FlameTree::new(vec![node(NO_PARENT, 0, 100), node(0, 0, 50), node(1, 0, 10), node(0, 50, 50)]);
        assert_eq!(t.depth, vec![0, 1, 2, 1]);
        assert_eq!(t.end, vec![4, 3, 3, 4]);
        assert_eq!(t.subtree_spans, vec![4, 2, 1, 1]);
        assert_eq!(t.height, vec![2, 1, 0, 0]);
        assert_eq!(t.children(0).collect::<Vec<_>>(), vec![1, 3]);
        assert_eq!(t.ancestors(2), vec![0, 1, 2]);
        assert_eq!(t.reparented, 0);
    }

    #[test]
    fn concurrent_children_pack_side_by_side_and_shrink_to_fit() {
        // Parent 0..100; children 10..60 and 20..70 run at once: packed at 10 and 60,
        // reaching 110 > 100, so both shrink by 100/110.
        let t = FlameTree::new(vec![node(NO_PARENT, 0, 100), node(0, 10, 50), node(0, 20, 50)]);
        let k = 100.0 / 110.0;
        assert!((t.x[1] - 10.0 * k).abs() < 1e-9 && (t.w[1] - 50.0 * k).abs() < 1e-9);
        assert!((t.x[2] - 60.0 * k).abs() < 1e-9 && (t.w[2] - 50.0 * k).abs() < 1e-9);
        assert!(t.x[2] + t.w[2] <= t.x[0] + t.w[0] + 1e-9);
    }

    #[test]
    fn a_forward_parent_becomes_a_root() {
        let t = FlameTree::new(vec![node(NO_PARENT, 0, 10), node(5, 0, 10)]);
        assert_eq!(t.reparented, 1);
        assert_eq!(t.roots().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(t.total_w, 20.0); // the second root packs after the first: 10 + 10
    }
}
