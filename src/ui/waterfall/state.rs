//! Waterfall state: the loaded set and the app state in; [`WfState`] (the view's
//! signals) and [`WfDerived`] (memos over them: the shown trace, matches, rows, time
//! window, critical path (from the worker), LLM badges) out. No DOM here.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::ui::llm::prices::{llm_badges, prices};
use crate::ui::offload::channel::channel;
use crate::ui::state::AppState;
use crate::ui::util::{timed, Shared};
use crate::ui::waterfall::badges::{Badges, BADGES_FULL_SCAN_SPANS};
use crate::ui::waterfall::search::start_find;
use crate::ui::waterfall::trace_view::{trace_view, TraceView};
use crate::view_model::find;
use crate::view_model::tabs::{Request, Response};
use crate::view_model::waterfall::{self as wf, Collapsed, TimeWindow};

/// Signals of the waterfall view.
#[derive(Clone, Copy)]
pub struct WfState {
    pub collapsed: RwSignal<Collapsed>,
    /// Zoom window (offsets from the trace start); `None` shows the whole trace.
    pub zoom: RwSignal<Option<TimeWindow>>,
    pub scroll_top: RwSignal<f64>,
    pub viewport_h: RwSignal<f64>,
    /// Width of the bar lane in CSS px (for placing LLM badges).
    pub lane_px: RwSignal<f64>,
    /// The applied find query (drives the matches, the hash and only-matching).
    pub find: RwSignal<String>,
    /// The text in the find box; it becomes `find` after [`FIND_DEBOUNCE_MS`](crate::ui::waterfall::find::FIND_DEBOUNCE_MS) without
    /// typing (at once on Enter, and at once for small traces).
    pub find_text: RwSignal<String>,
    /// Index into the matches of the current match.
    pub find_pos: RwSignal<Option<usize>>,
    pub only_matching: RwSignal<bool>,
    pub detail_open: RwSignal<bool>,
    /// A scroll position the rows container should move to.
    pub scroll_to: RwSignal<Option<f64>>,
    /// Bumped to focus the find box.
    pub focus_find: RwSignal<u32>,
    /// A drag selection on the ruler or minimap: (from, to) as fractions, and whether on the minimap.
    pub drag: RwSignal<Option<(f64, f64, bool)>>,
}

impl WfState {
    pub fn new() -> WfState {
        WfState {
            collapsed: RwSignal::new(Collapsed::none()),
            zoom: RwSignal::new(None),
            scroll_top: RwSignal::new(0.0),
            viewport_h: RwSignal::new(600.0),
            lane_px: RwSignal::new(800.0),
            find: RwSignal::new(String::new()),
            find_text: RwSignal::new(String::new()),
            find_pos: RwSignal::new(None),
            only_matching: RwSignal::new(false),
            detail_open: RwSignal::new(false),
            scroll_to: RwSignal::new(None),
            focus_find: RwSignal::new(0),
            drag: RwSignal::new(None),
        }
    }
    /// Back to the initial view (new trace).
    pub fn reset(&self) {
        self.collapsed.set(Collapsed::none());
        self.zoom.set(None);
        self.find_pos.set(None);
        self.scroll_to.set(Some(0.0));
    }
}

impl Default for WfState {
    fn default() -> Self {
        WfState::new()
    }
}

/// Critical-path segments per span (absolute ns), for highlighting.
pub type CritMap = BTreeMap<u32, Vec<(u64, u64)>>;

/// Memos derived from the loaded set and [`WfState`].
#[derive(Clone, Copy)]
pub struct WfDerived {
    pub view: Memo<Option<Shared<TraceView>>>,
    /// Spans matching the applied find query, ascending. On big traces the search runs
    /// in slices between which the page stays responsive; `find_busy` is set meanwhile
    /// (and `matches` still holds the previous result).
    pub matches: RwSignal<Shared<Vec<u32>>>,
    pub find_busy: RwSignal<bool>,
    pub rows: Memo<Shared<Vec<u32>>>,
    pub window: Memo<TimeWindow>,
    pub crit: Memo<Option<Shared<CritMap>>>,
    /// LLM badge text by span (`model · in→out tok · $cost`), priced with the table in
    /// use, so edits in the prices dialog show up on the bars.
    pub badges: Memo<Option<Shared<Badges>>>,
}

impl WfDerived {
    pub fn new(app: AppState, s: WfState) -> WfDerived {
        let view = Memo::new(move |_| {
            let loaded = app.loaded.get()?;
            trace_view(&loaded, app.trace.get()).map(Shared::new)
        });
        let matches = RwSignal::new(Shared::new(Vec::new()));
        let find_busy = RwSignal::new(false);
        Effect::new(move |_| {
            let q = find::parse(&s.find.get());
            start_find(view.get(), q, matches, find_busy);
        });
        let rows = Memo::new(move |_| {
            let Some(v) = view.get() else { return Shared::new(Vec::new()) };
            let collapsed = s.collapsed.get();
            let external = app.span_filter.get();
            let only = s.only_matching.get() && !s.find.with(|f| f.trim().is_empty());
            let keep = match (&external, only) {
                (Some(f), _) => Some(wf::keep_mask(v.set(), v.trace, f)),
                (None, true) => Some(wf::keep_mask(v.set(), v.trace, &matches.get())),
                _ => None,
            };
            Shared::new(timed("rows_ms", || wf::visible_rows(v.set(), v.trace, &collapsed, keep.as_deref())))
        });
        let window = Memo::new(move |_| {
            let bounds = view.with(|v| v.as_ref().map(|v| v.bounds())).unwrap_or(TimeWindow { start_ns: 0.0, end_ns: 1.0 });
            s.zoom.get().map(|z| z.clamped(bounds)).unwrap_or(bounds)
        });
        // The path comes from the worker (it can take long on a big trace).
        let path = channel(
            app,
            move || app.show_critical_path.get().then(|| Request::CriticalHighlight { trace: app.trace.get() }),
            |r| if let Response::CriticalHighlight(h) = r { Some(h) } else { None },
        );
        let crit = Memo::new(move |_| {
            if !app.show_critical_path.get() {
                return None;
            }
            let segments = path.data.get()?;
            let mut m: CritMap = BTreeMap::new();
            for &(span, start_ns, end_ns) in segments.iter() {
                m.entry(span).or_default().push((start_ns, end_ns));
            }
            Some(Shared::new(m))
        });
        let badges = Memo::new(move |_| {
            let v = view.get()?;
            let spans = v.set().traces.get(v.trace).map(|t| t.spans.len).unwrap_or(0);
            if spans > BADGES_FULL_SCAN_SPANS {
                // Follow price edits: a new (empty) cache per table.
                prices().track();
                return Some(Shared::new(Badges::PerRow { view: v, cache: Default::default() }));
            }
            let b = timed("badges_ms", || llm_badges(v.set(), v.trace));
            (!b.is_empty()).then(|| Shared::new(Badges::All(b)))
        });
        WfDerived { view, matches, find_busy, rows, window, crit, badges }
    }
}
