//! The flame-graph tab: the selected trace, a zoom span, the chart's width and the rows
//! scrolled to in; an icicle chart out — one frame per span, positioned by the worker
//! (`view_model::tabs::flame`), coloured by service, error spans marked, narrow frames
//! merged into "other" slivers. Click zooms (breadcrumb to zoom out), hover shows a
//! tooltip, double-click opens the span in the waterfall; arrows move between frames
//! and Enter zooms.

use leptos::html;
use leptos::prelude::*;

use crate::ui::analysis::{progress_line, view_pane};
use crate::ui::focus::focus_by_id;
use crate::ui::offload::channel::channel;
use crate::ui::state::{AppState, Tab};
use crate::view_model::contrast;
use crate::view_model::flame::FlameMove;
use crate::view_model::list_window::RowRange;
use crate::view_model::palette;
use crate::view_model::tabs::flame::{step, FlameCell, FlameRequest};
use crate::view_model::tabs::{Request, Response};

/// Height of one row of frames (CSS `.flame-frame`).
const ROW_PX: f64 = 22.0;
/// Rows asked for beyond those on screen, on each side.
const MARGIN_ROWS: usize = 12;
/// Frames narrower than this show no label.
const LABEL_MIN_PX: f64 = 28.0;

fn frame_id(span: u32) -> String {
    format!("flame-{span}")
}

/// The rows on screen when `top_px..top_px + height_px` is shown: `(first, last)`.
fn rows_shown(top_px: f64, height_px: f64) -> (usize, usize) {
    let first = (top_px / ROW_PX).floor().max(0.0) as usize;
    (first, ((top_px + height_px) / ROW_PX).ceil().max(0.0) as usize)
}

/// The flame graph of the selected trace.
#[component]
pub fn FlameView() -> impl IntoView {
    let app = expect_context::<AppState>();
    let zoom = RwSignal::new(None::<u32>);
    let width = RwSignal::new(0u32);
    let rows = RwSignal::new(RowRange::first(60));
    let focused = RwSignal::new(None::<u32>);
    let hover = RwSignal::new(None::<(usize, f64, f64)>);
    let last_click = StoredValue::new(None::<u32>);
    let scroller = NodeRef::<html::Div>::new();
    // A new trace, or a new layout of the set (a load, the clock-skew switch: span indices
    // change), starts unzoomed.
    Effect::new(move |prev: Option<(usize, Option<f64>)>| {
        let now = (app.trace.get(), app.loaded.with(|l| l.as_ref().map(|l| l.load_id)));
        if prev.is_some_and(|p| p != now) {
            zoom.set(None);
            focused.set(None);
        }
        now
    });
    let measure = move || {
        let Some(el) = scroller.try_get_untracked().flatten() else { return };
        let w = el.client_width();
        if w <= 0 {
            return;
        }
        if width.try_get_untracked() != Some(w as u32) {
            width.try_set(w as u32);
        }
        let (first, last) = rows_shown(el.scroll_top() as f64, el.client_height() as f64);
        if rows.try_get_untracked().is_some_and(|r| !r.covers(first, last)) {
            rows.try_set(RowRange { from: first.saturating_sub(MARGIN_ROWS), to: last + MARGIN_ROWS });
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            request_animation_frame(measure);
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let ch = channel(
        app,
        move || {
            let w = width.get();
            (w > 0).then(|| Request::Flame(FlameRequest { trace: app.trace.get(), zoom: zoom.get(), width_px: w, rows: rows.get() }))
        },
        |r| if let Response::Flame(d) = r { Some(d) } else { None },
    );
    // After a zoom by key, focus returns to the zoomed frame once it is redrawn.
    let refocus = StoredValue::new(false);
    Effect::new(move |_| {
        ch.data.track();
        if refocus.get_value()
            && let Some(span) = focused.get_untracked()
        {
            refocus.set_value(false);
            request_animation_frame(move || focus_by_id(&frame_id(span)));
        }
    });
    let frames = move || ch.data.with(|d| d.as_ref().map(|d| d.frames.clone()).unwrap_or_default());
    let zoom_to = move |span: Option<u32>| {
        zoom.set(span);
        hover.set(None);
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
    };
    let move_focus = move |span: u32, mv: FlameMove| {
        let next = ch.data.with_untracked(|d| d.as_ref().and_then(|d| step(&d.frames, span, mv)));
        if let Some(n) = next {
            focused.set(Some(n));
            request_animation_frame(move || focus_by_id(&frame_id(n)));
        }
    };
    let frame_view = move |(i, f): (usize, FlameCell)| {
        let color = palette::color(f.slot);
        let style = format!(
            "left:{:.2}px;top:{:.0}px;width:{:.2}px;background:{color};color:{}",
            f.x_px,
            f.row as f64 * ROW_PX,
            f.width_px,
            contrast::text_on(color)
        );
        let span = f.span;
        let label = format!("{}: {}, {} (self {}){}", f.service, f.name, f.duration, f.self_time, if f.error { ", error" } else { "" });
        let labelled = f.width_px >= LABEL_MIN_PX;
        let text = labelled.then(|| f.name.clone());
        let tabindex = move || {
            let cur = focused.get();
            let me = cur == Some(span) || (cur.is_none() && i == 0);
            if me { "0" } else { "-1" }
        };
        view! {
            <div class="flame-frame" class:err=f.error class:lbl=labelled data-testid="flame-frame" data-span=f.id.clone() id=frame_id(span)
                role="button" tabindex=tabindex aria-label=label style=style
                on:click=move |ev| {
                    focused.set(Some(span));
                    if ev.detail() <= 1 {
                        last_click.set_value(Some(span));
                        zoom_to(Some(span));
                    }
                }
                on:mousemove=move |ev| hover.set(Some((i, ev.client_x() as f64, ev.client_y() as f64)))
                on:mouseleave=move |_| hover.set(None)
                on:focus=move |_| focused.set(Some(span))
                on:keydown=move |ev| {
                    let mv = match ev.key().as_str() {
                        "ArrowLeft" => Some(FlameMove::Left),
                        "ArrowRight" => Some(FlameMove::Right),
                        "ArrowUp" => Some(FlameMove::Up),
                        "ArrowDown" => Some(FlameMove::Down),
                        "Enter" | " " => {
                            ev.prevent_default();
                            refocus.set_value(true);
                            zoom_to(Some(span));
                            None
                        }
                        _ => None,
                    };
                    if let Some(mv) = mv {
                        ev.prevent_default();
                        move_focus(span, mv);
                    }
                }>
                {text}
            </div>
        }
    };
    let others = move || {
        ch.data.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.others
                        .iter()
                        .map(|o| {
                            let style = format!("left:{:.2}px;top:{:.0}px;width:{:.2}px", o.x_px, o.row as f64 * ROW_PX, o.width_px);
                            let title = format!("{} span{} too narrow to draw", o.spans, if o.spans == 1 { "" } else { "s" });
                            let text = (o.width_px >= LABEL_MIN_PX + 8.0).then(|| format!("+{}", o.spans));
                            view! { <div class="flame-other" data-testid="flame-other" data-spans=o.spans title=title style=style>{text}</div> }
                        })
                        .collect_view()
                })
                .unwrap_or_default()
        })
    };
    let tooltip = move || {
        let (i, x, y) = hover.get()?;
        let f = ch.data.with(|d| d.as_ref().and_then(|d| d.frames.get(i).cloned()))?;
        let style = format!("left:{:.0}px;top:{:.0}px", x + 14.0, y + 16.0);
        Some(view! {
            <div class="flame-tip" role="tooltip" data-testid="flame-tooltip" style=style>
                <strong>{f.name.clone()}</strong>
                <span>{f.service.clone()}</span>
                <span>{format!("duration {} · self {} ({:.0}%)", f.duration, f.self_time, f.self_pct)}</span>
                <span>{format!("starts at +{}", f.start)}</span>
                {f.error.then(|| view! { <span class="err">"error"</span> })}
                <span class="muted">"Click to zoom · double-click for the waterfall"</span>
            </div>
        })
    };
    let crumbs = move || {
        let list = ch.data.with(|d| d.as_ref().map(|d| d.crumbs.clone()).unwrap_or_default());
        let n = list.len();
        let items = list
            .into_iter()
            .enumerate()
            .map(|(k, (span, label))| {
                let current = k + 1 == n;
                view! {
                    <li><button class="link" data-testid="flame-crumb" aria-current=current.then_some("true")
                        on:click=move |_| zoom_to(Some(span))>{label}</button></li>
                }
            })
            .collect_view();
        view! {
            <li><button class="link" data-testid="flame-crumb-root" aria-current=(n == 0).then_some("true")
                on:click=move |_| zoom_to(None)>"Whole trace"</button></li>
            {items}
        }
    };
    let summary = move || {
        ch.data.with(|d| {
            d.as_ref()
                .map(|d| {
                    format!(
                        "{} · {} drawn · frames under {} px merge into grey \"other\" slivers",
                        crate::format::count(d.spans, "span"),
                        crate::format::count(d.frames.len() as u64, "frame"),
                        d.threshold_px
                    )
                })
                .unwrap_or_default()
        })
    };
    let listed = move || frames().into_iter().enumerate().collect::<Vec<(usize, FlameCell)>>();
    let frame_key = |p: &(usize, FlameCell)| (p.0, p.1.span, p.1.x_px.to_bits(), p.1.width_px.to_bits(), p.1.row);
    let height = move || ch.data.with(|d| d.as_ref().map(|d| d.rows_total as f64 * ROW_PX).unwrap_or(0.0));
    let content = view! {
        <div class="an-bar">
            <h2>"Flame graph"</h2>
            <span class="an-note" data-testid="flame-summary">{summary}</span>
        </div>
        <nav aria-label="Zoom"><ol class="flame-crumbs" data-testid="flame-breadcrumb">{crumbs}</ol></nav>
        <p class="an-note">"Width is duration; a frame's self time is the part with nothing under it. Red top edge: error. Click to zoom, double-click to open in the waterfall; arrows move, Enter zooms."</p>
        {progress_line("Laying out the flame graph…", move || ch.computing(), move || ch.error())}
        <div class="flame-scroll" node_ref=scroller on:scroll=move |_| measure()
            on:dblclick=move |_| if let Some(s) = last_click.get_value() { app.jump_to_span(s) }>
            <div class="flame-canvas" class:stale=move || ch.computing() role="group" aria-label="Flame graph frames"
                style=move || format!("height:{:.0}px", height())>
                <For each=listed key=frame_key children=frame_view/>
                {others}
            </div>
        </div>
        {tooltip}
    };
    view_pane(Tab::Flamegraph, "an-view view-pane flame-view", move || ch.painted(), content)
}
