//! Many traces on the page: the trace list (the first view when more than one trace is
//! loaded), its filter, the duration scatter, the two comparisons, the trace navigation
//! of the top bar and the history entries between list and trace.
//!
//! ```text
//! worker: TraceSummaries (pages, per load and prices), TraceList{filter, sort} ─▶ ListState ─▶ list::TraceListPage
//!                                                                         ├ scatter::Scatter (brush → ListState.brush)
//!                                                                         ├ compare::{AbView, CohortView}
//!                                                                         └ flame::FlameView (aggregate flame graph)
//! ```
//!
//! A row is a [`Row`]: a summary and, when its spans are loaded, the trace's index.
//! Rows whose trace is not loaded (a backend search's results, [`ListState::found`]) are
//! filtered on the page and merged into the worker's order (entries marked
//! [`FOUND_ROW`]); they open through [`ListState::fetch`], a hook the code that lists
//! them sets.

pub mod compare;
pub mod flame;
pub mod list;
pub mod scatter;

use std::sync::Arc;

use leptos::ev;
use leptos::prelude::*;

use crate::analysis::many::summary::TraceSummary;
use crate::format;
use crate::ui::context::{use_ui, Ui};
use crate::ui::embed;
use crate::ui::offload::channel::{channel, paged_channel, Channel};
use crate::ui::state::AppState;
use crate::ui::util::Shared;
use crate::view_model::trace_scatter::Brush;
use crate::view_model::tabs::traces::{
    merge_found, CohortRequest, ListColumn, SummariesRequest, TraceListData, TraceListRequest, FOUND_ROW, SUMMARIES_PAGE,
};
use crate::view_model::tabs::{ListScope, Request, Response};

/// Quiet time after the last key before the filter is applied on a big load.
pub const FILTER_DEBOUNCE_MS: u64 = 150;
/// Loads up to this many spans filter on every key.
const FILTER_INSTANT_SPANS: usize = 20_000;

/// What opens a row whose trace is not loaded.
pub type FetchHook = Arc<dyn Fn(TraceSummary) + Send + Sync>;

/// One row of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub summary: TraceSummary,
    /// Index into the loaded set's traces; `None` while the spans are not loaded.
    pub trace: Option<usize>,
}

/// What the list page shows below its bar.
#[derive(Clone, Debug, PartialEq)]
pub enum ListMode {
    List,
    /// Two loaded traces compared.
    Ab { a: usize, b: usize },
    Cohort(CohortRequest),
    /// The aggregate flame graph of the listed traces.
    Flame,
}

/// The list's state, kept while a trace is open so that coming back finds it as it was.
#[derive(Clone, Copy)]
pub struct ListState {
    /// The list is on screen (not a trace).
    pub shown: RwSignal<bool>,
    /// A trace's views are mounted behind the list. A load that opens on the list mounts
    /// them when a trace is first opened, so that the load renders the list alone.
    pub trace_views: RwSignal<bool>,
    /// The text in the filter box; it becomes `filter` after a debounce on big loads.
    pub filter_text: RwSignal<String>,
    pub filter: RwSignal<String>,
    pub sort: RwSignal<(ListColumn, bool)>,
    /// Traces inside the scatter's brushed rectangle (sorted), when one is drawn.
    pub brush: RwSignal<Option<Shared<Vec<u32>>>>,
    /// That rectangle, drawn on the scatter while the brush holds.
    pub brush_rect: RwSignal<Option<Brush>>,
    /// Rows ticked for a comparison (trace indices, in the order ticked).
    pub picked: RwSignal<Vec<u32>>,
    /// The row last opened or focused (trace index).
    pub current: RwSignal<Option<u32>>,
    pub scroll_top: RwSignal<f64>,
    pub mode: RwSignal<ListMode>,
    /// The slowest share of a "slowest P%" cohort.
    pub slowest_percent: RwSignal<f64>,
    /// The scatter shows the current rows (it draws in a task after the list's paint).
    pub scatter_drawn: RwSignal<bool>,
    pub rows: Channel<Vec<Row>>,
    pub matched: Channel<TraceListData>,
    /// Opens a row whose trace is not loaded (a backend's search result).
    pub fetch: StoredValue<Option<FetchHook>>,
    /// Rows whose trace is not loaded (a backend search's results), in the answer's order.
    pub found: RwSignal<Vec<TraceSummary>>,
    /// The list → trace step pushed a history entry (Back returns to the list).
    pub pushed: StoredValue<bool>,
}

impl ListState {
    pub fn new(app: AppState) -> ListState {
        let found = RwSignal::new(Vec::<TraceSummary>::new());
        let many = move || lists_loaded(app, found);
        let filter = RwSignal::new(String::new());
        let sort = RwSignal::new((ListColumn::Start, true));
        // Costs follow the price table the LLM view edits.
        let table = crate::ui::llm::prices::prices();
        let page_table = table.clone();
        let rows = paged_channel(
            app,
            move |from| {
                many().then(|| Request::TraceSummaries(SummariesRequest { prices: page_table.get(), from, count: SUMMARIES_PAGE }))
            },
            |r| match r {
                Response::TraceSummaries(p) => {
                    let from = p.from as usize;
                    Some((p.total, p.rows.into_iter().enumerate().map(|(i, summary)| Row { summary, trace: Some(from + i) }).collect()))
                }
                _ => None,
            },
        );
        let matched = channel(
            app,
            move || {
                let (col, asc) = sort.get();
                many().then(|| Request::TraceList(TraceListRequest { filter: filter.get(), sort: col, ascending: asc, prices: table.get() }))
            },
            |r| match r {
                Response::TraceList(d) => Some(d),
                _ => None,
            },
        );
        ListState {
            shown: RwSignal::new(false),
            trace_views: RwSignal::new(true),
            filter_text: RwSignal::new(String::new()),
            filter,
            sort,
            brush: RwSignal::new(None),
            brush_rect: RwSignal::new(None),
            picked: RwSignal::new(Vec::new()),
            current: RwSignal::new(None),
            scroll_top: RwSignal::new(0.0),
            mode: RwSignal::new(ListMode::List),
            slowest_percent: RwSignal::new(10.0),
            scatter_drawn: RwSignal::new(false),
            rows,
            matched,
            fetch: StoredValue::new(None),
            found,
            pushed: StoredValue::new(false),
        }
    }

    /// Whether the worker lists the loaded traces (tracked).
    pub fn lists_loaded(&self, app: AppState) -> bool {
        lists_loaded(app, self.found)
    }

    /// Whether there is a list to show: several loaded traces, or found rows (tracked).
    pub fn has_list(&self, app: AppState) -> bool {
        self.found.with(|f| !f.is_empty()) || app.loaded.with(|l| l.as_ref().is_some_and(|l| l.set.traces.len() > 1))
    }

    /// The rows shown, in order: the filter's matches, inside the brush when there is one,
    /// with the found rows the filter keeps merged in (not while brushing: the scatter
    /// holds loaded traces only). Tracked.
    pub fn order(&self) -> Shared<Vec<u32>> {
        let loaded = self.kept().unwrap_or_else(|| Shared::new(Vec::new()));
        if self.brush.with(|b| b.is_some()) || self.found.with(|f| f.is_empty()) {
            return loaded;
        }
        let (col, asc) = self.sort.get();
        let filter = self.filter.get();
        let merged = self.rows.data.with(|rows| {
            let rows: &[Row] = rows.as_deref().map(|r| r.as_slice()).unwrap_or(&[]);
            let ids = rows.iter().map(|r| r.summary.trace_id.as_str()).collect();
            self.found.with(|f| merge_found(&loaded, |t| rows.get(t as usize).map(|r| &r.summary), &ids, f, &filter, col, asc))
        });
        Shared::new(merged)
    }

    /// The loaded traces the filter matches, inside the brush when there is one, in the
    /// list's order; `None` before the worker's first answer. Tracked.
    pub fn kept(&self) -> Option<Shared<Vec<u32>>> {
        let m = self.matched.data.get()?;
        Some(match self.brush.get() {
            None => Shared(Arc::new(m.order.clone())),
            Some(b) => Shared::new(m.order.iter().copied().filter(|t| b.binary_search(t).is_ok()).collect()),
        })
    }

    /// The scope the worker narrows set-wide requests to: the filter and the brush. Tracked.
    pub fn scope(&self) -> ListScope {
        ListScope { filter: self.filter.get(), brush: self.brush.get().map(|b| b.to_vec()) }
    }

    /// The row of order entry `t` (a loaded trace or a found row), untracked.
    pub fn row(&self, t: u32) -> Option<Row> {
        if t & FOUND_ROW != 0 {
            let k = (t & !FOUND_ROW) as usize;
            return self.found.with_untracked(|f| f.get(k).map(|s| Row { summary: s.clone(), trace: None }));
        }
        self.rows.data.with_untracked(|r| r.as_ref().and_then(|r| r.get(t as usize).cloned()))
    }

    /// `N traces` or `K of N traces` (`1 trace`, `K of 1 trace`; tracked); `N traces` until the first matches arrive.
    /// Found rows count once their trace is not loaded.
    pub fn count_text(&self, app: AppState, shown: usize) -> String {
        let loaded = app.loaded.with(|l| l.as_ref().map(|l| l.set.traces.len()).unwrap_or(0));
        let listed_loaded = self.rows.data.with(|r| r.as_ref().map(|r| r.len()).unwrap_or(0));
        let found = self.rows.data.with(|rows| {
            let rows: &[Row] = rows.as_deref().map(|r| r.as_slice()).unwrap_or(&[]);
            self.found.with(|f| f.iter().filter(|s| !rows.iter().any(|r| r.summary.trace_id == s.trace_id)).count())
        });
        let total = if found > 0 { listed_loaded + found } else { loaded };
        let answered = self.matched.data.with(|m| m.is_some()) || (found > 0 && listed_loaded == 0);
        if !answered || shown == total {
            format::count(total as u64, "trace")
        } else {
            format!("{} of {}", format::thousands(shown as u64), format::count(total as u64, "trace"))
        }
    }
}

/// Loaded traces are listed when there are several, or any next to found rows (tracked).
fn lists_loaded(app: AppState, found: RwSignal<Vec<TraceSummary>>) -> bool {
    let n = app.loaded.with(|l| l.as_ref().map(|l| l.set.traces.len()).unwrap_or(0));
    n > 1 || (n == 1 && found.with(|f| !f.is_empty()))
}

/// The width of an element, measured once it is mounted and again on window resizes.
pub fn track_width(el: NodeRef<leptos::html::Div>, initial_px: f64) -> RwSignal<f64> {
    let width = RwSignal::new(initial_px);
    let measure = move || {
        if let Some(e) = el.get_untracked() {
            let w = e.client_width() as f64;
            if w > 0.0 && (w - width.get_untracked()).abs() >= 1.0 {
                width.set(w);
            }
        }
    };
    Effect::new(move |_| {
        if el.get().is_some() {
            request_animation_frame(measure);
        }
    });
    let resize = window_event_listener(ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    width
}

thread_local! {
    static FILTER_GEN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The filter box changed: apply now on small loads, else after a quiet time.
pub fn filter_edited(ui: Ui, text: String) {
    ui.list.filter_text.set(text);
    let generation = FILTER_GEN.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    let spans = ui.app.loaded.with_untracked(|l| l.as_ref().map(|l| l.set.spans.len()).unwrap_or(0));
    let apply = move || {
        if FILTER_GEN.with(|g| g.get()) == generation {
            let t = ui.list.filter_text.get_untracked();
            if ui.list.filter.with_untracked(|f| *f != t) {
                ui.list.filter.set(t);
            }
        }
    };
    if spans <= FILTER_INSTANT_SPANS {
        apply();
    } else {
        set_timeout(apply, std::time::Duration::from_millis(FILTER_DEBOUNCE_MS));
    }
}

/// Shows trace `trace` (index into the set) from the list: a history entry is pushed
/// (not when embedded), so Back returns to the list.
pub fn open_trace(ui: Ui, trace: usize) {
    if ui.list.shown.get_untracked() && !embed::params().embed {
        push_history();
        ui.list.pushed.set_value(true);
    }
    ui.list.current.set(Some(trace as u32));
    show_trace(ui, trace);
    ui.list.shown.set(false);
}

/// Opens span `span` (index into the set) in the waterfall, from a comparison.
pub fn open_span(ui: Ui, span: u32) {
    if ui.list.shown.get_untracked() && !embed::params().embed {
        push_history();
        ui.list.pushed.set_value(true);
    }
    let trace = ui.app.loaded.with_untracked(|l| l.as_ref().and_then(|l| l.set.spans.get(span as usize)).map(|s| s.trace));
    ui.list.current.set(trace);
    ui.app.span_filter.set(None);
    ui.app.jump_to_span(span);
    ui.list.shown.set(false);
}

/// Opens a row: its trace when loaded, else through the fetch hook.
pub fn open_row(ui: Ui, row: &Row) {
    match row.trace {
        Some(t) => open_trace(ui, t),
        None => {
            if let Some(f) = ui.list.fetch.get_value() {
                f(row.summary.clone());
            }
        }
    }
}

/// Makes trace `trace` the one the views show (nothing selected, unzoomed).
fn show_trace(ui: Ui, trace: usize) {
    if ui.app.trace.get_untracked() != trace {
        ui.app.selected.set(None);
        ui.app.span_filter.set(None);
        ui.wf.reset();
        ui.app.trace.set(trace);
    }
}

/// Back to the list, as it was: through history when the list pushed the entry.
pub fn back_to_list(ui: Ui) {
    if ui.list.pushed.get_value()
        && let Some(h) = web_sys::window().and_then(|w| w.history().ok())
    {
        ui.list.pushed.set_value(false);
        let _ = h.back();
        return;
    }
    ui.list.shown.set(true);
}

fn push_history() {
    if let Some(w) = web_sys::window()
        && let Ok(h) = w.history()
    {
        let _ = h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", w.location().href().ok().as_deref());
    }
}

/// Back and Forward move between the list and a trace (the hash says which).
pub fn follow_history(ui: Ui) {
    let handle = window_event_listener(ev::popstate, move |_| {
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        let link = crate::view_model::deeplink::DeepLink::from_hash(&hash);
        let many = ui.app.loaded.with_untracked(|l| l.as_ref().is_some_and(|l| l.set.traces.len() > 1));
        if !many {
            return;
        }
        if link.list || link.trace.is_none() {
            ui.list.pushed.set_value(false);
            ui.list.shown.set(true);
            return;
        }
        let found = ui.app.loaded.with_untracked(|l| {
            let set = &l.as_ref()?.set;
            let id = link.trace.as_deref()?;
            set.traces.iter().position(|t| t.trace_id.to_text(&set.strings).eq_ignore_ascii_case(id))
        });
        if let Some(t) = found {
            ui.list.current.set(Some(t as u32));
            show_trace(ui, t);
            ui.list.shown.set(false);
        }
    });
    on_cleanup(move || handle.remove());
}

/// The trace navigation of the top bar, in a trace of a multi-trace load: back to the
/// list, and previous / next through the list's rows as filtered and sorted.
#[component]
pub fn TraceNav() -> impl IntoView {
    let ui = use_ui();
    let many = move || ui.list.has_list(ui.app);
    let order = Memo::new(move |_| ui.list.order());
    let pos = move || {
        let t = ui.app.trace.get() as u32;
        order.with(|o| o.iter().position(|&x| x == t))
    };
    let step = move |d: i64| {
        let o = order.get_untracked();
        if o.is_empty() {
            return;
        }
        let next = match pos() {
            Some(p) => p as i64 + d,
            None => 0,
        };
        if let Some(&t) = usize::try_from(next).ok().and_then(|n| o.get(n)) {
            ui.list.current.set(Some(t));
            match ui.list.row(t) {
                Some(row @ Row { trace: None, .. }) => open_row(ui, &row),
                _ => show_trace(ui, t as usize),
            }
        }
    };
    let at_start = move || pos() == Some(0);
    let at_end = move || pos().is_some_and(|p| p + 1 >= order.with(|o| o.len()));
    let place = move || match pos() {
        Some(p) => format!("{} of {}", format::thousands(p as u64 + 1), format::thousands(order.with(|o| o.len()) as u64)),
        None => "not in the list".to_string(),
    };
    view! {
        <Show when=move || many() && !ui.list.shown.get()>
            <div class="picker" data-testid="trace-nav">
                <button data-testid="trace-list-back" title="Back to the trace list" on:click=move |_| back_to_list(ui)>
                    <svg class="ic" viewBox="0 0 16 16" aria-hidden="true"><path d="M10 3 5 8l5 5" fill="none" stroke="currentColor" stroke-width="2"/></svg>
                    " Traces"
                </button>
                <button title="Previous trace in the list" aria-label="Previous trace" data-testid="trace-prev" disabled=at_start on:click=move |_| step(-1)>"‹"</button>
                <span class="muted" data-testid="trace-position">{place}</span>
                <button title="Next trace in the list" aria-label="Next trace" data-testid="trace-next" disabled=at_end on:click=move |_| step(1)>"›"</button>
            </div>
        </Show>
    }
}

/// On a view of every loaded trace: a line saying that the trace list's filter and
/// brush narrow it, and to how many traces (nothing when they keep every trace).
pub fn scope_note(ui: Ui) -> impl IntoView {
    move || {
        let ls = ui.list;
        let scope = ls.scope();
        let total = ui.app.loaded.with(|l| l.as_ref().map(|l| l.set.traces.len()).unwrap_or(0));
        if scope.is_everything() || total < 2 {
            return None;
        }
        let kept = ls.kept()?.len();
        let by = match (!scope.filter.trim().is_empty(), scope.brush.is_some()) {
            (true, true) => "the trace list's filter and the scatter's brushed rectangle",
            (true, false) => "the trace list's filter",
            _ => "the scatter's brushed rectangle",
        };
        let text = format!("Over {} of {} traces: those {by} keeps.", format::thousands(kept as u64), format::thousands(total as u64));
        Some(view! { <p class="an-note" data-testid="list-scope-note">{text}</p> })
    }
}
