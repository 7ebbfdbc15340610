//! Virtual lists: a row count, a fixed row height and the scroll position in; which
//! rows to put in the DOM and where out, plus the row range to fetch from the worker.
//! Used by the waterfall and by every long table or list of the analysis tabs.
//!
//! ```text
//! ListGeometry::window(rows, viewport)   -> first..last + top_px + total_px   (O(1))
//! fetch_range(window, held, rows, margin) -> the rows to ask for, or None when held
//! ```
//!
//! Very long lists are scaled: the scroll height is capped at [`MAX_SCROLL_PX`]
//! (browsers stop laying out taller elements) and the scroll fraction maps to a row.

use serde::{Deserialize, Serialize};

/// The tallest scroll area the browser is given.
pub const MAX_SCROLL_PX: f64 = 8_000_000.0;

/// A list's fixed row height and how many rows are drawn beyond the visible ones.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ListGeometry {
    pub row_px: f64,
    /// Rows drawn above and below the visible ones.
    pub overscan_rows: usize,
}

/// The part of the scroll area on screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub scroll_top_px: f64,
    pub height_px: f64,
}

/// Which rows to put in the DOM and where.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowWindow {
    /// First row drawn (index into the list).
    pub first: usize,
    /// One past the last row drawn.
    pub last: usize,
    /// Top of row `first` from the top of the scroll content.
    pub top_px: f64,
    /// Height of the scroll content.
    pub total_px: f64,
}

impl ListGeometry {
    /// Height of the scroll content for `n_rows` rows.
    pub fn total_px(&self, n_rows: usize) -> f64 {
        (n_rows as f64 * self.row_px).min(MAX_SCROLL_PX)
    }

    /// Fractional row index at the top of the viewport.
    fn first_exact(&self, n_rows: usize, vp: Viewport) -> f64 {
        let full = n_rows as f64 * self.row_px;
        let total = self.total_px(n_rows);
        if full <= total {
            return (vp.scroll_top_px / self.row_px).max(0.0);
        }
        let max_scroll = (total - vp.height_px).max(1.0);
        let frac = (vp.scroll_top_px / max_scroll).clamp(0.0, 1.0);
        let rows_on_screen = vp.height_px / self.row_px;
        frac * (n_rows as f64 - rows_on_screen).max(0.0)
    }

    /// The rows to draw for a viewport, with [`ListGeometry::overscan_rows`] extra above and below.
    pub fn window(&self, n_rows: usize, vp: Viewport) -> RowWindow {
        let total = self.total_px(n_rows);
        if n_rows == 0 {
            return RowWindow { first: 0, last: 0, top_px: 0.0, total_px: 0.0 };
        }
        let exact = self.first_exact(n_rows, vp);
        let top_row = (exact.floor() as usize).min(n_rows - 1);
        let on_screen = (vp.height_px.max(0.0) / self.row_px).ceil() as usize + 1;
        let first = top_row.saturating_sub(self.overscan_rows);
        let last = (top_row + on_screen + self.overscan_rows).min(n_rows);
        let top_px = (vp.scroll_top_px + (first as f64 - exact) * self.row_px).max(0.0);
        RowWindow { first, last, top_px, total_px: total }
    }

    /// The scroll position that brings `row` into view, or `None` when it already is.
    pub fn scroll_to_show(&self, n_rows: usize, vp: Viewport, row: usize) -> Option<f64> {
        if row >= n_rows {
            return None;
        }
        let exact = self.first_exact(n_rows, vp);
        let rows_on_screen = (vp.height_px / self.row_px).floor().max(1.0);
        let r = row as f64;
        if r >= exact && r + 1.0 <= exact + rows_on_screen {
            return None;
        }
        // New top row: put the row near the top when going up, near the bottom going down.
        let new_first = if r < exact { r } else { r + 1.0 - rows_on_screen };
        let full = n_rows as f64 * self.row_px;
        let total = self.total_px(n_rows);
        if full <= total {
            Some((new_first * self.row_px).max(0.0))
        } else {
            let max_scroll = (total - vp.height_px).max(1.0);
            let span_rows = (n_rows as f64 - vp.height_px / self.row_px).max(1.0);
            Some((new_first / span_rows * max_scroll).clamp(0.0, max_scroll))
        }
    }

    /// The scroll position that puts `row` in the middle of the viewport (clamped to the
    /// scroll range), for jumps from other views.
    pub fn scroll_to_center(&self, n_rows: usize, vp: Viewport, row: usize) -> f64 {
        if n_rows == 0 {
            return 0.0;
        }
        let row = row.min(n_rows - 1) as f64;
        let rows_on_screen = (vp.height_px / self.row_px).max(1.0);
        let new_first = (row + 0.5 - rows_on_screen / 2.0).max(0.0);
        let full = n_rows as f64 * self.row_px;
        let total = self.total_px(n_rows);
        let max_scroll = (total - vp.height_px).max(0.0);
        if full <= total {
            (new_first * self.row_px).clamp(0.0, max_scroll)
        } else {
            let span_rows = (n_rows as f64 - rows_on_screen).max(1.0);
            (new_first / span_rows * max_scroll).clamp(0.0, max_scroll)
        }
    }
}

/// A half-open range of rows `[from, to)`, as asked of and answered by the worker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RowRange {
    pub from: usize,
    pub to: usize,
}

impl RowRange {
    /// The first `n` rows.
    pub fn first(n: usize) -> RowRange {
        RowRange { from: 0, to: n }
    }
    pub fn len(&self) -> usize {
        self.to.saturating_sub(self.from)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// This range cut to a list of `n` rows.
    pub fn clamped(&self, n: usize) -> RowRange {
        let to = self.to.min(n);
        RowRange { from: self.from.min(to), to }
    }
    /// Whether rows `first..last` all lie in this range.
    pub fn covers(&self, first: usize, last: usize) -> bool {
        first >= self.from && last <= self.to
    }
}

/// Rows fetched for a table before its size is known (and for a list that has not
/// scrolled): enough to fill a tall screen.
pub const FIRST_FETCH_ROWS: usize = 120;

/// The rows to fetch so that the drawn rows of `win` are held: `None` when `held`
/// (the range last fetched, for a list of `n_rows`) already covers them, else the drawn
/// rows with `margin` rows more on each side.
pub fn fetch_range(win: &RowWindow, held: Option<RowRange>, n_rows: usize, margin: usize) -> Option<RowRange> {
    let (first, last) = (win.first.min(n_rows), win.last.min(n_rows));
    if held.is_some_and(|h| h.covers(first, last)) {
        return None;
    }
    Some(RowRange { from: first.saturating_sub(margin), to: (last + margin).min(n_rows) })
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: ListGeometry = ListGeometry { row_px: 24.0, overscan_rows: 10 };

    #[test]
    fn a_window_draws_the_visible_rows_and_the_overscan() {
        let vp = Viewport { scroll_top_px: 0.0, height_px: 480.0 };
        let w = G.window(1_000_000, vp);
        assert_eq!(w.first, 0);
        // 480 / 24 = 20 rows on screen, one partly shown, and 10 below.
        assert_eq!(w.last, 31);
        assert!(w.total_px <= MAX_SCROLL_PX);
        let bottom = Viewport { scroll_top_px: w.total_px - 480.0, height_px: 480.0 };
        let wb = G.window(1_000_000, bottom);
        assert_eq!(wb.last, 1_000_000);
        assert_eq!(G.window(0, vp).last, 0);
    }

    #[test]
    fn centering_puts_the_row_mid_screen_and_clamps() {
        let vp = Viewport { scroll_top_px: 0.0, height_px: 240.0 };
        // 10 rows on screen; row 50 centered → first row 45.5 → 1092 px.
        assert_eq!(G.scroll_to_center(1000, vp, 50), (50.5 - 5.0) * 24.0);
        assert_eq!(G.scroll_to_center(1000, vp, 2), 0.0);
        assert_eq!(G.scroll_to_center(1000, vp, 999), 1000.0 * 24.0 - 240.0);
        assert_eq!(G.scroll_to_center(0, vp, 3), 0.0);
        // Scaled scroll (millions of rows): the window computed from the result shows the row.
        let n = 2_000_000;
        let top = G.scroll_to_center(n, vp, 1_234_567);
        let w = G.window(n, Viewport { scroll_top_px: top, height_px: 240.0 });
        assert!(w.first <= 1_234_567 && 1_234_567 < w.last, "{w:?}");
    }

    #[test]
    fn fetching_asks_only_for_rows_not_held() {
        let w = RowWindow { first: 40, last: 80, top_px: 0.0, total_px: 0.0 };
        // Nothing held: the drawn rows and 50 on each side.
        assert_eq!(fetch_range(&w, None, 1000, 50), Some(RowRange { from: 0, to: 130 }));
        // Held: nothing to ask.
        assert_eq!(fetch_range(&w, Some(RowRange { from: 0, to: 130 }), 1000, 50), None);
        // Scrolled past what is held: a new range around the drawn rows, cut to the list.
        let far = RowWindow { first: 960, last: 1000, top_px: 0.0, total_px: 0.0 };
        assert_eq!(fetch_range(&far, Some(RowRange { from: 0, to: 130 }), 1000, 50), Some(RowRange { from: 910, to: 1000 }));
        assert_eq!(RowRange { from: 5, to: 50 }.clamped(20), RowRange { from: 5, to: 20 });
        assert_eq!(RowRange { from: 30, to: 50 }.clamped(20), RowRange { from: 20, to: 20 });
    }
}
