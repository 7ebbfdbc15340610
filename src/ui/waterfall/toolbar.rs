//! The waterfall's controls over the rows: the toolbar (find, tree, zoom, critical
//! path), the service legend, the time ruler with its grid lines, and the drag-to-zoom
//! shared by the ruler and the minimap.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use crate::ui::context::{use_ui, Ui};
use crate::ui::controls::checkbox;
use crate::ui::waterfall::find::FindBar;
use crate::view_model::waterfall::{Collapsed, TimeWindow};
use crate::view_model::waterfall_nav::drag_window;
use crate::view_model::{axis, palette};

/// Toolbar: find, tree and zoom controls, critical path toggle.
#[component]
pub fn Toolbar() -> impl IntoView {
    let ui = use_ui();
    let max_depth = move || {
        ui.derived.view.with(|v| v.as_ref().and_then(|v| v.set().traces.get(v.trace).map(|t| t.max_depth)).unwrap_or(1))
    };
    let zoomed = move || ui.wf.zoom.get().is_some();
    let zoom_by = move |f: f64| change_window(ui, |w, b| w.zoom(f, 0.5, b));
    let pan_by = move |f: f64| change_window(ui, |w, b| w.pan(f, b));
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
                <button data-testid="zoom-in" aria-label="Zoom in" title="Zoom in (Ctrl+wheel)" on:click=move |_| zoom_by(0.5)>"+"</button>
                <button data-testid="zoom-out" aria-label="Zoom out" title="Zoom out" on:click=move |_| zoom_by(2.0)>"−"</button>
                <button data-testid="pan-left" aria-label="Pan left" title="Pan left (Shift+wheel)" on:click=move |_| pan_by(-0.25)>"◀"</button>
                <button data-testid="pan-right" aria-label="Pan right" title="Pan right (Shift+wheel)" on:click=move |_| pan_by(0.25)>"▶"</button>
                <button data-testid="zoom-reset" title="Show the whole trace (0)" disabled=move || !zoomed() on:click=move |_| ui.wf.zoom.set(None)>"Reset zoom"</button>
                <span class="sep"></span>
                <label class="crit-toggle" title="Highlight the critical path">
                    {checkbox(ui.app.show_critical_path, "critical-path-toggle")}
                    "critical path"
                </label>
            </div>
        </div>
    }
}

/// Service color legend of the trace.
#[component]
pub fn Legend() -> impl IntoView {
    let ui = use_ui();
    view! {
        <div class="legend" data-testid="legend" role="group" aria-label="Services: find the spans of one">
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
                            <span class="svc-dot" aria-hidden="true" style=format!("background:{}", palette::color(*slot))></span>{name}
                        </button>
                    }
                }).collect_view()
            }))}
        </div>
    }
}

/// Sets the zoom window to `change(shown window, whole trace)`; nothing without a trace.
pub fn change_window(ui: Ui, change: impl FnOnce(TimeWindow, TimeWindow) -> TimeWindow) {
    let Some(bounds) = ui.derived.view.with_untracked(|v| v.as_ref().map(|v| v.bounds())) else { return };
    ui.wf.zoom.set(Some(change(ui.derived.window.get_untracked(), bounds)));
}

/// Fraction of an element's width at a client x.
pub fn frac_at(el: &web_sys::Element, client_x: i32) -> f64 {
    let r = el.get_bounding_client_rect();
    ((client_x as f64 - r.left()) / r.width().max(1.0)).clamp(0.0, 1.0)
}

/// Starts a drag selection on the ruler or (`on_minimap`) the minimap at a left press.
pub fn start_drag(ui: Ui, el: Option<web_sys::HtmlDivElement>, ev: &ev::MouseEvent, on_minimap: bool) {
    if ev.button() != 0 {
        return;
    }
    if let Some(e) = el {
        let f = frac_at(&e, ev.client_x());
        ui.wf.drag.set(Some((f, f, on_minimap)));
        ev.prevent_default();
    }
}

/// The shaded range of a drag on the ruler or (`on_minimap`) the minimap.
pub fn drag_selection(ui: Ui, on_minimap: bool) -> impl IntoView {
    move || {
        ui.wf.drag.get().filter(|d| d.2 == on_minimap).map(|(a, b, _)| {
            let (l, r) = if a <= b { (a, b) } else { (b, a) };
            view! { <div class="drag-sel" style=format!("left:{:.3}%;width:{:.3}%", l * 100.0, (r - l) * 100.0)></div> }
        })
    }
}

/// Ends a ruler/minimap drag: zooms to the dragged range.
pub fn finish_drag(ui: Ui) {
    let Some((a, b, on_minimap)) = ui.wf.drag.get_untracked() else { return };
    ui.wf.drag.set(None);
    let Some(bounds) = ui.derived.view.with_untracked(|v| v.as_ref().map(|v| v.bounds())) else { return };
    let base = if on_minimap { bounds } else { ui.derived.window.get_untracked() };
    if let Some(z) = drag_window(base, bounds, a, b) {
        ui.wf.zoom.set(Some(z));
    }
}

/// The time ruler (drag to zoom).
#[component]
pub fn Ruler() -> impl IntoView {
    let ui = use_ui();
    let el = NodeRef::<html::Div>::new();
    let ticks = move || {
        let w = ui.derived.window.get();
        axis::ticks(w.start_ns, w.end_ns, 8)
    };
    let on_down = move |ev: ev::MouseEvent| start_drag(ui, el.get(), &ev, false);
    view! {
        <div class="ruler" node_ref=el data-testid="ruler" on:mousedown=on_down title="Drag to zoom into a time range">
            {move || ticks().into_iter().map(|t| view! {
                <span class="tick" style=format!("left:{:.3}%", t.pct)><span class="tick-label">{t.label}</span></span>
            }).collect_view()}
            {drag_selection(ui, false)}
        </div>
    }
}

/// Vertical tick lines over the rows.
#[component]
pub fn GridLines() -> impl IntoView {
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

