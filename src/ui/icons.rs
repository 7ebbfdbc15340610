//! Inline SVG icons (wasm32 only): a name in, a small `currentColor` SVG out. Icons never
//! rely on font glyphs, which a system may lack (an empty box instead of a copy sign).
//! Every icon is `aria-hidden`: its button or label carries the accessible name.

use leptos::prelude::*;

/// One 16×16 icon from stroked paths.
fn icon(paths: &'static [&'static str]) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"
            fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">
            {paths.iter().map(|d| view! { <path d=*d/> }).collect_view()}
        </svg>
    }
}

/// Two overlapping sheets.
pub fn copy() -> impl IntoView {
    icon(&["M5.5 5.5h7v8h-7z", "M3.5 10.5v-8h7"])
}

/// A cross.
pub fn close() -> impl IntoView {
    icon(&["M4 4l8 8", "M12 4l-8 8"])
}

/// A warning triangle.
pub fn warn() -> impl IntoView {
    icon(&["M8 2.2l6.2 11.3H1.8z", "M8 6.5v3.3", "M8 11.8v.2"])
}

/// A clock with an arrow (a span moved by the clock-skew adjustment).
pub fn shift() -> impl IntoView {
    icon(&["M6.5 13.5a5 5 0 1 1 4.6-7", "M6.5 5.5v3l2 1.2", "M10 11.5h5", "M13 9.5l2 2-2 2"])
}

/// A cloud (a row whose trace is still on the backend).
pub fn cloud() -> impl IntoView {
    icon(&["M4.5 12.5h7.5a2.5 2.5 0 0 0 0-5 3.5 3.5 0 0 0-6.8-1A3 3 0 0 0 4.5 12.5z"])
}

pub fn chevron_left() -> impl IntoView {
    icon(&["M10 3l-5 5 5 5"])
}

pub fn chevron_right() -> impl IntoView {
    icon(&["M6 3l5 5-5 5"])
}

/// A crescent (switch to dark).
pub fn moon() -> impl IntoView {
    icon(&["M13 9.5A5.5 5.5 0 1 1 6.5 3a4.5 4.5 0 0 0 6.5 6.5z"])
}

/// A sun (switch to light).
pub fn sun() -> impl IntoView {
    icon(&["M8 5.2a2.8 2.8 0 1 0 0 5.6 2.8 2.8 0 0 0 0-5.6z", "M8 1.5v1.5M8 13v1.5M1.5 8H3M13 8h1.5M3.4 3.4l1 1M11.6 11.6l1 1M3.4 12.6l1-1M11.6 4.4l1-1"])
}
