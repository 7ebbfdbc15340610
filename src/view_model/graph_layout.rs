//! Layered layout for a directed graph (the dependency graph): node labels and
//! edges in; boxes and edge polylines in px out, left to right.
//!
//! ```text
//!  1. break cycles      petgraph's greedy feedback arc set; those edges are reversed
//!                       (given roots, e.g. where traces start, are moved first)
//!  2. layer             longest path from the sources (toposort with petgraph)
//!  3. long edges        a dummy point per layer crossed, so edges bend around boxes
//!  4. order             barycenter sweeps (down, up, ...) keep the ordering with the
//!                       fewest crossings (counted exactly with a Fenwick tree)
//!  5. place             columns left to right, as wide as their widest label;
//!                       boxes stacked with a gap, columns centred vertically
//!  6. straighten        boxes pulled toward their neighbours' centres (order and
//!                       gaps kept), so edges run straighter
//!
//!   layer 0          layer 1             layer 2
//!  [api-gateway] ──▶ [context-service] ──▶ [postgresql db chat]
//!        │  └──────▶ [llm-orchestrator] ─▶ [llm-router] ──▶ [anthropic …]
//!        └────────────────── · ─────────▶ (dummy point on a long edge)
//! ```
//!
//! Pure and deterministic: the same input always gives the same layout.

use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use crate::analysis::service_graph::DependencyGraph;

/// Sizes and effort.
#[derive(Clone, Debug, PartialEq)]
pub struct LayoutConfig {
    /// Width of one label character (px); node width = chars × this + padding.
    pub char_width_px: f64,
    pub node_padding_px: f64,
    pub min_node_width_px: f64,
    pub max_label_chars: usize,
    pub node_height_px: f64,
    /// Horizontal space between columns.
    pub layer_gap_px: f64,
    /// Vertical space between boxes in a column.
    pub node_gap_px: f64,
    /// Height taken by a dummy point of a long edge.
    pub dummy_height_px: f64,
    /// Vertical space between two dummy points.
    pub dummy_gap_px: f64,
    /// Margin around the drawing.
    pub margin_px: f64,
    /// Barycenter sweeps (each sweep is one pass down and one pass up).
    pub sweeps: usize,
    /// Passes that pull boxes toward their neighbours (straighter edges).
    pub placement_passes: usize,
}

impl Default for LayoutConfig {
    fn default() -> Self {
        LayoutConfig {
            char_width_px: 7.2,
            node_padding_px: 20.0,
            min_node_width_px: 64.0,
            max_label_chars: 48,
            node_height_px: 32.0,
            layer_gap_px: 72.0,
            node_gap_px: 22.0,
            dummy_height_px: 10.0,
            dummy_gap_px: 4.0,
            margin_px: 16.0,
            sweeps: 12,
            placement_passes: 4,
        }
    }
}

/// A node's box. `x_px`/`y_px` are the top-left corner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeBox {
    pub x_px: f64,
    pub y_px: f64,
    pub width_px: f64,
    pub height_px: f64,
    pub layer: usize,
    /// Position within the layer, top to bottom.
    pub order: usize,
}

impl NodeBox {
    pub fn center(&self) -> (f64, f64) {
        (self.x_px + self.width_px / 2.0, self.y_px + self.height_px / 2.0)
    }
    /// Whether two boxes overlap (touching edges do not count).
    pub fn overlaps(&self, o: &NodeBox) -> bool {
        self.x_px < o.x_px + o.width_px && o.x_px < self.x_px + self.width_px && self.y_px < o.y_px + o.height_px && o.y_px < self.y_px + self.height_px
    }
}

/// An edge's polyline, from the source box to the target box (direction kept even
/// when the edge was reversed to break a cycle).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EdgePath {
    pub from: usize,
    pub to: usize,
    pub points_px: Vec<(f64, f64)>,
    /// The edge points right-to-left (it closes a cycle).
    pub reversed: bool,
}

/// The laid-out graph. `nodes[i]` is input node `i`; `edges[k]` is input edge `k`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphLayout {
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<EdgePath>,
    pub width_px: f64,
    pub height_px: f64,
    /// Edge crossings between adjacent layers in the chosen ordering.
    pub crossings: usize,
    pub layers: usize,
}

/// Node width for a label.
pub fn node_width(label: &str, cfg: &LayoutConfig) -> f64 {
    let chars = label.chars().count().min(cfg.max_label_chars) as f64;
    (chars * cfg.char_width_px + cfg.node_padding_px).max(cfg.min_node_width_px)
}

/// Counts crossings between two adjacent layers: `edges` are (position in upper,
/// position in lower). Inversions counted with a Fenwick tree, O(E log E).
fn count_crossings(edges: &mut [(usize, usize)], lower_len: usize) -> usize {
    edges.sort_unstable();
    let mut tree = vec![0usize; lower_len + 1];
    let mut crossings = 0usize;
    for (seen, &(_, b)) in edges.iter().enumerate() {
        // Count earlier edges whose lower end is strictly greater than b.
        let mut i = b + 1;
        let mut le = 0usize;
        while i > 0 {
            le += tree[i];
            i &= i - 1;
        }
        crossings += seen - le;
        let mut i = b + 1;
        while i <= lower_len {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    crossings
}

/// Lays out nodes (given by their labels) and directed edges (pairs of node indices).
/// Self-loops and edges to unknown nodes get an empty polyline.
pub fn layout(labels: &[&str], edges: &[(usize, usize)], cfg: &LayoutConfig) -> GraphLayout {
    layout_with_roots(labels, edges, &[], cfg)
}

/// Like [`layout`], but the `roots` (node indices, e.g. the services where traces
/// start) come first: edges into them are the ones reversed to break cycles, so they
/// sit in the first layer.
pub fn layout_with_roots(labels: &[&str], edges: &[(usize, usize)], roots: &[usize], cfg: &LayoutConfig) -> GraphLayout {
    let n = labels.len();
    if n == 0 {
        return GraphLayout::default();
    }
    // 1. Graph without self-loops / duplicates; break cycles.
    let mut g: DiGraph<(), usize> = DiGraph::with_capacity(n, edges.len());
    for _ in 0..n {
        g.add_node(());
    }
    let mut uniq: Vec<(usize, usize)> = edges.iter().copied().filter(|&(a, b)| a != b && a < n && b < n).collect();
    uniq.sort_unstable();
    uniq.dedup();
    for (k, &(a, b)) in uniq.iter().enumerate() {
        g.add_edge(NodeIndex::new(a), NodeIndex::new(b), k);
    }
    let mut reversed = vec![false; uniq.len()];
    for e in petgraph::algo::greedy_feedback_arc_set(&g) {
        reversed[*e.weight()] = true;
    }
    // Roots first: take the order the arc set implies (a topological order of the
    // graph with those arcs reversed), move the roots to its front, and orient every
    // edge along the new order.
    let roots: Vec<usize> = {
        let mut seen = vec![false; n];
        roots.iter().copied().filter(|&r| r < n && !std::mem::replace(&mut seen[r], true)).collect()
    };
    if !roots.is_empty() {
        let mut fas_dag: DiGraph<(), ()> = DiGraph::with_capacity(n, uniq.len());
        for _ in 0..n {
            fas_dag.add_node(());
        }
        for (k, &(a, b)) in uniq.iter().enumerate() {
            let (s, t) = if reversed[k] { (b, a) } else { (a, b) };
            fas_dag.add_edge(NodeIndex::new(s), NodeIndex::new(t), ());
        }
        let seq: Vec<usize> = match petgraph::algo::toposort(&fas_dag, None) {
            Ok(v) => v.into_iter().map(|x| x.index()).collect(),
            Err(_) => (0..n).collect(),
        };
        let mut is_root = vec![false; n];
        for &r in &roots {
            is_root[r] = true;
        }
        let mut rank_of = vec![0usize; n];
        for (i, v) in roots.iter().copied().chain(seq.into_iter().filter(|&v| !is_root[v])).enumerate() {
            rank_of[v] = i;
        }
        for (k, &(a, b)) in uniq.iter().enumerate() {
            reversed[k] = rank_of[a] > rank_of[b];
        }
    }
    // The acyclic version: reversed edges point the other way; an edge and its reverse merge.
    let mut dag_edges: Vec<(usize, usize)> =
        uniq.iter().enumerate().map(|(k, &(a, b))| if reversed[k] { (b, a) } else { (a, b) }).collect();
    dag_edges.sort_unstable();
    dag_edges.dedup();
    let mut dag: DiGraph<(), ()> = DiGraph::with_capacity(n, dag_edges.len());
    for _ in 0..n {
        dag.add_node(());
    }
    for &(a, b) in &dag_edges {
        dag.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
    }
    // 2. Longest-path layering in topological order (falls back to index order if
    //    anything cyclic slipped through).
    let topo: Vec<usize> = match petgraph::algo::toposort(&dag, None) {
        Ok(v) => v.into_iter().map(|x| x.index()).collect(),
        Err(_) => (0..n).collect(),
    };
    let mut out_adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &dag_edges {
        out_adj[a].push(b);
    }
    let mut layer = vec![0usize; n];
    for &v in &topo {
        for &w in &out_adj[v] {
            if layer[w] < layer[v] + 1 {
                layer[w] = layer[v] + 1;
            }
        }
    }
    // 3. Virtual nodes: real nodes 0..n, then dummies. Each DAG edge becomes a chain.
    let mut vlayer: Vec<usize> = layer.clone();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(dag_edges.len()); // per dag edge: a, d1.., b
    for &(a, b) in &dag_edges {
        let mut chain = vec![a];
        let (la, lb) = (layer[a], layer[b]);
        for l in la + 1..lb {
            vlayer.push(l);
            chain.push(vlayer.len() - 1);
        }
        chain.push(b);
        chains.push(chain);
    }
    let vn = vlayer.len();
    let layers = vlayer.iter().copied().max().unwrap_or(0) + 1;
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); vn]; // neighbours in the layer above (left)
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); vn];
    for chain in &chains {
        for w in chain.windows(2) {
            down[w[0]].push(w[1]);
            up[w[1]].push(w[0]);
        }
    }
    // 4. Initial order: by a DFS from the sources (keeps related nodes together), then sweeps.
    let mut rank: Vec<Vec<usize>> = vec![Vec::new(); layers];
    {
        let mut seen = vec![false; vn];
        let mut roots: Vec<usize> = (0..n).filter(|&v| up[v].is_empty()).collect();
        roots.sort_by(|&a, &b| labels[a].cmp(labels[b]).then(a.cmp(&b)));
        roots.extend(0..vn);
        let mut stack: Vec<usize> = Vec::new();
        for r in roots {
            if seen[r] {
                continue;
            }
            stack.push(r);
            while let Some(v) = stack.pop() {
                if seen[v] {
                    continue;
                }
                seen[v] = true;
                rank[vlayer[v]].push(v);
                let mut next: Vec<usize> = down[v].iter().copied().filter(|&w| !seen[w]).collect();
                next.sort_by(|&a, &b| {
                    let la = if a < n { labels[a] } else { "" };
                    let lb = if b < n { labels[b] } else { "" };
                    lb.cmp(la).then(b.cmp(&a))
                });
                stack.extend(next);
            }
        }
    }
    let mut pos = vec![0usize; vn];
    let set_pos = |rank: &Vec<Vec<usize>>, pos: &mut Vec<usize>| {
        for r in rank {
            for (i, &v) in r.iter().enumerate() {
                pos[v] = i;
            }
        }
    };
    set_pos(&rank, &mut pos);
    let total_crossings = |rank: &Vec<Vec<usize>>, pos: &Vec<usize>| -> usize {
        let mut c = 0;
        for l in 0..layers.saturating_sub(1) {
            let mut es: Vec<(usize, usize)> = Vec::new();
            for &v in &rank[l] {
                for &w in &down[v] {
                    es.push((pos[v], pos[w]));
                }
            }
            c += count_crossings(&mut es, rank[l + 1].len());
        }
        c
    };
    let mut best_rank = rank.clone();
    let mut best = total_crossings(&rank, &pos);
    for _ in 0..cfg.sweeps {
        if best == 0 {
            break;
        }
        for dir in [true, false] {
            let ls: Vec<usize> = if dir { (1..layers).collect() } else { (0..layers.saturating_sub(1)).rev().collect() };
            for l in ls {
                let nb = if dir { &up } else { &down };
                let mut keyed: Vec<(f64, usize, usize)> = rank[l]
                    .iter()
                    .map(|&v| {
                        let ns = &nb[v];
                        let bc = if ns.is_empty() {
                            pos[v] as f64
                        } else {
                            ns.iter().map(|&w| pos[w] as f64).sum::<f64>() / ns.len() as f64
                        };
                        (bc, pos[v], v)
                    })
                    .collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                rank[l] = keyed.into_iter().map(|k| k.2).collect();
                for (i, &v) in rank[l].iter().enumerate() {
                    pos[v] = i;
                }
            }
            let c = total_crossings(&rank, &pos);
            if c < best {
                best = c;
                best_rank = rank.clone();
            }
        }
    }
    let rank = best_rank;
    set_pos(&rank, &mut pos);

    // 5. Coordinates.
    let widths: Vec<f64> = (0..vn).map(|v| if v < n { node_width(labels[v], cfg) } else { 0.0 }).collect();
    let heights: Vec<f64> = (0..vn).map(|v| if v < n { cfg.node_height_px } else { cfg.dummy_height_px }).collect();
    let col_w: Vec<f64> =
        (0..layers).map(|l| rank[l].iter().map(|&v| widths[v]).fold(0.0, f64::max).max(cfg.dummy_height_px)).collect();
    // The gap below a box depends on its neighbour: dummies pack tighter.
    let gap = |a: usize, b: usize| if a >= n && b >= n { cfg.dummy_gap_px } else { cfg.node_gap_px };
    let col_h: Vec<f64> = (0..layers)
        .map(|l| {
            let r = &rank[l];
            r.iter().map(|&v| heights[v]).sum::<f64>() + r.windows(2).map(|w| gap(w[0], w[1])).sum::<f64>()
        })
        .collect();
    let max_h = col_h.iter().copied().fold(0.0, f64::max);
    let mut col_x = vec![cfg.margin_px; layers];
    for l in 1..layers {
        col_x[l] = col_x[l - 1] + col_w[l - 1] + cfg.layer_gap_px;
    }
    let mut vx = vec![0.0f64; vn];
    let mut vy = vec![0.0f64; vn];
    for l in 0..layers {
        let mut y = cfg.margin_px + (max_h - col_h[l]) / 2.0;
        for (k, &v) in rank[l].iter().enumerate() {
            vx[v] = col_x[l] + (col_w[l] - widths[v]) / 2.0;
            vy[v] = y;
            y += heights[v] + rank[l].get(k + 1).map(|&w| gap(v, w)).unwrap_or(0.0);
        }
    }
    // 6. Straighten: pull each box toward its neighbours' centres, keeping the order
    //    and the gaps (average of a push-down and a push-up pass, both feasible).
    for _ in 0..cfg.placement_passes {
        for down_pass in [true, false] {
            let ls: Vec<usize> = if down_pass { (1..layers).collect() } else { (0..layers.saturating_sub(1)).rev().collect() };
            for l in ls {
                let nb = if down_pass { &up } else { &down };
                let r = &rank[l];
                if r.is_empty() {
                    continue;
                }
                let desired: Vec<f64> = r
                    .iter()
                    .map(|&v| {
                        let ns = &nb[v];
                        if ns.is_empty() {
                            vy[v]
                        } else {
                            ns.iter().map(|&w| vy[w] + heights[w] / 2.0).sum::<f64>() / ns.len() as f64 - heights[v] / 2.0
                        }
                    })
                    .collect();
                let k = r.len();
                let sep = |i: usize| heights[r[i]] + gap(r[i], r[i + 1]);
                let mut fwd = desired.clone();
                for i in 1..k {
                    fwd[i] = fwd[i].max(fwd[i - 1] + sep(i - 1));
                }
                let mut bwd = desired.clone();
                for i in (0..k - 1).rev() {
                    bwd[i] = bwd[i].min(bwd[i + 1] - sep(i));
                }
                for i in 0..k {
                    vy[r[i]] = (fwd[i] + bwd[i]) / 2.0;
                }
            }
        }
    }
    // Normalize: the top edge at the margin.
    let top = (0..vn).map(|v| vy[v]).fold(f64::INFINITY, f64::min);
    let shift = if top.is_finite() { cfg.margin_px - top } else { 0.0 };
    for y in vy.iter_mut() {
        *y += shift;
    }
    let bottom = (0..vn).map(|v| vy[v] + heights[v]).fold(cfg.margin_px, f64::max);
    let nodes: Vec<NodeBox> = (0..n)
        .map(|v| NodeBox { x_px: vx[v], y_px: vy[v], width_px: widths[v], height_px: heights[v], layer: vlayer[v], order: pos[v] })
        .collect();
    let width_px = col_x[layers - 1] + col_w[layers - 1] + cfg.margin_px;
    let height_px = bottom + cfg.margin_px;

    // Edge polylines, in input order, following the chain of their DAG edge.
    let right = |v: usize| (vx[v] + widths[v], vy[v] + heights[v] / 2.0);
    let left = |v: usize| (vx[v], vy[v] + heights[v] / 2.0);
    let mid = |v: usize| (vx[v], vy[v] + heights[v] / 2.0);
    let out_edges: Vec<EdgePath> = edges
        .iter()
        .map(|&(a, b)| {
            if a == b || a >= n || b >= n {
                return EdgePath { from: a, to: b, points_px: Vec::new(), reversed: false };
            }
            let rev = layer[a] > layer[b];
            let (s, t) = if rev { (b, a) } else { (a, b) };
            let chain = dag_edges.binary_search(&(s, t)).ok().map(|k| &chains[k]);
            let mut pts: Vec<(f64, f64)> = vec![right(s)];
            if let Some(ch) = chain {
                for &d in &ch[1..ch.len() - 1] {
                    pts.push(mid(d));
                }
            }
            pts.push(left(t));
            if rev {
                pts.reverse();
            }
            EdgePath { from: a, to: b, points_px: pts, reversed: rev }
        })
        .collect();
    GraphLayout { nodes, edges: out_edges, width_px, height_px, crossings: best, layers }
}

/// Lays out a dependency graph (node labels, edges by node index).
pub fn layout_dependency_graph(g: &DependencyGraph, cfg: &LayoutConfig) -> GraphLayout {
    let labels: Vec<&str> = g.nodes.iter().map(|n| n.label.as_str()).collect();
    let edges: Vec<(usize, usize)> = g.edges.iter().map(|e| (e.from, e.to)).collect();
    layout_with_roots(&labels, &edges, &g.roots, cfg)
}

/// An SVG path `d` through the points: horizontal-tangent cubic curves between
/// consecutive points (reads as a smooth left-to-right edge).
pub fn edge_path_d(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let Some(&(x0, y0)) = points.first() else { return d };
    d.push_str(&format!("M{x0:.1},{y0:.1}"));
    for w in points.windows(2) {
        let ((ax, ay), (bx, by)) = (w[0], w[1]);
        let dx = (bx - ax) / 2.0;
        d.push_str(&format!(" C{:.1},{ay:.1} {:.1},{by:.1} {bx:.1},{by:.1}", ax + dx, bx - dx));
    }
    d
}

/// A point halfway along a polyline (for an edge label).
pub fn midpoint(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.len() < 2 {
        return points.first().copied();
    }
    let k = (points.len() - 1) / 2;
    let (a, b) = (points[k], points[k + 1]);
    Some(((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0))
}

/// Edge crossings in a finished layout, geometrically (segment intersection over
/// the polylines); for tests and diagnostics.
pub fn geometric_crossings(l: &GraphLayout) -> usize {
    fn cross(p: (f64, f64), q: (f64, f64), r: (f64, f64), s: (f64, f64)) -> bool {
        let o = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0);
        let (d1, d2, d3, d4) = (o(r, s, p), o(r, s, q), o(p, q, r), o(p, q, s));
        ((d1 > 1e-9 && d2 < -1e-9) || (d1 < -1e-9 && d2 > 1e-9)) && ((d3 > 1e-9 && d4 < -1e-9) || (d3 < -1e-9 && d4 > 1e-9))
    }
    type Seg = (usize, (f64, f64), (f64, f64));
    let segs: Vec<Seg> = l
        .edges
        .iter()
        .enumerate()
        .flat_map(|(k, e)| e.points_px.windows(2).map(move |w| (k, w[0], w[1])))
        .collect();
    let mut c = 0;
    for i in 0..segs.len() {
        for j in i + 1..segs.len() {
            if segs[i].0 != segs[j].0 && cross(segs[i].1, segs[i].2, segs[j].1, segs[j].2) {
                c += 1;
            }
        }
    }
    c
}
