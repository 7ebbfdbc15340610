//! The minimap: the whole trace as a density bitmap (from `view_model::minimap`)
//! with the zoom window on it; drag on it to zoom.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::ui::context::use_ui;
use crate::ui::waterfall::toolbar::{drag_selection, start_drag};
use crate::view_model::minimap;

/// The minimap: the whole trace as a density bitmap, with the zoom window.
#[component]
pub fn Minimap() -> impl IntoView {
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
    let on_down = move |ev: ev::MouseEvent| start_drag(ui, wrap.get(), &ev, true);
    let window_box = move || {
        let w = ui.derived.window.get();
        let b = ui.derived.view.with(|v| v.as_ref().map(|v| v.bounds()))?;
        let l = (w.start_ns - b.start_ns) / b.len_ns() * 100.0;
        let width = w.len_ns() / b.len_ns() * 100.0;
        Some(view! { <div class="mm-window" style=format!("left:{l:.3}%;width:{width:.3}%")></div> })
    };
    view! {
        <div class="minimap" node_ref=wrap data-testid="minimap" on:mousedown=on_down title="Whole trace — drag to zoom">
            <canvas node_ref=canvas role="img" aria-label="Minimap of the whole trace; the rows list every span"></canvas>
            {window_box}
            {drag_selection(ui, true)}
        </div>
    }
}
