//! The clock-skew toggle (wasm32 only): the header's switch and the hash's `skew=0` in;
//! the worker asked for the set adjusted (`analysis::skew`) or back to the recorded times,
//! and its answer put on the page, out; and the note the analysis views show while times
//! are adjusted.
//!
//! ```text
//! load:   {kind:"load", …, skew: on} ─▶ worker adjusts before its snapshot ─▶ page decodes
//! toggle: {kind:"skew", load_id, new_id, on} ─▶ worker adjusts or restores its set
//!         ◀─ {kind:"skewed", load_id, new_id, snapshot, moves} ─ page decodes in slices,
//!         installs the set as `new_id`
//! ```
//!
//! The page never lays a trace out again itself: at a million spans that is a few hundred
//! ms of work, which belongs off the main thread. Until the worker's set arrives the views
//! show the times they had, and the switch says it is busy. One request is on its way at
//! a time; when it lands (or a load does) and the switch was flipped meanwhile, the next
//! one goes ([`reconcile`]). A flip that would move no span asks nothing: both sets stay.
//!
//! A toggled set gets a new id (from [`SET_IDS_FROM`] up, beyond any load id), so that the
//! views ask the worker again and an answer about the other times is dropped. Selected and
//! filtered spans follow their spans (selection, span filter, collapsed rows) to the indices
//! the re-sorted siblings gave them; a selection brushed on the trace list's scatter is
//! cleared, since its points moved.

use std::cell::Cell;
use std::sync::Arc;

use js_sys::{ArrayBuffer, Object, Reflect, Uint32Array};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::analysis::skew;
use crate::analysis::skew::Relayout;
use crate::model::TraceSet;
use crate::ui::context::{use_ui, Ui};
use crate::ui::loader;
use crate::ui::state::{AppState, Loaded};
use crate::ui::util::{now_ms, record_timing, set};

/// Set ids of toggled sets count from here, beyond any load id (loads count from 1).
const SET_IDS_FROM: f64 = 1_099_511_627_776.0;

thread_local! {
    static NEXT_SET_ID: Cell<f64> = const { Cell::new(SET_IDS_FROM) };
    /// The request on its way: the set id its answer will carry, and when it was asked.
    static PENDING: Cell<Option<(f64, f64)>> = const { Cell::new(None) };
}

/// Turns the adjustment on or off: the switch follows at once, the set once the worker
/// has sent it.
pub fn toggle(ui: Ui, on: bool) {
    ui.app.skew_adjust.set(on);
    reconcile(ui);
}

/// Asks the worker for the set the switch wants, unless the page shows it already (or one
/// with the same times: nothing to move), a request or a load is on its way (each
/// reconciles when it lands), or no set is loaded.
/// With no worker to ask, the switch goes back to what the set holds.
pub fn reconcile(ui: Ui) {
    let app = ui.app;
    if PENDING.get().is_some() || loader::load_in_flight() {
        return;
    }
    let on = app.skew_adjust.get_untracked();
    let Some(load_id) = app.loaded.with_untracked(|l| l.as_ref().filter(|l| needs_flip(l, on)).map(|l| l.load_id)) else {
        return;
    };
    let new_id = NEXT_SET_ID.with(|n| {
        n.set(n.get() + 1.0);
        n.get()
    });
    if ask(load_id, new_id, on) {
        PENDING.set(Some((new_id, now_ms())));
        app.skew_busy.set(true);
    } else {
        app.skew_adjust.set(!on);
    }
}

/// Whether the shown set's times differ from what the switch (`on`) asks for: only the
/// worker can bring them.
fn needs_flip(l: &Loaded, on: bool) -> bool {
    l.set.skew.adjusted != on && !unchanged_by(&l.set, on)
}

/// Whether turning the adjustment of `set` on or off would leave every span where it is:
/// restoring a set in which nothing moved, or adjusting one in which nothing would move
/// (one pass over the spans, a few ms at a million). Then neither the page's set nor the
/// worker's changes: every view and answer would be the same.
fn unchanged_by(set: &TraceSet, on: bool) -> bool {
    if on { (0..set.traces.len()).all(|t| skew::adjust(set, t).moved.is_empty()) } else { set.skew.shift_ns.is_empty() }
}

/// Asks the worker to adjust (`on`) or restore its set `load_id` and to call it `new_id`
/// from then on; `false` when there is no worker.
fn ask(load_id: f64, new_id: f64, on: bool) -> bool {
    let o = Object::new();
    set(&o, "kind", &"skew".into());
    set(&o, "load_id", &load_id.into());
    set(&o, "new_id", &new_id.into());
    set(&o, "on", &on.into());
    loader::post_to_worker(&o, &js_sys::Array::new())
}

/// Forgets the request on its way (a new load replaces the set, or the worker stopped):
/// its answer, if it comes, is dropped.
pub fn cancel(app: AppState) {
    PENDING.set(None);
    app.skew_busy.set(false);
}

/// Puts the switch back on what the page shows (and so the hash) when no request is on
/// its way to bring what it says: after a failed load, a stopped worker, or an answer
/// that brought no set. A switch whose times the shown set has already (nothing to move)
/// stays as the user left it.
pub fn settle(ui: Ui) {
    if PENDING.get().is_some() {
        return; // the worker re-times the shown set; its answer settles the switch
    }
    let on = ui.app.skew_adjust.get_untracked();
    let shown = ui.app.loaded.with_untracked(|l| l.as_ref().filter(|l| needs_flip(l, on)).map(|l| l.set.skew.adjusted));
    if let Some(shown) = shown {
        ui.app.skew_adjust.set(shown);
    }
}

/// The worker's `skewed` answer: the set decoded in slices and installed, when it answers
/// the request on its way. An answer without a set (the worker keeps another one now)
/// ends the wait, with the switch back on what the page shows.
pub fn on_skewed(ui: Ui, data: &JsValue) {
    let get = |k: &str| Reflect::get(data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let (Some(load_id), Some(new_id)) = (get("load_id").as_f64(), get("new_id").as_f64()) else { return };
    let Some((_, asked_ms)) = PENDING.get().filter(|p| p.0 == new_id) else { return };
    let (Ok(snapshot), Ok(moves)) = (get("snapshot").dyn_into::<ArrayBuffer>(), get("moves").dyn_into::<ArrayBuffer>()) else {
        cancel(ui.app);
        settle(ui);
        return;
    };
    let still_wanted = move || PENDING.get().is_some_and(|p| p.0 == new_id);
    leptos::task::spawn_local(async move {
        let bytes = loader::copy_in_slices(&snapshot).await;
        if !still_wanted() {
            return;
        }
        let decoded = loader::decode_in_slices(&bytes, still_wanted).await;
        drop(bytes);
        match decoded {
            Some(_) if !still_wanted() => {}
            None => {}
            Some(Err(e)) => {
                // The worker calls its set `new_id` now: it takes the change back and the
                // old name, so that it answers about the set the page shows again.
                let shown = ui.app.loaded.with_untracked(|l| l.as_ref().map(|l| l.set.skew.adjusted));
                if let Some(shown) = shown {
                    ask(new_id, load_id, shown);
                }
                cancel(ui.app);
                loader::fail(ui, format!("The re-timed trace could not be opened: {e}. This is a bug in Clew; please report it."));
            }
            Some(Ok(set)) => {
                let flat = Uint32Array::new(&moves).to_vec();
                let relayout = Relayout { moves: flat.chunks_exact(2).map(|m| (m[0], m[1])).collect() };
                cancel(ui.app);
                install(ui, load_id, new_id, set, &relayout);
                record_timing("skew_ms", now_ms() - asked_ms);
                reconcile(ui);
            }
        }
    });
}

/// Shows `set` (the worker's version `new_id` of the shown set `load_id`) in place of the
/// shown one, with the selection, span filter and collapsed rows moved along.
fn install(ui: Ui, load_id: f64, new_id: f64, set: TraceSet, relayout: &Relayout) {
    let app = ui.app;
    let Some(names) = app.loaded.with_untracked(|l| l.as_ref().filter(|l| l.load_id == load_id).map(|l| l.names.clone())) else {
        return;
    };
    // The old set goes as soon as the views let go of it: the delivered copy first.
    ui.load.delivered.update_untracked(|l| *l = None);
    // A scatter selection was drawn around the points at the other times: it goes.
    if ui.list.brush.with_untracked(Option::is_some) {
        ui.list.brush.set(None);
        ui.list.brush_rect.set(None);
    }
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
    app.loaded.set(Some(Arc::new(Loaded { set, names, load_id: new_id })));
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
            let spans = format!("{} moved", crate::format::count(n as u64, "span"));
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
        (n > 0).then(|| format!(" ({} moved)", crate::format::thousands(n as u64)))
    };
    // The re-timing is said in a live region beside the switch (not in its name).
    let busy = move || ui.app.skew_busy.get().then(|| view! { <span data-testid="skew-busy">"Re-timing…"</span> });
    view! {
        <label class="skew-toggle" title="Shift a server span that lies outside its client parent into the parent's window (its subtree follows). Off: the times as recorded.">
            <input type="checkbox" data-testid="skew-adjust" prop:checked=move || ui.app.skew_adjust.get()
                on:change=move |ev| toggle(ui, event_target_checked(&ev))/>
            "Adjust clock skew"
            <span class="muted" data-testid="skew-count">{count}</span>
        </label>
        <span class="skew-busy muted" role="status">{busy}</span>
    }
}
