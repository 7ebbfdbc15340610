//! The clock-skew toggle (wasm32 only): the header's switch and the hash's `skew=0` in;
//! the page's set and the worker's set adjusted (`analysis::skew`) or back to the recorded
//! times out, and the note the analysis views show while times are adjusted.
//!
//! ```text
//! load:   page decodes ─▶ apply if on ─▶ {kind:"skew", load_id, new_id: load_id, on} ─▶ worker
//! toggle: page applies/restores in place ─▶ new set id ─▶ {kind:"skew", load_id, new_id, on} ─▶ worker
//! ```
//!
//! A toggled set gets a new id (from [`SET_IDS_FROM`] up, beyond any load id), so that the
//! views ask the worker again and an answer about the other times is dropped. The worker
//! applies the same deterministic adjustment to its own copy. Selected and filtered spans
//! follow their spans (selection, span filter, collapsed rows) to the indices the re-sorted
//! siblings gave them.

use std::cell::Cell;
use std::sync::Arc;

use js_sys::Object;
use leptos::prelude::*;

use crate::analysis::skew;
use crate::model::TraceSet;
use crate::ui::context::{use_ui, Ui};
use crate::ui::loader;
use crate::ui::state::{AppState, Loaded};
use crate::ui::util::{now_ms, record_timing, set};

/// Set ids of toggled sets count from here, beyond any load id (loads count from 1).
const SET_IDS_FROM: f64 = 1_099_511_627_776.0;

thread_local! {
    static NEXT_SET_ID: Cell<f64> = const { Cell::new(SET_IDS_FROM) };
}

/// Tells the worker to adjust (or not) its set `load_id`, which then answers as `new_id`.
fn tell_worker(load_id: f64, new_id: f64, on: bool) {
    let o = Object::new();
    set(&o, "kind", &"skew".into());
    set(&o, "load_id", &load_id.into());
    set(&o, "new_id", &new_id.into());
    set(&o, "on", &on.into());
    loader::post_to_worker(&o, &js_sys::Array::new());
}

/// A freshly decoded set of load `id`: adjusted when the toggle is on, and the worker told
/// to do the same with its copy.
pub fn on_load(app: AppState, set: &mut TraceSet, id: f64) {
    let on = app.skew_adjust.get_untracked();
    skew::set_adjusted(set, on);
    tell_worker(id, id, on);
}

/// Turns the adjustment on or off for the loaded set (page and worker) and redraws.
pub fn toggle(ui: Ui, on: bool) {
    let app = ui.app;
    app.skew_adjust.set(on);
    let Some(old) = app.loaded.get_untracked() else { return };
    if old.set.skew.adjusted == on {
        return;
    }
    // Every reference but `old` goes first, so that the set is changed in place: the
    // signals', then the waterfall's memos', which let go once read with no set (their
    // effects run after this task, with the new set in place). A view that still holds
    // the set makes it a copy (`skew_copied` in the page's timings says which happened).
    let t0 = now_ms();
    app.loaded.set(None);
    ui.load.delivered.update_untracked(|l| *l = None);
    let _ = ui.derived.view.try_get_untracked();
    let _ = ui.derived.badges.try_get_untracked();
    let (mut loaded, copied): (Loaded, bool) = match Arc::try_unwrap(old) {
        Ok(l) => (l, false),
        Err(shared) => ((*shared).clone(), true),
    };
    record_timing("skew_copied", if copied { 1.0 } else { 0.0 });
    let relayout = skew::set_adjusted(&mut loaded.set, on);
    let new_id = NEXT_SET_ID.with(|n| {
        n.set(n.get() + 1.0);
        n.get()
    });
    tell_worker(loaded.load_id, new_id, on);
    loaded.load_id = new_id;
    if !relayout.moves.is_empty() {
        if let Some(s) = app.selected.get_untracked() {
            app.selected.set(Some(relayout.map(s)));
        }
        if let Some(f) = app.span_filter.get_untracked() {
            let mut spans: Vec<u32> = f.iter().map(|&s| relayout.map(s)).collect();
            spans.sort_unstable();
            app.span_filter.set(Some(Arc::new(spans)));
        }
        ui.wf.collapsed.update(|c| c.toggled = c.toggled.iter().map(|&s| relayout.map(s)).collect());
    }
    app.loaded.set(Some(Arc::new(loaded)));
    record_timing("skew_ms", now_ms() - t0);
}

/// How many spans the adjustment moved: in trace `trace`, or in the whole set.
fn moved(set: &TraceSet, trace: Option<usize>) -> usize {
    match trace {
        Some(t) => skew::moved_in_trace(set, t),
        None => (0..set.traces.len()).map(|t| skew::moved_in_trace(set, t)).sum(),
    }
}

/// "Times adjusted for clock skew (3 spans moved)" while the adjustment moved spans of
/// the shown trace; nothing otherwise.
#[component]
pub fn SkewNote() -> impl IntoView {
    let ui = use_ui();
    move || {
        let n = ui.app.loaded.with(|l| {
            let l = l.as_ref()?;
            l.set.skew.adjusted.then(|| moved(&l.set, Some(ui.app.trace.get())))
        })?;
        (n > 0).then(|| {
            let spans = if n == 1 { "1 span moved".to_string() } else { format!("{n} spans moved") };
            view! { <p class="skew-note muted" data-testid="skew-note">{format!("Times adjusted for clock skew ({spans})")}</p> }
        })
    }
}

/// The header's switch: a labelled checkbox (`[data-testid="skew-adjust"]`), with the
/// count of moved spans of the trace when there are some.
#[component]
pub fn SkewToggle() -> impl IntoView {
    let ui = use_ui();
    let count = move || {
        let n = ui.app.loaded.with(|l| l.as_ref().filter(|l| l.set.skew.adjusted).map(|l| moved(&l.set, Some(ui.app.trace.get()))))?;
        (n > 0).then(|| format!(" ({n} moved)"))
    };
    view! {
        <label class="skew-toggle" title="Shift a server span that lies outside its client parent into the parent's window (its subtree follows). Off: the times as recorded.">
            <input type="checkbox" data-testid="skew-adjust" prop:checked=move || ui.app.skew_adjust.get()
                on:change=move |ev| toggle(ui, event_target_checked(&ev))/>
            "Adjust clock skew"
            <span class="muted" data-testid="skew-count">{count}</span>
        </label>
    }
}
