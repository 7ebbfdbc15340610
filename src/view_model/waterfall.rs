//! Waterfall rows: (trace, collapsed set, filter, viewport) in, the rows to draw out.
//!
//! Everything here is a pure function of its arguments, so the browser layer only
//! has to render what comes back. The three steps:
//!
//! ```text
//! visible_rows(set, trace, collapsed, filter)  -> Vec<span index>   (O(rows shown))
//! ROWS.window(rows.len(), viewport)            -> first..last + top_px   (O(1), list_window)
//! bar(span, time window)                       -> left/width in % of the lane
//! ```

use std::collections::BTreeSet;

use crate::analysis::tree::children;
use crate::model::{DurNs, Span, TimeNs, TraceSet};
use crate::view_model::list_window::ListGeometry;

/// Height of one row in CSS pixels.
pub const ROW_HEIGHT_PX: f64 = 24.0;
/// Rows drawn above and below the visible ones.
pub const MARGIN_ROWS: usize = 10;
/// The waterfall's rows as a virtual list.
pub const ROWS: ListGeometry = ListGeometry { row_px: ROW_HEIGHT_PX, overscan_rows: MARGIN_ROWS };

/// Which spans are collapsed: a default by depth plus per-span exceptions.
///
/// `depth_limit = Some(d)` collapses every span at depth `>= d` (so `Some(0)` is
/// "collapse all"); a span in `toggled` has the opposite of its default state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collapsed {
    pub depth_limit: Option<u32>,
    pub toggled: BTreeSet<u32>,
}

impl Collapsed {
    pub fn all() -> Collapsed {
        Collapsed { depth_limit: Some(0), toggled: BTreeSet::new() }
    }
    pub fn none() -> Collapsed {
        Collapsed::default()
    }
    /// Shows `levels` levels of the tree (1 = roots only).
    pub fn to_depth(levels: u32) -> Collapsed {
        Collapsed { depth_limit: Some(levels.saturating_sub(1)), toggled: BTreeSet::new() }
    }
    pub fn is_collapsed(&self, span: u32, depth: u32) -> bool {
        let default = self.depth_limit.is_some_and(|d| depth >= d);
        default ^ self.toggled.contains(&span)
    }
    /// Sets one span's state.
    pub fn set(&mut self, span: u32, depth: u32, collapsed: bool) {
        let default = self.depth_limit.is_some_and(|d| depth >= d);
        if collapsed == default {
            self.toggled.remove(&span);
        } else {
            self.toggled.insert(span);
        }
    }
}

/// The rows shown, in order: indices into `set.spans`, depth-first pre-order.
///
/// `keep`, when given, is a mask over the trace's spans (index `i - trace.start`):
/// a span not kept is hidden with its whole subtree. Build it with [`keep_mask`].
pub fn visible_rows(set: &TraceSet, trace: usize, collapsed: &Collapsed, keep: Option<&[bool]>) -> Vec<u32> {
    let Some(t) = set.traces.get(trace) else { return Vec::new() };
    let range = t.spans.range();
    let (start, end) = (range.start, range.end.min(set.spans.len()));
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        let s = &set.spans[i];
        let next_sibling = (s.subtree_end as usize).clamp(i + 1, end);
        if let Some(mask) = keep
            && !mask.get(i - start).copied().unwrap_or(false) {
                i = next_sibling;
                continue;
            }
        out.push(i as u32);
        if s.child_count > 0 && collapsed.is_collapsed(i as u32, s.depth) {
            i = next_sibling;
        } else {
            i += 1;
        }
    }
    out
}

/// A mask over the trace's spans keeping `matches` (indices into `set.spans`) and
/// all their ancestors.
pub fn keep_mask(set: &TraceSet, trace: usize, matches: &[u32]) -> Vec<bool> {
    let Some(t) = set.traces.get(trace) else { return Vec::new() };
    let range = t.spans.range();
    let mut keep = vec![false; range.len()];
    for &m in matches {
        let mut i = m as usize;
        // Walk up until an already kept ancestor; each span is marked once.
        while range.contains(&i) && !keep[i - range.start] {
            keep[i - range.start] = true;
            let p = set.spans[i].parent;
            if p == crate::model::NO_SPAN {
                break;
            }
            i = p as usize;
        }
    }
    keep
}

/// The ancestors of a span, nearest first.
pub fn ancestors(set: &TraceSet, span: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut i = span as usize;
    while let Some(s) = set.spans.get(i) {
        if s.parent == crate::model::NO_SPAN || s.parent as usize >= i {
            break;
        }
        out.push(s.parent);
        i = s.parent as usize;
    }
    out
}

/// Expands every collapsed ancestor of `span` so that it becomes a row.
pub fn reveal(set: &TraceSet, collapsed: &mut Collapsed, span: u32) {
    for a in ancestors(set, span) {
        let d = set.spans[a as usize].depth;
        if collapsed.is_collapsed(a, d) {
            collapsed.set(a, d, false);
        }
    }
}

/// A time window over a trace, as offsets from the trace start in nanoseconds
/// (absolute epoch nanoseconds do not fit an f64 exactly).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeWindow {
    pub start_ns: f64,
    pub end_ns: f64,
}

/// Offset of an absolute time from the trace start, exact before the float conversion.
pub fn offset_ns(t_ns: TimeNs, trace_start_ns: TimeNs) -> f64 {
    (t_ns as i128 - trace_start_ns as i128) as f64
}

impl TimeWindow {
    /// The whole trace.
    pub fn of_trace(duration_ns: DurNs) -> TimeWindow {
        TimeWindow { start_ns: 0.0, end_ns: duration_ns.max(1) as f64 }
    }
    pub fn len_ns(&self) -> f64 {
        (self.end_ns - self.start_ns).max(1.0)
    }
    /// Position of an offset in percent of the lane (may be outside 0..100).
    pub fn pct(&self, t_ns: f64) -> f64 {
        (t_ns - self.start_ns) / self.len_ns() * 100.0
    }
    /// Zooms by `factor` (< 1 zooms in) around the point at `anchor_frac` (0..1) of the
    /// window, staying inside `bounds`.
    pub fn zoom(&self, factor: f64, anchor_frac: f64, bounds: TimeWindow) -> TimeWindow {
        let len = (self.len_ns() * factor).clamp(1000.0_f64.min(bounds.len_ns()), bounds.len_ns());
        let anchor = self.start_ns + self.len_ns() * anchor_frac.clamp(0.0, 1.0);
        let start = anchor - len * anchor_frac.clamp(0.0, 1.0);
        TimeWindow { start_ns: start, end_ns: start + len }.clamped(bounds)
    }
    /// Moves by `frac` of the window width, staying inside `bounds`.
    pub fn pan(&self, frac: f64, bounds: TimeWindow) -> TimeWindow {
        let d = self.len_ns() * frac;
        TimeWindow { start_ns: self.start_ns + d, end_ns: self.end_ns + d }.clamped(bounds)
    }
    /// Shifts (without resizing) so that the window lies in `bounds`.
    pub fn clamped(&self, bounds: TimeWindow) -> TimeWindow {
        let len = self.len_ns().min(bounds.len_ns());
        let start = self.start_ns.clamp(bounds.start_ns, bounds.end_ns - len);
        TimeWindow { start_ns: start, end_ns: start + len }
    }
    /// A sub-window from fractions `a`..`b` (any order) of this one.
    pub fn sub(&self, a: f64, b: f64) -> TimeWindow {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        TimeWindow { start_ns: self.start_ns + self.len_ns() * a, end_ns: self.start_ns + self.len_ns() * b }
    }
}

/// Where a bar sits in the lane, in percent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    pub left_pct: f64,
    pub width_pct: f64,
    /// The duration label goes left of the bar (the bar ends near the right edge).
    pub label_left: bool,
    /// No room on either side: the label goes inside the bar, at its right end.
    pub label_inside: bool,
    /// Entirely outside the window.
    pub off_screen: bool,
}

/// Bars narrower than this are drawn this wide so that they stay visible.
pub const MIN_BAR_PCT: f64 = 0.15;

/// The bar of a span in a trace starting at `trace_start_ns`.
pub fn bar(span: &Span, trace_start_ns: TimeNs, win: TimeWindow) -> Bar {
    let l = win.pct(offset_ns(span.start_ns, trace_start_ns));
    let r = win.pct(offset_ns(span.end_ns(), trace_start_ns));
    let off_screen = r < 0.0 || l > 100.0;
    let left = l.clamp(0.0, 100.0);
    let right = r.clamp(0.0, 100.0);
    let width = (right - left).max(MIN_BAR_PCT);
    let left = left.min(100.0 - MIN_BAR_PCT);
    let label_left = left + width > 75.0;
    Bar { left_pct: left, width_pct: width, label_left, label_inside: label_left && left < 12.0, off_screen }
}

/// Merged intervals of `[start, end)` pairs sorted by start.
fn merge_sorted(iv: impl Iterator<Item = (u64, u64)>, gap_ns: u64) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (a, b) in iv {
        match out.last_mut() {
            Some(last) if a <= last.1.saturating_add(gap_ns) => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Parts of a span's time covered by its direct children, clipped to the span.
fn child_cover(set: &TraceSet, span: u32, gap_ns: u64) -> Vec<(u64, u64)> {
    let Some(s) = set.spans.get(span as usize) else { return Vec::new() };
    let (s0, s1) = (s.start_ns, s.end_ns());
    let mut iv: Vec<(u64, u64)> = children(set, span)
        .map(|c| {
            let c = &set.spans[c as usize];
            (c.start_ns.clamp(s0, s1), c.end_ns().clamp(s0, s1))
        })
        .filter(|(a, b)| b > a)
        .collect();
    // Siblings are sorted by start already except for clock-skew clamping; sort anyway (stable, cheap when sorted).
    iv.sort_unstable();
    merge_sorted(iv.into_iter(), gap_ns)
}

/// Child-covered parts of a bar as (left %, width %) of the bar itself, at most
/// `max_segments` (close segments merge) — the rest of the bar is self time.
pub fn child_cover_segments(set: &TraceSet, span: u32, max_segments: usize) -> Vec<(f64, f64)> {
    let Some(s) = set.spans.get(span as usize) else { return Vec::new() };
    let dur = s.duration_ns.max(1) as f64;
    let mut gap = 0u64;
    loop {
        let cover = child_cover(set, span, gap);
        if cover.len() <= max_segments || gap >= s.duration_ns {
            return cover
                .into_iter()
                .take(max_segments)
                .map(|(a, b)| ((a - s.start_ns) as f64 / dur * 100.0, (b - a) as f64 / dur * 100.0))
                .collect();
        }
        gap = (gap * 4).max(s.duration_ns / 200).max(1);
    }
}

/// Event positions on a bar, in percent of the bar (clamped to 0..100).
pub fn event_ticks(set: &TraceSet, span: u32, max_ticks: usize) -> Vec<f64> {
    let Some(s) = set.spans.get(span as usize) else { return Vec::new() };
    let dur = s.duration_ns.max(1) as f64;
    let mut out: Vec<f64> = set.events[s.events.range()]
        .iter()
        .map(|e| (offset_ns(e.time_ns, s.start_ns) / dur * 100.0).clamp(0.0, 100.0))
        .collect();
    out.sort_by(|a, b| a.total_cmp(b));
    out.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    out.truncate(max_ticks);
    out
}

/// Row index of a span in the visible rows (binary search: rows are in pre-order).
pub fn row_of(rows: &[u32], span: u32) -> Option<usize> {
    rows.binary_search(&span).ok()
}

/// Where an LLM badge goes relative to its bar and the duration label.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BadgeSlot {
    /// In the label group, after the duration (the label is right of the bar).
    AfterLabel,
    /// In the label group, before the duration (the label is left of or inside the bar).
    BeforeLabel,
    /// Inside the bar, against its right end (the label is outside, so they cannot meet).
    InsideEnd,
}

/// A badge's slot and the most pixels it may take (longer text is cut with an ellipsis).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BadgePlace {
    pub slot: BadgeSlot,
    pub max_px: f64,
}

/// Estimated width in px of `chars` characters of the 11 px label font (generous,
/// so that "fits" holds in every common font).
pub fn label_px(chars: usize) -> f64 {
    chars as f64 * 6.6 + 10.0
}

/// Gap between the duration label and a badge next to it, px.
const BADGE_GAP_PX: f64 = 6.0;
/// A badge is never squeezed below this width.
const BADGE_MIN_PX: f64 = 48.0;

/// Places a badge of (estimated) `badge_px` for a bar in a lane `lane_px` wide whose
/// duration label is `dur_px` wide. The badge never overlaps the label: either both
/// sit in one flowing group, or the badge is inside the bar while the label is outside.
pub fn badge_place(bar: &Bar, lane_px: f64, dur_px: f64, badge_px: f64) -> BadgePlace {
    let lane = lane_px.max(1.0);
    let left = bar.left_pct / 100.0 * lane;
    let bar_px = bar.width_pct / 100.0 * lane;
    let right = left + bar_px;
    let inside_room = bar_px - 8.0;
    let fit = |room: f64| BadgePlace { slot: BadgeSlot::AfterLabel, max_px: room.max(BADGE_MIN_PX) };
    if bar.label_inside {
        // The label sits at the bar's right end; the badge goes just before it.
        let room = bar_px - dur_px - BADGE_GAP_PX - 8.0;
        return BadgePlace { slot: BadgeSlot::BeforeLabel, ..fit(room) };
    }
    if bar.label_left {
        if inside_room >= badge_px {
            return BadgePlace { slot: BadgeSlot::InsideEnd, max_px: badge_px };
        }
        let room_left = left - dur_px - BADGE_GAP_PX;
        if room_left >= badge_px || room_left >= inside_room {
            return BadgePlace { slot: BadgeSlot::BeforeLabel, ..fit(room_left) };
        }
        return BadgePlace { slot: BadgeSlot::InsideEnd, ..fit(inside_room) };
    }
    let room_right = lane - right - dur_px - BADGE_GAP_PX;
    if room_right >= badge_px {
        return BadgePlace { slot: BadgeSlot::AfterLabel, max_px: badge_px };
    }
    if inside_room >= badge_px || inside_room > room_right {
        return BadgePlace { slot: BadgeSlot::InsideEnd, ..fit(inside_room) };
    }
    fit(room_right)
}

/// Badge text for at most `max_px`: when the whole text does not fit, the model name
/// (the part before the first ` · `) is shortened with a middle `…`, so that tokens and
/// cost stay whole; the full text goes in the tooltip. Below a few model characters
/// the text is returned as is (CSS cuts it with an ellipsis).
pub fn fit_badge_text(text: &str, max_px: f64) -> String {
    let chars = text.chars().count();
    if label_px(chars) <= max_px {
        return text.to_string();
    }
    let Some((model, rest)) = text.split_once(" · ") else { return text.to_string() };
    let budget = ((max_px - 10.0) / 6.6).floor() as isize - rest.chars().count() as isize - 3;
    let model_chars: Vec<char> = model.chars().collect();
    if budget < 6 || model_chars.len() as isize <= budget {
        return text.to_string();
    }
    let keep = budget as usize - 1; // one for the ellipsis
    let head = keep.div_ceil(2);
    let tail = keep - head;
    let short: String = model_chars[..head].iter().chain(std::iter::once(&'…')).chain(model_chars[model_chars.len() - tail..].iter()).collect();
    format!("{short} · {rest}")
}

#[cfg(test)]
mod badge_tests {
    use super::*;

    fn bar(left_pct: f64, width_pct: f64) -> Bar {
        let label_left = left_pct + width_pct > 75.0;
        Bar { left_pct, width_pct, label_left, label_inside: label_left && left_pct < 12.0, off_screen: false }
    }

    #[test]
    fn a_short_early_bar_puts_the_badge_after_the_label() {
        let p = badge_place(&bar(5.0, 10.0), 1000.0, 40.0, 300.0);
        assert_eq!(p, BadgePlace { slot: BadgeSlot::AfterLabel, max_px: 300.0 });
    }

    #[test]
    fn a_wide_bar_near_the_end_holds_the_badge_inside_its_right_end() {
        // The demo's generate call: ~24%..94% of the lane, label left of the bar.
        let b = bar(24.0, 70.0);
        assert!(b.label_left && !b.label_inside);
        let p = badge_place(&b, 1000.0, 40.0, 330.0);
        assert_eq!(p, BadgePlace { slot: BadgeSlot::InsideEnd, max_px: 330.0 });
    }

    #[test]
    fn a_narrow_bar_near_the_end_puts_the_badge_before_the_label() {
        let p = badge_place(&bar(60.0, 30.0), 1000.0, 40.0, 330.0);
        assert_eq!(p.slot, BadgeSlot::BeforeLabel);
        assert!(p.max_px >= 330.0);
    }

    #[test]
    fn a_full_width_bar_keeps_the_badge_before_the_inside_label_and_cuts_it() {
        let b = bar(0.0, 100.0);
        assert!(b.label_inside);
        let p = badge_place(&b, 300.0, 40.0, 330.0);
        assert_eq!(p.slot, BadgeSlot::BeforeLabel);
        assert!(p.max_px < 300.0 - 40.0, "{p:?}");
    }

    #[test]
    fn a_short_room_shortens_the_model_and_keeps_tokens_and_cost() {
        let t = "claude-3-5-sonnet-20241022 · 2,847→612 tok · $0.017721";
        assert_eq!(fit_badge_text(t, 1000.0), t);
        let short = fit_badge_text(t, 300.0);
        assert!(short.ends_with(" · 2,847→612 tok · $0.017721"), "{short}");
        assert!(short.starts_with("claude") && short.contains('…') && short.contains("1022"), "{short}");
        assert!(label_px(short.chars().count()) <= 300.0, "{short}");
        // No room even for tokens and cost: unchanged (CSS cuts it).
        assert_eq!(fit_badge_text(t, 120.0), t);
        assert_eq!(fit_badge_text("no separator here at all", 20.0), "no separator here at all");
    }

    #[test]
    fn no_room_anywhere_still_gives_a_legible_minimum() {
        let p = badge_place(&bar(50.0, 1.0), 100.0, 40.0, 330.0);
        assert!(p.max_px >= BADGE_MIN_PX);
        assert_eq!(label_px(0), 10.0);
    }
}
