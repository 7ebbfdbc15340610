//! One viewport of a flame graph: a [`FlameTree`] and a [`FlameViewport`] (zoom root,
//! pixel width, row window, budget) in; a [`FlameLayout`] out — the frames to draw in
//! px, and "other" slivers that each stand for a run of sibling frames narrower than
//! the merge threshold, with how many nodes and spans they hold. Also the keyboard
//! neighbours of a frame and the zoom breadcrumb.
//!
//! The threshold starts at `min_px` (1 px); when the viewport would need more than
//! `max_items` frames and slivers it doubles until it does not, so the DOM stays small
//! however wide the tree is. The walk visits only drawn frames and the first node of
//! each narrow subtree: a narrow node's subtree is narrower still, and is skipped whole.

use super::tree::FlameTree;

/// What part of the graph to lay out.
#[derive(Clone, Debug, PartialEq)]
pub struct FlameViewport {
    /// The node shown full width on the top row, or `None` for every root.
    pub zoom: Option<u32>,
    pub width_px: f64,
    /// Rows (from the top row, 0) whose frames are wanted; rows outside are walked
    /// no deeper than needed and not returned.
    pub rows: std::ops::Range<u32>,
    /// Frames narrower than this (in px) merge into slivers. At least 1 px.
    pub min_px: f64,
    /// Most frames + slivers to return; the threshold grows to stay under it.
    pub max_items: usize,
}

impl Default for FlameViewport {
    fn default() -> Self {
        FlameViewport { zoom: None, width_px: 1000.0, rows: 0..u32::MAX, min_px: 1.0, max_items: 1000 }
    }
}

/// A drawn frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlameFrame {
    pub node: u32,
    /// Row from the top (0 = the zoom root or the roots).
    pub row: u32,
    pub x_px: f64,
    pub width_px: f64,
}

/// A run of adjacent sibling frames too narrow to draw, with their subtrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlameOther {
    pub row: u32,
    pub x_px: f64,
    /// At least the merge threshold would give one pixel; never below 1 px.
    pub width_px: f64,
    /// The parent of the merged siblings, or `NO_PARENT` for merged roots.
    pub parent: u32,
    /// Nodes merged (the siblings and everything under them).
    pub nodes: u32,
    /// Spans they stand for (sum of `FlameNode::spans`).
    pub spans: u64,
}

/// The frames of one viewport.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlameLayout {
    /// In walk order: by row within a subtree, left to right within a row.
    pub frames: Vec<FlameFrame>,
    pub others: Vec<FlameOther>,
    /// Rows of the zoomed graph (the deepest branch + 1), for the scroll height.
    pub rows_total: u32,
    /// The merge threshold used, in px.
    pub threshold_px: f64,
    /// The node range walked (the zoom root's subtree, or everything).
    pub range: (u32, u32),
}

/// A keyboard move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlameMove {
    Left,
    Right,
    Up,
    Down,
}

/// A pending sliver while its sibling run lasts.
struct Pending {
    row: u32,
    parent: u32,
    x0: f64,
    x1: f64,
    nodes: u32,
    spans: u64,
}

impl FlameLayout {
    /// Lays out the viewport. A zoom root that is not a node lays out every root.
    pub fn new(tree: &FlameTree, view: &FlameViewport) -> FlameLayout {
        let zoom = view.zoom.filter(|&z| (z as usize) < tree.len());
        let (lo, hi, x0, w) = match zoom {
            Some(z) => (z, tree.end[z as usize], tree.x[z as usize], tree.w[z as usize]),
            None => (0, tree.len() as u32, 0.0, tree.total_w),
        };
        let rows_total = match zoom {
            Some(z) => tree.height[z as usize] + 1,
            None => tree.roots().map(|r| tree.height[r as usize] + 1).max().unwrap_or(0),
        };
        let width_px = if view.width_px.is_finite() { view.width_px.max(1.0) } else { 1.0 };
        // Zero-width graphs (all values 0) draw each top frame full width.
        let px_per = if w > 0.0 { width_px / w } else { 0.0 };
        let mut threshold = if view.min_px.is_finite() { view.min_px.max(1.0) } else { 1.0 };
        loop {
            let mut out = FlameLayout { rows_total, threshold_px: threshold, range: (lo, hi), ..FlameLayout::default() };
            let fits = walk(tree, view, (lo, hi), (x0, px_per, width_px), threshold, &mut out);
            if fits || threshold >= width_px {
                return out;
            }
            threshold *= 2.0;
        }
    }

    /// The frame drawn for `node`, if any.
    pub fn frame(&self, node: u32) -> Option<&FlameFrame> {
        self.frames.iter().find(|f| f.node == node)
    }

    /// The node a key moves to from `node`: left/right along its row among the drawn
    /// frames, up to its parent (not above the zoom root), down to its first child
    /// wide enough to draw.
    pub fn neighbour(&self, tree: &FlameTree, node: u32, mv: FlameMove) -> Option<u32> {
        let i = node as usize;
        if i >= tree.len() || node < self.range.0 || node >= self.range.1 {
            return None;
        }
        match mv {
            FlameMove::Up => {
                let p = tree.nodes[i].parent;
                (p != super::tree::NO_PARENT && p >= self.range.0 && node != self.range.0).then_some(p)
            }
            FlameMove::Down => {
                let scale = self.frame(node).map(|f| f.width_px / tree.w[i].max(f64::MIN_POSITIVE))?;
                tree.children(node).find(|&c| tree.w[c as usize] * scale >= self.threshold_px)
            }
            FlameMove::Left | FlameMove::Right => {
                let me = self.frame(node)?;
                let row = self.frames.iter().filter(|f| f.row == me.row && f.node != node);
                if mv == FlameMove::Left {
                    row.filter(|f| f.x_px < me.x_px).max_by(|a, b| a.x_px.total_cmp(&b.x_px)).map(|f| f.node)
                } else {
                    row.filter(|f| f.x_px > me.x_px).min_by(|a, b| a.x_px.total_cmp(&b.x_px)).map(|f| f.node)
                }
            }
        }
    }
}

/// One pass at one threshold. Returns false as soon as the budget is exceeded.
fn walk(tree: &FlameTree, view: &FlameViewport, (lo, hi): (u32, u32), px: (f64, f64, f64), threshold: f64, out: &mut FlameLayout) -> bool {
    let (x0, px_per, width_px) = px;
    let top_depth = tree.depth.get(lo as usize).copied().unwrap_or(0);
    let (row_lo, row_hi) = (view.rows.start, view.rows.end);
    // Pending slivers, by increasing row (a deeper run always ends before a
    // shallower node is visited).
    let mut pending: Vec<Pending> = Vec::new();
    let mut j = lo;
    while j < hi {
        let ju = j as usize;
        let row = tree.depth[ju] - top_depth;
        let parent = if j == lo && view.zoom.is_some() { super::tree::NO_PARENT } else { tree.nodes[ju].parent };
        while pending.last().is_some_and(|p| p.row > row || (p.row == row && p.parent != parent)) {
            if let Some(p) = pending.pop() {
                flush(p, row_lo, row_hi, out);
            }
        }
        if row >= row_hi {
            j = tree.end[ju];
            continue;
        }
        let (fx, fw) = if px_per > 0.0 {
            ((tree.x[ju] - x0) * px_per, tree.w[ju] * px_per)
        } else {
            (0.0, if row == 0 { width_px } else { 0.0 })
        };
        if fw < threshold {
            let (nodes, spans) = (tree.end[ju] - j, tree.subtree_spans[ju]);
            match pending.last_mut() {
                Some(p) if p.row == row => {
                    p.x1 = p.x1.max(fx + fw);
                    p.nodes += nodes;
                    p.spans += spans;
                }
                _ => pending.push(Pending { row, parent, x0: fx, x1: fx + fw, nodes, spans }),
            }
            j = tree.end[ju];
        } else {
            if pending.last().is_some_and(|p| p.row == row)
                && let Some(p) = pending.pop()
            {
                flush(p, row_lo, row_hi, out);
            }
            if row >= row_lo {
                out.frames.push(FlameFrame { node: j, row, x_px: fx, width_px: fw });
            }
            j += 1;
        }
        if out.frames.len() + out.others.len() + pending.len() > view.max_items {
            return false;
        }
    }
    while let Some(p) = pending.pop() {
        flush(p, row_lo, row_hi, out);
    }
    out.others.sort_by(|a, b| a.row.cmp(&b.row).then(a.x_px.total_cmp(&b.x_px)));
    out.frames.len() + out.others.len() <= view.max_items
}

fn flush(p: Pending, row_lo: u32, row_hi: u32, out: &mut FlameLayout) {
    if p.row >= row_lo && p.row < row_hi {
        let width_px = (p.x1 - p.x0).max(1.0);
        out.others.push(FlameOther { row: p.row, x_px: p.x0, width_px, parent: p.parent, nodes: p.nodes, spans: p.spans });
    }
}

/// The zoom breadcrumb: the ancestors of `zoom` down to it, top first.
pub fn breadcrumb(tree: &FlameTree, zoom: Option<u32>) -> Vec<u32> {
    zoom.map(|z| tree.ancestors(z)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::tree::{FlameNode, NO_PARENT};
    use super::*;

    fn node(parent: u32, start: u64, value: u64) -> FlameNode {
        FlameNode { parent, start, value, spans: 1, ..FlameNode::default() }
    }

    /// Root 0..1000 with children a (0..500, with a 1-unit grandchild), then five
    /// 1-unit children, then b (600..1000).
    fn sample() -> FlameTree {
        let mut v = vec![node(NO_PARENT, 0, 1000), node(0, 0, 500), node(1, 0, 1)];
        for k in 0..5 {
            v.push(node(0, 500 + k, 1));
        }
        v.push(node(0, 600, 400));
        FlameTree::new(v)
    }

    #[test]
    fn narrow_siblings_merge_into_one_sliver_with_counts() {
        let t = sample();
        let l = FlameLayout::new(&t, &FlameViewport { width_px: 100.0, ..FlameViewport::default() });
        // 1 unit = 0.1 px: the grandchild and the five small children are narrow.
        assert_eq!(l.frames.iter().map(|f| f.node).collect::<Vec<_>>(), vec![0, 1, 8]);
        assert_eq!(l.others.len(), 2);
        let row1 = l.others.iter().find(|o| o.row == 1).map(|o| (o.nodes, o.spans, o.parent));
        assert_eq!(row1, Some((5, 5, 0)));
        let row2 = l.others.iter().find(|o| o.row == 2).map(|o| (o.nodes, o.spans, o.parent));
        assert_eq!(row2, Some((1, 1, 1)));
        // Wide enough, every node is its own frame.
        let wide = FlameLayout::new(&t, &FlameViewport { width_px: 2000.0, ..FlameViewport::default() });
        assert_eq!(wide.frames.len(), 9);
        assert!(wide.others.is_empty());
    }

    #[test]
    fn zoom_rows_and_neighbours() {
        let t = sample();
        let l = FlameLayout::new(&t, &FlameViewport { zoom: Some(1), width_px: 100.0, ..FlameViewport::default() });
        assert_eq!(l.rows_total, 2);
        // Node 1 is 500 units over 100 px; its 1-unit child is 0.2 px: a sliver.
        assert_eq!(l.frames, vec![FlameFrame { node: 1, row: 0, x_px: 0.0, width_px: 100.0 }]);
        assert_eq!(l.others.len(), 1);
        let full = FlameLayout::new(&t, &FlameViewport { width_px: 2000.0, ..FlameViewport::default() });
        assert_eq!(full.neighbour(&t, 1, FlameMove::Right), Some(3));
        assert_eq!(full.neighbour(&t, 3, FlameMove::Left), Some(1));
        assert_eq!(full.neighbour(&t, 1, FlameMove::Up), Some(0));
        assert_eq!(full.neighbour(&t, 0, FlameMove::Up), None);
        assert_eq!(full.neighbour(&t, 0, FlameMove::Down), Some(1));
        assert_eq!(breadcrumb(&t, Some(2)), vec![0, 1, 2]);
        // Row window: only row 1.
        let r = FlameLayout::new(&t, &FlameViewport { rows: 1..2, width_px: 2000.0, ..FlameViewport::default() });
        assert!(r.frames.iter().all(|f| f.row == 1));
        assert_eq!(r.frames.len(), 7);
    }

    #[test]
    fn the_budget_raises_the_threshold() {
        // 2,000 children of 1 unit under a 2,000-unit root at 2,000 px: 2,001 frames
        // at 1 px; with a budget of 100 they merge.
        let mut v = vec![node(NO_PARENT, 0, 2000)];
        v.extend((0..2000).map(|k| node(0, k, 1)));
        let t = FlameTree::new(v);
        let l = FlameLayout::new(&t, &FlameViewport { width_px: 2000.0, max_items: 100, ..FlameViewport::default() });
        assert!(l.frames.len() + l.others.len() <= 100);
        assert_eq!(l.threshold_px, 2.0);
        assert_eq!(l.others.iter().map(|o| o.spans).sum::<u64>(), 2000);
    }
}
