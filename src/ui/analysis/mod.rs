//! The analysis views (wasm32 only): the loaded set and selected trace (from
//! [`AppState`]) in; four tabs out — [`critical_path::CriticalPathView`],
//! [`graph::GraphView`], [`patterns::PatternsView`], [`stats::StatsView`]. Every
//! fact comes from `analysis` and every position from `view_model::graph_layout` and
//! `view_model::graph_view`; these files render and wire events. This file holds what
//! the views share.
//!
//! * User-derived text (service and span names, messages) is always a text node.
//!   Only the chart SVG from `analysis::charts` (plotters, labels escaped) is
//!   set with `inner_html`.
//! * Clicking a row, finding, node or edge jumps to a span or sets the waterfall's
//!   span filter (`AppState::span_filter`) and switches to the waterfall tab.

pub mod critical_path;
pub mod graph;
pub mod patterns;
pub mod stats;

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::TraceSet;
use crate::ui::state::{AppState, Tab};

/// Most table rows a view draws.
pub const MAX_ROWS: usize = 2_000;

pub fn no_data(testid: &'static str) -> AnyView {
    view! { <div class="an-view view-pane" data-testid=testid><p class="an-note">"Load a trace to see this view."</p></div> }.into_any()
}

pub fn op_name(set: &TraceSet, span: u32) -> (String, String) {
    set.spans
        .get(span as usize)
        .map(|s| (set.service_of(s).to_string(), set.name_of(s).to_string()))
        .unwrap_or_default()
}

/// Filters the waterfall to `spans` (kept to one trace: the current one when it has
/// any of them, else the trace of the first), labels the filter and shows the waterfall.
pub fn filter_waterfall(app: AppState, set: &TraceSet, spans: &[u32], label: String) {
    let Some(&first) = spans.first() else { return };
    let current = app.trace.get_untracked();
    let trace = if spans.iter().any(|&s| set.spans.get(s as usize).map(|x| x.trace as usize) == Some(current)) {
        current
    } else {
        set.spans.get(first as usize).map(|s| s.trace as usize).unwrap_or(current)
    };
    let keep: Vec<u32> = spans.iter().copied().filter(|&s| set.spans.get(s as usize).map(|x| x.trace as usize) == Some(trace)).collect();
    if trace != current {
        app.trace.set(trace);
    }
    app.selected.set(None);
    app.span_filter.set(Some(Arc::new(keep)));
    app.span_filter_label.set(label);
    app.tab.set(Tab::Waterfall);
}
