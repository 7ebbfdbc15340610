//! Virtual lists for the analysis tabs (wasm32 only): a scroller's position in; the
//! rows to draw and the rows to ask the worker for out. Rows have a fixed height; only
//! the visible ones plus a few more are in the DOM, like the waterfall's.
//!
//! * [`ScrollWindow`]: a scroller's signals and the drawn window (`view_model::list_window`);
//! * [`follow_scroll`]: keeps the asked-for rows around the drawn ones;
//! * [`table::VirtualTable`]: a sortable table of worker rows.

pub mod table;

use leptos::html;
use leptos::prelude::*;

use crate::view_model::list_window::{fetch_range, ListGeometry, RowRange, RowWindow, Viewport};

/// Rows asked for beyond the drawn ones on each side, so that a scroll of a few
/// screens needs no new answer.
pub const FETCH_MARGIN_ROWS: usize = 60;

/// A scrolling list: its element, scroll position and height.
#[derive(Clone, Copy)]
pub struct ScrollWindow {
    pub scroller: NodeRef<html::Div>,
    pub scroll_top: RwSignal<f64>,
    pub height: RwSignal<f64>,
    pub geometry: ListGeometry,
    /// Height of a sticky header inside the scroller, above the rows.
    pub head_px: f64,
    /// The scroller is taken as at least this tall: a table that grows with its rows up
    /// to a cap draws rows up to the cap, not only as many as fitted when measured.
    pub floor_px: f64,
}

impl ScrollWindow {
    /// A list whose scroller starts `height_px` tall (measured once mounted).
    pub fn new(geometry: ListGeometry, head_px: f64, height_px: f64) -> ScrollWindow {
        let sw = ScrollWindow { scroller: NodeRef::new(), scroll_top: RwSignal::new(0.0), height: RwSignal::new(height_px), geometry, head_px, floor_px: 0.0 };
        Effect::new(move |_| {
            if sw.scroller.get().is_some() {
                request_animation_frame(move || sw.measure());
            }
        });
        sw
    }

    /// Reads the scroller's position and height (on scroll and once mounted). The
    /// list may be gone by the frame this runs in (its tab left at once): then nothing.
    pub fn measure(&self) {
        let Some(el) = self.scroller.try_get_untracked().flatten() else { return };
        let (top, h) = (el.scroll_top() as f64, el.client_height() as f64);
        if h <= 0.0 {
            return; // not laid out (hidden)
        }
        if self.scroll_top.try_get_untracked().is_some_and(|t| (top - t).abs() >= 0.5) {
            self.scroll_top.try_set(top);
        }
        if self.height.try_get_untracked().is_some_and(|old| (h - old).abs() >= 0.5) {
            self.height.try_set(h);
        }
    }

    /// The rows to draw of a list of `n_rows` (tracked).
    pub fn window(&self, n_rows: usize) -> RowWindow {
        let height_px = self.height.get().max(self.floor_px);
        let vp = Viewport { scroll_top_px: self.scroll_top.get(), height_px: (height_px - self.head_px).max(self.geometry.row_px) };
        self.geometry.window(n_rows, vp)
    }

    /// Back to the first row.
    pub fn to_top(&self) {
        if let Some(el) = self.scroller.get_untracked() {
            el.set_scroll_top(0);
        }
        self.scroll_top.set(0.0);
    }
}

/// Keeps `want` (the rows asked for) around the drawn rows of a list of `total()` rows
/// (tracked): when a scroll draws rows outside it, it moves to them with
/// [`FETCH_MARGIN_ROWS`] on each side.
pub fn follow_scroll(sw: ScrollWindow, total: impl Fn() -> usize + 'static, want: RwSignal<RowRange>) {
    Effect::new(move |_| {
        let n = total();
        let w = sw.window(n);
        if let Some(r) = fetch_range(&w, Some(want.get_untracked()), n, FETCH_MARGIN_ROWS) {
            want.set(r);
        }
    });
}
