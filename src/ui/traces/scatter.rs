//! The duration scatter above the list: the rows the filter keeps in; an SVG of their
//! durations against start time (axes drawn by plotters, points as a few paths, see
//! `view_model::trace_scatter`) out. Hover names the trace under the pointer, a click
//! opens it, and a dragged rectangle narrows the list to the traces inside it.

use leptos::ev;
use leptos::prelude::*;

use super::{open_trace, track_width};
use crate::analysis::chart_theme::ChartTheme;
use crate::format;
use crate::ui::context::{dark_theme, use_ui};
use crate::ui::util::{after_paint, Shared};
use crate::view_model::trace_scatter::{axes_svg, brushed, hit, paths, Brush, ScatterPoint, ScatterScale};

/// Height of the scatter, px.
const HEIGHT_PX: f64 = 210.0;
/// How far from a point the pointer may be to hit it, px.
const HIT_PX: f64 = 4.0;

#[component]
pub fn Scatter() -> impl IntoView {
    let ui = use_ui();
    let ls = ui.list;
    let wrap = NodeRef::<leptos::html::Div>::new();
    let width = track_width(wrap, 900.0);
    // The points are made and drawn in a task after the list has painted: at 10,000
    // traces the list and the scatter in one task would block the page for too long.
    let drawn_gen = RwSignal::new(0u64);
    let asked_gen = StoredValue::new(0u64);
    Effect::new(move |_| {
        ls.matched.data.track();
        ls.rows.data.track();
        ls.scatter_drawn.set(false);
        let next = asked_gen.get_value() + 1;
        asked_gen.set_value(next);
        after_paint(move || {
            if asked_gen.try_get_value() == Some(next) {
                drawn_gen.try_set(next);
                ls.scatter_drawn.try_set(true);
            }
        });
    });
    // The points of the filtered rows (the brush narrows the list, not the plot).
    let points = Memo::new(move |_| {
        drawn_gen.track();
        let m = ls.matched.data.get_untracked();
        let pts: Vec<ScatterPoint> = ls.rows.data.with_untracked(|rows| {
            let (Some(rows), Some(m)) = (rows.as_ref(), m.as_ref()) else { return Vec::new() };
            m.order
                .iter()
                .filter_map(|&t| rows.get(t as usize).map(|r| (t, r)))
                .map(|(t, r)| ScatterPoint {
                    id: t,
                    start_ns: r.summary.start_ns,
                    duration_ns: r.summary.duration_ns,
                    error: r.summary.errors > 0,
                    spans: r.summary.spans,
                })
                .collect()
        });
        Shared::new(pts)
    });
    let scale = Memo::new(move |_| points.with(|p| ScatterScale::fit(p, width.get(), HEIGHT_PX)));
    let axes = Memo::new(move |_| {
        let theme = if dark_theme() { ChartTheme::dark() } else { ChartTheme::light() };
        axes_svg(&scale.get(), &theme)
    });
    let shapes = move || {
        let s = scale.get();
        points.with(|p| paths(&s, p)).into_iter().map(|p| {
            let class = format!("sc-pts {} s{}", if p.error { "sc-err" } else { "sc-ok" }, p.size);
            view! { <path class=class d=p.d data-points=p.points></path> }
        }).collect_view()
    };
    let hover = RwSignal::new(None::<(u32, f64, f64)>);
    let drag = RwSignal::new(None::<Brush>);
    // Pointer position in the plot's pixels (from the svg's box, whatever element is under it).
    let local = move |ev: &ev::PointerEvent| {
        let rect = ev
            .current_target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|el| el.get_bounding_client_rect());
        let (left, top) = rect.map(|r| (r.left(), r.top())).unwrap_or((0.0, 0.0));
        (ev.client_x() as f64 - left, ev.client_y() as f64 - top)
    };
    let on_down = move |ev: ev::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let (x, y) = local(&ev);
        if let Some(t) = ev.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) {
            let _ = t.set_pointer_capture(ev.pointer_id());
        }
        drag.set(Some(Brush { x0_px: x, y0_px: y, x1_px: x, y1_px: y }));
    };
    let on_move = move |ev: ev::PointerEvent| {
        let (x, y) = local(&ev);
        if drag.with_untracked(|d| d.is_some()) {
            drag.update(|d| if let Some(d) = d.as_mut() { (d.x1_px, d.y1_px) = (x, y) });
            return;
        }
        let s = scale.get_untracked();
        let h = points.with_untracked(|p| hit(&s, p, x, y, HIT_PX));
        hover.set(h.map(|t| (t, x, y)));
    };
    let on_up = move |ev: ev::PointerEvent| {
        let Some(b) = drag.get_untracked() else { return };
        drag.set(None);
        let s = scale.get_untracked();
        if b.is_click() {
            let (x, y) = local(&ev);
            if let Some(t) = points.with_untracked(|p| hit(&s, p, x, y, HIT_PX)) {
                open_trace(ui, t as usize);
            }
            return;
        }
        let mut inside = points.with_untracked(|p| brushed(&s, p, &b));
        inside.sort_unstable();
        ls.brush.set(Some(Shared::new(inside)));
        ls.brush_rect.set(Some(b));
    };
    let tip = move || {
        let (t, x, y) = hover.get()?;
        let text = ls.rows.data.with(|r| {
            let s = &r.as_ref()?.get(t as usize)?.summary;
            Some(format!(
                "{} · {} — {} · {}{} · {}",
                s.root_service,
                s.root_operation,
                format::duration(s.duration_ns),
                format::count(s.spans as u64, "span"),
                if s.errors > 0 { format!(" · {}", format::count(s.errors as u64, "error")) } else { String::new() },
                format::utc_datetime(s.start_ns)
            ))
        })?;
        let left = (x + 12.0).min(width.get_untracked() - 260.0).max(0.0);
        Some(view! { <div class="sc-tip" data-testid="scatter-tip" style=format!("left:{left}px;top:{}px", y + 12.0)>{text}</div> })
    };
    let brush_rect = move || {
        let held = ls.brush.with(|b| b.is_some()).then(|| ls.brush_rect.get()).flatten();
        drag.get().filter(|b| !b.is_click()).or(held).map(|b| {
            let (l, t, w, h) = b.rect();
            view! { <rect class="sc-brush" x=l y=t width=w height=h></rect> }
        })
    };
    let label = move || format!("Duration against start time of {}; drag to select, click a point to open its trace", format::count(points.with(|p| p.len()) as u64, "trace"));
    view! {
        <div class="sc-wrap" data-testid="trace-scatter" node_ref=wrap style=format!("height:{HEIGHT_PX}px")>
            <div class="sc-axes" inner_html=move || axes.get()></div>
            <svg class="sc-points" role="img" aria-label=label width=move || scale.get().width_px height=HEIGHT_PX
                on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                on:pointerleave=move |_| hover.set(None)>
                {shapes}
                {brush_rect}
            </svg>
            {tip}
        </div>
    }
}
