//! Waterfall navigation: a key, the rows shown, the selection and the collapsed set
//! in; the span to select or the span to expand or collapse out. Also the time-window
//! arithmetic of the wheel (zoom at the pointer, pan) and of a drag on the ruler or
//! minimap. Pure; the browser layer reads the event and applies the answer.
//!
//! ```text
//! ↓ / j, ↑ / k     next / previous row (the first row when the selection is not shown)
//! Home / End       first / last row
//! ←                collapse an expanded span, else go to its parent
//! →                expand a collapsed span, else go to its first child
//! ```

use crate::model::{Span, TraceSet, NO_SPAN};
use crate::view_model::waterfall::{row_of, Collapsed, TimeWindow};

/// A tree-navigation key of the waterfall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NavKey {
    Down,
    Up,
    First,
    Last,
    /// ←: collapse, or go to the parent.
    Out,
    /// →: expand, or go to the first child.
    In,
}

impl NavKey {
    /// The navigation key of a `KeyboardEvent.key` value, if it is one.
    pub fn from_key(key: &str) -> Option<NavKey> {
        Some(match key {
            "ArrowDown" | "j" => NavKey::Down,
            "ArrowUp" | "k" => NavKey::Up,
            "Home" => NavKey::First,
            "End" => NavKey::Last,
            "ArrowLeft" => NavKey::Out,
            "ArrowRight" => NavKey::In,
            _ => return None,
        })
    }
}

/// What a navigation key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NavAction {
    /// Nothing (no rows, no selection, or nowhere to go).
    None,
    /// Select this span (an index into `set.spans`).
    Select(u32),
    /// Set one span's collapsed state (see [`Collapsed::set`]).
    SetCollapsed { span: u32, depth: u32, collapsed: bool },
}

/// The selected span with its index, when there is one.
fn span_of(set: &TraceSet, selected: Option<u32>) -> Option<(u32, &Span)> {
    let s = selected?;
    Some((s, set.spans.get(s as usize)?))
}

/// What `key` does with `rows` shown (indices into `set.spans`, in order), `selected`
/// selected and `collapsed` collapsed.
pub fn navigate(set: &TraceSet, rows: &[u32], collapsed: &Collapsed, selected: Option<u32>, key: NavKey) -> NavAction {
    let cur_row = selected.and_then(|s| row_of(rows, s));
    let select_row = |k: usize| rows.get(k).map_or(NavAction::None, |&s| NavAction::Select(s));
    match key {
        NavKey::Down => select_row(cur_row.map_or(0, |k| (k + 1).min(rows.len().saturating_sub(1)))),
        NavKey::Up => select_row(cur_row.map_or(0, |k| k.saturating_sub(1))),
        NavKey::First => select_row(0),
        NavKey::Last => select_row(rows.len().saturating_sub(1)),
        NavKey::Out => {
            let Some((s, sp)) = span_of(set, selected) else { return NavAction::None };
            if sp.child_count > 0 && !collapsed.is_collapsed(s, sp.depth) {
                NavAction::SetCollapsed { span: s, depth: sp.depth, collapsed: true }
            } else if sp.parent != NO_SPAN {
                NavAction::Select(sp.parent)
            } else {
                NavAction::None
            }
        }
        NavKey::In => {
            let Some((s, sp)) = span_of(set, selected) else { return NavAction::None };
            if sp.child_count == 0 {
                NavAction::None
            } else if collapsed.is_collapsed(s, sp.depth) {
                NavAction::SetCollapsed { span: s, depth: sp.depth, collapsed: false }
            } else {
                cur_row.map_or(NavAction::None, |k| select_row(k + 1))
            }
        }
    }
}

/// What the wheel does over the rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WheelMode {
    /// Zoom the time axis at the pointer.
    Zoom,
    /// Pan the time axis.
    Pan,
}

impl WheelMode {
    /// Ctrl, ⌘ or Alt zooms; Shift alone pans; a plain wheel scrolls the rows (`None`).
    pub fn of(ctrl: bool, meta: bool, alt: bool, shift: bool) -> Option<WheelMode> {
        if ctrl || meta || alt {
            Some(WheelMode::Zoom)
        } else if shift {
            Some(WheelMode::Pan)
        } else {
            None
        }
    }
}

/// The time window after one wheel step: `delta_y` (or `delta_x` when that is 0, as a
/// sideways trackpad sends) zooms around `anchor_frac` of the lane or pans.
pub fn wheel_window(
    win: TimeWindow,
    bounds: TimeWindow,
    mode: WheelMode,
    delta_y: f64,
    delta_x: f64,
    anchor_frac: f64,
) -> TimeWindow {
    let delta = if delta_y != 0.0 { delta_y } else { delta_x };
    match mode {
        WheelMode::Zoom => win.zoom((delta * 0.002).exp().clamp(0.2, 5.0), anchor_frac, bounds),
        WheelMode::Pan => win.pan((delta / 800.0).clamp(-0.5, 0.5), bounds),
    }
}

/// A drag shorter than this fraction of the lane is a click, not a zoom.
pub const MIN_DRAG_FRAC: f64 = 0.004;
/// The narrowest window a drag zooms to.
pub const MIN_DRAG_WINDOW_NS: f64 = 1000.0;

/// The window a drag from `a` to `b` (fractions of `base`, any order) zooms to, inside
/// `bounds`; `None` when the drag is too short to mean a range.
pub fn drag_window(base: TimeWindow, bounds: TimeWindow, a: f64, b: f64) -> Option<TimeWindow> {
    if (a - b).abs() < MIN_DRAG_FRAC {
        return None;
    }
    let z = base.sub(a, b);
    let z = if z.len_ns() < MIN_DRAG_WINDOW_NS { z.zoom(MIN_DRAG_WINDOW_NS / z.len_ns(), 0.5, bounds) } else { z };
    Some(z.clamped(bounds))
}
