//! The waterfall view: the loaded trace and the view state in, a virtualized
//! tree grid of span rows out (only the rows on screen plus a margin are in the DOM).
//!
//! State lives in [`state::WfState`] (signals) and [`state::WfDerived`] (memos over
//! it); the row geometry comes from `view_model::waterfall`, ticks from
//! `view_model::axis`, key, wheel and drag arithmetic from `view_model::waterfall_nav`.
//!
//! ```text
//! state ─▶ Waterfall ─┬─ toolbar::Toolbar (find::FindBar), Legend
//!                     ├─ minimap::Minimap, toolbar::Ruler, GridLines
//!                     └─ row::Row × the rows on screen
//! keys::on_key (window keydown) ─▶ state
//! ```
//!
//! * LLM calls carry a badge (`model · in→out tok · $cost`, see [`badges`]) placed by
//!   `view_model::waterfall::badge_place` so that it never meets the duration label.
//! * Find is debounced on big traces ([`find::FIND_DEBOUNCE_MS`]) and searched in
//!   slices that yield to the browser ([`search`]), so typing stays responsive at a
//!   million spans.
//! * On other tabs the view stays mounted but hidden (`.off-tab`), so coming back is
//!   instant; its scroll offset is put back then.
//! * [`follow_selection`] keeps the selection on screen; after
//!   `AppState::jump_to_span` it also opens the detail panel and centers the row.

pub mod badges;
pub mod find;
pub mod keys;
mod minimap;
mod name_resize;
mod row;
pub mod search;
pub mod state;
mod toolbar;
pub mod trace_view;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::format;
use crate::ui::context::{use_ui, Ui};
use crate::ui::state::Tab;
use crate::ui::util::Listener;
use crate::ui::waterfall::minimap::Minimap;
use crate::ui::waterfall::name_resize::NameResize;
use crate::ui::waterfall::row::{row_data, row_id, Row, RowCtx, RowData};
use crate::ui::waterfall::toolbar::{change_window, finish_drag, frac_at, GridLines, Legend, Ruler, Toolbar};
use crate::view_model::list_window::Viewport;
use crate::view_model::waterfall::{self as wf};
use crate::view_model::waterfall_nav::{wheel_window, WheelMode};

/// The view's resize observer and the callback it holds (dropped with the view).
type SizeObserver = (web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);

/// The waterfall tab: toolbar, header row (minimap + ruler), virtualized rows.
#[component]
pub fn Waterfall() -> impl IntoView {
    let ui = use_ui();
    let scroller = NodeRef::<html::Div>::new();
    let lane_head = NodeRef::<html::Div>::new();

    // Measure the viewport on mount and on resize; not while hidden on another tab
    // (nothing is laid out then, and the last sizes are the ones to come back to).
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            if el.client_height() <= 0 {
                return;
            }
            let h = el.client_height().max(50) as f64;
            if h != ui.wf.viewport_h.get_untracked() {
                ui.wf.viewport_h.set(h);
            }
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
    let observer: StoredValue<Option<SizeObserver>, LocalStorage> = StoredValue::new_local(None);
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
            let Some(mode) = WheelMode::of(ev.ctrl_key(), ev.meta_key(), ev.alt_key(), ev.shift_key()) else { return };
            ev.prevent_default();
            let anchor = match mode {
                WheelMode::Zoom => lane_head.get_untracked().map(|h| frac_at(&h, ev.client_x())).unwrap_or(0.5),
                WheelMode::Pan => 0.5,
            };
            change_window(ui, |w, b| wheel_window(w, b, mode, ev.delta_y(), ev.delta_x(), anchor));
        };
        wheel.set_value(Some(Listener::new(&el, "wheel", false, on_wheel)));
    });

    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked()
            && el.client_height() > 0 {
                ui.wf.scroll_top.set(el.scroll_top() as f64);
            }
    };
    // Back on the waterfall tab: the browser dropped the scroll offset of the hidden
    // rows; put it back where it was.
    let shown = Memo::new(move |_| ui.app.tab.get() == Tab::Waterfall);
    Effect::new(move |prev: Option<bool>| {
        let now = shown.get();
        if now && prev == Some(false) {
            let top = ui.wf.scroll_top.get_untracked();
            if let Some(el) = scroller.get_untracked() {
                el.set_scroll_top(top.round() as i32);
            }
            request_animation_frame(measure);
        }
        now
    });

    let row_window = Memo::new(move |_| {
        let n = ui.derived.rows.with(|r| r.len());
        wf::ROWS.window(n, Viewport { scroll_top_px: ui.wf.scroll_top.get(), height_px: ui.wf.viewport_h.get() })
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

    // The selected row, for screen readers, while it is drawn.
    let active_row = move || {
        let span = ui.app.selected.get()?;
        let w = row_window.get();
        let k = ui.derived.rows.with(|r| wf::row_of(r, span))?;
        (k >= w.first && k < w.last).then(|| row_id(span))
    };

    let empty = move || {
        let has_view = ui.derived.view.with(|v| v.is_some());
        let n = ui.derived.rows.with(|r| r.len());
        (has_view && n == 0).then(|| view! { <div class="wf-empty">"No spans to show. Clear the filter or expand the tree."</div> })
    };

    let name_w = name_resize::saved_width();
    let name_head = NodeRef::<html::Div>::new();
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
        <section class="waterfall" class:off-tab=move || !shown.get() style=name_resize::style(name_w) data-testid="waterfall" aria-label="Waterfall" aria-hidden=move || (!shown.get()).then_some("true")>
            <h2 class="visually-hidden">"Waterfall"</h2>
            <Toolbar/>
            <Legend/>
            {filter_label}
            <div class="wf-head">
                <div class="wf-name-head" node_ref=name_head>"Service · operation"
                    <span class="rowcount" data-testid="row-count">{move || format::count(ui.derived.rows.with(|r| r.len()) as u64, "row")}</span>
                    <NameResize width=name_w head=name_head/>
                </div>
                <div class="wf-lane-head" node_ref=lane_head>
                    {(!crate::ui::embed::params().hide_minimap).then(|| view! { <Minimap/> })}
                    <Ruler/>
                </div>
            </div>
            <div class="wf-body-wrap">
                <div class="wf-grid-overlay"><div class="wf-name-pad"></div><GridLines/></div>
                <div class="wf-body" node_ref=scroller role="treegrid" tabindex="0" data-testid="rows" id="wf-rows"
                    aria-label="Spans" aria-rowcount=move || ui.derived.rows.with(|r| r.len()) aria-activedescendant=active_row
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
        ui.wf.scroll_to.set(Some(wf::ROWS.scroll_to_center(n, vp, row)));
    } else if let Some(top) = wf::ROWS.scroll_to_show(n, vp, row) {
        ui.wf.scroll_to.set(Some(top));
    }
}
