//! The flame-graph tab's data: a trace, a zoom span, the chart's pixel width and the
//! rows on screen in ([`FlameRequest`]); the frames and "other" slivers to draw with
//! their display text, the breadcrumb and the row count out ([`FlameData`]). Also the
//! keyboard moves between the frames the page holds ([`step`]).

use serde::{Deserialize, Serialize};

use crate::format;
use crate::model::TraceSet;
use crate::view_model::flame::{FlameLayout, FlameMove, FlameTree, FlameViewport, NO_PARENT};
use crate::view_model::list_window::RowRange;
use crate::view_model::palette;

/// Most frames and slivers sent for one view: with the label and the waterfall kept
/// mounted behind, the page stays within its DOM budget.
pub const MAX_FLAME_ITEMS: usize = 320;

/// What the flame-graph tab asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlameRequest {
    pub trace: usize,
    /// The span (index into `set.spans`) shown full width on top, or the whole trace.
    pub zoom: Option<u32>,
    pub width_px: u32,
    /// Rows on screen (with a margin).
    pub rows: RowRange,
}

/// One drawn frame.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlameCell {
    /// Index into `set.spans`.
    pub span: u32,
    /// The parent's index into `set.spans`, if it is under the zoom root.
    pub parent: Option<u32>,
    /// The span id as in deep links (hex).
    pub id: String,
    pub row: u32,
    pub x_px: f64,
    pub width_px: f64,
    pub name: String,
    pub service: String,
    /// Palette slot of the service (as in the waterfall).
    pub slot: usize,
    pub error: bool,
    pub duration: String,
    pub self_time: String,
    /// Self time as a share of the duration, 0–100.
    pub self_pct: f64,
    /// Start offset from the trace start.
    pub start: String,
}

/// Frames too narrow to draw, merged.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlameSliver {
    pub row: u32,
    pub x_px: f64,
    pub width_px: f64,
    pub spans: u64,
}

/// What the tab gets back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlameData {
    pub frames: Vec<FlameCell>,
    pub others: Vec<FlameSliver>,
    pub rows_total: u32,
    /// The zoom root actually used (a span of another trace is ignored).
    pub zoom: Option<u32>,
    /// From the top root down to the zoom root: (span index, "service: name").
    pub crumbs: Vec<(u32, String)>,
    /// Spans under the view, and the width under which frames merge (px).
    pub spans: u64,
    pub threshold_px: f64,
}

/// Lays out `tree` (the flame tree of `req.trace`) for `req`.
pub fn answer(set: &TraceSet, tree: &FlameTree, req: &FlameRequest) -> FlameData {
    let Some(t) = set.traces.get(req.trace) else { return FlameData::default() };
    let first = t.spans.start;
    let zoom = req.zoom.and_then(|s| s.checked_sub(first)).filter(|&z| (z as usize) < tree.len());
    let rows = req.rows.from.min(u32::MAX as usize) as u32..req.rows.to.min(u32::MAX as usize) as u32;
    let view = FlameViewport { zoom, width_px: req.width_px.max(1) as f64, rows, min_px: 1.0, max_items: MAX_FLAME_ITEMS };
    let layout = FlameLayout::new(tree, &view);
    let services: Vec<&str> = set.resources.iter().map(|r| set.str(r.service)).collect();
    let slots = palette::assign(services.iter().copied());
    let span_of = |node: u32| tree.nodes[node as usize].id as u32;
    let label = |span: u32| {
        set.spans.get(span as usize).map(|s| format!("{}: {}", set.service_of(s), set.name_of(s))).unwrap_or_default()
    };
    let frames = layout
        .frames
        .iter()
        .filter_map(|f| {
            let node = &tree.nodes[f.node as usize];
            let span = node.id as u32;
            let s = set.spans.get(span as usize)?;
            let under_zoom = node.parent != NO_PARENT && Some(f.node) != zoom;
            let service = set.service_of(s).to_string();
            Some(FlameCell {
                span,
                parent: under_zoom.then(|| span_of(node.parent)),
                id: s.span_id.to_text(&set.strings),
                row: f.row,
                x_px: f.x_px,
                width_px: f.width_px,
                name: set.name_of(s).to_string(),
                slot: slots.get(&service).copied().unwrap_or(0),
                service,
                error: node.error,
                duration: format::duration(node.value),
                self_time: format::duration(node.self_value),
                self_pct: if node.value > 0 { node.self_value as f64 * 100.0 / node.value as f64 } else { 0.0 },
                start: format::duration(node.start),
            })
        })
        .collect();
    let others = layout
        .others
        .iter()
        .map(|o| FlameSliver { row: o.row, x_px: o.x_px, width_px: o.width_px, spans: o.spans })
        .collect();
    let crumbs = zoom.map(|z| tree.ancestors(z)).unwrap_or_default().into_iter().map(|n| (span_of(n), label(span_of(n)))).collect();
    let spans = match zoom {
        Some(z) => tree.subtree_spans[z as usize],
        None => tree.roots().map(|r| tree.subtree_spans[r as usize]).sum(),
    };
    FlameData {
        frames,
        others,
        rows_total: layout.rows_total,
        zoom: zoom.map(span_of),
        crumbs,
        spans,
        threshold_px: layout.threshold_px,
    }
}

/// The frame a key moves to from `span` among the frames on the page: left/right along
/// its row, up to its parent, down to its leftmost child.
pub fn step(frames: &[FlameCell], span: u32, mv: FlameMove) -> Option<u32> {
    let me = frames.iter().find(|f| f.span == span)?;
    let by_x = |a: &&FlameCell, b: &&FlameCell| a.x_px.total_cmp(&b.x_px);
    match mv {
        FlameMove::Up => me.parent.filter(|p| frames.iter().any(|f| f.span == *p)),
        FlameMove::Down => frames.iter().filter(|f| f.parent == Some(span)).min_by(by_x).map(|f| f.span),
        FlameMove::Left => frames.iter().filter(|f| f.row == me.row && f.x_px < me.x_px).max_by(by_x).map(|f| f.span),
        FlameMove::Right => frames.iter().filter(|f| f.row == me.row && f.x_px > me.x_px).min_by(by_x).map(|f| f.span),
    }
}
