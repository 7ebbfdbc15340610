//! Keyboard moves in the dependency graph: the laid-out node boxes, a node's
//! neighbours and an arrow key in; the node that the key moves focus to out. Also a
//! node's edges, in the order the keyboard walks them, and the step along that list.
//!
//! A move goes to the nearest neighbour that lies in the key's direction (within 45°
//! of it); when no neighbour does, to the nearest node of all on that side, so that
//! every node can be reached (nodes of one layer are rarely neighbours of each other).
//! Tab on a node enters its edges: those leaving it, then those entering it; arrows
//! walk them, Shift+Tab or Esc goes back to the node.

use crate::view_model::graph_layout::NodeBox;

/// An arrow key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrow {
    Left,
    Right,
    Up,
    Down,
}

impl Arrow {
    /// The arrow of a `KeyboardEvent.key`, if it is one.
    pub fn from_key(key: &str) -> Option<Arrow> {
        Some(match key {
            "ArrowLeft" => Arrow::Left,
            "ArrowRight" => Arrow::Right,
            "ArrowUp" => Arrow::Up,
            "ArrowDown" => Arrow::Down,
            _ => return None,
        })
    }
}

/// How far `to` lies from `from` in direction `dir`, as (along, across) in px, when it
/// lies that way at all (more than half a px along).
fn offset(from: &NodeBox, to: &NodeBox, dir: Arrow) -> Option<(f64, f64)> {
    let centre = |b: &NodeBox| (b.x_px + b.width_px / 2.0, b.y_px + b.height_px / 2.0);
    let ((x0, y0), (x1, y1)) = (centre(from), centre(to));
    let (along, across) = match dir {
        Arrow::Right => (x1 - x0, y1 - y0),
        Arrow::Left => (x0 - x1, y1 - y0),
        Arrow::Down => (y1 - y0, x1 - x0),
        Arrow::Up => (y0 - y1, x1 - x0),
    };
    (along > 0.5).then_some((along, across.abs()))
}

/// The node focus moves to from `from` on `dir`; `near` is `from` and its neighbours
/// (`GraphData::near`). `None` when nothing lies that way. Ties go to the lower index.
pub fn step(boxes: &[NodeBox], near: &[usize], from: usize, dir: Arrow) -> Option<usize> {
    let here = boxes.get(from)?;
    let best = |candidates: &mut dyn Iterator<Item = usize>, cone: bool| {
        let mut best: Option<(f64, usize)> = None;
        for i in candidates {
            let Some(b) = boxes.get(i).filter(|_| i != from) else { continue };
            let Some((along, across)) = offset(here, b, dir).filter(|&(along, across)| !cone || along >= across) else { continue };
            // Straight ahead is preferred over a nearer node far to the side.
            let score = along + 2.0 * across;
            if best.is_none_or(|(s, _)| score < s) {
                best = Some((score, i));
            }
        }
        best.map(|(_, i)| i)
    };
    best(&mut near.iter().copied(), true).or_else(|| best(&mut (0..boxes.len()), false))
}

/// The edges of `node`, as the keyboard walks them: those leaving it, then those
/// entering it, each in edge order. `ends` is each edge's (from, to) (`GraphData::ends`);
/// an edge from a node to itself is listed once.
pub fn node_edges(ends: &[(usize, usize)], node: usize) -> Vec<usize> {
    let out = ends.iter().enumerate().filter(|&(_, &(a, _))| a == node).map(|(k, _)| k);
    let inc = ends.iter().enumerate().filter(|&(_, &(a, b))| b == node && a != node).map(|(k, _)| k);
    out.chain(inc).collect()
}

/// The edge an arrow key moves to from `edge` in `list` (a node's edges, [`node_edges`]):
/// Down or Right the next, Up or Left the one before. `None` at either end or when
/// `edge` is not in the list.
pub fn edge_step(list: &[usize], edge: usize, dir: Arrow) -> Option<usize> {
    let at = list.iter().position(|&k| k == edge)?;
    match dir {
        Arrow::Down | Arrow::Right => list.get(at + 1).copied(),
        Arrow::Up | Arrow::Left => at.checked_sub(1).and_then(|i| list.get(i).copied()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(x_px: f64, y_px: f64) -> NodeBox {
        NodeBox { x_px, y_px, width_px: 100.0, height_px: 30.0, ..Default::default() }
    }

    /// Two layers: 0 on the left; 1, 2 and 3 stacked on the right; 0 calls 1 and 3.
    fn boxes() -> Vec<NodeBox> {
        vec![node(0.0, 60.0), node(200.0, 0.0), node(200.0, 60.0), node(200.0, 120.0)]
    }

    #[test]
    fn arrows_prefer_neighbours_in_their_direction() {
        let b = boxes();
        // Node 2 is straight right of 0 but not a neighbour: the neighbours come first,
        // and 1 and 3 are as far; the lower index wins.
        assert_eq!(step(&b, &[0, 1, 3], 0, Arrow::Right), Some(1));
        // Back left from 3 to its neighbour 0.
        assert_eq!(step(&b, &[0, 3], 3, Arrow::Left), Some(0));
    }

    #[test]
    fn without_a_neighbour_that_way_the_nearest_node_is_taken() {
        let b = boxes();
        // 1's neighbour 0 is down but far to the side: 2, the next node down in the
        // layer, is taken; then 3.
        assert_eq!(step(&b, &[0, 1], 1, Arrow::Down), Some(2));
        assert_eq!(step(&b, &[0, 1], 1, Arrow::Left), Some(0));
        assert_eq!(step(&b, &[2], 2, Arrow::Down), Some(3));
        assert_eq!(step(&b, &[3], 3, Arrow::Up), Some(2));
        // Nothing lies left of 0, or below 3.
        assert_eq!(step(&b, &[0, 1, 3], 0, Arrow::Left), None);
        assert_eq!(step(&b, &[0, 3], 3, Arrow::Down), None);
        // An index out of range moves nowhere.
        assert_eq!(step(&b, &[], 9, Arrow::Up), None);
    }

    #[test]
    fn a_nodes_edges_are_walked_outgoing_first() {
        // 0 → 1, 2 → 0, 0 → 3, 0 → 0, 1 → 3.
        let ends = [(0, 1), (2, 0), (0, 3), (0, 0), (1, 3)];
        let list = node_edges(&ends, 0);
        assert_eq!(list, vec![0, 2, 3, 1]);
        assert_eq!(node_edges(&ends, 3), vec![2, 4]);
        assert_eq!(node_edges(&ends, 9), Vec::<usize>::new());
        assert_eq!(edge_step(&list, 0, Arrow::Down), Some(2));
        assert_eq!(edge_step(&list, 3, Arrow::Right), Some(1));
        assert_eq!(edge_step(&list, 1, Arrow::Down), None);
        assert_eq!(edge_step(&list, 2, Arrow::Up), Some(0));
        assert_eq!(edge_step(&list, 0, Arrow::Left), None);
        // An edge not of this node moves nowhere.
        assert_eq!(edge_step(&list, 4, Arrow::Down), None);
    }

    #[test]
    fn keys_map_to_arrows() {
        assert_eq!(Arrow::from_key("ArrowUp"), Some(Arrow::Up));
        assert_eq!(Arrow::from_key("Enter"), None);
    }
}
