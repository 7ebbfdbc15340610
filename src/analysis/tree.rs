//! Tree walks over the pre-order span layout: a [`TraceSet`] and a span index in,
//! the span's direct children out (no recursion, no allocation).

use crate::model::TraceSet;

/// Direct children of span `span` (indices into `set.spans`), in pre-order, i.e.
/// sorted by start time. Skips over each child's subtree; O(children).
pub fn children(set: &TraceSet, span: u32) -> Children<'_> {
    let end = set.spans.get(span as usize).map(|s| s.subtree_end).unwrap_or(0);
    Children { set, next: span.saturating_add(1), end }
}

/// Iterator returned by [`children`].
pub struct Children<'a> {
    set: &'a TraceSet,
    next: u32,
    end: u32,
}

impl Iterator for Children<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next >= self.end {
            return None;
        }
        let c = self.next;
        let s = self.set.spans.get(c as usize)?;
        // A subtree end never points backwards; guard anyway so a bad value cannot loop.
        self.next = s.subtree_end.max(c + 1);
        Some(c)
    }
}
