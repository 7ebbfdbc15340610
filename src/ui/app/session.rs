//! The session: a decoded set in, on screen out — the view restored from the URL hash
//! (deep link) and `?trace=`/`?find=`/`?view=`/`?span=`, and the contract attributes set once painted.
//! Also the first load of the page and the hash kept in step with the view.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::{SpanId, TraceSet};
use crate::ui::context::{Status, Ui};
use crate::ui::embed;
use crate::ui::loader::{self, Credentials};
use crate::ui::state::{Loaded, Tab};
use crate::ui::util::after_paint;
use crate::view_model::deeplink::DeepLink;
use crate::view_model::waterfall as wf;

/// Where the built-in demo trace is served from (relative to the page).
pub const DEMO_URL: &str = "public/demo.json";

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Finds a span of a trace by its id text (hex, or a raw id as printed).
fn find_span_by_text(set: &TraceSet, trace: usize, text: &str) -> Option<u32> {
    let t = set.traces.get(trace)?;
    if let Ok(v) = u64::from_str_radix(text, 16)
        && text.len() <= 16
            && let Some(i) = set.find_span(trace, &SpanId::Hex(v)) {
                return Some(i);
            }
    t.spans.range().find(|&i| matches!(set.spans[i].span_id, SpanId::Raw(_)) && set.spans[i].span_id.to_text(&set.strings) == text).map(|i| i as u32)
}

/// Puts a freshly loaded set on screen, restoring the view from the URL hash.
pub fn install(ui: Ui, loaded: Arc<Loaded>) {
    let set = &loaded.set;
    let link = DeepLink::from_hash(&current_hash());
    let params = embed::params();
    // The hash (deep link) first, then `?trace=`.
    let named = [link.trace.as_deref(), params.trace.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|id| set.traces.iter().position(|t| t.trace_id.to_text(&set.strings).eq_ignore_ascii_case(id)));
    let trace = named.unwrap_or(0);
    ui.app.span_filter.set(None);
    ui.app.span_filter_label.set(String::new());
    ui.wf.reset();
    ui.wf.find.set(link.find.clone().or_else(|| params.find.clone()).unwrap_or_default());
    ui.wf.only_matching.set(link.only_matching);
    ui.wf.detail_open.set(false);
    let mut selected = None;
    if let Some(t) = set.traces.get(trace) {
        if let Some((a, b)) = link.zoom
            && a < t.duration_ns.max(1) {
                ui.wf.zoom.set(Some(wf::TimeWindow { start_ns: a as f64, end_ns: b.min(t.duration_ns.max(1)) as f64 }));
            }
        if let Some(sid) = link.span.as_deref().or(params.span.as_deref()) {
            selected = find_span_by_text(set, trace, sid);
        }
    }
    // The hash first, then `?view=` (a name no tab knows is ignored).
    if let Some(tab) = link.tab.as_deref().or(params.view.as_deref()).and_then(Tab::from_name) {
        ui.app.tab.set(tab);
    }
    // Many traces open on their list, unless the link names one of them.
    let filter = link.filter.clone().unwrap_or_default();
    ui.list.filter_text.set(filter.clone());
    ui.list.filter.set(filter);
    ui.list.brush.set(None);
    ui.list.brush_rect.set(None);
    ui.list.picked.set(Vec::new());
    ui.list.scroll_top.set(0.0);
    ui.list.mode.set(crate::ui::traces::ListMode::List);
    ui.list.current.set(None);
    ui.list.pushed.set_value(false);
    let list_first = set.traces.len() > 1 && (link.list || named.is_none());
    ui.list.shown.set(list_first);
    ui.list.trace_views.set(!list_first);
    let (spans, traces) = (set.spans.len(), set.traces.len());
    ui.app.selected.set(None);
    ui.app.trace.set(trace);
    ui.app.loaded.set(Some(loaded));
    if selected.is_some() {
        ui.app.selected.set(selected);
        ui.wf.detail_open.set(true);
    }
    ui.load.status.set(Status::Idle);
    // The switch flipped while the set was on its way: the worker re-times it now.
    crate::ui::skew::reconcile(ui);
    // The contract attributes go on once the first view has painted, and only for
    // the latest install: a quicker later load must not be reported with the
    // counts of an earlier one whose frames fire after it.
    let generation = INSTALLS.with(|n| {
        let mut n = n.borrow_mut();
        *n += 1;
        *n
    });
    loader::mark("installed", crate::ui::util::now_ms());
    after_paint(move || {
        loader::mark("painted", crate::ui::util::now_ms());
        let latest = INSTALLS.with(|n| *n.borrow()) == generation;
        if latest && ui.load.status.get_untracked() == Status::Idle {
            ui.load.painted.set(Some((spans, traces)));
        }
    });
}

thread_local! {
    /// How many sets have been installed on the page (to match paints to installs).
    static INSTALLS: std::cell::RefCell<u64> = const { std::cell::RefCell::new(0) };
}

/// Points the URL hash at a span that the next load brings (a span link's target fetched
/// from a backend): the load's install then selects it.
pub fn aim_at(trace: &str, span: &str) {
    let link = DeepLink { trace: Some(trace.to_string()), span: Some(span.to_string()), ..DeepLink::default() };
    if let Some(w) = web_sys::window() {
        let loc = w.location();
        let url = format!("{}{}#{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default(), link.to_hash());
        if let Ok(hist) = w.history() {
            let _ = hist.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

/// Writes the view state into the URL hash (replacing, not pushing, history).
pub fn sync_hash(ui: Ui) {
    Effect::new(move |_| {
        let Some(loaded) = ui.app.loaded.get() else { return };
        let set = &loaded.set;
        let trace = ui.app.trace.get();
        let Some(t) = set.traces.get(trace) else { return };
        let tab = ui.app.tab.get();
        let filter = Some(ui.list.filter.get()).filter(|f| !f.trim().is_empty());
        let link = if ui.list.shown.get() && set.traces.len() > 1 {
            DeepLink { list: true, filter, skew_off: !ui.app.skew_adjust.get(), ..DeepLink::default() }
        } else { DeepLink {
            trace: Some(t.trace_id.to_text(&set.strings)),
            span: ui.app.selected.get().and_then(|s| set.spans.get(s as usize)).filter(|s| s.trace as usize == trace).map(|s| s.span_id.to_text(&set.strings)),
            zoom: ui.wf.zoom.get().map(|z| (z.start_ns.max(0.0) as u64, z.end_ns.max(0.0) as u64)),
            find: Some(ui.wf.find.get()).filter(|f| !f.trim().is_empty()),
            only_matching: ui.wf.only_matching.get(),
            tab: (tab != Tab::Waterfall).then(|| tab.name().to_string()),
            filter,
            list: false,
            skew_off: !ui.app.skew_adjust.get(),
        } };
        let h = link.to_hash();
        if current_hash().trim_start_matches('#') == h {
            return;
        }
        if let Some(w) = web_sys::window() {
            let loc = w.location();
            let url = format!("{}{}#{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default(), h);
            if let Ok(hist) = w.history() {
                let _ = hist.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
        }
    });
}

/// Loads the `?url=` trace, or the demo when none is given (an embedded page waits
/// for its host instead). The clock-skew toggle starts as the hash says (`skew=0`: off).
pub fn initial_load(ui: Ui) {
    if DeepLink::from_hash(&current_hash()).skew_off {
        ui.app.skew_adjust.set(false);
    }
    match loader::url_param() {
        Ok(Some(url)) => {
            loader::load_url(ui, url, false, Credentials::SameOrigin);
        }
        // A backend (`?backend=`) is asked by `ui::backend::install`; no demo then.
        Ok(None) if crate::ui::backend::from_url() => {}
        Ok(None) if embed::params().embed => {}
        Ok(None) => {
            loader::load_url(ui, DEMO_URL.to_string(), false, Credentials::SameOrigin);
        }
        Err(msg) => ui.load.status.set(Status::Error(msg)),
    }
}
