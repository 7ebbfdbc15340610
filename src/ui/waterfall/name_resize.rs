//! The waterfall's name column width (wasm32 only): a drag on the handle at the right of
//! the "Service · operation" header, or arrow keys on it, in; the width in px (kept in
//! the browser) out, set as the `--name-w` CSS variable of the waterfall.

use leptos::html;
use leptos::prelude::*;

use crate::ui::util::{local_get, local_set};

const STORE_KEY: &str = "clew.nameColumnPx";
/// Narrowest name column, and the least the time lanes keep.
const MIN_PX: f64 = 140.0;
const MIN_LANE_PX: f64 = 240.0;
/// One arrow-key step.
const STEP_PX: f64 = 24.0;

/// The saved width, if any.
pub fn saved_width() -> RwSignal<Option<f64>> {
    RwSignal::new(local_get(STORE_KEY).and_then(|v| v.parse::<f64>().ok()).filter(|v| v.is_finite() && *v >= MIN_PX))
}

/// `--name-w:<px>px` when a width was chosen.
pub fn style(width: RwSignal<Option<f64>>) -> impl Fn() -> Option<String> + Send + Sync + Copy + 'static {
    move || width.get().map(|w| format!("--name-w:{w:.0}px"))
}

/// The drag handle; `head` is the header cell it sits in.
#[component]
pub fn NameResize(width: RwSignal<Option<f64>>, head: NodeRef<html::Div>) -> impl IntoView {
    // (pointer x at the press, width then, widest allowed)
    let drag = StoredValue::new(None::<(f64, f64, f64)>);
    let current = move || head.get_untracked().map(|h| h.get_bounding_client_rect().width()).unwrap_or(MIN_PX);
    let widest = move || {
        head.get_untracked()
            .and_then(|h| h.parent_element())
            .map(|p| p.get_bounding_client_rect().width() - MIN_LANE_PX)
            .unwrap_or(MIN_PX)
            .max(MIN_PX)
    };
    let set = move |w: f64, max: f64| width.set(Some(w.clamp(MIN_PX, max).round()));
    let save = move || {
        if let Some(w) = width.get_untracked() {
            local_set(STORE_KEY, &format!("{w:.0}"));
        }
    };
    let mv = window_event_listener(leptos::ev::mousemove, move |ev| {
        if let Some((x0, w0, max)) = drag.get_value() {
            ev.prevent_default();
            set(w0 + ev.client_x() as f64 - x0, max);
        }
    });
    let up = window_event_listener(leptos::ev::mouseup, move |_| {
        if drag.get_value().is_some() {
            drag.set_value(None);
            save();
        }
    });
    on_cleanup(move || {
        mv.remove();
        up.remove();
    });
    view! {
        <div class="wf-name-resize" role="separator" aria-orientation="vertical" aria-label="Name column width" tabindex="0"
            data-testid="name-resize" title="Drag to resize the name column"
            aria-valuemin="140" aria-valuenow=move || format!("{:.0}", width.get().unwrap_or_else(current))
            aria-valuetext=move || format!("{:.0} px", width.get().unwrap_or_else(current))
            on:mousedown=move |ev| {
                ev.prevent_default();
                drag.set_value(Some((ev.client_x() as f64, current(), widest())));
            }
            on:keydown=move |ev| {
                let d = match ev.key().as_str() {
                    "ArrowLeft" => -STEP_PX,
                    "ArrowRight" => STEP_PX,
                    _ => return,
                };
                ev.prevent_default();
                set(current() + d, widest());
                save();
            }></div>
    }
}
