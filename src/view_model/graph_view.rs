//! The dependency graph on screen: a [`GraphLayout`] and the canvas size in; the SVG
//! view box out — fitted, opened at a readable scale, zoomed around a point, panned by
//! a drag — plus what a dense graph keeps of its edges, each node's neighbourhood,
//! and what a hover highlights. Pure; the browser layer measures and renders.
//!
//! Coordinates are layout px (those of [`GraphLayout`]); the SVG maps them to the
//! screen with `preserveAspectRatio="xMidYMid meet"`, which [`Canvas`] reproduces.

use crate::analysis::service_graph::DependencyGraph;
use crate::view_model::graph_layout::GraphLayout;

/// Edges drawn by default; denser graphs show their busiest edges.
pub const DEFAULT_MAX_EDGES: usize = 60;
/// Most edges ever drawn, whatever is asked (each edge is four SVG elements).
pub const MAX_DRAWN_EDGES: usize = 120;
/// Most nodes drawn; a graph with more shows its busiest (see [`cap_nodes`]).
pub const MAX_DRAWN_NODES: usize = 60;
/// Below this zoom the 12 px labels drop under ~8 px on screen; a larger graph opens at
/// this scale on its root side instead of fitted.
pub const MIN_READABLE_SCALE: f64 = 0.68;
/// Pointer travel (|dx| + |dy|, screen px) after which a press is a drag, not a click.
pub const DRAG_THRESHOLD_PX: f64 = 3.0;

/// The part of the graph shown: an SVG `viewBox` in layout px.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewBox {
    pub x_px: f64,
    pub y_px: f64,
    pub width_px: f64,
    pub height_px: f64,
}

impl ViewBox {
    /// The view box while there is no graph.
    pub const EMPTY: ViewBox = ViewBox { x_px: 0.0, y_px: 0.0, width_px: 400.0, height_px: 200.0 };

    /// The whole layout (at least 200 × 120).
    pub fn fit(l: &GraphLayout) -> ViewBox {
        ViewBox { x_px: 0.0, y_px: 0.0, width_px: l.width_px.max(200.0), height_px: l.height_px.max(120.0) }
    }

    /// The view a new graph opens with on a canvas of the given size: `None` (fitted)
    /// when fitting keeps labels readable, else [`MIN_READABLE_SCALE`] on the left (root)
    /// side, vertically centered. An unmeasured canvas (0 px) counts as scale 1.
    pub fn opening(l: &GraphLayout, canvas_width_px: f64, canvas_height_px: f64) -> Option<ViewBox> {
        let full = ViewBox::fit(l);
        let scale = if canvas_width_px > 0.0 && canvas_height_px > 0.0 {
            (canvas_width_px / full.width_px).min(canvas_height_px / full.height_px)
        } else {
            1.0
        };
        if scale >= MIN_READABLE_SCALE {
            return None;
        }
        let (w, h) = (canvas_width_px / MIN_READABLE_SCALE, canvas_height_px / MIN_READABLE_SCALE);
        Some(ViewBox { x_px: 0.0, y_px: (full.height_px - h) / 2.0, width_px: w, height_px: h })
    }

    /// The `viewBox` attribute text.
    pub fn attr(&self) -> String {
        format!("{:.1} {:.1} {:.1} {:.1}", self.x_px, self.y_px, self.width_px, self.height_px)
    }

    /// Zoomed by `factor` (< 1 zooms in) keeping the point `anchor` (layout px; the
    /// center when `None`) in place. The width stays between 1/20 and 4 times `full`'s.
    pub fn zoomed(self, factor: f64, anchor: Option<(f64, f64)>, full: ViewBox) -> ViewBox {
        let new_w = (self.width_px * factor).clamp(full.width_px / 20.0, full.width_px * 4.0);
        let k = new_w / self.width_px;
        let (sx, sy) = anchor.unwrap_or((self.x_px + self.width_px / 2.0, self.y_px + self.height_px / 2.0));
        ViewBox {
            x_px: sx - (sx - self.x_px) * k,
            y_px: sy - (sy - self.y_px) * k,
            width_px: self.width_px * k,
            height_px: self.height_px * k,
        }
    }

    /// Moved so that the content follows a pointer drag of (`dx_px`, `dy_px`) on screen
    /// at `scale` screen px per layout px.
    pub fn dragged(self, dx_px: f64, dy_px: f64, scale: f64) -> ViewBox {
        ViewBox { x_px: self.x_px - dx_px / scale, y_px: self.y_px - dy_px / scale, ..self }
    }
}

/// Where the SVG element is on the page, in client px.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Canvas {
    pub left_px: f64,
    pub top_px: f64,
    pub width_px: f64,
    pub height_px: f64,
}

impl Canvas {
    /// Screen px per layout px showing `v` (`xMidYMid meet`); `None` for an empty canvas.
    pub fn scale(&self, v: ViewBox) -> Option<f64> {
        if self.width_px <= 0.0 || self.height_px <= 0.0 {
            return None;
        }
        Some((self.width_px / v.width_px).min(self.height_px / v.height_px))
    }

    /// The layout point under a client point while `v` is shown.
    pub fn to_layout(&self, v: ViewBox, client_x_px: f64, client_y_px: f64) -> Option<(f64, f64)> {
        let scale = self.scale(v)?;
        let (ox, oy) = ((self.width_px - v.width_px * scale) / 2.0, (self.height_px - v.height_px * scale) / 2.0);
        Some((v.x_px + (client_x_px - self.left_px - ox) / scale, v.y_px + (client_y_px - self.top_px - oy) / scale))
    }
}

/// Zoom factor of one wheel step (`delta_mode` 0: px, 1: lines, 2: pages), 0.5 to 2.
pub fn wheel_factor(delta_y: f64, delta_mode: u32) -> f64 {
    let unit = match delta_mode {
        1 => 16.0,
        2 => 400.0,
        _ => 1.0,
    };
    (delta_y * unit * 0.0015).exp().clamp(0.5, 2.0)
}

/// Whether a press that moved (`dx_px`, `dy_px`) is a drag.
pub fn is_drag(dx_px: f64, dy_px: f64) -> bool {
    dx_px.abs() + dy_px.abs() > DRAG_THRESHOLD_PX
}

/// Thins a dense graph to about `max_edges` edges (at least 1). It keeps the edges out
/// of the trace roots and every node's busiest incoming edge (its busiest outgoing one
/// when it has none), so no node is cut off, then the busiest of the rest (calls, then
/// errors, then order). Edge order is kept.
pub fn cap_edges(g: &mut DependencyGraph, max_edges: usize) {
    let cap = max_edges.max(1);
    if g.edges.len() <= cap {
        return;
    }
    let mut order: Vec<usize> = (0..g.edges.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&g.edges[a], &g.edges[b]);
        y.calls.cmp(&x.calls).then(y.errors.cmp(&x.errors)).then(a.cmp(&b))
    });
    // Edges out of the trace roots always stay: they show where requests enter.
    let mut keep: Vec<bool> = g.edges.iter().map(|e| g.roots.contains(&e.from)).collect();
    let mut has_in = vec![false; g.nodes.len()];
    for (k, e) in g.edges.iter().enumerate() {
        if keep[k] {
            has_in[e.to] = true;
        }
    }
    for &k in &order {
        let to = g.edges[k].to;
        if !has_in[to] {
            has_in[to] = true;
            keep[k] = true;
        }
    }
    let mut linked: Vec<bool> = has_in.clone();
    for &k in &order {
        let from = g.edges[k].from;
        if !linked[from] {
            linked[from] = true;
            keep[k] = true;
        }
    }
    let mut kept = keep.iter().filter(|&&x| x).count();
    for &k in &order {
        if kept >= cap {
            break;
        }
        if !keep[k] {
            keep[k] = true;
            kept += 1;
        }
    }
    retain_marked(&mut g.edges, &keep);
}

/// Keeps at most `max_nodes` nodes (at least 1): the services of the trace roots first,
/// then the nodes with the most spans (then errors, then order). Edges touching a
/// dropped node go with it; node order is kept and edges and roots are renumbered.
/// Returns how many nodes were dropped.
pub fn cap_nodes(g: &mut DependencyGraph, max_nodes: usize) -> usize {
    let cap = max_nodes.max(1);
    let n = g.nodes.len();
    if n <= cap {
        return 0;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&g.nodes[a], &g.nodes[b]);
        let (ra, rb) = (g.roots.contains(&a), g.roots.contains(&b));
        rb.cmp(&ra).then(y.spans.len().cmp(&x.spans.len())).then(y.errors.cmp(&x.errors)).then(a.cmp(&b))
    });
    let mut keep = vec![false; n];
    for &i in order.iter().take(cap) {
        keep[i] = true;
    }
    // New index of each kept node.
    let mut new_index = vec![usize::MAX; n];
    let mut next = 0;
    for (i, k) in keep.iter().enumerate() {
        if *k {
            new_index[i] = next;
            next += 1;
        }
    }
    retain_marked(&mut g.nodes, &keep);
    g.edges.retain(|e| keep[e.from] && keep[e.to]);
    for e in &mut g.edges {
        e.from = new_index[e.from];
        e.to = new_index[e.to];
    }
    g.roots.retain(|&r| keep[r]);
    for r in &mut g.roots {
        *r = new_index[*r];
    }
    n - next
}

/// Per node: itself and the nodes an edge joins it to, ascending.
pub fn neighbourhoods(g: &DependencyGraph) -> Vec<Vec<usize>> {
    (0..g.nodes.len())
        .map(|i| {
            let mut v = g.neighbours(i);
            v.push(i);
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect()
}

/// Stroke width of an edge (px): 1 to 4 by its calls on a log scale up to the busiest.
pub fn edge_width_px(calls: u64, max_calls: u64) -> f64 {
    let max = max_calls.max(1) as f64;
    1.0 + 3.0 * ((calls as f64).ln_1p() / max.ln_1p())
}

/// What the pointer is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hover {
    /// A node, by index.
    Node(usize),
    /// An edge, by index.
    Edge(usize),
}

/// How a node or edge is drawn while something is hovered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emphasis {
    /// Nothing is hovered.
    Normal,
    /// It is hovered or touches what is.
    Highlight,
    /// Something else is hovered.
    Dim,
}

fn emphasis(hover: Option<Hover>, touches: impl FnOnce(Hover) -> bool) -> Emphasis {
    match hover {
        None => Emphasis::Normal,
        Some(h) if touches(h) => Emphasis::Highlight,
        Some(_) => Emphasis::Dim,
    }
}

/// The emphasis of edge `edge` (from `from` to `to`).
pub fn edge_emphasis(hover: Option<Hover>, edge: usize, from: usize, to: usize) -> Emphasis {
    emphasis(hover, |h| match h {
        Hover::Edge(k) => k == edge,
        Hover::Node(n) => n == from || n == to,
    })
}

/// The emphasis of node `node`, given its neighbourhood (see [`neighbourhoods`]) and
/// the (from, to) of every edge.
pub fn node_emphasis(hover: Option<Hover>, node: usize, near: &[usize], edges: &[(usize, usize)]) -> Emphasis {
    emphasis(hover, |h| match h {
        Hover::Node(n) => near.binary_search(&n).is_ok(),
        Hover::Edge(k) => edges.get(k).is_some_and(|&(a, c)| a == node || c == node),
    })
}

/// Keeps the items of `items` whose index is marked in `keep`, in order.
fn retain_marked<T>(items: &mut Vec<T>, keep: &[bool]) {
    let mut marks = keep.iter();
    items.retain(|_| marks.next().copied().unwrap_or(false));
}
