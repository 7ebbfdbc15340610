//! The waterfall view: the loaded trace and the view state in, a virtualized
//! tree grid of span rows out (only the rows on screen plus a margin are in the DOM).
//!
//! State lives in [`WfState`] (signals) and [`WfDerived`] (memos over it); the row
//! geometry comes from `view_model::waterfall`, ticks from `view_model::axis`.
//!
//! * LLM calls carry a badge (`model · in→out tok · $cost`) placed by
//!   `view_model::waterfall::badge_place` so that it never meets the duration label.
//! * Find is debounced on big traces ([`FIND_DEBOUNCE_MS`]) and searched in slices
//!   that yield to the browser, so typing stays responsive at a million spans.
//! * [`follow_selection`] keeps the selection on screen; after
//!   `AppState::jump_to_span` it also opens the detail panel and centers the row.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::analysis::critical_path;
use crate::format;
use crate::model::{span_flags, TraceSet, NO_SPAN};
use crate::ui::state::{Loaded, Tab};
use crate::ui::context::{use_ui, Dialog, Ui};
use crate::ui::util::{typing_in_field, yield_to_browser, Listener, Shared};
use crate::view_model::waterfall::{self as wf, Collapsed, TimeWindow, Viewport};
use crate::view_model::{axis, find, minimap, palette};

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
    /// The text in the find box; it becomes `find` after [`FIND_DEBOUNCE_MS`] without
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

/// What one trace needs for drawing, computed once per (set, trace).
pub struct TraceView {
    pub loaded: Arc<Loaded>,
    pub trace: usize,
    pub start_ns: u64,
    pub duration_ns: u64,
    /// Palette slot per resource index.
    pub slot_of_resource: Vec<usize>,
    /// Services of this trace with their slot, sorted by name.
    pub legend: Vec<(String, usize)>,
}

impl TraceView {
    pub fn set(&self) -> &TraceSet {
        &self.loaded.set
    }
    pub fn color(&self, span: u32) -> &'static str {
        let r = self.set().spans.get(span as usize).map(|s| s.resource as usize).unwrap_or(0);
        palette::color(self.slot_of_resource.get(r).copied().unwrap_or(0))
    }
    pub fn bounds(&self) -> TimeWindow {
        TimeWindow::of_trace(self.duration_ns)
    }
}

fn trace_view(loaded: &Arc<Loaded>, trace: usize) -> Option<TraceView> {
    let set = &loaded.set;
    let t = set.traces.get(trace)?;
    let services: BTreeSet<&str> = set.resources.iter().map(|r| set.str(r.service)).collect();
    let slots = palette::assign(services.iter().copied());
    let slot_of_resource =
        set.resources.iter().map(|r| slots.get(set.str(r.service)).copied().unwrap_or(0)).collect::<Vec<_>>();
    let mut in_trace = BTreeMap::new();
    let mut seen = vec![false; set.resources.len()];
    for s in &set.spans[t.spans.range()] {
        if let Some(flag) = seen.get_mut(s.resource as usize) {
            if !*flag {
                *flag = true;
                let name = set.service_of(s).to_string();
                let slot = slots.get(&name).copied().unwrap_or(0);
                in_trace.insert(name, slot);
            }
        }
    }
    Some(TraceView {
        loaded: loaded.clone(),
        trace,
        start_ns: t.start_ns,
        duration_ns: t.duration_ns,
        slot_of_resource,
        legend: in_trace.into_iter().collect(),
    })
}

/// Critical-path segments per span (absolute ns), for highlighting.
pub type CritMap = BTreeMap<u32, Vec<(u64, u64)>>;

/// Traces up to this many spans get their LLM badges from one scan of the trace
/// (`views_llm::llm_badges`); bigger ones per drawn row, so that no scan of a
/// million spans blocks the page.
pub const BADGES_FULL_SCAN_SPANS: u32 = 100_000;
/// A call with descendants is a wrapper (no badge) when a call is among them; in
/// per-row mode at most this many descendants are looked at.
const WRAPPER_SCAN_SPANS: usize = 4096;

/// The LLM badges of the shown trace.
pub enum Badges {
    /// Every call of the trace, by span index.
    All(BTreeMap<u32, String>),
    /// Big traces: computed for the rows drawn, and remembered.
    PerRow { view: Shared<TraceView>, cache: std::sync::Mutex<BTreeMap<u32, Option<String>>> },
}

impl Badges {
    /// The badge text of a span, if it is an LLM call.
    pub fn get(&self, span: u32) -> Option<String> {
        match self {
            Badges::All(m) => m.get(&span).cloned(),
            Badges::PerRow { view, cache } => {
                let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
                cache.entry(span).or_insert_with(|| per_row_badge(view.set(), span)).clone()
            }
        }
    }
}

/// The badge of one span, by the rule of `llm::trace_badges`: an LLM call that holds
/// no other call in its subtree.
fn per_row_badge(set: &TraceSet, span: u32) -> Option<String> {
    use crate::analysis::llm;
    let table = crate::ui::views_llm::prices();
    table.with_untracked(|p| {
        let call = llm::span_call(set, span, p)?;
        let s = set.spans.get(span as usize)?;
        let end = (s.subtree_end as usize).min(set.spans.len()).min(span as usize + 1 + WRAPPER_SCAN_SPANS);
        if (span as usize + 1..end).any(|j| llm::span_call(set, j as u32, p).is_some()) {
            return None;
        }
        Some(llm::badge_text(&call))
    })
}

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
    pub fn new(app: crate::ui::state::AppState, s: WfState) -> WfDerived {
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
            Shared::new(crate::ui::util::timed("rows_ms", || wf::visible_rows(v.set(), v.trace, &collapsed, keep.as_deref())))
        });
        let window = Memo::new(move |_| {
            let bounds = view.with(|v| v.as_ref().map(|v| v.bounds())).unwrap_or(TimeWindow { start_ns: 0.0, end_ns: 1.0 });
            s.zoom.get().map(|z| z.clamped(bounds)).unwrap_or(bounds)
        });
        let crit = Memo::new(move |_| {
            if !app.show_critical_path.get() {
                return None;
            }
            let v = view.get()?;
            let cp = critical_path::critical_path(v.set(), v.trace);
            let mut m: CritMap = BTreeMap::new();
            for seg in &cp.segments {
                m.entry(seg.span).or_default().push((seg.start_ns, seg.end_ns));
            }
            Some(Shared::new(m))
        });
        let badges = Memo::new(move |_| {
            let v = view.get()?;
            let spans = v.set().traces.get(v.trace).map(|t| t.spans.len).unwrap_or(0);
            if spans > BADGES_FULL_SCAN_SPANS {
                // Follow price edits: a new (empty) cache per table.
                crate::ui::views_llm::prices().track();
                return Some(Shared::new(Badges::PerRow { view: v, cache: Default::default() }));
            }
            let b = crate::ui::util::timed("badges_ms", || crate::ui::views_llm::llm_badges(v.set(), v.trace));
            (!b.is_empty()).then(|| Shared::new(Badges::All(b)))
        });
        WfDerived { view, matches, find_busy, rows, window, crit, badges }
    }
}

/// A find search works through the spans in slices of about this long (ms of main thread).
const FIND_SLICE_MS: f64 = 40.0;
/// Traces up to this many spans are searched in one go.
const FIND_ONE_GO_SPANS: u32 = 50_000;

thread_local! {
    /// Generation of the running find search; a newer search stops older ones.
    static FIND_JOB: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// A next/previous step asked for while a search ran (0 = none).
    static FIND_STEP: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}

/// Runs query `q` over the shown trace into `matches`: at once for small traces, else
/// in slices of [`FIND_SLICE_MS`]. A newer call cancels a running one.
fn start_find(view: Option<Shared<TraceView>>, q: find::Query, matches: RwSignal<Shared<Vec<u32>>>, busy: RwSignal<bool>) {
    let job = FIND_JOB.with(|j| {
        j.set(j.get() + 1);
        j.get()
    });
    let range = match &view {
        Some(v) if !q.is_empty() => v.set().traces.get(v.trace).map(|t| t.spans.range()),
        _ => None,
    };
    let (Some(v), Some(range)) = (view, range) else {
        matches.set(Shared::new(Vec::new()));
        busy.set(false);
        return;
    };
    if range.len() <= FIND_ONE_GO_SPANS as usize {
        matches.set(Shared::new(crate::ui::util::timed("find_ms", || q.find(v.set(), v.trace))));
        busy.set(false);
        return;
    }
    busy.set(true);
    leptos::task::spawn_local(async move {
        let t_start = crate::ui::util::now_ms();
        let mut found: Vec<u32> = Vec::new();
        let mut i = range.start;
        let end = range.end.min(v.set().spans.len());
        let mut slices = 0u32;
        while i < end {
            let t0 = crate::ui::util::now_ms();
            while i < end {
                let stop = (i + 4096).min(end);
                let set = v.set();
                found.extend((i..stop).filter(|&k| q.matches(set, &set.spans[k])).map(|k| k as u32));
                i = stop;
                if crate::ui::util::now_ms() - t0 >= FIND_SLICE_MS {
                    break;
                }
            }
            slices += 1;
            if i < end {
                yield_to_browser().await;
                if FIND_JOB.with(|j| j.get()) != job {
                    return; // A newer query took over.
                }
            }
        }
        crate::ui::util::record_timing("find_ms", crate::ui::util::now_ms() - t_start);
        crate::ui::util::record_timing("find_slices", slices as f64);
        matches.set(Shared::new(found));
        busy.set(false);
    });
}

/// Identity of a drawn row: when any of this changes the row is drawn anew.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct RowKey {
    span: u32,
    row: usize,
    selected: bool,
    expanded: Option<bool>,
    /// 0 none, 1 match, 2 current match.
    matched: u8,
    window: (u64, u64),
    crit: bool,
    badge: Option<String>,
    /// Lane width, px (badge placement depends on it).
    lane_px: u32,
}

#[derive(Clone, Debug, PartialEq)]
struct RowData {
    key: RowKey,
    depth: u32,
    name: String,
    service: String,
    color: &'static str,
    bar: wf::Bar,
    duration: String,
    error: bool,
    skew: Option<String>,
    cover: Vec<(f64, f64)>,
    ticks: Vec<f64>,
    crit_segments: Vec<(f64, f64)>,
    child_count: u32,
    badge_place: Option<wf::BadgePlace>,
}

/// Most child intervals shading one bar; beyond this the bar is drawn plain.
const MAX_COVER_CHILDREN: u32 = 4096;

/// What a row needs besides its span: the view-wide inputs of [`row_data`].
struct RowCtx<'a> {
    win: TimeWindow,
    sel: Option<u32>,
    collapsed: &'a Collapsed,
    matches: &'a [u32],
    current: Option<u32>,
    crit: Option<&'a CritMap>,
    badges: Option<&'a Badges>,
    lane_px: f64,
}

fn row_data(v: &TraceView, span: u32, row: usize, cx: &RowCtx) -> Option<RowData> {
    let RowCtx { win, sel, collapsed, matches, current, crit, badges, lane_px } = *cx;
    let set = v.set();
    let s = set.spans.get(span as usize)?;
    let bar = wf::bar(s, v.start_ns, win);
    let expanded = (s.child_count > 0).then(|| !collapsed.is_collapsed(span, s.depth));
    let matched = if current == Some(span) {
        2
    } else if matches.binary_search(&span).is_ok() {
        1
    } else {
        0
    };
    let skew = s.has(span_flags::CLOCK_SKEW).then(|| {
        let t = &set.traces[s.trace as usize];
        set.trace_warnings(t)
            .iter()
            .find(|w| w.span == span && w.kind == crate::model::WarningKind::ClockSkew)
            .map(|w| w.message.clone())
            .unwrap_or_else(|| "clock skew: this span starts before its parent".into())
    });
    let cover = if s.child_count > 0 && s.child_count <= MAX_COVER_CHILDREN { wf::child_cover_segments(set, span, 12) } else { Vec::new() };
    let duration = format::duration(s.duration_ns);
    let badge = badges.and_then(|b| b.get(span));
    let badge_place = badge.as_ref().map(|b| {
        let dur_chars = duration.chars().count() + if s.is_error() { 2 } else { 0 } + if s.has(span_flags::CLOCK_SKEW) { 2 } else { 0 };
        wf::badge_place(&bar, lane_px, wf::label_px(dur_chars), wf::label_px(b.chars().count()))
    });
    let dur = s.duration_ns.max(1) as f64;
    let crit_segments: Vec<(f64, f64)> = crit
        .and_then(|c| c.get(&span))
        .map(|segs| {
            segs.iter()
                .map(|&(a, b)| (wf::offset_ns(a, s.start_ns) / dur * 100.0, (b.saturating_sub(a)) as f64 / dur * 100.0))
                .collect()
        })
        .unwrap_or_default();
    Some(RowData {
        key: RowKey {
            span,
            row,
            selected: sel == Some(span),
            expanded,
            matched,
            window: (win.start_ns as u64, win.end_ns as u64),
            crit: !crit_segments.is_empty(),
            badge,
            lane_px: lane_px.round() as u32,
        },
        depth: s.depth,
        name: set.name_of(s).to_string(),
        service: set.service_of(s).to_string(),
        color: v.color(span),
        bar,
        duration,
        error: s.is_error(),
        skew,
        cover,
        ticks: wf::event_ticks(set, span, 16),
        crit_segments,
        child_count: s.child_count,
        badge_place,
    })
}

/// Indentation in px for a depth (deep chains stop indenting and show the depth).
fn indent_px(depth: u32) -> u32 {
    depth.min(24) * 14
}

#[component]
fn Row(r: RowData) -> impl IntoView {
    let ui = use_ui();
    let span = r.key.span;
    let depth = r.depth;
    let expanded = r.key.expanded;
    let on_toggle = move |ev: ev::MouseEvent| {
        ev.stop_propagation();
        if let Some(e) = expanded {
            ui.wf.collapsed.update(|c| c.set(span, depth, e));
        }
    };
    let on_click = move |_| {
        ui.app.selected.set(Some(span));
        ui.wf.detail_open.set(true);
    };
    let mut class = String::from("wf-row");
    if r.key.selected {
        class.push_str(" selected");
    }
    match r.key.matched {
        1 => class.push_str(" match"),
        2 => class.push_str(" match current"),
        _ => {}
    }
    if r.error {
        class.push_str(" error");
    }
    if r.key.crit {
        class.push_str(" crit");
    }
    let bar_style = format!("left:{:.4}%;width:{:.4}%;--svc:{}", r.bar.left_pct, r.bar.width_pct, r.color);
    let label_style = if r.bar.label_inside {
        format!("right:{:.4}%", (100.0 - r.bar.left_pct - r.bar.width_pct).max(0.0))
    } else if r.bar.label_left {
        format!("right:{:.4}%", (100.0 - r.bar.left_pct).max(0.0))
    } else {
        format!("left:{:.4}%", (r.bar.left_pct + r.bar.width_pct).min(100.0))
    };
    let deep = (depth > 24).then(|| view! { <span class="deep" title="depth">{format!("{depth}")}</span> });
    let toggle = match expanded {
        Some(e) => view! {
            <button class="tog" data-testid="toggle" tabindex="-1"
                aria-label=if e { "Collapse" } else { "Expand" }
                on:click=on_toggle>{if e { "▾" } else { "▸" }}</button>
        }
        .into_any(),
        None => view! { <span class="tog-spacer"></span> }.into_any(),
    };
    let title = format!("{} · {}", r.service, r.name);
    let cover = r
        .cover
        .iter()
        .map(|(l, w)| view! { <span class="cover" style=format!("left:{l:.3}%;width:{w:.3}%")></span> })
        .collect_view();
    let ticks = r.ticks.iter().map(|t| view! { <span class="evt" style=format!("left:{t:.3}%")></span> }).collect_view();
    let crit = r
        .crit_segments
        .iter()
        .map(|(l, w)| view! { <span class="critseg" style=format!("left:{l:.3}%;width:{w:.3}%")></span> })
        .collect_view();
    let marks = format!(
        "{}{}",
        if r.error { "! " } else { "" },
        r.duration
    );
    let skew = r.skew.map(|m| view! { <span class="skew" title=m.clone() aria-label=m>"⚠"</span> });
    // The LLM badge: in the label group (before or after the duration) or inside the bar's right end.
    let badge_el = |text: &str, place: wf::BadgePlace, extra: &str| {
        let style = format!("max-width:{:.0}px{extra}", place.max_px);
        let shown = wf::fit_badge_text(text, place.max_px);
        view! { <span class="llm-badge" data-testid="llm-badge" title=format!("LLM call: {text}") data-full=text.to_string() style=style>{shown}</span> }
    };
    let (mut badge_before, mut badge_after, mut badge_inside) = (None, None, None);
    if let (Some(text), Some(place)) = (r.key.badge.as_deref(), r.badge_place) {
        match place.slot {
            wf::BadgeSlot::BeforeLabel => badge_before = Some(badge_el(text, place, "")),
            wf::BadgeSlot::AfterLabel => badge_after = Some(badge_el(text, place, "")),
            wf::BadgeSlot::InsideEnd => {
                let right = (100.0 - r.bar.left_pct - r.bar.width_pct).max(0.0);
                badge_inside = Some(badge_el(text, place, &format!(";position:absolute;top:5px;right:calc({right:.4}% + 3px)")));
            }
        }
    }
    view! {
        <div role="row" class=class data-testid="span-row" data-span=span
            aria-expanded={expanded.map(|e| e.to_string())}
            aria-selected=if r.key.selected { "true" } else { "false" } aria-rowindex={r.key.row + 1}
            on:click=on_click>
            <div role="gridcell" class="wf-name" style=format!("padding-left:{}px", indent_px(depth) + 4) title=title>
                {toggle}
                {deep}
                <span class="svc-dot" style=format!("background:{}", r.color)></span>
                <span class="svc">{r.service}</span>
                <span class="op">{r.name}</span>
            </div>
            <div role="gridcell" class="wf-lane">
                <div class="bar" class:offscreen=r.bar.off_screen style=bar_style>{cover}{crit}{ticks}</div>
                <span class="dur" class:left=r.bar.label_left class:inside=r.bar.label_inside style=label_style>{badge_before}{skew}<span class="d">{marks}</span>{badge_after}</span>
                {badge_inside}
            </div>
        </div>
    }
    // tachys has no typed `aria-level`; add it as a custom attribute.
    .attr("aria-level", (depth + 1).to_string())
}

/// Quiet time after the last key before a find query runs on a big trace.
pub const FIND_DEBOUNCE_MS: u64 = 150;
/// Traces up to this many spans run the query on every key.
const FIND_INSTANT_SPANS: u32 = 20_000;

thread_local! {
    /// Generation of the last find edit; a pending apply runs only if still current.
    static FIND_GEN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Makes the find box text the applied query (a no-op when they are equal).
pub fn apply_find(ui: Ui) {
    FIND_GEN.with(|g| g.set(g.get() + 1));
    let text = ui.wf.find_text.get_untracked();
    if ui.wf.find.with_untracked(|f| *f != text) {
        // Busy until the search effect has run, so a step asked for right now waits
        // for the new matches instead of using the old ones.
        ui.derived.find_busy.set(true);
        ui.wf.find.set(text);
        ui.wf.find_pos.set(None);
    }
}

/// The find box changed: apply now for small traces, else after a quiet time.
fn find_edited(ui: Ui, text: String) {
    ui.wf.find_text.set(text);
    let spans = ui.derived.view.with_untracked(|v| v.as_ref().and_then(|v| v.set().traces.get(v.trace).map(|t| t.spans.len)).unwrap_or(0));
    if spans <= FIND_INSTANT_SPANS {
        apply_find(ui);
        return;
    }
    let generation = FIND_GEN.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    set_timeout(
        move || {
            if FIND_GEN.with(|g| g.get()) == generation {
                apply_find(ui);
            }
        },
        std::time::Duration::from_millis(FIND_DEBOUNCE_MS),
    );
}

/// Keeps the box showing a query set from elsewhere (legend, deep link, Esc), and
/// takes a next/previous step asked for while a search was running.
pub fn sync_find_text(ui: Ui) {
    Effect::new(move |_| {
        if !ui.derived.find_busy.get() {
            let step = FIND_STEP.with(|s| s.replace(0));
            if step != 0 {
                step_match(ui, step);
            }
        }
    });
    Effect::new(move |_| {
        let f = ui.wf.find.get();
        if ui.wf.find_text.with_untracked(|t| *t != f) {
            FIND_GEN.with(|g| g.set(g.get() + 1));
            ui.wf.find_text.set(f);
        }
    });
}

/// The find box with its count and buttons.
#[component]
fn FindBar() -> impl IntoView {
    let ui = use_ui();
    let input = NodeRef::<html::Input>::new();
    Effect::new(move |prev: Option<u32>| {
        let n = ui.wf.focus_find.get();
        if prev.is_some() {
            if let Some(el) = input.get() {
                let _ = el.focus();
                el.select();
            }
        }
        n
    });
    let count = move || {
        let q = ui.wf.find.get();
        if ui.wf.find_text.with(|t| *t != q) {
            // Typing: the count of the previous query would be stale.
            return "…".to_string();
        }
        if ui.derived.find_busy.get() {
            return "searching…".to_string();
        }
        let n = ui.derived.matches.with(|m| m.len());
        if q.trim().is_empty() {
            String::new()
        } else if n == 0 {
            "no matches".to_string()
        } else {
            match ui.wf.find_pos.get() {
                Some(p) => format!("{} of {}", format::thousands(p as u64 + 1), format::thousands(n as u64)),
                None if n == 1 => "1 match".to_string(),
                None => format!("{} matches", format::thousands(n as u64)),
            }
        }
    };
    view! {
        <div class="find" role="search">
            <input type="search" node_ref=input data-testid="find-input" placeholder="Find ( / ): text, key=value, duration>100ms, error"
                aria-label="Find spans"
                prop:value=move || ui.wf.find_text.get()
                on:input=move |ev| find_edited(ui, event_target_value(&ev))
                on:keydown=move |ev: ev::KeyboardEvent| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        step_match(ui, if ev.shift_key() { -1 } else { 1 });
                    } else if ev.key() == "Escape" {
                        if let Some(el) = input.get() { let _ = el.blur(); }
                    }
                } />
            <span class="find-count" data-testid="find-count" aria-live="polite">{count}</span>
            <button data-testid="find-prev" title="Previous match (Shift+Enter)" on:click=move |_| step_match(ui, -1)>"↑"</button>
            <button data-testid="find-next" title="Next match (Enter)" on:click=move |_| step_match(ui, 1)>"↓"</button>
            <label class="only" title="Show only matching spans and their ancestors">
                <input type="checkbox" data-testid="find-only" prop:checked=move || ui.wf.only_matching.get()
                    on:change=move |ev| ui.wf.only_matching.set(event_target_checked(&ev)) />
                "only matching"
            </label>
        </div>
    }
}

/// Moves to the next (`dir` = 1) or previous (-1) match and selects it.
pub fn step_match(ui: Ui, dir: i64) {
    apply_find(ui);
    if ui.derived.find_busy.get_untracked() {
        // The search is still running: step once it has finished.
        FIND_STEP.with(|s| s.set(dir));
        return;
    }
    let matches = ui.derived.matches.get_untracked();
    if matches.is_empty() {
        return;
    }
    let n = matches.len() as i64;
    let next = match ui.wf.find_pos.get_untracked() {
        Some(p) => (p as i64 + dir).rem_euclid(n),
        None if dir > 0 => 0,
        None => n - 1,
    } as usize;
    ui.wf.find_pos.set(Some(next));
    ui.app.selected.set(Some(matches[next]));
}

/// Toolbar: find, tree and zoom controls, critical path toggle.
#[component]
fn Toolbar() -> impl IntoView {
    let ui = use_ui();
    let max_depth = move || {
        ui.derived.view.with(|v| v.as_ref().and_then(|v| v.set().traces.get(v.trace).map(|t| t.max_depth)).unwrap_or(1))
    };
    let zoomed = move || ui.wf.zoom.get().is_some();
    let zoom_by = move |f: f64| {
        let b = ui.derived.view.with_untracked(|v| v.as_ref().map(|v| v.bounds()));
        if let Some(b) = b {
            let w = ui.derived.window.get_untracked();
            ui.wf.zoom.set(Some(w.zoom(f, 0.5, b)));
        }
    };
    let pan_by = move |f: f64| {
        let b = ui.derived.view.with_untracked(|v| v.as_ref().map(|v| v.bounds()));
        if let Some(b) = b {
            let w = ui.derived.window.get_untracked();
            ui.wf.zoom.set(Some(w.pan(f, b)));
        }
    };
    view! {
        <div class="wf-toolbar">
            <FindBar/>
            <div class="tools">
                <button data-testid="collapse-all" title="Collapse all" on:click=move |_| ui.wf.collapsed.set(Collapsed::all())>"Collapse all"</button>
                <button data-testid="expand-all" title="Expand all" on:click=move |_| ui.wf.collapsed.set(Collapsed::none())>"Expand all"</button>
                <label class="depth">"Depth "
                    <select data-testid="depth-select" aria-label="Show levels"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            match v.parse::<u32>() {
                                Ok(n) => ui.wf.collapsed.set(Collapsed::to_depth(n)),
                                Err(_) => ui.wf.collapsed.set(Collapsed::none()),
                            }
                        }>
                        <option value="all">"all"</option>
                        {move || (1..=max_depth().min(12)).map(|d| view! { <option value=d.to_string()>{d.to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <span class="sep"></span>
                <button data-testid="zoom-in" title="Zoom in (Ctrl+wheel)" on:click=move |_| zoom_by(0.5)>"+"</button>
                <button data-testid="zoom-out" title="Zoom out" on:click=move |_| zoom_by(2.0)>"−"</button>
                <button data-testid="pan-left" title="Pan left (Shift+wheel)" on:click=move |_| pan_by(-0.25)>"◀"</button>
                <button data-testid="pan-right" title="Pan right (Shift+wheel)" on:click=move |_| pan_by(0.25)>"▶"</button>
                <button data-testid="zoom-reset" title="Show the whole trace (0)" disabled=move || !zoomed() on:click=move |_| ui.wf.zoom.set(None)>"Reset zoom"</button>
                <span class="sep"></span>
                <label class="crit-toggle" title="Highlight the critical path">
                    <input type="checkbox" data-testid="critical-path-toggle" prop:checked=move || ui.app.show_critical_path.get()
                        on:change=move |ev| ui.app.show_critical_path.set(event_target_checked(&ev)) />
                    "critical path"
                </label>
            </div>
        </div>
    }
}

/// Service color legend of the trace.
#[component]
fn Legend() -> impl IntoView {
    let ui = use_ui();
    view! {
        <div class="legend" data-testid="legend">
            {move || ui.derived.view.with(|v| v.as_ref().map(|v| {
                v.legend.iter().map(|(name, slot)| {
                    let name = name.clone();
                    let filter_name = name.clone();
                    let title = format!("Find spans of {name}");
                    view! {
                        <button class="chip" title=title on:click=move |_| {
                            ui.wf.find.set(format!("service={filter_name}"));
                            ui.wf.find_pos.set(None);
                        }>
                            <span class="svc-dot" style=format!("background:{}", palette::color(*slot))></span>{name}
                        </button>
                    }
                }).collect_view()
            }))}
        </div>
    }
}

/// Fraction of an element's width at a client x.
fn frac_at(el: &web_sys::Element, client_x: i32) -> f64 {
    let r = el.get_bounding_client_rect();
    ((client_x as f64 - r.left()) / r.width().max(1.0)).clamp(0.0, 1.0)
}

/// The time ruler (drag to zoom).
#[component]
fn Ruler() -> impl IntoView {
    let ui = use_ui();
    let el = NodeRef::<html::Div>::new();
    let ticks = move || {
        let w = ui.derived.window.get();
        axis::ticks(w.start_ns, w.end_ns, 8)
    };
    let on_down = move |ev: ev::MouseEvent| {
        if ev.button() != 0 {
            return;
        }
        if let Some(e) = el.get() {
            let f = frac_at(&e, ev.client_x());
            ui.wf.drag.set(Some((f, f, false)));
            ev.prevent_default();
        }
    };
    view! {
        <div class="ruler" node_ref=el data-testid="ruler" on:mousedown=on_down title="Drag to zoom into a time range">
            {move || ticks().into_iter().map(|t| view! {
                <span class="tick" style=format!("left:{:.3}%", t.pct)><span class="tick-label">{t.label}</span></span>
            }).collect_view()}
            {move || ui.wf.drag.get().filter(|d| !d.2).map(|(a, b, _)| {
                let (l, r) = if a <= b { (a, b) } else { (b, a) };
                view! { <div class="drag-sel" style=format!("left:{:.3}%;width:{:.3}%", l * 100.0, (r - l) * 100.0)></div> }
            })}
        </div>
    }
}

/// Vertical tick lines over the rows.
#[component]
fn GridLines() -> impl IntoView {
    let ui = use_ui();
    view! {
        <div class="gridlines" aria-hidden="true">
            {move || {
                let w = ui.derived.window.get();
                axis::ticks(w.start_ns, w.end_ns, 8).into_iter().map(|t| view! {
                    <span class="gl" style=format!("left:{:.3}%", t.pct)></span>
                }).collect_view()
            }}
        </div>
    }
}

/// The minimap: the whole trace as a density bitmap, with the zoom window.
#[component]
fn Minimap() -> impl IntoView {
    let ui = use_ui();
    let canvas = NodeRef::<html::Canvas>::new();
    let wrap = NodeRef::<html::Div>::new();
    // The bitmap is drawn in its own task after the rows have painted.
    let draw_tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        let _ = ui.derived.view.get();
        let _ = ui.theme.get();
        set_timeout(move || draw_tick.update(|n| *n += 1), std::time::Duration::from_millis(0));
    });
    Effect::new(move |_| {
        if draw_tick.get() == 0 {
            return;
        }
        let Some(v) = ui.derived.view.get_untracked() else { return };
        let Some(c) = canvas.get() else { return };
        let width_css = c.client_width().max(100) as f64;
        let dpr = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).clamp(1.0, 3.0);
        let (w_px, h_px) = ((width_css * dpr) as u32, (36.0 * dpr) as u32);
        c.set_width(w_px);
        c.set_height(h_px);
        let Ok(Some(ctx)) = c.get_context("2d") else { return };
        let Ok(ctx) = ctx.dyn_into::<web_sys::CanvasRenderingContext2d>() else { return };
        ctx.clear_rect(0.0, 0.0, w_px as f64, h_px as f64);
        let cols = (w_px / 2).max(1) as usize;
        let rows = (h_px / 3).max(1) as usize;
        let d = minimap::density(v.set(), v.trace, cols, rows);
        let (cw, ch) = (w_px as f64 / d.cols as f64, h_px as f64 / d.rows as f64);
        let lmax = ((d.max as f64) + 1.0).ln().max(1e-9);
        for r in 0..d.rows {
            for col in 0..d.cols {
                let n = d.counts[r * d.cols + col];
                if n == 0 {
                    continue;
                }
                let a = 0.35 + 0.65 * ((n as f64 + 1.0).ln() / lmax);
                let err = d.errors[r * d.cols + col] > 0;
                ctx.set_global_alpha(a.min(1.0));
                ctx.set_fill_style_str(if err { "#e15759" } else { "#4e79a7" });
                ctx.fill_rect(col as f64 * cw, r as f64 * ch, cw.max(1.0), ch.max(1.0));
            }
        }
        ctx.set_global_alpha(1.0);
    });
    let on_down = move |ev: ev::MouseEvent| {
        if ev.button() != 0 {
            return;
        }
        if let Some(e) = wrap.get() {
            let f = frac_at(&e, ev.client_x());
            ui.wf.drag.set(Some((f, f, true)));
            ev.prevent_default();
        }
    };
    let window_box = move || {
        let w = ui.derived.window.get();
        let b = ui.derived.view.with(|v| v.as_ref().map(|v| v.bounds()))?;
        let l = (w.start_ns - b.start_ns) / b.len_ns() * 100.0;
        let width = w.len_ns() / b.len_ns() * 100.0;
        Some(view! { <div class="mm-window" style=format!("left:{l:.3}%;width:{width:.3}%")></div> })
    };
    view! {
        <div class="minimap" node_ref=wrap data-testid="minimap" on:mousedown=on_down title="Whole trace — drag to zoom">
            <canvas node_ref=canvas aria-label="Minimap of the whole trace"></canvas>
            {window_box}
            {move || ui.wf.drag.get().filter(|d| d.2).map(|(a, b, _)| {
                let (l, r) = if a <= b { (a, b) } else { (b, a) };
                view! { <div class="drag-sel" style=format!("left:{:.3}%;width:{:.3}%", l * 100.0, (r - l) * 100.0)></div> }
            })}
        </div>
    }
}

/// Ends a ruler/minimap drag: zooms to the dragged range.
fn finish_drag(ui: Ui) {
    let Some((a, b, on_minimap)) = ui.wf.drag.get_untracked() else { return };
    ui.wf.drag.set(None);
    if (a - b).abs() < 0.004 {
        return;
    }
    let bounds = ui.derived.view.with_untracked(|v| v.as_ref().map(|v| v.bounds()));
    let Some(bounds) = bounds else { return };
    let base = if on_minimap { bounds } else { ui.derived.window.get_untracked() };
    let z = base.sub(a, b);
    let z = if z.len_ns() < 1000.0 { z.zoom(1000.0 / z.len_ns(), 0.5, bounds) } else { z };
    ui.wf.zoom.set(Some(z.clamped(bounds)));
}

/// The waterfall tab: toolbar, header row (minimap + ruler), virtualized rows.
#[component]
pub fn Waterfall() -> impl IntoView {
    let ui = use_ui();
    let scroller = NodeRef::<html::Div>::new();
    let lane_head = NodeRef::<html::Div>::new();

    // Measure the viewport on mount and on resize.
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            ui.wf.viewport_h.set(el.client_height().max(50) as f64);
        }
        // The lane header has the same width as the row lanes plus their 64 px right margin.
        if let Some(h) = lane_head.get_untracked() {
            let w = (h.client_width() as f64 - 64.0).max(50.0);
            if (w - ui.wf.lane_px.get_untracked()).abs() >= 1.0 {
                ui.wf.lane_px.set(w);
            }
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            request_animation_frame(measure);
        }
    });
    let resize = window_event_listener(ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    // The lane also changes width without a window resize (detail panel, wrapping toolbar).
    let observer: StoredValue<Option<(web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>)>, LocalStorage> = StoredValue::new_local(None);
    on_cleanup(move || {
        let _ = observer.try_with_value(|o| {
            if let Some((o, _)) = o {
                o.disconnect();
            }
        });
    });
    Effect::new(move |_| {
        let (Some(body), Some(head)) = (scroller.get(), lane_head.get()) else { return };
        if observer.with_value(|o| o.is_some()) {
            return;
        }
        let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| measure());
        let Ok(o) = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()) else { return };
        o.observe(&body);
        o.observe(&head);
        observer.set_value(Some((o, cb)));
    });

    // Drag on ruler/minimap: follow the mouse anywhere, finish on release.
    let mv = window_event_listener(ev::mousemove, move |ev| {
        if let Some((a, _, on_mm)) = ui.wf.drag.get_untracked() {
            let Some(head) = lane_head.get_untracked() else { return };
            let f = frac_at(&head, ev.client_x());
            ui.wf.drag.set(Some((a, f, on_mm)));
        }
    });
    let up = window_event_listener(ev::mouseup, move |_| finish_drag(ui));
    on_cleanup(move || {
        mv.remove();
        up.remove();
    });

    // Scroll requests.
    Effect::new(move |_| {
        if let Some(top) = ui.wf.scroll_to.get() {
            if let Some(el) = scroller.get() {
                el.set_scroll_top(top.round() as i32);
                ui.wf.scroll_top.set(el.scroll_top() as f64);
            }
            ui.wf.scroll_to.set(None);
        }
    });

    // Wheel with a modifier zooms, with Shift pans (non-passive, so it can prevent the page
    // zoom). The listener is owned here and removed when the view goes.
    let wheel: StoredValue<Option<Listener<web_sys::WheelEvent>>, LocalStorage> = StoredValue::new_local(None);
    on_cleanup(move || {
        let _ = wheel.try_update_value(|w| w.take());
    });
    Effect::new(move |_| {
        let Some(el) = scroller.get() else { return };
        if wheel.with_value(|w| w.is_some()) {
            return;
        }
        let on_wheel = move |ev: web_sys::WheelEvent| {
            let zoom = ev.ctrl_key() || ev.meta_key() || ev.alt_key();
            let pan = ev.shift_key() && !zoom;
            if !zoom && !pan {
                return;
            }
            ev.prevent_default();
            let Some(bounds) = ui.derived.view.with_untracked(|v| v.as_ref().map(|v| v.bounds())) else { return };
            let w = ui.derived.window.get_untracked();
            let delta = if ev.delta_y() != 0.0 { ev.delta_y() } else { ev.delta_x() };
            if zoom {
                let anchor = lane_head.get_untracked().map(|h| frac_at(&h, ev.client_x())).unwrap_or(0.5);
                let factor = (delta * 0.002).exp().clamp(0.2, 5.0);
                ui.wf.zoom.set(Some(w.zoom(factor, anchor, bounds)));
            } else {
                ui.wf.zoom.set(Some(w.pan((delta / 800.0).clamp(-0.5, 0.5), bounds)));
            }
        };
        wheel.set_value(Some(Listener::new(&el, "wheel", false, on_wheel)));
    });

    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            ui.wf.scroll_top.set(el.scroll_top() as f64);
        }
    };

    let row_window = Memo::new(move |_| {
        let n = ui.derived.rows.with(|r| r.len());
        wf::window(n, Viewport { scroll_top_px: ui.wf.scroll_top.get(), height_px: ui.wf.viewport_h.get() })
    });

    let drawn = move || {
        let Some(v) = ui.derived.view.get() else { return Vec::new() };
        let rows = ui.derived.rows.get();
        let w = row_window.get();
        let win = ui.derived.window.get();
        let sel = ui.app.selected.get();
        let matches = ui.derived.matches.get();
        let current = ui.wf.find_pos.get().and_then(|p| matches.get(p).copied());
        let crit = ui.derived.crit.get();
        let badges = ui.derived.badges.get();
        let lane_px = ui.wf.lane_px.get();
        ui.wf.collapsed.with(|collapsed| {
            let cx = RowCtx { win, sel, collapsed, matches: &matches, current, crit: crit.as_deref(), badges: badges.as_deref(), lane_px };
            (w.first..w.last.min(rows.len())).filter_map(|k| row_data(&v, rows[k], k, &cx)).collect::<Vec<_>>()
        })
    };

    let empty = move || {
        let has_view = ui.derived.view.with(|v| v.is_some());
        let n = ui.derived.rows.with(|r| r.len());
        (has_view && n == 0).then(|| view! { <div class="wf-empty">"No spans to show. Clear the filter or expand the tree."</div> })
    };

    let filter_label = move || {
        ui.app.span_filter.with(|f| f.is_some()).then(|| {
            view! {
                <div class="filter-banner" data-testid="span-filter">
                    "Filtered: " {move || ui.app.span_filter_label.get()}
                    <button data-testid="clear-filter" on:click=move |_| {
                        ui.app.span_filter.set(None);
                        ui.app.span_filter_label.set(String::new());
                    }>"Clear filter"</button>
                </div>
            }
        })
    };

    view! {
        <section class="waterfall" data-testid="waterfall" aria-label="Waterfall">
            <Toolbar/>
            <Legend/>
            {filter_label}
            <div class="wf-head">
                <div class="wf-name-head">"Service · operation"
                    <span class="rowcount" data-testid="row-count">{move || format!("{} rows", format::thousands(ui.derived.rows.with(|r| r.len()) as u64))}</span>
                </div>
                <div class="wf-lane-head" node_ref=lane_head>
                    <Minimap/>
                    <Ruler/>
                </div>
            </div>
            <div class="wf-body-wrap">
                <div class="wf-grid-overlay"><div class="wf-name-pad"></div><GridLines/></div>
                <div class="wf-body" node_ref=scroller role="treegrid" tabindex="0" data-testid="rows"
                    aria-label="Spans" aria-rowcount=move || ui.derived.rows.with(|r| r.len())
                    on:scroll=on_scroll>
                    <div class="wf-spacer" style=move || format!("height:{}px", row_window.get().total_px)>
                        <div class="wf-rows" style=move || format!("transform:translateY({}px)", row_window.get().top_px)>
                            <For each=drawn key=|r: &RowData| r.key.clone() children=move |r: RowData| view! { <Row r=r/> }/>
                        </div>
                    </div>
                    {empty}
                </div>
            </div>
        </section>
    }
}

/// Keeps the selected span visible: expands its ancestors and scrolls to its row.
/// After [`AppState::jump_to_span`](crate::ui::state::AppState::jump_to_span) (a bump
/// of `jump`) it also opens the detail panel and puts the row in the middle of the view.
pub fn follow_selection(ui: Ui) {
    Effect::new(move |prev: Option<u64>| {
        let jump = ui.app.jump.get();
        let jumped = prev.is_some_and(|p| p != jump);
        follow(ui, jumped);
        jump
    });
}

fn follow(ui: Ui, jumped: bool) {
    let Some(span) = ui.app.selected.get() else { return };
    if jumped {
        ui.wf.detail_open.set(true);
    }
    let Some(v) = ui.derived.view.get_untracked() else { return };
    let set = v.set();
    let Some(s) = set.spans.get(span as usize) else { return };
    if s.trace as usize != v.trace {
        return;
    }
    let visible = ui.derived.rows.with_untracked(|r| wf::row_of(r, span).is_some());
    if !visible {
        let needs = ui.wf.collapsed.with_untracked(|c| wf::ancestors(set, span).iter().any(|&a| c.is_collapsed(a, set.spans[a as usize].depth)));
        if needs {
            ui.wf.collapsed.update(|c| wf::reveal(set, c, span));
        }
        // A jump must land on the span: drop a filter that hides it.
        if jumped && ui.derived.rows.with_untracked(|r| wf::row_of(r, span).is_none()) {
            ui.app.span_filter.set(None);
            ui.app.span_filter_label.set(String::new());
            ui.wf.only_matching.set(false);
        }
    }
    let Some(row) = ui.derived.rows.with_untracked(|r| wf::row_of(r, span)) else { return };
    let n = ui.derived.rows.with_untracked(|r| r.len());
    let vp = Viewport { scroll_top_px: ui.wf.scroll_top.get_untracked(), height_px: ui.wf.viewport_h.get_untracked() };
    if jumped {
        ui.wf.scroll_to.set(Some(wf::scroll_to_center(n, vp, row)));
    } else if let Some(top) = wf::scroll_to_show(n, vp, row) {
        ui.wf.scroll_to.set(Some(top));
    }
}

/// Global keyboard shortcuts.
pub fn on_key(ui: Ui, ev: web_sys::KeyboardEvent) {
    let key = ev.key();
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    if key == "Escape" {
        if ui.dialog.get_untracked() != Dialog::None {
            ui.dialog.set(Dialog::None);
        } else if typing_in_field() {
            if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element()) {
                if let Some(h) = el.dyn_ref::<web_sys::HtmlElement>() {
                    let _ = h.blur();
                }
            }
        } else if ui.wf.detail_open.get_untracked() {
            ui.wf.detail_open.set(false);
        } else if !ui.wf.find.get_untracked().is_empty() || !ui.wf.find_text.get_untracked().is_empty() {
            ui.wf.find_text.set(String::new());
            apply_find(ui);
            ui.wf.find_pos.set(None);
        } else {
            ui.app.selected.set(None);
        }
        return;
    }
    if typing_in_field() {
        return;
    }
    if key == "?" {
        ev.prevent_default();
        ui.dialog.update(|d| *d = if *d == Dialog::Help { Dialog::None } else { Dialog::Help });
        return;
    }
    if ui.dialog.get_untracked() != Dialog::None || ui.app.tab.get_untracked() != Tab::Waterfall {
        return;
    }
    let Some(v) = ui.derived.view.get_untracked() else { return };
    let set = v.set();
    let rows = ui.derived.rows.get_untracked();
    let sel = ui.app.selected.get_untracked();
    let cur_row = sel.and_then(|s| wf::row_of(&rows, s));
    let select_row = |k: usize| {
        if let Some(&s) = rows.get(k) {
            ui.app.selected.set(Some(s));
        }
    };
    match key.as_str() {
        "/" => {
            ev.prevent_default();
            ui.wf.focus_find.update(|n| *n += 1);
        }
        "ArrowDown" | "j" => {
            ev.prevent_default();
            match cur_row {
                Some(k) => select_row((k + 1).min(rows.len().saturating_sub(1))),
                None => select_row(0),
            }
        }
        "ArrowUp" | "k" => {
            ev.prevent_default();
            match cur_row {
                Some(k) => select_row(k.saturating_sub(1)),
                None => select_row(0),
            }
        }
        "Home" => {
            ev.prevent_default();
            select_row(0);
        }
        "End" => {
            ev.prevent_default();
            select_row(rows.len().saturating_sub(1));
        }
        "ArrowLeft" => {
            ev.prevent_default();
            let Some(s) = sel else { return };
            let Some(sp) = set.spans.get(s as usize) else { return };
            let collapsed = ui.wf.collapsed.with_untracked(|c| c.is_collapsed(s, sp.depth));
            if sp.child_count > 0 && !collapsed {
                ui.wf.collapsed.update(|c| c.set(s, sp.depth, true));
            } else if sp.parent != NO_SPAN {
                ui.app.selected.set(Some(sp.parent));
            }
        }
        "ArrowRight" => {
            ev.prevent_default();
            let Some(s) = sel else { return };
            let Some(sp) = set.spans.get(s as usize) else { return };
            if sp.child_count == 0 {
                return;
            }
            let collapsed = ui.wf.collapsed.with_untracked(|c| c.is_collapsed(s, sp.depth));
            if collapsed {
                ui.wf.collapsed.update(|c| c.set(s, sp.depth, false));
            } else if let Some(k) = cur_row {
                select_row(k + 1);
            }
        }
        "Enter" => {
            if sel.is_some() {
                ev.prevent_default();
                ui.wf.detail_open.set(true);
            }
        }
        "n" => step_match(ui, 1),
        "N" => step_match(ui, -1),
        "0" => ui.wf.zoom.set(None),
        _ => {}
    }
}
