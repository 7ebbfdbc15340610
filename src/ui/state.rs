//! App-wide reactive state, shared through Leptos context: the loaded set, the
//! selected trace and span, and a span filter other views can set.
//!
//! Views get it with `use_context::<AppState>()`. Every field is a `Copy` signal.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::TraceSet;

/// The loaded traces plus what was derived from them once, after loading.
#[derive(Clone)]
pub struct Loaded {
    pub set: TraceSet,
    /// Names of the inputs, for the header.
    pub names: Vec<String>,
    /// The load that delivered it, or (once the clock-skew toggle changed the set) the
    /// id of that version of the set (`ui::skew`); the worker's answers carry the same id.
    pub load_id: f64,
}

/// Which top-level view is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Waterfall,
    Flamegraph,
    Spans,
    CriticalPath,
    Graph,
    Patterns,
    Stats,
    Llm,
}

impl Tab {
    /// The tabs in the order of the top bar.
    pub const ALL: [Tab; 8] = [Tab::Waterfall, Tab::Flamegraph, Tab::Spans, Tab::CriticalPath, Tab::Graph, Tab::Patterns, Tab::Stats, Tab::Llm];

    /// The tab's button text.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Waterfall => "Waterfall",
            Tab::Flamegraph => "Flame graph",
            Tab::Spans => "Spans",
            Tab::CriticalPath => "Critical path",
            Tab::Graph => "Graph",
            Tab::Patterns => "Patterns",
            Tab::Stats => "Stats",
            Tab::Llm => "LLM",
        }
    }

    /// The tab's name in deep links and test ids.
    pub fn name(self) -> &'static str {
        match self {
            Tab::Waterfall => "waterfall",
            Tab::Flamegraph => "flamegraph",
            Tab::Spans => "spans",
            Tab::CriticalPath => "critical-path",
            Tab::Graph => "graph",
            Tab::Patterns => "patterns",
            Tab::Stats => "stats",
            Tab::Llm => "llm",
        }
    }

    /// The tab of a [`Tab::name`].
    pub fn from_name(s: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.name() == s)
    }
}

#[derive(Clone, Copy)]
pub struct AppState {
    /// `None` until something has loaded.
    pub loaded: RwSignal<Option<Arc<Loaded>>>,
    /// Index into `set.traces` of the trace shown.
    pub trace: RwSignal<usize>,
    /// Selected span: index into `set.spans`.
    pub selected: RwSignal<Option<u32>>,
    /// When set, the waterfall shows only these spans (indices into `set.spans`)
    /// and their ancestors; views such as the service graph set it on click.
    pub span_filter: RwSignal<Option<Arc<Vec<u32>>>>,
    /// A label for the active filter ("edge api → auth"), shown with a clear button.
    pub span_filter_label: RwSignal<String>,
    /// Critical path highlighted in the waterfall.
    pub show_critical_path: RwSignal<bool>,
    pub tab: RwSignal<Tab>,
    /// Whether times are adjusted for clock skew (the header's toggle, `skew=0` in the
    /// hash when off); `ui::skew` has the worker apply it and shows the set it sends.
    pub skew_adjust: RwSignal<bool>,
    /// Whether the worker is re-timing the set for a flip of that switch (`ui::skew`).
    pub skew_busy: RwSignal<bool>,
    /// Bumped by [`AppState::jump_to_span`]: the waterfall opens the detail panel for
    /// the selected span and scrolls it to the middle of the view.
    pub jump: RwSignal<u64>,
}

impl AppState {
    pub fn new() -> AppState {
        AppState {
            loaded: RwSignal::new(None),
            trace: RwSignal::new(0),
            selected: RwSignal::new(None),
            span_filter: RwSignal::new(None),
            span_filter_label: RwSignal::new(String::new()),
            show_critical_path: RwSignal::new(false),
            tab: RwSignal::new(Tab::Waterfall),
            jump: RwSignal::new(0),
            skew_adjust: RwSignal::new(true),
            skew_busy: RwSignal::new(false),
        }
    }
    /// Jumps to a span in the waterfall: selects its trace and the span, switches tab;
    /// the waterfall then expands the span's collapsed ancestors, scrolls to its row
    /// and opens its detail panel.
    pub fn jump_to_span(&self, span: u32) {
        if let Some(l) = self.loaded.get_untracked()
            && let Some(s) = l.set.spans.get(span as usize) {
                if self.trace.get_untracked() != s.trace as usize {
                    self.trace.set(s.trace as usize);
                }
                self.selected.set(Some(span));
                self.tab.set(Tab::Waterfall);
                self.jump.update(|n| *n += 1);
            }
    }
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new()
    }
}
